//! The dashboards of leaders, organisers and administrators: the overview of the account's
//! subtree, a survey's results, an appraisal round's report and its live turnout. Every figure
//! comes from the same [`SurveyResults`](canvass_protocol::surveys::SurveyResults) and
//! [`RoundReport`] the JSON API answers for the caller, so a leader sees exactly the API's
//! disclosure-controlled figures and an organiser its exact ones, marked.
//!
//! Each page is a template under `templates/dashboard/`; its data is built by a pure function
//! of the domain's results ([`overview::page`], [`survey::page`], [`round::page`],
//! [`turnout::page`]) that tests call without HTTP.

pub mod coverage;
pub mod overview;
pub mod round;
pub mod survey;
pub mod trends;
pub mod turnout;

use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n;
use canvass_protocol::msg;
use canvass_protocol::rounds::{Condition, Flag, Measurement, RoundReport, RoundStatus};
use canvass_protocol::stats::SuppressionReason;
use canvass_protocol::surveys::{Figure, SurveyStatus};

use super::frame::{grade_label, manages, path_id, value_text, Fmt, Nav};
use super::organiser::{round_manage, survey_codes_block, survey_manage};
use super::page::{render, Words};
use super::session::{page_error, Session, WebError};
use crate::domain::audit::{self, ChainHead};
use crate::domain::auth::Action;
use crate::domain::{rounds, survey_codes, surveys};
use crate::http::AppState;

/// Most instruments of each kind the overview lists (newest first).
const OVERVIEW_LIMIT: usize = 20;

/// Seconds between two reloads of the live turnout page.
pub const TURNOUT_REFRESH_SECS: u32 = 15;

/// A figure as a page shows it: its value written out, or why it is hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fig {
    /// The value (`12`, `83.3%`, `71.25`), empty when hidden from the caller, `—` when none.
    pub text: String,
    /// Why it is hidden, when it is (from the caller, or, for the organiser, from leaders).
    pub hidden: Option<Hidden>,
}

/// Why a figure is hidden, in the words of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// A word or two that fits a table cell on a phone.
    pub short: String,
    /// The whole reason, for the cell's title and the page's legend.
    pub long: String,
    /// Whether the caller sees the value all the same (the organiser's exact figures).
    pub exact: bool,
}

impl Fig {
    /// A figure of `fmt` as `lang` writes it.
    #[must_use]
    pub fn new(lang: Lang, figure: &Figure, fmt: Fmt) -> Self {
        let hidden = figure.hidden.as_ref().map(|reason| {
            let (short, whole) = reason_words(lang, reason);
            let exact = figure.value.is_some();
            Hidden {
                short: if exact {
                    msg!("dashboard-leaders-see", reason = short).render(lang)
                } else {
                    short
                },
                long: whole,
                exact,
            }
        });
        let text = match (figure.value, &hidden) {
            (Some(v), _) => value_text(v, fmt),
            (None, Some(_)) => String::new(),
            (None, None) => "—".into(),
        };
        Self { text, hidden }
    }

    /// A figure that is always shown (a count of ballots, a rank).
    #[must_use]
    pub fn shown(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            hidden: None,
        }
    }

    /// The value the figure shows the caller, for a chart: `None` when hidden.
    #[must_use]
    pub fn is_hidden_from_caller(&self) -> bool {
        self.hidden.as_ref().is_some_and(|h| !h.exact)
    }
}

/// Why a figure is hidden, short (for a cell) and whole (for a title or a legend).
#[must_use]
pub fn reason_words(lang: Lang, reason: &SuppressionReason) -> (String, String) {
    match reason {
        SuppressionReason::BelowThreshold { threshold, .. } => (
            msg!("dashboard-hidden-below-short", threshold = *threshold).render(lang),
            msg!("dashboard-hidden-below", threshold = *threshold).render(lang),
        ),
        SuppressionReason::Complementary => (
            i18n::tr(lang, "dashboard-hidden-complement-short"),
            i18n::tr(lang, "dashboard-hidden-complement"),
        ),
        SuppressionReason::Withheld => (
            i18n::tr(lang, "dashboard-hidden-withheld-short"),
            i18n::tr(lang, "dashboard-hidden-withheld"),
        ),
    }
}

