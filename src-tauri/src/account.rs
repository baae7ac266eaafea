//! The account side: which backend the app talks to and the session with
//! it. The bundled backend (the `apiq-server` router, in process, on
//! 127.0.0.1 and a free port, its database in the data folder) starts on
//! first use, so it costs nothing to people who only want codes; the app
//! talks to it only through `apiq-client`, as any remote client would.
//! `APIQ_SERVER_URL`, or the server set in Settings, replaces it.
//!
//! Secrets held here (the session, the password confirmed for a 2FA setup
//! in progress, the pending TOTP secret) are zeroizing and never logged.

use std::path::{Path, PathBuf};

use apiq_client::{codes, Client, ClientError, Sensitive};
use zeroize::Zeroizing;

use crate::error::{sentence, AppError, AppResult};

/// The database of the bundled backend, in the data folder.
pub const ACCOUNT_DB: &str = "account.db";

/// A 2FA setup between "confirm the password" and "Done".
pub struct Setup {
    pub password: Zeroizing<String>,
    pub secret: Sensitive,
    pub uri: Sensitive,
    /// The vault entry made by "Add to this authenticator".
    pub entry: Option<apiq_vault::EntryId>,
    /// Recovery codes received at the end, kept until "Done".
    pub codes: Vec<Sensitive>,
}

#[derive(Default)]
pub struct AccountState {
    pub client: Option<Client>,
    /// Which server the client talks to and whether it is the bundled one.
    pub bundled: bool,
    pub session: Option<Sensitive>,
    pub pending: bool,
    pub login: String,
    pub setup: Option<Setup>,
    /// The last recovery codes shown (view / regenerate), for Copy and
    /// Download; cleared when the panel closes or on sign-out.
    pub shown_codes: Vec<Sensitive>,
    /// The TOTP time step of the last code this app sent for the account:
    /// the server takes each step once, so the vault's code for a used
    /// step is replaced by the next step's (the server accepts one step
    /// ahead) instead of being refused.
    pub last_step: Option<u64>,
}

impl AccountState {
    pub fn session(&self) -> AppResult<&str> {
        match &self.session {
            Some(s) if !self.pending => Ok(s.expose()),
            Some(_) => Err(AppError::Account(
                "Finish signing in with your code first.".into(),
            )),
            None => Err(AppError::Account(
                "You are signed out. Sign in first.".into(),
            )),
        }
    }

    /// Which code to offer from the vault at `now` for an entry with
    /// `period`: the current step's, or the next one's when the current
    /// step was already used; `Err(seconds)` to wait when both were.
    pub fn step_to_offer(&self, now: u64, period: u64) -> Result<u64, u64> {
        let step = now / period;
        match self.last_step {
            Some(last) if last > step => Err((last + 1) * period - now - period),
            Some(last) if last == step => Ok(step + 1),
            _ => Ok(step),
        }
    }

    pub fn forget_session(&mut self) {
        self.session = None;
        self.pending = false;
        self.setup = None;
        self.shown_codes.clear();
    }
}

