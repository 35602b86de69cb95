//! The organisers' pages: upload a survey or round definition, preview a survey as a
//! respondent sees it, publish, open and close; generate and print ballot-code slips; watch live
//! turnout (paper tally sheets: `web::tally_sheets`). Every change goes through the same
//! functions as the JSON API (so the same checks and scope apply) and every form carries the
//! session's CSRF token.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::{FormDefinition, Lang};
use canvass_protocol::i18n;
use canvass_protocol::rounds::{CreateRound, GenerateCodes, RoundInfo, RoundStatus};
use canvass_protocol::sheets::has_errors;
use canvass_protocol::sheets::xlsform::import_xlsform;
use canvass_protocol::surveys::{
    CreateSurvey, GenerateSurveyCodes, PublicTarget, Survey, SurveyCodeCount, SurveyStatus,
    UpdateSurvey,
};
use canvass_protocol::units::{Unit, UnitKind};
use canvass_protocol::{msg, ErrorCode};

use super::console::ConfirmPage;
use super::frame::{manages, path_id, Nav};
use super::page::{render, Words};
use super::session::{error_text, form_value, page_error, Session, WebError, CSRF_FIELD};
use crate::domain::auth::Action;
use crate::domain::error::{Error, Kind};
use crate::domain::surveys::{self, Step};
use crate::domain::{ballot_codes, rectification, rounds, units};
use crate::http::extract::parse_json;
use crate::http::AppState;

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// A lifecycle button of a management block: the `action` it posts and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusButton {
    pub action: &'static str,
    pub label: String,
}

/// The management block of a survey page (`templates/organiser/survey_manage.html`, included
/// by `templates/dashboard/survey.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyManage {
    /// The survey's public link.
    pub public_url: String,
    /// The preview as a respondent sees it.
    pub preview: String,
    /// The survey editor, filled with the latest questionnaire.
    pub edit: String,
    /// What the survey editor just did, in words (`?done=`), shown under the page's title;
    /// empty otherwise.
    pub notice: String,
    /// Where the lifecycle buttons post.
    pub status: String,
    /// The lifecycle steps the survey can take now.
    pub buttons: Vec<StatusButton>,
    /// The printables: (label, address).
    pub print_links: Vec<(String, String)>,
    /// Where the series form posts, and the survey's series and period as they are.
    pub series_action: String,
    pub series: String,
    pub period: String,
    /// When the results were published, in words.
    pub results_published: Option<String>,
    /// Survey codes: the setting and the slips (`survey_codes_block`).
    pub codes: Option<SurveyCodesBlock>,
}

/// The survey-code part of a survey's management block: whether answers need a code (which
/// can change only before the first publication), generating and printing slips, and how many
/// codes were issued and used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyCodesBlock {
    /// Whether answers need a survey code.
    pub required: bool,
    /// Where the setting posts, and the value its one button sets; before publication only.
    pub setting: Option<(String, &'static str)>,
    /// The setting button's words.
    pub setting_label: String,
    /// Generating slips, while codes are required and the survey is not closed.
    pub slips: Option<SurveySlipsForm>,
    /// Codes per unit: (unit, village or "", issued, used).
    pub counts: Vec<(String, String, u64, u64)>,
}

/// The form that generates survey-code slips for a target unit and, optionally, a village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveySlipsForm {
    pub action: String,
    /// The target units: (id, name).
    pub targets: Vec<(i64, String)>,
    /// The villages respondents may name: (id, name).
    pub villages: Vec<(i64, String)>,
    pub max: u32,
}

/// The survey-code block of `survey`'s page, with the villages its respondents may name and
/// its code counts.
#[must_use]
pub fn survey_codes_block(
    lang: Lang,
    survey: &Survey,
    villages: &[PublicTarget],
    counts: &[SurveyCodeCount],
    link: &dyn Fn(&str) -> String,
) -> SurveyCodesBlock {
    let id = survey.id;
    let name_of = |list: &[(i64, String)], unit: i64| {
        list.iter()
            .find(|(u, _)| *u == unit)
            .map_or_else(|| format!("#{unit}"), |(_, n)| n.clone())
    };
    let targets: Vec<(i64, String)> = survey
        .targets
        .iter()
        .map(|t| (t.unit_id, t.name.clone()))
        .collect();
    let villages: Vec<(i64, String)> = villages
        .iter()
        .map(|v| (v.unit_id, v.name.clone()))
        .collect();
    SurveyCodesBlock {
        required: survey.requires_codes,
        setting: survey.current_version.is_none().then(|| {
            (
                link(&format!("/dashboard/surveys/{id}/codes-setting")),
                if survey.requires_codes {
                    "false"
                } else {
                    "true"
                },
            )
        }),
        setting_label: i18n::tr(
            lang,
            if survey.requires_codes {
                "dashboard-manage-codes-stop"
            } else {
                "dashboard-manage-codes-require"
            },
        ),
        counts: counts
            .iter()
            .map(|c| {
                (
                    name_of(&targets, c.target_unit_id),
                    c.village_id
                        .map_or_else(String::new, |v| name_of(&villages, v)),
                    c.issued,
                    c.used,
                )
            })
            .collect(),
        slips: (survey.requires_codes && survey.status != SurveyStatus::Closed).then(|| {
            SurveySlipsForm {
                action: link(&format!("/dashboard/surveys/{id}/slips")),
                targets,
                villages,
                max: ballot_codes::MAX_CODES_PER_REQUEST,
            }
        }),
    }
}

