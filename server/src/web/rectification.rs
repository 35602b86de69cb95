//! The rectification pages (整改): the ledger (整改台账) with its filters, the organiser's form
//! that adds an item by hand, an item's page with its history and the form of the step the
//! caller may take (due date, report with files, acceptance or return), the files, and the
//! ledger as a workbook. Every step goes through `domain::rectification`, as the JSON API
//! does; every form carries the session's CSRF token.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::{self, tr};
use canvass_protocol::msg;
use canvass_protocol::rectification::{
    EventKind, Finding, ItemStatus, RectificationDetail, RectificationItem, SendBack, SetDue,
};
use futures_util::StreamExt;

use super::dashboard::Link;
use super::frame::{manages, path_id, value_text, Fmt, Nav};
use super::page::{render, Words};
use super::session::{error_text, form_value, page_error, Session, WebError, CSRF_FIELD};
use crate::domain::audit::time_text;
use crate::domain::error::{Error, Kind};
use crate::domain::rectification::{
    self, Allowed, LedgerFilter, LedgerQuery, Upload, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES,
};
use crate::domain::{rounds, surveys};
use crate::http::AppState;

/// Largest report form accepted: every file at its largest, and the text.
const MAX_REPORT_FORM_BYTES: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 256 * 1024;

/// The catalogue id of a status's name.
#[must_use]
pub fn status_label(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Open => "rectification-status-open",
        ItemStatus::Reported => "rectification-status-reported",
        ItemStatus::Returned => "rectification-status-returned",
        ItemStatus::Overdue => "rectification-status-overdue",
        ItemStatus::Closed => "rectification-status-closed",
    }
}

/// What an item was found after, in words: the survey, or the round and the official.
#[must_use]
pub fn source_words(lang: Lang, item: &RectificationItem) -> String {
    match (&item.survey_title, &item.round_name, &item.official_name) {
        (Some(title), _, _) => title.get(lang).to_string(),
        (None, Some(round), Some(official)) => format!("{round} · {official}"),
        (None, Some(round), None) => round.clone(),
        _ => String::new(),
    }
}

/// What was found, one line each: the note, the score and place, the rate and answer sheets,
/// the flags.
#[must_use]
pub fn finding_lines(lang: Lang, f: &Finding) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(note) = &f.note {
        lines.push(note.clone());
    }
    if let Some(score) = f.composite_score {
        let score = value_text(score, Fmt::Score);
        lines.push(match (f.rank, f.ranked) {
            (Some(rank), Some(ranked)) => msg!(
                "rectification-found-place",
                score = score,
                rank = rank,
                ranked = ranked
            )
            .render(lang),
            _ => msg!("rectification-found-score", score = score).render(lang),
        });
    }
    if let Some(rate) = f.satisfaction_rate {
        lines.push(
            msg!(
                "rectification-found-rate",
                rate = value_text(rate, Fmt::Percent)
            )
            .render(lang),
        );
    }
    if let Some(n) = f.responses {
        lines.push(msg!("rectification-found-answers", answers = n).render(lang));
    }
    if let Some(below) = f.rectify_below_score {
        lines.push(crate::web::dashboard::rectify_rule(lang, below));
    }
    if !f.flags.is_empty() {
        lines.push(msg!("rectification-found-flags", flags = f.flags.join("、")).render(lang));
    }
    lines
}

/// The questions where the unit fell short, one line each.
#[must_use]
pub fn question_lines(lang: Lang, f: &Finding) -> Vec<String> {
    f.questions
        .iter()
        .map(|q| {
            let score = value_text(q.score, Fmt::Score);
            let survey = value_text(q.survey_score, Fmt::Score);
            match q.answered {
                Some(n) => msg!(
                    "rectification-question-answered",
                    question = q.label.get(lang),
                    score = score,
                    survey = survey,
                    answered = n
                ),
                None => msg!(
                    "rectification-question",
                    question = q.label.get(lang),
                    score = score,
                    survey = survey
                ),
            }
            .render(lang)
        })
        .collect()
}

/// A line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub link: Link,
    pub source: String,
    /// The finding's first line.
    pub finding: String,
    pub due: String,
    pub status: String,
    /// `open`, `overdue` ...: the status cell's class.
    pub status_class: &'static str,
}

