//! Taking the new key after another device changed the vault's password
//! (which re-keys the data): the new password opens the newest file of the
//! sync folder sealed under a key this vault does not know.

use std::path::Path;

use super::open::unlock_password;
use super::sync_folder::{list, password_of, MAX_JOIN_SLOTS};
use super::{decrypt_raw, SyncReport, Vault};
use crate::crypto::Key;
use crate::format::{self, Slot};
use crate::{store, VaultError};

impl Vault {
    /// After another device changed the vault's password (which re-keys
    /// the data): takes the new data key from the newest file in the folder
    /// that `new_password` opens, so this vault is re-keyed to it (its
    /// password slot becomes that file's, the keyring slot wraps the new
    /// key, backups are re-sealed), then syncs as usual. A password that
    /// opens no such file is [`VaultError::WrongPassword`] and changes
    /// nothing; a folder with no file under a newer key is a
    /// [`VaultError::Sync`] saying so.
    pub fn sync_with_new_password(
        &mut self,
        folder: Option<&Path>,
        new_password: &str,
    ) -> Result<SyncReport, VaultError> {
        let folder = match folder {
            Some(f) => f.to_path_buf(),
            None => self
                .sync_folder()
                .ok_or_else(|| VaultError::Sync("this vault has no sync folder".into()))?,
        };
        let lock = store::lock(&self.path, self.opts.lock_timeout)?;
        self.refresh()?;
        let mut rekeyed = 0;
        let mut best: Option<(crate::sync::Stamp, Key, Slot)> = None;
        for f in list(&folder)? {
            let Ok(bytes) = store::read(&f) else { continue };
            let Ok(parsed) = format::parse(&bytes) else {
                continue;
            };
            if parsed.header.vault_id != self.header.vault_id
                || std::iter::once(&self.key)
                    .chain(self.local.old_keys.0.iter())
                    .any(|k| decrypt_raw(&parsed, k).is_ok())
            {
                continue;
            }
            let Some(slot) = password_of(&parsed.header.slots).cloned() else {
                continue;
            };
            rekeyed += 1;
            if rekeyed > MAX_JOIN_SLOTS {
                break;
            }
            let Ok(key) = unlock_password(&f, &parsed, new_password) else {
                continue;
            };
            let Ok((state, _)) = decrypt_raw(&parsed, &key) else {
                continue;
            };
            if best.as_ref().is_none_or(|(s, _, _)| state.slot_stamp > *s) {
                best = Some((state.slot_stamp, key, slot));
            }
        }
        let Some((_, key, slot)) = best else {
            return Err(if rekeyed == 0 {
                VaultError::Sync(format!(
                    "no file in {} is sealed with a newer key: the password was not changed on another device",
                    folder.display()
                ))
            } else {
                VaultError::WrongPassword
            });
        };
        self.rekey(lock, key, slot, false)?;
        let mut report = self.sync_with(&folder, |_| {})?;
        report.password_changed = true;
        Ok(report)
    }
}
