//! The writer: how every write reaches the disk, and the durability invariant it keeps.
//!
//! **Nothing is acknowledged before the write-ahead log holding it is synced.** A write is
//! reported as done (a request answered, a field batch receipted) only after its transaction
//! has committed and the log holding that commit is on the disk, so an acknowledged answer
//! survives a power cut, not only a crash of the process (docs/performance.md, "Durability").
//!
//! On SQLite (WAL mode):
//!
//! * Every pooled connection runs with `synchronous = FULL`
//!   ([`DatabaseUrl::connect`](super::DatabaseUrl::connect)): each commit syncs the log before it
//!   returns, so a [`write_transaction`] on one is durable when it returns. The rare writes
//!   (accounts, units, forms, sheets entered in the browser) go this way.
//! * The one kept writer connection ([`Writer`], taken out of the pool at start when the pool
//!   has two connections or more and the database keeps a `-wal` file) runs with
//!   `synchronous = NORMAL`: its commits return without syncing, and whoever wrote through it
//!   syncs the log before acknowledging anything. [`Writer::write`] (field batches) does so
//!   itself before it returns; [`Writer::with_connection`] hands back a [`Pending`] that the
//!   caller completes: the group commit's sync thread (`commit.rs`) completes the last group's,
//!   once for every group committed before it, while the writer stores the next group.
//! * [`Pending::complete`] syncs the log (`fdatasync` on the database's `-wal` file, opened by
//!   name at each sync, so it is always the file SQLite writes to); one sync covers every commit
//!   made before it. No log file means nothing waits: none was ever written, or it was
//!   checkpointed into the database file (synced) and removed. In `NORMAL` mode SQLite keeps the
//!   log consistent (its header is synced when the log restarts, the log before each
//!   checkpoint), so a power cut loses at most commits that were never acknowledged.
//! * A failed sync is a [`StoreError::Sync`]. [`Writer::write`] returns it instead of the
//!   write's result; the group commit answers every item stored in the groups that sync covered
//!   with `internal_error` (an item refused by its own check keeps its own answer) and logs the
//!   failure once for all of them. What was committed stays in the database; it was never
//!   acknowledged.
//! * With a pool of one, or a database without a log file (in memory, not in WAL mode), no
//!   connection runs with `NORMAL`: every commit syncs by itself and [`Pending`] has nothing to
//!   do.
//! * The writers of this process take turns on one mutex ([`SqliteWriters`]), and each write
//!   transaction takes the write lock with its first statement ([`write_transaction`]).
//! * The [`Checkpointer`]'s thread copies the log into the database file (a passive checkpoint
//!   on a pooled connection every 100 ms), so no commit waits for that; a commit checkpoints by
//!   itself only past 40,000 pages of log. Once the writer has been idle for [`WRITER_IDLE`] the
//!   thread also hands back its page cache and empties the log.
//! * The mixer (`db::mixer`) empties the log soon after ballots were stored
//!   ([`Writer::empty_log`]): a `TRUNCATE` checkpoint on the writer connection, which syncs the
//!   log, copies it into the database file and syncs that before it cuts the log, so the
//!   commits it held stay durable (and a [`Pending`] completed afterwards finds an empty log).
//!
//! On PostgreSQL nothing is kept and [`Pending`] is a no-op: each write is a transaction on the
//! caller's own connection (the group commit takes a pooled one per group), and its commit
//! returns once the server has made it durable by its own settings (`synchronous_commit`, on
//! by default).

use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::connection::BUSY_TIMEOUT_MS;
use super::{Backend, DbConnection, Pool, PooledConn, StoreError};

/// Runs `f` in a transaction that holds the write lock from its first statement. On SQLite a
/// transaction that reads before it writes cannot always become the writer: when another
/// connection commits in between, its first write fails at once with "database is locked",
/// which no busy timeout cures. Taking the lock first (a write that changes nothing) makes it
/// wait its turn instead. On PostgreSQL this is a plain transaction. Every write path uses it.
///
/// On SQLite the writers of this process also queue on [`SqliteWriters`] first: SQLite lets
/// one writer in at a time, and a connection that finds the lock taken sleeps in growing steps
/// (up to 100 ms) before it looks again, so a writer would often sleep on past the moment the
/// lock came free. Queued on a mutex, the next one starts as soon as the last one commits.
/// The busy timeout still covers writers in other processes.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::{Connection, RunQueryDsl};
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    let _turn = sqlite.then(SqliteWriters::wait_turn);
    conn.transaction(|conn| {
        if let DbConnection::Sqlite(c) = conn {
            TakeWriteLock.execute(c)?;
        }
        f(conn)
    })
}

/// A write that changes nothing, so that a SQLite transaction holds the write lock from its
/// first statement ([`write_transaction`]). A query fragment of its own, unlike a `sql_query`,
/// is prepared once per connection and kept.
struct TakeWriteLock;

impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for TakeWriteLock {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> diesel::QueryResult<()> {
        out.push_sql("UPDATE units SET name = name WHERE 1 = 0");
        Ok(())
    }
}

cached_by_text!(TakeWriteLock);

/// Page cache of the [`Writer`]'s SQLite connection, in KiB (the others keep SQLite's 2 MB).
const WRITER_CACHE_KIB: i64 = 16 * 1024;

/// The connection the hot writes of a server (group commits, field batches) go through on
/// SQLite: one pooled connection kept for good, with a larger page cache. SQLite drops a
/// connection's whole page cache whenever another connection has committed since its last
/// transaction, so writes spread over the pool each start cold (two field batches in flight
/// took turns on two connections, and every batch read its leaf pages again); one writer's
/// cache stays warm, and only one connection pays for the larger cache. On PostgreSQL each
/// write runs on the caller's own connection.
///
/// The kept connection commits without syncing (`synchronous = NORMAL`), and the writer syncs
/// the write-ahead log itself before a commit is reported ([`Pending`]): the same bytes reach
/// the disk as with `FULL` before anything is acknowledged, but the group-commit thread need
/// not wait for the disk, and no more than one sync serves every commit made before it. The
/// other connections of the pool keep `FULL`.
#[derive(Clone)]
pub struct Writer {
    /// The kept connection on SQLite; `None` on PostgreSQL (or with a pool of one).
    kept: Option<std::sync::Arc<std::sync::Mutex<Kept>>>,
    /// The kept connection's write-ahead log, synced by [`Pending::complete`].
    log: Option<std::sync::Arc<std::path::Path>>,
    /// Where [`Writer::with_connection`] takes a connection when none is kept.
    pool: Pool,
}

/// How long the [`Writer`]'s connection may go unused before its page cache is handed back
/// ([`Writer::release_idle_cache`]) and the log emptied ([`Writer::empty_idle_log`]).
pub const WRITER_IDLE: Duration = Duration::from_secs(5);

/// The [`Writer`]'s connection, when it was last used, and what it has left since.
struct Kept {
    conn: PooledConn,
    /// When the last use ended; `None` before the first.
    last_use: Option<std::time::Instant>,
    /// Whether its page cache may hold pages since it was last handed back.
    cache_filled: bool,
    /// Whether it may have written to the log since the log was last emptied.
    log_written: bool,
}

/// Commits that are written but may not be on the disk yet; [`Pending::complete`] makes them
/// durable. Nothing may be acknowledged before it returns.
#[must_use = "a commit is durable only once its Pending is completed"]
#[derive(Clone, Debug)]
pub struct Pending {
    log: Option<std::sync::Arc<std::path::Path>>,
}

impl Pending {
    /// A pending commit whose log is the file at `path` (tests of what a failed sync does).
    #[cfg(test)]
    pub(crate) fn of_log(path: &std::path::Path) -> Self {
        Self {
            log: Some(std::sync::Arc::from(path)),
        }
    }

    /// Syncs the write-ahead log, so that this commit and every commit written before it survive
    /// a power cut. One completion covers many commits: a caller holding several completes the
    /// last one. A no-op on PostgreSQL, and where the commit synced by itself.
    pub fn complete(self) -> Result<(), StoreError> {
        let Some(path) = self.log else {
            return Ok(());
        };
        // opened by name at each sync, so it is always the file SQLite writes to; fsync on any
        // descriptor of a file writes all of its data out
        match std::fs::File::open(&*path) {
            Ok(file) => file
                .sync_data()
                .map_err(|e| StoreError::Sync(format!("{}: {e}", path.display()))),
            // no log: nothing was ever written to one, or it was checkpointed into the database
            // file (synced) and removed
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Sync(format!("{}: {e}", path.display()))),
        }
    }
}

impl Writer {
    /// Takes the writer connection out of `pool` (SQLite; at start, while the pool is free).
    /// A pool of one connection keeps it: every write then runs on the caller's connection.
    pub fn new(pool: &Pool, backend: Backend) -> Result<Self, StoreError> {
        let pool = pool.clone();
        if backend != Backend::Sqlite || pool.max_size() < 2 {
            return Ok(Self {
                kept: None,
                log: None,
                pool,
            });
        }
        let mut conn = pool.get()?;
        conn.batch_execute(&format!("PRAGMA cache_size = -{WRITER_CACHE_KIB}"))?;
        let log = sqlite_log_path(&mut conn)?;
        if log.is_some() {
            // synced by Pending::complete instead (see above)
            conn.batch_execute("PRAGMA synchronous = NORMAL")?;
        }
        Ok(Self {
            kept: Some(std::sync::Arc::new(std::sync::Mutex::new(Kept {
                conn,
                last_use: None,
                cache_filled: false,
                log_written: false,
            }))),
            log: log.map(std::sync::Arc::from),
            pool,
        })
    }

