//! The public survey form at its short link (`/s/{slug}`): shown, submitted and thanked for,
//! with no JavaScript. Errors appear beside their question and everything typed is kept.

use std::collections::HashMap;
use std::fmt::Write;

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use canvass_protocol::forms::{
    AnswerSet, ConditionValue, FormDefinition, Lang, Question, QuestionKind, Scale,
};
use canvass_protocol::surveys::{PublicForm, SubmitResponse};
use canvass_protocol::ErrorCode;

use super::page::{esc, html_response, message_page, page};
use super::{page_lang, t};
use crate::domain::error::Error;
use crate::domain::now;
use crate::domain::surveys::{public_form, Rejection};
use crate::http::AppState;

/// Largest form body accepted: 60 questions of 2,000 characters, percent-encoded.
const MAX_FORM_BYTES: usize = 512 * 1024;

/// What the respondent sent, to show again with the errors.
#[derive(Default)]
struct Filled {
    fields: Vec<(String, String)>,
    errors: HashMap<String, String>,
    summary: Option<String>,
}

impl Filled {
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
    let form = state.db(move |conn| public_form(conn, &slug)).await;
    match form {
        Ok(form) if form.accepting => {
            html_response(StatusCode::OK, render(lang, &form, &Filled::default()))
        }
        Ok(_) => closed_page(lang),
        Err(e) => error_page(lang, &e),
    }
}

/// Takes a submission: stores it and redirects to the thank-you page, or shows the form again
/// with each problem beside its question.
#[post("/s/{slug}")]
pub async fn submit_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let lang = page_lang(&req);
    if body.len() > MAX_FORM_BYTES {
        return message_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            lang,
            t(lang, "提交内容过长", "Too long"),
            t(
                lang,
                "提交的内容超出了允许的长度。",
                "The answers are longer than this form accepts.",
            ),
        );
    }
    if let Err(e) = state.check_submission_rate(&req) {
        let _ = e;
        return message_page(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            t(lang, "请稍后再试", "Please try again shortly"),
            t(lang, "您所在的网络提交过于频繁,请一分钟后再提交。您填写的内容未被保存,请返回上一页。", "Too many answers were sent from your network. Please wait a minute and send again; go back to keep what you filled in."),
        );
    }
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let slug = slug.into_inner();
    let link = slug.clone();
    let prepared = state
        .db(move |conn| {
            let form = public_form(conn, &link)?;
            let mut filled = Filled {
                fields,
                ..Filled::default()
            };
            let Some((version, target)) = chosen(&filled, &form) else {
                filled.errors.insert(
                    "_target".into(),
                    t(lang, "请选择评价对象。", "Choose what you are rating.").into(),
                );
                return Ok(Err((form, filled)));
            };
            let village = match filled.value("_village") {
                "" => None,
                v => v.parse().ok(),
            };
            let answers = visible_answers(&form.definition, &filled.fields);
            let body = SubmitResponse {
                version,
                target_unit_id: target,
                respondent_unit_id: village,
                answers,
            };
            Ok(Ok((form, filled, body)))
        })
        .await;
    // stored by the group-commit writer with the JSON API's submissions of the moment
    let outcome = match prepared {
        Err(e) => Err(e),
        Ok(Err(to_fix)) => Ok(Err(to_fix)),
        Ok(Ok((form, mut filled, body))) => {
            match state.commit.store_survey(slug.clone(), body, now()).await {
                Ok(()) => Ok(Ok(slug)),
                Err(Rejection::Answers(refused)) => {
                    for r in refused {
                        filled
                            .errors
                            .insert(r.error.field().to_string(), r.error.message(lang));
                    }
                    Ok(Err((form, filled)))
                }
                Err(Rejection::Other(e)) => match e.code() {
                    ErrorCode::WrongTarget => {
                        filled.errors.insert(
                            "_target".into(),
                            t(lang, "请选择评价对象。", "Choose what you are rating.").into(),
                        );
                        Ok(Err((form, filled)))
                    }
                    ErrorCode::InvalidValue => {
                        filled.errors.insert(
                            "_village".into(),
                            t(lang, "请从列表中选择。", "Choose from the list.").into(),
                        );
                        Ok(Err((form, filled)))
                    }
                    _ => Err(e),
                },
            }
        }
    };
    match outcome {
        Ok(Ok(slug)) => HttpResponse::SeeOther()
            .insert_header((
                "Location",
                format!("/s/{slug}/thanks?lang={}", lang.as_str()),
            ))
            .finish(),
        Ok(Err((form, mut filled))) => {
            let n = filled.errors.len();
            filled.summary = Some(match lang {
                Lang::ZhCn => format!("有{n}处需要修改,请查看标红的题目。您已填写的内容都保留着。"),
                Lang::En => format!("{n} answer(s) need changing; see the questions marked in red. Everything you entered is kept."),
            });
            html_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                render(lang, &form, &filled),
            )
        }
        Err(e) if matches!(e.code(), ErrorCode::SurveyClosed | ErrorCode::SurveyNotOpen) => {
            closed_page(lang)
        }
        Err(e) => error_page(lang, &e),
    }
}

