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
//! The data key never changes: password changes and keyring slots only
//! re-wrap it, and entries are never re-keyed. (The content is re-sealed
//! with the same key and a fresh nonce on every save, because the header
//! with its slots is the content's associated data.)

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use apiq_otp::Generator;
use zeroize::Zeroizing;

use crate::content::{self, EntryId, NewEntry, VaultEntry};
use crate::crypto::{self, Key};
use crate::format::{
    self, FormatError, Header, KdfParams, KeyringSlot, PasswordSlot, Slot, ID_LEN, NONCE_LEN,
};
use crate::keyring_slot::{self, KeyringBackend, KeyringPreference, KeyringStatus};
use crate::recovery::{self, CodeUse, UseError};
use crate::{store, Damaged, VaultError};

/// How a new password slot's Argon2id parameters are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kdf {
    /// Calibrated so unlocking costs about [`TARGET_UNLOCK`] here, never
    /// below [`KdfParams::FLOOR`]. What real vaults use.
    #[default]
    Calibrated,
    /// Exactly these; refused below [`KdfParams::FLOOR`].
    Explicit(KdfParams),
    /// Exactly these, floor not enforced: for tests and benchmarks that
    /// need cheap vaults. Never use for a vault that holds real secrets.
    UncheckedForTests(KdfParams),
}

/// What unlocking with the password should cost on the creating machine.
pub const TARGET_UNLOCK: Duration = Duration::from_millis(500);

impl Kdf {
    fn resolve(self) -> Result<KdfParams, VaultError> {
        match self {
            Kdf::Calibrated => Ok(KdfParams::calibrate(TARGET_UNLOCK)),
            Kdf::Explicit(p) if p.meets_floor() => Ok(p),
            Kdf::Explicit(p) => Err(VaultError::WeakKdf {
                m_kib: p.m_kib,
                t: p.t,
            }),
            Kdf::UncheckedForTests(p) => Ok(p),
        }
    }
}

/// Behaviour of an open vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaultOptions {
    /// How many previous versions to keep beside the file.
    pub backups: usize,
    /// How long a change waits for another writer before [`VaultError::Busy`].
    pub lock_timeout: Duration,
}

impl Default for VaultOptions {
    fn default() -> Self {
        VaultOptions {
            backups: 10,
            lock_timeout: Duration::from_secs(10),
        }
    }
}

/// How [`Vault::create`] sets up a vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CreateOptions {
    pub kdf: Kdf,
    /// Also add an OS keyring slot (when a keyring is reachable; otherwise
    /// the vault is created with its password slot alone and
    /// [`Vault::keyring_status`] says why).
    pub keyring: Option<KeyringPreference>,
    pub vault: VaultOptions,
}

/// One key slot, as shown to users (no key material).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotInfo {
    Password(KdfParams),
    Keyring(KeyringBackend),
}

/// What can be known about a vault file without unlocking it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek {
    /// The vault id in hex (the OS keyring's user name for it).
    pub id: String,
    pub generation: u64,
    pub slots: Vec<SlotInfo>,
}

impl Peek {
    pub fn has_password(&self) -> bool {
        self.slots
            .iter()
            .any(|s| matches!(s, SlotInfo::Password(_)))
    }
    pub fn keyring(&self) -> Option<KeyringBackend> {
        self.slots.iter().find_map(|s| match s {
            SlotInfo::Keyring(b) => Some(*b),
            _ => None,
        })
    }
}

/// What [`Vault::import`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Ids of the new entries, in input order.
    pub added: Vec<EntryId>,
    /// Input positions that were skipped as duplicates, with the entry they
    /// duplicate (an existing one, or one added earlier in this import).
    pub duplicates: Vec<(usize, EntryId)>,
}

/// A recovery code found by [`Vault::recovery_search`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryHit {
    pub entry: EntryId,
    /// Index into the entry's `recovery.codes`.
    pub index: usize,
    pub used: bool,
}

