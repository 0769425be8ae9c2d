//! Outgoing mail: the outbox (SPEC §5) and the messages Portico sends. A
//! service queues a mail with [`enqueue`] inside its own transaction, so the
//! mail exists exactly when the change does; the server's mail worker
//! delivers it. Every mail has a text and an HTML part, and user text is
//! escaped in the HTML.

use sqlx::AnyConnection;

use crate::backend::db::exec::Exec;
use crate::backend::db::{self, now_ms};
use crate::domain::Role;
use crate::error::AppError;
use crate::format::{format_ms, relative_ms};
use crate::i18n::Lang;
use crate::tl;

/// A mail ready to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The language it is written in (its `Content-Language`).
    pub language: Lang,
}

/// Queues `mail` on the caller's connection or transaction.
pub async fn enqueue(conn: &mut AnyConnection, mail: &OutgoingMail) -> Result<(), AppError> {
    insert(conn, mail, None).await
}

/// Queues a mail that carries `invite_id`'s link, so replacing the link
/// can cancel it while it is unsent ([`cancel_unsent_for_invite`]).
pub async fn enqueue_for_invite(
    conn: &mut impl Exec,
    mail: &OutgoingMail,
    invite_id: i64,
) -> Result<(), AppError> {
    insert(conn, mail, Some(invite_id)).await
}

async fn insert(
    conn: &mut impl Exec,
    mail: &OutgoingMail,
    invite_id: Option<i64>,
) -> Result<(), AppError> {
    let new = db::outbox_mail::NewMail {
        to: &mail.to,
        subject: &mail.subject,
        text: &mail.text,
        html: &mail.html,
        language: mail.language.code(),
        invite_id,
    };
    db::outbox_mail::insert(conn, new, now_ms()).await
}

/// How long sent and given-up mails stay in the outbox as a record.
pub const RETENTION_MS: i64 = 30 * 24 * 3_600_000;
/// Mails one pruning round deletes; the pass repeats until done.
const PRUNE_BATCH: i64 = 1_000;

/// The periodic clean-up: deletes sent and given-up mails older than
/// [`RETENTION_MS`], so the outbox does not grow with every mail ever sent.
/// Mails still waiting stay (an SMTP outage delays mail, never loses it).
pub async fn prune_outbox(db: &crate::backend::db::Db) -> Result<u64, AppError> {
    let before = now_ms() - RETENTION_MS;
    db::delete_in_batches(PRUNE_BATCH, |batch| async move {
        let mut conn = db.write().await?;
        db::outbox_mail::prune_finished(&mut conn, before, batch).await
    })
    .await
}

/// Cancels the invitation's unsent mail: its link was replaced (resend,
/// refresh, "Copy link") or ended (revoke), and nobody should get a dead
/// link (SPEC §5).
pub async fn cancel_unsent_for_invite(
    conn: &mut impl Exec,
    invite_id: i64,
) -> Result<(), AppError> {
    let cancelled = db::outbox_mail::cancel_unsent_for_invite(conn, invite_id, now_ms()).await?;
    if cancelled > 0 {
        tracing::info!(
            invite_id,
            cancelled,
            "unsent invitation mail cancelled: its link was replaced"
        );
    }
    Ok(())
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Wraps already-escaped HTML body content in a minimal document.
fn html_document(lang: Lang, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1f24\">{body}\
         <p style=\"color: #57606a; font-size: 0.875rem\">{}</p></body></html>",
        lang.code(),
        escape_html(title),
        escape_html(&tl!(lang, "mail-sent-by")),
    )
}

/// A mail with one call to action: greeting, paragraphs, a link.
fn action_mail(
    lang: Lang,
    to: &str,
    subject: &str,
    first_name: &str,
    paragraphs: &[&str],
    action: &str,
    link: &str,
) -> OutgoingMail {
    let hello = tl!(lang, "mail-hello-name", name = first_name);
    let text = format!(
        "{hello}\n\n{}\n\n{action}: {link}\n\n{}\n",
        paragraphs.join("\n\n"),
        tl!(lang, "mail-sent-by")
    );
    let mut body = format!("<p>{}</p>", escape_html(&hello));
    for p in paragraphs {
        body.push_str(&format!("<p>{}</p>", escape_html(p)));
    }
    body.push_str(&format!(
        "<p><a href=\"{0}\">{1}</a></p><p style=\"font-size: 0.875rem\">{2} {0}</p>",
        escape_html(link),
        escape_html(action),
        escape_html(&tl!(lang, "mail-paste-address")),
    ));
    OutgoingMail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html: html_document(lang, subject, &body),
        language: lang,
    }
}