/// The thank-you page.
#[get("/s/{slug}/thanks")]
pub async fn thanks(req: HttpRequest) -> HttpResponse {
    let lang = page_lang(&req);
    message_page(
        StatusCode::OK,
        lang,
        t(lang, "提交成功,谢谢您!", "Thank you!"),
        t(lang, "您的回答已匿名保存。任何人(包括系统管理员)都无法知道您是谁、回答了什么。", "Your answers were saved anonymously. Nobody, the system's operators included, can tell who you are or what you answered."),
    )
}

/// The version and target a submission names; `None` when the target is missing.
fn chosen(filled: &Filled, form: &PublicForm) -> Option<(i32, i64)> {
    let version = filled.value("_version").parse().unwrap_or(form.version);
    let target = match form.targets.as_slice() {
        [only] => Some(only.unit_id),
        _ => filled.value("_target").parse().ok(),
    }?;
    Some((version, target))
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

fn closed_page(lang: Lang) -> HttpResponse {
    message_page(
        StatusCode::CONFLICT,
        lang,
        t(lang, "问卷未开放", "This survey is not open"),
        t(
            lang,
            "这份问卷目前不接受回答(尚未开始或已经结束)。",
            "This survey does not accept answers now (it has not started or has ended).",
        ),
    )
}

fn error_page(lang: Lang, e: &Error) -> HttpResponse {
    if e.code() == ErrorCode::NotFound {
        return message_page(
            StatusCode::NOT_FOUND,
            lang,
            t(lang, "找不到问卷", "Survey not found"),
            t(
                lang,
                "请检查链接是否完整。",
                "Check that the link is complete.",
            ),
        );
    }
    message_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        t(lang, "出错了", "Something went wrong"),
        t(lang, "请稍后再试。", "Please try again later."),
    )
}

/// The form as a respondent sees it, for the organiser's preview: `banner` on top, and no form
/// around the questions, so nothing can be sent from it.
#[must_use]
pub fn preview(lang: Lang, form: &PublicForm, banner: &str) -> String {
    render(lang, form, &Filled::default())
        .replacen(
            "<main>",
            &format!(
                "<main><p class=\"summary\" role=\"note\">{}</p>",
                esc(banner)
            ),
            1,
        )
        .replacen("<form ", "<div data-preview ", 1)
        .replacen(
            "<button type=\"submit\">",
            "<button type=\"button\" disabled>",
            1,
        )
        .replacen("</form>", "</div>", 1)
}