/// The lifecycle steps `survey` can take now, as buttons: publish its draft, if it has one;
/// close it when open, open it again when closed.
#[must_use]
pub fn survey_buttons(lang: Lang, survey: &Survey) -> Vec<StatusButton> {
    let mut buttons = Vec::new();
    if survey.draft_version.is_some() {
        buttons.push(("publish", "dashboard-manage-survey-publish"));
    }
    match survey.status {
        SurveyStatus::Open => buttons.push(("close", "dashboard-manage-survey-close")),
        // published results are final: the survey is not opened again
        SurveyStatus::Closed if survey.results_published_at.is_none() => {
            buttons.push(("open", "dashboard-manage-survey-open"));
            buttons.push(("publish_results", "rectification-publish-results"));
        }
        SurveyStatus::Closed | SurveyStatus::Draft => {}
    }
    buttons
        .into_iter()
        .map(|(action, label)| StatusButton {
            action,
            label: i18n::tr(lang, label),
        })
        .collect()
}

/// The management block of `survey`'s page: its links and the lifecycle buttons.
#[must_use]
pub fn survey_manage(lang: Lang, survey: &Survey, link: &dyn Fn(&str) -> String) -> SurveyManage {
    let id = survey.id;
    SurveyManage {
        public_url: survey.public_url.clone(),
        preview: link(&format!("/dashboard/surveys/{id}/preview")),
        edit: link(&format!("/dashboard/surveys/{id}/edit")),
        notice: String::new(),
        status: link(&format!("/dashboard/surveys/{id}/status")),
        buttons: survey_buttons(lang, survey),
        print_links: super::print::survey_links(lang, survey, link),
        series_action: link(&format!("/dashboard/surveys/{id}/series")),
        series: survey.series.clone().unwrap_or_default(),
        period: survey.period.clone().unwrap_or_default(),
        results_published: survey.results_published_at.map(|at| {
            msg!(
                "rectification-results-published",
                when = crate::domain::audit::time_text(at)
            )
            .render(lang)
        }),
        codes: None,
    }
}

/// The form that generates ballot-code slips for one elector group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipsForm {
    /// Where it posts.
    pub action: String,
    /// The elector groups: (id, label).
    pub groups: Vec<(String, String)>,
    /// Most codes one request may ask for.
    pub max: u32,
}

/// The management block of a round page (`templates/organiser/round_manage.html`, included by
/// `templates/dashboard/round.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundManage {
    /// The ballot page electors open.
    pub ballot_url: String,
    /// Where the lifecycle buttons post.
    pub status: String,
    /// The lifecycle steps the round can take now.
    pub buttons: Vec<StatusButton>,
    /// Generating slips, while the round is a draft or open.
    pub slips: Option<SlipsForm>,
    /// Entering a paper tally sheet and the live turnout, while the round is open or closed.
    pub running: Option<RunningLinks>,
    /// The printables: (label, address).
    pub print_links: Vec<(String, String)>,
}

/// The links of a round that is being voted on or counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningLinks {
    pub sheet: String,
    pub turnout: String,
}

/// The lifecycle steps a round in `status` can take, as buttons: open a draft, close an open
/// round, open a closed one again or publish its results.
#[must_use]
pub fn round_buttons(lang: Lang, status: RoundStatus) -> Vec<StatusButton> {
    let buttons: &[(&'static str, &str)] = match status {
        RoundStatus::Draft => &[("open", "dashboard-manage-round-open")],
        RoundStatus::Open => &[("close", "dashboard-manage-round-close")],
        RoundStatus::Closed => &[
            ("open", "dashboard-manage-round-reopen"),
            ("publish", "dashboard-manage-round-publish"),
        ],
        RoundStatus::Published => &[],
    };
    buttons
        .iter()
        .map(|(action, label)| StatusButton {
            action,
            label: i18n::tr(lang, label),
        })
        .collect()
}

/// The management block of a round's page: lifecycle buttons, slips, tally sheets, turnout
/// and the printables.
#[must_use]
pub fn round_manage(lang: Lang, info: &RoundInfo, link: &dyn Fn(&str) -> String) -> RoundManage {
    let id = info.id;
    RoundManage {
        ballot_url: info.ballot_url.clone(),
        status: link(&format!("/dashboard/rounds/{id}/status")),
        buttons: round_buttons(lang, info.status),
        slips: matches!(info.status, RoundStatus::Draft | RoundStatus::Open).then(|| SlipsForm {
            action: link(&format!("/dashboard/rounds/{id}/slips")),
            groups: info
                .definition
                .elector_groups
                .iter()
                .map(|g| (g.id.clone(), g.label.clone()))
                .collect(),
            max: ballot_codes::MAX_CODES_PER_REQUEST,
        }),
        running: matches!(info.status, RoundStatus::Open | RoundStatus::Closed).then(|| {
            RunningLinks {
                sheet: link(&format!("/dashboard/rounds/{id}/sheet")),
                turnout: link(&format!("/dashboard/rounds/{id}/turnout")),
            }
        }),
        print_links: super::print::round_links(lang, info, link),
    }
}

/// What a confirmation page says before a lifecycle step is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub heading: String,
    /// What will happen, in words.
    pub what: String,
    /// The confirm button's words (the step's own button).
    pub button: String,
}

