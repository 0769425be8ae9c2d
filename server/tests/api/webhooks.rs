//! Events and webhooks (SPEC §8): a real receiver gets every event type once,
//! signed so that an independent Standard Webhooks implementation (the
//! `standardwebhooks` crate, used only here) verifies it; an outage and a
//! restart lose nothing; two instances attempt each delivery once; private
//! addresses are refused; an endpoint failing for three days is disabled.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Person, TestApp, spawn_app_on_with_workers, spawn_app_with, spawn_app_with_workers,
};
use crate::hook_receiver::{HookReceiver, Received};

/// Settings for an app whose webhooks may go to a receiver on `origin`.
fn receiver_settings(origin: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PORTICO_WEBHOOK_ALLOW_PRIVATE", "true".into()),
        ("PORTICO_ALLOWED_ORIGINS", origin.to_owned()),
        ("PORTICO_RATE_LIMITS", "off".into()),
    ]
}

/// A test app that may call receivers on `origin`; the test drives its
/// webhook worker ([`TestApp::deliver_webhooks`]).
async fn spawn_for(origin: &str) -> TestApp {
    let settings = receiver_settings(origin);
    let vars: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    spawn_app_with(&vars).await
}

/// [`spawn_for`] with the webhook worker running by itself, for the tests
/// of its own timing (outages, several instances, fairness).
async fn spawn_for_with_workers(origin: &str) -> TestApp {
    let settings = receiver_settings(origin);
    let vars: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    spawn_app_with_workers(&vars).await
}

