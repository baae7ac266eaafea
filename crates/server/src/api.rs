//! The services behind each method: sign-in, 2FA, recovery codes, sessions,
//! tokens, audit. Each handler takes the parsed parameters and answers a
//! JSON payload or an [`ApiError`]; the HTTP edge (`http.rs`) wraps either
//! in the envelope. Every database step runs through [`Store::call`].

use std::net::IpAddr;

use apiq_account_proto as proto;
use base64::Engine;
use proto::Sensitive;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::clock::format_utc;
use crate::crypto::{self, CodeShape};
use crate::error::ApiError;
use crate::params::Params;
use crate::store::{Claim, Consumed, Db, NewCode, SessionRow, TokenRow, UserRow};
use crate::throttle;
use crate::AppState;
use apiq_account_proto::{Access, Method};

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
        F: FnOnce(&mut Db) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.st.inner.store.call(f).await
    }

    fn addr_check(&self) -> Result<(), ApiError> {
        match self.st.inner.limiter.check(self.addr, self.now) {
            Some(retry_after) => Err(ApiError::TooManyAttempts { retry_after }),
            None => Ok(()),
        }
    }

    fn addr_failed(&self) {
        self.st.inner.limiter.record(self.addr, self.now);
    }
}

/// Logs an audit event to the server log (never secrets: event names, ids).
fn log_event(uid: Option<i64>, event: &str, detail: &str) {
    tracing::info!(target: "apiq_server::audit", uid, event, detail, "audit");
}

fn audit(
    db: &mut Db,
    uid: Option<i64>,
    cx_now: u64,
    addr: &str,
    event: &str,
    detail: &str,
) -> Result<(), ApiError> {
    log_event(uid, event, detail);
    db.audit(uid, cx_now, event, addr, detail)?;
    Ok(())
}

/// After a failure raised the counter to `failures`: audit the moments the
/// account becomes throttled and locked.
fn audit_threshold(
    db: &mut Db,
    uid: i64,
    now: u64,
    addr: &str,
    failures: u32,
) -> Result<(), ApiError> {
    if failures == throttle::FREE_FAILURES {
        audit(
            db,
            Some(uid),
            now,
            addr,
            "account.throttled",
            &format!("{failures} consecutive failures"),
        )?;
    } else if failures == throttle::LOCK_AT {
        audit(
            db,
            Some(uid),
            now,
            addr,
            "account.locked",
            &format!("{failures} consecutive failures"),
        )?;
    }
    Ok(())
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
    db: &mut Db,
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

/// Checks the account password of an authenticated caller; a failure counts
/// against the account and the address like a failed sign-in.
async fn check_password(cx: &Cx, user: &UserRow, p: &Params) -> Result<(), ApiError> {
    let password = p.secret("password")?;
    cx.addr_check()?;
    if let Some(retry_after) = throttle::retry_after(user.failures, user.last_failure, cx.now) {
        return Err(ApiError::TooManyAttempts { retry_after });
    }
    let ok = cx
        .st
        .inner
        .hasher
        .verify(password, Some(user.password_hash.clone()))
        .await?;
    if ok {
        return Ok(());
    }
    cx.addr_failed();
    let (uid, now, addr) = (user.id, cx.now, cx.addr.to_string());
    cx.db(move |db| {
        let n = db.record_failure(uid, now)?;
        audit(db, Some(uid), now, &addr, "password.failed", "")?;
        audit_threshold(db, uid, now, &addr, n)
    })
    .await?;
    Err(ApiError::AuthFailed)
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
        Method::CreateAccount => create_account(&cx, &p).await,
        Method::Signin => signin(&cx, &p).await,
        Method::Verify2FACode => verify_code(&cx, &p).await,
        Method::Signout => signout(&cx, &p).await,
        Method::GetSessions => get_sessions(&cx, &p).await,
        Method::SignoutSessions => signout_sessions(&cx, &p).await,
        Method::CreateToken => create_token(&cx, &p).await,
        Method::GetTokens => get_tokens(&cx, &p).await,
        Method::DeleteTokens => delete_tokens(&cx, &p).await,
        Method::GetUserInfo => get_user_info(&cx, &p).await,
        Method::Get2FAConfig => get_2fa_config(&cx, &p).await,
        Method::Enable2FA => enable_2fa(&cx, &p).await,
        Method::Get2FABackupCodes => get_backup_codes(&cx, &p).await,
        Method::Regenerate2FABackupCodes => regenerate_codes(&cx, &p).await,
        Method::Disable2FA => disable_2fa(&cx, &p).await,
        Method::GetAuditLog => get_audit_log(&cx, &p).await,
    }
}

