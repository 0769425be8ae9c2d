//! `AppError`: the one error type of Portico, shared by services, server
//! functions and REST handlers. It crosses the server-function boundary as
//! JSON, so forms can show field errors, and it maps to the HTTP status and
//! error body of SPEC §4 in one place ([`AppError::status`], [`ErrorBody`]).

use std::collections::BTreeMap;

use http::StatusCode;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Field name → what is wrong with it, in words a person can act on.
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail")]
pub enum AppError {
    /// Input failed validation; every failing field is named.
    #[error("Some fields are invalid.")]
    Validation(FieldErrors),
    #[error("Sign in to continue.")]
    Unauthorized,
    /// A sign-in or token request whose credentials do not match; the same
    /// answer whether the email exists or not.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// Forbidden, with the reason in words (e.g. "confirm your email first").
    #[error("{0}")]
    ForbiddenBecause(String),
    #[error("Not found.")]
    NotFound,
    /// The request conflicts with what is stored (duplicate, already used, …).
    #[error("{0}")]
    Conflict(String),
    /// A conflict with the tenant's seat limit (SPEC §9), said so a manager
    /// knows what to free.
    #[error("{0}")]
    SeatLimitReached(String),
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    /// The account must confirm its email address first (SPEC §2).
    #[error("{0}")]
    EmailNotVerified(String),
    /// Expensive work is at its bound (argon2); try again shortly.
    #[error("The server is busy. Try again in {retry_after_secs} seconds.")]
    Busy { retry_after_secs: u64 },
    /// Something broke on our side. The cause is logged where it happened;
    /// the person only ever sees this fixed sentence.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The browser could not reach the server or read its answer.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// An internal error with its cause: logs `what` with the whole cause
    /// chain (each `source()` in turn) and returns [`AppError::Internal`],
    /// whose fixed sentence is all the person sees.
    #[cfg(feature = "ssr")]
    pub fn internal(what: &str, cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(error = %chain, "{what}");
        AppError::Internal
    }

    /// An internal error that has no error value behind it (a broken
    /// invariant: a row that must exist does not): logs `what`.
    #[cfg(feature = "ssr")]
    pub fn broken(what: &str) -> Self {
        tracing::error!("{what}");
        AppError::Internal
    }

    /// A validation error for a single field.
    pub fn field(field: &str, problem: impl Into<String>) -> Self {
        AppError::Validation(BTreeMap::from([(field.to_owned(), problem.into())]))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::ForbiddenBecause(_) | AppError::EmailNotVerified(_) => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) | AppError::SeatLimitReached(_) => StatusCode::CONFLICT,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport(_) => StatusCode::BAD_GATEWAY,
        }
    }

    /// The machine-readable `code` of the error body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation_failed",
            AppError::Unauthorized => "unauthorized",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden | AppError::ForbiddenBecause(_) => "forbidden",
            AppError::EmailNotVerified(_) => "email_not_verified",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::SeatLimitReached(_) => "seat_limit_reached",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Busy { .. } => "busy",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
        }
    }

    /// The problem with `field`, if this is a validation error naming it.
    /// Seconds a client should wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs } | AppError::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// The account has not confirmed its email address yet.
    pub fn email_not_verified(what: &str) -> Self {
        AppError::EmailNotVerified(format!("Confirm your email address before you {what}."))
    }

    pub fn field_error(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(fields) => fields.get(field).cloned(),
            _ => None,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.to_string(),
            code: self.code().to_owned(),
            fields: match self {
                AppError::Validation(fields) => fields.clone(),
                _ => FieldErrors::new(),
            },
        }
    }
}

/// The JSON error body of SPEC §4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A sentence for people.
    #[cfg_attr(feature = "ssr", schema(example = "Some fields are invalid."))]
    pub error: String,
    /// A stable code for programs, e.g. `validation_failed`.
    #[cfg_attr(feature = "ssr", schema(example = "validation_failed"))]
    pub code: String,
    /// Field name → what is wrong with it (validation errors only).
    #[cfg_attr(
        feature = "ssr",
        schema(value_type = std::collections::HashMap<String, String>, example = json!({"email": "Enter an email address."}))
    )]
    pub fields: FieldErrors,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that fail to deserialize are bad input, not a crash.
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::field("request", msg)
            }
            ServerFnErrorErr::Request(msg) => AppError::Transport(msg),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                AppError::Conflict("That already exists.".into())
            }
            _ => AppError::internal("database error", &err),
        }
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after() {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_name_every_field_in_the_body() {
        let mut fields = FieldErrors::new();
        fields.insert("email".into(), "is not an email address".into());
        fields.insert("roles".into(), "must not be empty".into());
        let body = AppError::Validation(fields).body();
        assert_eq!(body.code, "validation_failed");
        assert_eq!(body.fields.len(), 2);
        assert_eq!(body.fields["roles"], "must not be empty");
    }

    #[test]
    fn internal_errors_show_a_fixed_sentence() {
        assert_eq!(
            AppError::Internal.body().error,
            "Something went wrong on our side. Please try again."
        );
        assert_eq!(
            AppError::Internal.status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn errors_survive_the_server_function_round_trip() {
        let err = AppError::field("email", "is taken");
        let bytes = err.ser();
        assert_eq!(AppError::de(bytes), err);
    }
}
