//! The frame of every dashboard page (navigation, language switch, sign-out) and what the
//! dashboard pages and exports share to show figures: how a value is written, why a figure is
//! hidden, grade and role labels, and reading an id from the path.

use std::fmt::Write;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use canvass_protocol::accounts::Role;
use canvass_protocol::forms::Lang;
use canvass_protocol::rounds::Grade;
use canvass_protocol::stats::SuppressionReason;
use canvass_protocol::surveys::Figure;

use super::page::{esc, html_response, page};
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

fn role_label(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Admin => t(lang, "管理员", "administrator"),
        Role::Organiser => t(lang, "组织部门", "organiser"),
        Role::Leader => t(lang, "领导", "leader"),
        Role::Officer => t(lang, "调查员", "field officer"),
    }
}

/// Whether the caller sets up instruments (and sees exact figures).
#[must_use]
pub fn manages(session: &Session) -> bool {
    matches!(session.caller.role(), Role::Admin | Role::Organiser)
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
    let lang = session.lang;
    let other = match lang {
        Lang::ZhCn => ("en", "English"),
        Lang::En => ("zh-CN", "中文"),
    };
    let caller = &session.caller;
    let unit = caller.unit.as_ref().map_or_else(
        || t(lang, "全部单位", "all units").to_string(),
        |u| u.name.clone(),
    );
    let mut b = String::with_capacity(body.len() + 1024);
    let _ = write!(
        b,
        "<nav class=\"dash\" aria-label=\"{}\"><a href=\"{}\">{}</a>",
        t(lang, "导航", "Navigation"),
        esc(&session.link("/dashboard")),
        t(lang, "总览", "Overview"),
    );
    if manages(session) {
        let _ = write!(
            b,
            "<a href=\"{}\">{}</a>",
            esc(&session.link("/dashboard/new")),
            t(lang, "上传定义", "Upload a definition")
        );
    }
    let _ = write!(
        b,
        "<a href=\"{}?lang={}\" hreflang=\"{}\">{}</a>\
         <span>{} · {} · {}</span>\
         <form method=\"post\" action=\"{}\">{}<button class=\"linkbtn\" type=\"submit\">{}</button></form></nav>",
        esc(req.path()),
        other.0,
        other.0,
        other.1,
        esc(&caller.account.username),
        esc(role_label(lang, caller.role())),
        esc(&unit),
        esc(&session.link("/dashboard/logout")),
        session.csrf_field(),
        t(lang, "退出", "Sign out"),
    );
    b.push_str("<div class=\"dash\">");
    b.push_str(body);
    b.push_str("</div>");
    html_response(status, page(lang, title, &b))
}

/// Parses an id from the path: anything else is a 404 page.
pub fn path_id(lang: Lang, raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::from_error(lang, &Error::not_found(Thing::Page)))
}
