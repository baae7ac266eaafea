#![no_main]
//! Auto-detection plus import of any bytes (apiq-formats): must never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = apiq_formats::import(data, None, Some(b"pw"));
    let _ = apiq_formats::import(data, None, None);
});
