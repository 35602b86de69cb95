//! The database: one connection type over SQLite and PostgreSQL, chosen at run time by the
//! URL, its pool, the embedded migrations, and the queries of each entity.

pub mod accounts;
pub mod rounds;
pub mod schema;
pub mod secrets;
pub mod surveys;
pub mod sync;
pub mod throttle;
pub mod units;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// Migrations for each backend, embedded at build time (`build.rs` re-runs on changes).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
/// See [`SQLITE_MIGRATIONS`].
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// A value of a row given to [`add_counts`] or [`insert_rows`].
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    BigInt(i64),
    NullableBigInt(Option<i64>),
    Integer(i32),
    Double(f64),
    Text(&'a str),
}

/// Most rows in one statement of [`add_counts`] and [`insert_rows`] (well within both engines'
/// limits on bound values).
const MAX_ROWS_PER_STATEMENT: usize = 128;

/// Inserts rows into `table` with multi-row `INSERT`s. Each row is `columns.len()` values, in
/// column order. `table` and `columns` are written into the SQL as they are: callers pass their
/// own constant names, never anything received; the values are always bound. On PostgreSQL this
/// saves a round trip per row. The statements are prepared once per connection and kept (see
/// [`write_rows`]).
pub fn insert_rows(
    conn: &mut DbConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Param<'_>>],
) -> Result<(), diesel::result::Error> {
    write_rows(conn, table, columns, rows, "")
}

/// Adds rows of counts to a counter table: each row's `key` columns name a counter row, its
/// `counters` columns are added to it (inserted when new). Multi-row
/// `INSERT … ON CONFLICT (key) DO UPDATE SET c = table.c + excluded.c` statements, not one
/// statement per row: a group commit touches a hundred counter rows or more. Each row is
/// `key.len() + counters.len()` values, in column order; a key must not repeat (PostgreSQL
/// refuses to update one row twice in a statement). The rows are written in the order given,
/// so writers that sort their keys lock counter rows in one order. `table`, `key` and
/// `counters` are written into the SQL as they are: callers pass their own constant names,
/// never anything received; the values are always bound.
pub fn add_counts(
    conn: &mut DbConnection,
    table: &str,
    key: &[&str],
    counters: &[&str],
    rows: &[Vec<Param<'_>>],
) -> Result<(), diesel::result::Error> {
    use std::fmt::Write as _;
    let columns: Vec<&str> = key.iter().chain(counters).copied().collect();
    let mut tail = format!(" ON CONFLICT ({}) DO UPDATE SET ", key.join(", "));
    for (i, c) in counters.iter().enumerate() {
        let _ = write!(
            tail,
            "{}{c} = {table}.{c} + excluded.{c}",
            if i == 0 { "" } else { ", " }
        );
    }
    write_rows(conn, table, &columns, rows, &tail)
}

/// The sizes of the statements that write `rows` rows: the largest power of two that fits,
/// then the next, so that a table is only ever written by statements of eight sizes (1, 2, 4
/// … 128 rows), each prepared once and cached by the connection.
fn statement_sizes(mut rows: usize) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if rows == 0 {
            return None;
        }
        let size = if rows >= MAX_ROWS_PER_STATEMENT {
            MAX_ROWS_PER_STATEMENT
        } else {
            1 << rows.ilog2()
        };
        rows -= size;
        Some(size)
    })
}

