//! `spawn_app()` and the `TestApp` handle the tests drive.

use std::collections::HashMap;
use std::sync::Arc;

use app::backend::testing::fresh_database_url;
use app::backend::{AppState, Config};
use server::Application;
use server::mail_worker::MailWorker;
use server::webhook_worker::WebhookWorker;
use tokio::sync::oneshot;

use crate::smtp_sink::SmtpSink;

pub const PASSWORD: &str = "correct horse battery";
/// `PORTICO_METRICS_TOKEN` of the tests that read `/metrics`.
pub const METRICS_TOKEN: &str = "the-operator-metrics-token-0123456789";

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub client: reqwest::Client,
    pub smtp: SmtpSink,
    pub database_url: String,
    /// The workers' due work, run by [`TestApp::deliver_mail`] and
    /// [`TestApp::deliver_webhooks`] (the server itself runs none, unless
    /// started with [`spawn_app_with_workers`]).
    mail: MailWorker,
    webhooks: Arc<WebhookWorker>,
    shutdown: Option<oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<()>>,
}

/// A test server on port 0 with a fresh database and mail going over SMTP
/// to a sink the test reads; `extra` overrides any variable. Its mail and
/// webhook workers do not run by themselves: the test drives them
/// ([`TestApp::deliver_mail`], [`TestApp::deliver_webhooks`]), so nothing
/// waits on a timer.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let (database_url, _) = fresh_database_url().await;
    spawn(&database_url, extra, false).await
}

/// A test server whose mail and webhook workers run by themselves, as in
/// production: for the tests of the workers' own timing (outages,
/// restarts, several instances, fairness).
pub async fn spawn_app_with_workers(extra: &[(&str, &str)]) -> TestApp {
    let (database_url, _) = fresh_database_url().await;
    spawn(&database_url, extra, true).await
}

/// A test server on an existing database: a second instance beside one
/// already running, as a fleet behind a load balancer would be. Its
/// workers do not run by themselves.
pub async fn spawn_app_on(database_url: &str, extra: &[(&str, &str)]) -> TestApp {
    spawn(database_url, extra, false).await
}

/// A server whose `PORTICO_BASE_URL` is its real address (a free port
/// found first), for flows between two servers where one fetches or
/// redirects to the other's URLs (SSO against a second Portico).
pub async fn spawn_app_at_own_url(extra: &[(&str, &str)]) -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let base = format!("http://{addr}");
    let mut vars: Vec<(&str, &str)> = vec![("PORTICO_ADDR", &addr), ("PORTICO_BASE_URL", &base)];
    vars.extend_from_slice(extra);
    let (database_url, _) = fresh_database_url().await;
    spawn(&database_url, &vars, false).await
}

/// [`spawn_app_on`] with the workers running by themselves.
pub async fn spawn_app_on_with_workers(database_url: &str, extra: &[(&str, &str)]) -> TestApp {
    spawn(database_url, extra, true).await
}

async fn spawn(database_url: &str, extra: &[(&str, &str)], workers: bool) -> TestApp {
    let database_url = database_url.to_owned();
    let smtp = SmtpSink::start().await;
    let mut vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url),
        ("PORTICO_ADDR".into(), "127.0.0.1:0".into()),
        ("PORTICO_MAIL".into(), smtp.url()),
    ]);
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("valid test config");
    let app = Application::build(config).await.expect("build test app");
    let app = if workers { app } else { app.without_workers() };
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state.clone();
    let mail = MailWorker::new(state.db.clone(), &state.config.mail, &state.config.base_url)
        .expect("mail worker");
    let webhooks = Arc::new(WebhookWorker::new(state.clone()).expect("webhook worker"));
    let (tx, rx) = oneshot::channel::<()>();
    let served = tokio::spawn(async move {
        let _ = app
            .serve_until(async {
                let _ = rx.await;
            })
            .await;
    });
    TestApp {
        address,
        database_url: vars["DATABASE_URL"].clone(),
        state,
        client: new_client(),
        smtp,
        mail,
        webhooks,
        shutdown: Some(tx),
        served: Some(served),
    }
}

