//! Registration and sign-in: `createaccount`, `signin` (password, then a
//! pending session when 2FA is on) and `verify2facode` (a TOTP code or a
//! recovery code completes the pending session).

use apiq_account_proto::{self as proto, Method};
use zeroize::Zeroizing;

use super::audit::{audit, audit_threshold, log_event};
use super::{authenticate, checked_password, ok, Cx, Found, Reply, PENDING_ATTEMPTS};
use crate::crypto::{self, CodeShape};
use crate::error::ApiError;
use crate::params::Params;
use crate::store::{sweep_due, Checked, Claim, Consumed, Db, Limit, NewSession, Settle, Sweep};

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

pub(super) async fn create_account(cx: &Cx, p: &Params) -> Reply {
    // Accounts one address may create per window (each costs a hash and a
    // row): a slot is claimed before anything else (one conditional upsert,
    // so parallel requests on any number of instances never pass the
    // limit); past it, 704 with the wait. Refusals (708 "taken", 4 "bad
    // parameter") keep their slot: otherwise `createaccount` would list the
    // taken logins at full speed. Only a failure of ours (busy, internal)
    // gives the slot back.
    cx.limit_take(Limit::Signups).await?;
    let created = async {
        let email = p.req("email")?;
        let login = normalize_login(email)
            .ok_or_else(|| ApiError::param("email", "not an e-mail address"))?;
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
        let phc = cx.st.inner.hasher.hash(password).await?;
        let (now, addr) = (cx.now, cx.addr.to_string());
        cx.db(move |db| {
            let uid = db
                .insert_user(&login, &name, &phc, now)?
                .ok_or(ApiError::LoginTaken)?;
            audit(db, Some(uid), now, &addr, "account.created", "")?;
            Ok(uid)
        })
        .await
    }
    .await;
    match created {
        Ok(uid) => ok(&proto::Created { uid }),
        Err(e @ (ApiError::LoginTaken | ApiError::InvalidParam(_))) => Err(e),
        Err(e) => {
            cx.limit_give_back(Limit::Signups).await?;
            Err(e)
        }
    }
}

/// Writes a new session (pending when the account has two-factor on):
/// its hash and the audit line (a full session's failure counter was
/// cleared when its password check was settled, in the same trip). Expired sessions are swept at most once a minute per instance
/// (a session past its expiry is refused when read whether or not its row
/// is still there).
fn new_session(
    db: &mut dyn Db,
    cfg: &crate::Config,
    settle: Settle,
    uid: i64,
    pending: bool,
) -> Result<Zeroizing<String>, ApiError> {
    let now = settle.now;
    let value = crypto::new_session_value();
    let hash = crypto::sha256(value.as_bytes());
    let expires = now
        + if pending {
            cfg.pending_lifetime
        } else {
            cfg.session_absolute
        };
    if sweep_due(Sweep::Sessions, now) {
        db.purge_sessions(now)?;
    }
    let event = if pending { "signin.pending" } else { "signin" };
    let new = NewSession {
        uid,
        hash: &hash,
        pending,
        expires,
        event,
    };
    db.settle_and_open(&settle, &new)?;
    log_event(Some(uid), event, "");
    Ok(value)
}

pub(super) async fn signin(cx: &Cx, p: &Params) -> Reply {
    let login = p.req("login")?;
    let password = p.secret("password")?;
    // Checks against a login with no account are counted too (by a keyed
    // hash of it), so neither a throttled nor a busy answer tells which
    // logins exist.
    let unknown = cx.st.inner.key.login_lookup(&login.trim().to_lowercase());
    let login = normalize_login(login);
    let (now, addr, st) = (cx.now, cx.addr.to_string(), cx.st.clone());
    let find = move |db: &mut dyn Db| {
        let user = match login {
            Some(l) => db.user_by_login_checked(&l)?,
            None => None,
        };
        Ok(match user {
            // A right password ends the sign-in (and clears the failure
            // counter) unless a second factor is still to come.
            Some((u, seen)) => Found {
                who: Checked::User(u.id),
                phc: Some(u.password_hash.clone()),
                clears: u.totp_secret.is_none(),
                seen: Some(seen),
                extra: Some(u),
            },
            None => Found {
                who: Checked::Unknown(unknown),
                phc: None,
                clears: false,
                seen: None,
                extra: None,
            },
        })
    };
    let (session, two_factor) = checked_password(
        cx,
        password,
        find,
        move |db, settle, matched, user| match user {
            Some(u) if matched => {
                let two_factor = u.totp_secret.is_some();
                let cfg = &st.inner.config;
                Ok((new_session(db, cfg, settle, u.id, two_factor)?, two_factor))
            }
            Some(u) => {
                let failures = db.settle(&settle)?;
                audit(
                    db,
                    Some(u.id),
                    now,
                    &addr,
                    "signin.failed",
                    "wrong password",
                )?;
                audit_threshold(db, u.id, now, &addr, failures)?;
                Err(ApiError::AuthFailed)
            }
            None => {
                db.settle(&settle)?;
                log_event(None, "signin.failed", "unknown login");
                Err(ApiError::AuthFailed)
            }
        },
    )
    .await?;
    ok(&proto::SigninReply {
        session: session.into(),
        two_factor_required: two_factor,
    })
}

pub(super) async fn verify_code(cx: &Cx, p: &Params) -> Reply {
    let raw = p.secret("session")?;
    let code = p.secret("code")?;
    // A failed-attempt slot of this address is claimed first (given back
    // unless the code was wrong), so parallel guesses from one address
    // cannot pass its window either.
    cx.limit_take(Limit::Failures).await?;
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
        .await;
    if !matches!(outcome, Ok(false)) {
        cx.limit_give_back(Limit::Failures).await?;
    }
    if outcome? {
        ok(&proto::SigninReply {
            session: raw.into(),
            two_factor_required: false,
        })
    } else {
        Err(ApiError::InvalidCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
