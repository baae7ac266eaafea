//! The CLI's side of [`apiq_app::files`]: the one atomic writer and the one
//! data-folder resolver, with their errors as the CLI reports them.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Atomically replaces (or creates) `path` with `bytes`, owner-only (every
/// file the CLI writes holds something private: exports, QR codes of
/// secrets, the session). `_private` is kept for the callers' clarity.
pub fn write_atomic(path: &Path, bytes: &[u8], _private: bool) -> anyhow::Result<()> {
    apiq_app::files::write_atomic(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The desktop app's data folder, where its vault, settings and the
/// bundled backend live (see [`apiq_app::files::data_dir`]). The CLI's
/// defaults (the vault, the account session) point into it, so the CLI
/// and the window share one vault. Not created here: see [`ensure_data_dir`].
pub fn data_dir() -> anyhow::Result<PathBuf> {
    resolve().map(|d| d.path)
}

fn resolve() -> anyhow::Result<apiq_app::files::DataDir> {
    apiq_app::files::data_dir()
        .map_err(|e| crate::Failure::input(format!("{e} (or pass --vault PATH)")))
}

/// The data folder, created owner-only when missing (before the CLI writes
/// the first file there).
pub fn ensure_data_dir() -> anyhow::Result<PathBuf> {
    let d = resolve()?;
    apiq_app::files::ensure_dir(&d)
        .with_context(|| format!("cannot create the data folder {}", d.path.display()))?;
    Ok(d.path)
}
