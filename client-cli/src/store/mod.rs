//! The field officer's local store: one SQLite file holding the cached manifest, the queue of
//! collected items, the batches built from them and the counts of what was sent.
//!
//! Every change is one transaction with `synchronous=FULL`, so a crash, a flat battery or a
//! killed process never loses a saved answer set and never leaves half a change behind. A batch
//! gets its id and exact bytes in the same transaction that marks its items as batched, before
//! it is first sent; until the server acknowledges or refuses it, it is sent again with those
//! same bytes. Deleted answers are overwritten (`secure_delete`), not just unlinked.
//!
//! By concern: this module opens the file and owns its schema and version; [`server`] binds
//! the store to one server; [`manifest`] caches the forms; [`queue`] holds the collected items;
//! [`batches`] builds, resends, acknowledges and refuses batches; [`counts`] adds up what
//! `canvass status` shows.

mod batches;
mod counts;
mod manifest;
mod queue;
mod server;

use std::fmt;
use std::path::{Path, PathBuf};

use canvass_protocol::forms::Lang;
use canvass_protocol::t;

use rusqlite::{Connection, TransactionBehavior};

use crate::files::{create_private_file, ensure_private_dir, FileError};

pub use batches::{Acknowledged, PendingBatch};
pub use counts::InstrumentCounts;
pub use manifest::CachedManifest;
pub use queue::{ItemState, NewItem, StoredItem};

/// The environment variable that moves the data directory (tests and portable installs use
/// it); when unset, the platform's data directory + `canvass`.
pub const DATA_DIR_ENV: &str = "CANVASS_DATA_DIR";

/// The name of the store file inside the data directory.
pub const STORE_FILE: &str = "canvass.sqlite3";

/// The schema version this build writes (`PRAGMA user_version`). Version 2 keeps a pending
/// batch's bytes as its items, in their positions (a batch's `body` is NULL), where version 1
/// saved a copy of them in `batches.body`; a version 1 store is read as it is.
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS manifest (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    etag TEXT,
    body TEXT NOT NULL,
    pulled_at INTEGER NOT NULL,
    checked_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    body BLOB,
    item_count INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'acknowledged')),
    attempts INTEGER NOT NULL DEFAULT 0,
    receipt TEXT
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('survey_response', 'tally_sheet')),
    instrument TEXT NOT NULL,
    label TEXT NOT NULL,
    summary TEXT NOT NULL,
    dedup_key TEXT,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'batched', 'attention', 'sent')),
    batch_id TEXT REFERENCES batches (batch_id),
    position INTEGER,
    problems TEXT
);
CREATE INDEX IF NOT EXISTS items_by_state ON items (state, id);
CREATE INDEX IF NOT EXISTS items_by_batch ON items (batch_id, position);
CREATE TABLE IF NOT EXISTS counts (
    instrument TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    discarded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS imports (
    digest TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    rows INTEGER NOT NULL,
    imported_on TEXT NOT NULL
);
";

/// The local store could not be opened, read or written.
#[derive(Debug)]
pub enum StoreError {
    /// No data directory: neither `CANVASS_DATA_DIR` nor a home directory.
    NoDataDir,
    /// The directory or file could not be created or protected.
    Io(FileError),
    /// SQLite failed.
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// The file was written by a newer canvass.
    TooNew { path: PathBuf, found: i64 },
    /// Stored data that should be ours cannot be read back.
    Damaged { path: PathBuf, reason: String },
}

impl StoreError {
    /// The failure in `lang`, with what to do next.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        let shown = |path: &Path| path.display().to_string();
        match self {
            StoreError::NoDataDir => t!(lang, "cli-error-no-data-dir"),
            StoreError::Io(e) => e.message().render(lang),
            StoreError::Sqlite { path, source } => t!(
                lang,
                "cli-error-store-unusable",
                path = shown(path),
                reason = source.to_string()
            ),
            StoreError::TooNew { path, found } => t!(
                lang,
                "cli-error-store-too-new",
                path = shown(path),
                found = found.to_string()
            ),
            StoreError::Damaged { path, reason } => t!(
                lang,
                "cli-error-store-damaged",
                path = shown(path),
                reason = reason
            ),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Io(e) => Some(e),
            StoreError::Sqlite { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Held while a push runs; dropping it (or the process ending) releases it.
pub struct PushLock {
    _conn: Connection,
}

/// The local store; every read and write of collected data goes through here.
pub struct LocalStore {
    conn: Connection,
    path: PathBuf,
}

impl fmt::Debug for LocalStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The data directory the command line uses: `$CANVASS_DATA_DIR` if set and not empty,
/// otherwise the platform's data directory + `canvass` (`~/.local/share/canvass` on Linux).
pub fn data_dir_from_env() -> Result<PathBuf, StoreError> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => dirs::data_dir()
            .map(|d| d.join("canvass"))
            .ok_or(StoreError::NoDataDir),
    }
}

impl LocalStore {
    /// Opens the store of the command line (see [`data_dir_from_env`]).
    pub fn from_env() -> Result<Self, StoreError> {
        Self::open_in(&data_dir_from_env()?)
    }

    /// Opens (creating if needed) the store in `dir`. The directory is made owner-only (0700)
    /// and the file owner-only (0600) on Unix; SQLite gives its journal files the same mode.
    pub fn open_in(dir: &Path) -> Result<Self, StoreError> {
        ensure_private_dir(dir).map_err(StoreError::Io)?;
        let path = dir.join(STORE_FILE);
        create_private_file(&path).map_err(StoreError::Io)?;
        let sqlite = sqlite_error(&path);
        let conn = Connection::open(&path).map_err(&sqlite)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(&sqlite)?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            .map_err(&sqlite)?;
        conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
        )
        .map_err(&sqlite)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&sqlite)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path,
                found: version,
            });
        }
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        ))
        .map_err(&sqlite)?;
        Ok(Self { conn, path })
    }

    /// The store file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        sqlite_error(&self.path)(source)
    }

    /// Starts a write transaction (taking the write lock at once, so it never fails half way
    /// on a busy store), with the error mapping of this store's file.
    fn begin(
        &mut self,
    ) -> Result<
        (
            rusqlite::Transaction<'_>,
            impl Fn(rusqlite::Error) -> StoreError,
        ),
        StoreError,
    > {
        let err = sqlite_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        Ok((tx, err))
    }

    /// Every row of `sql` (no parameters), each read by `row`.
    fn query_all<T>(
        &self,
        sql: &str,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut statement = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([], row)
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e));
        rows
    }

    fn damaged(&self, reason: impl fmt::Display) -> StoreError {
        StoreError::Damaged {
            path: self.path.clone(),
            reason: reason.to_string(),
        }
    }

    /// Takes the push lock: `None` when another push on this computer holds it. The lock is
    /// an exclusive SQLite lock on a file beside the store, so the operating system releases
    /// it when its process ends, however it ends.
    pub fn lock_push(&self) -> Result<Option<PushLock>, StoreError> {
        let path = self.path.with_file_name("push.lock");
        let sqlite = sqlite_error(&path);
        create_private_file(&path).map_err(StoreError::Io)?;
        let conn = Connection::open(&path).map_err(&sqlite)?;
        match conn.execute_batch("BEGIN EXCLUSIVE") {
            Ok(()) => Ok(Some(PushLock { _conn: conn })),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    || e.code == rusqlite::ErrorCode::DatabaseLocked =>
            {
                Ok(None)
            }
            Err(e) => Err(sqlite(e)),
        }
    }

    /// Folds the write-ahead log back into the file, so deleted answers do not linger there.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| self.err(e))
    }
}