/// The server the person chose: `APIQ_SERVER_URL`, then Settings; `None`
/// for the bundled one.
pub fn configured_url(settings_url: &str) -> Option<String> {
    std::env::var("APIQ_SERVER_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| Some(settings_url.to_string()).filter(|u| !u.trim().is_empty()))
        .map(|u| u.trim().trim_end_matches('/').to_string())
}

/// Starts the bundled backend on 127.0.0.1 and a free port; returns its URL.
pub async fn start_bundled(data_dir: &Path) -> AppResult<String> {
    let db: PathBuf = data_dir.join(ACCOUNT_DB);
    let state = tauri::async_runtime::spawn_blocking(move || {
        apiq_server::AppState::new(apiq_server::Config::new(db))
    })
    .await
    .map_err(|e| AppError::Internal(format!("The account backend did not start: {e}.")))?
    .map_err(|e| {
        AppError::Account(format!(
            "The built-in account backend could not start: {}",
            sentence(&e.to_string())
        ))
    })?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| AppError::io("start the built-in account backend", &e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| AppError::io("start the built-in account backend", &e))?;
    tauri::async_runtime::spawn(apiq_server::serve(listener, state));
    Ok(format!("http://{addr}"))
}

/// A backend refusal or failure as a sentence at the right place.
pub fn client_error(e: ClientError) -> AppError {
    match &e {
        ClientError::Api { code, message, retry_after } => match *code {
            codes::AUTH_FAILED => AppError::WrongPassword,
            codes::INVALID_2FA_CODE => AppError::Account(
                "That code is not valid: it is wrong, already used or expired. Try the current code.".into(),
            ),
            codes::TOO_MANY_ATTEMPTS => {
                let wait = retry_after.unwrap_or(60);
                AppError::Throttled(format!(
                    "Too many attempts. Wait {} and try again.",
                    if wait >= 120 { format!("{} minutes", wait.div_ceil(60)) } else { format!("{wait} seconds") }
                ))
            }
            codes::SESSION_INVALID => {
                AppError::SessionEnded("Your session ended. Sign in again.".into())
            }
            codes::LOGIN_TAKEN => {
                AppError::Account("An account with this email address already exists. Sign in instead.".into())
            }
            codes::TWO_FACTOR_ALREADY_ENABLED => {
                AppError::Account("Two-factor authentication is already on for this account.".into())
            }
            codes::TWO_FACTOR_NOT_ENABLED => {
                AppError::Account("Two-factor authentication is not on for this account.".into())
            }
            _ => AppError::Account(sentence(message)),
        },
        // 704 with `reason: "busy"`: the server's hashing queue is full.
        ClientError::Busy { .. } => {
            AppError::Throttled("The account server is busy. Try again in a moment.".into())
        }
        ClientError::Unreachable { url, .. } => AppError::Unreachable(format!(
            "The account server at {url} cannot be reached. Nothing in your vault was changed."
        )),
        other => AppError::Account(sentence(&other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_become_sentences_of_the_right_kind() {
        let api = |code, retry_after| ClientError::Api {
            code,
            message: "x".into(),
            retry_after,
        };
        assert_eq!(client_error(api(701, None)).kind(), "wrong_password");
        let t = client_error(api(704, Some(30)));
        assert_eq!(t.kind(), "throttled");
        assert_eq!(
            t.to_string(),
            "Too many attempts. Wait 30 seconds and try again."
        );
        let busy = ClientError::Busy {
            message: "x".into(),
            retry_after: 1,
        };
        assert_eq!(
            client_error(busy).to_string(),
            "The account server is busy. Try again in a moment."
        );
        assert_eq!(
            client_error(api(704, Some(600))).to_string(),
            "Too many attempts. Wait 10 minutes and try again."
        );
        assert_eq!(client_error(api(705, None)).kind(), "session_ended");
        let u = client_error(ClientError::Unreachable {
            url: "http://127.0.0.1:9".into(),
            reason: "refused".into(),
        });
        assert_eq!(u.kind(), "unreachable");
        assert!(u.to_string().contains("Nothing in your vault was changed"));
    }

    #[test]
    fn a_used_step_is_replaced_by_the_next() {
        let mut a = AccountState::default();
        assert_eq!(a.step_to_offer(95, 30), Ok(3));
        a.last_step = Some(3);
        assert_eq!(a.step_to_offer(95, 30), Ok(4));
        a.last_step = Some(4);
        assert_eq!(a.step_to_offer(95, 30), Err(25));
        assert_eq!(a.step_to_offer(125, 30), Ok(5));
    }

    #[test]
    fn the_environment_wins_over_settings() {
        // Only the settings side is tested here: the environment is
        // process-wide and other tests run in parallel.
        if std::env::var_os("APIQ_SERVER_URL").is_none() {
            assert_eq!(configured_url(""), None);
            assert_eq!(
                configured_url(" http://h:1/ ").as_deref(),
                Some("http://h:1")
            );
        }
    }
}
