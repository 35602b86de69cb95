//! The survey editor in the console (`/dashboard/surveys/new`, `/dashboard/surveys/{id}/edit`):
//! a satisfaction survey set up from a template with no JSON (title, questions of every type
//! with their options, required, skip rules, rating scales with scores, the units rated ticked
//! on the unit tree), changed with the same form while a draft or as the next version of a
//! published one. Plain forms: every button (add, remove, move a question, add or remove an
//! option) posts the whole form and shows it again; nothing needs JavaScript. The rules are
//! `domain::surveys::editor`'s; this module reads the form and shows it again.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::{Lang, Localized, SATISFACTION_SCALE_ID};
use canvass_protocol::i18n::tr;
use canvass_protocol::msg;
use canvass_protocol::surveys::Survey;

use super::{FieldErrors, Posted};
use crate::domain::error::Error;
use crate::domain::surveys::editor::{
    self, Choices, Edit, OptionDraft, QuestionDraft, ScaleDraft, ScaleOptionDraft, SurveyDraft,
    TYPES,
};
use crate::domain::surveys::templates::Template as SurveyTemplate;
use crate::http::error::status;
use crate::http::AppState;
use crate::web::frame::{path_id, Nav};
use crate::web::page::{render, Words};
use crate::web::session::{page_error, Session, WebError};

impl crate::web::frame::ConsoleNav {
    /// The link of the templates a new survey starts from, in the language of the other
    /// console links.
    #[must_use]
    pub fn new_survey(&self) -> String {
        self.officials
            .replacen("/dashboard/officials", "/dashboard/surveys/new", 1)
    }
}

/// One option of a select, radio or checkbox list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The answers of one earlier question a skip rule may tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowIfGroup {
    pub question: String,
    pub values: Vec<Choice>,
}

/// One option row of a choice question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionRow {
    pub m: usize,
    pub id: String,
    pub zh: String,
    pub en: String,
    /// Its problems, in the page's language.
    pub err: String,
}

/// One question of the form, with its problems beside each field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionForm {
    /// The row in the form's field names (`q{n}_label_zh`).
    pub n: usize,
    /// "Question 3", in the page's language.
    pub heading: String,
    pub d: QuestionDraft,
    pub types: Vec<Choice>,
    /// For a rating: the built-in scale and the form's own.
    pub scales: Vec<Choice>,
    /// The earlier questions' answers a skip rule may name, those ticked ticked.
    pub show_if: Vec<ShowIfGroup>,
    pub show_if_ticked: bool,
    pub options: Vec<OptionRow>,
    pub first: bool,
    pub last: bool,
    /// Its problems, by part: the question as a whole, its label, hint, skip rule, options,
    /// scale, limits, unit and 0/10 labels.
    pub err: HashMap<&'static str, String>,
}

impl QuestionForm {
    /// The problems of `part` (`label`, `show_if`, ...), empty when none.
    #[must_use]
    pub fn err_of(&self, part: &str) -> String {
        self.err.get(part).cloned().unwrap_or_default()
    }

    /// Whether the question has any problem.
    #[must_use]
    pub fn bad(&self) -> bool {
        self.err.values().any(|e| !e.is_empty()) || self.options.iter().any(|o| !o.err.is_empty())
    }
}

/// One level of a rating scale of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleOptionRow {
    pub m: usize,
    pub d: ScaleOptionDraft,
    pub err: String,
}

/// A rating scale of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleForm {
    pub k: usize,
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub options: Vec<ScaleOptionRow>,
    /// Its problems as a whole and of its name.
    pub err: String,
}

/// A unit of the tree, to tick as a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetChoice {
    pub value: String,
    pub name: String,
    /// How deep in the tree, for the indent (0 for the caller's own unit, at most 3).
    pub depth: usize,
    pub window_unit: bool,
    pub chosen: bool,
}

/// What the editor's form shows: what was typed, the choices, every problem beside its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorForm {
    /// The units that may own a new survey; empty when editing (the owner stays).
    pub units: Vec<Choice>,
    /// The owner's name, when editing.
    pub owner: String,
    pub title_zh: String,
    pub title_en: String,
    pub description_zh: String,
    pub description_en: String,
    pub questions: Vec<QuestionForm>,
    pub scales: Vec<ScaleForm>,
    pub targets: Vec<TargetChoice>,
}

