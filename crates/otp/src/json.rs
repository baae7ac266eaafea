//! The canonical JSON form of an entry (the CLI contract's `inspect` output,
//! and the interchange shape between crates):
//! `{type, issuer, name, secret, algorithm, digits, period, counter}` with the
//! secret in upper-case unpadded base32, `period` null for HOTP and `counter`
//! null otherwise. Reading it back validates like every other constructor.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use crate::{Algorithm, Entry, Kind, OtpError, Params, Secret};

/// The serialisable shape. Holds the secret as text: zeroized on drop, and
/// `Debug` shows neither it nor the labels.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryJson {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub name: String,
    pub secret: String,
    #[serde(default)]
    pub algorithm: Algorithm,
    pub digits: u8,
    pub period: Option<u32>,
    pub counter: Option<u64>,
}

impl std::fmt::Debug for EntryJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntryJson")
            .field("kind", &self.kind)
            .field("secret", &"***")
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("period", &self.period)
            .field("counter", &self.counter)
            .finish_non_exhaustive()
    }
}

impl Drop for EntryJson {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl From<&Entry> for EntryJson {
    fn from(e: &Entry) -> Self {
        EntryJson {
            kind: e.kind().type_name().to_string(),
            issuer: e.issuer.clone(),
            name: e.name.clone(),
            secret: e.secret().to_base32(),
            algorithm: e.algorithm(),
            digits: e.digits(),
            period: e.kind().period(),
            counter: e.kind().counter(),
        }
    }
}

impl TryFrom<&EntryJson> for Entry {
    type Error = OtpError;
    fn try_from(j: &EntryJson) -> Result<Entry, OtpError> {
        let period = || match j.period {
            None => Ok(30),
            Some(0) => Err(OtpError::BadPeriod("0".into())),
            Some(p) => Ok(p),
        };
        let kind = match j.kind.to_ascii_lowercase().as_str() {
            "totp" => Kind::Totp { period: period()? },
            "steam" => Kind::Steam { period: period()? },
            "hotp" => Kind::Hotp {
                counter: j.counter.ok_or(OtpError::MissingCounter)?,
            },
            _ => return Err(OtpError::BadType(j.kind.clone())),
        };
        let params = Params {
            kind,
            algorithm: j.algorithm,
            digits: j.digits,
        };
        Entry::from_params(
            params,
            j.issuer.clone(),
            j.name.clone(),
            Secret::from_base32(&j.secret)?,
        )
    }
}
