//! Officials and teams in the console (`/dashboard/officials`): the roster by team, importing
//! a 干部名册 from a spreadsheet with a preview, and editing one official. Every change goes
//! through the same domain functions as the JSON API.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::i18n::tr;
use canvass_protocol::msg;
use canvass_protocol::rounds::{Official, UpdateOfficial};
use canvass_protocol::units::Unit;

use super::units::ImportPage;
use super::{FieldErrors, Posted, Preview, PreviewPage};
use crate::domain::error::Kind;
use crate::domain::rounds::officials::{self, RosterAction, RosterReport};
use crate::domain::units;
use crate::http::error::status;
use crate::http::AppState;
use crate::web::frame::{path_id, Nav};
use crate::web::page::{render, Words};
use crate::web::session::{page_error, Session, WebError};

/// An official as the roster shows it.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub post: String,
    /// The unit's path of names.
    pub unit: String,
    /// The place in the roster order, or empty.
    pub order: String,
    pub active: bool,
    pub href: String,
}

/// The officials of one team (or of none).
#[derive(Debug, Clone)]
pub struct Team {
    /// The team's name; empty for officials of no team.
    pub name: String,
    pub members: Vec<Member>,
}

/// The roster page (`templates/console/officials.html`).
#[derive(Template)]
#[template(path = "console/officials.html")]
pub struct OfficialsPage {
    pub w: Words,
    pub nav: Nav,
    pub notice: String,
    pub teams: Vec<Team>,
    pub import: String,
}

/// What the edit form of one official holds.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub name: String,
    pub post: String,
    pub team: String,
    pub order: String,
    pub active: bool,
}

/// One official's page (`templates/console/official.html`).
#[derive(Template)]
#[template(path = "console/official.html")]
pub struct OfficialPage {
    pub w: Words,
    pub nav: Nav,
    pub notice: String,
    pub errors: FieldErrors,
    pub unit: String,
    pub form: Form,
    pub action: String,
    pub back: String,
}

fn unit_path(units: &[Unit], id: i64) -> String {
    canvass_protocol::sheets::UnitIndex::new(units).path(id)
}

/// The roster grouped by team, in roster order (teams by name, officials of no team last).
#[must_use]
pub fn teams(session: &Session, units: &[Unit], roster: &[Official]) -> Vec<Team> {
    let mut teams: Vec<Team> = Vec::new();
    for o in roster {
        let name = o.team.clone().unwrap_or_default();
        let member = Member {
            name: o.name.clone(),
            post: o.position.clone(),
            unit: unit_path(units, o.unit_id),
            order: o.order.map(|n| n.to_string()).unwrap_or_default(),
            active: o.active,
            href: session.link(&format!("/dashboard/officials/{}", o.id)),
        };
        match teams.iter_mut().find(|t| t.name == name) {
            Some(team) => team.members.push(member),
            None => teams.push(Team {
                name,
                members: vec![member],
            }),
        }
    }
    teams
}

