//! The frame of every page: header with navigation, main area, footer.

use leptos::prelude::*;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                "Portico"
            </a>
            <nav aria-label="Main">
                <ul>
                    <li>
                        <a href="/">"Home"</a>
                    </li>
                    <li>
                        <a href="/api/docs" rel="external">
                            "API"
                        </a>
                    </li>
                </ul>
            </nav>
        </header>
        <main id="main">{children()}</main>
        <footer class="site-footer">
            <p>"Portico — self-hosted tenant onboarding"</p>
        </footer>
    }
}
