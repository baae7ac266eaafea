//! # apiq-client: the typed client of the account API
//!
//! One method per call of `design/account-api.md`, each returning a typed
//! reply. Requests are POSTs with a form body (secrets never go into URLs);
//! the envelope is checked here: `result` 0 gives the payload, any other
//! code gives [`ClientError::Api`] with the code, the server's message and,
//! for 704, `retry_after`; a 704 whose `reason` is `busy` (the server's
//! hashing queue is full, nothing was counted) is [`ClientError::Busy`].
//! A server that cannot be reached is a distinct [`ClientError::Unreachable`].
//! Requests and replies are the typed structs of `apiq-account-proto`,
//! shared with the server.
//!
//! Secret values in replies (sessions, TOTP secrets, recovery codes, token
//! values) are [`Sensitive`]: wiped on drop and hidden from `Debug`.
//!
//! Every reply's `Date` header (the server's clock, to the second) can be
//! watched: [`Client::on_reply_date`] is called with a [`ReplyDate`] for
//! each reply that has one, refusals and errors included; the app checks
//! this machine's clock with it.
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

use apiq_account_proto as proto;
use apiq_account_proto::{Method, Refusal};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use std::time::SystemTime;

/// The default address of the bundled backend.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8420";

/// Whether a URL's host is this machine: `localhost` (and names under
/// it), `127.0.0.0/8`, `::1`.
fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = h.parse::<std::net::IpAddr>() {
        return ip.is_loopback();
    }
    let d = h.trim_end_matches('.').to_ascii_lowercase();
    d == "localhost" || d.ends_with(".localhost")
}

/// The `Date` of one reply (RFC 9110: when the server made it, truncated
/// to the second), with when the request left and the reply's headers
/// arrived, both on this machine's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyDate {
    /// The server's `Date`.
    pub server: SystemTime,
    /// When the request was sent (local clock).
    pub sent: SystemTime,
    /// When the reply's headers arrived (local clock).
    pub received: SystemTime,
}

impl ReplyDate {
    /// Reads a `Date` header's value (an HTTP date); `None` if it is not
    /// one.
    pub fn parse(date: &str, sent: SystemTime, received: SystemTime) -> Option<ReplyDate> {
        let server = httpdate::parse_http_date(date.trim()).ok()?;
        Some(ReplyDate {
            server,
            sent,
            received,
        })
    }
}

/// What is called with each reply's [`ReplyDate`].
type DateWatcher = Arc<dyn Fn(&ReplyDate) + Send + Sync>;

