//! The unit tree in the console (`/dashboard/units`): the whole tree on one page, adding,
//! renaming, moving, marking window units, retiring (with a confirmation) and bringing back a
//! unit, and importing a unit list from a spreadsheet with a preview. Every change goes
//! through the same domain functions as the JSON API.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::i18n::{tr, Message};
use canvass_protocol::msg;
use canvass_protocol::units::{CreateUnit, Unit, UnitKind, UpdateUnit};

use super::{confirmed, ConfirmPage, FieldErrors, Posted, Preview, PreviewPage};
use crate::domain::error::{Error, Kind, Thing};
use crate::domain::units::{self, UnitListAction, UnitListReport};
use crate::http::error::status;
use crate::http::AppState;
use crate::web::frame::{path_id, Nav};
use crate::web::page::{render, Words};
use crate::web::session::{page_error, Session, WebError};

/// A unit as the tree shows it.
#[derive(Debug, Clone)]
pub struct TreeUnit {
    pub id: i64,
    pub name: String,
    /// Its kind, in the page's language.
    pub kind: String,
    /// How deep it stands below the top of the caller's tree (0 for the top).
    pub depth: usize,
    pub window: bool,
    pub retired: bool,
    /// How many people live in it, when known; empty otherwise.
    pub population: String,
    /// Its page.
    pub href: String,
}

/// One choice of a `<select>`.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// What the add-a-unit form holds.
#[derive(Debug, Clone, Default)]
pub struct NewUnit {
    pub name: String,
    pub kind: String,
    pub parent: Option<i64>,
    pub window: bool,
}

/// The tree page (`templates/console/units.html`).
#[derive(Template)]
#[template(path = "console/units.html")]
pub struct UnitsPage {
    pub w: Words,
    pub nav: Nav,
    /// What the last action did; empty when none.
    pub notice: String,
    pub errors: FieldErrors,
    pub units: Vec<TreeUnit>,
    pub kinds: Vec<Choice>,
    pub parents: Vec<Choice>,
    pub form: NewUnit,
    /// Where the add form posts.
    pub action: String,
    /// The import page.
    pub import: String,
}

/// One unit's page (`templates/console/unit.html`).
#[derive(Template)]
#[template(path = "console/unit.html")]
pub struct UnitPage {
    pub w: Words,
    pub nav: Nav,
    pub notice: String,
    pub errors: FieldErrors,
    pub unit: TreeUnit,
    /// The units it may move under.
    pub parents: Vec<Choice>,
    /// Where its forms post.
    pub action: String,
    /// The tree.
    pub back: String,
}

/// The upload page of a spreadsheet (`templates/console/import.html`).
#[derive(Template)]
#[template(path = "console/import.html")]
pub struct ImportPage {
    pub w: Words,
    pub nav: Nav,
    pub heading: String,
    pub intro: String,
    /// The columns the file has: (header, what it holds).
    pub columns: Vec<(String, String)>,
    pub action: String,
    pub back: String,
}

fn kind_label(lang: canvass_protocol::forms::Lang, kind: UnitKind) -> String {
    kind.label(lang).to_owned()
}

/// The tree as the page shows it: depth counted from the caller's top.
#[must_use]
pub fn tree(session: &Session, units: &[Unit]) -> Vec<TreeUnit> {
    let top = units.iter().map(|u| u.path.len()).min().unwrap_or(1);
    units
        .iter()
        .map(|u| TreeUnit {
            id: u.id,
            name: u.name.clone(),
            kind: kind_label(session.lang, u.kind),
            depth: u.path.len().saturating_sub(top).min(3),
            window: u.window_unit,
            retired: u.retired,
            population: u.population.map_or_else(String::new, |p| p.to_string()),
            href: session.link(&format!("/dashboard/units/{}", u.id)),
        })
        .collect()
}

