//! Appraisal rounds: officials, set-up and lifecycle (organisers), ballot codes, tally sheets,
//! results; and the public JSON ballot API. The printable slips of `POST /rounds/{id}/slips` are
//! a page, served by `web::slips` on this API's path.

use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use canvass_protocol::rounds::{
    Cast, CastRequest, CreateOfficial, CreateRound, GenerateCodes, GeneratedCodes, Official,
    RoundInfo, RoundReport, RoundStatus, TallySheet, TallySheetRecord, UpdateOfficial, UpdateRound,
};
use canvass_protocol::ErrorBody;

use crate::domain::auth::Caller;
use crate::domain::rounds::{self, officials};
use crate::domain::tally_sheets;
use crate::http::{ApiError, ApiJson, AppState};

/// Officials of units in the caller's subtree.
#[utoipa::path(tag = "rounds", responses((status = 200, body = [Official]), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[get("/officials")]
pub async fn list_officials(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<Official>>, ApiError> {
    Ok(web::Json(
        state.db(move |conn| officials::list(conn, &caller)).await?,
    ))
}

/// Adds an official (name, position, unit), kept across rounds.
#[utoipa::path(tag = "rounds", request_body = CreateOfficial, responses((status = 201, body = Official), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
#[post("/officials")]
pub async fn create_official(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateOfficial>,
) -> Result<HttpResponse, ApiError> {
    let official = state
        .db(move |conn| officials::create(conn, &caller, &body.0))
        .await?;
    Ok(HttpResponse::Created().json(official))
}

/// Changes an official's name, position or whether they are still in office.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Official id")), request_body = UpdateOfficial, responses((status = 200, body = Official), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
#[patch("/officials/{id}")]
pub async fn update_official(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<UpdateOfficial>,
) -> Result<web::Json<Official>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| officials::update(conn, &caller, id, &body.0))
            .await?,
    ))
}

/// Rounds owned by units in the caller's subtree, newest first.
#[utoipa::path(tag = "rounds", responses((status = 200, body = [RoundInfo]), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[get("/rounds")]
pub async fn list_rounds(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<RoundInfo>>, ApiError> {
    let base = state.public_url.clone();
    Ok(web::Json(
        state
            .db(move |conn| rounds::list(conn, &caller, &base))
            .await?,
    ))
}

/// Creates a draft round from a definition (docs/rounds.md): subjects, scales, dimensions,
/// elector groups with weights, validity rules, flag rules, minimum group size.
#[utoipa::path(tag = "rounds", request_body = CreateRound, responses((status = 201, body = RoundInfo), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, description = "every problem of the definition in `errors`", body = ErrorBody)), security(("bearer" = [])))]
#[post("/rounds")]
pub async fn create_round(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateRound>,
) -> Result<HttpResponse, ApiError> {
    let base = state.public_url.clone();
    let info = state
        .db(move |conn| rounds::create(conn, &caller, &body.0, &base))
        .await?;
    Ok(HttpResponse::Created().json(info))
}

/// One round.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), responses((status = 200, body = RoundInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[get("/rounds/{id}")]
pub async fn get_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<RoundInfo>, ApiError> {
    let base = state.public_url.clone();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| rounds::get(conn, &caller, id, &base))
            .await?,
    ))
}

/// Replaces a draft round's definition.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), request_body = UpdateRound, responses((status = 200, body = RoundInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "round_state_conflict", body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
#[patch("/rounds/{id}")]
pub async fn update_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<UpdateRound>,
) -> Result<web::Json<RoundInfo>, ApiError> {
    let base = state.public_url.clone();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| rounds::update(conn, &caller, id, &body.0.definition, &base))
            .await?,
    ))
}

async fn transition(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    to: RoundStatus,
) -> Result<web::Json<RoundInfo>, ApiError> {
    let base = state.public_url.clone();
    Ok(web::Json(
        state
            .db(move |conn| rounds::transition(conn, &caller, id, to, &base))
            .await?,
    ))
}

