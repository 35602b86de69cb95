//! Survey management (organisers), results (organisers and leaders) and the public JSON
//! submission API used by other front ends.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use canvass_protocol::surveys::{
    CreateSurvey, GenerateSurveyCodes, GeneratedSurveyCodes, PublicForm, SubmitResponse, Submitted,
    Survey, SurveyCodeCount, SurveyCoverage, SurveyResults, SurveyVersion, UpdateSurvey,
};
use canvass_protocol::ErrorBody;

use crate::domain::auth::Caller;
use crate::domain::surveys::{self, Step};
use crate::domain::{exports, now, survey_codes};
use crate::http::{ApiError, ApiJson, AppState};

/// Lists the surveys owned by units in the caller's subtree, newest first, each with its
/// status and public link.
#[utoipa::path(
    tag = "surveys",
    responses((status = 200, body = [Survey]), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/surveys")]
pub async fn list_surveys(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<Survey>>, ApiError> {
    let base = state.public_url.clone();
    Ok(web::Json(
        state
            .db(move |conn| surveys::list(conn, &caller, &base))
            .await?,
    ))
}

/// Creates a draft survey from a form definition and its target units (organisers and
/// admins, within their subtree).
#[utoipa::path(
    tag = "surveys",
    request_body = CreateSurvey,
    responses(
        (status = 201, body = Survey),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 422, description = "invalid_definition (every problem in `errors`), invalid_value", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/surveys")]
pub async fn create_survey(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateSurvey>,
) -> Result<HttpResponse, ApiError> {
    let base = state.public_url.clone();
    let survey = state
        .db(move |conn| surveys::create(conn, &caller, &body.0, &base))
        .await?;
    Ok(HttpResponse::Created().json(survey))
}

/// One survey.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    responses((status = 200, body = Survey), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/surveys/{id}")]
pub async fn get_survey(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Survey>, ApiError> {
    let base = state.public_url.clone();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| surveys::get(conn, &caller, id, &base))
            .await?,
    ))
}

/// Changes a survey: a new draft definition (a published version never changes: editing after
/// publication starts the next version), targets (before any answer), the minimum group size
/// (before publication), the answering window.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    request_body = UpdateSurvey,
    responses(
        (status = 200, body = Survey),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "already_published", body = ErrorBody),
        (status = 422, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[patch("/surveys/{id}")]
pub async fn update_survey(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<UpdateSurvey>,
) -> Result<web::Json<Survey>, ApiError> {
    let base = state.public_url.clone();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| surveys::update(conn, &caller, id, &body.0, &base))
            .await?,
    ))
}

/// Lifecycle actions share one shape: load, act, answer with the survey.
async fn lifecycle(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    step: Step,
) -> Result<web::Json<Survey>, ApiError> {
    let base = state.public_url.clone();
    Ok(web::Json(
        state
            .db(move |conn| surveys::take_step(conn, &caller, id, step, &base))
            .await?,
    ))
}

/// Publishes the draft version: it becomes immutable and the one answers are given on; a
/// draft survey opens. The minimum group size is fixed from now on.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    responses(
        (status = 200, body = Survey),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "nothing_to_publish", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/surveys/{id}/publish")]
pub async fn publish_survey(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Survey>, ApiError> {
    lifecycle(state, caller, id.into_inner(), Step::Publish).await
}

/// Opens (or re-opens) a published survey.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    responses((status = 200, body = Survey), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[post("/surveys/{id}/open")]
pub async fn open_survey(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Survey>, ApiError> {
    lifecycle(state, caller, id.into_inner(), Step::Open).await
}

/// Closes a survey: no more answers are accepted.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    responses((status = 200, body = Survey), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[post("/surveys/{id}/close")]
pub async fn close_survey(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Survey>, ApiError> {
    lifecycle(state, caller, id.into_inner(), Step::Close).await
}

/// One version of a survey's form definition.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id"), ("version" = i32, Path, description = "Version number")),
    responses((status = 200, body = SurveyVersion), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/surveys/{id}/versions/{version}")]
pub async fn get_survey_version(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i32)>,
) -> Result<web::Json<SurveyVersion>, ApiError> {
    let (id, version) = path.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| surveys::version(conn, &caller, id, version))
            .await?,
    ))
}

