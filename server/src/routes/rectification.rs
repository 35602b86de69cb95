//! Rectification (整改) on the JSON API: publishing a closed survey's results (which makes the
//! items the rectification rule picks), the ledger, an item with its history, and the steps of
//! its cycle: due date, report (files in base64), acceptance or return with a reason.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use canvass_protocol::rectification::{
    CreateItem, LedgerCounts, PublishedResults, RectificationDetail, RectificationItem, SendBack,
    SetDue, WriteReport,
};
use canvass_protocol::ErrorBody;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::auth::Caller;
use crate::domain::rectification::{self, LedgerQuery, MAX_REPORT_JSON_BYTES};
use crate::http::extract::{parse_json, read_json_body};
use crate::http::{ApiError, ApiJson, AppState};

/// Filters of `GET /api/v1/rectification`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LedgerParams {
    /// Only items that stand so: `open`, `reported`, `returned`, `overdue` or `closed`.
    pub status: Option<String>,
    /// Only items found after this survey.
    pub survey_id: Option<String>,
    /// Only items found after this round.
    pub round_id: Option<String>,
    /// Only this unit's items.
    pub unit_id: Option<String>,
}

impl From<LedgerParams> for LedgerQuery {
    fn from(q: LedgerParams) -> Self {
        LedgerQuery {
            status: q.status,
            survey_id: q.survey_id,
            round_id: q.round_id,
            unit_id: q.unit_id,
        }
    }
}

