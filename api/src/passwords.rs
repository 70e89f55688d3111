//! Argon2id password hashing, off the async workers and bounded: each hash takes ~19 MiB and
//! tens of milliseconds, so only as many run at once as there are cores.

use crate::problem::ApiError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use domain::password::Password;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Argon2id with 7 MiB and 5 passes: one of OWASP's equivalent recommended settings (next to
/// 19 MiB and 2 passes), chosen for its smaller memory, which bounds the server's peak.
fn hasher() -> Argon2<'static> {
    let params = argon2::Params::new(7 * 1024, 5, 1, None).unwrap_or_default();
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when a login names no profile, so that the answer takes as long as
    /// for a wrong password and does not tell which logins exist.
    decoy_hash: Arc<String>,
}

impl Passwords {
    pub fn new(concurrency: usize) -> Result<Self, String> {
        let decoy = hasher()
            .hash_password(
                b"decoy password, never valid",
                &SaltString::generate(&mut OsRng),
            )
            .map_err(|e| e.to_string())?
            .to_string();
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            decoy_hash: Arc::new(decoy),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        actix_web::web::block(work).await.map_err(ApiError::from)
    }

    /// The PHC string of an Argon2id hash with a fresh salt.
    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let password = password.expose().to_owned();
        self.run(move || {
            hasher()
                .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
                .map(|h| h.to_string())
        })
        .await?
        .map_err(ApiError::internal)
    }

    /// Whether `password` matches `hash`; with no hash, checks a decoy and says no.
    pub async fn verify(&self, password: &str, hash: Option<String>) -> Result<bool, ApiError> {
        let password = password.to_owned();
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.decoy_hash.as_str().to_owned());
        let matches = self
            .run(move || {
                PasswordHash::new(&hash).map(|parsed| {
                    hasher()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
            })
            .await?
            .map_err(ApiError::internal)?;
        Ok(real && matches)
    }
}
