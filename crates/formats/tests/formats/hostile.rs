//! Issue 14 item 11: hostile import files must not cost gigabytes or
//! minutes. Each input here is small (kilobytes) but, read naively, expands
//! to tens of megabytes or more, or runs hundreds of key derivations.

use apiq_formats::{import, Format, FormatError};

/// A Google Authenticator database whose one account's leaf page repeats
/// the pointer to its only cell until the page is full: ≈ 30,000 rows of
/// 2 KB each from a 64 KiB page (≈ 60 MB) before the fix.
#[test]
fn sqlite_repeated_cell_pointers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("databases");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        "PRAGMA page_size = 65536;
         CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL,
             counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0,
             issuer TEXT DEFAULT NULL, original_name TEXT DEFAULT NULL);",
    )
    .unwrap();
    db.execute(
        "INSERT INTO accounts (email, secret, type) VALUES (?1, 'JBSWY3DPEHPK3PXP', 0)",
        [format!("me{}", "x".repeat(2000))],
    )
    .unwrap();
    let root: i64 = db
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = 'accounts'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(db);
    let mut bytes = std::fs::read(&path).unwrap();
    // Sanity: the untouched file imports to its one entry.
    assert_eq!(import(&bytes, None, None).unwrap().entries.len(), 1);

    let page = (root as usize - 1) * 65536;
    assert_eq!(bytes[page], 0x0d, "the root is a leaf page");
    let be16 = |b: &[u8], at: usize| u16::from_be_bytes([b[at], b[at + 1]]) as usize;
    assert_eq!(be16(&bytes, page + 3), 1);
    let content_start = be16(&bytes, page + 5);
    let cell = be16(&bytes, page + 8);
    let count = (content_start - 8) / 2;
    for i in 0..count {
        bytes[page + 8 + 2 * i..page + 10 + 2 * i].copy_from_slice(&(cell as u16).to_be_bytes());
    }
    bytes[page + 3..page + 5].copy_from_slice(&(count as u16).to_be_bytes());
    assert!(count > 20_000, "{count}");

    match import(&bytes, Some(Format::GoogleAuthenticator), None) {
        Err(FormatError::Corrupt { reason, .. }) => {
            assert!(reason.contains("more than the file"), "{reason}")
        }
        other => panic!(
            "expected a refusal, got {} entries",
            other.map(|i| i.entries.len()).unwrap_or(0)
        ),
    }
}

/// A FreeOTP 2.x stream: one 16 KB string, then 2,000 map values that are
/// back-references to it (5 bytes each): 32 MB of copies before the fix.
#[test]
fn java_back_references_do_not_copy_per_reference() {
    let mut b = vec![0xAC, 0xED, 0x00, 0x05, 0x73, 0x72, 0, 17];
    b.extend(b"java.util.HashMap");
    b.extend([0x05, 0x07, 0xda, 0xc1, 0xc3, 0x16, 0x60, 0xd1, 0x03, 0, 2]);
    b.extend([b'F', 0, 10]);
    b.extend(b"loadFactor");
    b.extend([b'I', 0, 9]);
    b.extend(b"threshold");
    b.extend([0x78, 0x70]);
    b.extend([0x3f, 0x40, 0, 0, 0, 0, 0, 12]);
    let pairs: u32 = 2000;
    // Block data: capacity, then size (the number of pairs).
    b.extend([0x77, 8, 0, 0, 0x10, 0]);
    b.extend(pairs.to_be_bytes());
    // Handles: 0 the class, 1 the map, 2 the first key, 3 the long string.
    let long = "A".repeat(16 * 1024);
    b.extend([0x74, 0, 9]);
    b.extend(b"masterKey");
    b.push(0x7C);
    b.extend((long.len() as u64).to_be_bytes());
    b.extend(long.as_bytes());
    for i in 1..pairs {
        let key = format!("k{i:05}");
        b.extend([0x74, 0, key.len() as u8]);
        b.extend(key.as_bytes());
        b.extend([0x71, 0x00, 0x7e, 0x00, 0x03]);
    }
    b.push(0x78);
    assert!(b.len() < 64 * 1024);
    match import(&b, Some(Format::FreeOtp), Some(b"pw")) {
        Err(FormatError::Corrupt { reason, .. }) => {
            assert!(reason.contains("references"), "{reason}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// An encrypted Aegis vault shell with the given password slots
/// (`(n, r, p)` each); slot keys and the content are junk.
fn aegis_with_slots(slots: &[(u64, u32, u32)]) -> Vec<u8> {
    let slots: Vec<serde_json::Value> = slots
        .iter()
        .map(|(n, r, p)| {
            serde_json::json!({
                "type": 1, "uuid": "00000000-0000-0000-0000-000000000000",
                "key": "00".repeat(32),
                "key_params": {"nonce": "00".repeat(12), "tag": "00".repeat(16)},
                "n": n, "r": r, "p": p, "salt": "00".repeat(32),
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "version": 1,
        "header": {"slots": slots, "params": {"nonce": "00".repeat(12), "tag": "00".repeat(16)}},
        "db": "AAAA",
    }))
    .unwrap()
}

/// 500 cheap password slots: the first 8 are tried, then a clear refusal
/// (before the fix: 500 key derivations, then "wrong password").
#[test]
fn aegis_tries_a_bounded_number_of_password_slots() {
    let bytes = aegis_with_slots(&vec![(2, 1, 1); 500]);
    match import(&bytes, Some(Format::Aegis), Some(b"pw")) {
        Err(FormatError::Unsupported(m)) => {
            assert!(m.contains("first 8") && m.contains("500"), "{m}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A few slots the password does not open are still a wrong password.
    let bytes = aegis_with_slots(&[(2, 1, 1); 3]);
    assert!(matches!(
        import(&bytes, Some(Format::Aegis), Some(b"pw")),
        Err(FormatError::WrongPassword)
    ));
}

/// Slots each under the per-slot cap (128 MiB, p = 5) whose sum is past
/// the total: refused before any key derivation runs (before the fix: two
/// 640 MiB-pass scrypt runs, seconds each, then "wrong password").
#[test]
fn aegis_slots_share_one_key_derivation_budget() {
    let bytes = aegis_with_slots(&[(1 << 17, 8, 5), (1 << 17, 8, 5)]);
    match import(&bytes, Some(Format::Aegis), Some(b"pw")) {
        Err(FormatError::Unsupported(m)) => assert!(m.contains("scrypt work"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}
