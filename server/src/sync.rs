//! Field sync: the manifest a field client caches, and batches stored exactly once.
//!
//! A batch is checked whole before anything is written: every item is revalidated with the
//! `protocol` code, and one invalid item refuses the batch with an error per item. A valid
//! batch is stored in one transaction that first records the batch (id, hash of its exact
//! bytes, officer, counts, time) and then its items in shuffled order; the stored answers and
//! sheets do not point to the batch. The batch id is the table's key, so two deliveries of one
//! batch, even at the same moment, store it once. See docs/sync-protocol.md.

use std::collections::{BTreeSet, HashMap};

use actix_web::http::StatusCode;
use canvass_protocol::accounts::Role;
use canvass_protocol::calendar::not_in_future;
use canvass_protocol::surveys::{PublicTarget, SubmitResponse};
use canvass_protocol::sync::{
    valid_batch_id, valid_day, Batch, BatchItem, Manifest, ManifestSurvey, ManifestVersion,
    Receipt, MAX_BATCH_ITEMS, PROTOCOL_VERSION,
};
use canvass_protocol::{ErrorBody, ErrorCode, ErrorDetail};
use rand::seq::SliceRandom;

use crate::auth::Caller;
use crate::db::rounds::{self as round_store, RoundRow};
use crate::db::surveys::{self as survey_store, SurveyRow};
use crate::db::sync::{self as store, BatchRow};
use crate::db::{units, DbConnection, StoreError};
use crate::error::ApiError;
use crate::rounds::{self, CheckedSheet};
use crate::surveys::{self, Stored, SurveyContext};

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
) -> Result<units::UnitRow, ApiError> {
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
) -> Result<Manifest, ApiError> {
    caller.require(syncs(caller.role()), "collect answers in the field")?;
    let mut owners = HashMap::new();
    let mut unit_ids: BTreeSet<i64> = BTreeSet::new();
    let mut out_surveys = Vec::new();
    for row in survey_store::list(conn, None)? {
        if !surveys::accepting(&row, now)
            || !in_field_scope(caller, &owning_unit(conn, row.unit_id, &mut owners)?)
        {
            continue;
        }
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
            .collect::<Result<Vec<_>, ApiError>>()?;
        let villages: Vec<PublicTarget> = surveys::respondent_units(conn, &row)?
            .into_iter()
            .map(|u| PublicTarget {
                unit_id: u.id,
                name: u.name,
            })
            .collect();
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
        .map(rounds::official_api)
        .collect();
    Ok(Manifest {
        protocol: PROTOCOL_VERSION,
        surveys: out_surveys,
        rounds: out_rounds,
        units: unit_rows.iter().map(units::UnitRow::to_api).collect(),
        officials,
    })
}

/// How a batch was answered.
#[derive(Debug)]
pub struct BatchOutcome {
    pub status: StatusCode,
    pub receipt: Receipt,
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

/// The answer to a batch id seen before: the original receipt when the bytes are the same (and
/// the same officer sent them), else `409 batch_conflict`.
fn seen_before(
    row: &BatchRow,
    caller: &Caller,
    content_hash: &str,
) -> Result<BatchOutcome, ApiError> {
    if row.content_hash == content_hash && row.account_id == caller.account.id {
        Ok(BatchOutcome {
            status: StatusCode::OK,
            receipt: receipt(row, true),
        })
    } else {
        Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::BatchConflict,
            "a batch with this id was already stored with other content; a batch id is never reused",
        )
        .with_field("batch_id"))
    }
}

/// Checks the batch's own fields (its id and size).
pub fn check_batch_shape(batch: &Batch) -> Result<(), ApiError> {
    if !valid_batch_id(&batch.batch_id) {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidValue,
            "a batch id is 32 lowercase hexadecimal characters",
        )
        .with_field("batch_id"));
    }
    if batch.items.is_empty() || batch.items.len() > MAX_BATCH_ITEMS {
        return Err(ApiError::bad_request(
            ErrorCode::BatchSize,
            format!(
                "a batch carries 1 to {MAX_BATCH_ITEMS} items; this one has {}",
                batch.items.len()
            ),
        )
        .with_field("items"));
    }
    Ok(())
}

/// Prefixes every problem of one item with `items[i]`.
fn item_problems(index: usize, error: &ApiError) -> Vec<ErrorDetail> {
    error
        .details()
        .into_iter()
        .map(|mut d| {
            d.field = Some(match d.field {
                Some(f) => format!("items[{index}].{f}"),
                None => format!("items[{index}]"),
            });
            d
        })
        .collect()
}

fn refused(problems: Vec<ErrorDetail>) -> ApiError {
    let items = problems
        .iter()
        .filter_map(|d| d.field.as_deref()?.split(']').next())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    ApiError::from_body(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::BatchRefused,
                message: format!(
                    "{items} item(s) of this batch are invalid; nothing of the batch was stored"
                ),
                field: None,
            },
            errors: problems,
        },
    )
}

/// Per-request caches, so a batch of a thousand answers to one survey loads it once.
#[derive(Default)]
struct Lookups {
    surveys: HashMap<i64, Result<SurveyContext, ApiError>>,
    rounds: HashMap<i64, Result<RoundRow, ApiError>>,
    owners: HashMap<i64, units::UnitRow>,
}

