//! Memory the app gives back to the system, or never takes.
//!
//! **Compositing without a GPU.** WebKit composites the page in layers,
//! which a GPU makes cheap; where there is none (no DRI render node: a
//! virtual machine, Xvfb, a remote session) it does the same work in
//! software and keeps the layers' buffers. Measured with 1,000 entries
//! (`docs/benchmarks.md`): the web process 221 MiB with compositing, 136
//! MiB without, and no visible difference for this window (no animation,
//! no 3D, no video). So without a render node the app asks WebKit not to
//! composite, unless the person set `WEBKIT_DISABLE_COMPOSITING_MODE`
//! themselves (`0` keeps it on).
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

/// Where the web views' settings are decided from (see the module doc);
/// call first thing, before other threads (it sets an environment
/// variable WebKit's processes inherit).
pub fn software_rendering_settings() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    let set = std::env::var_os(VAR);
    if skip_compositing(set.as_deref().and_then(|v| v.to_str()), has_render_node()) {
        std::env::set_var(VAR, "1");
    }
}

/// Whether to turn compositing off: only when nobody chose, and there is
/// no GPU to composite with.
pub fn skip_compositing(chosen: Option<&str>, render_node: bool) -> bool {
    chosen.is_none() && !render_node
}

fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|d| {
        d.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

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

#[cfg(test)]
mod tests {
    use super::skip_compositing;

    #[test]
    fn compositing_is_off_only_without_a_gpu_and_without_a_choice() {
        assert!(skip_compositing(None, false));
        assert!(!skip_compositing(None, true));
        assert!(!skip_compositing(Some("0"), false));
        assert!(!skip_compositing(Some("1"), true));
    }
}