/// The backend's state on a fresh database, with no server and no port:
/// for tests that call services directly. `extra` overrides any variable.
pub async fn service_state(extra: &[(&str, &str)]) -> AppState {
    let (database_url, _) = fresh_database_url().await;
    let mut vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url),
        ("PORTICO_MAIL".into(), "log".into()),
    ]);
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("valid test config");
    server::startup::app_state(config)
        .await
        .expect("state on a fresh database")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// A cookie-aware client that does not follow redirects. A request
/// unanswered after a minute fails its test instead of hanging it.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .timeout(std::time::Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("build client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
    }

    /// Posts a form from the page `from` the way a browser without
    /// JavaScript does.
    pub async fn post_form(
        &self,
        path: &str,
        from: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("accept", "text/html")
            .header("origin", &self.state.config.base_url)
            .header("referer", self.url(from))
            .form(form)
            .send()
            .await
            .expect("POST form")
    }

    /// Calls a server function the way the hydrated app does; JSON answer.
    pub async fn rpc(&self, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/rpc/{name}")))
            .form(form)
            .send()
            .await
            .expect("server function call")
    }

    /// Registers through the `/register` form; returns the response.
    pub async fn register(&self, email: &str, tenant: &str) -> reqwest::Response {
        self.rpc(
            "register",
            &[
                ("email", email),
                ("password", PASSWORD),
                ("first_name", "Ada"),
                ("last_name", "Lovelace"),
                ("tenant_name", tenant),
                ("project_name", "Launch"),
            ],
        )
        .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.rpc("sign_in", &[("email", email), ("password", password)])
            .await
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut *self.state.db.read().await.unwrap())
            .await
            .expect(sql)
    }

    /// Sends every mail that is due, as the mail worker would, and returns
    /// when the SMTP sink has them (a mail in back-off stays queued).
    pub async fn deliver_mail(&self) {
        self.mail.deliver_all_due().await.expect("deliver mail");
    }

    /// Attempts every webhook delivery that is due, as the webhook worker
    /// would, and returns when each attempt is recorded.
    pub async fn deliver_webhooks(&self) -> usize {
        self.webhooks.deliver_due().await.expect("deliver webhooks")
    }

    /// Every mail the SMTP sink has, after delivering what is due.
    pub async fn mails(&self) -> Vec<String> {
        self.deliver_mail().await;
        self.smtp.messages()
    }

    /// The newest mail to `to` whose subject contains `subject`, decoded,
    /// after delivering what is due.
    pub async fn mail_to(&self, to: &str, subject: &str) -> String {
        self.deliver_mail().await;
        self.smtp
            .find(to, subject)
            .unwrap_or_else(|| panic!("no mail to {to} about {subject:?}"))
    }

    /// Stops serving and waits until the server and its workers end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(served) = self.served.take() {
            let _ = served.await;
        }
    }
}

/// Someone using Portico in a test: their own cookie jar and an API token.
pub struct Person {
    pub client: reqwest::Client,
    pub jwt: String,
}

impl Person {
    /// Calls the REST API as this person, with their API token: status and
    /// JSON body (`Null` when there is none).
    pub async fn api(
        &self,
        app: &TestApp,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        app.api(method, path, Some(&self.jwt), body).await
    }

    /// `GET path` of the REST API as this person.
    pub async fn get(&self, app: &TestApp, path: &str) -> (u16, serde_json::Value) {
        self.api(app, reqwest::Method::GET, path, None).await
    }
}

impl TestApp {
    /// Confirms `email` through the link in its verification mail, from a
    /// browser of its own (which the confirmation signs in).
    pub async fn verify_email_of(&self, email: &str) {
        self.verify_email_with(&new_client(), email).await;
    }

