//! Creating, unlocking and locking the vault; the keyring slot; idle
//! reporting for the auto-lock.

use apiq_vault::{CreateOptions, KeyringPreference, KeyringStatus, Vault, VaultOptions};
use tauri::State;
use zeroize::Zeroizing;

use crate::dto::VaultStatus;
use crate::error::{AppError, AppResult};
use crate::state::{lock, with_timeout, AppState, KEYRING_TIMEOUT};

fn status(st: &AppState) -> VaultStatus {
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
    VaultStatus {
        exists,
        unlocked,
        keyring_slot,
        keyring_unavailable,
        data_dir: st.data_dir.display().to_string(),
    }
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
        ..CreateOptions::default()
    };
    let vault = Vault::create(&state.vault_path(), &password, opts)?;
    let keyring_note = match (vault.keyring_status(), state.keyring_probe()) {
        (Some(KeyringStatus::Unavailable { reason }), _) if use_keyring => Some(reason.clone()),
        (_, KeyringStatus::Unavailable { reason }) if use_keyring => Some(reason.clone()),
        _ => None,
    };
    *lock(&state.vault) = Some(vault);
    state.touch();
    let mut s = status(&state);
    if let Some(reason) = keyring_note {
        s.keyring_unavailable = Some(format!(
            "The system keyring could not take the vault's key ({reason}). The password alone opens the vault."
        ));
    }
    Ok(s)
}

#[tauri::command(async)]
pub fn vault_unlock(state: State<'_, AppState>, password: String) -> AppResult<VaultStatus> {
    let password = Zeroizing::new(password);
    let vault = Vault::open_with_password(&state.vault_path(), &password, VaultOptions::default())?;
    *lock(&state.vault) = Some(vault);
    state.touch();
    Ok(status(&state))
}

#[tauri::command(async)]
pub fn vault_unlock_keyring(state: State<'_, AppState>) -> AppResult<VaultStatus> {
    let path = state.vault_path();
    let vault = with_timeout(KEYRING_TIMEOUT * 4, move || {
        Vault::open_with_keyring(&path, VaultOptions::default())
    })
    .ok_or_else(|| {
        AppError::Keyring("The system keyring did not answer. Unlock with the password.".into())
    })??;
    *lock(&state.vault) = Some(vault);
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
    Vault::open_with_password(&state.vault_path(), &password, VaultOptions::default())?;
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

/// The window saw the person use it (throttled on its side).
#[tauri::command(async)]
pub fn activity(state: State<'_, AppState>) -> AppResult<()> {
    state.touch();
    Ok(())
}
