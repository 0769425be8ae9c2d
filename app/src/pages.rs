//! One module per page, named after its component.

pub mod home_page;
pub mod not_found_page;
