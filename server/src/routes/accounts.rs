//! Accounts: administrators manage the accounts of their subtree; everyone may see their own
//! account and devices.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use canvass_protocol::accounts::{
    Account, CreateAccount, CreatedAccount, Device, TemporaryPassword, UpdateAccount,
};
use canvass_protocol::ErrorBody;

use crate::domain::accounts;
use crate::domain::auth::Caller;
use crate::http::{ApiError, ApiJson, AppState};

/// Lists the accounts whose unit lies in the caller's subtree (administrators only).
#[utoipa::path(
    tag = "accounts",
    responses((status = 200, body = [Account]), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/accounts")]
pub async fn list_accounts(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<Account>>, ApiError> {
    Ok(web::Json(
        state.db(move |conn| accounts::list(conn, &caller)).await?,
    ))
}

/// Creates an account in a unit of the caller's subtree (administrators only). Without a
/// password the server makes a temporary one, answered once in `temporary_password`, which
/// must be changed at the first sign-in.
#[utoipa::path(
    tag = "accounts",
    request_body = CreateAccount,
    responses(
        (status = 201, body = CreatedAccount),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "username_taken", body = ErrorBody),
        (status = 422, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/accounts")]
pub async fn create_account(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateAccount>,
) -> Result<HttpResponse, ApiError> {
    let account = state
        .db(move |conn| accounts::create(conn, &caller, &body.0))
        .await?;
    Ok(HttpResponse::Created().json(account))
}

/// Resets another account's password to a temporary one, answered this once, which must be
/// changed at its next sign-in; the account is signed out everywhere and its devices are
/// revoked (administrators and organisers, within their subtree, for roles not above their
/// own; never one's own account).
#[utoipa::path(
    tag = "accounts",
    params(("id" = i64, Path, description = "Account id")),
    responses(
        (status = 200, body = TemporaryPassword),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/accounts/{id}/reset-password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<TemporaryPassword>, ApiError> {
    let id = id.into_inner();
    let done = state
        .db(move |conn| accounts::reset_password(conn, &caller, id))
        .await?;
    Ok(web::Json(TemporaryPassword {
        account: done.account,
        temporary_password: done.password,
    }))
}

/// One account: one's own, or (for administrators) any in the subtree.
#[utoipa::path(
    tag = "accounts",
    params(("id" = i64, Path, description = "Account id")),
    responses(
        (status = 200, body = Account),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/accounts/{id}")]
pub async fn get_account(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Account>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| accounts::get(conn, &caller, id))
            .await?,
    ))
}

/// Changes an account (administrators only): display name, role, unit, disabled, password.
/// Disabling or a new password takes effect on the account's next request.
#[utoipa::path(
    tag = "accounts",
    params(("id" = i64, Path, description = "Account id")),
    request_body = UpdateAccount,
    responses(
        (status = 200, body = Account),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[patch("/accounts/{id}")]
pub async fn update_account(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<UpdateAccount>,
) -> Result<web::Json<Account>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| accounts::update(conn, &caller, id, &body.0))
            .await?,
    ))
}

/// The device tokens of an account: one's own, or (administrators) any in the subtree.
#[utoipa::path(
    tag = "accounts",
    params(("id" = i64, Path, description = "Account id")),
    responses((status = 200, body = [Device]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/accounts/{id}/devices")]
pub async fn list_devices(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<Device>>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| accounts::devices(conn, &caller, id))
            .await?,
    ))
}

/// Revokes a device token: its next request is refused with `token_revoked`.
#[utoipa::path(
    tag = "accounts",
    params(
        ("id" = i64, Path, description = "Account id"),
        ("device_id" = String, Path, description = "Device id")
    ),
    responses((status = 204, description = "Revoked"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[delete("/accounts/{id}/devices/{device_id}")]
pub async fn revoke_device(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, device_id) = path.into_inner();
    state
        .db(move |conn| accounts::revoke_device(conn, &caller, id, &device_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