// ---- registration ----------------------------------------------------

/// Logins are e-mail addresses, compared without case.
fn normalize_login(login: &str) -> Option<String> {
    let l = login.trim().to_lowercase();
    let (local, domain) = l.split_once('@')?;
    let ok = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && l.chars().count() <= 254
        && !l.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(l)
}

async fn create_account(cx: &Cx, p: &Params) -> Reply {
    let email = p.req("email")?;
    let login =
        normalize_login(email).ok_or_else(|| ApiError::param("email", "not an e-mail address"))?;
    let password = p.secret("password")?;
    let n = password.chars().count();
    if !(8..=1024).contains(&n) {
        return Err(ApiError::param(
            "password",
            "must have 8 to 1024 characters",
        ));
    }
    let name = p.opt("name").unwrap_or("").to_owned();
    if name.chars().count() > 256 || name.chars().any(char::is_control) {
        return Err(ApiError::param("name", "at most 256 printable characters"));
    }
    // Accounts one address may create per window (each costs a hash and a
    // row): past it, 704 with the wait, before any hashing.
    if let Some(retry_after) = cx.st.inner.signups.check(cx.addr, cx.now) {
        return Err(ApiError::TooManyAttempts { retry_after });
    }
    let phc = cx.st.inner.hasher.hash(password).await?;
    let (now, addr) = (cx.now, cx.addr.to_string());
    let uid = cx
        .db(move |db| {
            let uid = db
                .insert_user(&login, &name, &phc, now)?
                .ok_or(ApiError::LoginTaken)?;
            audit(db, Some(uid), now, &addr, "account.created", "")?;
            Ok(uid)
        })
        .await?;
    cx.st.inner.signups.record(cx.addr, cx.now);
    ok(&proto::Created { uid })
}

// ---- authentication --------------------------------------------------

async fn new_session(
    cx: &Cx,
    uid: i64,
    pending: bool,
    event: &'static str,
) -> Result<Zeroizing<String>, ApiError> {
    let value = crypto::new_session_value();
    let hash = crypto::sha256(value.as_bytes());
    let cfg = &cx.st.inner.config;
    let now = cx.now;
    let expires = now
        + if pending {
            cfg.pending_lifetime
        } else {
            cfg.session_absolute
        };
    let addr = cx.addr.to_string();
    cx.db(move |db| {
        db.purge_sessions(now)?;
        db.insert_session(uid, &hash, pending, now, expires)?;
        if !pending {
            db.reset_failures(uid)?;
        }
        audit(db, Some(uid), now, &addr, event, "")
    })
    .await?;
    Ok(value)
}

