//! Sync through a folder with real files: publish, join, sync both ways,
//! bad files skipped, nothing new writes nothing, a password change
//! travelling, conflict copies merged.

use std::fs;
use std::path::{Path, PathBuf};

use apiq_otp::{Algorithm, Entry, Kind, Secret};
use apiq_vault::{CreateOptions, Kdf, KdfParams, NewEntry, Vault, VaultError, VaultOptions};

const PW: &str = "sync password";
const CHEAP: KdfParams = KdfParams {
    m_kib: 64,
    t: 1,
    p: 1,
};

fn totp(issuer: &str, n: u8) -> NewEntry {
    Entry::totp(
        issuer,
        "me",
        Secret::from_bytes(vec![n; 10]).unwrap(),
        Algorithm::Sha1,
        6,
        30,
    )
    .unwrap()
    .into()
}

fn create(dir: &Path, name: &str) -> Vault {
    let opts = CreateOptions {
        kdf: Kdf::UncheckedForTests(CHEAP),
        ..Default::default()
    };
    Vault::create(&dir.join(name), PW, opts).unwrap()
}

fn folder_files(folder: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn labels(v: &Vault) -> Vec<String> {
    let mut l: Vec<String> = v.entries().iter().map(|e| e.label()).collect();
    l.sort();
    l
}

/// A and B on one folder, B joined from A's publication.
fn pair(dir: &Path) -> (Vault, Vault, PathBuf) {
    let folder = dir.join("sync");
    let mut a = create(dir, "a.apiq");
    a.add(totp("One", 1), 100).unwrap();
    a.sync_init(&folder, "laptop").unwrap();
    let (b, r) = Vault::join(
        &dir.join("b.apiq"),
        &folder,
        PW,
        "desktop",
        VaultOptions::default(),
    )
    .unwrap();
    assert_eq!(r.pulled.added, 1);
    (a, b, folder)
}

#[test]
fn join_then_changes_travel_both_ways_and_nothing_new_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, folder) = pair(dir.path());
    assert_eq!(labels(&b), ["One (me)"]);
    assert_eq!(b.id(), a.id());
    assert_ne!(b.device_id(), a.device_id());
    assert_eq!(folder_files(&folder).len(), 2);

    b.add(totp("Two", 2), 200).unwrap();
    let id = a.entries()[0].id;
    a.update(id, 300, |e| e.note = "from a".into()).unwrap();
    b.sync(None).unwrap();
    let r = a.sync(None).unwrap();
    assert_eq!(r.pulled.added, 1);
    b.sync(None).unwrap();
    assert_eq!(labels(&a), labels(&b));
    assert_eq!(b.get(id).unwrap().note, "from a");

    // Nothing new: neither the vault nor the folder file is written.
    let gen = a.generation();
    let before: Vec<_> = folder_files(&folder)
        .iter()
        .map(|f| {
            (
                fs::read(f).unwrap(),
                fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    let r = a.sync(None).unwrap();
    assert!(
        r.pulled.is_empty() && r.pushed.is_none() && !r.saved,
        "{r:?}"
    );
    b.sync(None).unwrap();
    assert_eq!(a.generation(), gen);
    let after: Vec<_> = folder_files(&folder)
        .iter()
        .map(|f| {
            (
                fs::read(f).unwrap(),
                fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    assert_eq!(before, after);
}

#[test]
fn a_wrong_password_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("sync");
    let mut a = create(dir.path(), "a.apiq");
    a.sync_init(&folder, "a").unwrap();
    let files = folder_files(&folder);
    let target = dir.path().join("b.apiq");
    let r = Vault::join(&target, &folder, "nope", "b", VaultOptions::default());
    assert!(matches!(r, Err(VaultError::WrongPassword)), "{r:?}");
    assert!(!target.exists());
    assert_eq!(folder_files(&folder), files);
}

#[test]
fn bad_files_are_skipped_with_a_reason_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, folder) = pair(dir.path());
    b.add(totp("Two", 2), 200).unwrap();
    b.sync(None).unwrap();
    let b_file = folder.join(format!("apiq-{}.apiq", b.device_id()));
    let good = fs::read(&b_file).unwrap();

    // Another vault's file, a truncated one, a flipped byte, a newer version.
    let other_dir = tempfile::tempdir().unwrap();
    let mut other = create(other_dir.path(), "o.apiq");
    other.add(totp("Other", 9), 1).unwrap();
    let of = other_dir.path().join("sync");
    other.sync_init(&of, "o").unwrap();
    for f in folder_files(&of) {
        fs::copy(&f, folder.join(f.file_name().unwrap())).unwrap();
    }
    let gen = a.generation();
    let entries = a.entries().to_vec();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (good[..good.len() / 2].to_vec(), "damaged"),
        (
            {
                let mut g = good.clone();
                let n = g.len() - 40;
                g[n] ^= 1;
                g
            },
            "damaged",
        ),
        (
            {
                let mut g = good.clone();
                g[8] = 9;
                let n = g.len() - 4;
                g.truncate(n);
                let crc = crc32(&g);
                g.extend_from_slice(&crc.to_le_bytes());
                g
            },
            "newer version",
        ),
    ];
    for (bytes, reason) in cases {
        fs::write(&b_file, &bytes).unwrap();
        let r = a.sync(None).unwrap();
        assert!(r.pulled.is_empty(), "{reason}: {r:?}");
        assert!(
            r.warnings.iter().any(|w| w.contains(reason)),
            "{reason}: {:?}",
            r.warnings
        );
        assert!(
            r.warnings.iter().any(|w| w.contains("another vault")),
            "{:?}",
            r.warnings
        );
        assert_eq!(a.generation(), gen);
        assert_eq!(a.entries(), &entries[..]);
    }
    // A flipped byte behind a fixed checksum: the seal refuses it.
    let mut g = good.clone();
    let n = g.len() - 30;
    g[n] ^= 1;
    g.truncate(g.len() - 4);
    let crc = crc32(&g);
    g.extend_from_slice(&crc.to_le_bytes());
    fs::write(&b_file, &g).unwrap();
    let r = a.sync(None).unwrap();
    assert!(
        r.warnings.iter().any(|w| w.contains("authenticate")),
        "{r:?}"
    );
    assert_eq!(a.entries(), &entries[..]);
    // Back to the good file: the change arrives.
    fs::write(&b_file, &good).unwrap();
    assert_eq!(a.sync(None).unwrap().pulled.added, 1);
}

fn crc32(bytes: &[u8]) -> u32 {
    // Same CRC-32 (IEEE) as the format, bit by bit.
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A password change re-keys the data (issue 14, item 9): the other
/// device, still on the old key, cannot read the changer's file and says
/// it needs the new password; the old password opens nothing new and
/// joins nothing; the new password brings the new key in, after which both
/// devices read each other again.
#[test]
fn a_password_change_reaches_the_other_device_with_the_new_password() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, folder) = pair(dir.path());
    a.change_password("new password", Kdf::UncheckedForTests(CHEAP))
        .unwrap();
    a.add(totp("After", 9), 300).unwrap();
    a.sync(None).unwrap();
    let r = b.sync(None).unwrap();
    assert!(r.needs_new_password, "{r:?}");
    assert!(
        r.warnings.iter().any(|w| w.contains("new password")),
        "{r:?}"
    );
    assert!(!labels(&b).iter().any(|l| l.starts_with("After")));
    // B's changes still reach A meanwhile: A keeps the old key (inside its
    // vault, under the new one) to read devices that are not there yet.
    b.add(totp("WhileOld", 8), 350).unwrap();
    b.sync(None).unwrap();
    let r = a.sync(None).unwrap();
    assert!(!r.needs_new_password && r.warnings.is_empty(), "{r:?}");
    assert!(labels(&a).iter().any(|l| l.starts_with("WhileOld")));
    let before = fs::read(b.path()).unwrap();
    assert!(matches!(
        b.sync_with_new_password(None, PW),
        Err(VaultError::WrongPassword)
    ));
    assert_eq!(
        fs::read(b.path()).unwrap(),
        before,
        "a wrong password changed the vault"
    );
    // A third device cannot join with the old password.
    let c = dir.path().join("c.apiq");
    assert!(Vault::join(&c, &folder, PW, "c", VaultOptions::default()).is_err());
    assert!(!c.exists());
    let r = b.sync_with_new_password(None, "new password").unwrap();
    assert!(r.password_changed && !r.needs_new_password, "{r:?}");
    assert!(labels(&b).iter().any(|l| l.starts_with("After")));
    let bp = b.path().to_path_buf();
    assert!(matches!(
        Vault::open_with_password(&bp, PW, VaultOptions::default()),
        Err(VaultError::WrongPassword)
    ));
    Vault::open_with_password(&bp, "new password", VaultOptions::default()).unwrap();
    // B's changes reach A again: B's file is under the new key now.
    b.add(totp("FromB", 7), 400).unwrap();
    b.sync(None).unwrap();
    let r = a.sync(None).unwrap();
    assert!(!r.needs_new_password && r.warnings.is_empty(), "{r:?}");
    assert!(labels(&a).iter().any(|l| l.starts_with("FromB")));
    Vault::join(&c, &folder, "new password", "c", VaultOptions::default()).unwrap();
}

