//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

use crate::components::layout::Layout;
use crate::pages::accept_invite_page::AcceptInvitePage;
use crate::pages::account_page::AccountPage;
use crate::pages::audit_page::AuditPage;
use crate::pages::choose_tenant_page::ChooseTenantPage;
use crate::pages::collection_page::{OrganisationsPage, ProjectsPage};
use crate::pages::directory_page::DirectoryPage;
use crate::pages::domains_page::DomainsPage;
use crate::pages::home_page::HomePage;
use crate::pages::invite_links_page::InviteLinksPage;
use crate::pages::invites_page::InvitesPage;
use crate::pages::join_page::JoinPage;
use crate::pages::login_page::{LoginPage, LogoutPage};
use crate::pages::members_page::MembersPage;
use crate::pages::not_found_page::NotFoundPage;
use crate::pages::ownership_page::OwnershipPage;
use crate::pages::password_reset_pages::{ForgotPasswordPage, ResetPasswordPage};
use crate::pages::register_page::RegisterPage;
use crate::pages::requests_page::RequestsPage;
use crate::pages::sso_page::SsoPage;
use crate::pages::tenant_home_page::TenantHomePage;
use crate::pages::verify_email_page::VerifyEmailPage;
use crate::pages::webhooks_page::WebhooksPage;

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::backend::content_policy::send_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang=crate::i18n::lang().code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Portico".to_owned() } else { format!("{page} · Portico") }
        } />
        <Router>
            <Layout>
                // Async SSR: each page's data is in the first HTML, so pages
                // work without JavaScript.
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("logout") view=LogoutPage ssr=SsrMode::Async />
                    <Route
                        path=StaticSegment("forgot-password")
                        view=ForgotPasswordPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("reset-password")
                        view=ResetPasswordPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("oauth"), StaticSegment("choose"))
                        view=ChooseTenantPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("verify-email") view=VerifyEmailPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("account") view=AccountPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"))
                        view=TenantHomePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("invites"))
                        view=InvitesPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("invite") view=AcceptInvitePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("join") view=JoinPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("ownership") view=OwnershipPage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("requests"))
                        view=RequestsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("links"))
                        view=InviteLinksPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("members"))
                        view=MembersPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("organisations"))
                        view=OrganisationsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("projects"))
                        view=ProjectsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("audit"))
                        view=AuditPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("webhooks"))
                        view=WebhooksPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("domains"))
                        view=DomainsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("directory"))
                        view=DirectoryPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("t"), ParamSegment("tenant_id"), StaticSegment("sso"))
                        view=SsoPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Layout>
        </Router>
    }
}
