//! The schema of SPEC §1 on the database under test: every table accepts a
//! row and returns it, and the uniqueness rules hold.

use app::backend::testing::fresh_db;
use sqlx::Row;

/// Inserts with `RETURNING id`, the portable way to learn the new id.
async fn insert(db: &app::backend::Db, sql: &str, binds: Vec<Bind>) -> i64 {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = match b {
            Bind::I(v) => q.bind(v),
            Bind::S(v) => q.bind(v),
            Bind::N => q.bind(Option::<i64>::None),
        };
    }
    q.fetch_one(&mut *db.read().await.unwrap())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get::<i64, _>(0)
}

enum Bind {
    I(i64),
    S(&'static str),
    N,
}
use Bind::*;

#[tokio::test]
async fn every_table_accepts_and_returns_a_row() {
    let db = fresh_db().await;

    let account = insert(&db,
        "INSERT INTO accounts (email, password_hash, first_name, last_name, email_verified_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        vec![S("ada@example.com"), S("$argon2id$x"), S("Ada"), S("Lovelace"), N, I(1_700_000_000_000)]).await;
    let tenant = insert(
        &db,
        "INSERT INTO tenants (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
        vec![S("Acme"), I(1)],
    )
    .await;
    let project = insert(&db, "INSERT INTO projects (tenant_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
        vec![I(tenant), S("Launch"), I(1)]).await;
    let org = insert(&db, "INSERT INTO organisations (tenant_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
        vec![I(tenant), S("Sales"), I(1)]).await;
    let member = insert(&db,
        "INSERT INTO members (tenant_id, account_id, status, roles, organisation_id, meta, external_id, created_at, updated_at) \
         VALUES ($1, $2, 'ACTIVE', $3, $4, '{}', $5, $6, $6) RETURNING id",
        vec![I(tenant), I(account), S(r#"["extractor-manager"]"#), I(org), S("1"), I(1)]).await;
    let invite = insert(&db,
        "INSERT INTO invites (tenant_id, email, roles, organisation_id, message, token_hash, status, expired_at, invited_by, send_email, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, 1, $9, $9) RETURNING id",
        vec![I(tenant), S("bob@example.com"), S(r#"["extractor-user"]"#), I(org), S("Welcome"), S("abc123"), I(2_000_000_000_000), I(account), I(1)]).await;
    let token = insert(&db,
        "INSERT INTO account_tokens (account_id, purpose, token_hash, expires_at, created_at) VALUES ($1, 'verify_email', $2, $3, $4) RETURNING id",
        vec![I(account), S("def456"), I(2), I(1)]).await;
    let mail = insert(&db,
        "INSERT INTO outbox_mail (to_address, subject, text_body, html_body, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        vec![S("bob@example.com"), S("Join Acme"), S("text"), S("<p>html</p>"), I(1)]).await;
    let event = insert(&db,
        "INSERT INTO audit_events (tenant_id, actor_id, actor, action, target, details, at) VALUES ($1, $2, $3, $4, $5, '{}', $6) RETURNING id",
        vec![I(tenant), I(account), S("ada@example.com"), S("invite.created"), S("bob@example.com"), I(1)]).await;
    let api_token = insert(&db,
        "INSERT INTO api_tokens (account_id, name, prefix, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        vec![I(account), S("CI"), S("pt_abcd"), S("ghi789"), I(1)]).await;
    sqlx::query("INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3)")
        .bind("sess-1")
        .bind("{}")
        .bind(5_i64)
        .execute(&mut *db.read().await.unwrap())
        .await
        .unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
        .bind("k")
        .bind("v")
        .execute(&mut *db.read().await.unwrap())
        .await
        .unwrap();

    let one = |sql: &'static str, id: i64| {
        let db = db.clone();
        async move {
            sqlx::query(sql)
                .bind(id)
                .fetch_one(&mut *db.read().await.unwrap())
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
    };
    let row = one(
        "SELECT email, first_name, email_verified_at FROM accounts WHERE id = $1",
        account,
    )
    .await;
    assert_eq!(row.get::<String, _>(0), "ada@example.com");
    assert_eq!(row.get::<String, _>(1), "Ada");
    assert_eq!(row.get::<Option<i64>, _>(2), None);
    assert_eq!(
        one("SELECT name FROM tenants WHERE id = $1", tenant)
            .await
            .get::<String, _>(0),
        "Acme"
    );
    assert_eq!(
        one("SELECT tenant_id FROM projects WHERE id = $1", project)
            .await
            .get::<i64, _>(0),
        tenant
    );
    assert_eq!(
        one("SELECT name FROM organisations WHERE id = $1", org)
            .await
            .get::<String, _>(0),
        "Sales"
    );
    let row = one(
        "SELECT roles, organisation_id, status FROM members WHERE id = $1",
        member,
    )
    .await;
    assert_eq!(row.get::<String, _>(0), r#"["extractor-manager"]"#);
    assert_eq!(row.get::<Option<i64>, _>(1), Some(org));
    assert_eq!(row.get::<String, _>(2), "ACTIVE");
    let row = one(
        "SELECT email, status, send_email, expired_at FROM invites WHERE id = $1",
        invite,
    )
    .await;
    assert_eq!(row.get::<String, _>(0), "bob@example.com");
    assert_eq!(row.get::<String, _>(1), "pending");
    assert_eq!(row.get::<i64, _>(2), 1);
    assert_eq!(row.get::<i64, _>(3), 2_000_000_000_000);
    assert_eq!(
        one("SELECT purpose FROM account_tokens WHERE id = $1", token)
            .await
            .get::<String, _>(0),
        "verify_email"
    );
    let row = one(
        "SELECT attempts, sent_at, subject FROM outbox_mail WHERE id = $1",
        mail,
    )
    .await;
    assert_eq!(row.get::<i64, _>(0), 0);
    assert_eq!(row.get::<Option<i64>, _>(1), None);
    assert_eq!(row.get::<String, _>(2), "Join Acme");
    assert_eq!(
        one("SELECT action FROM audit_events WHERE id = $1", event)
            .await
            .get::<String, _>(0),
        "invite.created"
    );
    assert_eq!(
        one("SELECT prefix FROM api_tokens WHERE id = $1", api_token)
            .await
            .get::<String, _>(0),
        "pt_abcd"
    );
    let data: String = sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1")
        .bind("sess-1")
        .fetch_one(&mut *db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(data, "{}");
    let value: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind("k")
        .fetch_one(&mut *db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(value, "v");
}

#[tokio::test]
async fn one_member_per_tenant_and_account_and_one_account_per_email() {
    let db = fresh_db().await;
    let account: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (email, password_hash, first_name, last_name, created_at, updated_at) VALUES ('a@x.io', 'h', 'A', 'B', 1, 1) RETURNING id",
    ).fetch_one(&mut *db.read().await.unwrap()).await.unwrap();
    let dup = sqlx::query("INSERT INTO accounts (email, password_hash, first_name, last_name, created_at, updated_at) VALUES ('a@x.io', 'h', 'A', 'B', 1, 1)")
        .execute(&mut *db.read().await.unwrap()).await;
    assert!(
        matches!(dup, Err(sqlx::Error::Database(ref e)) if e.is_unique_violation()),
        "{dup:?}"
    );

    let tenant: i64 = sqlx::query_scalar(
        "INSERT INTO tenants (name, created_at, updated_at) VALUES ('T', 1, 1) RETURNING id",
    )
    .fetch_one(&mut *db.read().await.unwrap())
    .await
    .unwrap();
    let add = || async {
        sqlx::query("INSERT INTO members (tenant_id, account_id, status, roles, external_id, created_at, updated_at) VALUES ($1, $2, 'ACTIVE', '[]', '1', 1, 1)")
        .bind(tenant).bind(account).execute(&mut *db.read().await.unwrap()).await
    };
    add().await.unwrap();
    let second = add().await;
    assert!(
        matches!(second, Err(sqlx::Error::Database(ref e)) if e.is_unique_violation()),
        "{second:?}"
    );
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    let db = fresh_db().await;
    let orphan = sqlx::query(
        "INSERT INTO projects (tenant_id, name, created_at, updated_at) VALUES (999, 'P', 1, 1)",
    )
    .execute(&mut *db.read().await.unwrap())
    .await;
    assert!(orphan.is_err(), "a project without its tenant was stored");
}

#[tokio::test]
async fn the_generated_secret_is_kept_across_restarts() {
    let db = fresh_db().await;
    let first = app::backend::settings::load_or_create_secret(&db, None)
        .await
        .unwrap();
    let second = app::backend::settings::load_or_create_secret(&db, None)
        .await
        .unwrap();
    assert_eq!(first, second);
    assert!(first.len() >= 32);
}

/// Polls `f` up to `polls` times (yielding to the runtime between polls)
/// and drops it if it has not finished: a request whose client went away
/// mid-way, cut at a chosen point.
async fn cut_after<F: std::future::Future>(f: F, polls: usize) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    for _ in 0..polls {
        if let std::task::Poll::Ready(out) = futures::poll!(f.as_mut()) {
            return Some(out);
        }
        tokio::task::yield_now().await;
    }
    None
}

/// Write transactions abandoned at every point (waiting for the writer,
/// inside BEGIN and its check, between statements, inside COMMIT) leave
/// the writer usable, and none leaves a transaction open for the next one:
/// every later transaction begins, writes and commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_transactions_cut_at_any_point_leave_the_writer_usable() {
    let db = fresh_db().await;
    let write = |db: app::backend::Db, n: i64| async move {
        let mut tx = db.begin().await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, 'x')")
            .bind(format!("cut-{n}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    };
    let mut finished = 0;
    for n in 0..400_i64 {
        // Two at once, so one also waits for the writer when it is cut;
        // every tenth round runs to its end (PostgreSQL's round trips are
        // longer than SQLite's: few of its cuts reach COMMIT).
        let cut = |polls: i64| {
            if n % 10 == 9 {
                usize::MAX
            } else {
                polls as usize
            }
        };
        let (a, b) = tokio::join!(
            cut_after(write(db.clone(), 2 * n), cut(n % 40)),
            cut_after(write(db.clone(), 2 * n + 1), cut(n % 7)),
        );
        for done in [a, b].into_iter().flatten() {
            done.unwrap_or_else(|e| panic!("round {n}: {e}"));
            finished += 1;
        }
    }
    assert!(
        finished > 0,
        "no transaction ran to its end: the cut points are too early"
    );
    // The writer still begins, writes and commits, and what it committed is read.
    write(db.clone(), -1).await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settings WHERE key LIKE 'cut-%'")
        .fetch_one(&mut *db.read().await.unwrap())
        .await
        .unwrap();
    assert!(
        stored > finished,
        "{stored} rows for {finished} finished transactions and the last one"
    );
}
