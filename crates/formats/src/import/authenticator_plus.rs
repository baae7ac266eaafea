//! Authenticator Plus exports: a password-protected ZIP (ZipCrypto) holding
//! `Accounts.txt`, an otpauth URI list read by the [`super::otpauth`]
//! importer.
//!
//! ZipCrypto checks the password against one byte only: a wrong password
//! is caught there 255 times in 256, otherwise by the CRC of the
//! decompressed member (then reported as a wrong password too). The member
//! is read through a cap of [`crate::MAX_INPUT_BYTES`], so a ZIP bomb
//! cannot exhaust memory.

use std::io::{Cursor, Read};

use zeroize::Zeroizing;

use super::{otpauth, Importer, Parsed, Probe};
use crate::{FormatError, MAX_INPUT_BYTES};

const NAME: &str = "authenticator-plus";

pub(crate) struct AuthenticatorPlus;

impl Importer for AuthenticatorPlus {
    fn detect(&self, probe: &Probe) -> bool {
        probe.binary().is_some_and(|b| b.starts_with(b"PK\x03\x04"))
    }

    fn import(&self, bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| FormatError::corrupt(NAME, format!("not a readable ZIP ({e})")))?;
        let name = zip
            .file_names()
            .find(|n| {
                n.rsplit('/')
                    .next()
                    .is_some_and(|b| b.eq_ignore_ascii_case("Accounts.txt"))
            })
            .map(str::to_string)
            .ok_or_else(|| FormatError::corrupt(NAME, "no Accounts.txt in the ZIP"))?;
        let file = match password {
            Some(p) => zip.by_name_decrypt(&name, p),
            None => zip.by_name(&name),
        };
        let file = file.map_err(|e| match e {
            zip::result::ZipError::InvalidPassword => FormatError::WrongPassword,
            zip::result::ZipError::UnsupportedArchive(m)
                if m == zip::result::ZipError::PASSWORD_REQUIRED =>
            {
                FormatError::PasswordRequired
            }
            e => FormatError::corrupt(NAME, format!("unreadable Accounts.txt ({e})")),
        })?;
        let encrypted = file.encrypted();
        let mut text = Zeroizing::new(Vec::new());
        let read = file.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut text);
        match read {
            // A wrong password that passed the one-byte check fails the
            // CRC (or decompression) here.
            Err(_) if encrypted => return Err(FormatError::WrongPassword),
            Err(e) => {
                return Err(FormatError::corrupt(
                    NAME,
                    format!("unreadable Accounts.txt ({e})"),
                ))
            }
            Ok(_) => {}
        }
        if text.len() > MAX_INPUT_BYTES {
            return Err(FormatError::TooLarge {
                size: text.len() as u64,
                limit: MAX_INPUT_BYTES as u64,
            });
        }
        let text = std::str::from_utf8(&text).map_err(|_| {
            if encrypted {
                FormatError::WrongPassword
            } else {
                FormatError::corrupt(NAME, "Accounts.txt is not UTF-8 text")
            }
        })?;
        otpauth::parse_text(text, NAME)
    }
}
