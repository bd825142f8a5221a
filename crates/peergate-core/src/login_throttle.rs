//! Login throttling that an attacker can neither race nor turn against the account's owner.
//!
//! An attempt is *reserved* before the password is verified and counts as a failure from that
//! moment: requests in flight cannot all slip past the check (200 parallel wrong passwords verify
//! at most the limit). Only a correct password takes its reservation back. Three limits, each over
//! a sliding window:
//! - per account **and** source address (5 by default): one address guessing one account;
//! - per source address (20): one address spraying many accounts;
//! - per account from anywhere: past 5 failures the account is not locked but *spaced* — one
//!   attempt per `account_spacing_secs` from any address. A botnet's guesses slow to a trickle,
//!   while the owner, from an address with no failures of its own, still gets in (at worst after
//!   a one-second retry), and a correct login clears the account.
//!
//! Account names compare without case (`Admin` is `admin`). The caller passes `now` (UNIX
//! seconds); the table forgets attempts older than the window and caps how many keys it holds, so a
//! spray of random user names cannot grow memory without bound.

use std::collections::HashMap;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window_secs: i64,
    /// Failures of one account from one address before that pair waits out the window.
    pub max_failures_per_pair: usize,
    /// Failures from one address (any accounts) before it waits out the window.
    pub max_failures_per_ip: usize,
    /// Failures of one account (any addresses) after which its attempts are spaced.
    pub max_failures_per_account: usize,
    pub account_spacing_secs: i64,
    /// Most keys held at once; beyond it the oldest are evicted first.
    pub max_keys: usize,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window_secs: 15 * 60,
            max_failures_per_pair: 5,
            max_failures_per_ip: 20,
            max_failures_per_account: 5,
            account_spacing_secs: 1,
            max_keys: 50_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, IpAddr),
    Account(String),
    Ip(IpAddr),
}

#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    /// Failed (or still running) attempts per key, oldest first.
    attempts: HashMap<Key, Vec<Attempt>>,
}

/// One attempt: `settled` once its password was found wrong; until then it is in flight (and
/// counts, so parallel attempts cannot pass together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Attempt {
    at: i64,
    settled: bool,
}

/// Refusal: try again after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

