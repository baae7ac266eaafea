//! TOTP Authenticator (Binary Boy).
//!
//! Encrypted backup (`.bin`): base64 text of AES-256-CBC/PKCS#7 with key =
//! SHA-256(password) and a zero IV. The plaintext is a JSON object whose
//! one key is the account list (itself JSON, as a string) and whose value
//! is a timestamp. The app's preferences file holds the same list in
//! `STATIC_TOTP_CODES_LIST`.
//!
//! Accounts are `{issuer, name, key, base}`: `key` is the secret in hex
//! when `base` is 16, in base32 when 32. The app ignores its own digits and
//! period fields and always shows SHA1, 6 digits, 30 s; so does this
//! importer. CBC has no tag: bad padding or a plaintext that is not JSON is
//! a wrong password.

use serde::Deserialize;

use super::{need_password, Importer, Parsed, Probe};
use crate::crypto;
use crate::util::{self, Fields, OtpType, SecretText};
use crate::{FormatError, Imported};

const NAME: &str = "totp-authenticator";
const PREF: &str = "STATIC_TOTP_CODES_LIST";

pub(crate) struct TotpAuthenticator;

#[derive(Deserialize)]
struct Account {
    issuer: Option<String>,
    name: Option<String>,
    key: SecretText,
    base: Option<i64>,
}

fn looks_like_base64(text: &str) -> bool {
    let t = text.trim();
    t.len() >= 24
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\n' | b'\r'))
}

impl Importer for TotpAuthenticator {
    fn detect(&self, probe: &Probe) -> bool {
        match probe {
            Probe::Prefs(_) => probe.pref(PREF),
            Probe::Text(t) => {
                looks_like_base64(t)
                    && util::base64_decode(t)
                        .is_some_and(|b| !b.is_empty() && b.len().is_multiple_of(16))
            }
            _ => false,
        }
    }

    fn import(&self, bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let body = util::strip_bom(bytes);
        if body.trim_ascii_start().starts_with(b"<") {
            let prefs = util::shared_prefs(body, NAME)?;
            let list = prefs
                .iter()
                .find(|(k, _)| k == PREF)
                .map(|(_, v)| v)
                .ok_or_else(|| FormatError::corrupt(NAME, format!("no {PREF} preference")))?;
            return parse_list(list);
        }
        let text = std::str::from_utf8(body)
            .ok()
            .filter(|t| looks_like_base64(t))
            .ok_or_else(|| FormatError::corrupt(NAME, "not a base64 backup"))?;
        let ct =
            util::base64_decode(text).ok_or_else(|| FormatError::corrupt(NAME, "not base64"))?;
        if ct.is_empty() || !ct.len().is_multiple_of(16) {
            return Err(FormatError::corrupt(
                NAME,
                "not a whole number of AES blocks",
            ));
        }
        let password = need_password(password)?;
        let key = crypto::sha256_key(password);
        let plain =
            crypto::cbc_decrypt(&key, &[0u8; 16], &ct).map_err(|_| FormatError::WrongPassword)?;
        if !plain.trim_ascii_start().starts_with(b"{") {
            return Err(FormatError::WrongPassword);
        }
        let wrapper: std::collections::BTreeMap<String, serde::de::IgnoredAny> =
            util::from_json(&plain, NAME)?;
        let list = wrapper
            .into_keys()
            .find(|k| k.trim_start().starts_with('['))
            .map(zeroize::Zeroizing::new)
            .ok_or_else(|| FormatError::corrupt(NAME, "no account list in the backup"))?;
        parse_list(&list)
    }
}

fn parse_list(list: &str) -> Result<Parsed, FormatError> {
    let accounts: Vec<Account> = util::from_json(list.as_bytes(), NAME)?;
    let mut out = Parsed::default();
    for a in &accounts {
        let issuer = a.issuer.clone().unwrap_or_default();
        let name = a.name.clone().unwrap_or_default();
        let secret = match a.base.unwrap_or(16) {
            16 => hex::decode(a.key.trim())
                .map_err(|_| apiq_otp::OtpError::Malformed("the key is not hex".into()))
                .and_then(apiq_otp::Secret::from_bytes),
            32 => apiq_otp::Secret::from_base32(&a.key),
            b => Err(apiq_otp::OtpError::Malformed(format!(
                "unknown key base {b}"
            ))),
        };
        let item = Fields::new(OtpType::Totp, issuer.clone(), name.clone())
            .build(secret)
            .map(Imported::new);
        out.push(|| util::label(&issuer, &name), item);
    }
    Ok(out)
}
