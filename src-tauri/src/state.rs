//! What the running app holds between commands: the data folder, the open
//! vault (or none: locked), previews waiting for "Add", recently deleted
//! entries for undo, HOTP codes generated in this session, the clipboard
//! and the settings. The clock is read here, at the edge.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use apiq_vault::{EntryId, KeyringPreference, KeyringStatus, NewEntry, Vault, VaultEntry};
use zeroize::Zeroizing;

use crate::clipboard::ClipboardGuard;
use crate::dto::Settings;
use crate::error::{AppError, AppResult};
use crate::fsutil;

/// The vault file's name inside the data folder.
pub const VAULT_FILE: &str = "vault.apiq";
/// The settings file's name inside the data folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// Entries found by a preview, kept in Rust until saved or discarded.
pub struct PendingPreview {
    pub items: Vec<NewEntry>,
    /// An import from a file (the vault's backup is reported on save).
    pub import: bool,
}

pub struct AppState {
    pub data_dir: PathBuf,
    pub vault: Mutex<Option<Vault>>,
    pub previews: Mutex<HashMap<u32, PendingPreview>>,
    pub trash: Mutex<Vec<(u32, VaultEntry)>>,
    /// The last HOTP code generated per entry in this session (shown until
    /// the next one; never stored).
    pub hotp_codes: Mutex<HashMap<EntryId, Zeroizing<String>>>,
    pub clipboard: Arc<ClipboardGuard>,
    pub settings: Mutex<Settings>,
    /// The open vault was opened by the OS keyring (not the password).
    pub opened_by_keyring: std::sync::atomic::AtomicBool,
    pub last_activity: Mutex<Instant>,
    next_id: Mutex<u32>,
    keyring_probe: OnceLock<KeyringStatus>,
}

/// Locks a mutex, recovering from a panic in another holder (the data is
/// still consistent: every change is made on a copy and saved atomically).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Unix seconds now.
pub fn now_secs() -> u64 {
    now_ms() / 1000
}

/// Unix milliseconds now.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl AppState {
    /// The state for a data folder (created if missing); settings are read
    /// from it, defaults when absent or unreadable.
    pub fn new(data_dir: PathBuf) -> AppResult<Self> {
        std::fs::create_dir_all(&data_dir).map_err(|e| {
            AppError::io(
                &format!("create the data folder {}", data_dir.display()),
                &e,
            )
        })?;
        let settings = load_settings(&data_dir.join(SETTINGS_FILE));
        Ok(AppState {
            data_dir,
            vault: Mutex::new(None),
            previews: Mutex::new(HashMap::new()),
            trash: Mutex::new(Vec::new()),
            hotp_codes: Mutex::new(HashMap::new()),
            clipboard: Arc::new(ClipboardGuard::new()),
            settings: Mutex::new(settings),
            opened_by_keyring: std::sync::atomic::AtomicBool::new(false),
            last_activity: Mutex::new(Instant::now()),
            next_id: Mutex::new(1),
            keyring_probe: OnceLock::new(),
        })
    }

    pub fn vault_path(&self) -> PathBuf {
        self.data_dir.join(VAULT_FILE)
    }

    pub fn next_id(&self) -> u32 {
        let mut n = lock(&self.next_id);
        *n = n.wrapping_add(1).max(1);
        *n
    }

    pub fn touch(&self) {
        *lock(&self.last_activity) = Instant::now();
    }

    /// Runs `f` on the open vault; [`AppError::Locked`] when there is none.
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut Vault) -> AppResult<T>) -> AppResult<T> {
        let mut guard = lock(&self.vault);
        let vault = guard.as_mut().ok_or(AppError::Locked)?;
        f(vault)
    }

    /// Forgets everything unlocked: the vault (its key is wiped on drop),
    /// previews, undo entries and generated HOTP codes.
    pub fn lock_all(&self) {
        lock(&self.vault).take();
        lock(&self.previews).clear();
        lock(&self.trash).clear();
        lock(&self.hotp_codes).clear();
    }

    /// Whether an OS keyring is reachable (asked once per run, and given
    /// [`KEYRING_TIMEOUT`] to answer: a Secret Service that waits for a
    /// prompt nobody can see must not hang the window).
    pub fn keyring_probe(&self) -> &KeyringStatus {
        self.keyring_probe.get_or_init(|| {
            with_timeout(KEYRING_TIMEOUT, || {
                apiq_vault::keyring_slot::probe(KeyringPreference::Auto)
            })
            .unwrap_or_else(|| KeyringStatus::Unavailable {
                reason: format!(
                    "the keyring did not answer within {} seconds",
                    KEYRING_TIMEOUT.as_secs()
                ),
            })
        })
    }

    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub fn save_settings(&self, s: Settings) -> AppResult<Settings> {
        let bytes = serde_json::to_vec_pretty(&s).map_err(|e| AppError::Internal(e.to_string()))?;
        fsutil::write_atomic(&self.data_dir.join(SETTINGS_FILE), &bytes)
            .map_err(|e| AppError::io("save the settings", &e))?;
        *lock(&self.settings) = s.clone();
        Ok(s)
    }

    /// How long after a copy the clipboard is cleared (`None`: never).
    pub fn clipboard_clear(&self) -> Option<Duration> {
        match lock(&self.settings).clipboard_clear_secs {
            0 => None,
            s => Some(Duration::from_secs(s.into())),
        }
    }
}

