//! Accounts in the console (`/dashboard/accounts`): the list of the subtree's accounts,
//! creating one with a role, a unit and a temporary password shown once, disabling (after a
//! confirmation) and enabling, revoking devices, resetting a password (after a confirmation);
//! and `/dashboard/password`, where everyone changes their own password, and where a
//! temporary password leads before anything else ([`password_gate`]).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::accounts::{Account, Device, Role, UpdateAccount};
use canvass_protocol::i18n::tr;
use canvass_protocol::msg;
use canvass_protocol::units::Unit;

use super::units::Choice;
use super::{confirmed, ConfirmPage, FieldErrors, Posted};
use crate::domain::accounts::{self, WithTemporaryPassword};
use crate::domain::error::{Error, Kind, Thing};
use crate::domain::units;
use crate::http::error::status;
use crate::http::AppState;
use crate::web::frame::{path_id, role_label, Nav};
use crate::web::page::{render, Words};
use crate::web::session::{page_error, Session, WebError};

/// Sends an account whose password is temporary to `/dashboard/password` from every other
/// dashboard page, so that the sign-in leads there and nothing else can be done first.
pub async fn password_gate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let path = req.path();
    let gated = (path == "/dashboard" || path.starts_with("/dashboard/"))
        && path != "/dashboard/password"
        && path != "/dashboard/logout";
    if gated {
        if let Ok(session) = Session::extract(req.request()).await {
            if session.caller.account.must_change_password {
                let to = format!("/dashboard/password{}", session.lang_query);
                let answer = HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, to))
                    .insert_header((header::CACHE_CONTROL, "no-store"))
                    .finish();
                return Ok(req.into_response(answer).map_into_right_body());
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// An account as the list shows it.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// The catalogue id of its role's name.
    pub role: &'static str,
    /// Its unit's path, or "all units".
    pub unit: String,
    pub disabled: bool,
    pub must_change: bool,
    pub href: String,
}

/// What the create form holds.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit: Option<i64>,
}

/// The accounts page (`templates/console/accounts.html`).
#[derive(Template)]
#[template(path = "console/accounts.html")]
pub struct AccountsPage {
    pub w: Words,
    pub nav: Nav,
    pub notice: String,
    /// A temporary password to show once, with the username it belongs to.
    pub secret: Option<(String, String)>,
    pub errors: FieldErrors,
    pub accounts: Vec<Row>,
    pub roles: Vec<Choice>,
    pub units: Vec<Choice>,
    pub form: NewAccount,
    pub action: String,
}

/// A device as the account page shows it.
#[derive(Debug, Clone)]
pub struct DeviceRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub revoked: bool,
}

/// One account's page (`templates/console/account.html`).
#[derive(Template)]
#[template(path = "console/account.html")]
pub struct AccountPage {
    pub w: Words,
    pub nav: Nav,
    pub notice: String,
    pub secret: Option<(String, String)>,
    pub account: Row,
    pub devices: Vec<DeviceRow>,
    /// The role and unit the account may be moved to, its own marked.
    pub roles: Vec<Choice>,
    pub units: Vec<Choice>,
    pub action: String,
    pub back: String,
}

/// The password page (`templates/console/password.html`).
#[derive(Template)]
#[template(path = "console/password.html")]
pub struct PasswordPage {
    pub w: Words,
    pub nav: Nav,
    /// Whether the password is a temporary one that must be changed first.
    pub must_change: bool,
    pub errors: FieldErrors,
    pub action: String,
}

/// The page after one's password changed (`templates/console/password_changed.html`).
#[derive(Template)]
#[template(path = "console/password_changed.html")]
pub struct PasswordChanged {
    pub w: Words,
    pub login: String,
}

fn unit_path(units: &[Unit], id: Option<i64>) -> String {
    let index = canvass_protocol::sheets::UnitIndex::new(units);
    id.map(|id| index.path(id)).unwrap_or_default()
}

