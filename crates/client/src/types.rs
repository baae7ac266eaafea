//! The typed replies. Field names follow the contract (camelCase on the
//! wire). Secret values are [`Sensitive`].

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A secret string from the server (session, TOTP secret, recovery code,
/// token value): wiped on drop, `***` in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive(Zeroizing<String>);

impl<'de> Deserialize<'de> for Sensitive {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Sensitive::new)
    }
}

impl Sensitive {
    pub fn new(value: impl Into<String>) -> Self {
        Sensitive(Zeroizing::new(value.into()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sensitive(***)")
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Created {
    pub uid: i64,
}

/// `signin` / `verify2facode`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SigninReply {
    pub session: Sensitive,
    pub two_factor_required: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub id: i64,
    pub created: String,
    pub last_used: String,
    #[serde(default)]
    pub pending: bool,
    pub current: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Sessions {
    pub sessions: Vec<SessionInfo>,
}

/// Which ids a call acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ids {
    All,
    Some(Vec<i64>),
}

impl Ids {
    pub(crate) fn to_param(&self) -> String {
        match self {
            Ids::All => "*".into(),
            Ids::Some(v) => v
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(";"),
        }
    }
}

/// What `createtoken` should make.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub description: String,
    /// Dotted method names (`users.Account.GetUserInfo`) or `*`.
    pub api_list: Vec<String>,
    /// `Extended Access`: every method a token may call.
    pub token_template: Option<String>,
    /// UTC `yyyy-MM-dd HH:mm:ss`.
    pub expires_at: Option<String>,
}

/// A token as listed (never its value).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    pub id: i64,
    pub description: String,
    pub api_list: Vec<String>,
    pub expires_at: Option<String>,
    pub created: String,
    pub last_used: Option<String>,
    pub last4: String,
}

/// A new token: its value is shown only once.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedToken {
    pub value: Sensitive,
    #[serde(flatten)]
    pub info: TokenInfo,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreatedTokenReply {
    pub token: CreatedToken,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Tokens {
    pub tokens: Vec<TokenInfo>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    pub uid: i64,
    pub email: String,
    pub login: String,
    pub name: String,
    pub two_factor_enabled: bool,
    pub recovery_codes_remaining: u32,
}

/// `get2faconfig`: a new pending secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorConfig {
    /// Unpadded base32, for manual entry.
    pub secret: Sensitive,
    pub otpauth_uri: Sensitive,
    /// `data:image/png;base64,…`
    pub qr_code: Sensitive,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewCodes {
    pub recovery_codes: Vec<Sensitive>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BackupCode {
    pub code: Sensitive,
    pub used: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupCodes {
    pub recovery_codes: Vec<BackupCode>,
    pub remaining: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub time: String,
    pub event: String,
    pub address: String,
    pub detail: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AuditLog {
    pub events: Vec<AuditEvent>,
}