/// The multi-row `INSERT`s of [`insert_rows`] and [`add_counts`]; `tail` ends each statement.
///
/// diesel prepares a `sql_query` anew at every run and never caches it (its text might be
/// built from anything); parsing and planning a 100-row upsert cost more than running it. On
/// SQLite a [`RowsStatement`] is cached by its text, and [`statement_sizes`] keeps the texts
/// few. On PostgreSQL every row goes in one [`ColumnsStatement`]: one array per column, one
/// statement text per table, one round trip however many rows.
fn write_rows(
    conn: &mut DbConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Param<'_>>],
    tail: &str,
) -> Result<(), diesel::result::Error> {
    use diesel::RunQueryDsl;
    match conn {
        DbConnection::Sqlite(c) => {
            let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let mut rest = rows;
            for size in statement_sizes(rows.len()) {
                let (chunk, after) = rest.split_at(size);
                rest = after;
                RowsStatement {
                    head: &head,
                    width: columns.len(),
                    rows: chunk,
                    tail,
                }
                .execute(c)?;
            }
        }
        DbConnection::Pg(c) => {
            if rows.is_empty() {
                return Ok(());
            }
            let head = format!(
                "INSERT INTO {table} ({}) SELECT * FROM unnest(",
                columns.join(", ")
            );
            ColumnsStatement::new(&head, columns.len(), rows, tail)?.execute(c)?;
        }
    }
    Ok(())
}

/// Makes our own statements runnable and cached by their text: a query id that is not static
/// sends diesel's statement cache to the SQL text (as long as the fragment never calls
/// `unsafe_to_cache_prepared`).
macro_rules! cached_by_text {
    ($($ty:ty),+) => {$(
        impl diesel::query_builder::QueryId for $ty {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }

        impl<Conn> diesel::RunQueryDsl<Conn> for $ty {}
    )+};
}

cached_by_text!(RowsStatement<'_>, ColumnsStatement<'_>, TakeWriteLock);

/// One multi-row statement of [`write_rows`] on SQLite: `head`, then each row's values bound
/// in parentheses, then `tail`. Safe to cache: its text depends only on the constant names and
/// the number of rows.
struct RowsStatement<'a> {
    head: &'a str,
    width: usize,
    rows: &'a [Vec<Param<'a>>],
    tail: &'a str,
}

impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for RowsStatement<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> diesel::QueryResult<()> {
        use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text};
        out.push_sql(self.head);
        for (r, row) in self.rows.iter().enumerate() {
            debug_assert_eq!(row.len(), self.width, "every row has one value per column");
            out.push_sql(if r == 0 { "(" } else { ", (" });
            for (c, param) in row.iter().enumerate() {
                if c > 0 {
                    out.push_sql(", ");
                }
                match param {
                    Param::BigInt(v) => out.push_bind_param::<BigInt, _>(v)?,
                    Param::NullableBigInt(v) => out.push_bind_param::<Nullable<BigInt>, _>(v)?,
                    Param::Integer(v) => out.push_bind_param::<Integer, _>(v)?,
                    Param::Double(v) => out.push_bind_param::<Double, _>(v)?,
                    Param::Text(v) => out.push_bind_param::<Text, _>(*v)?,
                }
            }
            out.push_sql(")");
        }
        out.push_sql(self.tail);
        Ok(())
    }
}

/// The values of one column of a [`ColumnsStatement`].
enum Column<'a> {
    BigInt(Vec<i64>),
    NullableBigInt(Vec<Option<i64>>),
    Integer(Vec<i32>),
    Double(Vec<f64>),
    Text(Vec<&'a str>),
}

impl<'a> Column<'a> {
    /// An empty column of the kind of `first`, room for `rows` values.
    fn like(first: Param<'a>, rows: usize) -> Self {
        match first {
            Param::BigInt(_) => Self::BigInt(Vec::with_capacity(rows)),
            Param::NullableBigInt(_) => Self::NullableBigInt(Vec::with_capacity(rows)),
            Param::Integer(_) => Self::Integer(Vec::with_capacity(rows)),
            Param::Double(_) => Self::Double(Vec::with_capacity(rows)),
            Param::Text(_) => Self::Text(Vec::with_capacity(rows)),
        }
    }

    /// Adds a value; `false` when it is not of this column's kind.
    fn push(&mut self, value: Param<'a>) -> bool {
        match (self, value) {
            (Self::BigInt(c), Param::BigInt(v)) => c.push(v),
            (Self::NullableBigInt(c), Param::NullableBigInt(v)) => c.push(v),
            (Self::Integer(c), Param::Integer(v)) => c.push(v),
            (Self::Double(c), Param::Double(v)) => c.push(v),
            (Self::Text(c), Param::Text(v)) => c.push(v),
            _ => return false,
        }
        true
    }
}

