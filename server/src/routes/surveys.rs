//! Survey management (organisers), results (organisers and leaders) and the public JSON
//! submission API used by other front ends.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use canvass_protocol::forms::Lang;
use canvass_protocol::surveys::{
    CreateSurvey, PublicForm, PublicTarget, SubmitResponse, Submitted, Survey, SurveyResults,
    SurveyVersion, UpdateSurvey,
};
use canvass_protocol::ErrorBody;

use crate::auth::Caller;
use crate::db::{self, surveys as store};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;
use crate::surveys;

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
    state
        .db(move |conn| {
            let rows = store::list(conn, caller.scope_path())?;
            let list = rows
                .iter()
                .map(|row| surveys::to_api(conn, row, &base))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(web::Json(list))
        })
        .await
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
        .db(move |conn| {
            let row = surveys::create(conn, &caller, &body.0)?;
            surveys::to_api(conn, &row, &base)
        })
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
    state
        .db(move |conn| {
            let row = surveys::visible_survey(conn, &caller, id)?;
            Ok(web::Json(surveys::to_api(conn, &row, &base)?))
        })
        .await
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
    state
        .db(move |conn| {
            let row = surveys::visible_survey(conn, &caller, id)?;
            surveys::update(conn, &caller, &row, &body.0)?;
            let row = store::find(conn, id)?;
            Ok(web::Json(surveys::to_api(conn, &row, &base)?))
        })
        .await
}

/// Lifecycle actions share one shape: load, act, answer with the survey.
async fn lifecycle(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    action: fn(&mut db::DbConnection, &Caller, &store::SurveyRow) -> Result<(), ApiError>,
) -> Result<web::Json<Survey>, ApiError> {
    let base = state.public_url.clone();
    state
        .db(move |conn| {
            let row = surveys::visible_survey(conn, &caller, id)?;
            action(conn, &caller, &row)?;
            let row = store::find(conn, id)?;
            Ok(web::Json(surveys::to_api(conn, &row, &base)?))
        })
        .await
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
    lifecycle(state, caller, id.into_inner(), surveys::publish).await
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
    lifecycle(state, caller, id.into_inner(), |c, caller, row| {
        surveys::set_open(c, caller, row, true)
    })
    .await
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
    lifecycle(state, caller, id.into_inner(), |c, caller, row| {
        surveys::set_open(c, caller, row, false)
    })
    .await
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
    state
        .db(move |conn| {
            let row = surveys::visible_survey(conn, &caller, id)?;
            let v = store::version(conn, row.id, version)?
                .ok_or_else(|| ApiError::not_found("version"))?;
            Ok(web::Json(SurveyVersion {
                survey_id: row.id,
                version: v.version,
                definition: surveys::stored_definition(&v.definition)?,
                published_at: v.published_at,
            }))
        })
        .await
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
    state
        .db(move |conn| {
            let row = surveys::visible_survey(conn, &caller, id)?;
            Ok(web::Json(surveys::results(conn, &caller, &row)?))
        })
        .await
}

/// Rows per page of the answer export: each page is one short read on a pooled connection,
/// so memory stays flat however many answers there are.
const EXPORT_PAGE_ROWS: i64 = 2000;

/// Every stored answer set of a survey as CSV (organisers and admins in scope): the version,
/// target, respondent's village, channel and day, then one column per question of every
/// published version (a multiple choice as `a;b`). Rows come in random-id order, never the
/// order of arrival, and carry nothing else. Streamed page by page.
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
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let questions = state
        .db(move |conn| {
            let row = surveys::visible_survey(conn, &caller, id)?;
            surveys::check_manage(conn, &caller, &row)?;
            surveys::export_columns(conn, row.id)
        })
        .await?;
    let header = surveys::export_header(&questions);
    let questions = std::sync::Arc::new(questions);
    let pool = state.pool.clone();
    // (next page starts after this id, header still to send, finished)
    let start: (Option<String>, Option<String>, bool) = (None, Some(header), false);
    let body = futures_util::stream::unfold(start, move |(after, header, done)| {
        let pool = pool.clone();
        let questions = questions.clone();
        async move {
            if let Some(header) = header {
                return Some((Ok(web::Bytes::from(header)), (after, None, false)));
            }
            if done {
                return None;
            }
            let page = web::block(move || {
                let mut conn = pool.get().map_err(std::io::Error::other)?;
                let rows = store::answers_page(&mut conn, id, after.as_deref(), EXPORT_PAGE_ROWS)
                    .map_err(std::io::Error::other)?;
                let mut text = String::with_capacity(rows.len() * 160);
                for row in &rows {
                    surveys::push_export_row(&mut text, row, &questions);
                }
                let last = rows.last().map(|r| r.0.clone());
                let full = i64::try_from(rows.len()).unwrap_or(0) == EXPORT_PAGE_ROWS;
                Ok::<_, std::io::Error>((text, last, full))
            })
            .await
            .map_err(std::io::Error::other)
            .and_then(|r| r);
            match page {
                Ok((text, last, full)) => Some((Ok(web::Bytes::from(text)), (last, None, !full))),
                Err(e) => {
                    // the response is cut short: the client sees an incomplete download
                    tracing::error!(error = %e, survey = id, "answer export failed");
                    Some((Err(e), (None, None, true)))
                }
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"survey-{id}-answers.csv\""),
        ))
        .streaming(body))
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
    state
        .db(move |conn| Ok(web::Json(public_form(conn, &slug)?)))
        .await
}

/// Builds the public view of the survey behind `slug`.
pub fn public_form(conn: &mut db::DbConnection, slug: &str) -> Result<PublicForm, ApiError> {
    let (row, fixed) =
        store::find_by_slug(conn, slug)?.ok_or_else(|| ApiError::not_found("survey"))?;
    let version = row
        .current_version
        .ok_or_else(|| ApiError::not_found("survey"))?;
    let v = store::version(conn, row.id, version)?.ok_or_else(|| ApiError::not_found("survey"))?;
    let targets = store::targets(conn, row.id)?
        .into_iter()
        .filter(|t| fixed.is_none_or(|f| f == t.unit_id))
        .map(|t| PublicTarget {
            unit_id: t.unit_id,
            name: t.name,
        })
        .collect();
    let villages = surveys::respondent_units(conn, &row)?
        .into_iter()
        .map(|u| PublicTarget {
            unit_id: u.id,
            name: u.name,
        })
        .collect();
    Ok(PublicForm {
        slug: slug.to_string(),
        version,
        definition: surveys::stored_definition(&v.definition)?,
        targets,
        villages,
        min_group_size: u32::try_from(row.min_group_size).unwrap_or(surveys::MIN_GROUP_SIZE),
        accepting: surveys::accepting(&row, db::now()),
    })
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
        (status = 409, description = "survey_not_open, survey_closed", body = ErrorBody),
        (status = 422, description = "answer errors, wrong_target, version_not_published", body = ErrorBody),
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
    state.check_submission_rate(&req)?;
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::ZhCn, Lang::negotiate);
    // stored by the group-commit writer with the other submissions of the moment; answered
    // once committed
    state
        .commit
        .submit_survey(slug.into_inner(), body.0, lang, db::now())
        .await?;
    Ok(HttpResponse::Created().json(Submitted { accepted: true }))
}
