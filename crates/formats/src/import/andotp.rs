//! andOTP backups.
//!
//! Plain: a JSON array of `{secret (base32, padded), issuer, label, digits,
//! type TOTP/HOTP/STEAM, algorithm, period, counter, tags}`; tags become
//! groups.
//!
//! Encrypted (current): 4-byte big-endian PBKDF2 iteration count ‖ 12-byte
//! salt ‖ 12-byte nonce ‖ AES-256-GCM ciphertext ‖ tag; the key is
//! PBKDF2-HMAC-SHA1(password, salt). Encrypted (old, before 0.6.3): 12-byte
//! nonce ‖ AES-256-GCM with key = SHA-256(password). The file has no marker
//! telling them apart: the current layout is tried first (when its
//! iteration count is plausible), then the old one. Old backups have no
//! `issuer` field and labels `Issuer - Issuer:Name`, split here into issuer
//! and name.
//!
//! One tag covers everything, so a damaged file reads as a wrong password.

use serde::Deserialize;

use super::{need_password, Importer, Parsed, Probe};
use crate::crypto::{self, Prf};
use crate::util::{self, Fields, OtpType, SecretText};
use crate::{FormatError, Imported};

const NAME: &str = "andotp";

pub(crate) struct AndOtp;

#[derive(Deserialize)]
struct Token {
    secret: SecretText,
    issuer: Option<String>,
    label: Option<String>,
    digits: Option<i64>,
    #[serde(rename = "type")]
    kind: Option<String>,
    algorithm: Option<String>,
    period: Option<i64>,
    counter: Option<i64>,
    #[serde(default)]
    tags: Vec<String>,
}

impl Importer for AndOtp {
    fn detect(&self, probe: &Probe) -> bool {
        match probe {
            Probe::Json(s) => s.array_of(&["secret", "label", "type"]),
            // No magic: an unrecognised binary file of plausible length is
            // tried as andOTP (the last binary format in detection order).
            Probe::Binary(b) => b.len() >= 12 + 16 && !super::has_known_magic(b),
            _ => false,
        }
    }

    fn import(&self, bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let body = util::strip_bom(bytes);
        if body.trim_ascii_start().starts_with(b"[") || body.trim_ascii_start().starts_with(b"{") {
            return parse_json(body);
        }
        let password = need_password(password)?;
        if bytes.len() < 12 + 16 {
            return Err(FormatError::corrupt(
                NAME,
                "too short for an encrypted backup",
            ));
        }
        let iterations = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        if bytes.len() >= 4 + 12 + 12 + 16
            && (1000..=crypto::MAX_PBKDF2_ITERATIONS).contains(&iterations)
        {
            let key = crypto::pbkdf2(Prf::Sha1, password, &bytes[4..16], iterations, NAME)?;
            if let Ok(plain) = crypto::gcm_decrypt(&key, &bytes[16..28], &bytes[28..], b"") {
                return parse_json(&plain);
            }
        }
        let key = crypto::sha256_key(password);
        match crypto::gcm_decrypt(&key, &bytes[..12], &bytes[12..], b"") {
            Ok(plain) => parse_json(&plain),
            Err(_) => Err(FormatError::WrongPassword),
        }
    }
}

fn parse_json(bytes: &[u8]) -> Result<Parsed, FormatError> {
    let tokens: Vec<Token> = util::from_json(bytes, NAME)?;
    let mut out = Parsed::default();
    for t in tokens {
        let label = t.label.clone().unwrap_or_default();
        let (issuer, name) = match t.issuer.as_deref() {
            Some(i) => util::split_issuer(i, &label),
            // Old backups: "Issuer - Issuer:Name".
            None => match label.split_once(" - ") {
                Some((i, n)) => util::split_issuer(i, n),
                None => util::split_issuer("", &label),
            },
        };
        let item = (|| {
            let kind = OtpType::parse(t.kind.as_deref().unwrap_or("TOTP"))?;
            let mut f = Fields::new(kind, issuer.clone(), name.clone());
            f.algorithm = util::parse_algorithm(t.algorithm.as_deref())?;
            f.digits = t.digits;
            f.period = t.period;
            f.counter = t.counter;
            f.build(apiq_otp::Secret::from_base32(&t.secret))
        })()
        .map(|entry| Imported {
            groups: t.tags.clone(),
            ..Imported::new(entry)
        });
        out.push(|| util::label(&issuer, &name), item);
    }
    Ok(out)
}