/// Opens the round for voting (from draft, or again after closing).
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), responses((status = 200, body = RoundInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[post("/rounds/{id}/open")]
pub async fn open_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<RoundInfo>, ApiError> {
    transition(state, caller, id.into_inner(), RoundStatus::Open).await
}

/// Ends voting.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), responses((status = 200, body = RoundInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[post("/rounds/{id}/close")]
pub async fn close_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<RoundInfo>, ApiError> {
    transition(state, caller, id.into_inner(), RoundStatus::Closed).await
}

/// Publishes the results of a closed round: final, and visible to leaders.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), responses((status = 200, body = RoundInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[post("/rounds/{id}/publish")]
pub async fn publish_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<RoundInfo>, ApiError> {
    transition(state, caller, id.into_inner(), RoundStatus::Published).await
}

/// Generates one-time ballot codes for an elector group. The codes are in this answer only:
/// the server keeps their keyed hashes. Print them with `POST /rounds/{id}/slips`.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), request_body = GenerateCodes, responses((status = 201, body = GeneratedCodes), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
#[post("/rounds/{id}/codes")]
pub async fn generate_codes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<GenerateCodes>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let (info, codes) = state
        .generate_codes(caller, id.into_inner(), &request)
        .await?;
    Ok(HttpResponse::Created().json(GeneratedCodes {
        elector_group: request.elector_group,
        codes,
        ballot_url: info.ballot_url,
    }))
}

/// Enters a polling station's paper tally sheet (once per station). The checks of the domain
/// are enforced; returned > issued voids the station (stored, answered with `outcome: void`).
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), request_body = TallySheet, responses((status = 201, body = TallySheetRecord), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "tally_sheet_exists, round_state_conflict", body = ErrorBody), (status = 422, description = "every inconsistency in `errors`", body = ErrorBody)), security(("bearer" = [])))]
#[post("/rounds/{id}/tally-sheets")]
pub async fn enter_sheet(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<TallySheet>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = state
        .db(move |conn| tally_sheets::enter(conn, &caller, id, &body.0, false))
        .await?;
    Ok(HttpResponse::Created().json(record))
}

/// Corrects a station's sheet: the new sheet replaces it, and the old one stays visible with
/// who entered it and when.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), request_body = TallySheet, responses((status = 200, body = TallySheetRecord), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
#[put("/rounds/{id}/tally-sheets")]
pub async fn correct_sheet(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<TallySheet>,
) -> Result<web::Json<TallySheetRecord>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| tally_sheets::enter(conn, &caller, id, &body.0, true))
            .await?,
    ))
}

/// Every station's current sheet, with the versions corrections replaced.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), responses((status = 200, body = [TallySheetRecord]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[get("/rounds/{id}/tally-sheets")]
pub async fn list_sheets(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<TallySheetRecord>>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| tally_sheets::list(conn, &caller, id))
            .await?,
    ))
}

/// Results: per subject the count and share of each grade per elector group and weighted,
/// invalid and abstention counts, team grade, ranking, flags with the numbers that raised them,
/// identical-ballot stations, comparison with the previous round of the series, turnout.
/// Organisers see exact figures at any time; leaders once published, small groups hidden.
#[utoipa::path(tag = "rounds", params(("id" = i64, Path, description = "Round id")), responses((status = 200, body = RoundReport), (status = 403, description = "forbidden, out_of_scope, results_not_published", body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[get("/rounds/{id}/results")]
pub async fn round_results(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<RoundReport>, ApiError> {
    let base = state.public_url.clone();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| rounds::report(conn, &caller, id, &base))
            .await?,
    ))
}

/// Casts a ballot with a one-time code (no sign-in). The code is redeemed and the ballot
/// stored in one transaction; nothing links them. Unknown, mistyped, used and other-round
/// codes each get their own code.
#[utoipa::path(tag = "public", params(("slug" = String, Path, description = "The round's ballot link id")), request_body = CastRequest, responses((status = 201, body = Cast), (status = 404, body = ErrorBody), (status = 409, description = "ballot_code_used, round_not_open", body = ErrorBody), (status = 422, description = "ballot_code_unknown, ballot_code_check_mismatch, ballot_code_other_round, ballot problems", body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/public/rounds/{slug}/ballots")]
pub async fn cast_ballot(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: ApiJson<CastRequest>,
) -> Result<HttpResponse, ApiError> {
    state.check_code_attempts(&req)?;
    // stored by the group-commit writer with the other ballots of the moment; answered once
    // committed
    let outcome = state.commit.cast_ballot(slug.into_inner(), body.0).await;
    state.count_refused_code(&req, &outcome);
    let valid = outcome?;
    Ok(HttpResponse::Created().json(Cast { valid }))
}