/// The organiser's form that adds an item by hand, on a ledger narrowed to a survey or a
/// round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddForm {
    pub action: String,
    /// `survey_id` or `round_id`, with its value.
    pub source: (String, String),
    /// `unit_id` or `official_id`.
    pub field: &'static str,
    pub label: String,
    /// (id, name) of the units rated or the officials flagged.
    pub choices: Vec<(String, String)>,
}

/// The ledger page's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPage {
    /// What the ledger is narrowed to (a survey or a round), and the link that shows it all.
    pub narrowed: Option<(String, Link)>,
    /// Where the filter form goes.
    pub action: String,
    /// (value, label, selected) of the status filter, "all" first.
    pub statuses: Vec<(String, String, bool)>,
    /// The filters kept when the status changes.
    pub kept: Vec<(String, String)>,
    pub rows: Vec<LedgerRow>,
    pub export: Link,
    pub add: Option<AddForm>,
}

/// The query string of a ledger narrowed by `filter` (with `status` when `with_status`).
fn filter_query(filter: &LedgerFilter, with_status: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if with_status {
        if let Some(s) = filter.status {
            out.push(("status".into(), s.as_str().into()));
        }
    }
    for (name, value) in [
        ("survey_id", filter.stored.survey_id),
        ("round_id", filter.stored.round_id),
        ("unit_id", filter.stored.unit_id),
    ] {
        if let Some(v) = value {
            out.push((name.into(), v.to_string()));
        }
    }
    out
}

fn with_query(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_string();
    }
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{path}?{}", query.join("&"))
}

/// The ledger of `items` narrowed by `filter`; `narrowed_to` names the survey or round it is
/// narrowed to; `link` makes a path a link in the reader's language.
#[must_use]
pub fn ledger_page(
    lang: Lang,
    items: &[RectificationItem],
    filter: &LedgerFilter,
    narrowed_to: Option<String>,
    link: &dyn Fn(&str) -> String,
) -> LedgerPage {
    let mut statuses = vec![(
        String::new(),
        tr(lang, "rectification-filter-all"),
        filter.status.is_none(),
    )];
    statuses.extend(ItemStatus::ALL.iter().map(|s| {
        (
            s.as_str().to_string(),
            tr(lang, status_label(*s)),
            filter.status == Some(*s),
        )
    }));
    let rows = items
        .iter()
        .map(|item| LedgerRow {
            link: Link {
                label: item.unit_name.clone(),
                href: link(&format!("/dashboard/rectification/{}", item.id)),
            },
            source: source_words(lang, item),
            finding: finding_lines(lang, &item.finding)
                .into_iter()
                .next()
                .unwrap_or_default(),
            due: item
                .due_on
                .clone()
                .unwrap_or_else(|| tr(lang, "rectification-no-due")),
            status: tr(lang, status_label(item.status)),
            status_class: item.status.as_str(),
        })
        .collect();
    LedgerPage {
        narrowed: narrowed_to.map(|what| {
            (
                what,
                Link {
                    label: tr(lang, "rectification-filter-clear"),
                    href: link("/dashboard/rectification"),
                },
            )
        }),
        action: "/dashboard/rectification".into(),
        statuses,
        kept: filter_query(filter, false),
        rows,
        export: Link {
            label: tr(lang, "rectification-export"),
            href: link(&with_query(
                "/dashboard/rectification/export.xlsx",
                &filter_query(filter, true),
            )),
        },
        add: None,
    }
}

/// A step of an item's history as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLine {
    pub what: String,
    /// Who and when.
    pub by: String,
    pub text: Option<String>,
    pub files: Vec<Link>,
}

/// An item page's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPage {
    pub heading: String,
    pub status: String,
    pub status_class: &'static str,
    /// The survey's or round's page.
    pub source: Option<Link>,
    /// Picked by the rule, or added by hand.
    pub origin: String,
    pub finding: Vec<String>,
    pub questions: Vec<String>,
    pub due: String,
    pub events: Vec<EventLine>,
    /// Where each step's form posts, when the caller may take it.
    pub due_form: Option<String>,
    pub report_form: Option<String>,
    pub review_form: Option<String>,
    /// The current due date, for the form.
    pub due_value: String,
    /// The limits of a report's files, in words.
    pub files_note: String,
    /// What the last step tried went wrong, in words.
    pub notice: Option<String>,
    pub back: Link,
}

