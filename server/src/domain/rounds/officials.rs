//! The roster of officials (干部名册) that rounds grade: who may see and change it.

use canvass_protocol::rounds::{CreateOfficial, Official, UpdateOfficial};
use canvass_protocol::sheets::{self, has_errors, ProblemCode, SheetProblem, UnitIndex};

use super::{checked_text, manages_rounds};
use crate::db::rounds::{self as store, OfficialRow};
use crate::db::{self, DbConnection, StoreError};
use crate::domain::auth::{Action, Caller};
use crate::domain::error::{Error, Kind, Thing};
use crate::domain::units::{check_not_retired, visible_unit};
use canvass_protocol::msg;

/// The API form of an official.
#[must_use]
pub fn official_api(row: &OfficialRow) -> Official {
    Official {
        id: row.id,
        unit_id: row.unit_id,
        name: row.name.clone(),
        position: row.position.clone(),
        active: row.active,
        team: row.team.clone(),
        order: row.sort_order.and_then(|o| u32::try_from(o).ok()),
    }
}

/// The officials of units in the caller's subtree.
pub fn list(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<Official>, Error> {
    Ok(store::officials_in(conn, caller.scope_path())?
        .iter()
        .map(official_api)
        .collect())
}

/// Adds an official to a unit in the caller's scope.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    body: &CreateOfficial,
) -> Result<Official, Error> {
    caller.require(manages_rounds(caller.role()), Action::ManageOfficials)?;
    let name = checked_text("name", &body.name)?;
    let position = checked_text("position", &body.position)?;
    let unit = visible_unit(conn, caller, body.unit_id).map_err(|e| e.at("unit_id"))?;
    check_not_retired(&unit, "unit_id")?;
    let official = official_api(&store::insert_official(
        conn,
        body.unit_id,
        &name,
        &position,
        db::now(),
    )?);
    crate::domain::audit::record(
        conn,
        caller,
        "official.create",
        &format!("official:{}", official.id),
    )?;
    Ok(official)
}

/// Changes an official's name, position or whether they are still in office.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    body: &UpdateOfficial,
) -> Result<Official, Error> {
    caller.require(manages_rounds(caller.role()), Action::ManageOfficials)?;
    let row = visible_official(conn, caller, id)?;
    // every problem of the change at once
    let mut problems = Vec::new();
    let mut keep = |r: Result<Option<String>, Error>| {
        r.map_err(|e| problems.extend(e.details())).unwrap_or(None)
    };
    let name = keep(
        body.name
            .as_deref()
            .map(|n| checked_text("name", n))
            .transpose(),
    );
    let position = keep(
        body.position
            .as_deref()
            .map(|p| checked_text("position", p))
            .transpose(),
    );
    let team = body.team.as_deref().map(|t| {
        if t.trim().is_empty() {
            None
        } else {
            keep(checked_text("team", t).map(Some))
        }
    });
    let order = match body.order.map(i32::try_from).transpose() {
        Ok(order) => order,
        Err(_) => {
            problems.extend(
                Error::invalid("order", msg!("error-official-order", max = i32::MAX)).details(),
            );
            None
        }
    };
    if !problems.is_empty() {
        return Err(Error::many(Kind::Invalid, problems, Error::internal_logged));
    }
    db::write_transaction(conn, |conn| {
        store::update_official(
            conn,
            row.id,
            name.as_deref(),
            position.as_deref(),
            body.active,
        )?;
        if team.is_some() || order.is_some() {
            let team = team.clone().unwrap_or(row.team.clone());
            store::set_official_roster(conn, row.id, team.as_deref(), order.or(row.sort_order))?;
        }
        crate::domain::audit::record(
            conn,
            caller,
            "official.update",
            &format!("official:{}", row.id),
        )?;
        Ok(official_api(&store::find_official(conn, row.id)?))
    })
}