/// Registers an endpoint over REST; returns its id and secret.
async fn add_endpoint(app: &TestApp, manager: &Person, tenant: i64, body: Value) -> (i64, String) {
    let (status, created) = manager
        .api(
            app,
            Method::POST,
            &format!("/api/v1/webhooks?tenantId={tenant}"),
            Some(body),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    (created["id"].as_i64().unwrap(), secret)
}

/// Verifies a request with the `standardwebhooks` crate.
fn verify(secret: &str, request: &Received) {
    let hook = standardwebhooks::Webhook::new(secret).expect("secret");
    hook.verify(&request.body, &request.headers)
        .unwrap_or_else(|e| panic!("signature rejected: {e:?}"));
}

/// Runs the webhook worker's due work, then checks that `sql` counts `want`.
async fn deliver_and_count(app: &TestApp, sql: &str, want: i64) {
    app.deliver_webhooks().await;
    assert_eq!(app.count(sql).await, want, "{sql}");
}

/// Waits until `sql` counts `want`: for the tests whose workers run by
/// themselves.
async fn wait_until(app: &TestApp, sql: &str, want: i64) {
    for _ in 0..300 {
        if app.count(sql).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{sql} never reached {want} (is {})", app.count(sql).await);
}

async fn invite(app: &TestApp, manager: &Person, tenant: i64, email: &str) -> i64 {
    let (status, body) = app.invite_as_user(manager, tenant, email).await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_real_receiver_gets_every_event_type_once_signed_and_typed() {
    let receiver = HookReceiver::start(0).await;
    let app = spawn_for(&receiver.origin()).await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let (_, secret) = add_endpoint(
        &app,
        &manager,
        tenant,
        json!({"url": receiver.url(), "description": "all events"}),
    )
    .await;

    // invite.created, invite.resent
    let bob_invite = invite(&app, &manager, tenant, "bob@example.com").await;
    let (status, _) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{bob_invite}/resend"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    // invite.revoked
    let carol_invite = invite(&app, &manager, tenant, "carol@example.com").await;
    let (status, _) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{carol_invite}/revoke"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    // invite.declined
    invite(&app, &manager, tenant, "dave@example.com").await;
    let dave = app.account("dave@example.com").await;
    let token = app.invite_token("dave@example.com").await;
    let res = dave
        .client
        .post(app.url("/rpc/decline_invite"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    // invite.accepted + member.joined
    let bob = app.account("bob@example.com").await;
    let token = app.invite_token("bob@example.com").await;
    let (status, joined) = bob
        .api(
            &app,
            Method::POST,
            "/api/v1/invites/accept",
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(status, 200, "{joined}");
    let bob_member = joined["id"].as_i64().unwrap();
    // member.updated, member.removed
    let (status, _) = manager
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bob_member}"),
            Some(json!({"roles": ["extractor-viewer"]})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = manager
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/members/{bob_member}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    // invite.expired: the sweep records it once, however often it runs.
    let erin_invite = invite(&app, &manager, tenant, "erin@example.com").await;
    sqlx::query("UPDATE invites SET expired_at = 1 WHERE id = $1")
        .bind(erin_invite)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        app::backend::onboarding::invites::sweep(&app.state.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::backend::onboarding::invites::sweep(&app.state.db)
            .await
            .unwrap(),
        0
    );

    // join_request.created, member.joined + join_request.approved,
    // join_request.created + join_request.denied.
    let code = app
        .join_link_code(
            &manager.jwt,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 5, "mode": "request"}),
        )
        .await;
    let cy = app.account("cy@example.com").await;
    let dee = app.account("dee@example.com").await;
    let mut requests = Vec::new();
    for person in [&cy, &dee] {
        let (status, filed) = person
            .api(
                &app,
                Method::POST,
                "/api/v1/invite-links/join",
                Some(json!({"code": code})),
            )
            .await;
        assert_eq!(status, 202, "{filed}");
        requests.push(filed["requestId"].as_i64().unwrap());
    }
    for (id, what) in [(requests[0], "approve"), (requests[1], "deny")] {
        let (status, _) = manager
            .api(
                &app,
                Method::POST,
                &format!("/api/v1/join-requests/{id}/{what}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
    }
    // member.updated (Manager) + tenant.owner_changed.
    let cy_member = app
        .count("SELECT m.id FROM members m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'cy@example.com'")
        .await;
    let token =
        crate::ownership::nominate(&app, &manager, tenant, cy_member, "cy@example.com").await;
    assert_eq!(
        crate::ownership::answer(&app, &cy, "accept", &token)
            .await
            .0,
        200
    );

    let expected = [
        "join_request.created",
        "member.joined",
        "join_request.approved",
        "join_request.created",
        "join_request.denied",
        "member.updated",
        "tenant.owner_changed",
        "invite.created",
        "invite.resent",
        "invite.created",
        "invite.revoked",
        "invite.created",
        "invite.declined",
        "invite.accepted",
        "member.joined",
        "member.updated",
        "member.removed",
        "invite.created",
        "invite.expired",
    ];
    app.deliver_webhooks().await;
    // Nothing is due any more: a second pass sends no duplicate.
    assert_eq!(app.deliver_webhooks().await, 0);
    let received = receiver.received();
    assert_eq!(
        received.len(),
        expected.len(),
        "one request per event, no repeats"
    );
    let mut by_type: HashMap<String, Vec<Value>> = HashMap::new();
    for request in &received {
        verify(&secret, request);
        let body = request.json();
        by_type
            .entry(body["type"].as_str().unwrap().to_owned())
            .or_default()
            .push(body);
    }
    for t in app::backend::delivery::events::EventType::ALL {
        assert!(
            by_type.contains_key(t.as_str()),
            "no {} received",
            t.as_str()
        );
    }
    assert_eq!(by_type["invite.created"].len(), 4);
    assert_eq!(
        by_type["invite.expired"].len(),
        1,
        "invite.expired exactly once"
    );

    let accepted = &by_type["invite.accepted"][0];
    assert_eq!(accepted["data"]["tenantId"], tenant);
    assert_eq!(accepted["data"]["invite"]["status"], "accepted");
    assert_eq!(accepted["data"]["actor"]["email"], "bob@example.com");
    let joined = &by_type["member.joined"][0];
    assert_eq!(joined["data"]["member"]["email"], "bob@example.com");
    assert_eq!(joined["data"]["via"], "invite");
    assert_eq!(
        by_type["member.updated"][0]["data"]["member"]["roles"],
        json!(["extractor-viewer"])
    );
    assert_eq!(
        by_type["member.removed"][0]["data"]["member"]["status"],
        "DELETED"
    );
    let approved = &by_type["join_request.approved"][0];
    assert_eq!(approved["data"]["joinRequest"]["email"], "cy@example.com");
    assert_eq!(approved["data"]["joinRequest"]["status"], "approved");
    assert_eq!(by_type["member.joined"][1]["data"]["via"], "request");
    assert_eq!(
        by_type["tenant.owner_changed"][0]["data"]["member"]["id"],
        cy_member
    );
    let expired = &by_type["invite.expired"][0];
    assert_eq!(expired["data"]["invite"]["email"], "erin@example.com");
    assert_eq!(expired["data"]["actor"], Value::Null);
    assert!(expired["timestamp"].as_str().unwrap().ends_with('Z'));

    // The delivery log says the same.
    let endpoint = app.count("SELECT MIN(id) FROM webhook_endpoints").await;
    let (status, log) = manager
        .get(
            &app,
            &format!("/api/v1/webhooks/{endpoint}/deliveries?perPage=100"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(log["total"], expected.len());
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "delivered" && d["responseCode"] == 204 && d["attempts"] == 1)
    );
    app.stop().await;
    receiver.stop();
}

#[tokio::test]
async fn an_endpoint_receives_only_the_types_it_asked_for_and_a_disabled_one_nothing() {
    let receiver = HookReceiver::start(0).await;
    let app = spawn_for(&receiver.origin()).await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let (only_revoked, _) = add_endpoint(
        &app,
        &manager,
        tenant,
        json!({"url": receiver.url(), "events": ["invite.revoked"]}),
    )
    .await;
    let (disabled, _) = add_endpoint(
        &app,
        &manager,
        tenant,
        json!({"url": format!("{}/off", receiver.origin())}),
    )
    .await;
    let (status, body) = manager
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/webhooks/{disabled}"),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!((status, &body["disabledReason"]), (200, &json!("manual")));
    let id = invite(&app, &manager, tenant, "bob@example.com").await;
    manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{id}/revoke"),
            None,
        )
        .await;
    app.deliver_webhooks().await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].json()["type"], "invite.revoked");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = {only_revoked}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = {disabled}"
        ))
        .await,
        0
    );
    // Unknown event types are named.
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            "/api/v1/webhooks",
            Some(json!({"url": receiver.url(), "events": ["invite.exploded"]})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("invite.exploded"), "{body}");
    app.stop().await;
    receiver.stop();
}

