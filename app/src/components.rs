//! Components used by several pages.

pub mod error_template;
pub mod form_field;
pub mod layout;
pub mod tenant_nav;