/// The page of `detail`, with the forms of the steps in `allowed`.
#[must_use]
pub fn item_page(
    lang: Lang,
    detail: &RectificationDetail,
    allowed: Allowed,
    link: &dyn Fn(&str) -> String,
) -> ItemPage {
    let item = &detail.item;
    let base = format!("/dashboard/rectification/{}", item.id);
    let source = match (item.survey_id, item.round_id) {
        (Some(id), _) => Some(Link {
            label: source_words(lang, item),
            href: link(&format!("/dashboard/surveys/{id}")),
        }),
        (None, Some(id)) => Some(Link {
            label: source_words(lang, item),
            href: link(&format!("/dashboard/rounds/{id}")),
        }),
        _ => None,
    };
    let events = detail
        .events
        .iter()
        .map(|e| {
            let what = match e.kind {
                EventKind::Created => tr(lang, "rectification-event-created"),
                EventKind::DueSet => msg!(
                    "rectification-event-due-set",
                    day = e.due_on.clone().unwrap_or_default()
                )
                .render(lang),
                EventKind::Reported => tr(lang, "rectification-event-reported"),
                EventKind::Returned => tr(lang, "rectification-event-returned"),
                EventKind::Accepted => tr(lang, "rectification-event-accepted"),
            };
            EventLine {
                what,
                by: msg!(
                    "rectification-event-by",
                    actor = e.actor.as_str(),
                    when = time_text(e.at)
                )
                .render(lang),
                text: e.text.clone(),
                files: e
                    .attachments
                    .iter()
                    .map(|a| Link {
                        label: msg!(
                            "rectification-file",
                            file = a.file_name.as_str(),
                            kb = a.size.div_ceil(1024)
                        )
                        .render(lang),
                        href: link(&format!("{base}/attachments/{}", a.id)),
                    })
                    .collect(),
            }
        })
        .collect();
    ItemPage {
        heading: msg!("rectification-item-heading", unit = item.unit_name.as_str()).render(lang),
        status: tr(lang, status_label(item.status)),
        status_class: item.status.as_str(),
        source,
        origin: tr(
            lang,
            if item.by_rule {
                "rectification-by-rule"
            } else {
                "rectification-by-hand"
            },
        ),
        finding: finding_lines(lang, &item.finding),
        questions: question_lines(lang, &item.finding),
        due: item
            .due_on
            .clone()
            .unwrap_or_else(|| tr(lang, "rectification-no-due")),
        events,
        due_form: allowed.set_due.then(|| link(&format!("{base}/due"))),
        report_form: allowed.report.then(|| link(&format!("{base}/report"))),
        review_form: allowed.review.then(|| link(&format!("{base}/review"))),
        due_value: item.due_on.clone().unwrap_or_default(),
        files_note: msg!(
            "rectification-files-note",
            max = MAX_ATTACHMENTS,
            mb = MAX_ATTACHMENT_BYTES / (1024 * 1024)
        )
        .render(lang),
        notice: None,
        back: Link {
            label: tr(lang, "rectification-back"),
            href: link("/dashboard/rectification"),
        },
    }
}

/// The ledger as a table: column titles and one row per item, in `lang`.
#[must_use]
pub fn ledger_table(lang: Lang, items: &[RectificationItem]) -> (Vec<String>, Vec<Vec<String>>) {
    let columns = [
        "rectification-col-id",
        "rectification-col-unit",
        "rectification-col-source",
        "rectification-col-origin",
        "rectification-col-finding",
        "rectification-col-questions",
        "rectification-col-due",
        "rectification-col-status",
        "rectification-col-created",
        "rectification-col-updated",
    ]
    .iter()
    .map(|id| tr(lang, id))
    .collect();
    let rows = items
        .iter()
        .map(|item| {
            vec![
                item.id.to_string(),
                item.unit_name.clone(),
                source_words(lang, item),
                tr(
                    lang,
                    if item.by_rule {
                        "rectification-by-rule"
                    } else {
                        "rectification-by-hand"
                    },
                ),
                finding_lines(lang, &item.finding).join("\n"),
                question_lines(lang, &item.finding).join("\n"),
                item.due_on.clone().unwrap_or_default(),
                tr(lang, status_label(item.status)),
                time_text(item.created_at),
                time_text(item.updated_at),
            ]
        })
        .collect();
    (columns, rows)
}

