//! The typed requests and replies come from `apiq-account-proto` (shared
//! with the server); this module adds the client's own input types.

pub use apiq_account_proto::{
    AuditEvent, BackupCode, BackupCodes, CreatedToken, Ids, Reason, ResultCode, Sensitive,
    SessionInfo, SigninReply, TokenInfo, TwoFactorConfig, UserInfo,
};

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
