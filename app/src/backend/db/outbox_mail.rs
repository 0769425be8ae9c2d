//! `outbox_mail`: mail waiting to be delivered, and what became of it.

use std::sync::OnceLock;

use sqlx::AnyConnection;

use super::exec::{Arg, Exec, Row};
use crate::error::AppError;

/// A mail claimed for delivery.
#[derive(Debug, Clone)]
pub struct ClaimedMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attempts: i64,
    /// Its `Content-Language`.
    pub language: Option<String>,
}

/// A new mail.
pub struct NewMail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    /// The BCP 47 tag of the mail's language.
    pub language: &'a str,
    /// The invitation whose link the mail carries, if any.
    pub invite_id: Option<i64>,
}

pub async fn insert(conn: &mut impl Exec, mail: NewMail<'_>, now: i64) -> Result<(), AppError> {
    conn.execute("INSERT INTO outbox_mail (to_address, subject, text_body, html_body, attempts, next_attempt_at, created_at, invite_id, language) \
         VALUES ($1, $2, $3, $4, 0, $5, $5, $6, $7)", &[mail.to.into(), mail.subject.into(), mail.text.into(), mail.html.into(), now.into(), mail.invite_id.into(), mail.language.into()]).await?;
    Ok(())
}

/// Drops the invitation's mails that no worker has sent or is sending: their
/// link was just replaced or ended. One a worker holds is already on its way.
pub const CANCEL_UNSENT_FOR_INVITE_SQL: &str = "DELETE FROM outbox_mail \
     WHERE invite_id = $1 AND sent_at IS NULL AND (locked_until IS NULL OR locked_until < $2)";

pub async fn cancel_unsent_for_invite(
    conn: &mut impl Exec,
    invite_id: i64,
    now: i64,
) -> Result<u64, AppError> {
    Ok(conn
        .execute(
            CANCEL_UNSENT_FOR_INVITE_SQL,
            &[invite_id.into(), now.into()],
        )
        .await?)
}

/// How many mails one claim takes, and how many ids one statement of
/// [`mark_sent`] takes (the worker's batch). A literal in [`CLAIM_SQL`]
/// (through this macro), not a parameter: PostgreSQL's generic plan
/// guesses a tenth of the table for `LIMIT $n`, and then joined the claim
/// to a scan of the whole outbox.
macro_rules! batch {
    () => {
        50
    };
}

/// Claims up to [`IDS_PER_STATEMENT`] due mails until `lease_until` (`$1`):
/// an instance that claimed a mail is the only one to send it until the
/// lease ends. Oldest due first, in `outbox_mail_due_idx`'s own order
/// (`sent_at` is NULL in all of them, and names the index's first column
/// for PostgreSQL), so the walk stops at the batch: sorting by `id`
/// instead read every unsent mail at each claim, and a backlog of 30,000
/// made each claim ~20 times slower, in the writer's turn. The claim then
/// touches only those rows, by primary key. Another instance's claim, send
/// or cancellation in between changes the lease, the attempt count or the
/// row's existence, which the outer condition re-checks. (It does not
/// repeat `sent_at IS NULL`: with that, PostgreSQL's generic plan may walk
/// every unsent mail once per claimed one, slow as a backlog grows.)
pub const CLAIM_SQL: &str = concat!(
    "UPDATE outbox_mail SET locked_until = $1 \
     FROM (SELECT id AS due_id, attempts AS due_attempts FROM outbox_mail \
           WHERE sent_at IS NULL AND next_attempt_at <= $2 \
             AND (locked_until IS NULL OR locked_until < $2) \
           ORDER BY sent_at, next_attempt_at, id LIMIT ",
    batch!(),
    ") AS due \
     WHERE id = due.due_id AND attempts = due.due_attempts \
       AND (locked_until IS NULL OR locked_until < $2) \
     RETURNING id, to_address, subject, text_body, html_body, attempts, language"
);

pub async fn claim_due(
    conn: &mut impl Exec,
    now: i64,
    lease_until: i64,
) -> Result<Vec<ClaimedMail>, AppError> {
    Ok(conn
        .fetch_all(
            CLAIM_SQL,
            &[lease_until.into(), now.into()],
            ClaimedMail::decode,
        )
        .await?)
}

/// How many mails a claim takes and one statement of [`mark_sent`] marks.
pub const IDS_PER_STATEMENT: usize = batch!();

