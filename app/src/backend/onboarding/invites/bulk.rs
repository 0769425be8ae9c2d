//! Many invitations from one pasted list (the invitations page): every
//! row is checked first, and nothing is sent unless all rows are valid;
//! then each row gets its own outcome.

use crate::backend::access::actor::Actor;
use crate::backend::state::AppState;
use crate::domain::{Email, FormParser};
use crate::error::AppError;

use super::{NewInvite, create_invite};

/// The most addresses one list may hold.
pub const MAX_ROWS: usize = crate::domain::MAX_BULK_INVITES;

/// The rows of a pasted list: one address per line, comma or semicolon.
/// Stops one row past [`MAX_ROWS`], so a huge paste costs no more than
/// that to refuse.
fn split_rows(raw: &str) -> Vec<&str> {
    raw.split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(MAX_ROWS + 1)
        .collect()
}

/// The addresses of a pasted list, each problem (not an address, listed
/// twice) named by its row under the field `emails`; more than
/// [`MAX_ROWS`] rows is refused at once.
pub fn parse_rows(form: &mut FormParser, raw: &str) -> Result<Vec<Email>, AppError> {
    let rows = split_rows(raw);
    if rows.is_empty() {
        form.field::<()>("emails", Err(crate::t!("bulk-none")));
    }
    if rows.len() > MAX_ROWS {
        return Err(AppError::field(
            "emails",
            crate::t!("bulk-too-many", max = MAX_ROWS),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for (n, raw) in rows.iter().enumerate() {
        match Email::parse(raw) {
            Ok(e) if !seen.insert(e.clone()) => {
                problems.push(crate::t!("bulk-row-twice", row = n + 1, address = *raw))
            }
            Ok(e) => parsed.push(e),
            Err(p) => problems.push(crate::t!(
                "bulk-row-problem",
                row = n + 1,
                address = *raw,
                problem = p
            )),
        }
    }
    if !problems.is_empty() {
        form.field::<()>("emails", Err(problems.join("\n")));
    }
    Ok(parsed)
}

/// Invites each address with the invitation `make` builds for it, and
/// says per address what happened. Permission and verification fail on
/// the first row, before anything is sent (the error is returned); only a
/// per-person outcome (already a member, no seat left, rate limited) is
/// reported per row.
pub async fn invite_each(
    state: &AppState,
    actor: &Actor,
    emails: Vec<Email>,
    make: impl Fn(Email) -> NewInvite,
) -> Result<Vec<(Email, String)>, AppError> {
    let mut results = Vec::with_capacity(emails.len());
    for email in emails {
        let outcome = match create_invite(state, actor, make(email.clone())).await {
            Ok(_) => crate::t!("bulk-sent"),
            Err(
                e @ (AppError::Conflict(_)
                | AppError::SeatLimitReached(_)
                | AppError::RateLimited { .. }),
            ) => e.to_string(),
            Err(e) => return Err(e),
        };
        results.push((email, outcome));
    }
    Ok(results)
}
