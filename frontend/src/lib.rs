//! The browser entry point. Pages are rendered on the server; the islands
//! among them (components marked `#[island]` in `app`) hydrate themselves
//! after this runs.

use wasm_bindgen::JsCast;

// The islands' exported hydration functions live in `app`: link it.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    local_time_titles();
    // Lets end-to-end tests (and curious people) see that the page is live.
    // The loader hydrates the islands right after this returns (in
    // microtasks), so a zero-delay timer marks the page once they are done.
    leptos::prelude::set_timeout(
        || {
            if let Some(body) = leptos::prelude::document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}

/// The server writes the exact time of each `<time datetime>` in UTC into
/// its title; here it becomes the reader's own time zone and format.
fn local_time_titles() {
    let Ok(times) = leptos::prelude::document().query_selector_all("time[datetime]") else {
        return;
    };
    for i in 0..times.length() {
        let Some(el) = times
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let Some(iso) = el.get_attribute("datetime") else {
            continue;
        };
        let date = js_sys::Date::new(&iso.into());
        if date.get_time().is_nan() {
            continue;
        }
        let local: String = date
            .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into();
        let _ = el.set_attribute("title", &local);
    }
}