impl ClaimedMail {
    /// A row of [`CLAIM_SQL`]'s `RETURNING`, in its order.
    fn decode(row: &dyn Row) -> Result<Self, sqlx::Error> {
        Ok(ClaimedMail {
            id: row.int(0)?,
            to_address: row.text(1)?,
            subject: row.text(2)?,
            text_body: row.text(3)?,
            html_body: row.text(4)?,
            attempts: row.int(5)?,
            language: row.opt_text(6)?,
        })
    }
}

/// `next_attempt_at` of a mail that will never be attempted again: the
/// receiving server refused it for good. Outside every claim's range.
pub const NEVER: i64 = i64::MAX;

/// Marks delivered mails sent, [`IDS_PER_STATEMENT`] to a statement. Their
/// bodies go: they carried links with live tokens, which Portico otherwise
/// keeps only as hashes (SPEC §7); the address, subject and times stay as
/// the record.
pub async fn mark_sent(conn: &mut impl Exec, ids: &[i64], now: i64) -> Result<(), AppError> {
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        // A shorter list repeats its last id: one statement text, kept prepared.
        let mut args: Vec<Arg> = Vec::with_capacity(IDS_PER_STATEMENT + 1);
        args.push(now.into());
        args.extend(chunk.iter().map(|&id| Arg::from(id)));
        args.resize(IDS_PER_STATEMENT + 1, chunk[chunk.len() - 1].into());
        conn.execute(mark_sent_sql(), &args).await?;
    }
    Ok(())
}

/// [`mark_sent`]'s statement: `$1` the time, `$2`… the ids.
pub fn mark_sent_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let ids: Vec<String> = (2..2 + IDS_PER_STATEMENT).map(|i| format!("${i}")).collect();
        format!(
            "UPDATE outbox_mail SET sent_at = $1, attempts = attempts + 1, locked_until = NULL, last_error = NULL, \
             text_body = '', html_body = '' WHERE id IN ({})",
            ids.join(", ")
        )
    })
}

pub async fn mark_failed(
    conn: &mut impl Exec,
    id: i64,
    error: &str,
    next_attempt_at: i64,
) -> Result<(), AppError> {
    conn.execute(
        "UPDATE outbox_mail SET attempts = attempts + 1, locked_until = NULL, last_error = $1, \
         next_attempt_at = $2 WHERE id = $3",
        &[error.into(), next_attempt_at.into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Gives a mail up: the receiving server refused its recipient for good
/// ("550 no such user"), so trying again cannot help. It stays
/// unsent with the refusal as its last error, is never due again, and its
/// body (and the link in it) goes.
pub async fn give_up(conn: &mut impl Exec, id: i64, error: &str) -> Result<(), AppError> {
    conn.execute(
        "UPDATE outbox_mail SET attempts = attempts + 1, locked_until = NULL, last_error = $1, \
         next_attempt_at = $2, text_body = '', html_body = '' WHERE id = $3",
        &[error.into(), NEVER.into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Deletes up to `$2` mails sent before `$1`, oldest first, through
/// `outbox_mail_due_idx` (`sent_at` leads it).
pub const PRUNE_SENT_SQL: &str = "DELETE FROM outbox_mail WHERE id IN \
     (SELECT id FROM outbox_mail WHERE sent_at < $1 ORDER BY sent_at LIMIT $2)";

/// Deletes up to `$3` given-up mails created before `$1` (`$2` is
/// [`NEVER`]), through the same index.
pub const PRUNE_GIVEN_UP_SQL: &str = "DELETE FROM outbox_mail WHERE id IN \
     (SELECT id FROM outbox_mail WHERE sent_at IS NULL AND next_attempt_at = $2 AND created_at < $1 LIMIT $3)";

/// One batch of the clean-up: sent and given-up mails older than `before`.
/// Mails still to be sent stay, however old. Returns how many went.
pub async fn prune_finished(
    conn: &mut AnyConnection,
    before: i64,
    batch: i64,
) -> Result<u64, AppError> {
    let sent = sqlx::query(PRUNE_SENT_SQL)
        .bind(before)
        .bind(batch)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let given_up = sqlx::query(PRUNE_GIVEN_UP_SQL)
        .bind(before)
        .bind(NEVER)
        .bind(batch)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(sent + given_up)
}
