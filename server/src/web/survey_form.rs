//! The public survey form at its short link (`/s/{slug}`): shown, submitted and thanked for,
//! with no JavaScript (but for one line that fills a survey code in from the link's fragment,
//! when the survey requires codes). Every problem appears at once, each beside its question, and everything
//! typed is kept. The page is `templates/survey_form/form.html`, its data built by
//! [`form_page`]. Each showing of the form carries a new submission key (`_key`), so the same
//! form sent twice stores one answer (`domain::submissions`).

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use base64::Engine as _;
use canvass_protocol::forms::{
    validate_answers, AnswerSet, ConditionValue, FormDefinition, Lang, Question, QuestionKind,
    Scale,
};
use canvass_protocol::i18n;
use canvass_protocol::surveys::{PublicForm, SubmitResponse};
use canvass_protocol::{msg, ErrorCode};
use sha2::{Digest, Sha256};

use super::page::{render, render_html, Words};
use super::page_lang;
use super::session::other_lang;
use crate::domain::error::Error;
use crate::domain::now;
use crate::domain::surveys::{form_to_answer, Rejection};
use crate::http::AppState;

/// Largest form body accepted: 60 questions of 2,000 characters, percent-encoded.
const MAX_FORM_BYTES: usize = 512 * 1024;

/// What the respondent sent, to show again with the problems found, each under its field's
/// name (`_target` and `_village` for the target and the village).
#[derive(Default)]
pub struct Filled {
    fields: Vec<(String, String)>,
    errors: HashMap<String, String>,
}

impl Filled {
    /// What a form body sent.
    #[must_use]
    pub fn sent(body: &[u8]) -> Self {
        Self {
            fields: form_urlencoded::parse(body).into_owned().collect(),
            errors: HashMap::new(),
        }
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.fields
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn value<'a>(&'a self, name: &'a str) -> &'a str {
        self.values(name).next().unwrap_or("")
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.values(name).any(|v| v == value)
    }

    /// Marks field `name` with `message`, keeping a problem found first.
    fn mark(&mut self, name: &str, message: String) {
        self.errors.entry(name.to_string()).or_insert(message);
    }
}

/// The survey form page (`templates/survey_form/form.html`).
#[derive(Template)]
#[template(path = "survey_form/form.html")]
pub struct FormPage {
    pub w: Words,
    pub title: String,
    pub description: Option<String>,
    /// The anonymity promise, with the survey's smallest published group.
    pub anonymity: String,
    /// The same page in the other language.
    pub other_lang_href: String,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    /// How many answers need changing, after a refused submission.
    pub summary: Option<String>,
    /// Where the form posts.
    pub action: String,
    /// The version the form shows.
    pub version: i32,
    /// The submission key of this showing of the form (see `domain::submissions`).
    pub key: Option<String>,
    /// The target, the village and the questions, in page order.
    pub fields: Vec<FieldView>,
    /// The organiser's preview: its banner; the questions then stand in no form.
    pub preview: Option<String>,
    /// The script that fills the survey code in from the link's `#code=` (a survey that
    /// requires codes only).
    pub code_script: Option<&'static str>,
}

/// Longest survey code typed (12 characters, with the spaces and dashes people add).
const SURVEY_CODE_MAX_CHARS: usize = 40;

/// The one script of a form that asks for a survey code: fills the code in from the link's
/// fragment (`#code=…`, which a browser never sends to the server), then drops the fragment
/// from the address bar and history. Allowed by its hash alone.
pub const CODE_SCRIPT: &str = "(function(){var m=/^#code=([A-Za-z0-9-]{1,40})$/.exec(location.hash);if(!m)return;var i=document.getElementById('_code');if(i&&!i.value)i.value=m[1];history.replaceState(null,'',location.pathname+location.search);})();";

static CODE_SCRIPT_HASH: LazyLock<String> = LazyLock::new(|| {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CODE_SCRIPT.as_bytes()))
});

/// The form page as an HTML answer: as every page, plus the code script when it has one.
fn form_response(status: StatusCode, page: &FormPage) -> HttpResponse {
    let mut response = render(status, page);
    if page.code_script.is_some() {
        if let Ok(csp) = actix_web::http::header::HeaderValue::from_str(&format!(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'sha256-{}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            *CODE_SCRIPT_HASH
        )) {
            response.headers_mut().insert(
                actix_web::http::header::CONTENT_SECURITY_POLICY,
                csp,
            );
        }
    }
    response
}

