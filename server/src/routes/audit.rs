//! The audit log for organisers and administrators: the entries of their subtree's accounts,
//! newest first and paged, filtered by action, account and day, with the state of the whole
//! hash chain.

use actix_web::{get, web, HttpRequest};
use canvass_protocol::audit::AuditLog;
use canvass_protocol::ErrorBody;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::audit::{self, Query};
use crate::domain::auth::Caller;
use crate::http::{ApiError, AppState};

/// Filters of `GET /api/v1/audit`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only this action (`round.open`, `tally_sheet.correct` …; see docs/api.md).
    pub action: Option<String>,
    /// Only this account's entries (its username).
    pub actor: Option<String>,
    /// Only entries on or after this day, `YYYY-MM-DD` in UTC+8.
    pub from: Option<String>,
    /// Only entries on or before this day, `YYYY-MM-DD` in UTC+8.
    pub to: Option<String>,
    /// The page, from 1 (50 entries a page).
    pub page: Option<String>,
}

impl From<AuditQuery> for Query {
    fn from(q: AuditQuery) -> Self {
        Query {
            action: q.action,
            actor: q.actor,
            from: q.from,
            to: q.to,
            page: q.page,
        }
    }
}

/// One page of the audit log's entries in the caller's scope, newest first, in the language of
/// `Accept-Language`, with the state of the whole chain (organisers and administrators).
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, body = AuditLog),
        (status = 400, description = "invalid_query", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "forbidden: leaders and field officers", body = ErrorBody),
        (status = 422, description = "invalid_value: a filter", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<AuditLog>, ApiError> {
    let lang = crate::http::request::accept_language(&req);
    let query = Query::from(query.into_inner());
    Ok(web::Json(
        state
            .db(move |conn| audit::page(conn, &caller, &query, lang))
            .await?,
    ))
}
