//! What `canvass status` adds up per instrument: items by state, and what was sent or
//! discarded (kept after the answers themselves are deleted).

use std::collections::BTreeMap;

use super::{ItemState, LocalStore, StoreError};

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

impl LocalStore {
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