async fn signin(cx: &Cx, p: &Params) -> Reply {
    let login = p.req("login")?;
    let password = p.secret("password")?;
    cx.addr_check()?;
    // Failures against a login with no account are counted too (by a keyed
    // hash of it), so a throttled answer never tells which logins exist.
    let login_hash = cx.st.inner.key.login_lookup(&login.trim().to_lowercase());
    let (user, unknown_failures) = match normalize_login(login) {
        Some(l) => {
            cx.db(move |db| {
                let user = db.user_by_login(&l)?;
                let unknown = match user {
                    Some(_) => None,
                    None => db.unknown_login_failures(&login_hash)?,
                };
                Ok((user, unknown))
            })
            .await?
        }
        None => (None, None),
    };
    let (failures, last_failure) = match (&user, unknown_failures) {
        (Some(u), _) => (u.failures, u.last_failure),
        (None, Some(f)) => f,
        (None, None) => (0, 0),
    };
    if let Some(retry_after) = throttle::retry_after(failures, last_failure, cx.now) {
        return Err(ApiError::TooManyAttempts { retry_after });
    }
    let phc = user.as_ref().map(|u| u.password_hash.clone());
    let matched = cx.st.inner.hasher.verify(password, phc).await?;
    match user {
        Some(u) if matched => {
            let two_factor = u.totp_secret.is_some();
            let event = if two_factor {
                "signin.pending"
            } else {
                "signin"
            };
            let session = new_session(cx, u.id, two_factor, event).await?;
            ok(&proto::SigninReply {
                session: session.into(),
                two_factor_required: two_factor,
            })
        }
        user => {
            cx.addr_failed();
            let (now, addr) = (cx.now, cx.addr.to_string());
            let uid = user.map(|u| u.id);
            cx.db(move |db| {
                match uid {
                    Some(uid) => {
                        let n = db.record_failure(uid, now)?;
                        audit(db, Some(uid), now, &addr, "signin.failed", "wrong password")?;
                        audit_threshold(db, uid, now, &addr, n)?;
                    }
                    None => {
                        db.record_unknown_login_failure(&login_hash, now)?;
                        log_event(None, "signin.failed", "unknown login");
                    }
                }
                Ok(())
            })
            .await?;
            Err(ApiError::AuthFailed)
        }
    }
}

async fn verify_code(cx: &Cx, p: &Params) -> Reply {
    let raw = p.secret("session")?;
    let code = p.secret("code")?;
    cx.addr_check()?;
    let st = cx.st.clone();
    let (now, addr) = (cx.now, cx.addr.to_string());
    let absolute = now + st.inner.config.session_absolute;
    let raw2 = raw.clone();
    let outcome = cx
        .db(move |db| {
            let pr = authenticate(db, &st, now, &raw2, Method::Verify2FACode)?;
            let (uid, sid) = (pr.user.id, pr.sid().ok_or(ApiError::PermissionDenied)?);
            let failures = match db.claim_attempt(uid, now)? {
                Claim::Wait(retry_after) => return Err(ApiError::TooManyAttempts { retry_after }),
                Claim::Allowed(n) => n,
            };
            let Some(attempts) = db.claim_session_attempt(sid, PENDING_ATTEMPTS)? else {
                db.delete_session(sid)?;
                return Err(ApiError::SessionInvalid);
            };
            let key = &st.inner.key;
            let (result, kind) = match crypto::classify_code(&code) {
                CodeShape::Totp(c) => {
                    let step = match &pr.user.totp_secret {
                        Some(sealed) => {
                            let bytes = key.open("totp", uid, sealed)?;
                            let secret = apiq_otp::Secret::from_bytes(bytes.to_vec())
                                .map_err(|_| ApiError::Internal)?;
                            crate::totp::matching_step(&secret, &c, now)
                        }
                        None => None,
                    };
                    match step {
                        Some(step) => (
                            db.consume_step_and_promote(uid, step, sid, now, absolute)?,
                            "totp",
                        ),
                        None => (Consumed::Refused, "totp"),
                    }
                }
                CodeShape::Recovery(c) => {
                    let lookup = key.lookup(uid, &c);
                    (
                        db.consume_code_and_promote(uid, &lookup, sid, now, absolute)?,
                        "recovery code",
                    )
                }
                CodeShape::Malformed => (Consumed::Refused, "malformed"),
            };
            match result {
                Consumed::Done => {
                    if kind == "recovery code" {
                        let left = db.recovery_remaining(uid)?;
                        audit(
                            db,
                            Some(uid),
                            now,
                            &addr,
                            "recovery_code.used",
                            &format!("{left} left"),
                        )?;
                    }
                    audit(
                        db,
                        Some(uid),
                        now,
                        &addr,
                        "signin",
                        &format!("second factor: {kind}"),
                    )?;
                    Ok(true)
                }
                Consumed::SessionGone => Err(ApiError::SessionInvalid),
                Consumed::Refused => {
                    if attempts >= PENDING_ATTEMPTS {
                        db.delete_session(sid)?;
                    }
                    audit(db, Some(uid), now, &addr, "2fa.failed", kind)?;
                    audit_threshold(db, uid, now, &addr, failures)?;
                    Ok(false)
                }
            }
        })
        .await?;
    if outcome {
        ok(&proto::SigninReply {
            session: raw.into(),
            two_factor_required: false,
        })
    } else {
        cx.addr_failed();
        Err(ApiError::InvalidCode)
    }
}