#[derive(Template)]
#[template(path = "rectification/ledger.html")]
struct LedgerTemplate {
    w: Words,
    nav: Nav,
    p: LedgerPage,
}

#[derive(Template)]
#[template(path = "rectification/item.html")]
struct ItemTemplate {
    w: Words,
    nav: Nav,
    p: ItemPage,
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// The ledger's filters from the query string.
fn query_of(req: &HttpRequest) -> LedgerQuery {
    let mut q = LedgerQuery::default();
    for (k, v) in form_urlencoded::parse(req.query_string().as_bytes()) {
        let v = Some(v.into_owned());
        match k.as_ref() {
            "status" => q.status = v,
            "survey_id" => q.survey_id = v,
            "round_id" => q.round_id = v,
            "unit_id" => q.unit_id = v,
            _ => {}
        }
    }
    q
}

/// The ledger (整改台账) of the account's subtree, narrowed by `?status=`, `?survey_id=`,
/// `?round_id=`, `?unit_id=`; on a ledger narrowed to a survey or a round, the organiser's form
/// that adds an item by hand.
#[get("/dashboard/rectification")]
pub async fn ledger(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let filter = query_of(&req).check().map_err(page_error(lang))?;
    let caller = session.caller.clone();
    let rule = state.settings.rectification();
    let manager = manages(&session);
    let (items, narrowed, choices) = state
        .db(move |conn| {
            let items = rectification::list(conn, &caller, filter)?;
            let mut narrowed = None;
            let mut choices = Vec::new();
            if let Some(id) = filter.stored.survey_id {
                let results = surveys::results(conn, &caller, id, rule)?;
                narrowed = Some(
                    msg!(
                        "rectification-narrowed-survey",
                        survey = results.title.get(lang)
                    )
                    .render(lang),
                );
                if manager && results.status == canvass_protocol::surveys::SurveyStatus::Closed {
                    choices = results
                        .targets
                        .iter()
                        .filter(|t| !items.iter().any(|i| i.unit_id == t.unit_id))
                        .map(|t| (t.unit_id.to_string(), t.name.clone()))
                        .collect();
                }
            } else if let Some(id) = filter.stored.round_id {
                let report = rounds::report(conn, &caller, id, "")?;
                narrowed = Some(
                    msg!(
                        "rectification-narrowed-round",
                        round = format!("{} {}", report.round.series_name, report.round.period)
                    )
                    .render(lang),
                );
                if manager
                    && report.round.status == canvass_protocol::rounds::RoundStatus::Published
                {
                    for f in &report.flags {
                        if let Some(official) = f.flagged_official {
                            let taken = items.iter().any(|i| i.official_id == Some(official))
                                || choices.iter().any(|(id, _)| *id == official.to_string());
                            if !taken {
                                choices.push((official.to_string(), f.subject_name.clone()));
                            }
                        }
                    }
                }
            }
            Ok((items, narrowed, choices))
        })
        .await
        .map_err(page_error(lang))?;
    let mut p = ledger_page(lang, &items, &filter, narrowed, &|path| session.link(path));
    if !session.lang_query.is_empty() {
        p.kept.push(("lang".into(), lang.as_str().into()));
    }
    if manager && !choices.is_empty() {
        p.add = Some(match (filter.stored.survey_id, filter.stored.round_id) {
            (Some(id), _) => AddForm {
                action: session.link("/dashboard/rectification"),
                source: ("survey_id".into(), id.to_string()),
                field: "unit_id",
                label: tr(lang, "rectification-add-unit"),
                choices,
            },
            (None, id) => AddForm {
                action: session.link("/dashboard/rectification"),
                source: ("round_id".into(), id.unwrap_or_default().to_string()),
                field: "official_id",
                label: tr(lang, "rectification-add-official"),
                choices,
            },
        });
    }
    Ok(render(
        StatusCode::OK,
        &LedgerTemplate {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            p,
        },
    ))
}

/// Adds an item by hand (the ledger's form), then shows it.
#[post("/dashboard/rectification")]
pub async fn add_item(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let id_of = |name: &str| -> Result<Option<i64>, WebError> {
        match form_value(&body, name).filter(|v| !v.trim().is_empty()) {
            None => Ok(None),
            Some(v) => v.trim().parse::<i64>().map(Some).map_err(|_| {
                page_error(lang)(Error::invalid(
                    name,
                    msg!("error-invalid-filter", value = v.as_str()),
                ))
            }),
        }
    };
    let request = canvass_protocol::rectification::CreateItem {
        survey_id: id_of("survey_id")?,
        unit_id: id_of("unit_id")?,
        round_id: id_of("round_id")?,
        official_id: id_of("official_id")?,
        note: form_value(&body, "note").unwrap_or_default(),
        due_on: form_value(&body, "due_on").filter(|d| !d.trim().is_empty()),
    };
    let caller = session.caller.clone();
    let rule = state.settings.rectification();
    let detail = state
        .db(move |conn| rectification::create(conn, &caller, &request, rule))
        .await
        .map_err(page_error(lang))?;
    Ok(see_other(&session.link(&format!(
        "/dashboard/rectification/{}",
        detail.item.id
    ))))
}

/// An item's page, with `notice` (what went wrong with the last step) and `status`.
async fn item_view(
    state: &AppState,
    session: &Session,
    req: &HttpRequest,
    id: i64,
    status: StatusCode,
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let caller = session.caller.clone();
    let detail = state
        .db(move |conn| rectification::get(conn, &caller, id))
        .await
        .map_err(page_error(lang))?;
    let allowed = rectification::allowed(&session.caller, &detail.item);
    let mut p = item_page(lang, &detail, allowed, &|path| session.link(path));
    p.notice = notice;
    Ok(render(
        status,
        &ItemTemplate {
            w: Words::new(lang),
            nav: Nav::new(session, req),
            p,
        },
    ))
}

/// One item: what was found, its due date, its history, and the form of the step the caller
/// may take.
#[get("/dashboard/rectification/{id}")]
pub async fn show_item(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(session.lang, &id)?;
    item_view(&state, &session, &req, id, StatusCode::OK, None).await
}

/// The answer to a step: back to the item, or its page with what went wrong (a bad value,
/// a step the item cannot take now); other refusals are pages of their own.
async fn after_step(
    state: &AppState,
    session: &Session,
    req: &HttpRequest,
    id: i64,
    outcome: Result<RectificationDetail, Error>,
) -> Result<HttpResponse, WebError> {
    match outcome {
        Ok(_) => Ok(see_other(
            &session.link(&format!("/dashboard/rectification/{id}")),
        )),
        Err(e)
            if matches!(
                e.kind(),
                Kind::Invalid | Kind::Conflict | Kind::TooLarge | Kind::UnsupportedFormat
            ) =>
        {
            let status = crate::http::error::status(e.kind());
            item_view(
                state,
                session,
                req,
                id,
                status,
                Some(error_text(session.lang, &e)),
            )
            .await
        }
        Err(e) => Err(WebError::from_error(session.lang, &e)),
    }
}

/// Sets or changes the due date (organisers).
#[post("/dashboard/rectification/{id}/due")]
pub async fn set_due(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let id = path_id(session.lang, &id)?;
    let request = SetDue {
        due_on: form_value(&body, "due_on").unwrap_or_default(),
    };
    let caller = session.caller.clone();
    let outcome = state
        .db(move |conn| rectification::set_due(conn, &caller, id, &request))
        .await;
    after_step(&state, &session, &req, id, outcome).await
}

/// Accepts the waiting report (`action=accept`) or sends it back with a reason
/// (`action=return`) (organisers).
#[post("/dashboard/rectification/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let action = form_value(&body, "action").unwrap_or_default();
    let caller = session.caller.clone();
    let outcome = match action.as_str() {
        "accept" => {
            state
                .db(move |conn| rectification::accept(conn, &caller, id))
                .await
        }
        "return" => {
            let request = SendBack {
                reason: form_value(&body, "reason").unwrap_or_default(),
            };
            state
                .db(move |conn| rectification::send_back(conn, &caller, id, &request))
                .await
        }
        _ => Err(Error::invalid(
            "action",
            msg!("error-form-action", known = "accept, return"),
        )),
    };
    after_step(&state, &session, &req, id, outcome).await
}

