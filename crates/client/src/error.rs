//! The client's errors: an API refusal keeps the server's `result` code.

/// The result codes of the contract.
pub mod codes {
    pub const OK: i64 = 0;
    pub const INTERNAL: i64 = 1;
    pub const INVALID_PARAM: i64 = 4;
    pub const AUTH_FAILED: i64 = 701;
    pub const TWO_FACTOR_REQUIRED: i64 = 702;
    pub const INVALID_2FA_CODE: i64 = 703;
    pub const TOO_MANY_ATTEMPTS: i64 = 704;
    pub const SESSION_INVALID: i64 = 705;
    pub const TWO_FACTOR_ALREADY_ENABLED: i64 = 706;
    pub const TWO_FACTOR_NOT_ENABLED: i64 = 707;
    pub const LOGIN_TAKEN: i64 = 708;
    pub const PERMISSION_DENIED: i64 = 8202;
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
    /// No answer: connection refused, DNS, timeout, TLS.
    #[error("cannot reach the server at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// An HTTP status other than 200 (404 unknown method, 413, 405…).
    #[error("HTTP {status} from {url}")]
    Http { status: u16, url: String },
    /// A 200 reply that is not the contract's envelope.
    #[error("unexpected reply from the server: {0}")]
    Protocol(String),
    #[error("not a server URL (http://host:port): {0}")]
    BadUrl(String),
}

impl ClientError {
    /// The API's `result` code, for refusals.
    pub fn code(&self) -> Option<i64> {
        match self {
            ClientError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Seconds to wait, for 704.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ClientError::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
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