/// One fieldset of the form: a question, the target or the village.
#[derive(Debug)]
pub struct FieldView {
    /// The form field's name.
    pub name: String,
    pub legend: String,
    pub required: bool,
    pub hint: Option<String>,
    /// The problem of what was sent, beside the field.
    pub error: Option<String>,
    pub input: Input,
}

/// How a field is answered.
#[derive(Debug)]
pub enum Input {
    /// Radio buttons or check boxes (`kind`), one per option.
    Options {
        kind: &'static str,
        options: Vec<Choice>,
    },
    /// A 0–10 score in one row, with what its ends mean.
    Score {
        ends: Option<String>,
        options: Vec<Choice>,
    },
    /// A drop-down list with an empty first entry.
    Select {
        label: String,
        none: String,
        options: Vec<Choice>,
    },
    Number {
        mode: &'static str,
        min: Option<f64>,
        max: Option<f64>,
        value: String,
        label: String,
        unit: Option<String>,
    },
    ShortText {
        max: usize,
        value: String,
        label: String,
    },
    LongText {
        max: usize,
        value: String,
        label: String,
    },
}

/// One option of a field.
#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// Whether it was chosen.
    pub checked: bool,
}

/// A page saying why a link takes no answer (`templates/survey_form/unavailable.html`).
#[derive(Template)]
#[template(path = "survey_form/unavailable.html")]
struct Unavailable {
    w: Words,
    heading: String,
    message: String,
    /// The stable code of the reason, for whoever helps the respondent.
    code: Option<String>,
}

fn unavailable(status: StatusCode, lang: Lang, heading: &str, message: &str) -> HttpResponse {
    render(
        status,
        &Unavailable {
            w: Words::new(lang),
            heading: i18n::tr(lang, heading),
            message: i18n::tr(lang, message),
            code: None,
        },
    )
}

/// Shows the form.
#[get("/s/{slug}")]
pub async fn show_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> HttpResponse {
    let lang = page_lang(&req);
    let slug = slug.into_inner();
    match state.db(move |conn| form_to_answer(conn, &slug)).await {
        Ok(form) => form_response(
            StatusCode::OK,
            &form_page(lang, &form, &Filled::default(), Some(new_key())),
        ),
        Err(e) => error_page(lang, &e),
    }
}

/// Takes a submission: stores it and redirects to the thank-you page, or shows the form again
/// with every problem beside its question.
#[post("/s/{slug}")]
pub async fn submit_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let lang = page_lang(&req);
    if body.len() > MAX_FORM_BYTES {
        return unavailable(
            StatusCode::PAYLOAD_TOO_LARGE,
            lang,
            "page-form-too-long-heading",
            "page-form-too-long",
        );
    }
    if state.check_submission_rate(&req).is_err() {
        return unavailable(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            "page-form-rate-limited-heading",
            "page-form-rate-limited",
        );
    }
    let mut filled = Filled::sent(&body);
    let slug = slug.into_inner();
    let link = slug.clone();
    let form = match state.db(move |conn| form_to_answer(conn, &link)).await {
        Ok(form) => form,
        Err(e) => return error_page(lang, &e),
    };
    let submission = check(lang, &form, &mut filled);
    // stored by the group-commit writer with the JSON API's submissions of the moment
    let refused = match submission {
        None => None,
        Some(body) => match state.commit.store_survey(slug.clone(), body, now()).await {
            Ok(()) => {
                return HttpResponse::SeeOther()
                    .insert_header((
                        "Location",
                        format!("/s/{slug}/thanks?lang={}", lang.as_str()),
                    ))
                    .finish()
            }
            Err(Rejection::Answers(refused)) => {
                for r in refused {
                    filled.mark(r.error.field(), r.error.message(lang));
                }
                None
            }
            Err(Rejection::Other(e)) => match e.code() {
                ErrorCode::SurveyCodeRequired
                | ErrorCode::SurveyCodeInvalid
                | ErrorCode::SurveyCodeUsed => {
                    filled.mark("_code", e.message().render(lang));
                    None
                }
                ErrorCode::WrongTarget => {
                    filled.mark("_target", i18n::tr(lang, "page-form-choose-target"));
                    None
                }
                ErrorCode::InvalidValue => {
                    filled.mark("_village", i18n::tr(lang, "page-form-choose-village"));
                    None
                }
                _ => Some(e),
            },
        },
    };
    if let Some(e) = refused {
        return error_page(lang, &e);
    }
    // the same key again: the answer this form sends is still the one it was shown for
    let key = Some(filled.value("_key"))
        .filter(|k| !k.is_empty())
        .map_or_else(new_key, str::to_string);
    form_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(lang, &form, &filled, Some(key)),
    )
}