/// Writes the unit's report with its files (`multipart/form-data`: `text`, and `files`, each
/// file input's file).
#[post("/dashboard/rectification/{id}/report")]
pub async fn write_report(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    mut payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let too_large = || {
        WebError::from_error(
            lang,
            &Error::new(
                Kind::TooLarge,
                canvass_protocol::ErrorCode::PayloadTooLarge,
                msg!(
                    "error-attachment-too-many-bytes",
                    max = MAX_ATTACHMENTS,
                    mb = MAX_ATTACHMENT_BYTES / (1024 * 1024)
                ),
            ),
        )
    };
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| too_large())?;
        if body.len() + chunk.len() > MAX_REPORT_FORM_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parts = if content_type.starts_with("multipart/form-data") {
        super::multipart::parts_with_files(content_type, &body).unwrap_or_default()
    } else {
        form_urlencoded::parse(&body)
            .map(|(k, v)| super::multipart::Part {
                name: k.into_owned(),
                file_name: None,
                bytes: v.into_owned().into_bytes(),
            })
            .collect()
    };
    let field = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name)
            .map(|p| String::from_utf8_lossy(&p.bytes).into_owned())
    };
    session.check_csrf(&req, field(CSRF_FIELD).as_deref())?;
    let text = field("text").unwrap_or_default();
    // a file input left empty sends a part without a name or content
    let uploads: Vec<Upload> = parts
        .iter()
        .filter(|p| p.name == "files")
        .filter_map(|p| {
            let name = p.file_name.as_deref().unwrap_or("").trim();
            (!name.is_empty() || !p.bytes.is_empty()).then(|| Upload {
                file_name: rectification::clean_file_name(name),
                content: p.bytes.clone(),
            })
        })
        .collect();
    let caller = session.caller.clone();
    let outcome = state
        .db(move |conn| rectification::report(conn, &caller, id, &text, uploads))
        .await;
    after_step(&state, &session, &req, id, outcome).await
}

