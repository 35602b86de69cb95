//! Storage of survey codes, in the ballot codes' table (`instrument = 'survey'`, the survey's
//! id in `round_id`, the code's scope in `elector_group`), and of the bursts of identical
//! answer sets flagged for review. No row names an answer.

use diesel::prelude::*;

use super::schema::{ballot_codes, survey_bursts};
use super::{DbConnection, StoreError};

/// The `instrument` of a survey code's row.
pub const SURVEY: &str = "survey";

/// Stores the hashes of new codes of survey `survey_id` for `scope`.
pub fn insert(
    conn: &mut DbConnection,
    survey_id: i64,
    scope: &str,
    hashes: &[String],
) -> Result<(), StoreError> {
    for hash in hashes {
        diesel::insert_into(ballot_codes::table)
            .values((
                ballot_codes::code_hash.eq(hash),
                ballot_codes::round_id.eq(survey_id),
                ballot_codes::elector_group.eq(scope),
                ballot_codes::used.eq(false),
                ballot_codes::instrument.eq(SURVEY),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A survey code's survey, scope and whether it is used; `None` for a hash never issued to a
/// survey (a ballot code is not a survey code).
pub fn find(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<(i64, String, bool)>, StoreError> {
    Ok(ballot_codes::table
        .find(hash)
        .filter(ballot_codes::instrument.eq(SURVEY))
        .select((
            ballot_codes::round_id,
            ballot_codes::elector_group,
            ballot_codes::used,
        ))
        .get_result(conn)
        .optional()?)
}

/// Marks an unused survey code used; `false` when it was used already (another answer won the
/// race).
pub fn redeem(conn: &mut DbConnection, hash: &str) -> Result<bool, StoreError> {
    let changed = diesel::update(
        ballot_codes::table
            .find(hash)
            .filter(ballot_codes::instrument.eq(SURVEY))
            .filter(ballot_codes::used.eq(false)),
    )
    .set(ballot_codes::used.eq(true))
    .execute(conn)?;
    Ok(changed == 1)
}

/// (scope, used, how many) of survey `survey_id`'s codes.
pub fn counts(
    conn: &mut DbConnection,
    survey_id: i64,
) -> Result<Vec<(String, bool, i64)>, StoreError> {
    Ok(ballot_codes::table
        .filter(ballot_codes::instrument.eq(SURVEY))
        .filter(ballot_codes::round_id.eq(survey_id))
        .group_by((ballot_codes::elector_group, ballot_codes::used))
        .select((
            ballot_codes::elector_group,
            ballot_codes::used,
            diesel::dsl::count_star(),
        ))
        .load(conn)?)
}

/// Records that `identical` answer sets, all the same, came for a target unit of a survey in
/// the hour starting at `hour`; a larger count for the same hour replaces a smaller one.
pub fn record_burst(
    conn: &mut DbConnection,
    survey_id: i64,
    target_unit_id: i64,
    hour: i64,
    identical: i64,
) -> Result<(), StoreError> {
    let key = (survey_id, target_unit_id, hour);
    let known: Option<i64> = survey_bursts::table
        .find(key)
        .select(survey_bursts::identical)
        .get_result(conn)
        .optional()?;
    match known {
        Some(n) if n >= identical => {}
        Some(_) => {
            diesel::update(survey_bursts::table.find(key))
                .set(survey_bursts::identical.eq(identical))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(survey_bursts::table)
                .values((
                    survey_bursts::survey_id.eq(survey_id),
                    survey_bursts::target_unit_id.eq(target_unit_id),
                    survey_bursts::hour.eq(hour),
                    survey_bursts::identical.eq(identical),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The bursts flagged for survey `survey_id`: (target unit, hour, identical), oldest first.
pub fn bursts(conn: &mut DbConnection, survey_id: i64) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    Ok(survey_bursts::table
        .filter(survey_bursts::survey_id.eq(survey_id))
        .order((survey_bursts::hour, survey_bursts::target_unit_id))
        .select((
            survey_bursts::target_unit_id,
            survey_bursts::hour,
            survey_bursts::identical,
        ))
        .load(conn)?)
}
