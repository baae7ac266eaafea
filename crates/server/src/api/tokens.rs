//! Personal access tokens: `createtoken`, `gettokens`, `deletetokens`.

use apiq_account_proto::{self as proto, Method};

use super::audit::audit;
use super::sessions::parse_ids;
use super::{auth, check_password, full_user, ok, Cx, Reply};
use crate::clock::format_utc;
use crate::crypto;
use crate::error::ApiError;
use crate::params::Params;
use crate::store::TokenRow;

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

pub(super) async fn create_token(cx: &Cx, p: &Params) -> Reply {
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

pub(super) async fn get_tokens(cx: &Cx, p: &Params) -> Reply {
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

pub(super) async fn delete_tokens(cx: &Cx, p: &Params) -> Reply {
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
}
