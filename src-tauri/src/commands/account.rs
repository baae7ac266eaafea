//! The account screens' commands: sign-up and sign-in (with the second
//! step, offering the code from this vault), 2FA setup straight into the
//! vault (secret and recovery codes), viewing and regenerating recovery
//! codes, disabling 2FA (the vault entry is archived, never deleted),
//! personal access tokens and sessions. All through `apiq-client`.

use apiq_client::{Client, Ids, Sensitive, TokenRequest};
use apiq_vault::{EntryId, NewEntry, RecoveryCodes, Vault};
use tauri::State;
use tokio::sync::Mutex;
use zeroize::Zeroizing;

use crate::account::{client_error, configured_url, start_bundled, AccountState, Setup};
use crate::dto::{
    AccountCode, AccountCodes, AccountStatus, CopyResult, EntryView, NewToken, SessionView,
    TokenView, TwoFactorSetup, UserView,
};
use crate::error::{AppError, AppResult};
use crate::state::{now_secs, AppState};

pub type Account = Mutex<AccountState>;

/// The issuer the backend puts in its otpauth:// URIs.
const ISSUER: &str = "Apiqcloud";

/// The client of the chosen backend, starting the bundled one if needed.
async fn client(app: &AppState, acc: &mut AccountState) -> AppResult<Client> {
    if let Some(c) = &acc.client {
        return Ok(c.clone());
    }
    let (url, bundled) = match configured_url(&app.settings().server_url) {
        Some(u) => (u, false),
        None => (start_bundled(&app.data_dir).await?, true),
    };
    let c = Client::new(url).map_err(client_error)?;
    acc.client = Some(c.clone());
    acc.bundled = bundled;
    Ok(c)
}

/// Maps a client failure; a session the server no longer knows is
/// forgotten here too.
fn fail(acc: &mut AccountState, e: apiq_client::ClientError) -> AppError {
    let e = client_error(e);
    if matches!(e, AppError::SessionEnded(_)) {
        acc.forget_session();
    }
    e
}

/// Client failures become the window's errors (see [`fail`]).
trait OrForget<T> {
    fn or_forget(self, acc: &mut AccountState) -> AppResult<T>;
}

impl<T> OrForget<T> for Result<T, apiq_client::ClientError> {
    fn or_forget(self, acc: &mut AccountState) -> AppResult<T> {
        self.map_err(|e| fail(acc, e))
    }
}

/// The client and a copy of the session of a signed-in account (the copy
/// is wiped when dropped).
async fn signed_in(
    app: &AppState,
    acc: &mut AccountState,
) -> AppResult<(Client, Zeroizing<String>)> {
    let c = client(app, acc).await?;
    let session = Zeroizing::new(acc.session()?.to_string());
    Ok((c, session))
}

/// The vault entry of this account: issuer Apiqcloud, the login as name;
/// an active one first.
fn vault_entry(vault: &Vault, login: &str) -> Option<EntryId> {
    let matches = |e: &&apiq_vault::VaultEntry| {
        e.otp.issuer.eq_ignore_ascii_case(ISSUER) && e.otp.name.eq_ignore_ascii_case(login)
    };
    let es = vault.entries();
    es.iter()
        .filter(matches)
        .find(|e| !e.archived)
        .or_else(|| es.iter().find(matches))
        .map(|e| e.id)
}

fn entry_for(app: &AppState, login: &str) -> Option<EntryId> {
    if login.is_empty() {
        return None;
    }
    app.with_vault(|v| Ok(vault_entry(v, login))).ok().flatten()
}

async fn status(app: &AppState, acc: &mut AccountState) -> AppResult<AccountStatus> {
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
        signed_in: acc.session.is_some() && !acc.pending,
        pending: acc.pending,
        login: acc.login.clone(),
        user,
        vault_entry_id: entry_for(app, &acc.login).map(|id| id.to_hex()),
    })
}