/// The confirmation of `action` on `survey`, when the survey offers that step now; `None`
/// otherwise (the step is then left to the domain, which says why it cannot be taken).
#[must_use]
pub fn survey_confirmation(lang: Lang, survey: &Survey, action: &str) -> Option<Confirmation> {
    let button = survey_buttons(lang, survey)
        .into_iter()
        .find(|b| b.action == action)?;
    let title = survey.title.get(lang);
    let (heading, what) = match action {
        "publish" => (
            msg!("dashboard-confirm-survey-publish-heading", survey = title),
            msg!(
                "dashboard-confirm-survey-publish-what",
                version = survey.draft_version.unwrap_or_default()
            ),
        ),
        "close" => (
            msg!("dashboard-confirm-survey-close-heading", survey = title),
            msg!("dashboard-confirm-survey-close-what"),
        ),
        "publish_results" => (
            msg!("rectification-confirm-publish-heading", survey = title),
            msg!("rectification-confirm-publish-what"),
        ),
        _ => (
            msg!("dashboard-confirm-survey-open-heading", survey = title),
            msg!("dashboard-confirm-survey-open-what"),
        ),
    };
    Some(Confirmation {
        heading: heading.render(lang),
        what: what.render(lang),
        button: button.label,
    })
}

/// The confirmation of `action` on the round `info`, when the round offers that step now;
/// `None` otherwise.
#[must_use]
pub fn round_confirmation(lang: Lang, info: &RoundInfo, action: &str) -> Option<Confirmation> {
    let button = round_buttons(lang, info.status)
        .into_iter()
        .find(|b| b.action == action)?;
    let round = format!("{} {}", info.series_name, info.period);
    let (heading, what) = match action {
        "open" => (
            msg!("dashboard-confirm-round-open-heading", round = round),
            "dashboard-confirm-round-open-what",
        ),
        "close" => (
            msg!("dashboard-confirm-round-close-heading", round = round),
            "dashboard-confirm-round-close-what",
        ),
        _ => (
            msg!("dashboard-confirm-round-publish-heading", round = round),
            "dashboard-confirm-round-publish-what",
        ),
    };
    Some(Confirmation {
        heading: heading.render(lang),
        what: i18n::tr(lang, what),
        button: button.label,
    })
}

/// The confirmation page of a lifecycle step of the instrument at `page`: posts `action` again
/// to its status address with `confirm=yes`, or goes back to the page.
fn confirm_page(
    session: &Session,
    req: &HttpRequest,
    c: Confirmation,
    page: &str,
    action: &str,
) -> HttpResponse {
    render(
        StatusCode::OK,
        &ConfirmPage {
            w: Words::new(session.lang),
            nav: Nav::new(session, req),
            heading: c.heading,
            what: c.what,
            action: session.link(&format!("{page}/status")),
            fields: vec![("action".into(), action.into())],
            button: c.button,
            cancel: session.link(page),
        },
    )
}

/// What a management block's status form posted, checked: the instrument's id, the step's
/// name, and whether the step carries its confirmation. Refuses a post without the session's
/// CSRF token, and one to be confirmed from an account that does not manage instruments.
fn posted_step(
    session: &Session,
    req: &HttpRequest,
    id: &str,
    body: &[u8],
) -> Result<(i64, String, bool), WebError> {
    session.check_csrf(req, form_value(body, CSRF_FIELD).as_deref())?;
    let id = path_id(session.lang, id)?;
    let confirmed = form_value(body, "confirm").as_deref() == Some("yes");
    if !confirmed {
        require_manager(session)?;
    }
    Ok((
        id,
        form_value(body, "action").unwrap_or_default(),
        confirmed,
    ))
}

fn require_manager(session: &Session) -> Result<(), WebError> {
    session
        .caller
        .require(manages(session), Action::ManageInstruments)
        .map_err(page_error(session.lang))
}

/// `invalid_value` for a form's `action` field that names none of `known`.
fn unknown_action(known: &str) -> Error {
    Error::invalid("action", msg!("error-form-action", known = known))
}

/// Publishes, opens or closes a survey, or publishes its results, once the organiser has confirmed what that does (a
/// post without `confirm=yes` answers with the confirmation page).
#[post("/dashboard/surveys/{id}/status")]
pub async fn survey_status(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let (id, action, confirmed) = posted_step(&session, &req, &id, &body)?;
    let step = match action.as_str() {
        "publish" => Some(Step::Publish),
        "open" => Some(Step::Open),
        "close" => Some(Step::Close),
        "publish_results" => None,
        _ => {
            return Err(page_error(lang)(unknown_action(
                "publish, open, close, publish_results",
            )))
        }
    };
    let (caller, base) = (session.caller.clone(), state.public_url.clone());
    let page = format!("/dashboard/surveys/{id}");
    if !confirmed {
        let (caller, base) = (caller.clone(), base.clone());
        let survey = state
            .db(move |conn| surveys::get(conn, &caller, id, &base))
            .await
            .map_err(page_error(lang))?;
        if let Some(c) = survey_confirmation(lang, &survey, &action) {
            return Ok(confirm_page(&session, &req, c, &page, &action));
        }
    }
    let Some(step) = step else {
        // publishing the results makes the rectification items: shown next
        let rule = state.settings.rectification();
        state
            .db(move |conn| rectification::publish_results(conn, &caller, id, rule))
            .await
            .map_err(page_error(lang))?;
        return Ok(see_other(
            &session.link(&format!("/dashboard/rectification?survey_id={id}")),
        ));
    };
    state
        .db(move |conn| surveys::take_step(conn, &caller, id, step, &base))
        .await
        .map_err(page_error(lang))?;
    Ok(see_other(&session.link(&page)))
}

