//! Events (SPEC §8): the changes a tenant's audit log records that other
//! products subscribe to. [`emit`] writes one webhook delivery per enabled,
//! subscribed endpoint of the tenant, on the caller's transaction: the event
//! exists exactly when the change does, and the webhook worker delivers it
//! later (the outbox pattern of the mail).

use serde::{Deserialize, Serialize};

use crate::backend::audit::AuditActor;
use crate::backend::db::exec::Exec;
use crate::backend::db::{self, now_ms};
use crate::dto::{InviteInfo, JoinRequestInfo, MemberInfo};
use crate::error::AppError;

pub use crate::domain::EventType;

/// Who caused an event: an account, or nobody (the expiry sweep).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventActor {
    pub id: i64,
    pub email: String,
}

/// What an event is about, as it was when it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Invite(InviteInfo),
    Member(MemberInfo),
    JoinRequest(JoinRequestInfo),
}

/// An event as stored with each delivery; the webhook worker renders it
/// into the wire body (`{type, timestamp, data}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub tenant_id: i64,
    /// Milliseconds since the epoch.
    pub at: i64,
    pub actor: Option<EventActor>,
    pub subject: Subject,
    /// How a member joined ("invite"), when it says more than the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// Queues `event` for every enabled endpoint of its tenant that subscribes
/// to `event_type` (one statement; nothing when there is none).
pub async fn emit(
    conn: &mut impl Exec,
    event_type: EventType,
    actor: Option<&AuditActor>,
    subject: Subject,
) -> Result<(), AppError> {
    emit_via(conn, event_type, actor, subject, None).await
}

/// [`emit`] with how it happened (`member.joined` via an invitation).
pub async fn emit_via(
    conn: &mut impl Exec,
    event_type: EventType,
    actor: Option<&AuditActor>,
    subject: Subject,
    via: Option<&str>,
) -> Result<(), AppError> {
    let tenant_id = match &subject {
        Subject::Invite(i) => i.tenant_id,
        Subject::Member(m) => m.tenant_id,
        Subject::JoinRequest(r) => r.tenant_id,
    };
    let now = now_ms();
    let event = RecordedEvent {
        tenant_id,
        at: now,
        actor: actor.and_then(|a| {
            a.account_id.map(|id| EventActor {
                id,
                email: a.label.clone(),
            })
        }),
        subject,
        via: via.map(str::to_owned),
    };
    let payload = serde_json::to_string(&event)
        .map_err(|e| AppError::internal("serialising an event failed", &e))?;
    db::webhooks::queue_event(
        conn,
        tenant_id,
        event_type.as_str(),
        &payload,
        &new_message_id(),
        now,
    )
    .await
}

/// A Standard Webhooks message id: `msg_` and 128 random bits.
fn new_message_id() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "msg_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}
