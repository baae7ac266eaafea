//! The key slots: the password slot and the OS keyring slot, added,
//! replaced and removed. Every slot wraps the same data key.

use super::options::Kdf;
use super::Vault;
use crate::crypto::{self, Key};
use crate::format::{self, KdfParams, KeyringSlot, PasswordSlot, Slot, ID_LEN, NONCE_LEN};
use crate::keyring_slot::{self, KeyringBackend, KeyringPreference, KeyringStatus};
use crate::VaultError;

pub(super) fn password_slot(
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
pub(super) fn keyring_slot(
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

impl Vault {
    /// Sets a new password (replacing the password slot, or adding one) and
    /// **re-keys** the data: the content is sealed under a new random data
    /// key, so the old password, with any copy of the file it still opens,
    /// cannot read what is written from now on. The keyring slot wraps the
    /// new key under its same keyring key; when the keyring cannot be
    /// reached now, that slot is dropped (the password still opens the
    /// vault) and [`Vault::keyring_status`] says why. Backups are re-sealed
    /// under the new key and slots. In a sync folder the other devices need
    /// the new password once ([`Vault::sync_with_new_password`]).
    pub fn change_password(&mut self, new_password: &str, kdf: Kdf) -> Result<(), VaultError> {
        let params = kdf.resolve()?;
        let new_key = crypto::random_key();
        let slot = password_slot(&new_key, &self.header.vault_id, new_password, params)?;
        let lock = crate::store::lock(&self.path, self.opts.lock_timeout)?;
        self.rekey(lock, new_key, slot, true)
    }

    /// Re-keys the vault to `new_key` in one transaction under `lock`:
    /// `slot` (wrapping `new_key`) becomes the password slot, the keyring
    /// slot is re-wrapped (dropped, with the reason in
    /// [`Vault::keyring_status`], when the keyring cannot be reached), the
    /// old key is kept to read the sync-folder files of devices that have
    /// not taken the new password yet (inside the content, under the new
    /// key); then, the lock released, the backups are re-sealed. `stamp`:
    /// the password was set here (the newest password slot wins in a sync
    /// folder), not taken from another device's file.
    pub(super) fn rekey(
        &mut self,
        lock: crate::store::WriteLock,
        new_key: Key,
        slot: Slot,
        stamp: bool,
    ) -> Result<(), VaultError> {
        let keyring = self.rewrap_keyring(&new_key);
        let old_key = self.key.clone();
        self.commit_sealing(&lock, Some(new_key), |slots, state, local, now| {
            slots.retain(|s| !matches!(s, Slot::Password(_) | Slot::Keyring(_)));
            slots.insert(0, slot);
            slots.extend(keyring.clone().ok());
            local.old_keys.push(&old_key);
            if stamp {
                state.stamp_password(now);
            }
            Ok(((), true))
        })?;
        drop(lock);
        if let Some(reason) = keyring.err().filter(|r| !r.is_empty()) {
            self.keyring_status = Some(KeyringStatus::Unavailable { reason });
        }
        self.reseal_backups_from(Some(&old_key));
        Ok(())
    }

    /// This vault's keyring slot wrapping `new_key` under the same keyring
    /// key (read from the keyring); why not when the vault has one that
    /// cannot be re-wrapped now. `Err` with an empty reason: no keyring slot.
    pub(super) fn rewrap_keyring(&self, new_key: &Key) -> Result<Slot, String> {
        let id = self.header.vault_id;
        let Some(old) = self.header.slots.iter().find_map(|s| match s {
            Slot::Keyring(k) => Some(k.clone()),
            _ => None,
        }) else {
            return Err(String::new());
        };
        let kek = keyring_slot::load(old.backend, &hex::encode(id)).map_err(|reason| {
            format!(
                "the keyring unlock was turned off: the {} could not be reached while the data was re-keyed ({reason}); turn it on again in Settings",
                old.backend
            )
        })?;
        let mut slot = KeyringSlot {
            backend: old.backend,
            nonce: [0; NONCE_LEN],
            wrapped: [0; format::WRAPPED_LEN],
        };
        let aad = Slot::Keyring(slot.clone()).wrap_aad(&id);
        (slot.nonce, slot.wrapped) = crypto::wrap(&kek, new_key, &aad);
        Ok(Slot::Keyring(slot))
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
}