fn render(lang: Lang, form: &PublicForm, filled: &Filled) -> String {
    let def = &form.definition;
    let other = match lang {
        Lang::ZhCn => ("en", "English"),
        Lang::En => ("zh-CN", "中文"),
    };
    let mut b = String::with_capacity(16 * 1024);
    let _ = write!(
        b,
        "<a class=\"lang\" href=\"?lang={}\" hreflang=\"{}\">{}</a>",
        other.0, other.0, other.1
    );
    let _ = write!(b, "<h1>{}</h1>", esc(def.title.get(lang)));
    if let Some(d) = &def.description {
        let _ = write!(b, "<p>{}</p>", esc(d.get(lang)));
    }
    let _ = write!(
        b,
        "<p class=\"note\">{}</p>",
        esc(&match lang {
            Lang::ZhCn => format!("本问卷匿名填写:不记录您的姓名、电话、IP地址或设备。结果只以不少于{}人的汇总形式公布。", form.min_group_size),
            Lang::En => format!("This survey is anonymous: your name, phone, IP address and device are not recorded. Results are published only for groups of at least {} people.", form.min_group_size),
        })
    );
    if let Some(summary) = &filled.summary {
        let _ = write!(
            b,
            "<p class=\"summary err\" role=\"alert\">{}</p>",
            esc(summary)
        );
    }
    let _ = write!(
        b,
        "<form method=\"post\" action=\"?lang={}\" accept-charset=\"utf-8\" novalidate>",
        lang.as_str()
    );
    let _ = write!(
        b,
        "<input type=\"hidden\" name=\"_version\" value=\"{}\">",
        form.version
    );
    if form.targets.len() > 1 {
        let err = filled.errors.get("_target");
        open_fieldset(
            &mut b,
            "_target",
            t(lang, "评价对象", "What you are rating"),
            true,
            None,
            err,
            lang,
        );
        for target in &form.targets {
            let v = target.unit_id.to_string();
            option(
                &mut b,
                "radio",
                "_target",
                &v,
                &target.name,
                filled.has("_target", &v),
            );
        }
        b.push_str("</fieldset>");
    }
    if !form.villages.is_empty() {
        let err = filled.errors.get("_village");
        open_fieldset(
            &mut b,
            "_village",
            t(lang, "您居住的村(社区)", "Your village or community"),
            false,
            Some(t(lang, "可不填", "Optional")),
            err,
            lang,
        );
        let _ = write!(b, "<select name=\"_village\" id=\"_village\" aria-label=\"{}\"><option value=\"\">{}</option>", esc(t(lang, "村(社区)", "Village")), esc(t(lang, "不填写", "Prefer not to say")));
        for village in &form.villages {
            let v = village.unit_id.to_string();
            let sel = if filled.value("_village") == v {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                b,
                "<option value=\"{v}\"{sel}>{}</option>",
                esc(&village.name)
            );
        }
        b.push_str("</select></fieldset>");
    }
    for (index, question) in def.questions.iter().enumerate() {
        render_question(&mut b, lang, def, index, question, filled);
    }
    let _ = write!(
        b,
        "<button type=\"submit\">{}</button></form>",
        esc(t(lang, "提交", "Submit"))
    );
    let _ = write!(
        b,
        "<footer>{}</footer>",
        esc(t(
            lang,
            "带 * 的为必答题。",
            "Questions marked * must be answered."
        ))
    );
    page(lang, def.title.get(lang), &b)
}

fn open_fieldset(
    b: &mut String,
    name: &str,
    legend: &str,
    required: bool,
    hint: Option<&str>,
    err: Option<&String>,
    lang: Lang,
) {
    let class = if err.is_some() {
        " class=\"has-err\""
    } else {
        ""
    };
    let described = if err.is_some() {
        format!(" aria-describedby=\"e-{name}\"")
    } else {
        String::new()
    };
    let _ = write!(
        b,
        "<fieldset id=\"f-{name}\"{class}{described}><legend>{}",
        esc(legend)
    );
    if required {
        let _ = write!(
            b,
            " <span class=\"req\" title=\"{}\">*</span>",
            esc(t(lang, "必答", "required"))
        );
    }
    b.push_str("</legend>");
    if let Some(hint) = hint {
        let _ = write!(b, "<p class=\"hint\">{}</p>", esc(hint));
    }
    if let Some(err) = err {
        let _ = write!(b, "<p class=\"err\" id=\"e-{name}\">{}</p>", esc(err));
    }
}

fn option(b: &mut String, kind: &str, name: &str, value: &str, label: &str, checked: bool) {
    let checked = if checked { " checked" } else { "" };
    let _ = write!(
        b,
        "<label class=\"opt\"><input type=\"{kind}\" name=\"{name}\" value=\"{}\"{checked}> {}</label>",
        esc(value),
        esc(label)
    );
}

