//! Democratic appraisal rounds on the server: officials, round set-up and lifecycle, one-time
//! ballot codes (only keyed hashes stored), casting a ballot (redeeming the code and storing
//! the ballot in one transaction), paper tally sheets with visible corrections, and results
//! with flags, comparison and turnout. The rules come from `canvass_protocol::rounds`.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use canvass_protocol::accounts::Role;
use canvass_protocol::rounds::{
    check_tally_sheet, compute_results, evaluate_flags, identical_tally, validate_ballot, Ballot,
    BallotCode, BallotOutcome, CountedTally, Dimension, Grade, Round, RoundCounts, RoundDefinition,
    RoundResults, SubjectRef, TallyOutcome, TallySheet, IDENTICAL_BALLOTS_MIN,
};
use canvass_protocol::rounds::{
    CreateOfficial, CreateRound, GroupTurnout, HiddenGroup, Official, PreviousRound,
    PreviousStanding, ReplacedSheet, RoundInfo, RoundReport, RoundStatus, StationAnomaly,
    StationStatus, TallySheetRecord, Turnout, UpdateOfficial,
};
use canvass_protocol::stats::{suppress_breakdown, Disclosure};
use canvass_protocol::{ErrorBody, ErrorCode, ErrorDetail};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::db::rounds::{self as store, NewRound, NewSheet, OfficialRow, RoundRow, SheetRow};
use crate::db::{self, units, DbConnection, StoreError};
use crate::error::ApiError;
use crate::routes::units::visible_unit;

/// Most codes generated in one request.
pub const MAX_CODES_PER_REQUEST: u32 = 2000;
/// Name of the server secret that keys the code hashes.
pub const CODE_PEPPER: &str = "ballot_code_pepper";

/// Whether a role sets up rounds and sees exact results.
#[must_use]
pub fn manages_rounds(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Organiser)
}

fn conflict(code: ErrorCode, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

fn many(details: Vec<ErrorDetail>, prefix: &str) -> ApiError {
    let details: Vec<ErrorDetail> = details
        .into_iter()
        .map(|mut d| {
            d.field = Some(match d.field {
                Some(f) if !f.is_empty() && !prefix.is_empty() => format!("{prefix}.{f}"),
                Some(f) if !f.is_empty() => f,
                _ => prefix.to_string(),
            });
            d
        })
        .collect();
    if details.is_empty() {
        return ApiError::invalid(prefix, "not valid");
    }
    ApiError::from_body(StatusCode::UNPROCESSABLE_ENTITY, ErrorBody::many(details))
}

fn checked_text(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 100 || text.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            field,
            "1 to 100 characters, no control characters",
        ));
    }
    Ok(text.to_string())
}

// ---- officials ---------------------------------------------------------------------------

/// The API form of an official.
#[must_use]
pub fn official_api(row: &OfficialRow) -> Official {
    Official {
        id: row.id,
        unit_id: row.unit_id,
        name: row.name.clone(),
        position: row.position.clone(),
        active: row.active,
    }
}

/// Adds an official to a unit in the caller's scope.
pub fn create_official(
    conn: &mut DbConnection,
    caller: &Caller,
    body: &CreateOfficial,
) -> Result<Official, ApiError> {
    caller.require(manages_rounds(caller.role()), "manage officials")?;
    let name = checked_text("name", &body.name)?;
    let position = checked_text("position", &body.position)?;
    visible_unit(conn, caller, body.unit_id).map_err(|e| e.with_field("unit_id"))?;
    Ok(official_api(&store::insert_official(
        conn,
        body.unit_id,
        &name,
        &position,
        db::now(),
    )?))
}