/// A client of one server. Cheap to clone; holds no session.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    on_date: Option<DateWatcher>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("watches_dates", &self.on_date.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client of the server at `base_url` (`https://host[:port]`, or
    /// `http://` on a loopback address).
    ///
    /// Refused before anything is sent (`design/account-api.md`, "Defences
    /// of a local listener"): a plain `http://` URL whose host is not a
    /// loopback name or address ([`ClientError::InsecureUrl`]: passwords
    /// would cross the network readable). A loopback server is never
    /// reached through a proxy from the environment (`HTTP_PROXY`,
    /// `ALL_PROXY` …): a proxy would see every password and code.
    pub fn new(base_url: impl Into<String>) -> Result<Self, ClientError> {
        let base = base_url.into().trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base).map_err(|_| ClientError::BadUrl(base.clone()))?;
        let host = match (url.scheme(), url.host_str()) {
            ("http" | "https", Some(host)) if !host.is_empty() => host.to_owned(),
            _ => return Err(ClientError::BadUrl(base)),
        };
        let loopback = is_loopback(&host);
        if url.scheme() == "http" && !loopback {
            return Err(ClientError::InsecureUrl(host));
        }
        let mut builder = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .connect_timeout(std::time::Duration::from_secs(5));
        if loopback {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::BadUrl(e.to_string()))?;
        Ok(Client {
            http,
            base,
            on_date: None,
        })
    }

    /// Calls `watch` with the `Date` of every reply this client (and its
    /// clones made after this) gets, whatever the reply says (a refusal,
    /// an HTTP error); replies without a readable `Date` are skipped.
    /// Called on the task that made the request, before the body is read:
    /// it should be quick.
    pub fn on_reply_date(mut self, watch: impl Fn(&ReplyDate) + Send + Sync + 'static) -> Self {
        self.on_date = Some(Arc::new(watch));
        self
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Calls method `m` with `request` as a form body and returns the whole
    /// `result: 0` envelope.
    pub async fn call_raw<R: Serialize + ?Sized>(
        &self,
        m: Method,
        request: &R,
    ) -> Result<Value, ClientError> {
        let url = format!("{}{}", self.base, m.path());
        let sent = SystemTime::now();
        let resp = self
            .http
            .post(&url)
            .form(request)
            .send()
            .await
            .map_err(|e| ClientError::Unreachable {
                url: self.base.clone(),
                reason: error::describe(&e),
            })?;
        if let Some(watch) = &self.on_date {
            let date = resp.headers().get(reqwest::header::DATE);
            if let Some(d) = date
                .and_then(|d| d.to_str().ok())
                .and_then(|d| ReplyDate::parse(d, sent, SystemTime::now()))
            {
                watch(&d);
            }
        }
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
        let refusal: Refusal = serde_json::from_value(body)
            .map_err(|e| ClientError::Protocol(format!("a malformed refusal: {e}")))?;
        Err(match (refusal.reason, refusal.retry_after) {
            (Some(proto::Reason::Busy), Some(retry_after)) => ClientError::Busy {
                message: refusal.error,
                retry_after,
            },
            _ => ClientError::Api {
                code,
                message: refusal.error,
                retry_after: refusal.retry_after,
            },
        })
    }

    async fn call<R: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        m: Method,
        request: &R,
    ) -> Result<T, ClientError> {
        let v = self.call_raw(m, request).await?;
        serde_json::from_value(v)
            .map_err(|e| ClientError::Protocol(format!("{}: unexpected reply: {e}", m.name())))
    }

    // ---- users/registration ------------------------------------------

    /// Creates an account; returns its uid.
    pub async fn create_account(
        &self,
        email: &str,
        password: &str,
        name: Option<&str>,
    ) -> Result<i64, ClientError> {
        let r: proto::Created = self
            .call(
                Method::CreateAccount,
                &proto::CreateAccountRequest {
                    email,
                    password,
                    name,
                },
            )
            .await?;
        Ok(r.uid)
    }

    // ---- users/authentication ----------------------------------------

    pub async fn signin(&self, login: &str, password: &str) -> Result<SigninReply, ClientError> {
        self.call(Method::Signin, &proto::SigninRequest { login, password })
            .await
    }

    /// Completes a pending session with a TOTP code or a recovery code.
    pub async fn verify_2fa_code(
        &self,
        session: &str,
        code: &str,
    ) -> Result<SigninReply, ClientError> {
        self.call(
            Method::Verify2FACode,
            &proto::Verify2FACodeRequest { session, code },
        )
        .await
    }

    pub async fn signout(&self, session: &str) -> Result<(), ClientError> {
        let _: proto::Empty = self
            .call(Method::Signout, &proto::SessionRequest { session })
            .await?;
        Ok(())
    }

    pub async fn get_sessions(&self, session: &str) -> Result<Vec<SessionInfo>, ClientError> {
        let r: proto::Sessions = self
            .call(Method::GetSessions, &proto::SessionRequest { session })
            .await?;
        Ok(r.sessions)
    }

    pub async fn signout_sessions(&self, session: &str, ids: &Ids) -> Result<(), ClientError> {
        let _: proto::Empty = self
            .call(
                Method::SignoutSessions,
                &proto::SignoutSessionsRequest {
                    session,
                    ids: ids.to_param(),
                },
            )
            .await?;
        Ok(())
    }

    pub async fn create_token(
        &self,
        session: &str,
        password: &str,
        request: &TokenRequest,
    ) -> Result<CreatedToken, ClientError> {
        let r: proto::CreatedTokenReply = self
            .call(
                Method::CreateToken,
                &proto::CreateTokenRequest {
                    session,
                    password,
                    description: &request.description,
                    api_list: (!request.api_list.is_empty()).then(|| request.api_list.join(",")),
                    token_template: request.token_template.as_deref(),
                    expires_at: request.expires_at.as_deref(),
                },
            )
            .await?;
        Ok(r.token)
    }

    pub async fn get_tokens(&self, session: &str) -> Result<Vec<TokenInfo>, ClientError> {
        let r: proto::Tokens = self
            .call(
                Method::GetTokens,
                &proto::GetTokensRequest { session, ids: None },
            )
            .await?;
        Ok(r.tokens)
    }

    pub async fn delete_tokens(
        &self,
        session: &str,
        password: &str,
        ids: &Ids,
    ) -> Result<(), ClientError> {
        let _: proto::Empty = self
            .call(
                Method::DeleteTokens,
                &proto::DeleteTokensRequest {
                    session,
                    password,
                    ids: ids.to_param(),
                },
            )
            .await?;
        Ok(())
    }

    // ---- users/account -----------------------------------------------

    /// Callable with a session or a token whose apiList allows it.
    pub async fn get_user_info(&self, session: &str) -> Result<UserInfo, ClientError> {
        self.call(Method::GetUserInfo, &proto::SessionRequest { session })
            .await
    }

    pub async fn get_2fa_config(
        &self,
        session: &str,
        password: &str,
    ) -> Result<TwoFactorConfig, ClientError> {
        self.call(
            Method::Get2FAConfig,
            &proto::PasswordRequest { session, password },
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
        let r: proto::NewCodes = self
            .call(
                Method::Enable2FA,
                &proto::Enable2FARequest {
                    session,
                    password,
                    code,
                },
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
            Method::Get2FABackupCodes,
            &proto::PasswordRequest { session, password },
        )
        .await
    }

    pub async fn regenerate_2fa_backup_codes(
        &self,
        session: &str,
        password: &str,
    ) -> Result<Vec<Sensitive>, ClientError> {
        let r: proto::NewCodes = self
            .call(
                Method::Regenerate2FABackupCodes,
                &proto::PasswordRequest { session, password },
            )
            .await?;
        Ok(r.recovery_codes)
    }

    pub async fn disable_2fa(&self, session: &str, password: &str) -> Result<(), ClientError> {
        let _: proto::Empty = self
            .call(
                Method::Disable2FA,
                &proto::PasswordRequest { session, password },
            )
            .await?;
        Ok(())
    }

    /// The account's audit events, newest first.
    pub async fn get_audit_log(
        &self,
        session: &str,
        limit: Option<u32>,
    ) -> Result<Vec<AuditEvent>, ClientError> {
        let r: proto::AuditLog = self
            .call(
                Method::GetAuditLog,
                &proto::GetAuditLogRequest { session, limit },
            )
            .await?;
        Ok(r.events)
    }
}
