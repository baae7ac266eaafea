//! The built-in SQLite reader against databases the real SQLite writes
//! (rusqlite, bundled): many rows (a multi-level b-tree), long values
//! (overflow pages), an `INTEGER PRIMARY KEY`, NULLs, and a schema shaped
//! like Google Authenticator's, read through the public importer.

use apiq_formats::{import, Format};
use apiq_otp::{Entry, Secret};

fn make_db(rows: usize, name_len: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("databases");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        "CREATE TABLE android_metadata (locale TEXT);
         CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL,
             counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0,
             issuer TEXT DEFAULT NULL, original_name TEXT DEFAULT NULL);",
    )
    .unwrap();
    let tx = db.unchecked_transaction().unwrap();
    for i in 0..rows {
        let name = format!("user{i}-{}", "x".repeat(name_len));
        let secret = Secret::from_bytes(format!("secret-{i:08}-abcdefgh").into_bytes()).unwrap();
        let issuer: Option<String> = (i % 3 != 0).then(|| format!("Issuer {i}"));
        let email = match &issuer {
            Some(iss) => format!("{iss}:{name}"),
            None => name.clone(),
        };
        tx.execute(
            "INSERT INTO accounts (email, secret, counter, type, issuer) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![email, secret.to_base32(), (i as i64) * 1_000_003, (i % 2) as i64, issuer],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    drop(db);
    std::fs::read(&path).unwrap()
}

fn check(rows: usize, name_len: usize) {
    let bytes = make_db(rows, name_len);
    let got = import(&bytes, None, None).unwrap();
    assert_eq!(got.format, Format::GoogleAuthenticator);
    assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    assert_eq!(got.entries.len(), rows);
    for (i, e) in got.entries.iter().enumerate() {
        let secret = Secret::from_bytes(format!("secret-{i:08}-abcdefgh").into_bytes()).unwrap();
        let name = format!("user{i}-{}", "x".repeat(name_len));
        let issuer = if i % 3 != 0 {
            format!("Issuer {i}")
        } else {
            String::new()
        };
        let want = if i % 2 == 1 {
            Entry::new(
                apiq_otp::Kind::Hotp {
                    counter: i as u64 * 1_000_003,
                },
                issuer,
                name,
                secret,
                apiq_otp::Algorithm::Sha1,
                6,
            )
        } else {
            Entry::totp(issuer, name, secret, apiq_otp::Algorithm::Sha1, 6, 30)
        }
        .unwrap();
        assert_eq!(e.entry, want, "row {i}");
    }
}

#[test]
fn many_rows_span_interior_pages() {
    check(3000, 10);
}

#[test]
fn long_values_use_overflow_pages() {
    check(40, 9000);
}

#[test]
fn an_empty_table_is_empty() {
    let got = import(&make_db(0, 0), Some(Format::GoogleAuthenticator), None).unwrap();
    assert!(got.entries.is_empty() && got.skipped.is_empty());
}
