//! Two-factor setup straight into the vault (the secret, then the
//! recovery codes), viewing and regenerating recovery codes (Copy,
//! Download), and disabling 2FA (the vault entry is archived, never
//! deleted). The workflow is [`apiq_app::account`]'s; these commands call
//! the account server and hand its answers over.

use apiq_app::account::{self as flow, AccountState, Setup};
use apiq_client::Sensitive;
use tauri::State;
use zeroize::Zeroizing;

use super::account::{entry_for, note_step, signed_in, status, OrForget};
use crate::dto::{AccountCode, AccountCodes, AccountStatus, CopyResult, EntryView, TwoFactorSetup};
use crate::error::{AppError, AppResult};
use crate::state::{now_secs, AppState};

#[tauri::command]
pub async fn twofa_begin(app: State<'_, AppState>, password: String) -> AppResult<TwoFactorSetup> {
    let password = Zeroizing::new(password);
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let cfg = c
        .get_2fa_config(&session, &password)
        .await
        .or_forget(&mut acc)?;
    let entry = apiq_otp::uri::parse(cfg.otpauth_uri.expose())?;
    let view = TwoFactorSetup {
        qr_data_url: cfg.qr_code.expose().to_string(),
        secret: cfg.secret.expose().to_string(),
        issuer: entry.issuer.clone(),
        account: entry.name.clone(),
        algorithm: entry.algorithm().as_str().to_string(),
        digits: entry.digits(),
        period: entry.kind().period().unwrap_or(30),
    };
    acc.setup = Some(Setup {
        password,
        secret: cfg.secret,
        uri: cfg.otpauth_uri,
        entry: None,
        codes: Vec::new(),
    });
    Ok(view)
}

/// Stores the pending secret in the vault (once; a second click shows the
/// entry already made).
#[tauri::command]
pub async fn twofa_add_to_vault(app: State<'_, AppState>) -> AppResult<EntryView> {
    let mut acc = app.account.lock().await;
    let setup = acc.setup()?;
    app.with_vault(|v| {
        let id = flow::add_setup_entry(v, setup, now_secs())?;
        v.get(id)
            .map(super::entries::view)
            .ok_or_else(|| AppError::Internal("The new entry is missing.".into()))
    })
}

/// Stores `codes` with the account's vault entry `id` (when there is one);
/// a failure is said in the answer, the codes are shown either way.
fn store_codes(
    app: &AppState,
    id: Option<apiq_vault::EntryId>,
    codes: &[Sensitive],
) -> AccountCodes {
    let stored =
        id.map(|id| app.with_vault(|v| Ok(flow::store_recovery_codes(v, id, codes, now_secs())?)));
    AccountCodes {
        codes: codes
            .iter()
            .map(|c| AccountCode {
                code: c.expose().to_string(),
                used: false,
            })
            .collect(),
        remaining: codes.len() as u32,
        stored_in_vault: matches!(stored, Some(Ok(()))),
        vault_problem: match stored {
            Some(Err(e)) => Some(format!(
                "The codes could not be kept in this app's vault: {e} Save them another way."
            )),
            _ => None,
        },
    }
}

#[tauri::command]
pub async fn twofa_enable(app: State<'_, AppState>, code: String) -> AppResult<AccountCodes> {
    let code = Zeroizing::new(code);
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let (password, entry) = {
        let s = acc.setup()?;
        (s.password.clone(), s.entry)
    };
    let codes = c
        .enable_2fa(&session, &password, code.trim())
        .await
        .or_forget(&mut acc)?;
    note_step(&app, &mut acc, code.trim());
    let view = store_codes(&app, entry, &codes);
    acc.shown_codes = codes.clone();
    if let Some(s) = acc.setup.as_mut() {
        s.codes = codes;
    }
    Ok(view)
}

/// "Done": the setup's secrets are forgotten.
#[tauri::command]
pub async fn twofa_finish(app: State<'_, AppState>) -> AppResult<()> {
    let mut acc = app.account.lock().await;
    acc.setup = None;
    acc.shown_codes.clear();
    Ok(())
}

fn shown(acc: &AccountState) -> AppResult<&[Sensitive]> {
    if acc.shown_codes.is_empty() {
        return Err(AppError::NotFound("No recovery codes are shown.".into()));
    }
    Ok(&acc.shown_codes)
}

#[tauri::command]
pub async fn account_codes_copy(app: State<'_, AppState>) -> AppResult<CopyResult> {
    let acc = app.account.lock().await;
    let mut text = Zeroizing::new(String::new());
    for c in shown(&acc)? {
        text.push_str(c.expose());
        text.push('\n');
    }
    let clear = app.clipboard_clear();
    app.clipboard.copy(text, clear)?;
    Ok(CopyResult {
        clears_in_secs: clear.map(|d| d.as_secs() as u32).unwrap_or(0),
    })
}

/// Asks where to save the shown codes as a text file; returns the save job
/// (see [`crate::savefile`]).
#[tauri::command]
pub async fn account_codes_download(app: State<'_, AppState>) -> AppResult<u32> {
    let acc = app.account.lock().await;
    let text = flow::codes_text(&acc.login, shown(&acc)?);
    let name = format!(
        "apiqcloud-recovery-codes-{}.txt",
        acc.login.replace(['@', '/', '\\'], "_")
    );
    Ok(crate::savefile::start(
        name,
        Zeroizing::new(text.as_bytes().to_vec()),
        "save the recovery codes",
    ))
}

#[tauri::command]
pub async fn account_recovery_view(
    app: State<'_, AppState>,
    password: String,
) -> AppResult<AccountCodes> {
    let password = Zeroizing::new(password);
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let r = c
        .get_2fa_backup_codes(&session, &password)
        .await
        .or_forget(&mut acc)?;
    acc.shown_codes = r.recovery_codes.iter().map(|c| c.code.clone()).collect();
    Ok(AccountCodes {
        codes: r
            .recovery_codes
            .iter()
            .map(|c| AccountCode {
                code: c.code.expose().to_string(),
                used: c.used,
            })
            .collect(),
        remaining: r.remaining,
        stored_in_vault: entry_for(&app, &acc).is_some(),
        vault_problem: None,
    })
}

#[tauri::command]
pub async fn account_recovery_regenerate(
    app: State<'_, AppState>,
    password: String,
) -> AppResult<AccountCodes> {
    let password = Zeroizing::new(password);
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let codes = c
        .regenerate_2fa_backup_codes(&session, &password)
        .await
        .or_forget(&mut acc)?;
    let entry = entry_for(&app, &acc);
    let view = store_codes(&app, entry, &codes);
    acc.shown_codes = codes;
    Ok(view)
}

/// Turns 2FA off; the vault entry is kept, marked archived.
#[tauri::command]
pub async fn twofa_disable(app: State<'_, AppState>, password: String) -> AppResult<AccountStatus> {
    let password = Zeroizing::new(password);
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    c.disable_2fa(&session, &password)
        .await
        .or_forget(&mut acc)?;
    let login = acc.login.clone();
    match app.with_vault(|v| Ok(flow::archive_entry(v, &login, now_secs())?)) {
        Ok(()) | Err(AppError::Locked) => {}
        Err(e) => return Err(e),
    }
    status(&app, &mut acc).await
}
