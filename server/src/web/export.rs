//! Exports of the results tables as CSV and XLSX, built from the same [`SurveyResults`] and
//! [`RoundReport`] as the pages (so under the same disclosure control: a hidden cell holds the
//! reason it is hidden, never the figure), and the organisers' export of every stored answer
//! (CSV, read in keyset-paginated chunks so memory stays flat however many answers there are).
//!
//! Results tables are aggregates (a row per target and option, per village, per week, per
//! official and group), so their size does not grow with the number of answers; they are
//! written as a stream of rows (CSV) or a workbook built in memory (XLSX).

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use canvass_protocol::forms::Lang;
use canvass_protocol::rounds::RoundReport;
use canvass_protocol::rounds::{Grade, SubjectRef};
use canvass_protocol::surveys::{Figure, SurveyResults};
use canvass_protocol::{calendar, i18n, msg, ErrorCode};
use futures_util::stream;
use rust_xlsxwriter::{Format, Workbook};

use super::dashboard::round::ROUND_TABLES;
use super::dashboard::survey::SURVEY_TABLES;
use super::dashboard::{flag_numbers, reason_words};
use super::frame::{grade_label, path_id, value_text, Fmt};
use super::session::{page_error, Session, WebError};
use crate::domain::error::{Error, Kind};
use crate::domain::exports::csv::Csv;
use crate::domain::{exports, rounds, surveys};
use crate::http::error::json_answer;
use crate::http::AppState;

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64, Fmt),
    /// Hidden from the caller: the reason.
    Hidden(String),
    /// The organiser's exact figure that others do not see, and why.
    Exact(f64, Fmt, String),
}

/// A results table: its name (the sheet's), its columns and rows.
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl PartialEq for Fmt {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl std::fmt::Debug for Fmt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fmt::Count => "count",
            Fmt::Percent => "percent",
            Fmt::Score => "score",
        })
    }
}

