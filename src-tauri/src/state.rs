//! What the running app holds between commands: the data folder, the open
//! vault (or none: locked), previews waiting for "Add", recently deleted
//! entries for undo, HOTP codes generated in this session, the account
//! side, the clipboard and the settings. The clock is read here, at the
//! edge.
//!
//! Locking ([`AppState::lock_all`]) forgets everything unlocked: the vault
//! and its key, previews, undo entries, HOTP codes, the account session
//! with a 2FA setup's password and the recovery codes last shown, exports
//! prepared for the save dialog, the "password typed a moment ago" that
//! spares asking again, and our copy on the clipboard (if it is still
//! there).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use apiq_app::account::AccountState;
use apiq_app::files::{self, DataDir, VAULT_FILE};
use apiq_vault::{
    EntryId, KeyringPreference, KeyringStatus, NewEntry, Vault, VaultEntry, VaultOptions,
};
use zeroize::Zeroizing;

use crate::clipboard::ClipboardGuard;
use crate::dto::Settings;
use crate::error::{AppError, AppResult};
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
    /// The account side (held across requests to the server, hence
    /// Tokio's lock).
    pub account: Arc<tokio::sync::Mutex<AccountState>>,
    /// When the vault password was last typed correctly (unlock or a
    /// confirmation): what reveals secrets asks for it again after the
    /// minutes set in Settings.
    password_typed: Mutex<Option<Instant>>,
    /// Automatic sync through a folder (`crate::desktop::sync`): told of
    /// every change made through [`AppState::with_vault`] and of locking.
    pub sync: crate::desktop::sync::SyncHandle,
    next_id: Mutex<u32>,
    keyring_probe: OnceLock<KeyringStatus>,
    /// The imported icon packs' indexes, read on first use (`None` again
    /// after an import or a removal).
    pub icon_packs: Mutex<Option<Vec<apiq_app::icon_pack::Pack>>>,
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
    /// The state for a data folder (created owner-only if missing);
    /// settings are read from it, defaults when absent or unreadable.
    pub fn new(dir: DataDir) -> AppResult<Self> {
        files::ensure_dir(&dir).map_err(|e| {
            AppError::io(
                &format!("create the data folder {}", dir.path.display()),
                &e,
            )
        })?;
        let data_dir = dir.path;
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
            account: Arc::new(tokio::sync::Mutex::new(AccountState::default())),
            password_typed: Mutex::new(None),
            sync: Default::default(),
            next_id: Mutex::new(1),
            keyring_probe: OnceLock::new(),
            icon_packs: Mutex::new(None),
        })
    }

    pub fn vault_path(&self) -> PathBuf {
        self.data_dir.join(VAULT_FILE)
    }

    /// How the window opens the vault: with the rollback check's record in
    /// the data folder (shared with the CLI), accepting an older copy only
    /// when the person said so.
    pub fn vault_options(&self, accept_older: bool) -> VaultOptions {
        VaultOptions {
            accept_older,
            ..apiq_app::files::vault_options(Some(&self.data_dir))
        }
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
    /// When `f` changed the vault (it was saved), a sync is asked for.
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut Vault) -> AppResult<T>) -> AppResult<T> {
        let mut guard = lock(&self.vault);
        let vault = guard.as_mut().ok_or(AppError::Locked)?;
        let generation = vault.generation();
        let r = f(vault);
        if vault.generation() != generation {
            self.sync.changed();
        }
        // The file on disk can no longer be used with what is unlocked
        // here (the password changed elsewhere, or an older copy was put
        // in its place): lock, so the next unlock says what happened.
        if matches!(r, Err(AppError::KeyChanged(_) | AppError::OlderCopy(_))) {
            drop(guard);
            self.lock_all();
        }
        r
    }

    /// Forgets everything unlocked (see the module doc). The account side
    /// is forgotten at once unless a request to the server holds it; then
    /// as soon as that request ends.
    pub fn lock_all(&self) {
        lock(&self.vault).take();
        self.sync.stop();
        lock(&self.previews).clear();
        lock(&self.trash).clear();
        lock(&self.hotp_codes).clear();
        lock(&self.password_typed).take();
        crate::savefile::forget_pending();
        self.clipboard.clear_if_ours();
        match self.account.try_lock() {
            Ok(mut acc) => acc.forget_session(),
            Err(_) => {
                // The request in flight finishes first; this waits in line
                // before any later command (Tokio's mutex is fair).
                let account = Arc::clone(&self.account);
                tauri::async_runtime::spawn(async move {
                    account.lock().await.forget_session();
                });
            }
        }
    }

    /// The vault password was typed correctly just now.
    pub fn note_password_typed(&self) {
        *lock(&self.password_typed) = Some(Instant::now());
        let _ = crate::reminder::mark_checked(&self.data_dir, now_secs());
    }

    /// Checks `password` against the vault file (a passer-by at an
    /// unlocked window does not know it); a wrong one is `WrongPassword`.
    pub fn confirm_password(&self, password: &str) -> AppResult<()> {
        Vault::open_with_password(&self.vault_path(), password, VaultOptions::default())?;
        self.note_password_typed();
        Ok(())
    }

    /// For what reveals secrets (a plain export, QR codes): the password
    /// given now, or one typed within the minutes Settings allow;
    /// otherwise [`AppError::PasswordRequired`].
    pub fn fresh_password(&self, given: Option<&str>) -> AppResult<()> {
        if let Some(pw) = given.filter(|p| !p.is_empty()) {
            return self.confirm_password(pw);
        }
        let minutes = self.settings().remember_password_mins;
        let recent = lock(&self.password_typed).is_some_and(|t| {
            minutes > 0 && t.elapsed() < Duration::from_secs(u64::from(minutes) * 60)
        });
        if recent {
            Ok(())
        } else {
            Err(AppError::PasswordRequired)
        }
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
        files::write_atomic(&self.data_dir.join(SETTINGS_FILE), &bytes)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: PathBuf) -> DataDir {
        DataDir {
            path,
            explicit: true,
        }
    }

    const PW: &str = "correct horse battery staple";

    /// A state whose data folder holds an unlocked vault (cheap KDF).
    fn unlocked() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::new(at(dir.path().join("data"))).unwrap();
        let opts = apiq_vault::CreateOptions {
            kdf: apiq_vault::Kdf::UncheckedForTests(apiq_vault::KdfParams {
                m_kib: 64,
                t: 1,
                p: 1,
            }),
            ..Default::default()
        };
        let v = Vault::create(&st.vault_path(), PW, opts).unwrap();
        *lock(&st.vault) = Some(v);
        (dir, st)
    }

    /// Issue 14 item 7: locking forgets the account session, a 2FA
    /// setup's password, the recovery codes last shown, prepared exports
    /// and the recently typed password, besides the vault.
    #[test]
    fn locking_forgets_every_secret_of_the_session() {
        let (_d, st) = unlocked();
        st.note_password_typed();
        {
            let mut acc = st.account.try_lock().unwrap();
            acc.session = Some(apiq_client::Sensitive::new("session"));
            acc.login = "me@example.com".into();
            acc.setup = Some(apiq_app::account::Setup {
                password: Zeroizing::new("account pw".into()),
                secret: apiq_client::Sensitive::new("JBSWY3DPEHPK3PXP"),
                uri: apiq_client::Sensitive::new("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"),
                entry: None,
                codes: vec![apiq_client::Sensitive::new("code-1")],
            });
            acc.shown_codes = vec![apiq_client::Sensitive::new("code-2")];
        }
        let job = crate::savefile::start(
            "export.txt".into(),
            Zeroizing::new(b"otpauth://...".to_vec()),
            "write the export",
        );
        assert!(crate::savefile::is_pending(job));
        st.lock_all();
        assert!(lock(&st.vault).is_none());
        let acc = st.account.try_lock().unwrap();
        assert!(acc.session.is_none() && acc.setup.is_none() && acc.shown_codes.is_empty());
        assert!(
            !crate::savefile::is_pending(job),
            "a prepared export is dropped"
        );
        assert!(matches!(
            st.fresh_password(None),
            Err(AppError::PasswordRequired)
        ));
    }

    /// Issue 14 item 8: what reveals secrets asks for the vault password,
    /// unless it was typed within the minutes Settings allow.
    #[test]
    fn revealing_secrets_needs_a_fresh_password() {
        let (_d, st) = unlocked();
        assert!(matches!(
            st.fresh_password(None),
            Err(AppError::PasswordRequired)
        ));
        assert!(matches!(
            st.fresh_password(Some("wrong")),
            Err(AppError::WrongPassword)
        ));
        st.fresh_password(Some(PW)).unwrap();
        // Remembering is off by default: asked again next time.
        assert!(matches!(
            st.fresh_password(None),
            Err(AppError::PasswordRequired)
        ));
        let mut s = st.settings();
        s.remember_password_mins = 5;
        st.save_settings(s).unwrap();
        st.fresh_password(Some(PW)).unwrap();
        st.fresh_password(None).unwrap();
        // An old confirmation does not count.
        *lock(&st.password_typed) = Instant::now().checked_sub(Duration::from_secs(301));
        assert!(matches!(
            st.fresh_password(None),
            Err(AppError::PasswordRequired)
        ));
    }

    #[test]
    fn settings_round_trip_through_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::new(at(dir.path().join("data"))).unwrap();
        assert_eq!(st.settings().clipboard_clear_secs, 30);
        let mut s = st.settings();
        s.clipboard_clear_secs = 5;
        s.auto_lock_secs = 0;
        st.save_settings(s).unwrap();
        let again = AppState::new(at(dir.path().join("data"))).unwrap();
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
        let st = AppState::new(at(data.clone())).unwrap();
        let s = st.settings();
        assert_eq!(
            (s.auto_lock_secs, s.clipboard_clear_secs, s.hide_codes),
            (60, 9, true)
        );
        assert_eq!(s.sort, crate::dto::SortOrder::Issuer);
        let mut s = s;
        s.sort = crate::dto::SortOrder::Newest;
        st.save_settings(s).unwrap();
        let again = AppState::new(at(data)).unwrap();
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
        let st = AppState::new(at(dir.path().to_path_buf())).unwrap();
        let r = st.with_vault(|_| Ok(()));
        assert!(matches!(r, Err(AppError::Locked)));
    }
}
