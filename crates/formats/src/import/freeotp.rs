//! FreeOTP and FreeOTP+.
//!
//! `tokens.xml` (FreeOTP 1.x, and FreeOTP+'s internal file): Android
//! preferences where each token is a JSON string `{algo, counter, digits,
//! issuerExt, issuerInt, label, period, secret (Java signed bytes), type}`
//! keyed by `issuer:label`, and `tokenOrder` lists the keys in display
//! order. FreeOTP+'s JSON export is `{tokenOrder, tokens: [...]}` with the
//! same token objects. FreeOTP 1.x and FreeOTP+ store an HOTP counter one
//! below the next code's; it is kept as stored.
//!
//! FreeOTP 2.x backups (`externalBackup.xml`) are a Java-serialized
//! `HashMap<String, String>`: `masterKey` is `{mAlgorithm:
//! PBKDF2withHmacSHA512, mIterations, mSalt, mEncryptedKey}`; per token,
//! `UUID-token` is its metadata JSON in clear and `UUID` is `{"key": "…"}`
//! holding the secret as an encrypted key. Encrypted keys are
//! `{mCipher: AES/GCM/NoPadding, mCipherText (ciphertext‖tag), mParameters
//! (DER GCMParameters: nonce, tag length), mToken}` with `mToken` (the
//! wrapped key's algorithm name) as associated data. The master key opens
//! with the password or the import is a wrong password; a token whose key
//! then fails is skipped. Missing algorithm/digits/period take SHA1/6/30.

use std::collections::HashMap;

use serde::Deserialize;

use apiq_otp::SkipReason;

use super::{need_password, Importer, Parsed, Probe};
use crate::crypto::{self, Prf};
use crate::javaser;
use crate::util::{self, Fields, OtpType, SecretBytes};
use crate::{FormatError, Imported};

pub(crate) struct FreeOtp;
pub(crate) struct FreeOtpPlus;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Token {
    algo: Option<String>,
    counter: Option<i64>,
    digits: Option<i64>,
    issuer_ext: Option<String>,
    issuer_int: Option<String>,
    label: Option<String>,
    period: Option<i64>,
    secret: Option<SecretBytes>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

impl Token {
    fn issuer(&self) -> String {
        self.issuer_ext
            .clone()
            .filter(|i| !i.is_empty())
            .or_else(|| self.issuer_int.clone())
            .unwrap_or_default()
    }

    /// The key FreeOTP files the token under (`issuer:label`).
    fn key(&self) -> String {
        let label = self.label.clone().unwrap_or_default();
        match self.issuer_int.as_deref().filter(|i| !i.is_empty()) {
            Some(i) => format!("{i}:{label}"),
            None => label,
        }
    }

    fn entry(
        &self,
        secret: Result<apiq_otp::Secret, apiq_otp::OtpError>,
    ) -> Result<Imported, SkipReason> {
        let mut f = Fields::new(
            OtpType::parse(self.kind.as_deref().unwrap_or("TOTP"))?,
            self.issuer(),
            self.label.clone().unwrap_or_default(),
        );
        f.algorithm = util::parse_algorithm(self.algo.as_deref())?;
        f.digits = self.digits;
        f.period = self.period;
        f.counter = self.counter;
        f.build(secret).map(Imported::new)
    }