#[test]
fn conflict_copies_are_merged_then_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, folder) = pair(dir.path());
    let b_file = folder.join(format!("apiq-{}.apiq", b.device_id()));
    b.add(totp("Two", 2), 200).unwrap();
    b.sync(None).unwrap();
    // A sync tool kept this version as a conflict copy, then B wrote again.
    let copy = folder.join(format!(
        "apiq-{}.sync-conflict-20250101-101010-ABCDEFG.apiq",
        b.device_id()
    ));
    fs::copy(&b_file, &copy).unwrap();
    let dropbox = folder.join(format!(
        "apiq-{} (conflicted copy 2025-01-01).apiq",
        b.device_id()
    ));
    fs::copy(&b_file, &dropbox).unwrap();
    let two = b
        .entries()
        .iter()
        .find(|e| e.otp.issuer == "Two")
        .unwrap()
        .id;
    b.remove(two).unwrap();
    b.add(totp("Three", 3), 300).unwrap();
    // B's current file no longer has "Two" live, but its removal is there
    // too; the copies only add what B already superseded.
    let r = a.sync(None).unwrap();
    assert_eq!(r.conflicts_removed, 2);
    assert!(!copy.exists() && !dropbox.exists());
    b.sync(None).unwrap();
    a.sync(None).unwrap();
    assert_eq!(labels(&a), labels(&b));
    assert_eq!(labels(&a), ["One (me)", "Three (me)"]);
}

