//! Delivers the outbox (SPEC §5). The worker claims due mails with a lease
//! (an UPDATE that only succeeds on rows nobody else holds), sends them
//! through lettre, then marks them sent, or schedules a retry with
//! exponential backoff and records the error; a mail whose recipient the
//! server refuses for good ("550 no such user") is given up instead.
//! Because the claim is one conditional UPDATE, several instances on one
//! PostgreSQL never claim the same mail, and a crashed instance's lease
//! simply runs out.

use secrecy::ExposeSecret;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use tokio::sync::watch;

use app::AppError;
use app::backend::db::outbox_mail::{self, ClaimedMail};
use app::backend::{Db, MailTransport, now_ms};

/// How long a claimed mail stays reserved for the claiming instance.
const LEASE_MS: i64 = 120_000;
/// Retry delays double from here, up to [`MAX_BACKOFF_MS`].
const BASE_BACKOFF_MS: i64 = 1_000;
const MAX_BACKOFF_MS: i64 = 3_600_000;

enum Transport {
    Smtp(SmtpThread),
    File(AsyncFileTransport<Tokio1Executor>),
    Log,
}

pub struct MailWorker {
    db: Db,
    transport: Transport,
    from: Mailbox,
    poll: Duration,
}

/// Why the configured transport cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid PORTICO_MAIL: {0}")]
pub struct TransportError(String);

impl MailWorker {
    pub fn new(db: Db, mail: &MailTransport, base_url: &str) -> Result<Self, TransportError> {
        let transport = match mail {
            MailTransport::Smtp(url) => Transport::Smtp(SmtpThread::new(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| TransportError(e.to_string()))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            )?),
            MailTransport::File(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| TransportError(format!("cannot create {dir}: {e}")))?;
                Transport::File(AsyncFileTransport::new(dir))
            }
            MailTransport::Log => Transport::Log,
        };
        let host = app::backend::config::parse_origin(base_url)
            .and_then(|o| {
                o.split("://")
                    .nth(1)
                    .map(|h| h.split(':').next().unwrap_or("localhost").to_owned())
            })
            .unwrap_or_else(|| "localhost".into());
        let domain = if host.contains('.') {
            host
        } else {
            format!("{host}.localdomain")
        };
        let from = format!("Portico <no-reply@{domain}>")
            .parse()
            .map_err(|e: lettre::address::AddressError| TransportError(e.to_string()))?;
        Ok(MailWorker {
            db,
            transport,
            from,
            poll: Duration::from_millis(500),
        })
    }

    /// Runs until `stop` turns true; finishes the mail in hand first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            match self.deliver_due().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "mail outbox query failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.poll) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                if let Transport::Smtp(smtp) = &self.transport {
                    smtp.shutdown().await;
                }
                return;
            }
        }
    }

    /// Sends batch after batch until no mail is due; returns how many were
    /// claimed. A mail that failed is due again only after its back-off,
    /// so it ends the loop. For callers that drive the worker instead of
    /// waiting for it (the tests).
    pub async fn deliver_all_due(&self) -> Result<usize, AppError> {
        let mut total = 0;
        loop {
            match self.deliver_due().await? {
                0 => return Ok(total),
                n => total += n,
            }
        }
    }

    /// Claims and sends one batch; returns how many were claimed. The claim
    /// and the marks run on sqlx's writer connection, on its own thread: on
    /// the writer's direct connection a batch's bodies were decoded on the
    /// runtime's threads beside the requests, and the invitation load's
    /// peak RSS rose from 39 to 46 MB (the second malloc arena) for no
    /// gain in CPU.
    pub async fn deliver_due(&self) -> Result<usize, AppError> {
        let now = now_ms();
        let claimed = {
            let mut conn = self.db.write().await?;
            outbox_mail::claim_due(&mut conn, now, now + LEASE_MS).await?
        };
        let outcomes = self.send_all(&claimed).await;
        let mut sent = Vec::with_capacity(claimed.len());
        for (mail, outcome) in claimed.iter().zip(outcomes) {
            match outcome {
                Ok(()) => sent.push(mail.id),
                Err(SendError::Permanent(error)) => self.give_up(mail, &error).await?,
                Err(SendError::Transient(error)) => self.failed(mail, &error).await?,
            }
        }
        // One statement for the whole batch that went out.
        let mut conn = self.db.write().await?;
        outbox_mail::mark_sent(&mut conn, &sent, now_ms()).await?;
        if !sent.is_empty() {
            tracing::debug!(mails = sent.len(), "mail sent");
        }
        Ok(claimed.len())
    }

    /// Sends a batch: one outcome per mail, in the batch's order.
    async fn send_all(&self, mails: &[ClaimedMail]) -> Vec<Result<(), SendError>> {
        let messages = mails.iter().map(|mail| self.message(mail));
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send_all(messages.collect()).await,
            Transport::File(t) => {
                let mut outcomes = Vec::with_capacity(mails.len());
                for message in messages {
                    outcomes.push(match message {
                        Ok(message) => t
                            .send(message)
                            .await
                            .map(|_| ())
                            .map_err(|e| SendError::Transient(e.to_string())),
                        Err(e) => Err(e),
                    });
                }
                outcomes
            }
            Transport::Log => mails
                .iter()
                .zip(messages)
                .map(|(mail, message)| {
                    message.map(|_| {
                        // Links in mails carry tokens: the log shows them redacted.
                        let body = crate::redact::redact(&mail.text_body);
                        tracing::info!(to = %mail.to_address, subject = %mail.subject, %body, "mail (log transport)");
                    })
                })
                .collect(),
        }
    }

    /// The message of a claimed mail, or why it cannot be made.
    fn message(&self, mail: &ClaimedMail) -> Result<Message, SendError> {
        let to: Mailbox = mail
            .to_address
            .parse()
            .map_err(|e: lettre::address::AddressError| {
                SendError::Permanent(format!("bad recipient: {e}"))
            })?;
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject);
        if let Some(language) = &mail.language {
            message = message.header(ContentLanguage(language.clone()));
        }
        message
            .multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                mail.html_body.clone(),
            ))
            .map_err(|e| SendError::Permanent(e.to_string()))
    }

    async fn failed(&self, mail: &ClaimedMail, error: &str) -> Result<(), AppError> {
        let delay = backoff_ms(mail.attempts + 1);
        tracing::warn!(mail_id = mail.id, attempts = mail.attempts + 1, retry_in_ms = delay, %error, "mail not sent");
        let mut conn = self.db.write().await?;
        outbox_mail::mark_failed(&mut conn, mail.id, error, now_ms() + delay).await
    }

    async fn give_up(&self, mail: &ClaimedMail, error: &str) -> Result<(), AppError> {
        tracing::warn!(mail_id = mail.id, %error, "mail refused for good; not retried");
        let mut conn = self.db.write().await?;
        outbox_mail::give_up(&mut conn, mail.id, error).await
    }
}

