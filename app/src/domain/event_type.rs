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
    pub fn describe(self) -> &'static str {
        match self {
            EventType::InviteCreated => "an invitation is sent",
            EventType::InviteResent => {
                "an invitation gets a new link (resent, refreshed or copied)"
            }
            EventType::InviteRevoked => "a manager revokes an invitation",
            EventType::InviteDeclined => "the invited person declines",
            EventType::InviteAccepted => "the invited person accepts",
            EventType::InviteExpired => "an invitation expires unanswered",
            EventType::MemberJoined => "someone joins the tenant",
            EventType::MemberUpdated => "a member's roles or status change",
            EventType::MemberRemoved => "a member is removed or leaves",
            EventType::TenantOwnerChanged => "a new owner accepts the tenant's ownership",
            EventType::JoinRequestCreated => "someone asks to join the tenant",
            EventType::JoinRequestApproved => "a manager approves a join request",
            EventType::JoinRequestDenied => "a manager denies a join request",
        }
    }
}
