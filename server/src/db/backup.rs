//! Backup and restore of a SQLite database: a consistent copy made while a server may be
//! serving from the same file, and the replacement of a stopped server's database by such a
//! copy. PostgreSQL has its own tools (`pg_dump`, `pg_restore`; docs/deployment.md).
//!
//! What must hold:
//!
//! * **Consistent while serving.** A backup is `VACUUM INTO` a new file: one read transaction,
//!   so the copy is one moment of the database, and in WAL mode it never stops the server's
//!   writers. It is chosen over SQLite's online backup API because it rebuilds the copy from the
//!   live rows: free pages (which may still hold deleted rows) and the write-ahead log are not
//!   copied, so a backup carries what the database carries and nothing more (docs/privacy.md).
//! * **Nothing half-written under a final name.** Both commands write a temporary file in the
//!   destination's directory, check it, sync it, and only then move it to its name (a rename,
//!   or a hard link where an existing file must not be replaced), then sync the directory.
//!   A failure removes the temporary file and leaves every other file as it was.
//! * **Only a canvass database of this binary's schema is restored**, checked on the copy:
//!   `PRAGMA integrity_check`, the migrations table, and its latest version equal to this
//!   binary's.
//! * **Never under a running server.** Restore takes an exclusive lock on the database it
//!   replaces and holds it until the new file is in place. Every connection to a database in
//!   WAL mode holds a shared lock on the file for as long as it is open, so the lock is refused
//!   while any server (or other program) has the database open, even an idle one.

use std::fs::File;
use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, QueryDsl, QueryableByName, RunQueryDsl};

use super::migrations::{latest_version, migration_name};
use super::schema;

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The table in which diesel records the migrations applied to a database.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

/// A schema version: the version of the latest migration applied (`20261201000001`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SchemaVersion(String);

impl SchemaVersion {
    /// The version this binary's migrations bring a database to.
    #[must_use]
    pub fn of_this_binary() -> Self {
        Self(latest_version())
    }

    /// As people read it: the migration's name where this binary has it
    /// (`2026-12-01-000001_one_tree_per_answer`), otherwise the version as recorded.
    #[must_use]
    pub fn name(&self) -> String {
        migration_name(&self.0).unwrap_or_else(|| self.0.clone())
    }
}

/// What a backup or a restored database holds, to tell the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    /// Size of the file written, in bytes.
    pub bytes: u64,
    pub schema: SchemaVersion,
    pub units: i64,
    pub surveys: i64,
    /// Survey answers (one per respondent).
    pub answers: i64,
    pub rounds: i64,
    /// Electronic ballots (paper ballots are counted on tally sheets).
    pub ballots: i64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// What the database now holds.
    pub contents: Contents,
    /// Where the replaced database was kept; `None` when there was none or it was not kept.
    pub kept: Option<PathBuf>,
    /// Whether a database was replaced (and, without `kept`, deleted).
    pub replaced: bool,
}

/// Why a backup or a restore did not happen. Each names the file concerned; nothing was
/// changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    /// The configured database file does not exist.
    NoDatabase { path: PathBuf },
    /// The file to restore does not exist.
    NoFile { path: PathBuf },
    /// The backup's name is a directory.
    IsDirectory { path: PathBuf },
    /// The backup file exists and replacing it was not asked for.
    Exists { path: PathBuf },
    /// The backup would overwrite, or the restore read, the database itself.
    SameFile { path: PathBuf },
    /// The file is not a SQLite database.
    NotADatabase { path: PathBuf },
    /// A SQLite database, but not one of canvass (no record of its migrations).
    NotCanvass { path: PathBuf },
    /// `PRAGMA integrity_check` found a problem.
    Corrupt { path: PathBuf, problem: String },
    /// The database's schema is not this binary's.
    SchemaMismatch {
        path: PathBuf,
        file: SchemaVersion,
        binary: SchemaVersion,
    },
    /// Another process (a running server) has the database open.
    InUse { path: PathBuf },
    /// A write-ahead log with content lies beside the file to restore: a copy of a database in
    /// use, not a backup, lacking what that log holds.
    LiveCopy { log: PathBuf },
    /// A write-ahead log with content lies where the database to restore will be, left from an
    /// earlier one: SQLite would apply it to the restored database.
    LooseLog { log: PathBuf },
    /// The file system refused (no space, no permission …).
    Io { path: PathBuf, reason: String },
    /// SQLite failed otherwise.
    Sqlite { path: PathBuf, reason: String },
}

