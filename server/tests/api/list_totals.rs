//! Every paged list's `total`, however the page is cut: a page with fewer
//! rows than asked gives the total without counting again
//! (`db::page_total`), a full page or one past the end counts. Either way
//! the total is what the database holds, and the page has the rows left
//! after its offset.

use serde_json::Value;

use crate::helpers::{Person, TestApp, spawn_app_with};

/// Reads `path` (with `&perPage=..&page=..` added) cut every way that
/// matters: one row a page, pages that end short, a page exactly as long
/// as the list, a page past the end. Each answer's total must be
/// `expected` and its page as long as what is left after the offset.
async fn check_every_cut(app: &TestApp, who: &Person, path: &str, expected: i64) {
    assert!(expected >= 3, "{path}: seed at least three rows");
    for per_page in [1, 2, 3, expected - 1, expected, expected + 1, 100] {
        let last = (expected + per_page - 1) / per_page;
        for page in [1, 2, last, last + 1] {
            let (status, body) = who
                .get(app, &format!("{path}&perPage={per_page}&page={page}"))
                .await;
            assert_eq!(status, 200, "{path} {per_page}/{page}: {body}");
            let left = (expected - (page - 1) * per_page).clamp(0, per_page);
            assert_eq!(
                (&body["total"], items(&body)),
                (&Value::from(expected), left as usize),
                "{path} perPage={per_page} page={page}"
            );
        }
    }
}

fn items(body: &Value) -> usize {
    body["items"].as_array().map_or(usize::MAX, Vec::len)
}

#[tokio::test]
async fn every_list_gives_its_whole_total_on_any_page() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let mut tx = app.state.db.begin().await.unwrap();
    for n in 0..7_i64 {
        sqlx::query(
            "INSERT INTO invites (tenant_id, email, roles, status, token_hash, expired_at, created_at, updated_at, send_email) \
             VALUES ($1, $2, '[\"extractor-user\"]', $3, $4, $5, $6, $6, 0)",
        )
        .bind(tenant)
        .bind(format!("p{n}@example.com"))
        .bind(if n % 3 == 0 { "revoked" } else { "pending" })
        .bind(format!("list-totals-{n}"))
        .bind(i64::MAX / 2)
        .bind(1_000 + n)
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO audit_events (tenant_id, actor, action, target, details, at) \
             VALUES ($1, 'ada@example.com', 'tenant.language_changed', $2, '{}', $3)",
        )
        .bind(tenant)
        .bind(format!("row {n}"))
        .bind(1_000 + n)
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO invite_links (tenant_id, code_hash, roles, max_uses, expires_at, created_at, updated_at) \
             VALUES ($1, $2, '[\"extractor-user\"]', 10, $3, $4, $4)",
        )
        .bind(tenant)
        .bind(format!("list-totals-link-{n}"))
        .bind(i64::MAX / 2)
        .bind(1_000 + n)
        .execute(&mut *tx)
        .await
        .unwrap();
        let account: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (email, password_hash, first_name, last_name, created_at, updated_at) \
             VALUES ($1, 'x', 'Asking', 'Person', 1, 1) RETURNING id",
        )
        .bind(format!("asks{n}@example.com"))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO join_requests (tenant_id, account_id, via, source_id, roles, message, status, created_at, expires_at) \
             VALUES ($1, $2, 'link', 0, '[\"extractor-user\"]', '', 'pending', $3, $4)",
        )
        .bind(tenant)
        .bind(account)
        .bind(1_000 + n)
        .bind(i64::MAX / 2)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    let endpoint: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (tenant_id, url, description, events, secret, created_at, updated_at) \
         VALUES ($1, 'https://hooks.example.com/x', '', '', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1, 1) RETURNING id",
    )
    .bind(tenant)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    for n in 0..5_i64 {
        sqlx::query(
            "INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, status, next_attempt_at, created_at) \
             VALUES ($1, $2, 'invite.created', '{}', 'delivered', 1, $3)",
        )
        .bind(endpoint)
        .bind(format!("msg_{n}"))
        .bind(1_000 + n)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let all = |table: &str| format!("SELECT COUNT(*) FROM {table} WHERE tenant_id = {tenant}");
    let lists = [
        (format!("/api/v1/invites?tenantId={tenant}"), all("invites")),
        (
            format!("/api/v1/invites?tenantId={tenant}&status=revoked"),
            format!("{} AND status = 'revoked'", all("invites")),
        ),
        (
            format!("/api/v1/invites?tenantId={tenant}&email=p"),
            format!("{} AND email LIKE 'p%'", all("invites")),
        ),
        (
            format!("/api/v1/audit?tenantId={tenant}"),
            all("audit_events"),
        ),
        (
            format!("/api/v1/audit?tenantId={tenant}&action=tenant.language_changed"),
            format!(
                "{} AND action = 'tenant.language_changed'",
                all("audit_events")
            ),
        ),
        (
            format!("/api/v1/invite-links?tenantId={tenant}"),
            all("invite_links"),
        ),
        (
            format!("/api/v1/join-requests?tenantId={tenant}"),
            all("join_requests"),
        ),
        (
            format!("/api/v1/webhooks/{endpoint}/deliveries?tenantId={tenant}"),
            format!("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = {endpoint}"),
        ),
    ];
    for (path, count_sql) in lists {
        let expected = app.count(&count_sql).await;
        check_every_cut(&app, &ada, &path, expected).await;
    }
}
