//! The rollback check: the highest version (generation) of each vault file
//! this device has opened or written, remembered outside the file
//! ([`VaultOptions::seen_versions`]), so that an older copy put in the
//! file's place is refused instead of silently bringing back removed
//! entries, a used recovery code or an old password.
//!
//! One small record per vault file: named by the vault id and a checksum
//! of the file's absolute path (a backup or an export of the same vault at
//! another path is another file, opened freely), holding the generation in
//! decimal. Records only ever go up, except when an older copy is accepted
//! on purpose ([`VaultOptions::accept_older`]). Writing one is best effort
//! (a temporary file renamed into place): a record that cannot be written
//! weakens the check, it never blocks the vault.

use std::path::{Path, PathBuf};

use super::options::VaultOptions;
use crate::VaultError;

fn record(dir: &Path, vault_id: &[u8; 16], file: &Path) -> PathBuf {
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let sum = crc32fast::hash(absolute.as_os_str().as_encoded_bytes());
    dir.join(format!("{}-{sum:08x}", hex::encode(vault_id)))
}

fn read(path: &Path) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn write(dir: &Path, path: &Path, generation: u64) {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    if b.create(dir).is_err() {
        return;
    }
    // Owner-only, as every file of the data folder.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let written = o
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, generation.to_string().as_bytes()));
    if written.is_ok() && std::fs::rename(&tmp, path).is_ok() {
        return;
    }
    let _ = std::fs::remove_file(&tmp);
}

/// The highest version of `file` this device has seen (0: none).
pub(super) fn highest(opts: &VaultOptions, vault_id: &[u8; 16], file: &Path) -> u64 {
    opts.seen_versions
        .as_deref()
        .and_then(|dir| read(&record(dir, vault_id, file)))
        .unwrap_or(0)
}

/// Refuses a file of version `found` when this device has seen a higher
/// one, unless `opts.accept_older`.
pub(super) fn check(
    opts: &VaultOptions,
    vault_id: &[u8; 16],
    file: &Path,
    found: u64,
) -> Result<(), VaultError> {
    let Some(dir) = &opts.seen_versions else {
        return Ok(());
    };
    match read(&record(dir, vault_id, file)) {
        Some(seen) if seen > found && !opts.accept_older => {
            Err(VaultError::OlderCopy { found, seen })
        }
        _ => Ok(()),
    }
}

/// Remembers that the file is at version `generation` (raises the record;
/// sets it when an older copy was accepted on purpose).
pub(super) fn remember(opts: &VaultOptions, vault_id: &[u8; 16], file: &Path, generation: u64) {
    let Some(dir) = &opts.seen_versions else {
        return;
    };
    let path = record(dir, vault_id, file);
    match read(&path) {
        Some(seen) if seen >= generation && !(opts.accept_older && seen > generation) => {}
        _ => write(dir, &path, generation),
    }
}