/// Puts a survey in a series with its period (`series`, `period`; empty takes it out), as
/// `PATCH /api/v1/surveys/{id}` does, then back to the survey's page.
#[post("/dashboard/surveys/{id}/series")]
pub async fn survey_series(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    require_manager(&session)?;
    let id = path_id(lang, &id)?;
    let update = UpdateSurvey {
        series: Some(form_value(&body, "series").unwrap_or_default()),
        period: Some(form_value(&body, "period").unwrap_or_default()),
        ..UpdateSurvey::default()
    };
    let (caller, base) = (session.caller.clone(), state.public_url.clone());
    state
        .db(move |conn| surveys::update(conn, &caller, id, &update, &base))
        .await
        .map_err(page_error(lang))?;
    Ok(see_other(
        &session.link(&format!("/dashboard/surveys/{id}")),
    ))
}

/// The survey's latest version (the draft, if there is one) as a respondent would see it;
/// nothing can be sent from the preview.
#[get("/dashboard/surveys/{id}/preview")]
pub async fn survey_preview(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    require_manager(&session)?;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let form = state
        .db(move |conn| surveys::preview(conn, &caller, id))
        .await
        .map_err(page_error(lang))?;
    let banner = msg!("dashboard-preview-banner", version = form.version).render(lang);
    Ok(super::page::html_response(
        StatusCode::OK,
        super::survey_form::preview(lang, &form, &banner),
    ))
}

/// Opens, closes or publishes a round, once the organiser has confirmed what that does (a post
/// without `confirm=yes` answers with the confirmation page).
#[post("/dashboard/rounds/{id}/status")]
pub async fn round_status(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let (id, action, confirmed) = posted_step(&session, &req, &id, &body)?;
    let to = match action.as_str() {
        "open" => RoundStatus::Open,
        "close" => RoundStatus::Closed,
        "publish" => RoundStatus::Published,
        _ => return Err(page_error(lang)(unknown_action("open, close, publish"))),
    };
    let (caller, base) = (session.caller.clone(), state.public_url.clone());
    let page = format!("/dashboard/rounds/{id}");
    if !confirmed {
        let (caller, base) = (caller.clone(), base.clone());
        let info = state
            .db(move |conn| rounds::get(conn, &caller, id, &base))
            .await
            .map_err(page_error(lang))?;
        if let Some(c) = round_confirmation(lang, &info, &action) {
            return Ok(confirm_page(&session, &req, c, &page, &action));
        }
    }
    state
        .db(move |conn| rounds::transition(conn, &caller, id, to, &base))
        .await
        .map_err(page_error(lang))?;
    Ok(see_other(&session.link(&page)))
}

/// Generates codes of one elector group and answers with the printable slips.
#[post("/dashboard/rounds/{id}/slips")]
pub async fn round_slips(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let id = path_id(lang, &id)?;
    let request = GenerateCodes {
        elector_group: form_value(&body, "elector_group").unwrap_or_default(),
        count: form_value(&body, "count")
            .and_then(|c| c.trim().parse::<u32>().ok())
            .unwrap_or(0),
    };
    let (info, codes) = state
        .generate_codes(session.caller.clone(), id, &request)
        .await
        .map_err(page_error(lang))?;
    Ok(super::slips::response(
        &info,
        &request.elector_group,
        &codes,
    ))
}

/// Sets whether a survey's answers need survey codes (before its first publication), then
/// goes back to its page.
#[post("/dashboard/surveys/{id}/codes-setting")]
pub async fn survey_codes_setting(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let id = path_id(lang, &id)?;
    let update = UpdateSurvey {
        requires_codes: Some(form_value(&body, "requires_codes").as_deref() == Some("true")),
        ..UpdateSurvey::default()
    };
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    state
        .db(move |conn| surveys::update(conn, &caller, id, &update, &base))
        .await
        .map_err(page_error(lang))?;
    Ok(see_other(
        &session.link(&format!("/dashboard/surveys/{id}")),
    ))
}

/// Generates survey codes for a target unit (and village) and answers with the printable
/// slips.
#[post("/dashboard/surveys/{id}/slips")]
pub async fn survey_slips(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let id = path_id(lang, &id)?;
    let number = |name: &str| form_value(&body, name).and_then(|v| v.trim().parse().ok());
    let request = GenerateSurveyCodes {
        target_unit_id: number("target_unit_id").unwrap_or(0),
        village_id: number("village_id"),
        count: form_value(&body, "count")
            .and_then(|c| c.trim().parse::<u32>().ok())
            .unwrap_or(0),
    };
    let issued = state
        .generate_survey_codes(session.caller.clone(), id, request, true)
        .await
        .map_err(page_error(lang))?;
    Ok(super::slips::survey_response(lang, &issued))
}

