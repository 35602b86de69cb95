//! The frame of every dashboard page (navigation, language switch, sign-out) and what the
//! dashboard pages and exports share to show figures: how a value is written, why a figure is
//! hidden, grade and role labels, and reading an id from the path.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use canvass_protocol::accounts::Role;
use canvass_protocol::forms::Lang;
use canvass_protocol::rounds::Grade;
use canvass_protocol::stats::SuppressionReason;
use canvass_protocol::surveys::Figure;

use askama::Template;
use canvass_protocol::i18n;

use super::page::{esc, render, Words};
use super::session::{Session, WebError};
use super::t;
use crate::domain::error::{Error, Thing};

/// How a figure is written.
#[derive(Clone, Copy)]
pub enum Fmt {
    Count,
    Percent,
    Score,
}

/// A figure's value as text.
#[must_use]
pub fn value_text(value: f64, fmt: Fmt) -> String {
    match fmt {
        Fmt::Count => format!("{value:.0}"),
        Fmt::Percent => format!("{:.1}%", value * 100.0),
        Fmt::Score => format!("{value:.2}"),
    }
}

/// Why a figure is hidden, in words (never the hidden count).
#[must_use]
pub fn reason_text(lang: Lang, reason: &SuppressionReason) -> String {
    match (lang, reason) {
        (Lang::ZhCn, SuppressionReason::BelowThreshold { threshold, .. }) => {
            format!("隐藏:不足{threshold}人")
        }
        (Lang::En, SuppressionReason::BelowThreshold { threshold, .. }) => {
            format!("hidden: fewer than {threshold}")
        }
        (Lang::ZhCn, SuppressionReason::Complementary) => "隐藏:防止推算出其他隐藏数".into(),
        (Lang::En, SuppressionReason::Complementary) => {
            "hidden: so another hidden figure cannot be worked out".into()
        }
        (Lang::ZhCn, SuppressionReason::Withheld) => {
            "隐藏:人数不足,或可据此推算出人数不足的数".into()
        }
        (Lang::En, SuppressionReason::Withheld) => {
            "hidden: too few answers, or it would reveal a figure that has too few".into()
        }
    }
}

/// Why a figure is hidden, in a word or two, for a table cell that must fit a phone's width;
/// the full words are the cell's title and the page's legend ([`hidden_legend`]).
#[must_use]
pub fn reason_short(lang: Lang, reason: &SuppressionReason) -> String {
    match (lang, reason) {
        (Lang::ZhCn, SuppressionReason::BelowThreshold { threshold, .. }) => {
            format!("隐藏:不足{threshold}人")
        }
        (Lang::En, SuppressionReason::BelowThreshold { threshold, .. }) => {
            format!("hidden: under {threshold}")
        }
        (Lang::ZhCn, SuppressionReason::Complementary) => "隐藏:防推算".into(),
        (Lang::En, SuppressionReason::Complementary) => "hidden: complement".into(),
        (Lang::ZhCn, SuppressionReason::Withheld) => "隐藏*".into(),
        (Lang::En, SuppressionReason::Withheld) => "hidden*".into(),
    }
}

/// The legend of the short "hidden*" cells, said once per page.
#[must_use]
pub fn hidden_legend(lang: Lang) -> String {
    format!(
        "<p class=\"note\">* {}</p>",
        esc(&reason_text(lang, &SuppressionReason::Withheld))
    )
}

/// A figure as table-cell content: the value, or the reason it is hidden; an organiser's
/// exact figure that others do not see carries that reason too.
#[must_use]
pub fn figure_html(lang: Lang, figure: &Figure, fmt: Fmt) -> String {
    match (figure.value, &figure.hidden) {
        (Some(v), None) => value_text(v, fmt),
        (None, None) => "—".into(),
        (None, Some(reason)) => format!(
            "<span class=\"hid\" title=\"{}\">{}</span>",
            esc(&reason_text(lang, reason)),
            esc(&reason_short(lang, reason))
        ),
        (Some(v), Some(reason)) => format!(
            "{} <small class=\"hid\" title=\"{}\">({}{})</small>",
            value_text(v, fmt),
            esc(&reason_text(lang, reason)),
            t(lang, "领导看到:", "leaders see: "),
            esc(&reason_short(lang, reason))
        ),
    }
}