/// The editor page (`templates/console/survey_editor.html`).
#[derive(Template)]
#[template(path = "console/survey_editor.html")]
pub struct EditorPage {
    pub w: Words,
    pub nav: Nav,
    pub heading: String,
    /// What saving does (a new draft version), when editing.
    pub intro: String,
    pub errors: FieldErrors,
    pub form: EditorForm,
    pub action: String,
    pub back: String,
    /// The preview of the survey being edited, as respondents see its latest version.
    pub preview: Option<String>,
    pub button: String,
}

/// One template offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateLink {
    pub href: String,
    pub label: String,
    pub what: String,
}

/// The templates page (`templates/console/survey_templates.html`).
#[derive(Template)]
#[template(path = "console/survey_templates.html")]
pub struct TemplatesPage {
    pub w: Words,
    pub nav: Nav,
    pub templates: Vec<TemplateLink>,
    pub upload: String,
}

/// The catalogue ids of a question type's name.
fn type_label(kind: &str) -> &'static str {
    match kind {
        "single_choice" => "console-survey-type-single-choice",
        "multiple_choice" => "console-survey-type-multiple-choice",
        "rating" => "console-survey-type-rating",
        "score_0_10" => "console-survey-type-score",
        "number" => "console-survey-type-number",
        "short_text" => "console-survey-type-short-text",
        _ => "console-survey-type-long-text",
    }
}

fn template_words(t: SurveyTemplate) -> (&'static str, &'static str) {
    match t {
        SurveyTemplate::Window => (
            "console-survey-template-window",
            "console-survey-template-window-what",
        ),
        SurveyTemplate::Village => (
            "console-survey-template-village",
            "console-survey-template-village-what",
        ),
        SurveyTemplate::Blank => (
            "console-survey-template-blank",
            "console-survey-template-blank-what",
        ),
    }
}

/// The templates offered, each linking to the editor filled with it.
#[must_use]
pub fn template_links(lang: Lang, link: &dyn Fn(&str) -> String) -> Vec<TemplateLink> {
    SurveyTemplate::ALL
        .into_iter()
        .map(|t| {
            let (label, what) = template_words(t);
            let href = link("/dashboard/surveys/new");
            let sep = if href.contains('?') { '&' } else { '?' };
            TemplateLink {
                href: format!("{href}{sep}template={}", t.as_str()),
                label: tr(lang, label),
                what: tr(lang, what),
            }
        })
        .collect()
}

/// A text of the draft in the page's language: the English one when asked for and typed.
fn shown(lang: Lang, zh: &str, en: &str) -> String {
    Localized {
        zh_cn: zh.to_owned(),
        en: (!en.trim().is_empty()).then(|| en.to_owned()),
    }
    .get(lang)
    .to_owned()
}

/// The answers of the questions before row `n` a skip rule may name, with those the draft
/// ticks; a ticked value no earlier question offers (its question moved below, removed, or
/// its option gone) is listed too, so that it is seen and its problem shown.
fn show_if_groups(lang: Lang, draft: &SurveyDraft, n: usize) -> Vec<ShowIfGroup> {
    let ticked = &draft.questions[n].show_if;
    let mut groups = Vec::new();
    let mut offered = Vec::new();
    for q in &draft.questions[..n] {
        let mut values: Vec<(String, String)> = match q.kind.as_str() {
            "single_choice" | "multiple_choice" => q
                .options
                .iter()
                .map(|o| {
                    let label = shown(lang, &o.zh, &o.en);
                    (
                        o.id.clone(),
                        if label.trim().is_empty() {
                            o.id.clone()
                        } else {
                            label
                        },
                    )
                })
                .collect(),
            "rating" => match draft.scales.iter().find(|s| s.id == q.scale) {
                Some(s) => s
                    .options
                    .iter()
                    .map(|o| (o.id.clone(), shown(lang, &o.zh, &o.en)))
                    .collect(),
                None => canvass_protocol::forms::Scale::satisfaction()
                    .options
                    .iter()
                    .map(|o| (o.id.to_string(), o.label.get(lang).to_owned()))
                    .collect(),
            },
            "score_0_10" => (0..=10).map(|v| (v.to_string(), v.to_string())).collect(),
            _ => Vec::new(),
        };
        // a number question's values are offered when ticked
        for t in ticked {
            if let Some(v) = t.strip_prefix(&format!("{}:", q.id)) {
                if !values.iter().any(|(id, _)| id == v) {
                    values.push((v.to_owned(), v.to_owned()));
                }
            }
        }
        if values.is_empty() {
            continue;
        }
        let question = shown(lang, &q.label_zh, &q.label_en);
        groups.push(ShowIfGroup {
            question: if question.trim().is_empty() {
                q.id.clone()
            } else {
                question
            },
            values: values
                .into_iter()
                .map(|(id, label)| {
                    let value = format!("{}:{id}", q.id);
                    offered.push(value.clone());
                    Choice {
                        selected: ticked.contains(&value),
                        value,
                        label,
                    }
                })
                .collect(),
        });
    }
    let stray: Vec<Choice> = ticked
        .iter()
        .filter(|t| !offered.contains(t))
        .map(|t| Choice {
            value: t.clone(),
            label: t.clone(),
            selected: true,
        })
        .collect();
    if !stray.is_empty() {
        groups.push(ShowIfGroup {
            question: tr(lang, "console-survey-show-if-stray"),
            values: stray,
        });
    }
    groups
}

