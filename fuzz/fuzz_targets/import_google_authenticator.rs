#![no_main]
//! The google-authenticator importer of apiq-formats on any bytes: must never panic.
use apiq_formats::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = apiq_formats::import(data, Some(Format::GoogleAuthenticator), Some(b"pw"));
});
