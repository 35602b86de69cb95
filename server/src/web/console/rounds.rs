//! The rounds editor in the console (`/dashboard/rounds`): the rounds of the caller's subtree,
//! a form that sets a 民主测评 round up with no JSON (series, period, officials picked from the
//! roster, the team, dimensions, elector groups and weights, the 优秀 quota, flag rules from
//! presets), the same form to change a draft, and the ballot as its electors will see it. The
//! rules are `domain::rounds::editor`'s; this module reads the form and shows it again.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::tr;
use canvass_protocol::rounds::{Dimension, Official, RoundInfo, RoundStatus};
use canvass_protocol::sheets::UnitIndex;

use super::{FieldErrors, Posted};
use crate::domain::error::Error;
use crate::domain::rounds::editor::{self, Choices, FlagPreset, GroupDraft, RoundDraft};
use crate::http::error::status;
use crate::http::AppState;
use crate::web::ballot;
use crate::web::dashboard::round_status_label;
use crate::web::frame::{path_id, ConsoleNav, Nav};
use crate::web::page::{render, Words};
use crate::web::session::{page_error, Session, WebError};

/// Rows offered for new elector groups below those the round has.
pub const BLANK_GROUPS: usize = 3;
/// Most group rows a posted form is read for.
const MAX_GROUP_ROWS: usize = 40;

impl ConsoleNav {
    /// The rounds editor's link, in the language of the other console links.
    #[must_use]
    pub fn rounds(&self) -> String {
        self.officials
            .replacen("/dashboard/officials", "/dashboard/rounds", 1)
    }

    /// The link of the rounds editor's form for a new round.
    #[must_use]
    pub fn new_round(&self) -> String {
        self.officials
            .replacen("/dashboard/officials", "/dashboard/rounds/new", 1)
    }
}

/// One option of a select, radio or checkbox list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// What the option means, when it needs saying.
    pub what: String,
    pub selected: bool,
}

/// An official of the roster, to tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialChoice {
    pub value: String,
    pub name: String,
    pub post: String,
    pub unit: String,
    pub chosen: bool,
    /// No longer in office (listed only when the round grades them).
    pub inactive: bool,
}

/// The roster officials of one team (or of none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamChoices {
    /// The team's name; empty for officials of no team.
    pub name: String,
    pub officials: Vec<OfficialChoice>,
}

/// One row of the elector groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// The row's number in the form's field names (`group_label_{n}`).
    pub n: usize,
    /// The key of the row's problems (`groups[n]`).
    pub key: String,
    pub id: String,
    pub label: String,
    pub weight: String,
}

/// What the editor's form shows: the choices, what was typed, every problem beside its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorForm {
    /// The units that may own a new round; empty when editing (the owner stays).
    pub units: Vec<Choice>,
    /// The owner's name, when editing.
    pub owner: String,
    /// The series already set up, and "new series" first.
    pub series: Vec<Choice>,
    pub series_name: String,
    pub period: String,
    pub teams: Vec<TeamChoices>,
    pub team: bool,
    pub team_name: String,
    /// The officials who may be the principal leader, and "none" first.
    pub leaders: Vec<Choice>,
    pub dimensions: Vec<Choice>,
    pub groups: Vec<GroupRow>,
    pub quota: String,
    pub presets: Vec<Choice>,
}

/// The editor page (`templates/console/round_editor.html`).
#[derive(Template)]
#[template(path = "console/round_editor.html")]
pub struct EditorPage {
    pub w: Words,
    pub nav: Nav,
    pub heading: String,
    pub errors: FieldErrors,
    pub form: EditorForm,
    pub action: String,
    pub back: String,
    /// The ballot preview of the round being edited.
    pub preview: Option<String>,
    pub button: String,
}

/// A round in the console's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundLine {
    pub title: String,
    pub status: String,
    pub unit: String,
    pub href: String,
    /// The editor, for a draft.
    pub edit: Option<String>,
    pub preview: String,
}

/// The rounds page (`templates/console/rounds.html`).
#[derive(Template)]
#[template(path = "console/rounds.html")]
pub struct RoundsPage {
    pub w: Words,
    pub nav: Nav,
    pub rounds: Vec<RoundLine>,
    pub new: String,
}

