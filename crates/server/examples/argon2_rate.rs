//! Measures the machine's Argon2id rate with the server's parameters
//! (m = 19 MiB, t = 2, p = 1) on N threads for S seconds: the floor that
//! `scripts/bench-server.sh` compares sign-ins against.
//!
//! `cargo run --release -p apiq-server --example argon2_rate -- [THREADS] [SECONDS]`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Block, Params, Version};

fn main() {
    let mut args = std::env::args().skip(1);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let secs: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let count = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let count = count.clone();
            std::thread::spawn(move || {
                let params = Params::new(19 * 1024, 2, 1, None).expect("valid parameters");
                let a = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
                let mut blocks = vec![Block::new(); 19 * 1024];
                let mut out = [0u8; 32];
                let salt = [i as u8; 16];
                while Instant::now() < deadline {
                    a.hash_password_into_with_memory(b"password", &salt, &mut out, &mut blocks[..])
                        .expect("hashing works");
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("hashing thread");
    }
    let rate = count.load(Ordering::Relaxed) as f64 / secs as f64;
    println!("argon2id hashes/s: {rate:.1} ({threads} threads)");
}
