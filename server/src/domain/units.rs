//! The unit tree: who may read, create, change, move and delete units, and where a unit of each
//! kind may stand. Everyone reads within their subtree; admins and organisers change it.

use std::collections::HashMap;

use canvass_protocol::i18n::Message;
use canvass_protocol::msg;
use canvass_protocol::sheets::{
    self, has_errors, ProblemCode, SheetProblem, UnitIndex, UnitParent,
};
use canvass_protocol::units::{CreateUnit, Unit, UnitKind, UpdateUnit, UNIT_NAME_MAX_CHARS};
use canvass_protocol::ErrorCode;

use super::auth::{Action, Caller};
use super::error::{Error, Field, Kind, Thing};
use crate::db::units::{self as store, UnitRow};
use crate::db::{self, DbConnection, StoreError};

/// Loads a unit and checks it lies in the caller's subtree.
pub fn visible_unit(conn: &mut DbConnection, caller: &Caller, id: i64) -> Result<UnitRow, Error> {
    let unit = match store::find(conn, id) {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Err(Error::not_found(Thing::Unit)),
        Err(e) => return Err(e.into()),
    };
    caller.check_scope(&unit)?;
    Ok(unit)
}

/// The unit an instrument the caller sets up belongs to: `requested`, or else the caller's own;
/// `missing` when neither is known (an installation-wide account must say).
pub fn owner(
    conn: &mut DbConnection,
    caller: &Caller,
    requested: Option<i64>,
    missing: Message,
) -> Result<UnitRow, Error> {
    let Some(id) = requested.or(caller.account.unit_id) else {
        return Err(Error::invalid("unit_id", missing));
    };
    visible_unit(conn, caller, id).map_err(|e| e.at("unit_id"))
}

/// `out_of_scope` for a unit (or an official's unit) outside the one that owns an instrument:
/// `message` says which.
#[must_use]
pub fn outside_owner(message: Message) -> Error {
    Error::new(Kind::OutOfScope, ErrorCode::OutOfScope, message)
}

/// Every unit in the caller's subtree, root first, of `kind` when given.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    kind: Option<UnitKind>,
) -> Result<Vec<Unit>, Error> {
    let rows = store::subtree(conn, caller.scope_path(), kind)?;
    Ok(rows.iter().map(UnitRow::to_api).collect())
}

/// One unit of the caller's subtree.
pub fn get(conn: &mut DbConnection, caller: &Caller, id: i64) -> Result<Unit, Error> {
    Ok(visible_unit(conn, caller, id)?.to_api())
}

/// Creates a unit under a parent in the caller's subtree (a county only as a root, by an
/// installation-wide administrator).
pub fn create(conn: &mut DbConnection, caller: &Caller, body: &CreateUnit) -> Result<Unit, Error> {
    caller.require(caller.role().manages_units(), Action::CreateUnits)?;
    // every problem of the form at once: the name, then the parent
    let mut problems = Vec::new();
    let name = checked_name(&body.name).map_err(|e| problems.extend(e.details()));
    let parent = match body.parent_id {
        Some(pid) => visible_unit(conn, caller, pid)
            .map_err(|e| e.at("parent_id"))
            .and_then(|p| check_not_retired(&p, "parent_id").map(|()| Some(p))),
        None if caller.unit.is_some() => Err(Error::out_of_scope().at("parent_id")),
        None => Ok(None),
    }
    .and_then(|parent| check_placement(body.kind, parent.as_ref()).map(|()| parent));
    let (name, parent) = match (name, parent) {
        (Ok(name), Ok(parent)) => (name, parent),
        (_, Err(e)) if e.kind() != Kind::Invalid => return Err(e),
        (_, parent) => {
            if let Err(e) = parent {
                problems.extend(e.details());
            }
            return Err(Error::many(Kind::Invalid, problems, Error::internal_logged));
        }
    };
    let row = store::insert(
        conn,
        parent.as_ref(),
        body.kind,
        &name,
        body.window_unit,
        db::now(),
    )?;
    crate::domain::audit::record(conn, caller, "unit.create", &format!("unit:{}", row.id))?;
    tracing::info!(unit = row.id, by = caller.account.id, "unit created");
    Ok(row.to_api())
}

