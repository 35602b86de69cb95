//! Field sync: the manifest a field client caches, and batches stored exactly once.
//!
//! A batch is checked whole before anything is written: every item is revalidated with the
//! `protocol` code, and one invalid item refuses the batch with an error per item. A valid
//! batch is stored in one transaction that first records the batch (id, hash of its exact
//! bytes, officer, counts, time) and then its items in shuffled order; the stored answers and
//! sheets do not point to the batch. The batch id is the table's key, so two deliveries of one
//! batch, even at the same moment, store it once. See docs/sync-protocol.md.

use std::collections::{BTreeSet, HashMap};

use canvass_protocol::accounts::Role;
use canvass_protocol::calendar::not_in_future;
use canvass_protocol::surveys::SubmitResponse;
use canvass_protocol::sync::{
    valid_batch_id, valid_day, Batch, BatchItem, FieldCoverage, Manifest, ManifestSurvey,
    ManifestVersion, Receipt, MAX_BATCH_ITEMS, PROTOCOL_VERSION,
};
use canvass_protocol::{msg, ErrorCode};
use rand::seq::SliceRandom;

use super::auth::{Action, Caller};
use super::error::{Error, Field, Kind, Problem, Thing};
use super::rounds::{self, officials};
use super::surveys::{self, Stored, SurveyContext};
use super::tally_sheets::{self, CheckedSheet};
use crate::db::rounds::{self as round_store, RoundRow};
use crate::db::surveys::{self as survey_store, SurveyRow};
use crate::db::sync::{self as store, BatchRow};
use crate::db::{units, DbConnection, StoreError, Writer};

/// Whether a role works in the field (collects answers and enters sheets).
#[must_use]
pub fn syncs(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Organiser | Role::Officer)
}

/// Whether an instrument owned by `unit` concerns the caller in the field: it lies in the
/// caller's subtree, or above it (a county's survey is collected in its townships).
fn in_field_scope(caller: &Caller, unit: &units::UnitRow) -> bool {
    match caller.scope_path() {
        None => true,
        Some(own) => unit.path.starts_with(own) || own.starts_with(&unit.path),
    }
}

fn owning_unit(
    conn: &mut DbConnection,
    id: i64,
    cache: &mut HashMap<i64, units::UnitRow>,
) -> Result<units::UnitRow, Error> {
    if let Some(u) = cache.get(&id) {
        return Ok(u.clone());
    }
    let unit = units::find(conn, id)?;
    cache.insert(id, unit.clone());
    Ok(unit)
}

