//! The electronic ballot at `/b/{slug}`: enter (or scan to reach) the page, type the one-time
//! code, grade every subject, submit once. Plain HTML, no JavaScript, zh-CN by default. The
//! code travels only in form bodies, never in the URL.

use std::fmt::Write;

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use canvass_protocol::forms::Lang;
use canvass_protocol::rounds::{Ballot, Dimension, Grade, Mark, Round, SubjectRef, ValidityRule};
use canvass_protocol::ErrorCode;

use super::page::{esc, html_response, message_page, page};
use super::{page_lang, t};
use crate::domain::error::Error;
use crate::domain::{ballot_codes, rounds};
use crate::http::error::status as status_of;
use crate::http::AppState;

fn grade_label(lang: Lang, grade: Grade) -> &'static str {
    match lang {
        Lang::ZhCn => grade.label_zh(),
        Lang::En => grade.label_en(),
    }
}

fn dimension_label(lang: Lang, d: Dimension) -> &'static str {
    match lang {
        Lang::ZhCn => d.label_zh(),
        Lang::En => d.label_en(),
    }
}

fn subject_field(subject: SubjectRef) -> String {
    match subject {
        SubjectRef::Team => "team".into(),
        SubjectRef::Official(id) => id.to_string(),
    }
}

fn header(lang: Lang, round: &Round) -> String {
    let d = round.definition();
    let other = match lang {
        Lang::ZhCn => ("en", "English"),
        Lang::En => ("zh-CN", "中文"),
    };
    format!(
        "<a class=\"lang\" href=\"?lang={}\">{}</a><h1>{} {}</h1><p class=\"note\">{}</p>",
        other.0,
        other.1,
        esc(&d.series.name),
        esc(&d.period),
        esc(t(
            lang,
            "本次测评匿名进行:测评码与您的身份无关,系统不记录投票时间、IP地址或设备,任何人(包括系统管理员)都无法知道您投了什么票。每个测评码只能投一次。",
            "This appraisal is anonymous: the code is not tied to you, and the time, IP address and device of your vote are not recorded, so nobody, the system's operators included, can tell how you voted. Each code votes once."
        ))
    )
}

fn code_form(lang: Lang, round: &Round, slug: &str, error: Option<&str>, typed: &str) -> String {
    let mut b = header(lang, round);
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/b/{}?lang={}\" accept-charset=\"utf-8\">",
        esc(slug),
        lang.as_str()
    );
    let class = if error.is_some() {
        " class=\"has-err\""
    } else {
        ""
    };
    let _ = write!(
        b,
        "<fieldset{class}><legend>{}</legend>",
        esc(t(lang, "请输入测评码", "Enter your ballot code"))
    );
    if let Some(e) = error {
        let _ = write!(
            b,
            "<p class=\"err\" id=\"e-code\" role=\"alert\">{}</p>",
            esc(e)
        );
    }
    let _ = write!(
        b,
        "<input type=\"text\" name=\"code\" id=\"code\" value=\"{}\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" placeholder=\"XXXX-XXXX-XXXX\" aria-label=\"{}\" aria-describedby=\"e-code\"></fieldset>",
        esc(typed),
        esc(t(lang, "测评码", "Ballot code"))
    );
    let _ = write!(
        b,
        "<button type=\"submit\">{}</button></form>",
        esc(t(lang, "下一步", "Next"))
    );
    b
}

