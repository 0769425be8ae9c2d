//! The ways into a tenant: invitations, shareable links and DNS-proven
//! domains, the one admission rule they share (`membership`), and seats.
//! Uses `access/` (the actor), `delivery/`, `db/` and the platform pieces.

pub mod domains;
pub mod invite_links;
pub mod invites;
pub mod join_requests;
pub mod membership;
pub mod seats;
