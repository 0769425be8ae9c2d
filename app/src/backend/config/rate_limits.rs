//! Which rate limits are in force (`PORTICO_RATE_LIMITS`: `off`, or
//! `name=N/period,…`): the buckets, their defaults and the parser. The
//! counting itself is the `RateLimiter` of `backend/rate_limit.rs`.

use std::time::Duration;

/// A limit: at most `max` hits per `window` for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

const fn limit(max: u32, seconds: u64) -> Limit {
    Limit {
        max,
        window: Duration::from_secs(seconds),
    }
}

/// What is limited, each with its configuration name and default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    SignInEmail,
    SignInIp,
    ResetEmail,
    ResetIp,
    VerifyMailAccount,
    InvitesTenant,
    SignUpIp,
    SignUpEmail,
    PasswordTokenIp,
    PasswordTokenTarget,
    PasswordChangeAccount,
    DnsLookupTenant,
    ScimTenant,
    ScimFailedIp,
    JoinRequestsAccount,
}

impl Bucket {
    pub const ALL: [Bucket; 15] = [
        Bucket::SignInEmail,
        Bucket::SignInIp,
        Bucket::ResetEmail,
        Bucket::ResetIp,
        Bucket::VerifyMailAccount,
        Bucket::InvitesTenant,
        Bucket::SignUpIp,
        Bucket::SignUpEmail,
        Bucket::PasswordTokenIp,
        Bucket::PasswordTokenTarget,
        Bucket::PasswordChangeAccount,
        Bucket::DnsLookupTenant,
        Bucket::ScimTenant,
        Bucket::ScimFailedIp,
        Bucket::JoinRequestsAccount,
    ];

    /// The name used in `PORTICO_RATE_LIMITS` and the README.
    pub fn name(self) -> &'static str {
        match self {
            Bucket::SignInEmail => "sign_in_email",
            Bucket::SignInIp => "sign_in_ip",
            Bucket::ResetEmail => "reset_email",
            Bucket::ResetIp => "reset_ip",
            Bucket::VerifyMailAccount => "verify_mail_account",
            Bucket::InvitesTenant => "invites_tenant",
            Bucket::SignUpIp => "sign_up_ip",
            Bucket::SignUpEmail => "sign_up_email",
            Bucket::PasswordTokenIp => "password_token_ip",
            Bucket::PasswordTokenTarget => "password_token_target",
            Bucket::PasswordChangeAccount => "password_change_account",
            Bucket::DnsLookupTenant => "dns_lookup_tenant",
            Bucket::ScimTenant => "scim_tenant",
            Bucket::ScimFailedIp => "scim_failed_ip",
            Bucket::JoinRequestsAccount => "join_requests_account",
        }
    }

    pub fn default_limit(self) -> Limit {
        match self {
            Bucket::SignInEmail => limit(10, 60),
            Bucket::SignInIp => limit(50, 60),
            Bucket::ResetEmail => limit(5, 15 * 60),
            Bucket::ResetIp => limit(20, 15 * 60),
            Bucket::VerifyMailAccount => limit(5, 15 * 60),
            Bucket::InvitesTenant => limit(200, 3600),
            Bucket::SignUpIp => limit(30, 10 * 60),
            Bucket::SignUpEmail => limit(3, 3600),
            Bucket::PasswordTokenIp => limit(30, 10 * 60),
            Bucket::PasswordTokenTarget => limit(10, 15 * 60),
            Bucket::PasswordChangeAccount => limit(10, 15 * 60),
            Bucket::DnsLookupTenant => limit(60, 3600),
            // A directory's sync: Okta and Entra ID stay well under this.
            Bucket::ScimTenant => limit(6000, 60),
            // Requests with a token that is not the tenant's.
            Bucket::ScimFailedIp => limit(20, 60),
            // Join requests one person files, across every tenant.
            Bucket::JoinRequestsAccount => limit(10, 3600),
        }
    }

    fn index(self) -> usize {
        Bucket::ALL.iter().position(|b| *b == self).unwrap_or(0)
    }
}

/// The limits in force: the defaults, overridden by `PORTICO_RATE_LIMITS`,
/// or none at all (`off`, for benchmarks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    limits: Option<[Limit; Bucket::ALL.len()]>,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            limits: Some(Bucket::ALL.map(Bucket::default_limit)),
        }
    }
}

impl RateLimits {
    pub fn off() -> Self {
        RateLimits { limits: None }
    }

    /// Parses `off` or `name=N/period,…` (period: a number and `s`, `m`,
    /// `h` or `d`, e.g. `sign_in_ip=50/1m`). Names not given keep their
    /// defaults.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let spec = spec.trim();
        if spec.eq_ignore_ascii_case("off") {
            return Ok(RateLimits::off());
        }
        let mut limits = Bucket::ALL.map(Bucket::default_limit);
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not name=N/period"))?;
            let bucket = Bucket::ALL
                .into_iter()
                .find(|b| b.name() == name.trim())
                .ok_or_else(|| {
                    let names: Vec<&str> = Bucket::ALL.iter().map(|b| b.name()).collect();
                    format!("unknown limit {name:?}; known: {}", names.join(", "))
                })?;
            limits[bucket.index()] = parse_limit(value.trim())
                .ok_or_else(|| format!("{value:?} is not N/period, e.g. 50/1m"))?;
        }
        Ok(RateLimits {
            limits: Some(limits),
        })
    }

    pub fn get(&self, bucket: Bucket) -> Option<Limit> {
        self.limits.map(|l| l[bucket.index()])
    }
}

fn parse_limit(value: &str) -> Option<Limit> {
    let (max, period) = value.split_once('/')?;
    let max: u32 = max.trim().parse().ok().filter(|m| *m > 0)?;
    let period = period.trim();
    let unit = period.chars().last()?;
    let count: u64 = period[..period.len() - unit.len_utf8()].parse().ok()?;
    let seconds = match unit {
        's' => count,
        'm' => count.checked_mul(60)?,
        'h' => count.checked_mul(3600)?,
        'd' => count.checked_mul(86_400)?,
        _ => return None,
    };
    (1..=366 * 86_400)
        .contains(&seconds)
        .then(|| limit(max, seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_change_only_the_named_limits() {
        let limits = RateLimits::parse("sign_in_ip=5/30s, invites_tenant=1000/1d").unwrap();
        assert_eq!(limits.get(Bucket::SignInIp), Some(limit(5, 30)));
        assert_eq!(limits.get(Bucket::InvitesTenant), Some(limit(1000, 86_400)));
        assert_eq!(
            limits.get(Bucket::ResetEmail),
            Some(Bucket::ResetEmail.default_limit())
        );
        assert_eq!(
            RateLimits::parse("off").unwrap().get(Bucket::SignInIp),
            None
        );
    }

    #[test]
    fn bad_limits_name_the_problem() {
        assert!(
            RateLimits::parse("sign_in=5/1m")
                .unwrap_err()
                .contains("unknown limit")
        );
        assert!(RateLimits::parse("sign_in_ip=5").is_err());
        assert!(RateLimits::parse("sign_in_ip=0/1m").is_err());
        assert!(RateLimits::parse("sign_in_ip=5/1y").is_err());
        assert!(RateLimits::parse("sign_in_ip=5/99999999999999999999d").is_err());
    }
}