/// The units a unit of `kind` may stand under (not retired, not `except` or below it).
fn parent_choices(
    units: &[Unit],
    kind: Option<UnitKind>,
    except: Option<i64>,
    selected: Option<i64>,
) -> Vec<Choice> {
    let index = canvass_protocol::sheets::UnitIndex::new(units);
    units
        .iter()
        .filter(|u| !u.retired)
        .filter(|u| except.is_none_or(|id| !u.path.contains(&id)))
        .filter(|u| kind.is_none_or(|k| k.may_stand_under(Some(u.kind))))
        .filter(|u| {
            UnitKind::ALL
                .iter()
                .any(|k| k.may_stand_under(Some(u.kind)))
        })
        .map(|u| Choice {
            value: u.id.to_string(),
            label: index.path(u.id),
            selected: Some(u.id) == selected,
        })
        .collect()
}

fn kind_choices(session: &Session, selected: &str) -> Vec<Choice> {
    UnitKind::ALL
        .iter()
        .filter(|k| session.caller.unit.is_none() || **k != UnitKind::County)
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: kind_label(session.lang, *k),
            selected: k.as_str() == selected,
        })
        .collect()
}

async fn load(state: &AppState, session: &Session) -> Result<Vec<Unit>, WebError> {
    let caller = session.caller.clone();
    state
        .db(move |conn| units::console_tree(conn, &caller))
        .await
        .map_err(page_error(session.lang))
}

async fn tree_page(
    state: &AppState,
    session: &Session,
    req: &HttpRequest,
    code: StatusCode,
    notice: String,
    errors: FieldErrors,
    form: NewUnit,
) -> Result<HttpResponse, WebError> {
    let all = load(state, session).await?;
    let page = UnitsPage {
        w: Words::new(session.lang),
        nav: Nav::new(session, req),
        notice,
        errors,
        units: tree(session, &all),
        kinds: kind_choices(session, &form.kind),
        parents: parent_choices(&all, None, None, form.parent),
        form,
        action: session.link("/dashboard/units"),
        import: session.link("/dashboard/units/import"),
    };
    Ok(render(code, &page))
}

/// The unit tree, with the form that adds a unit.
#[get("/dashboard/units")]
pub async fn units_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    tree_page(
        &state,
        &session,
        &req,
        StatusCode::OK,
        String::new(),
        FieldErrors::default(),
        NewUnit::default(),
    )
    .await
}

/// Adds a unit; a refusal shows the form again with every problem beside its field.
#[post("/dashboard/units")]
pub async fn add_unit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let posted = Posted::read(&session, &req, payload).await?;
    let lang = session.lang;
    let form = NewUnit {
        name: posted.text("name"),
        kind: posted.text("kind"),
        parent: posted.id("parent_id"),
        window: posted.checked("window_unit"),
    };
    let Some(kind) = UnitKind::parse(&form.kind) else {
        let mut errors = FieldErrors::default();
        errors.add("kind", tr(lang, "console-unit-kind-choose"));
        return tree_page(
            &state,
            &session,
            &req,
            StatusCode::UNPROCESSABLE_ENTITY,
            String::new(),
            errors,
            form,
        )
        .await;
    };
    let body = CreateUnit {
        name: form.name.clone(),
        kind,
        parent_id: form.parent,
        window_unit: form.window,
    };
    let caller = session.caller.clone();
    match state
        .db(move |conn| units::create(conn, &caller, &body))
        .await
    {
        Ok(unit) => {
            let notice = msg!("console-unit-created", unit = unit.name.as_str()).render(lang);
            tree_page(
                &state,
                &session,
                &req,
                StatusCode::OK,
                notice,
                FieldErrors::default(),
                NewUnit::default(),
            )
            .await
        }
        Err(e) if shown_on_form(&e) => {
            let errors = FieldErrors::of(lang, &e, &["name", "kind", "parent_id"]);
            tree_page(
                &state,
                &session,
                &req,
                status(e.kind()),
                String::new(),
                errors,
                form,
            )
            .await
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}

/// Whether an error is one the form shows beside its fields (rather than a page of its own).
fn shown_on_form(e: &Error) -> bool {
    matches!(e.kind(), Kind::Invalid | Kind::Conflict) || e.field().is_some()
}

async fn unit_page(
    state: &AppState,
    session: &Session,
    req: &HttpRequest,
    id: i64,
    code: StatusCode,
    notice: String,
    errors: FieldErrors,
) -> Result<HttpResponse, WebError> {
    let all = load(state, session).await?;
    let unit = all
        .iter()
        .find(|u| u.id == id)
        .ok_or_else(|| WebError::from_error(session.lang, &Error::not_found(Thing::Unit)))?;
    let shown = tree(session, std::slice::from_ref(unit)).remove(0);
    let page = UnitPage {
        w: Words::new(session.lang),
        nav: Nav::new(session, req),
        notice,
        errors,
        parents: parent_choices(&all, Some(unit.kind), Some(unit.id), unit.parent_id),
        unit: shown,
        action: session.link(&format!("/dashboard/units/{id}")),
        back: session.link("/dashboard/units"),
    };
    Ok(render(code, &page))
}

/// One unit: rename, move, window flag, retire or bring back.
#[get("/dashboard/units/{id}")]
pub async fn show_unit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(session.lang, &id)?;
    unit_page(
        &state,
        &session,
        &req,
        id,
        StatusCode::OK,
        String::new(),
        FieldErrors::default(),
    )
    .await
}

