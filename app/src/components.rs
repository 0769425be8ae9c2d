//! Components used by several pages.

pub mod error_template;
pub mod form_field;
pub mod language_select;
pub mod layout;
pub mod pager;
pub mod role_choices;
pub mod sign_out_button;
pub mod tenant_nav;
pub mod time;
pub mod unverified_banner;
