//! Memory the app gives back to the system.
//!
//! Unlocking with the password runs Argon2id over tens of megabytes
//! (19 MiB at the floor, more when calibrated). glibc serves a block that
//! large with its own mapping the first time, but on freeing it raises its
//! "mmap threshold" to that size, so every later unlock's block comes from
//! the heap, and a freed heap block at the top of a thread's arena is kept
//! resident: measured, 19 MiB more after the second unlock, for the life
//! of the app, and `malloc_trim` does not release it (it trims only the
//! main arena's top). Fixing the threshold at glibc's default (128 KiB)
//! turns the dynamic adjustment off: every large block is mapped on its own
//! and unmapped when freed, so the Argon2 memory (already wiped by the
//! `argon2` crate) leaves the process after each unlock.

/// Fixes glibc's mmap threshold (call first thing, before other threads).
/// Elsewhere than glibc on Linux it does nothing.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    set_mmap_threshold(128 * 1024);
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn set_mmap_threshold(bytes: i32) {
    // SAFETY: mallopt takes two integers and changes an allocator setting;
    // it reads and writes no memory of ours and is safe to call at any time
    // (glibc takes its own lock). A refusal (return 0) leaves glibc's
    // default behaviour, which is only more memory.
    let ok = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, bytes) };
    if ok == 0 {
        eprintln!("the allocator kept its memory settings");
    }
}