const QUESTION_PARTS: [&str; 9] = [
    "", "label", "help", "show_if", "options", "scale", "limits", "unit", "ends",
];

/// The form's data: `draft` as typed over `choices`, every problem of `errors` beside its
/// field; `owner` is the owning unit's name when editing (a new survey offers the units
/// instead).
#[must_use]
pub fn editor_form(
    lang: Lang,
    draft: &SurveyDraft,
    choices: &Choices,
    owner: Option<&str>,
    errors: &FieldErrors,
) -> EditorForm {
    let scale_choices = |selected: &str| {
        let mut list = vec![Choice {
            value: SATISFACTION_SCALE_ID.into(),
            label: tr(lang, "console-survey-scale-satisfaction"),
            selected: selected == SATISFACTION_SCALE_ID || selected.is_empty(),
        }];
        list.extend(draft.scales.iter().map(|s| {
            let name = shown(lang, &s.label_zh, &s.label_en);
            Choice {
                value: s.id.clone(),
                label: if name.trim().is_empty() {
                    s.id.clone()
                } else {
                    name
                },
                selected: selected == s.id,
            }
        }));
        list
    };
    let count = draft.questions.len();
    let questions = draft
        .questions
        .iter()
        .enumerate()
        .map(|(n, q)| {
            let show_if = show_if_groups(lang, draft, n);
            QuestionForm {
                n,
                heading: msg!("console-survey-question", n = n + 1).render(lang),
                d: q.clone(),
                types: TYPES
                    .iter()
                    .map(|t| Choice {
                        value: (*t).into(),
                        label: tr(lang, type_label(t)),
                        selected: q.kind == *t,
                    })
                    .collect(),
                scales: scale_choices(&q.scale),
                show_if_ticked: !q.show_if.is_empty(),
                show_if,
                options: q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(m, o)| OptionRow {
                        m,
                        id: o.id.clone(),
                        zh: o.zh.clone(),
                        en: o.en.clone(),
                        err: errors.on(&format!("q{n}_o{m}")),
                    })
                    .collect(),
                first: n == 0,
                last: n + 1 == count,
                err: QUESTION_PARTS
                    .iter()
                    .map(|part| {
                        let key = if part.is_empty() {
                            format!("q{n}")
                        } else {
                            format!("q{n}_{part}")
                        };
                        (*part, errors.on(&key))
                    })
                    .collect(),
            }
        })
        .collect();
    let scales = draft
        .scales
        .iter()
        .enumerate()
        .map(|(k, s)| ScaleForm {
            k,
            id: s.id.clone(),
            label_zh: s.label_zh.clone(),
            label_en: s.label_en.clone(),
            options: s
                .options
                .iter()
                .enumerate()
                .map(|(m, o)| ScaleOptionRow {
                    m,
                    d: o.clone(),
                    err: errors.on(&format!("s{k}_o{m}")),
                })
                .collect(),
            err: [
                errors.on(&format!("s{k}")),
                errors.on(&format!("s{k}_label")),
            ]
            .into_iter()
            .filter(|e| !e.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        })
        .collect();
    let top = choices.units.first().map_or(0, |u| u.path.len());
    let targets = choices
        .units
        .iter()
        .map(|u| TargetChoice {
            value: u.id.to_string(),
            name: u.name.clone(),
            depth: u.path.len().saturating_sub(top).min(3),
            window_unit: u.window_unit,
            chosen: draft.targets.iter().any(|t| t.trim() == u.id.to_string()),
        })
        .collect();
    let units = if owner.is_some() {
        Vec::new()
    } else {
        choices
            .owners()
            .into_iter()
            .map(|u| Choice {
                value: u.id.to_string(),
                label: u.name.clone(),
                selected: draft.unit.trim() == u.id.to_string(),
            })
            .collect()
    };
    EditorForm {
        units,
        owner: owner.unwrap_or_default().to_owned(),
        title_zh: draft.title_zh.clone(),
        title_en: draft.title_en.clone(),
        description_zh: draft.description_zh.clone(),
        description_en: draft.description_en.clone(),
        questions,
        scales,
        targets,
    }
}