/// Every row of [`write_rows`] on PostgreSQL in one statement:
/// `INSERT INTO t (a, b) SELECT * FROM unnest($1::bigint[], $2::text[]) …`, each column's
/// values bound as one array. Safe to cache: its text depends only on the constant names.
struct ColumnsStatement<'a> {
    head: &'a str,
    columns: Vec<Column<'a>>,
    tail: &'a str,
}

impl<'a> ColumnsStatement<'a> {
    /// Turns rows into columns, each of the kind of its value in the first row.
    fn new(
        head: &'a str,
        width: usize,
        rows: &[Vec<Param<'a>>],
        tail: &'a str,
    ) -> Result<Self, diesel::result::Error> {
        let mixed = || diesel::result::Error::QueryBuilderError("the rows' columns differ".into());
        let first = rows.first().ok_or_else(mixed)?;
        let mut columns: Vec<Column<'a>> =
            first.iter().map(|p| Column::like(*p, rows.len())).collect();
        for row in rows {
            if row.len() != width || columns.len() != width {
                return Err(mixed());
            }
            for (column, value) in columns.iter_mut().zip(row) {
                if !column.push(*value) {
                    return Err(mixed());
                }
            }
        }
        Ok(Self {
            head,
            columns,
            tail,
        })
    }
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ColumnsStatement<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        use diesel::sql_types::{Array, BigInt, Double, Integer, Nullable, Text};
        out.push_sql(self.head);
        for (c, column) in self.columns.iter().enumerate() {
            if c > 0 {
                out.push_sql(", ");
            }
            match column {
                Column::BigInt(v) => {
                    out.push_bind_param::<Array<BigInt>, _>(v)?;
                    out.push_sql("::bigint[]");
                }
                Column::NullableBigInt(v) => {
                    out.push_bind_param::<Array<Nullable<BigInt>>, _>(v)?;
                    out.push_sql("::bigint[]");
                }
                Column::Integer(v) => {
                    out.push_bind_param::<Array<Integer>, _>(v)?;
                    out.push_sql("::integer[]");
                }
                Column::Double(v) => {
                    out.push_bind_param::<Array<Double>, _>(v)?;
                    out.push_sql("::double precision[]");
                }
                Column::Text(v) => {
                    out.push_bind_param::<Array<Text>, _>(v)?;
                    out.push_sql("::text[]");
                }
            }
        }
        out.push_sql(")");
        out.push_sql(self.tail);
        Ok(())
    }
}

/// A connection to either backend; queries written once against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

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

/// How long a SQLite connection waits for a lock held by another one before it gives up.
const BUSY_TIMEOUT_MS: u32 = 10_000;

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
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Checkpoint {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            busy: i32,
        }
        if self.log.is_none() {
            return Ok(false);
        }
        self.when_idle(idle, |kept| {
            if !kept.log_written {
                return Ok(false);
            }
            // no waiting for readers or for a writer in another process: try again later
            kept.conn.batch_execute("PRAGMA busy_timeout = 0")?;
            let done = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)")
                .get_result::<Checkpoint>(&mut *kept.conn);
            kept.conn
                .batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))?;
            // a failure is reported once, and tried again only after the next write
            let emptied = done.map(|d| d.busy == 0);
            kept.log_written = matches!(emptied, Ok(false));
            Ok(emptied?)
        })
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

/// The queue of this process's SQLite write transactions (see [`write_transaction`]).
pub struct SqliteWriters;

static SQLITE_WRITERS: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
        let guard = SQLITE_WRITERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        HOLDS_TURN.with(|h| h.set(true));
        WriterTurn { guard: Some(guard) }
    }
}