/// A reserved attempt; hand it back with [`LoginThrottle::succeeded`] when the password was right.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Reservation {
    account: String,
    ip: IpAddr,
    at: i64,
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> LoginThrottle {
        LoginThrottle { policy, attempts: HashMap::new() }
    }

    /// Reserves an attempt, or says how long to wait. Call before verifying the password; the
    /// attempt counts as a failure unless [`succeeded`](Self::succeeded) takes it back.
    pub fn reserve(&mut self, account: &str, ip: IpAddr, now: i64) -> Result<Reservation, RetryAfter> {
        let account = account.to_ascii_lowercase();
        let p = self.policy;
        let pair = Key::Pair(account.clone(), ip);
        let wait = self.wait(&pair, p.max_failures_per_pair, now).max(self.wait(&Key::Ip(ip), p.max_failures_per_ip, now));
        if wait > 0 {
            return Err(RetryAfter(wait));
        }
        let account_key = Key::Account(account.clone());
        if let Some(times) = self.attempts.get(&account_key) {
            let recent = times.iter().filter(|t| now - t.at < p.window_secs).count();
            let last = times.last().map_or(i64::MIN, |t| t.at);
            if recent >= p.max_failures_per_account && now - last < p.account_spacing_secs {
                return Err(RetryAfter(p.account_spacing_secs - (now - last)));
            }
        }
        self.make_room(now);
        for key in [pair, account_key, Key::Ip(ip)] {
            let times = self.attempts.entry(key).or_default();
            times.retain(|t| now - t.at < p.window_secs);
            times.push(Attempt { at: now, settled: false });
        }
        Ok(Reservation { account, ip, at: now })
    }

    /// The password was wrong: the reserved attempt is a settled failure. (A reservation dropped
    /// without either call stays an in-flight attempt until it leaves the window.)
    pub fn failed(&mut self, reservation: Reservation) {
        let Reservation { account, ip, at } = reservation;
        for key in [Key::Pair(account.clone(), ip), Key::Account(account), Key::Ip(ip)] {
            if let Some(a) = self.attempts.get_mut(&key).and_then(|times| times.iter_mut().find(|t| t.at == at && !t.settled)) {
                a.settled = true;
            }
        }
    }

    /// The password was right: the account-wide count and this address's record for the account
    /// are cleared; other addresses that guessed stay limited.
    pub fn succeeded(&mut self, reservation: Reservation) {
        let Reservation { account, ip, at } = reservation;
        self.attempts.remove(&Key::Account(account.clone()));
        self.attempts.remove(&Key::Pair(account, ip));
        if let Some(times) = self.attempts.get_mut(&Key::Ip(ip))
            && let Some(i) = times.iter().rposition(|t| t.at == at && !t.settled)
        {
            times.remove(i);
        }
    }

    /// An admin unlocked the account at `at`: its failures up to then no longer count (the
    /// addresses' own limits stay).
    pub fn unlock(&mut self, account: &str, at: i64) {
        let account = account.to_ascii_lowercase();
        for (key, times) in self.attempts.iter_mut() {
            if matches!(key, Key::Account(a) | Key::Pair(a, _) if *a == account) {
                times.retain(|t| t.at > at);
            }
        }
        self.attempts.retain(|_, times| !times.is_empty());
    }

    /// Drops attempts that left the window (called periodically and when the table is full).
    pub fn forget_old(&mut self, now: i64) {
        let window = self.policy.window_secs;
        self.attempts.retain(|_, times| {
            times.retain(|t| now - t.at < window);
            !times.is_empty()
        });
    }

    pub fn len(&self) -> usize {
        self.attempts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.attempts.is_empty()
    }

    fn wait(&self, key: &Key, max: usize, now: i64) -> i64 {
        let Some(times) = self.attempts.get(key) else {
            return 0;
        };
        let recent: Vec<i64> = times.iter().filter(|t| now - t.at < self.policy.window_secs && t.settled).map(|t| t.at).collect();
        let in_flight = times.iter().filter(|t| now - t.at < self.policy.window_secs && !t.settled).count();
        if recent.len() + in_flight < max {
            return 0;
        }
        if recent.len() < max {
            // Attempts still running decide within a second (a correct one frees its place).
            return 1;
        }
        // Blocked until enough of the recent failures leave the window to allow one more try.
        let oldest_that_must_expire = recent[recent.len() - max];
        (oldest_that_must_expire + self.policy.window_secs - now).max(1)
    }

    /// Keeps the table under `max_keys` (three keys per attempt at most).
    fn make_room(&mut self, now: i64) {
        if self.attempts.len() + 3 > self.policy.max_keys {
            self.forget_old(now);
        }
        while self.attempts.len() + 3 > self.policy.max_keys && !self.attempts.is_empty() {
            let oldest = self.attempts.iter().min_by_key(|(_, times)| times.last().map(|t| t.at)).map(|(k, _)| k.clone());
            if let Some(key) = oldest {
                self.attempts.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const OTHER_IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    fn ip(n: u32) -> IpAddr {
        IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + n))
    }

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            window_secs: 100,
            max_failures_per_pair: 3,
            max_failures_per_ip: 5,
            max_failures_per_account: 3,
            account_spacing_secs: 1,
            max_keys: 30,
        }
    }

    #[test]
    fn attempts_in_flight_count_so_parallel_guesses_cannot_pass_together() {
        let mut t = LoginThrottle::new(policy());
        // 200 attempts reserved at the same instant, none finished: only the pair limit pass.
        let reserved: Vec<_> = (0..200).filter_map(|_| t.reserve("admin", IP, 0).ok()).collect();
        assert_eq!(reserved.len(), 3);
        // While they run, the rest are told to retry in a second (not to wait out the window)…
        assert_eq!(t.reserve("admin", IP, 0), Err(RetryAfter(1)));
        // …and once they have failed, to wait out the window.
        reserved.into_iter().for_each(|r| t.failed(r));
        assert_eq!(t.reserve("admin", IP, 0), Err(RetryAfter(100)));
        // One address spraying accounts in parallel: only the address limit pass.
        let mut t = LoginThrottle::new(policy());
        let passed = (0..60).filter(|i| t.reserve(&format!("user{i}"), OTHER_IP, 0).is_ok()).count();
        assert_eq!(passed, 5);
    }

    #[test]
    fn the_guessing_address_waits_out_the_window_but_the_owner_still_gets_in() {
        let mut t = LoginThrottle::new(policy());
        for now in [0, 10, 20] {
            let r = t.reserve("admin", IP, now).unwrap();
            t.failed(r);
        }
        assert_eq!(t.reserve("admin", IP, 30), Err(RetryAfter(70)));
        assert_eq!(t.reserve("ADMIN", IP, 30), Err(RetryAfter(70)), "names compare without case");
        // The owner, from an address with no failures, is not locked out.
        let owner = t.reserve("Admin", OTHER_IP, 30).expect("a clean address still gets an attempt");
        t.succeeded(owner);
        // A correct login clears the account, not the guessing address's own record.
        assert_eq!(t.reserve("admin", IP, 31), Err(RetryAfter(69)));
        assert_eq!(t.reserve("admin", IP, 100).map(|_| ()), Ok(()));
    }

    #[test]
    fn a_botnet_is_spaced_not_able_to_lock_the_account() {
        let mut t = LoginThrottle::new(policy());
        // Many addresses, each with a few guesses, all in the same second.
        let mut verified = 0;
        for n in 0..100 {
            if t.reserve("admin", ip(n), 0).is_ok() {
                verified += 1;
            }
        }
        assert_eq!(verified, 3, "past the account limit, one attempt per second at most");
        assert_eq!(t.reserve("admin", ip(500), 0), Err(RetryAfter(1)));
        // The next second, the owner (or one guess) gets through: a back-off, never a lockout.
        let _ = t.reserve("admin", ip(501), 1).expect("spaced, not locked");
        assert_eq!(t.reserve("admin", ip(502), 1), Err(RetryAfter(1)));
        assert_eq!(t.reserve("bob", ip(503), 1).map(|_| ()), Ok(()), "other accounts are unaffected");
    }

    #[test]
    fn an_admin_unlock_forgets_the_accounts_failures_up_to_then() {
        let mut t = LoginThrottle::new(policy());
        for now in 0..3 {
            let r = t.reserve("admin", IP, now).unwrap();
            t.failed(r);
        }
        assert!(t.reserve("admin", IP, 5).is_err());
        t.unlock("ADMIN", 5);
        assert_eq!(t.reserve("admin", IP, 6).map(|_| ()), Ok(()));
    }

    #[test]
    fn memory_is_bounded() {
        let mut t = LoginThrottle::new(policy());
        for i in 0..1000 {
            let _ = t.reserve(&format!("user{i}"), ip(i as u32), i);
        }
        assert!(t.len() <= 30, "{}", t.len());
        t.forget_old(10_000);
        assert!(t.is_empty());
    }
}
