//! Password hashing: Argon2id (m = 19 MiB, t = 2, p = 1, 16-byte random
//! salt, PHC string), always on a bounded set of blocking threads: a
//! semaphore admits at most `permits` hashes at once, so a burst of sign-ins
//! queues here instead of taking every thread the other requests need.
//! An unknown login is verified against a dummy hash made at start-up, so
//! it costs the same as a wrong password.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::error::ApiError;

/// Argon2id parameters of the contract.
pub const M_COST_KIB: u32 = 19 * 1024;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &[u8]) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password, &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::Internal
        })
}

fn verify_blocking(password: &[u8], phc: &str) -> bool {
    match PasswordHash::new(phc) {
        // The stored string's own parameters are used, so old hashes verify.
        Ok(h) => argon2().verify_password(password, &h).is_ok(),
        Err(_) => false,
    }
}

/// The bounded hashing pool.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    dummy: Arc<String>,
}

impl Hasher {
    /// `permits` hashes at once (at least 1). Computes the dummy hash.
    pub fn new(permits: usize) -> Self {
        let dummy = hash_blocking(b"apiq dummy password for unknown logins")
            .unwrap_or_else(|_| String::new());
        Hasher {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            dummy: Arc::new(dummy),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::Internal)?;
        tokio::task::spawn_blocking(f).await.map_err(|_| {
            tracing::error!("password hashing task failed");
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

    #[tokio::test]
    async fn hashes_verify_and_carry_the_contract_parameters() {
        let h = Hasher::new(1);
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