async fn signout(cx: &Cx, p: &Params) -> Reply {
    let pr = auth(cx, p, Method::Signout).await?;
    let sid = pr.sid().ok_or(ApiError::PermissionDenied)?;
    let (now, addr, uid) = (cx.now, cx.addr.to_string(), pr.user.id);
    cx.db(move |db| {
        db.delete_session(sid)?;
        audit(db, Some(uid), now, &addr, "signout", "")
    })
    .await?;
    ok(&proto::Empty {})
}

async fn get_sessions(cx: &Cx, p: &Params) -> Reply {
    let pr = auth(cx, p, Method::GetSessions).await?;
    let (uid, current, now, idle) = (
        pr.user.id,
        pr.sid(),
        cx.now,
        cx.st.inner.config.session_idle,
    );
    let rows = cx.db(move |db| Ok(db.sessions_of(uid)?)).await?;
    let sessions = rows
        .iter()
        .filter(|s| !session_expired(s, now, idle))
        .map(|s| proto::SessionInfo {
            id: s.id,
            created: format_utc(s.created),
            last_used: format_utc(s.last_used),
            pending: s.pending,
            current: Some(s.id) == current,
        })
        .collect();
    ok(&proto::Sessions { sessions })
}

/// `1;4;6`, `1,4`, a JSON array, or `*` (→ `None`: all).
fn parse_ids(text: &str) -> Result<Option<Vec<i64>>, ApiError> {
    let t = text.trim();
    if t == "*" {
        return Ok(None);
    }
    let t = t
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(t);
    let mut ids = Vec::new();
    for part in t.split([',', ';']) {
        let part = part.trim().trim_matches(|c| c == '"' || c == '\'');
        if part.is_empty() {
            continue;
        }
        let id: i64 = part
            .parse()
            .map_err(|_| ApiError::param("ids", "a list of ids like 1;4;6, or *"))?;
        ids.push(id);
        if ids.len() > 1000 {
            return Err(ApiError::param("ids", "too many ids"));
        }
    }
    if ids.is_empty() {
        return Err(ApiError::param("ids", "a list of ids like 1;4;6, or *"));
    }
    Ok(Some(ids))
}

async fn signout_sessions(cx: &Cx, p: &Params) -> Reply {
    let pr = auth(cx, p, Method::SignoutSessions).await?;
    full_user(&pr)?;
    let ids = parse_ids(p.req("ids")?)?;
    let (uid, current, now, addr) = (pr.user.id, pr.sid(), cx.now, cx.addr.to_string());
    cx.db(move |db| {
        // `*` signs out every other session; explicit ids may include this one.
        let except = if ids.is_none() { current } else { None };
        let n = db.delete_sessions(uid, ids.as_deref(), except)?;
        audit(
            db,
            Some(uid),
            now,
            &addr,
            "sessions.signed_out",
            &format!("{n} sessions"),
        )
    })
    .await?;
    ok(&proto::Empty {})
}

