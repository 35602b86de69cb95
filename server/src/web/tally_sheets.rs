//! The sheet-entry page of a round (计票单录入): the stations entered so far with their status
//! (entered, corrected, void) and the round's progress, a correction opened from that list with
//! the sheet's numbers filled in, every problem of a sheet beside its field (officials named by
//! name), and what was saved. Sheets are stored by `domain::tally_sheets`, as the JSON API's.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::Lang;
use canvass_protocol::msg;
use canvass_protocol::rounds::{
    Dimension, GradeTally, Round, SubjectTally, TallySheet, TallySheetRecord,
};

use super::frame::{path_id, Nav};
use super::page::{render, Words};
use super::session::{form_value, page_error, Session, WebError, CSRF_FIELD};
use crate::domain::error::{Error, Kind};
use crate::domain::tally_sheets::{self, Desk};
use crate::http::AppState;

/// The name of a number field: `s{subject}_{grade}`, `s{subject}_{dimension}_{grade}`,
/// `..._abstain`.
fn field(subject: usize, dimension: Option<Dimension>, what: &str) -> String {
    match dimension {
        Some(d) => format!("s{subject}_{}_{what}", d.as_str()),
        None => format!("s{subject}_{what}"),
    }
}

/// The fieldset a number field belongs to: `s1` or `s1_integrity`.
fn fieldset(subject: usize, dimension: Option<Dimension>) -> String {
    field(subject, dimension, "")
        .trim_end_matches('_')
        .to_string()
}

/// A number to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberField {
    pub name: String,
    pub label: String,
    pub value: String,
    pub errors: Vec<String>,
}

/// The numbers of one official (or the team) on one aspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectFields {
    /// The anchor and error key: `s1`, `s1_integrity`.
    pub key: String,
    pub legend: String,
    pub fields: Vec<NumberField>,
    pub errors: Vec<String>,
}

/// A station entered so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationRow {
    pub station: String,
    pub group: String,
    /// `console-sheet-status-entered`, `-corrected` or `-void`.
    pub status: &'static str,
    pub entered_by: String,
    pub entered_at: String,
    pub correct_href: String,
}

/// The round's count so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Stations expected, when the organiser said.
    pub expected: Option<u32>,
    pub entered: usize,
    pub corrected: usize,
    pub void: usize,
}

/// The sheet-entry page: `templates/tally_sheets/sheet.html`.
#[derive(Template)]
#[template(path = "tally_sheets/sheet.html")]
pub struct SheetPage {
    pub w: Words,
    pub nav: Nav,
    pub round_title: String,
    pub back: String,
    pub print_blank: String,
    pub action: String,
    /// Where the stations expected are saved.
    pub expected_action: String,
    /// The stations expected as typed (or stored), and its problems.
    pub expected: NumberField,
    pub correcting: bool,
    /// What was just saved, in words.
    pub saved: Option<String>,
    /// Every problem of the sheet sent, each naming its official or field.
    pub summary: Vec<String>,
    pub progress: Progress,
    pub stations: Vec<StationRow>,
    pub station: NumberField,
    pub group_errors: Vec<String>,
    /// (id, label, selected).
    pub groups: Vec<(String, String, bool)>,
    pub counts: Vec<NumberField>,
    pub subjects: Vec<SubjectFields>,
}

/// What the page is built from besides the round: what the form holds and what went wrong.
#[derive(Debug, Default)]
pub struct SheetForm {
    /// Field name → text, as sent or as prefilled.
    pub values: BTreeMap<String, String>,
    /// Field or fieldset key → messages.
    pub errors: BTreeMap<String, Vec<String>>,
    pub summary: Vec<String>,
    pub saved: Option<String>,
}

/// `YYYY-MM-DD HH:MM` in the users' time (UTC+8).
fn moment(epoch_secs: i64) -> String {
    let local = epoch_secs + 8 * 3600;
    let minutes = local.rem_euclid(86_400) / 60;
    format!(
        "{} {:02}:{:02}",
        canvass_protocol::calendar::day_of(epoch_secs),
        minutes / 60,
        minutes % 60
    )
}

