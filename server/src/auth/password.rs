//! Password hashing with argon2id. Hashing is slow on purpose, so it runs on
//! the blocking pool, never on a runtime worker.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

use crate::error::{Result, ServerError};

/// Shortest password accepted.
pub const MIN_LEN: usize = 8;
/// Longest password accepted (hashing cost stays bounded).
pub const MAX_LEN: usize = 256;

/// Why a password is refused, if it is.
pub fn weakness(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        Some(format!("must be at least {MIN_LEN} characters"))
    } else if n > MAX_LEN {
        Some(format!("must be at most {MAX_LEN} characters"))
    } else if password.trim().is_empty() {
        Some("must not be blank".into())
    } else {
        None
    }
}

fn hash_blocking(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::internal(format!("hashing failed: {e}")))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Each argon2 run holds ~19 MiB: at most this many run at once per core.
const HASHES_PER_CORE: usize = 2;
/// How long a hash may wait for its turn before the caller is told to retry.
const HASH_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A turn to hash: bounds argon2's memory and CPU whatever the request rate.
async fn turn() -> Result<tokio::sync::SemaphorePermit<'static>> {
    static TURNS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    let turns = TURNS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        tokio::sync::Semaphore::new(cores * HASHES_PER_CORE)
    });
    match tokio::time::timeout(HASH_QUEUE_WAIT, turns.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(app::error::AppError::RateLimited { retry_after_secs: 2 }.into()),
    }
}

/// Hashes a password (PHC string).
pub async fn hash(password: String) -> Result<String> {
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ServerError::internal(format!("hash task: {e}")))?
}

/// Hashes many passwords (a class's new accounts), as many at once as there
/// are cores and each within the same bound as any other hash; `done` counts
/// the finished ones for progress. The hashes come back in order.
pub async fn hash_many(passwords: Vec<String>, done: std::sync::Arc<std::sync::atomic::AtomicUsize>) -> Result<Vec<String>> {
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(passwords.len().max(1));
    let queue = std::sync::Arc::new(std::sync::Mutex::new(passwords.into_iter().enumerate().collect::<Vec<_>>()));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (queue, done) = (queue.clone(), done.clone());
        tasks.spawn(async move {
            let mut out = Vec::new();
            loop {
                let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop();
                let Some((i, pw)) = next else { return Ok::<_, ServerError>(out) };
                out.push((i, hash(pw).await?));
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
    }
    let mut all = Vec::new();
    while let Some(r) = tasks.join_next().await {
        all.extend(r.map_err(|e| ServerError::internal(format!("hash task: {e}")))??);
    }
    all.sort_unstable_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, h)| h).collect())
}

/// Checks a password against a stored hash. With no hash (unknown user) it
/// still does the same work, so timing does not tell which usernames exist.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => {
            let dummy = DUMMY.get_or_init(|| hash_blocking("not-a-real-password").unwrap_or_default());
            let _ = verify_blocking(&password, dummy);
            false
        }
    })
    .await
    .map_err(|e| ServerError::internal(format!("verify task: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("correct horse".into()).await.unwrap();
        let b = hash("correct horse".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse".into(), Some(a.clone())).await.unwrap());
        assert!(!verify("correct horsE".into(), Some(a)).await.unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
        assert!(!verify("x".into(), Some("garbage".into())).await.unwrap());
    }

    #[tokio::test]
    async fn many_hashes_come_back_in_order() {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let pws: Vec<String> = (0..5).map(|i| format!("password-{i}")).collect();
        let hashes = hash_many(pws.clone(), done.clone()).await.unwrap();
        assert_eq!(done.load(std::sync::atomic::Ordering::Relaxed), 5);
        for (pw, h) in pws.into_iter().zip(hashes) {
            assert!(verify(pw, Some(h)).await.unwrap());
        }
    }

    #[test]
    fn weak_passwords_are_named() {
        assert!(weakness("short").unwrap().contains("at least 8"));
        assert!(weakness("        ").unwrap().contains("blank"));
        assert!(weakness(&"x".repeat(300)).unwrap().contains("at most"));
        assert_eq!(weakness("long enough"), None);
    }
}
