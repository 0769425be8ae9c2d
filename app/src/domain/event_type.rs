//! The event types other products subscribe to (SPEC §8).

/// The event types of SPEC §8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    InviteCreated,
    InviteResent,
    InviteRevoked,
    InviteDeclined,
    InviteAccepted,
    InviteExpired,
    MemberJoined,
    MemberUpdated,
    MemberRemoved,
    TenantOwnerChanged,
    JoinRequestCreated,
    JoinRequestApproved,
    JoinRequestDenied,
}

impl EventType {
    pub const ALL: [EventType; 13] = [
        EventType::InviteCreated,
        EventType::InviteResent,
        EventType::InviteRevoked,
        EventType::InviteDeclined,
        EventType::InviteAccepted,
        EventType::InviteExpired,
        EventType::MemberJoined,
        EventType::MemberUpdated,
        EventType::MemberRemoved,
        EventType::TenantOwnerChanged,
        EventType::JoinRequestCreated,
        EventType::JoinRequestApproved,
        EventType::JoinRequestDenied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::InviteCreated => "invite.created",
            EventType::InviteResent => "invite.resent",
            EventType::InviteRevoked => "invite.revoked",
            EventType::InviteDeclined => "invite.declined",
            EventType::InviteAccepted => "invite.accepted",
            EventType::InviteExpired => "invite.expired",
            EventType::MemberJoined => "member.joined",
            EventType::MemberUpdated => "member.updated",
            EventType::MemberRemoved => "member.removed",
            EventType::TenantOwnerChanged => "tenant.owner_changed",
            EventType::JoinRequestCreated => "join_request.created",
            EventType::JoinRequestApproved => "join_request.approved",
            EventType::JoinRequestDenied => "join_request.denied",
        }
    }

    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// When it happens, in the words of the webhooks page.
    pub fn describe(self, lang: crate::i18n::Lang) -> String {
        use crate::tl;
        match self {
            EventType::InviteCreated => tl!(lang, "event-invite-created"),
            EventType::InviteResent => tl!(lang, "event-invite-resent"),
            EventType::InviteRevoked => tl!(lang, "event-invite-revoked"),
            EventType::InviteDeclined => tl!(lang, "event-invite-declined"),
            EventType::InviteAccepted => tl!(lang, "event-invite-accepted"),
            EventType::InviteExpired => tl!(lang, "event-invite-expired"),
            EventType::MemberJoined => tl!(lang, "event-member-joined"),
            EventType::MemberUpdated => tl!(lang, "event-member-updated"),
            EventType::MemberRemoved => tl!(lang, "event-member-removed"),
            EventType::TenantOwnerChanged => tl!(lang, "event-tenant-owner-changed"),
            EventType::JoinRequestCreated => tl!(lang, "event-join-request-created"),
            EventType::JoinRequestApproved => tl!(lang, "event-join-request-approved"),
            EventType::JoinRequestDenied => tl!(lang, "event-join-request-denied"),
        }
    }
}
