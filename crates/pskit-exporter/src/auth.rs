//! HTTP basic auth against bcrypt hashes (`basic_auth_users`), as exporter-toolkit does
//! it: unknown users are checked against a dummy hash so timing does not reveal which
//! users exist, and successful checks are cached so bcrypt's cost is paid once per
//! credential, not once per scrape.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use base64::Engine;

/// Most cached successful checks; the cache is emptied when full.
const CACHE_LIMIT: usize = 256;

/// The users and the cache of verified credentials.
pub(crate) struct BasicAuth {
    users: BTreeMap<String, String>,
    dummy_hash: String,
    /// (user, password, hash) triples that verified: keyed with the hash too, so a hash
    /// changed in the config (after restart) is never satisfied by a cached password.
    cache: Mutex<HashSet<(String, String, String)>>,
}

impl BasicAuth {
    pub(crate) fn new(users: BTreeMap<String, String>) -> Option<BasicAuth> {
        if users.is_empty() {
            return None;
        }
        // Cost 10, as the hashes users usually configure; made once at start-up.
        let dummy_hash = bcrypt::hash("pskit-dummy-password", 10).unwrap_or_default();
        Some(BasicAuth {
            users,
            dummy_hash,
            cache: Mutex::new(HashSet::new()),
        })
    }

    /// Splits `Basic base64(user:password)`.
    fn credentials(header: &str) -> Option<(String, String)> {
        let encoded = header
            .strip_prefix("Basic ")
            .or_else(|| header.strip_prefix("basic "))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (user, pass) = text.split_once(':')?;
        Some((user.to_owned(), pass.to_owned()))
    }

    /// Whether the `Authorization` header holds valid credentials. Blocking (bcrypt):
    /// call it off the async runtime.
    pub(crate) fn check(&self, header: Option<&str>) -> bool {
        let Some((user, pass)) = header.and_then(Self::credentials) else {
            return false;
        };
        let (hash, known) = match self.users.get(&user) {
            Some(h) => (h.clone(), true),
            None => (self.dummy_hash.clone(), false),
        };
        let key = (user, pass, hash);
        if known
            && self
                .cache
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(&key)
        {
            return true;
        }
        let ok = bcrypt::verify(&key.1, &key.2).unwrap_or(false) && known;
        if ok {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(key);
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(user: &str, pass: &str) -> String {
        let enc = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
        format!("Basic {enc}")
    }

    #[test]
    fn right_and_wrong_passwords() {
        let hash = bcrypt::hash("secret", 4).unwrap();
        let auth = BasicAuth::new(BTreeMap::from([("alice".into(), hash)])).unwrap();
        assert!(auth.check(Some(&header("alice", "secret"))));
        assert!(auth.check(Some(&header("alice", "secret"))), "cached");
        assert!(!auth.check(Some(&header("alice", "wrong"))));
        assert!(!auth.check(Some(&header("bob", "secret"))));
        assert!(!auth.check(Some("Basic !!!not-base64")));
        assert!(!auth.check(Some("Bearer x")));
        assert!(!auth.check(None));
    }
}
