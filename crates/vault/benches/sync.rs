//! Sync speed and size on this machine, against issue 12's targets:
//!
//! - merge of two 10,000-entry vaults with 1,000 changes each: ≤ 50 ms
//!   beyond decryption (the pure merge of the two decoded states);
//! - a no-change `apiq sync` on a 1,000-entry vault with 5 devices:
//!   ≤ key derivation + 50 ms (measured: the sync of an open vault, i.e.
//!   everything but the unlock; the keyring slot avoids the derivation);
//! - folder size grows with entries, not with history (printed: the folder
//!   after 1,000 entries, then after 10 rounds of 1,000 edits).
//!
//! `cargo bench -p apiq-vault --bench sync`.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use apiq_otp::{Algorithm, Entry, Secret};
use apiq_vault::sync::{merge, DeviceId, State};
use apiq_vault::{
    CreateOptions, EntryId, Kdf, KdfParams, NewEntry, RecoveryCodes, Vault, VaultEntry,
    VaultOptions,
};
use criterion::Criterion;

const PW: &str = "bench";
const CHEAP: KdfParams = KdfParams {
    m_kib: 8,
    t: 1,
    p: 1,
};

fn entry(i: u64) -> VaultEntry {
    let mut secret = [0u8; 20];
    secret[..8].copy_from_slice(&i.to_le_bytes());
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(i * 2_654_435_761).to_le_bytes());
    VaultEntry {
        id: EntryId(id),
        otp: Entry::totp(
            format!("Issuer {}", i % 300),
            format!("user{i}@example.com"),
            Secret::from_bytes(secret.to_vec()).unwrap(),
            Algorithm::Sha1,
            6,
            30,
        )
        .unwrap(),
        note: String::new(),
        groups: vec![],
        favorite: false,
        pinned: false,
        icon: None,
        created: 1_700_000_000,
        updated: 1_700_000_000,
        archived: false,
        recovery: RecoveryCodes::default(),
    }
}

/// Two devices with the same 10,000 entries, then 1,000 different changes
/// each (notes on one side, renames and removals on the other, 200 of
/// them on the same entries).
fn two_states() -> (State, State) {
    let now = 1_700_000_000_000;
    let mut a = State::new(DeviceId([1; 8]));
    a.record((0..10_000).map(entry).collect(), now);
    let mut b = merge(&State::new(DeviceId([2; 8])), &a);
    let mut ea = a.entries.clone();
    for e in ea.iter_mut().take(1_000) {
        e.note = "changed on a".into();
    }
    a.record(ea, now + 1000);
    let mut eb = b.entries.clone();
    for e in eb.iter_mut().skip(800).take(900) {
        e.otp.name = "renamed on b".into();
    }
    eb.truncate(9_900);
    b.record(eb, now + 2000);
    (a, b)
}

fn folder_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}

fn median(c: &mut Criterion, name: &str, mut f: impl FnMut()) -> Duration {
    c.bench_function(name, |b| b.iter(&mut f));
    let mut runs: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    let (a, b) = two_states();
    let m = median(&mut c, "merge_10k_1k_changes_each", || {
        black_box(merge(black_box(&a), black_box(&b)));
    });
    let merged = merge(&a, &b);
    assert_eq!(merged.entries.len(), 9_900);

    // Five devices on one folder, 1,000 entries, all in step.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("sync");
    let opts = CreateOptions {
        kdf: Kdf::UncheckedForTests(CHEAP),
        ..Default::default()
    };
    let mut first = Vault::create(&dir.path().join("d0.apiq"), PW, opts).unwrap();
    let items: Vec<NewEntry> = (0..1_000).map(|i| NewEntry::from(entry(i).otp)).collect();
    first.add_many(items, 1_700_000_000).unwrap();
    first.sync_init(&folder, "d0").unwrap();
    let mut devices = vec![first];
    for i in 1..5 {
        let (v, _) = Vault::join(
            &dir.path().join(format!("d{i}.apiq")),
            &folder,
            PW,
            &format!("d{i}"),
            VaultOptions::default(),
        )
        .unwrap();
        devices.push(v);
    }
    for v in devices.iter_mut() {
        v.sync(None).unwrap();
    }
    let size_1k = folder_size(&folder);
    let v = &mut devices[0];
    let s = median(&mut c, "sync_no_change_1k_entries_5_devices", || {
        let r = v.sync(None).unwrap();
        assert!(r.pushed.is_none() && !r.saved);
    });
    // Open + sync, as `apiq sync` does (with the bench's tiny Argon2).
    let path = v.path().to_path_buf();
    let os = median(&mut c, "open_and_sync_no_change", || {
        let mut v = Vault::open_with_password(&path, PW, VaultOptions::default()).unwrap();
        v.sync(None).unwrap();
    });

    // History: 10 rounds of 1,000 edits on one device, synced each time.
    for round in 0..10 {
        let ids: Vec<EntryId> = v.entries().iter().map(|e| e.id).collect();
        v.transact(|entries| {
            for e in entries.iter_mut() {
                e.note = format!("round {round}");
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(ids.len(), 1_000);
        v.sync(None).unwrap();
    }
    let size_after = folder_size(&folder);

    println!();
    println!("| what | median | target |");
    println!("|---|---|---|");
    println!(
        "| merge 2 × 10,000 entries, 1,000 changes each | {:.1} ms | 50 ms |",
        m.as_secs_f64() * 1e3
    );
    println!(
        "| no-change sync, 1,000 entries, 5 devices (open vault) | {:.1} ms | KDF + 50 ms |",
        s.as_secs_f64() * 1e3
    );
    println!(
        "| open (tiny Argon2) + no-change sync | {:.1} ms | |",
        os.as_secs_f64() * 1e3
    );
    println!(
        "| folder: 5 devices × 1,000 entries | {} KB → {} KB after 10 × 1,000 edits | grows with entries |",
        size_1k / 1000,
        size_after / 1000
    );
}
