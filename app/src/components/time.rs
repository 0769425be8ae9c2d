//! Times as people read them.

use leptos::prelude::*;

use crate::format::{format_ms, iso_ms, relative_ms};

/// "in 7 days", "2 hours ago", with the exact time in the title: UTC from
/// the server; the browser rewrites it in the reader's time zone.
#[component]
pub fn RelativeTime(ms: i64) -> impl IntoView {
    let lang = crate::i18n::lang();
    view! { <time datetime=iso_ms(ms) title=format_ms(lang, ms)>{relative_ms(lang, ms, now_ms())}</time> }
}

#[cfg(not(feature = "hydrate"))]
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(feature = "hydrate")]
fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}