/// `joining`: the tenant whose shareable link the person signed up with;
/// confirming completes the join, and the mail says so.
pub fn verification_mail(
    lang: Lang,
    to: &str,
    first_name: &str,
    link: &str,
    joining: Option<&str>,
) -> OutgoingMail {
    let confirm = tl!(lang, "mail-verify-body");
    let join_line = joining.map(|t| tl!(lang, "mail-verify-join", tenant = t));
    let mut paragraphs = vec![confirm.as_str()];
    paragraphs.extend(join_line.as_deref());
    action_mail(
        lang,
        to,
        &tl!(lang, "mail-verify-subject"),
        first_name,
        &paragraphs,
        &tl!(lang, "mail-verify-action"),
        link,
    )
}

pub fn password_reset_mail(lang: Lang, to: &str, first_name: &str, link: &str) -> OutgoingMail {
    action_mail(
        lang,
        to,
        &tl!(lang, "mail-reset-subject"),
        first_name,
        &[
            &tl!(lang, "mail-reset-body"),
            &tl!(lang, "mail-reset-not-you"),
        ],
        &tl!(lang, "mail-reset-action"),
        link,
    )
}

/// To the member the owner nominated as the tenant's new owner (SPEC §12).
pub fn ownership_transfer_mail(
    lang: Lang,
    to: &str,
    first_name: &str,
    tenant: &str,
    owner_name: &str,
    link: &str,
) -> OutgoingMail {
    action_mail(
        lang,
        to,
        &tl!(lang, "mail-ownership-subject", tenant = tenant),
        first_name,
        &[
            &tl!(
                lang,
                "mail-ownership-body",
                owner = owner_name,
                tenant = tenant
            ),
            &tl!(lang, "mail-ownership-how"),
        ],
        &tl!(lang, "mail-ownership-action"),
        link,
    )
}

/// To a tenant's managers: people wait for an answer to their join
/// requests (at most one such mail an hour).
pub fn join_requests_digest_mail(
    lang: Lang,
    to: &str,
    first_name: &str,
    tenant: &str,
    waiting: i64,
    link: &str,
) -> OutgoingMail {
    action_mail(
        lang,
        to,
        &tl!(lang, "mail-requests-subject", tenant = tenant),
        first_name,
        &[
            &tl!(lang, "mail-requests-body", count = waiting, tenant = tenant),
            &tl!(lang, "mail-requests-how"),
        ],
        &tl!(lang, "mail-requests-action"),
        link,
    )
}

/// To the person who asked to join: the manager's decision, with the
/// roles they were given when approved (`None`: denied).
pub fn join_request_decided_mail(
    lang: Lang,
    request: &crate::dto::JoinRequestInfo,
    tenant: &str,
    approved_roles: Option<&[String]>,
    link: &str,
) -> OutgoingMail {
    if let Some(roles) = approved_roles {
        let roles = crate::format::role_names(lang, roles);
        action_mail(
            lang,
            &request.email,
            &tl!(lang, "mail-approved-subject", tenant = tenant),
            &request.first_name,
            &[&tl!(
                lang,
                "mail-approved-body",
                tenant = tenant,
                roles = roles
            )],
            &tl!(lang, "mail-approved-action", tenant = tenant),
            link,
        )
    } else {
        action_mail(
            lang,
            &request.email,
            &tl!(lang, "mail-denied-subject", tenant = tenant),
            &request.first_name,
            &[
                &tl!(lang, "mail-denied-body", tenant = tenant),
                &tl!(lang, "mail-denied-how"),
            ],
            &tl!(lang, "mail-denied-action"),
            link,
        )
    }
}

/// To a tenant manager: an endpoint that failed for three days was disabled.
pub fn webhook_disabled_mail(
    lang: Lang,
    to: &str,
    first_name: &str,
    tenant: &str,
    url: &str,
    link: &str,
) -> OutgoingMail {
    action_mail(
        lang,
        to,
        &tl!(lang, "mail-webhook-subject", tenant = tenant),
        first_name,
        &[
            &tl!(lang, "mail-webhook-body", tenant = tenant, url = url),
            &tl!(lang, "mail-webhook-how"),
        ],
        &tl!(lang, "mail-webhook-action"),
        link,
    )
}

/// What the invitation mail says.
pub struct InviteMail<'a> {
    /// The invitation's language, decided when it was made (SPEC §12).
    pub lang: Lang,
    /// The one reminder before the invitation expires (SPEC §5).
    pub reminder: bool,
    pub to: &'a str,
    pub tenant: &'a str,
    pub inviter: &'a str,
    pub roles: &'a [String],
    /// The organisation the organisation roles apply in, if any.
    pub organisation: Option<&'a str>,
    pub message: Option<&'a str>,
    pub link: &'a str,
    pub expires_at: i64,
}

