//! The field officer's local store: one SQLite file holding the cached manifest, the queue of
//! collected items, the batches built from them and the counts of what was sent.
//!
//! Every change is one transaction with `synchronous=FULL`, so a crash, a flat battery or a
//! killed process never loses a saved answer set and never leaves half a change behind. A batch
//! gets its id and exact bytes in the same transaction that marks its items as batched, before
//! it is first sent; until the server acknowledges or refuses it, it is sent again with those
//! same bytes. Deleted answers are overwritten (`secure_delete`), not just unlinked.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use canvass_protocol::sync::{BatchItem, Manifest, Receipt};
use canvass_protocol::ErrorDetail;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

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
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No data directory: neither `CANVASS_DATA_DIR` nor a home directory.
    #[error(
        "cannot tell where to keep the collected answers: this computer has no data directory. \
         Set CANVASS_DATA_DIR to a private directory and try again."
    )]
    NoDataDir,
    /// The directory or file could not be created or protected.
    #[error("cannot {action} {path}: {source}. Check that the directory exists and is yours.")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// SQLite failed.
    #[error(
        "the local store {path} cannot be used: {source}. If another `canvass` command is \
         running, wait for it to finish; if the disk is full, free some space."
    )]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The file was written by a newer canvass.
    #[error(
        "the local store {path} was written by a newer version of canvass (schema {found}). \
         Upgrade canvass on this computer."
    )]
    TooNew { path: PathBuf, found: i64 },
    /// Stored data that should be ours cannot be read back.
    #[error("the local store {path} holds damaged data ({reason}).")]
    Damaged { path: PathBuf, reason: String },
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Waiting to be put in a batch.
    Queued,
    /// In a batch that has not been acknowledged yet.
    Batched,
    /// Refused by the server: the officer fixes or discards it.
    Attention,
    /// Acknowledged by the server and kept on request (`push --keep`).
    Sent,
}

impl ItemState {
    const fn as_str(self) -> &'static str {
        match self {
            ItemState::Queued => "queued",
            ItemState::Batched => "batched",
            ItemState::Attention => "attention",
            ItemState::Sent => "sent",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            ItemState::Queued,
            ItemState::Batched,
            ItemState::Attention,
            ItemState::Sent,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A new item to queue.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub item: BatchItem,
    /// The instrument key, `survey:3` or `round:5`, by which status groups items.
    pub instrument: String,
    /// The instrument as shown: the survey title, the round's period and series.
    pub label: String,
    /// One line saying what this item is (target, village, day; station and group).
    pub summary: String,
    /// Items with the same key are the same thing entered twice (a tally sheet of one station
    /// and group); `None` for survey answers, of which any number may be alike.
    pub dedup_key: Option<String>,
}

impl NewItem {
    /// The instrument key of a survey.
    #[must_use]
    pub fn survey_key(survey_id: i64) -> String {
        format!("survey:{survey_id}")
    }

    /// The instrument key of a round.
    #[must_use]
    pub fn round_key(round_id: i64) -> String {
        format!("round:{round_id}")
    }
}

/// An item as stored.
#[derive(Debug, Clone)]
pub struct StoredItem {
    /// The local id the officer names in `canvass fix` and `canvass discard`.
    pub id: i64,
    pub item: BatchItem,
    pub instrument: String,
    pub label: String,
    pub summary: String,
    pub dedup_key: Option<String>,
    pub state: ItemState,
    pub batch_id: Option<String>,
    /// Why the server refused it (fields relative to the item, `answers.q1`).
    pub problems: Vec<ErrorDetail>,
}

/// A batch built but not yet acknowledged: sent, and sent again, with exactly these bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingBatch {
    pub batch_id: String,
    pub body: Vec<u8>,
    pub item_count: usize,
    /// How many times it was sent before without an answer.
    pub attempts: u32,
}

/// A batch's exact bytes: `{"batch_id":"<id>","items":[<payload>,<payload>,...]}`, the items'
/// payloads as stored, in their positions. Built when the batch is built and again, the same,
/// whenever a push finds it pending.
fn batch_body<'a>(batch_id: &str, payloads: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(br#"{"batch_id":""#);
    body.extend_from_slice(batch_id.as_bytes());
    body.extend_from_slice(br#"","items":["#);
    for (i, payload) in payloads.enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(payload.as_bytes());
    }
    body.extend_from_slice(b"]}");
    body
}

