//! The queue of collected items: answer sets and tally sheets, each saved in its own durable
//! transaction (an imported file's rows in one), refused ones set aside with the server's
//! reasons until the officer fixes or discards them.

use canvass_protocol::sync::BatchItem;
use canvass_protocol::ErrorDetail;
use rusqlite::{params, OptionalExtension};

use super::{LocalStore, StoreError};

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

    pub(super) fn parse(s: &str) -> Option<Self> {
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

impl LocalStore {
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
        let (tx, err) = self.begin()?;
        let mut ids = Vec::with_capacity(items.len());
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO items (kind, instrument, label, summary, dedup_key, payload, state) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued')",
                )
                .map_err(&err)?;
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
                    .map_err(&err)?;
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
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
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
        let (tx, err) = self.begin()?;
        let row: Option<(String, String, String)> = tx
            .query_row(
                "SELECT instrument, label, state FROM items WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(&err)?;
        let Some((instrument, label, state)) = row else {
            return Ok(false);
        };
        if state == "batched" {
            return Ok(false);
        }
        tx.execute("DELETE FROM items WHERE id = ?1", [id])
            .map_err(&err)?;
        if state != "sent" {
            tx.execute(
                "INSERT INTO counts (instrument, label, discarded) VALUES (?1, ?2, 1) \
                 ON CONFLICT (instrument) DO UPDATE SET discarded = counts.discarded + 1, \
                 label = excluded.label",
                params![instrument, label],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(true)
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
