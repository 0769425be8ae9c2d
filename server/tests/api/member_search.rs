//! Member search (issue 25): served by a trigram index on both databases
//! (FTS5 `trigram` on SQLite, `pg_trgm` GIN on PostgreSQL), with the same
//! members found either way: each database's answers are compared with one
//! reference (a case-insensitive "contains" over email and name), and on
//! SQLite the index's answers with the plain LIKE walk's.

use app::backend::DbKind;
use app::backend::db::members::{self, MemberFilter, SearchPlan};
use sqlx::Row;

use crate::helpers::{TestApp, spawn_app};

/// (email, first name, last name, status) of the first tenant's members.
const PEOPLE: &[(&str, &str, &str, &str)] = &[
    ("ada@example.com", "Ada", "Lovelace", "ACTIVE"),
    ("bob.oneil@example.org", "Bob", "O'Neil", "ACTIVE"),
    ("zoe@example.de", "Zoë", "müller", "DISABLED"),
    ("pc@example.com", "Per%cent", "Under_score", "ACTIVE"),
    ("q@example.com", "Q\"uote", "Marks", "ACTIVE"),
    ("gone@example.com", "Del", "Eted", "DELETED"),
    ("grace@hopper.test", "Grace", "Hopper", "ACTIVE"),
];

const QUERIES: &[&str] = &[
    "ada",
    "ADA",
    "lovelace",
    "ada lov",
    "a l",
    "e",
    "ex",
    "example",
    "@example.org",
    "o'n",
    "müller",
    "zoë",
    "%",
    "_",
    "per%",
    "r_s",
    "q\"u",
    "eted",
    "gone",
    "hopper.test",
    "nobody",
    "grace hopper",
];

/// Adds `people` to `tenant` straight through SQL; returns nothing.
async fn seed(app: &TestApp, tenant: i64, people: &[(String, String, String, String)]) {
    let mut tx = app.state.db.begin().await.unwrap();
    for (n, (email, first, last, status)) in people.iter().enumerate() {
        let account: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (email, password_hash, first_name, last_name, email_verified_at, created_at, updated_at) \
             VALUES ($1, 'x', $2, $3, 1, $4, $4) RETURNING id",
        )
        .bind(email)
        .bind(first)
        .bind(last)
        .bind(1_000 + n as i64)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO members (tenant_id, account_id, status, roles, meta, external_id, created_at, updated_at) \
             VALUES ($1, $2, $3, '[\"extractor-user\"]', '{}', $4, $5, $5)",
        )
        .bind(tenant)
        .bind(account)
        .bind(status)
        .bind(account.to_string())
        .bind(1_000 + n as i64)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn tenant(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO tenants (name, created_at, updated_at) VALUES ($1, 1, 1) RETURNING id",
    )
    .bind(name)
    .fetch_one(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap()
}

/// The emails a plan finds for `search` (lower-case) in `tenant`, sorted.
async fn found(app: &TestApp, tenant: i64, plan: SearchPlan, search: &str) -> Vec<String> {
    let mut conn = app.state.db.read().await.unwrap();
    let rows = sqlx::query(&members::list_sql(plan))
        .bind(tenant)
        .bind("")
        .bind(plan.argument(search))
        .bind(100_i64)
        .bind(0_i64)
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{plan:?} {search:?}: {e}"));
    let mut emails: Vec<String> = rows.iter().map(|r| r.get("email")).collect();
    emails.sort();
    emails
}

#[tokio::test]
async fn member_search_finds_the_same_members_on_every_database_and_plan() {
    let app = spawn_app().await;
    let acme = tenant(&app, "Acme").await;
    let other = tenant(&app, "Other").await;
    let people: Vec<_> = PEOPLE
        .iter()
        .map(|(e, f, l, s)| (e.to_string(), f.to_string(), l.to_string(), s.to_string()))
        .collect();
    seed(&app, acme, &people).await;
    // Another tenant's Ada is never found in Acme.
    let outsider = vec![(
        "ada.other@example.com".to_owned(),
        "Ada".to_owned(),
        "Other".to_owned(),
        "ACTIVE".to_owned(),
    )];
    seed(&app, other, &outsider).await;

    let mut checked = 0;
    for query in QUERIES {
        let search = query.trim().to_lowercase();
        let mut expected: Vec<String> = PEOPLE
            .iter()
            .filter(|(email, first, last, status)| {
                *status != "DELETED"
                    && (email.contains(&search)
                        || format!("{first} {last}").to_lowercase().contains(&search))
            })
            .map(|(email, ..)| email.to_string())
            .collect();
        expected.sort();
        // What the service uses on this database.
        let filter = MemberFilter {
            tenant_id: acme,
            status: "",
            search: &search,
        };
        let mut conn = app.state.db.read_direct().await.unwrap();
        let mut served: Vec<String> = members::list_page(&mut conn, &filter, 100, 0)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.email)
            .collect();
        served.sort();
        assert_eq!(served, expected, "search {query:?}");
        let total = members::count(&mut conn, &filter).await.unwrap();
        assert_eq!(total, expected.len() as i64, "count {query:?}");
        // The total given with any page is the same count: counted when
        // the page is full, else (a short page ends the list) the rows
        // before and on it.
        for (limit, offset) in [(1, 0), (100, 0), (2, 1), (3, 2), (1, 200)] {
            let (page, with_page) =
                members::list_page_with_total(&mut conn, &filter, limit, offset)
                    .await
                    .unwrap();
            let rest = (expected.len() as i64 - offset).clamp(0, limit);
            assert_eq!(page.len() as i64, rest, "page {limit}@{offset} {query:?}");
            assert_eq!(with_page, total, "total with {limit}@{offset} {query:?}");
        }
        drop(conn);
        // On SQLite, the trigram index and the LIKE walk agree.
        if app.state.db.kind == DbKind::Sqlite && search.chars().count() >= 3 {
            assert_eq!(
                found(&app, acme, SearchPlan::Trigram, &search).await,
                found(&app, acme, SearchPlan::Like, &search).await,
                "trigram vs LIKE for {query:?}"
            );
        }
        checked += usize::from(!expected.is_empty());
    }
    assert!(checked > 10, "most queries find someone: {checked}");

    // A renamed account is found by its new name only (the index follows).
    sqlx::query("UPDATE accounts SET first_name = 'Augusta' WHERE email = 'ada@example.com'")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let mut conn = app.state.db.read_direct().await.unwrap();
    for (search, expected) in [("augusta", vec!["ada@example.com"]), ("ada lov", vec![])] {
        let filter = MemberFilter {
            tenant_id: acme,
            status: "",
            search,
        };
        let served: Vec<String> = members::list_page(&mut conn, &filter, 100, 0)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.email)
            .collect();
        assert_eq!(served, expected, "after the rename: {search}");
    }
}