// ---- uploading definitions ---------------------------------------------------------------

/// Whether an error is shown on the form it came from, with what was typed kept, rather than
/// on a page of its own (not allowed, or the server's fault).
fn shown_on_the_form(e: &Error) -> bool {
    !e.is_server_fault() && !matches!(e.kind(), Kind::Forbidden | Kind::OutOfScope)
}

/// Units the caller may own instruments by, and those a survey may rate.
async fn unit_choices(
    state: &AppState,
    session: &Session,
) -> Result<(Vec<Unit>, Vec<Unit>), WebError> {
    let caller = session.caller.clone();
    let all = state
        .db(move |conn| units::list(conn, &caller, None))
        .await
        .map_err(page_error(session.lang))?;
    let owners = all
        .iter()
        .filter(|u| !matches!(u.kind, UnitKind::Village | UnitKind::Community))
        .cloned()
        .collect();
    let targets = all
        .into_iter()
        .filter(|u| matches!(u.kind, UnitKind::Department | UnitKind::Township) || u.window_unit)
        .take(surveys::MAX_TARGETS)
        .collect();
    Ok((owners, targets))
}

/// A unit offered by the upload form: its id, name and whether it is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitChoice {
    pub id: i64,
    pub name: String,
    pub chosen: bool,
}

/// The upload form's data (`templates/organiser/new.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadPage {
    /// Where the form posts.
    pub action: String,
    /// Why the definition sent was refused, in the reader's language: every problem of a JSON
    /// definition, or the heading of [`problems`](Self::problems).
    pub error: Option<String>,
    /// Every problem of an XLSForm workbook, each with its sheet, row and column.
    pub problems: Vec<String>,
    /// Whether a round (rather than a survey) is chosen.
    pub round: bool,
    /// The definition as pasted (or as sent in the file), kept after a refusal.
    pub text: String,
    /// Units that may own the instrument.
    pub owners: Vec<UnitChoice>,
    /// Units a survey may rate.
    pub targets: Vec<UnitChoice>,
}

/// The upload form with what was `kept` from the last attempt and its `error`.
fn upload_page(
    (owners, targets): &(Vec<Unit>, Vec<Unit>),
    kept: &Upload,
    error: Option<String>,
    link: &dyn Fn(&str) -> String,
) -> UploadPage {
    UploadPage {
        action: link("/dashboard/new"),
        error,
        problems: Vec::new(),
        round: kept.kind == "round",
        text: kept.text.clone(),
        owners: owners
            .iter()
            .map(|u| UnitChoice {
                id: u.id,
                name: u.name.clone(),
                chosen: kept.unit_id == Some(u.id),
            })
            .collect(),
        targets: targets
            .iter()
            .map(|u| UnitChoice {
                id: u.id,
                name: u.name.clone(),
                chosen: kept.targets.contains(&u.id),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "organiser/new.html")]
struct UploadTemplate {
    w: Words,
    nav: Nav,
    p: UploadPage,
}

fn upload_response(
    session: &Session,
    req: &HttpRequest,
    status: StatusCode,
    p: UploadPage,
) -> HttpResponse {
    render(
        status,
        &UploadTemplate {
            w: Words::new(session.lang),
            nav: Nav::new(session, req),
            p,
        },
    )
}

/// The page that says a survey was created from an XLSForm workbook whose reading left notes
/// (columns and rows ignored), with each note and the way to the survey
/// (`templates/organiser/created.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedPage {
    /// "The draft survey is created; the file has 2 notes", in the reader's language.
    pub heading: String,
    /// Every note with its sheet, row and column.
    pub warnings: Vec<String>,
    /// The survey's page.
    pub href: String,
}

/// The page of a survey created from a workbook with `warnings`, its page at `href`.
#[must_use]
pub fn created_with_warnings(lang: Lang, warnings: Vec<String>, href: String) -> CreatedPage {
    CreatedPage {
        heading: msg!("dashboard-upload-created-warnings", count = warnings.len()).render(lang),
        warnings,
        href,
    }
}

#[derive(Template)]
#[template(path = "organiser/created.html")]
struct CreatedTemplate {
    w: Words,
    nav: Nav,
    p: CreatedPage,
}

/// What the upload form sent.
#[derive(Debug, Default)]
struct Upload {
    csrf: Option<String>,
    kind: String,
    text: String,
    file: Vec<u8>,
    unit_id: Option<i64>,
    targets: Vec<i64>,
}

/// The upload form.
#[get("/dashboard/new")]
pub async fn new_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    require_manager(&session)?;
    let choices = unit_choices(&state, &session).await?;
    let kept = Upload {
        unit_id: session.caller.account.unit_id,
        ..Upload::default()
    };
    let p = upload_page(&choices, &kept, None, &|path| session.link(path));
    Ok(upload_response(&session, &req, StatusCode::OK, p))
}

