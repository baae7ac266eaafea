//! The services behind each method, one module per area: `auth`
//! (registration, sign-in, the second factor), `sessions`, `tokens`,
//! `two_factor` (setup and recovery codes), `audit`. Each handler takes the
//! parsed parameters and answers a typed reply of `apiq-account-proto`
//! (serialized with its `result: 0` envelope) or an [`ApiError`], which the
//! HTTP edge (`http.rs`) turns into the refusal envelope. This module holds
//! what they share: the request context, who is calling (session or token,
//! with the method's access rule), the password check.
//! Every database step runs through [`Store::call`](crate::store::Store::call).

mod audit;
mod auth;
mod sessions;
mod tokens;
mod two_factor;

use std::net::IpAddr;

use apiq_account_proto::{self as proto, Access, Method};
use serde::Serialize;

use crate::crypto;
use crate::error::ApiError;
use crate::params::Params;
use crate::store::{
    CheckClaim, CheckState, Checked, Db, Limit, SessionRow, Settle, Settled, TokenRow, UserRow,
};
use crate::AppState;
use audit::{audit, audit_threshold};
use zeroize::Zeroizing;

/// Failed codes a pending session survives.
pub const PENDING_ATTEMPTS: u32 = 5;

/// Only refresh `last_used` when it is older than this (seconds).
const TOUCH_EVERY: u64 = 60;

/// Recovery codes per account.
pub const RECOVERY_CODES: usize = 10;

/// Issuer shown in authenticator apps.
pub const ISSUER: &str = "Apiqcloud";

/// A handler's answer: the whole success envelope as JSON text, or a refusal.
pub type Reply = Result<String, ApiError>;

/// `{"result": 0, …reply}` of a typed reply.
fn ok<T: Serialize>(reply: &T) -> Reply {
    serde_json::to_string(&proto::Success::new(reply)).map_err(|_| ApiError::Internal)
}

/// One request's context.
pub struct Cx {
    pub st: AppState,
    pub addr: IpAddr,
    pub now: u64,
}

impl Cx {
    async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut dyn Db) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.st.inner.store.call(f).await
    }

    /// The budget and window of a per-address limit.
    fn limit_of(&self, limit: Limit) -> (u32, u64) {
        let cfg = &self.st.inner.config;
        match limit {
            Limit::Failures => (cfg.addr_max_failures, cfg.addr_window),
            Limit::Signups => (cfg.signup_max_per_addr, cfg.signup_window),
        }
    }

    /// Claims one event of `limit` for this address: 704 when its window
    /// is full (atomic across instances: the count lives in the database).
    async fn limit_take(&self, limit: Limit) -> Result<(), ApiError> {
        let (max, window) = self.limit_of(limit);
        let (addr, now) = (self.addr.to_string(), self.now);
        let wait = self
            .db(move |db| Ok(db.address_take(limit, &addr, now, max, window)?))
            .await?;
        match wait {
            Some(retry_after) => Err(ApiError::TooManyAttempts { retry_after }),
            None => Ok(()),
        }
    }

    /// Gives back an event claimed by [`Cx::limit_take`].
    async fn limit_give_back(&self, limit: Limit) -> Result<(), ApiError> {
        let addr = self.addr.to_string();
        self.db(move |db| Ok(db.address_give_back(limit, &addr)?))
            .await
    }
}

/// Who is calling.
pub enum Who {
    Session { sid: i64, pending: bool },
    Token,
}

pub struct Principal {
    pub user: UserRow,
    pub who: Who,
}

impl Principal {
    fn sid(&self) -> Option<i64> {
        match self.who {
            Who::Session { sid, .. } => Some(sid),
            Who::Token => None,
        }
    }
}