    /// Runs `f` on the connection writes go through for a caller that holds none of its own,
    /// such as the group-commit thread: the writer connection (SQLite), or one taken from the
    /// pool for it (PostgreSQL, a pool of one). `f` opens its own [`write_transaction`]s; what
    /// they commit is durable once the returned [`Pending`] is completed, which the caller may
    /// do on another thread while the writer goes on.
    pub fn with_connection<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> T,
    ) -> Result<(T, Pending), StoreError> {
        match &self.kept {
            None => {
                let mut conn = self.pool.get()?;
                Ok((f(&mut conn), Pending { log: None }))
            }
            Some(kept) => {
                let out = Self::lock(kept).use_for(f);
                Ok((
                    out,
                    Pending {
                        log: self.log.clone(),
                    },
                ))
            }
        }
    }

    fn lock(kept: &std::sync::Mutex<Kept>) -> std::sync::MutexGuard<'_, Kept> {
        // a writer that panicked left nothing half-written (its transaction rolled back)
        kept.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` in a [`write_transaction`] on the writer connection (SQLite) or on `conn`, the
    /// caller's own (PostgreSQL, a pool of one), and returns once the commit is durable. It
    /// never waits for the pool, so a caller holding a pooled connection cannot starve it.
    pub fn write<T, E, F>(&self, conn: &mut DbConnection, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<diesel::result::Error> + From<StoreError>,
    {
        match &self.kept {
            None => write_transaction(conn, f),
            Some(kept) => {
                let out = Self::lock(kept).use_for(|conn| write_transaction(conn, f))?;
                // synced after the connection is free again, so the writer may go on meanwhile
                Pending {
                    log: self.log.clone(),
                }
                .complete()?;
                Ok(out)
            }
        }
    }

    /// Hands the writer connection's page cache (up to 16 MiB) back to the allocator once no
    /// write has used the connection for `idle`: a server that has stored a burst of field
    /// batches does not keep that memory through the quiet hours after it. Returns whether it
    /// did. A write in progress is never waited for, and the next write refills the cache from
    /// the file as it needs pages. The [`Checkpointer`]'s thread calls it at every round.
    pub fn release_idle_cache(&self, idle: Duration) -> Result<bool, StoreError> {
        self.when_idle(idle, |kept| {
            if !kept.cache_filled {
                return Ok(false);
            }
            kept.conn.batch_execute("PRAGMA shrink_memory")?;
            kept.cache_filled = false;
            Ok(true)
        })
    }

    /// Empties the write-ahead log once no write has used the writer connection for `idle`:
    /// everything in it is copied into the database file and the file is cut to nothing, so
    /// the pages of recent transactions (which answer or ballot came with which redeemed code,
    /// in which order) do not stay in it through the quiet hours, and neither does its size on
    /// disk. Returns whether it did; while a reader still uses the log it is left for a later
    /// round, and nothing waits for anything. The [`Checkpointer`]'s thread calls it at every
    /// round.
    pub fn empty_idle_log(&self, idle: Duration) -> Result<bool, StoreError> {
        if self.log.is_none() {
            return Ok(false);
        }
        self.when_idle(idle, |kept| {
            if !kept.log_written {
                return Ok(false);
            }
            // no waiting for readers or for a writer in another process: try again later
            let emptied = truncate_log(&mut kept.conn, Duration::ZERO);
            // a failure is reported once, and tried again only after the next write
            kept.log_written = matches!(emptied, Ok(false));
            emptied
        })
    }

    /// Empties the write-ahead log now, idle or not (the mixer, `db::mixer`, calls it once
    /// ballots were stored): waits for the write in progress and this process's other
    /// writers, copies the log into the database file and cuts the file to nothing, waiting up
    /// to `readers` for readers still using the log; when they take longer it returns `false`
    /// and nothing is changed, to be tried again. Once the log is emptied, a write of one page
    /// that changes nothing follows: SQLite does not clear the log's index (the `-shm` file)
    /// when it cuts the log, so the index would go on listing the page numbers of the frames
    /// that were in it (which pages each commit wrote) until the next write, which clears the
    /// index's first block (4,062 frames). Returns whether it emptied the log; `false` on
    /// PostgreSQL. What was committed before is on the disk when it returns, in the database
    /// file.
    pub fn empty_log(&self, readers: Duration) -> Result<bool, StoreError> {
        let (emptied, pending) = self.with_connection(|conn| {
            if !matches!(conn, DbConnection::Sqlite(_)) {
                return Ok(false);
            }
            let _turn = SqliteWriters::wait_turn();
            if !truncate_log(conn, readers)? {
                return Ok(false);
            }
            write_transaction(conn, |conn| conn.batch_execute(CLEAR_LOG_INDEX))?;
            Ok::<_, StoreError>(true)
        })?;
        pending.complete()?;
        emptied
    }

    /// The size of the write-ahead log file (0 without one), and whether no write has used
    /// the writer connection for `pause` (`false` while one does: it is not waited for). The
    /// mixer empties a large log only when this tells it costs the writes little.
    pub fn log_state(&self, pause: Duration) -> (u64, bool) {
        let size = self
            .log
            .as_deref()
            .and_then(|path| std::fs::metadata(path).ok())
            .map_or(0, |m| m.len());
        let paused = match self.kept.as_deref().map(std::sync::Mutex::try_lock) {
            None => true,
            Some(Ok(kept)) => kept.last_use.is_none_or(|t| t.elapsed() >= pause),
            Some(Err(std::sync::TryLockError::WouldBlock)) => false,
            Some(Err(std::sync::TryLockError::Poisoned(p))) => {
                p.into_inner().last_use.is_none_or(|t| t.elapsed() >= pause)
            }
        };
        (size, paused)
    }

    /// Runs `f` on the kept connection if it has been used and no write has used it since
    /// `idle`; a write in progress is never waited for.
    fn when_idle(
        &self,
        idle: Duration,
        f: impl FnOnce(&mut Kept) -> Result<bool, StoreError>,
    ) -> Result<bool, StoreError> {
        let Some(kept) = &self.kept else {
            return Ok(false);
        };
        let mut kept = match kept.try_lock() {
            Ok(kept) => kept,
            Err(std::sync::TryLockError::WouldBlock) => return Ok(false),
            // a writer that panicked left nothing half-written (its transaction rolled back)
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
        };
        match kept.last_use {
            Some(since) if since.elapsed() >= idle => f(&mut kept),
            _ => Ok(false),
        }
    }
}

impl Kept {
    /// Runs `f` on the connection and notes when it was last used.
    fn use_for<T>(&mut self, f: impl FnOnce(&mut DbConnection) -> T) -> T {
        let out = f(&mut self.conn);
        self.last_use = Some(std::time::Instant::now());
        self.cache_filled = true;
        self.log_written = true;
        out
    }
}

/// The write-ahead log file of a SQLite connection's main database: `None` when the database
/// keeps no log file (in memory, or not in WAL mode), so its commits sync by themselves.
fn sqlite_log_path(conn: &mut DbConnection) -> Result<Option<std::path::PathBuf>, StoreError> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct JournalMode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    #[derive(diesel::QueryableByName)]
    struct File {
        #[diesel(sql_type = diesel::sql_types::Text)]
        file: String,
    }
    let mode = diesel::sql_query("PRAGMA journal_mode").get_result::<JournalMode>(conn)?;
    if !mode.journal_mode.eq_ignore_ascii_case("wal") {
        return Ok(None);
    }
    let file = diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .get_result::<File>(conn)?;
    Ok((!file.file.is_empty()).then(|| std::path::PathBuf::from(format!("{}-wal", file.file))))
}

/// A write of one page that changes nothing: the first migration's row grows by a character and
/// shrinks back in one transaction (a row rewritten as it is would leave its page untouched, and
/// the table always has one), so that a new log starts and SQLite clears its index
/// ([`Writer::empty_log`]).
const CLEAR_LOG_INDEX: &str = "\
    UPDATE __diesel_schema_migrations SET run_on = run_on || ' ' \
     WHERE version = (SELECT MIN(version) FROM __diesel_schema_migrations); \
    UPDATE __diesel_schema_migrations SET run_on = substr(run_on, 1, length(run_on) - 1) \
     WHERE version = (SELECT MIN(version) FROM __diesel_schema_migrations);";

/// A `TRUNCATE` checkpoint on `conn`: copies the whole log into the database file, syncs it and
/// cuts the log file to nothing, waiting up to `wait` for readers that still use the log (and
/// for a writer of another process). Whether it did; `false` when it would have had to wait
/// longer. The connection's busy timeout is back afterwards.
fn truncate_log(conn: &mut DbConnection, wait: Duration) -> Result<bool, StoreError> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        busy: i32,
    }
    conn.batch_execute(&format!("PRAGMA busy_timeout = {}", wait.as_millis()))?;
    let done = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").get_result::<Checkpoint>(conn);
    conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))?;
    Ok(done?.busy == 0)
}

/// The queue of this process's SQLite write transactions (see [`write_transaction`]).
pub struct SqliteWriters;

static SQLITE_WRITERS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Write transactions of this process that found another one writing and waited (`/metrics`).
static WAITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// How long they waited in all, in microseconds.
static WAITED_MICROS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// Whether this thread holds the turn: a write transaction nested in another one (a
    /// savepoint) must not wait for itself.
    static HOLDS_TURN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// This thread's turn to write; the next writer's when dropped.
pub struct WriterTurn {
    guard: Option<std::sync::MutexGuard<'static, ()>>,
}

impl SqliteWriters {
    /// Waits until no other thread of this process is in a SQLite write transaction.
    pub fn wait_turn() -> WriterTurn {
        if HOLDS_TURN.with(std::cell::Cell::get) {
            return WriterTurn { guard: None };
        }
        // a writer that panicked left nothing half-written (its transaction rolled back)
        let guard = match SQLITE_WRITERS.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                let started = std::time::Instant::now();
                let guard = SQLITE_WRITERS
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let waited = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                WAITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                WAITED_MICROS.fetch_add(waited, std::sync::atomic::Ordering::Relaxed);
                guard
            }
        };
        HOLDS_TURN.with(|h| h.set(true));
        WriterTurn { guard: Some(guard) }
    }
}

impl SqliteWriters {
    /// How many write transactions of this process waited for their turn since it started,
    /// and for how long in all, in microseconds (none on PostgreSQL, where the database orders
    /// the writers).
    #[must_use]
    pub fn waited() -> (u64, u64) {
        (
            WAITS.load(std::sync::atomic::Ordering::Relaxed),
            WAITED_MICROS.load(std::sync::atomic::Ordering::Relaxed),
        )
    }
}

impl Drop for WriterTurn {
    fn drop(&mut self) {
        if self.guard.is_some() {
            HOLDS_TURN.with(|h| h.set(false));
        }
    }
}

/// How often the log is checkpointed in the background.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(100);

/// Checkpoints SQLite's write-ahead log on a thread of its own, so copying committed pages
/// back into the database file (and syncing it) is not done inside a commit that a waiting
/// request is held up by. Passive checkpoints wait for no one: readers and the writer go on
/// meanwhile. The commits' own automatic checkpoint stays as the fallback, set high
/// (`wal_autocheckpoint`) so that it rarely comes to that. At each round the thread also hands
/// back the page cache of a [`Writer`] that has been unused for [`WRITER_IDLE`], and empties the
/// log then. The thread ends when this handle is dropped.
pub struct Checkpointer {
    _stop: std::sync::mpsc::Sender<()>,
}

impl Checkpointer {
    /// Starts the thread on SQLite; `None` on PostgreSQL, which checkpoints by itself, or when
    /// no thread can be started (the commits then checkpoint as before).
    #[must_use]
    pub fn start(pool: Pool, backend: Backend, writer: Option<Writer>) -> Option<Self> {
        use std::sync::mpsc::{self, RecvTimeoutError};
        if backend != Backend::Sqlite {
            return None;
        }
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("canvass-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_INTERVAL)
                {
                    let done = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                        conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")
                            .map_err(|e| e.to_string())
                    });
                    if let Err(error) = done {
                        tracing::warn!(%error, "background WAL checkpoint failed");
                    }
                    if let Some(writer) = &writer {
                        if let Err(error) = writer.release_idle_cache(WRITER_IDLE) {
                            tracing::warn!(%error, "handing back the writer's page cache failed");
                        }
                        if let Err(error) = writer.empty_idle_log(WRITER_IDLE) {
                            tracing::warn!(%error, "emptying the idle write-ahead log failed");
                        }
                    }
                }
            })
            .ok()?;
        Some(Self { _stop: stop })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::open;
    use crate::db::test_support::{cached_statements, scratch};

    /// Runs `sql` in a write through `writer`, for a caller holding a connection of `pool`.
    fn write_through(writer: &Writer, pool: &Pool, sql: &str) {
        let mut other = pool.get().unwrap();
        writer
            .write(&mut other, |conn| {
                conn.batch_execute(sql).map_err(StoreError::from)
            })
            .unwrap();
    }

    /// Pages of the database file on disk, as opposed to pages still only in the log.
    fn file_pages(path: &std::path::Path) -> u64 {
        std::fs::metadata(path).unwrap().len() / 4096
    }

    #[test]
    fn sqlite_writers_take_turns_and_a_nested_write_does_not_wait_for_itself() {
        use diesel::RunQueryDsl;
        let (_dir, pool) = scratch("turns", 4);
        pool.get()
            .unwrap()
            .batch_execute(
                "CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0);",
            )
            .unwrap();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    for _ in 0..25 {
                        write_transaction(&mut conn, |conn| {
                            // a read, then a write: safe only with the lock taken first
                            let n: i64 =
                                diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                                    "(SELECT n FROM counter)",
                                ))
                                .get_result(conn)?;
                            // a nested write transaction (a savepoint) on the same thread
                            write_transaction(conn, |conn| {
                                diesel::sql_query(format!("UPDATE counter SET n = {}", n + 1))
                                    .execute(conn)
                            })
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let n: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT n FROM counter)",
        ))
        .get_result(&mut *pool.get().unwrap())
        .unwrap();
        assert_eq!(n, 100, "no write was lost or refused");
    }

    #[test]
    fn committed_pages_reach_the_database_file_without_a_commit_checkpointing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.db");
        let url = format!("sqlite://{}", path.display());
        let write = |pool: &Pool| {
            let mut conn = pool.get().unwrap();
            conn.batch_execute(
                "CREATE TABLE IF NOT EXISTS filler (body TEXT NOT NULL); \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
                 INSERT INTO filler SELECT printf('%.1000c', 'x') FROM n;",
            )
            .unwrap();
        };
        let (pool, backend) = open(&url, 2).unwrap();
        let before = file_pages(&path);
        write(&pool);
        // 2,000 rows of 1 kB: some 500 pages, far below the commits' own checkpoint threshold
        assert!(
            file_pages(&path) < before + 100,
            "the commit left them in the log"
        );
        let checkpoints =
            Checkpointer::start(pool.clone(), backend, None).expect("a SQLite checkpointer");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while file_pages(&path) < before + 400 {
            assert!(
                std::time::Instant::now() < deadline,
                "no background checkpoint within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(checkpoints);
    }

    #[test]
    fn the_writer_keeps_one_connection_with_its_larger_cache() {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct CacheSize {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            cache_size: i64,
        }
        let cache_size = |conn: &mut DbConnection| {
            diesel::sql_query("PRAGMA cache_size")
                .get_result::<CacheSize>(conn)
                .map(|c| c.cache_size)
        };
        let (_dir, pool) = scratch("writer", 3);
        let writer = Writer::new(&pool, Backend::Sqlite).unwrap();
        let mut other = pool.get().unwrap();
        for _ in 0..3 {
            let size = writer
                .write(&mut other, |conn| {
                    cache_size(conn).map_err(StoreError::from)
                })
                .unwrap();
            assert_eq!(size, -WRITER_CACHE_KIB);
        }
        // the other connections keep SQLite's default
        assert_eq!(cache_size(&mut other).unwrap(), -2000);
        // and the writer's is kept out of the pool for good
        assert_eq!(pool.state().connections - pool.state().idle_connections, 2);
        // a caller without a connection of its own writes on the kept one and takes none
        drop(other);
        let (size, pending) = writer
            .with_connection(|conn| {
                assert_eq!(pool.state().connections - pool.state().idle_connections, 1);
                cache_size(conn)
            })
            .unwrap();
        pending.complete().unwrap();
        let size = size.unwrap();
        assert_eq!(size, -WRITER_CACHE_KIB);

        // with a pool of one nothing is kept: such a write takes the pooled connection
        let (_dir, single) = scratch("writer-single", 1);
        let writer = Writer::new(&single, Backend::Sqlite).unwrap();
        let (size, pending) = writer
            .with_connection(|conn| {
                assert_eq!(single.state().idle_connections, 0);
                cache_size(conn)
            })
            .unwrap();
        pending.complete().unwrap();
        let size = size.unwrap();
        assert_eq!(size, -2000);
        assert_eq!(single.state().idle_connections, 1);
    }

    #[test]
    fn the_writer_hands_its_cache_back_only_once_unused_for_the_idle_time() {
        let (_dir, pool) = scratch("writer-idle", 3);
        let writer = Writer::new(&pool, Backend::Sqlite).unwrap();
        let run = |sql: &str| write_through(&writer, &pool, sql);
        // never used since it was taken: nothing to hand back
        assert!(!writer.release_idle_cache(Duration::ZERO).unwrap());
        run("CREATE TABLE t (x TEXT)");
        // used a moment ago: kept for the idle time
        assert!(!writer
            .release_idle_cache(Duration::from_secs(3600))
            .unwrap());
        // in use: not waited for
        let (released, pending) = writer
            .with_connection(|_| writer.release_idle_cache(Duration::ZERO))
            .unwrap();
        pending.complete().unwrap();
        assert!(!released.unwrap());
        // unused for long enough: handed back once, and not again before the next use
        assert!(writer.release_idle_cache(Duration::ZERO).unwrap());
        assert!(!writer.release_idle_cache(Duration::ZERO).unwrap());
        // the connection writes on as before, and its next idle time hands the cache back again
        run("INSERT INTO t VALUES ('a')");
        assert!(writer.release_idle_cache(Duration::ZERO).unwrap());

        // with a pool of one nothing is kept, so there is nothing to hand back
        let (_dir, single) = scratch("writer-idle-single", 1);
        let writer = Writer::new(&single, Backend::Sqlite).unwrap();
        let ((), pending) = writer.with_connection(|_| ()).unwrap();
        pending.complete().unwrap();
        assert!(!writer.release_idle_cache(Duration::ZERO).unwrap());
    }

    #[test]
    fn the_log_is_emptied_once_the_writer_is_idle_and_no_reader_uses_it() {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        #[derive(diesel::QueryableByName)]
        struct Timeout {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            timeout: i32,
        }
        let (dir, pool) = scratch("log-idle", 3);
        let writer = Writer::new(&pool, Backend::Sqlite).unwrap();
        let log = dir.path().join("log-idle.db-wal");
        let log_len = || std::fs::metadata(&log).map_or(0, |m| m.len());
        let write = |sql: &str| write_through(&writer, &pool, sql);
        // never used: nothing to empty
        assert!(!writer.empty_idle_log(Duration::ZERO).unwrap());
        write("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('first')");
        assert!(log_len() > 0, "the commit is in the log");
        // written a moment ago: left for the idle time
        assert!(!writer.empty_idle_log(Duration::from_secs(3600)).unwrap());
        assert!(log_len() > 0);
        // idle: everything copied into the database file, the file cut to nothing
        assert!(writer.empty_idle_log(Duration::ZERO).unwrap());
        assert_eq!(log_len(), 0);
        assert!(
            !writer.empty_idle_log(Duration::ZERO).unwrap(),
            "nothing new"
        );

        // a reader inside a transaction that reads from the log: not waited for, left for later
        write("INSERT INTO t VALUES ('second')");
        let mut reader = pool.get().unwrap();
        reader
            .batch_execute("BEGIN; SELECT count(*) FROM t;")
            .unwrap();
        let started = std::time::Instant::now();
        assert!(!writer.empty_idle_log(Duration::ZERO).unwrap());
        assert!(started.elapsed() < Duration::from_secs(5), "not waited for");
        assert!(log_len() > 0);
        // the writer writes on meanwhile, and once the reader is done the log is emptied
        write("INSERT INTO t VALUES ('third')");
        reader.batch_execute("COMMIT").unwrap();
        assert!(writer.empty_idle_log(Duration::ZERO).unwrap());
        assert_eq!(log_len(), 0);
        write("INSERT INTO t VALUES ('fourth')");
        let count = diesel::sql_query("SELECT count(*) AS n FROM t")
            .get_result::<Count>(&mut *pool.get().unwrap())
            .unwrap();
        assert_eq!(count.n, 4, "nothing lost");
        // the busy timeout is back for the writes that follow
        let ((), pending) = writer
            .with_connection(|conn| {
                let t = diesel::sql_query("PRAGMA busy_timeout")
                    .get_result::<Timeout>(conn)
                    .unwrap();
                assert_eq!(t.timeout, 10_000);
            })
            .unwrap();
        pending.complete().unwrap();
    }

    /// Page numbers the log's index (`-shm`) lists in its first block.
    fn indexed_pages(shm: &std::path::Path) -> Vec<u32> {
        let bytes = std::fs::read(shm).unwrap_or_default();
        bytes
            .get(136..136 + 4062 * 4)
            .unwrap_or_default()
            .chunks(4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
            .filter(|p| *p != 0)
            .collect()
    }

    #[test]
    fn the_log_and_its_index_are_emptied_on_demand_and_readers_are_waited_for_only_so_long() {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            v: String,
        }
        let (dir, pool) = scratch("log-now", 3);
        let writer = Writer::new(&pool, Backend::Sqlite).unwrap();
        let log = dir.path().join("log-now.db-wal");
        let shm = dir.path().join("log-now.db-shm");
        let log_len = || std::fs::metadata(&log).map_or(0, |m| m.len());
        let write = |sql: &str| write_through(&writer, &pool, sql);
        let migrations = || {
            diesel::sql_query(
                "SELECT version || run_on AS v FROM __diesel_schema_migrations ORDER BY version",
            )
            .load::<Row>(&mut *pool.get().unwrap())
            .unwrap()
            .into_iter()
            .map(|r| r.v)
            .collect::<Vec<_>>()
        };
        let recorded = migrations();
        write("CREATE TABLE t (x TEXT)");
        for i in 0..20 {
            write(&format!("INSERT INTO t VALUES (printf('%.3000c', '{i}'))"));
        }
        assert!(indexed_pages(&shm).len() > 20);
        assert!(writer.empty_log(Duration::from_millis(50)).unwrap());
        // one frame is left: the page written so that the index forgets the others
        assert_eq!(log_len(), 32 + 24 + 4096);
        assert_eq!(indexed_pages(&shm).len(), 1);
        assert_eq!(migrations(), recorded, "the page written says what it said");

        // a reader inside a transaction that reads from the log is waited for 50 ms, no longer
        write("INSERT INTO t VALUES ('more')");
        let mut reader = pool.get().unwrap();
        reader
            .batch_execute("BEGIN; SELECT count(*) FROM t;")
            .unwrap();
        let started = std::time::Instant::now();
        assert!(!writer.empty_log(Duration::from_millis(50)).unwrap());
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(log_len() > 32 + 24 + 4096, "left as it was");
        // the writer writes on meanwhile, and once the reader is done the log is emptied
        write("INSERT INTO t VALUES ('still more')");
        reader.batch_execute("COMMIT").unwrap();
        assert!(writer.empty_log(Duration::from_millis(50)).unwrap());
        assert_eq!(log_len(), 32 + 24 + 4096);
        let count = diesel::sql_query("SELECT CAST(count(*) AS TEXT) AS v FROM t")
            .get_result::<Row>(&mut *pool.get().unwrap())
            .unwrap();
        assert_eq!(count.v, "22", "nothing lost");
        // the busy timeout is back for the writes that follow
        let ((), pending) = writer
            .with_connection(|conn| {
                let t =
                    diesel::sql_query("SELECT CAST(timeout AS TEXT) AS v FROM pragma_busy_timeout")
                        .get_result::<Row>(conn)
                        .unwrap();
                assert_eq!(t.v, "10000");
            })
            .unwrap();
        pending.complete().unwrap();
    }

    #[test]
    fn the_writer_syncs_its_own_log_and_the_other_connections_sync_at_each_commit() {
        use diesel::RunQueryDsl;
        const NORMAL: i32 = 1;
        const FULL: i32 = 2;
        #[derive(diesel::QueryableByName)]
        struct Synchronous {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            synchronous: i32,
        }
        #[derive(diesel::QueryableByName)]
        struct Log {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            wal_autocheckpoint: i64,
        }
        #[derive(diesel::QueryableByName)]
        struct Limit {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            journal_size_limit: i64,
        }
        #[derive(diesel::QueryableByName)]
        struct Page {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            page_size: i64,
        }
        let level = |conn: &mut DbConnection| {
            diesel::sql_query("PRAGMA synchronous")
                .get_result::<Synchronous>(conn)
                .map(|s| s.synchronous)
                .map_err(StoreError::from)
        };
        let (dir, pool) = scratch("log", 3);
        let writer = Writer::new(&pool, Backend::Sqlite).unwrap();
        let log = dir.path().join("log.db-wal");
        assert_eq!(
            writer
                .log
                .as_deref()
                .map(std::fs::canonicalize)
                .transpose()
                .unwrap(),
            Some(std::fs::canonicalize(&log).unwrap()),
            "the log is the database file's -wal"
        );
        let mut other = pool.get().unwrap();
        assert_eq!(level(&mut other).unwrap(), FULL);
        // a commit checkpoints only past 40,000 pages, and a restarted log file is cut back
        // only past 256 MiB, above the size that many pages take (performance.md)
        let pages = diesel::sql_query("PRAGMA wal_autocheckpoint")
            .get_result::<Log>(&mut other)
            .unwrap()
            .wal_autocheckpoint;
        assert_eq!(pages, 40_000);
        let limit = diesel::sql_query("PRAGMA journal_size_limit")
            .get_result::<Limit>(&mut other)
            .unwrap()
            .journal_size_limit;
        let page = diesel::sql_query("PRAGMA page_size")
            .get_result::<Page>(&mut other)
            .unwrap()
            .page_size;
        assert!(limit >= pages * page, "{limit}");
        // the kept connection leaves the sync to Pending::complete, which syncs the log file
        let (kept, pending) = writer.with_connection(|conn| level(conn)).unwrap();
        assert_eq!(kept.unwrap(), NORMAL);
        assert!(pending.log.is_some());
        let (written, pending) = writer
            .with_connection(|conn| {
                write_transaction(conn, |conn| {
                    conn.batch_execute(
                        "INSERT INTO server_secrets (name, value) VALUES ('probe', 'x')",
                    )
                    .map_err(StoreError::from)
                })
            })
            .unwrap();
        written.unwrap();
        assert!(
            std::fs::metadata(&log).unwrap().len() > 0,
            "the commit is in the log"
        );
        pending.complete().unwrap();
        // a write through `write` is synced before it returns
        assert_eq!(
            writer.write(&mut other, |conn| level(conn)).unwrap(),
            NORMAL
        );

        // with a pool of one nothing is kept, and every commit syncs by itself
        let (_dir, single) = scratch("log-single", 1);
        let writer = Writer::new(&single, Backend::Sqlite).unwrap();
        assert!(writer.log.is_none());
        let (kept, pending) = writer.with_connection(|conn| level(conn)).unwrap();
        assert_eq!(kept.unwrap(), FULL);
        assert!(pending.log.is_none());
        pending.complete().unwrap();
    }

    #[test]
    fn the_write_lock_statement_is_prepared_once_and_kept() {
        let (_dir, pool) = scratch("lock", 1);
        let mut conn = pool.get().unwrap();
        let events = cached_statements(&mut conn);
        for _ in 0..3 {
            write_transaction(&mut conn, |_| Ok::<_, diesel::result::Error>(())).unwrap();
        }
        let events = events.lock().unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
        assert!(events[0].starts_with("UPDATE units"), "{events:?}");
    }
}
