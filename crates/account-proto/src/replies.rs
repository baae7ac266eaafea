//! The replies: one struct per method's success payload (the `result: 0`
//! is added around it by [`Success`]). Field names are the contract's
//! (camelCase); secret values are [`Sensitive`].

use serde::{Deserialize, Serialize};

use crate::Sensitive;

/// `{"result": 0, …reply}`: what the server sends for a success.
#[derive(Debug, Serialize)]
pub struct Success<'a, T: Serialize> {
    pub result: i64,
    #[serde(flatten)]
    pub reply: &'a T,
}

impl<'a, T: Serialize> Success<'a, T> {
    pub fn new(reply: &'a T) -> Self {
        Success { result: 0, reply }
    }
}

/// A success with no payload (`signout`, `signoutsessions`,
/// `deletetokens`, `disable2fa`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// `createaccount`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub uid: i64,
}

/// `signin` / `verify2facode`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SigninReply {
    pub session: Sensitive,
    pub two_factor_required: bool,
}

/// One session in `getsessions` (`pending` is an addition to the
/// contract's fields: true for a session still waiting for its code).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub id: i64,
    pub created: String,
    pub last_used: String,
    #[serde(default)]
    pub pending: bool,
    pub current: bool,
}

/// `getsessions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sessions {
    pub sessions: Vec<SessionInfo>,
}

/// A token as listed (never its value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CreatedToken {
    pub value: Sensitive,
    #[serde(flatten)]
    pub info: TokenInfo,
}

/// `createtoken`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CreatedTokenReply {
    pub token: CreatedToken,
}

/// `gettokens`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tokens {
    pub tokens: Vec<TokenInfo>,
}

/// `getuserinfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorConfig {
    /// Unpadded base32, for manual entry.
    pub secret: Sensitive,
    pub otpauth_uri: Sensitive,
    /// `data:image/png;base64,…`
    pub qr_code: Sensitive,
}

/// `enable2fa` / `regenerate2fabackupcodes`: the new recovery codes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCodes {
    pub recovery_codes: Vec<Sensitive>,
}

/// One code in `get2fabackupcodes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BackupCode {
    pub code: Sensitive,
    pub used: bool,
}

/// `get2fabackupcodes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupCodes {
    pub recovery_codes: Vec<BackupCode>,
    pub remaining: u32,
}

/// One event of `getauditlog`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub time: String,
    pub event: String,
    pub address: String,
    pub detail: String,
}

/// `getauditlog`: newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditLog {
    pub events: Vec<AuditEvent>,
}