/// A new submission key for one showing of the form: 122 random bits, tied to nothing (see
/// `domain::submissions`).
fn new_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The thank-you page.
#[get("/s/{slug}/thanks")]
pub async fn thanks(req: HttpRequest) -> HttpResponse {
    unavailable(
        StatusCode::OK,
        page_lang(&req),
        "page-form-thanks-heading",
        "page-form-thanks",
    )
}

/// Checks what was sent against the form as the page knows it, marking every problem in
/// `filled` at once: the target, the village and each answer. Returns the submission when
/// there is none (the writer checks again what can change).
fn check(lang: Lang, form: &PublicForm, filled: &mut Filled) -> Option<SubmitResponse> {
    let version = filled.value("_version").parse().unwrap_or(form.version);
    let target = match form.targets.as_slice() {
        [only] => Some(only.unit_id),
        targets => filled
            .value("_target")
            .parse()
            .ok()
            .filter(|t| targets.iter().any(|x| x.unit_id == *t)),
    };
    if target.is_none() {
        filled.mark("_target", i18n::tr(lang, "page-form-choose-target"));
    }
    let village = match filled.value("_village") {
        "" => None,
        v => {
            let village = v
                .parse()
                .ok()
                .filter(|v| form.villages.iter().any(|x| x.unit_id == *v));
            if village.is_none() {
                filled.mark("_village", i18n::tr(lang, "page-form-choose-village"));
            }
            village
        }
    };
    if form.requires_code && filled.value("_code").trim().is_empty() {
        filled.mark(
            "_code",
            ErrorCode::SurveyCodeRequired.message().render(lang),
        );
    }
    let answers = visible_answers(&form.definition, &filled.fields);
    if version == form.version {
        if let Err(refused) = validate_answers(&form.definition, &answers) {
            for r in refused {
                filled.mark(r.field(), r.message(lang));
            }
        }
    }
    if !filled.errors.is_empty() {
        return None;
    }
    Some(SubmitResponse {
        version,
        target_unit_id: target?,
        respondent_unit_id: village,
        answers,
        submission_key: Some(filled.value("_key"))
            .filter(|k| !k.is_empty())
            .map(str::to_string),
        code: Some(filled.value("_code").trim())
            .filter(|c| !c.is_empty())
            .map(str::to_string),
    })
}

/// The answers to the questions the respondent's own answers show. Without JavaScript every
/// question is on the page, so an answer to a question that does not apply is dropped rather
/// than refused (the JSON API refuses it with `hidden_question_answered`).
fn visible_answers(definition: &FormDefinition, fields: &[(String, String)]) -> AnswerSet {
    let mut answers = AnswerSet::from_form_fields(
        definition,
        fields.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    );
    loop {
        let shown: Vec<String> = definition
            .shown_questions(&answers)
            .iter()
            .map(|q| q.id.to_string())
            .collect();
        let hidden: Vec<String> = answers
            .iter()
            .map(|(q, _)| q.to_string())
            .filter(|q| !shown.contains(q))
            .collect();
        if hidden.is_empty() {
            return answers;
        }
        for q in hidden {
            answers.remove(&q);
        }
    }
}

/// The page for a link that takes no answer now: not open yet, closed, unknown (with their
/// statuses and codes), or a fault.
fn error_page(lang: Lang, e: &Error) -> HttpResponse {
    let (status, heading, message) = match e.code() {
        ErrorCode::SurveyNotOpen => (
            StatusCode::CONFLICT,
            "page-form-not-open-yet-heading",
            "page-form-not-open-yet",
        ),
        ErrorCode::SurveyClosed => (
            StatusCode::CONFLICT,
            "page-form-closed-heading",
            "page-form-closed",
        ),
        ErrorCode::NotFound => (
            StatusCode::NOT_FOUND,
            "page-form-not-found-heading",
            "page-form-check-link",
        ),
        _ => (
            crate::http::error::status(e.kind()),
            "page-fault-heading",
            "page-try-later",
        ),
    };
    render(
        status,
        &Unavailable {
            w: Words::new(lang),
            heading: i18n::tr(lang, heading),
            message: i18n::tr(lang, message),
            code: Some(msg!("page-form-code", code = e.code().as_str()).render(lang)),
        },
    )
}