/// A link on a page: what it says and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// The words of a survey's status.
#[must_use]
pub fn survey_status_label(lang: Lang, status: SurveyStatus) -> String {
    i18n::tr(
        lang,
        match status {
            SurveyStatus::Draft => "dashboard-survey-draft",
            SurveyStatus::Open => "dashboard-survey-open",
            SurveyStatus::Closed => "dashboard-survey-closed",
        },
    )
}

/// The words of a round's status.
#[must_use]
pub fn round_status_label(lang: Lang, status: RoundStatus) -> String {
    i18n::tr(
        lang,
        match status {
            RoundStatus::Draft => "dashboard-round-draft",
            RoundStatus::Open => "dashboard-round-open",
            RoundStatus::Closed => "dashboard-round-closed",
            RoundStatus::Published => "dashboard-round-published",
        },
    )
}

/// The rule and the numbers that raised a flag, every round the rule looked at, as plain text.
#[must_use]
pub fn flag_numbers(lang: Lang, flag: &Flag) -> String {
    let rule = match &flag.rule.condition {
        Condition::Share {
            grades,
            comparison,
            threshold,
            ..
        } => format!(
            "{} {} {threshold}",
            grades
                .iter()
                .map(|g| grade_label(lang, *g))
                .collect::<Vec<_>>()
                .join("+"),
            comparison.symbol()
        ),
        Condition::ResultGrade { grades } => msg!(
            "dashboard-flag-result-grade",
            grades = grades
                .iter()
                .map(|g| grade_label(lang, *g))
                .collect::<Vec<_>>()
                .join(" / ")
        )
        .render(lang),
    };
    let rounds = if flag.rule.consecutive_rounds > 1 {
        msg!(
            "dashboard-flag-in-a-row",
            rounds = flag.rule.consecutive_rounds
        )
        .render(lang)
    } else {
        String::new()
    };
    let evidence: Vec<String> = flag
        .evidence
        .iter()
        .map(|e| {
            let measured = match &e.measurement {
                Measurement::VoteShare { share } => format!(
                    "{}/{} = {}",
                    share.count,
                    share.out_of,
                    share
                        .ratio
                        .map_or_else(|| "—".into(), |r| value_text(r, Fmt::Percent))
                ),
                Measurement::WeightedShare {
                    ratio,
                    graded_votes,
                } => msg!(
                    "dashboard-flag-weighted",
                    share = value_text(*ratio, Fmt::Percent),
                    votes = *graded_votes
                )
                .render(lang),
                Measurement::ResultGrade {
                    grade,
                    weighted_share,
                    ..
                } => format!(
                    "{} ({})",
                    grade_label(lang, *grade),
                    value_text(*weighted_share, Fmt::Percent)
                ),
            };
            format!("{}: {measured}", e.period)
        })
        .collect();
    msg!(
        "dashboard-flag-rule",
        rule = format!("{rule}{rounds}"),
        evidence = evidence.join("; ")
    )
    .render(lang)
}

/// A dashboard page: the frame's navigation and the page's own data.
#[derive(Template)]
#[template(path = "dashboard/overview.html")]
struct OverviewTemplate {
    w: Words,
    nav: Nav,
    p: overview::OverviewPage,
}

#[derive(Template)]
#[template(path = "dashboard/survey.html")]
struct SurveyTemplate {
    w: Words,
    nav: Nav,
    p: survey::SurveyPage,
    /// The audit log's head when the page was made (`templates/chain_head.html`).
    chain_head: ChainHead,
}

#[derive(Template)]
#[template(path = "dashboard/round.html")]
struct RoundTemplate {
    w: Words,
    nav: Nav,
    p: round::RoundPage,
    chain_head: ChainHead,
}

#[derive(Template)]
#[template(path = "dashboard/turnout.html")]
struct TurnoutTemplate {
    w: Words,
    nav: Nav,
    p: turnout::TurnoutPage,
}