fn cell(lang: Lang, figure: &Figure, fmt: Fmt) -> Cell {
    match (figure.value, &figure.hidden) {
        (Some(v), None) => Cell::Number(v, fmt),
        (Some(v), Some(reason)) => Cell::Exact(v, fmt, reason_words(lang, reason).1),
        (None, Some(reason)) => Cell::Hidden(reason_words(lang, reason).1),
        (None, None) => Cell::Text(String::new()),
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn count(n: u64) -> Cell {
    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    Cell::Number(n as f64, Fmt::Count)
}

/// Column titles: the catalogue's words of `ids` in `lang`.
fn columns(lang: Lang, ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| i18n::tr(lang, id)).collect()
}

/// The results tables of a survey: summary (汇总表), per question, per village, per week and
/// the comments shown.
#[must_use]
pub fn survey_tables(lang: Lang, r: &SurveyResults) -> Vec<Table> {
    let mut summary = Table {
        name: i18n::tr(lang, SURVEY_TABLES[0]),
        columns: columns(
            lang,
            &[
                "export-unit",
                "export-responses",
                "export-satisfaction-rate",
                "export-composite-score",
                "export-rank",
            ],
        ),
        rows: Vec::new(),
    };
    for target in &r.targets {
        summary.rows.push(vec![
            text(&target.name),
            cell(lang, &target.responses, Fmt::Count),
            cell(lang, &target.satisfaction_rate, Fmt::Percent),
            cell(lang, &target.composite_score, Fmt::Score),
            target
                .rank
                .map_or_else(|| text(""), |r| count(u64::from(r))),
        ]);
    }
    summary.rows.push(vec![
        text(i18n::tr(lang, "export-total")),
        cell(lang, &r.total_responses, Fmt::Count),
        text(""),
        text(""),
        text(""),
    ]);
    let mut questions = Table {
        name: i18n::tr(lang, SURVEY_TABLES[1]),
        columns: columns(
            lang,
            &[
                "export-unit",
                "export-question",
                "export-option",
                "export-count",
                "export-share",
            ],
        ),
        rows: Vec::new(),
    };
    for target in &r.targets {
        for q in &target.questions {
            for o in &q.options {
                questions.rows.push(vec![
                    text(&target.name),
                    text(q.label.get(lang)),
                    text(o.label.get(lang)),
                    cell(lang, &o.count, Fmt::Count),
                    cell(lang, &o.share, Fmt::Percent),
                ]);
            }
            let figures = [
                (
                    i18n::tr(lang, "export-figure-satisfaction-rate"),
                    &q.satisfaction_rate,
                    Fmt::Percent,
                ),
                (
                    i18n::tr(lang, "export-figure-score"),
                    &q.composite_score,
                    Fmt::Score,
                ),
                (i18n::tr(lang, "export-figure-mean"), &q.mean, Fmt::Score),
            ];
            for (label, figure, fmt) in figures {
                if let Some(figure) = figure {
                    questions.rows.push(vec![
                        text(&target.name),
                        text(q.label.get(lang)),
                        text(label),
                        cell(lang, figure, fmt),
                        text(""),
                    ]);
                }
            }
        }
    }
    let mut villages = Table {
        name: i18n::tr(lang, SURVEY_TABLES[2]),
        columns: columns(lang, &["export-village", "export-responses"]),
        rows: Vec::new(),
    };
    for v in &r.villages {
        let name = if v.unit_id.is_none() {
            i18n::tr(lang, "export-village-not-stated")
        } else {
            v.name.clone()
        };
        villages
            .rows
            .push(vec![text(name), cell(lang, &v.responses, Fmt::Count)]);
    }
    let mut weeks = Table {
        name: i18n::tr(lang, SURVEY_TABLES[3]),
        columns: columns(lang, &["export-week-of", "export-responses"]),
        rows: Vec::new(),
    };
    for w in &r.weeks {
        weeks
            .rows
            .push(vec![text(&w.week), cell(lang, &w.responses, Fmt::Count)]);
    }
    let mut comments = Table {
        name: i18n::tr(lang, SURVEY_TABLES[4]),
        columns: columns(lang, &["export-unit", "export-question", "export-comment"]),
        rows: Vec::new(),
    };
    for target in &r.targets {
        if target.comments.items.is_empty() {
            if let Some(reason) = &target.comments.hidden {
                comments.rows.push(vec![
                    text(&target.name),
                    text(""),
                    Cell::Hidden(reason_words(lang, reason).1),
                ]);
            }
        }
        for c in &target.comments.items {
            comments.rows.push(vec![
                text(&target.name),
                text(&c.question_id),
                text(&c.text),
            ]);
        }
    }
    vec![summary, questions, villages, weeks, comments]
}

fn grades_of(r: &RoundReport, team: bool) -> Vec<Grade> {
    r.results
        .subjects
        .iter()
        .find(|s| (s.subject == SubjectRef::Team) == team)
        .map(|s| s.overall.pooled.counts.keys().copied().collect())
        .unwrap_or_default()
}

/// The results tables of a round: officials (汇总表), the team, turnout and flags.
#[must_use]
pub fn round_tables(lang: Lang, r: &RoundReport) -> Vec<Table> {
    let group_label = |id: &str| {
        r.round
            .definition
            .elector_groups
            .iter()
            .find(|g| g.id == id)
            .map_or_else(|| id.to_string(), |g| g.label.clone())
    };
    let mut tables = Vec::new();
    for team in [false, true] {
        let grades = grades_of(r, team);
        if grades.is_empty() {
            continue;
        }
        let mut names = columns(lang, &["export-subject", "export-position", "export-group"]);
        names.extend(grades.iter().map(|g| grade_label(lang, *g).to_string()));
        names.extend(columns(
            lang,
            &[
                "export-abstained",
                "export-score",
                "export-grade",
                "export-rank",
            ],
        ));
        let mut table = Table {
            name: i18n::tr(
                lang,
                if team {
                    ROUND_TABLES[1]
                } else {
                    ROUND_TABLES[0]
                },
            ),
            columns: names,
            rows: Vec::new(),
        };
        for s in r
            .results
            .subjects
            .iter()
            .filter(|s| (s.subject == SubjectRef::Team) == team)
        {
            let position = s.position.clone().unwrap_or_default();
            for g in &s.overall.by_group {
                let mut row = vec![
                    text(&s.name),
                    text(&position),
                    text(group_label(&g.elector_group)),
                ];
                row.extend(grades.iter().map(|grade| count(g.tally.count(*grade))));
                row.extend([count(g.tally.abstentions), text(""), text(""), text("")]);
                table.rows.push(row);
            }
            for h in &r.hidden_groups {
                let mut row = vec![
                    text(&s.name),
                    text(&position),
                    text(group_label(&h.elector_group)),
                ];
                row.extend(
                    grades
                        .iter()
                        .map(|_| Cell::Hidden(reason_words(lang, &h.reason).1)),
                );
                row.extend([
                    Cell::Hidden(reason_words(lang, &h.reason).1),
                    text(""),
                    text(""),
                    text(""),
                ]);
                table.rows.push(row);
            }
            let mut pooled = vec![
                text(&s.name),
                text(&position),
                text(i18n::tr(lang, "export-group-all")),
            ];
            pooled.extend(
                grades
                    .iter()
                    .map(|grade| count(s.overall.pooled.count(*grade))),
            );
            pooled.extend([
                count(s.overall.pooled.abstentions),
                text(""),
                text(""),
                text(""),
            ]);
            table.rows.push(pooled);
            let mut weighted = vec![
                text(&s.name),
                text(&position),
                text(i18n::tr(lang, "export-group-weighted")),
            ];
            weighted.extend(grades.iter().map(|grade| {
                Cell::Number(
                    s.overall.weighted_shares.get(grade).copied().unwrap_or(0.0),
                    Fmt::Percent,
                )
            }));
            weighted.extend([
                text(""),
                s.overall
                    .score
                    .map_or_else(|| text(""), |v| Cell::Number(v, Fmt::Score)),
                text(s.overall.result_grade.map_or("", |g| grade_label(lang, g))),
                s.rank.map_or_else(|| text(""), |v| count(u64::from(v))),
            ]);
            table.rows.push(weighted);
        }
        tables.push(table);
    }
    let mut turnout = Table {
        name: i18n::tr(lang, ROUND_TABLES[2]),
        columns: columns(
            lang,
            &[
                "export-group",
                "export-codes-issued",
                "export-codes-used",
                "export-paper-issued",
                "export-paper-returned",
                "export-valid",
                "export-invalid",
            ],
        ),
        rows: Vec::new(),
    };
    for g in &r.turnout.groups {
        if let Some(h) = r
            .hidden_groups
            .iter()
            .find(|h| h.elector_group == g.elector_group)
        {
            let reason = reason_words(lang, &h.reason).1;
            let mut row = vec![text(&g.label)];
            row.extend((0..6).map(|_| Cell::Hidden(reason.clone())));
            turnout.rows.push(row);
            continue;
        }
        let counted = r
            .results
            .groups
            .iter()
            .find(|c| c.elector_group == g.elector_group);
        turnout.rows.push(vec![
            text(&g.label),
            count(g.codes_issued),
            count(g.codes_used),
            count(g.paper_issued),
            count(g.paper_returned),
            count(counted.map_or(0, |c| c.valid)),
            count(counted.map_or(0, |c| c.invalid)),
        ]);
    }
    tables.push(turnout);
    let mut flags = Table {
        name: i18n::tr(lang, ROUND_TABLES[3]),
        columns: columns(lang, &["export-subject", "export-flag", "export-numbers"]),
        rows: Vec::new(),
    };
    for flag in &r.flags {
        flags.rows.push(vec![
            text(&flag.subject_name),
            text(&flag.rule.label),
            text(flag_numbers(lang, flag)),
        ]);
    }
    tables.push(flags);
    tables
}

// ---- CSV -----------------------------------------------------------------------------------

fn cell_text(lang: Lang, c: &Cell) -> (String, Option<String>) {
    match c {
        Cell::Text(s) => (s.clone(), None),
        Cell::Number(v, fmt) => (value_text(*v, *fmt), None),
        Cell::Hidden(reason) => (reason.clone(), None),
        Cell::Exact(v, fmt, reason) => (
            value_text(*v, *fmt),
            Some(msg!("dashboard-leaders-see", reason = reason.as_str()).render(lang)),
        ),
    }
}

/// A table as CSV lines (UTF-8 with a byte-order mark, which spreadsheet programs need to read
/// Chinese), with a last column naming what leaders do not see when the caller is `exact`.
fn csv_lines(lang: Lang, table: &Table, exact: bool) -> Vec<String> {
    let mut lines = Vec::with_capacity(table.rows.len() + 1);
    let mut header = table.columns.clone();
    if exact {
        header.push(i18n::tr(lang, "export-note"));
    }
    let mut first = Csv::file();
    first.row(header);
    lines.push(first.into_string());
    for row in &table.rows {
        let mut notes = Vec::new();
        let mut fields: Vec<String> = row
            .iter()
            .zip(&table.columns)
            .map(|(c, column)| {
                let (value, note) = cell_text(lang, c);
                if let Some(note) = note {
                    notes.push(format!("{column}: {note}"));
                }
                value
            })
            .collect();
        notes.dedup();
        if exact {
            fields.push(notes.join("; "));
        }
        let mut line = Csv::new();
        line.row(fields);
        lines.push(line.into_string());
    }
    lines
}

/// The `Content-Disposition` of a download: named by what it holds, the instrument's title,
/// the table and the day (`东山镇满意度测评-汇总表-2026-12-07.csv`) in `filename*` (RFC 5987,
/// UTF-8), with an ASCII name (`survey-3-0-2026-12-07.csv`) in `filename` for programs that
/// read only that.
#[must_use]
pub fn download_name(title: &str, ascii_stem: &str, table: &str, day: &str, ext: &str) -> String {
    use std::fmt::Write as _;
    let name: String = format!("{title}-{table}-{day}.{ext}")
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    format!("attachment; filename=\"{ascii_stem}-{day}.{ext}\"; filename*=UTF-8''{encoded}")
}

/// Today in the users' calendar, `YYYY-MM-DD`.
fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    calendar::day_of(now)
}