/// Changes an official.
pub fn update_official(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    body: &UpdateOfficial,
) -> Result<Official, ApiError> {
    caller.require(manages_rounds(caller.role()), "manage officials")?;
    let row = visible_official(conn, caller, id)?;
    let name = body
        .name
        .as_deref()
        .map(|n| checked_text("name", n))
        .transpose()?;
    let position = body
        .position
        .as_deref()
        .map(|p| checked_text("position", p))
        .transpose()?;
    store::update_official(
        conn,
        row.id,
        name.as_deref(),
        position.as_deref(),
        body.active,
    )?;
    Ok(official_api(&store::find_official(conn, row.id)?))
}

fn visible_official(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<OfficialRow, ApiError> {
    let row = match store::find_official(conn, id) {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(ApiError::not_found("official")),
        Err(e) => return Err(e.into()),
    };
    visible_unit(conn, caller, row.unit_id)?;
    Ok(row)
}

// ---- rounds ------------------------------------------------------------------------------

/// Parses a stored definition into a checked round.
pub fn stored_round(row: &RoundRow) -> Result<Round, ApiError> {
    let definition: RoundDefinition =
        serde_json::from_str(&row.definition).map_err(|e| ApiError::internal(&e))?;
    Round::new(definition).map_err(|e| ApiError::internal(&format!("{e:?}")))
}

fn status(row: &RoundRow) -> RoundStatus {
    RoundStatus::parse(&row.status).unwrap_or(RoundStatus::Draft)
}

/// The API form of a round.
pub fn round_info(row: &RoundRow, base_url: &str) -> Result<RoundInfo, ApiError> {
    let round = stored_round(row)?;
    let definition = round.definition().clone();
    Ok(RoundInfo {
        id: row.id,
        unit_id: row.unit_id,
        series_id: definition.series.id.clone(),
        series_name: definition.series.name.clone(),
        period: definition.period.clone(),
        status: status(row),
        ballot_url: format!("{base_url}/b/{}", row.slug),
        min_group_size: definition.disclosure.counts,
        definition,
        created_at: row.created_at,
    })
}

/// Loads a round the caller can see.
pub fn visible_round(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<RoundRow, ApiError> {
    let row = match store::find_round(conn, id) {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(ApiError::not_found("round")),
        Err(e) => return Err(e.into()),
    };
    visible_unit(conn, caller, row.unit_id)?;
    Ok(row)
}

/// Checks a definition and that every official it grades exists within the owning unit's
/// subtree; returns the checked round.
fn checked_definition(
    conn: &mut DbConnection,
    owner: &units::UnitRow,
    definition: &RoundDefinition,
) -> Result<Round, ApiError> {
    let round = Round::new(definition.clone()).map_err(|d| many(d, "definition"))?;
    if definition.disclosure.counts < 5 {
        return Err(ApiError::invalid(
            "definition.disclosure.counts",
            "the minimum group size is at least 5",
        ));
    }
    for (i, official) in definition.officials.iter().enumerate() {
        let field = format!("definition.officials[{i}].official_id");
        let row = store::find_official(conn, official.official_id).map_err(|e| match e {
            StoreError::NotFound => {
                ApiError::invalid(field.clone(), "no such official; add officials first")
            }
            other => other.into(),
        })?;
        let unit = units::find(conn, row.unit_id)?;
        if !owner.contains_path(&unit.path) {
            return Err(ApiError::out_of_scope().with_field(field));
        }
    }
    Ok(round)
}

/// Creates a draft round.
pub fn create_round(
    conn: &mut DbConnection,
    caller: &Caller,
    body: &CreateRound,
) -> Result<RoundRow, ApiError> {
    caller.require(manages_rounds(caller.role()), "create rounds")?;
    let Some(owner_id) = body.unit_id.or(caller.account.unit_id) else {
        return Err(ApiError::invalid(
            "unit_id",
            "say which unit owns the round",
        ));
    };
    let owner = visible_unit(conn, caller, owner_id).map_err(|e| e.with_field("unit_id"))?;
    checked_definition(conn, &owner, &body.definition)?;
    let json = serde_json::to_string(&body.definition).map_err(|e| ApiError::internal(&e))?;
    let slug = crate::surveys::new_slug();
    let id = store::insert_round(
        conn,
        &NewRound {
            unit_id: owner.id,
            series_id: &body.definition.series.id,
            period: &body.definition.period,
            definition: &json,
            slug: &slug,
            created_by: caller.account.id,
        },
        db::now(),
    )?;
    tracing::info!(round = id, by = caller.account.id, "round created");
    Ok(store::find_round(conn, id)?)
}

/// Replaces a draft round's definition.
pub fn update_round(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &RoundRow,
    definition: &RoundDefinition,
) -> Result<(), ApiError> {
    caller.require(manages_rounds(caller.role()), "change rounds")?;
    if status(row) != RoundStatus::Draft {
        return Err(conflict(
            ErrorCode::RoundStateConflict,
            "a round can only be changed while it is a draft",
        ));
    }
    let owner = units::find(conn, row.unit_id)?;
    checked_definition(conn, &owner, definition)?;
    // codes already printed for a group must keep a group to vote in
    for (group, _, _) in store::code_counts(conn, row.id)? {
        if !definition.elector_groups.iter().any(|g| g.id == group) {
            return Err(conflict(
                ErrorCode::RoundStateConflict,
                &format!("codes were generated for elector group `{group}`; it cannot be removed from the round"),
            )
            .with_field("definition.elector_groups"));
        }
    }
    let json = serde_json::to_string(definition).map_err(|e| ApiError::internal(&e))?;
    store::update_definition(
        conn,
        row.id,
        &definition.series.id,
        &definition.period,
        &json,
        db::now(),
    )?;
    Ok(())
}

/// Moves a round along draft → open → closed → published (closed may re-open).
pub fn transition(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &RoundRow,
    to: RoundStatus,
) -> Result<(), ApiError> {
    caller.require(manages_rounds(caller.role()), "run rounds")?;
    let from = status(row);
    let allowed = matches!(
        (from, to),
        (RoundStatus::Draft | RoundStatus::Closed, RoundStatus::Open)
            | (RoundStatus::Open, RoundStatus::Closed)
            | (RoundStatus::Closed, RoundStatus::Published)
    );
    if !allowed {
        return Err(conflict(
            ErrorCode::RoundStateConflict,
            &format!("a {} round cannot become {}", from.as_str(), to.as_str()),
        ));
    }
    crate::db::write_transaction(conn, |conn| {
        store::set_status(conn, row.id, to.as_str(), db::now())?;
        if to == RoundStatus::Closed {
            store::reshuffle(conn, row.id)?;
        }
        Ok::<_, StoreError>(())
    })?;
    tracing::info!(
        round = row.id,
        status = to.as_str(),
        by = caller.account.id,
        "round status changed"
    );
    Ok(())
}

// ---- codes -------------------------------------------------------------------------------

/// The stored form of a code: a keyed SHA-256 (the key is a server secret), so the table alone
/// neither reveals codes nor lets anyone test guesses offline.
#[must_use]
pub fn code_hash(pepper: &str, code: &BallotCode) -> String {
    let mut hasher = Sha256::new();
    hasher.update(pepper.as_bytes());
    hasher.update([0]);
    hasher.update(code.hash_input().as_bytes());
    hex::encode(hasher.finalize())
}

/// Generates `count` codes for a group; returns them (shown once, never stored).
pub fn generate_codes(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &RoundRow,
    group: &str,
    count: u32,
    pepper: &str,
) -> Result<Vec<String>, ApiError> {
    caller.require(manages_rounds(caller.role()), "generate ballot codes")?;
    if !matches!(status(row), RoundStatus::Draft | RoundStatus::Open) {
        return Err(conflict(
            ErrorCode::RoundStateConflict,
            "codes are generated before or during the meeting",
        ));
    }
    let round = stored_round(row)?;
    if round.group(group).is_none() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::UnknownElectorGroup,
            "no such elector group in this round",
        )
        .with_field("elector_group"));
    }
    if count == 0 || count > MAX_CODES_PER_REQUEST {
        return Err(ApiError::invalid(
            "count",
            format!("1 to {MAX_CODES_PER_REQUEST} codes per request"),
        ));
    }
    let codes = issue_codes(conn, row.id, group, count, pepper)?;
    tracing::info!(
        round = row.id,
        count,
        by = caller.account.id,
        "ballot codes generated"
    );
    Ok(codes)
}

