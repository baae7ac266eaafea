//! Writing files so that a failure never leaves half a file: the bytes go to
//! a temporary file in the same folder, are fsynced, renamed over the target,
//! and the folder is fsynced so the rename itself survives a crash.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Atomically replaces (or creates) `path` with `bytes`; `private` makes the
/// file readable by its owner only (for exports holding secrets).
pub fn write_atomic(path: &Path, bytes: &[u8], private: bool) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Ok(d) = File::open(&dir) {
            // Not every platform can fsync a folder; the rename is done either way.
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// The desktop app's data folder, where its vault, settings and the bundled
/// backend live: `$APIQ_DATA_DIR`, else `apiq-authenticator` in the
/// platform's per-user data folder (as `src-tauri`'s `data_dir_from_env`).
/// The CLI's defaults (the vault, the account session) point into it, so the
/// CLI and the window share one vault.
pub fn data_dir() -> anyhow::Result<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = env("APIQ_DATA_DIR") {
        return Ok(d);
    }
    let base = if cfg!(target_os = "windows") {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local/share")))
    };
    base.map(|b| b.join("apiq-authenticator")).ok_or_else(|| {
        crate::Failure::input(
            "cannot find your data folder: set APIQ_DATA_DIR (or pass --vault PATH)",
        )
    })
}
