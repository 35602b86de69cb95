//! Accounts: administrators manage the accounts of their subtree; everyone may see their own
//! account and devices.

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use canvass_protocol::accounts::{
    password_problem, username_problem, Account, CreateAccount, Device, UpdateAccount,
};
use canvass_protocol::{ErrorBody, ErrorCode};

use crate::auth::{self, Caller};
use crate::db::accounts::{self as store, AccountChanges, AccountRow, NewAccount};
use crate::db::{self, units, DbConnection, StoreError};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::units::visible_unit;
use crate::state::AppState;

/// Longest display name accepted, in characters.
const DISPLAY_NAME_MAX_CHARS: usize = 100;

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
    caller.require(caller.role().manages_accounts(), "list accounts")?;
    state
        .db(move |conn| {
            let rows = store::in_subtree(conn, caller.scope_path())?;
            Ok(web::Json(rows.iter().map(AccountRow::to_api).collect()))
        })
        .await
}

/// Creates an account in a unit of the caller's subtree (administrators only).
#[utoipa::path(
    tag = "accounts",
    request_body = CreateAccount,
    responses(
        (status = 201, body = Account),
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
    caller.require(caller.role().manages_accounts(), "create accounts")?;
    let body = body.0;
    if let Some(problem) = username_problem(&body.username) {
        return Err(ApiError::invalid("username", problem));
    }
    if let Some(problem) = password_problem(&body.password) {
        return Err(ApiError::invalid("password", problem));
    }
    let display_name =
        checked_display_name(body.display_name.as_deref().unwrap_or(&body.username))?;
    let hash = auth::hash_password(&body.password)?;
    state
        .db(move |conn| {
            visible_unit(conn, &caller, body.unit_id).map_err(|e| e.with_field("unit_id"))?;
            let new = NewAccount {
                username: &body.username,
                display_name: &display_name,
                password_hash: &hash,
                role: body.role,
                unit_id: Some(body.unit_id),
            };
            let row = match store::insert(conn, &new, db::now()) {
                Ok(row) => row,
                Err(StoreError::UniqueViolation(_)) => {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        ErrorCode::UsernameTaken,
                        "that username is already taken",
                    )
                    .with_field("username"))
                }
                Err(e) => return Err(e.into()),
            };
            tracing::info!(account = row.id, by = caller.account.id, "account created");
            Ok(row.to_api())
        })
        .await
        .map(|account| HttpResponse::Created().json(account))
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
    state
        .db(move |conn| Ok(web::Json(readable_account(conn, &caller, id)?.to_api())))
        .await
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
    caller.require(caller.role().manages_accounts(), "change accounts")?;
    let id = id.into_inner();
    let body = body.0;
    let display_name = body
        .display_name
        .as_deref()
        .map(checked_display_name)
        .transpose()?;
    if let Some(problem) = body.password.as_deref().and_then(password_problem) {
        return Err(ApiError::invalid("password", problem));
    }
    if id == caller.account.id
        && (body.disabled == Some(true) || body.role.is_some() || body.unit_id.is_some())
    {
        return Err(ApiError::forbidden(
            "you cannot disable yourself or change your own role or unit; ask another administrator",
        ));
    }
    let hash = body
        .password
        .as_deref()
        .map(auth::hash_password)
        .transpose()?;
    state
        .db(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let target = managed_account(conn, &caller, id)?;
                if let Some(unit_id) = body.unit_id {
                    visible_unit(conn, &caller, unit_id).map_err(|e| e.with_field("unit_id"))?;
                }
                let changes = AccountChanges {
                    display_name: display_name.as_deref(),
                    role: body.role,
                    unit_id: body.unit_id,
                    disabled: body.disabled,
                    password_hash: hash.as_deref(),
                };
                let row = store::update(conn, target.id, &changes, db::now())?;
                tracing::info!(account = row.id, by = caller.account.id, "account changed");
                Ok(web::Json(row.to_api()))
            })
        })
        .await
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
    state
        .db(move |conn| {
            let account = readable_account(conn, &caller, id)?;
            let rows = store::devices_of(conn, account.id)?;
            Ok(web::Json(
                rows.iter().map(store::DeviceRow::to_api).collect(),
            ))
        })
        .await
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
        .db(move |conn| {
            let account = readable_account(conn, &caller, id)?;
            let device = store::find_device(conn, &device_id)?
                .filter(|d| d.account_id == account.id)
                .ok_or_else(|| ApiError::not_found("device"))?;
            store::revoke_device(conn, &device.id, db::now())?;
            tracing::info!(device = %device.id, by = caller.account.id, "device token revoked");
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own account, or one an administrator manages.
fn readable_account(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<AccountRow, ApiError> {
    if id == caller.account.id {
        return Ok(caller.account.clone());
    }
    caller.require(caller.role().manages_accounts(), "see other accounts")?;
    managed_account(conn, caller, id)
}

/// An account in the caller's subtree (installation-wide accounts only for installation-wide
/// administrators).
fn managed_account(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<AccountRow, ApiError> {
    let account = match store::find(conn, id) {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Err(ApiError::not_found("account")),
        Err(e) => return Err(e.into()),
    };
    match account.unit_id {
        None if caller.unit.is_some() => Err(ApiError::out_of_scope()),
        None => Ok(account),
        Some(unit_id) => {
            let unit = units::find(conn, unit_id)?;
            caller.check_scope(&unit)?;
            Ok(account)
        }
    }
}

fn checked_display_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid(
            "display_name",
            "the display name is empty",
        ));
    }
    if name.chars().count() > DISPLAY_NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "display_name",
            "the display name has at most 100 characters and no control characters",
        ));
    }
    Ok(name.to_string())
}
