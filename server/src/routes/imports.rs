//! Imports from a spreadsheet: a unit list and a roster of officials (干部名册), sent as the
//! raw XLSX or CSV bytes. `?dry_run=true` answers the preview (every bad row and cell, what
//! each good row would do) and stores nothing; without it the file is stored whole, or, with
//! any problem that is an error, not at all (422 with the same report).

use actix_web::{post, web, HttpRequest, HttpResponse};
use canvass_protocol::forms::Lang;
use canvass_protocol::sheets::{ImportAction, ImportReport, ImportRow, SheetProblem};
use canvass_protocol::{msg, ErrorBody, ErrorCode, ErrorDetail};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::auth::Caller;
use crate::domain::rounds::officials::{self, RosterAction, RosterReport};
use crate::domain::units::{self, UnitListAction, UnitListReport};
use crate::http::extract::read_file_body;
use crate::http::request::accept_language;
use crate::http::{ApiError, AppState};

/// The largest file accepted, as on the console's import pages.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// The query of an import.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Only check the file and answer the preview; store nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// The report of an import as the API sends it, in `lang`.
fn report(
    lang: Lang,
    problems: &[SheetProblem],
    rows: Vec<ImportRow>,
    stored: bool,
    dry_run: bool,
) -> HttpResponse {
    let count = |a| rows.iter().filter(|r: &&ImportRow| r.action == a).count();
    let refused = !dry_run && !stored;
    let body = ImportReport {
        error: refused.then(|| ErrorDetail {
            code: ErrorCode::InvalidValue,
            message: msg!(
                "sheet-import-refused",
                count = problems.iter().filter(|p| p.is_error()).count()
            )
            .render(lang),
            field: Some("file".into()),
        }),
        stored,
        problems: problems.iter().map(|p| p.detail(lang)).collect(),
        created: count(ImportAction::Create),
        updated: count(ImportAction::Update),
        unchanged: count(ImportAction::Unchanged),
        rows,
    };
    if refused {
        HttpResponse::UnprocessableEntity().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}

fn unit_rows(report: &UnitListReport) -> Vec<ImportRow> {
    report
        .entries
        .iter()
        .map(|e| ImportRow {
            row: e.row,
            name: e.name.clone(),
            action: match e.action {
                UnitListAction::Create => ImportAction::Create,
                UnitListAction::SetWindow => ImportAction::Update,
                UnitListAction::Unchanged => ImportAction::Unchanged,
            },
        })
        .collect()
}

fn roster_rows(report: &RosterReport) -> Vec<ImportRow> {
    report
        .entries
        .iter()
        .map(|e| ImportRow {
            row: e.row,
            name: e.name.clone(),
            action: match e.action {
                RosterAction::Create => ImportAction::Create,
                RosterAction::Update => ImportAction::Update,
                RosterAction::Unchanged => ImportAction::Unchanged,
            },
        })
        .collect()
}

/// Imports a unit list (XLSX or CSV: 名称, 类型, 上级单位, 窗口单位) into the caller's
/// subtree; see docs/imports.md for the columns.
#[utoipa::path(
    tag = "units",
    params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the XLSX or CSV file"),
    responses(
        (status = 200, description = "the preview (dry run), or the list stored", body = ImportReport),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "invalid_value: problems in the file, nothing stored", body = ImportReport)
    ),
    security(("bearer" = []))
)]
#[post("/units/import")]
pub async fn import_units(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let lang = accept_language(&req);
    let dry_run = query.dry_run;
    let bytes = read_file_body(&req, payload, MAX_IMPORT_BYTES).await?;
    let result = state
        .db(move |conn| units::import_unit_list(conn, &caller, &bytes, !dry_run))
        .await?;
    Ok(report(
        lang,
        &result.problems,
        unit_rows(&result),
        result.stored,
        dry_run,
    ))
}

/// Imports a roster of officials (干部名册, XLSX or CSV: 姓名, 职务, 单位, 班子, 排序) into
/// units of the caller's subtree; an official already there (same name and unit) is updated.
#[utoipa::path(
    tag = "rounds",
    params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the XLSX or CSV file"),
    responses(
        (status = 200, description = "the preview (dry run), or the roster stored", body = ImportReport),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "invalid_value: problems in the file, nothing stored", body = ImportReport)
    ),
    security(("bearer" = []))
)]
#[post("/officials/import")]
pub async fn import_officials(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let lang = accept_language(&req);
    let dry_run = query.dry_run;
    let bytes = read_file_body(&req, payload, MAX_IMPORT_BYTES).await?;
    let result = state
        .db(move |conn| officials::import_roster(conn, &caller, &bytes, !dry_run))
        .await?;
    Ok(report(
        lang,
        &result.problems,
        roster_rows(&result),
        result.stored,
        dry_run,
    ))
}
