//! Fixed-window rate limits kept in memory: sign-in, password reset and
//! invite creation. Each instance counts on its own; behind a load balancer
//! the effective limit is the per-instance limit times the instance count.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::AppError;

/// A limit: at most `max` hits per `window` for one key.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

pub const SIGN_IN_PER_EMAIL: Limit = Limit {
    max: 10,
    window: Duration::from_secs(60),
};
pub const SIGN_IN_PER_IP: Limit = Limit {
    max: 50,
    window: Duration::from_secs(60),
};
pub const RESET_PER_EMAIL: Limit = Limit {
    max: 5,
    window: Duration::from_secs(60 * 15),
};
pub const RESET_PER_IP: Limit = Limit {
    max: 20,
    window: Duration::from_secs(60 * 15),
};
pub const VERIFY_MAIL_PER_ACCOUNT: Limit = Limit {
    max: 5,
    window: Duration::from_secs(60 * 15),
};

#[derive(Debug, Clone, Default)]
pub struct RateLimiter {
    windows: Arc<Mutex<HashMap<String, (Instant, u32)>>>,
}

impl RateLimiter {
    /// Counts one hit for `key`; `RateLimited` once the limit is exceeded.
    pub fn hit(&self, key: &str, limit: Limit) -> Result<(), AppError> {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(3600));
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > limit.max {
            Err(AppError::RateLimited)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hit_after_the_limit_is_refused_per_key() {
        let limiter = RateLimiter::default();
        let limit = Limit {
            max: 3,
            window: Duration::from_secs(60),
        };
        for _ in 0..3 {
            limiter.hit("a", limit).unwrap();
        }
        assert_eq!(limiter.hit("a", limit), Err(AppError::RateLimited));
        assert!(limiter.hit("b", limit).is_ok());
    }
}
