//! Prometheus metrics for HTTP traffic: request counts and latency
//! histograms by method, matched route and status, rendered at `/metrics`.
//! Kept in-process and per `HttpMetrics` value (no global recorder), so each
//! test server counts only its own requests.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    /// Non-cumulative counts per bucket; the last slot is +Inf.
    buckets: [u64; BUCKETS.len() + 1],
}

/// Method, matched route, status code.
type SeriesKey = (String, String, u16);

#[derive(Clone, Default)]
pub struct HttpMetrics {
    series: Arc<Mutex<BTreeMap<SeriesKey, Series>>>,
}

impl HttpMetrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut series) = self.series.lock() else {
            return;
        };
        let s = series
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        s.count += 1;
        s.sum_seconds += seconds;
        let slot = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        s.buckets[slot] += 1;
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(series) = self.series.lock() else {
            return out;
        };
        out.push_str("# HELP http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE http_requests_total counter\n");
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(route),
                s.count
            );
        }
        out.push_str("# HELP http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = format!(
                "method=\"{method}\",route=\"{}\",status=\"{status}\"",
                escape(route)
            );
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(s.buckets.iter()) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Middleware recording every request. Unmatched paths (static files, 404s)
/// and unknown methods share one label each, so that scanners cannot blow
/// up the series count.
pub async fn track(State(metrics): State<HttpMetrics>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(req.method()).to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(req).await;
    metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    response
}

/// The standard methods by name; anything else (a client can send any
/// token as a method) shares one label, so the series count is bounded.
fn method_label(method: &http::Method) -> &'static str {
    use http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// What `/metrics` needs: the counters and the operator's token.
#[derive(Clone)]
pub struct MetricsEndpoint {
    pub metrics: HttpMetrics,
    /// `PORTICO_METRICS_TOKEN`; `None`: nobody is served.
    pub token: Option<Arc<str>>,
}

/// `GET /metrics`: only for `Authorization: Bearer <PORTICO_METRICS_TOKEN>`
/// (compared as hashes, in constant time). Without the variable the
/// endpoint does not exist (404); a missing or wrong token is a 401.
pub async fn render(State(endpoint): State<MetricsEndpoint>, headers: http::HeaderMap) -> Response {
    let Some(expected) = endpoint.token.as_deref() else {
        return http::StatusCode::NOT_FOUND.into_response();
    };
    let given = crate::rest::extract::bearer_of(&headers).unwrap_or_default();
    if !app::backend::crypto::secret_matches(given, expected) {
        return (
            http::StatusCode::UNAUTHORIZED,
            [(http::header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    (
        [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        endpoint.metrics.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_counted_by_route() {
        let m = HttpMetrics::default();
        m.observe("GET", "/healthz", 200, 0.0005);
        m.observe("GET", "/healthz", 200, 0.3);
        m.observe("POST", "/rpc/x", 400, 0.002);
        let text = m.render();
        assert!(
            text.contains(
                "http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
            )
        );
        assert!(text.contains("http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"0.001\"} 1"));
        assert!(text.contains("http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"0.5\"} 2"));
        assert!(
            text.contains("http_requests_total{method=\"POST\",route=\"/rpc/x\",status=\"400\"} 1")
        );
    }
}
