//! Provisioning from a tenant's directory: SCIM 2.0 (RFC 7643/7644,
//! SPEC §11). An identity provider (Okta, Entra ID, …) holding one of the
//! tenant's directory tokens creates, changes and removes Users (members)
//! and Groups (whose mapping to roles a manager sets).
//!
//! - [`tokens`]: the directory tokens, and authenticating one;
//! - [`document`]: a resource's attributes as a JSON object, and the PATCH
//!   operations (both the RFC's and the forms Okta and Entra ID send);
//! - [`users`], [`groups`]: the resources, on the members they stand for;
//! - [`roles`]: a provisioned member's roles from their mapped groups;
//! - [`discovery`]: ServiceProviderConfig, ResourceTypes, Schemas;
//! - [`error`]: the SCIM error body's status and `scimType`.

pub mod discovery;
pub mod document;
pub mod error;
pub mod groups;
pub mod roles;
pub mod tokens;
pub mod users;

pub use error::ScimError;
pub use tokens::Directory;

/// The most resources one list answers (`count` above it is lowered).
pub const MAX_PAGE: i64 = 200;

/// The largest resource body accepted, in bytes of JSON.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What a list asks for: the 1-based `startIndex` and `count` (RFC 7644
/// §3.4.2.4), already bounded.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub start_index: i64,
    pub count: i64,
}

impl Paging {
    /// `startIndex` below 1 is 1; `count` is 0..=[`MAX_PAGE`], 100 when absent.
    pub fn new(start_index: Option<i64>, count: Option<i64>) -> Self {
        Paging {
            start_index: start_index.unwrap_or(1).max(1),
            count: count.unwrap_or(100).clamp(0, MAX_PAGE),
        }
    }
}

/// Which attributes an answer holds (`attributes` / `excludedAttributes`).
#[derive(Debug, Clone, Default)]
pub struct Projection {
    pub attributes: Vec<String>,
    pub excluded: Vec<String>,
}

impl Projection {
    /// From the comma-separated query parameters.
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Self {
        let split = |s: Option<&str>| -> Vec<String> {
            s.unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(strip_core_urn)
                .collect()
        };
        Projection {
            attributes: split(attributes),
            excluded: split(excluded),
        }
    }

    /// Whether `name` (a top-level attribute) is left out entirely.
    pub fn leaves_out(&self, name: &str) -> bool {
        let named = |list: &[String]| {
            list.iter().any(|a| {
                a.split('.')
                    .next()
                    .is_some_and(|top| top.eq_ignore_ascii_case(name))
            })
        };
        if !self.attributes.is_empty() {
            return !named(&self.attributes);
        }
        self.excluded.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// Applies the projection to a rendered resource; `id` and `schemas`
    /// are always returned (RFC 7643 §7, "returned: always").
    pub fn apply(&self, resource: &mut serde_json::Map<String, serde_json::Value>) {
        if !self.attributes.is_empty() {
            let top = |a: &str| a.split('.').next().unwrap_or(a).to_owned();
            resource.retain(|k, _| {
                k == "id"
                    || k == "schemas"
                    || self
                        .attributes
                        .iter()
                        .any(|a| top(a).eq_ignore_ascii_case(k))
            });
            // A sub-attribute asked for alone keeps only the asked ones.
            for (k, v) in resource.iter_mut() {
                if self.attributes.iter().any(|a| a.eq_ignore_ascii_case(k)) {
                    continue;
                }
                let subs: Vec<&str> = self
                    .attributes
                    .iter()
                    .filter_map(|a| a.split_once('.'))
                    .filter(|(t, _)| t.eq_ignore_ascii_case(k))
                    .map(|(_, s)| s)
                    .collect();
                if let serde_json::Value::Object(inner) = v
                    && !subs.is_empty()
                {
                    inner.retain(|s, _| subs.iter().any(|x| x.eq_ignore_ascii_case(s)));
                }
            }
        }
        for a in &self.excluded {
            if a == "id" || a == "schemas" {
                continue;
            }
            match a.split_once('.') {
                Some((top, sub)) => {
                    if let Some(serde_json::Value::Object(inner)) = document::get_mut(resource, top)
                    {
                        document::remove_key(inner, sub);
                    }
                }
                None => document::remove_key(resource, a),
            }
        }
    }
}

/// `urn:…:core:2.0:User:userName` is `userName`.
pub fn strip_core_urn(path: &str) -> String {
    for urn in [discovery::USER_SCHEMA, discovery::GROUP_SCHEMA] {
        if path.len() > urn.len() + 1
            && path[..urn.len()].eq_ignore_ascii_case(urn)
            && path.as_bytes()[urn.len()] == b':'
        {
            return path[urn.len() + 1..].to_string();
        }
    }
    path.to_string()
}

/// A new resource id: 128 random bits in the 8-4-4-4-12 hex form
/// (identity providers show ids as UUIDs).
pub fn new_id() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The two resource types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Group,
}

/// Adds what every answer carries beside the attributes: `schemas`, `id`
/// and `meta` (type, times, `location`, the version as a weak ETag).
pub fn stamp(
    doc: &mut document::Doc,
    directory: &Directory,
    kind: Kind,
    id: &str,
    created_at: i64,
    updated_at: i64,
    version: i64,
) {
    let (name, endpoint, schema) = match kind {
        Kind::User => ("User", "Users", discovery::USER_SCHEMA),
        Kind::Group => ("Group", "Groups", discovery::GROUP_SCHEMA),
    };
    doc.insert("schemas".into(), serde_json::json!([schema]));
    doc.insert("id".into(), serde_json::Value::String(id.to_string()));
    doc.insert(
        "meta".into(),
        serde_json::json!({
            "resourceType": name,
            "created": rfc3339(created_at),
            "lastModified": rfc3339(updated_at),
            "location": format!("{}/{endpoint}/{id}", directory.base),
            "version": users::etag(version),
        }),
    );
}

/// RFC 3339 in UTC for `meta.created` / `meta.lastModified`.
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