/// Draws `count` random codes for a group of a round and stores their hashes (the caller has
/// checked the round and the group).
pub fn issue_codes(
    conn: &mut DbConnection,
    round_id: i64,
    group: &str,
    count: u32,
    pepper: &str,
) -> Result<Vec<String>, ApiError> {
    use rand::RngCore;
    let mut rng = rand::rngs::OsRng;
    let codes: Vec<BallotCode> = (0..count)
        .map(|_| {
            let mut bytes = [0_u8; BallotCode::RANDOM_BYTES];
            rng.fill_bytes(&mut bytes);
            BallotCode::from_random_bytes(&bytes)
        })
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| code_hash(pepper, c)).collect();
    crate::db::write_transaction(conn, |conn| {
        store::insert_codes(conn, round_id, group, &hashes)
    })?;
    Ok(codes.iter().map(ToString::to_string).collect())
}

/// Checks a typed code against a round without using it: the group it belongs to, or the
/// specific reason it cannot vote.
pub fn check_code(
    conn: &mut DbConnection,
    row: &RoundRow,
    input: &str,
    pepper: &str,
) -> Result<(String, String), ApiError> {
    if status(row) != RoundStatus::Open {
        return Err(conflict(
            ErrorCode::RoundNotOpen,
            "this round is not open for voting",
        ));
    }
    let code = BallotCode::parse(input).map_err(|e| {
        ApiError::from_body(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorBody {
                error: e.to_detail("code"),
                errors: Vec::new(),
            },
        )
    })?;
    let hash = code_hash(pepper, &code);
    match store::find_code(conn, &hash)? {
        None => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BallotCodeUnknown,
            "no such ballot code was issued; check what you typed",
        )
        .with_field("code")),
        Some((round_id, _, _)) if round_id != row.id => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BallotCodeOtherRound,
            "this ballot code belongs to another appraisal",
        )
        .with_field("code")),
        Some((_, _, true)) => Err(used_code()),
        Some((_, group, false)) => Ok((hash, group)),
    }
}

