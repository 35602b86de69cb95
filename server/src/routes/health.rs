//! `/healthz`: whether the server is up and can reach its database.

use actix_web::{get, web, HttpResponse};
use canvass_protocol::auth::Health;

use crate::http::AppState;

/// Reports database reachability: 200 when the database answers, 503 when it does not.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Up, database reachable", body = Health),
        (status = 503, description = "Up, database unreachable", body = Health)
    )
)]
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let reachable = state.database_answers().await;
    let body = Health {
        status: if reachable { "ok" } else { "degraded" }.into(),
        database: if reachable { "ok" } else { "unreachable" }.into(),
        backend: state.backend.as_str().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    if reachable {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
