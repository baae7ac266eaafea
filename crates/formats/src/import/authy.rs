//! Authy's Android preferences (`com.authy.storage.tokens.authenticator.xml`):
//! the preference `com.authy.storage.tokens.authenticator.key` holds a JSON
//! array of tokens with `originalIssuer`, `originalName` (`Issuer:name`),
//! `digits`, and either `decryptedSecret` (base32) or `encryptedSecret` +
//! `salt`: AES-256-CBC with a zero IV under PBKDF2-HMAC-SHA1(password, the
//! salt string, 1,000 iterations), decrypting to the base32 secret.
//!
//! Authy stores no algorithm or period: SHA1 and 30 s. CBC has no tag, so a
//! wrong password shows as bad padding or a non-base32 result, reported as
//! [`FormatError::WrongPassword`].

use serde::Deserialize;

use super::{need_password, Importer, Parsed, Probe};
use crate::crypto::{self, Prf};
use crate::util::{self, Fields, OtpType, SecretText};
use crate::FormatError;

const NAME: &str = "authy";
const KEY: &str = "com.authy.storage.tokens.authenticator.key";

pub(crate) struct Authy;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Token {
    original_issuer: Option<String>,
    original_name: Option<String>,
    name: Option<String>,
    digits: Option<i64>,
    decrypted_secret: Option<SecretText>,
    encrypted_secret: Option<String>,
    salt: Option<String>,
}

impl Importer for Authy {
    fn detect(&self, probe: &Probe) -> bool {
        probe.pref(KEY)
    }

    fn import(&self, bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let prefs = util::shared_prefs(bytes, NAME)?;
        let json = prefs
            .iter()
            .find(|(k, _)| k == KEY)
            .map(|(_, v)| v)
            .ok_or_else(|| FormatError::corrupt(NAME, format!("no {KEY} preference")))?;
        let tokens: Vec<Token> = util::from_json(json.as_bytes(), NAME)?;
        let mut out = Parsed::default();
        for t in &tokens {
            let issuer = t.original_issuer.clone().unwrap_or_default();
            let full = t
                .original_name
                .clone()
                .or_else(|| t.name.clone())
                .unwrap_or_default();
            let (issuer, name) = util::split_issuer(&issuer, &full);
            let secret = match (&t.decrypted_secret, &t.encrypted_secret) {
                (Some(s), _) => apiq_otp::Secret::from_base32(s),
                (None, Some(enc)) => {
                    let password = need_password(password)?;
                    let salt = t.salt.as_deref().unwrap_or("");
                    let key = crypto::pbkdf2(Prf::Sha1, password, salt.as_bytes(), 1000, NAME)?;
                    let ct = util::base64_decode(enc).ok_or_else(|| {
                        FormatError::corrupt(NAME, "encryptedSecret is not base64")
                    })?;
                    let plain = crypto::cbc_decrypt(&key, &[0u8; 16], &ct)
                        .map_err(|_| FormatError::WrongPassword)?;
                    let text =
                        std::str::from_utf8(&plain).map_err(|_| FormatError::WrongPassword)?;
                    match apiq_otp::Secret::from_base32(text) {
                        Ok(s) => Ok(s),
                        Err(_) => return Err(FormatError::WrongPassword),
                    }
                }
                (None, None) => Err(apiq_otp::OtpError::MissingSecret),
            };
            let mut f = Fields::new(OtpType::Totp, issuer.clone(), name.clone());
            f.digits = t.digits;
            out.push(
                || util::label(&issuer, &name),
                f.build(secret).map(crate::Imported::new),
            );
        }
        Ok(out)
    }
}
