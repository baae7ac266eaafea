//! Fuzzes the vault file parser and decryptor: arbitrary bytes through
//! `apiq_vault::format::parse` and `apiq_vault::decode_with_key` (which
//! parses, checks the checksum, and authenticates and decodes the content
//! under a fixed data key). Neither may panic, hang or allocate more than
//! the input's size. Seeds: any vault file (`apiq vault init`).
//!
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = apiq_vault::format::parse(data);
    let _ = apiq_vault::decode_with_key(data, &[7u8; 32]);
    // Past the checksum too: the same bytes with a valid CRC appended, so
    // the structural checks and the AEAD are reached, not only the CRC.
    let mut fixed = data.to_vec();
    apiq_vault::format::append_crc(&mut fixed);
    let _ = apiq_vault::format::parse(&fixed);
    let _ = apiq_vault::decode_with_key(&fixed, &[7u8; 32]);
});
