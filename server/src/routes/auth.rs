//! Sign-in, sign-out, the current account and password changes.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use canvass_protocol::accounts::{password_problem, Account};
use canvass_protocol::auth::{ChangePassword, LoginRequest, LoginResponse, TokenKind};
use canvass_protocol::{ErrorBody, ErrorCode};

use crate::auth::{self, claims_for, Caller};
use crate::db::accounts::{self as account_store, AccountChanges, DeviceRow};
use crate::db::{self, throttle};
use crate::error::ApiError;
use crate::state::AppState;

/// Longest device name accepted, in characters.
const DEVICE_NAME_MAX_CHARS: usize = 100;

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
    body: crate::extract::ApiJson<LoginRequest>,
) -> Result<web::Json<LoginResponse>, ApiError> {
    let request = body.0;
    let device_name = match request.device_name.as_deref().map(str::trim) {
        Some("") => return Err(ApiError::invalid("device_name", "the device name is empty")),
        Some(name) if name.chars().count() > DEVICE_NAME_MAX_CHARS => {
            return Err(ApiError::invalid(
                "device_name",
                "the device name is longer than 100 characters",
            ))
        }
        other => other.map(str::to_string),
    };
    let address = client_address(&req, state.settings.trust_forwarded_for);
    let settings = state.settings.clone();
    let keys = state.keys.clone();
    state
        .db(move |conn| {
            password_login(
                conn,
                &settings,
                &keys,
                &Attempt {
                    username: &request.username,
                    password: &request.password,
                    address: &address,
                    device_name,
                },
            )
            .map(web::Json)
        })
        .await
}

/// One sign-in attempt with a password, from the API or the sign-in page.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The client address, for throttling (never stored beyond the throttle's key).
    pub address: &'a str,
    /// `Some` asks for a device token.
    pub device_name: Option<String>,
}

/// Checks a password sign-in under the throttle (per account name and per client address) and
/// issues the token: the one sign-in logic behind `POST /api/v1/auth/login` and `/login`.
pub fn password_login(
    conn: &mut db::DbConnection,
    settings: &crate::settings::Settings,
    keys: &auth::TokenKeys,
    attempt: &Attempt<'_>,
) -> Result<LoginResponse, ApiError> {
    let account_key = format!("account:{}", attempt.username.trim().to_lowercase());
    let address_key = format!("address:{}", attempt.address);
    let now = db::now();
    let wait = throttle::wait_secs(
        conn,
        &account_key,
        settings.login_free_attempts_per_account,
        now,
    )?
    .max(throttle::wait_secs(
        conn,
        &address_key,
        settings.login_free_attempts_per_address,
        now,
    )?);
    if wait > 0 {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyAttempts,
            format!("too many failed sign-ins; try again in {wait} seconds"),
        )
        .retry_after(u64::try_from(wait).unwrap_or(1)));
    }
    let account = account_store::find_by_username(conn, attempt.username.trim())?;
    let hash = account
        .as_ref()
        .map_or(auth::dummy_hash(), |a| a.password_hash.as_str());
    let password_ok = auth::verify_password(attempt.password, hash);
    let Some(account) = account.filter(|_| password_ok) else {
        throttle::record_failure(conn, &account_key, now)?;
        throttle::record_failure(conn, &address_key, now)?;
        return Err(ApiError::unauthorized(
            ErrorCode::InvalidCredentials,
            "the username or password is wrong",
        ));
    };
    throttle::clear(conn, &account_key)?;
    if account.disabled {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::AccountDisabled,
            "this account has been disabled",
        ));
    }
    if auth::needs_rehash(&account.password_hash) {
        // a hash made with older parameters is stored again with the current ones
        let hash = auth::hash_password(attempt.password)?;
        account_store::replace_hash(conn, account.id, &account.password_hash, &hash)?;
    }
    let (kind, expires_at, device_id) = match attempt.device_name.clone() {
        None => (TokenKind::Session, now + settings.session_ttl_secs, None),
        Some(name) => {
            let device = DeviceRow {
                id: uuid::Uuid::new_v4().to_string(),
                account_id: account.id,
                name,
                created_at: now,
                expires_at: now + settings.device_token_ttl_days * 86_400,
                revoked_at: None,
            };
            account_store::insert_device(conn, &device)?;
            (TokenKind::Device, device.expires_at, Some(device.id))
        }
    };
    let token = keys.sign(&claims_for(
        &account,
        kind,
        now,
        expires_at,
        device_id.clone(),
    ))?;
    tracing::info!(account = account.id, kind = ?kind, "signed in");
    Ok(LoginResponse {
        token,
        expires_at,
        kind,
        device_id,
        account: account.to_api(),
    })
}

/// The address a request came from: the peer, or the first `X-Forwarded-For` hop when the
/// server is configured to trust its proxy.
pub fn client_ip(req: &HttpRequest, trust_forwarded_for: bool) -> Option<std::net::IpAddr> {
    if trust_forwarded_for {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    req.peer_addr().map(|a| a.ip())
}

/// The client address as text, for throttling keys (`unknown` when there is none).
pub fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    client_ip(req, trust_forwarded_for).map_or_else(|| "unknown".into(), |ip| ip.to_string())
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
    if let Some(device_id) = caller.claims.jti.clone() {
        state
            .db(move |conn| Ok(account_store::revoke_device(conn, &device_id, db::now())?))
            .await?;
    }
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
    body: crate::extract::ApiJson<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    if let Some(problem) = password_problem(&body.new_password) {
        return Err(ApiError::invalid("new_password", problem));
    }
    if !auth::verify_password(&body.current_password, &caller.account.password_hash) {
        return Err(ApiError::unauthorized(
            ErrorCode::InvalidCredentials,
            "the current password is wrong",
        )
        .with_field("current_password"));
    }
    let hash = auth::hash_password(&body.new_password)?;
    let id = caller.account.id;
    state
        .db(move |conn| {
            let changes = AccountChanges {
                password_hash: Some(&hash),
                ..AccountChanges::default()
            };
            account_store::update(conn, id, &changes, db::now())?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
