//! Login throttling: failed attempts per account and per client address within a sliding window.
//!
//! Only failures count, so a user who types the right password is never slowed by their own earlier
//! success, and a correct login clears the account's failures. The caller passes `now` (UNIX
//! seconds); the table forgets attempts older than the window and caps how many keys it holds, so a
//! spray of random user names cannot grow memory without bound.

use std::collections::HashMap;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window_secs: i64,
    pub max_failures_per_account: usize,
    pub max_failures_per_ip: usize,
    /// Most keys held at once; beyond it the oldest are evicted first.
    pub max_keys: usize,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy { window_secs: 15 * 60, max_failures_per_account: 5, max_failures_per_ip: 20, max_keys: 50_000 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Ip(IpAddr),
}

#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    failures: HashMap<Key, Vec<i64>>,
}

/// Refusal: try again after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> LoginThrottle {
        LoginThrottle { policy, failures: HashMap::new() }
    }

    /// May this attempt proceed? Checked before the password is verified.
    pub fn check(&self, account: &str, ip: IpAddr, now: i64) -> Result<(), RetryAfter> {
        let account_wait = self.wait(&Key::Account(account.to_ascii_lowercase()), self.policy.max_failures_per_account, now);
        let ip_wait = self.wait(&Key::Ip(ip), self.policy.max_failures_per_ip, now);
        match account_wait.max(ip_wait) {
            0 => Ok(()),
            secs => Err(RetryAfter(secs)),
        }
    }

    pub fn record_failure(&mut self, account: &str, ip: IpAddr, now: i64) {
        if self.failures.len() >= self.policy.max_keys {
            self.forget_old(now);
        }
        if self.failures.len() >= self.policy.max_keys {
            self.evict_oldest();
        }
        for key in [Key::Account(account.to_ascii_lowercase()), Key::Ip(ip)] {
            let times = self.failures.entry(key).or_default();
            times.retain(|t| now - t < self.policy.window_secs);
            times.push(now);
        }
    }

    pub fn record_success(&mut self, account: &str) {
        self.failures.remove(&Key::Account(account.to_ascii_lowercase()));
    }

    /// Drops attempts that left the window (called periodically and when the table is full).
    pub fn forget_old(&mut self, now: i64) {
        let window = self.policy.window_secs;
        self.failures.retain(|_, times| {
            times.retain(|t| now - t < window);
            !times.is_empty()
        });
    }

    pub fn len(&self) -> usize {
        self.failures.len()
    }

    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
    }

    fn wait(&self, key: &Key, max: usize, now: i64) -> i64 {
        let Some(times) = self.failures.get(key) else {
            return 0;
        };
        let recent: Vec<i64> = times.iter().copied().filter(|t| now - t < self.policy.window_secs).collect();
        if recent.len() < max {
            return 0;
        }
        // Blocked until enough of the recent failures leave the window to allow one more try.
        let oldest_that_must_expire = recent[recent.len() - max];
        (oldest_that_must_expire + self.policy.window_secs - now).max(1)
    }

    fn evict_oldest(&mut self) {
        let oldest =
            self.failures.iter().min_by_key(|(_, times)| times.last().copied().unwrap_or(i64::MIN)).map(|(k, _)| k.clone());
        if let Some(key) = oldest {
            self.failures.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const OTHER_IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy { window_secs: 100, max_failures_per_account: 3, max_failures_per_ip: 5, max_keys: 10 }
    }

    #[test]
    fn account_locks_after_max_failures_until_the_window_passes() {
        let mut t = LoginThrottle::new(policy());
        for now in [0, 10, 20] {
            assert_eq!(t.check("admin", IP, now), Ok(()));
            t.record_failure("admin", IP, now);
        }
        assert_eq!(t.check("admin", IP, 30), Err(RetryAfter(70)));
        // Another address does not help an attacker: the account itself is locked.
        assert_eq!(t.check("ADMIN", OTHER_IP, 30), Err(RetryAfter(70)));
        // Other accounts from another address are unaffected.
        assert_eq!(t.check("bob", OTHER_IP, 30), Ok(()));
        assert_eq!(t.check("admin", IP, 100), Ok(()));
    }

    #[test]
    fn one_address_spraying_many_accounts_is_limited() {
        let mut t = LoginThrottle::new(policy());
        for (i, name) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            t.record_failure(name, IP, i as i64);
        }
        assert_eq!(t.check("f", IP, 5), Err(RetryAfter(95)));
        assert_eq!(t.check("f", OTHER_IP, 5), Ok(()));
    }

    #[test]
    fn success_clears_the_account() {
        let mut t = LoginThrottle::new(policy());
        for now in 0..3 {
            t.record_failure("admin", IP, now);
        }
        t.record_success("admin");
        assert_eq!(t.check("admin", IP, 4), Ok(()));
    }

    #[test]
    fn memory_is_bounded() {
        let mut t = LoginThrottle::new(policy());
        for i in 0..1000 {
            t.record_failure(&format!("user{i}"), OTHER_IP, i);
        }
        assert!(t.len() <= 10, "{}", t.len());
        t.forget_old(10_000);
        assert!(t.is_empty());
    }
}
