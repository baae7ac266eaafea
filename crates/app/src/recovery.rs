//! The recovery-code vault of each entry, as the window edits it: store
//! pasted codes (optionally replacing the stored ones, since new codes
//! from a service make the old ones useless), mark one used or unused
//! again, and find the accounts with few codes left. (The CLI's `apiq
//! recovery` adds and uses codes through [`apiq_vault::Vault`] directly.)

use apiq_vault::{EntryId, RecoveryCodes, Vault, VaultEntry, VaultError};

/// Fewer unused codes than this (or none stored) is "few left".
pub const FEW: usize = 3;

/// Adds `codes` to entry `id` in one saved change; `replace` drops the
/// stored ones first. Refused when `codes` is empty.
pub fn store(
    vault: &mut Vault,
    id: EntryId,
    codes: &[impl AsRef<str>],
    replace: bool,
    now: u64,
) -> Result<(), VaultError> {
    store_in(vault, id, codes, replace, false, now)
}

/// [`store`], and with `reactivate` the entry is no longer archived, in
/// the same saved change.
pub(crate) fn store_in(
    vault: &mut Vault,
    id: EntryId,
    codes: &[impl AsRef<str>],
    replace: bool,
    reactivate: bool,
    now: u64,
) -> Result<(), VaultError> {
    if codes.is_empty() {
        return Err(VaultError::NoRecoveryCodes);
    }
    vault.transact(|entries| {
        let e = entries
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or_else(|| VaultError::NoSuchEntry(id.to_hex()))?;
        if replace {
            e.recovery = RecoveryCodes::default();
        }
        e.recovery.add(codes.iter().map(|c| c.as_ref()), now);
        if reactivate {
            e.archived = false;
        }
        e.updated = now;
        Ok(())
    })
}

/// Marks code `index` of entry `id` used at `now`, or unused again (a
/// mistaken click). An index past the end changes nothing.
pub fn mark(
    vault: &mut Vault,
    id: EntryId,
    index: usize,
    used: bool,
    now: u64,
) -> Result<(), VaultError> {
    vault.transact(|entries| {
        let e = entries
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or_else(|| VaultError::NoSuchEntry(id.to_hex()))?;
        if let Some(c) = e.recovery.codes.get_mut(index) {
            c.used_at = used.then_some(now);
            e.updated = now;
        }
        Ok(())
    })
}

/// Active entries with no recovery codes stored or fewer than [`FEW`]
/// unused.
pub fn few_left(entries: &[VaultEntry]) -> impl Iterator<Item = &VaultEntry> {
    entries
        .iter()
        .filter(|e| !e.archived)
        .filter(|e| e.recovery.codes.is_empty() || e.recovery.remaining() < FEW)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;

    #[test]
    fn store_replace_mark_and_few_left() {
        let (_d, mut v) = testutil::vault();
        let f = crate::import::from_text("otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP").unwrap();
        let id = v.add_many(f.entries, 1).unwrap()[0];
        assert_eq!(few_left(v.entries()).count(), 1);
        store(&mut v, id, &["a1", "a2", "a3", "a4"], false, 2).unwrap();
        assert_eq!(few_left(v.entries()).count(), 0);
        store(&mut v, id, &["b1", "b2"], true, 3).unwrap();
        assert_eq!(v.get(id).unwrap().recovery.codes.len(), 2);
        mark(&mut v, id, 1, true, 4).unwrap();
        assert_eq!(v.get(id).unwrap().recovery.remaining(), 1);
        mark(&mut v, id, 1, false, 5).unwrap();
        assert_eq!(v.get(id).unwrap().recovery.remaining(), 2);
        mark(&mut v, id, 9, true, 6).unwrap();
        assert!(matches!(
            store(&mut v, id, &[] as &[&str], false, 7),
            Err(VaultError::NoRecoveryCodes)
        ));
        v.remove(id).unwrap();
        assert!(matches!(
            mark(&mut v, id, 0, true, 8),
            Err(VaultError::NoSuchEntry(_))
        ));
    }
}