/// Resolves `raw` (a session or a token) for a call of `m`, enforcing the
/// method's access rule. Runs on a database thread.
fn authenticate(
    db: &mut dyn Db,
    st: &AppState,
    now: u64,
    raw: &str,
    m: Method,
) -> Result<Principal, ApiError> {
    let access = m.access();
    if raw.starts_with(crypto::TOKEN_PREFIX) {
        // Malformed tokens are refused before any lookup.
        if !crypto::token_well_formed(raw) {
            return Err(ApiError::SessionInvalid);
        }
        let (tok, user) = db
            .token_with_user(&crypto::sha256(raw.as_bytes()))?
            .ok_or(ApiError::SessionInvalid)?;
        if tok.expires_at.is_some_and(|e| now >= e) {
            return Err(ApiError::SessionInvalid);
        }
        if access != Access::FullOrToken || !token_allows(&tok, m) {
            return Err(ApiError::PermissionDenied);
        }
        if tok.last_used.is_none_or(|t| now >= t + TOUCH_EVERY) {
            db.touch_token(tok.id, now)?;
        }
        return Ok(Principal {
            user,
            who: Who::Token,
        });
    }
    if raw.len() > 256 {
        return Err(ApiError::SessionInvalid);
    }
    let (s, user) = db
        .session_with_user(&crypto::sha256(raw.as_bytes()))?
        .ok_or(ApiError::SessionInvalid)?;
    if session_expired(&s, now, st.inner.config.session_idle) {
        db.delete_session(s.id)?;
        return Err(ApiError::SessionInvalid);
    }
    match (s.pending, access) {
        (true, Access::Pending | Access::AnySession) => {}
        (true, _) => return Err(ApiError::TwoFactorRequired),
        (false, Access::Pending) => {
            return Err(ApiError::InvalidParam(
                "the session is already verified".into(),
            ))
        }
        (false, _) => {}
    }
    if !s.pending && now >= s.last_used + TOUCH_EVERY {
        db.touch_session(s.id, now)?;
    }
    Ok(Principal {
        user,
        who: Who::Session {
            sid: s.id,
            pending: s.pending,
        },
    })
}

fn session_expired(s: &SessionRow, now: u64, idle: u64) -> bool {
    now >= s.expires || (!s.pending && now >= s.last_used.saturating_add(idle))
}

fn token_allows(tok: &TokenRow, m: Method) -> bool {
    tok.api_list == "*"
        || tok
            .api_list
            .split(',')
            .any(|name| name.eq_ignore_ascii_case(&m.dotted()))
}

/// Authenticates `session` for `m` on a database thread.
async fn auth(cx: &Cx, p: &Params, m: Method) -> Result<Principal, ApiError> {
    let raw = p.secret("session")?;
    let st = cx.st.clone();
    let now = cx.now;
    cx.db(move |db| authenticate(db, &st, now, &raw, m)).await
}

/// Whose password a check is of, found in its first database step.
pub(super) struct Found<T> {
    /// Whose checks are counted.
    pub who: Checked,
    /// The password hash (`None`: a login with no account, checked
    /// against the dummy hash).
    pub phc: Option<String>,
    /// Whether a right password clears the failure counter (a sign-in
    /// done).
    pub clears: bool,
    /// The check state when it was read in the same step (saves a read).
    pub seen: Option<CheckState>,
    /// Anything the caller wants back.
    pub extra: T,
}

