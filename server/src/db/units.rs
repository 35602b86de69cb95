//! Queries on the unit tree. A unit's `path` (`/1/4/9/`) makes "is X inside Y's subtree" a
//! prefix test and a subtree one indexed `LIKE` query.

use canvass_protocol::units::{Unit, UnitKind};
use diesel::prelude::*;

use super::schema::{accounts, officials, rounds, survey_counts, survey_targets, surveys, units};
use super::{DbConnection, StoreError};

/// A unit row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub window_unit: bool,
    pub path: String,
    pub created_at: i64,
    /// When the unit was retired: it stays in results, takes no new surveys, officials or
    /// units below it.
    pub retired_at: Option<i64>,
    /// How many people live in the unit, when known (a village's residents): to compare its
    /// share of a survey's answers with its share of the people.
    pub population: Option<i64>,
}

impl UnitRow {
    /// The unit's kind; rows are written only through [`insert`], which stores valid kinds.
    #[must_use]
    pub fn kind(&self) -> UnitKind {
        UnitKind::parse(&self.kind).unwrap_or(UnitKind::Village)
    }

    /// Whether `other` (a path) lies in this unit's subtree, this unit included.
    #[must_use]
    pub fn contains_path(&self, other: &str) -> bool {
        other.starts_with(&self.path)
    }

    /// The API form of the unit.
    #[must_use]
    pub fn to_api(&self) -> Unit {
        Unit {
            id: self.id,
            parent_id: self.parent_id,
            kind: self.kind(),
            name: self.name.clone(),
            window_unit: self.window_unit,
            path: path_ids(&self.path),
            retired: self.retired_at.is_some(),
            population: self.population.and_then(|p| u64::try_from(p).ok()),
        }
    }
}

/// The ids of a stored path, root first.
#[must_use]
pub fn path_ids(path: &str) -> Vec<i64> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Finds one unit.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<UnitRow, StoreError> {
    Ok(units::table
        .find(id)
        .select(UnitRow::as_select())
        .get_result(conn)?)
}

/// Every unit in the subtree whose root has `path` (all units when `path` is `None`), in tree
/// order.
pub fn subtree(
    conn: &mut DbConnection,
    path: Option<&str>,
    kind: Option<UnitKind>,
) -> Result<Vec<UnitRow>, StoreError> {
    let mut query = units::table.select(UnitRow::as_select()).into_boxed();
    if let Some(path) = path {
        query = query.filter(units::path.like(format!("{path}%")));
    }
    if let Some(kind) = kind {
        query = query.filter(units::kind.eq(kind.as_str()));
    }
    Ok(query
        .order((units::path.asc(), units::id.asc()))
        .load(conn)?)
}

/// Inserts a unit under `parent` (already checked by the caller) and returns it.
pub fn insert(
    conn: &mut DbConnection,
    parent: Option<&UnitRow>,
    kind: UnitKind,
    name: &str,
    window_unit: bool,
    now: i64,
) -> Result<UnitRow, StoreError> {
    crate::db::write_transaction(conn, |conn| {
        let id: i64 = diesel::insert_into(units::table)
            .values((
                units::parent_id.eq(parent.map(|p| p.id)),
                units::kind.eq(kind.as_str()),
                units::name.eq(name),
                units::window_unit.eq(window_unit),
                units::path.eq(""),
                units::created_at.eq(now),
            ))
            .returning(units::id)
            .get_result(conn)?;
        let path = format!("{}{id}/", parent.map_or("/", |p| p.path.as_str()));
        diesel::update(units::table.find(id))
            .set(units::path.eq(&path))
            .execute(conn)?;
        find(conn, id)
    })
}

/// Renames a unit or changes its window flag.
pub fn update_fields(
    conn: &mut DbConnection,
    id: i64,
    name: Option<&str>,
    window_unit: Option<bool>,
) -> Result<(), StoreError> {
    if let Some(name) = name {
        diesel::update(units::table.find(id))
            .set(units::name.eq(name))
            .execute(conn)?;
    }
    if let Some(window_unit) = window_unit {
        diesel::update(units::table.find(id))
            .set(units::window_unit.eq(window_unit))
            .execute(conn)?;
    }
    Ok(())
}

/// Moves `unit` and its whole subtree under `new_parent`, rewriting every path below it.
pub fn move_subtree(
    conn: &mut DbConnection,
    unit: &UnitRow,
    new_parent: &UnitRow,
) -> Result<(), StoreError> {
    let new_path = format!("{}{}/", new_parent.path, unit.id);
    let old_len = i32::try_from(unit.path.chars().count()).unwrap_or(i32::MAX);
    diesel::update(units::table.find(unit.id))
        .set(units::parent_id.eq(new_parent.id))
        .execute(conn)?;
    diesel::sql_query("UPDATE units SET path = $1 || substr(path, $2) WHERE path LIKE $3")
        .bind::<diesel::sql_types::Text, _>(&new_path)
        .bind::<diesel::sql_types::Integer, _>(old_len + 1)
        .bind::<diesel::sql_types::Text, _>(format!("{}%", unit.path))
        .execute(conn)?;
    Ok(())
}

/// Whether anything still hangs on the unit: child units, accounts, officials, surveys or
/// rounds it owns, surveys that target it, or answers given in it.
pub fn in_use(conn: &mut DbConnection, id: i64) -> Result<bool, StoreError> {
    let counts: [i64; 7] = [
        units::table
            .filter(units::parent_id.eq(id))
            .count()
            .get_result(conn)?,
        accounts::table
            .filter(accounts::unit_id.eq(id))
            .count()
            .get_result(conn)?,
        officials::table
            .filter(officials::unit_id.eq(id))
            .count()
            .get_result(conn)?,
        surveys::table
            .filter(surveys::unit_id.eq(id))
            .count()
            .get_result(conn)?,
        survey_targets::table
            .filter(survey_targets::unit_id.eq(id))
            .count()
            .get_result(conn)?,
        rounds::table
            .filter(rounds::unit_id.eq(id))
            .count()
            .get_result(conn)?,
        survey_counts::table
            .filter(survey_counts::respondent_unit_id.eq(id))
            .count()
            .get_result(conn)?,
    ];
    Ok(counts.iter().any(|n| *n > 0))
}

/// Retires a unit (`Some(when)`) or brings it back (`None`).
pub fn set_retired(
    conn: &mut DbConnection,
    id: i64,
    retired_at: Option<i64>,
) -> Result<(), StoreError> {
    diesel::update(units::table.find(id))
        .set(units::retired_at.eq(retired_at))
        .execute(conn)?;
    Ok(())
}

/// Sets (or, with `None`, forgets) how many people live in unit `id`.
pub fn set_population(
    conn: &mut DbConnection,
    id: i64,
    population: Option<i64>,
) -> Result<(), StoreError> {
    diesel::update(units::table.find(id))
        .set(units::population.eq(population))
        .execute(conn)?;
    Ok(())
}

/// How many child units of `id` are not retired.
pub fn active_children(conn: &mut DbConnection, id: i64) -> Result<i64, StoreError> {
    Ok(units::table
        .filter(units::parent_id.eq(id))
        .filter(units::retired_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Deletes a unit that nothing hangs on.
pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), StoreError> {
    diesel::delete(units::table.find(id)).execute(conn)?;
    Ok(())
}

/// Whether the database holds any unit at all.
pub fn any(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let n: i64 = units::table.count().get_result(conn)?;
    Ok(n > 0)
}
