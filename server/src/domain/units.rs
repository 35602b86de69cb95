//! The unit tree: who may read, create, change, move and delete units, and where a unit of each
//! kind may stand. Everyone reads within their subtree; admins and organisers change it.

use canvass_protocol::i18n::Message;
use canvass_protocol::msg;
use canvass_protocol::units::{CreateUnit, Unit, UnitKind, UpdateUnit, UNIT_NAME_MAX_CHARS};
use canvass_protocol::ErrorCode;

use super::auth::{Action, Caller};
use super::error::{Error, Kind, Thing};
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
    let name = checked_name(&body.name)?;
    let parent = match body.parent_id {
        Some(pid) => Some(visible_unit(conn, caller, pid).map_err(|e| e.at("parent_id"))?),
        None => {
            if caller.unit.is_some() {
                return Err(Error::out_of_scope().at("parent_id"));
            }
            None
        }
    };
    check_placement(body.kind, parent.as_ref())?;
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

/// Renames a unit, changes its window flag, or moves it (with its subtree) under another
/// parent; the caller's own unit cannot be moved.
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
            check_placement(unit.kind(), Some(&parent))?;
            store::move_subtree(conn, &unit, &parent)?;
        }
        store::update_fields(conn, id, name.as_deref(), body.window_unit)?;
        crate::domain::audit::record(conn, caller, "unit.update", &format!("unit:{id}"))?;
        Ok(store::find(conn, id)?.to_api())
    })
}

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