fn preset_words(preset: FlagPreset) -> (&'static str, &'static str) {
    match preset {
        FlagPreset::Documents => (
            "console-round-flags-documents",
            "console-round-flags-documents-what",
        ),
        FlagPreset::WarningAndRemoval => (
            "console-round-flags-warning",
            "console-round-flags-warning-what",
        ),
        FlagPreset::None => ("console-round-flags-none", "console-round-flags-none-what"),
        FlagPreset::Kept => ("console-round-flags-kept", "console-round-flags-kept-what"),
    }
}

/// The form's data: `draft` as typed over `choices`; `owner` is the owning unit's name when
/// editing (a new round offers the units instead); `keeps_rules` when the round has flag rules
/// of its own to offer keeping.
#[must_use]
pub fn editor_form(
    lang: Lang,
    draft: &RoundDraft,
    choices: &Choices,
    owner: Option<&str>,
    keeps_rules: bool,
) -> EditorForm {
    let index = UnitIndex::new(&choices.units);
    let chosen = |id: i64| draft.officials.iter().any(|o| o.trim() == id.to_string());
    let mut teams: Vec<TeamChoices> = Vec::new();
    for o in choices.roster.iter().filter(|o| o.active || chosen(o.id)) {
        let name = o.team.clone().unwrap_or_default();
        let official = OfficialChoice {
            value: o.id.to_string(),
            name: o.name.clone(),
            post: o.position.clone(),
            unit: index.path(o.unit_id),
            chosen: chosen(o.id),
            inactive: !o.active,
        };
        match teams.iter_mut().find(|t| t.name == name) {
            Some(team) => team.officials.push(official),
            None => teams.push(TeamChoices {
                name,
                officials: vec![official],
            }),
        }
    }
    let choice = |value: String, label: String, selected: bool| Choice {
        value,
        label,
        what: String::new(),
        selected,
    };
    let own_unit = if draft.unit.is_empty() {
        None
    } else {
        Some(draft.unit.as_str())
    };
    let units = if owner.is_some() {
        Vec::new()
    } else {
        choices
            .units
            .iter()
            .map(|u| {
                choice(
                    u.id.to_string(),
                    index.path(u.id),
                    own_unit == Some(u.id.to_string().as_str()),
                )
            })
            .collect()
    };
    let mut series = vec![choice(
        String::new(),
        tr(lang, "console-round-series-new"),
        draft.series.is_empty(),
    )];
    series.extend(
        choices
            .series
            .iter()
            .map(|(id, name)| choice(id.clone(), name.clone(), draft.series == *id)),
    );
    let mut leaders = vec![choice(
        String::new(),
        tr(lang, "console-round-leader-none"),
        draft.principal_leader.is_empty(),
    )];
    leaders.extend(
        choices
            .roster
            .iter()
            .filter(|o| o.active || chosen(o.id))
            .map(|o: &Official| {
                choice(
                    o.id.to_string(),
                    format!("{} {}", o.name, o.position),
                    draft.principal_leader.trim() == o.id.to_string(),
                )
            }),
    );
    let dimensions = Dimension::ALL
        .into_iter()
        .map(|d| {
            choice(
                d.as_str().into(),
                d.label(lang).into(),
                draft.dimensions.iter().any(|x| x == d.as_str()),
            )
        })
        .collect();
    let mut groups: Vec<GroupRow> = draft
        .groups
        .iter()
        .enumerate()
        .map(|(n, g)| GroupRow {
            n,
            key: format!("groups[{n}]"),
            id: g.id.clone(),
            label: g.label.clone(),
            weight: g.weight.clone(),
        })
        .collect();
    let blanks = draft
        .groups
        .iter()
        .rev()
        .take_while(|g| g.is_blank())
        .count();
    for n in groups.len()..groups.len() + BLANK_GROUPS.saturating_sub(blanks) {
        groups.push(GroupRow {
            n,
            key: format!("groups[{n}]"),
            id: String::new(),
            label: String::new(),
            weight: String::new(),
        });
    }
    let mut offered = FlagPreset::OFFERED.to_vec();
    if keeps_rules {
        offered.insert(0, FlagPreset::Kept);
    }
    let presets = offered
        .into_iter()
        .map(|p| {
            let (label, what) = preset_words(p);
            Choice {
                value: p.as_str().into(),
                label: tr(lang, label),
                what: tr(lang, what),
                selected: draft.flags == p.as_str(),
            }
        })
        .collect();
    EditorForm {
        units,
        owner: owner.unwrap_or_default().to_owned(),
        series,
        series_name: draft.series_name.clone(),
        period: draft.period.clone(),
        teams,
        team: draft.team,
        team_name: draft.team_name.clone(),
        leaders,
        dimensions,
        groups,
        quota: draft.quota.clone(),
        presets,
    }
}

