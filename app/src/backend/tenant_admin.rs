//! Running a tenant: members (list, roles, disable, re-enable, remove,
//! leave), organisations, projects, the audit log, the overview and the
//! webhook endpoints. Every
//! function takes the caller's `Actor`, so tenant and role are checked
//! here, once, for pages and REST alike.

mod audit_log;
mod collections;
pub mod counters;
pub mod language;
mod members;
mod overview;
pub mod ownership;
pub mod webhooks;

pub use audit_log::list_audit;
pub use collections::{
    Collection, create_named, delete_named, list_named, organisation_choices, rename_named,
};
pub(crate) use members::ensure_not_last_manager;
pub use members::{
    MemberChange, active_manager_ids, get_member, leave_tenant, list_members, remove_member,
    update_member,
};
pub use overview::{FUNNEL_WEEKS, instance_counts, overview, tenant, tenant_with_seats};

pub const MAX_PER_PAGE: i64 = 100;

/// The last page number anyone can ask for: its offset fits every
/// database's integer comfortably.
pub const MAX_PAGE: i64 = 1_000_000;

/// Page number and size, clamped to sane values (a page past the data is
/// empty, never an overflow).
pub fn paging(page: Option<i64>, per_page: Option<i64>) -> (i64, i64) {
    (
        page.unwrap_or(1).clamp(1, MAX_PAGE),
        per_page.unwrap_or(25).clamp(1, MAX_PER_PAGE),
    )
}
