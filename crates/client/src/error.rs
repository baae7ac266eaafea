//! The client's errors: an API refusal keeps the server's `result` code.

/// The result codes of the contract, as numbers (from
/// [`ResultCode`](apiq_account_proto::ResultCode)).
pub mod codes {
    use apiq_account_proto::ResultCode as R;
    pub const OK: i64 = R::Ok.code();
    pub const INTERNAL: i64 = R::Internal.code();
    pub const INVALID_PARAM: i64 = R::InvalidParam.code();
    pub const AUTH_FAILED: i64 = R::AuthFailed.code();
    pub const TWO_FACTOR_REQUIRED: i64 = R::TwoFactorRequired.code();
    pub const INVALID_2FA_CODE: i64 = R::Invalid2FACode.code();
    pub const TOO_MANY_ATTEMPTS: i64 = R::TooManyAttempts.code();
    pub const SESSION_INVALID: i64 = R::SessionInvalid.code();
    pub const TWO_FACTOR_ALREADY_ENABLED: i64 = R::TwoFactorAlreadyEnabled.code();
    pub const TWO_FACTOR_NOT_ENABLED: i64 = R::TwoFactorNotEnabled.code();
    pub const LOGIN_TAKEN: i64 = R::LoginTaken.code();
    pub const PERMISSION_DENIED: i64 = R::PermissionDenied.code();
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server refused: its `result` code and message; `retry_after`
    /// (seconds) comes with 704.
    #[error("{message} (result {code})")]
    Api {
        code: i64,
        message: String,
        retry_after: Option<u64>,
    },
    /// The server is busy (704 with `reason: "busy"`: its password-hashing
    /// queue is full); nothing was counted against the login. Retry after
    /// `retry_after` seconds.
    #[error("{message} (result 704, busy)")]
    Busy { message: String, retry_after: u64 },
    /// No answer: connection refused, DNS, timeout, TLS.
    #[error("cannot reach the server at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// An HTTP status other than 200 (404 unknown method, 413, 405…).
    #[error("HTTP {status} from {url}")]
    Http { status: u16, url: String },
    /// A 200 reply that is not the contract's envelope.
    #[error("unexpected reply from the server: {0}")]
    Protocol(String),
    #[error("not a server URL (https://host[:port]): {0}")]
    BadUrl(String),
    /// A plain `http://` URL to a host that is not this machine: refused
    /// before anything is sent.
    #[error("refusing to send passwords over plain http:// to {0}: use https://")]
    InsecureUrl(String),
}

impl ClientError {
    /// The API's `result` code, for refusals (704 for [`ClientError::Busy`]).
    pub fn code(&self) -> Option<i64> {
        match self {
            ClientError::Api { code, .. } => Some(*code),
            ClientError::Busy { .. } => Some(codes::TOO_MANY_ATTEMPTS),
            _ => None,
        }
    }

    /// Seconds to wait, for 704.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ClientError::Api { retry_after, .. } => *retry_after,
            ClientError::Busy { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The server was too busy to take the request: retry soon.
    pub fn is_busy(&self) -> bool {
        matches!(self, ClientError::Busy { .. })
    }

    /// The session is unknown, expired or signed out: sign in again.
    pub fn is_session_invalid(&self) -> bool {
        self.code() == Some(codes::SESSION_INVALID)
    }

    pub fn is_unreachable(&self) -> bool {
        matches!(self, ClientError::Unreachable { .. })
    }
}

/// A reqwest error's cause chain, without the URL (which we add ourselves).
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    if e.is_timeout() {
        parts.push("timed out".to_owned());
    } else if e.is_connect() {
        parts.push("connection failed".to_owned());
    }
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    if parts.is_empty() {
        parts.push("request failed".to_owned());
    }
    parts.join(": ")
}