/// The caller's manifest: surveys accepting answers and rounds taking tally sheets whose owner
/// is in the caller's field scope, with every published version, the units and officials.
pub fn manifest(
    conn: &mut DbConnection,
    caller: &Caller,
    base_url: &str,
    now: i64,
) -> Result<Manifest, Error> {
    caller.require(syncs(caller.role()), Action::CollectInTheField)?;
    let mut owners = HashMap::new();
    let mut unit_ids: BTreeSet<i64> = BTreeSet::new();
    let mut out_surveys = Vec::new();
    for row in field_surveys(conn, caller, now, &mut owners)? {
        let survey = surveys::to_api(conn, &row, base_url)?;
        let versions = survey_store::versions(conn, row.id)?
            .into_iter()
            .filter(|v| v.published_at.is_some())
            .map(|v| {
                Ok(ManifestVersion {
                    version: v.version,
                    definition: surveys::stored_definition(&v.definition)?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let villages = surveys::respondent_villages(conn, &row)?;
        unit_ids.extend(survey.targets.iter().map(|t| t.unit_id));
        unit_ids.extend(villages.iter().map(|v| v.unit_id));
        unit_ids.insert(row.unit_id);
        out_surveys.push(ManifestSurvey {
            survey,
            versions,
            villages,
        });
    }
    let mut out_rounds = Vec::new();
    for row in round_store::rounds_in(conn, None)? {
        let taking_sheets = matches!(row.status.as_str(), "open" | "closed");
        if !taking_sheets || !in_field_scope(caller, &owning_unit(conn, row.unit_id, &mut owners)?)
        {
            continue;
        }
        unit_ids.insert(row.unit_id);
        out_rounds.push(rounds::round_info(&row, base_url)?);
    }
    let mut unit_rows = units::subtree(conn, caller.scope_path(), None)?;
    let known: std::collections::HashSet<i64> = unit_rows.iter().map(|u| u.id).collect();
    for id in unit_ids.iter().filter(|id| !known.contains(id)) {
        unit_rows.push(owning_unit(conn, *id, &mut owners)?);
    }
    unit_rows.sort_by(|a, b| a.path.cmp(&b.path));
    let officials = round_store::officials_in(conn, caller.scope_path())?
        .iter()
        .map(officials::official_api)
        .collect();
    Ok(Manifest {
        protocol: PROTOCOL_VERSION,
        surveys: out_surveys,
        rounds: out_rounds,
        units: unit_rows.iter().map(units::UnitRow::to_api).collect(),
        officials,
    })
}

/// The surveys accepting answers whose owner is in the caller's field scope.
fn field_surveys(
    conn: &mut DbConnection,
    caller: &Caller,
    now: i64,
    owners: &mut HashMap<i64, units::UnitRow>,
) -> Result<Vec<SurveyRow>, Error> {
    let mut out = Vec::new();
    for row in survey_store::list(conn, None)? {
        if surveys::accepting(&row, now)
            && in_field_scope(caller, &owning_unit(conn, row.unit_id, owners)?)
        {
            out.push(row);
        }
    }
    Ok(out)
}

/// For each survey of the caller's manifest, the villages in the caller's scope with their
/// answer counts on the server (under disclosure control), fewest first: where the officer
/// should go next.
pub fn coverage(
    conn: &mut DbConnection,
    caller: &Caller,
    now: i64,
) -> Result<FieldCoverage, Error> {
    caller.require(syncs(caller.role()), Action::CollectInTheField)?;
    let mut owners = HashMap::new();
    let surveys = field_surveys(conn, caller, now, &mut owners)?
        .iter()
        .map(|row| surveys::coverage::field_coverage(conn, caller, row))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(FieldCoverage { surveys })
}

/// One item, checked and ready to store.
enum Ready {
    Response(Stored, canvass_protocol::forms::ValidatedAnswers),
    Sheet(RoundRow, CheckedSheet),
}

fn receipt(row: &BatchRow, duplicate: bool) -> Receipt {
    Receipt {
        batch_id: row.batch_id.clone(),
        received_at: row.received_at,
        survey_responses: u32::try_from(row.survey_responses).unwrap_or(0),
        tally_sheets: u32::try_from(row.tally_sheets).unwrap_or(0),
        duplicate,
    }
}

/// The answer to a batch id seen before: the original receipt (`duplicate`) when the bytes are
/// the same (and the same officer sent them), else `batch_conflict`.
fn seen_before(row: &BatchRow, caller: &Caller, content_hash: &str) -> Result<Receipt, Error> {
    if row.content_hash == content_hash && row.account_id == caller.account.id {
        Ok(receipt(row, true))
    } else {
        Err(Error::conflict(ErrorCode::BatchConflict, msg!("error-batch-id-reused")).at("batch_id"))
    }
}

/// Checks the batch's own fields (its id and size).
pub fn check_batch_shape(batch: &Batch) -> Result<(), Error> {
    if !valid_batch_id(&batch.batch_id) {
        return Err(Error::new(
            Kind::Malformed,
            ErrorCode::InvalidValue,
            msg!("error-batch-id-format"),
        )
        .at("batch_id"));
    }
    if batch.items.is_empty() || batch.items.len() > MAX_BATCH_ITEMS {
        return Err(Error::new(
            Kind::Malformed,
            ErrorCode::BatchSize,
            msg!(
                "error-batch-size-count",
                max = MAX_BATCH_ITEMS,
                count = batch.items.len()
            ),
        )
        .at("items"));
    }
    Ok(())
}

/// Every problem of one item, its field under `items[i]`.
fn item_problems(index: usize, error: &Error) -> Vec<Problem> {
    let prefix = format!("items[{index}]");
    error
        .details()
        .into_iter()
        .map(|mut p| {
            p.field = Some(p.field.unwrap_or_else(|| Field::new("")).under(&prefix));
            p
        })
        .collect()
}

fn refused(problems: Vec<Problem>) -> Error {
    let items = problems
        .iter()
        .filter_map(|p| p.field.as_ref()?.path.split(']').next())
        .collect::<BTreeSet<_>>()
        .len();
    Error::new(
        Kind::Invalid,
        ErrorCode::BatchRefused,
        msg!("error-batch-items-invalid", items = items),
    )
    .listing(problems)
}

/// Per-request caches, so a batch of a thousand answers to one survey loads it once.
#[derive(Default)]
struct Lookups {
    surveys: HashMap<i64, Result<SurveyContext, Error>>,
    rounds: HashMap<i64, Result<RoundRow, Error>>,
    owners: HashMap<i64, units::UnitRow>,
}

fn not_found(thing: Thing, field: &str) -> Error {
    Error::new(Kind::Invalid, ErrorCode::NotFound, thing.missing()).at(field)
}

fn out_of_scope(field: &str) -> Error {
    Error::out_of_scope().at(field)
}

impl Lookups {
    fn survey(
        &mut self,
        conn: &mut DbConnection,
        caller: &Caller,
        id: i64,
        now: i64,
    ) -> Result<&mut SurveyContext, Error> {
        if !self.surveys.contains_key(&id) {
            let loaded = (|| {
                let row: SurveyRow = match survey_store::find(conn, id) {
                    Ok(r) => r,
                    Err(StoreError::NotFound) => return Err(not_found(Thing::Survey, "survey_id")),
                    Err(e) => return Err(e.into()),
                };
                let owner = owning_unit(conn, row.unit_id, &mut self.owners)?;
                if !in_field_scope(caller, &owner) {
                    return Err(out_of_scope("survey_id"));
                }
                surveys::check_accepting(&row, now).map_err(|e| e.at("survey_id"))?;
                Ok(SurveyContext::new(row))
            })();
            self.surveys.insert(id, loaded);
        }
        match self.surveys.get_mut(&id) {
            Some(Ok(context)) => Ok(context),
            Some(Err(e)) => Err(e.clone()),
            None => Err(Error::internal(&"survey cache")),
        }
    }

    fn round(
        &mut self,
        conn: &mut DbConnection,
        caller: &Caller,
        id: i64,
    ) -> Result<RoundRow, Error> {
        if !self.rounds.contains_key(&id) {
            let loaded = (|| {
                let row = match round_store::find_round(conn, id) {
                    Ok(r) => r,
                    Err(StoreError::NotFound) => return Err(not_found(Thing::Round, "round_id")),
                    Err(e) => return Err(e.into()),
                };
                let owner = owning_unit(conn, row.unit_id, &mut self.owners)?;
                if !in_field_scope(caller, &owner) {
                    return Err(out_of_scope("round_id"));
                }
                Ok(row)
            })();
            self.rounds.insert(id, loaded);
        }
        match self.rounds.get(&id) {
            Some(Ok(row)) => Ok(row.clone()),
            Some(Err(e)) => Err(e.clone()),
            None => Err(Error::internal(&"round cache")),
        }
    }
}

/// Checks one item; problems name fields relative to the item.
fn check_item(
    conn: &mut DbConnection,
    caller: &Caller,
    lookups: &mut Lookups,
    item: &BatchItem,
    now: i64,
) -> Result<Ready, Error> {
    match item {
        BatchItem::SurveyResponse(r) => {
            if !valid_day(&r.collected_on) || !not_in_future(&r.collected_on, now) {
                return Err(Error::new(
                    Kind::Invalid,
                    ErrorCode::InvalidDay,
                    msg!("error-collection-day"),
                )
                .at("collected_on"));
            }
            let context = lookups.survey(conn, caller, r.survey_id, now)?;
            let body = SubmitResponse {
                version: r.version,
                target_unit_id: r.target_unit_id,
                respondent_unit_id: r.respondent_unit_id,
                answers: r.answers.clone(),
                submission_key: None,
                // an officer's interview needs no survey code (docs/privacy.md)
                code: None,
            };
            match context.prepare(conn, None, &body, r.channel.into(), r.collected_on.clone()) {
                Ok((stored, validated)) => Ok(Ready::Response(stored, validated)),
                Err(rejection) => Err(rejection.into_error()),
            }
        }
        BatchItem::TallySheet(t) => {
            let row = lookups.round(conn, caller, t.round_id)?;
            let checked =
                tally_sheets::check_sheet(caller, &row, &t.sheet, "sheet").map_err(|e| {
                    if e.code() == ErrorCode::RoundStateConflict {
                        e.at("round_id")
                    } else {
                        e
                    }
                })?;
            Ok(Ready::Sheet(row, checked))
        }
    }
}

/// Stores a batch exactly once and returns its receipt (`duplicate` when it was stored
/// before). `content_hash` is the SHA-256 of the request's exact bytes.
pub fn store_batch(
    conn: &mut DbConnection,
    writer: &Writer,
    caller: &Caller,
    batch: &Batch,
    content_hash: &str,
    now: i64,
) -> Result<Receipt, Error> {
    caller.require(syncs(caller.role()), Action::CollectInTheField)?;
    check_batch_shape(batch)?;
    if let Some(row) = store::find(conn, &batch.batch_id)? {
        return seen_before(&row, caller, content_hash);
    }
    let mut lookups = Lookups::default();
    let mut ready = Vec::with_capacity(batch.items.len());
    let mut problems = Vec::new();
    let mut stations = std::collections::HashSet::new();
    for (index, item) in batch.items.iter().enumerate() {
        match check_item(conn, caller, &mut lookups, item, now) {
            Ok(Ready::Sheet(row, checked))
                if !stations.insert((row.id, checked.station().to_string())) =>
            {
                let station = checked.station();
                problems.push(
                    Problem::new(
                        ErrorCode::TallySheetExists,
                        msg!("error-batch-station-twice", station = station),
                    )
                    .at(Field::labelled(
                        format!("items[{index}].sheet.station"),
                        station,
                    )),
                );
            }
            Ok(r) => ready.push((index, r)),
            Err(e) if e.is_server_fault() => return Err(e),
            Err(e) => problems.extend(item_problems(index, &e)),
        }
    }
    if !problems.is_empty() {
        return Err(refused(problems));
    }
    let count = |sheet: bool| {
        ready
            .iter()
            .filter(|(_, r)| matches!(r, Ready::Sheet(..)) == sheet)
            .count()
    };
    let row = BatchRow {
        batch_id: batch.batch_id.clone(),
        content_hash: content_hash.to_string(),
        account_id: caller.account.id,
        survey_responses: i32::try_from(count(false)).unwrap_or(i32::MAX),
        tally_sheets: i32::try_from(count(true)).unwrap_or(i32::MAX),
        received_at: now,
    };
    // the stored rows must not reveal the order in which the officer collected them
    ready.shuffle(&mut rand::thread_rng());
    let result = writer.write(conn, |conn| {
        store::insert(conn, &row).map_err(|e| match e {
            StoreError::UniqueViolation(_) => TxError::AlreadyStored,
            other => other.into(),
        })?;
        // the batch's answers are counted together: one write per tally row, not per answer
        let mut delta = survey_store::TallyDelta::default();
        for (index, item) in &ready {
            match item {
                Ready::Response(stored, validated) => {
                    surveys::record_into(conn, stored, validated, &mut delta)?;
                }
                Ready::Sheet(round, checked) => {
                    tally_sheets::store_sheet(conn, caller, round, checked, false).map_err(
                        |e| {
                            if e.is_server_fault() {
                                TxError::Api(e)
                            } else {
                                // another station's sheet arrived since the check
                                TxError::Api(refused(item_problems(*index, &e)))
                            }
                        },
                    )?;
                }
            }
        }
        delta.write(conn)?;
        Ok::<_, TxError>(())
    });
    match result {
        Ok(()) => {
            tracing::info!(
                account = caller.account.id,
                responses = row.survey_responses,
                sheets = row.tally_sheets,
                "field batch stored"
            );
            Ok(receipt(&row, false))
        }
        Err(TxError::AlreadyStored) => {
            // a concurrent delivery of the same id won the race
            let stored = store::find(conn, &batch.batch_id)?
                .ok_or_else(|| Error::internal(&"a conflicting batch vanished"))?;
            seen_before(&stored, caller, content_hash)
        }
        Err(TxError::Api(e)) => Err(e),
    }
}

/// Why the batch transaction rolled back.
enum TxError {
    /// The batch id was stored meanwhile by another request.
    AlreadyStored,
    Api(Error),
}

impl From<diesel::result::Error> for TxError {
    fn from(e: diesel::result::Error) -> Self {
        TxError::Api(StoreError::from(e).into())
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> Self {
        TxError::Api(e.into())
    }
}
