//! Google Authenticator's internal SQLite database (`databases/databases`,
//! from a rooted device): table `accounts (email, secret, counter, type,
//! issuer, original_name)`, type 0 = TOTP, 1 = HOTP. The app keeps no
//! algorithm, digits or period: SHA1, 6 digits, 30 s. `email` is often
//! `Issuer:name`; the issuer prefix is split off.
//!
//! (Google Authenticator's own export, `otpauth-migration://` QR codes, is
//! read by the `otpauth` importer.)

use apiq_otp::SkipReason;

use super::{Importer, Parsed, Probe};
use crate::sqlite::Db;
use crate::util::{self, Fields, OtpType};
use crate::{FormatError, Imported};

const NAME: &str = "google-authenticator";

pub(crate) struct GoogleAuthenticator;

impl Importer for GoogleAuthenticator {
    fn detect(&self, probe: &Probe) -> bool {
        probe
            .sqlite_table("accounts")
            .is_some_and(|sql| sql.contains("email") && sql.contains("secret"))
    }

    fn import(&self, bytes: &[u8], _password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let corrupt = |e: String| FormatError::corrupt(NAME, e);
        let db = Db::open(bytes).map_err(corrupt)?;
        let t = db.table("accounts").map_err(corrupt)?;
        let mut out = Parsed::default();
        for r in &t.rows {
            let email = t.get(r, "email").as_str().unwrap_or("");
            let issuer = t.get(r, "issuer").as_str().unwrap_or("");
            let (issuer, name) = util::split_issuer(issuer, email);
            let kind = match t.get(r, "type").as_i64().unwrap_or(0) {
                0 => Ok(OtpType::Totp),
                1 => Ok(OtpType::Hotp),
                n => Err(SkipReason::UnknownCode {
                    field: "account type",
                    value: n,
                }),
            };
            let item = kind.and_then(|kind| {
                let mut f = Fields::new(kind, issuer.clone(), name.clone());
                f.counter = t.get(r, "counter").as_i64();
                f.build(apiq_otp::Secret::from_base32(
                    t.get(r, "secret").as_str().unwrap_or(""),
                ))
                .map(Imported::new)
            });
            out.push(|| util::label(&issuer, &name), item);
        }
        Ok(out)
    }
}
