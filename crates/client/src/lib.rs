//! # apiq-client: the typed client of the account API
//!
//! One method per call of `design/account-api.md`, each returning a typed
//! reply. Requests are POSTs with a form body (secrets never go into URLs);
//! the envelope is checked here: `result` 0 gives the payload, any other
//! code gives [`ClientError::Api`] with the code, the server's message and,
//! for 704, `retry_after`. A server that cannot be reached is a distinct
//! [`ClientError::Unreachable`].
//!
//! Secret values in replies (sessions, TOTP secrets, recovery codes, token
//! values) are [`Sensitive`]: wiped on drop and hidden from `Debug`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), apiq_client::ClientError> {
//! let c = apiq_client::Client::new("http://127.0.0.1:8420")?;
//! let s = c.signin("ann@example.com", "password").await?;
//! let s = if s.two_factor_required {
//!     c.verify_2fa_code(s.session.expose(), "123456").await?
//! } else {
//!     s
//! };
//! let me = c.get_user_info(s.session.expose()).await?;
//! # let _ = me; Ok(()) }
//! ```

mod error;
mod types;

pub use error::{codes, ClientError};
pub use types::*;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The default address of the bundled backend.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8420";

/// A client of one server. Cheap to clone; holds no session.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    /// A client of the server at `base_url` (`http://host:port`).
    pub fn new(base_url: impl Into<String>) -> Result<Self, ClientError> {
        let base = base_url.into().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://"))
            || base.len() <= "https://".len()
        {
            return Err(ClientError::BadUrl(base));
        }
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .connect_timeout(std::time::Duration::from_secs(5))
            .build()
            .map_err(|e| ClientError::BadUrl(e.to_string()))?;
        Ok(Client { http, base })
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Calls `/1.0/users/{service}/rest/{method}` and returns the payload
    /// of a `result: 0` envelope.
    pub async fn call_raw(
        &self,
        service: &str,
        method: &str,
        params: &[(&str, &str)],
    ) -> Result<Value, ClientError> {
        let url = format!(
            "{}/1.0/users/{service}/rest/{}",
            self.base,
            method.to_ascii_lowercase()
        );
        let resp = self
            .http
            .post(&url)
            .form(params)
            .send()
            .await
            .map_err(|e| ClientError::Unreachable {
                url: self.base.clone(),
                reason: error::describe(&e),
            })?;
        let status = resp.status().as_u16();
        let body: Value = match resp.json().await {
            Ok(v) => v,
            Err(_) if status != 200 => return Err(ClientError::Http { status, url }),
            Err(e) => return Err(ClientError::Protocol(format!("not JSON: {e}"))),
        };
        if status != 200 {
            return Err(ClientError::Http { status, url });
        }
        let code = body
            .get("result")
            .and_then(Value::as_i64)
            .ok_or_else(|| ClientError::Protocol("no result code in the reply".into()))?;
        if code == codes::OK {
            return Ok(body);
        }
        Err(ClientError::Api {
            code,
            message: body
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("unknown error")
                .to_owned(),
            retry_after: body.get("retryAfter").and_then(Value::as_u64),
        })
    }

    async fn call<T: DeserializeOwned>(
        &self,
        service: &str,
        method: &str,
        params: &[(&str, &str)],
    ) -> Result<T, ClientError> {
        let v = self.call_raw(service, method, params).await?;
        serde_json::from_value(v)
            .map_err(|e| ClientError::Protocol(format!("{method}: unexpected reply: {e}")))
    }

    async fn call_unit(
        &self,
        service: &str,
        method: &str,
        params: &[(&str, &str)],
    ) -> Result<(), ClientError> {
        self.call_raw(service, method, params).await.map(|_| ())
    }

    // ---- users/registration ------------------------------------------

    /// Creates an account; returns its uid.
    pub async fn create_account(
        &self,
        email: &str,
        password: &str,
        name: Option<&str>,
    ) -> Result<i64, ClientError> {
        let mut p = vec![("email", email), ("password", password)];
        if let Some(n) = name {
            p.push(("name", n));
        }
        let r: Created = self.call("registration", "createaccount", &p).await?;
        Ok(r.uid)
    }

    // ---- users/authentication ----------------------------------------

    pub async fn signin(&self, login: &str, password: &str) -> Result<SigninReply, ClientError> {
        self.call(
            "authentication",
            "signin",
            &[("login", login), ("password", password)],
        )
        .await
    }

    /// Completes a pending session with a TOTP code or a recovery code.
    pub async fn verify_2fa_code(
        &self,
        session: &str,
        code: &str,
    ) -> Result<SigninReply, ClientError> {
        self.call(
            "authentication",
            "verify2facode",
            &[("session", session), ("code", code)],
        )
        .await
    }

    pub async fn signout(&self, session: &str) -> Result<(), ClientError> {
        self.call_unit("authentication", "signout", &[("session", session)])
            .await
    }

    pub async fn get_sessions(&self, session: &str) -> Result<Vec<SessionInfo>, ClientError> {
        let r: Sessions = self
            .call("authentication", "getsessions", &[("session", session)])
            .await?;
        Ok(r.sessions)
    }

    pub async fn signout_sessions(&self, session: &str, ids: &Ids) -> Result<(), ClientError> {
        let ids = ids.to_param();
        self.call_unit(
            "authentication",
            "signoutsessions",
            &[("session", session), ("ids", &ids)],
        )
        .await
    }

    pub async fn create_token(
        &self,
        session: &str,
        password: &str,
        request: &TokenRequest,
    ) -> Result<CreatedToken, ClientError> {
        let mut p = vec![
            ("session", session),
            ("password", password),
            ("description", request.description.as_str()),
        ];
        let api = request.api_list.join(",");
        if !request.api_list.is_empty() {
            p.push(("apiList", &api));
        }
        if let Some(t) = &request.token_template {
            p.push(("tokenTemplate", t));
        }
        if let Some(e) = &request.expires_at {
            p.push(("expiresAt", e));
        }
        let r: CreatedTokenReply = self.call("authentication", "createtoken", &p).await?;
        Ok(r.token)
    }

    pub async fn get_tokens(&self, session: &str) -> Result<Vec<TokenInfo>, ClientError> {
        let r: Tokens = self
            .call("authentication", "gettokens", &[("session", session)])
            .await?;
        Ok(r.tokens)
    }

    pub async fn delete_tokens(
        &self,
        session: &str,
        password: &str,
        ids: &Ids,
    ) -> Result<(), ClientError> {
        let ids = ids.to_param();
        self.call_unit(
            "authentication",
            "deletetokens",
            &[("session", session), ("password", password), ("ids", &ids)],
        )
        .await
    }

    // ---- users/account -----------------------------------------------

    /// Callable with a session or a token whose apiList allows it.
    pub async fn get_user_info(&self, session: &str) -> Result<UserInfo, ClientError> {
        self.call("account", "getuserinfo", &[("session", session)])
            .await
    }

    pub async fn get_2fa_config(
        &self,
        session: &str,
        password: &str,
    ) -> Result<TwoFactorConfig, ClientError> {
        self.call(
            "account",
            "get2faconfig",
            &[("session", session), ("password", password)],
        )
        .await
    }

    /// Turns 2FA on; returns the ten recovery codes.
    pub async fn enable_2fa(
        &self,
        session: &str,
        password: &str,
        code: &str,
    ) -> Result<Vec<Sensitive>, ClientError> {
        let r: NewCodes = self
            .call(
                "account",
                "enable2fa",
                &[("session", session), ("password", password), ("code", code)],
            )
            .await?;
        Ok(r.recovery_codes)
    }

    pub async fn get_2fa_backup_codes(
        &self,
        session: &str,
        password: &str,
    ) -> Result<BackupCodes, ClientError> {
        self.call(
            "account",
            "get2fabackupcodes",
            &[("session", session), ("password", password)],
        )
        .await
    }

    pub async fn regenerate_2fa_backup_codes(
        &self,
        session: &str,
        password: &str,
    ) -> Result<Vec<Sensitive>, ClientError> {
        let r: NewCodes = self
            .call(
                "account",
                "regenerate2fabackupcodes",
                &[("session", session), ("password", password)],
            )
            .await?;
        Ok(r.recovery_codes)
    }

    pub async fn disable_2fa(&self, session: &str, password: &str) -> Result<(), ClientError> {
        self.call_unit(
            "account",
            "disable2fa",
            &[("session", session), ("password", password)],
        )
        .await
    }

    /// The account's audit events, newest first.
    pub async fn get_audit_log(
        &self,
        session: &str,
        limit: Option<u32>,
    ) -> Result<Vec<AuditEvent>, ClientError> {
        let limit = limit.map(|l| l.to_string());
        let mut p = vec![("session", session)];
        if let Some(l) = &limit {
            p.push(("limit", l));
        }
        let r: AuditLog = self.call("account", "getauditlog", &p).await?;
        Ok(r.events)
    }
}
