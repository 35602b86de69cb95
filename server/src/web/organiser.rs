//! The organisers' pages: upload a survey or round definition, preview a survey as a
//! respondent sees it, publish, open and close; generate and print ballot-code slips; watch live
//! turnout (paper tally sheets: `web::tally_sheets`). Every change goes through the same
//! functions as the JSON API (so the same checks and scope apply) and every form carries the
//! session's CSRF token.

use std::fmt::Write;

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use canvass_protocol::forms::{FormDefinition, Lang};
use canvass_protocol::msg;
use canvass_protocol::rounds::{
    CreateRound, GenerateCodes, RoundDefinition, RoundInfo, RoundStatus,
};
use canvass_protocol::surveys::{CreateSurvey, Survey, SurveyStatus};
use canvass_protocol::units::{Unit, UnitKind};

use super::frame::{frame, frame_with_status, manages, path_id};
use super::page::esc;
use super::session::{error_text, form_value, page_error, Session, WebError, CSRF_FIELD};
use super::t;
use crate::domain::auth::Action;
use crate::domain::error::{Error, Kind};
use crate::domain::surveys::{self, Step};
use crate::domain::{ballot_codes, rounds, units};
use crate::http::extract::parse_json;
use crate::http::AppState;

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// The management block of a survey page: its links and the lifecycle buttons.
pub fn survey_actions(b: &mut String, session: &Session, survey: &Survey) {
    let lang = session.lang;
    let id = survey.id;
    let _ = write!(
        b,
        "<h2>{}</h2><p>{}: <a href=\"{}\">{}</a> · <a href=\"{}\">{}</a></p>\
         <form class=\"inline\" method=\"post\" action=\"{}\">{}",
        t(lang, "管理", "Manage"),
        t(lang, "公开链接", "Public link"),
        esc(&survey.public_url),
        esc(&survey.public_url),
        esc(&session.link(&format!("/dashboard/surveys/{id}/preview"))),
        t(lang, "按群众所见预览", "Preview as a respondent"),
        esc(&session.link(&format!("/dashboard/surveys/{id}/status"))),
        session.csrf_field(),
    );
    if survey.draft_version.is_some() {
        let _ = write!(
            b,
            "<button type=\"submit\" name=\"action\" value=\"publish\">{}</button>",
            t(lang, "发布新版本", "Publish the draft")
        );
    }
    match survey.status {
        SurveyStatus::Open => {
            let _ = write!(
                b,
                "<button type=\"submit\" name=\"action\" value=\"close\">{}</button>",
                t(lang, "结束测评", "Close")
            );
        }
        SurveyStatus::Closed => {
            let _ = write!(
                b,
                "<button type=\"submit\" name=\"action\" value=\"open\">{}</button>",
                t(lang, "重新开放", "Open again")
            );
        }
        SurveyStatus::Draft => {}
    }
    b.push_str("</form>");
    b.push_str(&super::print::survey_links(session, survey.id));
}