/// The status of a station's current sheet, as a catalogue id.
fn status_of(record: &TallySheetRecord) -> &'static str {
    if record.outcome == "void" {
        "console-sheet-status-void"
    } else if record.replaced.is_empty() {
        "console-sheet-status-entered"
    } else {
        "console-sheet-status-corrected"
    }
}

/// The round's progress: stations expected and entered, of them corrected and void.
#[must_use]
pub fn progress(expected: Option<u32>, records: &[TallySheetRecord]) -> Progress {
    Progress {
        expected,
        entered: records.len(),
        corrected: records.iter().filter(|r| !r.replaced.is_empty()).count(),
        void: records.iter().filter(|r| r.outcome == "void").count(),
    }
}

/// The form's values of a stored sheet, to correct it.
#[must_use]
pub fn sheet_values(round: &Round, sheet: &TallySheet) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    values.insert("correct".into(), "1".into());
    values.insert("station".into(), sheet.station.clone());
    values.insert("elector_group".into(), sheet.elector_group.clone());
    for (name, n) in [
        ("issued", sheet.issued),
        ("returned", sheet.returned),
        ("valid", sheet.valid),
        ("invalid", sheet.invalid),
    ] {
        values.insert(name.into(), n.to_string());
    }
    for (i, subject) in round.subjects().enumerate() {
        let Some(counted) = sheet.subjects.iter().find(|s| s.subject == subject) else {
            continue;
        };
        for grade in subject.kind().scale().grades() {
            let n = counted.counts.get(&grade).copied().unwrap_or(0);
            values.insert(field(i, None, grade.as_str()), n.to_string());
        }
        values.insert(field(i, None, "abstain"), counted.abstentions.to_string());
        for (&d, tally) in &counted.dimensions {
            for grade in subject.kind().scale().grades() {
                values.insert(
                    field(i, Some(d), grade.as_str()),
                    tally.count(grade).to_string(),
                );
            }
            values.insert(field(i, Some(d), "abstain"), tally.abstentions.to_string());
        }
    }
    values
}

/// What was saved, in words: the station, its group and counts, and whether it is void or
/// replaced a sheet.
#[must_use]
pub fn saved_text(lang: Lang, round: &Round, record: &TallySheetRecord) -> String {
    let s = &record.sheet;
    let mut text = msg!(
        "console-sheet-saved",
        station = record.station.as_str(),
        group = round.group_label(&record.elector_group),
        issued = s.issued,
        returned = s.returned,
        valid = s.valid,
        invalid = s.invalid
    )
    .render(lang);
    // sentences are run together in Chinese, spaced in English
    let gap = if lang == Lang::En { " " } else { "" };
    if record.outcome == "void" {
        text.push_str(gap);
        text.push_str(&Words::new(lang).t("console-sheet-saved-void"));
    }
    if !record.replaced.is_empty() {
        text.push_str(gap);
        text.push_str(&Words::new(lang).t("console-sheet-saved-corrected"));
    }
    text
}

/// Where a problem's field is shown: a number field, a subject's fieldset (`s1`,
/// `s1_integrity`) or, for anything else, only the summary.
#[must_use]
pub fn error_key(round: &Round, path: &str) -> Option<String> {
    if let Some(rest) = path.strip_prefix("subjects[") {
        let (index, rest) = rest.split_once(']')?;
        let i: usize = index.parse().ok()?;
        let dimension = rest
            .strip_prefix(".dimensions.")
            .and_then(|d| d.split('.').next())
            .and_then(|d| {
                round
                    .definition()
                    .dimensions
                    .iter()
                    .copied()
                    .find(|x| x.as_str() == d)
            });
        return Some(fieldset(i, dimension));
    }
    [
        "station",
        "elector_group",
        "issued",
        "returned",
        "valid",
        "invalid",
    ]
    .contains(&path)
    .then(|| path.to_string())
}

