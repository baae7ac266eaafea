//! Start at login (Settings, off by default): an XDG autostart entry,
//! `$XDG_CONFIG_HOME/autostart/apiq-authenticator.desktop`, that starts
//! this binary with [`HIDDEN_ARG`] (and the data folder it runs with, when
//! `APIQ_DATA_DIR` names one). Started so, the app does not open its
//! window when it has somewhere else to wait (a tray); without one the
//! window opens anyway: a hidden app nobody can reach would be worse.

use std::path::{Path, PathBuf};

use crate::error::{AppError, AppResult};

/// The argument the login entry starts the app with.
pub const HIDDEN_ARG: &str = "--hidden";
/// The entry's file name.
pub const ENTRY_FILE: &str = "apiq-authenticator.desktop";

/// Whether this process was started hidden (by the login entry).
pub fn started_hidden() -> bool {
    std::env::args().skip(1).any(|a| a == HIDDEN_ARG)
}

/// The user's autostart folder.
pub fn autostart_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|c| c.join("autostart"))
}

/// Quotes an argument for a desktop entry's `Exec` line.
fn quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,".contains(c))
    {
        return arg.to_string();
    }
    let escaped: String = arg
        .chars()
        .flat_map(|c| match c {
            '"' | '`' | '$' | '\\' => vec!['\\', c],
            '%' => vec!['%', '%'],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

/// The entry's text for the binary `exe` (and a data folder).
pub fn entry_text(exe: &Path, data_dir: Option<&str>) -> String {
    let mut exec = String::new();
    if let Some(d) = data_dir {
        exec.push_str(&format!("env {} ", quote(&format!("APIQ_DATA_DIR={d}"))));
    }
    exec.push_str(&quote(&exe.to_string_lossy()));
    exec.push(' ');
    exec.push_str(HIDDEN_ARG);
    format!(
        "[Desktop Entry]\nType=Application\nName=Apiq Authenticator\n\
         Comment=Two-factor codes, waiting in the tray\nExec={exec}\nIcon=apiq-authenticator\n\
         Terminal=false\nX-GNOME-Autostart-enabled=true\n"
    )
}

/// Writes (atomically) or removes the login entry in `dir`.
pub fn set_in(dir: &Path, enabled: bool, exe: &Path, data_dir: Option<&str>) -> AppResult<()> {
    let path = dir.join(ENTRY_FILE);
    if enabled {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::io("create the autostart folder", &e))?;
        apiq_app::files::write_atomic(&path, entry_text(exe, data_dir).as_bytes())
            .map_err(|e| AppError::io("write the login entry", &e))
    } else {
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(AppError::io("remove the login entry", &e)),
        }
    }
}

/// Writes or removes this user's login entry for this binary.
pub fn set(enabled: bool) -> AppResult<()> {
    let dir = autostart_dir().ok_or_else(|| {
        AppError::Invalid("There is no home folder to start from at login.".into())
    })?;
    let exe = std::env::current_exe().map_err(|e| AppError::io("find this program", &e))?;
    let data = std::env::var("APIQ_DATA_DIR")
        .ok()
        .filter(|d| !d.is_empty());
    set_in(&dir, enabled, &exe, data.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_starts_this_binary_hidden_and_goes_away() {
        let dir = tempfile::tempdir().unwrap();
        let auto = dir.path().join("autostart");
        set_in(&auto, true, Path::new("/opt/apiq/apiq-authenticator"), None).unwrap();
        let text = std::fs::read_to_string(auto.join(ENTRY_FILE)).unwrap();
        assert!(
            text.contains("\nExec=/opt/apiq/apiq-authenticator --hidden\n"),
            "{text}"
        );
        assert!(text.starts_with("[Desktop Entry]\nType=Application\n"));
        set_in(&auto, false, Path::new("/x"), None).unwrap();
        assert!(!auto.join(ENTRY_FILE).exists());
        // Removing twice is fine.
        set_in(&auto, false, Path::new("/x"), None).unwrap();
    }

    #[test]
    fn odd_paths_and_a_data_folder_are_quoted() {
        let t = entry_text(Path::new("/home/a b/app"), Some("/data/my 100%"));
        assert!(
            t.contains("Exec=env \"APIQ_DATA_DIR=/data/my 100%%\" \"/home/a b/app\" --hidden"),
            "{t}"
        );
    }
}
