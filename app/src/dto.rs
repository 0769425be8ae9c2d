//! Data both sides share: what server functions return to pages. Database
//! rows are separate structs in `backend`, converted explicitly.

use serde::{Deserialize, Serialize};

/// The signed-in person, as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub email_verified: bool,
    /// The language they chose (`en`, `de`, `es`), if any.
    pub locale: Option<String>,
}

/// A tenant the signed-in person belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSummary {
    pub id: i64,
    pub name: String,
    pub roles: Vec<String>,
}

/// What the header and pages need about the visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Viewer {
    pub account: Option<AccountInfo>,
    pub tenants: Vec<TenantSummary>,
}

/// An API token as listed on `/account` (the secret is never listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A freshly created API token: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub info: ApiTokenInfo,
    pub token: String,
}

/// A directory token (SCIM) as the managers' list shows it: never the
/// token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimTokenInfo {
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A tenant's SSO connection (never its client secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoConnectionInfo {
    pub id: i64,
    pub tenant_id: i64,
    /// `oidc` (SAML is the next kind).
    pub kind: String,
    pub issuer: String,
    pub client_id: String,
    pub domains: Vec<String>,
    pub join_roles: Vec<String>,
    pub required: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A group the tenant's directory sent, with what a manager mapped it to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryGroup {
    pub id: String,
    pub display_name: String,
    /// `None`: not mapped (its members get the directory's default roles).
    pub roles: Option<Vec<String>>,
    pub organisation_id: Option<i64>,
}

/// An invitation as managers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInfo {
    pub id: i64,
    pub tenant_id: i64,
    pub email: String,
    pub roles: Vec<String>,
    pub organisation_id: Option<i64>,
    pub status: crate::domain::InviteStatus,
    pub expired_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub send_email: bool,
}

/// What the acceptance page shows about an invitation, before anything is
/// changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePreview {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub inviter: String,
    pub email: String,
    pub roles: Vec<String>,
    pub expired_at: i64,
    pub status: crate::domain::InviteStatus,
    /// Whether an account exists for the invited email.
    pub account_exists: bool,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub message: Option<String>,
    /// The organisation the invitation is for, if any.
    pub organisation_name: Option<String>,
}

/// A member as the members page and the API list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub id: i64,
    pub tenant_id: i64,
    pub account_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub roles: Vec<String>,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub status: crate::domain::MemberStatus,
    /// The account's id as a string, or an external identity's subject.
    pub external_id: String,
    /// Free-form JSON object.
    pub meta: serde_json::Value,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An ownership transfer waiting for the nominee (SPEC §12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTransfer {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub nominee: MemberInfo,
    pub expires_at: i64,
}

/// A join request (SPEC §12), as managers and the API see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequestInfo {
    pub id: i64,
    pub tenant_id: i64,
    pub account_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// `domain` or `link`.
    pub via: String,
    /// The roles the domain or link offers (approval may change them).
    pub roles: Vec<String>,
    pub organisation_id: Option<i64>,
    pub message: String,
    pub status: crate::domain::JoinRequestStatus,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// One page of a longer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// An organisation or a project: a named thing inside a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedItem {
    pub id: i64,
    pub name: String,
    /// Members in it (organisations only).
    pub members: i64,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub actor: String,
    pub action: crate::domain::AuditAction,
    pub target: String,
    pub details: String,
    pub at: i64,
}

/// Invitations created in one week, by what became of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelWeek {
    /// Start of the week, ms since the epoch.
    pub week_start: i64,
    pub sent: i64,
    pub accepted: i64,
    pub pending: i64,
    pub expired: i64,
}

/// The tenant overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub tenant_id: i64,
    pub seats: Seats,
    /// Whether the viewer may invite people.
    pub can_invite: bool,
    /// Whether anyone was ever invited to the tenant.
    pub invited_anyone: bool,
    pub tenant_name: String,
    /// The owner's name and email (SPEC §12).
    pub owner: Option<(String, String)>,
    pub my_roles: Vec<String>,
    /// Whether the viewer manages the tenant (sets its default language).
    pub is_manager: bool,
    /// The default language of its invitations (`en`, `de`, `es`), if set.
    pub default_locale: Option<String>,
    pub members_by_status: Vec<(crate::domain::MemberStatus, i64)>,
    pub members_by_role: Vec<(String, i64)>,
    pub funnel: Vec<FunnelWeek>,
}

