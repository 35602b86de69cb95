//! The JSON API under `/api/v1`, plus `/healthz` and the OpenAPI document. Routes are
//! registered through `utoipa-actix-web`, so the document lists exactly the routes served.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod health;
pub mod imports;
pub mod rectification;
pub mod rounds;
pub mod surveys;
pub mod sync;
pub mod trends;
pub mod units;

use actix_web::{web, HttpRequest, HttpResponse};
use canvass_protocol::{msg, ErrorCode};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::error::{Error, Kind};
use crate::http::ApiError;

/// The document's fixed parts; paths and schemas are collected from the registered handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "canvass API",
        description = "Anonymous satisfaction surveys and democratic appraisal (民主测评) for local government. Every error answers {\"error\":{\"code\",\"message\",\"field\"?}} with a stable code.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(canvass_protocol::ErrorBody, canvass_protocol::ErrorDetail, canvass_protocol::ErrorCode)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign-in, tokens and devices"),
        (name = "units", description = "The unit tree"),
        (name = "accounts", description = "Accounts and roles"),
        (name = "surveys", description = "Satisfaction surveys: definitions, versions, lifecycle, results"),
        (name = "rounds", description = "Democratic appraisal: officials, rounds, ballot codes, tally sheets, results"),
        (name = "sync", description = "Field sync: the offline client's manifest and batches stored exactly once"),
        (name = "public", description = "What respondents use, without signing in"),
        (name = "trends", description = "Trends across periods: survey series and round series"),
        (name = "rectification", description = "Rectification (整改): publishing a survey's results, the ledger, reports and their review"),
        (name = "audit", description = "The audit log of organisers' and administrators' actions"),
        (name = "health", description = "Liveness and database reachability"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Registers every API route (under `/api/v1`) on `cfg`.
///
/// actix tries routes in the order they are registered, and every path with a `{...}` segment
/// is matched by running a regular expression, so the public answers, ballots and field
/// batches, which are most of all requests, come first: registered among the others, an
/// answer would run some twenty expressions before its own (what that cost is in
/// docs/performance.md, "The public routes are matched first"). No other route matches their
/// paths, so the order changes nothing else.
pub fn api_v1(cfg: &mut ServiceConfig<'_>) {
    cfg.service(surveys::submit_response)
        .service(rounds::cast_ballot)
        .service(sync::upload_batch)
        .service(surveys::get_public_form)
        .service(sync::manifest)
        .service(sync::coverage)
        .service(auth::login)
        .service(auth::logout)
        .service(auth::me)
        .service(auth::change_password)
        .service(imports::import_units)
        .service(imports::import_officials)
        .service(units::list_units)
        .service(units::create_unit)
        .service(units::get_unit)
        .service(units::update_unit)
        .service(units::delete_unit)
        .service(accounts::list_accounts)
        .service(accounts::create_account)
        .service(accounts::get_account)
        .service(accounts::update_account)
        .service(accounts::reset_password)
        .service(accounts::list_devices)
        .service(accounts::revoke_device)
        .service(surveys::list_surveys)
        .service(surveys::create_survey)
        .service(surveys::get_survey)
        .service(surveys::update_survey)
        .service(surveys::publish_survey)
        .service(surveys::open_survey)
        .service(surveys::close_survey)
        .service(surveys::get_survey_version)
        .service(surveys::survey_results)
        .service(surveys::generate_survey_codes)
        .service(surveys::survey_code_counts)
        .service(surveys::survey_coverage)
        .service(surveys::export_answers)
        .service(rectification::publish_results)
        .service(rectification::list_items)
        .service(rectification::ledger_counts)
        .service(rectification::create_item)
        .service(rectification::get_item)
        .service(rectification::set_due)
        .service(rectification::write_report)
        .service(rectification::accept)
        .service(rectification::send_back)
        .service(rectification::download_attachment)
        .service(rounds::list_officials)
        .service(rounds::create_official)
        .service(rounds::update_official)
        .service(rounds::list_rounds)
        .service(rounds::create_round)
        .service(rounds::get_round)
        .service(rounds::update_round)
        .service(rounds::open_round)
        .service(rounds::close_round)
        .service(rounds::publish_round)
        .service(rounds::generate_codes)
        .service(rounds::enter_sheet)
        .service(rounds::correct_sheet)
        .service(rounds::list_sheets)
        .service(rounds::round_results)
        .service(trends::list_series)
        .service(trends::survey_trend)
        .service(trends::round_trend)
        .service(audit::list_audit);
}

/// Answer for any path no route matches.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError(Error::new(
        Kind::NotFound,
        ErrorCode::RouteNotFound,
        msg!(
            "error-no-route",
            method = req.method().as_str(),
            path = req.path()
        ),
    )))
}

/// Serves the OpenAPI document.
pub fn openapi_resource(doc: utoipa::openapi::OpenApi) -> actix_web::Resource {
    let body = doc.to_json().unwrap_or_else(|_| "{}".into());
    web::resource("/api/openapi.json").route(web::get().to(move || {
        let body = body.clone();
        async move {
            HttpResponse::Ok()
                .content_type("application/json")
                .body(body)
        }
    }))
}