/// Creates a draft survey or round from an uploaded (or pasted) definition and goes to its
/// page; a definition that is not valid comes back with every problem and the text kept.
#[post("/dashboard/new")]
pub async fn new_submit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let upload = read_upload(&content_type, &body).unwrap_or_default();
    session.check_csrf(&req, upload.csrf.as_deref())?;
    require_manager(&session)?;
    let sent: Vec<u8> = if upload.file.iter().any(|b| !b.is_ascii_whitespace()) {
        upload.file.clone()
    } else {
        upload.text.clone().into_bytes()
    };
    let workbook = is_workbook(&sent);
    let round = upload.kind == "round";
    // an XLSForm workbook is read before anything is stored; each of its problems is listed
    // with its sheet, row and column
    let mut problems = Vec::new();
    // the notes of a workbook that was read (ignored columns and rows), shown once it is stored
    let mut warnings = Vec::new();
    let read: Result<Definition, Error> = if !workbook {
        Ok(Definition::Json(sent))
    } else if round {
        Err(Error::new(
            Kind::Invalid,
            ErrorCode::InvalidValue,
            msg!("dashboard-upload-xlsform-round"),
        ))
    } else {
        let import = web::block(move || import_xlsform(&sent))
            .await
            .map_err(|e| WebError::from_error(lang, &Error::internal(&e)))?;
        match import.form {
            Some(form) if !has_errors(&import.problems) => {
                warnings = import.problems.iter().map(|p| p.render(lang)).collect();
                Ok(Definition::Form(
                    Box::new(form),
                    import.series.clone(),
                    import.period.clone(),
                ))
            }
            _ => {
                problems = import.problems.iter().map(|p| p.render(lang)).collect();
                Err(Error::new(
                    Kind::Invalid,
                    ErrorCode::InvalidValue,
                    msg!("dashboard-upload-xlsform-problems", count = problems.len()),
                ))
            }
        }
    };
    let caller = session.caller.clone();
    let (unit_id, targets) = (upload.unit_id, upload.targets.clone());
    let base = state.public_url.clone();
    let outcome = match read {
        Err(e) => Err(e),
        Ok(definition) => {
            state
                .db(move |conn| {
                    let definition = match definition {
                        Definition::Json(json) if round => {
                            let body = CreateRound {
                                definition: parse_json(&json)?,
                                unit_id,
                            };
                            let info = rounds::create(conn, &caller, &body, &base)?;
                            return Ok(format!("/dashboard/rounds/{}", info.id));
                        }
                        Definition::Json(json) => (parse_json(&json)?, None, None),
                        Definition::Form(form, series, period) => (*form, series, period),
                    };
                    let (definition, series, period) = definition;
                    let body = CreateSurvey {
                        requires_codes: None,
                        definition,
                        targets,
                        unit_id,
                        min_group_size: None,
                        opens_at: None,
                        closes_at: None,
                        series,
                        period,
                    };
                    let survey = surveys::create(conn, &caller, &body, &base)?;
                    Ok(format!("/dashboard/surveys/{}", survey.id))
                })
                .await
        }
    };
    match outcome {
        Ok(location) if !warnings.is_empty() => Ok(render(
            StatusCode::OK,
            &CreatedTemplate {
                w: Words::new(lang),
                nav: Nav::new(&session, &req),
                p: created_with_warnings(lang, warnings, session.link(&location)),
            },
        )),
        Ok(location) => Ok(see_other(&session.link(&location))),
        Err(e) if shown_on_the_form(&e) => {
            let choices = unit_choices(&state, &session).await?;
            let kept = Upload {
                // what was typed, or the file when it is text; never a workbook's bytes
                text: if upload.text.is_empty() && !workbook {
                    String::from_utf8_lossy(&upload.file).into_owned()
                } else {
                    upload.text.clone()
                },
                ..upload
            };
            let mut p = upload_page(&choices, &kept, Some(error_text(lang, &e)), &|path| {
                session.link(path)
            });
            p.problems = problems;
            Ok(upload_response(
                &session,
                &req,
                crate::http::error::status(e.kind()),
                p,
            ))
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}

/// A definition as sent: JSON text, or a survey's form read from an XLSForm workbook.
enum Definition {
    Json(Vec<u8>),
    /// A form read from an XLSForm workbook, with the series and period of its settings sheet.
    Form(Box<FormDefinition>, Option<String>, Option<String>),
}

/// Whether `bytes` are a workbook (an `.xlsx` file is a zip archive) rather than JSON text.
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn read_upload(content_type: &str, body: &[u8]) -> Option<Upload> {
    let fields: Vec<(String, Vec<u8>)> = if content_type.starts_with("multipart/form-data") {
        super::multipart::parts(content_type, body)?
    } else {
        form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned().into_bytes()))
            .collect()
    };
    let mut upload = Upload::default();
    for (name, data) in fields {
        let text = || String::from_utf8_lossy(&data).into_owned();
        match name.as_str() {
            CSRF_FIELD => upload.csrf = Some(text()),
            "kind" => upload.kind = text(),
            "text" => upload.text = text(),
            "unit_id" => upload.unit_id = text().trim().parse().ok(),
            "targets" => upload.targets.extend(text().trim().parse::<i64>().ok()),
            "file" => upload.file = data,
            _ => {}
        }
    }
    Some(upload)
}

#[cfg(test)]
mod tests {
    use canvass_protocol::forms::Lang;
    use canvass_protocol::rounds::{RoundInfo, RoundStatus};
    use canvass_protocol::surveys::{Survey, SurveyStatus};
    use canvass_protocol::units::{Unit, UnitKind};
    use serde_json::json;