async fn roster_page(
    state: &AppState,
    session: &Session,
    req: &HttpRequest,
    notice: String,
) -> Result<HttpResponse, WebError> {
    let caller = session.caller.clone();
    let (roster, tree) = state
        .db(move |conn| {
            let roster = officials::console_roster(conn, &caller)?;
            Ok((roster, units::console_tree(conn, &caller)?))
        })
        .await
        .map_err(page_error(session.lang))?;
    let page = OfficialsPage {
        w: Words::new(session.lang),
        nav: Nav::new(session, req),
        notice,
        teams: teams(session, &tree, &roster),
        import: session.link("/dashboard/officials/import"),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The roster, by team.
#[get("/dashboard/officials")]
pub async fn officials_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    roster_page(&state, &session, &req, String::new()).await
}

fn roster_columns(lang: canvass_protocol::forms::Lang) -> Vec<(String, String)> {
    [
        ("console-roster-col-name", "console-roster-col-name-what"),
        ("console-roster-col-post", "console-roster-col-post-what"),
        ("console-roster-col-unit", "console-roster-col-unit-what"),
        ("console-roster-col-team", "console-roster-col-team-what"),
        ("console-roster-col-order", "console-roster-col-order-what"),
    ]
    .iter()
    .map(|(c, w)| (tr(lang, c), tr(lang, w)))
    .collect()
}

/// The upload form of a roster.
#[get("/dashboard/officials/import")]
pub async fn import_form(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let caller = session.caller.clone();
    // the same access check as the roster: admins and organisers only
    state
        .db(move |conn| officials::console_roster(conn, &caller).map(|_| ()))
        .await
        .map_err(page_error(session.lang))?;
    let lang = session.lang;
    let page = ImportPage {
        w: Words::new(lang),
        nav: Nav::new(&session, &req),
        heading: tr(lang, "console-roster-import-heading"),
        intro: tr(lang, "console-roster-import-intro"),
        columns: roster_columns(lang),
        action: session.link("/dashboard/officials/import"),
        back: session.link("/dashboard/officials"),
    };
    Ok(render(StatusCode::OK, &page))
}

fn counts(report: &RosterReport) -> (usize, usize, usize) {
    let n = |a| report.entries.iter().filter(|e| e.action == a).count();
    (
        n(RosterAction::Create),
        n(RosterAction::Update),
        n(RosterAction::Unchanged),
    )
}

async fn import(
    state: &AppState,
    session: &Session,
    req: &HttpRequest,
    posted: &Posted,
    store: bool,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let bytes = posted.file().unwrap_or_default();
    if bytes.len() > super::MAX_FILE_BYTES {
        return Err(super::too_large(lang));
    }
    let caller = session.caller.clone();
    let file = bytes.clone();
    let report = state
        .db(move |conn| officials::import_roster(conn, &caller, &file, store))
        .await
        .map_err(page_error(lang))?;
    let (created, updated, unchanged) = counts(&report);
    if report.stored {
        let notice = msg!(
            "console-roster-imported",
            created = created,
            updated = updated,
            unchanged = unchanged
        )
        .render(lang);
        return roster_page(state, session, req, notice).await;
    }
    let preview = Preview::new(lang, &bytes, &report.problems, |row| {
        let action = report
            .entries
            .iter()
            .find(|e| e.row == row)
            .map(|e| e.action);
        match action {
            Some(RosterAction::Create) => tr(lang, "console-roster-row-create"),
            Some(RosterAction::Update) => tr(lang, "console-roster-row-update"),
            Some(RosterAction::Unchanged) => tr(lang, "console-roster-row-unchanged"),
            None => String::new(),
        }
    });
    let code = if preview.blocked {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PreviewPage {
        w: Words::new(lang),
        nav: Nav::new(session, req),
        heading: tr(lang, "console-roster-preview-heading"),
        summary: msg!(
            "console-roster-preview-summary",
            created = created,
            updated = updated,
            unchanged = unchanged
        )
        .render(lang),
        preview,
        confirm: session.link("/dashboard/officials/import/confirm"),
        back: session.link("/dashboard/officials/import"),
    };
    Ok(render(code, &page))
}

/// Reads an uploaded roster and shows its preview: nothing is stored.
#[post("/dashboard/officials/import")]
pub async fn import_preview(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let posted = Posted::read(&session, &req, payload).await?;
    import(&state, &session, &req, &posted, false).await
}

/// Stores a previewed roster, all or nothing; a roster that went bad meanwhile shows its
/// preview again.
#[post("/dashboard/officials/import/confirm")]
pub async fn import_confirm(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let posted = Posted::read(&session, &req, payload).await?;
    import(&state, &session, &req, &posted, true).await
}

#[allow(clippy::too_many_arguments)]
async fn official_page(
    state: &AppState,
    session: &Session,
    req: &HttpRequest,
    id: i64,
    code: StatusCode,
    notice: String,
    errors: FieldErrors,
    form: Option<Form>,
) -> Result<HttpResponse, WebError> {
    let caller = session.caller.clone();
    let (official, tree) = state
        .db(move |conn| {
            let official = officials::console_official(conn, &caller, id)?;
            Ok((official, units::console_tree(conn, &caller)?))
        })
        .await
        .map_err(page_error(session.lang))?;
    let form = form.unwrap_or_else(|| Form {
        name: official.name.clone(),
        post: official.position.clone(),
        team: official.team.clone().unwrap_or_default(),
        order: official.order.map(|n| n.to_string()).unwrap_or_default(),
        active: official.active,
    });
    let page = OfficialPage {
        w: Words::new(session.lang),
        nav: Nav::new(session, req),
        notice,
        errors,
        unit: unit_path(&tree, official.unit_id),
        form,
        action: session.link(&format!("/dashboard/officials/{id}")),
        back: session.link("/dashboard/officials"),
    };
    Ok(render(code, &page))
}

/// One official's edit form.
#[get("/dashboard/officials/{id}")]
pub async fn show_official(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(session.lang, &id)?;
    official_page(
        &state,
        &session,
        &req,
        id,
        StatusCode::OK,
        String::new(),
        FieldErrors::default(),
        None,
    )
    .await
}

/// Saves one official (name, post, team, order, in office) through the API's own update; a
/// refusal shows the form again with every problem beside its field.
#[post("/dashboard/officials/{id}")]
pub async fn change_official(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let posted = Posted::read(&session, &req, payload).await?;
    let form = Form {
        name: posted.text("name"),
        post: posted.text("post"),
        team: posted.text("team"),
        order: posted.text("order"),
        active: posted.checked("active"),
    };
    let order = if form.order.is_empty() {
        Ok(None)
    } else {
        form.order.parse::<u32>().map(Some)
    };
    let Ok(order) = order else {
        let mut errors = FieldErrors::default();
        errors.add(
            "order",
            msg!("error-official-order", max = i32::MAX).render(lang),
        );
        return official_page(
            &state,
            &session,
            &req,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            String::new(),
            errors,
            Some(form),
        )
        .await;
    };
    let body = UpdateOfficial {
        name: Some(form.name.clone()),
        position: Some(form.post.clone()),
        active: Some(form.active),
        team: Some(form.team.clone()),
        order,
    };
    let caller = session.caller.clone();
    match state
        .db(move |conn| officials::update(conn, &caller, id, &body))
        .await
    {
        Ok(official) => {
            let notice = msg!("console-official-saved", name = official.name.as_str()).render(lang);
            official_page(
                &state,
                &session,
                &req,
                id,
                StatusCode::OK,
                notice,
                FieldErrors::default(),
                None,
            )
            .await
        }
        Err(e) if e.kind() == Kind::Invalid => {
            let errors = FieldErrors::of(lang, &e, &["name", "position", "team", "order"]);
            official_page(
                &state,
                &session,
                &req,
                id,
                status(e.kind()),
                String::new(),
                errors,
                Some(form),
            )
            .await
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}
