//! The data layer's functions over `db::exec::Exec`: one SQL text run by
//! sqlx's connections and, on SQLite, by direct ones (`Db::begin_direct`,
//! `Db::write_direct`, `Db::read_direct`). The same statement binds and
//! decodes alike on each, a constraint fails the same way, and a direct
//! transaction keeps exactly what it commits. SQLite and, with
//! PORTICO_TEST_POSTGRES, PostgreSQL (where both are sqlx's).

use app::backend::DbKind;
use app::backend::db::exec::{Arg, Exec};
use app::backend::db::{DirectConn, now_ms, rate_limits, webhooks};
use app::error::AppError;

use crate::helpers::spawn_app_with;

/// `$N` out of order and repeated, typed NULLs, and every kind of column.
async fn binds_and_decodes(conn: &mut impl Exec, on: &str) {
    let args = [
        Arg::from(7),
        Arg::from("x"),
        Arg::from(None::<i64>),
        Arg::from(None::<&str>),
    ];
    let row = conn
        .fetch_optional(
            "SELECT $2 AS a, $1 AS b, $2 AS c, $3 AS d, $4 AS e",
            &args,
            |r| {
                Ok((
                    r.text(0)?,
                    r.int(1)?,
                    r.text(2)?,
                    r.opt_int(3)?,
                    r.opt_text(4)?,
                ))
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{on}: {e}"));
    assert_eq!(row, Some(("x".into(), 7, "x".into(), None, None)), "{on}");
    // A NULL read as a value is a decode error, not a panic or a zero.
    let null = conn
        .fetch_one("SELECT $1 AS n", &[Arg::from(None::<i64>)], |r| r.int(0))
        .await;
    assert!(
        matches!(null, Err(sqlx::Error::ColumnDecode { .. })),
        "{on}: {null:?}"
    );
    let none = conn
        .fetch_optional(
            "SELECT key FROM rate_limits WHERE key = $1",
            &[Arg::from("nobody")],
            |r| r.text(0),
        )
        .await
        .unwrap();
    assert_eq!(none, None, "{on}");
}

/// What both kinds of reader see.
async fn stored_keys(app: &crate::helpers::TestApp) -> Vec<String> {
    const SQL: &str = "SELECT key FROM rate_limits WHERE key LIKE 'direct-%' ORDER BY key";
    let mut sqlx_reader = app.state.db.read().await.unwrap();
    let seen = sqlx_reader
        .fetch_all(SQL, &[], |r| r.text(0))
        .await
        .unwrap();
    let mut direct_reader = app.state.db.read_direct().await.unwrap();
    let seen_direct = direct_reader
        .fetch_all(SQL, &[], |r| r.text(0))
        .await
        .unwrap();
    assert_eq!(seen, seen_direct, "the two readers disagree");
    seen
}

#[tokio::test]
async fn one_statement_binds_and_decodes_alike_on_every_connection() {
    let app = spawn_app_with(&[]).await;
    binds_and_decodes(&mut app.state.db.read().await.unwrap(), "a reader").await;
    binds_and_decodes(
        &mut app.state.db.read_direct().await.unwrap(),
        "a direct reader",
    )
    .await;
    binds_and_decodes(
        &mut app.state.db.write_direct().await.unwrap(),
        "the direct writer",
    )
    .await;
    let mut tx = app.state.db.begin_direct().await.unwrap();
    binds_and_decodes(&mut tx, "a direct transaction").await;
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_direct_transaction_keeps_what_it_commits_and_nothing_it_drops() {
    let app = spawn_app_with(&[]).await;
    let db = &app.state.db;
    let now = now_ms();

    let mut tx = db.begin_direct().await.unwrap();
    rate_limits::hit(&mut tx, "direct-kept", now, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin_direct().await.unwrap();
    rate_limits::hit(&mut tx, "direct-dropped", now, 0)
        .await
        .unwrap();
    // Seen inside its own transaction...
    let (hits, _) = rate_limits::hit(&mut tx, "direct-dropped", now, 0)
        .await
        .unwrap();
    assert_eq!(hits, 2);
    drop(tx);
    // ...and gone once it is dropped uncommitted.
    assert_eq!(stored_keys(&app).await, ["direct-kept"]);

    // Nothing is left holding the write lock: sqlx's writer and the direct
    // one both write after it.
    let mut tx = db.begin().await.unwrap();
    rate_limits::hit(&mut *tx, "direct-after-sqlx", now, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut conn = db.write_direct().await.unwrap();
    rate_limits::hit(&mut conn, "direct-after-direct", now, 0)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(
        stored_keys(&app).await,
        ["direct-after-direct", "direct-after-sqlx", "direct-kept"]
    );

    // A transaction dropped mid-way through an error rolls back whole.
    let mut tx = db.begin_direct().await.unwrap();
    rate_limits::hit(&mut tx, "direct-half", now, 0)
        .await
        .unwrap();
    let twice = tx
        .execute(
            "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, 0, 1)",
            &[Arg::from("direct-kept")],
        )
        .await
        .unwrap_err();
    // A unique violation reads as one on every connection (a 409, not a 500).
    assert!(
        matches!(&twice, sqlx::Error::Database(e) if e.is_unique_violation()),
        "{twice:?}"
    );
    assert!(matches!(AppError::from(twice), AppError::Conflict(_)));
    drop(tx);
    assert_eq!(
        stored_keys(&app).await,
        ["direct-after-direct", "direct-after-sqlx", "direct-kept"]
    );
}

/// SQLite plans a `LIKE` for its pattern, so a statement whose pattern is
/// bound is prepared again every time it runs. The webhook queue runs in
/// every write that emits an event (an invitation, a member's change):
/// its pattern is built in SQL, and it is prepared once. (The first half
/// shows the count sees a bound pattern's re-preparing.)
#[tokio::test]
async fn the_webhook_queue_is_prepared_once_on_sqlite() {
    let app = spawn_app_with(&[]).await;
    if app.state.db.kind != DbKind::Sqlite {
        return;
    }
    let DirectConn::Direct(mut conn) = app.state.db.write_direct().await.unwrap() else {
        panic!("SQLite lends a direct writer");
    };
    const BOUND: &str = "SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND events LIKE $2";
    for pattern in ["%,invite.created,%", "%,member.joined,%"] {
        conn.fetch_all(BOUND, &[Arg::from(1), Arg::from(pattern)], |r| r.int(0))
            .await
            .unwrap();
    }
    assert!(
        conn.reprepared(BOUND).unwrap() >= 1,
        "a bound LIKE pattern is prepared again"
    );
    for event_type in ["invite.created", "member.joined", "invite.created"] {
        webhooks::queue_event(&mut *conn, 1, event_type, "{}", "msg_1", now_ms())
            .await
            .unwrap();
    }
    assert_eq!(
        conn.reprepared(webhooks::QUEUE_EVENT_SQL).unwrap(),
        0,
        "the webhook queue was prepared again"
    );
}
