//! [`Vault`]: an unlocked vault file and every change to it.
//!
//! Every change is one transaction: take the writers' lock, re-read the file
//! if another process saved since we last looked (the window and the CLI
//! share a vault), apply the change to that fresh state, write atomically,
//! release the lock. So two writers never overwrite each other: the second
//! re-applies its change on top of the first's, or is refused clearly when
//! the change no longer makes sense (the entry it edits was removed). A
//! change that fails writes nothing, and an import is one change.
//!
//! The data key changes with the password: [`Vault::change_password`]
//! seals the content under a new random key (one transaction), re-wraps
//! the keyring slot's copy, and re-seals the backups, so the old password
//! opens neither the current file nor any backup. Adding or removing a
//! keyring slot only re-wraps the key. (The content is re-sealed with a
//! fresh nonce on every save, because the header with its slots is the
//! content's associated data.) A file older than one this device has seen
//! is refused (`seen`: the rollback check).
//!
//! The type is split by responsibility around the transaction core kept
//! here ([`Vault::transact`] and its private `commit`): `open` (create,
//! unlock, decode bytes), `entries` (every entry change), `slots` (key
//! slots), `backups` (backups and restores), `options` (plain types).

mod backups;
mod entries;
mod new_password;
mod open;
mod options;
mod seen;
mod slots;
mod sync_folder;

use std::path::{Path, PathBuf};

use apiq_otp::Generator;
use zeroize::Zeroizing;

use crate::content::{self, EntryId, VaultEntry};
use crate::crypto::{self, Key};
use crate::format::{self, FormatError, Header, Slot};
use crate::keyring_slot::{KeyringBackend, KeyringStatus};
use crate::sync::{codec, DeviceId, Local, State, TOMBSTONE_RETENTION_MS};
use crate::{store, Damaged, VaultError};

pub use options::{
    CreateOptions, ImportReport, Kdf, Peek, RecoveryHit, SlotInfo, VaultOptions, TARGET_UNLOCK,
};
pub use sync_folder::{Changes, DeviceInfo, SyncReport};

/// An unlocked vault. Holds the data key (wiped on drop) and the entries
/// (with their sync stamps and tombstones) as of the last read or save.
pub struct Vault {
    path: PathBuf,
    key: Key,
    header: Header,
    state: State,
    local: Local,
    opts: VaultOptions,
    keyring_status: Option<KeyringStatus>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("generation", &self.header.generation)
            .field("entries", &self.state.entries.len())
            .finish_non_exhaustive()
    }
}

fn damaged(path: &Path, reason: impl Into<String>) -> VaultError {
    VaultError::Damaged(Damaged {
        path: path.to_path_buf(),
        reason: reason.into(),
        backups: store::backups(path),
    })
}

fn format_error(path: &Path, e: FormatError) -> VaultError {
    match e {
        FormatError::Damaged(reason) => damaged(path, reason),
        FormatError::UnsupportedVersion(found) => VaultError::UnsupportedVersion {
            found,
            supported: format::VERSION,
        },
    }
}

pub(crate) const UNAUTHENTIC: &str = "the encrypted content does not authenticate: it was altered";

/// The current time in Unix milliseconds (the stamps' wall clock).
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Decrypts and decodes a parsed file's content with the data key; a fixed
/// reason when it does not authenticate or decode. Content written before
/// sync existed (version 1) gets its stamps here, for a fresh device id.
pub(crate) fn decrypt_raw(
    parsed: &format::ParsedFile,
    key: &Key,
) -> Result<(State, Local), &'static str> {
    let mut buf = Zeroizing::new(parsed.ciphertext.to_vec());
    if !crypto::open(key, &parsed.header.nonce, parsed.aad, &mut buf) {
        return Err(UNAUTHENTIC);
    }
    let (entries, version, section) = content::decode(&buf)?;
    if version == 1 {
        return Ok((
            State::from_unstamped(entries, DeviceId::random()),
            Local::default(),
        ));
    }
    codec::decode(entries, section)
}

fn decrypt(
    path: &Path,
    parsed: &format::ParsedFile,
    key: &Key,
) -> Result<(State, Local), VaultError> {
    decrypt_raw(parsed, key).map_err(|reason| damaged(path, reason))
}