#[tokio::test]
async fn a_member_search_is_served_by_the_trigram_index() {
    let app = spawn_app().await;
    let acme = tenant(&app, "Acme").await;
    let people: Vec<_> = (0..3_000)
        .map(|n| {
            (
                format!("m{n}@seed.test"),
                format!("First{n}"),
                format!("Last{n}"),
                "ACTIVE".to_owned(),
            )
        })
        .collect();
    seed(&app, acme, &people).await;
    let mut conn = app.state.db.read().await.unwrap();
    if app.state.db.kind == DbKind::Postgres {
        // PostgreSQL's planner rightly walks a few thousand members: give
        // the tenant 100,000 more, the size where the index is what a
        // search needs.
        for sql in [
            "INSERT INTO accounts (email, password_hash, first_name, last_name, created_at, updated_at) \
             SELECT 'm' || n || '@seed.test', 'x', 'First' || n, 'Last' || n, 1, 1 \
             FROM generate_series(3000, 102999) n",
            "INSERT INTO members (tenant_id, account_id, status, roles, meta, external_id, created_at, updated_at) \
             SELECT $1, id, 'ACTIVE', '[\"extractor-user\"]', '{}', CAST(id AS TEXT), 1, 1 \
             FROM accounts WHERE id > (SELECT MIN(account_id) + 2999 FROM members WHERE tenant_id = $1)",
        ] {
            sqlx::query(sql)
                .bind(acme)
                .execute(&mut *conn)
                .await
                .unwrap();
        }
    }
    sqlx::query("ANALYZE").execute(&mut *conn).await.unwrap();
    let (explain, argument, index) = match app.state.db.kind {
        DbKind::Sqlite => (
            "EXPLAIN QUERY PLAN",
            "\"m1234\"",
            "accounts_search VIRTUAL TABLE",
        ),
        DbKind::Postgres => ("EXPLAIN", "%m1234%", "_trgm_idx"),
    };
    let plan = SearchPlan::of(&conn, "m1234");
    let rows = sqlx::query(&format!("{explain} {}", members::list_sql(plan)))
        .bind(acme)
        .bind("")
        .bind(argument)
        .bind(25_i64)
        .bind(0_i64)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let lines: Vec<String> = rows
        .iter()
        .map(|r| match app.state.db.kind {
            DbKind::Sqlite => r.get::<String, _>("detail"),
            DbKind::Postgres => r.get::<String, _>(0),
        })
        .collect();
    assert!(
        lines.iter().any(|l| l.contains(index)),
        "{index} not in the plan:\n{}",
        lines.join("\n")
    );
    // SQLite starts from the index's matches (PostgreSQL, with 3,000
    // members here, may rightly hash-join them).
    assert!(
        !lines.iter().any(|l| l.starts_with("SCAN m")),
        "walks the members:\n{}",
        lines.join("\n")
    );
    // And it finds m1234 (and, with PostgreSQL's 100,000 more, m12340 to
    // m12349), nobody else.
    let filter = MemberFilter {
        tenant_id: acme,
        status: "",
        search: "m1234",
    };
    let found = members::list_page(&mut conn, &filter, 25, 0).await.unwrap();
    let expected = match app.state.db.kind {
        DbKind::Sqlite => 1,
        DbKind::Postgres => 11,
    };
    assert_eq!(found.len(), expected);
    assert!(found.iter().all(|m| m.email.starts_with("m1234")));
    assert!(found.iter().any(|m| m.email == "m1234@seed.test"));
    if app.state.db.kind == DbKind::Postgres {
        // A statement kept prepared gets a generic plan after its fifth run,
        // which for an unknown pattern walks all 100,000 members (the plan
        // EXPLAIN shows above is the one for this pattern). So the search's
        // page and count are never kept, however often they run.
        for _ in 0..8 {
            let (page, total) = members::list_page_with_total(&mut conn, &filter, 25, 0)
                .await
                .unwrap();
            assert_eq!((page.len(), total), (11, 11));
        }
        // A fragment every member has fills the page, so it is counted:
        // up to the cap (and that count is not kept prepared either).
        let everyone = MemberFilter {
            search: "seed.test",
            ..filter
        };
        let (page, total) = members::list_page_with_total(&mut conn, &everyone, 25, 0)
            .await
            .unwrap();
        assert_eq!((page.len(), total), (25, members::COUNT_CAP + 1));
        let kept: Vec<String> = sqlx::query_scalar(
            "SELECT statement FROM pg_prepared_statements \
             WHERE statement LIKE '%LIKE $3%' AND statement NOT LIKE 'EXPLAIN %'",
        )
        .persistent(false)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        assert!(kept.is_empty(), "kept prepared: {kept:?}");
    }
}
