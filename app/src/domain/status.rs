//! What a stored row's status says, as types: the database holds the same
//! words (decoded in `db/` through `TryFrom<String>`), the wire carries
//! them (serde), and the API document shows these very enums (the `ssr`
//! build derives their schema).

/// An enum whose values are fixed words: `as_str`, `parse`, `ALL`, serde
/// with exactly those words, and decoding from a stored string.
macro_rules! word_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $word:tt, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $word)] $variant, )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $word, )+
                }
            }

            pub fn parse(word: &str) -> Option<$name> {
                match word {
                    $( $word => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(word: String) -> Result<Self, String> {
                $name::parse(&word)
                    .ok_or_else(|| format!("{word:?} is not a {}", stringify!($name)))
            }
        }
    };
}

word_enum! {
    /// An invitation's status as readers see it.
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum InviteStatus {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        Revoked = "revoked",
        Expired = "expired",
    }
}

word_enum! {
    /// A member's status.
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum MemberStatus {
        Active = "ACTIVE",
        Disabled = "DISABLED",
        Deleted = "DELETED",
    }
}

word_enum! {
    /// Where a webhook delivery stands.
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum DeliveryStatus {
        Pending = "pending",
        Delivered = "delivered",
        /// No attempts left; "retry" starts a fresh round.
        Failed = "failed",
    }
}

word_enum! {
    /// Where a shareable invitation link stands.
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    #[cfg_attr(feature = "ssr", schema(as = InviteLinkStatus))]
    pub enum LinkStatus {
        Active = "active",
        /// Joined as many times as it allows.
        UsedUp = "used_up",
        Expired = "expired",
        Revoked = "revoked",
    }
}

word_enum! {
    /// What a shareable link does for a person who uses it (SPEC §12):
    /// admits them at once, or files a request a manager decides.
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum LinkMode {
        Join = "join",
        Request = "request",
    }
}

word_enum! {
    /// Where a join request stands (SPEC §12); a pending one past its
    /// 30 days reads as `expired`.
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum JoinRequestStatus {
        Pending = "pending",
        Approved = "approved",
        Denied = "denied",
        Expired = "expired",
    }
}

word_enum! {
    /// Who may join by a verified domain: nobody (`off`), anyone whose
    /// verified email is at it once a manager approves (`request`), or
    /// anyone whose verified email is at it at once (`auto`).
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum JoinPolicy {
        Off = "off",
        Request = "request",
        Auto = "auto",
    }
}

word_enum! {
    /// What an audit entry records.
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum AuditAction {
        TenantCreated = "tenant.created",
        TenantSeatLimitChanged = "tenant.seat_limit_changed",
        TenantLanguageChanged = "tenant.language_changed",
        OwnershipTransferNominated = "ownership.nominated",
        OwnershipTransferCancelled = "ownership.cancelled",
        OwnershipTransferDeclined = "ownership.declined",
        OwnershipTransferred = "tenant.owner_changed",
        JoinRequestCreated = "join_request.created",
        JoinRequestApproved = "join_request.approved",
        JoinRequestDenied = "join_request.denied",
        InviteCreated = "invite.created",
        InviteRefreshed = "invite.refreshed",
        InviteResent = "invite.resent",
        InviteLinkCopied = "invite.link_copied",
        InviteRevoked = "invite.revoked",
        InviteDeclined = "invite.declined",
        InviteAccepted = "invite.accepted",
        InviteExpired = "invite.expired",
        InviteLinkCreated = "invite_link.created",
        InviteLinkRevoked = "invite_link.revoked",
        MemberJoined = "member.joined",
        MemberSignedIn = "member.signed_in",
        MemberRolesChanged = "member.roles_changed",
        MemberDisabled = "member.disabled",
        MemberEnabled = "member.enabled",
        MemberRemoved = "member.removed",
        MemberLeft = "member.left",
        OrganisationCreated = "organisation.created",
        OrganisationRenamed = "organisation.renamed",
        OrganisationDeleted = "organisation.deleted",
        ProjectCreated = "project.created",
        ProjectRenamed = "project.renamed",
        ProjectDeleted = "project.deleted",
        DomainAdded = "domain.added",
        DomainUpdated = "domain.updated",
        DomainVerified = "domain.verified",
        DomainRemoved = "domain.removed",
        WebhookCreated = "webhook.created",
        WebhookUpdated = "webhook.updated",
        WebhookEnabled = "webhook.enabled",
        WebhookDeleted = "webhook.deleted",
        WebhookRetried = "webhook.retried",
        WebhookDisabled = "webhook.disabled",
        ScimTokenCreated = "scim_token.created",
        ScimTokenDeleted = "scim_token.deleted",
        DirectoryUserLinked = "directory.user_linked",
        DirectoryUserChanged = "directory.user_changed",
        DirectoryGroupCreated = "directory.group_created",
        DirectoryGroupChanged = "directory.group_changed",
        DirectoryGroupDeleted = "directory.group_deleted",
        DirectoryGroupMapped = "directory.group_mapped",
        SsoConnectionCreated = "sso_connection.created",
        SsoConnectionUpdated = "sso_connection.updated",
        SsoConnectionDeleted = "sso_connection.deleted",
        SsoAccountLinked = "sso.account_linked",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_parses_back_and_unknown_words_do_not() {
        for s in InviteStatus::ALL {
            assert_eq!(InviteStatus::parse(s.as_str()), Some(*s));
        }
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::try_from(a.as_str().to_owned()), Ok(*a));
        }
        assert_eq!(MemberStatus::parse("active"), None);
        assert!(LinkStatus::try_from("used-up".to_owned()).is_err());
        assert_eq!(
            serde_json::to_string(&LinkStatus::UsedUp).unwrap(),
            "\"used_up\""
        );
    }
}