// ---- tokens ------------------------------------------------------------

/// Parses `apiList` (names separated by `,`/`;`, a JSON array, a Python
/// list's text as py-jelastic sends it, or `*`) and `tokenTemplate`.
/// Returns the stored form: `*` or canonical dotted names joined by `,`.
fn parse_api_list(list: Option<&str>, template: Option<&str>) -> Result<String, ApiError> {
    let mut star = false;
    let mut names: Vec<String> = Vec::new();
    if let Some(t) = template {
        if t.trim().eq_ignore_ascii_case("Extended Access") {
            star = true;
        } else {
            return Err(ApiError::param(
                "tokenTemplate",
                "only \"Extended Access\" is known",
            ));
        }
    }
    if let Some(l) = list {
        let l = l.trim();
        let inner = l
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(l);
        for item in inner.split([',', ';']) {
            let item = item.trim().trim_matches(|c| c == '"' || c == '\'').trim();
            if item.is_empty() {
                continue;
            }
            if item == "*" {
                star = true;
                continue;
            }
            let m = Method::token_callable()
                .find(|m| m.dotted().eq_ignore_ascii_case(item))
                .ok_or_else(|| {
                    let shown: String = item.chars().take(80).collect();
                    ApiError::param(
                        "apiList",
                        &format!("{shown} is not a method a token may call"),
                    )
                })?;
            if !names.contains(&m.dotted()) {
                names.push(m.dotted());
            }
        }
    }
    if star {
        Ok("*".into())
    } else if names.is_empty() {
        Err(ApiError::missing("apiList"))
    } else {
        Ok(names.join(","))
    }
}

fn token_info(t: &TokenRow) -> proto::TokenInfo {
    proto::TokenInfo {
        id: t.id,
        description: t.description.clone(),
        api_list: t.api_list.split(',').map(str::to_owned).collect(),
        expires_at: t.expires_at.map(format_utc),
        created: format_utc(t.created),
        last_used: t.last_used.map(format_utc),
        last4: t.last4.clone(),
    }
}

async fn create_token(cx: &Cx, p: &Params) -> Reply {
    let pr = auth(cx, p, Method::CreateToken).await?;
    full_user(&pr)?;
    check_password(cx, &pr.user, p).await?;
    let description = p.req("description")?.to_owned();
    if description.chars().count() > 256 || description.chars().any(char::is_control) {
        return Err(ApiError::param(
            "description",
            "at most 256 printable characters",
        ));
    }
    let api_list = parse_api_list(p.opt("apiList"), p.opt("tokenTemplate"))?;
    let expires_at = match p.opt("expiresAt") {
        None => None,
        Some(t) => {
            let at = crate::clock::parse_utc(t)
                .ok_or_else(|| ApiError::param("expiresAt", "UTC yyyy-MM-dd HH:mm:ss"))?;
            if at <= cx.now {
                return Err(ApiError::param("expiresAt", "must be in the future"));
            }
            Some(at)
        }
    };
    let value = crypto::new_token_value();
    let hash = crypto::sha256(value.as_bytes());
    let last4 = value[value.len() - 4..].to_owned();
    let (uid, now, addr) = (pr.user.id, cx.now, cx.addr.to_string());
    let row = cx
        .db(move |db| {
            let id =
                db.insert_token(uid, &hash, &description, &api_list, expires_at, now, &last4)?;
            audit(
                db,
                Some(uid),
                now,
                &addr,
                "token.created",
                &format!("token {id}"),
            )?;
            let mut rows = db.tokens_of(uid, Some(&[id]))?;
            rows.pop().ok_or(ApiError::Internal)
        })
        .await?;
    ok(&proto::CreatedTokenReply {
        token: proto::CreatedToken {
            value: value.into(),
            info: token_info(&row),
        },
    })
}