fn row(session: &Session, units: &[Unit], a: &Account) -> Row {
    Row {
        id: a.id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: role_label(a.role),
        unit: if a.unit_id.is_some() {
            unit_path(units, a.unit_id)
        } else {
            tr(session.lang, "dashboard-all-units")
        },
        disabled: a.disabled,
        must_change: a.must_change_password,
        href: session.link(&format!("/dashboard/accounts/{}", a.id)),
    }
}

async fn load(state: &AppState, session: &Session) -> Result<(Vec<Account>, Vec<Unit>), WebError> {
    let caller = session.caller.clone();
    state
        .db(move |conn| {
            let list = accounts::list(conn, &caller)?;
            let tree = units::console_tree(conn, &caller)?;
            Ok((list, tree))
        })
        .await
        .map_err(page_error(session.lang))
}

#[allow(clippy::too_many_arguments)]
async fn list_page(
    state: &AppState,
    session: &Session,
    req: &HttpRequest,
    code: StatusCode,
    notice: String,
    secret: Option<(String, String)>,
    errors: FieldErrors,
    form: NewAccount,
) -> Result<HttpResponse, WebError> {
    let (list, tree) = load(state, session).await?;
    let page = AccountsPage {
        w: Words::new(session.lang),
        nav: Nav::new(session, req),
        notice,
        secret,
        errors,
        accounts: list.iter().map(|a| row(session, &tree, a)).collect(),
        roles: role_choices(session, &form.role),
        units: unit_choices(&tree, form.unit),
        form,
        action: session.link("/dashboard/accounts"),
    };
    Ok(render(code, &page))
}

/// The accounts of the subtree, with the form that creates one.
#[get("/dashboard/accounts")]
pub async fn accounts_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    list_page(
        &state,
        &session,
        &req,
        StatusCode::OK,
        String::new(),
        None,
        FieldErrors::default(),
        NewAccount::default(),
    )
    .await
}