/// A file attached to a report, for those who may read the item.
#[get("/dashboard/rectification/{id}/attachments/{attachment}")]
pub async fn attachment(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let (id, attachment) = path.into_inner();
    let id = path_id(lang, &id)?;
    let attachment = path_id(lang, &attachment)?;
    let caller = session.caller.clone();
    let (name, media_type, content) = state
        .db(move |conn| rectification::attachment(conn, &caller, id, attachment))
        .await
        .map_err(page_error(lang))?;
    Ok(crate::http::export::attachment(&name, &media_type, content))
}

/// The ledger as a workbook (整改台账), narrowed as the ledger page is; recorded in the audit
/// log.
#[get("/dashboard/rectification/export.xlsx")]
pub async fn export_xlsx(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let filter = query_of(&req).check().map_err(page_error(lang))?;
    let caller = session.caller.clone();
    let items = state
        .db(move |conn| rectification::list(conn, &caller, filter))
        .await
        .map_err(page_error(lang))?;
    let (columns, rows) = ledger_table(lang, &items);
    let title = tr(lang, "rectification-ledger");
    let sheet_title = title.clone();
    let bytes = web::block(move || ledger_xlsx(&sheet_title, &columns, &rows))
        .await
        .map_err(|e| WebError::from_error(lang, &Error::internal(&e)))?
        .map_err(|e| WebError::from_error(lang, &Error::internal(&e)))?;
    let caller = session.caller.clone();
    state
        .db(move |conn| rectification::ledger_exported(conn, &caller))
        .await
        .map_err(page_error(lang))?;
    let day = canvass_protocol::calendar::day_of(crate::domain::now());
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::export::download_name(
                &title,
                "rectification-ledger",
                &i18n::tr(lang, "rectification-export-sheet"),
                &day,
                "xlsx",
            ),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}