async fn get_tokens(cx: &Cx, p: &Params) -> Reply {
    let pr = auth(cx, p, Method::GetTokens).await?;
    full_user(&pr)?;
    let ids = match p.opt("ids") {
        Some(t) => parse_ids(t)?,
        None => None,
    };
    let uid = pr.user.id;
    let rows = cx
        .db(move |db| Ok(db.tokens_of(uid, ids.as_deref())?))
        .await?;
    ok(&proto::Tokens {
        tokens: rows.iter().map(token_info).collect(),
    })
}

async fn delete_tokens(cx: &Cx, p: &Params) -> Reply {
    let pr = auth(cx, p, Method::DeleteTokens).await?;
    full_user(&pr)?;
    check_password(cx, &pr.user, p).await?;
    let ids = parse_ids(p.req("ids")?)?;
    let (uid, now, addr) = (pr.user.id, cx.now, cx.addr.to_string());
    cx.db(move |db| {
        let n = db.delete_tokens(uid, ids.as_deref())?;
        audit(
            db,
            Some(uid),
            now,
            &addr,
            "token.deleted",
            &format!("{n} tokens"),
        )
    })
    .await?;
    ok(&proto::Empty {})
}

// ---- account -----------------------------------------------------------

async fn get_user_info(cx: &Cx, p: &Params) -> Reply {
    let raw = p.secret("session")?;
    let st = cx.st.clone();
    let now = cx.now;
    let (user, remaining) = cx
        .db(move |db| {
            let pr = authenticate(db, &st, now, &raw, Method::GetUserInfo)?;
            let remaining = if pr.user.totp_secret.is_some() {
                db.recovery_remaining(pr.user.id)?
            } else {
                0
            };
            Ok((pr.user, remaining))
        })
        .await?;
    ok(&proto::UserInfo {
        uid: user.id,
        email: user.login.clone(),
        login: user.login,
        name: user.name,
        two_factor_enabled: user.totp_secret.is_some(),
        recovery_codes_remaining: remaining,
    })
}

/// A full session and the password: what every 2FA method needs.
async fn full_with_password(cx: &Cx, p: &Params, m: Method) -> Result<Principal, ApiError> {
    let pr = auth(cx, p, m).await?;
    full_user(&pr)?;
    check_password(cx, &pr.user, p).await?;
    Ok(pr)
}

fn qr_png_data_uri(text: &str) -> Result<String, ApiError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|_| ApiError::Internal)?;
    let img = code
        .render::<image::Luma<u8>>()
        .min_dimensions(256, 256)
        .build();
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|_| ApiError::Internal)?;
    Ok(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png.get_ref())
    ))
}

async fn get_2fa_config(cx: &Cx, p: &Params) -> Reply {
    let pr = full_with_password(cx, p, Method::Get2FAConfig).await?;
    if pr.user.totp_secret.is_some() {
        return Err(ApiError::AlreadyEnabled);
    }
    let raw = crypto::new_totp_secret();
    let secret = apiq_otp::Secret::from_bytes(raw.to_vec()).map_err(|_| ApiError::Internal)?;
    let entry = apiq_otp::Entry::totp(
        ISSUER,
        pr.user.login.clone(),
        secret,
        apiq_otp::Algorithm::Sha1,
        6,
        30,
    )
    .map_err(|_| ApiError::Internal)?;
    let sealed = cx.st.inner.key.seal("totp", pr.user.id, &raw);
    let uid = pr.user.id;
    cx.db(move |db| Ok(db.set_pending_secret(uid, &sealed)?))
        .await?;
    let uri = Sensitive::new(apiq_otp::uri::format(&entry));
    let qr = Sensitive::new(qr_png_data_uri(uri.expose())?);
    ok(&proto::TwoFactorConfig {
        secret: Sensitive::new(entry.secret().to_base32()),
        otpauth_uri: uri,
        qr_code: qr,
    })
}