#[tokio::test]
async fn an_outage_and_a_restart_lose_no_event() {
    // The receiver is down (nothing listens on its port) while events happen.
    let port = HookReceiver::free_port().await;
    let origin = format!("http://127.0.0.1:{port}");
    let first = spawn_for_with_workers(&origin).await;
    let (manager, tenant) = first.manager("ada@example.com", "Acme").await;
    let (_, secret) = add_endpoint(
        &first,
        &manager,
        tenant,
        json!({"url": format!("{origin}/hooks")}),
    )
    .await;
    for n in 0..3 {
        invite(&first, &manager, tenant, &format!("person{n}@example.com")).await;
    }
    // Every delivery failed once and waits for its retry; then Portico stops.
    wait_until(&first, "SELECT COUNT(*) FROM webhook_deliveries WHERE attempts >= 1 AND status = 'pending' AND last_error IS NOT NULL", 3).await;
    let database_url = first.database_url.clone();
    first.stop().await;

    // The receiver comes back, and so does Portico (a new process on the
    // same database).
    let receiver = HookReceiver::start(port).await;
    let settings = receiver_settings(&origin);
    let vars: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let second = spawn_app_on_with_workers(&database_url, &vars).await;
    let received = receiver.wait_for_messages(3).await;
    wait_until(
        &second,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'",
        3,
    )
    .await;

    let stored: HashSet<String> =
        sqlx::query_scalar::<_, String>("SELECT message_id FROM webhook_deliveries")
            .fetch_all(&mut *second.state.db.read().await.unwrap())
            .await
            .unwrap()
            .into_iter()
            .collect();
    let arrived: HashSet<String> = received.iter().map(Received::message_id).collect();
    assert_eq!(
        stored, arrived,
        "every event arrived, under its own webhook-id"
    );
    for request in &received {
        verify(&secret, request);
    }
    // Each was attempted at least twice: the failure, then the success.
    assert_eq!(
        second
            .count("SELECT COUNT(*) FROM webhook_deliveries WHERE attempts >= 2")
            .await,
        3
    );
    second.stop().await;
    receiver.stop();
}