    use super::*;

    fn survey(status: SurveyStatus, draft: Option<i32>) -> Survey {
        let mut survey: Survey = serde_json::from_value(json!({
            "id": 7,
            "title": {"zh-CN": "东山镇村务服务满意度测评", "en": "Dongshan village services"},
            "status": "open",
            "accepting": true,
            "unit_id": 2,
            "targets": [],
            "current_version": 1,
            "draft_version": null,
            "min_group_size": 5,
            "comment_min_group_size": 10,
            "opens_at": null,
            "closes_at": null,
            "public_url": "https://example.org/s/abc",
            "created_at": 0
        }))
        .expect("a survey");
        survey.status = status;
        survey.draft_version = draft;
        survey
    }

    fn round(status: RoundStatus) -> RoundInfo {
        let mut info: RoundInfo = serde_json::from_value(json!({
            "id": 3,
            "unit_id": 2,
            "series_id": "dongshan-annual",
            "series_name": "东山镇领导班子年度民主测评",
            "period": "2026",
            "status": "draft",
            "ballot_url": "https://example.org/b/xyz",
            "min_group_size": 5,
            "definition": {
                "period": "2026",
                "series": {"id": "dongshan-annual", "name": "东山镇领导班子年度民主测评"},
                "officials": [{"official_id": 1, "name": "王建国", "position": "党委书记"}],
                "elector_groups": [
                    {"id": "cadres", "label": "干部", "weight": 1.0},
                    {"id": "a&b", "label": "群众代表", "weight": 1.0}
                ]
            },
            "created_at": 0
        }))
        .expect("a round");
        info.status = status;
        info
    }

    fn link(path: &str) -> String {
        format!("{path}?lang=en")
    }

    fn actions(buttons: &[StatusButton]) -> Vec<&str> {
        buttons.iter().map(|b| b.action).collect()
    }

    #[test]
    fn a_survey_offers_the_steps_it_can_take_now() {
        let zh = Lang::ZhCn;
        assert!(survey_buttons(zh, &survey(SurveyStatus::Draft, None)).is_empty());
        assert_eq!(
            actions(&survey_buttons(zh, &survey(SurveyStatus::Draft, Some(1)))),
            ["publish"]
        );
        let open = survey_buttons(zh, &survey(SurveyStatus::Open, Some(2)));
        assert_eq!(actions(&open), ["publish", "close"]);
        assert_eq!(open[1].label, "结束测评");
        assert_eq!(
            survey_buttons(Lang::En, &survey(SurveyStatus::Closed, None))[0].label,
            "Open again"
        );
        let closed = survey_buttons(Lang::En, &survey(SurveyStatus::Closed, None));
        assert_eq!(actions(&closed), ["open", "publish_results"]);
        assert_eq!(closed[1].label, "Publish the results");
        // published results are final: neither opened again nor published twice
        let mut published = survey(SurveyStatus::Closed, None);
        published.results_published_at = Some(1_796_545_920);
        assert!(survey_buttons(zh, &published).is_empty());
    }

    #[test]
    fn publishing_the_results_is_confirmed_with_what_it_does() {
        let c = survey_confirmation(
            Lang::En,
            &survey(SurveyStatus::Closed, None),
            "publish_results",
        )
        .unwrap();
        assert!(
            c.heading.contains("Dongshan village services"),
            "{}",
            c.heading
        );
        assert!(c.what.contains("rectification ledger"), "{}", c.what);
        assert_eq!(c.button, "Publish the results");
        assert!(survey_confirmation(
            Lang::En,
            &survey(SurveyStatus::Open, None),
            "publish_results"
        )
        .is_none());
        assert!(
            survey_manage(Lang::En, &survey(SurveyStatus::Closed, None), &link)
                .results_published
                .is_none()
        );
        let mut published = survey(SurveyStatus::Closed, None);
        published.results_published_at = Some(1_796_545_920);
        let m = survey_manage(Lang::En, &published, &link);
        assert_eq!(
            m.results_published.as_deref(),
            Some("Results published on 2026-12-06 16:32.")
        );
    }

    #[test]
    fn the_survey_management_block_links_the_preview_status_and_printables() {
        let m = survey_manage(Lang::En, &survey(SurveyStatus::Open, None), &link);
        assert_eq!(m.public_url, "https://example.org/s/abc");
        assert_eq!(m.preview, "/dashboard/surveys/7/preview?lang=en");
        assert_eq!(m.edit, "/dashboard/surveys/7/edit?lang=en");
        assert_eq!(m.status, "/dashboard/surveys/7/status?lang=en");
        assert_eq!(actions(&m.buttons), ["close"]);
        assert_eq!(
            m.print_links,
            [
                (
                    "Paper questionnaire".to_string(),
                    "/dashboard/surveys/7/print?lang=en".to_string()
                ),
                (
                    "Survey posters (one per unit rated)".to_string(),
                    "/dashboard/surveys/7/print/posters?lang=en".to_string()
                )
            ]
        );
        // a draft's links do not work yet: no posters
        let draft = survey_manage(Lang::En, &survey(SurveyStatus::Draft, Some(1)), &link);
        assert_eq!(draft.print_links.len(), 1, "{:?}", draft.print_links);
    }