pub fn invite_mail(m: &InviteMail<'_>) -> OutgoingMail {
    let lang = m.lang;
    let subject = if m.reminder {
        tl!(
            lang,
            "mail-invite-reminder-subject",
            inviter = m.inviter,
            tenant = m.tenant
        )
    } else {
        tl!(
            lang,
            "mail-invite-subject",
            inviter = m.inviter,
            tenant = m.tenant
        )
    };
    // Roles by name, each with what it allows (the catalogue strings are for
    // the API).
    let roles: Vec<String> = m
        .roles
        .iter()
        .map(|r| match Role::parse(r) {
            Ok(role) => role.describe(lang, m.organisation),
            Err(_) => r.clone(),
        })
        .collect();
    let hello = tl!(lang, "mail-hello");
    let invited = tl!(
        lang,
        "mail-invite-body",
        inviter = m.inviter,
        tenant = m.tenant
    );
    // The reminder's link is new: the one in the first mail stops working.
    let note = m.reminder.then(|| tl!(lang, "mail-invite-reminder-note"));
    let mut text = format!("{hello}\n\n");
    let mut body = format!("<p>{}</p>", escape_html(&hello));
    if let Some(note) = &note {
        text.push_str(&format!("{note}\n\n"));
        body.push_str(&format!("<p>{}</p>", escape_html(note)));
    }
    text.push_str(&format!("{invited}\n"));
    body.push_str(&format!("<p>{}</p><ul>", escape_html(&invited)));
    for role in &roles {
        text.push_str(&format!("- {role}\n"));
        body.push_str(&format!("<li>{}</li>", escape_html(role)));
    }
    body.push_str("</ul>");
    if let Some(message) = m.message.filter(|s| !s.trim().is_empty()) {
        let their = tl!(lang, "mail-invite-their-message");
        text.push_str(&format!("\n{their}\n{message}\n"));
        body.push_str(&format!(
            "<p>{}</p><blockquote style=\"white-space: pre-wrap\">{}</blockquote>",
            escape_html(&their),
            escape_html(message)
        ));
    }
    let expires = tl!(
        lang,
        "mail-invite-expires",
        when = relative_ms(lang, m.expires_at, now_ms()),
        date = format_ms(lang, m.expires_at)
    );
    let accept = tl!(lang, "mail-invite-action");
    text.push_str(&format!(
        "\n{accept}: {}\n\n{expires}\n\n{}\n",
        m.link,
        tl!(lang, "mail-sent-by")
    ));
    body.push_str(&format!(
        "<p><a href=\"{0}\">{1}</a></p><p style=\"font-size: 0.875rem\">{2} {0}</p><p>{3}</p>",
        escape_html(m.link),
        escape_html(&accept),
        escape_html(&tl!(lang, "mail-paste-address")),
        escape_html(&expires)
    ));
    OutgoingMail {
        to: m.to.to_owned(),
        subject: subject.clone(),
        text,
        html: html_document(lang, &subject, &body),
        language: lang,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invite_mail_names_tenant_and_inviter_and_escapes_the_message() {
        let roles = vec!["extractor-user".to_owned(), "organisation-user".to_owned()];
        let expires_at = now_ms() + 7 * 86_400_000 + 60_000;
        let m = invite_mail(&InviteMail {
            lang: Lang::En,
            reminder: false,
            to: "bob@x.io",
            tenant: "Acme & Co",
            inviter: "Ada Lovelace",
            roles: &roles,
            organisation: Some("Labs <1>"),
            message: Some("<script>alert(1)</script>"),
            link: "http://h/invite?token=abc",
            expires_at,
        });
        assert_eq!(
            m.subject,
            "Ada Lovelace invited you to Acme & Co on Portico"
        );
        assert!(
            m.text.contains("<script>alert(1)</script>")
                && m.text.contains("http://h/invite?token=abc")
        );
        // Roles by name with what they allow, the organisation named.
        assert!(
            m.text
                .contains("- Member — can see the tenant and work in projects\n")
        );
        assert!(m.text.contains(
            "- Organisation member in Labs <1> — can see the organisation and work in its projects"
        ));
        assert!(!m.text.contains("extractor-user"));
        assert!(m.html.contains("<li>Organisation member in Labs &lt;1&gt;"));
        assert!(m.text.contains(&format!(
            "expires in 7 days ({})",
            format_ms(Lang::En, expires_at)
        )));
        assert!(!m.html.contains("<script>"));
        assert!(m.html.contains("Acme &amp; Co") && m.html.contains("&lt;script&gt;"));
    }

    #[test]
    fn user_text_is_escaped_in_html_but_kept_in_text() {
        let m = verification_mail(
            Lang::En,
            "a@x.io",
            "<script>alert(1)</script>",
            "http://h/verify-email?token=a&b",
            Some("<b>Acme</b>"),
        );
        assert!(m.text.contains("Hello <script>alert(1)</script>,"));
        assert!(m.text.contains("you join <b>Acme</b> on Portico"));
        assert!(
            m.html
                .contains("you join &lt;b&gt;Acme&lt;/b&gt; on Portico")
        );
        assert!(!m.html.contains("<script>"));
        assert!(m.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(
            m.html
                .contains("href=\"http://h/verify-email?token=a&amp;b\"")
        );
    }
}