fn used_code() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ErrorCode::BallotCodeUsed,
        "this ballot code has already been used",
    )
    .with_field("code")
}

/// Casts a ballot: checks the code and the marks, then redeems the code and stores the ballot
/// in one transaction. Of two requests racing with one code exactly one succeeds. Returns
/// whether the ballot counts as valid (a quota breach is stored as 废票).
pub fn cast(
    conn: &mut DbConnection,
    row: &RoundRow,
    code: &str,
    ballot: &Ballot,
    pepper: &str,
) -> Result<bool, ApiError> {
    let round = stored_round(row)?;
    let plan = plan_cast(conn, row, &round, code, ballot, pepper)?;
    crate::db::write_transaction(conn, |conn| {
        let mut delta = store::RoundDelta::default();
        apply_cast(conn, row.id, &plan, &mut delta)?;
        delta.write(conn)?;
        Ok::<_, ApiError>(())
    })?;
    Ok(plan.valid)
}

/// A ballot whose code and marks passed every check, ready to be stored.
pub struct PlannedBallot {
    hash: String,
    group: String,
    /// Whether it counts (a quota breach is stored as 废票).
    pub valid: bool,
    marks: String,
    cells: Vec<(String, String, String)>,
}

/// Checks a code (without using it) and the marks against `round` (the parsed definition of
/// `row`); stores nothing, so a refusal leaves the caller's transaction untouched.
pub fn plan_cast(
    conn: &mut DbConnection,
    row: &RoundRow,
    round: &Round,
    code: &str,
    ballot: &Ballot,
    pepper: &str,
) -> Result<PlannedBallot, ApiError> {
    let (hash, group) = check_code(conn, row, code, pepper)?;
    if !ballot.elector_group.is_empty() && ballot.elector_group != group {
        return Err(ApiError::invalid(
            "ballot.elector_group",
            "the code belongs to another elector group",
        ));
    }
    let ballot = Ballot {
        elector_group: group.clone(),
        marks: ballot.marks.clone(),
    };
    let outcome = validate_ballot(round, &ballot).map_err(|d| many(d, "ballot"))?;
    let (valid, marks, cells) = match &outcome {
        BallotOutcome::Valid(cast) => {
            let mut cells = Vec::new();
            for g in &cast.grades {
                let subject = subject_key(g.subject);
                cells.push((
                    subject.clone(),
                    String::new(),
                    g.grade.map_or(String::new(), |x| x.as_str().to_string()),
                ));
                for &d in round.dimensions_of(g.subject) {
                    let grade = g
                        .dimensions
                        .get(&d)
                        .map_or(String::new(), |x| x.as_str().to_string());
                    cells.push((subject.clone(), d.as_str().to_string(), grade));
                }
            }
            (
                true,
                serde_json::to_string(cast).map_err(|e| ApiError::internal(&e))?,
                cells,
            )
        }
        BallotOutcome::Invalid { .. } => (
            false,
            serde_json::to_string(&ballot.marks).map_err(|e| ApiError::internal(&e))?,
            Vec::new(),
        ),
    };
    Ok(PlannedBallot {
        hash,
        group,
        valid,
        marks,
        cells,
    })
}

