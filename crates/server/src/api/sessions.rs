//! Sessions and the account's own data: `signout`, `getsessions`,
//! `signoutsessions`, `getuserinfo`.

use apiq_account_proto::{self as proto, Method};

use super::audit::audit;
use super::{auth, authenticate, full_user, ok, session_expired, Cx, Reply};
use crate::clock::format_utc;
use crate::error::ApiError;
use crate::params::Params;

pub(super) async fn signout(cx: &Cx, p: &Params) -> Reply {
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

pub(super) async fn get_sessions(cx: &Cx, p: &Params) -> Reply {
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
pub(super) fn parse_ids(text: &str) -> Result<Option<Vec<i64>>, ApiError> {
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

pub(super) async fn signout_sessions(cx: &Cx, p: &Params) -> Reply {
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

pub(super) async fn get_user_info(cx: &Cx, p: &Params) -> Reply {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(parse_ids("1;4;6").unwrap(), Some(vec![1, 4, 6]));
        assert_eq!(parse_ids("1,4").unwrap(), Some(vec![1, 4]));
        assert_eq!(parse_ids("['3']").unwrap(), Some(vec![3]));
        assert_eq!(parse_ids("*").unwrap(), None);
        assert!(parse_ids("x").is_err());
        assert!(parse_ids(";").is_err());
    }
}
