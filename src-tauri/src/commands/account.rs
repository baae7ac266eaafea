//! The account screens' commands: the backend in use, sign-up and sign-in
//! (with the second step, offering the code from this vault) and
//! sign-out. 2FA setup is in [`super::twofa`], tokens and sessions in
//! [`super::tokens`]. All through `apiq-client`; the state and workflow
//! are [`apiq_app::account`]'s.

use apiq_app::account::{AccountState, StepMemory};
use apiq_client::{Client, ClientError};
use tauri::State;
use zeroize::Zeroizing;

use crate::account::{client_error, configured_url, start_bundled};
use crate::dto::{AccountStatus, UserView};
use crate::error::{AppError, AppResult};
use crate::state::{now_secs, AppState};

/// The client of the chosen backend, starting the bundled one if needed.
pub(super) async fn client(app: &AppState, acc: &mut AccountState) -> AppResult<Client> {
    if let Some(c) = &acc.client {
        return Ok(c.clone());
    }
    let (url, bundled) = match configured_url(&app.settings().server_url) {
        Some(u) => (u, false),
        None => (start_bundled(&app.data_dir).await?, true),
    };
    let mut c = Client::new(url.clone()).map_err(client_error)?;
    if !bundled {
        // Each reply's Date checks this machine's clock (the bundled
        // backend runs on this very clock: it would prove nothing).
        c = c.on_reply_date(crate::desktop::clock::reply_watcher(url));
    }
    acc.client = Some(c.clone());
    acc.bundled = bundled;
    Ok(c)
}

/// Client failures become the window's errors; a session the server no
/// longer knows is forgotten here too.
pub(super) trait OrForget<T> {
    fn or_forget(self, acc: &mut AccountState) -> AppResult<T>;
}

impl<T> OrForget<T> for Result<T, ClientError> {
    fn or_forget(self, acc: &mut AccountState) -> AppResult<T> {
        self.map_err(|e| {
            let e = client_error(e);
            if matches!(e, AppError::SessionEnded(_)) {
                acc.forget_session();
            }
            e
        })
    }
}

/// The client and a copy of the session of a signed-in account (the copy
/// is wiped when dropped).
pub(super) async fn signed_in(
    app: &AppState,
    acc: &mut AccountState,
) -> AppResult<(Client, Zeroizing<String>)> {
    let c = client(app, acc).await?;
    let session = Zeroizing::new(acc.session()?.to_string());
    Ok((c, session))
}

/// This account's entry in the open vault, if any.
pub(super) fn entry_for(app: &AppState, acc: &AccountState) -> Option<apiq_vault::EntryId> {
    app.with_vault(|v| Ok(acc.entry_in(v))).ok().flatten()
}

pub(super) async fn status(app: &AppState, acc: &mut AccountState) -> AppResult<AccountStatus> {
    let user = match (&acc.client, &acc.session, acc.pending) {
        (Some(c), Some(s), false) => {
            let u = c.get_user_info(s.expose()).await.or_forget(acc)?;
            Some(UserView {
                email: u.email,
                name: u.name,
                two_factor_enabled: u.two_factor_enabled,
                recovery_codes_remaining: u.recovery_codes_remaining,
            })
        }
        _ => None,
    };
    Ok(AccountStatus {
        server_url: acc.client.as_ref().map(|c| c.base_url().to_string()),
        bundled: acc.bundled,
        signed_in: acc.signed_in(),
        pending: acc.pending,
        login: acc.login.clone(),
        user,
        vault_entry_id: app
            .with_vault(|v| Ok(apiq_app::account::find_entry(v.entries(), &acc.login)))
            .ok()
            .flatten()
            .map(|id| id.to_hex()),
    })
}

#[tauri::command]
pub async fn account_status(app: State<'_, AppState>) -> AppResult<AccountStatus> {
    let mut acc = app.account.lock().await;
    // The account side is opened: start (or find) the backend now, so
    // the window can say which one it talks to.
    client(&app, &mut acc).await?;
    status(&app, &mut acc).await
}

