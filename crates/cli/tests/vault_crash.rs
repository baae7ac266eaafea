//! Crash safety: `apiq add` and `apiq import` are killed with SIGKILL at
//! random moments, hundreds of times, while they save. After every kill the
//! vault must open and hold every entry a command reported saved, and an
//! import is either entirely there or not at all.
//!
//! Bounded: at most 400 runs or 75 seconds, whichever comes first.

mod vault_support;

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use apiq_otp::{Algorithm, Entry, Secret};
use vault_support::*;

const IMPORT_SIZE: usize = 25;

#[test]
fn kill_9_at_random_moments_loses_nothing_reported_and_never_half_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let path = cheap_vault(dir.path());
    let v = path.to_str().unwrap().to_string();
    // A few thousand entries make each save write ~200 KB, so kills land
    // inside writes and fsyncs, not only before them.
    {
        let mut vault = open(&path);
        let items = (0..3000u64)
            .map(|i| {
                Entry::totp(
                    "Preload",
                    format!("p{i}"),
                    Secret::from_bytes((i + 1_000_000).to_be_bytes().repeat(2)).unwrap(),
                    Algorithm::Sha1,
                    6,
                    30,
                )
                .unwrap()
                .into()
            })
            .collect();
        vault.add_many(items, 1).unwrap();
    }
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}");
    let mut x = seed;
    let mut rand = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };

    // How long an uninterrupted add takes here, to spread kills over it.
    let t = Instant::now();
    let o = run(
        &["add", "--vault", &v, &uri("Warmup", "w", 1)],
        Some(PW),
        "",
    );
    assert_ok(&o);
    let typical = t.elapsed().as_micros() as u64;
    let mut must_have: HashSet<String> = out(&o).lines().map(str::to_string).collect();
    let mut imports: Vec<(String, bool)> = Vec::new(); // (issuer, reported saved)

    let start = Instant::now();
    let (mut runs, mut killed, mut completed) = (0, 0, 0);
    let mut n = 10u64;
    // At least 100 runs however slow the machine is (each run opens the
    // vault through its KDF: on a loaded machine a run takes a second), up
    // to 400 while time allows: the count of kills is what the test is
    // about, not the speed.
    while runs < 400 && (runs < 100 || start.elapsed() < Duration::from_secs(75)) {
        runs += 1;
        let is_import = rand() % 3 == 0;
        let issuer = format!("Run{runs}");
        let file = dir.path().join(format!("import-{runs}.txt"));
        let mut c = if is_import {
            let text: String = (0..IMPORT_SIZE)
                .map(|k| {
                    n += 1;
                    uri(&issuer, &format!("k{k}"), n) + "\n"
                })
                .collect();
            std::fs::write(&file, text).unwrap();
            cmd(&["import", "--vault", &v, file.to_str().unwrap()])
        } else {
            n += 1;
            cmd(&["add", "--vault", &v, &uri(&issuer, "a", n)])
        };
        c.env("APIQ_VAULT_PASSWORD", PW);
        let mut child = c.spawn().unwrap();
        drop(child.stdin.take());
        // Half the kills anywhere in a run, half in its last part, where
        // the save (encode, write, fsync, rename) happens.
        let delay = if rand() % 2 == 0 {
            rand() % (typical * 3 / 2 + 1)
        } else {
            typical / 2 + rand() % (typical * 3 / 4 + 1)
        };
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill(); // SIGKILL; harmless if it already exited
        let o = child.wait_with_output().unwrap();
        // What a run printed, it reported as saved: the output comes only
        // after the save is durable, so a kill between printing and exiting
        // still counts as reported (and must not lose it).
        let reported = !o.stdout.is_empty();
        if o.status.success() {
            completed += 1;
            assert!(reported, "a run that exited 0 printed nothing");
        } else {
            killed += 1;
        }
        if reported {
            if is_import {
                assert_eq!(
                    out(&o),
                    format!("added {IMPORT_SIZE}, duplicates 0, unsupported 0\n")
                );
            } else {
                let ids: Vec<String> = out(&o).lines().map(str::to_string).collect();
                assert_eq!(ids.len(), 1, "one id per add: {ids:?}");
                must_have.extend(ids);
            }
        }
        if is_import {
            imports.push((issuer, reported));
        }
        let _ = std::fs::remove_file(&file);

        // The vault opens, holds every reported entry, and no import is half there.
        let vault = open(&path);
        let ids: HashSet<String> = vault.entries().iter().map(|e| e.id.to_hex()).collect();
        for id in &must_have {
            assert!(
                ids.contains(id),
                "run {runs}: reported entry {id} lost (seed {seed})"
            );
        }
        for (issuer, saved) in &imports {
            let count = vault
                .entries()
                .iter()
                .filter(|e| &e.otp.issuer == issuer)
                .count();
            assert!(
                count == 0 || count == IMPORT_SIZE,
                "run {runs}: import {issuer} half applied: {count} (seed {seed})"
            );
            if *saved {
                assert_eq!(
                    count, IMPORT_SIZE,
                    "run {runs}: reported import {issuer} lost"
                );
            }
        }
    }
    eprintln!("{runs} runs: {killed} killed, {completed} completed, typical {typical} µs");
    assert!(runs >= 100, "only {runs} runs in the time bound");
    assert!(
        killed > 0 && completed > 0,
        "{killed} killed, {completed} completed"
    );
    // The backups beside it are whole vaults too, and stay bounded.
    let backups = apiq_vault::Vault::backups(&path);
    assert!(backups.len() <= 11, "{} backups", backups.len());
    open(&backups[0]);
    // A clean save afterwards removes temporaries left by killed saves.
    assert_ok(&run(
        &["add", "--vault", &v, &uri("Final", "f", 1)],
        Some(PW),
        "",
    ));
    assert!(!std::fs::read_dir(dir.path()).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains(".tmp-")));
}