/// Seals a state under a header into complete file bytes (content version
/// 2); `local.written_ms` becomes now.
pub(crate) fn seal(key: &Key, header: &Header, state: &State, local: &Local) -> Vec<u8> {
    let aad = header.encode();
    let local = Local {
        written_ms: now_ms(),
        ..local.clone()
    };
    let (entries, section) = codec::encode(state, &local);
    let mut buf = content::encode(entries, &section, 16);
    crypto::seal(key, &header.nonce, &aad, &mut buf);
    let mut file = Vec::with_capacity(aad.len() + buf.len() + 4);
    file.extend_from_slice(&aad);
    file.extend_from_slice(&buf);
    format::append_crc(&mut file);
    file
}

impl Vault {
    // ---- reading ----

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The vault id in hex.
    pub fn id(&self) -> String {
        hex::encode(self.header.vault_id)
    }

    /// How many times the file has been written.
    pub fn generation(&self) -> u64 {
        self.header.generation
    }

    /// Every entry, in the order they were added.
    pub fn entries(&self) -> &[VaultEntry] {
        &self.state.entries
    }

    pub fn get(&self, id: EntryId) -> Option<&VaultEntry> {
        self.state.entries.iter().find(|e| e.id == id)
    }

    /// An entry id from its full hex form or a unique prefix of at least 4
    /// hex digits.
    pub fn resolve_id(&self, text: &str) -> Result<EntryId, VaultError> {
        let t = text.trim().to_ascii_lowercase();
        if let Some(id) = EntryId::parse(&t) {
            if self.get(id).is_some() {
                return Ok(id);
            }
        }
        if t.len() < 4 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(VaultError::NoSuchEntry(text.to_string()));
        }
        let mut hits = self
            .state
            .entries
            .iter()
            .filter(|e| e.id.to_hex().starts_with(&t));
        match (hits.next(), hits.next()) {
            (Some(e), None) => Ok(e.id),
            (Some(_), Some(_)) => Err(VaultError::AmbiguousId(text.to_string())),
            _ => Err(VaultError::NoSuchEntry(text.to_string())),
        }
    }

    /// Every entry's current code at `now`: TOTP and Steam at that time,
    /// HOTP at its stored counter (without using it up).
    pub fn codes_at(&self, now: u64) -> Vec<(EntryId, String)> {
        self.state
            .entries
            .iter()
            .map(|e| (e.id, Generator::new(&e.otp).code_at(now)))
            .collect()
    }

    /// The key slots (no key material).
    pub fn slots(&self) -> Vec<SlotInfo> {
        self.header.slots.iter().map(slot_info).collect()
    }

    /// The store of this vault's keyring slot, if it has one.
    pub fn keyring_backend(&self) -> Option<KeyringBackend> {
        self.slots().into_iter().find_map(|s| match s {
            SlotInfo::Keyring(b) => Some(b),
            _ => None,
        })
    }

    /// What happened with the OS keyring in this session: set by
    /// [`Vault::create`] with a keyring preference, [`Vault::open_with_keyring`]
    /// and [`Vault::add_keyring_slot`]. `Unavailable` carries the reason to
    /// show the user once.
    pub fn keyring_status(&self) -> Option<&KeyringStatus> {
        self.keyring_status.as_ref()
    }

    /// Recovery codes of every entry whose normalized text contains the
    /// normalized query.
    pub fn recovery_search(&self, query: &str) -> Vec<RecoveryHit> {
        self.state
            .entries
            .iter()
            .flat_map(|e| {
                e.recovery
                    .search(query)
                    .into_iter()
                    .map(|index| RecoveryHit {
                        entry: e.id,
                        index,
                        used: e.recovery.codes[index].is_used(),
                    })
            })
            .collect()
    }

    /// Re-reads the file if another process saved since; `true` when it had.
    pub fn reload(&mut self) -> Result<bool, VaultError> {
        self.refresh()
    }

    // ---- changing ----

    /// Re-reads the file when it is not the version we hold.
    fn refresh(&mut self) -> Result<bool, VaultError> {
        let bytes = store::read(&self.path)?;
        let mut parsed = format::parse(&bytes).map_err(|e| format_error(&self.path, e))?;
        if parsed.header == self.header {
            return Ok(false);
        }
        if parsed.header.vault_id != self.header.vault_id {
            return Err(VaultError::Replaced);
        }
        let id = self.header.vault_id;
        let again;
        if let Err(e) = seen::check(&self.opts, &id, &self.path, parsed.header.generation) {
            // Read before a writer's newer version (and its record): once
            // more before calling it an older copy.
            let found = parsed.header.generation;
            again = store::read(&self.path)?;
            parsed = format::parse(&again).map_err(|e| format_error(&self.path, e))?;
            if parsed.header.vault_id != id || parsed.header.generation <= found {
                return Err(e);
            }
            seen::check(&self.opts, &id, &self.path, parsed.header.generation)?;
        }
        let (state, local) = match decrypt_raw(&parsed, &self.key) {
            Ok(c) => c,
            // Same id, other key: another program changed the password
            // (which re-keys the data), or a stranger's file.
            Err(UNAUTHENTIC) if parsed.header.slots != self.header.slots => {
                return Err(VaultError::KeyChanged)
            }
            Err(UNAUTHENTIC) => return Err(VaultError::Replaced),
            Err(reason) => return Err(damaged(&self.path, reason)),
        };
        seen::remember(
            &self.opts,
            &parsed.header.vault_id,
            &self.path,
            parsed.header.generation,
        );
        self.header = parsed.header;
        self.state = state;
        self.local = local;
        Ok(true)
    }

    /// One transaction: lock, refresh, apply `f` to copies of the slots and
    /// entries, stamp what changed, save, unlock. `f` failing writes
    /// nothing.
    fn commit<R>(
        &mut self,
        f: impl FnOnce(&mut Vec<Slot>, &mut Vec<VaultEntry>) -> Result<R, VaultError>,
    ) -> Result<R, VaultError> {
        self.commit_state(|slots, state, _, now| {
            let mut entries = state.entries.clone();
            let r = f(slots, &mut entries)?;
            state.record(entries, now);
            Ok((r, true))
        })
    }

    /// [`Vault::commit`] on the whole state: `f` gets copies of the slots,
    /// the state, the local settings and the time (Unix ms), and says
    /// whether to save even when nothing changed.
    pub(crate) fn commit_state<R>(
        &mut self,
        f: impl FnOnce(&mut Vec<Slot>, &mut State, &mut Local, u64) -> Result<(R, bool), VaultError>,
    ) -> Result<R, VaultError> {
        let lock = store::lock(&self.path, self.opts.lock_timeout)?;
        self.commit_locked(&lock, f)
    }

    /// [`Vault::commit_state`] with the writers' lock already held.
    pub(crate) fn commit_locked<R>(
        &mut self,
        lock: &store::WriteLock,
        f: impl FnOnce(&mut Vec<Slot>, &mut State, &mut Local, u64) -> Result<(R, bool), VaultError>,
    ) -> Result<R, VaultError> {
        self.commit_sealing(lock, None, f)
    }

    /// [`Vault::commit_locked`], sealing the new version with `new_key`
    /// when given (a re-key: `f` must give slots that wrap it), which then
    /// becomes the vault's key. Nothing changes when it fails.
    pub(crate) fn commit_sealing<R>(
        &mut self,
        lock: &store::WriteLock,
        new_key: Option<Key>,
        f: impl FnOnce(&mut Vec<Slot>, &mut State, &mut Local, u64) -> Result<(R, bool), VaultError>,
    ) -> Result<R, VaultError> {
        self.refresh()?;
        let now = now_ms();
        let mut slots = self.header.slots.clone();
        let mut state = self.state.clone();
        let mut local = self.local.clone();
        let (r, always) = f(&mut slots, &mut state, &mut local, now)?;
        if slots.is_empty() {
            return Err(VaultError::LastSlot);
        }
        state.compact(now, TOMBSTONE_RETENTION_MS);
        let unchanged =
            slots == self.header.slots && local == self.local && state.same_content(&self.state);
        if unchanged && !always && new_key.is_none() {
            self.state.clock = state.clock;
            return Ok(r);
        }
        let header = Header {
            vault_id: self.header.vault_id,
            generation: self.header.generation + 1,
            slots,
            nonce: crypto::random_bytes(),
        };
        let bytes = seal(
            new_key.as_ref().unwrap_or(&self.key),
            &header,
            &state,
            &local,
        );
        store::replace(
            &self.path,
            &bytes,
            Some(self.header.generation),
            self.opts.backups,
            lock,
        )?;
        seen::remember(&self.opts, &header.vault_id, &self.path, header.generation);
        if let Some(k) = new_key {
            self.key = k;
        }
        self.header = header;
        self.state = state;
        self.local = local;
        Ok(r)
    }

    /// Applies `f` to the entries as one saved change (all or nothing).
    pub fn transact<R>(
        &mut self,
        f: impl FnOnce(&mut Vec<VaultEntry>) -> Result<R, VaultError>,
    ) -> Result<R, VaultError> {
        self.commit(|_, entries| f(entries))
    }
}

