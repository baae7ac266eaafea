//! Password hashing: Argon2id (m = 19 MiB, t = 2, p = 1, 16-byte random
//! salt, PHC string), always on a fixed pool of hashing threads, so at most
//! that many hashes run at once and a burst of sign-ins queues here instead
//! of taking the threads and CPU the other requests need.
//! An unknown login is verified against a dummy hash made at start-up, so
//! it costs the same as a wrong password.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{Output, ParamsString, PasswordHash, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::ApiError;
use crate::slots::{HashSlots, ThreadSlots};

/// Argon2id parameters of the contract.
pub const M_COST_KIB: u32 = 19 * 1024;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

fn params() -> Params {
    Params::new(M_COST_KIB, T_COST, P_COST, None).expect("valid Argon2 parameters")
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

thread_local! {
    /// The Argon2 working memory of a hashing thread, allocated once.
    static BLOCKS: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Whether this thread keeps [`BLOCKS`] between hashes.
    static KEEP: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Raw Argon2id with the contract's parameters into `out`, using this
/// thread's reusable working memory.
fn raw(password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), argon2::Error> {
    if !KEEP.with(std::cell::Cell::get) {
        let mut blocks = vec![Block::new(); M_COST_KIB as usize];
        return argon2().hash_password_into_with_memory(password, salt, out, &mut blocks[..]);
    }
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() != M_COST_KIB as usize {
            *blocks = vec![Block::new(); M_COST_KIB as usize];
        }
        argon2().hash_password_into_with_memory(password, salt, out, &mut blocks[..])
    })
}

fn internal<E: std::fmt::Display>(e: E) -> ApiError {
    tracing::error!(error = %e, "password hashing failed");
    ApiError::Internal
}

fn hash_blocking(password: &[u8]) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buf).map_err(internal)?;
    let mut out = Zeroizing::new([0u8; 32]);
    raw(password, salt_bytes, out.as_mut()).map_err(internal)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params()).map_err(internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(out.as_ref()).map_err(internal)?),
    };
    Ok(phc.to_string())
}

fn verify_blocking(password: &[u8], phc: &str) -> bool {
    let Ok(h) = PasswordHash::new(phc) else {
        return false;
    };
    let ours = h.algorithm == Algorithm::Argon2id.ident()
        && h.version == Some(Version::V0x13.into())
        && Params::try_from(&h)
            .is_ok_and(|p| (p.m_cost(), p.t_cost(), p.p_cost()) == (M_COST_KIB, T_COST, P_COST));
    if !ours {
        // Other parameters (an older hash): the library's own verification.
        return argon2().verify_password(password, &h).is_ok();
    }
    let (Some(salt), Some(expected)) = (h.salt, h.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = Zeroizing::new(vec![0u8; expected.len()]);
    raw(password, salt_bytes, &mut out).is_ok() && bool::from(out.ct_eq(expected.as_bytes()))
}

/// A hashing job: runs on a pool thread, answers through a oneshot.
type Job = Box<dyn FnOnce() + Send>;

/// The bounded hashing pool: `threads` long-lived threads (so the 19 MiB
/// Argon2 buffers are reused by a few allocator arenas instead of spreading
/// over tokio's whole blocking pool), each scheduled `SCHED_BATCH` with a
/// slightly raised niceness on Linux, so a burst of sign-ins yields the CPU
/// to the requests that do not hash.
#[derive(Clone)]
pub struct Hasher {
    jobs: std::sync::mpsc::Sender<Job>,
    dummy: Arc<String>,
    /// Jobs sent and not yet started, and how many may wait: past that a
    /// request is refused at once (704, "busy") instead of queueing work
    /// that a flood of sign-ins would pile up without end.
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
}

fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
            ThreadSchedulePolicy,
        };
        use thread_priority::{ThreadPriority, ThreadPriorityValue};
        // Crossplatform 42 maps to niceness +3.
        if let Ok(value) = ThreadPriorityValue::try_from(42u8) {
            let _ = set_thread_priority_and_policy(
                thread_native_id(),
                ThreadPriority::Crossplatform(value),
                ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Batch),
            );
        }
    }
}