/// The form as posted.
#[must_use]
pub fn draft_of(posted: &Posted) -> RoundDraft {
    let mut groups: Vec<GroupDraft> = (0..MAX_GROUP_ROWS)
        .map(|n| GroupDraft {
            id: posted.text(&format!("group_id_{n}")),
            label: posted.text(&format!("group_label_{n}")),
            weight: posted.text(&format!("group_weight_{n}")),
        })
        .collect();
    while groups
        .last()
        .is_some_and(|g| g.is_blank() && g.id.is_empty())
    {
        groups.pop();
    }
    RoundDraft {
        unit: posted.text("unit"),
        series: posted.text("series"),
        series_name: posted.text("series_name"),
        period: posted.text("period"),
        officials: posted.all("officials"),
        team: posted.checked("team"),
        team_name: posted.text("team_name"),
        principal_leader: posted.text("principal_leader"),
        dimensions: posted.all("dimensions"),
        groups,
        quota: posted.text("quota"),
        flags: posted.text("flags"),
    }
}

/// The fields of the form a problem may stand beside.
const FIELDS: [&str; 11] = [
    "unit",
    "series",
    "series_name",
    "period",
    "officials",
    "team_name",
    "principal_leader",
    "dimensions",
    "groups",
    "quota",
    "flags",
];

/// Every problem of `e` beside its field: a group's beside its row (`groups[n]`), those of no
/// field of the form at the top.
#[must_use]
pub fn form_errors(lang: Lang, e: &Error) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for problem in e.details() {
        let text = problem.message.render(lang);
        let path = problem.field.as_ref().map_or("", |f| f.path.as_str());
        let key = if path.starts_with("groups[") {
            path.split_once(']').map(|(row, _)| format!("{row}]"))
        } else {
            FIELDS.contains(&path).then(|| path.to_owned())
        };
        match key {
            Some(key) => errors.add(&key, text),
            None => errors.general.push(text),
        }
    }
    errors
}

async fn choices(state: &AppState, session: &Session) -> Result<Choices, WebError> {
    let caller = session.caller.clone();
    state
        .db(move |conn| editor::choices(conn, &caller))
        .await
        .map_err(page_error(session.lang))
}

/// What the editor page shows besides the form.
struct Editing {
    heading: String,
    action: String,
    back: String,
    preview: Option<String>,
    button: String,
    owner: Option<String>,
    keeps_rules: bool,
}

fn editor_page(
    session: &Session,
    req: &HttpRequest,
    code: StatusCode,
    draft: &RoundDraft,
    choices: &Choices,
    errors: FieldErrors,
    editing: Editing,
) -> HttpResponse {
    let page = EditorPage {
        w: Words::new(session.lang),
        nav: Nav::new(session, req),
        heading: editing.heading,
        errors,
        form: editor_form(
            session.lang,
            draft,
            choices,
            editing.owner.as_deref(),
            editing.keeps_rules,
        ),
        action: editing.action,
        back: editing.back,
        preview: editing.preview,
        button: editing.button,
    };
    render(code, &page)
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

fn title(info: &RoundInfo) -> String {
    format!("{} {}", info.series_name, info.period)
}

/// The rounds of the caller's subtree, with the way to set up a new one.
#[get("/dashboard/rounds")]
pub async fn rounds_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let (rounds, choices) = state
        .db(move |conn| {
            Ok((
                editor::console_rounds(conn, &caller, &base)?,
                editor::choices(conn, &caller)?,
            ))
        })
        .await
        .map_err(page_error(lang))?;
    let index = UnitIndex::new(&choices.units);
    let rounds = rounds
        .iter()
        .map(|r| RoundLine {
            title: title(r),
            status: round_status_label(lang, r.status),
            unit: index.path(r.unit_id),
            href: session.link(&format!("/dashboard/rounds/{}", r.id)),
            edit: (r.status == RoundStatus::Draft)
                .then(|| session.link(&format!("/dashboard/rounds/{}/edit", r.id))),
            preview: session.link(&format!("/dashboard/rounds/{}/ballot", r.id)),
        })
        .collect();
    let page = RoundsPage {
        w: Words::new(lang),
        nav: Nav::new(&session, &req),
        rounds,
        new: session.link("/dashboard/rounds/new"),
    };
    Ok(render(StatusCode::OK, &page))
}