fn code_error_message(lang: Lang, e: &Error) -> String {
    t(
        lang,
        match e.code() {
            ErrorCode::BallotCodeUsed => "这个测评码已经投过票了,不能再次使用。",
            ErrorCode::BallotCodeUnknown => "没有这个测评码,请核对后重新输入。",
            ErrorCode::BallotCodeCheckMismatch => "测评码有一位输错了,请仔细核对后重新输入。",
            ErrorCode::BallotCodeWrongLength => "测评码应为12位(不含短横线),请核对。",
            ErrorCode::BallotCodeInvalidCharacter => {
                "测评码中有不会出现的字符(测评码不含 0、O、1、I),请核对。"
            }
            ErrorCode::BallotCodeOtherRound => "这个测评码属于另一次测评,不能在这里使用。",
            ErrorCode::RoundNotOpen => "本次测评目前不在投票时间内。",
            _ => "出错了,请稍后再试。",
        },
        match e.code() {
            ErrorCode::BallotCodeUsed => "This code has already voted and cannot be used again.",
            ErrorCode::BallotCodeUnknown => "There is no such code. Check it and type it again.",
            ErrorCode::BallotCodeCheckMismatch => {
                "One character of the code is mistyped. Check it carefully and type it again."
            }
            ErrorCode::BallotCodeWrongLength => {
                "A code has 12 characters (not counting dashes). Check it."
            }
            ErrorCode::BallotCodeInvalidCharacter => {
                "The code has a character codes never contain (there is no 0, O, 1 or I). Check it."
            }
            ErrorCode::BallotCodeOtherRound => {
                "This code belongs to another appraisal and cannot be used here."
            }
            ErrorCode::RoundNotOpen => "This appraisal is not open for voting now.",
            _ => "Something went wrong; please try again later.",
        },
    )
    .to_string()
}

fn quota_note(lang: Lang, round: &Round) -> Option<String> {
    round
        .definition()
        .validity_rules
        .iter()
        .find_map(|rule| match rule {
            ValidityRule::MaxGradeCount { grade, max } => Some(match lang {
                Lang::ZhCn => format!(
                    "每张票最多评{max}个“{}”,超过则整张票为废票。",
                    grade.label_zh()
                ),
                Lang::En => format!(
                    "At most {max} \"{}\" marks per ballot; more makes the whole ballot invalid.",
                    grade.label_en()
                ),
            }),
            #[allow(unreachable_patterns)]
            _ => None,
        })
}

/// The marks a ballot form was submitted with, to show them again.
type Kept<'a> = &'a [(String, String)];

fn kept_value<'a>(kept: Kept<'a>, name: &str) -> Option<&'a str> {
    kept.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn checked(kept: Kept<'_>, name: &str, value: &str) -> &'static str {
    if kept_value(kept, name) == Some(value) {
        " checked"
    } else {
        ""
    }
}

fn ballot_form(
    lang: Lang,
    round: &Round,
    slug: &str,
    code: &str,
    group_label: &str,
    kept: Kept<'_>,
    error: Option<&str>,
) -> String {
    let mut b = header(lang, round);
    if let Some(e) = error {
        let _ = write!(
            b,
            "<div class=\"summary\" role=\"alert\"><p class=\"err\" id=\"e-ballot\">{}</p></div>",
            esc(e)
        );
    }
    let _ = write!(
        b,
        "<p>{}: <strong>{}</strong></p>",
        esc(t(lang, "您的投票类别", "You vote as")),
        esc(group_label)
    );
    if let Some(note) = quota_note(lang, round) {
        let _ = write!(b, "<p class=\"note\">{}</p>", esc(&note));
    }
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/b/{}/cast?lang={}\" accept-charset=\"utf-8\">",
        esc(slug),
        lang.as_str()
    );
    let _ = write!(
        b,
        "<input type=\"hidden\" name=\"code\" value=\"{}\"><input type=\"hidden\" name=\"group_label\" value=\"{}\">",
        esc(code),
        esc(group_label)
    );
    for subject in round.subjects() {
        let key = subject_field(subject);
        let name = round.subject_name(subject).unwrap_or_default();
        let position = match subject {
            SubjectRef::Official(id) => round
                .official(id)
                .map(|o| o.position.clone())
                .unwrap_or_default(),
            SubjectRef::Team => t(lang, "领导班子", "leadership team").to_string(),
        };
        let _ = write!(
            b,
            "<fieldset id=\"f-{key}\"><legend>{} <span class=\"hint\">{}</span></legend>",
            esc(name),
            esc(&position)
        );
        for grade in subject.kind().scale().grades() {
            let _ = write!(
                b,
                "<label class=\"opt\"><input type=\"radio\" name=\"g_{key}\" value=\"{}\"{}> {}</label>",
                grade.as_str(),
                checked(kept, &format!("g_{key}"), grade.as_str()),
                esc(grade_label(lang, grade))
            );
        }
        let abstain = if kept_value(kept, &format!("g_{key}")).is_none() {
            " checked"
        } else {
            ""
        };
        let _ = write!(
            b,
            "<label class=\"opt\"><input type=\"radio\" name=\"g_{key}\" value=\"\"{abstain}> {}</label>",
            esc(t(lang, "弃权", "Abstain"))
        );
        for &d in round.dimensions_of(subject) {
            let _ = write!(
                b,
                "<p class=\"hint\">{}</p><div class=\"scale\">",
                esc(dimension_label(lang, d))
            );
            for grade in subject.kind().scale().grades() {
                let name = format!("d_{key}_{}", d.as_str());
                let _ = write!(
                    b,
                    "<label class=\"opt\"><input type=\"radio\" name=\"{name}\" value=\"{}\"{}> {}</label>",
                    grade.as_str(),
                    checked(kept, &name, grade.as_str()),
                    esc(grade_label(lang, grade))
                );
            }
            b.push_str("</div>");
        }
        b.push_str("</fieldset>");
    }
    let _ = write!(
        b,
        "<button type=\"submit\">{}</button></form>",
        esc(t(
            lang,
            "投票(提交后不能修改)",
            "Vote (cannot be changed afterwards)"
        ))
    );
    b
}

