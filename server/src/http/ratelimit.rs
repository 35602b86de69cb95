//! A per-address limit on public submissions. Addresses are kept only in memory, only as a
//! keyed hash (the key is random per process), only for the current minute, and never beside
//! an answer: the limiter cannot tell anyone who answered what.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// Fixed one-minute windows per hashed address.
pub struct RateLimiter {
    per_minute: u32,
    key: [u8; 32],
    windows: Mutex<HashMap<[u8; 16], (i64, u32)>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` submissions per address; 0 switches it off.
    #[must_use]
    pub fn new(per_minute: u32) -> Self {
        use rand::RngCore;
        let mut key = [0_u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self {
            per_minute,
            key,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one submission from `addr` at `now`; `Err(seconds to wait)` when over the limit.
    pub fn check(&self, addr: IpAddr, now: i64) -> Result<(), u64> {
        self.slot(addr, now, true)
    }

    /// Whether `addr` is over the limit at `now`, without counting anything.
    pub fn peek(&self, addr: IpAddr, now: i64) -> Result<(), u64> {
        self.slot(addr, now, false)
    }

    fn slot(&self, addr: IpAddr, now: i64, count: bool) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let mut hasher = Sha256::new();
        hasher.update(self.key);
        hasher.update(addr.to_string().as_bytes());
        let digest = hasher.finalize();
        let mut id = [0_u8; 16];
        id.copy_from_slice(&digest[..16]);
        let minute = now.div_euclid(60);
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 100_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let entry = windows.entry(id).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= self.per_minute {
            let wait = (minute + 1) * 60 - now;
            return Err(u64::try_from(wait.max(1)).unwrap_or(60));
        }
        if count {
            entry.1 += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_gets_its_own_allowance_per_minute() {
        let limiter = RateLimiter::new(2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limiter.check(a, 60).is_ok());
        assert!(limiter.check(a, 61).is_ok());
        assert_eq!(limiter.check(a, 90), Err(30));
        assert_eq!(limiter.peek(a, 91), Err(29), "peeking sees the limit");
        assert!(limiter.peek(b, 91).is_ok(), "and counts nothing");
        assert!(limiter.peek(b, 91).is_ok());
        assert!(limiter.check(b, 90).is_ok());
        assert!(limiter.check(a, 120).is_ok(), "a new minute starts afresh");
    }

    #[test]
    fn zero_switches_the_limit_off() {
        let limiter = RateLimiter::new(0);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..1000 {
            assert!(limiter.check(a, 0).is_ok());
        }
    }
}
