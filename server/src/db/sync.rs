//! Storage of field sync batches: one row per stored batch (id, content hash, officer, counts,
//! time). The answers and sheets a batch carried are stored apart and do not point to it.

use diesel::prelude::*;

use super::schema::sync_batches;
use super::{DbConnection, StoreError};

/// A stored batch.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sync_batches)]
pub struct BatchRow {
    pub batch_id: String,
    /// SHA-256 of the batch's exact bytes, hex.
    pub content_hash: String,
    pub account_id: i64,
    pub survey_responses: i32,
    pub tally_sheets: i32,
    pub received_at: i64,
}

/// The batch stored under `batch_id`, if any.
pub fn find(conn: &mut DbConnection, batch_id: &str) -> Result<Option<BatchRow>, StoreError> {
    Ok(sync_batches::table
        .find(batch_id)
        .select(BatchRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Records a batch; a second batch with the same id is a [`StoreError::UniqueViolation`].
pub fn insert(conn: &mut DbConnection, row: &BatchRow) -> Result<(), StoreError> {
    diesel::insert_into(sync_batches::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}
