//! Portico's Leptos application: the shell, routes, pages, components, the
//! DTOs both sides share and the server functions. Server-only code lives in
//! [`backend`] behind the `ssr` feature; `hydrate` is the browser side.

pub mod app;
pub mod components;
pub mod domain;
pub mod dto;
pub mod error;
pub mod format;
pub mod i18n;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod backend;

pub use app::{App, shell};
pub use error::{AppError, ErrorBody, FieldErrors};