#[test]
fn hotp_counters_and_recovery_codes_merge() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("sync");
    let mut a = create(dir.path(), "a.apiq");
    let hotp: NewEntry = Entry::new(
        Kind::Hotp { counter: 0 },
        "H",
        "me",
        Secret::from_bytes(vec![5; 10]).unwrap(),
        Algorithm::Sha1,
        6,
    )
    .unwrap()
    .into();
    let h = a.add(hotp, 1).unwrap();
    let t = a.add(totp("T", 1), 1).unwrap();
    a.recovery_add(t, vec!["aaaa-1111".into(), "bbbb-2222".into()], 2)
        .unwrap();
    a.sync_init(&folder, "a").unwrap();
    let (mut b, _) = Vault::join(
        &dir.path().join("b.apiq"),
        &folder,
        PW,
        "b",
        VaultOptions::default(),
    )
    .unwrap();
    for _ in 0..3 {
        a.next_hotp(h, 3).unwrap();
    }
    b.next_hotp(h, 3).unwrap();
    a.recovery_use(t, "aaaa1111", 4).unwrap();
    b.recovery_add(t, vec!["cccc-3333".into()], 5).unwrap();
    a.sync(None).unwrap();
    b.sync(None).unwrap();
    a.sync(None).unwrap();
    for v in [&a, &b] {
        assert_eq!(v.get(h).unwrap().otp.kind().counter(), Some(3));
        let r = &v.get(t).unwrap().recovery;
        assert_eq!(r.codes.len(), 3);
        assert_eq!(r.remaining(), 2);
    }
    // B cannot use the code A used.
    assert!(matches!(
        b.recovery_use(t, "aaaa-1111", 6),
        Err(VaultError::RecoveryCodeUsed { .. })
    ));
}

#[test]
fn an_unreadable_or_missing_folder_is_a_clear_error_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _b, _) = pair(dir.path());
    let bytes = fs::read(a.path()).unwrap();
    let missing = dir.path().join("gone");
    let e = a.sync(Some(&missing)).unwrap_err().to_string();
    assert!(e.contains("does not exist"), "{e}");
    assert_eq!(fs::read(a.path()).unwrap(), bytes);
    // A file where the folder should be.
    let file = dir.path().join("a-file");
    fs::write(&file, b"x").unwrap();
    let e = a.sync(Some(&file)).unwrap_err().to_string();
    assert!(
        e.contains("cannot be read (it is a file, not a folder)"),
        "{e}"
    );
    assert_eq!(fs::read(a.path()).unwrap(), bytes);
}

#[test]
fn forgetting_the_folder_keeps_the_entries_and_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _b, folder) = pair(dir.path());
    let files = folder_files(&folder);
    a.sync_forget().unwrap();
    assert_eq!(a.sync_folder(), None);
    assert_eq!(labels(&a), ["One (me)"]);
    assert_eq!(folder_files(&folder), files, "the folder is left as it was");
    // Remembered across a reopen; a plain sync now says there is no folder.
    let mut again = Vault::open_with_password(a.path(), PW, VaultOptions::default()).unwrap();
    assert_eq!(again.sync_folder(), None);
    assert!(again.sync(None).is_err());
    // Forgetting twice writes nothing.
    let generation = again.generation();
    again.sync_forget().unwrap();
    assert_eq!(again.generation(), generation);
}