/// An unlocked vault. Holds the data key (wiped on drop) and the entries as
/// of the last read or save.
pub struct Vault {
    path: PathBuf,
    key: Key,
    header: Header,
    entries: Vec<VaultEntry>,
    opts: VaultOptions,
    keyring_status: Option<KeyringStatus>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("generation", &self.header.generation)
            .field("entries", &self.entries.len())
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

fn password_slot(
    key: &Key,
    vault_id: &[u8; ID_LEN],
    password: &str,
    kdf: KdfParams,
) -> Result<Slot, VaultError> {
    let salt = crypto::random_bytes();
    let kek = kdf
        .derive(password.as_bytes(), &salt)
        .ok_or(VaultError::WeakKdf {
            m_kib: kdf.m_kib,
            t: kdf.t,
        })?;
    let mut slot = PasswordSlot {
        kdf,
        salt,
        nonce: [0; NONCE_LEN],
        wrapped: [0; format::WRAPPED_LEN],
    };
    let aad = Slot::Password(slot.clone()).wrap_aad(vault_id);
    (slot.nonce, slot.wrapped) = crypto::wrap(&kek, key, &aad);
    Ok(Slot::Password(slot))
}

/// Stores a fresh KEK in the keyring and returns the slot wrapping `key`
/// under it; the reason when no keyring took it.
fn keyring_slot(
    key: &Key,
    vault_id: &[u8; ID_LEN],
    pref: KeyringPreference,
) -> Result<Slot, String> {
    let kek = crypto::random_key();
    let backend = keyring_slot::store(pref, &hex::encode(vault_id), &kek)?;
    let mut slot = KeyringSlot {
        backend,
        nonce: [0; NONCE_LEN],
        wrapped: [0; format::WRAPPED_LEN],
    };
    let aad = Slot::Keyring(slot.clone()).wrap_aad(vault_id);
    (slot.nonce, slot.wrapped) = crypto::wrap(&kek, key, &aad);
    Ok(Slot::Keyring(slot))
}

const UNAUTHENTIC: &str = "the encrypted content does not authenticate: it was altered";

/// Decrypts and decodes a parsed file's content with the data key; a fixed
/// reason when it does not authenticate or decode.
fn decrypt_raw(parsed: &format::ParsedFile, key: &Key) -> Result<Vec<VaultEntry>, &'static str> {
    let mut buf = Zeroizing::new(parsed.ciphertext.to_vec());
    if !crypto::open(key, &parsed.header.nonce, parsed.aad, &mut buf) {
        return Err(UNAUTHENTIC);
    }
    content::decode(&buf)
}

fn decrypt(
    path: &Path,
    parsed: &format::ParsedFile,
    key: &Key,
) -> Result<Vec<VaultEntry>, VaultError> {
    decrypt_raw(parsed, key).map_err(|reason| damaged(path, reason))
}

/// Seals entries under a header into complete file bytes.
fn seal(key: &Key, header: &Header, entries: &[VaultEntry]) -> Vec<u8> {
    let aad = header.encode();
    let mut buf = content::encode(entries, 16);
    crypto::seal(key, &header.nonce, &aad, &mut buf);
    let mut file = Vec::with_capacity(aad.len() + buf.len() + 4);
    file.extend_from_slice(&aad);
    file.extend_from_slice(&buf);
    format::append_crc(&mut file);
    file
}

