//! The API's methods: their URL, their platform name, who may call them.
//! The router is built from [`Method::ALL`] and nothing else, so this table,
//! the OpenAPI document and the router cannot drift apart unseen (a test
//! compares them).

/// One API method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    CreateAccount,
    Signin,
    Verify2FACode,
    Signout,
    GetSessions,
    SignoutSessions,
    CreateToken,
    GetTokens,
    DeleteTokens,
    GetUserInfo,
    Get2FAConfig,
    Enable2FA,
    Get2FABackupCodes,
    Regenerate2FABackupCodes,
    Disable2FA,
    GetAuditLog,
}

/// Who may call a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No session.
    Public,
    /// A pending session only.
    Pending,
    /// A pending or a full session.
    AnySession,
    /// A full session only.
    Full,
    /// A full session, or a token whose apiList allows the method.
    FullOrToken,
}

impl Method {
    pub const ALL: [Method; 16] = [
        Method::CreateAccount,
        Method::Signin,
        Method::Verify2FACode,
        Method::Signout,
        Method::GetSessions,
        Method::SignoutSessions,
        Method::CreateToken,
        Method::GetTokens,
        Method::DeleteTokens,
        Method::GetUserInfo,
        Method::Get2FAConfig,
        Method::Enable2FA,
        Method::Get2FABackupCodes,
        Method::Regenerate2FABackupCodes,
        Method::Disable2FA,
        Method::GetAuditLog,
    ];

    /// The platform's method name (`GetUserInfo`).
    pub fn name(self) -> &'static str {
        match self {
            Method::CreateAccount => "CreateAccount",
            Method::Signin => "Signin",
            Method::Verify2FACode => "Verify2FACode",
            Method::Signout => "Signout",
            Method::GetSessions => "GetSessions",
            Method::SignoutSessions => "SignoutSessions",
            Method::CreateToken => "CreateToken",
            Method::GetTokens => "GetTokens",
            Method::DeleteTokens => "DeleteTokens",
            Method::GetUserInfo => "GetUserInfo",
            Method::Get2FAConfig => "Get2FAConfig",
            Method::Enable2FA => "Enable2FA",
            Method::Get2FABackupCodes => "Get2FABackupCodes",
            Method::Regenerate2FABackupCodes => "Regenerate2FABackupCodes",
            Method::Disable2FA => "Disable2FA",
            Method::GetAuditLog => "GetAuditLog",
        }
    }

    /// The service's capitalized name (`Account`).
    fn service_name(self) -> &'static str {
        match self {
            Method::CreateAccount => "Registration",
            Method::Signin
            | Method::Verify2FACode
            | Method::Signout
            | Method::GetSessions
            | Method::SignoutSessions
            | Method::CreateToken
            | Method::GetTokens
            | Method::DeleteTokens => "Authentication",
            _ => "Account",
        }
    }

    /// The URL path: `/1.0/users/account/rest/getuserinfo`.
    pub fn path(self) -> String {
        format!(
            "/1.0/users/{}/rest/{}",
            self.service_name().to_ascii_lowercase(),
            self.name().to_ascii_lowercase()
        )
    }

    /// The dotted name used in token apiLists: `users.Account.GetUserInfo`.
    pub fn dotted(self) -> String {
        format!("users.{}.{}", self.service_name(), self.name())
    }

    pub fn access(self) -> Access {
        match self {
            Method::CreateAccount | Method::Signin => Access::Public,
            Method::Verify2FACode => Access::Pending,
            Method::Signout => Access::AnySession,
            Method::GetUserInfo | Method::GetSessions | Method::GetAuditLog => Access::FullOrToken,
            _ => Access::Full,
        }
    }

    /// The methods a token may ever be allowed to call (read-only ones; never
    /// 2FA or token management).
    pub fn token_callable() -> impl Iterator<Item = Method> {
        Method::ALL
            .into_iter()
            .filter(|m| m.access() == Access::FullOrToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_names() {
        assert_eq!(
            Method::Signin.path(),
            "/1.0/users/authentication/rest/signin"
        );
        assert_eq!(
            Method::CreateAccount.path(),
            "/1.0/users/registration/rest/createaccount"
        );
        assert_eq!(
            Method::Get2FAConfig.path(),
            "/1.0/users/account/rest/get2faconfig"
        );
        assert_eq!(Method::GetUserInfo.dotted(), "users.Account.GetUserInfo");
        let callable: Vec<_> = Method::token_callable().collect();
        for m in [
            Method::Enable2FA,
            Method::Disable2FA,
            Method::CreateToken,
            Method::DeleteTokens,
            Method::GetTokens,
            Method::Get2FABackupCodes,
        ] {
            assert!(!callable.contains(&m));
        }
    }
}
