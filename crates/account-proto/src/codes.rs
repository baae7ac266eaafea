//! Result codes and the refusal envelope.

use serde::{Deserialize, Serialize};

/// The contract's `result` codes (`design/account-api.md`, "Result codes"),
/// plus 1 for an internal fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i64)]
pub enum ResultCode {
    Ok = 0,
    /// An internal fault (logged server-side; the reply says nothing more).
    Internal = 1,
    InvalidParam = 4,
    AuthFailed = 701,
    TwoFactorRequired = 702,
    Invalid2FACode = 703,
    TooManyAttempts = 704,
    SessionInvalid = 705,
    TwoFactorAlreadyEnabled = 706,
    TwoFactorNotEnabled = 707,
    LoginTaken = 708,
    PermissionDenied = 8202,
}

impl ResultCode {
    pub const ALL: [ResultCode; 12] = [
        ResultCode::Ok,
        ResultCode::Internal,
        ResultCode::InvalidParam,
        ResultCode::AuthFailed,
        ResultCode::TwoFactorRequired,
        ResultCode::Invalid2FACode,
        ResultCode::TooManyAttempts,
        ResultCode::SessionInvalid,
        ResultCode::TwoFactorAlreadyEnabled,
        ResultCode::TwoFactorNotEnabled,
        ResultCode::LoginTaken,
        ResultCode::PermissionDenied,
    ];

    /// The number on the wire.
    pub const fn code(self) -> i64 {
        self as i64
    }

    /// The code with this number, if the contract has one.
    pub fn from_code(n: i64) -> Option<ResultCode> {
        ResultCode::ALL.into_iter().find(|c| c.code() == n)
    }

    /// The contract's name (`TOO_MANY_ATTEMPTS`).
    pub fn name(self) -> &'static str {
        match self {
            ResultCode::Ok => "OK",
            ResultCode::Internal => "INTERNAL",
            ResultCode::InvalidParam => "INVALID_PARAM",
            ResultCode::AuthFailed => "AUTH_FAILED",
            ResultCode::TwoFactorRequired => "TWO_FACTOR_REQUIRED",
            ResultCode::Invalid2FACode => "INVALID_2FA_CODE",
            ResultCode::TooManyAttempts => "TOO_MANY_ATTEMPTS",
            ResultCode::SessionInvalid => "SESSION_INVALID",
            ResultCode::TwoFactorAlreadyEnabled => "TWO_FACTOR_ALREADY_ENABLED",
            ResultCode::TwoFactorNotEnabled => "TWO_FACTOR_NOT_ENABLED",
            ResultCode::LoginTaken => "LOGIN_TAKEN",
            ResultCode::PermissionDenied => "PERMISSION_DENIED",
        }
    }
}

/// Why a 704 was answered, for clients that treat the cases differently
/// (an addition to the contract's envelope; absent on other refusals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// The server's password-hashing queue is full: nothing was counted
    /// against the login; retry after `retryAfter` seconds.
    Busy,
    /// The login, account or address is throttled or locked by failures.
    Throttled,
}

/// Every refusal: `{"result": N, "error": "text"}`, plus `retryAfter` and
/// `reason` with 704.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// The result code (kept as a number: a newer server may send one this
    /// crate does not know).
    pub result: i64,
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

impl Refusal {
    /// The code, when the contract has it.
    pub fn code(&self) -> Option<ResultCode> {
        ResultCode::from_code(self.result)
    }
}