impl Drop for WriterTurn {
    fn drop(&mut self) {
        if self.guard.is_some() {
            HOLDS_TURN.with(|h| h.set(false));
        }
    }
}

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl DbConnection {
    /// The engine behind this connection.
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Sqlite(_) => Backend::Sqlite,
            DbConnection::Pg(_) => Backend::Postgres,
        }
    }
}

/// A database URL, parsed once: the backend and what to hand to its driver.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// For SQLite a file path (or `:memory:`); for PostgreSQL the full URL.
    target: String,
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", redact_url(&self.target))
    }
}

/// Why the database could not be opened; one line, naming the cause.
#[derive(Debug, thiserror::Error)]
pub enum DbOpenError {
    #[error("unknown database URL scheme {scheme:?}: use sqlite://PATH (or a plain file path) or postgres://USER@HOST/NAME")]
    UnknownScheme { scheme: String },
    #[error("the database URL is empty")]
    Empty,
    #[error("cannot open the SQLite database {path}: {reason}")]
    Sqlite { path: String, reason: String },
    #[error("cannot connect to PostgreSQL at {url}: {reason}")]
    Postgres { url: String, reason: String },
    #[error("cannot migrate the database: {0}")]
    Migration(String),
}

impl DatabaseUrl {
    /// Parses `sqlite://path`, `sqlite:path`, a plain path, or `postgres://` / `postgresql://`.
    pub fn parse(url: &str) -> Result<Self, DbOpenError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(DbOpenError::Empty);
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_string(),
            });
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(DbOpenError::Empty);
            }
            return Ok(Self {
                backend: Backend::Sqlite,
                target: path.to_string(),
            });
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(DbOpenError::UnknownScheme {
                scheme: scheme.to_string(),
            });
        }
        if let Some((scheme, _)) = url.split_once(':') {
            // A Windows drive letter is the only colon a plain path may carry.
            if scheme.len() > 1 && scheme.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(DbOpenError::UnknownScheme {
                    scheme: scheme.to_string(),
                });
            }
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: url.to_string(),
        })
    }

    /// What may be shown to people: the URL without its password.
    #[must_use]
    pub fn display(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => redact_url(&self.target),
        }
    }

    /// Opens one connection, set up for canvass; the error names the cause in one line.
    pub fn connect(&self) -> Result<DbConnection, DbOpenError> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(&self.target).map_err(|e| DbOpenError::Sqlite {
                        path: self.target.clone(),
                        reason: one_line(&e.to_string()),
                    })?;
                // busy_timeout first: switching to WAL takes a lock, and a connection opened
                // while another one writes must wait for it rather than fail as "locked".
                // WAL lets readers run beside the one writer. FULL syncs the log at every
                // commit, so an acknowledged answer survives a power cut too (NORMAL would
                // only survive a crash of the process); group commit (`commit.rs`) shares one
                // sync among many submissions.
                // The log is checkpointed by a thread of its own (`Checkpointer`); a commit
                // checkpoints only once the log holds 40,000 pages (about 160 MiB). Under a
                // steady stream of writes that commit's checkpoint is what lets the log start
                // again from the beginning of its file, and it holds up every write meanwhile,
                // so it should be rare; a log file is cut back to 256 MiB, above that size, so
                // that it is not cut and grown again at every start (both cost a field sync
                // about a sixth of its time with 10,000 pages and 64 MiB).
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; \
                     PRAGMA wal_autocheckpoint = 40000; PRAGMA journal_size_limit = 268435456;",
                ))
                .map_err(|e| DbOpenError::Sqlite {
                    path: self.target.clone(),
                    reason: one_line(&e.to_string()),
                })?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(DbConnection::Pg)
                .map_err(|e| DbOpenError::Postgres {
                    url: redact_url(&self.target),
                    reason: postgres_reason(&e.to_string()),
                }),
        }
    }
}

/// Runs every pending migration of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> Result<(), DbOpenError> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| DbOpenError::Migration(one_line(&e.to_string())))
}

