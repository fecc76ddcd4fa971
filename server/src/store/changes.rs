//! Which tables have changed: a counter per group of tables, raised around
//! every commit that wrote to them. A kept answer remembers the counters of
//! the tables it read (`Changes::stamp`) and is good while they are
//! unchanged.
//!
//! Each connection notes the tables a transaction writes (SQLite's update
//! hook, which also sees rows changed by triggers and foreign-key actions).
//! Its commit raises their counters twice: as it begins (commit hook), so
//! kept answers stop being served, and once it is visible to every other
//! connection (WAL hook; or, for a commit SQLite finished while resetting a
//! statement, where it skips the WAL hook, when the pool gets the
//! connection back). In between the connection counts as committing, and
//! nothing read then may be kept (`Changes::settled`): it could predate the
//! commit yet carry a stamp that includes it.
//!
//! Raising a counter too often only costs a miss; a commit whose tables
//! went unseen (SQLite skips the update hook when it empties a whole table
//! at once) raises them all.

use libsqlite3_sys as ffi;
use sqlx::sqlite::{SqliteConnection, SqlitePoolOptions};
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Tables share 64 counters by a hash of their name.
const GROUPS: usize = 64;

/// SQLite's own default: checkpoint once the WAL holds this many pages.
/// Setting a WAL hook replaces SQLite's automatic checkpoint, so the hook
/// does it.
const CHECKPOINT_PAGES: c_int = 1000;

/// The database's change counters, shared by all its connections.
#[derive(Debug)]
pub struct Changes {
    counters: [AtomicU64; GROUPS],
    /// Connections between a commit's start and its being seen to end.
    committing: AtomicUsize,
    /// Whether every commit is seen; if not, nothing may be kept.
    tracked: bool,
    /// Each open connection's watch, by its SQLite handle.
    watches: Mutex<HashMap<usize, Weak<Watch>>>,
}

/// The tables an answer depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tables(u64);

impl Tables {
    pub const fn of(names: &[&str]) -> Tables {
        let mut mask = 0;
        let mut i = 0;
        while i < names.len() {
            mask |= group_bit(names[i]);
            i += 1;
        }
        Tables(mask)
    }
}

const fn group_bit(table: &str) -> u64 {
    // FNV-1a: stable across runs and builds, unlike std's hasher.
    let bytes = table.as_bytes();
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    1 << (h % GROUPS as u64)
}

impl Changes {
    pub fn new() -> Arc<Changes> {
        Arc::new(Changes {
            counters: std::array::from_fn(|_| AtomicU64::new(0)),
            committing: AtomicUsize::new(0),
            tracked: true,
            watches: Mutex::new(HashMap::new()),
        })
    }

    /// Counters for a database whose commits are not all seen here (one
    /// that other processes write): no answer read from it is ever settled.
    pub fn untracked() -> Arc<Changes> {
        let mut changes = Changes::new();
        if let Some(c) = Arc::get_mut(&mut changes) {
            c.tracked = false;
        }
        changes
    }

    /// A number that differs once any of `tables` has changed. Take it
    /// before the query whose answer is to be kept.
    pub fn stamp(&self, tables: Tables) -> u64 {
        let mut sum = 0u64;
        let mut m = tables.0;
        while m != 0 {
            let i = m.trailing_zeros() as usize;
            sum = sum.wrapping_add(self.counters[i].load(Ordering::SeqCst));
            m &= m - 1;
        }
        sum
    }

    /// Whether an answer read from `tables` after `stamp` was taken may be
    /// kept under it: no commit to them began since, and none is under way.
    pub fn settled(&self, tables: Tables, stamp: u64) -> bool {
        self.tracked && self.committing.load(Ordering::SeqCst) == 0 && self.stamp(tables) == stamp
    }

    fn raise(&self, mask: u64) {
        let mut m = if mask == 0 { u64::MAX } else { mask };
        while m != 0 {
            let i = m.trailing_zeros() as usize;
            self.counters[i].fetch_add(1, Ordering::SeqCst);
            m &= m - 1;
        }
    }

    /// `pool` with every connection it opens reporting its writes here.
    pub fn watching(self: &Arc<Changes>, pool: SqlitePoolOptions) -> SqlitePoolOptions {
        let (opened, released) = (self.clone(), self.clone());
        pool.after_connect(move |conn, _| {
            let changes = opened.clone();
            Box::pin(async move { changes.watch(conn).await })
        })
        .after_release(move |conn, _| {
            let changes = released.clone();
            Box::pin(async move { changes.released(conn).await.map(|_| true) })
        })
    }