/// Renames a unit, changes its window flag, moves it (with its subtree) under another parent,
/// or retires it or brings it back; the caller's own unit cannot be moved or retired.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    body: &UpdateUnit,
) -> Result<Unit, Error> {
    caller.require(caller.role().manages_units(), Action::ChangeUnits)?;
    let name = body.name.as_deref().map(checked_name).transpose()?;
    db::write_transaction(conn, |conn| {
        let unit = visible_unit(conn, caller, id)?;
        if let Some(parent_id) = body.parent_id.filter(|p| Some(*p) != unit.parent_id) {
            if caller.unit.as_ref().is_some_and(|own| own.id == unit.id) {
                return Err(Error::forbidden(msg!("error-unit-own-cannot-move")));
            }
            let parent = visible_unit(conn, caller, parent_id).map_err(|e| e.at("parent_id"))?;
            if unit.contains_path(&parent.path) {
                return Err(invalid_parent(msg!(
                    "error-unit-under-itself",
                    unit = unit.name.as_str(),
                    parent = parent.name.as_str()
                )));
            }
            check_not_retired(&parent, "parent_id")?;
            check_placement(unit.kind(), Some(&parent))?;
            store::move_subtree(conn, &unit, &parent)?;
        }
        store::update_fields(conn, id, name.as_deref(), body.window_unit)?;
        if let Some(population) = body.population {
            if population > MAX_POPULATION {
                return Err(Error::invalid(
                    Field::labelled("population", msg!("console-unit-population-label")),
                    msg!("error-unit-population", max = MAX_POPULATION),
                ));
            }
            store::set_population(conn, id, i64::try_from(population).ok().filter(|p| *p > 0))?;
        }
        match body.retired {
            Some(true) if unit.retired_at.is_none() => retire(conn, caller, &unit)?,
            Some(false) if unit.retired_at.is_some() => {
                if let Some(parent_id) = unit.parent_id {
                    check_not_retired(&store::find(conn, parent_id)?, "retired")?;
                }
                store::set_retired(conn, unit.id, None)?;
            }
            _ => {}
        }
        crate::domain::audit::record(conn, caller, "unit.update", &format!("unit:{id}"))?;
        Ok(store::find(conn, id)?.to_api())
    })
}

/// The largest population a unit may be given.
pub const MAX_POPULATION: u64 = 100_000_000;

/// Deletes a unit that has no child units and no accounts.
pub fn delete(conn: &mut DbConnection, caller: &Caller, id: i64) -> Result<(), Error> {
    caller.require(caller.role().manages_units(), Action::DeleteUnits)?;
    db::write_transaction(conn, |conn| {
        let unit = visible_unit(conn, caller, id)?;
        if store::in_use(conn, unit.id)? {
            return Err(Error::conflict(
                ErrorCode::UnitInUse,
                msg!("error-unit-in-use-named", unit = unit.name.as_str()),
            ));
        }
        store::delete(conn, unit.id)?;
        crate::domain::audit::record(conn, caller, "unit.delete", &format!("unit:{}", unit.id))?;
        Ok(())
    })
}

/// Retires `unit`: it stays in every result that names it, but no survey may target it and no
/// unit or official may be added under it. Its own units must be retired first, and nobody
/// retires the unit their account belongs to.
fn retire(conn: &mut DbConnection, caller: &Caller, unit: &UnitRow) -> Result<(), Error> {
    if caller.unit.as_ref().is_some_and(|own| own.id == unit.id) {
        return Err(Error::forbidden(msg!("error-unit-own-cannot-retire")).at("retired"));
    }
    let below = store::active_children(conn, unit.id)?;
    if below > 0 {
        return Err(Error::conflict(
            ErrorCode::UnitInUse,
            msg!(
                "error-unit-retire-children-first",
                unit = unit.name.as_str(),
                count = below
            ),
        )
        .at("retired"));
    }
    store::set_retired(conn, unit.id, Some(db::now()))?;
    tracing::info!(unit = unit.id, by = caller.account.id, "unit retired");
    Ok(())
}

/// `invalid_value` on `field` when `unit` is retired: nothing new may be placed in it.
pub fn check_not_retired(unit: &UnitRow, field: &str) -> Result<(), Error> {
    if unit.retired_at.is_some() {
        return Err(Error::invalid(
            field,
            msg!("error-unit-retired", unit = unit.name.as_str()),
        ));
    }
    Ok(())
}

fn checked_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    let problem = if name.is_empty() {
        msg!("error-unit-name-empty")
    } else if name.chars().count() > UNIT_NAME_MAX_CHARS {
        msg!("error-unit-name-too-long", max = UNIT_NAME_MAX_CHARS)
    } else if name.chars().any(char::is_control) {
        msg!("error-unit-name-control-characters")
    } else {
        return Ok(name.to_string());
    };
    Err(Error::invalid("name", problem))
}

fn invalid_parent(message: Message) -> Error {
    Error::new(Kind::Invalid, ErrorCode::InvalidParent, message).at("parent_id")
}

/// A unit's kind, as a message names it.
#[must_use]
pub fn kind_name(kind: UnitKind) -> Message {
    match kind {
        UnitKind::County => msg!("error-unit-kind-county"),
        UnitKind::Township => msg!("error-unit-kind-township"),
        UnitKind::Department => msg!("error-unit-kind-department"),
        UnitKind::Village => msg!("error-unit-kind-village"),
        UnitKind::Community => msg!("error-unit-kind-community"),
    }
}

fn check_placement(kind: UnitKind, parent: Option<&UnitRow>) -> Result<(), Error> {
    let parent_kind = parent.map(UnitRow::kind);
    if kind.may_stand_under(parent_kind) {
        return Ok(());
    }
    Err(invalid_parent(match parent_kind {
        None => msg!("error-unit-needs-parent", kind = kind_name(kind)),
        Some(p) => msg!(
            "error-unit-cannot-stand-under",
            kind = kind_name(kind),
            parent = kind_name(p)
        ),
    }))
}

