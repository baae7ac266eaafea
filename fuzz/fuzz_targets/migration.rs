#![no_main]
//! Google Authenticator migration payloads: raw protobuf bytes and URIs
//! must never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(batch) = apiq_otp::migration::parse_payload(data) {
        let (uris, _) = apiq_otp::migration::format_batches(&batch.entries, 10, 1);
        let merged = apiq_otp::migration::parse_all(uris.iter().map(|s| s.as_str())).expect("own output parses");
        assert_eq!(merged.entries, batch.entries);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = apiq_otp::migration::parse(text);
    }
});