/// How long the OS keyring gets to answer before the app goes on without it.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(4);

/// Runs `f` on its own thread and waits at most `limit` for it; `None` on
/// timeout (the thread finishes in the background, its result dropped).
pub fn with_timeout<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).ok()
}

fn load_settings(path: &Path) -> Settings {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// The data folder: `APIQ_DATA_DIR` when set, otherwise
/// `$XDG_DATA_HOME/apiq-authenticator` (`~/.local/share/apiq-authenticator`),
/// the same place the `apiq` command line looks for the vault.
pub fn data_dir_from_env(default_base: Option<PathBuf>) -> PathBuf {
    if let Some(d) = std::env::var_os("APIQ_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    default_base
        .unwrap_or_else(std::env::temp_dir)
        .join("apiq-authenticator")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::new(dir.path().join("data")).unwrap();
        assert_eq!(st.settings().clipboard_clear_secs, 30);
        let mut s = st.settings();
        s.clipboard_clear_secs = 5;
        s.auto_lock_secs = 0;
        st.save_settings(s).unwrap();
        let again = AppState::new(dir.path().join("data")).unwrap();
        assert_eq!(again.settings().clipboard_clear_secs, 5);
        assert_eq!(again.settings().auto_lock_secs, 0);
        assert_eq!(again.clipboard_clear(), Some(Duration::from_secs(5)));
    }

    #[test]
    fn an_older_settings_file_keeps_its_values_and_gets_the_new_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        // Written before `sort` existed.
        std::fs::write(
            data.join(SETTINGS_FILE),
            r#"{"autoLockSecs":60,"clipboardClearSecs":9,"hideCodes":true,"serverUrl":""}"#,
        )
        .unwrap();
        let st = AppState::new(data.clone()).unwrap();
        let s = st.settings();
        assert_eq!(
            (s.auto_lock_secs, s.clipboard_clear_secs, s.hide_codes),
            (60, 9, true)
        );
        assert_eq!(s.sort, crate::dto::SortOrder::Issuer);
        let mut s = s;
        s.sort = crate::dto::SortOrder::Newest;
        st.save_settings(s).unwrap();
        let again = AppState::new(data).unwrap();
        assert_eq!(again.settings().sort, crate::dto::SortOrder::Newest);
    }

    #[test]
    fn with_timeout_gives_up_on_a_slow_call() {
        assert_eq!(with_timeout(Duration::from_secs(5), || 7), Some(7));
        let slow = with_timeout(Duration::from_millis(20), || {
            std::thread::sleep(Duration::from_millis(500));
            7
        });
        assert_eq!(slow, None);
    }

    #[test]
    fn a_locked_state_refuses_vault_work() {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::new(dir.path().to_path_buf()).unwrap();
        let r = st.with_vault(|_| Ok(()));
        assert!(matches!(r, Err(AppError::Locked)));
    }
}