/// The form as posted: every row the page showed, in order (rows are numbered from 0 without
/// gaps; reading stops at the first missing one).
#[must_use]
pub fn draft_of(posted: &Posted) -> SurveyDraft {
    let fields = posted.fields_by_name();
    let text = |name: &str| fields.get(name).map(|v| v[0].clone()).unwrap_or_default();
    let ticked = |name: &str| {
        fields
            .get(name)
            .is_some_and(|v| v.iter().any(|x| !x.is_empty()))
    };
    let mut questions = Vec::new();
    for n in 0..canvass_protocol::forms::MAX_QUESTIONS {
        let f = |what: &str| format!("q{n}_{what}");
        if !fields.contains_key(&f("id")) {
            break;
        }
        let mut options = Vec::new();
        for m in 0..canvass_protocol::forms::MAX_OPTIONS {
            let o = |what: &str| format!("q{n}_o{m}_{what}");
            if !fields.contains_key(&o("id")) {
                break;
            }
            options.push(OptionDraft {
                id: text(&o("id")),
                zh: text(&o("zh")),
                en: text(&o("en")),
            });
        }
        questions.push(QuestionDraft {
            id: text(&f("id")),
            kind: text(&f("type")),
            label_zh: text(&f("label_zh")),
            label_en: text(&f("label_en")),
            help_zh: text(&f("help_zh")),
            help_en: text(&f("help_en")),
            required: ticked(&f("required")),
            show_if: fields.get(&f("show_if")).cloned().unwrap_or_default(),
            options,
            scale: text(&f("scale")),
            min: text(&f("min")),
            max: text(&f("max")),
            integer: ticked(&f("integer")),
            unit_zh: text(&f("unit_zh")),
            unit_en: text(&f("unit_en")),
            max_length: text(&f("max_length")),
            low_zh: text(&f("low_zh")),
            low_en: text(&f("low_en")),
            high_zh: text(&f("high_zh")),
            high_en: text(&f("high_en")),
        });
    }
    let mut scales = Vec::new();
    for k in 0..canvass_protocol::forms::MAX_SCALES {
        let f = |what: &str| format!("s{k}_{what}");
        if !fields.contains_key(&f("id")) {
            break;
        }
        let mut options = Vec::new();
        for m in 0..canvass_protocol::forms::MAX_OPTIONS {
            let o = |what: &str| format!("s{k}_o{m}_{what}");
            if !fields.contains_key(&o("id")) {
                break;
            }
            options.push(ScaleOptionDraft {
                id: text(&o("id")),
                zh: text(&o("zh")),
                en: text(&o("en")),
                score: text(&o("score")),
                satisfied: ticked(&o("satisfied")),
            });
        }
        scales.push(ScaleDraft {
            id: text(&f("id")),
            label_zh: text(&f("label_zh")),
            label_en: text(&f("label_en")),
            options,
        });
    }
    SurveyDraft {
        unit: text("unit"),
        title_zh: text("title_zh"),
        title_en: text("title_en"),
        description_zh: text("description_zh"),
        description_en: text("description_en"),
        questions,
        scales,
        targets: fields.get("targets").cloned().unwrap_or_default(),
    }
}

