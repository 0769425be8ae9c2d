//! The SCIM error (RFC 7644 §3.12): an HTTP status, a `scimType` for the
//! 400s and 409s a directory can act on, and a sentence for people.

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<&'static str>,
    pub detail: String,
    /// Seconds to wait, on a 429.
    pub retry_after: Option<u64>,
}

impl ScimError {
    pub fn new(status: u16, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
            retry_after: None,
        }
    }

    /// 400 `invalidValue`: an attribute's value is wrong.
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidValue"), detail)
    }

    /// 400 `invalidSyntax`: the body is not what the operation needs.
    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidSyntax"), detail)
    }

    /// 400 `invalidFilter`.
    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidFilter"), detail)
    }

    /// 400 `invalidPath`: a PATCH path that does not parse or names nothing.
    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidPath"), detail)
    }

    /// 400 `noTarget`: a PATCH filter that selects nothing.
    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::new(400, Some("noTarget"), detail)
    }

    /// 400 `mutability`: a read-only attribute, or a change the tenant's
    /// rules refuse.
    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::new(400, Some("mutability"), detail)
    }

    /// 409 `uniqueness`.
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(409, Some("uniqueness"), detail)
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            404,
            None,
            format!("No {what} with id {id:?} in this directory."),
        )
    }
}

impl From<AppError> for ScimError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(errors) => ScimError::invalid_value(
                errors
                    .iter()
                    .map(|(field, why)| format!("{field}: {why}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            AppError::Unauthorized | AppError::InvalidCredentials => {
                ScimError::new(401, None, "A directory token of this tenant is required.")
            }
            AppError::Forbidden => ScimError::new(403, None, "Not allowed."),
            AppError::ForbiddenBecause(why) | AppError::EmailNotVerified(why) => {
                ScimError::new(403, None, why)
            }
            AppError::SeatLimitReached(why) => ScimError::new(403, None, why),
            AppError::NotFound => ScimError::new(404, None, "Not found."),
            AppError::Conflict(why) => ScimError::mutability(why),
            AppError::RateLimited { retry_after_secs } | AppError::Busy { retry_after_secs } => {
                ScimError {
                    retry_after: Some(retry_after_secs),
                    ..ScimError::new(
                        429,
                        None,
                        format!("Too many requests; retry in {retry_after_secs} s."),
                    )
                }
            }
            AppError::Internal | AppError::Transport(_) => {
                ScimError::new(500, None, "Something went wrong on our side.")
            }
        }
    }
}