    fn secret(&self) -> Result<apiq_otp::Secret, apiq_otp::OtpError> {
        match &self.secret {
            Some(s) => apiq_otp::Secret::from_bytes(s.0.to_vec()),
            None => Err(apiq_otp::OtpError::MissingSecret),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlusExport {
    #[serde(default)]
    token_order: Vec<String>,
    #[serde(default)]
    tokens: Vec<Token>,
}

impl Importer for FreeOtp {
    fn detect(&self, probe: &Probe) -> bool {
        probe.pref("tokenOrder") || probe.binary().is_some_and(javaser::is_java_serialized)
    }

    fn import(&self, bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        if javaser::is_java_serialized(bytes) {
            return import_v2(bytes, password);
        }
        import_tokens_xml(bytes, "freeotp")
    }
}

impl Importer for FreeOtpPlus {
    fn detect(&self, probe: &Probe) -> bool {
        probe
            .json()
            .is_some_and(|s| s.object_with(&["tokens"]) && s.has("tokenOrder"))
    }

    fn import(&self, bytes: &[u8], _password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        const NAME: &str = "freeotp-plus";
        let body = util::strip_bom(bytes);
        if !body.trim_ascii_start().starts_with(b"{") {
            return import_tokens_xml(bytes, NAME);
        }
        let export: PlusExport = util::from_json(body, NAME)?;
        Ok(ordered(
            export.tokens.into_iter().map(|t| (t.key(), t)).collect(),
            &export.token_order,
        ))
    }
}

/// Entries in `order` (keys), then any token the order does not list.
fn ordered(tokens: Vec<(String, Token)>, order: &[String]) -> Parsed {
    let mut rest: Vec<Option<(String, Token)>> = tokens.into_iter().map(Some).collect();
    let mut sorted = Vec::with_capacity(rest.len());
    for k in order {
        if let Some(slot) = rest
            .iter_mut()
            .find(|t| t.as_ref().is_some_and(|(key, _)| key == k))
        {
            sorted.extend(slot.take());
        }
    }
    sorted.extend(rest.into_iter().flatten());
    let mut out = Parsed::default();
    for (_, t) in sorted {
        out.push(
            || util::label(&t.issuer(), t.label.as_deref().unwrap_or("")),
            t.entry(t.secret()),
        );
    }
    out
}

fn import_tokens_xml(bytes: &[u8], name: &'static str) -> Result<Parsed, FormatError> {
    let prefs = util::shared_prefs(bytes, name)?;
    let mut order = Vec::new();
    let mut tokens = Vec::new();
    let mut bad = Vec::new();
    for (key, value) in &prefs {
        if key == "tokenOrder" {
            order = util::from_json(value.as_bytes(), name)?;
            continue;
        }
        match serde_json::from_str::<Token>(value) {
            Ok(t) => tokens.push((key.clone(), t)),
            Err(e) => bad.push((key.clone(), util::json_error(&e))),
        }
    }
    let mut out = ordered(tokens, &order);
    for (k, reason) in bad {
        out.skip(
            k,
            SkipReason::Unreadable(format!("unreadable token ({reason})")),
        );
    }
    Ok(out)
}

// ---- FreeOTP 2.x backups ----

const V2: &str = "freeotp";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EncryptedKey {
    m_cipher: String,
    m_cipher_text: SecretBytes,
    m_parameters: SecretBytes,
    m_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MasterKey {
    m_algorithm: String,
    m_encrypted_key: EncryptedKey,
    m_iterations: u32,
    m_salt: SecretBytes,
}

#[derive(Deserialize)]
struct KeyHolder {
    key: String,
}

/// The nonce of the DER-encoded parameters: `GCMParameters ::= SEQUENCE {
/// OCTET STRING nonce, INTEGER tagLength }` (only 16-byte tags), or a bare
/// `OCTET STRING` nonce (older Android versions write an IV parameter).
fn gcm_nonce(der: &[u8]) -> Option<&[u8]> {
    match der {
        [0x04, n, nonce @ ..] if nonce.len() == usize::from(*n) => Some(nonce),
        [0x30, len, rest @ ..] if rest.len() == usize::from(*len) => {
            let [0x04, n, rest @ ..] = rest else {
                return None;
            };
            let nonce = rest.get(..usize::from(*n))?;
            match &rest[usize::from(*n)..] {
                [0x02, 0x01, 16] => Some(nonce),
                _ => None,
            }
        }
        _ => None,
    }
}

impl EncryptedKey {
    fn open(&self, key: &[u8; 32]) -> Result<zeroize::Zeroizing<Vec<u8>>, String> {
        if self.m_cipher != "AES/GCM/NoPadding" {
            return Err(format!("unsupported cipher {:?}", self.m_cipher));
        }
        let nonce = gcm_nonce(&self.m_parameters.0).ok_or("unsupported GCM parameters")?;
        crypto::gcm_decrypt(key, nonce, &self.m_cipher_text.0, self.m_token.as_bytes())
            .map_err(|_| "the key fails its authentication tag".to_string())
    }
}

fn import_v2(bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError> {
    let corrupt = |e: String| FormatError::corrupt(V2, e);
    let map: HashMap<String, Option<zeroize::Zeroizing<String>>> = javaser::read_string_map(bytes)
        .map_err(corrupt)?
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let get = |k: &str| map.get(k).and_then(|v| v.as_ref());
    let master_json = get("masterKey").ok_or_else(|| corrupt("no masterKey".into()))?;
    let master: MasterKey = util::from_json(master_json.as_bytes(), V2)?;
    let password = need_password(password)?;
    let prf = match master.m_algorithm.to_ascii_uppercase().as_str() {
        "PBKDF2WITHHMACSHA512" => Prf::Sha512,
        "PBKDF2WITHHMACSHA256" => Prf::Sha256,
        "PBKDF2WITHHMACSHA1" => Prf::Sha1,
        other => {
            return Err(FormatError::Unsupported(format!(
                "FreeOTP key derivation {other}"
            )))
        }
    };
    let kek = crypto::pbkdf2(prf, password, &master.m_salt.0, master.m_iterations, V2)?;
    let master_key = master
        .m_encrypted_key
        .open(&kek)
        .map_err(|_| FormatError::WrongPassword)?;
    let master_key: [u8; 32] = master_key[..]
        .try_into()
        .map_err(|_| corrupt("the master key is not 256 bits".into()))?;
    let master_key = zeroize::Zeroizing::new(master_key);

    let mut tokens = Vec::new();
    let mut out_skipped = Vec::new();
    let mut ids: Vec<&String> = map.keys().filter(|k| k.ends_with("-token")).collect();
    ids.sort();
    for token_key in ids {
        let id = &token_key[..token_key.len() - "-token".len()];
        let meta = get(token_key).map(|m| serde_json::from_str::<Token>(m));
        let Some(Ok(mut token)) = meta else {
            out_skipped.push((
                id.to_string(),
                SkipReason::Unreadable("unreadable token metadata".into()),
            ));
            continue;
        };
        let secret = get(id)
            .ok_or_else(|| "no key for the token".to_string())
            .and_then(|holder| {
                serde_json::from_str::<KeyHolder>(holder).map_err(|e| util::json_error(&e))
            })
            .and_then(|h| {
                serde_json::from_str::<EncryptedKey>(&h.key).map_err(|e| util::json_error(&e))
            })
            .and_then(|k| k.open(&master_key));
        match secret {
            Ok(s) => {
                token.secret = Some(SecretBytes(s));
                tokens.push((id.to_string(), token));
            }
            Err(reason) => out_skipped.push((
                util::label(&token.issuer(), token.label.as_deref().unwrap_or("")),
                SkipReason::Unreadable(reason),
            )),
        }
    }
    let order: Vec<String> = get("tokenOrder")
        .and_then(|o| serde_json::from_str(o).ok())
        .unwrap_or_default();
    let mut out = ordered(tokens, &order);
    for (label, reason) in out_skipped {
        out.skip(label, reason);
    }
    Ok(out)
}