fn find_mut(entries: &mut [VaultEntry], id: EntryId) -> Result<&mut VaultEntry, VaultError> {
    entries
        .iter_mut()
        .find(|e| e.id == id)
        .ok_or_else(|| VaultError::NoSuchEntry(id.to_hex()))
}

fn slot_info(s: &Slot) -> SlotInfo {
    match s {
        Slot::Password(p) => SlotInfo::Password(p.kdf),
        Slot::Keyring(k) => SlotInfo::Keyring(k.backend),
    }
}

/// Parses and decrypts vault bytes with a known data key, touching no file:
/// the fuzz target's entry point (it must never panic). Returns the number
/// of entries, or the fixed reason the bytes were refused.
#[doc(hidden)]
pub fn decode_with_key(bytes: &[u8], key: &[u8; 32]) -> Result<usize, String> {
    let parsed = format::parse(bytes).map_err(|e| format!("{e:?}"))?;
    let key = Zeroizing::new(*key);
    Ok(decrypt_raw(&parsed, &key)?.0.entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::KdfParams;
    use crate::NewEntry;
    use apiq_otp::{Algorithm, Entry, Secret};

    const CHEAP: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    /// Bytes of a format-1 file with content version 1, as the code before
    /// sync wrote them.
    fn v1_file(password: &str, entries: &[VaultEntry]) -> Vec<u8> {
        let key = crypto::random_key();
        let id = crypto::random_bytes();
        let header = Header {
            vault_id: id,
            generation: 7,
            slots: vec![slots::password_slot(&key, &id, password, CHEAP).unwrap()],
            nonce: crypto::random_bytes(),
        };
        let mut aad = header.encode();
        aad[8..10].copy_from_slice(&1u16.to_le_bytes());
        let mut buf = content::encode(entries.iter(), &[], 16);
        assert_eq!(buf[0], 2, "the content version is one varint byte");
        buf[0] = 1;
        crypto::seal(&key, &header.nonce, &aad, &mut buf);
        let mut file = aad;
        file.extend_from_slice(&buf);
        format::append_crc(&mut file);
        file
    }

    #[test]
    fn a_vault_written_before_sync_opens_gets_stamps_and_upgrades_on_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.apiq");
        let otp = Entry::totp(
            "GitHub",
            "me",
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
            Algorithm::Sha1,
            6,
            30,
        )
        .unwrap();
        let mut e = VaultEntry::from_new(NewEntry::from(otp), 1_600_000_000);
        e.recovery.add(["zzzz-1111", "aaaa-2222"], 5);
        let old = vec![e];
        std::fs::write(&path, v1_file("pw", &old)).unwrap();
        let mut v = Vault::open_with_password(&path, "pw", VaultOptions::default()).unwrap();
        assert_eq!(v.entries().len(), 1);
        assert_eq!(v.entries()[0].otp, old[0].otp);
        let m = &v.state.meta[&old[0].id];
        assert_eq!(m.stamps[0].wall_ms, 1_600_000_000_000);
        assert!(m.live());
        // Opening wrote nothing; the next change writes format 2 with stamps.
        assert_eq!(std::fs::read(&path).unwrap()[8], 1);
        v.update(old[0].id, 1_700_000_000, |e| e.note = "n".into())
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap()[8], 2);
        let again = Vault::open_with_password(&path, "pw", VaultOptions::default()).unwrap();
        assert_eq!(again.entries()[0].note, "n");
        assert!(again.state.same_content(&v.state));
        assert_eq!(again.state.device(), v.state.device());
        assert!(again.state.meta[&old[0].id].stamps[3].wall_ms > 1_600_000_000_000);
    }
}
