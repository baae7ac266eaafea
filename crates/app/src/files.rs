//! The front ends' own files: the one data-folder resolver and the one
//! atomic writer (the vault keeps its own file logic in `apiq-vault`, with
//! its lock and backups).
//!
//! **The data folder** is where the vault, the settings, the account
//! session and the bundled backend's database live, shared by the CLI and
//! the window: `$APIQ_DATA_DIR` when set, else `apiq-authenticator` in the
//! platform's per-user data folder (`$XDG_DATA_HOME`, else
//! `~/.local/share`; `~/Library/Application Support` on macOS; `%APPDATA%`
//! on Windows). With none of those there is no safe place: a clear error,
//! never a shared `/tmp` path that another user could create first.
//! [`ensure_dir`] creates it owner-only (0700) whoever comes first, and
//! tightens the default folder when an older version left it open.
//!
//! **Writing a file** never leaves half of one: the bytes go to a new
//! temporary file in the same folder (owner-only, 0600: everything the
//! front ends write holds something private), are fsynced, renamed over the
//! target, and the folder is fsynced so that the rename survives a crash.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The data folder's name inside the platform's per-user data folder.
pub const APP_DIR: &str = "apiq-authenticator";
/// The environment variable that chooses the data folder.
pub const DATA_DIR_ENV: &str = "APIQ_DATA_DIR";
/// The vault's file name in the data folder.
pub const VAULT_FILE: &str = "vault.apiq";
/// Where, in the data folder, this device remembers the versions of the
/// vault files it has opened (the vault's rollback check:
/// `apiq_vault::VaultOptions::seen_versions`).
pub const SEEN_DIR: &str = "seen-versions";

/// How the front ends open a vault: with the rollback check's record in
/// the data folder `data` (none when there is no data folder: the check is
/// then skipped, never the vault).
pub fn vault_options(data: Option<&Path>) -> apiq_vault::VaultOptions {
    apiq_vault::VaultOptions {
        seen_versions: data.map(|d| d.join(SEEN_DIR)),
        ..Default::default()
    }
}

/// No data folder can be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot find your data folder: neither APIQ_DATA_DIR nor {base} is set (set APIQ_DATA_DIR to a folder of your own)"
)]
pub struct NoDataDir {
    /// The variables that were looked at, for the message.
    pub base: &'static str,
}

/// Where the data folder comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    pub path: PathBuf,
    /// Chosen by `$APIQ_DATA_DIR` (the person's own folder: created
    /// owner-only when missing, never re-permissioned).
    pub explicit: bool,
}

/// The data folder from the process environment (see the module doc).
pub fn data_dir() -> Result<DataDir, NoDataDir> {
    data_dir_from(|k| std::env::var_os(k))
}

/// The data folder from the variables `env` gives (the resolver itself,
/// testable without touching the process environment).
pub fn data_dir_from(env: impl Fn(&str) -> Option<OsString>) -> Result<DataDir, NoDataDir> {
    let var = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(d) = var(DATA_DIR_ENV) {
        return Ok(DataDir {
            path: d,
            explicit: true,
        });
    }
    let (base, names) = if cfg!(target_os = "windows") {
        (var("APPDATA"), "APPDATA")
    } else if cfg!(target_os = "macos") {
        (
            var("HOME").map(|h| h.join("Library/Application Support")),
            "HOME",
        )
    } else {
        (
            // The XDG spec ignores a relative XDG_DATA_HOME.
            var("XDG_DATA_HOME")
                .filter(|p| p.is_absolute())
                .or_else(|| var("HOME").map(|h| h.join(".local/share"))),
            "XDG_DATA_HOME nor HOME",
        )
    };
    base.map(|b| DataDir {
        path: b.join(APP_DIR),
        explicit: false,
    })
    .ok_or(NoDataDir { base: names })
}

/// Creates the data folder owner-only (0700) when it is missing, with any
/// missing parents. An existing default folder (not chosen by
/// `$APIQ_DATA_DIR`) that others can read is tightened to 0700.
pub fn ensure_dir(dir: &DataDir) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    let existed = dir.path.is_dir();
    b.create(&dir.path)?;
    #[cfg(unix)]
    if existed && !dir.explicit {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&dir.path)?.permissions().mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(&dir.path, fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = existed;
    Ok(())
}

static NEXT_TMP: AtomicU64 = AtomicU64::new(0);

/// Atomically replaces (or creates) `path` with `bytes`, owner-only (see
/// the module doc). On failure the target is untouched and no temporary
/// is left.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let mut tmp_name = OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".tmp-{}-{}",
        std::process::id(),
        NEXT_TMP.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
        return result;
    }
    // Not every platform can fsync a folder; the rename is done either way.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let m: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn the_data_dir_variable_wins() {
        let d = data_dir_from(env(&[("APIQ_DATA_DIR", "/x/y"), ("HOME", "/home/a")])).unwrap();
        assert_eq!(d.path, PathBuf::from("/x/y"));
        assert!(d.explicit);
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn the_default_is_in_the_users_data_folder() {
        let d = data_dir_from(env(&[("HOME", "/home/a")])).unwrap();
        assert_eq!(
            d.path,
            PathBuf::from("/home/a/.local/share/apiq-authenticator")
        );
        assert!(!d.explicit);
        let d = data_dir_from(env(&[("HOME", "/home/a"), ("XDG_DATA_HOME", "/d")])).unwrap();
        assert_eq!(d.path, PathBuf::from("/d/apiq-authenticator"));
        // A relative XDG_DATA_HOME is ignored, as the spec says.
        let d = data_dir_from(env(&[("HOME", "/home/a"), ("XDG_DATA_HOME", "rel")])).unwrap();
        assert_eq!(
            d.path,
            PathBuf::from("/home/a/.local/share/apiq-authenticator")
        );
    }

    /// Issue 14 item 12: no home and no XDG folder is an error, never a
    /// path in the shared temporary folder.
    #[test]
    fn no_home_is_an_error_not_a_shared_temporary_folder() {
        let e = data_dir_from(env(&[("APIQ_DATA_DIR", "")])).unwrap_err();
        assert!(e.to_string().contains("APIQ_DATA_DIR"), "{e}");
    }

    /// Issue 14 item 3: the data folder is owner-only whoever creates it.
    #[cfg(unix)]
    #[test]
    fn the_data_folder_is_created_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let d = DataDir {
            path: t.path().join("a/b/apiq-authenticator"),
            explicit: false,
        };
        ensure_dir(&d).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&d.path), 0o700);
        // An older, open default folder is tightened…
        fs::set_permissions(&d.path, fs::Permissions::from_mode(0o755)).unwrap();
        ensure_dir(&d).unwrap();
        assert_eq!(mode(&d.path), 0o700);
        // …a folder the person chose is left as they set it.
        let mine = DataDir {
            path: t.path().join("mine"),
            explicit: true,
        };
        fs::create_dir(&mine.path).unwrap();
        fs::set_permissions(&mine.path, fs::Permissions::from_mode(0o750)).unwrap();
        ensure_dir(&mine).unwrap();
        assert_eq!(mode(&mine.path), 0o750);
    }

    #[test]
    fn a_write_replaces_the_file_whole_and_leaves_no_temporary() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("s.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(t.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("missing-folder/s.json");
        assert!(write_atomic(&p, b"x").is_err());
        assert_eq!(fs::read_dir(t.path()).unwrap().count(), 0);
        assert!(write_atomic(Path::new("/"), b"x").is_err());
    }
}
