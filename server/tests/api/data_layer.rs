//! The data layer's two rules, checked: SQL lives only in
//! `app/src/backend/db/`, and the hot queries are served by indexes, never
//! by a scan of a table that grows with use (issue 9).

use std::path::{Path, PathBuf};

use app::backend::DbKind;
use app::backend::db::{
    api_tokens, audit_events, domains, exec, invites, join_requests, members, outbox_mail, scim,
    sessions, tenants, webhooks,
};
use sqlx::Row;

use crate::helpers::spawn_app;

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn sql_lives_only_in_the_data_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let data_layer = root.join("app/src/backend/db");
    let mut files = Vec::new();
    source_files(&root.join("app/src"), &mut files);
    source_files(&root.join("server/src"), &mut files);
    let markers = [
        "sqlx::query",
        "\"SELECT ",
        "\"INSERT INTO",
        "\"UPDATE ",
        "\"DELETE FROM",
    ];
    let mut found = Vec::new();
    for file in &files {
        if file.starts_with(&data_layer) || file.ends_with("app/src/backend/db.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("read source file");
        for (n, line) in text.lines().enumerate() {
            if markers.iter().any(|m| line.contains(m)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.len() < files.len(), "the walk saw the sources");
    assert!(
        found.is_empty(),
        "SQL outside app/src/backend/db/:\n{}",
        found.join("\n")
    );
}

/// A bind value for EXPLAIN.
enum P {
    I(i64),
    T(&'static str),
    S(String),
}

/// Lists whose pages come in an index's order, never sorted whole.
const IN_INDEX_ORDER: [&str; 4] = [
    "invitation list",
    "invitation list, pending",
    "invitation list, expired",
    "invitation list, revoked",
];

/// Tables that grow with use: none may be scanned by a hot query.
const GROWING: [&str; 10] = [
    "invites",
    "members",
    "audit_events",
    "sessions",
    "outbox_mail",
    "webhook_deliveries",
    "scim_users",
    "scim_groups",
    "scim_group_members",
    "join_requests",
];

#[tokio::test]
async fn hot_queries_are_served_by_indexes() {
    use P::{I, S, T};
    let app = spawn_app().await;
    // Each variant of the invitation list (and its capped count) is its own SQL.
    let filter = |shown, email_prefix, organisation| invites::ListFilter {
        tenant_id: 1,
        shown,
        email_prefix,
        organisation,
        now: 1,
        expiring_before: 2,
    };
    let invite_lists: Vec<(&str, (String, Vec<exec::Arg>))> = vec![
        (
            "invitation list",
            invites::list_sql(&filter(invites::Shown::All, "", 0), 25, 0),
        ),
        (
            "invitation list, pending",
            invites::list_sql(&filter(invites::Shown::Pending, "", 0), 25, 0),
        ),
        (
            "invitation list, expiring",
            invites::list_sql(&filter(invites::Shown::Expiring, "", 0), 25, 0),
        ),
        (
            "invitation list, expired",
            invites::list_sql(&filter(invites::Shown::Expired, "", 0), 25, 0),
        ),
        (
            "invitation list, revoked",
            invites::list_sql(&filter(invites::Shown::Stored("revoked"), "", 0), 25, 0),
        ),
        (
            "invitation list, by address",
            invites::list_sql(&filter(invites::Shown::All, "bob@", 0), 25, 0),
        ),
        (
            "invitation list, organisation",
            invites::list_sql(&filter(invites::Shown::Pending, "", 3), 25, 0),
        ),
        (
            "invitation count, pending",
            invites::count_sql(&filter(invites::Shown::Pending, "", 0), 10_000),
        ),
        (
            "invitation count, by address",
            invites::count_sql(&filter(invites::Shown::Pending, "bo", 0), 10_000),
        ),
    ];
    let expire_due = invites::expire_due_sql();
    let list_members = members::list_sql(members::SearchPlan::None);
    let count_members = members::count_sql(members::SearchPlan::None);
    // A search of three characters or more: the trigram index on either database.
    let search_plan = match app.state.db.kind {
        DbKind::Sqlite => members::SearchPlan::Trigram,
        DbKind::Postgres => members::SearchPlan::Like,
    };
    let search_phrase = match app.state.db.kind {
        DbKind::Sqlite => "\"m4242\"",
        DbKind::Postgres => "%m4242%",
    };
    let search_members = members::list_sql(search_plan);
    let count_search = members::count_sql(search_plan);
    let scim_all_users = scim::user_list_sql(scim::Narrow::All);
    let tenant_counters = tenants::counters_sql();
    let api_token = api_tokens::find_active_sql();
    let scim_user_by_name = scim::user_list_sql(scim::Narrow::Key(""));
    let scim_user_by_external = scim::user_list_sql(scim::Narrow::ExternalId(""));
    let scim_group_by_name = scim::group_list_sql(scim::Narrow::Key(""));
    let mut cases: Vec<(&str, &str, Vec<P>)> = vec![
        (
            "what an invitation must know (member? pending? language, seats)",
            invites::INVITE_CONTEXT_SQL,
            vec![I(1), T("a@example.com")],
        ),
        (
            "claim by token",
            invites::CLAIM_BY_TOKEN_SQL,
            vec![I(1), T("hash")],
        ),
        (
            "claim by email",
            invites::CLAIM_NEWEST_FOR_EMAIL_SQL,
            vec![I(1), T("a@example.com"), I(0)],
        ),
        (
            "invitations waiting for an address (home page)",
            invites::WAITING_FOR_EMAIL_SQL,
            vec![T("a@example.com"), I(1), I(20)],
        ),
        ("preview", invites::PREVIEW_SQL, vec![T("hash")]),
        ("first invitation?", invites::ANY_IN_TENANT_SQL, vec![I(1)]),
        ("expiry sweep", &expire_due, vec![I(1), I(500)]),
        (
            "due reminders",
            invites::DUE_REMINDERS_SQL,
            vec![I(1), I(2), I(100)],
        ),
        (
            "funnel",
            invites::FUNNEL_SQL,
            vec![I(1), I(0), I(604_800_000), I(1)],
        ),
        (
            "member list",
            &list_members,
            vec![I(1), T(""), T(""), I(25), I(0)],
        ),
        ("member count", &count_members, vec![I(1), T(""), T("")]),
        (
            "member search",
            &search_members,
            vec![I(1), T(""), T(search_phrase), I(25), I(0)],
        ),
        (
            "member search count",
            &count_search,
            vec![I(1), T(""), T(search_phrase)],
        ),
        ("active managers", members::ACTIVE_MANAGERS_SQL, vec![I(1)]),
        ("membership", members::MEMBERSHIP_SQL, vec![I(1), I(1)]),
        (
            "the account's only tenant",
            members::SOLE_MEMBERSHIP_SQL,
            vec![I(1)],
        ),
        (
            "tenants joinable by domain",
            domains::JOINABLE_SQL,
            vec![T("example.com"), I(1), I(0)],
        ),
        (
            "pending join requests",
            join_requests::PENDING_PAGE_SQL,
            vec![I(1), I(0), I(20), I(0)],
        ),
        (
            "tenants due a join request digest",
            join_requests::DUE_DIGEST_SQL,
            vec![I(0), I(0), I(100)],
        ),
        (
            "removed at the same mailbox",
            members::REMOVED_MAILBOX_SQL,
            vec![I(1), I(1)],
        ),
        (
            "active member by email",
            members::ACTIVE_BY_EMAIL_SQL,
            vec![I(1), T("a@example.com")],
        ),
        (
            "audit page",
            audit_events::LIST_SQL,
            vec![I(1), T("%%"), T(""), I(25), I(0)],
        ),
        (
            "audit count",
            audit_events::COUNT_SQL,
            vec![I(1), T("%%"), T("")],
        ),
        ("session load", sessions::LOAD_SQL, vec![T("id"), I(1)]),
        (
            "API token, with its account",
            &api_token,
            vec![T("hash"), I(1)],
        ),
        ("session clean-up", sessions::DELETE_EXPIRED_SQL, vec![I(1)]),
        (
            "sign out everywhere",
            sessions::DELETE_FOR_ACCOUNT_SQL,
            vec![I(1)],
        ),
        ("outbox claim", outbox_mail::CLAIM_SQL, vec![I(2), I(1)]),
        (
            "mails marked sent",
            outbox_mail::mark_sent_sql(),
            (1..=1 + outbox_mail::IDS_PER_STATEMENT as i64)
                .map(I)
                .collect(),
        ),
        (
            "a replaced link",
            invites::REPLACED_LINK_SQL,
            vec![T("hash")],
        ),
        (
            "cancel an invitation's unsent mail",
            outbox_mail::CANCEL_UNSENT_FOR_INVITE_SQL,
            vec![I(1), I(1)],
        ),
        (
            "sent mail clean-up",
            outbox_mail::PRUNE_SENT_SQL,
            vec![I(1), I(1000)],
        ),
        (
            "given-up mail clean-up",
            outbox_mail::PRUNE_GIVEN_UP_SQL,
            vec![I(1), I(outbox_mail::NEVER), I(1000)],
        ),
        ("a tenant's counters", &tenant_counters, vec![I(1)]),
        (
            "seats reserved, expired but not yet swept",
            tenants::STALE_PENDING_SQL,
            vec![I(1), I(1)],
        ),
        (
            "webhook claim",
            webhooks::CLAIM_SQL,
            vec![I(2), I(1), I(1), I(2)],
        ),
        (
            "endpoints with due webhook deliveries",
            webhooks::DUE_ENDPOINTS_SQL,
            vec![I(1), I(0), I(1000)],
        ),
        (
            "webhook delivery count",
            webhooks::COUNT_DELIVERIES_SQL,
            vec![I(1)],
        ),
        (
            "webhook delivery clean-up",
            webhooks::PRUNE_SQL,
            vec![I(1), I(1000)],
        ),
        ("SCIM users, a page", &scim_all_users, vec![I(1)]),
        (
            "SCIM user by userName",
            &scim_user_by_name,
            vec![I(1), T("ann@example.com")],
        ),
        (
            "SCIM user by externalId",
            &scim_user_by_external,
            vec![I(1), T("00u1")],
        ),
        (
            "SCIM group by displayName",
            &scim_group_by_name,
            vec![I(1), T("engineering")],
        ),
        (
            "SCIM group members",
            scim::GROUP_MEMBERS_SQL,
            vec![T("g"), I(100)],
        ),
        (
            "SCIM mapped groups of a user",
            scim::MAPPED_GROUPS_SQL,
            vec![T("u")],
        ),
    ];
    for (name, (sql, args)) in &invite_lists {
        let binds = args
            .iter()
            .map(|a| match a {
                exec::Arg::Int(Some(v)) => I(*v),
                exec::Arg::Text(Some(v)) => S(v.to_string()),
                other => panic!("{name}: a list's filter binds no NULL ({other:?})"),
            })
            .collect();
        cases.push((name, sql, binds));
    }
    let mut conn = app.state.db.read().await.unwrap();
    let postgres = app.state.db.kind == DbKind::Postgres;
    if postgres {
        // Tables are empty here: without this the planner would rightly
        // prefer a scan, and the test would prove nothing.
        sqlx::query("SET enable_seqscan = off")
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    let mut scans = Vec::new();
    let mut indexed = 0;
    let total = cases.len();
    for (name, sql, binds) in cases {
        let explain = if postgres {
            format!("EXPLAIN {sql}")
        } else {
            format!("EXPLAIN QUERY PLAN {sql}")
        };
        let mut query = sqlx::query(&explain);
        for b in binds {
            query = match b {
                I(v) => query.bind(v),
                T(v) => query.bind(v),
                S(v) => query.bind(v),
            };
        }
        let rows = query
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let plan: Vec<String> = rows
            .iter()
            .map(|r| {
                if postgres {
                    r.get::<String, _>(0)
                } else {
                    r.get::<String, _>("detail")
                }
            })
            .collect();
        assert!(!plan.is_empty(), "{name}: no plan");
        if plan
            .iter()
            .any(|l| l.contains("INDEX") || l.contains("Index"))
        {
            indexed += 1;
        }
        // A page of these lists is read in the index's order and stops at
        // the page: sorting every match would cost a tenant's whole list.
        // (SQLite's plan, fixed without statistics; PostgreSQL chooses by
        // its statistics, and on these empty tables a sort is cheapest.)
        if !postgres
            && IN_INDEX_ORDER.contains(&name)
            && plan
                .iter()
                .any(|l| l.contains("TEMP B-TREE") || l.contains("Sort"))
        {
            scans.push(format!("{name}: sorted\n    {}", plan.join("\n    ")));
        }
        for line in &plan {
            for table in GROWING {
                // SQLite: "SCAN invites" or "SCAN i" for an alias (the
                // first letter, as the queries alias them); PostgreSQL:
                // "Seq Scan on invites".
                let alias = &table[..1];
                let sqlite_scan = line.starts_with(&format!("SCAN {table}"))
                    || line == &format!("SCAN {alias}")
                    || line.starts_with(&format!("SCAN {alias} "));
                let pg_scan = line.contains(&format!("Seq Scan on {table}"));
                if sqlite_scan || pg_scan {
                    scans.push(format!("{name}: {line}\n    {}", plan.join("\n    ")));
                }
            }
        }
    }
    assert!(
        scans.is_empty(),
        "full scans or sorted lists:\n{}",
        scans.join("\n")
    );
    // The plans were read right: most cases name the index they use (the
    // rest read by primary key).
    assert!(
        indexed * 2 > total,
        "{indexed} of {total} plans use an index"
    );
}

/// PostgreSQL's generic plan of `sql` (the one a prepared statement settles
/// on after five runs) for arguments `args` of `types`, with sequential
/// scans off: the test tables are empty, and a scan would rightly win.
async fn generic_plan(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    types: &str,
    args: &str,
) -> Vec<String> {
    for statement in [
        "SET plan_cache_mode = force_generic_plan",
        "SET enable_seqscan = off",
        &format!("PREPARE plan_check ({types}) AS {sql}"),
    ] {
        sqlx::query(statement).execute(&mut *conn).await.unwrap();
    }
    let plan = sqlx::query(&format!("EXPLAIN (COSTS OFF) EXECUTE plan_check ({args})"))
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    sqlx::query("DEALLOCATE plan_check")
        .execute(&mut *conn)
        .await
        .unwrap();
    plan
}

/// The outbox claims touch only the rows they claim, by primary key, even
/// in PostgreSQL's generic plan (the one a prepared statement settles on
/// after five runs), where the planner's estimate of a queue's due rows is
/// whatever the last ANALYZE saw. Reading the claimed table through its
/// due index instead means one walk of the whole backlog per claimed row:
/// 101 instead of 602 deliveries/s with 30,000 waiting (`bench/`).
#[tokio::test]
async fn outbox_claims_take_their_rows_by_primary_key_in_the_generic_plan() {
    let app = spawn_app().await;
    if app.state.db.kind != DbKind::Postgres {
        eprintln!("generic plans are PostgreSQL's: checked on PostgreSQL only");
        return;
    }
    let mut conn = app.state.db.read().await.unwrap();
    for (table, sql, types, args) in [
        (
            "outbox_mail",
            outbox_mail::CLAIM_SQL,
            "bigint, bigint",
            "2, 1",
        ),
        (
            "webhook_deliveries",
            webhooks::CLAIM_SQL,
            "bigint, bigint, bigint, bigint",
            "2, 1, 1, 2",
        ),
    ] {
        let plan = generic_plan(&mut conn, sql, types, args).await;
        // The claimed table itself appears without an alias; the subquery's
        // reading of it carries one.
        let target_reads: Vec<&String> = plan
            .iter()
            .filter(|l| l.contains("Scan") && l.trim_end().ends_with(&format!(" on {table}")))
            .collect();
        assert!(
            !target_reads.is_empty()
                && target_reads
                    .iter()
                    .all(|l| l.contains(&format!("{table}_pkey"))),
            "{table}: the claim must read its rows by primary key:\n    {}",
            plan.join("\n    ")
        );
    }
}

/// A mail claim reads its batch in the due index's order and stops there:
/// no sort of every due mail. (Sorted by `id`, a backlog of 30,000 unsent
/// mails was read whole at each claim of 50, in the writer's turn.)
#[tokio::test]
async fn a_mail_claim_stops_at_its_batch_without_sorting_the_backlog() {
    let app = spawn_app().await;
    let postgres = app.state.db.kind == DbKind::Postgres;
    let mut conn = app.state.db.read().await.unwrap();
    let plan: Vec<String> = if postgres {
        generic_plan(&mut conn, outbox_mail::CLAIM_SQL, "bigint, bigint", "2, 1").await
    } else {
        sqlx::query(&format!("EXPLAIN QUERY PLAN {}", outbox_mail::CLAIM_SQL))
            .bind(2_i64)
            .bind(1_i64)
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>("detail"))
            .collect()
    };
    let shown = plan.join("\n    ");
    assert!(
        plan.iter().any(|l| l.contains("outbox_mail_due_idx")),
        "the claim must read the due index:\n    {shown}"
    );
    assert!(
        !plan
            .iter()
            .any(|l| l.contains("TEMP B-TREE") || l.contains("Sort")),
        "the claim must not sort the due mails:\n    {shown}"
    );
}