    /// Has `conn` report its writes here, once, as the pool opens it.
    async fn watch(self: &Arc<Changes>, conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        let mut handle = conn.lock_handle().await?;
        let key = handle.as_raw_handle().as_ptr() as usize;
        let watch = Arc::new(Watch { written: AtomicU64::new(0), committing: AtomicBool::new(false), changes: self.clone(), key });
        self.watches.lock().unwrap_or_else(|e| e.into_inner()).insert(key, Arc::downgrade(&watch));
        let w = watch.clone();
        handle.set_update_hook(move |change| {
            w.written.fetch_or(group_bit(change.table), Ordering::SeqCst);
        });
        let w = watch.clone();
        handle.set_commit_hook(move || {
            w.begin_commit();
            true
        });
        let w = watch.clone();
        handle.set_rollback_hook(move || w.rolled_back());
        // The hooks' closures own `watch` for as long as the connection
        // lives (sqlx drops them just before closing the connection, and
        // SQLite calls the WAL hook only as a statement commits), so the
        // WAL hook may borrow it.
        let context = Arc::as_ptr(&watch) as *mut c_void;
        // SAFETY: the handle is open and locked; `on_commit` matches the
        // signature SQLite expects and `context` outlives its calls.
        unsafe {
            ffi::sqlite3_wal_hook(handle.as_raw_handle().as_ptr(), Some(on_commit), context);
        }
        Ok(())
    }

    /// The pool has `conn` back, so a commit it began is over.
    async fn released(&self, conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        // Commits nearly always end in the WAL hook; only look when one has not.
        if self.committing.load(Ordering::SeqCst) == 0 {
            return Ok(());
        }
        let key = conn.lock_handle().await?.as_raw_handle().as_ptr() as usize;
        let watch = self.watches.lock().unwrap_or_else(|e| e.into_inner()).get(&key).and_then(Weak::upgrade);
        // Another connection's commit may be what is under way.
        if let Some(w) = watch.filter(|w| w.committing.load(Ordering::SeqCst)) {
            w.end_commit();
        }
        Ok(())
    }
}

/// One connection's writes: the tables written since its last commit, and
/// whether a commit has begun and not yet been seen to end.
#[derive(Debug)]
struct Watch {
    written: AtomicU64,
    committing: AtomicBool,
    changes: Arc<Changes>,
    key: usize,
}

impl Watch {
    fn begin_commit(&self) {
        // Counted first, so a reader that sees the raised counters sees it too.
        if !self.committing.swap(true, Ordering::SeqCst) {
            self.changes.committing.fetch_add(1, Ordering::SeqCst);
        }
        self.changes.raise(self.written.load(Ordering::SeqCst));
    }

    fn end_commit(&self) {
        // Raised first, so a reader that sees the commit ended sees them too.
        let mask = self.written.swap(0, Ordering::SeqCst);
        self.changes.raise(mask);
        if self.committing.swap(false, Ordering::SeqCst) {
            self.changes.committing.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn rolled_back(&self) {
        self.written.store(0, Ordering::SeqCst);
        if self.committing.swap(false, Ordering::SeqCst) {
            self.changes.committing.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if *self.committing.get_mut() {
            self.changes.committing.fetch_sub(1, Ordering::SeqCst);
        }
        let mut watches = self.changes.watches.lock().unwrap_or_else(|e| e.into_inner());
        // Unless a new connection has the same address already.
        if watches.get(&self.key).is_some_and(|w| w.strong_count() == 0) {
            watches.remove(&self.key);
        }
    }
}

unsafe extern "C" fn on_commit(context: *mut c_void, db: *mut ffi::sqlite3, name: *const c_char, pages: c_int) -> c_int {
    // SAFETY: `context` is the `Watch` that `Changes::watch` registered,
    // alive while the connection is.
    let watch = unsafe { &*(context as *const Watch) };
    watch.end_commit();
    if pages >= CHECKPOINT_PAGES {
        // Passive, as SQLite's automatic checkpoint is; failing to
        // checkpoint now only leaves the WAL longer until the next commit.
        // SAFETY: `db` and `name` are what SQLite passed to this hook.
        unsafe {
            ffi::sqlite3_wal_checkpoint(db, name);
        }
    }
    ffi::SQLITE_OK
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
    use sqlx::SqlitePool;
    use std::str::FromStr;

    async fn pool(dir: &tempfile::TempDir, changes: &Arc<Changes>) -> SqlitePool {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}/t.db", dir.path().display()))
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true);
        changes
            .watching(SqlitePoolOptions::new().max_connections(3))
            .connect_with(options)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn commits_raise_the_stamps_of_the_tables_they_wrote_and_rollbacks_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let changes = Changes::new();
        let db = pool(&dir, &changes).await;
        sqlx::query(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY); \
             CREATE TABLE kid (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE); \
             CREATE TABLE unrelated (id INTEGER PRIMARY KEY)",
        )
        .execute(&db)
        .await
        .unwrap();
        let (parent, child, other) = (Tables::of(&["parent"]), Tables::of(&["kid"]), Tables::of(&["unrelated"]));
        assert_ne!(group_bit("parent"), group_bit("kid"), "the test's tables must not share a counter");
        assert_ne!(group_bit("kid"), group_bit("unrelated"), "the test's tables must not share a counter");

        let before = changes.stamp(child);
        sqlx::query("INSERT INTO parent (id) VALUES (1); INSERT INTO kid (id, parent_id) VALUES (1, 1)")
            .execute(&db)
            .await
            .unwrap();
        let after_insert = changes.stamp(child);
        assert_ne!(before, after_insert, "an insert changes its table's stamp");

        let mut tx = db.begin().await.unwrap();
        sqlx::query("INSERT INTO unrelated (id) VALUES (1)").execute(&mut *tx).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(changes.stamp(child), after_insert, "a rolled-back write to another table changes nothing");

        // Only the parent is deleted; the child goes by the foreign key.
        let parent_before = changes.stamp(parent);
        sqlx::query("DELETE FROM parent WHERE id = 1").execute(&db).await.unwrap();
        assert_ne!(changes.stamp(child), after_insert, "a cascaded delete changes the child's stamp");
        assert_ne!(changes.stamp(parent), parent_before);

        // Emptying a table at once skips the update hook: everything is raised.
        let (child_now, other_now) = (changes.stamp(child), changes.stamp(other));
        sqlx::query("INSERT INTO unrelated (id) VALUES (2)").execute(&db).await.unwrap();
        assert_ne!(changes.stamp(other), other_now);
        assert_eq!(changes.stamp(child), child_now, "a write to one table leaves another's stamp alone");
        sqlx::query("DELETE FROM unrelated").execute(&db).await.unwrap();
        assert_ne!(changes.stamp(child), child_now, "a commit with unseen tables raises every stamp");

        let quiet = changes.stamp(child);
        sqlx::query("SELECT COUNT(*) FROM kid").execute(&db).await.unwrap();
        assert_eq!(changes.stamp(child), quiet, "reading changes nothing");
    }