impl Vault {
    /// Creates an empty vault at `path` (its folder is created if needed);
    /// refused when a file is already there.
    pub fn create(path: &Path, password: &str, opts: CreateOptions) -> Result<Vault, VaultError> {
        if path.exists() {
            return Err(VaultError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        let kdf = opts.kdf.resolve()?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b.create(dir)
                .map_err(|e| VaultError::io(format!("cannot create {}", dir.display()), e))?;
        }
        let key = crypto::random_key();
        let vault_id = crypto::random_bytes::<ID_LEN>();
        let mut slots = vec![password_slot(&key, &vault_id, password, kdf)?];
        let keyring_status = opts
            .keyring
            .map(|pref| match keyring_slot(&key, &vault_id, pref) {
                Ok(slot) => {
                    let Slot::Keyring(k) = &slot else {
                        unreachable!()
                    };
                    let backend = k.backend;
                    slots.push(slot);
                    KeyringStatus::Available(backend)
                }
                Err(reason) => KeyringStatus::Unavailable { reason },
            });
        let header = Header {
            vault_id,
            generation: 1,
            slots,
            nonce: crypto::random_bytes(),
        };
        let vault = Vault {
            path: path.to_path_buf(),
            key,
            header,
            entries: Vec::new(),
            opts: opts.vault,
            keyring_status,
        };
        let result = (|| {
            let lock = store::lock(path, vault.opts.lock_timeout)?;
            if path.exists() {
                return Err(VaultError::AlreadyExists {
                    path: path.to_path_buf(),
                });
            }
            let bytes = seal(&vault.key, &vault.header, &vault.entries);
            store::replace(path, &bytes, None, 0, &lock)
        })();
        if let Err(e) = result {
            if let Some(b) = vault.keyring_backend() {
                let _ = keyring_slot::delete(b, &vault.id());
            }
            return Err(e);
        }
        Ok(vault)
    }

    /// What the file says about itself without unlocking: id, generation,
    /// slots. Damaged files are reported as such (with their backups).
    pub fn peek(path: &Path) -> Result<Peek, VaultError> {
        let bytes = store::read(path)?;
        let parsed = format::parse(&bytes).map_err(|e| format_error(path, e))?;
        Ok(Peek {
            id: hex::encode(parsed.header.vault_id),
            generation: parsed.header.generation,
            slots: parsed.header.slots.iter().map(slot_info).collect(),
        })
    }

    /// Unlocks with the password. A wrong password is
    /// [`VaultError::WrongPassword`]; a damaged file is
    /// [`VaultError::Damaged`] listing the backups; the file is only read.
    pub fn open_with_password(
        path: &Path,
        password: &str,
        opts: VaultOptions,
    ) -> Result<Vault, VaultError> {
        let bytes = store::read(path)?;
        let parsed = format::parse(&bytes).map_err(|e| format_error(path, e))?;
        let id = parsed.header.vault_id;
        let slot = parsed
            .header
            .slots
            .iter()
            .find_map(|s| match s {
                Slot::Password(p) => Some(p),
                _ => None,
            })
            .ok_or(VaultError::NoPasswordSlot)?;
        let aad = Slot::Password(slot.clone()).wrap_aad(&id);
        let kek = slot
            .kdf
            .derive(password.as_bytes(), &slot.salt)
            .ok_or_else(|| damaged(path, "the password slot's Argon2 parameters are invalid"))?;
        let key = crypto::unwrap(&kek, &slot.nonce, &slot.wrapped, &aad)
            .ok_or(VaultError::WrongPassword)?;
        Self::finish_open(path, &parsed, key, opts)
    }

    /// Unlocks with the key kept in the OS keyring (no password).
    /// [`VaultError::NoKeyringSlot`] when the vault has none;
    /// [`VaultError::Keyring`] with the reason when the keyring cannot be
    /// reached or no longer holds the key: then the password still works.
    pub fn open_with_keyring(path: &Path, opts: VaultOptions) -> Result<Vault, VaultError> {
        let bytes = store::read(path)?;
        let parsed = format::parse(&bytes).map_err(|e| format_error(path, e))?;
        let id = parsed.header.vault_id;
        let slot = parsed
            .header
            .slots
            .iter()
            .find_map(|s| match s {
                Slot::Keyring(k) => Some(k),
                _ => None,
            })
            .ok_or(VaultError::NoKeyringSlot)?;
        let kek = keyring_slot::load(slot.backend, &hex::encode(id))
            .map_err(|reason| VaultError::Keyring { reason })?;
        let aad = Slot::Keyring(slot.clone()).wrap_aad(&id);
        let key = crypto::unwrap(&kek, &slot.nonce, &slot.wrapped, &aad).ok_or_else(|| {
            VaultError::Keyring {
                reason: format!(
                    "the key in the {} does not belong to this vault",
                    slot.backend
                ),
            }
        })?;
        let mut vault = Self::finish_open(path, &parsed, key, opts)?;
        vault.keyring_status = Some(KeyringStatus::Available(slot.backend));
        Ok(vault)
    }

    fn finish_open(
        path: &Path,
        parsed: &format::ParsedFile,
        key: Key,
        opts: VaultOptions,
    ) -> Result<Vault, VaultError> {
        let entries = decrypt(path, parsed, &key)?;
        Ok(Vault {
            path: path.to_path_buf(),
            key,
            header: parsed.header.clone(),
            entries,
            opts,
            keyring_status: None,
        })
    }

    /// The backups beside a vault file, newest first.
    pub fn backups(path: &Path) -> Vec<PathBuf> {
        store::backups(path)
    }

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
        &self.entries
    }

