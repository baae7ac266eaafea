//! The requests: one struct per parameter set, serialized as a form body
//! (`application/x-www-form-urlencoded`) by clients. Absent optional
//! parameters are left out. The server reads the same names (leniently:
//! query string and body, see `apiq-server`'s `params`).

use serde::Serialize;

/// Which ids a call acts on: `1;4;6` or `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ids {
    All,
    Some(Vec<i64>),
}

impl Ids {
    /// The parameter's text.
    pub fn to_param(&self) -> String {
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

/// `createaccount`.
#[derive(Debug, Serialize)]
pub struct CreateAccountRequest<'a> {
    pub email: &'a str,
    pub password: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
}

/// `signin`.
#[derive(Debug, Serialize)]
pub struct SigninRequest<'a> {
    pub login: &'a str,
    pub password: &'a str,
}

/// `verify2facode`.
#[derive(Debug, Serialize)]
pub struct Verify2FACodeRequest<'a> {
    pub session: &'a str,
    pub code: &'a str,
}

/// `signout`, `getsessions`, `getuserinfo`: the session alone.
#[derive(Debug, Serialize)]
pub struct SessionRequest<'a> {
    pub session: &'a str,
}

/// `signoutsessions`.
#[derive(Debug, Serialize)]
pub struct SignoutSessionsRequest<'a> {
    pub session: &'a str,
    pub ids: String,
}

/// `createtoken`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTokenRequest<'a> {
    pub session: &'a str,
    pub password: &'a str,
    pub description: &'a str,
    /// Dotted method names joined by `,`, or `*`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_template: Option<&'a str>,
    /// UTC `yyyy-MM-dd HH:mm:ss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<&'a str>,
}

/// `gettokens`.
#[derive(Debug, Serialize)]
pub struct GetTokensRequest<'a> {
    pub session: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ids: Option<String>,
}

/// `deletetokens`.
#[derive(Debug, Serialize)]
pub struct DeleteTokensRequest<'a> {
    pub session: &'a str,
    pub password: &'a str,
    pub ids: String,
}

/// `get2faconfig`, `get2fabackupcodes`, `regenerate2fabackupcodes`,
/// `disable2fa`: a full session and the password.
#[derive(Debug, Serialize)]
pub struct PasswordRequest<'a> {
    pub session: &'a str,
    pub password: &'a str,
}

/// `enable2fa`.
#[derive(Debug, Serialize)]
pub struct Enable2FARequest<'a> {
    pub session: &'a str,
    pub password: &'a str,
    pub code: &'a str,
}

/// `getauditlog`.
#[derive(Debug, Serialize)]
pub struct GetAuditLogRequest<'a> {
    pub session: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}