/// Every problem of `e` beside its form field (`title`, `q3_label`, `q3_o1`, `s0_o2`,
/// `targets`, ...); those of no field of the form at the top.
#[must_use]
pub fn form_errors(lang: Lang, e: &Error, draft: &SurveyDraft) -> FieldErrors {
    let mut known: Vec<String> = [
        "unit",
        "title",
        "description",
        "questions",
        "targets",
        "scales",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for (n, q) in draft.questions.iter().enumerate() {
        known.extend(QUESTION_PARTS.iter().map(|p| {
            if p.is_empty() {
                format!("q{n}")
            } else {
                format!("q{n}_{p}")
            }
        }));
        known.extend((0..q.options.len()).map(|m| format!("q{n}_o{m}")));
    }
    for (k, s) in draft.scales.iter().enumerate() {
        known.push(format!("s{k}"));
        known.push(format!("s{k}_label"));
        known.extend((0..s.options.len()).map(|m| format!("s{k}_o{m}")));
    }
    let mut errors = FieldErrors::default();
    for problem in e.details() {
        let text = problem.message.render(lang);
        match problem.field.as_ref().map(|f| f.path.as_str()) {
            Some(path) if known.iter().any(|k| k == path) => errors.add(path, text),
            _ => errors.general.push(text),
        }
    }
    errors
}

/// What the editor page shows besides the form.
struct Editing {
    heading: String,
    intro: String,
    action: String,
    back: String,
    preview: Option<String>,
    button: String,
    owner: Option<String>,
}

fn editor_page(
    session: &Session,
    req: &HttpRequest,
    code: StatusCode,
    draft: &SurveyDraft,
    choices: &Choices,
    errors: FieldErrors,
    editing: Editing,
) -> HttpResponse {
    let form = editor_form(
        session.lang,
        draft,
        choices,
        editing.owner.as_deref(),
        &errors,
    );
    let page = EditorPage {
        w: Words::new(session.lang),
        nav: Nav::new(session, req),
        heading: editing.heading,
        intro: editing.intro,
        errors,
        form,
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

async fn choices(state: &AppState, session: &Session) -> Result<Choices, WebError> {
    let caller = session.caller.clone();
    state
        .db(move |conn| editor::choices(conn, &caller))
        .await
        .map_err(page_error(session.lang))
}

fn new_survey(session: &Session) -> Editing {
    let lang = session.lang;
    Editing {
        heading: tr(lang, "console-survey-new-heading"),
        intro: String::new(),
        action: session.link("/dashboard/surveys/new"),
        back: session.link("/dashboard/surveys/new"),
        preview: None,
        button: tr(lang, "console-survey-create"),
        owner: None,
    }
}

/// The templates a new survey starts from; with `?template=`, the editor filled with one.
#[get("/dashboard/surveys/new")]
pub async fn new_form(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let choices = choices(&state, &session).await?;
    let Some(template) = query.get("template").and_then(|t| SurveyTemplate::parse(t)) else {
        let page = TemplatesPage {
            w: Words::new(session.lang),
            nav: Nav::new(&session, &req),
            templates: template_links(session.lang, &|p| session.link(p)),
            upload: session.link("/dashboard/new"),
        };
        return Ok(render(StatusCode::OK, &page));
    };
    let mut draft = SurveyDraft::from_template(template, &choices.units);
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
        new_survey(&session),
    ))
}

/// The form's button: a change of the form (shown again, nothing stored), or saving.
fn button_of(posted: &Posted) -> Option<Edit> {
    Edit::parse(&posted.text("op"))
}

/// Changes the form (a button) or creates a draft survey from it and lands on its page; a
/// refusal shows the form again as typed, every problem beside its field, nothing stored.
#[post("/dashboard/surveys/new")]
pub async fn create_survey(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let posted = Posted::read(&session, &req, payload).await?;
    let mut draft = draft_of(&posted);
    let choices = choices(&state, &session).await?;
    if let Some(edit) = button_of(&posted) {
        draft.apply(edit);
        return Ok(editor_page(
            &session,
            &req,
            StatusCode::OK,
            &draft,
            &choices,
            FieldErrors::default(),
            new_survey(&session),
        ));
    }
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let sent = draft.clone();
    let created = state
        .db(move |conn| editor::create(conn, &caller, &sent, &base))
        .await;
    match created {
        Ok(survey) => Ok(see_other(
            &session.link(&format!("/dashboard/surveys/{}?done=created", survey.id)),
        )),
        Err(e) if e.field().is_some() || !e.problems().is_empty() => {
            let errors = form_errors(lang, &e, &draft);
            draft.complete();
            Ok(editor_page(
                &session,
                &req,
                status(e.kind()),
                &draft,
                &choices,
                errors,
                new_survey(&session),
            ))
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}

fn editing(session: &Session, survey: &Survey, owner: String) -> Editing {
    let lang = session.lang;
    let intro = match (survey.draft_version, survey.current_version) {
        (Some(v), _) => msg!("console-survey-edit-draft", version = v).render(lang),
        (None, Some(v)) => {
            msg!("console-survey-edit-published", version = v, next = v + 1).render(lang)
        }
        (None, None) => String::new(),
    };
    Editing {
        heading: msg!(
            "console-survey-edit-heading",
            survey = survey.title.get(lang)
        )
        .render(lang),
        intro,
        action: session.link(&format!("/dashboard/surveys/{}/edit", survey.id)),
        back: session.link(&format!("/dashboard/surveys/{}", survey.id)),
        preview: Some(session.link(&format!("/dashboard/surveys/{}/preview", survey.id))),
        button: tr(lang, "console-save"),
        owner: Some(owner),
    }
}

fn owner_name(choices: &Choices, survey: &Survey) -> String {
    choices
        .units
        .iter()
        .find(|u| u.id == survey.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default()
}

async fn editable(
    state: &AppState,
    session: &Session,
    id: i64,
) -> Result<(Survey, canvass_protocol::forms::FormDefinition, Choices), WebError> {
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    state
        .db(move |conn| {
            let (survey, form) = editor::editable(conn, &caller, id, &base)?;
            Ok((survey, form, editor::choices(conn, &caller)?))
        })
        .await
        .map_err(page_error(session.lang))
}

/// The editor of a survey: its latest questionnaire (the draft's, else the published one's)
/// and its targets.
#[get("/dashboard/surveys/{id}/edit")]
pub async fn edit_form(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(session.lang, &id)?;
    let (survey, form, choices) = editable(&state, &session, id).await?;
    let targets: Vec<i64> = survey.targets.iter().map(|t| t.unit_id).collect();
    let mut draft = SurveyDraft::of(&form, &targets);
    draft.complete();
    let owner = owner_name(&choices, &survey);
    Ok(editor_page(
        &session,
        &req,
        StatusCode::OK,
        &draft,
        &choices,
        FieldErrors::default(),
        editing(&session, &survey, owner),
    ))
}

/// Changes the form (a button), or saves it as the survey's draft version through the API's
/// own update and lands on its page; a refusal shows the form again as typed, every problem
/// beside its field, nothing stored (changed targets after the first answer: 409).
#[post("/dashboard/surveys/{id}/edit")]
pub async fn update_survey(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let posted = Posted::read(&session, &req, payload).await?;
    let mut draft = draft_of(&posted);
    let (survey, _, choices) = editable(&state, &session, id).await?;
    let owner = owner_name(&choices, &survey);
    if let Some(edit) = button_of(&posted) {
        draft.apply(edit);
        return Ok(editor_page(
            &session,
            &req,
            StatusCode::OK,
            &draft,
            &choices,
            FieldErrors::default(),
            editing(&session, &survey, owner),
        ));
    }
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let sent = draft.clone();
    let saved = state
        .db(move |conn| editor::update(conn, &caller, id, &sent, &base))
        .await;
    match saved {
        Ok(survey) => Ok(see_other(
            &session.link(&format!("/dashboard/surveys/{}?done=saved", survey.id)),
        )),
        Err(e) if e.field().is_some() || !e.problems().is_empty() => {
            let errors = form_errors(lang, &e, &draft);
            draft.complete();
            Ok(editor_page(
                &session,
                &req,
                status(e.kind()),
                &draft,
                &choices,
                errors,
                editing(&session, &survey, owner),
            ))
        }
        Err(e) => Err(WebError::from_error(lang, &e)),
    }
}

/// What the survey editor did, as its redirect's `done=` says (`created`, `saved`), in words;
/// empty for anything else.
#[must_use]
pub fn editor_notice(lang: Lang, query: &str) -> String {
    let done = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("done="))
        .unwrap_or_default();
    match done {
        "created" => tr(lang, "console-survey-created"),
        "saved" => tr(lang, "console-survey-saved"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_protocol::units::{Unit, UnitKind};
    use canvass_protocol::ErrorCode;

    use crate::domain::error::{Kind, Problem};

    fn unit(id: i64, kind: UnitKind, path: Vec<i64>, window_unit: bool) -> Unit {
        Unit {
            id,
            parent_id: None,
            kind,
            name: format!("单位{id}"),
            window_unit,
            path,
            retired: false,
            population: None,
        }
    }

    fn choices() -> Choices {
        Choices {
            units: vec![
                unit(1, UnitKind::County, vec![1], false),
                unit(2, UnitKind::Department, vec![1, 2], true),
                unit(3, UnitKind::Township, vec![1, 3], false),
                unit(4, UnitKind::Village, vec![1, 3, 4], false),
            ],
        }
    }

    fn posted(fields: &[(&str, &str)]) -> Posted {
        Posted {
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
                .collect(),
        }
    }

    #[test]
    fn the_window_template_fills_the_form_with_skip_rules_and_window_units_ticked() {
        let c = choices();
        let draft = SurveyDraft::from_template(SurveyTemplate::Window, &c.units);
        let form = editor_form(Lang::ZhCn, &draft, &c, None, &FieldErrors::default());
        assert_eq!(form.title_zh, "窗口单位服务群众满意度测评");
        let owners: Vec<&str> = form.units.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(owners, ["1", "2", "3"], "a village owns no survey");
        let ticked: Vec<(&str, usize)> = form
            .targets
            .iter()
            .filter(|t| t.chosen)
            .map(|t| (t.name.as_str(), t.depth))
            .collect();
        assert_eq!(
            ticked,
            [("单位2", 1)],
            "the window unit, indented under the county"
        );
        assert_eq!(form.targets[3].depth, 2);
        let reasons = &form.questions[6];
        assert!(reasons.show_if_ticked);
        assert_eq!(reasons.show_if.len(), 6, "six earlier questions can decide");
        let overall = &reasons.show_if[1];
        assert_eq!(overall.question, "您对该单位窗口服务的总体评价");
        let ticked: Vec<(&str, &str)> = overall
            .values
            .iter()
            .filter(|v| v.selected)
            .map(|v| (v.value.as_str(), v.label.as_str()))
            .collect();
        assert_eq!(ticked, [("overall:dissatisfied", "不满意")]);
        assert!(form.questions[0].first && form.questions[7].last);
        assert_eq!(form.questions[0].heading, "第1题");
        assert_eq!(
            form.questions[1]
                .types
                .iter()
                .filter(|t| t.selected)
                .count(),
            1
        );
        let english = editor_form(
            Lang::En,
            &draft,
            &c,
            Some("清河县"),
            &FieldErrors::default(),
        );
        assert!(english.units.is_empty(), "the owner stays when editing");
        assert_eq!(
            english.questions[6].show_if[1].values[2].label,
            "Dissatisfied"
        );
    }

    #[test]
    fn a_skip_rule_on_a_question_no_longer_before_is_shown_ticked_to_be_seen() {
        let c = choices();
        let mut draft = SurveyDraft::from_template(SurveyTemplate::Window, &c.units);
        draft.apply(Edit::MoveUp(6));
        draft.apply(Edit::MoveUp(5));
        draft.apply(Edit::MoveUp(4));
        draft.apply(Edit::MoveUp(3));
        draft.apply(Edit::MoveUp(2));
        let form = editor_form(Lang::En, &draft, &c, None, &FieldErrors::default());
        let groups = &form.questions[1].show_if;
        let last = groups.last().unwrap();
        assert!(last
            .question
            .starts_with("Answers of questions no longer before"));
        assert_eq!(last.values[0].value, "overall:dissatisfied");
        assert!(last.values[0].selected);
        assert!(
            form.questions[0].show_if.is_empty(),
            "nothing before the first"
        );
    }

    #[test]
    fn problems_stand_beside_their_question_option_scale_or_field() {
        let c = choices();
        let draft = SurveyDraft::from_template(SurveyTemplate::Village, &c.units);
        let problem = |field: &str| {
            Problem::new(
                ErrorCode::InvalidValue,
                canvass_protocol::msg!("console-survey-number"),
            )
            .at(field)
        };
        let e = Error::many(
            Kind::Invalid,
            vec![
                problem("title"),
                problem("q1_label"),
                problem("q5_o2"),
                problem("q2_show_if"),
                problem("targets"),
                problem("q40_label"),
                problem("min_group_size"),
            ],
            Error::internal_logged,
        );
        let errors = form_errors(Lang::En, &e, &draft);
        assert_eq!(errors.on("title"), "Must be a number.");
        assert_eq!(
            errors.general.len(),
            2,
            "a row the form does not have, a field it does not show"
        );
        let form = editor_form(Lang::En, &draft, &c, None, &errors);
        assert!(form.questions[1].bad());
        assert_eq!(form.questions[1].err_of("label"), "Must be a number.");
        assert_eq!(form.questions[5].options[2].err, "Must be a number.");
        assert!(form.questions[5].bad());
        assert!(!form.questions[0].bad());
        assert!(!form.questions[2].err_of("show_if").is_empty());
    }

    #[test]
    fn the_posted_form_is_read_row_by_row_as_typed() {
        let p = posted(&[
            ("unit", "3"),
            ("title_zh", " 东山镇村务测评 "),
            ("q0_id", "overall"),
            ("q0_type", "rating"),
            ("q0_label_zh", "总体评价"),
            ("q0_required", "1"),
            ("q0_scale", "five"),
            ("q1_id", "why"),
            ("q1_type", "multiple_choice"),
            ("q1_label_zh", "原因"),
            ("q1_show_if", "overall:bad"),
            ("q1_show_if", "overall:worse"),
            ("q1_o0_id", "a"),
            ("q1_o0_zh", "甲"),
            ("q1_o1_id", "b"),
            ("q1_o1_zh", "乙"),
            ("q1_o3_id", "skipped"),
            ("q1_max", "两"),
            ("q3_id", "after_a_gap"),
            ("s0_id", "five"),
            ("s0_o0_id", "good"),
            ("s0_o0_zh", "好"),
            ("s0_o0_score", "100"),
            ("s0_o0_satisfied", "1"),
            ("s0_o1_id", "bad"),
            ("s0_o1_score", ""),
            ("targets", "2"),
            ("targets", "4"),
            ("op", "save"),
        ]);
        let d = draft_of(&p);
        assert_eq!(d.unit, "3");
        assert_eq!(d.title_zh, "东山镇村务测评", "trimmed");
        assert_eq!(
            d.questions.len(),
            2,
            "reading stops at the first missing row"
        );
        assert!(d.questions[0].required && !d.questions[1].required);
        assert_eq!(d.questions[1].show_if, ["overall:bad", "overall:worse"]);
        assert_eq!(d.questions[1].options.len(), 2);
        assert_eq!(d.questions[1].max, "两", "kept as typed");
        assert_eq!(d.scales[0].options[0].score, "100");
        assert!(d.scales[0].options[0].satisfied && !d.scales[0].options[1].satisfied);
        assert_eq!(d.targets, ["2", "4"]);
        assert_eq!(button_of(&p), None, "save");
        assert_eq!(
            button_of(&posted(&[("op", "down:1")])),
            Some(Edit::MoveDown(1))
        );
    }

    #[test]
    fn templates_link_to_the_editor_filled_with_them() {
        let links = template_links(Lang::En, &|p| format!("{p}?lang=en"));
        let hrefs: Vec<&str> = links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "/dashboard/surveys/new?lang=en&template=window",
                "/dashboard/surveys/new?lang=en&template=village",
                "/dashboard/surveys/new?lang=en&template=blank",
            ]
        );
        assert_eq!(links[0].label, "Public satisfaction with window units");
        assert_eq!(
            editor_notice(Lang::ZhCn, "done=created"),
            tr(Lang::ZhCn, "console-survey-created")
        );
        assert_eq!(editor_notice(Lang::En, "done=<b>"), "");
    }
}