/// Ten new recovery codes: (display forms, sealed rows).
fn new_codes(key: &crypto::ServerKey, uid: i64) -> (Vec<Sensitive>, Vec<NewCode>) {
    let mut shown = Vec::with_capacity(RECOVERY_CODES);
    let mut rows = Vec::with_capacity(RECOVERY_CODES);
    while rows.len() < RECOVERY_CODES {
        let c = crypto::new_recovery_code();
        let lookup = key.lookup(uid, &c);
        if rows.iter().any(|r: &NewCode| r.lookup == lookup) {
            continue;
        }
        rows.push(NewCode {
            lookup,
            sealed: key.seal("recovery", uid, c.as_bytes()),
        });
        shown.push(Sensitive::new(crypto::display_recovery_code(&c)));
    }
    (shown, rows)
}

async fn enable_2fa(cx: &Cx, p: &Params) -> Reply {
    let pr = full_with_password(cx, p, Method::Enable2FA).await?;
    let code = p.secret("code")?;
    if pr.user.totp_secret.is_some() {
        return Err(ApiError::AlreadyEnabled);
    }
    let Some(pending) = pr.user.totp_pending.clone() else {
        return Err(ApiError::NotEnabled);
    };
    let st = cx.st.clone();
    let (uid, now, addr) = (pr.user.id, cx.now, cx.addr.to_string());
    let codes = cx
        .db(move |db| {
            let failures = match db.claim_attempt(uid, now)? {
                Claim::Wait(retry_after) => return Err(ApiError::TooManyAttempts { retry_after }),
                Claim::Allowed(n) => n,
            };
            let key = &st.inner.key;
            let step = match crypto::classify_code(&code) {
                CodeShape::Totp(c) => {
                    let bytes = key.open("totp", uid, &pending)?;
                    let secret = apiq_otp::Secret::from_bytes(bytes.to_vec())
                        .map_err(|_| ApiError::Internal)?;
                    crate::totp::matching_step(&secret, &c, now)
                }
                _ => None,
            };
            let Some(step) = step else {
                audit(db, Some(uid), now, &addr, "2fa.failed", "enable")?;
                audit_threshold(db, uid, now, &addr, failures)?;
                return Ok(None);
            };
            let (shown, rows) = new_codes(key, uid);
            if !db.enable_totp(uid, &pending, step, &rows)? {
                return Err(ApiError::NotEnabled);
            }
            audit(db, Some(uid), now, &addr, "2fa.enabled", "")?;
            Ok(Some(shown))
        })
        .await?;
    match codes {
        Some(recovery_codes) => ok(&proto::NewCodes { recovery_codes }),
        None => {
            cx.addr_failed();
            Err(ApiError::InvalidCode)
        }
    }
}

async fn get_backup_codes(cx: &Cx, p: &Params) -> Reply {
    let pr = full_with_password(cx, p, Method::Get2FABackupCodes).await?;
    if pr.user.totp_secret.is_none() {
        return Err(ApiError::NotEnabled);
    }
    let st = cx.st.clone();
    let uid = pr.user.id;
    let list = cx
        .db(move |db| {
            let rows = db.recovery_codes(uid)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let plain = st.inner.key.open("recovery", uid, &r.sealed)?;
                let text = Zeroizing::new(String::from_utf8_lossy(&plain).into_owned());
                out.push(proto::BackupCode {
                    code: Sensitive::new(crypto::display_recovery_code(&text)),
                    used: r.used,
                });
            }
            Ok(out)
        })
        .await?;
    let remaining = list.iter().filter(|c| !c.used).count() as u32;
    ok(&proto::BackupCodes {
        recovery_codes: list,
        remaining,
    })
}