impl BackupError {
    fn io(path: &Path, e: &std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }

    fn sqlite(path: &Path, e: &diesel::result::Error) -> Self {
        let reason = e.to_string();
        if reason.contains("file is not a database") {
            return Self::NotADatabase {
                path: path.to_path_buf(),
            };
        }
        if reason.contains("malformed") {
            return Self::Corrupt {
                path: path.to_path_buf(),
                problem: reason,
            };
        }
        Self::Sqlite {
            path: path.to_path_buf(),
            reason,
        }
    }
}

/// Copies the SQLite database at `database` to `to`, consistently even while a server writes
/// to it, and returns what the copy holds. An existing `to` is replaced only when `replace`.
pub fn backup(database: &Path, to: &Path, replace: bool) -> Result<Contents, BackupError> {
    if !database.is_file() {
        return Err(BackupError::NoDatabase {
            path: database.to_path_buf(),
        });
    }
    if to.is_dir() {
        return Err(BackupError::IsDirectory {
            path: to.to_path_buf(),
        });
    }
    if to.exists() {
        if same_file(database, to) {
            return Err(BackupError::SameFile {
                path: to.to_path_buf(),
            });
        }
        if !replace {
            return Err(BackupError::Exists {
                path: to.to_path_buf(),
            });
        }
    }
    check_header(database)?;
    let mut source = open(database)?;
    schema_version(&mut source, database)?;
    let temp = Temp::beside(to)?;
    let target = temp.path.to_str().ok_or_else(|| BackupError::Io {
        path: to.to_path_buf(),
        reason: "the path is not valid UTF-8".into(),
    })?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(target)
        .execute(&mut source)
        .map_err(|e| BackupError::sqlite(database, &e))?;
    drop(source);
    let mut contents = inspect(&temp.path, to)?;
    temp.publish(to, replace)?;
    contents.bytes = file_size(to)?;
    Ok(contents)
}

/// Replaces the SQLite database at `database` with the backup `from`, after checking a copy of
/// it, while no other process has the database open. The replaced database is kept beside it
/// as `<database>.before-restore-<local time>` when `keep`.
pub fn restore(from: &Path, database: &Path, keep: bool) -> Result<Restored, BackupError> {
    if !from.is_file() {
        return Err(BackupError::NoFile {
            path: from.to_path_buf(),
        });
    }
    let replaced = database.exists();
    if replaced && same_file(from, database) {
        return Err(BackupError::SameFile {
            path: from.to_path_buf(),
        });
    }
    if let Some(log) = log_beside(from) {
        return Err(BackupError::LiveCopy { log });
    }
    if let Some(log) = log_beside(database).filter(|_| !replaced) {
        return Err(BackupError::LooseLog { log });
    }
    check_header(from)?;

    let temp = Temp::beside(database)?;
    std::fs::copy(from, &temp.path).map_err(|e| BackupError::io(from, &e))?;
    let mut contents = inspect(&temp.path, from)?;
    let binary = SchemaVersion::of_this_binary();
    if contents.schema != binary {
        return Err(BackupError::SchemaMismatch {
            path: from.to_path_buf(),
            file: contents.schema,
            binary,
        });
    }

    let kept = if replaced {
        let mut lock = ExclusiveLock::take(database)?;
        let kept = if keep {
            Some(lock.keep_as_before_restore()?)
        } else {
            None
        };
        if let Err(e) = temp.publish(database, true) {
            if let Some(kept) = &kept {
                let _ = std::fs::remove_file(kept);
            }
            return Err(e);
        }
        drop(lock);
        kept
    } else {
        temp.publish(database, false)?;
        None
    };
    contents.bytes = file_size(database)?;
    Ok(Restored {
        contents,
        kept,
        replaced,
    })
}

/// Opens a SQLite file that exists, waiting for locks as the server's connections do.
fn open(path: &Path) -> Result<SqliteConnection, BackupError> {
    let url = path.to_str().ok_or_else(|| BackupError::Io {
        path: path.to_path_buf(),
        reason: "the path is not valid UTF-8".into(),
    })?;
    let mut conn = SqliteConnection::establish(url).map_err(|e| BackupError::Sqlite {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = {}",
        super::connection::BUSY_TIMEOUT_MS
    ))
    .map_err(|e| BackupError::sqlite(path, &e))?;
    Ok(conn)
}

