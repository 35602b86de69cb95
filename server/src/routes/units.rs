//! The unit tree: read within one's subtree; created, changed and deleted by admins and
//! organisers within their subtree.

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use canvass_protocol::units::{CreateUnit, Unit, UnitKind, UpdateUnit, UNIT_NAME_MAX_CHARS};
use canvass_protocol::{ErrorBody, ErrorCode};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::db::units::{self as store, UnitRow};
use crate::db::{self, DbConnection, StoreError};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

/// Filters of `GET /api/v1/units`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UnitQuery {
    /// Only units of this kind.
    pub kind: Option<UnitKind>,
}

/// Lists every unit in the caller's subtree, root first.
#[utoipa::path(
    tag = "units",
    params(UnitQuery),
    responses((status = 200, body = [Unit]), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/units")]
pub async fn list_units(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<UnitQuery>,
) -> Result<web::Json<Vec<Unit>>, ApiError> {
    let kind = query.kind;
    state
        .db(move |conn| {
            let rows = store::subtree(conn, caller.scope_path(), kind)?;
            Ok(web::Json(rows.iter().map(UnitRow::to_api).collect()))
        })
        .await
}

/// One unit of the caller's subtree.
#[utoipa::path(
    tag = "units",
    params(("id" = i64, Path, description = "Unit id")),
    responses(
        (status = 200, body = Unit),
        (status = 403, description = "out_of_scope", body = ErrorBody),
        (status = 404, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/units/{id}")]
pub async fn get_unit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Unit>, ApiError> {
    let id = id.into_inner();
    state
        .db(move |conn| {
            let unit = visible_unit(conn, &caller, id)?;
            Ok(web::Json(unit.to_api()))
        })
        .await
}

/// Creates a unit under a parent in the caller's subtree (a county only as a root, by an
/// installation-wide administrator).
#[utoipa::path(
    tag = "units",
    request_body = CreateUnit,
    responses(
        (status = 201, body = Unit),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 422, description = "invalid_value or invalid_parent", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/units")]
pub async fn create_unit(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateUnit>,
) -> Result<HttpResponse, ApiError> {
    caller.require(caller.role().manages_units(), "create units")?;
    let body = body.0;
    let name = checked_name(&body.name)?;
    state
        .db(move |conn| {
            let parent = match body.parent_id {
                Some(pid) => {
                    Some(visible_unit(conn, &caller, pid).map_err(|e| e.with_field("parent_id"))?)
                }
                None => {
                    if caller.unit.is_some() {
                        return Err(ApiError::out_of_scope().with_field("parent_id"));
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
            tracing::info!(unit = row.id, by = caller.account.id, "unit created");
            Ok(row.to_api())
        })
        .await
        .map(|unit| HttpResponse::Created().json(unit))
}

/// Renames a unit, changes its window flag, or moves it (with its subtree) under another
/// parent; the caller's own unit cannot be moved.
#[utoipa::path(
    tag = "units",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = UpdateUnit,
    responses(
        (status = 200, body = Unit),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[patch("/units/{id}")]
pub async fn update_unit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<UpdateUnit>,
) -> Result<web::Json<Unit>, ApiError> {
    caller.require(caller.role().manages_units(), "change units")?;
    let id = id.into_inner();
    let body = body.0;
    let name = body.name.as_deref().map(checked_name).transpose()?;
    state
        .db(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let unit = visible_unit(conn, &caller, id)?;
                if let Some(parent_id) = body.parent_id.filter(|p| Some(*p) != unit.parent_id) {
                    if caller.unit.as_ref().is_some_and(|own| own.id == unit.id) {
                        return Err(ApiError::forbidden(
                            "you cannot move the unit your account belongs to",
                        ));
                    }
                    let parent = visible_unit(conn, &caller, parent_id)
                        .map_err(|e| e.with_field("parent_id"))?;
                    if unit.contains_path(&parent.path) {
                        return Err(invalid_parent(
                            "a unit cannot be moved under itself or its own subtree",
                        ));
                    }
                    check_placement(unit.kind(), Some(&parent))?;
                    store::move_subtree(conn, &unit, &parent)?;
                }
                store::update_fields(conn, id, name.as_deref(), body.window_unit)?;
                Ok(web::Json(store::find(conn, id)?.to_api()))
            })
        })
        .await
}

/// Deletes a unit that has no child units and no accounts.
#[utoipa::path(
    tag = "units",
    params(("id" = i64, Path, description = "Unit id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "unit_in_use", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[delete("/units/{id}")]
pub async fn delete_unit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(caller.role().manages_units(), "delete units")?;
    let id = id.into_inner();
    state
        .db(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let unit = visible_unit(conn, &caller, id)?;
                if store::in_use(conn, unit.id)? {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        ErrorCode::UnitInUse,
                        "the unit still has child units or accounts",
                    ));
                }
                store::delete(conn, unit.id)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Loads a unit and checks it lies in the caller's subtree.
pub fn visible_unit(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<UnitRow, ApiError> {
    let unit = match store::find(conn, id) {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Err(ApiError::not_found("unit")),
        Err(e) => return Err(e.into()),
    };
    caller.check_scope(&unit)?;
    Ok(unit)
}

fn checked_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "the name is empty"));
    }
    if name.chars().count() > UNIT_NAME_MAX_CHARS {
        return Err(ApiError::invalid(
            "name",
            "the name is longer than 100 characters",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "name",
            "the name contains control characters",
        ));
    }
    Ok(name.to_string())
}

fn invalid_parent(message: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidParent,
        message,
    )
    .with_field("parent_id")
}

fn check_placement(kind: UnitKind, parent: Option<&UnitRow>) -> Result<(), ApiError> {
    let parent_kind = parent.map(UnitRow::kind);
    if kind.may_stand_under(parent_kind) {
        return Ok(());
    }
    Err(invalid_parent(&match parent_kind {
        None => format!("a {} needs a parent unit", kind.as_str()),
        Some(p) => format!("a {} cannot stand under a {}", kind.as_str(), p.as_str()),
    }))
}