async fn regenerate_codes(cx: &Cx, p: &Params) -> Reply {
    let pr = full_with_password(cx, p, Method::Regenerate2FABackupCodes).await?;
    if pr.user.totp_secret.is_none() {
        return Err(ApiError::NotEnabled);
    }
    let st = cx.st.clone();
    let (uid, now, addr) = (pr.user.id, cx.now, cx.addr.to_string());
    let codes = cx
        .db(move |db| {
            let (shown, rows) = new_codes(&st.inner.key, uid);
            if !db.replace_codes(uid, &rows)? {
                return Err(ApiError::NotEnabled);
            }
            audit(db, Some(uid), now, &addr, "recovery_codes.regenerated", "")?;
            Ok(shown)
        })
        .await?;
    ok(&proto::NewCodes {
        recovery_codes: codes,
    })
}

async fn disable_2fa(cx: &Cx, p: &Params) -> Reply {
    let pr = full_with_password(cx, p, Method::Disable2FA).await?;
    let sid = pr.sid().ok_or(ApiError::PermissionDenied)?;
    let (uid, now, addr) = (pr.user.id, cx.now, cx.addr.to_string());
    cx.db(move |db| {
        if !db.disable_totp(uid, sid)? {
            return Err(ApiError::NotEnabled);
        }
        audit(
            db,
            Some(uid),
            now,
            &addr,
            "2fa.disabled",
            "other sessions signed out",
        )
    })
    .await?;
    ok(&proto::Empty {})
}

async fn get_audit_log(cx: &Cx, p: &Params) -> Reply {
    let pr = auth(cx, p, Method::GetAuditLog).await?;
    let limit = match p.opt("limit") {
        None => 100,
        Some(t) => t
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| ApiError::param("limit", "1 to 1000"))?,
    };
    let uid = pr.user.id;
    let rows = cx.db(move |db| Ok(db.audit_of(uid, limit)?)).await?;
    let events = rows
        .into_iter()
        .map(|e| proto::AuditEvent {
            id: e.id,
            time: format_utc(e.at),
            event: e.event,
            address: e.address,
            detail: e.detail,
        })
        .collect();
    ok(&proto::AuditLog { events })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_lists() {
        assert_eq!(
            parse_api_list(Some("users.Account.GetUserInfo"), None).unwrap(),
            "users.Account.GetUserInfo"
        );
        assert_eq!(
            parse_api_list(
                Some("['users.account.getuserinfo', 'users.Authentication.GetSessions']"),
                None
            )
            .unwrap(),
            "users.Account.GetUserInfo,users.Authentication.GetSessions"
        );
        assert_eq!(
            parse_api_list(Some(r#"["users.Account.GetUserInfo"]"#), None).unwrap(),
            "users.Account.GetUserInfo"
        );
        assert_eq!(parse_api_list(Some("*"), None).unwrap(), "*");
        assert_eq!(parse_api_list(None, Some("Extended Access")).unwrap(), "*");
        assert!(parse_api_list(Some("users.Account.Enable2FA"), None).is_err());
        assert!(parse_api_list(Some("users.Authentication.CreateToken"), None).is_err());
        assert!(parse_api_list(None, None).is_err());
        assert!(parse_api_list(None, Some("Marketplace")).is_err());
    }

    #[test]
    fn ids() {
        assert_eq!(parse_ids("1;4;6").unwrap(), Some(vec![1, 4, 6]));
        assert_eq!(parse_ids("1,4").unwrap(), Some(vec![1, 4]));
        assert_eq!(parse_ids("['3']").unwrap(), Some(vec![3]));
        assert_eq!(parse_ids("*").unwrap(), None);
        assert!(parse_ids("x").is_err());
        assert!(parse_ids(";").is_err());
    }

    #[test]
    fn logins() {
        assert_eq!(
            normalize_login(" Ann@Example.COM ").as_deref(),
            Some("ann@example.com")
        );
        for bad in ["", "ann", "@x", "a@", "a@b@c", "a b@c", "a\u{0}@c"] {
            assert_eq!(normalize_login(bad), None, "{bad:?}");
        }
    }
}
