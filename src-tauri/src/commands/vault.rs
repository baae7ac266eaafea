//! Creating, unlocking and locking the vault; the keyring slot; the
//! password (change, the reminder's check); the backups; idle reporting for
//! the auto-lock.

use std::sync::atomic::Ordering;

use apiq_app::sync::Trigger;
use apiq_vault::{CreateOptions, Kdf, KeyringPreference, KeyringStatus, Vault};
use tauri::State;
use zeroize::Zeroizing;

use crate::dto::{BackupView, VaultStatus};
use crate::error::{AppError, AppResult};
use crate::reminder;
use crate::state::{lock, now_secs, with_timeout, AppState, KEYRING_TIMEOUT};

pub(crate) fn status(st: &AppState) -> VaultStatus {
    let path = st.vault_path();
    let exists = path.exists();
    let guard = lock(&st.vault);
    let unlocked = guard.is_some();
    let keyring_slot = match guard.as_ref() {
        Some(v) => v.keyring_backend().is_some(),
        None if exists => Vault::peek(&path)
            .map(|p| p.keyring().is_some())
            .unwrap_or(false),
        None => false,
    };
    drop(guard);
    // The probe (a D-Bus round trip) is only needed where the person
    // chooses: on the create screen.
    let keyring_unavailable = if exists {
        None
    } else {
        match st.keyring_probe() {
            KeyringStatus::Available(_) => None,
            KeyringStatus::Unavailable { reason } => Some(format!(
                "No system keyring is reachable here ({reason}). The password alone opens the vault."
            )),
        }
    };
    let password_reminder = unlocked
        && st.opened_by_keyring.load(Ordering::SeqCst)
        && reminder::due(
            reminder::last_checked(&st.data_dir),
            now_secs(),
            st.settings().password_reminder_days,
        );
    VaultStatus {
        exists,
        unlocked,
        keyring_slot,
        keyring_unavailable,
        data_dir: st.data_dir.display().to_string(),
        password_reminder,
    }
}

/// The password was just typed correctly: the vault is open by it, and
/// the reminder starts counting again (a failure to record it only means
/// an early reminder). A sync is asked for: the vault is open.
pub(crate) fn password_typed(st: &AppState) {
    st.opened_by_keyring.store(false, Ordering::SeqCst);
    st.note_password_typed();
    st.sync.kick(Trigger::Unlock);
}

#[tauri::command(async)]
pub fn vault_status(state: State<'_, AppState>) -> AppResult<VaultStatus> {
    Ok(status(&state))
}

#[tauri::command(async)]
pub fn vault_create(
    state: State<'_, AppState>,
    password: String,
    use_keyring: bool,
) -> AppResult<VaultStatus> {
    let password = Zeroizing::new(password);
    if password.chars().count() < 8 {
        return Err(AppError::Invalid(
            "Use at least 8 characters for the vault's password.".into(),
        ));
    }
    // The keyring is asked only after it answered the probe in time, so a
    // keyring waiting for an invisible prompt cannot hang the creation.
    let keyring_ok = use_keyring && matches!(state.keyring_probe(), KeyringStatus::Available(_));
    let opts = CreateOptions {
        keyring: keyring_ok.then_some(KeyringPreference::Auto),
        vault: state.vault_options(false),
        ..CreateOptions::default()
    };
    let vault = Vault::create(&state.vault_path(), &password, opts)?;
    let keyring_note = match (vault.keyring_status(), state.keyring_probe()) {
        (Some(KeyringStatus::Unavailable { reason }), _) if use_keyring => Some(reason.clone()),
        (_, KeyringStatus::Unavailable { reason }) if use_keyring => Some(reason.clone()),
        _ => None,
    };
    *lock(&state.vault) = Some(vault);
    password_typed(&state);
    state.touch();
    let mut s = status(&state);
    if let Some(reason) = keyring_note {
        s.keyring_unavailable = Some(format!(
            "The system keyring could not take the vault's key ({reason}). The password alone opens the vault."
        ));
    }
    Ok(s)
}

/// Unlocks with the password. A file older than one this computer has
/// opened is refused (`older_copy`) unless `accept_older` (the person
/// restored it on purpose).
#[tauri::command(async)]
pub fn vault_unlock(
    state: State<'_, AppState>,
    password: String,
    accept_older: Option<bool>,
) -> AppResult<VaultStatus> {
    let password = Zeroizing::new(password);
    let opts = state.vault_options(accept_older.unwrap_or(false));
    let vault = Vault::open_with_password(&state.vault_path(), &password, opts)?;
    *lock(&state.vault) = Some(vault);
    password_typed(&state);
    state.touch();
    Ok(status(&state))
}