/// Refuses a file that does not start as every SQLite database does, before SQLite opens it.
fn check_header(path: &Path) -> Result<(), BackupError> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let read = File::open(path).and_then(|mut file| file.read_exact(&mut header));
    match read {
        Ok(()) if &header == SQLITE_HEADER => Ok(()),
        Ok(()) => Err(BackupError::NotADatabase {
            path: path.to_path_buf(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(BackupError::NotADatabase {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(BackupError::io(path, &e)),
    }
}

/// The write-ahead log beside `path`, if it has content.
fn log_beside(path: &Path) -> Option<PathBuf> {
    let log = sidecar(path, "-wal");
    std::fs::metadata(&log)
        .is_ok_and(|m| m.len() > 0)
        .then_some(log)
}

/// `path` with `suffix` added to its file name (`canvass.db` → `canvass.db-wal`).
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn file_size(path: &Path) -> Result<u64, BackupError> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| BackupError::io(path, &e))
}

/// The latest migration recorded in the database; refuses a database without the record.
fn schema_version(conn: &mut SqliteConnection, path: &Path) -> Result<SchemaVersion, BackupError> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        version: Option<String>,
    }
    let not_canvass = || BackupError::NotCanvass {
        path: path.to_path_buf(),
    };
    let has_table: i64 = diesel::dsl::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        &format!(
            "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{MIGRATIONS_TABLE}')"
        ),
    ))
    .get_result(conn)
    .map_err(|e| BackupError::sqlite(path, &e))?;
    if has_table == 0 {
        return Err(not_canvass());
    }
    diesel::sql_query(format!(
        "SELECT max(version) AS version FROM {MIGRATIONS_TABLE}"
    ))
    .get_result::<Version>(conn)
    .map_err(|e| BackupError::sqlite(path, &e))?
    .version
    .map(SchemaVersion)
    .ok_or_else(not_canvass)
}

/// Checks the copy at `copy` (of `named`, the file the operator knows) and counts what it
/// holds; `bytes` is left 0. Reads only.
fn inspect(copy: &Path, named: &Path) -> Result<Contents, BackupError> {
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let failed = |e: diesel::result::Error| BackupError::sqlite(named, &e);
    let mut conn = open(copy).map_err(|_| BackupError::NotADatabase {
        path: named.to_path_buf(),
    })?;
    let problems = diesel::sql_query("PRAGMA integrity_check(5)")
        .load::<Check>(&mut conn)
        .map_err(failed)?;
    if problems.len() != 1 || problems[0].integrity_check != "ok" {
        return Err(BackupError::Corrupt {
            path: named.to_path_buf(),
            problem: problems
                .into_iter()
                .map(|c| c.integrity_check)
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    let schema = schema_version(&mut conn, named)?;
    // a copy in WAL mode (a backup made by other means) is made self-contained, so that no
    // log file is left beside it
    conn.batch_execute("PRAGMA journal_mode = DELETE")
        .map_err(failed)?;
    macro_rules! rows {
        ($table:ident) => {
            schema::$table::table
                .count()
                .get_result(&mut conn)
                .map_err(failed)?
        };
    }
    Ok(Contents {
        bytes: 0,
        schema,
        units: rows!(units),
        surveys: rows!(surveys),
        answers: rows!(survey_responses),
        rounds: rows!(rounds),
        ballots: rows!(ballots),
    })
}

/// A file being written beside its final name, removed (with any SQLite files beside it)
/// unless it was published.
struct Temp {
    path: PathBuf,
}

impl Temp {
    /// A new name in the directory of `target`, hidden, that no other file has.
    fn beside(target: &Path) -> Result<Self, BackupError> {
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(BackupError::Io {
                path: dir.to_path_buf(),
                reason: std::io::Error::from(std::io::ErrorKind::NotFound).to_string(),
            });
        }
        let name = target
            .file_name()
            .map_or_else(|| "canvass".into(), |n| n.to_string_lossy().into_owned());
        Ok(Self {
            path: dir.join(format!(".{name}.{}.partial", uuid::Uuid::new_v4().simple())),
        })
    }

    /// Syncs the file and moves it to `target` (replacing a file there only when `replace`),
    /// then syncs the directory, so the new name survives a power cut.
    fn publish(self, target: &Path, replace: bool) -> Result<(), BackupError> {
        File::open(&self.path)
            .and_then(|file| file.sync_all())
            .map_err(|e| BackupError::io(target, &e))?;
        if replace {
            std::fs::rename(&self.path, target).map_err(|e| BackupError::io(target, &e))?;
        } else {
            // a hard link fails when the name is taken, even by a file made a moment ago
            match std::fs::hard_link(&self.path, target) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(BackupError::Exists {
                        path: target.to_path_buf(),
                    })
                }
                // a file system without hard links
                Err(_) if !target.exists() => {
                    std::fs::rename(&self.path, target).map_err(|e| BackupError::io(target, &e))?;
                }
                Err(e) => return Err(BackupError::io(target, &e)),
            }
        }
        sync_dir(target)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        // after a hard link only the temporary name goes; after a rename there is nothing left
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(sidecar(&self.path, suffix));
        }
    }
}