#[tokio::test]
async fn two_instances_on_one_database_attempt_each_delivery_once() {
    let receiver = HookReceiver::start(0).await;
    let one = spawn_for_with_workers(&receiver.origin()).await;
    let settings = receiver_settings(&receiver.origin());
    let vars: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The manager first: each instance mails through its own test SMTP
    // server, and the confirmation mail must reach `one`'s.
    let (manager, tenant) = one.manager("ada@example.com", "Acme").await;
    let two = spawn_app_on_with_workers(&one.database_url, &vars).await;
    add_endpoint(&one, &manager, tenant, json!({"url": receiver.url()})).await;
    const EVENTS: usize = 40;
    for n in 0..EVENTS {
        let app = if n % 2 == 0 { &one } else { &two };
        invite(app, &manager, tenant, &format!("person{n}@example.com")).await;
    }
    receiver.wait_for_messages(EVENTS).await;
    wait_until(
        &one,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'",
        EVENTS as i64,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = receiver.received();
    assert_eq!(
        received.len(),
        EVENTS,
        "no delivery attempted by both instances"
    );
    assert_eq!(
        one.count("SELECT COUNT(*) FROM webhook_deliveries WHERE attempts = 1")
            .await,
        EVENTS as i64
    );
    one.stop().await;
    two.stop().await;
    receiver.stop();
}

#[tokio::test]
async fn private_and_loopback_urls_are_refused_without_the_flag() {
    let app = spawn_app_with(&[(
        "PORTICO_ALLOWED_ORIGINS",
        "http://10.0.0.5,http://127.0.0.1:9",
    )])
    .await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    for url in [
        "https://127.0.0.1/hooks",
        "http://127.0.0.1:9/hooks",
        "https://10.1.2.3/hooks",
        "http://10.0.0.5/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://localhost/hooks",
        "https://metadata.localhost/hooks",
        "http://hooks.example.com/plain-http",
        "https://user:pw@hooks.example.com/",
    ] {
        let (status, body) = manager
            .api(
                &app,
                Method::POST,
                &format!("/api/v1/webhooks?tenantId={tenant}"),
                Some(json!({"url": url})),
            )
            .await;
        assert_eq!(status, 400, "{url} was accepted: {body}");
        assert!(
            body["fields"]["url"].is_string() || body.to_string().contains("url"),
            "{body}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM webhook_endpoints").await, 0);
    // A public name is fine (it does not need to resolve here).
    add_endpoint(
        &app,
        &manager,
        tenant,
        json!({"url": "https://hooks.example.com/portico"}),
    )
    .await;

    // An endpoint stored before the rules tightened (written straight into
    // the database) is still never called: the worker refuses the address.
    let receiver = HookReceiver::start(0).await;
    sqlx::query(
        "INSERT INTO webhook_endpoints (tenant_id, url, description, events, secret, created_at, updated_at) \
         VALUES ($1, $2, '', '', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1, 1)",
    )
    .bind(tenant)
    .bind(receiver.url())
    .execute(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
    invite(&app, &manager, tenant, "bob@example.com").await;
    deliver_and_count(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE last_error LIKE '%refused%'",
        1,
    )
    .await;
    assert!(
        receiver.received().is_empty(),
        "a loopback receiver was called"
    );
    app.stop().await;
    receiver.stop();
}

#[tokio::test]
async fn a_failed_delivery_is_retried_on_request_and_three_failing_days_disable_the_endpoint() {
    let receiver = HookReceiver::start(0).await;
    receiver.answer_with(500);
    let app = spawn_for(&receiver.origin()).await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let (endpoint, _) = add_endpoint(&app, &manager, tenant, json!({"url": receiver.url()})).await;
    invite(&app, &manager, tenant, "bob@example.com").await;
    deliver_and_count(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE response_code = 500 AND status = 'pending'",
        1,
    )
    .await;
    let (_, log) = manager
        .get(&app, &format!("/api/v1/webhooks/{endpoint}/deliveries"))
        .await;
    let delivery = &log["items"][0];
    assert!(
        delivery["lastError"].as_str().unwrap().contains("500"),
        "{delivery}"
    );
    let delivery_id = delivery["id"].as_i64().unwrap();

    // The receiver is fixed; "Retry" sends it now, with the same webhook-id.
    receiver.answer_with(200);
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/webhooks/{endpoint}/deliveries/{delivery_id}/retry"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    deliver_and_count(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'",
        1,
    )
    .await;
    let ids: HashSet<String> = receiver
        .received()
        .iter()
        .map(Received::message_id)
        .collect();
    assert_eq!(ids.len(), 1, "the retry reused the webhook-id");

    // Failing since four days: the next failure disables it and mails Ada.
    receiver.answer_with(503);
    sqlx::query("UPDATE webhook_endpoints SET failing_since = $1")
        .bind(app::backend::now_ms() - 4 * 86_400_000)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    invite(&app, &manager, tenant, "carol@example.com").await;
    deliver_and_count(
        &app,
        "SELECT COUNT(*) FROM webhook_endpoints WHERE disabled_reason = 'failing'",
        1,
    )
    .await;
    let mail = app.mail_to("ada@example.com", "was disabled").await;
    assert!(mail.contains(&receiver.url()), "{mail}");
    let (_, listed) = manager.get(&app, "/api/v1/webhooks").await;
    assert_eq!(listed[0]["enabled"], false);
    // Retrying on a disabled endpoint says what to do.
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/webhooks/{endpoint}/deliveries/{delivery_id}/retry"),
            None,
        )
        .await;
    assert_eq!(status, 409);
    assert!(body.to_string().contains("Enable it first"), "{body}");
    app.stop().await;
    receiver.stop();
}

