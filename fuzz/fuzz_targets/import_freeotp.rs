#![no_main]
//! The freeotp importer of apiq-formats on any bytes: must never panic.
use apiq_formats::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = apiq_formats::import(data, Some(Format::FreeOtp), Some(b"pw"));
});