/// Redeems the planned ballot's code and stores the ballot, in the caller's transaction, its
/// counts into `delta`. A code used meanwhile (another request won the race) is refused with
/// `ballot_code_used` and nothing is written.
pub fn apply_cast(
    conn: &mut DbConnection,
    round_id: i64,
    plan: &PlannedBallot,
    delta: &mut store::RoundDelta,
) -> Result<(), ApiError> {
    if !store::redeem_code(conn, &plan.hash)? {
        return Err(used_code());
    }
    store::insert_ballot_row(conn, round_id, &plan.group, plan.valid, &plan.marks)?;
    delta.add(round_id, &plan.group, plan.valid, &plan.cells);
    Ok(())
}

fn subject_key(subject: SubjectRef) -> String {
    match subject {
        SubjectRef::Team => "team".into(),
        SubjectRef::Official(id) => id.to_string(),
    }
}

fn parse_subject(key: &str) -> Option<SubjectRef> {
    if key == "team" {
        Some(SubjectRef::Team)
    } else {
        key.parse().ok().map(SubjectRef::Official)
    }
}

fn parse_dimension(key: &str) -> Option<Dimension> {
    Dimension::ALL.into_iter().find(|d| d.as_str() == key)
}

// ---- tally sheets ------------------------------------------------------------------------

/// Enters a station's tally sheet, or with `correct` replaces the current one (keeping it
/// visible with who entered it and when). A void station (returned > issued) is stored as
/// such and its votes do not count.
pub fn enter_sheet(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &RoundRow,
    sheet: &TallySheet,
    correct: bool,
) -> Result<TallySheetRecord, ApiError> {
    let checked = check_sheet(caller, row, sheet, "")?;
    crate::db::write_transaction(conn, |conn| {
        store_sheet(conn, caller, row, &checked, correct)
    })?;
    tracing::info!(
        round = row.id,
        correct,
        void = checked.void,
        by = caller.account.id,
        "tally sheet entered"
    );
    sheet_records(conn, row.id)?
        .into_iter()
        .find(|r| r.station == checked.station)
        .ok_or_else(|| ApiError::internal(&"the sheet just stored is missing"))
}