#[tokio::test]
async fn finished_deliveries_leave_the_log_after_thirty_days_pending_ones_stay() {
    let receiver = HookReceiver::start(0).await;
    let app = spawn_for(&receiver.origin()).await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    add_endpoint(&app, &manager, tenant, json!({"url": receiver.url()})).await;
    for n in 0..3 {
        invite(&app, &manager, tenant, &format!("person{n}@example.com")).await;
    }
    deliver_and_count(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'",
        3,
    )
    .await;
    // Two delivered ones and a pending one are made 31 days old.
    let old = app::backend::now_ms() - 31 * 86_400_000;
    sqlx::query("UPDATE webhook_deliveries SET created_at = $1 WHERE id IN (SELECT id FROM webhook_deliveries ORDER BY id LIMIT 2)")
        .bind(old)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    sqlx::query("UPDATE webhook_deliveries SET created_at = $1, status = 'pending', next_attempt_at = $2 WHERE id = (SELECT MAX(id) FROM webhook_deliveries)")
        .bind(old)
        .bind(app::backend::now_ms() + 86_400_000)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        app::backend::delivery::webhooks::prune_deliveries(&app.state.db)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM webhook_deliveries").await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'")
            .await,
        1
    );
    app.stop().await;
    receiver.stop();
}

/// A hostile receiver: answers every request 500 with a body that never
/// ends, as fast as the connection takes it.
async fn endless_receiver() -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 16 * 1024];
                let _ = stream.read(&mut request).await;
                let head = "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\n\
                            transfer-encoding: chunked\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!(
                    "{:x}\r\n{}\r\n",
                    64 * 1024,
                    "overloaded ".repeat(64 * 1024 / 11 + 1)[..64 * 1024].to_owned()
                );
                while stream.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    (origin, task)
}