fn not_found(what: &str, field: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::NotFound,
        format!("no such {what}"),
    )
    .with_field(field)
}

fn out_of_scope(field: &str) -> ApiError {
    ApiError::out_of_scope().with_field(field)
}

fn clone_error(e: &ApiError) -> ApiError {
    let details = e.details();
    let mut body = ErrorBody::many(details);
    if body.errors.is_empty() {
        body.error = e.details().remove(0);
    }
    ApiError::from_body(e.status(), body)
}

impl Lookups {
    fn survey(
        &mut self,
        conn: &mut DbConnection,
        caller: &Caller,
        id: i64,
        now: i64,
    ) -> Result<&mut SurveyContext, ApiError> {
        if !self.surveys.contains_key(&id) {
            let loaded = (|| {
                let row: SurveyRow = match survey_store::find(conn, id) {
                    Ok(r) => r,
                    Err(StoreError::NotFound) => return Err(not_found("survey", "survey_id")),
                    Err(e) => return Err(e.into()),
                };
                let owner = owning_unit(conn, row.unit_id, &mut self.owners)?;
                if !in_field_scope(caller, &owner) {
                    return Err(out_of_scope("survey_id"));
                }
                surveys::check_accepting(&row, now).map_err(|e| e.with_field("survey_id"))?;
                Ok(SurveyContext::new(row))
            })();
            self.surveys.insert(id, loaded);
        }
        match self.surveys.get_mut(&id) {
            Some(Ok(context)) => Ok(context),
            Some(Err(e)) => Err(clone_error(e)),
            None => Err(ApiError::internal(&"survey cache")),
        }
    }

    fn round(
        &mut self,
        conn: &mut DbConnection,
        caller: &Caller,
        id: i64,
    ) -> Result<RoundRow, ApiError> {
        if !self.rounds.contains_key(&id) {
            let loaded = (|| {
                let row = match round_store::find_round(conn, id) {
                    Ok(r) => r,
                    Err(StoreError::NotFound) => return Err(not_found("round", "round_id")),
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
            Some(Err(e)) => Err(clone_error(e)),
            None => Err(ApiError::internal(&"round cache")),
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
) -> Result<Ready, ApiError> {
    match item {
        BatchItem::SurveyResponse(r) => {
            if !valid_day(&r.collected_on) || !not_in_future(&r.collected_on, now) {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::InvalidDay,
                    "the collection day is not a YYYY-MM-DD date up to today",
                )
                .with_field("collected_on"));
            }
            let context = lookups.survey(conn, caller, r.survey_id, now)?;
            let body = SubmitResponse {
                version: r.version,
                target_unit_id: r.target_unit_id,
                respondent_unit_id: r.respondent_unit_id,
                answers: r.answers.clone(),
            };
            match context.prepare(conn, None, &body, r.channel.into(), r.collected_on.clone()) {
                Ok((stored, validated)) => Ok(Ready::Response(stored, validated)),
                Err(rejection) => Err(rejection.into_api_error(canvass_protocol::forms::Lang::En)),
            }
        }
        BatchItem::TallySheet(t) => {
            let row = lookups.round(conn, caller, t.round_id)?;
            let checked = rounds::check_sheet(caller, &row, &t.sheet, "sheet").map_err(|e| {
                if e.code() == ErrorCode::RoundStateConflict {
                    e.with_field("round_id")
                } else {
                    e
                }
            })?;
            Ok(Ready::Sheet(row, checked))
        }
    }
}

/// Stores a batch exactly once. `content_hash` is the SHA-256 of the request's exact bytes.
pub fn store_batch(
    conn: &mut DbConnection,
    writer: &crate::db::Writer,
    caller: &Caller,
    batch: &Batch,
    content_hash: &str,
    now: i64,
) -> Result<BatchOutcome, ApiError> {
    caller.require(syncs(caller.role()), "upload field data")?;
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
                problems.push(ErrorDetail {
                    code: ErrorCode::TallySheetExists,
                    message: "this batch carries two sheets for one station".into(),
                    field: Some(format!("items[{index}].sheet.station")),
                });
            }
            Ok(r) => ready.push((index, r)),
            Err(e) if e.status().is_server_error() => return Err(e),
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
                    rounds::store_sheet(conn, caller, round, checked, false).map_err(|e| {
                        if e.status().is_server_error() {
                            TxError::Api(e)
                        } else {
                            // another station's sheet arrived since the check
                            TxError::Api(refused(item_problems(*index, &e)))
                        }
                    })?;
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
            Ok(BatchOutcome {
                status: StatusCode::CREATED,
                receipt: receipt(&row, false),
            })
        }
        Err(TxError::AlreadyStored) => {
            // a concurrent delivery of the same id won the race
            let stored = store::find(conn, &batch.batch_id)?
                .ok_or_else(|| ApiError::internal(&"a conflicting batch vanished"))?;
            seen_before(&stored, caller, content_hash)
        }
        Err(TxError::Api(e)) => Err(e),
    }
}

/// Why the batch transaction rolled back.
enum TxError {
    /// The batch id was stored meanwhile by another request.
    AlreadyStored,
    Api(ApiError),
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