/// Publishes the results of a closed survey: recorded with who and when, and in the same
/// transaction an item of the rectification ledger for every unit the rectification rule picks
/// (its score, place and the questions where it fell short). Once only; the survey cannot be
/// opened again afterwards.
#[utoipa::path(
    tag = "rectification",
    params(("id" = i64, Path, description = "Survey id")),
    responses(
        (status = 200, body = PublishedResults),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "survey_not_closed, results_already_published", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/surveys/{id}/results/publish")]
pub async fn publish_results(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<PublishedResults>, ApiError> {
    let id = id.into_inner();
    let rule = state.settings.rectification();
    Ok(web::Json(
        state
            .db(move |conn| rectification::publish_results(conn, &caller, id, rule))
            .await?,
    ))
}

/// The rectification ledger (整改台账): the items of units in the caller's subtree, newest
/// first (everyone but field officers).
#[utoipa::path(
    tag = "rectification",
    params(LedgerParams),
    responses(
        (status = 200, body = [RectificationItem]),
        (status = 400, description = "invalid_query", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "forbidden: field officers", body = ErrorBody),
        (status = 422, description = "invalid_value: a filter", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/rectification")]
pub async fn list_items(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<LedgerParams>,
) -> Result<web::Json<Vec<RectificationItem>>, ApiError> {
    let filter = LedgerQuery::from(query.into_inner()).check()?;
    Ok(web::Json(
        state
            .db(move |conn| rectification::list(conn, &caller, filter))
            .await?,
    ))
}

/// How many items of the caller's subtree are open, overdue, reported and closed.
#[utoipa::path(
    tag = "rectification",
    responses(
        (status = 200, body = LedgerCounts),
        (status = 401, body = ErrorBody),
        (status = 403, description = "forbidden: field officers", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/rectification/counts")]
pub async fn ledger_counts(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<LedgerCounts>, ApiError> {
    Ok(web::Json(
        state
            .db(move |conn| rectification::counts(conn, &caller))
            .await?,
    ))
}

/// Adds an item by hand (organisers and admins): for a unit rated by a closed survey
/// (`survey_id`, `unit_id`), or for an official flagged in a round whose results are published
/// (`round_id`, `official_id`); `note` says what was found.
#[utoipa::path(
    tag = "rectification",
    request_body = CreateItem,
    responses(
        (status = 201, body = RectificationDetail),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "survey_not_closed, round_state_conflict, rectification_exists", body = ErrorBody),
        (status = 422, description = "missing_field (note), invalid_value (due_on, unit_id, official_id)", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/rectification")]
pub async fn create_item(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateItem>,
) -> Result<HttpResponse, ApiError> {
    let rule = state.settings.rectification();
    let detail = state
        .db(move |conn| rectification::create(conn, &caller, &body.0, rule))
        .await?;
    Ok(HttpResponse::Created().json(detail))
}

/// One item with every step of its cycle, oldest first.
#[utoipa::path(
    tag = "rectification",
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 200, body = RectificationDetail),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/rectification/{id}")]
pub async fn get_item(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<RectificationDetail>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| rectification::get(conn, &caller, id))
            .await?,
    ))
}

/// Sets or changes an item's due date (organisers and admins).
#[utoipa::path(
    tag = "rectification",
    params(("id" = i64, Path, description = "Item id")),
    request_body = SetDue,
    responses(
        (status = 200, body = RectificationDetail),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "rectification_closed", body = ErrorBody),
        (status = 422, description = "invalid_value: not a date, or a past one", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[put("/rectification/{id}/due")]
pub async fn set_due(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<SetDue>,
) -> Result<web::Json<RectificationDetail>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| rectification::set_due(conn, &caller, id, &body.0))
            .await?,
    ))
}

/// Writes the unit's rectification report (a leader's account of the item's own unit): its
/// text and up to 3 files in base64 (PDF, JPEG, PNG, XLSX or DOCX, recognised by content, at
/// most 5 MB each). Nothing is stored unless all of it is accepted.
#[utoipa::path(
    tag = "rectification",
    params(("id" = i64, Path, description = "Item id")),
    request_body = WriteReport,
    responses(
        (status = 200, body = RectificationDetail),
        (status = 400, body = ErrorBody),
        (status = 403, description = "forbidden: not a leader of the item's unit", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "rectification_closed, rectification_awaiting_review", body = ErrorBody),
        (status = 413, description = "payload_too_large: a file over 5 MB", body = ErrorBody),
        (status = 415, description = "attachment_type: a file of another type", body = ErrorBody),
        (status = 422, description = "missing_field (text), invalid_value (attachments)", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/rectification/{id}/report")]
pub async fn write_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<i64>,
    payload: web::Payload,
) -> Result<web::Json<RectificationDetail>, ApiError> {
    let id = id.into_inner();
    let mut payload = payload.into_inner();
    let bytes = read_json_body(&req, &mut payload, MAX_REPORT_JSON_BYTES).await?;
    let body: WriteReport = parse_json(&bytes)?;
    Ok(web::Json(
        state
            .db(move |conn| rectification::report_json(conn, &caller, id, &body))
            .await?,
    ))
}

/// Accepts the waiting report (organisers and admins): the item is closed.
#[utoipa::path(
    tag = "rectification",
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 200, body = RectificationDetail),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "rectification_not_reported, rectification_closed", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/rectification/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<RectificationDetail>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| rectification::accept(conn, &caller, id))
            .await?,
    ))
}

/// Sends the waiting report back with a reason (organisers and admins): the unit writes again.
#[utoipa::path(
    tag = "rectification",
    params(("id" = i64, Path, description = "Item id")),
    request_body = SendBack,
    responses(
        (status = 200, body = RectificationDetail),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "rectification_not_reported, rectification_closed", body = ErrorBody),
        (status = 422, description = "missing_field: reason", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/rectification/{id}/return")]
pub async fn send_back(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<SendBack>,
) -> Result<web::Json<RectificationDetail>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| rectification::send_back(conn, &caller, id, &body.0))
            .await?,
    ))
}

/// A file attached to an item's report, for those who may read the item.
#[utoipa::path(
    tag = "rectification",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("attachment_id" = i64, Path, description = "Attachment id")
    ),
    responses(
        (status = 200, description = "the file, with the type its content was recognised as", content(
            ("application/pdf"),
            ("image/jpeg"),
            ("image/png"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        )),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/rectification/{id}/attachments/{attachment_id}")]
pub async fn download_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment_id) = path.into_inner();
    let (name, media_type, content) = state
        .db(move |conn| rectification::attachment(conn, &caller, id, attachment_id))
        .await?;
    Ok(crate::http::export::attachment(&name, &media_type, content))
}
