//! "Previous · Page n of m · Next" under a paged list.

use leptos::prelude::*;

use crate::t;

/// Links to the pages around `page` of `pages`; `link(p)` is page p's URL.
#[component]
pub fn Pager(
    page: i64,
    pages: i64,
    link: impl Fn(i64) -> String + 'static,
    #[prop(optional, into)] label: Option<String>,
) -> impl IntoView {
    let label = label.unwrap_or_else(|| t!("pager-label"));
    let prev = (page > 1).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    view! {
        <nav aria-label=label class="pager">
            {prev.map(|href| view! { <a href=href rel="prev">{t!("pager-previous")}</a> })}
            <span>{t!("pager-page", page = page, pages = pages)}</span>
            {next.map(|href| view! { <a href=href rel="next">{t!("pager-next")}</a> })}
        </nav>
    }
}
