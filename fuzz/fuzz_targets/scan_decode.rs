#![no_main]
//! QR decoding of arbitrary image bytes (every format the scan crate
//! sniffs): must never panic, and must refuse oversized images from their
//! header rather than allocate for them.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = apiq_scan::decode_bytes(data);
});
