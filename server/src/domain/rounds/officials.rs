//! The roster of officials (干部名册) that rounds grade: who may see and change it.

use canvass_protocol::rounds::{CreateOfficial, Official, UpdateOfficial};

use super::{checked_text, manages_rounds};
use crate::db::rounds::{self as store, OfficialRow};
use crate::db::{self, DbConnection, StoreError};
use crate::domain::auth::{Action, Caller};
use crate::domain::error::{Error, Thing};
use crate::domain::units::visible_unit;

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
    visible_unit(conn, caller, body.unit_id).map_err(|e| e.at("unit_id"))?;
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
    crate::domain::audit::record(
        conn,
        caller,
        "official.update",
        &format!("official:{}", row.id),
    )?;
    Ok(official_api(&store::find_official(conn, row.id)?))
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