fn stream_lines(lines: Vec<String>, disposition: String) -> HttpResponse {
    let body = stream::iter(
        lines
            .into_iter()
            .map(|l| Ok::<_, actix_web::Error>(web::Bytes::from(l))),
    );
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body)
}

/// Which of `count` tables a CSV export asks for (`?table=`, by its position; the first by
/// default): `invalid_value` for what is not a number, `not_found` past the last table.
fn table_index(req: &HttpRequest, count: usize) -> Result<usize, Error> {
    let Some(raw) = req
        .query_string()
        .split('&')
        .find_map(|p| p.strip_prefix("table="))
    else {
        return Ok(0);
    };
    let last = count.saturating_sub(1);
    let index: usize = raw.parse().map_err(|_| {
        Error::invalid(
            "table",
            msg!("dashboard-export-no-table", table = raw, last = last),
        )
    })?;
    if index < count {
        Ok(index)
    } else {
        Err(Error::new(
            Kind::NotFound,
            ErrorCode::NotFound,
            msg!("dashboard-export-no-table", table = raw, last = last),
        )
        .at("table"))
    }
}

// ---- XLSX ----------------------------------------------------------------------------------

fn xlsx(
    lang: Lang,
    title: &str,
    tables: &[Table],
    for_organiser: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let heading = Format::new().set_bold().set_font_size(14);
    let percent = Format::new().set_num_format("0.0%");
    let score = Format::new().set_num_format("0.00");
    let hidden = Format::new().set_font_color(0x8A_5A00).set_italic();
    let exact = Format::new().set_background_color(0xFF_F4D6);
    let exact_percent = Format::new()
        .set_background_color(0xFF_F4D6)
        .set_num_format("0.0%");
    let exact_score = Format::new()
        .set_background_color(0xFF_F4D6)
        .set_num_format("0.00");
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.name.chars().take(31).collect::<String>())?;
        sheet.write_string_with_format(0, 0, title, &heading)?;
        for (c, name) in table.columns.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.write_string_with_format(2, c, name, &bold)?;
            sheet.set_column_width(c, if c == 0 { 24 } else { 14 })?;
        }
        let note_col = u16::try_from(table.columns.len()).unwrap_or(u16::MAX);
        let mut any_note = false;
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 3).unwrap_or(u32::MAX);
            let mut notes = Vec::new();
            for (c, value) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match value {
                    Cell::Text(s) => {
                        sheet.write_string(r, c, s)?;
                    }
                    Cell::Number(v, fmt) => {
                        match fmt {
                            Fmt::Count => sheet.write_number(r, c, *v)?,
                            Fmt::Percent => sheet.write_number_with_format(r, c, *v, &percent)?,
                            Fmt::Score => sheet.write_number_with_format(r, c, *v, &score)?,
                        };
                    }
                    Cell::Hidden(reason) => {
                        sheet.write_string_with_format(r, c, reason, &hidden)?;
                    }
                    Cell::Exact(v, fmt, reason) => {
                        let format = match fmt {
                            Fmt::Count => &exact,
                            Fmt::Percent => &exact_percent,
                            Fmt::Score => &exact_score,
                        };
                        sheet.write_number_with_format(r, c, *v, format)?;
                        let note =
                            msg!("dashboard-leaders-see", reason = reason.as_str()).render(lang);
                        if !notes.contains(&note) {
                            notes.push(note);
                        }
                    }
                }
            }
            if !notes.is_empty() {
                any_note = true;
                sheet.write_string(r, note_col, notes.join("; "))?;
            }
        }
        if any_note {
            sheet.write_string_with_format(2, note_col, i18n::tr(lang, "export-note"), &bold)?;
            sheet.set_column_width(note_col, 30)?;
        }
        let note = if for_organiser {
            i18n::tr(lang, "export-xlsx-note-exact")
        } else {
            i18n::tr(lang, "export-xlsx-note")
        };
        sheet.write_string(1, 0, note)?;
    }
    workbook.save_to_buffer()
}