/// The sheet-entry page's data.
#[must_use]
pub fn page_data(session: &Session, nav: Nav, desk: &Desk, form: &SheetForm) -> SheetPage {
    let (info, round, records) = (&desk.info, &desk.round, &desk.records);
    let lang = session.lang;
    let w = Words::new(lang);
    let value = |name: &str| form.values.get(name).cloned().unwrap_or_default();
    let errors = |key: &str| form.errors.get(key).cloned().unwrap_or_default();
    let number = |name: String, label: String| NumberField {
        value: value(&name),
        errors: errors(&name),
        name,
        label,
    };
    let id = info.id;
    let mut subjects = Vec::new();
    for (i, subject) in round.subjects().enumerate() {
        let name = round.subject_name(subject).unwrap_or_default();
        let mut aspects: Vec<Option<Dimension>> = vec![None];
        aspects.extend(round.dimensions_of(subject).iter().copied().map(Some));
        for aspect in aspects {
            let legend = match aspect {
                Some(d) => format!("{name} · {}", d.label(lang)),
                None => name.to_string(),
            };
            let mut fields: Vec<NumberField> = subject
                .kind()
                .scale()
                .grades()
                .iter()
                .map(|g| number(field(i, aspect, g.as_str()), g.label(lang).to_string()))
                .collect();
            fields.push(number(
                field(i, aspect, "abstain"),
                w.t("console-sheet-abstained"),
            ));
            let key = fieldset(i, aspect);
            subjects.push(SubjectFields {
                errors: errors(&key),
                key,
                legend,
                fields,
            });
        }
    }
    SheetPage {
        w,
        nav,
        round_title: format!("{} {}", info.series_name, info.period),
        back: session.link(&format!("/dashboard/rounds/{id}")),
        print_blank: session.link(&format!("/dashboard/rounds/{id}/print/tally")),
        action: session.link(&format!("/dashboard/rounds/{id}/sheet")),
        expected_action: session.link(&format!("/dashboard/rounds/{id}/stations")),
        expected: NumberField {
            name: "expected".into(),
            label: w.t("console-sheet-expected"),
            value: form
                .values
                .get("expected")
                .cloned()
                .or_else(|| desk.expected.map(|n| n.to_string()))
                .unwrap_or_default(),
            errors: errors("expected"),
        },
        correcting: value("correct") == "1",
        saved: form.saved.clone(),
        summary: form.summary.clone(),
        progress: progress(desk.expected, records),
        stations: records
            .iter()
            .map(|r| StationRow {
                station: r.station.clone(),
                group: round
                    .group(&r.elector_group)
                    .map_or_else(|| r.elector_group.clone(), |g| g.label.clone()),
                status: status_of(r),
                entered_by: r.entered_by.clone(),
                entered_at: moment(r.entered_at),
                correct_href: session.link(&format!(
                    "/dashboard/rounds/{id}/sheet?station={}",
                    form_urlencoded::byte_serialize(r.station.as_bytes()).collect::<String>()
                )),
            })
            .collect(),
        station: number("station".into(), w.t("console-sheet-station")),
        group_errors: errors("elector_group"),
        groups: round
            .definition()
            .elector_groups
            .iter()
            .map(|g| {
                (
                    g.id.clone(),
                    g.label.clone(),
                    value("elector_group") == g.id,
                )
            })
            .collect(),
        counts: [
            ("issued", "console-sheet-issued"),
            ("returned", "console-sheet-returned"),
            ("valid", "console-sheet-valid"),
            ("invalid", "console-sheet-invalid"),
        ]
        .into_iter()
        .map(|(name, label)| number(name.into(), w.t(label)))
        .collect(),
        subjects,
    }
}