async fn load(state: &web::Data<AppState>, slug: &str) -> Result<Round, Error> {
    let slug = slug.to_string();
    state
        .db(move |conn| rounds::by_ballot_link(conn, &slug))
        .await
}

fn not_found(lang: Lang) -> HttpResponse {
    message_page(
        StatusCode::NOT_FOUND,
        lang,
        t(lang, "找不到这次测评", "Appraisal not found"),
        t(
            lang,
            "请检查链接是否完整。",
            "Check that the link is complete.",
        ),
    )
}

/// The code entry page.
#[get("/b/{slug}")]
pub async fn enter_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> HttpResponse {
    let lang = page_lang(&req);
    let slug = slug.into_inner();
    match load(&state, &slug).await {
        Ok(round) => html_response(
            StatusCode::OK,
            page(
                lang,
                &round.definition().series.name,
                &code_form(lang, &round, &slug, None, ""),
            ),
        ),
        Err(_) => not_found(lang),
    }
}

/// Checks the typed code (without using it) and shows the ballot, or the code page again with
/// the specific reason.
#[post("/b/{slug}")]
pub async fn show_ballot(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let lang = page_lang(&req);
    if state.check_code_attempts(&req).is_err() {
        return rate_limited(lang);
    }
    let typed = form_value(&body, "code").unwrap_or_default();
    let slug = slug.into_inner();
    let Ok(round) = load(&state, &slug).await else {
        return not_found(lang);
    };
    let pepper = state.code_pepper.clone();
    let code = typed.clone();
    let link = slug.clone();
    let checked = state
        .db(move |conn| ballot_codes::check_at(conn, &link, &code, &pepper))
        .await;
    state.count_refused_code(&req, &checked);
    let title = round.definition().series.name.clone();
    match checked {
        Ok(group) => {
            let label = round
                .group(&group)
                .map_or(group.clone(), |g| g.label.clone());
            html_response(
                StatusCode::OK,
                page(
                    lang,
                    &title,
                    &ballot_form(lang, &round, &slug, &typed, &label, &[], None),
                ),
            )
        }
        Err(e) => {
            let status =
                if e.code() == ErrorCode::BallotCodeUsed || e.code() == ErrorCode::RoundNotOpen {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
            html_response(
                status,
                page(
                    lang,
                    &title,
                    &code_form(
                        lang,
                        &round,
                        &slug,
                        Some(&code_error_message(lang, &e)),
                        &typed,
                    ),
                ),
            )
        }
    }
}

/// Casts the ballot: the code is redeemed and the ballot stored in one transaction, answered
/// once it is committed.
#[post("/b/{slug}/cast")]
pub async fn cast(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let lang = page_lang(&req);
    if state.check_code_attempts(&req).is_err() {
        return rate_limited(lang);
    }
    let slug = slug.into_inner();
    let Ok(round) = load(&state, &slug).await else {
        return not_found(lang);
    };
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let code = fields
        .iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let mut marks = Vec::new();
    let mut unreadable = false;
    for subject in round.subjects() {
        let key = subject_field(subject);
        let mut grade_of = |name: &str| {
            let value = kept_value(&fields, name)?;
            let grade = Grade::parse(value);
            unreadable |= grade.is_none();
            grade
        };
        let grade = grade_of(&format!("g_{key}"));
        let dimensions = round
            .dimensions_of(subject)
            .iter()
            .filter_map(|&d| grade_of(&format!("d_{key}_{}", d.as_str())).map(|g| (d, g)))
            .collect();
        marks.push(Mark {
            subject,
            grade,
            dimensions,
        });
    }
    let ballot = Ballot {
        elector_group: String::new(),
        marks,
    };
    let title = round.definition().series.name.clone();
    let ballot_again = |status: StatusCode, message: &str| {
        let group = fields
            .iter()
            .find(|(k, _)| k == "group_label")
            .map_or("", |(_, v)| v.as_str());
        html_response(
            status,
            page(
                lang,
                &title,
                &ballot_form(lang, &round, &slug, &code, group, &fields, Some(message)),
            ),
        )
    };
    if unreadable {
        return ballot_again(
            StatusCode::UNPROCESSABLE_ENTITY,
            t(
                lang,
                "有一项评价无法识别,请重新选择后再投票。测评码尚未使用。",
                "One of the marks could not be read. Choose again and vote; your code has not been used.",
            ),
        );
    }
    // stored by the group-commit writer with the other ballots of the moment, the code checked
    // and redeemed in the same transaction
    let request = canvass_protocol::rounds::CastRequest {
        code: code.clone(),
        ballot,
    };
    let outcome = state.commit.cast_ballot(slug.clone(), request).await;
    state.count_refused_code(&req, &outcome);
    match outcome {
        Ok(_) => message_page(
            StatusCode::OK,
            lang,
            t(lang, "投票成功,谢谢您!", "Your vote is cast. Thank you!"),
            t(
                lang,
                "您的选票已匿名保存,测评码已失效。",
                "Your ballot was stored anonymously and the code can no longer be used.",
            ),
        ),
        Err(e) if e.is_server_fault() => message_page(
            status_of(e.kind()),
            lang,
            t(lang, "出错了", "Something went wrong"),
            t(
                lang,
                "服务器暂时无法保存选票,请稍后再试。如果测评码已失效,说明选票已经保存。",
                "The server could not store the ballot just now; please try again shortly. If the code no longer works, the ballot was stored.",
            ),
        ),
        Err(e) if is_code_problem(e.code()) => html_response(
            status_of(e.kind()),
            page(
                lang,
                &title,
                &code_form(lang, &round, &slug, Some(&code_error_message(lang, &e)), ""),
            ),
        ),
        Err(e) => {
            // the marks do not fit the round (a tampered or outdated form): show them again
            let problems: Vec<String> = e
                .details()
                .into_iter()
                .map(|p| p.message.render(lang))
                .collect();
            let message = format!(
                "{} ({})",
                t(
                    lang,
                    "选票有误,测评码尚未使用,请检查后重新投票",
                    "The ballot has a problem and your code has not been used; check it and vote again"
                ),
                problems.join("; ")
            );
            ballot_again(status_of(e.kind()), &message)
        }
    }
}

/// Whether an error is about the code or the round (the code form is shown again) rather than
/// about the marks.
fn is_code_problem(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::BallotCodeUsed
            | ErrorCode::BallotCodeUnknown
            | ErrorCode::BallotCodeCheckMismatch
            | ErrorCode::BallotCodeWrongLength
            | ErrorCode::BallotCodeInvalidCharacter
            | ErrorCode::BallotCodeOtherRound
            | ErrorCode::RoundNotOpen
            | ErrorCode::NotFound
    )
}

fn form_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn rate_limited(lang: Lang) -> HttpResponse {
    message_page(
        StatusCode::TOO_MANY_REQUESTS,
        lang,
        t(lang, "请稍后再试", "Please try again shortly"),
        t(
            lang,
            "您所在的网络提交过于频繁,请一分钟后再试。",
            "Too many requests from your network. Please wait a minute.",
        ),
    )
}
