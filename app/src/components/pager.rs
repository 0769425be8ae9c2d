//! "Previous · Page n of m · Next" under a paged list.

use leptos::prelude::*;

/// Links to the pages around `page` of `pages`; `link(p)` is page p's URL.
#[component]
pub fn Pager(
    page: i64,
    pages: i64,
    link: impl Fn(i64) -> String + 'static,
    #[prop(default = "Pages")] label: &'static str,
) -> impl IntoView {
    let prev = (page > 1).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    view! {
        <nav aria-label=label class="pager">
            {prev.map(|href| view! { <a href=href rel="prev">"Previous"</a> })}
            <span>{format!("Page {page} of {pages}")}</span>
            {next.map(|href| view! { <a href=href rel="next">"Next"</a> })}
        </nav>
    }
}