/// Grade labels in the page language.
#[must_use]
pub fn grade_label(lang: Lang, grade: Grade) -> &'static str {
    match lang {
        Lang::ZhCn => grade.label_zh(),
        Lang::En => grade.label_en(),
    }
}

/// The catalogue id of a role's name.
#[must_use]
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "dashboard-role-admin",
        Role::Organiser => "dashboard-role-organiser",
        Role::Leader => "dashboard-role-leader",
        Role::Officer => "dashboard-role-officer",
    }
}

/// Whether the caller sets up instruments (and sees exact figures).
#[must_use]
pub fn manages(session: &Session) -> bool {
    matches!(session.caller.role(), Role::Admin | Role::Organiser)
}

/// What the navigation of every dashboard page shows (`templates/dashboard/frame.html`).
#[derive(Debug, Clone)]
pub struct Nav {
    /// The overview's link.
    pub overview: String,
    /// The upload page's link, for those who set up instruments.
    pub upload: Option<String>,
    /// This page in the other language.
    pub other_lang_href: String,
    /// The other language's tag.
    pub other_lang: &'static str,
    /// The other language's name, in that language.
    pub other_lang_name: &'static str,
    /// Who is signed in.
    pub username: String,
    /// The catalogue id of the account's role.
    pub role: &'static str,
    /// The account's unit, or "all units".
    pub unit: String,
    /// Where sign-out posts.
    pub logout: String,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: String,
    /// The organiser's console (units, accounts, officials), for admins and organisers.
    pub console: Option<ConsoleNav>,
    /// The page where one changes one's own password.
    pub password: String,
}

/// The console's links in the navigation.
#[derive(Debug, Clone)]
pub struct ConsoleNav {
    pub units: String,
    pub accounts: String,
    pub officials: String,
}

impl Nav {
    /// The navigation of `session` on the page at `req`'s path.
    #[must_use]
    pub fn new(session: &Session, req: &HttpRequest) -> Self {
        let lang = session.lang;
        let other = match lang {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        };
        let caller = &session.caller;
        Self {
            overview: session.link("/dashboard"),
            upload: manages(session).then(|| session.link("/dashboard/new")),
            other_lang_href: format!("{}?lang={}", req.path(), other.as_str()),
            other_lang: other.as_str(),
            other_lang_name: i18n::tr_static(other, "common-language-name"),
            username: caller.account.username.clone(),
            role: role_label(caller.role()),
            unit: caller
                .unit
                .as_ref()
                .map_or_else(|| i18n::tr(lang, "dashboard-all-units"), |u| u.name.clone()),
            logout: session.link("/dashboard/logout"),
            csrf: session.csrf.clone(),
            console: manages(session).then(|| ConsoleNav {
                units: session.link("/dashboard/units"),
                accounts: session.link("/dashboard/accounts"),
                officials: session.link("/dashboard/officials"),
            }),
            password: session.link("/dashboard/password"),
        }
    }
}

/// A dashboard page whose body is still built in code (`templates/dashboard/wrapped.html`).
#[derive(Template)]
#[template(path = "dashboard/wrapped.html")]
struct Wrapped<'a> {
    w: Words,
    nav: Nav,
    title: &'a str,
    body: &'a str,
}

/// A whole dashboard page: the navigation (overview, language, sign-out) and `body`.
#[must_use]
pub fn frame(session: &Session, req: &HttpRequest, title: &str, body: &str) -> HttpResponse {
    frame_with_status(session, req, StatusCode::OK, title, body)
}

/// [`frame`] with another status.
#[must_use]
pub fn frame_with_status(
    session: &Session,
    req: &HttpRequest,
    status: StatusCode,
    title: &str,
    body: &str,
) -> HttpResponse {
    render(
        status,
        &Wrapped {
            w: Words::new(session.lang),
            nav: Nav::new(session, req),
            title,
            body,
        },
    )
}

/// Parses an id from the path: anything else is a 404 page.
pub fn path_id(lang: Lang, raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::from_error(lang, &Error::not_found(Thing::Page)))
}