/// Creates an account with a temporary password, shown once on the page that follows.
#[post("/dashboard/accounts")]
pub async fn create_account(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let posted = Posted::read(&session, &req, payload).await?;
    let lang = session.lang;
    let form = NewAccount {
        username: posted.text("username"),
        display_name: posted.text("display_name"),
        role: posted.text("role"),
        unit: posted.id("unit_id"),
    };
    let mut errors = FieldErrors::default();
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", tr(lang, "console-account-role-choose"));
    }
    if form.unit.is_none() {
        errors.add("unit_id", tr(lang, "console-account-unit-choose"));
    }
    let (Some(role), Some(unit_id)) = (role, form.unit) else {
        return list_page(
            &state,
            &session,
            &req,
            StatusCode::UNPROCESSABLE_ENTITY,
            String::new(),
            None,
            errors,
            form,
        )
        .await;
    };
    let caller = session.caller.clone();
    let (username, display_name) = (form.username.clone(), form.display_name.clone());
    let outcome = state
        .db(move |conn| {
            accounts::create_with_temporary_password(
                conn,
                &caller,
                &username,
                Some(display_name.as_str()).filter(|d| !d.is_empty()),
                role,
                unit_id,
            )
        })
        .await;
    match outcome {
        Ok(WithTemporaryPassword { account, password }) => {
            let notice = msg!(
                "console-account-created",
                username = account.username.as_str()
            )
            .render(lang);
            list_page(
                &state,
                &session,
                &req,
                StatusCode::CREATED,
                notice,
                Some((account.username, password)),
                FieldErrors::default(),
                NewAccount::default(),
            )
            .await
        }
        Err(e) if e.field().is_some() || matches!(e.kind(), Kind::Invalid | Kind::Conflict) => {
            let errors =
                FieldErrors::of(lang, &e, &["username", "display_name", "role", "unit_id"]);
            list_page(
                &state,
                &session,
                &req,
                status(e.kind()),
                String::new(),
                None,
                errors,
                form,
            )
            .await
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}

/// The roles the caller may give (none above its own), `selected` marked.
fn role_choices(session: &Session, selected: &str) -> Vec<Choice> {
    let own = session.caller.role();
    Role::ALL
        .iter()
        .filter(|r| r.rank() <= own.rank())
        .map(|r| Choice {
            value: r.as_str().to_owned(),
            label: tr(session.lang, role_label(*r)),
            selected: r.as_str() == selected,
        })
        .collect()
}

/// The units of the caller's tree an account may belong to (not retired), `selected` marked.
fn unit_choices(tree: &[Unit], selected: Option<i64>) -> Vec<Choice> {
    tree.iter()
        .filter(|u| !u.retired)
        .map(|u| Choice {
            value: u.id.to_string(),
            label: unit_path(tree, Some(u.id)),
            selected: Some(u.id) == selected,
        })
        .collect()
}

async fn account_page(
    state: &AppState,
    session: &Session,
    req: &HttpRequest,
    id: i64,
    notice: String,
    secret: Option<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let caller = session.caller.clone();
    let (account, devices, tree): (Account, Vec<Device>, Vec<Unit>) = state
        .db(move |conn| {
            // the list's access check (admins and organisers) first, then the account's scope
            let tree = units::console_tree(conn, &caller)?;
            let list = accounts::list(conn, &caller)?;
            let account = list
                .into_iter()
                .find(|a| a.id == id)
                .ok_or_else(|| Error::not_found(Thing::Account))?;
            let devices = accounts::devices(conn, &caller, id)?;
            Ok((account, devices, tree))
        })
        .await
        .map_err(page_error(session.lang))?;
    let page = AccountPage {
        w: Words::new(session.lang),
        nav: Nav::new(session, req),
        notice,
        secret,
        account: row(session, &tree, &account),
        roles: role_choices(session, account.role.as_str()),
        units: unit_choices(&tree, account.unit_id),
        devices: devices
            .iter()
            .map(|d| DeviceRow {
                id: d.id.clone(),
                name: d.name.clone(),
                created: canvass_protocol::calendar::day_of(d.created_at),
                revoked: d.revoked_at.is_some(),
            })
            .collect(),
        action: session.link(&format!("/dashboard/accounts/{id}")),
        back: session.link("/dashboard/accounts"),
    };
    Ok(render(StatusCode::OK, &page))
}

/// One account: its devices, disable or enable, reset its password.
#[get("/dashboard/accounts/{id}")]
pub async fn show_account(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(session.lang, &id)?;
    account_page(&state, &session, &req, id, String::new(), None).await
}

/// Changes one account: `action` = disable (asks first), enable, reset (asks first; shows the
/// temporary password once), revoke (`device_id`) or assign (`role` and `unit_id`: moves the
/// account, within the caller's scope and up to the caller's own role, as the API does).
#[post("/dashboard/accounts/{id}")]
pub async fn change_account(
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
    if matches!(action.as_str(), "disable" | "reset") && !confirmed(&posted) {
        let (list, _) = load(&state, &session).await?;
        let account = list
            .iter()
            .find(|a| a.id == id)
            .ok_or_else(|| WebError::from_error(lang, &Error::not_found(Thing::Account)))?;
        let name = account.username.as_str();
        let (heading, what, button) = if action == "disable" {
            (
                msg!("console-account-disable-heading", username = name),
                msg!("console-account-disable-what", username = name),
                "console-account-disable",
            )
        } else {
            (
                msg!("console-account-reset-heading", username = name),
                msg!("console-account-reset-what", username = name),
                "console-account-reset",
            )
        };
        let page = ConfirmPage {
            w: Words::new(lang),
            nav: Nav::new(&session, &req),
            heading: heading.render(lang),
            what: what.render(lang),
            action: session.link(&format!("/dashboard/accounts/{id}")),
            fields: vec![("action".into(), action.clone())],
            button: tr(lang, button),
            cancel: session.link(&format!("/dashboard/accounts/{id}")),
        };
        return Ok(render(StatusCode::OK, &page));
    }
    let caller = session.caller.clone();
    let device = posted.text("device_id");
    let (role, unit_id) = (posted.text("role"), posted.id("unit_id"));
    let act = action.clone();
    let outcome: Result<(String, Option<String>), Error> = state
        .db(move |conn| match act.as_str() {
            "disable" | "enable" => {
                let body = UpdateAccount {
                    disabled: Some(act == "disable"),
                    ..UpdateAccount::default()
                };
                let a = accounts::update(conn, &caller, id, &body)?;
                Ok((a.username, None))
            }
            "reset" => {
                let done = accounts::reset_password(conn, &caller, id)?;
                Ok((done.account.username, Some(done.password)))
            }
            "assign" => {
                let role = Role::parse(&role)
                    .ok_or_else(|| Error::invalid("role", msg!("console-account-role-choose")))?;
                let unit_id = unit_id.ok_or_else(|| {
                    Error::invalid("unit_id", msg!("console-account-unit-choose"))
                })?;
                let body = UpdateAccount {
                    role: Some(role),
                    unit_id: Some(unit_id),
                    ..UpdateAccount::default()
                };
                let a = accounts::update(conn, &caller, id, &body)?;
                Ok((a.username, None))
            }
            "revoke" => {
                accounts::revoke_device(conn, &caller, id, &device)?;
                Ok((device, None))
            }
            _ => Err(Error::not_found(Thing::Page)),
        })
        .await;
    let (name, password) = outcome.map_err(page_error(lang))?;
    let notice = match action.as_str() {
        "disable" => msg!("console-account-disabled", username = name.as_str()),
        "enable" => msg!("console-account-enabled", username = name.as_str()),
        "reset" => msg!("console-account-was-reset", username = name.as_str()),
        "assign" => msg!("console-account-assigned", username = name.as_str()),
        _ => msg!("console-account-device-revoked"),
    }
    .render(lang);
    let secret = password.map(|p| (name, p));
    account_page(&state, &session, &req, id, notice, secret).await
}

/// The form that changes one's own password.
#[get("/dashboard/password")]
pub async fn password_page(session: Session, req: HttpRequest) -> HttpResponse {
    let page = PasswordPage {
        w: Words::new(session.lang),
        nav: Nav::new(&session, &req),
        must_change: session.caller.account.must_change_password,
        errors: FieldErrors::default(),
        action: session.link("/dashboard/password"),
    };
    render(StatusCode::OK, &page)
}

/// Changes one's own password; the old sessions end, so the next page asks to sign in again
/// with the new one. Every problem shows beside its field.
#[post("/dashboard/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let posted = Posted::read(&session, &req, payload).await?;
    let lang = session.lang;
    let caller = session.caller.clone();
    let (current, new, repeated) = (
        posted.raw("current_password"),
        posted.raw("new_password"),
        posted.raw("repeat_password"),
    );
    let outcome = state
        .db(move |conn| accounts::change_own_password(conn, &caller, &current, &new, &repeated))
        .await;
    match outcome {
        Ok(()) => Ok(render(
            StatusCode::OK,
            &PasswordChanged {
                w: Words::new(lang),
                login: format!("/login{}", session.lang_query),
            },
        )),
        Err(e) if e.field().is_some() => {
            let page = PasswordPage {
                w: Words::new(lang),
                nav: Nav::new(&session, &req),
                must_change: session.caller.account.must_change_password,
                errors: FieldErrors::of(
                    lang,
                    &e,
                    &["current_password", "new_password", "repeat_password"],
                ),
                action: session.link("/dashboard/password"),
            };
            let code = if e.kind() == Kind::Unauthenticated {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                status(e.kind())
            };
            Ok(render(code, &page))
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}
