//! Sign-in, sign-out, the current account and password changes.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use canvass_protocol::accounts::Account;
use canvass_protocol::auth::{ChangePassword, LoginRequest, LoginResponse};
use canvass_protocol::ErrorBody;

use crate::domain::auth::{self, Attempt, Caller};
use crate::http::request::client_address;
use crate::http::{ApiError, ApiJson, AppState};

/// Signs in. Without `device_name` the answer is a short-lived session token; with it, a
/// long-lived device token for the field client that can be revoked. Repeated failures slow
/// down further attempts for the same account name and for the same client address.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "invalid_credentials", body = ErrorBody),
        (status = 403, description = "account_disabled", body = ErrorBody),
        (status = 429, description = "too_many_attempts; see Retry-After", body = ErrorBody)
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<web::Json<LoginResponse>, ApiError> {
    let request = body.0;
    let address = client_address(&req, state.settings.trust_forwarded_for);
    let rules = state.sign_in_rules();
    let keys = state.keys.clone();
    let signed_in = state
        .db(move |conn| {
            auth::password_login(
                conn,
                &rules,
                &keys,
                &Attempt {
                    username: &request.username,
                    password: &request.password,
                    address: &address,
                    device_name: request.device_name.as_deref(),
                },
            )
        })
        .await?;
    Ok(web::Json(signed_in))
}

/// Signs out: revokes the device token used for this request (a session token simply
/// expires). Takes effect on the next request.
#[utoipa::path(
    tag = "auth",
    responses((status = 204, description = "Signed out"), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    state.db(move |conn| auth::sign_out(conn, &caller)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in account.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = Account), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/auth/me")]
pub async fn me(caller: Caller) -> web::Json<Account> {
    web::Json(caller.account.to_api())
}

/// Changes one's own password; every token issued before, device tokens included, stops
/// working.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed; sign in again"),
        (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    state
        .db(move |conn| {
            auth::change_password(conn, &caller, &body.current_password, &body.new_password)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
