//! All SQL lives here. Row structs stay private to this module; callers get
//! wire types or small domain structs.

mod activity;
pub mod audit;
pub mod changes;
pub mod db;
pub mod sessions;
mod courses;
mod labs;
mod limits;
mod nodes;
mod quotas;
mod operations;
pub mod metrics;
mod storage;
mod templates;
mod tokens;
mod users;
mod vms;

pub use courses::{EnrolmentAccount, NewStudentRow};
pub use labs::{LabRecord, NewCloneRow, NewLabRow};
pub use limits::Take;
pub use nodes::{NodeFacts, NodePulse, NodeRecord, NodeRoute, Room};
pub use quotas::QuotaScope;
pub use templates::VersionRecord;
pub use tokens::{NewTokenRow, TokenKind, TokenOwner};
pub use operations::OpRecord;
pub use users::{Credentials, OverviewCounts, UserFilter, UserSort};
pub use vms::{NewVmRow, VmFilter, VmRecord, VM_LIST_TABLES};

use changes::Changes;
use db::{on_db, Dialect, Pool};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    changes: Arc<Changes>,
}

impl Store {
    /// Opens (creating if needed) the database and applies migrations: a
    /// `postgres://` URL is PostgreSQL, anything else SQLite.
    pub async fn open(url: &str) -> Result<Store, sqlx::Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            sqlx::migrate!("./migrations-pg").run(&pool).await?;
            // Other nodes write too; no commit hooks see that, so nothing is kept.
            return Ok(Store { pool: Pool::Postgres(pool), changes: Changes::untracked() });
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let changes = Changes::new();
        let pool = changes.watching(SqlitePoolOptions::new().max_connections(8)).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool: Pool::Sqlite(pool), changes })
    }

    /// Counters of which tables have changed, for answers kept until they do.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Whether other nodes may share this database (PostgreSQL): their
    /// commits, events and limits count here too.
    pub fn shared(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Deletes row `id` of `table` unless a row of one of `refs` (table,
    /// column) points at it. Names are this module's constants.
    async fn delete_unreferenced(&self, table: &str, id: i64, refs: &[(&str, &str)]) -> Result<bool, sqlx::Error> {
        let mut sql = format!("DELETE FROM {table} WHERE id = ?");
        for (t, c) in refs {
            sql.push_str(&format!(" AND NOT EXISTS (SELECT 1 FROM {t} WHERE {c} = ?)"));
        }
        on_db!(&self.pool, p, DB => {
            let sql = DB::sql(&sql);
            let mut q = sqlx::query(&sql).bind(id);
            for _ in refs {
                q = q.bind(id);
            }
            Ok(q.execute(p).await?.rows_affected() == 1)
        })
    }

    /// One page of `table`'s rows, all of them or one owner's, and the
    /// total. `table`, `columns` and `order` are this module's constants.
    async fn owned_page<R>(
        &self,
        (table, columns, order): (&str, &str, &str),
        owner_id: Option<i64>,
        limit: u32,
        offset: u64,
    ) -> Result<(Vec<R>, u64), sqlx::Error>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        on_db!(&self.pool, p, DB => {
            let total: i64 = sqlx::query_scalar(&DB::sql(&format!("SELECT COUNT(*) FROM {table} WHERE ? IS NULL OR owner_id = ?")))
                .bind(owner_id)
                .bind(owner_id)
                .fetch_one(p)
                .await?;
            let rows: Vec<R> = sqlx::query_as(&DB::sql(&format!(
                "SELECT {columns} FROM {table} WHERE ? IS NULL OR owner_id = ? ORDER BY {order} LIMIT ? OFFSET ?"
            )))
            .bind(owner_id)
            .bind(owner_id)
            .bind(limit as i64)
            .bind(offset as i64)
            .fetch_all(p)
            .await?;
            Ok((rows, total as u64))
        })
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))
    }
}
