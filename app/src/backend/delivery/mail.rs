//! Outgoing mail: the outbox (SPEC §5) and the messages Portico sends. A
//! service queues a mail with [`enqueue`] inside its own transaction, so the
//! mail exists exactly when the change does; the server's mail worker
//! delivers it. Every mail has a text and an HTML part, and user text is
//! escaped in the HTML.

use sqlx::AnyConnection;

use crate::backend::db::{self, now_ms};
use crate::domain::Role;
use crate::error::AppError;
use crate::format::{format_ms, relative_ms};

/// A mail ready to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues `mail` on the caller's connection or transaction.
pub async fn enqueue(conn: &mut AnyConnection, mail: &OutgoingMail) -> Result<(), AppError> {
    insert(conn, mail, None).await
}

/// Queues a mail that carries `invite_id`'s link, so replacing the link
/// can cancel it while it is unsent ([`cancel_unsent_for_invite`]).
pub async fn enqueue_for_invite(
    conn: &mut AnyConnection,
    mail: &OutgoingMail,
    invite_id: i64,
) -> Result<(), AppError> {
    insert(conn, mail, Some(invite_id)).await
}

async fn insert(
    conn: &mut AnyConnection,
    mail: &OutgoingMail,
    invite_id: Option<i64>,
) -> Result<(), AppError> {
    let new = db::outbox_mail::NewMail {
        to: &mail.to,
        subject: &mail.subject,
        text: &mail.text,
        html: &mail.html,
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
    conn: &mut AnyConnection,
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
fn html_document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1f24\">{body}\
         <p style=\"color: #57606a; font-size: 0.875rem\">Sent by Portico.</p></body></html>",
        escape_html(title)
    )
}

/// A mail with one call to action: greeting, paragraphs, a link.
fn action_mail(
    to: &str,
    subject: &str,
    first_name: &str,
    paragraphs: &[&str],
    action: &str,
    link: &str,
) -> OutgoingMail {
    let text = format!(
        "Hello {first_name},\n\n{}\n\n{action}: {link}\n\nSent by Portico.\n",
        paragraphs.join("\n\n")
    );
    let mut body = format!("<p>Hello {},</p>", escape_html(first_name));
    for p in paragraphs {
        body.push_str(&format!("<p>{}</p>", escape_html(p)));
    }
    body.push_str(&format!(
        "<p><a href=\"{0}\">{1}</a></p><p style=\"font-size: 0.875rem\">Or paste this address into your browser: {0}</p>",
        escape_html(link),
        escape_html(action)
    ));
    OutgoingMail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html: html_document(subject, &body),
    }
}

/// `joining`: the tenant whose shareable link the person signed up with;
/// confirming completes the join, and the mail says so.
pub fn verification_mail(
    to: &str,
    first_name: &str,
    link: &str,
    joining: Option<&str>,
) -> OutgoingMail {
    let confirm = "Please confirm that this is your email address. The link works for 48 hours.";
    let join_line = joining.map(|t| format!("Once you confirm, you join {t} on Portico."));
    let mut paragraphs = vec![confirm];
    paragraphs.extend(join_line.as_deref());
    action_mail(
        to,
        "Confirm your email address for Portico",
        first_name,
        &paragraphs,
        "Confirm email address",
        link,
    )
}

pub fn password_reset_mail(to: &str, first_name: &str, link: &str) -> OutgoingMail {
    action_mail(
        to,
        "Reset your Portico password",
        first_name,
        &[
            "Someone asked to reset the password of your Portico account. If it was you, choose a new password with the link below; it works for one hour.",
            "If it was not you, ignore this mail: your password stays as it is.",
        ],
        "Choose a new password",
        link,
    )
}

/// To the member the owner nominated as the tenant's new owner (SPEC §12).
pub fn ownership_transfer_mail(
    to: &str,
    first_name: &str,
    tenant: &str,
    owner_name: &str,
    link: &str,
) -> OutgoingMail {
    let first = format!(
        "{owner_name} would like you to become the owner of {tenant} on Portico. As its owner you stay a manager whom nobody else can remove or demote, and you decide who owns it next."
    );
    action_mail(
        to,
        &format!("Become the owner of {tenant}"),
        first_name,
        &[
            &first,
            "Accept or decline with the link below, signed in as yourself; it works for 7 days. Until you accept, nothing changes.",
        ],
        "Answer the transfer",
        link,
    )
}

/// To a tenant's managers: people wait for an answer to their join
/// requests (at most one such mail an hour).
pub fn join_requests_digest_mail(
    to: &str,
    first_name: &str,
    tenant: &str,
    waiting: i64,
    link: &str,
) -> OutgoingMail {
    let first = if waiting == 1 {
        format!("One person asks to join {tenant} and waits for a manager's answer.")
    } else {
        format!("{waiting} people ask to join {tenant} and wait for a manager's answer.")
    };
    action_mail(
        to,
        &format!("People ask to join {tenant}"),
        first_name,
        &[
            &first,
            "Approve them (with the roles you choose) or deny them on the requests page. Requests nobody answers expire after 30 days.",
        ],
        "Open the requests",
        link,
    )
}