/// Reads the sheet's numbers; `Err` names every field that is not a whole number.
fn read_sheet(round: &Round, values: &BTreeMap<String, String>) -> Result<TallySheet, Vec<String>> {
    let mut bad = Vec::new();
    let mut number = |name: &str| -> u64 {
        match values.get(name).map(|v| v.trim()) {
            None | Some("") => 0,
            Some(v) => v.parse::<u64>().unwrap_or_else(|_| {
                bad.push(name.to_string());
                0
            }),
        }
    };
    let mut subjects = Vec::new();
    for (i, subject) in round.subjects().enumerate() {
        let grades = subject.kind().scale().grades();
        let mut counts = BTreeMap::new();
        for grade in grades {
            counts.insert(grade, number(&field(i, None, grade.as_str())));
        }
        let mut dimensions = BTreeMap::new();
        for &d in round.dimensions_of(subject) {
            let mut tally = GradeTally::zero(subject.kind().scale());
            for grade in grades {
                tally.add(Some(grade), number(&field(i, Some(d), grade.as_str())));
            }
            tally.add(None, number(&field(i, Some(d), "abstain")));
            dimensions.insert(d, tally);
        }
        subjects.push(SubjectTally {
            subject,
            counts,
            abstentions: number(&field(i, None, "abstain")),
            dimensions,
        });
    }
    let sheet = TallySheet {
        station: values.get("station").cloned().unwrap_or_default(),
        elector_group: values.get("elector_group").cloned().unwrap_or_default(),
        issued: number("issued"),
        returned: number("returned"),
        valid: number("valid"),
        invalid: number("invalid"),
        subjects,
    };
    if bad.is_empty() {
        Ok(sheet)
    } else {
        Err(bad)
    }
}

/// The problems of numbers that are not whole numbers, beside their fields and in the summary
/// with the official's name and the grade.
fn number_problems(lang: Lang, round: &Round, bad: &[String], form: &mut SheetForm) {
    let page = sheet_page_labels(lang, round);
    let message = Words::new(lang).t("console-sheet-whole-number");
    for name in bad {
        form.errors
            .entry(name.clone())
            .or_default()
            .push(message.clone());
        let label = page.get(name).cloned().unwrap_or_else(|| name.clone());
        form.summary.push(format!("{label}: {message}"));
    }
}

/// Every number field's label as a reader knows it: 王建国 · 德 · 优秀, 有效票数.
fn sheet_page_labels(lang: Lang, round: &Round) -> BTreeMap<String, String> {
    let w = Words::new(lang);
    let mut labels = BTreeMap::new();
    for (name, id) in [
        ("issued", "console-sheet-issued"),
        ("returned", "console-sheet-returned"),
        ("valid", "console-sheet-valid"),
        ("invalid", "console-sheet-invalid"),
    ] {
        labels.insert(name.to_string(), w.t(id));
    }
    for (i, subject) in round.subjects().enumerate() {
        let name = round.subject_name(subject).unwrap_or_default();
        let mut aspects: Vec<Option<Dimension>> = vec![None];
        aspects.extend(round.dimensions_of(subject).iter().copied().map(Some));
        for aspect in aspects {
            let prefix = match aspect {
                Some(d) => format!("{name} · {}", d.label(lang)),
                None => name.to_string(),
            };
            for g in subject.kind().scale().grades() {
                labels.insert(
                    field(i, aspect, g.as_str()),
                    format!("{prefix} · {}", g.label(lang)),
                );
            }
            labels.insert(
                field(i, aspect, "abstain"),
                format!("{prefix} · {}", w.t("console-sheet-abstained")),
            );
        }
    }
    labels
}

/// The problems of a refused sheet, beside their fields and all in the summary.
fn domain_problems(lang: Lang, round: &Round, e: &Error, form: &mut SheetForm) {
    for problem in e.details() {
        let text = problem.message.render(lang);
        let key = problem
            .field
            .as_ref()
            .and_then(|f| error_key(round, &f.path));
        if let Some(key) = key {
            form.errors.entry(key).or_default().push(text.clone());
        }
        form.summary.push(text);
    }
}

/// Whether an error is shown on the form it came from, with what was typed kept, rather than
/// on a page of its own (not allowed, or the server's fault).
fn shown_on_the_form(e: &Error) -> bool {
    !e.is_server_fault() && !matches!(e.kind(), Kind::Forbidden | Kind::OutOfScope)
}

