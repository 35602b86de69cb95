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
        let by_state = self.query_all(
            "SELECT instrument, MAX(label), state, COUNT(*) FROM items GROUP BY instrument, state",
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            },
        )?;
        let done = self.query_all(
            "SELECT instrument, label, sent, discarded FROM counts",
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            },
        )?;
        let mut by_key = BTreeMap::new();
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        for (instrument, label, state, n) in by_state {
            let entry = entry(&mut by_key, instrument, label);
            match ItemState::parse(&state) {
                Some(ItemState::Queued) => entry.queued += count(n),
                Some(ItemState::Batched) => entry.batched += count(n),
                Some(ItemState::Attention) => entry.attention += count(n),
                Some(ItemState::Sent) => entry.kept += count(n),
                None => {}
            }
        }
        for (instrument, label, sent, discarded) in done {
            let entry = entry(&mut by_key, instrument, label);
            entry.sent = count(sent);
            entry.discarded = count(discarded);
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

/// The counts of `instrument`, made the first time it is met.
fn entry(
    by_key: &mut BTreeMap<String, InstrumentCounts>,
    instrument: String,
    label: String,
) -> &mut InstrumentCounts {
    by_key
        .entry(instrument.clone())
        .or_insert_with(|| InstrumentCounts {
            instrument,
            label,
            ..InstrumentCounts::default()
        })
}