/// The form as a respondent sees it, for the organiser's preview: `banner` on top, and no form
/// around the questions, so nothing can be sent from it.
#[must_use]
pub fn preview(lang: Lang, form: &PublicForm, banner: &str) -> String {
    let mut page = form_page(lang, form, &Filled::default(), None);
    page.preview = Some(banner.to_string());
    // nothing to fill in a preview, and its page allows no script
    page.code_script = None;
    render_html(&page)
}

/// The form page's data: `form` in `lang`, with what was `filled` in and its problems, and the
/// submission `key` the form sends.
#[must_use]
pub fn form_page(lang: Lang, form: &PublicForm, filled: &Filled, key: Option<String>) -> FormPage {
    let def = &form.definition;
    let other = other_lang(lang);
    let mut fields = Vec::with_capacity(def.questions.len() + 3);
    if form.requires_code {
        fields.push(FieldView {
            name: "_code".into(),
            legend: i18n::tr(lang, "page-form-survey-code"),
            required: true,
            hint: Some(i18n::tr(lang, "page-form-survey-code-hint")),
            error: filled.errors.get("_code").cloned(),
            input: Input::ShortText {
                max: SURVEY_CODE_MAX_CHARS,
                value: filled.value("_code").to_string(),
                label: i18n::tr(lang, "page-form-survey-code"),
            },
        });
    }
    if form.targets.len() > 1 {
        fields.push(FieldView {
            name: "_target".into(),
            legend: i18n::tr(lang, "page-form-target"),
            required: true,
            hint: None,
            error: filled.errors.get("_target").cloned(),
            input: Input::Options {
                kind: "radio",
                options: form
                    .targets
                    .iter()
                    .map(|t| {
                        let value = t.unit_id.to_string();
                        Choice {
                            checked: filled.has("_target", &value),
                            value,
                            label: t.name.clone(),
                        }
                    })
                    .collect(),
            },
        });
    }
    if !form.villages.is_empty() {
        fields.push(FieldView {
            name: "_village".into(),
            legend: i18n::tr(lang, "page-form-village"),
            required: false,
            hint: Some(i18n::tr(lang, "page-form-optional")),
            error: filled.errors.get("_village").cloned(),
            input: Input::Select {
                label: i18n::tr(lang, "page-form-village-label"),
                none: i18n::tr(lang, "page-form-village-none"),
                options: form
                    .villages
                    .iter()
                    .map(|v| {
                        let value = v.unit_id.to_string();
                        Choice {
                            checked: filled.value("_village") == value,
                            value,
                            label: v.name.clone(),
                        }
                    })
                    .collect(),
            },
        });
    }
    for (index, question) in def.questions.iter().enumerate() {
        fields.push(question_view(lang, def, index, question, filled));
    }
    let summary = (!filled.errors.is_empty())
        .then(|| msg!("page-form-summary", count = filled.errors.len()).render(lang));
    FormPage {
        w: Words::new(lang),
        title: def.title.get(lang).to_string(),
        description: def.description.as_ref().map(|d| d.get(lang).to_string()),
        anonymity: msg!("page-form-anonymous", size = form.min_group_size).render(lang),
        other_lang_href: format!("?lang={}", other.as_str()),
        other_lang: other.as_str(),
        other_lang_name: i18n::tr_static(other, "common-language-name"),
        summary,
        action: format!("?lang={}", lang.as_str()),
        version: form.version,
        key,
        fields,
        preview: None,
        code_script: form.requires_code.then_some(CODE_SCRIPT),
    }
}

