//! Two-factor setup and recovery codes: `get2faconfig`, `enable2fa`,
//! `get2fabackupcodes`, `regenerate2fabackupcodes`, `disable2fa`. Each
//! needs a full session and the password.

use apiq_account_proto::{self as proto, Method, Sensitive};
use base64::Engine;
use zeroize::Zeroizing;

use super::audit::{audit, audit_threshold};
use super::{auth, check_password, full_user, ok, Cx, Principal, Reply, ISSUER, RECOVERY_CODES};
use crate::crypto::{self, CodeShape};
use crate::error::ApiError;
use crate::params::Params;
use crate::store::{Claim, Limit, NewCode};

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

pub(super) async fn get_2fa_config(cx: &Cx, p: &Params) -> Reply {
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

pub(super) async fn enable_2fa(cx: &Cx, p: &Params) -> Reply {
    let pr = full_with_password(cx, p, Method::Enable2FA).await?;
    let code = p.secret("code")?;
    if pr.user.totp_secret.is_some() {
        return Err(ApiError::AlreadyEnabled);
    }
    let Some(pending) = pr.user.totp_pending.clone() else {
        return Err(ApiError::NotEnabled);
    };
    // The address's failed-attempt slot first, given back unless the
    // code was wrong (as in `verify2facode`).
    cx.limit_take(Limit::Failures).await?;
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
        .await;
    if !matches!(codes, Ok(None)) {
        cx.limit_give_back(Limit::Failures).await?;
    }
    match codes? {
        Some(recovery_codes) => ok(&proto::NewCodes { recovery_codes }),
        None => Err(ApiError::InvalidCode),
    }
}

pub(super) async fn get_backup_codes(cx: &Cx, p: &Params) -> Reply {
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

pub(super) async fn regenerate_codes(cx: &Cx, p: &Params) -> Reply {
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

pub(super) async fn disable_2fa(cx: &Cx, p: &Params) -> Reply {
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
