//! Duo Mobile's accounts JSON: an array of `{accountType: "OtpAccount",
//! name, otpGenerator: {otpSecret (base32), counter?}}`. A counter makes it
//! HOTP, otherwise TOTP; always SHA1, 6 digits, 30 s. Duo keeps only a
//! name, so the issuer is empty. Other account types (Duo Push) hold no
//! OTP secret and are skipped with a reason.

use serde::Deserialize;

use apiq_otp::SkipReason;

use super::{Importer, Parsed, Probe};
use crate::util::{self, Fields, OtpType, SecretText};
use crate::{FormatError, Imported};

const NAME: &str = "duo";

pub(crate) struct Duo;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Account {
    account_type: Option<String>,
    name: Option<String>,
    otp_generator: Option<Generator>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Generator {
    otp_secret: SecretText,
    counter: Option<i64>,
}

impl Importer for Duo {
    fn detect(&self, probe: &Probe) -> bool {
        probe
            .json()
            .is_some_and(|s| s.array_of(&["otpGenerator"]) || s.array_of(&["accountType", "pkey"]))
    }

    fn import(&self, bytes: &[u8], _password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let accounts: Vec<Account> = util::from_json(bytes, NAME)?;
        let mut out = Parsed::default();
        for a in &accounts {
            let name = a.name.clone().unwrap_or_default();
            let item = match (&a.otp_generator, a.account_type.as_deref()) {
                (Some(g), None | Some("OtpAccount")) => {
                    let mut f = Fields::new(
                        if g.counter.is_some() {
                            OtpType::Hotp
                        } else {
                            OtpType::Totp
                        },
                        "",
                        name.clone(),
                    );
                    f.counter = g.counter;
                    f.build(apiq_otp::Secret::from_base32(&g.otp_secret))
                        .map(Imported::new)
                }
                (_, t) => Err(SkipReason::Other(format!(
                    "a Duo {} account holds no OTP secret",
                    t.unwrap_or("(untyped)")
                ))),
            };
            out.push(|| util::label("", &name), item);
        }
        Ok(out)
    }
}