fn xlsx_response(bytes: Vec<u8>, disposition: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}

fn xlsx_error(lang: Lang, e: &dyn std::fmt::Display) -> WebError {
    WebError::from_error(lang, &Error::internal(e))
}

// ---- handlers ------------------------------------------------------------------------------

async fn survey_results(
    state: &AppState,
    session: &Session,
    id: i64,
) -> Result<SurveyResults, WebError> {
    let caller = session.caller.clone();
    let rule = state.settings.rectification();
    state
        .db(move |conn| surveys::results(conn, &caller, id, rule))
        .await
        .map_err(page_error(session.lang))
}

async fn round_report(
    state: &AppState,
    session: &Session,
    id: i64,
) -> Result<RoundReport, WebError> {
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    state
        .db(move |conn| rounds::report(conn, &caller, id, &base))
        .await
        .map_err(page_error(session.lang))
}

/// What a results export was of, for the audit log.
#[derive(Clone, Copy)]
enum Exported {
    Survey(i64),
    Round(i64),
}

/// Records a results export in the audit log, once it is known to be answered.
async fn log_export(state: &AppState, session: &Session, what: Exported) -> Result<(), WebError> {
    let caller = session.caller.clone();
    state
        .db(move |conn| match what {
            Exported::Survey(id) => exports::survey_results_exported(conn, &caller, id),
            Exported::Round(id) => exports::round_results_exported(conn, &caller, id),
        })
        .await
        .map_err(page_error(session.lang))
}

