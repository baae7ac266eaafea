//! The one duplicate detector: what counts as "already in the vault".
//!
//! Two entries are the same account when [`apiq_otp::Entry::same_otp`]
//! says so (same secret, algorithm, digits, kind and period; labels do not
//! matter). [`DuplicateIndex`] finds such an entry among many without
//! comparing with each: entries are bucketed by a keyed hash of secret and
//! kind (the key is random per index, so the buckets say nothing about the
//! secrets), and only a bucket's few members are compared in full.
//! [`crate::Vault::import`] uses it inside its transaction, and the front
//! ends' previews use it before anything is stored, so the preview and the
//! save always agree.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use apiq_otp::Entry;

/// An index of entries by OTP identity; `T` is what a hit returns (an
/// entry id, a position, a label).
pub struct DuplicateIndex<T> {
    hasher: RandomState,
    buckets: HashMap<u64, Vec<(Entry, T)>>,
}

impl<T> Default for DuplicateIndex<T> {
    fn default() -> Self {
        DuplicateIndex {
            hasher: RandomState::new(),
            buckets: HashMap::new(),
        }
    }
}

impl<T> DuplicateIndex<T> {
    pub fn new() -> Self {
        Self::default()
    }

    fn fingerprint(&self, e: &Entry) -> u64 {
        let mut h = self.hasher.build_hasher();
        e.secret().expose().hash(&mut h);
        e.kind().type_name().hash(&mut h);
        h.finish()
    }

    /// Remembers `entry` under `value`.
    pub fn insert(&mut self, entry: &Entry, value: T) {
        let fp = self.fingerprint(entry);
        self.buckets
            .entry(fp)
            .or_default()
            .push((entry.clone(), value));
    }

    /// The value of an entry already indexed that is the same account as
    /// `entry`, the first one inserted.
    pub fn find(&self, entry: &Entry) -> Option<&T> {
        self.buckets
            .get(&self.fingerprint(entry))?
            .iter()
            .find(|(e, _)| e.same_otp(entry))
            .map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(uri: &str) -> Entry {
        apiq_otp::uri::parse(uri).unwrap()
    }

    #[test]
    fn finds_the_same_account_whatever_its_labels() {
        let mut idx = DuplicateIndex::new();
        idx.insert(
            &e("otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&issuer=A"),
            1,
        );
        idx.insert(
            &e("otpauth://totp/B:me?secret=GEZDGNBVGY3TQOJQ&issuer=B"),
            2,
        );
        assert_eq!(
            idx.find(&e("otpauth://totp/Other:x?secret=JBSWY3DPEHPK3PXP")),
            Some(&1)
        );
        // Same secret, other parameters: another account.
        assert_eq!(
            idx.find(&e("otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&digits=8")),
            None
        );
        assert_eq!(
            idx.find(&e("otpauth://hotp/A:me?secret=JBSWY3DPEHPK3PXP&counter=0")),
            None
        );
    }

    #[test]
    fn the_first_inserted_wins() {
        let mut idx = DuplicateIndex::new();
        let a = e("otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP");
        idx.insert(&a, "first");
        idx.insert(&a, "second");
        assert_eq!(idx.find(&a), Some(&"first"));
    }
}
