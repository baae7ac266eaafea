//! The account side's edge: which backend the window talks to, and the
//! account errors as the window's sentences. The state and the "2FA into
//! the vault" workflow are [`apiq_app::account`]'s; the choice of server
//! is [`apiq_app::server`]'s (`APIQ_SERVER_URL`, else Settings, else the
//! bundled backend, started on first use so that it costs nothing to
//! people who only want codes; the app talks to it only through
//! `apiq-client`, as any remote client would).

use std::path::Path;

use apiq_app::account::AccountError;
use apiq_client::{codes, ClientError};

use crate::error::{sentence, AppError, AppResult};

/// The server the person chose: `APIQ_SERVER_URL`, then Settings; `None`
/// for the bundled one.
pub fn configured_url(settings_url: &str) -> Option<String> {
    apiq_app::server::choose(None, Some(settings_url))
}

/// Starts the bundled backend; returns its URL.
pub async fn start_bundled(data_dir: &Path) -> AppResult<String> {
    apiq_app::server::bundled::start(data_dir)
        .await
        .map_err(|e| match e {
            apiq_app::server::bundled::StartError::Listen(e) => {
                AppError::io("start the built-in account backend", &e)
            }
            other => AppError::Account(format!(
                "The built-in account backend could not start: {}",
                sentence(&other.to_string())
            )),
        })
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::SignedOut => {
                AppError::Account("You are signed out. Sign in first.".into())
            }
            AccountError::SecondStepPending => {
                AppError::Account("Finish signing in with your code first.".into())
            }
            AccountError::NoSetup => {
                AppError::Account("Start the setup again: confirm your password.".into())
            }
            AccountError::NotInVault => {
                AppError::NotFound("This account is not in the vault.".into())
            }
            AccountError::StepUsed(wait) => AppError::Throttled(format!(
                "This code was just used. A new one comes in {wait} seconds."
            )),
            AccountError::Otp(e) => AppError::from(e),
            AccountError::Vault(e) => AppError::from(e),
        }
    }
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
    use crate::dto::ErrorKind;

    #[test]
    fn refusals_become_sentences_of_the_right_kind() {
        let api = |code, retry_after| ClientError::Api {
            code,
            message: "x".into(),
            retry_after,
        };
        assert_eq!(
            client_error(api(701, None)).kind(),
            ErrorKind::WrongPassword
        );
        let t = client_error(api(704, Some(30)));
        assert_eq!(t.kind(), ErrorKind::Throttled);
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
        assert_eq!(client_error(api(705, None)).kind(), ErrorKind::SessionEnded);
        let u = client_error(ClientError::Unreachable {
            url: "http://127.0.0.1:9".into(),
            reason: "refused".into(),
        });
        assert_eq!(u.kind(), ErrorKind::Unreachable);
        assert!(u.to_string().contains("Nothing in your vault was changed"));
    }

    #[test]
    fn the_environment_wins_over_settings() {
        // Only the settings side is tested here: the environment is
        // process-wide and other tests run in parallel.
        if std::env::var_os("APIQ_SERVER_URL").is_none()
            && std::env::var_os("APIQ_SERVER").is_none()
        {
            assert_eq!(configured_url(""), None);
            assert_eq!(
                configured_url(" http://h:1/ ").as_deref(),
                Some("http://h:1")
            );
        }
    }
}