/// The workbook of the ledger: the title, the column titles, a row per item.
fn ledger_xlsx(
    title: &str,
    columns: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let heading = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name(title.chars().take(31).collect::<String>())?;
    sheet.write_string_with_format(0, 0, title, &heading)?;
    for (c, name) in columns.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(2, c, name, &bold)?;
        sheet.set_column_width(c, if c == 4 || c == 5 { 40 } else { 14 })?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 3).unwrap_or(u32::MAX);
        for (c, value) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.write_string_with_format(r, c, value, &wrap)?;
        }
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rectification::ItemFilterIds;
    use canvass_protocol::rectification::{
        AttachmentInfo, ItemEvent, LedgerCounts, RectificationItem, ShortQuestion,
    };

    fn link(path: &str) -> String {
        format!("{path}#")
    }

    fn item(status: ItemStatus) -> RectificationItem {
        RectificationItem {
            id: 4,
            unit_id: 9,
            unit_name: "南山镇".into(),
            survey_id: Some(2),
            survey_title: Some(canvass_protocol::forms::Localized::new(
                "乡镇便民服务满意度测评",
                "Township service survey",
            )),
            round_id: None,
            round_name: None,
            official_id: None,
            official_name: None,
            by_rule: true,
            finding: Finding {
                composite_score: Some(56.0),
                satisfaction_rate: Some(0.5),
                rank: Some(3),
                ranked: Some(3),
                responses: Some(6),
                rectify_below_score: Some(60.0),
                questions: vec![ShortQuestion {
                    id: "overall".into(),
                    label: canvass_protocol::forms::Localized::new("总体评价", "Overall"),
                    score: 0.0,
                    survey_score: 60.0,
                    answered: Some(6),
                }],
                ..Finding::default()
            },
            due_on: Some("2027-01-31".into()),
            status,
            created_at: 1_796_545_920,
            updated_at: 1_796_545_920,
        }
    }

    #[test]
    fn the_ledger_lists_each_item_with_its_status_and_keeps_its_filters() {
        let filter = LedgerFilter {
            status: Some(ItemStatus::Overdue),
            stored: ItemFilterIds {
                survey_id: Some(2),
                ..ItemFilterIds::default()
            },
        };
        let p = ledger_page(
            Lang::ZhCn,
            &[item(ItemStatus::Overdue)],
            &filter,
            Some("乡镇便民服务满意度测评发现的整改事项".into()),
            &link,
        );
        assert_eq!(p.rows.len(), 1);
        let row = &p.rows[0];
        assert_eq!(row.link.label, "南山镇");
        assert_eq!(row.link.href, "/dashboard/rectification/4#");
        assert_eq!(row.source, "乡镇便民服务满意度测评");
        assert_eq!(row.finding, "综合得分 56.00，第 3 名（共 3 个单位）");
        assert_eq!(
            (row.status.as_str(), row.status_class),
            ("已逾期", "overdue")
        );
        assert_eq!(row.due, "2027-01-31");
        let selected: Vec<&str> = p
            .statuses
            .iter()
            .filter(|s| s.2)
            .map(|s| s.0.as_str())
            .collect();
        assert_eq!(selected, ["overdue"]);
        assert_eq!(p.statuses.len(), 6, "all, then every status");
        assert_eq!(p.kept, [("survey_id".to_string(), "2".to_string())]);
        assert_eq!(
            p.export.href,
            "/dashboard/rectification/export.xlsx?status=overdue&survey_id=2#"
        );
        assert_eq!(p.narrowed.unwrap().1.href, "/dashboard/rectification#");
        assert!(p.add.is_none());
        let empty = ledger_page(Lang::En, &[], &LedgerFilter::default(), None, &link);
        assert!(empty.rows.is_empty() && empty.narrowed.is_none());
        assert_eq!(empty.export.href, "/dashboard/rectification/export.xlsx#");
    }

    #[test]
    fn what_was_found_is_said_in_both_languages_with_counts_only_where_given() {
        let f = item(ItemStatus::Open).finding;
        assert_eq!(
            finding_lines(Lang::En, &f),
            [
                "Composite score 56.00, place 3 of 3",
                "Satisfaction rate 50.0%",
                "6 answer sheets",
                &crate::web::dashboard::rectify_rule(Lang::En, 60.0),
            ]
        );
        assert_eq!(
            question_lines(Lang::ZhCn, &f),
            ["总体评价：0.00（全部单位 60.00），6 人作答"]
        );
        let mut hidden = f.clone();
        hidden.questions[0].answered = None;
        hidden.responses = None;
        assert_eq!(
            question_lines(Lang::En, &hidden),
            ["Overall: 0.00 (all units 60.00)"]
        );
        assert!(!finding_lines(Lang::En, &hidden)
            .iter()
            .any(|l| l.contains("answer sheets")));
        let by_hand = Finding {
            note: Some("窗口午间无人值守。".into()),
            flags: vec!["基本称职和不称职票达到三分之一".into()],
            ..Finding::default()
        };
        assert_eq!(
            finding_lines(Lang::ZhCn, &by_hand),
            ["窗口午间无人值守。", "预警：基本称职和不称职票达到三分之一"]
        );
    }

    fn detail(status: ItemStatus) -> RectificationDetail {
        RectificationDetail {
            item: item(status),
            events: vec![
                ItemEvent {
                    id: 1,
                    kind: EventKind::Created,
                    actor: "organiser".into(),
                    at: 1_796_545_920,
                    text: None,
                    due_on: None,
                    attachments: vec![],
                },
                ItemEvent {
                    id: 2,
                    kind: EventKind::DueSet,
                    actor: "organiser".into(),
                    at: 1_796_545_980,
                    text: None,
                    due_on: Some("2027-01-31".into()),
                    attachments: vec![],
                },
                ItemEvent {
                    id: 3,
                    kind: EventKind::Reported,
                    actor: "south".into(),
                    at: 1_796_546_040,
                    text: Some("已增设两个窗口。".into()),
                    due_on: None,
                    attachments: vec![AttachmentInfo {
                        id: 8,
                        file_name: "整改方案.pdf".into(),
                        media_type: "application/pdf".into(),
                        size: 2048,
                    }],
                },
            ],
        }
    }

    #[test]
    fn an_item_page_shows_its_history_and_only_the_forms_of_the_steps_allowed() {
        let none = item_page(
            Lang::ZhCn,
            &detail(ItemStatus::Reported),
            Allowed::default(),
            &link,
        );
        assert_eq!(none.heading, "整改事项：南山镇");
        assert_eq!(
            (none.status.as_str(), none.status_class),
            ("已报送，待验收", "reported")
        );
        assert!(
            none.due_form.is_none() && none.report_form.is_none() && none.review_form.is_none()
        );
        assert_eq!(none.source.unwrap().href, "/dashboard/surveys/2#");
        assert_eq!(none.origin, "公布结果时按整改规则确定");
        let what: Vec<&str> = none.events.iter().map(|e| e.what.as_str()).collect();
        assert_eq!(
            what,
            ["添加事项", "整改期限设为 2027-01-31", "报送整改报告"]
        );
        assert!(
            none.events[2].by.starts_with("south，"),
            "{}",
            none.events[2].by
        );
        assert_eq!(none.events[2].text.as_deref(), Some("已增设两个窗口。"));
        assert_eq!(none.events[2].files[0].label, "整改方案.pdf（2 KB）");
        assert_eq!(
            none.events[2].files[0].href,
            "/dashboard/rectification/4/attachments/8#"
        );
        let organiser = item_page(
            Lang::En,
            &detail(ItemStatus::Reported),
            Allowed {
                set_due: true,
                report: false,
                review: true,
            },
            &link,
        );
        assert_eq!(
            organiser.review_form.as_deref(),
            Some("/dashboard/rectification/4/review#")
        );
        assert_eq!(organiser.due_value, "2027-01-31");
        assert!(organiser.report_form.is_none());
        let unit = item_page(
            Lang::En,
            &detail(ItemStatus::Returned),
            Allowed {
                report: true,
                ..Allowed::default()
            },
            &link,
        );
        assert_eq!(
            unit.report_form.as_deref(),
            Some("/dashboard/rectification/4/report#")
        );
        assert_eq!(
            unit.files_note,
            "PDF, JPEG, PNG, XLSX or DOCX; at most 3 files of 5 MB each."
        );
    }

    #[test]
    fn the_ledger_workbook_has_a_row_per_item_in_the_readers_language() {
        let (columns, rows) = ledger_table(Lang::ZhCn, &[item(ItemStatus::Closed)]);
        assert_eq!(columns.len(), rows[0].len());
        assert_eq!(columns[1], "单位");
        assert_eq!(rows[0][0], "4");
        assert_eq!(rows[0][1], "南山镇");
        assert_eq!(rows[0][7], "已销号");
        assert!(rows[0][5].contains("总体评价"));
        let bytes = ledger_xlsx("整改台账", &columns, &rows).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }

    #[test]
    fn the_overview_says_how_many_items_are_open_overdue_and_closed() {
        let line = crate::web::dashboard::overview::overview_line(
            Lang::ZhCn,
            LedgerCounts {
                open: 3,
                overdue: 1,
                reported: 1,
                closed: 2,
            },
            &link,
        );
        assert_eq!(
            line.words,
            "未销号 3 项（逾期 1 项，待验收 1 项），已销号 2 项。"
        );
        assert_eq!(
            line.overdue_link.href,
            "/dashboard/rectification?status=overdue#"
        );
    }
}