/// Results: per question distributions, satisfaction rate and composite score per target,
/// ranking with ties, top and bottom three, responses per target and per respondent village,
/// comments. Figures resting on fewer answers than the survey's minimum group size are hidden
/// (with complementary cells); organisers and admins get the exact figures with the same
/// marks.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    responses((status = 200, body = SurveyResults), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/surveys/{id}/results")]
pub async fn survey_results(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<SurveyResults>, ApiError> {
    let id = id.into_inner();
    let rule = state.settings.rectification();
    Ok(web::Json(
        state
            .db(move |conn| surveys::results(conn, &caller, id, rule))
            .await?,
    ))
}

/// Field coverage: every village and community respondents may name, grouped by the unit
/// above it, with its answer count, those with none included. Under the survey's disclosure
/// control for leaders (the same cells hidden as in the results); exact for organisers.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    responses((status = 200, body = SurveyCoverage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/surveys/{id}/coverage")]
pub async fn survey_coverage(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<SurveyCoverage>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| surveys::coverage(conn, &caller, id))
            .await?,
    ))
}

/// Every stored answer set of a survey as CSV (organisers and admins in scope), in the language
/// of `Accept-Language`: the version, target unit and respondent's village (names, then ids),
/// channel and day, then one column per question of every published version titled by its
/// label, options by their labels (a multiple choice joined with `; `). Rows come in random-id
/// order, never the order of arrival, and carry nothing else. Streamed page by page.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    responses(
        (status = 200, description = "text/csv, UTF-8, with a header line", content_type = "text/csv"),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/surveys/{id}/answers.csv")]
pub async fn export_answers(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let lang = crate::http::request::accept_language(&req);
    let columns = state
        .db(move |conn| exports::answer_columns(conn, &caller, id, lang))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"survey-{id}-answers.csv\""),
        ))
        .streaming(crate::http::export::answers_csv(
            state.into_inner(),
            id,
            columns,
        )))
}

/// The public form behind a short link, for front ends other than the built-in page. No
/// sign-in.
#[utoipa::path(
    tag = "public",
    params(("slug" = String, Path, description = "The short link id")),
    responses((status = 200, body = PublicForm), (status = 404, body = ErrorBody))
)]
#[get("/public/surveys/{slug}")]
pub async fn get_public_form(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<web::Json<PublicForm>, ApiError> {
    let slug = slug.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| surveys::public_form(conn, &slug))
            .await?,
    ))
}

/// Submits one respondent's answers. Every answer problem is listed in `errors` with the field
/// `answers.<question>`; nothing is stored unless everything is valid. The answer carries no
/// receipt. Limited per client address (the address is never stored).
#[utoipa::path(
    tag = "public",
    params(("slug" = String, Path, description = "The short link id")),
    request_body = SubmitResponse,
    responses(
        (status = 201, body = Submitted),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "survey_not_open, survey_closed, survey_code_used", body = ErrorBody),
        (status = 422, description = "answer errors, wrong_target, version_not_published, survey_code_required, survey_code_invalid", body = ErrorBody),
        (status = 429, description = "rate_limited", body = ErrorBody)
    )
)]
#[post("/public/surveys/{slug}/responses")]
pub async fn submit_response(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: ApiJson<SubmitResponse>,
) -> Result<HttpResponse, ApiError> {
    // every answer counts, so guessing survey codes is limited as answering is
    state.check_submission_rate(&req)?;
    // stored by the group-commit writer with the other submissions of the moment; answered
    // once committed
    state
        .commit
        .store_survey(slug.into_inner(), body.0, now())
        .await
        .map_err(|rejection| ApiError(rejection.into_error()))?;
    Ok(HttpResponse::Created().json(Submitted { accepted: true }))
}

/// Generates one-time survey codes for a target unit (and, optionally, a village) of a survey
/// that requires them. The codes are in this answer only: the server keeps their keyed
/// hashes. Print them with `POST /surveys/{id}/slips`.
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    request_body = GenerateSurveyCodes,
    responses(
        (status = 201, body = GeneratedSurveyCodes),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "survey_closed, or the survey does not require codes", body = ErrorBody),
        (status = 422, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[post("/surveys/{id}/codes")]
pub async fn generate_survey_codes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: ApiJson<GenerateSurveyCodes>,
) -> Result<HttpResponse, ApiError> {
    let issued = state
        .generate_survey_codes(caller, id.into_inner(), body.0, false)
        .await?;
    Ok(HttpResponse::Created().json(issued.codes))
}

/// How many survey codes were issued and used, per target unit and village (never which code
/// answered what).
#[utoipa::path(
    tag = "surveys",
    params(("id" = i64, Path, description = "Survey id")),
    responses((status = 200, body = [SurveyCodeCount]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/surveys/{id}/codes")]
pub async fn survey_code_counts(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<SurveyCodeCount>>, ApiError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| survey_codes::counts(conn, &caller, id))
            .await?,
    ))
}