/// Changes one unit (`action` = rename, move, window, retire or restore); retiring asks for a
/// confirmation first. Every change ends on the unit's page with a message saying what it did.
#[post("/dashboard/units/{id}")]
pub async fn change_unit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let posted = Posted::read(&session, &req, payload).await?;
    let action = posted.text("action");
    let mut body = UpdateUnit::default();
    match action.as_str() {
        "rename" => body.name = Some(posted.text("name")),
        "move" => body.parent_id = posted.id("parent_id"),
        "window" => body.window_unit = Some(posted.checked("window_unit")),
        // empty forgets it (0); what is not a whole number is refused as out of range
        "population" => {
            let typed = posted.text("population");
            let typed = typed.trim();
            body.population = Some(if typed.is_empty() {
                0
            } else {
                typed.parse().unwrap_or(u64::MAX)
            });
        }
        "retire" => body.retired = Some(true),
        "restore" => body.retired = Some(false),
        _ => return Err(WebError::from_error(lang, &Error::not_found(Thing::Page))),
    }
    if action == "retire" && !confirmed(&posted) {
        let all = load(&state, &session).await?;
        let unit = all
            .iter()
            .find(|u| u.id == id)
            .ok_or_else(|| WebError::from_error(lang, &Error::not_found(Thing::Unit)))?;
        let page = ConfirmPage {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            heading: msg!("console-unit-retire-heading", unit = unit.name.as_str()).render(lang),
            what: msg!("console-unit-retire-what", unit = unit.name.as_str()).render(lang),
            action: session.link(&format!("/dashboard/units/{id}")),
            fields: vec![("action".into(), "retire".into())],
            button: tr(lang, "console-unit-retire"),
            cancel: session.link(&format!("/dashboard/units/{id}")),
        };
        return Ok(render(StatusCode::OK, &page));
    }
    let caller = session.caller.clone();
    let outcome = state
        .db(move |conn| units::update(conn, &caller, id, &body))
        .await;
    match outcome {
        Ok(unit) => {
            let name = unit.name.as_str();
            let notice: Message = match action.as_str() {
                "rename" => msg!("console-unit-renamed", unit = name),
                "move" => msg!("console-unit-moved", unit = name),
                "window" if unit.window_unit => msg!("console-unit-window-on", unit = name),
                "window" => msg!("console-unit-window-off", unit = name),
                "population" => msg!("console-unit-population-saved", unit = name),
                "retire" => msg!("console-unit-retired", unit = name),
                _ => msg!("console-unit-restored", unit = name),
            };
            unit_page(
                &state,
                &session,
                &req,
                id,
                StatusCode::OK,
                notice.render(lang),
                FieldErrors::default(),
            )
            .await
        }
        Err(e) if shown_on_form(&e) && e.code() != canvass_protocol::ErrorCode::OutOfScope => {
            let errors = FieldErrors::of(lang, &e, &["name", "parent_id", "retired", "population"]);
            unit_page(
                &state,
                &session,
                &req,
                id,
                status(e.kind()),
                String::new(),
                errors,
            )
            .await
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}

/// The columns of a unit list, as the upload page lists them.
fn unit_columns(lang: canvass_protocol::forms::Lang) -> Vec<(String, String)> {
    [
        ("console-units-col-name", "console-units-col-name-what"),
        ("console-units-col-kind", "console-units-col-kind-what"),
        ("console-units-col-parent", "console-units-col-parent-what"),
        ("console-units-col-window", "console-units-col-window-what"),
        ("console-units-col-code", "console-units-col-code-what"),
    ]
    .iter()
    .map(|(c, w)| (tr(lang, c), tr(lang, w)))
    .collect()
}

/// The upload form of a unit list.
#[get("/dashboard/units/import")]
pub async fn import_form(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    // the same access check as the tree: admins and organisers only
    load(&state, &session).await?;
    let lang = session.lang;
    let page = ImportPage {
        w: Words::new(lang),
        nav: Nav::new(&session, &req),
        heading: tr(lang, "console-units-import-heading"),
        intro: tr(lang, "console-units-import-intro"),
        columns: unit_columns(lang),
        action: session.link("/dashboard/units/import"),
        back: session.link("/dashboard/units"),
    };
    Ok(render(StatusCode::OK, &page))
}

fn action_text(lang: canvass_protocol::forms::Lang, action: UnitListAction) -> String {
    tr(
        lang,
        match action {
            UnitListAction::Create => "console-units-row-create",
            UnitListAction::Unchanged => "console-units-row-unchanged",
            UnitListAction::SetWindow => "console-units-row-window",
        },
    )
}

fn counts(report: &UnitListReport) -> (usize, usize, usize) {
    let n = |a| report.entries.iter().filter(|e| e.action == a).count();
    (
        n(UnitListAction::Create),
        n(UnitListAction::SetWindow),
        n(UnitListAction::Unchanged),
    )
}

fn preview_page(
    session: &Session,
    req: &HttpRequest,
    bytes: &[u8],
    report: &UnitListReport,
) -> HttpResponse {
    let lang = session.lang;
    let (created, updated, unchanged) = counts(report);
    let preview = Preview::new(lang, bytes, &report.problems, |row| {
        report
            .entries
            .iter()
            .find(|e| e.row == row)
            .map(|e| action_text(lang, e.action))
            .unwrap_or_default()
    });
    let code = if preview.blocked {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PreviewPage {
        w: Words::new(lang),
        nav: Nav::new(session, req),
        heading: tr(lang, "console-units-preview-heading"),
        summary: msg!(
            "console-units-preview-summary",
            created = created,
            updated = updated,
            unchanged = unchanged
        )
        .render(lang),
        preview,
        confirm: session.link("/dashboard/units/import/confirm"),
        back: session.link("/dashboard/units/import"),
    };
    render(code, &page)
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
        .db(move |conn| units::import_unit_list(conn, &caller, &file, store))
        .await
        .map_err(page_error(lang))?;
    if report.stored {
        let (created, updated, unchanged) = counts(&report);
        let notice = msg!(
            "console-units-imported",
            created = created,
            updated = updated,
            unchanged = unchanged
        )
        .render(lang);
        return tree_page(
            state,
            session,
            req,
            StatusCode::OK,
            notice,
            FieldErrors::default(),
            NewUnit::default(),
        )
        .await;
    }
    Ok(preview_page(session, req, &bytes, &report))
}

/// Reads an uploaded unit list and shows its preview: nothing is stored.
#[post("/dashboard/units/import")]
pub async fn import_preview(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let posted = Posted::read(&session, &req, payload).await?;
    import(&state, &session, &req, &posted, false).await
}

/// Stores a previewed unit list, all or nothing; a list that went bad meanwhile shows its
/// preview again.
#[post("/dashboard/units/import/confirm")]
pub async fn import_confirm(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let posted = Posted::read(&session, &req, payload).await?;
    import(&state, &session, &req, &posted, true).await
}