impl Hasher {
    /// A pool of `threads` hashing threads (at least 1) with at most
    /// `max_waiting` jobs waiting for one (at least 1), each keeping its
    /// working memory between hashes or not (`keep_memory`), and hashing
    /// only while it holds one of `slots` when given (shared with the other
    /// instances on this machine). Computes the dummy hash.
    pub fn new(
        threads: usize,
        max_waiting: usize,
        keep_memory: bool,
        slots: Option<&HashSlots>,
    ) -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = rx.clone();
            // Threads (of every instance) try the slots from different ones.
            let mine = slots.and_then(|s| {
                s.for_thread(std::process::id() as usize + i)
                    .map_err(|e| tracing::error!(error = %e, "hashing without a slot"))
                    .ok()
            });
            let spawned = std::thread::Builder::new()
                .name(format!("apiq-argon2-{i}"))
                .spawn(move || {
                    lower_priority();
                    KEEP.with(|k| k.set(keep_memory));
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            // A panicking job must not take its thread down.
                            Ok(job) => {
                                let _slot = mine.as_ref().and_then(ThreadSlots::acquire);
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => return, // every Hasher dropped
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a hashing thread");
            }
        }
        // The dummy hash is made on a pool thread (whose working memory is
        // kept anyway), not on the caller's.
        let (dtx, drx) = std::sync::mpsc::channel();
        let _ = tx.send(Box::new(move || {
            let _ = dtx.send(hash_blocking(b"apiq dummy password for unknown logins"));
        }));
        let dummy = drx.recv().ok().and_then(Result::ok).unwrap_or_default();
        Hasher {
            jobs: tx,
            dummy: Arc::new(dummy),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting: max_waiting.max(1),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::Busy { retry_after: 1 });
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let waiting = self.waiting.clone();
        let job: Job = Box::new(move || {
            waiting.fetch_sub(1, Ordering::SeqCst);
            // The requester is gone (connection closed): skip the work.
            if !tx.is_closed() {
                let _ = tx.send(f());
            }
        });
        if self.jobs.send(job).is_err() {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::Internal);
        }
        rx.await.map_err(|_| {
            tracing::error!("password hashing job failed");
            ApiError::Internal
        })
    }

    pub async fn hash(&self, password: Zeroizing<String>) -> Result<String, ApiError> {
        self.run(move || hash_blocking(password.as_bytes())).await?
    }

    /// Verifies against `phc`, or against the dummy hash when `None`
    /// (unknown login: same work, always false).
    pub async fn verify(
        &self,
        password: Zeroizing<String>,
        phc: Option<String>,
    ) -> Result<bool, ApiError> {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.dummy.as_str().to_owned());
        let ok = self
            .run(move || verify_blocking(password.as_bytes(), &phc))
            .await?;
        Ok(ok && known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool that gives its working memory back after each hash (the
    /// bundled backend's) hashes and verifies the same.
    #[tokio::test]
    async fn a_pool_keeping_no_memory_hashes_the_same() {
        let h = Hasher::new(1, 64, false, None);
        let phc = h.hash(Zeroizing::new("pw".into())).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(h
            .verify(Zeroizing::new("pw".into()), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!h
            .verify(Zeroizing::new("px".into()), Some(phc))
            .await
            .unwrap());
        let kept = Hasher::new(1, 64, true, None);
        let phc = kept.hash(Zeroizing::new("pw".into())).await.unwrap();
        assert!(h
            .verify(Zeroizing::new("pw".into()), Some(phc))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn hashes_verify_and_carry_the_contract_parameters() {
        let h = Hasher::new(1, 64, true, None);
        let phc = h
            .hash(Zeroizing::new("correct horse".into()))
            .await
            .unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(!phc.contains("correct horse"));
        assert!(h
            .verify(Zeroizing::new("correct horse".into()), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!h
            .verify(Zeroizing::new("wrong".into()), Some(phc))
            .await
            .unwrap());
        // Interoperable with the library's own PHC hashing and verification.
        use argon2::password_hash::PasswordHasher;
        let lib = argon2()
            .hash_password(b"lib made", &SaltString::generate(&mut rand::rngs::OsRng))
            .unwrap()
            .to_string();
        assert!(h
            .verify(Zeroizing::new("lib made".into()), Some(lib))
            .await
            .unwrap());
        let ours = h.hash(Zeroizing::new("ours".into())).await.unwrap();
        assert!(argon2()
            .verify_password(b"ours", &PasswordHash::new(&ours).unwrap())
            .is_ok());
        // Older parameters still verify.
        let old = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8, 1, 1, None).unwrap(),
        )
        .hash_password(b"old", &SaltString::generate(&mut rand::rngs::OsRng))
        .unwrap()
        .to_string();
        assert!(h
            .verify(Zeroizing::new("old".into()), Some(old.clone()))
            .await
            .unwrap());
        assert!(!h
            .verify(Zeroizing::new("0ld".into()), Some(old))
            .await
            .unwrap());
        // The dummy never matches, not even its own password.
        assert!(!h
            .verify(
                Zeroizing::new("apiq dummy password for unknown logins".into()),
                None
            )
            .await
            .unwrap());
    }
}
