//! Batches: built from the oldest queued items with their id and exact bytes in the same
//! transaction that marks the items as batched, sent again unchanged until the server answers,
//! then acknowledged (the answers deleted, the counts kept) or refused (bad items set aside, the
//! rest queued again).

use std::collections::BTreeMap;

use canvass_protocol::sync::Receipt;
use canvass_protocol::ErrorDetail;
use rusqlite::{params, OptionalExtension};

use super::{LocalStore, StoreError};

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

/// What acknowledging a batch changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Acknowledged {
    pub survey_responses: usize,
    pub tally_sheets: usize,
}

impl LocalStore {
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
        let (tx, err) = self.begin()?;
        let mut chosen: Vec<(i64, String)> = Vec::new();
        let mut too_large: Vec<i64> = Vec::new();
        {
            let limit = i64::try_from(max_items.max(1)).unwrap_or(i64::MAX);
            let mut select = tx
                .prepare(
                    "SELECT id, payload FROM items WHERE state = 'queued' ORDER BY id LIMIT ?1",
                )
                .map_err(&err)?;
            let rows = select
                .query_map([limit], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(&err)?;
            // {"batch_id":"<id>","items":[<a>,<b>]}
            let mut size = r#"{"batch_id":"","items":[]}"#.len() + batch_id.len();
            for row in rows {
                let (id, payload) = row.map_err(&err)?;
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
            // no words of the server's to keep: the code says it all, and `status` explains it
            // in the reader's language
            let problem = vec![ErrorDetail {
                code: canvass_protocol::ErrorCode::PayloadTooLarge,
                message: String::new(),
                field: None,
            }];
            tx.execute(
                "UPDATE items SET state = 'attention', problems = ?2 WHERE id = ?1",
                params![id, serde_json::to_string(&problem).expect("serialises")],
            )
            .map_err(&err)?;
        }
        if chosen.is_empty() {
            tx.commit().map_err(&err)?;
            return Ok(None);
        }
        let body = batch_body(batch_id, chosen.iter().map(|(_, payload)| payload.as_str()));
        let seq: i64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM batches", [], |r| {
                r.get(0)
            })
            .map_err(&err)?;
        let count = i64::try_from(chosen.len()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO batches (batch_id, seq, item_count, state) \
             VALUES (?1, ?2, ?3, 'pending')",
            params![batch_id, seq, count],
        )
        .map_err(&err)?;
        {
            let mut mark = tx
                .prepare(
                    "UPDATE items SET state = 'batched', batch_id = ?2, position = ?3 \
                     WHERE id = ?1 AND state = 'queued'",
                )
                .map_err(&err)?;
            for (position, (id, _)) in chosen.iter().enumerate() {
                let position = i64::try_from(position).unwrap_or(i64::MAX);
                mark.execute(params![id, batch_id, position])
                    .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)?;
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
        let (tx, err) = self.begin()?;
        let mut done = Acknowledged::default();
        {
            let mut select = tx
                .prepare(
                    "SELECT kind, instrument, label, COUNT(*) FROM items WHERE batch_id = ?1 \
                     AND state = 'batched' GROUP BY kind, instrument, label",
                )
                .map_err(&err)?;
            let groups = select
                .query_map([batch_id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })
                .map_err(&err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(&err)?;
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
                .map_err(&err)?;
            }
        }
        if keep {
            tx.execute(
                "UPDATE items SET state = 'sent' WHERE batch_id = ?1 AND state = 'batched'",
                [batch_id],
            )
            .map_err(&err)?;
        } else {
            tx.execute(
                "DELETE FROM items WHERE batch_id = ?1 AND state = 'batched'",
                [batch_id],
            )
            .map_err(&err)?;
        }
        tx.execute(
            "UPDATE batches SET state = 'acknowledged', body = NULL, receipt = ?2 WHERE batch_id = ?1",
            params![
                batch_id,
                serde_json::to_string(receipt).expect("a receipt serialises")
            ],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
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
        let (tx, err) = self.begin()?;
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
                .map_err(&err)?;
            if let Some(id) = id {
                tx.execute(
                    "UPDATE items SET state = 'attention', batch_id = NULL, position = NULL, \
                     problems = ?2 WHERE id = ?1",
                    params![id, serde_json::to_string(details).expect("serialises")],
                )
                .map_err(&err)?;
                set_aside.push(id);
            }
        }
        Self::release(&tx, batch_id).map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(set_aside)
    }

    /// Drops a batch the server refused as a whole without storing it (malformed, too large):
    /// its items are queued again.
    pub fn unbatch(&mut self, batch_id: &str) -> Result<(), StoreError> {
        let (tx, err) = self.begin()?;
        Self::release(&tx, batch_id).map_err(&err)?;
        tx.commit().map_err(&err)
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
}

#[cfg(test)]
mod tests {
    use super::super::tests::{response, ID_A, ID_B};
    use super::super::{ItemState, SCHEMA_VERSION};
    use super::*;
    use canvass_protocol::sync::Batch;
    use canvass_protocol::ErrorCode;

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
}
