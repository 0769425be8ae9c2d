//! A real HTTP receiver for webhook tests: an axum server on 127.0.0.1 that
//! keeps every request it gets (headers and body) and answers with the
//! status the test sets.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    pub fn message_id(&self) -> String {
        self.headers["webhook-id"].to_str().unwrap().to_owned()
    }
}

#[derive(Clone)]
struct Shared {
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    /// While true, every request waits (a receiver that hangs).
    hold: Arc<tokio::sync::watch::Sender<bool>>,
    /// Requests being answered now, and the most at once, by path.
    in_flight: Arc<Mutex<HashMap<String, (usize, usize)>>>,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            received: Arc::default(),
            status: Arc::default(),
            hold: Arc::new(tokio::sync::watch::channel(false).0),
            in_flight: Arc::default(),
        }
    }
}

pub struct HookReceiver {
    pub port: u16,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl HookReceiver {
    /// Listens on `port` (0: any free one), answering 204.
    pub async fn start(port: u16) -> HookReceiver {
        let shared = Shared::default();
        shared.status.store(204, Ordering::SeqCst);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind receiver");
        let port = listener.local_addr().unwrap().port();
        let app = Router::new().fallback(receive).with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        HookReceiver { port, shared, task }
    }

    /// A port nothing listens on yet (bound, then released).
    pub async fn free_port() -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn url(&self) -> String {
        format!("{}/hooks", self.origin())
    }

    pub fn answer_with(&self, status: u16) {
        self.shared.status.store(status, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits up to 30 s until `n` distinct messages (webhook-id) arrived.
    pub async fn wait_for_messages(&self, n: usize) -> Vec<Received> {
        for _ in 0..300 {
            let received = self.received();
            let mut ids: Vec<String> = received.iter().map(Received::message_id).collect();
            ids.sort();
            ids.dedup();
            if ids.len() >= n {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "expected {n} webhook messages, got {}",
            self.received().len()
        );
    }

    /// From now on requests hang until [`HookReceiver::release`].
    pub fn hold(&self) {
        self.shared.hold.send_replace(true);
    }

    pub fn release(&self) {
        self.shared.hold.send_replace(false);
    }

    /// Requests hanging (or being answered) now, over all paths.
    pub fn in_flight(&self) -> usize {
        self.shared
            .in_flight
            .lock()
            .unwrap()
            .values()
            .map(|v| v.0)
            .sum()
    }

    /// The most requests any one path had in flight at once.
    pub fn most_at_once_per_path(&self) -> usize {
        self.shared
            .in_flight
            .lock()
            .unwrap()
            .values()
            .map(|v| v.1)
            .max()
            .unwrap_or(0)
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

async fn receive(
    State(shared): State<Shared>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let path = uri.path().to_owned();
    {
        let mut in_flight = shared.in_flight.lock().unwrap();
        let entry = in_flight.entry(path.clone()).or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(entry.0);
    }
    // Counted out however the request ends (answered, or dropped when the
    // sender gives up).
    struct Leaving(Arc<Mutex<HashMap<String, (usize, usize)>>>, String);
    impl Drop for Leaving {
        fn drop(&mut self) {
            if let Some(entry) = self.0.lock().unwrap().get_mut(&self.1) {
                entry.0 -= 1;
            }
        }
    }
    let _leaving = Leaving(shared.in_flight.clone(), path);
    let mut hold = shared.hold.subscribe();
    let _ = hold.wait_for(|held| !held).await;
    shared
        .received
        .lock()
        .unwrap()
        .push(Received { headers, body });
    StatusCode::from_u16(shared.status.load(Ordering::SeqCst)).unwrap_or(StatusCode::OK)
}