/// Syncs the directory holding `path`, so that a rename in it is durable.
fn sync_dir(path: &Path) -> Result<(), BackupError> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| BackupError::io(dir, &e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// An exclusive lock on a database, held until dropped: no other process can open it
/// meanwhile, and it was refused while any other had it open.
struct ExclusiveLock {
    conn: SqliteConnection,
    path: PathBuf,
}

impl ExclusiveLock {
    /// Takes the lock without waiting, and folds any write-ahead log into the database file,
    /// so the file alone is the whole database and no log is left beside it.
    fn take(path: &Path) -> Result<Self, BackupError> {
        // an empty file is an empty database to SQLite (a start that failed at once leaves one)
        if file_size(path)? > 0 {
            check_header(path)?;
        }
        let mut conn = open(path)?;
        let in_use = || BackupError::InUse {
            path: path.to_path_buf(),
        };
        // In EXCLUSIVE locking mode the first read takes the lock on the file and keeps it. A
        // database in WAL mode needs an exclusive lock to be opened so, and every connection
        // that has it open holds a shared one, so this fails at once while one is open.
        conn.batch_execute("PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE;")
            .map_err(|e| BackupError::sqlite(path, &e))?;
        let read = conn.batch_execute("SELECT count(*) FROM sqlite_master");
        match read {
            Ok(()) => {}
            Err(e) if is_busy(&e) => return Err(in_use()),
            Err(e) => return Err(BackupError::sqlite(path, &e)),
        }
        match conn.batch_execute("PRAGMA journal_mode = DELETE") {
            Ok(()) => {}
            Err(e) if is_busy(&e) => return Err(in_use()),
            Err(e) => return Err(BackupError::sqlite(path, &e)),
        }
        if std::fs::metadata(sidecar(path, "-wal")).is_ok() {
            return Err(in_use());
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Gives the locked database a second name, `<database>.before-restore-<local time>`
    /// (a hard link, so that its own name never stands empty), and returns it.
    fn keep_as_before_restore(&mut self) -> Result<PathBuf, BackupError> {
        let stamp: String = diesel::dsl::select(diesel::dsl::sql::<diesel::sql_types::Text>(
            "strftime('%Y%m%d-%H%M%S', 'now', 'localtime')",
        ))
        .get_result(&mut self.conn)
        .map_err(|e| BackupError::sqlite(&self.path, &e))?;
        let base = sidecar(&self.path, &format!(".before-restore-{stamp}"));
        let mut kept = base.clone();
        for n in 2.. {
            if !kept.exists() {
                break;
            }
            kept = sidecar(&base, &format!("-{n}"));
        }
        match std::fs::hard_link(&self.path, &kept) {
            Ok(()) => {}
            // a file system without hard links: a copy, made under the lock
            Err(_) => std::fs::copy(&self.path, &kept)
                .map(drop)
                .map_err(|e| BackupError::io(&kept, &e))?,
        }
        sync_dir(&kept)?;
        Ok(kept)
    }
}

fn is_busy(e: &diesel::result::Error) -> bool {
    let message = e.to_string();
    message.contains("database is locked") || message.contains("database is busy")
}