// ---- the console: the whole tree and importing a unit list ----------------------------------

/// Every unit of the caller's subtree, retired ones included, in tree order: the organiser's
/// console (admins and organisers only).
pub fn console_tree(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<Unit>, Error> {
    caller.require(caller.role().manages_units(), Action::ChangeUnits)?;
    let rows = store::subtree(conn, caller.scope_path(), None)?;
    Ok(rows.iter().map(UnitRow::to_api).collect())
}

/// What storing one row of a unit list does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitListAction {
    /// A new unit.
    Create,
    /// The unit exists as the row describes it.
    Unchanged,
    /// The unit exists; its window flag changes.
    SetWindow,
}

/// One row of an uploaded unit list, as it would be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitListEntry {
    /// The row as Excel numbers it.
    pub row: u32,
    pub name: String,
    pub kind: UnitKind,
    /// The parent's path of names; empty for a county.
    pub parent: String,
    pub window_unit: bool,
    pub action: UnitListAction,
}

/// What an uploaded unit list holds: every problem in file order, the rows as they would be
/// stored, and whether they were.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitListReport {
    pub problems: Vec<SheetProblem>,
    pub entries: Vec<UnitListEntry>,
    /// Whether the rows were stored: only when asked, and only when no problem is an error.
    pub stored: bool,
}

/// Reads a unit list (XLSX or CSV) against the caller's subtree and reports every problem and
/// what each row would do; with `store`, and only when no problem is an error, stores every
/// row in one transaction (all or nothing). A row describing an existing unit creates nothing.
pub fn import_unit_list(
    conn: &mut DbConnection,
    caller: &Caller,
    bytes: &[u8],
    store: bool,
) -> Result<UnitListReport, Error> {
    caller.require(caller.role().manages_units(), Action::CreateUnits)?;
    if store {
        db::write_transaction(conn, |conn| plan_unit_list(conn, caller, bytes, true))
    } else {
        plan_unit_list(conn, caller, bytes, false)
    }
}

fn plan_unit_list(
    conn: &mut DbConnection,
    caller: &Caller,
    bytes: &[u8],
    store: bool,
) -> Result<UnitListReport, Error> {
    let units: Vec<Unit> = store::subtree(conn, caller.scope_path(), None)?
        .iter()
        .filter(|u| u.retired_at.is_none())
        .map(UnitRow::to_api)
        .collect();
    let index = UnitIndex::new(&units);
    let parsed = sheets::import_unit_list(bytes, &index);
    let mut problems = parsed.problems;
    for row in &parsed.rows {
        if row.parent == UnitParent::Root && caller.unit.is_some() {
            problems.push(
                SheetProblem::error(
                    ProblemCode::KindNotAllowed,
                    msg!("error-unit-import-root-out-of-scope"),
                )
                .at_row(row.row),
            );
        }
    }
    if parsed.rows.is_empty() && problems.is_empty() {
        problems.push(SheetProblem::error(
            ProblemCode::MissingValue,
            msg!("error-unit-import-nothing"),
        ));
    }
    problems.sort_by_key(|p| p.row.unwrap_or(0));
    let entries: Vec<UnitListEntry> = parsed
        .rows
        .iter()
        .map(|row| UnitListEntry {
            row: row.row,
            name: row.name.clone(),
            kind: row.kind,
            parent: match row.parent {
                UnitParent::Root => String::new(),
                UnitParent::Existing(id) => index.path(id),
                UnitParent::Row(n) => parsed
                    .rows
                    .iter()
                    .find(|r| r.row == n)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
            },
            window_unit: row.window_unit,
            action: match row.existing.and_then(|id| index.get(id)) {
                None => UnitListAction::Create,
                Some(unit) if unit.window_unit == row.window_unit => UnitListAction::Unchanged,
                Some(_) => UnitListAction::SetWindow,
            },
        })
        .collect();
    let stored = store && !has_errors(&problems);
    if stored {
        let now = db::now();
        let mut ids: HashMap<u32, i64> = HashMap::new();
        for row in &parsed.rows {
            let id = if let Some(id) = row.existing {
                store::update_fields(conn, id, None, Some(row.window_unit))?;
                id
            } else {
                let parent = match row.parent {
                    UnitParent::Root => None,
                    UnitParent::Existing(id) => Some(store::find(conn, id)?),
                    UnitParent::Row(n) => {
                        let id = ids.get(&n).copied().ok_or_else(Error::internal_logged)?;
                        Some(store::find(conn, id)?)
                    }
                };
                let name = checked_name(&row.name)?;
                store::insert(conn, parent.as_ref(), row.kind, &name, row.window_unit, now)?.id
            };
            ids.insert(row.row, id);
        }
        tracing::info!(
            rows = ids.len(),
            by = caller.account.id,
            "unit list imported"
        );
        crate::domain::audit::record(conn, caller, "unit.import", &format!("units:{}", ids.len()))?;
    }
    Ok(UnitListReport {
        problems,
        entries,
        stored,
    })
}
