//! The result codes of `account-api.md` and the one shape every refusal
//! takes: HTTP 200 with `{"result": N, "error": "text"}` (plus `retryAfter`
//! for 704). Messages never carry secrets or user input beyond a parameter
//! name; a 704 also says why (`reason`: `busy` or `throttled`), so
//! clients never read the text. [`ServerError`] covers failures to start
//! (key file, database).

use apiq_account_proto::{Reason, Refusal, ResultCode};

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
    pub fn code(&self) -> ResultCode {
        match self {
            ApiError::InvalidParam(_) => ResultCode::InvalidParam,
            ApiError::AuthFailed => ResultCode::AuthFailed,
            ApiError::TwoFactorRequired => ResultCode::TwoFactorRequired,
            ApiError::InvalidCode => ResultCode::Invalid2FACode,
            ApiError::TooManyAttempts { .. } | ApiError::Busy { .. } => ResultCode::TooManyAttempts,
            ApiError::SessionInvalid => ResultCode::SessionInvalid,
            ApiError::AlreadyEnabled => ResultCode::TwoFactorAlreadyEnabled,
            ApiError::NotEnabled => ResultCode::TwoFactorNotEnabled,
            ApiError::LoginTaken => ResultCode::LoginTaken,
            ApiError::PermissionDenied => ResultCode::PermissionDenied,
            ApiError::Internal => ResultCode::Internal,
        }
    }

    /// The envelope of this refusal.
    pub fn envelope(&self) -> Refusal {
        let (retry_after, reason) = match self {
            ApiError::TooManyAttempts { retry_after } => {
                (Some(*retry_after), Some(Reason::Throttled))
            }
            ApiError::Busy { retry_after } => (Some(*retry_after), Some(Reason::Busy)),
            _ => (None, None),
        };
        Refusal {
            result: self.code().code(),
            error: self.to_string(),
            retry_after,
            reason,
        }
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
    /// With its causes in the text (the driver's own text is only "db
    /// error"), so a log line or the start-up error says what happened.
    #[error("database: {}", pg_text(.0))]
    Pg(postgres::Error),
    #[error("database: {0}")]
    Config(String),
    #[error("database migration: {0}")]
    Migration(String),
    #[error("blocking task failed")]
    Join,
    #[error("a sealed value failed to open (wrong server key?)")]
    Unseal,
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Pg(e)
    }
}

/// A PostgreSQL error and its causes on one line (never the URL: the
/// driver's errors do not repeat it).
fn pg_text(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
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
