//! Backups beside the vault file: listing, re-sealing after a slot change,
//! reading one, and restoring (in place or to another path).

use std::path::{Path, PathBuf};

use super::{decrypt, format_error, seal, seen, Vault};
use crate::content::VaultEntry;
use crate::crypto;
use crate::format::{self, Header};
use crate::{store, VaultError};

impl Vault {
    /// The backups beside a vault file, newest first.
    pub fn backups(path: &Path) -> Vec<PathBuf> {
        store::backups(path)
    }

    /// Gives every backup of this vault the current slots (same entries,
    /// same generation), so a removed password or keyring key opens no old
    /// copy. Best effort: a backup that does not open is left as it is.
    pub(super) fn reseal_backups(&self) {
        self.reseal_backups_from(None);
    }

    /// [`Vault::reseal_backups`] after a re-key: backups sealed with
    /// `old_key` (the data key before) are opened with it and sealed with
    /// the current key, so the old password opens none of them.
    pub(super) fn reseal_backups_from(&self, old_key: Option<&crypto::Key>) {
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
            let opened = decrypt(&b, &parsed, &self.key)
                .or_else(|e| old_key.map_or(Err(e), |k| decrypt(&b, &parsed, k)));
            let Ok((state, local)) = opened else {
                continue;
            };
            let header = Header {
                slots: self.header.slots.clone(),
                nonce: crypto::random_bytes(),
                ..parsed.header
            };
            let sealed = seal(&self.key, &header, &state, &local);
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
    /// Whether a backup of this vault carries the vault's current key
    /// slots, i.e. it was re-sealed after the last password or keyring
    /// change. `false` means it still opens with what opened the vault
    /// before (a re-seal that could not rewrite it): the window says so
    /// next to it instead of listing it as if it had been re-sealed.
    pub fn backup_has_current_slots(&self, backup: &Path) -> Result<bool, VaultError> {
        let bytes = store::read(backup)?;
        let parsed = format::parse(&bytes).map_err(|e| format_error(backup, e))?;
        Ok(parsed.header.slots == self.header.slots)
    }

    pub fn read_backup(&self, backup: &Path) -> Result<Vec<VaultEntry>, VaultError> {
        let bytes = store::read(backup)?;
        let parsed = format::parse(&bytes).map_err(|e| format_error(backup, e))?;
        if parsed.header.vault_id != self.header.vault_id {
            return Err(VaultError::Replaced);
        }
        Ok(decrypt(backup, &parsed, &self.key)?.0.entries)
    }

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
        // Above every version of `target` this device has seen, so the
        // restored file is never taken for an older copy.
        let generation = old_generation
            .unwrap_or(0)
            .max(self.header.generation)
            .max(seen::highest(&self.opts, &self.header.vault_id, target))
            + 1;
        let header = Header {
            vault_id: self.header.vault_id,
            generation,
            slots,
            nonce: crypto::random_bytes(),
        };
        let bytes = seal(&self.key, &header, &self.state, &self.local);
        store::replace(target, &bytes, old_generation, self.opts.backups, &lock)?;
        seen::remember(&self.opts, &self.header.vault_id, target, generation);
        Ok(Vault {
            path: target.to_path_buf(),
            key: self.key.clone(),
            header,
            state: self.state.clone(),
            local: self.local.clone(),
            opts: self.opts.clone(),
            keyring_status: None,
        })
    }
}
