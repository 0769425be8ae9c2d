//! The outbox survives an SMTP outage and a restart, and delivers once.

use std::time::Duration;

use crate::helpers::{spawn_app_with, spawn_app_with_workers};
use crate::smtp_sink::SmtpSink;

/// A loopback port with nothing listening on it.
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

async fn wait_until(app: &crate::helpers::TestApp, sql: &str) {
    for _ in 0..200 {
        if app.count(sql).await > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for: {sql}");
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_is_delivered_exactly_once_after_a_restart() {
    let port = closed_port().await;
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with_workers(&[("PORTICO_MAIL", &smtp_url)]).await;
    assert_eq!(app.register("ada@example.com", "Acme").await.status(), 200);

    // The first attempt fails and is recorded; the mail stays queued.
    wait_until(&app, "SELECT COUNT(*) FROM outbox_mail WHERE attempts >= 1 AND last_error IS NOT NULL AND sent_at IS NULL").await;
    let database_url = app.database_url.clone();
    app.stop().await;

    // SMTP comes back; so does Portico, on the same database.
    let sink = SmtpSink::start_on(port).await;
    let again =
        spawn_app_with_workers(&[("DATABASE_URL", &database_url), ("PORTICO_MAIL", &smtp_url)])
            .await;
    let mails = sink.wait_for(1).await;
    assert!(mails[0].contains("To: ada@example.com"));
    wait_until(
        &again,
        "SELECT COUNT(*) FROM outbox_mail WHERE sent_at IS NOT NULL",
    )
    .await;

    // Give a duplicate every chance to happen.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sink.messages().len(), 1, "the mail was sent more than once");
}

#[tokio::test]
async fn two_workers_on_one_database_send_each_mail_once() {
    let sink = SmtpSink::start().await;
    let first = spawn_app_with_workers(&[("PORTICO_MAIL", &sink.url())]).await;
    let second = spawn_app_with_workers(&[
        ("DATABASE_URL", &first.database_url.clone()),
        ("PORTICO_MAIL", &sink.url()),
    ])
    .await;
    for i in 0..10 {
        let email = format!("person{i}@example.com");
        let app = if i % 2 == 0 { &first } else { &second };
        assert_eq!(app.register(&email, "T").await.status(), 200);
    }
    sink.wait_for(10).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.messages().len(), 10);
}

#[tokio::test]
async fn names_are_escaped_in_the_html_part() {
    let app = spawn_app_with(&[]).await;
    app.rpc(
        "register",
        &[
            ("email", "eve@example.com"),
            ("password", crate::helpers::PASSWORD),
            ("first_name", "<script>alert(1)</script>"),
            ("last_name", "E"),
            ("tenant_name", "T"),
            ("project_name", "P"),
        ],
    )
    .await;
    let mail = app.mail_to("eve@example.com", "Confirm your email").await;
    let html = &mail[mail.find("Content-Type: text/html").unwrap()..];
    assert!(!html.contains("<script>alert(1)</script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
}

/// The token in an invitation link found in `text`.
fn token_in(text: &str) -> String {
    let link = crate::smtp_sink::link_in(text, "http");
    link.split("token=").nth(1).expect("a token").to_owned()
}

#[tokio::test]
async fn a_replaced_links_unsent_mail_is_cancelled_so_only_live_links_are_mailed() {
    use reqwest::Method;
    // A confirmed manager first (her confirmation is mailed), then the same
    // database with SMTP down.
    let first = spawn_app_with(&[]).await;
    let (ada, tenant) = first.manager("ada@example.com", "Acme").await;
    let database_url = first.database_url.clone();
    first.stop().await;
    let port = closed_port().await;
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(&[("DATABASE_URL", &database_url), ("PORTICO_MAIL", &smtp_url)]).await;
    let invite = |email: &'static str| app.invite_as_user(&ada, tenant, email);
    let unsent_to = |email: &str| {
        format!("SELECT COUNT(*) FROM outbox_mail WHERE to_address = '{email}' AND sent_at IS NULL")
    };
    let stored_hash = |email: &str| {
        let email = email.to_owned();
        let app = &app;
        async move {
            sqlx::query_scalar::<_, String>("SELECT token_hash FROM invites WHERE email = $1")
                .bind(email)
                .fetch_one(&mut *app.state.db.read().await.unwrap())
                .await
                .unwrap()
        }
    };

    // SMTP is down: mail waits. Inviting again (refresh) and resending each
    // replace the link; each time the waiting mail is replaced, not added to.
    let (status, bob) = invite("bob@example.com").await;
    assert_eq!(status, 200, "{bob}");
    assert_eq!(invite("bob@example.com").await.0, 200);
    assert_eq!(app.count(&unsent_to("bob@example.com")).await, 1);
    let (status, _) = ada
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{}/resend", bob["id"]),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.count(&unsent_to("bob@example.com")).await, 1);
    let text: String = sqlx::query_scalar(
        "SELECT text_body FROM outbox_mail WHERE to_address = 'bob@example.com' AND sent_at IS NULL",
    )
    .fetch_one(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
    assert_eq!(
        app::backend::crypto::hash_token(&token_in(&text)),
        stored_hash("bob@example.com").await,
        "the mail that waits carries the live link"
    );
    // Revoked: its link is dead, so its mail goes too.
    let (status, _) = ada
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{}/revoke", bob["id"]),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.count(&unsent_to("bob@example.com")).await, 0);

    // Carol is invited twice; when SMTP is back she gets one mail, and its
    // link works.
    assert_eq!(invite("carol@example.com").await.0, 200);
    assert_eq!(invite("carol@example.com").await.0, 200);
    let database_url = app.database_url.clone();
    app.stop().await;
    let sink = SmtpSink::start_on(port).await;
    let again =
        spawn_app_with(&[("DATABASE_URL", &database_url), ("PORTICO_MAIL", &smtp_url)]).await;
    again.deliver_mail().await;
    let to_carol: Vec<String> = sink
        .messages()
        .into_iter()
        .filter(|m| m.contains("To: carol@example.com"))
        .collect();
    assert_eq!(to_carol.len(), 1, "one mail, not one per link");
    let token = token_in(&crate::smtp_sink::decode_quoted_printable(&to_carol[0]));
    let (status, preview) = again.preview(&token).await;
    assert_eq!(status, 200, "the mailed link works: {preview}");
    assert!(
        !sink
            .messages()
            .iter()
            .any(|m| m.contains("To: bob@example.com")),
        "the revoked invitation's mail was never sent"
    );
}

#[tokio::test]
async fn a_pending_invitation_gets_one_reminder_with_a_working_link_before_it_expires() {
    let app = spawn_app_with(&[("PORTICO_INVITE_REMINDER_HOURS", "24")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    for email in ["bob@example.com", "carol@example.com"] {
        assert_eq!(app.invite_as_user(&ada, tenant, email).await.0, 200);
    }
    // Nothing is due a week before expiry.
    assert_eq!(
        app::backend::onboarding::invites::send_reminders(&app.state)
            .await
            .unwrap(),
        0
    );
    // Bob's invitation now expires in 20 hours; carol's still in a week.
    let soon = app::backend::db::now_ms() + 20 * 3_600_000;
    sqlx::query("UPDATE invites SET expired_at = $1 WHERE email = 'bob@example.com'")
        .bind(soon)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        app::backend::onboarding::invites::send_reminders(&app.state)
            .await
            .unwrap(),
        1
    );
    // Once: the next passes find nothing.
    assert_eq!(
        app::backend::onboarding::invites::send_reminders(&app.state)
            .await
            .unwrap(),
        0
    );
    let reminder = app
        .mail_to("bob@example.com", "Reminder: Ada Manager invited you")
        .await;
    assert!(reminder.contains("expires in 20 hours"), "{reminder}");
    let token = token_in(&reminder);
    let (status, preview) = app.preview(&token).await;
    assert_eq!(status, 200, "the reminder's link works: {preview}");
    assert_eq!(preview["expiredAt"], soon, "the expiry stays");
    assert!(
        !app.mails()
            .await
            .iter()
            .any(|m| m.contains("Reminder:") && m.contains("To: carol@example.com")),
        "carol is not due"
    );
}

#[tokio::test]
async fn reminders_can_be_turned_off() {
    let app = spawn_app_with(&[("PORTICO_INVITE_REMINDER_HOURS", "0")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    assert_eq!(
        app.invite_as_user(&ada, tenant, "bob@example.com").await.0,
        200
    );
    sqlx::query("UPDATE invites SET expired_at = $1")
        .bind(app::backend::db::now_ms() + 3_600_000)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        app::backend::onboarding::invites::send_reminders(&app.state)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_mail_refused_for_good_is_given_up_and_no_sent_mail_keeps_its_link() {
    let app = spawn_app_with(&[]).await;
    app.smtp.refuse("ghost@example.com");
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    for email in ["ghost@example.com", "bob@example.com"] {
        assert_eq!(app.invite_as_user(&ada, tenant, email).await.0, 200);
    }
    app.mail_to("bob@example.com", "Ada Manager invited you")
        .await;
    // Refused with a 5xx: one attempt, never due again, the refusal kept.
    let (attempts, next, error): (i64, i64, String) = sqlx::query_as(
        "SELECT attempts, next_attempt_at, last_error FROM outbox_mail WHERE to_address = 'ghost@example.com'",
    )
    .fetch_one(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert_eq!(next, app::backend::db::outbox_mail::NEVER);
    assert!(
        error.contains("550") || error.contains("No such user"),
        "{error}"
    );
    // Neither the given-up mail nor any sent one keeps a body with a live link.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE to_address = 'bob@example.com' AND sent_at IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE text_body <> '' OR html_body <> ''")
            .await,
        0,
        "a sent or given-up mail still holds its body"
    );

    // Thirty days on, the clean-up deletes both; a mail still waiting stays.
    let month_ago = app::backend::db::now_ms() - app::backend::delivery::mail::RETENTION_MS - 1;
    for sql in [
        "UPDATE outbox_mail SET created_at = $1",
        "UPDATE outbox_mail SET sent_at = $1 WHERE sent_at IS NOT NULL",
    ] {
        sqlx::query(sql)
            .bind(month_ago)
            .execute(&mut *app.state.db.read().await.unwrap())
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO outbox_mail (to_address, subject, text_body, html_body, next_attempt_at, created_at) \
         VALUES ('later@example.com', 'Waiting', 'text', 'html', $1, $2)",
    )
    .bind(app::backend::db::now_ms() + 86_400_000)
    .bind(month_ago)
    .execute(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
    let deleted = app::backend::delivery::mail::prune_outbox(&app.state.db)
        .await
        .unwrap();
    assert!(deleted >= 2, "{deleted}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE to_address = 'later@example.com'")
            .await,
        1,
        "a mail still waiting stays however old"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE to_address <> 'later@example.com'")
            .await,
        0,
        "sent and given-up mails past thirty days are gone"
    );
}