/// The value of `name` in the request's query.
fn query_value(req: &HttpRequest, name: &str) -> Option<String> {
    form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn load(state: &AppState, session: &Session, id: i64) -> Result<Desk, WebError> {
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    state
        .db(move |conn| tally_sheets::desk(conn, &caller, id, &base))
        .await
        .map_err(page_error(session.lang))
}

/// The sheet-entry page: the stations entered so far, the progress, and the form; with
/// `?station=` the form corrects that station's sheet, filled in with its numbers; with
/// `?saved=` it says what was saved.
#[get("/dashboard/rounds/{id}/sheet")]
pub async fn sheet_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let desk = load(&state, &session, id).await?;
    let (round, records) = (&desk.round, &desk.records);
    let mut form = SheetForm::default();
    if let Some(station) = query_value(&req, "station") {
        let record = records
            .iter()
            .find(|r| r.station == station)
            .ok_or_else(|| {
                WebError::from_error(
                    lang,
                    &Error::new(
                        Kind::NotFound,
                        canvass_protocol::ErrorCode::NotFound,
                        msg!("error-no-sheet-for-station", station = station.as_str()),
                    ),
                )
            })?;
        form.values = sheet_values(round, &record.sheet);
    }
    if let Some(saved) = query_value(&req, "saved") {
        form.saved = records
            .iter()
            .find(|r| r.station == saved)
            .map(|r| saved_text(lang, round, r));
    }
    if query_value(&req, "stations").is_some() {
        form.saved = desk
            .expected
            .map(|n| msg!("console-sheet-expected-saved", expected = n).render(lang));
    }
    let page = page_data(&session, Nav::new(&session, &req), &desk, &form);
    Ok(render(StatusCode::OK, &page))
}

/// Enters or corrects a station's tally sheet and goes back to the page, which says what was
/// saved; a sheet that does not add up comes back with every problem beside its field and every
/// number kept.
#[post("/dashboard/rounds/{id}/sheet")]
pub async fn sheet_submit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let id = path_id(lang, &id)?;
    let desk = load(&state, &session, id).await?;
    let round = &desk.round;
    let mut form = SheetForm {
        values: form_urlencoded::parse(&body)
            .filter(|(k, _)| k != CSRF_FIELD)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        ..SheetForm::default()
    };
    let status = match read_sheet(round, &form.values) {
        Err(bad) => {
            number_problems(lang, round, &bad, &mut form);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(sheet) => {
            let correct = form.values.get("correct").is_some_and(|v| v == "1");
            let caller = session.caller.clone();
            let outcome = state
                .db(move |conn| tally_sheets::enter(conn, &caller, id, &sheet, correct))
                .await;
            match outcome {
                Ok(record) => {
                    let station = form_urlencoded::byte_serialize(record.station.as_bytes())
                        .collect::<String>();
                    let location =
                        session.link(&format!("/dashboard/rounds/{id}/sheet?saved={station}"));
                    return Ok(HttpResponse::SeeOther()
                        .insert_header((header::LOCATION, location))
                        .finish());
                }
                Err(e) if shown_on_the_form(&e) => {
                    domain_problems(lang, round, &e, &mut form);
                    crate::http::error::status(e.kind())
                }
                Err(e) => return Err(WebError::from_error(lang, &e)),
            }
        }
    };
    let page = page_data(&session, Nav::new(&session, &req), &desk, &form);
    Ok(render(status, &page))
}

