//! # apiq-account-proto: the account API in one place
//!
//! What the server and its clients must agree on, and nothing else: the
//! method table ([`Method`]: URL, platform name, who may call it), the
//! result codes ([`ResultCode`]), the refusal envelope ([`Refusal`], with its
//! machine-readable [`Reason`]), and one typed struct per request and per
//! reply (serde, camelCase on the wire as in `design/account-api.md`).
//! `apiq-server` serializes the replies, `apiq-client` deserializes them and
//! serializes the requests. The OpenAPI document ([`OPENAPI_JSON`]) is kept
//! equal to these types by this crate's tests.
//!
//! Secret values (sessions, TOTP secrets, recovery codes, token values) are
//! [`Sensitive`]: wiped on drop, hidden from `Debug`.

mod codes;
mod methods;
mod replies;
mod requests;

pub use codes::{Reason, Refusal, ResultCode};
pub use methods::{Access, Method};
pub use replies::*;
pub use requests::*;

/// The OpenAPI 3 document of the API (served by the server at
/// `/openapi.json`).
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

use zeroize::Zeroizing;

/// A secret string (session, TOTP secret, recovery code, token value):
/// wiped on drop, `***` in `Debug`, its plain text on the wire.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Sensitive(Zeroizing<String>);

impl Sensitive {
    pub fn new(value: impl Into<String>) -> Self {
        Sensitive(Zeroizing::new(value.into()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<Zeroizing<String>> for Sensitive {
    fn from(z: Zeroizing<String>) -> Self {
        Sensitive(z)
    }
}

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sensitive(***)")
    }
}

impl serde::Serialize for Sensitive {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Sensitive {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Sensitive::new)
    }
}