fn new_round(session: &Session) -> Editing {
    let lang = session.lang;
    Editing {
        heading: tr(lang, "console-round-new-heading"),
        action: session.link("/dashboard/rounds/new"),
        back: session.link("/dashboard/rounds"),
        preview: None,
        button: tr(lang, "console-round-create"),
        owner: None,
        keeps_rules: false,
    }
}

/// The editor of a new round.
#[get("/dashboard/rounds/new")]
pub async fn new_form(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let choices = choices(&state, &session).await?;
    let mut draft = RoundDraft::new();
    draft.unit = session
        .caller
        .account
        .unit_id
        .map(|id| id.to_string())
        .unwrap_or_default();
    Ok(editor_page(
        &session,
        &req,
        StatusCode::OK,
        &draft,
        &choices,
        FieldErrors::default(),
        new_round(&session),
    ))
}

/// Creates a draft round from the form and lands on its page; a refusal shows the form again
/// as typed, every problem beside its field, nothing stored.
#[post("/dashboard/rounds/new")]
pub async fn create_round(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let posted = Posted::read(&session, &req, payload).await?;
    let draft = draft_of(&posted);
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let sent = draft.clone();
    let created = state
        .db(move |conn| editor::create(conn, &caller, &sent, &base))
        .await;
    match created {
        Ok(info) => Ok(see_other(
            &session.link(&format!("/dashboard/rounds/{}?done=created", info.id)),
        )),
        Err(e) if e.field().is_some() || !e.problems().is_empty() => {
            let choices = choices(&state, &session).await?;
            Ok(editor_page(
                &session,
                &req,
                status(e.kind()),
                &draft,
                &choices,
                form_errors(lang, &e),
                new_round(&session),
            ))
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}

fn editing(session: &Session, info: &RoundInfo, owner: String) -> Editing {
    let lang = session.lang;
    Editing {
        heading: canvass_protocol::msg!("console-round-edit-heading", round = title(info))
            .render(lang),
        action: session.link(&format!("/dashboard/rounds/{}/edit", info.id)),
        back: session.link(&format!("/dashboard/rounds/{}", info.id)),
        preview: Some(session.link(&format!("/dashboard/rounds/{}/ballot", info.id))),
        button: tr(lang, "console-save"),
        owner: Some(owner),
        keeps_rules: FlagPreset::of(&info.definition.flag_rules) == FlagPreset::Kept,
    }
}

async fn editable(
    state: &AppState,
    session: &Session,
    id: i64,
) -> Result<(RoundInfo, Choices), WebError> {
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    state
        .db(move |conn| {
            Ok((
                editor::editable(conn, &caller, id, &base)?,
                editor::choices(conn, &caller)?,
            ))
        })
        .await
        .map_err(page_error(session.lang))
}

/// The editor of a draft round (a round that opened cannot change: 409).
#[get("/dashboard/rounds/{id}/edit")]
pub async fn edit_form(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(session.lang, &id)?;
    let (info, choices) = editable(&state, &session, id).await?;
    let owner = UnitIndex::new(&choices.units).path(info.unit_id);
    Ok(editor_page(
        &session,
        &req,
        StatusCode::OK,
        &RoundDraft::of(&info),
        &choices,
        FieldErrors::default(),
        editing(&session, &info, owner),
    ))
}

/// Saves a draft round from the form through the API's own update and lands on its page; a
/// refusal shows the form again as typed, every problem beside its field, nothing stored.
#[post("/dashboard/rounds/{id}/edit")]
pub async fn update_round(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let posted = Posted::read(&session, &req, payload).await?;
    let draft = draft_of(&posted);
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let sent = draft.clone();
    let saved = state
        .db(move |conn| editor::update(conn, &caller, id, &sent, &base))
        .await;
    match saved {
        Ok(info) => Ok(see_other(
            &session.link(&format!("/dashboard/rounds/{}?done=saved", info.id)),
        )),
        Err(e) if e.field().is_some() || !e.problems().is_empty() => {
            let (info, choices) = editable(&state, &session, id).await?;
            let owner = UnitIndex::new(&choices.units).path(info.unit_id);
            Ok(editor_page(
                &session,
                &req,
                status(e.kind()),
                &draft,
                &choices,
                form_errors(lang, &e),
                editing(&session, &info, owner),
            ))
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}

/// The ballot as the electors of one group (`?group=`, else the first) will see it, with no
/// code and no way to vote.
#[get("/dashboard/rounds/{id}/ballot")]
pub async fn ballot_preview(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let (info, round) = state
        .db(move |conn| editor::ballot_preview(conn, &caller, id))
        .await
        .map_err(page_error(lang))?;
    let groups = &round.definition().elector_groups;
    let group = query
        .get("group")
        .and_then(|g| groups.iter().find(|x| x.id == *g))
        .or_else(|| groups.first());
    let others = groups
        .iter()
        .map(|g| ballot::Link {
            label: g.label.clone(),
            href: session.link(&format!(
                "/dashboard/rounds/{}/ballot?group={}",
                info.id, g.id
            )),
            current: group.is_some_and(|x| x.id == g.id),
        })
        .collect();
    let back = if info.status == RoundStatus::Draft {
        session.link(&format!("/dashboard/rounds/{}/edit", info.id))
    } else {
        session.link(&format!("/dashboard/rounds/{}", info.id))
    };
    let page = ballot::preview_page(
        lang,
        &round,
        group.map_or("", |g| g.label.as_str()),
        ballot::Preview {
            back,
            groups: others,
        },
    );
    Ok(render(StatusCode::OK, &page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_protocol::units::{Unit, UnitKind};
    use canvass_protocol::{msg, ErrorCode};

    use crate::domain::error::{Kind, Problem};

    fn choices() -> Choices {
        let official = |id: i64, name: &str, team: Option<&str>, active: bool| Official {
            id,
            unit_id: 2,
            name: name.into(),
            position: "镇长".into(),
            active,
            team: team.map(Into::into),
            order: None,
        };
        Choices {
            roster: vec![
                official(7, "周建军", Some("东山镇班子"), true),
                official(8, "王芳", Some("东山镇班子"), false),
                official(9, "李强", None, true),
            ],
            units: vec![Unit {
                id: 2,
                parent_id: None,
                kind: UnitKind::Township,
                name: "东山镇".into(),
                window_unit: false,
                path: vec![2],
                retired: false,
                population: None,
            }],
            series: vec![("s-a".into(), "东山镇年度测评".into())],
        }
    }

    #[test]
    fn the_form_keeps_what_was_typed_and_offers_blank_group_rows() {
        let draft = RoundDraft {
            series: "s-a".into(),
            officials: vec!["9".into()],
            groups: vec![GroupDraft {
                id: "g1".into(),
                label: "县领导".into(),
                weight: "heavy".into(),
            }],
            ..RoundDraft::new()
        };
        let form = editor_form(Lang::ZhCn, &draft, &choices(), None, false);
        assert_eq!(form.units.len(), 1);
        assert!(form.series[1].selected, "the series chosen");
        let ticked: Vec<&str> = form
            .teams
            .iter()
            .flat_map(|t| &t.officials)
            .filter(|o| o.chosen)
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(ticked, ["李强"]);
        let listed = form.teams.iter().flat_map(|t| &t.officials).count();
        assert_eq!(
            listed, 2,
            "an official out of office is offered only when graded"
        );
        assert_eq!(form.groups.len(), 1 + BLANK_GROUPS);
        assert_eq!(form.groups[0].weight, "heavy", "kept as typed");
        assert_eq!(form.presets.len(), 3);
        assert!(form.presets[0].selected);
        let kept = editor_form(Lang::En, &draft, &choices(), Some("东山镇"), true);
        assert!(kept.units.is_empty());
        assert_eq!(kept.presets[0].value, "kept");
    }

    #[test]
    fn a_problem_stands_beside_its_field_or_its_group_row() {
        let e = Error::many(
            Kind::Invalid,
            vec![
                Problem::new(ErrorCode::InvalidValue, msg!("error-round-quota", max = 2))
                    .at("quota"),
                Problem::new(
                    ErrorCode::InvalidGroupWeight,
                    msg!("round-def-weight", group = "县领导"),
                )
                .at("groups[3].weight"),
                Problem::new(ErrorCode::InvalidValue, msg!("round-def-disclosure"))
                    .at("disclosure"),
            ],
            Error::internal_logged,
        );
        let errors = form_errors(Lang::ZhCn, &e);
        assert!(errors.on("quota").contains('2'));
        assert!(errors.on("groups[3]").contains("县领导"));
        assert_eq!(errors.general.len(), 1);
        assert_eq!(errors.count(), 3);
    }
}