#[tauri::command]
pub async fn account_signup(
    app: State<'_, AppState>,
    login: String,
    password: String,
) -> AppResult<AccountStatus> {
    let password = Zeroizing::new(password);
    let mut acc = app.account.lock().await;
    let c = client(&app, &mut acc).await?;
    let login = login.trim().to_string();
    if !login.contains('@') {
        return Err(AppError::Invalid(
            "Use your email address as the login.".into(),
        ));
    }
    if password.chars().count() < 8 {
        return Err(AppError::Invalid(
            "Use at least 8 characters for the password.".into(),
        ));
    }
    c.create_account(&login, &password, None)
        .await
        .or_forget(&mut acc)?;
    signin_with(&app, &mut acc, &c, login, &password).await
}

async fn signin_with(
    app: &AppState,
    acc: &mut AccountState,
    c: &Client,
    login: String,
    password: &str,
) -> AppResult<AccountStatus> {
    let r = c.signin(&login, password).await.or_forget(acc)?;
    acc.forget_session();
    acc.session = Some(r.session);
    acc.pending = r.two_factor_required;
    acc.login = login;
    status(app, acc).await
}

#[tauri::command]
pub async fn account_signin(
    app: State<'_, AppState>,
    login: String,
    password: String,
) -> AppResult<AccountStatus> {
    let password = Zeroizing::new(password);
    let mut acc = app.account.lock().await;
    let c = client(&app, &mut acc).await?;
    signin_with(&app, &mut acc, &c, login.trim().to_string(), &password).await
}

#[tauri::command]
pub async fn account_verify(app: State<'_, AppState>, code: String) -> AppResult<AccountStatus> {
    let code = Zeroizing::new(code);
    let mut acc = app.account.lock().await;
    let c = client(&app, &mut acc).await?;
    let session = match (&acc.session, acc.pending) {
        (Some(s), true) => Zeroizing::new(s.expose().to_string()),
        _ => {
            return Err(AppError::Account(
                "Sign in with your password first.".into(),
            ))
        }
    };
    if code.trim().is_empty() {
        return Err(AppError::Invalid(
            "Type the six-digit code or a recovery code.".into(),
        ));
    }
    let r = c
        .verify_2fa_code(&session, code.trim())
        .await
        .or_forget(&mut acc)?;
    acc.session = Some(r.session);
    acc.pending = r.two_factor_required;
    note_step(&app, &mut acc, code.trim());
    status(&app, &mut acc).await
}

/// The current code of this account's vault entry (the second step's
/// "use the code from this authenticator", and the setup's check).
#[tauri::command]
pub async fn account_code_from_vault(app: State<'_, AppState>) -> AppResult<String> {
    let acc = app.account.lock().await;
    let otp = app.with_vault(|v| Ok(acc.otp_in(v)?))?;
    Ok(acc.steps.code_to_offer(&otp, now_secs())?)
}

/// Remembers the time step of a code that the server just accepted, when
/// it is the vault's code for this account.
pub(super) fn note_step(app: &AppState, acc: &mut AccountState, code: &str) {
    if let Ok(otp) = app.with_vault(|v| Ok(acc.otp_in(v)?)) {
        let mut steps: StepMemory = acc.steps;
        steps.note(&otp, code, now_secs());
        acc.steps = steps;
    }
}

#[tauri::command]
pub async fn account_signout(app: State<'_, AppState>) -> AppResult<AccountStatus> {
    let mut acc = app.account.lock().await;
    if let (Some(c), Some(s)) = (
        acc.client.clone(),
        acc.session
            .as_ref()
            .map(|s| Zeroizing::new(s.expose().to_string())),
    ) {
        // Signed out locally whatever the server says.
        let _ = c.signout(&s).await;
    }
    acc.forget_session();
    status(&app, &mut acc).await
}
