//! Microsoft Authenticator's internal SQLite database (`PhoneFactor`, from a
//! rooted device): table `accounts (name, username, oath_secret_key,
//! account_type …)`. Account type 0 is a third-party TOTP account: the app
//! stores no algorithm, digits or period, so every such entry is TOTP,
//! SHA1, 6 digits, 30 s — whatever the secret was made for. Other types
//! (Microsoft personal and work accounts, which sign in by push) are
//! skipped with a reason. `name` is the issuer, `username` the account.

use apiq_otp::SkipReason;

use super::{Importer, Parsed, Probe};
use crate::sqlite::Db;
use crate::util::{self, Fields, OtpType};
use crate::{FormatError, Imported};

const NAME: &str = "microsoft-authenticator";

pub(crate) struct MicrosoftAuthenticator;

impl Importer for MicrosoftAuthenticator {
    fn detect(&self, probe: &Probe) -> bool {
        probe
            .sqlite_table("accounts")
            .is_some_and(|sql| sql.contains("oath_secret_key"))
    }

    fn import(&self, bytes: &[u8], _password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let corrupt = |e: String| FormatError::corrupt(NAME, e);
        let db = Db::open(bytes).map_err(corrupt)?;
        let t = db.table("accounts").map_err(corrupt)?;
        let mut out = Parsed::default();
        for r in &t.rows {
            let issuer = t.get(r, "name").as_str().unwrap_or("").to_string();
            let name = t.get(r, "username").as_str().unwrap_or("").to_string();
            let item = match t.get(r, "account_type").as_i64().unwrap_or(0) {
                0 => Fields::new(OtpType::Totp, issuer.clone(), name.clone())
                    .build(apiq_otp::Secret::from_base32(
                        t.get(r, "oath_secret_key").as_str().unwrap_or(""),
                    ))
                    .map(Imported::new),
                n => Err(SkipReason::Other(format!(
                    "Microsoft account type {n} signs in by push and has no exportable OTP secret"
                ))),
            };
            out.push(|| util::label(&issuer, &name), item);
        }
        Ok(out)
    }
}
