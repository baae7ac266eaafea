//! `otpauth://` URI lists, one per line, in the canonical spelling of
//! `apiq_otp::uri::format` (which every authenticator reads; Steam entries
//! are `otpauth://steam/…`, which some apps do not know).

use apiq_otp::migration::ExportWarning;
use apiq_otp::Kind;
use zeroize::Zeroizing;

use super::{warn, warn_lost_metadata};
use crate::Imported;

pub(super) fn write(entries: &[Imported], warnings: &mut Vec<ExportWarning>) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::new());
    for e in entries {
        let uri = Zeroizing::new(apiq_otp::uri::format(&e.entry));
        out.extend_from_slice(uri.as_bytes());
        out.push(b'\n');
        if matches!(e.entry.kind(), Kind::Steam { .. }) {
            warn(
                warnings,
                e,
                "otpauth://steam/ URIs are read by some apps only (Aegis, 2FAS, Apiq)",
            );
        }
        warn_lost_metadata(warnings, e, "an otpauth list", false, |_| false);
    }
    out
}
