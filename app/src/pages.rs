//! One module per page, named after its component; each page's server
//! functions live beside it.

pub mod accept_invite_page;
pub mod account_page;
pub mod audit_page;
pub mod choose_tenant_page;
pub mod collection_page;
pub mod directory_page;
pub mod domains_page;
pub mod home_page;
pub mod invite_links_page;
pub mod invites_page;
pub mod join_page;
pub mod login_page;
pub mod members_page;
pub mod not_found_page;
pub mod ownership_page;
pub mod password_reset_pages;
pub mod register_page;
pub mod requests_page;
pub mod sso_page;
pub mod tenant_home_page;
pub mod verify_email_page;
pub mod webhooks_page;
