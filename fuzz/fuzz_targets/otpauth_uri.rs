#![no_main]
//! otpauth:// parsing must never panic; whatever parses must format and
//! parse back to the same secret.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(entry) = apiq_otp::uri::parse(text) {
            let again = apiq_otp::uri::parse(&apiq_otp::uri::format(&entry)).expect("own format parses");
            assert_eq!(again.secret(), entry.secret());
            let _ = entry.code_at(1_234_567_890);
        }
        let _ = apiq_otp::parse_lines(text);
    }
});
