//! Parse, don't validate: the values Portico accepts from people, each a
//! newtype whose only constructor is `parse`. The browser runs the same
//! `parse` before submitting a form, and the server runs it again, so a bad
//! value never reaches a service. Errors are sentences for a form field.

mod email;
mod event_type;
mod names;
mod password;
mod role;
mod status;

pub use email::{Email, is_dns_name, mailbox_of};
pub use event_type::EventType;
pub use names::{PersonName, ProjectName, TenantName};
pub use password::Password;
pub use role::{Role, RoleScope};
pub use status::{
    AuditAction, DeliveryStatus, InviteStatus, JoinPolicy, JoinRequestStatus, LinkMode, LinkStatus,
    MemberStatus,
};

use crate::error::{AppError, FieldErrors};

/// The most addresses one pasted list of invitations may hold (the form
/// says it; `invites::bulk` enforces it).
pub const MAX_BULK_INVITES: usize = 500;

/// A field a JSON body may leave out: `None` is "This field is required.",
/// a value is parsed. (A form always sends its fields, empty or not.)
pub fn required<V: ?Sized, T>(
    value: Option<&V>,
    parse: impl FnOnce(&V) -> Result<T, String>,
) -> Result<T, String> {
    match value {
        Some(v) => parse(v),
        None => Err("This field is required.".into()),
    }
}

/// Collects field errors while parsing a form, so that every failing field
/// is reported at once.
#[derive(Default)]
pub struct FormParser {
    errors: FieldErrors,
}

impl FormParser {
    /// Parses one field, remembering its error under `field`.
    pub fn field<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(problem) => {
                self.errors.insert(field.to_owned(), problem);
                None
            }
        }
    }

    /// `Ok(value)` when no field failed, else every failure.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, AppError> {
        if self.errors.is_empty() {
            value().ok_or(AppError::Internal)
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}