/// A webhook endpoint of a tenant, as managers see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookInfo {
    pub id: i64,
    pub tenant_id: i64,
    pub url: String,
    pub description: String,
    /// The event types it receives; empty: all of them.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it is disabled: "manual", or "failing" (three days without a
    /// successful delivery).
    pub disabled_reason: Option<String>,
    /// Since when every delivery failed (none since the last success).
    pub failing_since: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An endpoint just created, with its signing secret (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    pub endpoint: WebhookInfo,
    pub secret: String,
}

/// One event on its way to one endpoint, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryInfo {
    pub id: i64,
    pub endpoint_id: i64,
    /// The `webhook-id` header: the same on every attempt.
    pub message_id: String,
    pub event_type: String,
    /// pending, delivered or failed (no attempts left).
    pub status: crate::domain::DeliveryStatus,
    pub attempts: i64,
    /// The HTTP status of the last attempt, if it got an answer.
    pub response_code: Option<i64>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<i64>,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub created_at: i64,
}

/// A tenant's seats (SPEC §9): ACTIVE members, pending invitations for
/// other emails, and the operator's limit (`None`: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seats {
    pub limit: Option<i64>,
    pub used: i64,
    pub reserved: i64,
}

impl Seats {
    /// No seat left for a new invitation.
    pub fn is_full(&self) -> bool {
        self.limit
            .is_some_and(|limit| self.used + self.reserved >= limit)
    }

    /// "7 of 10 seats used, 2 reserved" (SPEC §9).
    pub fn summary(&self, lang: crate::i18n::Lang) -> String {
        match self.limit {
            Some(limit) => crate::tl!(
                lang,
                "seats-of-limit",
                used = self.used,
                limit = limit,
                reserved = self.reserved
            ),
            None => crate::tl!(
                lang,
                "seats-no-limit",
                used = self.used,
                reserved = self.reserved
            ),
        }
    }
}

/// A shareable invitation link as the person holding its code sees it on
/// `/join` (SPEC §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinPreview {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub roles: Vec<String>,
    pub organisation_name: Option<String>,
    /// Only people with an email at this domain may join.
    pub allowed_domain: Option<String>,
    pub status: crate::domain::LinkStatus,
    pub expires_at: i64,
    /// `request`: using the link asks a manager (SPEC §12).
    pub mode: crate::domain::LinkMode,
}

impl JoinPreview {
    /// Whether `email` may join with this link (the allowed domain).
    pub fn admits(&self, email: &str) -> bool {
        match &self.allowed_domain {
            Some(domain) => email.rsplit_once('@').map(|(_, d)| d) == Some(domain.as_str()),
            None => true,
        }
    }
}

/// A shareable invitation link as managers see it (never its code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteLinkInfo {
    pub id: i64,
    pub tenant_id: i64,
    pub roles: Vec<String>,
    pub organisation_id: Option<i64>,
    pub max_uses: i64,
    pub uses: i64,
    pub expires_at: i64,
    pub allowed_domain: Option<String>,
    pub status: crate::domain::LinkStatus,
    pub mode: crate::domain::LinkMode,
    pub created_at: i64,
}

/// A tenant's verified email domain and its join policy (SPEC §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantDomain {
    pub id: i64,
    pub tenant_id: i64,
    pub domain: String,
    pub join_policy: crate::domain::JoinPolicy,
    pub join_roles: Vec<String>,
    /// When the DNS proof was found; `None`: not proven (no auto-join).
    pub verified_at: Option<i64>,
    /// The TXT record that proves the domain: its name and value.
    pub verification_name: String,
    pub verification_value: String,
    pub created_at: i64,
}

/// A tenant a verified account may join by its email domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinableTenant {
    pub domain_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub roles: Vec<String>,
    /// `auto`: join with one click; `request`: ask a manager.
    pub join_policy: crate::domain::JoinPolicy,
    /// The person's request there waits for a manager.
    pub requested: bool,
}
