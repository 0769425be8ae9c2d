//! The outbox survives an SMTP outage and a restart, and delivers once.

use std::time::Duration;

use crate::helpers::spawn_app_with;
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
    let app = spawn_app_with(&[("PORTICO_MAIL", &smtp_url)]).await;
    assert_eq!(app.register("ada@example.com", "Acme").await.status(), 200);

    // The first attempt fails and is recorded; the mail stays queued.
    wait_until(&app, "SELECT COUNT(*) FROM outbox_mail WHERE attempts >= 1 AND last_error IS NOT NULL AND sent_at IS NULL").await;
    let database_url = app.database_url.clone();
    app.stop().await;

    // SMTP comes back; so does Portico, on the same database.
    let sink = SmtpSink::start_on(port).await;
    let again =
        spawn_app_with(&[("DATABASE_URL", &database_url), ("PORTICO_MAIL", &smtp_url)]).await;
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
    let first = spawn_app_with(&[("PORTICO_MAIL", &sink.url())]).await;
    let second = spawn_app_with(&[
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
    let mail = app
        .smtp
        .mail_to("eve@example.com", "Confirm your email")
        .await;
    let html = &mail[mail.find("Content-Type: text/html").unwrap()..];
    assert!(!html.contains("<script>alert(1)</script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
}