fn condition_hint(lang: Lang, def: &FormDefinition, question: &Question) -> Option<String> {
    let show_if = question.show_if.as_ref()?;
    let position = def
        .questions
        .iter()
        .position(|q| q.id == show_if.question)?
        + 1;
    let controlling = &def.questions[position - 1];
    let values: Vec<String> = show_if
        .condition
        .values()
        .iter()
        .map(|v| match v {
            ConditionValue::Option(id) => option_label(lang, def, controlling, id.as_str()),
            ConditionValue::Number(n) => n.to_string(),
        })
        .collect();
    let joined = values.join(t(lang, "”或“", "\" or \""));
    Some(match lang {
        Lang::ZhCn => format!("仅当第{position}题回答“{joined}”时作答,否则请跳过。"),
        Lang::En => format!(
            "Answer only if you answered \"{joined}\" to question {position}; otherwise skip it."
        ),
    })
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

fn render_question(
    b: &mut String,
    lang: Lang,
    def: &FormDefinition,
    index: usize,
    q: &Question,
    filled: &Filled,
) {
    let name = q.id.as_str();
    let legend = format!("{}. {}", index + 1, q.label.get(lang));
    let mut hint = q.help.as_ref().map(|h| h.get(lang).to_string());
    if let Some(c) = condition_hint(lang, def, q) {
        hint = Some(hint.map_or(c.clone(), |h| format!("{h} {c}")));
    }
    open_fieldset(
        b,
        name,
        &legend,
        q.required,
        hint.as_deref(),
        filled.errors.get(name),
        lang,
    );
    match &q.kind {
        QuestionKind::SingleChoice { options } => {
            for o in options {
                option(
                    b,
                    "radio",
                    name,
                    o.id.as_str(),
                    o.label.get(lang),
                    filled.has(name, o.id.as_str()),
                );
            }
        }
        QuestionKind::MultipleChoice { options, .. } => {
            for o in options {
                option(
                    b,
                    "checkbox",
                    name,
                    o.id.as_str(),
                    o.label.get(lang),
                    filled.has(name, o.id.as_str()),
                );
            }
        }
        QuestionKind::Rating { .. } => {
            if let Some(scale) = scale_of(def, q) {
                for o in &scale.options {
                    option(
                        b,
                        "radio",
                        name,
                        o.id.as_str(),
                        o.label.get(lang),
                        filled.has(name, o.id.as_str()),
                    );
                }
            }
        }
        QuestionKind::Score0To10 {
            low_label,
            high_label,
        } => {
            if let (Some(low), Some(high)) = (low_label, high_label) {
                let _ = write!(
                    b,
                    "<p class=\"hint\">0 = {} · 10 = {}</p>",
                    esc(low.get(lang)),
                    esc(high.get(lang))
                );
            }
            b.push_str("<div class=\"scale\">");
            for s in 0..=10 {
                let v = s.to_string();
                option(b, "radio", name, &v, &v, filled.has(name, &v));
            }
            b.push_str("</div>");
        }
        QuestionKind::Number {
            min,
            max,
            integer,
            unit,
        } => {
            let mut attrs = String::new();
            if let Some(min) = min {
                let _ = write!(attrs, " min=\"{min}\"");
            }
            if let Some(max) = max {
                let _ = write!(attrs, " max=\"{max}\"");
            }
            let mode = if *integer { "numeric" } else { "decimal" };
            let _ = write!(
                b,
                "<input type=\"text\" inputmode=\"{mode}\" name=\"{name}\" id=\"{name}\" value=\"{}\" aria-label=\"{}\"{attrs}>",
                esc(filled.value(name)),
                esc(q.label.get(lang))
            );
            if let Some(unit) = unit {
                let _ = write!(b, "<p class=\"hint\">{}</p>", esc(unit.get(lang)));
            }
        }
        QuestionKind::ShortText { .. } => {
            let max = q.kind.max_text_chars().unwrap_or(200);
            let _ = write!(
                b,
                "<input type=\"text\" name=\"{name}\" id=\"{name}\" maxlength=\"{max}\" value=\"{}\" aria-label=\"{}\">",
                esc(filled.value(name)),
                esc(q.label.get(lang))
            );
        }
        QuestionKind::LongText { .. } => {
            let max = q.kind.max_text_chars().unwrap_or(2000);
            let _ = write!(
                b,
                "<textarea name=\"{name}\" id=\"{name}\" maxlength=\"{max}\" aria-label=\"{}\">{}</textarea>",
                esc(q.label.get(lang)),
                esc(filled.value(name))
            );
        }
    }
    b.push_str("</fieldset>");
}