    #[test]
    fn a_round_offers_slips_while_voting_can_start_and_sheets_while_it_is_counted() {
        let draft = round_manage(Lang::ZhCn, &round(RoundStatus::Draft), &link);
        assert_eq!(actions(&draft.buttons), ["open"]);
        let slips = draft.slips.expect("slips before voting");
        assert_eq!(slips.action, "/dashboard/rounds/3/slips?lang=en");
        assert_eq!(slips.groups[0], ("cadres".into(), "干部".into()));
        assert_eq!(slips.max, ballot_codes::MAX_CODES_PER_REQUEST);
        assert!(draft.running.is_none());
        let open = round_manage(Lang::ZhCn, &round(RoundStatus::Open), &link);
        assert_eq!(actions(&open.buttons), ["close"]);
        assert!(open.slips.is_some());
        assert_eq!(
            open.running.expect("sheets while open").turnout,
            "/dashboard/rounds/3/turnout?lang=en"
        );
        let closed = round_manage(Lang::ZhCn, &round(RoundStatus::Closed), &link);
        assert_eq!(actions(&closed.buttons), ["open", "publish"]);
        assert_eq!(closed.buttons[0].label, "重新开始投票");
        assert!(closed.slips.is_none() && closed.running.is_some());
        let published = round_manage(Lang::ZhCn, &round(RoundStatus::Published), &link);
        assert!(published.buttons.is_empty() && published.running.is_none());
        // a ballot paper per group (its id escaped in the address) and the tally sheet
        assert_eq!(published.print_links.len(), 3);
        assert!(published.print_links[1].1.contains("group=a%26b"));
    }

    #[test]
    fn a_confirmation_names_the_instrument_and_what_the_step_does() {
        let c = survey_confirmation(Lang::ZhCn, &survey(SurveyStatus::Draft, Some(2)), "publish")
            .expect("a draft can be published");
        assert_eq!(c.heading, "发布“东山镇村务服务满意度测评”的新版本?");
        assert!(c.what.starts_with("第2版"), "{}", c.what);
        assert_eq!(c.button, "发布新版本");
        let c = survey_confirmation(Lang::En, &survey(SurveyStatus::Open, None), "close")
            .expect("an open survey can be closed");
        assert_eq!(c.heading, "Close “Dongshan village services”?");
        // a step the survey does not offer now gets no confirmation: the domain says why not
        assert!(survey_confirmation(Lang::En, &survey(SurveyStatus::Open, None), "open").is_none());
        assert!(
            survey_confirmation(Lang::En, &survey(SurveyStatus::Open, None), "publish").is_none()
        );
        let c = round_confirmation(Lang::En, &round(RoundStatus::Closed), "publish")
            .expect("a closed round can be published");
        assert_eq!(
            c.heading,
            "Publish the results of “东山镇领导班子年度民主测评 2026”?"
        );
        assert!(c.what.contains("cannot be opened again"));
        assert_eq!(c.button, "Publish the results");
        assert_eq!(
            round_confirmation(Lang::ZhCn, &round(RoundStatus::Closed), "open")
                .expect("a closed round can open again")
                .button,
            "重新开始投票"
        );
        assert!(round_confirmation(Lang::ZhCn, &round(RoundStatus::Open), "publish").is_none());
    }

    #[test]
    fn a_workbook_read_with_notes_lists_them_once_stored() {
        let p = created_with_warnings(
            Lang::En,
            vec!["sheet “survey”, row 2".into()],
            "/dashboard/surveys/3?lang=en".into(),
        );
        assert!(p.heading.contains("created"), "{}", p.heading);
        assert!(p.heading.contains("One thing"), "{}", p.heading);
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.href, "/dashboard/surveys/3?lang=en");
    }

    #[test]
    fn the_upload_form_keeps_what_was_sent() {
        let unit = |id: i64, name: &str, kind: UnitKind| -> Unit {
            let mut u: Unit = serde_json::from_value(json!({
                "id": id, "name": name, "kind": "township", "parent_id": null,
                "window_unit": false, "path": [id]
            }))
            .expect("a unit");
            u.kind = kind;
            u
        };
        let choices = (
            vec![
                unit(1, "清河县", UnitKind::County),
                unit(2, "东山镇", UnitKind::Township),
            ],
            vec![unit(2, "东山镇", UnitKind::Township)],
        );
        let kept = Upload {
            kind: "round".into(),
            text: "{\"period\": \"2026\"}".into(),
            unit_id: Some(2),
            targets: vec![2],
            ..Upload::default()
        };
        let p = upload_page(&choices, &kept, Some("title: missing".into()), &link);
        assert_eq!(p.action, "/dashboard/new?lang=en");
        assert!(p.round);
        assert_eq!(p.text, kept.text);
        assert_eq!(p.error.as_deref(), Some("title: missing"));
        assert_eq!(
            p.owners.iter().map(|u| u.chosen).collect::<Vec<_>>(),
            [false, true]
        );
        assert!(p.targets[0].chosen);
        let fresh = upload_page(&choices, &Upload::default(), None, &link);
        assert!(!fresh.round && fresh.owners.iter().all(|u| !u.chosen));
    }
}