/// The management block of a round page: lifecycle buttons, slips, tally sheets, turnout.
pub fn round_actions(b: &mut String, session: &Session, info: &RoundInfo) {
    let lang = session.lang;
    let id = info.id;
    let _ = write!(
        b,
        "<h2>{}</h2><p>{}: <a href=\"{}\">{}</a></p>\
         <form class=\"inline\" method=\"post\" action=\"{}\">{}",
        t(lang, "管理", "Manage"),
        t(lang, "投票页面", "Ballot page"),
        esc(&info.ballot_url),
        esc(&info.ballot_url),
        esc(&session.link(&format!("/dashboard/rounds/{id}/status"))),
        session.csrf_field(),
    );
    let buttons: &[(&str, &str, &str)] = match info.status {
        RoundStatus::Draft => &[("open", "开始投票", "Open voting")],
        RoundStatus::Open => &[("close", "结束投票", "Close voting")],
        RoundStatus::Closed => &[
            ("open", "重新开始投票", "Open again"),
            ("publish", "公布结果", "Publish the results"),
        ],
        RoundStatus::Published => &[],
    };
    for (action, zh, en) in buttons {
        let _ = write!(
            b,
            "<button type=\"submit\" name=\"action\" value=\"{action}\">{}</button>",
            t(lang, zh, en)
        );
    }
    b.push_str("</form>");
    if matches!(info.status, RoundStatus::Draft | RoundStatus::Open) {
        let _ = write!(
            b,
            "<form method=\"post\" action=\"{}\">{}<fieldset><legend>{}</legend>\
             <p><label for=\"group\">{}</label><select id=\"group\" name=\"elector_group\">",
            esc(&session.link(&format!("/dashboard/rounds/{id}/slips"))),
            session.csrf_field(),
            t(lang, "生成并打印测评码", "Generate and print ballot codes"),
            t(lang, "投票人类别", "Elector group"),
        );
        for g in &info.definition.elector_groups {
            let _ = write!(
                b,
                "<option value=\"{}\">{}</option>",
                esc(&g.id),
                esc(&g.label)
            );
        }
        let _ = write!(
            b,
            "</select></p><p><label for=\"count\">{}</label><input type=\"number\" id=\"count\" name=\"count\" min=\"1\" max=\"{}\" value=\"10\"></p>\
             <p class=\"hint\">{}</p><button type=\"submit\">{}</button></fieldset></form>",
            t(lang, "张数", "How many"),
            ballot_codes::MAX_CODES_PER_REQUEST,
            t(
                lang,
                "测评码只显示这一次:请直接打印,裁开后打乱发放。",
                "The codes are shown this once: print them, cut the slips apart, shuffle and hand them out."
            ),
            t(lang, "生成测评码", "Generate the slips"),
        );
    }
    if matches!(info.status, RoundStatus::Open | RoundStatus::Closed) {
        let _ = write!(
            b,
            "<p><a href=\"{}\">{}</a> · <a href=\"{}\">{}</a></p>",
            esc(&session.link(&format!("/dashboard/rounds/{id}/sheet"))),
            t(lang, "录入纸质计票单", "Enter a paper tally sheet"),
            esc(&session.link(&format!("/dashboard/rounds/{id}/turnout"))),
            t(lang, "实时投票情况", "Live turnout"),
        );
    }
    b.push_str(&super::print::round_links(session, info));
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

/// Publishes, opens or closes a survey.
#[post("/dashboard/surveys/{id}/status")]
pub async fn survey_status(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let id = path_id(lang, &id)?;
    let step = match form_value(&body, "action").as_deref() {
        Some("publish") => Step::Publish,
        Some("open") => Step::Open,
        Some("close") => Step::Close,
        _ => return Err(page_error(lang)(unknown_action("publish, open, close"))),
    };
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    state
        .db(move |conn| surveys::take_step(conn, &caller, id, step, &base))
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
    let banner = match lang {
        Lang::ZhCn => format!("预览(第{}版):此页面不能提交答卷。", form.version),
        Lang::En => format!(
            "Preview (version {}): nothing can be sent from this page.",
            form.version
        ),
    };
    Ok(super::page::html_response(
        StatusCode::OK,
        super::survey_form::preview(lang, &form, &banner),
    ))
}

/// Opens, closes or publishes a round.
#[post("/dashboard/rounds/{id}/status")]
pub async fn round_status(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    let id = path_id(lang, &id)?;
    let to = match form_value(&body, "action").as_deref() {
        Some("open") => RoundStatus::Open,
        Some("close") => RoundStatus::Closed,
        Some("publish") => RoundStatus::Published,
        _ => return Err(page_error(lang)(unknown_action("open, close, publish"))),
    };
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    state
        .db(move |conn| rounds::transition(conn, &caller, id, to, &base))
        .await
        .map_err(page_error(lang))?;
    Ok(see_other(&session.link(&format!("/dashboard/rounds/{id}"))))
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

fn upload_form(
    session: &Session,
    (owners, targets): &(Vec<Unit>, Vec<Unit>),
    kept: &Upload,
    error: Option<&str>,
) -> String {
    let lang = session.lang;
    let mut b = String::with_capacity(8192);
    let _ = write!(
        b,
        "<h1>{}</h1><p class=\"hint\">{}</p>",
        t(lang, "上传测评定义", "Upload a definition"),
        t(
            lang,
            "选择定义文件(JSON,格式见 docs/forms.md 和 docs/rounds.md),或粘贴其内容。新建的测评是草稿:预览后再发布。",
            "Choose a definition file (JSON, as in docs/forms.md and docs/rounds.md) or paste its contents. The new instrument is a draft: preview it, then publish."
        ),
    );
    if let Some(e) = error {
        let _ = write!(b, "<p class=\"summary err\" role=\"alert\">{}</p>", esc(e));
    }
    let checked = |yes: bool| if yes { " checked" } else { "" };
    let _ = write!(
        b,
        "<form method=\"post\" action=\"{}\" enctype=\"multipart/form-data\">{}\
         <fieldset><legend>{}</legend>\
         <label class=\"opt\"><input type=\"radio\" name=\"kind\" value=\"survey\"{}>{}</label>\
         <label class=\"opt\"><input type=\"radio\" name=\"kind\" value=\"round\"{}>{}</label></fieldset>\
         <p><label for=\"file\">{}</label><input type=\"file\" id=\"file\" name=\"file\" accept=\".json,application/json\"></p>\
         <p><label for=\"text\">{}</label><textarea id=\"text\" name=\"text\">{}</textarea></p>\
         <p><label for=\"unit_id\">{}</label><select id=\"unit_id\" name=\"unit_id\">",
        esc(&session.link("/dashboard/new")),
        session.csrf_field(),
        t(lang, "类型", "Kind"),
        checked(kept.kind != "round"),
        t(lang, "满意度测评", "Satisfaction survey"),
        checked(kept.kind == "round"),
        t(lang, "民主测评", "Democratic appraisal round"),
        t(lang, "定义文件", "Definition file"),
        t(lang, "或粘贴定义", "Or paste the definition"),
        esc(&kept.text),
        t(lang, "所属单位", "Owning unit"),
    );
    for u in owners {
        let selected = if kept.unit_id == Some(u.id) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            b,
            "<option value=\"{}\"{selected}>{}</option>",
            u.id,
            esc(&u.name)
        );
    }
    let _ = write!(
        b,
        "</select></p><fieldset><legend>{}</legend>",
        t(lang, "测评对象(满意度测评)", "Units rated (surveys)")
    );
    for u in targets {
        let _ = write!(
            b,
            "<label class=\"opt\"><input type=\"checkbox\" name=\"targets\" value=\"{}\"{}>{}</label>",
            u.id,
            checked(kept.targets.contains(&u.id)),
            esc(&u.name)
        );
    }
    let _ = write!(
        b,
        "</fieldset><button type=\"submit\">{}</button></form>",
        t(lang, "上传为草稿", "Upload as a draft")
    );
    b
}

/// What the upload form sent.
#[derive(Default)]
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
    let html = upload_form(&session, &choices, &kept, None);
    Ok(frame(
        &session,
        &req,
        t(session.lang, "上传测评定义", "Upload a definition"),
        &html,
    ))
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
    let definition: Vec<u8> = if upload.file.iter().any(|b| !b.is_ascii_whitespace()) {
        upload.file.clone()
    } else {
        upload.text.clone().into_bytes()
    };
    let caller = session.caller.clone();
    let kind = upload.kind.clone();
    let (unit_id, targets) = (upload.unit_id, upload.targets.clone());
    let base = state.public_url.clone();
    let outcome = state
        .db(move |conn| {
            if kind == "round" {
                let definition: RoundDefinition = parse_json(&definition)?;
                let body = CreateRound {
                    definition,
                    unit_id,
                };
                let info = rounds::create(conn, &caller, &body, &base)?;
                Ok(format!("/dashboard/rounds/{}", info.id))
            } else {
                let definition: FormDefinition = parse_json(&definition)?;
                let body = CreateSurvey {
                    definition,
                    targets,
                    unit_id,
                    min_group_size: None,
                    opens_at: None,
                    closes_at: None,
                };
                let survey = surveys::create(conn, &caller, &body, &base)?;
                Ok(format!("/dashboard/surveys/{}", survey.id))
            }
        })
        .await;
    match outcome {
        Ok(location) => Ok(see_other(&session.link(&location))),
        Err(e) if shown_on_the_form(&e) => {
            let choices = unit_choices(&state, &session).await?;
            let kept = Upload {
                text: if upload.text.is_empty() {
                    String::from_utf8_lossy(&upload.file).into_owned()
                } else {
                    upload.text.clone()
                },
                ..upload
            };
            let html = upload_form(&session, &choices, &kept, Some(&error_text(lang, &e)));
            Ok(frame_with_status(
                &session,
                &req,
                crate::http::error::status(e.kind()),
                t(lang, "上传测评定义", "Upload a definition"),
                &html,
            ))
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
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
