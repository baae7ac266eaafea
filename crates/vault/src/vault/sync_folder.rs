//! The sync folder on disk: publishing, joining, syncing, listing devices.
//!
//! The folder holds one file per device, `apiq-DEVICE.apiq`, written only
//! by that device (atomic replace: temporary, fsync, rename), so file-sync
//! tools never see two writers on one file. Each is a complete vault file
//! (`FORMAT.md`) sealed with the vault's data key, with the password slot
//! alone in its header (the OS keyring slot stays on its device) and the
//! device's whole mergeable state inside. A device reads everyone's file,
//! merges ([`crate::sync::merge`]) into its vault, saves that (only when
//! something is new), then rewrites its own file (only when it differs).
//!
//! A file that is not of this vault, does not authenticate, is cut short
//! or is of a newer version is skipped with a warning and changes nothing.
//! Conflict copies a sync tool made anyway (`*.sync-conflict-*`,
//! `* (conflicted copy …)*`) are merged like any other file, then removed
//! once this device's own file holds what they held.
//!
//! The whole sync runs under the local vault's writers' lock, so the window
//! and the CLI never sync at once. Killed at any moment, it loses nothing:
//! each of the two files it may write is replaced atomically, the vault
//! first.

use std::path::{Path, PathBuf};

use super::open::unlock_password;
use super::options::VaultOptions;
use super::{decrypt_raw, now_ms, seal, Vault, UNAUTHENTIC};
use crate::content::EntryId;
use crate::crypto::{self, Key};
use crate::format::{self, FormatError, Header, Slot};
use crate::sync::{merge, DeviceId, Local, OldKeys, State};
use crate::{store, VaultError};

const PREFIX: &str = "apiq-";
const SUFFIX: &str = ".apiq";
/// Most distinct password slots `join` tries (each costs one derivation).
pub(super) const MAX_JOIN_SLOTS: usize = 4;

/// Entries added, changed and removed by a sync on one side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added + self.changed + self.removed == 0
    }

    fn between(before: &State, after: &State) -> Changes {
        let mut c = Changes::default();
        let live_before: std::collections::HashSet<EntryId> =
            before.entries.iter().map(|e| e.id).collect();
        let was_live = |id: &EntryId| live_before.contains(id);
        let old: std::collections::HashMap<EntryId, &crate::VaultEntry> = before
            .entries
            .iter()
            .chain(&before.removed)
            .map(|e| (e.id, e))
            .collect();
        for e in &after.entries {
            match old.get(&e.id) {
                Some(o) if was_live(&e.id) => {
                    if *o != e || before.meta.get(&e.id) != after.meta.get(&e.id) {
                        c.changed += 1;
                    }
                }
                _ => c.added += 1,
            }
        }
        let live: std::collections::HashSet<EntryId> = after.entries.iter().map(|e| e.id).collect();
        c.removed = before
            .entries
            .iter()
            .filter(|e| !live.contains(&e.id))
            .count();
        c
    }
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub folder: PathBuf,
    /// Changes brought into the local vault from other devices' files.
    pub pulled: Changes,
    /// Changes this device's file now carries that it did not before
    /// (`None`: the file was already up to date and was not written).
    pub pushed: Option<Changes>,
    /// Whether the local vault file was written.
    pub saved: bool,
    /// The password slot of another device was newer and was taken.
    pub password_changed: bool,
    /// Device files read (this device's own included).
    pub files_read: usize,
    /// Conflict copies merged and removed.
    pub conflicts_removed: usize,
    /// Files skipped, each with the reason.
    pub warnings: Vec<String>,
    /// Some file of this vault is sealed with a newer data key: another
    /// device changed the password (which re-keys the data). Its changes
    /// come in once this device is given the new password
    /// ([`Vault::sync_with_new_password`]).
    pub needs_new_password: bool,
}