/// To the person who asked to join: the manager's decision, with the
/// roles they were given when approved (`None`: denied).
pub fn join_request_decided_mail(
    request: &crate::dto::JoinRequestInfo,
    tenant: &str,
    approved_roles: Option<&[String]>,
    link: &str,
) -> OutgoingMail {
    if let Some(roles) = approved_roles {
        let first = format!(
            "A manager of {tenant} approved your request: you are now a member, as {}.",
            crate::format::role_names(roles)
        );
        action_mail(
            &request.email,
            &format!("You have joined {tenant}"),
            &request.first_name,
            &[&first],
            &format!("Open {tenant}"),
            link,
        )
    } else {
        let first = format!("A manager of {tenant} declined your request to join.");
        action_mail(
            &request.email,
            &format!("Your request to join {tenant} was declined"),
            &request.first_name,
            &[
                &first,
                "If you think this is a mistake, ask someone in the tenant to invite you.",
            ],
            "Go to your account",
            link,
        )
    }
}

/// To a tenant manager: an endpoint that failed for three days was disabled.
pub fn webhook_disabled_mail(
    to: &str,
    first_name: &str,
    tenant: &str,
    url: &str,
    link: &str,
) -> OutgoingMail {
    let first = format!(
        "Portico could not deliver the events of {tenant} to {url} for three days, so it disabled that webhook endpoint."
    );
    action_mail(
        to,
        &format!("A webhook endpoint of {tenant} was disabled"),
        first_name,
        &[
            &first,
            "Events from now on are not queued for it. Fix the receiver, then enable the endpoint on the webhooks page; deliveries already waiting go out then, and you can retry failed ones from its delivery log.",
        ],
        "Open the webhooks page",
        link,
    )
}

/// What the invitation mail says.
pub struct InviteMail<'a> {
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
    let subject = format!(
        "{}{} invited you to {} on Portico",
        if m.reminder { "Reminder: " } else { "" },
        m.inviter,
        m.tenant
    );
    // Roles by name, each with what it allows (the catalogue strings are for
    // the API).
    let roles: Vec<String> = m
        .roles
        .iter()
        .map(|r| match Role::parse(r) {
            Ok(role) => role.describe(m.organisation),
            Err(_) => r.clone(),
        })
        .collect();
    // The reminder's link is new: the one in the first mail stops working.
    let note = if m.reminder {
        "This invitation expires soon. The link below replaces the one in the first mail.\n\n"
    } else {
        ""
    };
    let mut text = format!(
        "Hello,\n\n{note}{} invited you to join {} on Portico. Your roles:\n",
        m.inviter, m.tenant
    );
    let mut body = format!(
        "<p>Hello,</p>{}<p>{} invited you to join <strong>{}</strong> on Portico. Your roles:</p><ul>",
        if m.reminder {
            format!("<p>{}</p>", note.trim_end())
        } else {
            String::new()
        },
        escape_html(m.inviter),
        escape_html(m.tenant),
    );
    for role in &roles {
        text.push_str(&format!("- {role}\n"));
        body.push_str(&format!("<li>{}</li>", escape_html(role)));
    }
    body.push_str("</ul>");
    if let Some(message) = m.message.filter(|s| !s.trim().is_empty()) {
        text.push_str(&format!("\nTheir message:\n{message}\n"));
        body.push_str(&format!(
            "<p>Their message:</p><blockquote style=\"white-space: pre-wrap\">{}</blockquote>",
            escape_html(message)
        ));
    }
    let expires = format!(
        "{} ({})",
        relative_ms(m.expires_at, now_ms()),
        format_ms(m.expires_at)
    );
    text.push_str(&format!(
        "\nAccept the invitation: {}\n\nThe invitation expires {expires}.\n\nSent by Portico.\n",
        m.link
    ));
    body.push_str(&format!(
        "<p><a href=\"{0}\">Accept the invitation</a></p><p style=\"font-size: 0.875rem\">Or paste this address into your browser: {0}</p><p>The invitation expires {1}.</p>",
        escape_html(m.link),
        escape_html(&expires)
    ));
    OutgoingMail {
        to: m.to.to_owned(),
        subject: subject.clone(),
        text,
        html: html_document(&subject, &body),
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
        assert!(
            m.text
                .contains(&format!("expires in 7 days ({})", format_ms(expires_at)))
        );
        assert!(!m.html.contains("<script>"));
        assert!(m.html.contains("Acme &amp; Co") && m.html.contains("&lt;script&gt;"));
    }

    #[test]
    fn user_text_is_escaped_in_html_but_kept_in_text() {
        let m = verification_mail(
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