/// Maps a SQLite failure on the file at `path` to the store's error.
fn sqlite_error(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Sqlite {
        path: path.clone(),
        source,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use canvass_protocol::forms::AnswerSet;
    use canvass_protocol::sync::{BatchItem, FieldChannel, FieldResponse};

    pub(crate) fn response(survey_id: i64, answer: &str) -> NewItem {
        let mut answers = AnswerSet::new();
        answers.insert("q", answer);
        NewItem {
            item: BatchItem::SurveyResponse(FieldResponse {
                survey_id,
                version: 1,
                target_unit_id: 7,
                respondent_unit_id: None,
                channel: FieldChannel::Field,
                collected_on: "2026-11-20".into(),
                answers,
            }),
            instrument: NewItem::survey_key(survey_id),
            label: format!("survey {survey_id}"),
            summary: "target 7".into(),
            dedup_key: None,
        }
    }

    pub(crate) const ID_A: &str = "0123456789abcdef0123456789abcdef";
    pub(crate) const ID_B: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn a_store_written_by_a_newer_version_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open_in(dir.path()).unwrap();
        store
            .conn
            .execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
            .unwrap();
        drop(store);
        let err = LocalStore::open_in(dir.path()).unwrap_err();
        assert!(
            matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1),
            "{err}"
        );
        assert!(err.render(Lang::En).contains("Upgrade canvass"), "{err}");
    }

    #[test]
    fn one_push_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open_in(dir.path()).unwrap();
        let other = LocalStore::open_in(dir.path()).unwrap();
        let lock = store.lock_push().unwrap().expect("free");
        assert!(other.lock_push().unwrap().is_none(), "held");
        drop(lock);
        assert!(other.lock_push().unwrap().is_some(), "released");
    }

    #[cfg(unix)]
    #[test]
    fn the_store_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let store = LocalStore::open_in(&data).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(store.path()), 0o600);
    }
}