/// Checks a password with the attempt claimed **before** the hash is
/// computed, so parallel guesses cannot all pass one window. `find` says
/// whose password it is ([`Found`]); in the same database step a
/// failed-attempt slot of this address is claimed, then a check of that
/// account ([`Db::claim_check`]: busy when as many checks as it may have
/// are in flight, throttled when it must wait). After the hash, one more
/// step runs `then` with the check to settle ([`Settle`], which `then`
/// settles with what follows from it: [`Db::settle`], or
/// [`Db::settle_and_open`] for a sign-in), whether the password matched,
/// and `find`'s extra; its result is returned.
async fn checked_password<T: Send + 'static, R: Send + 'static>(
    cx: &Cx,
    password: Zeroizing<String>,
    find: impl FnOnce(&mut dyn Db) -> Result<Found<T>, ApiError> + Send + 'static,
    then: impl FnOnce(&mut dyn Db, Settle, bool, T) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    let (max, window) = cx.limit_of(Limit::Failures);
    let (addr, now) = (cx.addr.to_string(), cx.now);
    let addr2 = addr.clone();
    let found = cx
        .db(move |db| {
            let found = find(db)?;
            if let Some(retry_after) = db.address_take(Limit::Failures, &addr, now, max, window)? {
                return Err(ApiError::TooManyAttempts { retry_after });
            }
            let refusal = match db.claim_check(&found.who, found.seen, now)? {
                CheckClaim::Allowed => return Ok(found),
                CheckClaim::Busy => ApiError::Busy { retry_after: 1 },
                CheckClaim::Wait(retry_after) => ApiError::TooManyAttempts { retry_after },
            };
            db.address_give_back(Limit::Failures, &addr)?;
            Err(refusal)
        })
        .await?;
    let verified = cx.st.inner.hasher.verify(password, found.phc).await;
    let how = match (&verified, found.clears) {
        (Ok(false), _) => Settled::Failed,
        (Ok(true), true) => Settled::Cleared,
        // A hashing error neither counts a failure nor clears the counter.
        (Ok(true), false) | (Err(_), _) => Settled::Passed,
    };
    let settle = Settle {
        who: found.who,
        how,
        now,
        address: addr2,
    };
    // The check is settled and what follows from its outcome (a session,
    // an audit line) is written in the same trip to the database.
    let extra = found.extra;
    cx.db(move |db| match verified {
        Ok(matched) => then(db, settle, matched, extra),
        Err(e) => {
            db.settle(&settle)?;
            Err(e)
        }
    })
    .await
}

/// Checks the account password of an authenticated caller; a failure counts
/// against the account and the address like a failed sign-in.
async fn check_password(cx: &Cx, user: &UserRow, p: &Params) -> Result<(), ApiError> {
    let password = p.secret("password")?;
    let found = Found {
        who: Checked::User(user.id),
        phc: Some(user.password_hash.clone()),
        clears: false,
        seen: None,
        extra: (),
    };
    let (uid, now, addr) = (user.id, cx.now, cx.addr.to_string());
    checked_password(
        cx,
        password,
        move |_| Ok(found),
        move |db, settle, ok, ()| {
            let failures = db.settle(&settle)?;
            if ok {
                return Ok(());
            }
            audit(db, Some(uid), now, &addr, "password.failed", "")?;
            audit_threshold(db, uid, now, &addr, failures)?;
            Err(ApiError::AuthFailed)
        },
    )
    .await
}

/// Only a full session passes: pending → 702, token → 8202.
fn full_user(pr: &Principal) -> Result<(), ApiError> {
    match pr.who {
        Who::Session { pending: false, .. } => Ok(()),
        Who::Session { pending: true, .. } => Err(ApiError::TwoFactorRequired),
        Who::Token => Err(ApiError::PermissionDenied),
    }
}

/// Runs one method.
pub async fn dispatch(cx: Cx, m: Method, p: Params) -> Reply {
    match m {
        Method::CreateAccount => auth::create_account(&cx, &p).await,
        Method::Signin => auth::signin(&cx, &p).await,
        Method::Verify2FACode => auth::verify_code(&cx, &p).await,
        Method::Signout => sessions::signout(&cx, &p).await,
        Method::GetSessions => sessions::get_sessions(&cx, &p).await,
        Method::SignoutSessions => sessions::signout_sessions(&cx, &p).await,
        Method::CreateToken => tokens::create_token(&cx, &p).await,
        Method::GetTokens => tokens::get_tokens(&cx, &p).await,
        Method::DeleteTokens => tokens::delete_tokens(&cx, &p).await,
        Method::GetUserInfo => sessions::get_user_info(&cx, &p).await,
        Method::Get2FAConfig => two_factor::get_2fa_config(&cx, &p).await,
        Method::Enable2FA => two_factor::enable_2fa(&cx, &p).await,
        Method::Get2FABackupCodes => two_factor::get_backup_codes(&cx, &p).await,
        Method::Regenerate2FABackupCodes => two_factor::regenerate_codes(&cx, &p).await,
        Method::Disable2FA => two_factor::disable_2fa(&cx, &p).await,
        Method::GetAuditLog => audit::get_audit_log(&cx, &p).await,
    }
}
