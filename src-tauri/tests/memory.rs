//! `memory::return_large_blocks` in a process of its own (other tests
//! allocating at the same time would blur the resident size).

/// After the setting, a freed large block (Argon2's working memory at the
/// vault's floor) leaves the process: the resident size comes back down
/// after each derivation, the second and third too (without the setting,
/// 19 MiB stay from the second on).
#[test]
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn argon2_memory_is_returned_after_each_unlock() {
    fn rss_kib() -> u64 {
        let s = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = s.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
    apiq_authenticator::memory::return_large_blocks();
    let floor = apiq_vault::KdfParams::FLOOR;
    // In a thread of its own, as a command runs: a thread's arena is where
    // the memory used to stay.
    let derive = move || {
        std::thread::spawn(move || floor.derive(b"password", &[7; 16]).is_some())
            .join()
            .unwrap()
    };
    assert!(derive());
    let before = rss_kib();
    for _ in 0..3 {
        assert!(derive());
    }
    let grown = rss_kib().saturating_sub(before);
    assert!(
        grown < u64::from(floor.m_kib) / 2,
        "{grown} KiB stayed resident after derivations of {} KiB",
        floor.m_kib
    );
}
