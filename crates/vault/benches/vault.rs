//! Vault speed on this machine, against the targets:
//!
//! - open a 10,000-entry vault and produce every current code: < 100 ms
//!   beyond the key derivation (the bench vault uses tiny Argon2 parameters
//!   and the derivation is measured separately and subtracted);
//! - save after one change: < 50 ms plus fsync (measured with the fsyncs);
//! - the plaintext encoding: postcard vs serde_json decoding the same
//!   10,000 entries (why the content is postcard).
//!
//! `cargo bench -p apiq-vault --bench vault` prints criterion's figures,
//! then a summary with the ratio of each median to its target.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use apiq_otp::{Algorithm, Entry, Secret};
use apiq_vault::{CreateOptions, Kdf, KdfParams, NewEntry, Vault, VaultOptions};
use criterion::Criterion;
use serde::{Deserialize, Serialize};

const N: usize = 10_000;
const PW: &str = "bench";
const CHEAP: KdfParams = KdfParams {
    m_kib: 8,
    t: 1,
    p: 1,
};
const NOW: u64 = 1_700_000_000;

fn items() -> Vec<NewEntry> {
    (0..N as u64)
        .map(|i| {
            let mut secret = [0u8; 20];
            secret[..8].copy_from_slice(&i.to_le_bytes());
            secret[8..16].copy_from_slice(&(i * 7919).to_le_bytes());
            NewEntry {
                note: if i % 10 == 0 {
                    format!("note for {i}")
                } else {
                    String::new()
                },
                groups: if i % 4 == 0 {
                    vec!["work".into()]
                } else {
                    vec![]
                },
                ..Entry::totp(
                    format!("Issuer {}", i % 300),
                    format!("user{i}@example.com"),
                    Secret::from_bytes(secret.to_vec()).unwrap(),
                    Algorithm::Sha1,
                    6,
                    30,
                )
                .unwrap()
                .into()
            }
        })
        .collect()
}

fn make_vault(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("bench.apiq");
    let mut v = Vault::create(
        &path,
        PW,
        CreateOptions {
            kdf: Kdf::UncheckedForTests(CHEAP),
            ..Default::default()
        },
    )
    .unwrap();
    v.add_many(items(), NOW).unwrap();
    path
}

fn open_and_codes(path: &Path) -> usize {
    let v = Vault::open_with_password(path, PW, VaultOptions::default()).unwrap();
    v.codes_at(NOW).len()
}

fn kdf() {
    black_box(CHEAP.derive(PW.as_bytes(), &[0; 16]));
}

/// The same fields the vault stores, for the encoding comparison.
#[derive(Serialize, Deserialize)]
struct Plain {
    id: [u8; 16],
    kind: u8,
    period: u32,
    counter: u64,
    algorithm: u8,
    digits: u8,
    secret: Vec<u8>,
    issuer: String,
    name: String,
    note: String,
    groups: Vec<String>,
    favorite: bool,
    archived: bool,
    created: u64,
    updated: u64,
}

fn plain() -> Vec<Plain> {
    items()
        .into_iter()
        .enumerate()
        .map(|(i, e)| Plain {
            id: [i as u8; 16],
            kind: 0,
            period: 30,
            counter: 0,
            algorithm: 0,
            digits: 6,
            secret: e.otp.secret().expose().to_vec(),
            issuer: e.otp.issuer.clone(),
            name: e.otp.name.clone(),
            note: e.note.clone(),
            groups: e.groups.clone(),
            favorite: false,
            archived: false,
            created: NOW,
            updated: NOW,
        })
        .collect()
}

fn benches(c: &mut Criterion, path: &Path) {
    let mut g = c.benchmark_group("vault_10k");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("kdf_of_the_bench_vault", |b| b.iter(kdf));
    g.bench_function("open_and_all_codes", |b| {
        b.iter(|| black_box(open_and_codes(path)))
    });
    let mut v = Vault::open_with_password(path, PW, VaultOptions::default()).unwrap();
    let id = v.entries()[N / 2].id;
    let mut k = 0u64;
    g.bench_function("save_after_one_change_with_fsync", |b| {
        b.iter(|| {
            k += 1;
            v.update(id, NOW + k, |e| e.note = format!("edit {k}"))
                .unwrap();
        })
    });
    g.finish();

    let data = plain();
    let json = serde_json::to_vec(&data).unwrap();
    let post = postcard::to_allocvec(&data).unwrap();
    let mut g = c.benchmark_group("encoding_10k");
    g.sample_size(20);
    g.bench_function("decode_serde_json", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Vec<Plain>>(&json).unwrap().len()))
    });
    g.bench_function("decode_postcard", |b| {
        b.iter(|| black_box(postcard::from_bytes::<Vec<Plain>>(&post).unwrap().len()))
    });
    g.finish();
    eprintln!(
        "encoded size of 10,000 entries: serde_json {} KB, postcard {} KB",
        json.len() / 1024,
        post.len() / 1024
    );
}

fn median(mut f: impl FnMut(), runs: usize) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[runs / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_vault(dir.path());
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, &path);
    c.final_summary();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let kdf_t = median(kdf, 21);
    let open_t = median(
        || {
            black_box(open_and_codes(&path));
        },
        21,
    );
    let mut v = Vault::open_with_password(&path, PW, VaultOptions::default()).unwrap();
    let id = v.entries()[0].id;
    let mut k = 0;
    let save_t = median(
        || {
            k += 1;
            v.update(id, NOW + k, |e| e.note = format!("s{k}")).unwrap();
        },
        21,
    );
    let beyond = open_t.saturating_sub(kdf_t);
    println!(
        "summary (medians of 21 runs, {N} entries, file {} KB):",
        std::fs::metadata(&path).unwrap().len() / 1024
    );
    println!(
        "  open + all codes beyond the KDF: {:.1} ms (target 100 ms, ratio {:.2})",
        ms(beyond),
        ms(beyond) / 100.0
    );
    println!(
        "  save after one change, fsyncs included: {:.1} ms (target 50 ms + fsync, ratio {:.2})",
        ms(save_t),
        ms(save_t) / 50.0
    );
    let real = KdfParams::calibrate(apiq_vault::TARGET_UNLOCK);
    let real_t = median(|| drop(real.derive(PW.as_bytes(), &[0; 16])), 3);
    println!(
        "  a calibrated unlock here: argon2id m={} KiB t={} takes {:.0} ms (target ≈ 500 ms)",
        real.m_kib,
        real.t,
        ms(real_t)
    );
}