    #[tokio::test]
    async fn a_commit_sqlite_ends_in_a_statement_reset_is_seen_when_the_connection_is_back() {
        let dir = tempfile::tempdir().unwrap();
        let changes = Changes::new();
        let db = pool(&dir, &changes).await;
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY)").execute(&db).await.unwrap();
        let tables = Tables::of(&["t"]);
        for n in 0..20 {
            let before = changes.stamp(tables);
            // sqlx stops after the one row and resets the statement, which
            // commits without calling the WAL hook.
            let _: i64 = sqlx::query_scalar("INSERT INTO t DEFAULT VALUES RETURNING id").fetch_one(&db).await.unwrap();
            assert_ne!(changes.stamp(tables), before, "insert {n}: the commit raised the stamp as it began");
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while !changes.settled(tables, changes.stamp(tables)) {
                assert!(std::time::Instant::now() < deadline, "insert {n}: the commit never counted as ended");
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        }
    }

    #[test]
    fn nothing_read_during_a_commit_may_be_kept() {
        let changes = Changes::new();
        let tables = Tables::of(&["t"]);
        let watch = Watch { written: AtomicU64::new(group_bit("t")), committing: AtomicBool::new(false), changes: changes.clone(), key: 0 };
        let before = changes.stamp(tables);
        assert!(changes.settled(tables, before));
        watch.begin_commit();
        let during = changes.stamp(tables);
        assert_ne!(during, before, "served answers stop as the commit begins");
        assert!(!changes.settled(tables, during), "a read during the commit may predate it");
        watch.end_commit();
        assert!(!changes.settled(tables, during), "nor once it ended: the stamp moved on");
        assert!(changes.settled(tables, changes.stamp(tables)));
        drop(watch);
        assert_eq!(changes.committing.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn the_wal_still_gets_checkpointed() {
        let dir = tempfile::tempdir().unwrap();
        let changes = Changes::new();
        let db = pool(&dir, &changes).await;
        sqlx::query("CREATE TABLE big (id INTEGER PRIMARY KEY, pad BLOB)").execute(&db).await.unwrap();
        for _ in 0..40 {
            sqlx::query("INSERT INTO big (pad) VALUES (zeroblob(200000))").execute(&db).await.unwrap();
        }
        // 40 × 200 KB is about 2,000 pages: without checkpoints the WAL would hold them all.
        let wal = std::fs::metadata(dir.path().join("t.db-wal")).unwrap().len();
        assert!(wal < 6_000_000, "the WAL is {wal} bytes: nothing checkpointed it");
    }
}