/// One results table of a survey as CSV (`?table=0` summary, 1 questions, 2 villages, 3 weeks,
/// 4 comments); another `table` answers 404 (422 when not a number) with the API's JSON error.
#[get("/dashboard/surveys/{id}/export.csv")]
pub async fn survey_csv(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let results = survey_results(&state, &session, id).await?;
    let tables = survey_tables(lang, &results);
    let index = match table_index(&req, tables.len()) {
        Ok(index) => index,
        Err(e) => return Ok(json_answer(&e, lang)),
    };
    log_export(&state, &session, Exported::Survey(id)).await?;
    let table = &tables[index];
    Ok(stream_lines(
        csv_lines(lang, table, results.exact),
        download_name(
            results.title.get(lang),
            &format!("survey-{id}-{index}"),
            &table.name,
            &today(),
            "csv",
        ),
    ))
}

/// Every results table of a survey as one workbook, a sheet per table.
#[get("/dashboard/surveys/{id}/export.xlsx")]
pub async fn survey_xlsx(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let results = survey_results(&state, &session, id).await?;
    let tables = survey_tables(lang, &results);
    let title = results.title.get(lang).to_string();
    let exact = results.exact;
    let sheet_title = title.clone();
    let bytes = web::block(move || xlsx(lang, &sheet_title, &tables, exact))
        .await
        .map_err(|e| xlsx_error(lang, &e))?
        .map_err(|e| xlsx_error(lang, &e))?;
    log_export(&state, &session, Exported::Survey(id)).await?;
    Ok(xlsx_response(
        bytes,
        download_name(
            &title,
            &format!("survey-{id}-tables"),
            &i18n::tr(lang, "dashboard-export-all-tables"),
            &today(),
            "xlsx",
        ),
    ))
}

