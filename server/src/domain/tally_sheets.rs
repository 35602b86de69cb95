//! Paper tally sheets (计票单): entered once per polling station, checked to reconcile
//! (returned ≤ issued or the station is void, valid + invalid = returned, every official's
//! grades and abstentions = valid), and corrected visibly, the replaced sheet kept with who
//! entered it and when.

use canvass_protocol::accounts::Role;
use canvass_protocol::rounds::{
    check_tally, ReplacedSheet, Round, RoundInfo, RoundStatus, TallyOutcome, TallySheet,
    TallySheetRecord,
};
use canvass_protocol::{msg, ErrorCode};

use super::auth::{Action, Caller};
use super::error::{Error, Field, Kind};
use super::rounds::{
    checked_text, index_in, problems, state_conflict, status, stored_round, subject_name,
    visible_round,
};
use crate::db::rounds::{self as store, NewSheet, RoundRow, SheetRow};
use crate::db::{self, DbConnection, StoreError};

/// Enters a station's tally sheet, or with `correct` replaces the current one (keeping it
/// visible with who entered it and when). A void station (returned > issued) is stored as
/// such and its votes do not count.
pub fn enter(
    conn: &mut DbConnection,
    caller: &Caller,
    round_id: i64,
    sheet: &TallySheet,
    correct: bool,
) -> Result<TallySheetRecord, Error> {
    let row = &visible_round(conn, caller, round_id)?;
    let checked = check_sheet(caller, row, sheet, "")?;
    crate::db::write_transaction(conn, |conn| {
        store_sheet(conn, caller, row, &checked, correct)
    })?;
    crate::domain::audit::record(
        conn,
        caller,
        if correct {
            "tally_sheet.correct"
        } else {
            "tally_sheet.enter"
        },
        &format!("round:{}/station:{}", row.id, checked.station),
    )?;
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
        .ok_or_else(|| Error::internal(&"the sheet just stored is missing"))
}

/// Most polling stations a round may expect.
pub const MAX_EXPECTED_STATIONS: u32 = 1000;

/// What the sheet-entry page shows: the round, every station's current sheet (with the
/// versions corrections replaced) and how many stations are expected.
#[derive(Debug, Clone)]
pub struct Desk {
    pub info: RoundInfo,
    pub round: Round,
    pub records: Vec<TallySheetRecord>,
    /// Stations expected to send a sheet, when the organiser said.
    pub expected: Option<u32>,
}

/// The sheet-entry page's values, for those who manage round `round_id`.
pub fn desk(
    conn: &mut DbConnection,
    caller: &Caller,
    round_id: i64,
    base_url: &str,
) -> Result<Desk, Error> {
    let (info, round) = super::rounds::managed(conn, caller, round_id, base_url)?;
    let records = sheet_records(conn, info.id)?;
    let expected =
        crate::db::round_stations::expected(conn, info.id)?.and_then(|n| u32::try_from(n).ok());
    Ok(Desk {
        info,
        round,
        records,
        expected,
    })
}

/// Reads the number of stations expected as typed: a whole number from 1 to
/// [`MAX_EXPECTED_STATIONS`], else `invalid_value` on `expected`.
pub fn expected_from_text(text: &str) -> Result<u32, Error> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_EXPECTED_STATIONS).contains(n))
        .ok_or_else(|| {
            Error::invalid(
                Field::labelled("expected", msg!("console-sheet-expected")),
                msg!("console-sheet-expected-range", max = MAX_EXPECTED_STATIONS),
            )
        })
}

/// Sets how many polling stations of round `round_id` are expected to send a tally sheet, for
/// those who manage the round (the round's station setup; any time before it is published).
pub fn set_expected(
    conn: &mut DbConnection,
    caller: &Caller,
    round_id: i64,
    expected: u32,
) -> Result<(), Error> {
    let row = visible_round(conn, caller, round_id)?;
    caller.require(
        super::rounds::manages_rounds(caller.role()),
        Action::ManageInstruments,
    )?;
    if status(&row) == RoundStatus::Published {
        return Err(state_conflict(msg!("error-sheets-while-open-or-closed")));
    }
    let expected = i32::try_from(expected.min(MAX_EXPECTED_STATIONS)).unwrap_or(i32::MAX);
    crate::db::write_transaction(conn, |conn| {
        crate::db::round_stations::set_expected(conn, row.id, expected)?;
        crate::domain::audit::record(
            conn,
            caller,
            "round.set_stations",
            &format!("round:{}/stations:{expected}", row.id),
        )
    })?;
    Ok(())
}

/// Every station's current sheet of round `round_id`, with the versions corrections replaced
/// (not for leaders: they see results, not sheets).
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    round_id: i64,
) -> Result<Vec<TallySheetRecord>, Error> {
    let row = visible_round(conn, caller, round_id)?;
    caller.require(caller.role() != Role::Leader, Action::ReadTallySheets)?;
    sheet_records(conn, row.id)
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
) -> Result<CheckedSheet, Error> {
    caller.require(
        matches!(caller.role(), Role::Admin | Role::Organiser | Role::Officer),
        Action::EnterTallySheets,
    )?;
    if !matches!(status(row), RoundStatus::Open | RoundStatus::Closed) {
        return Err(state_conflict(msg!("error-sheets-while-open-or-closed")));
    }
    let station = checked_text(&field_path(prefix, "station"), &sheet.station)?;
    let round = stored_round(row)?;
    let outcome = check_tally(&round, sheet).map_err(|d| {
        problems(d, prefix, |field| {
            let counted = sheet.subjects.get(index_in(field, "subjects")?)?;
            subject_name(round.definition(), counted.subject)
        })
    })?;
    Ok(CheckedSheet {
        station,
        group: sheet.elector_group.clone(),
        json: serde_json::to_string(sheet).map_err(|e| Error::internal(&e))?,
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
) -> Result<(), Error> {
    let station = || checked.station.as_str();
    let current = store::current_sheet(conn, row.id, &checked.station)?;
    let replaces = match (current, correct) {
        (Some(_), false) => {
            return Err(Error::conflict(
                ErrorCode::TallySheetExists,
                msg!("error-sheet-entered-already", station = station()),
            )
            .at(Field::labelled("station", station())))
        }
        (None, true) => {
            return Err(Error::new(
                Kind::NotFound,
                ErrorCode::NotFound,
                msg!("error-no-sheet-for-station", station = station()),
            ))
        }
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
        Err(StoreError::UniqueViolation(_)) => Err(Error::conflict(
            ErrorCode::TallySheetExists,
            msg!("error-sheet-entered-meanwhile", station = station()),
        )
        .at(Field::labelled("station", station()))),
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
pub(crate) fn sheet_records(
    conn: &mut DbConnection,
    round_id: i64,
) -> Result<Vec<TallySheetRecord>, Error> {
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
            .collect::<Result<Vec<_>, Error>>()?;
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

/// A stored sheet (written only after its checks).
pub(crate) fn parse_sheet(row: &SheetRow) -> Result<TallySheet, Error> {
    serde_json::from_str(&row.sheet).map_err(|e| Error::internal(&e))
}