/// Sets how many polling stations the round expects (its station setup) and goes back to the
/// sheet page, which says so; a number out of range comes back beside the field.
#[post("/dashboard/rounds/{id}/stations")]
pub async fn stations_submit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let id = path_id(lang, &id)?;
    let typed = form_value(&body, "expected").unwrap_or_default();
    let text = typed.clone();
    let caller = session.caller.clone();
    let outcome = state
        .db(move |conn| {
            let expected = tally_sheets::expected_from_text(&text)?;
            tally_sheets::set_expected(conn, &caller, id, expected)
        })
        .await;
    match outcome {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                session.link(&format!("/dashboard/rounds/{id}/sheet?stations=saved")),
            ))
            .finish()),
        Err(e) if shown_on_the_form(&e) => {
            let desk = load(&state, &session, id).await?;
            let mut form = SheetForm::default();
            form.values.insert("expected".into(), typed);
            let text = e.message().render(lang);
            form.errors
                .entry("expected".into())
                .or_default()
                .push(text.clone());
            form.summary.push(text);
            let page = page_data(&session, Nav::new(&session, &req), &desk, &form);
            Ok(render(crate::http::error::status(e.kind()), &page))
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use canvass_protocol::forms::Lang;
    use canvass_protocol::rounds::{Round, RoundDefinition, TallySheetRecord};

    use super::{error_key, progress, read_sheet, saved_text, sheet_values};

    fn round() -> Round {
        let definition: RoundDefinition = serde_json::from_str(include_str!(
            "../../../docs/examples/round-township-2026.json"
        ))
        .unwrap();
        Round::new(definition).unwrap()
    }

    fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn a_stored_sheet_fills_the_correction_form_with_its_numbers() {
        let round = round();
        let values = typed(&[
            ("station", "第一会场"),
            ("elector_group", "cadres"),
            ("issued", "40"),
            ("returned", "38"),
            ("valid", "36"),
            ("invalid", "2"),
            ("s0_competent", "30"),
            ("s0_abstain", "6"),
            ("s0_integrity_excellent", "36"),
            ("s5_good", "36"),
        ]);
        let sheet = read_sheet(&round, &values).unwrap();
        let filled = sheet_values(&round, &sheet);
        assert_eq!(filled["correct"], "1");
        for (name, value) in &values {
            assert_eq!(&filled[name], value, "{name}");
        }
        assert_eq!(filled["s1_excellent"], "0");
        assert_eq!(read_sheet(&round, &filled).unwrap(), sheet);
    }

    #[test]
    fn every_number_that_is_not_whole_is_named() {
        let round = round();
        let bad = read_sheet(
            &round,
            &typed(&[
                ("issued", "x"),
                ("s2_ability_poor", "1"),
                ("s2_ability_competent", "-3"),
                ("s4_abstain", "2.5"),
            ]),
        )
        .unwrap_err();
        assert_eq!(bad, ["s2_ability_competent", "s4_abstain", "issued"]);
    }

    #[test]
    fn problems_go_beside_the_official_or_the_number_they_concern() {
        let round = round();
        assert_eq!(error_key(&round, "subjects[2]").as_deref(), Some("s2"));
        assert_eq!(
            error_key(&round, "subjects[2].dimensions.integrity").as_deref(),
            Some("s2_integrity")
        );
        assert_eq!(
            error_key(&round, "subjects[0].counts.excellent").as_deref(),
            Some("s0")
        );
        assert_eq!(error_key(&round, "valid").as_deref(), Some("valid"));
        assert_eq!(error_key(&round, "subjects"), None);
        assert_eq!(error_key(&round, "elsewhere"), None);
    }

    #[test]
    fn the_progress_and_what_was_saved_say_corrected_and_void() {
        let round = round();
        let sheet = read_sheet(
            &round,
            &typed(&[
                ("station", "第二会场"),
                ("elector_group", "cadres"),
                ("issued", "10"),
                ("returned", "12"),
                ("valid", "12"),
            ]),
        )
        .unwrap();
        let record = TallySheetRecord {
            station: "第二会场".into(),
            elector_group: "cadres".into(),
            outcome: "void".into(),
            sheet,
            entered_by: "organiser".into(),
            entered_at: 0,
            replaced: Vec::new(),
        };
        let p = progress(Some(3), std::slice::from_ref(&record));
        assert_eq!(
            (p.expected, p.entered, p.corrected, p.void),
            (Some(3), 1, 0, 1)
        );
        let zh = saved_text(Lang::ZhCn, &round, &record);
        assert!(zh.starts_with("已保存“第二会场”("), "{zh}");
        assert!(zh.ends_with("须重新投票。"), "{zh}");
        let en = saved_text(Lang::En, &round, &record);
        assert!(
            en.contains("12 returned") && en.contains(" More were returned"),
            "{en}"
        );
    }
}
