//! Steam Desktop Authenticator / SteamGuard `.maFile` JSON: `shared_secret`
//! (base64) and `account_name`, either at the top level (the old
//! single-account layout) or under `accounts: {id: {...}}`. Each becomes a
//! Steam entry (issuer `Steam`). Only `shared_secret` makes codes; the
//! other secrets of the file (identity, revocation) are not kept.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Importer, Parsed, Probe};
use crate::util::{self, Fields, OtpType, SecretText};
use crate::{FormatError, Imported};

const NAME: &str = "steam";

pub(crate) struct Steam;

#[derive(Deserialize)]
struct Account {
    shared_secret: Option<SecretText>,
    account_name: Option<String>,
}

#[derive(Deserialize)]
struct Multi {
    accounts: BTreeMap<String, Account>,
}

impl Importer for Steam {
    fn detect(&self, probe: &Probe) -> bool {
        probe
            .json()
            .is_some_and(|s| s.object_with(&["shared_secret"]) || s.keys == ["accounts"])
    }

    fn import(&self, bytes: &[u8], _password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let shape: util::JsonShape = util::from_json(bytes, NAME)?;
        let accounts: Vec<Account> = if shape.has("accounts") && !shape.has("shared_secret") {
            util::from_json::<Multi>(bytes, NAME)?
                .accounts
                .into_values()
                .collect()
        } else {
            vec![util::from_json(bytes, NAME)?]
        };
        let mut out = Parsed::default();
        for a in &accounts {
            let name = a.account_name.clone().unwrap_or_default();
            let secret = match &a.shared_secret {
                Some(s) => util::base64_decode(s)
                    .ok_or(apiq_otp::OtpError::Malformed(
                        "shared_secret is not base64".into(),
                    ))
                    .and_then(|b| apiq_otp::Secret::from_bytes(b.to_vec())),
                None => Err(apiq_otp::OtpError::MissingSecret),
            };
            let item = Fields::new(OtpType::Steam, "Steam", name.clone())
                .build(secret)
                .map(Imported::new);
            out.push(|| util::label("Steam", &name), item);
        }
        Ok(out)
    }
}
