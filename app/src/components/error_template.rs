//! Shows the errors caught by an `ErrorBoundary` and, during SSR, sets the
//! HTTP status that the first `AppError` maps to.

use leptos::prelude::*;

use crate::error::AppError;
use crate::t;

/// The `AppError`s among `errors`; anything else counts as internal.
fn app_errors(errors: &Errors) -> Vec<AppError> {
    errors
        .iter()
        .map(|(_, e)| {
            e.downcast_ref::<AppError>()
                .cloned()
                .unwrap_or(AppError::Internal)
        })
        .collect()
}

#[component]
pub fn ErrorTemplate(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let list = app_errors(&errors.get_untracked());

    #[cfg(feature = "ssr")]
    if let (Some(first), Some(response)) =
        (list.first(), use_context::<leptos_axum::ResponseOptions>())
    {
        response.set_status(first.status());
    }

    view! {
        <section class="error-panel" role="alert">
            <h1>{t!("error-title")}</h1>
            <ul>
                {list
                    .into_iter()
                    .map(|e| view! { <li>{e.to_string()}</li> })
                    .collect_view()}
            </ul>
            <p>
                <a href="/">{t!("error-home")}</a>
            </p>
        </section>
    }
}
