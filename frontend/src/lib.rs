//! The browser entry point. Pages are rendered on the server; the islands
//! among them (components marked `#[island]` in `app`) hydrate themselves
//! after this runs.

// The islands' exported hydration functions live in `app`: link it.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
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