/// One results table of a round as CSV (`?table=0` officials, then the team when graded,
/// turnout, flags); another `table` answers 404 (422 when not a number) with the API's JSON
/// error.
#[get("/dashboard/rounds/{id}/export.csv")]
pub async fn round_csv(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let report = round_report(&state, &session, id).await?;
    let tables = round_tables(lang, &report);
    let index = match table_index(&req, tables.len()) {
        Ok(index) => index,
        Err(e) => return Ok(json_answer(&e, lang)),
    };
    log_export(&state, &session, Exported::Round(id)).await?;
    let table = &tables[index];
    Ok(stream_lines(
        csv_lines(lang, table, report.exact),
        download_name(
            &format!("{}-{}", report.round.series_name, report.round.period),
            &format!("round-{id}-{index}"),
            &table.name,
            &today(),
            "csv",
        ),
    ))
}

/// Every results table of a round as one workbook.
#[get("/dashboard/rounds/{id}/export.xlsx")]
pub async fn round_xlsx(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let report = round_report(&state, &session, id).await?;
    let title = format!("{} {}", report.round.series_name, report.round.period);
    let file_title = format!("{}-{}", report.round.series_name, report.round.period);
    let tables = round_tables(lang, &report);
    let exact = report.exact;
    let bytes = web::block(move || xlsx(lang, &title, &tables, exact))
        .await
        .map_err(|e| xlsx_error(lang, &e))?
        .map_err(|e| xlsx_error(lang, &e))?;
    log_export(&state, &session, Exported::Round(id)).await?;
    Ok(xlsx_response(
        bytes,
        download_name(
            &file_title,
            &format!("round-{id}-tables"),
            &i18n::tr(lang, "dashboard-export-all-tables"),
            &today(),
            "xlsx",
        ),
    ))
}

/// Every stored answer of a survey, for organisers: the same CSV as the API's
/// `GET /api/v1/surveys/{id}/answers.csv` (exactly what `survey_responses` holds, never more),
/// read in pages ordered by the random id (keyset pagination) and streamed, so memory stays
/// flat however many answers there are.
#[get("/dashboard/surveys/{id}/answers.csv")]
pub async fn survey_answers_csv(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let (columns, survey) = state
        .db(move |conn| {
            let columns = exports::answer_columns(conn, &caller, id, lang)?;
            Ok((columns, surveys::get(conn, &caller, id, &base)?))
        })
        .await
        .map_err(page_error(lang))?;
    let body = crate::http::export::answers_csv(state.into_inner(), id, columns);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            download_name(
                survey.title.get(lang),
                &format!("survey-{id}-answers"),
                &i18n::tr(lang, "dashboard-export-answer-sheets"),
                &today(),
                "csv",
            ),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_cell_is_exported_as_its_reason() {
        let table = Table {
            name: "t".into(),
            columns: vec!["unit".into(), "score".into()],
            rows: vec![
                vec![text("A"), Cell::Hidden("hidden: fewer than 5".into())],
                vec![
                    text("B"),
                    Cell::Exact(80.0, Fmt::Score, "hidden: fewer than 5".into()),
                ],
            ],
        };
        let lines = csv_lines(Lang::En, &table, true);
        assert_eq!(lines[1], "A,hidden: fewer than 5,\r\n");
        assert_eq!(
            lines[2],
            "B,80.00,score: leaders see: hidden: fewer than 5\r\n"
        );
        let bytes = xlsx(Lang::En, "title", &[table], true).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }

    #[test]
    fn a_leaders_csv_has_no_note_column() {
        let table = Table {
            name: "t".into(),
            columns: vec!["unit".into(), "score".into()],
            rows: vec![vec![text("A"), Cell::Hidden("hidden*".into())]],
        };
        let lines = csv_lines(Lang::En, &table, false);
        assert_eq!(lines[0], "\u{feff}unit,score\r\n");
        assert_eq!(lines[1], "A,hidden*\r\n");
    }

    #[test]
    fn a_download_is_named_by_title_table_and_day_with_an_ascii_fallback() {
        assert_eq!(
            download_name(
                "东山镇 测评/2026",
                "survey-3-0",
                "汇总表",
                "2026-12-07",
                "csv"
            ),
            "attachment; filename=\"survey-3-0-2026-12-07.csv\"; \
             filename*=UTF-8''%E4%B8%9C%E5%B1%B1%E9%95%87%20%E6%B5%8B%E8%AF%84_2026-\
             %E6%B1%87%E6%80%BB%E8%A1%A8-2026-12-07.csv"
        );
    }
}
