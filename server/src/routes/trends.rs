//! Trends across periods (organisers, admins and leaders, within their subtree): the series
//! they can follow, a survey series per unit and period, a round series per official and round.

use actix_web::{get, web};
use canvass_protocol::trends::{RoundTrend, SurveyTrend, TrendSeries};
use canvass_protocol::ErrorBody;

use crate::domain::auth::Caller;
use crate::domain::trends;
use crate::http::{ApiError, AppState};

/// The survey series (by name) and round series (by id) in the caller's subtree, each with how
/// many periods the caller may read.
#[utoipa::path(
    tag = "trends",
    responses((status = 200, body = TrendSeries), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/trends")]
pub async fn list_series(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<TrendSeries>, ApiError> {
    Ok(web::Json(
        state.db(move |conn| trends::series(conn, &caller)).await?,
    ))
}

/// The trend of a survey series: per target unit and period (the published surveys of the
/// series, oldest first) the answer sheets, satisfaction rate, composite score, rank and rank
/// change, under each survey's disclosure control for leaders; and whether the units the
/// rectification rule picked in one period scored higher in the next.
#[utoipa::path(
    tag = "trends",
    params(("series" = String, Path, description = "The series' name, percent-encoded")),
    responses((status = 200, body = SurveyTrend), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/trends/surveys/{series}")]
pub async fn survey_trend(
    state: web::Data<AppState>,
    caller: Caller,
    series: web::Path<String>,
) -> Result<web::Json<SurveyTrend>, ApiError> {
    let series = series.into_inner();
    let rule = state.settings.rectification();
    Ok(web::Json(
        state
            .db(move |conn| trends::survey_trend(conn, &caller, &series, rule))
            .await?,
    ))
}

/// The trend of a round series: per official and round (closed or published rounds for
/// organisers, published ones for leaders, oldest first) the weighted share of each grade,
/// composite score, rank and rank change, result grade and the flags raised.
#[utoipa::path(
    tag = "trends",
    params(("series" = String, Path, description = "The series id (`series_id` of its rounds)")),
    responses((status = 200, body = RoundTrend), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/trends/rounds/{series}")]
pub async fn round_trend(
    state: web::Data<AppState>,
    caller: Caller,
    series: web::Path<String>,
) -> Result<web::Json<RoundTrend>, ApiError> {
    let series = series.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| trends::round_trend(conn, &caller, &series))
            .await?,
    ))
}