/// The hint of a question shown only after certain answers to an earlier one.
fn condition_hint(lang: Lang, def: &FormDefinition, question: &Question) -> Option<String> {
    let show_if = question.show_if.as_ref()?;
    let position = def
        .questions
        .iter()
        .position(|q| q.id == show_if.question)?;
    let controlling = &def.questions[position];
    let values: Vec<String> = show_if
        .condition
        .values()
        .iter()
        .map(|v| {
            let value = match v {
                ConditionValue::Option(id) => option_label(lang, def, controlling, id.as_str()),
                ConditionValue::Number(n) => n.to_string(),
            };
            msg!("page-form-condition-value", value = value).render(lang)
        })
        .collect();
    let values = values.join(&i18n::tr(lang, "page-form-condition-or"));
    Some(
        msg!(
            "page-form-condition",
            values = values,
            position = position + 1
        )
        .render(lang),
    )
}

fn scale_of<'a>(def: &'a FormDefinition, question: &Question) -> Option<&'a Scale> {
    match &question.kind {
        QuestionKind::Rating { scale } if scale.is_builtin() => Some(Scale::satisfaction()),
        QuestionKind::Rating { scale } => def.scale(scale.as_str()),
        _ => None,
    }
}

fn option_label(lang: Lang, def: &FormDefinition, question: &Question, id: &str) -> String {
    match &question.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            options
                .iter()
                .find(|o| o.id == id)
                .map_or_else(|| id.to_string(), |o| o.label.get(lang).to_string())
        }
        QuestionKind::Rating { .. } => scale_of(def, question)
            .and_then(|s| s.option(id))
            .map_or_else(|| id.to_string(), |o| o.label.get(lang).to_string()),
        _ => id.to_string(),
    }
}

fn question_view(
    lang: Lang,
    def: &FormDefinition,
    index: usize,
    q: &Question,
    filled: &Filled,
) -> FieldView {
    let name = q.id.as_str();
    let label = q.label.get(lang).to_string();
    let mut hint = q.help.as_ref().map(|h| h.get(lang).to_string());
    if let Some(c) = condition_hint(lang, def, q) {
        hint = Some(hint.map_or(c.clone(), |h| format!("{h} {c}")));
    }
    let choices = |options: Vec<(String, String)>| -> Vec<Choice> {
        options
            .into_iter()
            .map(|(value, label)| Choice {
                checked: filled.has(name, &value),
                value,
                label,
            })
            .collect()
    };
    let input = match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            Input::Options {
                kind: if matches!(q.kind, QuestionKind::SingleChoice { .. }) {
                    "radio"
                } else {
                    "checkbox"
                },
                options: choices(
                    options
                        .iter()
                        .map(|o| (o.id.as_str().to_string(), o.label.get(lang).to_string()))
                        .collect(),
                ),
            }
        }
        QuestionKind::Rating { .. } => Input::Options {
            kind: "radio",
            options: choices(scale_of(def, q).map_or_else(Vec::new, |scale| {
                scale
                    .options
                    .iter()
                    .map(|o| (o.id.as_str().to_string(), o.label.get(lang).to_string()))
                    .collect()
            })),
        },
        QuestionKind::Score0To10 {
            low_label,
            high_label,
        } => Input::Score {
            ends: match (low_label, high_label) {
                (Some(low), Some(high)) => {
                    Some(format!("0 = {} · 10 = {}", low.get(lang), high.get(lang)))
                }
                _ => None,
            },
            options: choices((0..=10).map(|s| (s.to_string(), s.to_string())).collect()),
        },
        QuestionKind::Number {
            min,
            max,
            integer,
            unit,
        } => Input::Number {
            mode: if *integer { "numeric" } else { "decimal" },
            min: *min,
            max: *max,
            value: filled.value(name).to_string(),
            label: label.clone(),
            unit: unit.as_ref().map(|u| u.get(lang).to_string()),
        },
        QuestionKind::ShortText { .. } => Input::ShortText {
            max: q.kind.max_text_chars().unwrap_or(200),
            value: filled.value(name).to_string(),
            label: label.clone(),
        },
        QuestionKind::LongText { .. } => Input::LongText {
            max: q.kind.max_text_chars().unwrap_or(2000),
            value: filled.value(name).to_string(),
            label: label.clone(),
        },
    };
    FieldView {
        name: name.to_string(),
        legend: format!("{}. {label}", index + 1),
        required: q.required,
        hint,
        error: filled.errors.get(name).cloned(),
        input,
    }
}
