//! The unit tree: read within one's subtree; created, changed and deleted by admins and
//! organisers within their subtree.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use canvass_protocol::units::{CreateUnit, Unit, UnitKind, UpdateUnit};
use canvass_protocol::ErrorBody;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::auth::Caller;
use crate::domain::units;
use crate::http::{ApiError, ApiJson, AppState};

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
    let list = state
        .db(move |conn| units::list(conn, &caller, kind))
        .await?;
    Ok(web::Json(list))
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
    Ok(web::Json(
        state.db(move |conn| units::get(conn, &caller, id)).await?,
    ))
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
    let unit = state
        .db(move |conn| units::create(conn, &caller, &body.0))
        .await?;
    Ok(HttpResponse::Created().json(unit))
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
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| units::update(conn, &caller, id, &body.0))
            .await?,
    ))
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
    let id = id.into_inner();
    state
        .db(move |conn| units::delete(conn, &caller, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