#[tokio::test]
async fn a_receiver_answering_without_end_costs_one_short_excerpt() {
    let (origin, receiver) = endless_receiver().await;
    let app = spawn_for(&origin).await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    add_endpoint(
        &app,
        &manager,
        tenant,
        json!({"url": format!("{origin}/hooks")}),
    )
    .await;
    invite(&app, &manager, tenant, "bob@example.com").await;
    deliver_and_count(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE response_code = 500",
        1,
    )
    .await;
    let error: String = sqlx::query_scalar("SELECT last_error FROM webhook_deliveries")
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    // The attempt read the start of the answer and hung up; reading it to
    // the end would have run into the attempt's time limit instead.
    assert!(
        error.starts_with("answered 500 Internal Server Error: overloaded overloaded"),
        "{error}"
    );
    assert!(error.len() < 400, "{error}");
    receiver.abort();
}

// Issue 20, 8. IPv6 forms that carry or reach an IPv4 address passed the
// filter: NAT64, 6to4, IPv4-compatible, and site-local and Teredo ranges.
#[tokio::test]
async fn names_resolving_to_nat64_6to4_compatible_or_site_local_addresses_are_refused() {
    let dns = crate::dns_server::DnsServer::start().await;
    let app = spawn_app_with(&[("PORTICO_DNS_RESOLVER", &dns.resolver())]).await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let refused = [
        ("nat64.hooks.test", "64:ff9b::a00:1"), // 10.0.0.1
        ("nat64-local.hooks.test", "64:ff9b:1::1"),
        ("sixtofour.hooks.test", "2002:7f00:1::1"), // 127.0.0.1
        ("compatible.hooks.test", "::a9fe:a9fe"),   // 169.254.169.254
        ("site-local.hooks.test", "fec0::1"),
        ("teredo.hooks.test", "2001::1"),
        ("mapped.hooks.test", "::ffff:192.168.0.1"),
    ];
    for (name, ip) in refused {
        dns.add_ip(name, ip.parse().unwrap()).await;
        let (status, body) = manager
            .api(
                &app,
                Method::POST,
                &format!("/api/v1/webhooks?tenantId={tenant}"),
                Some(json!({"url": format!("https://{name}/hooks")})),
            )
            .await;
        assert_eq!(status, 400, "{name} → {ip} was accepted: {body}");
        assert!(
            body["fields"]["url"].as_str().unwrap().contains("private"),
            "{body}"
        );
    }
    // The same forms around a public address are fine.
    for (name, ip) in [
        ("public-nat64.hooks.test", "64:ff9b::5db8:d822"), // 93.184.216.34
        ("public.hooks.test", "2606:4700:4700::1111"),
    ] {
        dns.add_ip(name, ip.parse().unwrap()).await;
        let (status, body) = manager
            .api(
                &app,
                Method::POST,
                &format!("/api/v1/webhooks?tenantId={tenant}"),
                Some(json!({"url": format!("https://{name}/hooks")})),
            )
            .await;
        assert_eq!(status, 201, "{name} → {ip}: {body}");
    }
}