/// A device seen in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub file: PathBuf,
    /// Device id in hex (empty when the file could not be read).
    pub id: String,
    pub name: String,
    /// When the device last wrote its file (Unix ms, from inside the file).
    pub written_ms: u64,
    pub entries: usize,
    /// This device's own file.
    pub this: bool,
    /// Why the file was skipped, if it was.
    pub problem: Option<String>,
}

/// One readable file of this vault in the folder.
struct Remote {
    path: PathBuf,
    state: State,
    local: Local,
    password: Option<Slot>,
    generation: u64,
    conflict: bool,
}

fn is_conflict_copy(name: &str) -> bool {
    name.contains(".sync-conflict-") || name.contains("conflicted copy")
}

/// The device files in the folder (conflict copies included), sorted.
pub(super) fn list(folder: &Path) -> Result<Vec<PathBuf>, VaultError> {
    let rd = std::fs::read_dir(folder).map_err(|e| {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "does not exist".to_string(),
            std::io::ErrorKind::PermissionDenied => "cannot be read (permission denied)".into(),
            std::io::ErrorKind::NotADirectory => {
                "cannot be read (it is a file, not a folder)".into()
            }
            _ => format!("cannot be read ({e})"),
        };
        VaultError::Sync(format!("the sync folder {} {what}", folder.display()))
    })?;
    let mut files: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(PREFIX) && n.ends_with(SUFFIX)
        })
        .map(|e| e.path())
        .collect();
    files.sort();
    Ok(files)
}

