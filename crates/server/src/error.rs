//! The result codes of `account-api.md` and the one shape every refusal
//! takes: HTTP 200 with `{"result": N, "error": "text"}` (plus `retryAfter`
//! for 704). Messages never carry secrets or user input beyond a parameter
//! name. [`ServerError`] covers failures to start (key file, database).

use serde_json::{json, Map, Value};

/// A refusal (or internal fault) of one API call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 4: a parameter is missing, empty or malformed (the text names it).
    #[error("{0}")]
    InvalidParam(String),
    /// 701
    #[error("wrong login or password")]
    AuthFailed,
    /// 702
    #[error("two-factor authentication required: call verify2facode first")]
    TwoFactorRequired,
    /// 703
    #[error("invalid two-factor code")]
    InvalidCode,
    /// 704
    #[error("too many failed attempts; retry after {retry_after} seconds")]
    TooManyAttempts { retry_after: u64 },
    /// 704 as well: more passwords are waiting to be hashed than the
    /// server takes at once; nothing was counted against the login.
    #[error("the server is busy; retry after {retry_after} seconds")]
    Busy { retry_after: u64 },
    /// 705
    #[error("invalid or expired session")]
    SessionInvalid,
    /// 706
    #[error("two-factor authentication is already enabled")]
    AlreadyEnabled,
    /// 707
    #[error("two-factor authentication is not enabled")]
    NotEnabled,
    /// 708
    #[error("this login is already taken")]
    LoginTaken,
    /// 8202
    #[error("permission denied")]
    PermissionDenied,
    /// 1: an internal fault, logged server-side; the reply says nothing more.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    pub fn param(name: &str, what: &str) -> Self {
        ApiError::InvalidParam(format!("invalid parameter [{name}]: {what}"))
    }

    pub fn missing(name: &str) -> Self {
        ApiError::InvalidParam(format!("missing parameter [{name}]"))
    }

    /// The contract's `result` code.
    pub fn code(&self) -> i64 {
        match self {
            ApiError::InvalidParam(_) => 4,
            ApiError::AuthFailed => 701,
            ApiError::TwoFactorRequired => 702,
            ApiError::InvalidCode => 703,
            ApiError::TooManyAttempts { .. } | ApiError::Busy { .. } => 704,
            ApiError::SessionInvalid => 705,
            ApiError::AlreadyEnabled => 706,
            ApiError::NotEnabled => 707,
            ApiError::LoginTaken => 708,
            ApiError::PermissionDenied => 8202,
            ApiError::Internal => 1,
        }
    }

    /// The JSON envelope of this refusal.
    pub fn envelope(&self) -> Value {
        let mut m = Map::new();
        m.insert("result".into(), json!(self.code()));
        m.insert("error".into(), json!(self.to_string()));
        if let ApiError::TooManyAttempts { retry_after } | ApiError::Busy { retry_after } = self {
            m.insert("retryAfter".into(), json!(retry_after));
        }
        Value::Object(m)
    }
}

/// Internal faults are logged here, once, without any request data.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "storage failure");
        ApiError::Internal
    }
}

/// A storage failure (SQLite, the pool, a sealed value that will not open).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(String),
    #[error("blocking task failed")]
    Join,
    #[error("a sealed value failed to open (wrong server key?)")]
    Unseal,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("server key file {path}: {message}")]
    Key { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
