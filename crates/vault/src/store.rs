//! The vault file on disk: reading, the writers' lock, atomic replacement
//! and the rotating backups.
//!
//! A save never leaves the vault half-written: the new bytes go to a
//! temporary file in the same folder (`.NAME.tmp-PID-RANDOM`), are fsynced,
//! the current file is hard-linked to a backup (`NAME.bak-GENERATION`),
//! the temporary is renamed over the vault, and the folder is fsynced. A
//! crash at any point leaves either the old or the new file at the vault's
//! path, both whole; at worst a stray temporary, removed by the next save.
//!
//! Writers take an exclusive advisory lock on `NAME.lock` (a file that is
//! never replaced, so every process locks the same inode) for the whole
//! read-modify-write. Readers need no lock: a rename is atomic.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::VaultError;

/// Largest vault file read (a guard against reading something else whole).
pub const MAX_FILE_LEN: u64 = 512 * 1024 * 1024;

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vault".into())
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Path of the writers' lock file.
pub fn lock_path(path: &Path) -> PathBuf {
    dir_of(path).join(format!("{}.lock", file_name(path)))
}

/// Creates the folder a new vault file goes in (and its parents), owner-only
/// (0700) where it is made; an existing folder is left as it is.
pub fn create_parent(path: &Path) -> Result<(), VaultError> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
        .map_err(|e| VaultError::io(format!("cannot create {}", dir.display()), e))
}

/// Reads the whole vault file; `NotFound` when it is absent.
pub fn read(path: &Path) -> Result<Vec<u8>, VaultError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(VaultError::NotFound {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(VaultError::io(format!("cannot read {}", path.display()), e)),
    };
    let len = file
        .metadata()
        .map_err(|e| VaultError::io(format!("cannot read {}", path.display()), e))?
        .len();
    if len > MAX_FILE_LEN {
        return Err(VaultError::Damaged(crate::Damaged {
            path: path.to_path_buf(),
            reason: "it is far larger than any vault".into(),
            backups: backups(path),
        }));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    io::Read::read_to_end(&mut &file, &mut bytes)
        .map_err(|e| VaultError::io(format!("cannot read {}", path.display()), e))?;
    Ok(bytes)
}

/// The exclusive writers' lock; released when dropped (or when the process
/// dies: the kernel drops advisory locks with the file descriptor).
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

/// Takes the writers' lock, waiting up to `timeout` for another writer.
pub fn lock(path: &Path, timeout: Duration) -> Result<WriteLock, VaultError> {
    let lp = lock_path(path);
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(&lp)
        .map_err(|e| VaultError::io(format!("cannot open the lock file {}", lp.display()), e))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(WriteLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => {
                if start.elapsed() >= timeout {
                    return Err(VaultError::Busy);
                }
                std::thread::sleep(Duration::from_millis(15));
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(VaultError::io(format!("cannot lock {}", lp.display()), e))
            }
        }
    }
}

/// Replaces (or creates) the vault file with `bytes`, keeping the file it
/// replaces as backup `NAME.bak-<old_generation>` and at most `keep`
/// backups. Call with the [`WriteLock`] held.
pub fn replace(
    path: &Path,
    bytes: &[u8],
    old_generation: Option<u64>,
    keep: usize,
    _lock: &WriteLock,
) -> Result<(), VaultError> {
    let dir = dir_of(path);
    let name = file_name(path);
    remove_stale_temporaries(&dir, &name);
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        hex::encode(crate::crypto::random_bytes::<4>())
    ));
    let io_err = |what: &str, e| VaultError::io(format!("cannot {what} {}", path.display()), e);
    let write = || -> io::Result<()> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    if let Err(e) = write() {
        let _ = fs::remove_file(&tmp);
        return Err(io_err("write", e));
    }
    if keep > 0 {
        if let Some(g) = old_generation {
            keep_backup(path, &dir, &name, g);
        }
    }
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(io_err("replace", e));
    }
    sync_dir(&dir).map_err(|e| io_err("sync the folder of", e))?;
    prune_backups(path, keep);
    Ok(())
}

/// Hard-links (or, where links are not possible, copies) the current file
/// to its backup name. A backup that cannot be made does not stop the save:
/// the save itself is what must not be lost.
fn keep_backup(path: &Path, dir: &Path, name: &str, generation: u64) {
    let mut target = dir.join(format!("{name}.bak-{generation:010}"));
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = dir.join(format!("{name}.bak-{generation:010}-{n}"));
    }
    if fs::hard_link(path, &target).is_err() {
        let _ = fs::copy(path, &target);
    }
}

fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// The backups beside the vault, newest first (by generation, then copy
/// number).
pub fn backups(path: &Path) -> Vec<PathBuf> {
    let dir = dir_of(path);
    let prefix = format!("{}.bak-", file_name(path));
    let mut found: Vec<((u64, u64), PathBuf)> = Vec::new();
    if let Ok(rd) = fs::read_dir(&dir) {
        for e in rd.flatten() {
            let fname = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = fname.strip_prefix(&prefix) else {
                continue;
            };
            let (g, n) = rest.split_once('-').unwrap_or((rest, "1"));
            if let (Ok(g), Ok(n)) = (g.parse::<u64>(), n.parse::<u64>()) {
                found.push(((g, n), e.path()));
            }
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found.into_iter().map(|(_, p)| p).collect()
}

fn prune_backups(path: &Path, keep: usize) {
    for old in backups(path).into_iter().skip(keep) {
        let _ = fs::remove_file(old);
    }
}
