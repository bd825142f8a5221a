//! A few seconds of memory for API token lookups, so scripts that poll the API cost a hash and a
//! map lookup instead of a database round trip per request.
//!
//! The price is bounded staleness: a token revoked by another process (`peergate token revoke`, a
//! second instance) keeps working for at most the TTL (`PEERGATE_TOKEN_CACHE_SECS`, default 5 s;
//! 0 turns the cache off). Expiry is exact (an entry never outlives its
//! token's `expires_at`), the map is bounded, and only successful lookups are cached.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::tokens::TokenAuth;

const MAX_ENTRIES: usize = 10_000;

pub struct TokenCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, TokenAuth)>>,
}

impl TokenCache {
    pub fn new(ttl: Duration) -> TokenCache {
        TokenCache { ttl, entries: Mutex::new(HashMap::new()) }
    }

    /// The cached token for this digest, if fresh and not expired at `now` (UNIX seconds).
    pub fn get(&self, digest: &str, now: i64) -> Option<TokenAuth> {
        let entries = self.entries.lock().expect("token cache lock");
        let (cached_at, auth) = entries.get(digest)?;
        let fresh = cached_at.elapsed() < self.ttl && auth.expires_at.is_none_or(|t| t > now);
        fresh.then(|| auth.clone())
    }

    pub fn insert(&self, digest: String, auth: TokenAuth) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().expect("token cache lock");
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(digest, (Instant::now(), auth));
    }

    /// Forgets everything (this process revoked or changed a token or user).
    pub fn clear(&self) {
        self.entries.lock().expect("token cache lock").clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::users::User;
    use peergate_core::account::Role;

    fn auth(expires_at: Option<i64>) -> TokenAuth {
        let user = User { id: 1, username: "a".into(), role: Role::Admin };
        TokenAuth { token_id: 7, user, last_used_at: None, expires_at }
    }

    #[test]
    fn entries_are_served_until_the_token_expires() {
        let cache = TokenCache::new(Duration::from_secs(60));
        cache.insert("d1".into(), auth(Some(100)));
        assert_eq!(cache.get("d1", 99).map(|a| a.token_id), Some(7));
        assert!(cache.get("d1", 100).is_none(), "never past the token's own expiry");
        assert!(cache.get("other", 0).is_none());
        cache.insert("d2".into(), auth(None));
        cache.clear();
        assert!(cache.get("d2", 0).is_none());
        let off = TokenCache::new(Duration::ZERO);
        off.insert("d3".into(), auth(None));
        assert!(off.get("d3", 0).is_none());
    }
}
