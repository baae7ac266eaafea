//! Every change to entries: add, import (one duplicate detector), update,
//! archive, remove, HOTP use and recovery codes. Each is one transaction.

use apiq_otp::Generator;
use zeroize::Zeroizing;

use super::options::ImportReport;
use super::{find_mut, Vault};
use crate::content::{EntryId, NewEntry, VaultEntry};
use crate::recovery::{self, CodeUse, UseError};
use crate::VaultError;

impl Vault {
    /// Adds one entry (duplicates are allowed here; see [`Vault::import`]).
    pub fn add(&mut self, entry: NewEntry, now: u64) -> Result<EntryId, VaultError> {
        self.transact(|entries| {
            let e = VaultEntry::from_new(entry, now);
            let id = e.id;
            entries.push(e);
            Ok(id)
        })
    }

    /// Adds several entries in one save (all or none); returns their ids.
    pub fn add_many(&mut self, items: Vec<NewEntry>, now: u64) -> Result<Vec<EntryId>, VaultError> {
        self.transact(|entries| {
            let start = entries.len();
            entries.extend(items.into_iter().map(|n| VaultEntry::from_new(n, now)));
            Ok(entries[start..].iter().map(|e| e.id).collect())
        })
    }

    /// Adds every entry that is not a duplicate (same secret and same kind
    /// of OTP as an entry already in the vault or earlier in `items`), in
    /// one save: either all of them are stored or none.
    pub fn import(&mut self, items: Vec<NewEntry>, now: u64) -> Result<ImportReport, VaultError> {
        self.transact(|entries| {
            let mut index = crate::DuplicateIndex::new();
            for e in entries.iter() {
                index.insert(&e.otp, e.id);
            }
            let mut report = ImportReport::default();
            for (pos, item) in items.into_iter().enumerate() {
                if let Some(&id) = index.find(&item.otp) {
                    report.duplicates.push((pos, id));
                    continue;
                }
                let e = VaultEntry::from_new(item, now);
                report.added.push(e.id);
                index.insert(&e.otp, e.id);
                entries.push(e);
            }
            Ok(report)
        })
    }

    /// Changes one entry; its id and creation time stay, `updated` becomes
    /// `now`.
    pub fn update(
        &mut self,
        id: EntryId,
        now: u64,
        f: impl FnOnce(&mut VaultEntry),
    ) -> Result<(), VaultError> {
        self.transact(|entries| {
            let e = find_mut(entries, id)?;
            let (created, recovery) = (e.created, e.recovery.clone());
            f(e);
            e.id = id;
            e.created = created;
            e.updated = now;
            // Recovery codes change only through the recovery methods.
            e.recovery = recovery;
            Ok(())
        })
    }

    /// Marks an entry archived (kept, out of the way) or back.
    pub fn set_archived(
        &mut self,
        id: EntryId,
        archived: bool,
        now: u64,
    ) -> Result<(), VaultError> {
        self.update(id, now, |e| e.archived = archived)
    }

    /// Removes an entry; returns it.
    pub fn remove(&mut self, id: EntryId) -> Result<VaultEntry, VaultError> {
        self.transact(|entries| {
            let i = entries
                .iter()
                .position(|e| e.id == id)
                .ok_or_else(|| VaultError::NoSuchEntry(id.to_hex()))?;
            Ok(entries.remove(i))
        })
    }

    /// The next code of an HOTP entry: the code at the stored counter, and
    /// the counter advanced and saved before the code is returned (so a
    /// code is never shown twice, even after a crash).
    pub fn next_hotp(&mut self, id: EntryId, now: u64) -> Result<String, VaultError> {
        self.transact(|entries| {
            let e = find_mut(entries, id)?;
            let counter = e.otp.kind().counter().ok_or_else(|| {
                VaultError::Otp(apiq_otp::OtpError::BadType(
                    "next_hotp needs an HOTP entry".into(),
                ))
            })?;
            let code = Generator::new(&e.otp).counter_code(counter);
            e.otp.set_counter(counter.wrapping_add(1));
            e.updated = now;
            Ok(code)
        })
    }

    // ---- recovery codes ----

    /// Adds codes (each one as given) to an entry; returns how many were new.
    pub fn recovery_add(
        &mut self,
        id: EntryId,
        codes: Vec<String>,
        now: u64,
    ) -> Result<usize, VaultError> {
        let codes: Vec<Zeroizing<String>> = codes.into_iter().map(Zeroizing::new).collect();
        if codes.iter().all(|c| recovery::normalize(c).is_empty()) {
            return Err(VaultError::NoRecoveryCodes);
        }
        self.transact(|entries| {
            let e = find_mut(entries, id)?;
            let n = e.recovery.add(codes.iter().map(|c| c.as_str()), now);
            if n > 0 {
                e.updated = now;
            }
            Ok(n)
        })
    }

    /// Adds the codes found in a pasted text or downloaded file (see
    /// [`recovery::parse_codes`]); refused when none is found.
    pub fn recovery_add_text(
        &mut self,
        id: EntryId,
        text: &str,
        now: u64,
    ) -> Result<usize, VaultError> {
        let codes = recovery::parse_codes(text);
        if codes.is_empty() {
            return Err(VaultError::NoRecoveryCodes);
        }
        self.recovery_add(id, codes, now)
    }

    /// Marks a recovery code used at `now`.
    pub fn recovery_use(
        &mut self,
        id: EntryId,
        code: &str,
        now: u64,
    ) -> Result<CodeUse, VaultError> {
        self.transact(|entries| {
            let e = find_mut(entries, id)?;
            let r = e.recovery.use_code(code, now).map_err(|err| match err {
                UseError::NotFound => VaultError::RecoveryCodeNotFound,
                UseError::AlreadyUsed { used_at } => VaultError::RecoveryCodeUsed { used_at },
            })?;
            e.updated = now;
            Ok(r)
        })
    }
}
