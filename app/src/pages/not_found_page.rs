//! The 404 page, served with status 404.

use leptos::prelude::*;

use crate::t;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text={t!("not-found-title")} />
        <section class="error-panel">
            <h1>{t!("not-found-title")}</h1>
            <p>{t!("not-found-text")}</p>
            <p>
                <a href="/">{t!("error-home")}</a>
            </p>
        </section>
    }
}