fn own_file(folder: &Path, device: DeviceId) -> PathBuf {
    folder.join(format!("{PREFIX}{device}{SUFFIX}"))
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Why a file sealed with another data key is skipped.
const NEW_KEY: &str = "it does not authenticate with this vault's key: the vault's password was changed on another device (enter the new password on this device to keep syncing), or the file was altered";

/// Reads, parses and opens one file with the data key; the reason to skip
/// it otherwise ([`NEW_KEY`] when it is of this vault under another key).
fn read_remote(
    path: &Path,
    vault_id: &[u8; 16],
    key: &Key,
    old_keys: &OldKeys,
) -> Result<Remote, String> {
    let bytes = store::read(path).map_err(|e| match e {
        VaultError::Damaged(d) => d.reason,
        other => other.to_string(),
    })?;
    let parsed = format::parse(&bytes).map_err(|e| match e {
        FormatError::Damaged(r) => format!("damaged: {r}"),
        FormatError::UnsupportedVersion(v) => format!(
            "written by a newer version of Apiq (format {v}; this program reads format {}): update Apiq here",
            format::VERSION
        ),
    })?;
    if &parsed.header.vault_id != vault_id {
        return Err("it belongs to another vault".into());
    }
    // The vault's key, else a key it had before its last password changes:
    // a device that has not taken the new password yet is still read.
    let opened = std::iter::once(key)
        .chain(old_keys.0.iter())
        .map(|k| decrypt_raw(&parsed, k))
        .find(|r| r.is_ok())
        .unwrap_or_else(|| decrypt_raw(&parsed, key));
    let (state, local) = opened.map_err(|r| {
        if r == UNAUTHENTIC && password_of(&parsed.header.slots).is_some() {
            // Of this vault, another key: re-keyed on another device (or
            // altered: the new password will tell, it opens only the real
            // thing).
            NEW_KEY.to_string()
        } else if r == UNAUTHENTIC {
            "it does not authenticate with this vault's key (altered, or from another copy of the vault)".to_string()
        } else {
            format!("damaged: {r}")
        }
    })?;
    Ok(Remote {
        path: path.to_path_buf(),
        password: parsed
            .header
            .slots
            .iter()
            .find(|s| matches!(s, Slot::Password(_)))
            .cloned(),
        generation: parsed.header.generation,
        conflict: is_conflict_copy(&name_of(path)),
        state,
        local,
    })
}

pub(super) fn password_of(slots: &[Slot]) -> Option<&Slot> {
    slots.iter().find(|s| matches!(s, Slot::Password(_)))
}

impl Vault {
    /// The sync folder this vault remembers (from init or join).
    pub fn sync_folder(&self) -> Option<PathBuf> {
        self.local.folder.as_ref().map(PathBuf::from)
    }

    /// This device's id in sync folders (hex).
    pub fn device_id(&self) -> String {
        self.state.device().to_hex()
    }

    /// This device's name as other devices see it.
    pub fn device_name(&self) -> &str {
        &self.local.device_name
    }

    /// Publishes this vault into `folder` (created if missing) and
    /// remembers it. Refused when the folder holds files of another vault
    /// and none of this one (join that vault instead).
    pub fn sync_init(
        &mut self,
        folder: &Path,
        device_name: &str,
    ) -> Result<SyncReport, VaultError> {
        if password_of(&self.header.slots).is_none() {
            return Err(VaultError::Sync(
                "a vault without a password cannot be synced: other devices join with the password"
                    .into(),
            ));
        }
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(folder)
            .map_err(|e| VaultError::io(format!("cannot create {}", folder.display()), e))?;
        let files = list(folder)?;
        let ours = files.iter().any(|f| {
            store::read(f)
                .ok()
                .and_then(|b| format::parse(&b).ok().map(|p| p.header.vault_id))
                == Some(self.header.vault_id)
        });
        if !files.is_empty() && !ours {
            return Err(VaultError::Sync(format!(
                "{} already holds another vault's files: choose an empty folder, or join that vault",
                folder.display()
            )));
        }
        let absolute = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
        let name = device_name.to_string();
        let text = absolute.to_string_lossy().into_owned();
        self.sync_with(&absolute, move |local| {
            local.folder = Some(text);
            local.device_name = name;
        })
    }

    /// Stops syncing: forgets the remembered folder (the folder and this
    /// device's file in it stay as they are; the vault keeps its entries).
    /// Nothing is written when no folder is remembered.
    pub fn sync_forget(&mut self) -> Result<(), VaultError> {
        self.commit_state(|_, _, local, _| {
            local.folder = None;
            Ok(((), false))
        })
    }

    /// Merges this vault with its folder both ways (`folder` overrides the
    /// remembered one for this run).
    pub fn sync(&mut self, folder: Option<&Path>) -> Result<SyncReport, VaultError> {
        let folder = match folder {
            Some(f) => f.to_path_buf(),
            None => self.sync_folder().ok_or_else(|| {
                VaultError::Sync(
                    "this vault has no sync folder: run `apiq sync init --folder DIR` (or join one)"
                        .into(),
                )
            })?,
        };
        self.sync_with(&folder, |_| {})
    }

    pub(super) fn sync_with(
        &mut self,
        folder: &Path,
        set_local: impl FnOnce(&mut Local),
    ) -> Result<SyncReport, VaultError> {
        let lock = store::lock(&self.path, self.opts.lock_timeout)?;
        self.refresh()?;
        let mut report = SyncReport {
            folder: folder.to_path_buf(),
            ..SyncReport::default()
        };
        let mut remotes = Vec::new();
        let own_path = own_file(folder, self.state.device());
        for f in list(folder)? {
            match read_remote(&f, &self.header.vault_id, &self.key, &self.local.old_keys) {
                Ok(r) => remotes.push(r),
                // This device's own file from before its key changed: it is
                // rewritten below.
                Err(reason) if reason == NEW_KEY && f == own_path => {}
                Err(reason) => {
                    report.needs_new_password |= reason == NEW_KEY;
                    report
                        .warnings
                        .push(format!("skipped {}: {reason}", f.display()));
                }
            }
        }
        report.files_read = remotes.len();
        let generation = self.header.generation;
        let (pulled, password_changed) = {
            let remotes = &remotes;
            self.commit_locked(&lock, |slots, state, local, _now| {
                let before = state.clone();
                for r in remotes {
                    *state = merge(state, &r.state);
                }
                let mut password_changed = false;
                if state.slot_stamp > before.slot_stamp {
                    let newest = remotes
                        .iter()
                        .filter(|r| r.state.slot_stamp == state.slot_stamp)
                        .find_map(|r| r.password.clone());
                    if let Some(slot) = newest {
                        if password_of(slots) != Some(&slot) {
                            slots.retain(|s| !matches!(s, Slot::Password(_)));
                            slots.insert(0, slot);
                            password_changed = true;
                        }
                    }
                }
                set_local(local);
                Ok(((Changes::between(&before, state), password_changed), false))
            })?
        };
        report.pulled = pulled;
        report.password_changed = password_changed;
        report.saved = self.header.generation != generation;
        // This device's own file: rewritten only when it differs.
        let own = remotes.iter().find(|r| r.path == own_path && !r.conflict);
        let password = password_of(&self.header.slots)
            .cloned()
            .or_else(|| own.and_then(|r| r.password.clone()))
            .ok_or_else(|| {
                VaultError::Sync("a vault without a password cannot be synced".into())
            })?;
        // A sync-folder file never carries the old keys.
        let mine = Local {
            device_name: self.local.device_name.clone(),
            folder: None,
            written_ms: 0,
            old_keys: OldKeys::default(),
        };
        let up_to_date = own.is_some_and(|r| {
            r.state.same_content(&self.state)
                && r.password.as_ref() == Some(&password)
                && r.local.device_name == mine.device_name
        });
        if !up_to_date {
            let header = Header {
                vault_id: self.header.vault_id,
                generation: own.map_or(0, |r| r.generation) + 1,
                slots: vec![password],
                nonce: crypto::random_bytes(),
            };
            let bytes = seal(&self.key, &header, &self.state, &mine);
            store::replace(&own_path, &bytes, None, 0, &lock)?;
            report.pushed = Some(match own {
                Some(r) => Changes::between(&r.state, &self.state),
                None => Changes::between(&State::new(self.state.device()), &self.state),
            });
        }
        for r in remotes.iter().filter(|r| r.conflict) {
            if std::fs::remove_file(&r.path).is_ok() {
                report.conflicts_removed += 1;
            }
        }
        Ok(report)
    }

    /// The devices that wrote into `folder` (default: the remembered one),
    /// newest first; unreadable files are listed with their problem.
    pub fn sync_devices(&self, folder: Option<&Path>) -> Result<Vec<DeviceInfo>, VaultError> {
        let folder = match folder {
            Some(f) => f.to_path_buf(),
            None => self
                .sync_folder()
                .ok_or_else(|| VaultError::Sync("this vault has no sync folder".into()))?,
        };
        let me = self.state.device();
        let mut out: Vec<DeviceInfo> = list(&folder)?
            .into_iter()
            .map(|f| {
                match read_remote(&f, &self.header.vault_id, &self.key, &self.local.old_keys) {
                    Ok(r) => DeviceInfo {
                        id: r.state.device().to_hex(),
                        name: r.local.device_name.clone(),
                        written_ms: r.local.written_ms,
                        entries: r.state.entries.len(),
                        this: r.state.device() == me && !r.conflict,
                        problem: None,
                        file: f,
                    },
                    Err(reason) => DeviceInfo {
                        id: String::new(),
                        name: String::new(),
                        written_ms: 0,
                        entries: 0,
                        this: false,
                        problem: Some(reason),
                        file: f,
                    },
                }
            })
            .collect();
        out.sort_by(|a, b| b.written_ms.cmp(&a.written_ms).then(a.file.cmp(&b.file)));
        Ok(out)
    }

    /// Creates the vault at `path` from the sync folder: the password opens
    /// the folder's password slot; the new vault has the same id and key, a
    /// new device id, the folder remembered, and publishes its own file.
    /// A wrong password creates nothing.
    pub fn join(
        path: &Path,
        folder: &Path,
        password: &str,
        device_name: &str,
        opts: VaultOptions,
    ) -> Result<(Vault, SyncReport), VaultError> {
        if path.exists() {
            return Err(VaultError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        let files = list(folder)?;
        let mut parsed_files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        for f in files {
            if let Ok(bytes) = store::read(&f) {
                if format::parse(&bytes).is_ok() {
                    parsed_files.push((f, bytes));
                }
            }
        }
        if parsed_files.is_empty() {
            return Err(VaultError::Sync(format!(
                "{} holds no Apiq sync file: run `apiq sync init` on a device that has the vault",
                folder.display()
            )));
        }
        // Newest file first: its password slot is the likeliest current.
        parsed_files.sort_by_key(|(f, _)| {
            std::cmp::Reverse(std::fs::metadata(f).and_then(|m| m.modified()).ok())
        });
        let mut tried: Vec<Slot> = Vec::new();
        let mut found: Option<(Key, [u8; 16])> = None;
        let mut last_err = VaultError::WrongPassword;
        for (f, bytes) in &parsed_files {
            let p = format::parse(bytes).expect("parsed above");
            let Some(slot) = password_of(&p.header.slots) else {
                continue;
            };
            if tried.contains(slot) || tried.len() >= MAX_JOIN_SLOTS {
                continue;
            }
            tried.push(slot.clone());
            match unlock_password(f, &p, password) {
                Ok(key) => {
                    found = Some((key, p.header.vault_id));
                    break;
                }
                Err(e) => last_err = e,
            }
        }
        let (key, vault_id) = found.ok_or(last_err)?;
        let mut remotes = Vec::new();
        let mut warnings = Vec::new();
        for (f, _) in &parsed_files {
            match read_remote(f, &vault_id, &key, &OldKeys::default()) {
                Ok(r) => remotes.push(r),
                // A file of this vault under another key: the password
                // opened an older key (the password was changed since).
                Err(reason) if reason == NEW_KEY => {
                    return Err(VaultError::Sync(
                        "the vault's password was changed on another device: join with the new password"
                            .into(),
                    ))
                }
                Err(reason) => warnings.push(format!("skipped {}: {reason}", f.display())),
            }
        }
        let device = DeviceId::random();
        let mut state = State::new(device);
        for r in &remotes {
            state = merge(&state, &r.state);
        }
        let newest = remotes
            .iter()
            .filter(|r| r.state.slot_stamp == state.slot_stamp)
            .find_map(|r| r.password.clone())
            .ok_or_else(|| {
                VaultError::Sync("no readable file in the folder has a password slot".into())
            })?;
        if !tried.contains(&newest) {
            return Err(VaultError::Sync(
                "the vault's password was changed on another device: join with the new password"
                    .into(),
            ));
        }
        let absolute = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
        let local = Local {
            device_name: device_name.to_string(),
            folder: Some(absolute.to_string_lossy().into_owned()),
            written_ms: now_ms(),
            old_keys: OldKeys::default(),
        };
        let header = Header {
            vault_id,
            generation: 1,
            slots: vec![newest],
            nonce: crypto::random_bytes(),
        };
        store::create_parent(path)?;
        {
            let lock = store::lock(path, opts.lock_timeout)?;
            if path.exists() {
                return Err(VaultError::AlreadyExists {
                    path: path.to_path_buf(),
                });
            }
            let bytes = seal(&key, &header, &state, &local);
            store::replace(path, &bytes, None, 0, &lock)?;
        }
        let mut vault = Vault {
            path: path.to_path_buf(),
            key,
            header,
            state,
            local,
            opts,
            keyring_status: None,
        };
        let mut report = vault.sync(None)?;
        report.warnings.splice(0..0, warnings);
        report.pulled = Changes::between(&State::new(device), &vault.state);
        Ok((vault, report))
    }
}