/// The cached manifest.
#[derive(Debug, Clone)]
pub struct CachedManifest {
    pub manifest: Manifest,
    pub etag: Option<String>,
    /// When it was last fetched with content (Unix seconds).
    pub pulled_at: i64,
    /// When the server was last asked, including "not modified" answers.
    pub checked_at: i64,
}

/// What acknowledging a batch changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Acknowledged {
    pub survey_responses: usize,
    pub tally_sheets: usize,
}

/// The counts per instrument `canvass status` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstrumentCounts {
    pub instrument: String,
    pub label: String,
    pub queued: u64,
    pub batched: u64,
    pub attention: u64,
    pub kept: u64,
    pub sent: u64,
    pub discarded: u64,
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
        ensure_private_dir(dir)?;
        let path = dir.join(STORE_FILE);
        create_private_file(&path)?;
        let sqlite = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(sqlite)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sqlite)?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            .map_err(sqlite)?;
        conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
        )
        .map_err(sqlite)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sqlite)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path,
                found: version,
            });
        }
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        ))
        .map_err(sqlite)?;
        Ok(Self { conn, path })
    }

    /// The store file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn damaged(&self, reason: impl fmt::Display) -> StoreError {
        StoreError::Damaged {
            path: self.path.clone(),
            reason: reason.to_string(),
        }
    }

    // --- the server -------------------------------------------------------------------------

    /// The server this store belongs to, recorded at the first pull.
    pub fn server(&self) -> Result<Option<String>, StoreError> {
        self.meta("server")
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Whether anything collected is still to be sent or dealt with: queued, batched or
    /// refused items.
    pub fn has_unsent_work(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM items WHERE state IN ('queued', 'batched', 'attention'))",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Binds the store to `server` (first pull), or rebinds an empty store to another server,
    /// forgetting the old server's manifest, counts and batches. Refuses (returns the bound
    /// server) when unsent work belongs to another server.
    pub fn bind_server(&mut self, server: &str) -> Result<Result<(), String>, StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let bound: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'server'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(err)?;
        match bound {
            Some(bound) if bound == server => return Ok(Ok(())),
            Some(bound) => {
                let busy: bool = tx
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM items WHERE state IN ('queued', 'batched', 'attention'))",
                        [],
                        |r| r.get(0),
                    )
                    .map_err(err)?;
                if busy {
                    return Ok(Err(bound));
                }
                tx.execute_batch(
                    "DELETE FROM items; DELETE FROM batches; DELETE FROM counts; \
                     DELETE FROM manifest; DELETE FROM imports;",
                )
                .map_err(err)?;
            }
            None => {}
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('server', ?1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [server],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(Ok(()))
    }

    // --- the manifest -----------------------------------------------------------------------

    /// The cached manifest, if any was pulled.
    pub fn manifest(&self) -> Result<Option<CachedManifest>, StoreError> {
        let row: Option<(Option<String>, String, i64, i64)> = self
            .conn
            .query_row(
                "SELECT etag, body, pulled_at, checked_at FROM manifest WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((etag, body, pulled_at, checked_at)) = row else {
            return Ok(None);
        };
        let manifest = serde_json::from_str(&body)
            .map_err(|e| self.damaged(format!("the cached manifest: {e}")))?;
        Ok(Some(CachedManifest {
            manifest,
            etag,
            pulled_at,
            checked_at,
        }))
    }

    /// Replaces the cached manifest (one row: pulling again never duplicates anything).
    pub fn save_manifest(
        &mut self,
        manifest: &Manifest,
        etag: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let body = serde_json::to_string(manifest).expect("a manifest serialises");
        self.conn
            .execute(
                "INSERT INTO manifest (id, etag, body, pulled_at, checked_at) \
                 VALUES (1, ?1, ?2, ?3, ?3) \
                 ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, body = excluded.body, \
                 pulled_at = excluded.pulled_at, checked_at = excluded.checked_at",
                params![etag, body, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Records that the server said the cached manifest is current.
    pub fn touch_manifest(&mut self, now: i64) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE manifest SET checked_at = ?1 WHERE id = 1", [now])
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    // --- items ------------------------------------------------------------------------------

    /// Queues one item in its own durable transaction; returns its local id.
    pub fn add_item(&mut self, item: &NewItem) -> Result<i64, StoreError> {
        Ok(self.add_items(std::slice::from_ref(item), None)?[0])
    }

    /// Queues several items in one transaction: all of them or none. With `import`, records the
    /// imported file's digest in the same transaction.
    pub fn add_items(
        &mut self,
        items: &[NewItem],
        import: Option<(&str, &str, &str)>,
    ) -> Result<Vec<i64>, StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let mut ids = Vec::with_capacity(items.len());
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO items (kind, instrument, label, summary, dedup_key, payload, state) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued')",
                )
                .map_err(err)?;
            for item in items {
                let payload = serde_json::to_string(&item.item).expect("an item serialises");
                insert
                    .execute(params![
                        kind_of(&item.item),
                        item.instrument,
                        item.label,
                        item.summary,
                        item.dedup_key,
                        payload
                    ])
                    .map_err(err)?;
                ids.push(tx.last_insert_rowid());
            }
        }
        if let Some((digest, file_name, day)) = import {
            tx.execute(
                "INSERT INTO imports (digest, file_name, rows, imported_on) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (digest) DO UPDATE SET rows = imports.rows + excluded.rows, \
                 imported_on = excluded.imported_on",
                params![digest, file_name, i64::try_from(items.len()).unwrap_or(i64::MAX), day],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(ids)
    }

    /// When a file with this digest was imported before: its name and day.
    pub fn imported_before(&self, digest: &str) -> Result<Option<(String, String)>, StoreError> {
        self.conn
            .query_row(
                "SELECT file_name, imported_on FROM imports WHERE digest = ?1",
                [digest],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// One item by its local id.
    pub fn item(&self, id: i64) -> Result<Option<StoredItem>, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = ?1"),
                [id],
                raw_item,
            )
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|raw| self.decode(raw)).transpose()
    }

    /// The items in `state`, oldest first.
    pub fn items_in(&self, state: ItemState) -> Result<Vec<StoredItem>, StoreError> {
        let mut statement = self
            .conn
            .prepare(&format!(
                "SELECT {ITEM_COLUMNS} FROM items WHERE state = ?1 ORDER BY id"
            ))
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([state.as_str()], raw_item)
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        rows.into_iter().map(|raw| self.decode(raw)).collect()
    }

    /// An item with this dedup key that is not yet refused or gone: queued, batched or kept.
    pub fn live_item_with_key(&self, key: &str) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row(
                "SELECT id FROM items WHERE dedup_key = ?1 AND state <> 'attention' LIMIT 1",
                [key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn decode(&self, raw: RawItem) -> Result<StoredItem, StoreError> {
        let item = serde_json::from_str(&raw.payload)
            .map_err(|e| self.damaged(format!("item {}: {e}", raw.id)))?;
        let problems = match raw.problems {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| self.damaged(format!("item {}: {e}", raw.id)))?,
            None => Vec::new(),
        };
        let state = ItemState::parse(&raw.state)
            .ok_or_else(|| self.damaged(format!("item {}: state {}", raw.id, raw.state)))?;
        Ok(StoredItem {
            id: raw.id,
            item,
            instrument: raw.instrument,
            label: raw.label,
            summary: raw.summary,
            dedup_key: raw.dedup_key,
            state,
            batch_id: raw.batch_id,
            problems,
        })
    }

    /// Replaces a refused item's content and queues it again (`canvass fix`). Only items that
    /// need attention can be replaced; `false` otherwise.
    pub fn requeue(&mut self, id: i64, item: &NewItem) -> Result<bool, StoreError> {
        let payload = serde_json::to_string(&item.item).expect("an item serialises");
        let changed = self
            .conn
            .execute(
                "UPDATE items SET payload = ?2, instrument = ?3, label = ?4, summary = ?5, \
                 dedup_key = ?6, state = 'queued', problems = NULL, batch_id = NULL, position = NULL \
                 WHERE id = ?1 AND state = 'attention'",
                params![
                    id,
                    payload,
                    item.instrument,
                    item.label,
                    item.summary,
                    item.dedup_key
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(changed == 1)
    }

    /// Deletes an item that is queued, refused or kept after sending, counting it as discarded
    /// when it was never stored by the server. A batched item cannot be discarded (the batch
    /// may already be stored): `false`.
    pub fn discard(&mut self, id: i64) -> Result<bool, StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let row: Option<(String, String, String)> = tx
            .query_row(
                "SELECT instrument, label, state FROM items WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(err)?;
        let Some((instrument, label, state)) = row else {
            return Ok(false);
        };
        if state == "batched" {
            return Ok(false);
        }
        tx.execute("DELETE FROM items WHERE id = ?1", [id])
            .map_err(err)?;
        if state != "sent" {
            tx.execute(
                "INSERT INTO counts (instrument, label, discarded) VALUES (?1, ?2, 1) \
                 ON CONFLICT (instrument) DO UPDATE SET discarded = counts.discarded + 1, \
                 label = excluded.label",
                params![instrument, label],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(true)
    }

    // --- batches ----------------------------------------------------------------------------

    /// The oldest batch built but not yet acknowledged, left by an interrupted push.
    pub fn pending_batch(&self) -> Result<Option<PendingBatch>, StoreError> {
        self.pending_batch_except(&[])
    }

    /// The oldest batch built but not yet acknowledged other than those named (the ones a
    /// push has on their way). Only its body is read, not the others'.
    pub fn pending_batch_except(
        &self,
        except: &[&str],
    ) -> Result<Option<PendingBatch>, StoreError> {
        let Some((batch_id, _)) = self
            .pending_batches()?
            .into_iter()
            .find(|(id, _)| !except.contains(&id.as_str()))
        else {
            return Ok(None);
        };
        let (body, count, attempts): (Option<Vec<u8>>, i64, i64) = self
            .conn
            .query_row(
                "SELECT body, item_count, attempts FROM batches WHERE batch_id = ?1",
                [&batch_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| self.err(e))?;
        let item_count = usize::try_from(count).unwrap_or(0);
        let body = match body {
            // saved by a version 1 store
            Some(body) => body,
            None => self.rebuild_body(&batch_id, item_count)?,
        };
        Ok(Some(PendingBatch {
            batch_id,
            body,
            item_count,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        }))
    }

    /// A pending batch's bytes, built again from its items in their positions: the same bytes
    /// as when it was built, since a batched item never changes.
    fn rebuild_body(&self, batch_id: &str, item_count: usize) -> Result<Vec<u8>, StoreError> {
        let mut select = self
            .conn
            .prepare_cached(
                "SELECT payload FROM items WHERE batch_id = ?1 AND state = 'batched' \
                 ORDER BY position",
            )
            .map_err(|e| self.err(e))?;
        let payloads = select
            .query_map([batch_id], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        if payloads.len() != item_count {
            return Err(self.damaged(format!(
                "batch {batch_id} should hold {item_count} items but {} are left",
                payloads.len()
            )));
        }
        Ok(batch_body(batch_id, payloads.iter().map(String::as_str)))
    }

    /// The id and item count of every batch built but not yet acknowledged, oldest first: as
    /// many as an interrupted push had on their way.
    pub fn pending_batches(&self) -> Result<Vec<(String, usize)>, StoreError> {
        let mut select = self
            .conn
            .prepare_cached(
                "SELECT batch_id, item_count FROM batches WHERE state = 'pending' ORDER BY seq",
            )
            .map_err(|e| self.err(e))?;
        let rows = select
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Builds the next batch from the oldest queued items, at most `max_items` of them and
    /// `max_bytes` bytes of body, under `batch_id`, and stores it in the same transaction that
    /// marks its items as batched, each at its position: its exact bytes are those items, so
    /// they are kept once, not twice (a push writes half as much; see [`batch_body`]). `None`
    /// when nothing is queued. An item too large for a batch on its own is set aside with
    /// `payload_too_large`.
    pub fn create_batch(
        &mut self,
        batch_id: &str,
        max_items: usize,
        max_bytes: usize,
    ) -> Result<Option<PendingBatch>, StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let mut chosen: Vec<(i64, String)> = Vec::new();
        let mut too_large: Vec<i64> = Vec::new();
        {
            let limit = i64::try_from(max_items.max(1)).unwrap_or(i64::MAX);
            let mut select = tx
                .prepare(
                    "SELECT id, payload FROM items WHERE state = 'queued' ORDER BY id LIMIT ?1",
                )
                .map_err(err)?;
            let rows = select
                .query_map([limit], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(err)?;
            // {"batch_id":"<id>","items":[<a>,<b>]}
            let mut size = r#"{"batch_id":"","items":[]}"#.len() + batch_id.len();
            for row in rows {
                let (id, payload) = row.map_err(err)?;
                let extra = payload.len() + usize::from(!chosen.is_empty());
                if size + extra > max_bytes {
                    if chosen.is_empty() {
                        too_large.push(id);
                        continue;
                    }
                    break;
                }
                size += extra;
                chosen.push((id, payload));
            }
        }
        for id in &too_large {
            let problem = vec![ErrorDetail {
                code: canvass_protocol::ErrorCode::PayloadTooLarge,
                message: format!(
                    "this item alone is larger than a batch may be ({max_bytes} bytes)"
                ),
                field: None,
            }];
            tx.execute(
                "UPDATE items SET state = 'attention', problems = ?2 WHERE id = ?1",
                params![id, serde_json::to_string(&problem).expect("serialises")],
            )
            .map_err(err)?;
        }
        if chosen.is_empty() {
            tx.commit().map_err(err)?;
            return Ok(None);
        }
        let body = batch_body(batch_id, chosen.iter().map(|(_, payload)| payload.as_str()));
        let seq: i64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM batches", [], |r| {
                r.get(0)
            })
            .map_err(err)?;
        let count = i64::try_from(chosen.len()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO batches (batch_id, seq, item_count, state) \
             VALUES (?1, ?2, ?3, 'pending')",
            params![batch_id, seq, count],
        )
        .map_err(err)?;
        {
            let mut mark = tx
                .prepare(
                    "UPDATE items SET state = 'batched', batch_id = ?2, position = ?3 \
                     WHERE id = ?1 AND state = 'queued'",
                )
                .map_err(err)?;
            for (position, (id, _)) in chosen.iter().enumerate() {
                let position = i64::try_from(position).unwrap_or(i64::MAX);
                mark.execute(params![id, batch_id, position]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        Ok(Some(PendingBatch {
            batch_id: batch_id.to_string(),
            body,
            item_count: chosen.len(),
            attempts: 0,
        }))
    }

    /// Counts one more attempt at sending a batch.
    pub fn record_attempt(&mut self, batch_id: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE batches SET attempts = attempts + 1 WHERE batch_id = ?1",
                [batch_id],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The server stored the batch: marks it acknowledged (its body is dropped), adds its
    /// items to the sent counts and deletes them, or keeps them as sent with `keep`. One
    /// transaction.
    pub fn acknowledge(
        &mut self,
        batch_id: &str,
        receipt: &Receipt,
        keep: bool,
    ) -> Result<Acknowledged, StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let mut done = Acknowledged::default();
        {
            let mut select = tx
                .prepare(
                    "SELECT kind, instrument, label, COUNT(*) FROM items WHERE batch_id = ?1 \
                     AND state = 'batched' GROUP BY kind, instrument, label",
                )
                .map_err(err)?;
            let groups = select
                .query_map([batch_id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })
                .map_err(err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(err)?;
            for (kind, instrument, label, n) in groups {
                let n_usize = usize::try_from(n).unwrap_or(0);
                if kind == "tally_sheet" {
                    done.tally_sheets += n_usize;
                } else {
                    done.survey_responses += n_usize;
                }
                tx.execute(
                    "INSERT INTO counts (instrument, label, sent) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (instrument) DO UPDATE SET sent = counts.sent + excluded.sent, \
                     label = excluded.label",
                    params![instrument, label, n],
                )
                .map_err(err)?;
            }
        }
        if keep {
            tx.execute(
                "UPDATE items SET state = 'sent' WHERE batch_id = ?1 AND state = 'batched'",
                [batch_id],
            )
            .map_err(err)?;
        } else {
            tx.execute(
                "DELETE FROM items WHERE batch_id = ?1 AND state = 'batched'",
                [batch_id],
            )
            .map_err(err)?;
        }
        tx.execute(
            "UPDATE batches SET state = 'acknowledged', body = NULL, receipt = ?2 WHERE batch_id = ?1",
            params![
                batch_id,
                serde_json::to_string(receipt).expect("a receipt serialises")
            ],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(done)
    }

    /// The server refused the batch and stored nothing of it: the items at the refused
    /// positions need attention (with the server's reasons), the others are queued again for a
    /// new batch, and the refused batch is dropped. Returns the local ids set aside. One
    /// transaction.
    pub fn refuse(
        &mut self,
        batch_id: &str,
        problems: &BTreeMap<usize, Vec<ErrorDetail>>,
    ) -> Result<Vec<i64>, StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let mut set_aside = Vec::new();
        for (position, details) in problems {
            let position = i64::try_from(*position).unwrap_or(i64::MAX);
            let id: Option<i64> = tx
                .query_row(
                    "SELECT id FROM items WHERE batch_id = ?1 AND position = ?2 AND state = 'batched'",
                    params![batch_id, position],
                    |r| r.get(0),
                )
                .optional()
                .map_err(err)?;
            if let Some(id) = id {
                tx.execute(
                    "UPDATE items SET state = 'attention', batch_id = NULL, position = NULL, \
                     problems = ?2 WHERE id = ?1",
                    params![id, serde_json::to_string(details).expect("serialises")],
                )
                .map_err(err)?;
                set_aside.push(id);
            }
        }
        Self::release(&tx, batch_id).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(set_aside)
    }

    /// Drops a batch the server refused as a whole without storing it (malformed, too large):
    /// its items are queued again.
    pub fn unbatch(&mut self, batch_id: &str) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        Self::release(&tx, batch_id).map_err(err)?;
        tx.commit().map_err(err)
    }

    fn release(tx: &rusqlite::Transaction<'_>, batch_id: &str) -> rusqlite::Result<()> {
        tx.execute(
            "UPDATE items SET state = 'queued', batch_id = NULL, position = NULL \
             WHERE batch_id = ?1 AND state = 'batched'",
            [batch_id],
        )?;
        tx.execute("DELETE FROM batches WHERE batch_id = ?1", [batch_id])?;
        Ok(())
    }

    /// Takes the push lock: `None` when another push on this computer holds it. The lock is
    /// an exclusive SQLite lock on a file beside the store, so the operating system releases
    /// it when its process ends, however it ends.
    pub fn lock_push(&self) -> Result<Option<PushLock>, StoreError> {
        let path = self.path.with_file_name("push.lock");
        create_private_file(&path)?;
        let sqlite = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(sqlite)?;
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

    // --- status -----------------------------------------------------------------------------

    /// Counts per instrument: items by state, and what was sent or discarded.
    pub fn counts(&self) -> Result<Vec<InstrumentCounts>, StoreError> {
        let mut by_key: BTreeMap<String, InstrumentCounts> = BTreeMap::new();
        let mut statement = self
            .conn
            .prepare(
                "SELECT instrument, MAX(label), state, COUNT(*) FROM items GROUP BY instrument, state",
            )
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        for (instrument, label, state, n) in rows {
            let entry = by_key
                .entry(instrument.clone())
                .or_insert_with(|| InstrumentCounts {
                    instrument,
                    label,
                    ..InstrumentCounts::default()
                });
            let n = u64::try_from(n).unwrap_or(0);
            match ItemState::parse(&state) {
                Some(ItemState::Queued) => entry.queued += n,
                Some(ItemState::Batched) => entry.batched += n,
                Some(ItemState::Attention) => entry.attention += n,
                Some(ItemState::Sent) => entry.kept += n,
                None => {}
            }
        }
        let mut statement = self
            .conn
            .prepare("SELECT instrument, label, sent, discarded FROM counts")
            .map_err(|e| self.err(e))?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        for (instrument, label, sent, discarded) in rows {
            let entry = by_key
                .entry(instrument.clone())
                .or_insert_with(|| InstrumentCounts {
                    instrument,
                    label,
                    ..InstrumentCounts::default()
                });
            entry.sent = u64::try_from(sent).unwrap_or(0);
            entry.discarded = u64::try_from(discarded).unwrap_or(0);
        }
        Ok(by_key.into_values().collect())
    }

    /// The number of batches the server acknowledged, over the store's life.
    pub fn acknowledged_batches(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM batches WHERE state = 'acknowledged'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|e| self.err(e))
    }
}

const ITEM_COLUMNS: &str =
    "id, instrument, label, summary, dedup_key, payload, state, batch_id, problems";

struct RawItem {
    id: i64,
    instrument: String,
    label: String,
    summary: String,
    dedup_key: Option<String>,
    payload: String,
    state: String,
    batch_id: Option<String>,
    problems: Option<String>,
}

fn raw_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawItem> {
    Ok(RawItem {
        id: r.get(0)?,
        instrument: r.get(1)?,
        label: r.get(2)?,
        summary: r.get(3)?,
        dedup_key: r.get(4)?,
        payload: r.get(5)?,
        state: r.get(6)?,
        batch_id: r.get(7)?,
        problems: r.get(8)?,
    })
}

fn kind_of(item: &BatchItem) -> &'static str {
    match item {
        BatchItem::SurveyResponse(_) => "survey_response",
        BatchItem::TallySheet(_) => "tally_sheet",
    }
}

fn ensure_private_dir(dir: &Path) -> Result<(), StoreError> {
    let err = |action| {
        let path = dir.to_path_buf();
        move |source| StoreError::Io {
            action,
            path,
            source,
        }
    };
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir).map_err(err("create"))?;
        let meta = fs::metadata(dir).map_err(err("inspect"))?;
        if meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(err("restrict the permissions of"))?;
        }
    }
    #[cfg(not(unix))]
    builder.create(dir).map_err(err("create"))?;
    Ok(())
}

/// Creates the store file owner-only before SQLite opens it (SQLite would create it with the
/// process umask), and narrows an existing file that is readable by others.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let err = |action| {
        let path = path.to_path_buf();
        move |source| StoreError::Io {
            action,
            path,
            source,
        }
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        options.open(path).map_err(err("create"))?;
        let meta = fs::metadata(path).map_err(err("inspect"))?;
        if meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o600))
                .map_err(err("restrict the permissions of"))?;
        }
    }
    #[cfg(not(unix))]
    options.open(path).map_err(err("create"))?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use canvass_protocol::forms::AnswerSet;
    use canvass_protocol::sync::{Batch, FieldChannel, FieldResponse};
    use canvass_protocol::ErrorCode;

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

    const ID_A: &str = "0123456789abcdef0123456789abcdef";
    const ID_B: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn batches_hold_the_exact_bytes_of_their_items_and_are_resent_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open_in(dir.path()).unwrap();
        for answer in ["a", "b", "c"] {
            store.add_item(&response(3, answer)).unwrap();
        }
        let batch = store.create_batch(ID_A, 2, 1 << 20).unwrap().unwrap();
        assert_eq!(batch.item_count, 2);
        let parsed: Batch = serde_json::from_slice(&batch.body).unwrap();
        assert_eq!(parsed.batch_id, ID_A);
        assert_eq!(parsed.items.len(), 2);
        assert_eq!(
            serde_json::to_vec(&parsed).unwrap(),
            batch.body,
            "the body is canonical JSON"
        );
        // reopening (a killed push) finds the same batch with the same bytes
        drop(store);
        let mut store = LocalStore::open_in(dir.path()).unwrap();
        assert_eq!(store.pending_batch().unwrap(), Some(batch.clone()));
        store.record_attempt(ID_A).unwrap();
        assert_eq!(store.pending_batch().unwrap().unwrap().attempts, 1);
        assert_eq!(store.items_in(ItemState::Batched).unwrap().len(), 2);
        assert_eq!(store.items_in(ItemState::Queued).unwrap().len(), 1);
    }

    #[test]
    fn a_pending_batch_keeps_its_bytes_as_its_items_and_one_saved_by_version_1_is_sent_as_saved() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open_in(dir.path()).unwrap();
        for answer in ["a", "b", "c"] {
            store.add_item(&response(3, answer)).unwrap();
        }
        let batch = store.create_batch(ID_A, 3, 1 << 20).unwrap().unwrap();
        let saved: Option<Vec<u8>> = store
            .conn
            .query_row(
                "SELECT body FROM batches WHERE batch_id = ?1",
                [ID_A],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(saved, None, "the answers are kept once, as items");
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);

        // a batch a version 1 store saved with its bytes goes out with exactly those bytes
        let old_bytes = br#"{"batch_id":"fedcba9876543210fedcba9876543210","items":[]}"#;
        store
            .conn
            .execute(
                "INSERT INTO batches (batch_id, seq, body, item_count, state) \
                 VALUES (?1, 0, ?2, 0, 'pending')",
                params![ID_B, old_bytes.as_slice()],
            )
            .unwrap();
        let first = store.pending_batch().unwrap().unwrap();
        assert_eq!(first.batch_id, ID_B);
        assert_eq!(first.body, old_bytes);
        store.unbatch(ID_B).unwrap();
        assert_eq!(store.pending_batch().unwrap(), Some(batch.clone()));

        // an item gone from under a pending batch is damage, not a different batch
        store
            .conn
            .execute("DELETE FROM items WHERE position = 1", [])
            .unwrap();
        let err = store.pending_batch().unwrap_err();
        assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    }

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
        assert!(err.to_string().contains("Upgrade canvass"), "{err}");
    }

    #[test]
    fn batches_respect_the_byte_limit_and_oversized_items_are_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open_in(dir.path()).unwrap();
        store.add_item(&response(3, &"x".repeat(400))).unwrap();
        store.add_item(&response(3, "a")).unwrap();
        store.add_item(&response(3, "b")).unwrap();
        let batch = store.create_batch(ID_A, 100, 450).unwrap().unwrap();
        assert!(batch.body.len() <= 450, "{}", batch.body.len());
        assert_eq!(batch.item_count, 2);
        let aside = store.items_in(ItemState::Attention).unwrap();
        assert_eq!(aside.len(), 1);
        assert_eq!(aside[0].problems[0].code, ErrorCode::PayloadTooLarge);
    }

    #[test]
    fn acknowledging_deletes_the_answers_but_keeps_the_counts() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open_in(dir.path()).unwrap();
        store.add_item(&response(3, "a")).unwrap();
        store.add_item(&response(4, "b")).unwrap();
        store.create_batch(ID_A, 10, 1 << 20).unwrap().unwrap();
        let receipt = Receipt {
            batch_id: ID_A.into(),
            received_at: 1,
            survey_responses: 2,
            tally_sheets: 0,
            duplicate: false,
        };
        let done = store.acknowledge(ID_A, &receipt, false).unwrap();
        assert_eq!(done.survey_responses, 2);
        assert!(store.pending_batch().unwrap().is_none());
        for state in [ItemState::Queued, ItemState::Batched, ItemState::Sent] {
            assert!(store.items_in(state).unwrap().is_empty());
        }
        let counts = store.counts().unwrap();
        assert_eq!(counts.len(), 2);
        assert!(counts.iter().all(|c| c.sent == 1 && c.queued == 0));

        store.add_item(&response(3, "c")).unwrap();
        store.create_batch(ID_B, 10, 1 << 20).unwrap().unwrap();
        store.acknowledge(ID_B, &receipt, true).unwrap();
        let kept = store.items_in(ItemState::Sent).unwrap();
        assert_eq!(kept.len(), 1);
        let counts = store.counts().unwrap();
        assert_eq!((counts[0].sent, counts[0].kept), (2, 1));
        assert_eq!(store.acknowledged_batches().unwrap(), 2);
    }

    #[test]
    fn a_refused_batch_sets_its_bad_items_aside_and_requeues_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open_in(dir.path()).unwrap();
        let ids: Vec<i64> = (0..4)
            .map(|i| store.add_item(&response(3, &i.to_string())).unwrap())
            .collect();
        store.create_batch(ID_A, 10, 1 << 20).unwrap().unwrap();
        let mut problems = BTreeMap::new();
        problems.insert(
            2,
            vec![ErrorDetail {
                code: ErrorCode::SurveyClosed,
                message: "closed".into(),
                field: None,
            }],
        );
        assert_eq!(store.refuse(ID_A, &problems).unwrap(), vec![ids[2]]);
        assert!(store.pending_batch().unwrap().is_none());
        assert_eq!(store.items_in(ItemState::Queued).unwrap().len(), 3);
        let aside = store.item(ids[2]).unwrap().unwrap();
        assert_eq!(aside.state, ItemState::Attention);
        assert_eq!(aside.problems[0].code, ErrorCode::SurveyClosed);

        // a new batch takes the rest under a new id
        let next = store.create_batch(ID_B, 10, 1 << 20).unwrap().unwrap();
        assert_eq!(next.item_count, 3);

        // fixing and discarding deal with the refused item
        assert!(store.requeue(ids[2], &response(3, "fixed")).unwrap());
        assert!(
            !store.requeue(ids[2], &response(3, "again")).unwrap(),
            "only refused items"
        );
        assert!(
            !store.discard(ids[0]).unwrap(),
            "batched items stay until answered"
        );
        assert!(store.discard(ids[2]).unwrap());
        assert_eq!(store.counts().unwrap()[0].discarded, 1);
    }

    #[test]
    fn an_empty_store_may_move_to_another_server_but_unsent_work_may_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open_in(dir.path()).unwrap();
        assert_eq!(store.bind_server("http://a").unwrap(), Ok(()));
        assert_eq!(store.bind_server("http://a").unwrap(), Ok(()));
        store.add_item(&response(3, "a")).unwrap();
        assert_eq!(
            store.bind_server("http://b").unwrap(),
            Err("http://a".to_string())
        );
        let id = store.items_in(ItemState::Queued).unwrap()[0].id;
        store.discard(id).unwrap();
        assert_eq!(store.bind_server("http://b").unwrap(), Ok(()));
        assert_eq!(store.server().unwrap().as_deref(), Some("http://b"));
        assert!(store.counts().unwrap().is_empty(), "old counts forgotten");
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
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(store.path()), 0o600);
    }
}