/// lettre's pooled SMTP client, on a runtime of its own with one thread.
///
/// A mail is five round trips to the SMTP server (lettre's pool checks a
/// kept connection with a NOOP, then MAIL, RCPT, DATA and the message),
/// and each reply wakes the task that waits for it. On the server's
/// runtime those wake-ups went through the work-stealing scheduler between
/// the requests' tasks: under the invitation load of `make bench` three
/// mails in four were still unsent when the load ended, and an invitation
/// with its mail cost 0.41 ms of CPU. On a thread of its own a reply wakes
/// only that thread, the mail keeps up with the load, and the same load
/// cost 0.35 ms (README, "SMTP on a thread of its own").
///
/// The database is not touched here: claims and marks stay on the
/// server's runtime, where its PostgreSQL connections are registered.
struct SmtpThread {
    /// The pool keeps the connection for the next mail: a connection per
    /// mail cost a handshake, a greeting and an EHLO each.
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// Always `Some` until dropped.
    runtime: Option<tokio::runtime::Runtime>,
}

impl SmtpThread {
    fn new(transport: AsyncSmtpTransport<Tokio1Executor>) -> Result<Self, TransportError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("portico-smtp")
            .on_thread_start(yield_to_requests)
            .enable_all()
            .build()
            .map_err(|e| TransportError(format!("cannot start the SMTP thread: {e}")))?;
        Ok(SmtpThread {
            transport,
            runtime: Some(runtime),
        })
    }

    /// Runs `work` with the transport on the SMTP thread; `None` if the
    /// thread is gone (the server is stopping).
    async fn on_thread<F, T>(
        &self,
        work: impl FnOnce(AsyncSmtpTransport<Tokio1Executor>) -> F,
    ) -> Option<T>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let runtime = self.runtime.as_ref()?;
        runtime.spawn(work(self.transport.clone())).await.ok()
    }

    /// Sends the batch's messages one after another on the SMTP thread.
    /// A message that could not be made keeps its error.
    async fn send_all(
        &self,
        messages: Vec<Result<Message, SendError>>,
    ) -> Vec<Result<(), SendError>> {
        let count = messages.len();
        let sent = self
            .on_thread(|transport| async move {
                let mut outcomes = Vec::with_capacity(messages.len());
                for message in messages {
                    outcomes.push(match message {
                        Ok(message) => transport
                            .send(message)
                            .await
                            .map(|_| ())
                            .map_err(smtp_error),
                        Err(e) => Err(e),
                    });
                }
                outcomes
            })
            .await;
        // A thread that stopped (or a panic in the client) delays the
        // batch: every mail in it is retried.
        sent.unwrap_or_else(|| {
            (0..count)
                .map(|_| Err(SendError::Transient("the SMTP thread stopped".into())))
                .collect()
        })
    }

    /// QUIT on the connections kept for the next mail.
    async fn shutdown(&self) {
        self.on_thread(|transport| async move { transport.shutdown().await })
            .await;
    }
}