fn visible_official(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<OfficialRow, Error> {
    let row = match store::find_official(conn, id) {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(Error::not_found(Thing::Official)),
        Err(e) => return Err(e.into()),
    };
    visible_unit(conn, caller, row.unit_id)?;
    Ok(row)
}

// ---- the console: the roster (干部名册) ------------------------------------------------------

/// The officials of the caller's subtree for the console (admins and organisers only), in
/// roster order: by team, then order, then name.
pub fn console_roster(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<Official>, Error> {
    caller.require(manages_rounds(caller.role()), Action::ManageOfficials)?;
    let mut list: Vec<Official> = store::officials_in(conn, caller.scope_path())?
        .iter()
        .map(official_api)
        .collect();
    list.sort_by(|a, b| {
        (
            a.team.is_none(),
            &a.team,
            a.order.is_none(),
            a.order,
            &a.name,
        )
            .cmp(&(
                b.team.is_none(),
                &b.team,
                b.order.is_none(),
                b.order,
                &b.name,
            ))
    });
    Ok(list)
}

/// One official of the caller's subtree, for the console's edit page.
pub fn console_official(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<Official, Error> {
    caller.require(manages_rounds(caller.role()), Action::ManageOfficials)?;
    Ok(official_api(&visible_official(conn, caller, id)?))
}

/// What storing one row of a roster does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterAction {
    /// A new official.
    Create,
    /// The official (same name, same unit) exists as the row describes.
    Unchanged,
    /// The official exists; post, team or order change.
    Update,
}

/// One row of an uploaded roster, as it would be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub row: u32,
    /// The official's name.
    pub name: String,
    pub action: RosterAction,
}

/// What an uploaded roster holds: every problem in file order, what each good row would do,
/// and whether the rows were stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterReport {
    pub problems: Vec<SheetProblem>,
    pub entries: Vec<RosterEntry>,
    /// Whether the rows were stored: only when asked, and only when no problem is an error.
    pub stored: bool,
}

/// Reads a roster (干部名册, XLSX or CSV) against the units of the caller's subtree that are not
/// retired; reports every problem and what each row would do; with `store`, and only when no
/// problem is an error, stores every row in one transaction (all or nothing). An official
/// already on the roster (same name, same unit) is updated, not added twice.
pub fn import_roster(
    conn: &mut DbConnection,
    caller: &Caller,
    bytes: &[u8],
    store: bool,
) -> Result<RosterReport, Error> {
    caller.require(manages_rounds(caller.role()), Action::ManageOfficials)?;
    if store {
        db::write_transaction(conn, |conn| plan_roster(conn, caller, bytes, true))
    } else {
        plan_roster(conn, caller, bytes, false)
    }
}

fn plan_roster(
    conn: &mut DbConnection,
    caller: &Caller,
    bytes: &[u8],
    store: bool,
) -> Result<RosterReport, Error> {
    let units: Vec<_> = db::units::subtree(conn, caller.scope_path(), None)?
        .iter()
        .filter(|u| u.retired_at.is_none())
        .map(db::units::UnitRow::to_api)
        .collect();
    let index = UnitIndex::new(&units);
    let parsed = sheets::import_roster(bytes, &index);
    let mut problems = parsed.problems;
    if parsed.rows.is_empty() && problems.is_empty() {
        problems.push(SheetProblem::error(
            ProblemCode::MissingValue,
            msg!("error-official-import-nothing"),
        ));
    }
    let existing = store::officials_in(conn, caller.scope_path())?;
    let find = |name: &str, unit_id: i64| {
        existing
            .iter()
            .find(|o| o.name == name && o.unit_id == unit_id)
    };
    let order_of = |row: &sheets::RosterRow| row.order.and_then(|o| i32::try_from(o).ok());
    let entries: Vec<RosterEntry> = parsed
        .rows
        .iter()
        .map(|row| RosterEntry {
            row: row.row,
            name: row.name.clone(),
            action: match find(&row.name, row.unit_id) {
                None => RosterAction::Create,
                Some(o)
                    if o.position == row.post
                        && o.team == row.team
                        && o.sort_order == order_of(row)
                        && o.active =>
                {
                    RosterAction::Unchanged
                }
                Some(_) => RosterAction::Update,
            },
        })
        .collect();
    let stored = store && !has_errors(&problems);
    if stored {
        let now = db::now();
        for row in &parsed.rows {
            let id = match find(&row.name, row.unit_id) {
                Some(o) => {
                    store::update_official(conn, o.id, None, Some(&row.post), Some(true))?;
                    o.id
                }
                None => store::insert_official(conn, row.unit_id, &row.name, &row.post, now)?.id,
            };
            store::set_official_roster(conn, id, row.team.as_deref(), order_of(row))?;
        }
        tracing::info!(
            rows = parsed.rows.len(),
            by = caller.account.id,
            "roster imported"
        );
        crate::domain::audit::record(
            conn,
            caller,
            "official.import",
            &format!("officials:{}", parsed.rows.len()),
        )?;
    }
    Ok(RosterReport {
        problems,
        entries,
        stored,
    })
}