/// The r2d2 manager: opens connections with [`DatabaseUrl::connect`], so a pool error keeps the
/// real cause (diesel's derived manager reports every failure as an invalid URL).
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = DbOpenError;

    fn connect(&self) -> Result<DbConnection, DbOpenError> {
        self.url.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbOpenError> {
        conn.batch_execute("SELECT 1")
            .map_err(|e| DbOpenError::Postgres {
                url: self.url.display(),
                reason: one_line(&e.to_string()),
            })
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
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

/// The shared pool of connections.
pub type Pool = r2d2::Pool<Manager>;
/// A connection borrowed from the [`Pool`].
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Opens the database named by `url`: connects once (so a wrong URL or password fails here
/// with its real cause), runs the migrations, and builds the pool.
pub fn open(url: &str, pool_size: u32) -> Result<(Pool, Backend), DbOpenError> {
    let url = DatabaseUrl::parse(url)?;
    let mut first = url.connect()?;
    run_migrations(&mut first)?;
    drop(first);
    let backend = url.backend;
    let pool = r2d2::Pool::builder()
        .max_size(pool_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .test_on_check_out(false)
        .build_unchecked(Manager { url });
    Ok((pool, backend))
}

/// The current time in whole seconds since the Unix epoch.
#[must_use]
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A URL with any password replaced by `***` and any query string (which may carry one) cut.
#[must_use]
pub fn redact_url(url: &str) -> String {
    let url = url.split_once('?').map_or(url, |(base, _)| base);
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    let masked = match userinfo.split_once(':') {
        Some((user, _)) => format!("{user}:***"),
        None => userinfo.to_string(),
    };
    format!("{scheme}://{masked}@{host}{tail}")
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// libpq's messages are long and multi-line; this names the cause first.
fn postgres_reason(message: &str) -> String {
    let flat = one_line(message);
    let lower = flat.to_lowercase();
    let cause = if lower.contains("connection refused") {
        "connection refused (is PostgreSQL running, and on that host and port?)"
    } else if lower.contains("password authentication failed") {
        "bad password (password authentication failed)"
    } else if lower.contains("no password supplied") {
        "bad password (the server wants a password and none was given)"
    } else if lower.contains("does not exist") && lower.contains("database") {
        "the database does not exist"
    } else if lower.contains("role") && lower.contains("does not exist") {
        "the user (role) does not exist"
    } else if lower.contains("could not translate host name")
        || lower.contains("name or service not known")
    {
        "unknown host"
    } else if lower.contains("timeout") || lower.contains("timed out") {
        "connection timed out"
    } else if lower.contains("invalid")
        && (lower.contains("uri") || lower.contains("connection option"))
    {
        "the URL is malformed"
    } else {
        return flat;
    };
    format!("{cause}: {flat}")
}

/// What the store layer reports: never shown to clients as such.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("database query: {0}")]
    Query(diesel::result::Error),
    /// Syncing the write-ahead log failed: what was committed may not survive a power cut.
    #[error("syncing the database log: {0}")]
    Sync(String),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::UniqueViolation(info.message().to_string())
            }
            other => StoreError::Query(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool of `size` on a fresh SQLite file named `name` in a directory removed when the
    /// first value is dropped.
    fn scratch(name: &str, size: u32) -> (tempfile::TempDir, Pool) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("{name}.db")).display()
        );
        (dir, open(&url, size).unwrap().0)
    }

    /// Runs `sql` in a write through `writer`, for a caller holding a connection of `pool`.
    fn write_through(writer: &Writer, pool: &Pool, sql: &str) {
        let mut other = pool.get().unwrap();
        writer
            .write(&mut other, |conn| {
                conn.batch_execute(sql).map_err(StoreError::from)
            })
            .unwrap();
    }

    /// A connection to the database the suite runs on (PostgreSQL when
    /// `CANVASS_TEST_DATABASE_URL` names one, else a fresh SQLite file), for tests that work in
    /// temporary tables of their own.
    fn test_connection(name: &str) -> (Option<tempfile::TempDir>, DbConnection) {
        match std::env::var("CANVASS_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => {
                (None, DatabaseUrl::parse(&url).unwrap().connect().unwrap())
            }
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!(
                    "sqlite://{}",
                    dir.path().join(format!("{name}.db")).display()
                );
                let conn = DatabaseUrl::parse(&url).unwrap().connect().unwrap();
                (Some(dir), conn)
            }
        }
    }

    /// The SQL of every statement `conn` caches from now on.
    fn cached_statements(conn: &mut DbConnection) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
        use diesel::connection::{Connection as _, InstrumentationEvent};
        let cached = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = std::sync::Arc::clone(&cached);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                seen.lock().unwrap().push(sql.to_string());
            }
        });
        cached
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

    /// What the counter table adds up to.
    #[derive(diesel::QueryableByName)]
    struct Totals {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        rows: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        total: f64,
    }

    #[test]
    fn counts_are_added_to_existing_rows_and_new_ones_inserted_across_statements() {
        use diesel::RunQueryDsl;
        let (_dir, mut conn) = test_connection("counts");
        conn.batch_execute(
            "CREATE TEMPORARY TABLE counters (k BIGINT NOT NULL, name TEXT NOT NULL, n BIGINT NOT NULL, \
             total DOUBLE PRECISION NOT NULL, PRIMARY KEY (k, name))",
        )
        .unwrap();
        let names = ["a", "b"];
        let rows = |range: std::ops::Range<i64>, n: i64| -> Vec<Vec<Param<'_>>> {
            range
                .flat_map(|k| {
                    names.iter().map(move |name| {
                        vec![
                            Param::BigInt(k),
                            Param::Text(name),
                            Param::BigInt(n),
                            Param::Double(0.5),
                        ]
                    })
                })
                .collect()
        };
        // 500 rows: seven statements (128 × 3, 64, 32, 16, 4); then 300 of them again and 100
        // new ones
        add_counts(
            &mut conn,
            "counters",
            &["k", "name"],
            &["n", "total"],
            &rows(0..250, 1),
        )
        .unwrap();
        add_counts(
            &mut conn,
            "counters",
            &["k", "name"],
            &["n", "total"],
            &rows(100..300, 2),
        )
        .unwrap();
        let t: Totals = diesel::sql_query(
            "SELECT COUNT(*) AS rows, CAST(SUM(n) AS BIGINT) AS n, SUM(total) AS total FROM counters",
        )
        .get_result(&mut conn)
        .unwrap();
        assert_eq!(t.rows, 600);
        assert_eq!(t.n, 500 + 2 * 400);
        assert!((t.total - 0.5 * 900.0).abs() < 1e-9);
    }

    #[test]
    fn rows_are_written_by_statements_of_eight_sizes_at_most() {
        for n in 0..=1000 {
            let sizes: Vec<usize> = statement_sizes(n).collect();
            assert_eq!(sizes.iter().sum::<usize>(), n);
            assert!(sizes
                .iter()
                .all(|s| s.is_power_of_two() && *s <= MAX_ROWS_PER_STATEMENT));
            assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
        }
        assert_eq!(
            statement_sizes(300).collect::<Vec<_>>(),
            [128, 128, 32, 8, 4]
        );
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

    #[test]
    fn multi_row_statements_are_prepared_once_per_size_and_kept() {
        let (_dir, mut conn) = test_connection("cached");
        conn.batch_execute(
            "CREATE TEMPORARY TABLE counters (k BIGINT PRIMARY KEY, n BIGINT NOT NULL)",
        )
        .unwrap();
        let cached = cached_statements(&mut conn);
        let rows = |keys: std::ops::Range<i64>| -> Vec<Vec<Param<'static>>> {
            keys.map(|k| vec![Param::BigInt(k), Param::BigInt(1)])
                .collect()
        };
        // 7 rows (4 + 2 + 1 on SQLite, one statement on PostgreSQL), then 7, 6 and 5 more:
        // the same statements each time
        for keys in [0..7, 3..10, 20..26, 40..45] {
            add_counts(&mut conn, "counters", &["k"], &["n"], &rows(keys)).unwrap();
        }
        let sqlite = conn.backend() == Backend::Sqlite;
        let cached = cached.lock().unwrap();
        assert_eq!(cached.len(), if sqlite { 3 } else { 1 }, "{cached:?}");
        assert!(cached.iter().all(|sql| sql.contains("ON CONFLICT (k)")));
    }

    #[test]
    fn rows_are_inserted_across_statements_with_their_nulls() {
        use diesel::RunQueryDsl;
        let (_dir, mut conn) = test_connection("rows");
        conn.batch_execute(
            "CREATE TEMPORARY TABLE things (id TEXT PRIMARY KEY, parent BIGINT, n BIGINT NOT NULL, \
             total DOUBLE PRECISION NOT NULL)",
        )
        .unwrap();
        let ids: Vec<String> = (0..450).map(|i| format!("id{i}")).collect();
        // 450 rows: six statements (128 × 3, 64, 2); every third row has no parent
        let rows: Vec<Vec<Param<'_>>> = ids
            .iter()
            .zip(0_i64..)
            .map(|(id, i)| {
                vec![
                    Param::Text(id),
                    Param::NullableBigInt((i % 3 != 0).then_some(i)),
                    Param::BigInt(1),
                    Param::Double(0.5),
                ]
            })
            .collect();
        insert_rows(&mut conn, "things", &["id", "parent", "n", "total"], &rows).unwrap();
        let t: Totals = diesel::sql_query(
            "SELECT COUNT(*) AS rows, COUNT(parent) AS n, SUM(total) AS total FROM things",
        )
        .get_result(&mut conn)
        .unwrap();
        assert_eq!(t.rows, 450);
        assert_eq!(t.n, 300, "150 rows without a parent");
        assert!((t.total - 225.0).abs() < 1e-9);
        // a repeated key is refused
        assert!(insert_rows(
            &mut conn,
            "things",
            &["id", "parent", "n", "total"],
            &rows[..1]
        )
        .is_err());
    }

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://canvass.db").unwrap().backend,
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:x.db").unwrap().backend,
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("/var/lib/canvass.db").unwrap().backend,
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("data/canvass.db").unwrap().backend,
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@localhost/canvass")
                .unwrap()
                .backend,
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@localhost/canvass")
                .unwrap()
                .backend,
            Backend::Postgres
        );
    }

    #[test]
    fn unknown_schemes_are_named() {
        let err = DatabaseUrl::parse("mysql://root@localhost/canvass").unwrap_err();
        assert!(err.to_string().contains("\"mysql\""), "{err}");
        let err = DatabaseUrl::parse("redis:localhost").unwrap_err();
        assert!(err.to_string().contains("\"redis\""), "{err}");
        assert!(DatabaseUrl::parse("  ").is_err());
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://canvass:s3cret@db:5432/canvass"),
            "postgres://canvass:***@db:5432/canvass"
        );
        assert_eq!(
            redact_url("postgres://db/canvass?password=x"),
            "postgres://db/canvass"
        );
        assert_eq!(
            redact_url("postgres://u@db/c?password=x"),
            "postgres://u@db/c"
        );
    }

    #[test]
    fn libpq_causes_are_named_first() {
        assert!(postgres_reason("connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\tIs the server running")
            .starts_with("connection refused"));
        assert!(
            postgres_reason("FATAL:  password authentication failed for user \"x\"")
                .starts_with("bad password")
        );
    }

    #[test]
    fn sqlite_file_is_created_and_migrated() {
        let dir = std::env::temp_dir().join(format!("canvass-db-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let (pool, backend) = open(&format!("sqlite://{}", path.display()), 2).unwrap();
        assert_eq!(backend, Backend::Sqlite);
        assert!(path.exists());
        let mut conn = pool.get().unwrap();
        conn.batch_execute("SELECT count(*) FROM units").unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }
}