#[tauri::command(async)]
pub fn vault_unlock_keyring(state: State<'_, AppState>) -> AppResult<VaultStatus> {
    let path = state.vault_path();
    let opts = state.vault_options(false);
    let vault = with_timeout(KEYRING_TIMEOUT * 4, move || {
        Vault::open_with_keyring(&path, opts)
    })
    .ok_or_else(|| {
        AppError::Keyring("The system keyring did not answer. Unlock with the password.".into())
    })??;
    *lock(&state.vault) = Some(vault);
    state.opened_by_keyring.store(true, Ordering::SeqCst);
    state.sync.kick(Trigger::Unlock);
    state.touch();
    Ok(status(&state))
}

#[tauri::command(async)]
pub fn vault_lock(state: State<'_, AppState>) -> AppResult<VaultStatus> {
    state.lock_all();
    Ok(status(&state))
}

/// Adds or removes the keyring slot; the password is asked again so that a
/// passer-by at an unlocked window cannot change how the vault opens.
#[tauri::command(async)]
pub fn vault_set_keyring(
    state: State<'_, AppState>,
    enabled: bool,
    password: String,
) -> AppResult<VaultStatus> {
    let password = Zeroizing::new(password);
    confirm_password(&state, &password)?;
    if enabled {
        if let KeyringStatus::Unavailable { reason } = state.keyring_probe() {
            return Err(AppError::Keyring(format!(
                "No system keyring is reachable here ({reason})."
            )));
        }
    }
    state.with_vault(|v| {
        if enabled {
            v.add_keyring_slot(KeyringPreference::Auto)?;
        } else if v.keyring_backend().is_some() {
            v.remove_keyring_slot()?;
        }
        Ok(())
    })?;
    Ok(status(&state))
}

/// Asks the vault's password again (a passer-by at an unlocked window must
/// not change how the vault opens, nor roll it back).
fn confirm_password(state: &AppState, password: &str) -> AppResult<()> {
    state.confirm_password(password)
}

/// The reminder's check: is this the vault's password? A wrong one is
/// `WrongPassword` and changes nothing; the right one resets the reminder.
#[tauri::command(async)]
pub fn vault_check_password(
    state: State<'_, AppState>,
    password: String,
) -> AppResult<VaultStatus> {
    let password = Zeroizing::new(password);
    confirm_password(&state, &password)?;
    Ok(status(&state))
}

/// Sets a new password, after the current one. The data is re-keyed;
/// the backups are re-sealed, so the old password opens none of them.
#[tauri::command(async)]
pub fn vault_change_password(
    state: State<'_, AppState>,
    current: String,
    new_password: String,
) -> AppResult<VaultStatus> {
    let current = Zeroizing::new(current);
    let new_password = Zeroizing::new(new_password);
    if new_password.chars().count() < 8 {
        return Err(AppError::Invalid(
            "Use at least 8 characters for the new password.".into(),
        ));
    }
    confirm_password(&state, &current)?;
    state.with_vault(|v| Ok(v.change_password(&new_password, Kdf::Calibrated)?))?;
    Ok(status(&state))
}

/// The vault's backups, newest first, with what each holds.
#[tauri::command(async)]
pub fn vault_backups(state: State<'_, AppState>) -> AppResult<Vec<BackupView>> {
    let paths = Vault::backups(&state.vault_path());
    state.with_vault(|v| {
        Ok(paths
            .iter()
            .map(|p| {
                let modified = std::fs::metadata(p)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_secs());
                let (entries, problem) = match v.read_backup(p) {
                    Ok(es) => (Some(es.len() as u32), None),
                    Err(e) => (None, Some(AppError::from(e).to_string())),
                };
                let old_slots = entries.is_some()
                    && v.backup_has_current_slots(p).is_ok_and(|current| !current);
                BackupView {
                    file: p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    modified,
                    entries,
                    problem,
                    old_slots,
                }
            })
            .collect())
    })
}

/// Makes a backup's entries the vault's newest version (the version it
/// replaces becomes a backup in turn, so a restore can be undone the same
/// way). `file` must name one of [`vault_backups`]' files.
#[tauri::command(async)]
pub fn vault_restore_backup(
    state: State<'_, AppState>,
    file: String,
    password: String,
) -> AppResult<u32> {
    let password = Zeroizing::new(password);
    let backup = Vault::backups(&state.vault_path())
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == file))
        .ok_or_else(|| AppError::NotFound("This backup is no longer there.".into()))?;
    confirm_password(&state, &password)?;
    state.with_vault(|v| {
        v.restore_backup(&backup)?;
        Ok(v.entries().len() as u32)
    })
}

/// The window saw the person use it (throttled on its side).
#[tauri::command(async)]
pub fn activity(state: State<'_, AppState>) -> AppResult<()> {
    state.touch();
    Ok(())
}
