//! Importing a 10,000-entry Aegis export, plain and encrypted.
//!
//! The target (issue 3): the time an encrypted import spends beyond the
//! format's own key derivation (scrypt N=2^15, r=8, p=1) stays under
//! 100 ms. The key derivation alone is measured as the import of an empty
//! encrypted vault (scrypt, one GCM tag on a few bytes); "beyond KDF" is
//! the 10,000-entry import minus that. After criterion's report, medians
//! of a few direct runs are printed with the ratios.
//!
//! Run: `cargo bench -p apiq-formats --bench import`.

use std::time::{Duration, Instant};

use apiq_formats::{export, import, ExportFormat, Format, Imported};
use apiq_otp::{Algorithm, Entry, Kind, Secret};
use criterion::{black_box, criterion_group, Criterion};
use rand::{RngCore, SeedableRng};

const N: usize = 10_000;
const PASSWORD: &[u8] = b"benchmark password";

fn entries(n: usize) -> Vec<Imported> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    (0..n)
        .map(|i| {
            let mut key = vec![0u8; 20];
            rng.fill_bytes(&mut key);
            let kind = match i % 10 {
                0 => Kind::Hotp { counter: i as u64 },
                1 => Kind::Steam { period: 30 },
                _ => Kind::Totp { period: 30 },
            };
            let alg = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][i % 3];
            let entry = Entry::new(
                kind,
                format!("Issuer {}", i % 97),
                format!("user{i}@example.com"),
                Secret::from_bytes(key).unwrap(),
                alg,
                6 + (i % 3) as u8,
            )
            .unwrap();
            let mut e = Imported::new(entry);
            if i % 5 == 0 {
                e.groups = vec![format!("Group {}", i % 7)];
                e.note = "a note".into();
            }
            e
        })
        .collect()
}

struct Files {
    plain: Vec<u8>,
    encrypted: Vec<u8>,
    empty_encrypted: Vec<u8>,
}

fn files() -> Files {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let e = entries(N);
    let plain = export(&e, ExportFormat::Aegis, None, &mut rng)
        .unwrap()
        .bytes
        .to_vec();
    let encrypted = export(&e, ExportFormat::AegisEncrypted, Some(PASSWORD), &mut rng)
        .unwrap()
        .bytes
        .to_vec();
    let empty_encrypted = export(&[], ExportFormat::AegisEncrypted, Some(PASSWORD), &mut rng)
        .unwrap()
        .bytes
        .to_vec();
    Files {
        plain,
        encrypted,
        empty_encrypted,
    }
}

fn run(bytes: &[u8], password: Option<&[u8]>, want: usize) {
    let i = import(black_box(bytes), Some(Format::Aegis), password).unwrap();
    assert_eq!(i.entries.len(), want);
}

fn bench(c: &mut Criterion) {
    let f = files();
    let mut g = c.benchmark_group("aegis_import");
    g.sample_size(10);
    g.bench_function("plain_10k", |b| b.iter(|| run(&f.plain, None, N)));
    g.bench_function("encrypted_10k", |b| {
        b.iter(|| run(&f.encrypted, Some(PASSWORD), N))
    });
    g.bench_function("encrypted_empty_kdf_only", |b| {
        b.iter(|| run(&f.empty_encrypted, Some(PASSWORD), 0))
    });
    g.finish();
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

fn summary() {
    let f = files();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let plain = median(|| run(&f.plain, None, N), 9);
    let enc = median(|| run(&f.encrypted, Some(PASSWORD), N), 9);
    let kdf = median(|| run(&f.empty_encrypted, Some(PASSWORD), 0), 9);
    let beyond = enc.saturating_sub(kdf);
    println!();
    println!(
        "Aegis import, {N} entries ({} KiB plain, {} KiB encrypted):",
        f.plain.len() / 1024,
        f.encrypted.len() / 1024
    );
    println!("  plain                      {:8.1} ms", ms(plain));
    println!("  encrypted                  {:8.1} ms", ms(enc));
    println!("  key derivation (empty vault){:7.1} ms", ms(kdf));
    println!(
        "  encrypted beyond the KDF   {:8.1} ms  (target < 100 ms: {})",
        ms(beyond),
        if ms(beyond) < 100.0 { "met" } else { "NOT met" }
    );
    println!("  ratio beyond-KDF / target  {:8.2}", ms(beyond) / 100.0);
    println!("  ratio encrypted / plain    {:8.2}", ms(enc) / ms(plain));
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
