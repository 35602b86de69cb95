//! The station setup of a round: how many polling stations the organiser expects a tally
//! sheet from.

use diesel::prelude::*;

use super::schema::round_stations;
use super::{DbConnection, StoreError};

/// The stations expected for round `round_id`, if the organiser said.
pub fn expected(conn: &mut DbConnection, round_id: i64) -> Result<Option<i32>, StoreError> {
    Ok(round_stations::table
        .find(round_id)
        .select(round_stations::expected)
        .get_result(conn)
        .optional()?)
}

/// Sets the stations expected for round `round_id`, in the caller's transaction.
pub fn set_expected(
    conn: &mut DbConnection,
    round_id: i64,
    expected: i32,
) -> Result<(), StoreError> {
    let updated = diesel::update(round_stations::table.find(round_id))
        .set(round_stations::expected.eq(expected))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(round_stations::table)
            .values((
                round_stations::round_id.eq(round_id),
                round_stations::expected.eq(expected),
            ))
            .execute(conn)?;
    }
    Ok(())
}