fn field_path(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

/// A tally sheet that passed every check, ready to store.
pub struct CheckedSheet {
    station: String,
    group: String,
    json: String,
    void: bool,
}

/// Checks that the caller may enter `sheet` for the round now and that its numbers reconcile;
/// stores nothing. Problems name fields under `prefix` (none for a sheet sent alone).
pub fn check_sheet(
    caller: &Caller,
    row: &RoundRow,
    sheet: &TallySheet,
    prefix: &str,
) -> Result<CheckedSheet, ApiError> {
    caller.require(
        matches!(caller.role(), Role::Admin | Role::Organiser | Role::Officer),
        "enter tally sheets",
    )?;
    if !matches!(status(row), RoundStatus::Open | RoundStatus::Closed) {
        return Err(conflict(ErrorCode::RoundStateConflict, "tally sheets are entered while the round is open or closed, before results are published"));
    }
    let station = checked_text(&field_path(prefix, "station"), &sheet.station)?;
    let round = stored_round(row)?;
    let outcome = check_tally_sheet(&round, sheet).map_err(|d| many(d, prefix))?;
    Ok(CheckedSheet {
        station,
        group: sheet.elector_group.clone(),
        json: serde_json::to_string(sheet).map_err(|e| ApiError::internal(&e))?,
        void: matches!(outcome, TallyOutcome::Void { .. }),
    })
}

/// Stores a checked sheet, in the caller's transaction: once per station, or with `correct` as
/// the replacement of the station's current sheet.
pub fn store_sheet(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &RoundRow,
    checked: &CheckedSheet,
    correct: bool,
) -> Result<(), ApiError> {
    let current = store::current_sheet(conn, row.id, &checked.station)?;
    let replaces = match (current, correct) {
        (Some(_), false) => {
            return Err(conflict(
                ErrorCode::TallySheetExists,
                "this station's sheet is already entered; submit a correction instead",
            )
            .with_field("station"))
        }
        (None, true) => return Err(ApiError::not_found("tally sheet for this station")),
        (current, _) => current.map(|c| c.id),
    };
    let new = NewSheet {
        round_id: row.id,
        station: &checked.station,
        group: &checked.group,
        sheet: &checked.json,
        void: checked.void,
        entered_by: caller.account.id,
    };
    match store::insert_sheet(conn, &new, replaces, db::now()) {
        Ok(_) => Ok(()),
        Err(StoreError::UniqueViolation(_)) => Err(conflict(
            ErrorCode::TallySheetExists,
            "this station's sheet was entered at the same moment by someone else",
        )
        .with_field("station")),
        Err(e) => Err(e.into()),
    }
}

impl CheckedSheet {
    /// The station as stored (trimmed).
    #[must_use]
    pub fn station(&self) -> &str {
        &self.station
    }
}

/// Every station's current sheet with its replaced versions.
pub fn sheet_records(
    conn: &mut DbConnection,
    round_id: i64,
) -> Result<Vec<TallySheetRecord>, ApiError> {
    let rows = store::sheets(conn, round_id)?;
    let mut out: Vec<TallySheetRecord> = Vec::new();
    for row in rows.iter().filter(|r| r.replaced_at.is_none()) {
        let replaced = rows
            .iter()
            .filter(|r| r.station == row.station && r.replaced_at.is_some())
            .map(|r| {
                Ok(ReplacedSheet {
                    sheet: parse_sheet(r)?,
                    entered_by: r.entered_by.clone(),
                    entered_at: r.entered_at,
                    replaced_at: r.replaced_at.unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        out.push(TallySheetRecord {
            station: row.station.clone(),
            elector_group: row.elector_group.clone(),
            outcome: if row.void { "void" } else { "counted" }.into(),
            sheet: parse_sheet(row)?,
            entered_by: row.entered_by.clone(),
            entered_at: row.entered_at,
            replaced,
        });
    }
    Ok(out)
}

fn parse_sheet(row: &SheetRow) -> Result<TallySheet, ApiError> {
    serde_json::from_str(&row.sheet).map_err(|e| ApiError::internal(&e))
}

// ---- results -----------------------------------------------------------------------------

/// Exact counts and results of a round: electronic tallies and current, non-void sheets.
fn exact_results(
    conn: &mut DbConnection,
    row: &RoundRow,
) -> Result<(Round, RoundResults, Vec<StationAnomaly>), ApiError> {
    let round = stored_round(row)?;
    let mut counts = RoundCounts::new(&round);
    let internal = |e: &dyn std::fmt::Display| ApiError::internal(e);
    for (group, subject, dimension, grade, n) in store::tallies(conn, row.id)? {
        let Some(subject) = parse_subject(&subject) else {
            continue;
        };
        let dimension = if dimension.is_empty() {
            None
        } else {
            parse_dimension(&dimension)
        };
        let grade = if grade.is_empty() {
            None
        } else {
            Grade::parse(&grade)
        };
        counts
            .add_grade(
                &group,
                subject,
                dimension,
                grade,
                u64::try_from(n).unwrap_or(0),
            )
            .map_err(|e| internal(&e))?;
    }
    for (group, valid, invalid) in store::ballot_counts(conn, row.id)? {
        counts
            .add_ballot_counts(
                &group,
                u64::try_from(valid).unwrap_or(0),
                u64::try_from(invalid).unwrap_or(0),
            )
            .map_err(|e| internal(&e))?;
    }
    // every electronic ballot of a group alike, read from the tallies (O(subjects), not
    // O(ballots)): all identical exactly when one grade took every valid ballot everywhere
    let mut anomalies = Vec::new();
    for group in &counts.groups {
        let electronic = CountedTally {
            elector_group: group.elector_group.clone(),
            valid: group.valid,
            invalid: group.invalid,
            subjects: group.subjects.clone(),
        };
        if let Some(detail) = identical_tally(&electronic, IDENTICAL_BALLOTS_MIN) {
            anomalies.push(StationAnomaly {
                station: format!("electronic: {}", group.elector_group),
                detail,
            });
        }
    }
    for sheet in store::sheets(conn, row.id)?
        .iter()
        .filter(|s| s.replaced_at.is_none() && !s.void)
    {
        let parsed = parse_sheet(sheet)?;
        if let Ok(TallyOutcome::Counted(counted)) = check_tally_sheet(&round, &parsed) {
            counts.add_tally(&counted).map_err(|e| internal(&e))?;
            if let Some(detail) = identical_tally(&counted, IDENTICAL_BALLOTS_MIN) {
                anomalies.push(StationAnomaly {
                    station: sheet.station.clone(),
                    detail,
                });
            }
        }
    }
    let results = compute_results(&round, &counts);
    Ok((round, results, anomalies))
}

/// The report of a round for `caller`: exact for organisers and admins (at any time, so they
/// can watch turnout live), and for leaders once results are published, with elector groups
/// below the minimum group size (and a complement) hidden.
pub fn report(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &RoundRow,
    base_url: &str,
) -> Result<RoundReport, ApiError> {
    let exact = manages_rounds(caller.role());
    caller.require(
        exact || caller.role() == Role::Leader,
        "read appraisal results",
    )?;
    if !exact && status(row) != RoundStatus::Published {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::ResultsNotPublished,
            "the results of this round are not published yet",
        ));
    }
    let (round, mut results, mut anomalies) = exact_results(conn, row)?;
    // leaders see nothing of a round whose results are not published, not even through the
    // comparison with the previous round or a multi-round flag
    let earlier: Vec<RoundRow> = store::earlier_in_series(conn, row)?
        .into_iter()
        .filter(|r| exact || status(r) == RoundStatus::Published)
        .collect();
    let mut previous_results = Vec::new();
    for r in &earlier {
        previous_results.push(exact_results(conn, r)?.1);
    }
    let flags = evaluate_flags(&round, &results, &previous_results);
    let previous = earlier
        .first()
        .zip(previous_results.first())
        .map(|(r, res)| PreviousRound {
            round_id: r.id,
            period: r.period.clone(),
            subjects: res
                .subjects
                .iter()
                .map(|s| PreviousStanding {
                    subject: s.subject,
                    score: s.overall.score,
                    rank: s.rank,
                    weighted_shares: s
                        .overall
                        .weighted_shares
                        .iter()
                        .map(|(g, v)| (g.as_str().to_string(), *v))
                        .collect(),
                })
                .collect(),
        });
    let mut turnout = turnout(conn, row, &round)?;
    let mut hidden_groups = Vec::new();
    if !exact {
        let totals: Vec<u64> = results.groups.iter().map(|g| g.valid + g.invalid).collect();
        let breakdown = suppress_breakdown(&totals, round.definition().disclosure.counts);
        for (g, cell) in results.groups.iter().zip(&breakdown.cells) {
            if let Disclosure::Suppressed { reason } = cell {
                hidden_groups.push(HiddenGroup {
                    elector_group: g.elector_group.clone(),
                    reason: reason.published(),
                });
            }
        }
        let hidden: Vec<&str> = hidden_groups
            .iter()
            .map(|h| h.elector_group.as_str())
            .collect();
        for subject in &mut results.subjects {
            subject
                .overall
                .by_group
                .retain(|g| !hidden.contains(&g.elector_group.as_str()));
            for d in subject.dimensions.values_mut() {
                d.by_group
                    .retain(|g| !hidden.contains(&g.elector_group.as_str()));
            }
        }
        results
            .groups
            .retain(|g| !hidden.contains(&g.elector_group.as_str()));
        // turnout and station anomalies would tell how many voted in a hidden group
        let hidden_stations: Vec<String> = turnout
            .stations
            .iter()
            .filter(|st| hidden.contains(&st.elector_group.as_str()))
            .map(|st| st.station.clone())
            .chain(hidden.iter().map(|g| format!("electronic: {g}")))
            .collect();
        turnout
            .groups
            .retain(|g| !hidden.contains(&g.elector_group.as_str()));
        turnout
            .stations
            .retain(|st| !hidden.contains(&st.elector_group.as_str()));
        anomalies.retain(|a| !hidden_stations.contains(&a.station));
    }
    Ok(RoundReport {
        round: round_info(row, base_url)?,
        exact,
        results,
        hidden_groups,
        flags,
        anomalies,
        previous,
        turnout,
    })
}

/// Codes used out of issued per group, paper ballots per group, and each station's sheet.
pub fn turnout(
    conn: &mut DbConnection,
    row: &RoundRow,
    round: &Round,
) -> Result<Turnout, ApiError> {
    let mut codes: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (group, used, n) in store::code_counts(conn, row.id)? {
        let e = codes.entry(group).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        e.0 += n;
        if used {
            e.1 += n;
        }
    }
    let records = sheet_records(conn, row.id)?;
    let groups = round
        .definition()
        .elector_groups
        .iter()
        .map(|g| {
            let (issued, used) = codes.get(&g.id).copied().unwrap_or_default();
            let paper = records.iter().filter(|r| r.elector_group == g.id);
            GroupTurnout {
                elector_group: g.id.clone(),
                label: g.label.clone(),
                codes_issued: issued,
                codes_used: used,
                paper_issued: paper.clone().map(|r| r.sheet.issued).sum(),
                paper_returned: paper.map(|r| r.sheet.returned).sum(),
            }
        })
        .collect();
    let stations = records
        .iter()
        .map(|r| StationStatus {
            station: r.station.clone(),
            elector_group: r.elector_group.clone(),
            outcome: r.outcome.clone(),
            corrected: !r.replaced.is_empty(),
        })
        .collect();
    Ok(Turnout { groups, stations })
}
