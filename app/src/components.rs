//! Components used by several pages.

pub mod error_template;
pub mod layout;