    pub fn get(&self, id: EntryId) -> Option<&VaultEntry> {
        self.entries.iter().find(|e| e.id == id)
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
        self.entries
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
        self.entries
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
        let parsed = format::parse(&bytes).map_err(|e| format_error(&self.path, e))?;
        if parsed.header == self.header {
            return Ok(false);
        }
        if parsed.header.vault_id != self.header.vault_id {
            return Err(VaultError::Replaced);
        }
        let entries = match decrypt_raw(&parsed, &self.key) {
            Ok(e) => e,
            // Same id, other key: a different vault copied over this one.
            Err(UNAUTHENTIC) => return Err(VaultError::Replaced),
            Err(reason) => return Err(damaged(&self.path, reason)),
        };
        self.header = parsed.header;
        self.entries = entries;
        Ok(true)
    }

    /// One transaction: lock, refresh, apply `f` to copies of the slots and
    /// entries, save, unlock. `f` failing writes nothing.
    fn commit<R>(
        &mut self,
        f: impl FnOnce(&mut Vec<Slot>, &mut Vec<VaultEntry>) -> Result<R, VaultError>,
    ) -> Result<R, VaultError> {
        let lock = store::lock(&self.path, self.opts.lock_timeout)?;
        self.refresh()?;
        let mut slots = self.header.slots.clone();
        let mut entries = self.entries.clone();
        let r = f(&mut slots, &mut entries)?;
        if slots.is_empty() {
            return Err(VaultError::LastSlot);
        }
        let header = Header {
            vault_id: self.header.vault_id,
            generation: self.header.generation + 1,
            slots,
            nonce: crypto::random_bytes(),
        };
        let bytes = seal(&self.key, &header, &entries);
        store::replace(
            &self.path,
            &bytes,
            Some(self.header.generation),
            self.opts.backups,
            &lock,
        )?;
        self.header = header;
        self.entries = entries;
        Ok(r)
    }