/// The overview of what the account may see: open and recent surveys and rounds with their
/// answer and ballot counts, current flags and the units to rectify.
#[get("/dashboard")]
pub async fn overview_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let rule = state.settings.rectification();
    let (surveys, rounds, counts, changes) = state
        .db(move |conn| {
            Ok((
                surveys::recent_results(conn, &caller, OVERVIEW_LIMIT, rule)?,
                rounds::recent_reports(conn, &caller, OVERVIEW_LIMIT, &base)?,
                crate::domain::rectification::counts(conn, &caller)?,
                crate::domain::trends::latest_changes(conn, &caller, rule)?,
            ))
        })
        .await
        .map_err(page_error(lang))?;
    let mut p = overview::page(lang, manages(&session), &surveys, &rounds, &|path| {
        session.link(path)
    });
    p.ledger = Some(overview::overview_line(lang, counts, &|path| {
        session.link(path)
    }));
    p.glance.changes = overview::change_lines(lang, &changes, &|path| session.link(path));
    Ok(render(
        StatusCode::OK,
        &OverviewTemplate {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            p,
        },
    ))
}

/// A survey's results as the caller may see them: summary, ranking and rectification,
/// coverage per village, the weekly trend, then per unit the distributions and comments.
#[get("/dashboard/surveys/{id}")]
pub async fn survey_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let rule = state.settings.rectification();
    let manager = manages(&session);
    let (results, survey, chain_head, codes) = state
        .db(move |conn| {
            let results = surveys::results(conn, &caller, id, rule)?;
            let survey = surveys::get(conn, &caller, id, &base)?;
            // the survey-code block's villages and counts, for those who manage the survey
            let codes = if manager {
                Some((
                    surveys::preview(conn, &caller, id)?.villages,
                    survey_codes::counts(conn, &caller, id)?,
                ))
            } else {
                None
            };
            Ok((results, survey, audit::chain_head(conn)?, codes))
        })
        .await
        .map_err(page_error(lang))?;
    let mut p = survey::page(lang, manager, &results, &|path| session.link(path));
    p.trend = survey.series.as_deref().map(|series| Link {
        label: msg!("trends-link-survey", series = series).render(lang),
        href: session.link(&trends::survey_series_href(series)),
    });
    if manager {
        let link = |path: &str| session.link(path);
        let mut manage = survey_manage(lang, &survey, &link);
        if let Some((villages, counts)) = codes {
            manage.codes = Some(survey_codes_block(lang, &survey, &villages, &counts, &link));
        }
        manage.notice = crate::web::console::surveys::editor_notice(lang, req.query_string());
        p.manage = Some(manage);
    }
    Ok(render(
        StatusCode::OK,
        &SurveyTemplate {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            p,
            chain_head,
        },
    ))
}

/// A round's report: one ranking table of its officials, flags with their numbers, then per
/// official the grades per elector group and weighted, the previous round, turnout and stations.
#[get("/dashboard/rounds/{id}")]
pub async fn round_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    // organisers see the round page (to run it) even before anything is counted
    let (report, chain_head): (RoundReport, ChainHead) = state
        .db(move |conn| {
            Ok((
                rounds::report(conn, &caller, id, &base)?,
                audit::chain_head(conn)?,
            ))
        })
        .await
        .map_err(page_error(lang))?;
    let mut p = round::page(lang, &report, &|path| session.link(path));
    if manages(&session) {
        p.manage = Some(round_manage(lang, &report.round, &|path| {
            session.link(path)
        }));
        p.notice = round::editor_notice(lang, req.query_string());
        p.setup = round::setup_links(lang, &report.round, &|path| session.link(path));
    }
    Ok(render(
        StatusCode::OK,
        &RoundTemplate {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            p,
            chain_head,
        },
    ))
}

/// Live turnout while the meeting votes, for those who run it; the page reloads itself (an HTTP
/// `Refresh`, no JavaScript).
#[get("/dashboard/rounds/{id}/turnout")]
pub async fn round_turnout(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session
        .caller
        .require(manages(&session), Action::ManageInstruments)
        .map_err(page_error(lang))?;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let report = state
        .db(move |conn| rounds::report(conn, &caller, id, &base))
        .await
        .map_err(page_error(lang))?;
    let p = turnout::page(lang, &report, &|path| session.link(path));
    let mut response = render(
        StatusCode::OK,
        &TurnoutTemplate {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            p,
        },
    );
    response.headers_mut().insert(
        header::HeaderName::from_static("refresh"),
        header::HeaderValue::from(TURNOUT_REFRESH_SECS),
    );
    Ok(response)
}

/// The rectification rule in words, for a score threshold of `below`.
#[must_use]
pub fn rectify_rule(lang: Lang, below: f64) -> String {
    canvass_protocol::msg!(
        "dashboard-rectify-rule",
        score = value_text(below, Fmt::Count)
    )
    .render(lang)
}
