//! `spawn_app()` and the `TestApp` handle the tests drive.

use std::collections::HashMap;

use app::backend::testing::fresh_database_url;
use app::backend::{AppState, Config};
use server::Application;
use tokio::sync::oneshot;

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub client: reqwest::Client,
    _shutdown: oneshot::Sender<()>,
}

/// Settings every test server gets; `extra` overrides them.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let (database_url, _) = fresh_database_url().await;
    let mail_dir = std::env::temp_dir().join(format!(
        "portico-test-mail-{}-{}",
        std::process::id(),
        app::backend::now_ms()
    ));
    let mut vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url),
        ("PORTICO_ADDR".into(), "127.0.0.1:0".into()),
        (
            "PORTICO_MAIL".into(),
            format!("file:{}", mail_dir.display()),
        ),
    ]);
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("valid test config");
    let app = Application::build(config).await.expect("build test app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state.clone();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(app.serve_until(async {
        let _ = rx.await;
    }));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("build client");
    TestApp {
        address,
        state,
        client,
        _shutdown: tx,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
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
}
