//! Moving entries to a phone as QR codes: one `otpauth://` link for a
//! single entry; for several, Google Authenticator migration batches of
//! ten for what they can hold, and a link of its own for every other entry
//! (saying why), so that nothing is silently left behind.
//!
//! The batches are made by the Google migration exporter of
//! `apiq-formats`, the one `apiq export --format google-migration` uses,
//! so the batch id comes from the same random generator, never the clock.

use apiq_formats::ExportFormat;
use apiq_otp::Entry;
use rand::{CryptoRng, RngCore};
use zeroize::Zeroizing;

/// Google's batch size (what its app puts in one QR code).
pub const BATCH: usize = 10;

/// One QR code to show: the text it encodes, a label, and why an entry
/// has a code of its own (`None` otherwise).
pub struct PhoneCode {
    pub text: Zeroizing<String>,
    pub label: String,
    pub note: Option<String>,
}

/// An entry's label as a phone app lists it.
fn label(e: &Entry) -> String {
    if e.issuer.is_empty() {
        e.name.clone()
    } else {
        format!("{} ({})", e.issuer, e.name)
    }
}

fn single(e: &Entry, note: Option<String>) -> PhoneCode {
    PhoneCode {
        text: Zeroizing::new(apiq_otp::uri::format(e)),
        label: label(e),
        note,
    }
}

/// The QR codes that carry `entries` to a phone, in order: batches first,
/// then the entries of their own.
pub fn codes<R: RngCore + CryptoRng>(
    entries: &[Entry],
    rng: &mut R,
) -> Result<Vec<PhoneCode>, apiq_formats::FormatError> {
    if let [one] = entries {
        return Ok(vec![single(one, None)]);
    }
    let mut fit = Vec::new();
    let mut own = Vec::new();
    for e in entries {
        match apiq_otp::migration::unsupported(e) {
            None => fit.push(apiq_formats::Imported::new(e.clone())),
            Some(why) => own.push((e, why)),
        }
    }
    let mut out = Vec::new();
    if !fit.is_empty() {
        let export = apiq_formats::export(
            &fit,
            ExportFormat::GoogleMigration { batch_size: BATCH },
            None,
            rng,
        )?;
        // The exporter writes ASCII links, one per line.
        let text = std::str::from_utf8(&export.bytes).unwrap_or_default();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let n = lines.len();
        out.extend(lines.iter().enumerate().map(|(i, l)| PhoneCode {
            text: Zeroizing::new(l.trim().to_string()),
            label: format!(
                "Batch {} of {n} for Google Authenticator and compatible apps",
                i + 1
            ),
            note: None,
        }));
    }
    out.extend(own.into_iter().map(|(e, why)| {
        single(
            e,
            Some(format!(
                "A code of its own, since Google's batches cannot hold this one: {why}. Apps such as Aegis, 2FAS or Ente Auth scan it."
            )),
        )
    }));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn e(uri: &str) -> Entry {
        apiq_otp::uri::parse(uri).unwrap()
    }

    #[test]
    fn one_entry_is_one_link() {
        let codes = codes(
            &[e("otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&issuer=A")],
            &mut rand::rngs::OsRng,
        )
        .unwrap();
        assert_eq!(codes.len(), 1);
        assert!(codes[0].text.starts_with("otpauth://totp/"));
        assert_eq!(codes[0].label, "A (me)");
    }

    #[test]
    fn batches_of_ten_then_codes_of_their_own() {
        let mut list: Vec<Entry> = (0..12)
            .map(|i| {
                e(&format!(
                    "otpauth://totp/S{i}:me?secret=JBSWY3DPEHPK3PX{}",
                    (b'A' + i) as char
                ))
            })
            .collect();
        list.push(e(
            "otpauth://totp/Steamy:me?secret=JBSWY3DPEHPK3PXP&period=60",
        ));
        let codes = codes(&list, &mut rand::rngs::OsRng).unwrap();
        assert_eq!(codes.len(), 3);
        assert!(codes[0].text.starts_with("otpauth-migration://"));
        assert_eq!(
            codes[1].label,
            "Batch 2 of 2 for Google Authenticator and compatible apps"
        );
        assert!(codes[2].text.starts_with("otpauth://"));
        assert!(codes[2].note.as_deref().unwrap().contains("of its own"));
        // Every entry arrives: the batches parse back to the twelve.
        let batch_text: String = codes[..2]
            .iter()
            .map(|c| format!("{}\n", *c.text))
            .collect();
        assert_eq!(apiq_otp::parse_lines(&batch_text).unwrap().0.len(), 12);
    }

    /// The batch id is the generator's, not the clock's: two generators
    /// seeded alike give the same batches, differently seeded ones not.
    #[test]
    fn the_batch_id_comes_from_the_random_generator() {
        let list = vec![
            e("otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP"),
            e("otpauth://totp/B:me?secret=GEZDGNBVGY3TQOJQ"),
        ];
        let run = |seed| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            codes(&list, &mut rng).unwrap()[0].text.to_string()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }
}
