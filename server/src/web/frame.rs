//! The frame of every dashboard page (navigation, language switch, sign-out;
//! `templates/dashboard/frame.html`) and what the dashboard pages and exports share to show
//! figures: how a value is written, grade and role labels, and reading an id from the path.

use actix_web::HttpRequest;
use canvass_protocol::accounts::Role;
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n;
use canvass_protocol::rounds::Grade;

use super::session::{Session, WebError};
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
    /// The trends across periods.
    pub trends: String,
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
    /// The rectification ledger.
    pub rectification: String,
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
            trends: session.link("/dashboard/trends"),
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
            rectification: session.link("/dashboard/rectification"),
        }
    }
}

/// Parses an id from the path: anything else is a 404 page.
pub fn path_id(lang: Lang, raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::from_error(lang, &Error::not_found(Thing::Page)))
}