    /// Applies `f` to the entries as one saved change (all or nothing).
    pub fn transact<R>(
        &mut self,
        f: impl FnOnce(&mut Vec<VaultEntry>) -> Result<R, VaultError>,
    ) -> Result<R, VaultError> {
        self.commit(|_, entries| f(entries))
    }

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
            let hasher = std::collections::hash_map::RandomState::new();
            let fingerprint = |e: &apiq_otp::Entry| {
                let mut h = hasher.build_hasher();
                e.secret().expose().hash(&mut h);
                e.kind().type_name().hash(&mut h);
                h.finish()
            };
            let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
            for (i, e) in entries.iter().enumerate() {
                index.entry(fingerprint(&e.otp)).or_default().push(i);
            }
            let mut report = ImportReport::default();
            for (pos, item) in items.into_iter().enumerate() {
                let fp = fingerprint(&item.otp);
                let dup = index
                    .get(&fp)
                    .and_then(|c| c.iter().find(|&&i| entries[i].otp.same_otp(&item.otp)));
                if let Some(&i) = dup {
                    report.duplicates.push((pos, entries[i].id));
                    continue;
                }
                let e = VaultEntry::from_new(item, now);
                report.added.push(e.id);
                index.entry(fp).or_default().push(entries.len());
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

    // ---- key slots ----

    /// Sets a new password (replacing the password slot, or adding one).
    /// Entries are not re-keyed; backups are re-sealed so the old password
    /// opens none of them any more.
    pub fn change_password(&mut self, new_password: &str, kdf: Kdf) -> Result<(), VaultError> {
        let params = kdf.resolve()?;
        let slot = password_slot(&self.key, &self.header.vault_id, new_password, params)?;
        self.commit(|slots, _| {
            slots.retain(|s| !matches!(s, Slot::Password(_)));
            slots.insert(0, slot);
            Ok(())
        })?;
        self.reseal_backups();
        Ok(())
    }

    /// Adds (or replaces) the OS keyring slot. When no keyring takes the
    /// key: [`VaultError::Keyring`] with the reason, and nothing changes.
    pub fn add_keyring_slot(
        &mut self,
        pref: KeyringPreference,
    ) -> Result<KeyringBackend, VaultError> {
        let slot = match keyring_slot(&self.key, &self.header.vault_id, pref) {
            Ok(s) => s,
            Err(reason) => {
                self.keyring_status = Some(KeyringStatus::Unavailable {
                    reason: reason.clone(),
                });
                return Err(VaultError::Keyring { reason });
            }
        };
        let Slot::Keyring(k) = &slot else {
            unreachable!()
        };
        let backend = k.backend;
        let old = self.keyring_backend();
        let result = self.commit(|slots, _| {
            slots.retain(|s| !matches!(s, Slot::Keyring(_)));
            slots.push(slot);
            Ok(())
        });
        if let Err(e) = result {
            // The key just stored is useless: take it back out, unless it
            // replaced the key of the slot still in the file.
            if old != Some(backend) {
                let _ = keyring_slot::delete(backend, &self.id());
            }
            return Err(e);
        }
        if let Some(old) = old.filter(|&o| o != backend) {
            let _ = keyring_slot::delete(old, &self.id());
        }
        self.keyring_status = Some(KeyringStatus::Available(backend));
        Ok(backend)
    }

    /// Removes the OS keyring slot and deletes its key from the keyring.
    /// Returns the keyring's complaint if the key could not be deleted (the
    /// slot is gone from the file either way).
    pub fn remove_keyring_slot(&mut self) -> Result<Option<String>, VaultError> {
        let backend = self.keyring_backend().ok_or(VaultError::NoKeyringSlot)?;
        self.commit(|slots, _| {
            slots.retain(|s| !matches!(s, Slot::Keyring(_)));
            Ok(())
        })?;
        self.reseal_backups();
        self.keyring_status = None;
        Ok(keyring_slot::delete(backend, &self.id()).err())
    }

    /// Removes the password slot (only when a keyring slot remains).
    pub fn remove_password_slot(&mut self) -> Result<(), VaultError> {
        self.commit(|slots, _| {
            if !slots.iter().any(|s| matches!(s, Slot::Password(_))) {
                return Err(VaultError::NoPasswordSlot);
            }
            slots.retain(|s| !matches!(s, Slot::Password(_)));
            Ok(())
        })?;
        self.reseal_backups();
        Ok(())
    }

    /// Gives every backup of this vault the current slots (same entries,
    /// same generation), so a removed password or keyring key opens no old
    /// copy. Best effort: a backup that does not open is left as it is.
    fn reseal_backups(&self) {
        let Ok(lock) = store::lock(&self.path, self.opts.lock_timeout) else {
            return;
        };
        for b in store::backups(&self.path) {
            let Ok(bytes) = std::fs::read(&b) else {
                continue;
            };
            let Ok(parsed) = format::parse(&bytes) else {
                continue;
            };
            if parsed.header.vault_id != self.header.vault_id {
                continue;
            }
            let Ok(entries) = decrypt(&b, &parsed, &self.key) else {
                continue;
            };
            let header = Header {
                slots: self.header.slots.clone(),
                nonce: crypto::random_bytes(),
                ..parsed.header
            };
            let sealed = seal(&self.key, &header, &entries);
            // The file's time is when that version was written: keep it.
            let written = std::fs::metadata(&b).and_then(|m| m.modified()).ok();
            if store::replace(&b, &sealed, None, 0, &lock).is_ok() {
                if let Some(t) = written {
                    let _ = std::fs::File::options()
                        .write(true)
                        .open(&b)
                        .and_then(|f| f.set_modified(t));
                }
            }
        }
    }

    /// Restores a backup's entries as a new version of this vault (the
    /// current version becomes a backup in turn). The backup must be of this
    /// vault (same id and key).
    pub fn restore_backup(&mut self, backup: &Path) -> Result<(), VaultError> {
        let restored = self.read_backup(backup)?;
        self.transact(|entries| {
            *entries = restored;
            Ok(())
        })
    }

    /// The entries of one of this vault's backups (same id and key), read
    /// without changing anything: to show what a restore would bring back.
    pub fn read_backup(&self, backup: &Path) -> Result<Vec<VaultEntry>, VaultError> {
        let bytes = store::read(backup)?;
        let parsed = format::parse(&bytes).map_err(|e| format_error(backup, e))?;
        if parsed.header.vault_id != self.header.vault_id {
            return Err(VaultError::Replaced);
        }
        decrypt(backup, &parsed, &self.key)
    }
}

impl Vault {
    /// Writes this vault's entries (typically a backup opened with its
    /// password) as the newest version of the vault at `target`, which may
    /// be missing or damaged. A readable `target` of the same vault keeps
    /// its key slots and becomes a backup in turn; a damaged one is moved
    /// aside to `NAME.damaged-RANDOM`, never deleted. Returns the restored
    /// vault, opened at `target`.
    pub fn restore_to(&self, target: &Path) -> Result<Vault, VaultError> {
        let lock = store::lock(target, self.opts.lock_timeout)?;
        let current = match store::read(target) {
            Ok(bytes) => Some(bytes),
            Err(VaultError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let parsed_current = current.as_deref().map(format::parse);
        let (slots, old_generation) = match &parsed_current {
            Some(Ok(p)) if p.header.vault_id == self.header.vault_id => {
                (p.header.slots.clone(), Some(p.header.generation))
            }
            Some(Ok(_)) => return Err(VaultError::Replaced),
            Some(Err(_)) => {
                let aside = target.with_file_name(format!(
                    "{}.damaged-{}",
                    target.file_name().unwrap_or_default().to_string_lossy(),
                    hex::encode(crypto::random_bytes::<4>())
                ));
                std::fs::rename(target, &aside).map_err(|e| {
                    VaultError::io(format!("cannot move {} aside", target.display()), e)
                })?;
                (self.header.slots.clone(), None)
            }
            None => (self.header.slots.clone(), None),
        };
        let header = Header {
            vault_id: self.header.vault_id,
            generation: old_generation.unwrap_or(0).max(self.header.generation) + 1,
            slots,
            nonce: crypto::random_bytes(),
        };
        let bytes = seal(&self.key, &header, &self.entries);
        store::replace(target, &bytes, old_generation, self.opts.backups, &lock)?;
        Ok(Vault {
            path: target.to_path_buf(),
            key: self.key.clone(),
            header,
            entries: self.entries.clone(),
            opts: self.opts,
            keyring_status: None,
        })
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
    Ok(decrypt_raw(&parsed, &key)?.len())
}
