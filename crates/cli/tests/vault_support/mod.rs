//! Helpers shared by the CLI's vault tests: run the real `apiq` binary,
//! make cheap vaults through the library (the CLI itself never creates a
//! vault below the Argon2 floor), and read them back.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use apiq_vault::{CreateOptions, Kdf, KdfParams, Vault, VaultOptions};

pub const PW: &str = "test password";

/// A command for the built `apiq`, with a clean environment for vaults.
pub fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apiq"));
    c.args(args)
        .env_remove("APIQ_VAULT_PASSWORD")
        .env_remove("APIQ_NEW_VAULT_PASSWORD")
        .env_remove("APIQ_IMPORT_PASSWORD")
        .env_remove("APIQ_EXPORT_PASSWORD")
        .env_remove("APIQ_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs `apiq` to the end with `stdin` and the vault password in the
/// environment (unless `password` is `None`).
pub fn run(args: &[&str], password: Option<&str>, stdin: &str) -> Output {
    let mut c = cmd(args);
    if let Some(pw) = password {
        c.env("APIQ_VAULT_PASSWORD", pw);
    }
    finish(c.spawn().unwrap(), stdin)
}

pub fn finish(mut child: Child, stdin: &str) -> Output {
    let mut pipe = child.stdin.take().unwrap();
    let _ = pipe.write_all(stdin.as_bytes());
    drop(pipe);
    child.wait_with_output().unwrap()
}

pub fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "failed: {}", err(o));
}

/// A failure per the contract: this exit code, an `error:` line containing
/// `needle`, nothing on stdout.
pub fn assert_fails(o: &Output, code: i32, needle: &str) {
    assert_eq!(o.status.code(), Some(code), "stderr: {}", err(o));
    assert!(o.stdout.is_empty(), "stdout on failure: {:?}", out(o));
    assert!(
        err(o)
            .lines()
            .any(|l| l.starts_with("error:") && l.contains(needle)),
        "no `error:` line with {needle:?} in {:?}",
        err(o)
    );
}

/// A vault with cheap Argon2 parameters (tests only).
pub fn cheap_vault(dir: &Path) -> PathBuf {
    let path = dir.join("vault.apiq");
    Vault::create(
        &path,
        PW,
        CreateOptions {
            kdf: Kdf::UncheckedForTests(KdfParams {
                m_kib: 64,
                t: 1,
                p: 1,
            }),
            ..Default::default()
        },
    )
    .unwrap();
    path
}

pub fn open(path: &Path) -> Vault {
    Vault::open_with_password(path, PW, VaultOptions::default()).unwrap()
}

/// A TOTP URI with a secret unique to `n`.
pub fn uri(issuer: &str, name: &str, n: u64) -> String {
    let secret = data_encoding_base32(&n.to_be_bytes().repeat(2));
    format!("otpauth://totp/{issuer}:{name}?secret={secret}&issuer={issuer}")
}

fn data_encoding_base32(bytes: &[u8]) -> String {
    const A: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(A[((buf >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(A[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}