// Issue 20, 6. Adding or changing a webhook resolved its host on tokio's
// blocking pool before the endpoint cap was checked, without a rate limit:
// a name server that never answers filled the pool.
#[tokio::test]
async fn a_name_server_that_never_answers_is_asked_only_within_the_cap_and_the_rate() {
    let silent = crate::dns_server::SilentDns::start().await;
    let app = spawn_app_with(&[
        ("PORTICO_DNS_RESOLVER", &silent.addr.to_string()),
        ("PORTICO_RATE_LIMITS", "dns_lookup_tenant=3/1h"),
    ])
    .await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let (other, other_tenant) = app.manager("bea@example.com", "Bravo").await;

    // A tenant at its cap is refused before any lookup.
    for n in 0..20 {
        sqlx::query(
            "INSERT INTO webhook_endpoints (tenant_id, url, description, events, secret, created_at, updated_at) \
             VALUES ($1, $2, '', '', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1, 1)",
        )
        .bind(tenant)
        .bind(format!("https://hooks{n}.example.com/"))
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    }
    let mut capped = Vec::new();
    for n in 0..10 {
        let app = &app;
        let jwt = manager.jwt.clone();
        capped.push(async move {
            app.api(
                Method::POST,
                &format!("/api/v1/webhooks?tenantId={tenant}"),
                Some(&jwt),
                Some(json!({"url": format!("https://silent{n}.example.net/hooks")})),
            )
            .await
            .0
        });
    }
    for status in futures::future::join_all(capped).await {
        assert_eq!(status, 409);
    }
    assert_eq!(silent.queries(), 0, "no lookup for a tenant at its cap");

    // Another tenant: three lookups an hour, then 429 before any lookup;
    // meanwhile a sign-in goes through.
    let mut adds = Vec::new();
    for n in 0..12 {
        let app = &app;
        let jwt = other.jwt.clone();
        adds.push(async move {
            app.api(
                Method::POST,
                &format!("/api/v1/webhooks?tenantId={other_tenant}"),
                Some(&jwt),
                Some(json!({"url": format!("https://silent{n}.example.net/hooks")})),
            )
            .await
            .0
        });
    }
    let sign_in = async {
        app.api(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"email": "ada@example.com", "password": crate::helpers::PASSWORD})),
        )
        .await
        .0
    };
    let (statuses, signed_in) = tokio::join!(futures::future::join_all(adds), sign_in);
    assert_eq!(signed_in, 200);
    let looked_up = statuses.iter().filter(|s| **s == 201).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((looked_up, limited), (3, 9), "{statuses:?}");
}

// Issue 20, 4. One tenant's slow receivers stalled every tenant: the worker
// claimed 16 deliveries from one global queue and waited for all of them.
#[tokio::test]
async fn one_tenants_hanging_receivers_do_not_delay_another_tenants_delivery() {
    let slow = HookReceiver::start(0).await;
    let fast = HookReceiver::start(0).await;
    let origins = format!("{},{}", slow.origin(), fast.origin());
    let app = spawn_for_with_workers(&origins).await;
    let (ada, acme) = app.manager("ada@example.com", "Acme").await;
    let (bea, bravo) = app.manager("bea@example.com", "Bravo").await;
    // Tenant A: twenty endpoints whose receiver hangs, four invitations
    // queued: eighty deliveries that will not finish while the test runs.
    slow.hold();
    for n in 0..20 {
        add_endpoint(
            &app,
            &ada,
            acme,
            json!({"url": format!("{}/a{n}", slow.origin()), "events": ["invite.created"]}),
        )
        .await;
    }
    for n in 0..4 {
        invite(&app, &ada, acme, &format!("guest{n}@example.com")).await;
    }
    // Wait until the worker holds what it may of tenant A's deliveries.
    for _ in 0..300 {
        if slow.in_flight() >= 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let hanging = slow.in_flight();
    assert!(hanging >= 8, "tenant A's attempts are in flight: {hanging}");

    // Tenant B: one endpoint, one change. Its delivery arrives while every
    // one of tenant A's attempts still hangs.
    add_endpoint(
        &app,
        &bea,
        bravo,
        json!({"url": fast.url(), "events": ["invite.created"]}),
    )
    .await;
    invite(&app, &bea, bravo, "carl@example.com").await;
    let got = fast.wait_for_messages(1).await;
    assert_eq!(got[0].json()["type"], "invite.created");
    assert_eq!(
        slow.received().len(),
        0,
        "tenant B was served while tenant A's receivers still hung"
    );
    assert!(slow.in_flight() <= 16, "at most 16 attempts at once");
    assert!(
        slow.most_at_once_per_path() <= 2,
        "at most two attempts per endpoint at once: {}",
        slow.most_at_once_per_path()
    );

    // Released, tenant A's eighty deliveries all arrive, still two at most
    // per endpoint.
    slow.release();
    wait_until(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'",
        81,
    )
    .await;
    assert!(slow.received().len() >= 80);
    assert!(slow.most_at_once_per_path() <= 2);
}
