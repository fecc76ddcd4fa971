//! Limits kept in PostgreSQL, so every node counts against the same
//! budget. SQLite has one node, which counts in memory
//! (`auth::ratelimit`).

use super::db::Pool;
use super::Store;

/// The advisory lock logins are counted under ("vlablogi").
const LOGIN_LOCK: i64 = 0x766c_6162_6c6f_6769;

/// What a take from a shared token bucket got.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Take {
    /// Whole tokens taken (0 when the bucket had less than one).
    pub taken: f64,
    /// Tokens left in the bucket.
    pub left: f64,
}

impl Store {
    fn postgres(&self) -> Result<&sqlx::PgPool, sqlx::Error> {
        match &self.pool {
            Pool::Postgres(p) => Ok(p),
            Pool::Sqlite(_) => Err(sqlx::Error::Configuration("shared limits need PostgreSQL".into())),
        }
    }

    /// Refills bucket `key` (at most `cap` tokens, `per_sec` a second
    /// since its last take; a new bucket is full) and takes up to `want`
    /// whole tokens from it, in one statement. `now` is in seconds.
    pub async fn take_tokens(&self, key: &str, cap: f64, per_sec: f64, want: f64, now: f64) -> Result<Take, sqlx::Error> {
        // In the update, `rate_buckets.*` are the row's values before it.
        let refilled = "LEAST($2, rate_buckets.tokens + GREATEST(0, $4 - rate_buckets.at) * $3)";
        let sql = format!(
            "INSERT INTO rate_buckets (key, tokens, at, taken) VALUES ($1, $2 - LEAST($5, FLOOR($2)), $4, LEAST($5, FLOOR($2))) \
             ON CONFLICT (key) DO UPDATE SET taken = LEAST($5, FLOOR({refilled})), \
             tokens = {refilled} - LEAST($5, FLOOR({refilled})), at = GREATEST(rate_buckets.at, $4) \
             RETURNING taken, tokens"
        );
        let (taken, left): (f64, f64) = sqlx::query_as(&sql)
            .bind(key)
            .bind(cap)
            .bind(per_sec)
            .bind(now)
            .bind(want)
            .fetch_one(self.postgres()?)
            .await?;
        Ok(Take { taken, left })
    }

    /// Counts one attempt against each of `keys` if every key has had
    /// fewer than its budget inside `window` seconds; the marks' ids, or
    /// the oldest counted attempt of each full key. One node at a time
    /// (a transaction-scoped advisory lock), so parallel attempts on
    /// several nodes cannot all pass before any is counted.
    pub async fn reserve_login(&self, keys: &[(&str, u32)], window: f64, now: f64) -> Result<Result<Vec<i64>, Vec<f64>>, sqlx::Error> {
        let mut tx = self.postgres()?.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(LOGIN_LOCK).execute(&mut *tx).await?;
        let mut full = Vec::new();
        for (key, max) in keys {
            let (count, oldest): (i64, Option<f64>) =
                sqlx::query_as("SELECT COUNT(*), MIN(at) FROM login_marks WHERE key = $1 AND at > $2")
                    .bind(key)
                    .bind(now - window)
                    .fetch_one(&mut *tx)
                    .await?;
            if count >= i64::from((*max).max(1)) {
                full.push(oldest.unwrap_or(now));
            }
        }
        if !full.is_empty() {
            return Ok(Err(full));
        }
        let mut ids = Vec::with_capacity(keys.len());
        for (key, _) in keys {
            let id: i64 = sqlx::query_scalar("INSERT INTO login_marks (key, at) VALUES ($1, $2) RETURNING id")
                .bind(key)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(Ok(ids))
    }

    /// Takes back the login mark `id`.
    pub async fn forgive_login(&self, id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_marks WHERE id = $1").bind(id).execute(self.postgres()?).await?;
        Ok(())
    }

    /// Forgets every login mark of `key`.
    pub async fn clear_login(&self, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_marks WHERE key = $1").bind(key).execute(self.postgres()?).await?;
        Ok(())
    }

    /// Drops login marks older than `window` and buckets untouched for
    /// `idle` seconds (full again by then).
    pub async fn prune_limits(&self, window: f64, idle: f64, now: f64) -> Result<(), sqlx::Error> {
        let p = self.postgres()?;
        sqlx::query("DELETE FROM login_marks WHERE at < $1").bind(now - window).execute(p).await?;
        sqlx::query("DELETE FROM rate_buckets WHERE at < $1").bind(now - idle).execute(p).await?;
        Ok(())
    }
}
