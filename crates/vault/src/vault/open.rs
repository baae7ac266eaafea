//! Creating and unlocking a vault, and reading vault bytes without a file.

use std::path::Path;

use super::options::{CreateOptions, Peek, VaultOptions};
use super::slots::{keyring_slot, password_slot};
use super::{damaged, decrypt, format_error, seal, seen, slot_info, Vault};
use crate::content::VaultEntry;
use crate::crypto::{self, Key};
use crate::format::{self, Header, Slot, ID_LEN};
use crate::keyring_slot::{self, KeyringStatus};
use crate::sync::{DeviceId, Local, State};
use crate::{store, VaultError};

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
        store::create_parent(path)?;
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
            state: State::new(DeviceId::random()),
            local: Local::default(),
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
            let bytes = seal(&vault.key, &vault.header, &vault.state, &vault.local);
            store::replace(path, &bytes, None, 0, &lock)
        })();
        if let Err(e) = result {
            if let Some(b) = vault.keyring_backend() {
                let _ = keyring_slot::delete(b, &vault.id());
            }
            return Err(e);
        }
        seen::remember(&vault.opts, &vault.header.vault_id, path, 1);
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

    /// The entries of vault bytes (an exported `.apiq` file, a backup read
    /// from stdin) opened with their password, touching no file: what an
    /// import needs, without a temporary copy. Same errors as
    /// [`Vault::open_with_password`]; `origin` names the bytes in them.
    pub fn decode_bytes(
        bytes: &[u8],
        password: &str,
        origin: &Path,
    ) -> Result<Vec<VaultEntry>, VaultError> {
        let parsed = format::parse(bytes).map_err(|e| format_error(origin, e))?;
        let key = unlock_password(origin, &parsed, password)?;
        Ok(decrypt(origin, &parsed, &key)?.0.entries)
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
        let key = unlock_password(path, &parsed, password)?;
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
        let id = parsed.header.vault_id;
        if let Err(e) = seen::check(&opts, &id, path, parsed.header.generation) {
            // A writer may have replaced the file (and recorded its newer
            // version) after we read it: read it again before calling it
            // an older copy.
            let bytes = store::read(path)?;
            let again = format::parse(&bytes).map_err(|e| format_error(path, e))?;
            if again.header.vault_id == id && again.header.generation > parsed.header.generation {
                return Self::finish_open(path, &again, key, opts);
            }
            return Err(e);
        }
        let (state, local) = decrypt(path, parsed, &key)?;
        seen::remember(
            &opts,
            &parsed.header.vault_id,
            path,
            parsed.header.generation,
        );
        Ok(Vault {
            path: path.to_path_buf(),
            key,
            header: parsed.header.clone(),
            state,
            local,
            // Accepting an older copy is for this opening only.
            opts: VaultOptions {
                accept_older: false,
                ..opts
            },
            keyring_status: None,
        })
    }
}

/// The data key from the password slot of a parsed file.
pub(super) fn unlock_password(
    path: &Path,
    parsed: &format::ParsedFile,
    password: &str,
) -> Result<Key, VaultError> {
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
    let key =
        crypto::unwrap(&kek, &slot.nonce, &slot.wrapped, &aad).ok_or(VaultError::WrongPassword)?;
    Ok(key)
}