    /// Confirms `email` from the browser `client`: the first confirmation
    /// revokes every session of the account, and the browser that opened
    /// the link stays signed in under a new one. A browser other than the
    /// one that chose the password is asked for a new one (SPEC §2): it
    /// chooses `PASSWORD` again.
    pub async fn verify_email_with(&self, client: &reqwest::Client, email: &str) {
        let token = self.verification_token(email).await;
        let res = client
            .post(self.url("/rpc/verify_email"))
            .form(&[("token", token.as_str()), ("password", PASSWORD)])
            .send()
            .await
            .expect("verify_email call");
        assert_eq!(res.status(), 200, "verifying {email}");
    }

    /// A shareable link of `tenant` made by `jwt`'s holder with `body`
    /// (`roles`, `maxUses`, …); returns its code.
    pub async fn join_link_code(&self, jwt: &str, tenant: i64, body: serde_json::Value) -> String {
        let (status, created) = self
            .api(
                reqwest::Method::POST,
                &format!("/api/v1/invite-links?tenantId={tenant}"),
                Some(jwt),
                Some(body),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        created["url"]
            .as_str()
            .unwrap()
            .split("code=")
            .nth(1)
            .unwrap()
            .to_owned()
    }

    /// The status `POST /api/v1/auth/token` answers `email` and `password`.
    pub async fn sign_in_status(&self, email: &str, password: &str) -> u16 {
        self.api(
            reqwest::Method::POST,
            "/api/v1/auth/token",
            None,
            Some(serde_json::json!({"email": email, "password": password})),
        )
        .await
        .0
    }

    /// The HTML `client` gets for `path`.
    pub async fn page_of(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// `/metrics` as the operator reads it (`METRICS_TOKEN`).
    pub async fn metrics(&self) -> String {
        let res = self
            .client
            .get(self.url("/metrics"))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "metrics");
        res.text().await.unwrap()
    }

    /// The token from the newest verification mail to `email`.
    pub async fn verification_token(&self, email: &str) -> String {
        let mail = self.mail_to(email, "Confirm your email").await;
        let link = crate::smtp_sink::link_in(&mail, "/verify-email?token=");
        let query = link.split("token=").nth(1).unwrap();
        // A link that also joins a tenant goes on with `&join=…`.
        query.split('&').next().unwrap().to_owned()
    }

    pub async fn jwt(&self, email: &str) -> String {
        let res = self
            .client
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "token for {email}");
        res.json::<serde_json::Value>().await.unwrap()["accessToken"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Registers `email` with a new tenant through the register form,
    /// confirms the email, and returns the person and the tenant id.
    pub async fn manager(&self, email: &str, tenant: &str) -> (Person, i64) {
        let client = new_client();
        let res = client
            .post(self.url("/rpc/register"))
            .form(&[
                ("email", email),
                ("password", PASSWORD),
                ("first_name", "Ada"),
                ("last_name", "Manager"),
                ("tenant_name", tenant),
                ("project_name", "Launch"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "register {email}");
        let tenant_id: i64 = res.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/t/")
            .parse()
            .unwrap();
        self.verify_email_with(&client, email).await;
        let jwt = self.jwt(email).await;
        (Person { client, jwt }, tenant_id)
    }

    /// The id of `email`'s membership of `tenant`.
    pub async fn member_id(&self, tenant: i64, email: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT m.id FROM members m JOIN accounts a ON a.id = m.account_id WHERE m.tenant_id = $1 AND a.email = $2",
        )
        .bind(tenant)
        .bind(email)
        .fetch_one(&mut *self.state.db.read().await.unwrap())
        .await
        .unwrap()
    }

    /// An account (no tenant) with a confirmed email.
    pub async fn account(&self, email: &str) -> Person {
        let res = self
            .client
            .post(self.url("/api/v1/auth/signup"))
            .json(&serde_json::json!({"email": email, "password": PASSWORD, "firstName": "Bob", "lastName": "Invitee"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "signup {email}");
        self.verify_email_of(email).await;
        let client = new_client();
        let res = client
            .post(self.url("/rpc/sign_in"))
            .form(&[("email", email), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        Person {
            client,
            jwt: self.jwt(email).await,
        }
    }

    /// A JSON API call; returns status and body (Null when empty).
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("API call");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// A verified account that `manager` invited into its tenant with
    /// `roles` (and `organisation`), joined through the email-match flow.
    pub async fn member(
        &self,
        manager: &Person,
        email: &str,
        roles: &[&str],
        organisation: Option<i64>,
    ) -> Person {
        let person = self.account(email).await;
        let (status, body) = self
            .api(
                reqwest::Method::POST,
                "/api/v1/registration/invite",
                Some(&manager.jwt),
                Some(serde_json::json!({
                    "email": email,
                    "roles": roles,
                    "organisationId": organisation,
                    "url": format!("{}/invite", self.state.config.base_url),
                })),
            )
            .await;
        assert_eq!(status, 200, "invite {email}: {body}");
        let (status, body) = self
            .api(
                reqwest::Method::POST,
                "/api/v1/registration",
                Some(&person.jwt),
                Some(serde_json::json!({"url": self.state.config.base_url})),
            )
            .await;
        assert_eq!(status, 200, "{email} joins: {body}");
        person
    }

    /// An organisation of `tenant`, made directly in the database.
    pub async fn organisation(&self, tenant: i64, name: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO organisations (tenant_id, name, created_at, updated_at) VALUES ($1, $2, 1, 1) RETURNING id",
        )
        .bind(tenant)
        .bind(name)
        .fetch_one(&mut *self.state.db.read().await.unwrap())
        .await
        .expect("insert organisation")
    }

    /// `by` invites `email` into `tenant` as an `extractor-user` through
    /// REST, with the link on Portico's own acceptance page.
    pub async fn invite_as_user(
        &self,
        by: &Person,
        tenant: i64,
        email: &str,
    ) -> (u16, serde_json::Value) {
        let url = format!("{}/invite", self.state.config.base_url);
        let body = serde_json::json!({"email": email, "roles": ["extractor-user"], "url": url, "tenantId": tenant});
        self.api(
            reqwest::Method::POST,
            "/api/v1/registration/invite",
            Some(&by.jwt),
            Some(body),
        )
        .await
    }

    /// What the public preview says of an invitation link's token.
    pub async fn preview(&self, token: &str) -> (u16, serde_json::Value) {
        self.api(
            reqwest::Method::GET,
            &format!("/api/v1/invites/preview?token={token}"),
            None,
            None,
        )
        .await
    }

    /// The token from the newest invitation mail to `email`.
    pub async fn invite_token(&self, email: &str) -> String {
        let mail = self.mail_to(email, "invited you to").await;
        let link = crate::smtp_sink::link_in(&mail, "/invite?token=");
        link.split("token=").nth(1).unwrap().to_owned()
    }

    /// Accounts with confirmed emails and their JWTs, made in the database:
    /// many people without paying for many password hashes.
    pub async fn verified_people(&self, emails: &[String]) -> Vec<Person> {
        let mut people = Vec::new();
        for email in emails {
            let account = self.verified_account(email).await;
            people.push(Person {
                client: new_client(),
                jwt: app::backend::access::access_tokens::issue(&self.state, &account, None)
                    .await
                    .unwrap(),
            });
        }
        people
    }

    /// An account with a confirmed email, inserted directly.
    pub async fn verified_account(
        &self,
        email: &str,
    ) -> app::backend::access::accounts::AccountRow {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (email, mailbox, password_hash, first_name, last_name, email_verified_at, created_at, updated_at) \
             VALUES ($1, $2, 'unusable', 'Pat', 'Joiner', 1, 1, 1) RETURNING id",
        )
        .bind(email)
        .bind(app::domain::mailbox_of(email))
        .fetch_one(&mut *self.state.db.read().await.unwrap())
        .await
        .unwrap();
        self.account_row(id).await
    }

    pub async fn account_row(&self, id: i64) -> app::backend::access::accounts::AccountRow {
        let mut conn = self.state.db.read().await.unwrap();
        app::backend::db::accounts::find_by_id(&mut conn, id)
            .await
            .unwrap()
            .unwrap()
    }
}
