//! Fixed-window rate limits kept in the database, so every instance on one
//! database counts against the same limit. One upsert per hit; the key is a
//! hash of the bucket and the subject (email, address, tenant), so a row's
//! size is bounded whatever a client sends. Limits are configurable with
//! `PORTICO_RATE_LIMITS` (`off`, or `name=N/period,…`), see [`RateLimits`].

use std::sync::Arc;

use sha2::{Digest, Sha256};

pub use super::config::rate_limits::{Bucket, Limit, RateLimits};
use super::db::{Db, now_ms};
use crate::error::AppError;

/// The key of a client address in per-address limits: an IPv4 address
/// (also when it arrives IPv4-mapped, `::ffff:a.b.c.d`) as itself, an IPv6
/// address by its /64, the smallest block one subscriber is given, so one
/// subscriber's 2^64 addresses share one bucket.
pub fn ip_key(ip: std::net::IpAddr) -> String {
    match ip.to_canonical() {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Counts hits in the database.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    db: Db,
    limits: Arc<RateLimits>,
}

impl RateLimiter {
    pub fn new(db: Db, limits: RateLimits) -> Self {
        RateLimiter {
            db,
            limits: Arc::new(limits),
        }
    }

    /// Counts one hit of `subject` in `bucket`; `RateLimited` (with the
    /// seconds until the window ends) once the limit is exceeded.
    pub async fn hit(&self, bucket: Bucket, subject: &str) -> Result<(), AppError> {
        let Some(limit) = self.limits.get(bucket) else {
            return Ok(());
        };
        let key = hex::encode(&Sha256::digest(format!("{}\n{subject}", bucket.name()))[..16]);
        let now = now_ms();
        let window_ms = limit.window.as_millis() as i64;
        // One statement, run on this thread on SQLite.
        let mut conn = self.db.write_direct().await?;
        let (hits, window_start) =
            super::db::rate_limits::hit(&mut conn, &key, now, now - window_ms).await?;
        if hits > i64::from(limit.max) {
            let remaining_ms = (window_start + window_ms - now).max(1000);
            Err(AppError::RateLimited {
                retry_after_secs: (remaining_ms as u64).div_ceil(1000),
            })
        } else {
            Ok(())
        }
    }

    /// Forgets windows that ended; run periodically.
    pub async fn sweep(&self) -> Result<u64, AppError> {
        let longest = Bucket::ALL
            .iter()
            .filter_map(|b| self.limits.get(*b))
            .map(|l| l.window.as_millis() as i64)
            .max()
            .unwrap_or(0);
        let mut conn = self.db.write().await?;
        super::db::rate_limits::delete_older_than(&mut conn, now_ms() - longest).await
    }
}