/// Lowers the calling thread's priority (nice 10): under load, mail takes
/// the CPU the requests leave, and goes out as soon as they pause.
fn yield_to_requests() {
    // SAFETY: setpriority only changes a scheduling priority; on Linux
    // `who` 0 is the calling thread alone.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

impl Drop for SmtpThread {
    fn drop(&mut self) {
        // Dropping a runtime waits for its thread, which an async context
        // (where the worker is dropped) must not do.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Why a mail did not go out, and whether trying again can help.
enum SendError {
    /// An outage, a timeout, a full disk: retried with backoff, forever
    /// (an outage delays mail, it never loses it).
    Transient(String),
    /// The receiving server refused the recipient for good
    /// ([`refused_for_good`]), or the mail cannot be made: given up at once.
    Permanent(String),
}

/// What an SMTP failure means for the mail: given up if the server refused
/// its recipient for good ([`refused_for_good`]), retried otherwise.
fn smtp_error(error: lettre::transport::smtp::Error) -> SendError {
    let text = error.to_string();
    match error.status().map(u16::from) {
        Some(code) if refused_for_good(code, &text) => SendError::Permanent(text),
        _ => SendError::Transient(text),
    }
}

/// Whether an SMTP refusal is about this recipient, for good: 550 (mailbox
/// unavailable), 551 (user not local) or 553 (mailbox name not allowed),
/// unless its enhanced status blames policy (5.7.x) or the sender (5.1.7,
/// 5.1.8). Every other refusal (authentication, TLS, a relay that does not
/// know Portico's sender) is about Portico's own mail set-up, the same for
/// every mail: it is retried like an outage, so nothing is lost while the
/// operator fixes it.
fn refused_for_good(code: u16, text: &str) -> bool {
    let blames_setup = text
        .split_whitespace()
        .any(|word| word.starts_with("5.7.") || word == "5.1.7" || word == "5.1.8");
    matches!(code, 550 | 551 | 553) && !blames_setup
}

/// The wait after the `attempts`-th failure: 1 s, 2 s, 4 s, … up to an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 32) - 1;
    BASE_BACKOFF_MS
        .saturating_mul(1_i64 << exp)
        .min(MAX_BACKOFF_MS)
}

#[cfg(test)]
mod tests {
    use super::{backoff_ms, refused_for_good};

    #[test]
    fn only_a_refusal_of_the_recipient_gives_a_mail_up() {
        assert!(refused_for_good(
            550,
            "permanent error (550): 5.1.1 No such user here"
        ));
        assert!(refused_for_good(
            550,
            "permanent error (550): mailbox unavailable"
        ));
        assert!(refused_for_good(
            553,
            "permanent error (553): 5.1.3 bad address syntax"
        ));
        // Portico's own set-up: retried until the operator fixes it.
        assert!(!refused_for_good(
            535,
            "permanent error (535): 5.7.8 authentication failed"
        ));
        assert!(!refused_for_good(
            530,
            "permanent error (530): 5.7.0 must issue STARTTLS"
        ));
        assert!(!refused_for_good(
            550,
            "permanent error (550): 5.7.1 relaying denied"
        ));
        assert!(!refused_for_good(
            553,
            "permanent error (553): 5.1.8 sender domain unknown"
        ));
        assert!(!refused_for_good(
            554,
            "permanent error (554): transaction failed"
        ));
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 1_000);
        assert_eq!(backoff_ms(2), 2_000);
        assert_eq!(backoff_ms(5), 16_000);
        assert_eq!(backoff_ms(40), 3_600_000);
    }
}

/// The `Content-Language` header (RFC 3282) of a mail: the BCP 47 tag of
/// the language it is written in (SPEC §12).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ContentLanguage(String);

impl lettre::message::header::Header for ContentLanguage {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim().to_owned()))
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}
