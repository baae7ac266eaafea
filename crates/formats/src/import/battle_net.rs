//! The Battle.net app's preferences (`com.blizzard.messenger…xml`):
//! `AUTHENTICATOR_DEVICE_SECRET` and `AUTHENTICATOR_SERIAL` are hex strings
//! XOR-masked with a fixed 56-byte key (the mask the older Battle.net
//! Mobile Authenticator used over secret and serial together). Unmasked,
//! the secret is 40 hex characters (20 bytes) and the serial reads like
//! `US-1234-5678-9012`. The entry is TOTP, SHA1, 8 digits, 30 s, issuer
//! `Battle.net`, named by the serial.

use apiq_otp::SkipReason;

use super::{Importer, Parsed, Probe};
use crate::util::{self, Fields, OtpType};
use crate::{FormatError, Imported};

const NAME: &str = "battle-net";
const SECRET_KEY: &str = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET";
const SERIAL_KEY: &str = "com.blizzard.messenger.AUTHENTICATOR_SERIAL";

/// The mask: a constant of the app, public in many tools that read it.
const MASK: [u8; 56] = [
    57, 142, 39, 252, 80, 39, 106, 101, 96, 101, 176, 229, 37, 244, 192, 108, 4, 198, 16, 117, 40,
    107, 142, 122, 237, 165, 157, 169, 129, 59, 93, 214, 200, 13, 47, 179, 128, 104, 119, 63, 165,
    155, 164, 124, 23, 202, 108, 100, 121, 1, 92, 29, 91, 139, 143, 107,
];

pub(crate) struct BattleNet;

fn unmask(hex_text: &str, what: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, FormatError> {
    let mut b = zeroize::Zeroizing::new(
        hex::decode(hex_text.trim())
            .map_err(|_| FormatError::corrupt(NAME, format!("{what} is not hex")))?,
    );
    if b.len() > MASK.len() {
        return Err(FormatError::corrupt(
            NAME,
            format!("{what} is longer than the mask"),
        ));
    }
    for (x, m) in b.iter_mut().zip(MASK) {
        *x ^= m;
    }
    Ok(b)
}

impl Importer for BattleNet {
    fn detect(&self, probe: &Probe) -> bool {
        probe.pref(SECRET_KEY)
    }

    fn import(&self, bytes: &[u8], _password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let prefs = util::shared_prefs(bytes, NAME)?;
        let get = |k: &str| prefs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let secret_hex =
            get(SECRET_KEY).ok_or_else(|| FormatError::corrupt(NAME, "no device secret"))?;
        let serial = match get(SERIAL_KEY) {
            Some(s) => String::from_utf8(unmask(s, "the serial")?.to_vec())
                .map_err(|_| FormatError::corrupt(NAME, "the serial does not unmask to text"))?,
            None => String::new(),
        };
        let unmasked = unmask(secret_hex, "the device secret")?;
        let mut out = Parsed::default();
        let secret = std::str::from_utf8(&unmasked)
            .ok()
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| {
                SkipReason::Unreadable("the device secret does not unmask to hex".into())
            });
        let item = secret.and_then(|s| {
            let mut f = Fields::new(OtpType::Totp, "Battle.net", serial.clone());
            f.digits = Some(8);
            f.build(apiq_otp::Secret::from_bytes(s))
        });
        out.push(
            || util::label("Battle.net", &serial),
            item.map(Imported::new),
        );
        Ok(out)
    }
}