#[tauri::command]
pub async fn account_status(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
) -> AppResult<AccountStatus> {
    let mut acc = acc.lock().await;
    // The account side is opened: start (or find) the backend now, so
    // the window can say which one it talks to.
    client(&app, &mut acc).await?;
    status(&app, &mut acc).await
}

#[tauri::command]
pub async fn account_signup(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
    login: String,
    password: String,
) -> AppResult<AccountStatus> {
    let password = Zeroizing::new(password);
    let mut acc = acc.lock().await;
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
    acc: State<'_, Account>,
    login: String,
    password: String,
) -> AppResult<AccountStatus> {
    let password = Zeroizing::new(password);
    let mut acc = acc.lock().await;
    let c = client(&app, &mut acc).await?;
    signin_with(&app, &mut acc, &c, login.trim().to_string(), &password).await
}

#[tauri::command]
pub async fn account_verify(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
    code: String,
) -> AppResult<AccountStatus> {
    let code = Zeroizing::new(code);
    let mut acc = acc.lock().await;
    let c = client(&app, &mut acc).await?;
    let session = match (&acc.session, acc.pending) {
        (Some(s), true) => s.expose().to_string(),
        _ => {
            return Err(AppError::Account(
                "Sign in with your password first.".into(),
            ))
        }
    };
    let session = Zeroizing::new(session);
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
pub async fn account_code_from_vault(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
) -> AppResult<String> {
    let acc = acc.lock().await;
    let otp = account_otp(&app, &acc)?;
    let period = u64::from(otp.kind().period().unwrap_or(30).max(1));
    let step = acc.step_to_offer(now_secs(), period).map_err(|wait| {
        AppError::Throttled(format!(
            "This code was just used. A new one comes in {wait} seconds."
        ))
    })?;
    Ok(otp.code_at(step * period))
}

/// The OTP entry of this account in the vault (the setup's new entry, or
/// the one found by issuer and login).
fn account_otp(app: &AppState, acc: &AccountState) -> AppResult<apiq_otp::Entry> {
    let id = match &acc.setup {
        Some(Setup {
            entry: Some(id), ..
        }) => Some(*id),
        _ => entry_for(app, &acc.login),
    }
    .ok_or_else(|| AppError::NotFound("This account is not in the vault.".into()))?;
    app.with_vault(|v| {
        v.get(id)
            .map(|e| e.otp.clone())
            .ok_or_else(|| AppError::NotFound("This account is not in the vault.".into()))
    })
}

/// Remembers the time step of a code that the server just accepted, when
/// it is the vault's code for this account (steps −1 to +1 of now).
fn note_step(app: &AppState, acc: &mut AccountState, code: &str) {
    let Ok(otp) = account_otp(app, acc) else {
        return;
    };
    let period = u64::from(otp.kind().period().unwrap_or(30).max(1));
    let step = now_secs() / period;
    for s in [step.saturating_sub(1), step, step + 1] {
        if otp.code_at(s * period) == code {
            acc.last_step = Some(acc.last_step.map_or(s, |l| l.max(s)));
        }
    }
}

#[tauri::command]
pub async fn account_signout(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
) -> AppResult<AccountStatus> {
    let mut acc = acc.lock().await;
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

// ---- two-factor setup ----

#[tauri::command]
pub async fn twofa_begin(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
    password: String,
) -> AppResult<TwoFactorSetup> {
    let password = Zeroizing::new(password);
    let mut acc = acc.lock().await;
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
pub async fn twofa_add_to_vault(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
) -> AppResult<EntryView> {
    let mut acc = acc.lock().await;
    let setup = acc
        .setup
        .as_mut()
        .ok_or_else(|| AppError::Account("Start the setup again: confirm your password.".into()))?;
    if let Some(id) = setup.entry {
        if let Some(v) = app.with_vault(|v| Ok(v.get(id).map(crate::commands::entries::view)))? {
            return Ok(v);
        }
    }
    let entry = apiq_otp::uri::parse(setup.uri.expose())?;
    let id = app.with_vault(|v| Ok(v.add(NewEntry::from(entry), now_secs())?))?;
    setup.entry = Some(id);
    app.with_vault(|v| {
        v.get(id)
            .map(crate::commands::entries::view)
            .ok_or_else(|| AppError::Internal("The new entry is missing.".into()))
    })
}

fn store_codes(app: &AppState, id: EntryId, codes: &[Sensitive]) -> bool {
    let now = now_secs();
    app.with_vault(|v| {
        Ok(v.transact(|entries| {
            if let Some(e) = entries.iter_mut().find(|e| e.id == id) {
                e.recovery = RecoveryCodes::default();
                e.recovery.add(codes.iter().map(|c| c.expose()), now);
                e.archived = false;
                e.updated = now;
            }
            Ok(())
        })?)
    })
    .is_ok()
}

fn codes_view(codes: &[Sensitive], stored: bool) -> AccountCodes {
    AccountCodes {
        codes: codes
            .iter()
            .map(|c| AccountCode {
                code: c.expose().to_string(),
                used: false,
            })
            .collect(),
        remaining: codes.len() as u32,
        stored_in_vault: stored,
    }
}

#[tauri::command]
pub async fn twofa_enable(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
    code: String,
) -> AppResult<AccountCodes> {
    let code = Zeroizing::new(code);
    let mut acc = acc.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let (password, entry) = match &acc.setup {
        Some(s) => (s.password.clone(), s.entry),
        None => {
            return Err(AppError::Account(
                "Start the setup again: confirm your password.".into(),
            ))
        }
    };
    let codes = c
        .enable_2fa(&session, &password, code.trim())
        .await
        .or_forget(&mut acc)?;
    note_step(&app, &mut acc, code.trim());
    let stored = entry
        .map(|id| store_codes(&app, id, &codes))
        .unwrap_or(false);
    let view = codes_view(&codes, stored);
    acc.shown_codes = codes.clone();
    if let Some(s) = acc.setup.as_mut() {
        s.codes = codes;
    }
    Ok(view)
}

/// "Done": the setup's secrets are forgotten.
#[tauri::command]
pub async fn twofa_finish(acc: State<'_, Account>) -> AppResult<()> {
    let mut acc = acc.lock().await;
    acc.setup = None;
    acc.shown_codes.clear();
    Ok(())
}

fn codes_text(login: &str, codes: &[Sensitive]) -> Zeroizing<String> {
    let mut t = Zeroizing::new(format!(
        "Apiqcloud recovery codes for {login}\nEach code works once. Keep them somewhere safe.\n\n"
    ));
    for c in codes {
        t.push_str(c.expose());
        t.push('\n');
    }
    t
}

#[tauri::command]
pub async fn account_codes_copy(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
) -> AppResult<CopyResult> {
    let acc = acc.lock().await;
    if acc.shown_codes.is_empty() {
        return Err(AppError::NotFound("No recovery codes are shown.".into()));
    }
    let mut text = Zeroizing::new(String::new());
    for c in &acc.shown_codes {
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
/// (its `save-done` event says where, see [`crate::savefile`]).
#[tauri::command]
pub async fn account_codes_download(acc: State<'_, Account>) -> AppResult<u32> {
    let acc = acc.lock().await;
    if acc.shown_codes.is_empty() {
        return Err(AppError::NotFound("No recovery codes are shown.".into()));
    }
    let text = codes_text(&acc.login, &acc.shown_codes);
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
    acc: State<'_, Account>,
    password: String,
) -> AppResult<AccountCodes> {
    let password = Zeroizing::new(password);
    let mut acc = acc.lock().await;
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
        stored_in_vault: entry_for(&app, &acc.login).is_some(),
    })
}

#[tauri::command]
pub async fn account_recovery_regenerate(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
    password: String,
) -> AppResult<AccountCodes> {
    let password = Zeroizing::new(password);
    let mut acc = acc.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let codes = c
        .regenerate_2fa_backup_codes(&session, &password)
        .await
        .or_forget(&mut acc)?;
    let stored = entry_for(&app, &acc.login)
        .map(|id| store_codes(&app, id, &codes))
        .unwrap_or(false);
    acc.shown_codes = codes.clone();
    Ok(codes_view(&codes, stored))
}

/// Turns 2FA off; the vault entry is kept, marked archived.
#[tauri::command]
pub async fn twofa_disable(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
    password: String,
) -> AppResult<AccountStatus> {
    let password = Zeroizing::new(password);
    let mut acc = acc.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    c.disable_2fa(&session, &password)
        .await
        .or_forget(&mut acc)?;
    if let Some(id) = entry_for(&app, &acc.login) {
        app.with_vault(|v| Ok(v.set_archived(id, true, now_secs())?))?;
    }
    status(&app, &mut acc).await
}

// ---- tokens and sessions ----

fn token_view(t: apiq_client::TokenInfo) -> TokenView {
    TokenView {
        id: t.id,
        description: t.description,
        api_list: t.api_list,
        expires_at: t.expires_at,
        created: t.created,
        last_used: t.last_used,
        last4: t.last4,
    }
}

#[tauri::command]
pub async fn tokens_list(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
) -> AppResult<Vec<TokenView>> {
    let mut acc = acc.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    c.get_tokens(&session)
        .await
        .or_forget(&mut acc)
        .map(|ts| ts.into_iter().map(token_view).collect())
}

#[tauri::command]
pub async fn token_create(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
    password: String,
    description: String,
    methods: Vec<String>,
    expires_at: Option<String>,
) -> AppResult<NewToken> {
    let password = Zeroizing::new(password);
    if description.trim().is_empty() {
        return Err(AppError::Invalid("Describe what the token is for.".into()));
    }
    let mut acc = acc.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let req = TokenRequest {
        description: description.trim().to_string(),
        api_list: if methods.is_empty() {
            vec!["*".into()]
        } else {
            methods
        },
        token_template: None,
        expires_at: expires_at.filter(|e| !e.trim().is_empty()),
    };
    c.create_token(&session, &password, &req)
        .await
        .or_forget(&mut acc)
        .map(|t| NewToken {
            value: t.value.expose().to_string(),
            token: token_view(t.info),
        })
}

#[tauri::command]
pub async fn token_delete(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
    password: String,
    id: i64,
) -> AppResult<Vec<TokenView>> {
    let password = Zeroizing::new(password);
    let mut acc = acc.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    c.delete_tokens(&session, &password, &Ids::Some(vec![id]))
        .await
        .or_forget(&mut acc)?;
    c.get_tokens(&session)
        .await
        .or_forget(&mut acc)
        .map(|ts| ts.into_iter().map(token_view).collect())
}

#[tauri::command]
pub async fn sessions_list(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
) -> AppResult<Vec<SessionView>> {
    let mut acc = acc.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    c.get_sessions(&session)
        .await
        .or_forget(&mut acc)
        .map(|ss| ss.into_iter().map(session_view).collect())
}

#[tauri::command]
pub async fn sessions_signout_others(
    app: State<'_, AppState>,
    acc: State<'_, Account>,
) -> AppResult<Vec<SessionView>> {
    let mut acc = acc.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let others: Vec<i64> = c
        .get_sessions(&session)
        .await
        .or_forget(&mut acc)?
        .iter()
        .filter(|s| !s.current)
        .map(|s| s.id)
        .collect();
    if !others.is_empty() {
        c.signout_sessions(&session, &Ids::Some(others))
            .await
            .or_forget(&mut acc)?;
    }
    c.get_sessions(&session)
        .await
        .or_forget(&mut acc)
        .map(|ss| ss.into_iter().map(session_view).collect())
}

fn session_view(s: apiq_client::SessionInfo) -> SessionView {
    SessionView {
        id: s.id,
        created: s.created,
        last_used: s.last_used,
        current: s.current,
    }
}
