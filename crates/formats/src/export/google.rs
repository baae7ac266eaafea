//! Google Authenticator migration URIs (`otpauth-migration://offline?data=`),
//! `batch_size` entries per URI (Google's app uses 10 per QR code), one
//! URI per line. The payloads come from `apiq_otp::migration::format_batches`,
//! which leaves out and warns about entries Google cannot hold (Steam,
//! periods other than 30 s, digits other than 6 and 8); HOTP entries are
//! written but some apps reading migration codes ignore HOTP, so they get a
//! warning too.

use apiq_otp::migration::ExportWarning;
use apiq_otp::Kind;
use rand::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use super::{warn, warn_lost_metadata};
use crate::Imported;

pub(super) fn write<R: RngCore + CryptoRng>(
    entries: &[Imported],
    batch_size: usize,
    rng: &mut R,
    warnings: &mut Vec<ExportWarning>,
) -> Zeroizing<Vec<u8>> {
    let plain: Vec<apiq_otp::Entry> = entries.iter().map(|e| e.entry.clone()).collect();
    // Google's batch ids are positive 31-bit numbers.
    let batch_id = (rng.next_u32() >> 1) as i32;
    let (uris, dropped) = apiq_otp::migration::format_batches(&plain, batch_size.max(1), batch_id);
    warnings.extend(dropped);
    for e in entries {
        if matches!(e.entry.kind(), Kind::Hotp { .. }) {
            warn(warnings, e, "HOTP (counter-based) codes are not supported by every app that reads migration QR codes");
        }
        warn_lost_metadata(warnings, e, "Google Authenticator", false, |_| false);
    }
    let mut out = Zeroizing::new(Vec::new());
    for uri in uris {
        let uri = Zeroizing::new(uri);
        out.extend_from_slice(uri.as_bytes());
        out.push(b'\n');
    }
    out
}
