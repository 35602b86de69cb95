//! The electronic ballot at `/b/{slug}`: enter (or scan to reach) the page, type the one-time
//! code, grade every subject, submit once. Plain HTML, no JavaScript, zh-CN by default. The
//! code travels only in form bodies, never in the URL.
//!
//! The cast form is read into the same [`Ballot`] the JSON API takes, every mark it carries
//! (one for each `g_…` field, in the order sent), and stored by the same path; so the page
//! refuses exactly what the API refuses (a subject or a dimension not in the round, a subject
//! graded twice, a grade off its scale), the code unspent, and stores a quota breach as an
//! invalid ballot as the API does. Pages: `templates/ballot/`.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::{self, Message};
use canvass_protocol::rounds::{
    Ballot, CastRequest, Dimension, Grade, Mark, Round, SubjectRef, ValidityRule,
};
use canvass_protocol::{msg, ErrorCode};

use super::page::{message_page, render, Words};
use super::page_lang;
use super::session::{form_value, other_lang};
use crate::domain::error::Error;
use crate::domain::{ballot_codes, rounds};
use crate::http::error::status as status_of;
use crate::http::AppState;

/// The other language of a ballot page.
pub struct Other {
    pub href: String,
    pub tag: &'static str,
    pub name: &'static str,
}

impl Other {
    fn of(lang: Lang) -> Self {
        let other = other_lang(lang);
        Self {
            href: format!("?lang={}", other.as_str()),
            tag: other.as_str(),
            name: i18n::tr_static(other, "common-language-name"),
        }
    }
}

/// The code entry step (`templates/ballot/code.html`).
#[derive(Template)]
#[template(path = "ballot/code.html")]
pub struct CodePage {
    pub w: Words,
    /// The round: its series and period.
    pub title: String,
    pub other: Other,
    pub action: String,
    /// Why the code typed was refused.
    pub error: Option<String>,
    /// The code typed, shown again after a refusal.
    pub typed: String,
}

/// The ballot step (`templates/ballot/ballot.html`).
#[derive(Template)]
#[template(path = "ballot/ballot.html")]
pub struct BallotPage {
    pub w: Words,
    pub title: String,
    pub other: Other,
    pub action: String,
    /// The code, carried to the cast in the form body.
    pub code: String,
    /// The elector group the code votes in.
    pub group_label: String,
    /// The round's quota of a grade, said before voting.
    pub quota: Option<String>,
    /// The heading of the problems of a refused cast.
    pub refused: String,
    /// The problems of a refused cast, in the page's language.
    pub problems: Vec<String>,
    pub subjects: Vec<SubjectView>,
    /// Set when the page previews the ballot for those who set the round up: no code, no
    /// vote.
    pub preview: Option<Preview>,
}

/// What a preview of the ballot adds: the way back, and the ballot of each elector group.
pub struct Preview {
    pub back: String,
    pub groups: Vec<Link>,
}

/// A link of the preview: the ballot of one elector group.
pub struct Link {
    pub label: String,
    pub href: String,
    /// Whether it is the ballot shown.
    pub current: bool,
}

/// One subject on the ballot.
pub struct SubjectView {
    /// Its key in the form's field names (`g_{key}`).
    pub key: String,
    pub name: String,
    pub position: String,
    /// A problem of its marks in a refused cast.
    pub error: Option<String>,
    pub grades: Vec<GradeChoice>,
    /// Whether the abstention is the choice shown.
    pub abstains: bool,
    pub dimensions: Vec<DimensionView>,
}

/// The grades of one dimension of a subject.
pub struct DimensionView {
    pub label: String,
    /// The form field's name (`d_{key}_{dimension}`).
    pub name: String,
    pub grades: Vec<GradeChoice>,
}

/// One grade to choose.
pub struct GradeChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

fn subject_key(subject: SubjectRef) -> String {
    match subject {
        SubjectRef::Team => "team".into(),
        SubjectRef::Official(id) => id.to_string(),
    }
}

fn subject_of(key: &str) -> Option<SubjectRef> {
    match key {
        "team" => Some(SubjectRef::Team),
        id => id.parse().ok().map(SubjectRef::Official),
    }
}

fn title(round: &Round) -> String {
    let d = round.definition();
    format!("{} {}", d.series.name, d.period)
}

/// The code entry step's data.
#[must_use]
pub fn code_page(
    lang: Lang,
    round: &Round,
    slug: &str,
    error: Option<String>,
    typed: &str,
) -> CodePage {
    CodePage {
        w: Words::new(lang),
        title: title(round),
        other: Other::of(lang),
        action: format!("/b/{slug}?lang={}", lang.as_str()),
        error,
        typed: typed.to_string(),
    }
}

/// What was sent with a refused cast, to show again: the marks (field name to value), the
/// problems and which subject each concerns.
#[derive(Default)]
pub struct Sent<'a> {
    pub fields: &'a [(String, String)],
    pub problems: Vec<String>,
    /// A problem by the key of the subject it concerns.
    pub by_subject: BTreeMap<String, String>,
}

impl Sent<'_> {
    fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// The ballot step's data: every subject of `round` with its grades, what was `sent` kept.
#[must_use]
pub fn ballot_page(
    lang: Lang,
    round: &Round,
    slug: &str,
    code: &str,
    group_label: &str,
    sent: &Sent<'_>,
) -> BallotPage {
    let grades = |subject: SubjectRef, field: &str| -> Vec<GradeChoice> {
        subject
            .kind()
            .scale()
            .grades()
            .into_iter()
            .map(|g| GradeChoice {
                value: g.as_str(),
                label: g.label(lang),
                checked: sent.value(field) == Some(g.as_str()),
            })
            .collect()
    };
    let subjects = round
        .subjects()
        .map(|subject| {
            let key = subject_key(subject);
            let overall = format!("g_{key}");
            SubjectView {
                name: round.subject_name(subject).unwrap_or_default().to_string(),
                position: match subject {
                    SubjectRef::Official(id) => round
                        .official(id)
                        .map(|o| o.position.clone())
                        .unwrap_or_default(),
                    SubjectRef::Team => i18n::tr(lang, "page-ballot-team"),
                },
                error: sent.by_subject.get(&key).cloned(),
                grades: grades(subject, &overall),
                abstains: sent.value(&overall).is_none(),
                dimensions: round
                    .dimensions_of(subject)
                    .iter()
                    .map(|&d| {
                        let name = format!("d_{key}_{}", d.as_str());
                        DimensionView {
                            label: d.label(lang).to_string(),
                            grades: grades(subject, &name),
                            name,
                        }
                    })
                    .collect(),
                key,
            }
        })
        .collect();
    BallotPage {
        w: Words::new(lang),
        title: title(round),
        other: Other::of(lang),
        action: format!("/b/{slug}/cast?lang={}", lang.as_str()),
        code: code.to_string(),
        group_label: group_label.to_string(),
        quota: quota_note(lang, round),
        refused: i18n::tr(lang, "page-ballot-refused"),
        problems: sent.problems.clone(),
        subjects,
        preview: None,
    }
}

/// The ballot of `round` as the electors of the group labelled `group_label` will see it,
/// previewed by those who set the round up: the same page, with no code and no way to vote.
#[must_use]
pub fn preview_page(lang: Lang, round: &Round, group_label: &str, preview: Preview) -> BallotPage {
    BallotPage {
        action: String::new(),
        preview: Some(preview),
        ..ballot_page(lang, round, "", "", group_label, &Sent::default())
    }
}

fn quota_note(lang: Lang, round: &Round) -> Option<String> {
    round
        .definition()
        .validity_rules
        .iter()
        .find_map(|rule| match rule {
            ValidityRule::MaxGradeCount { grade, max } => {
                Some(msg!("page-ballot-quota", max = *max, grade = grade.label(lang)).render(lang))
            }
            #[allow(unreachable_patterns)]
            _ => None,
        })
}

/// The catalogue id of what the code page says about a refused code.
fn code_problem(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::BallotCodeUsed => "page-ballot-code-used",
        ErrorCode::BallotCodeUnknown => "page-ballot-code-unknown",
        ErrorCode::BallotCodeCheckMismatch => "page-ballot-code-typo",
        ErrorCode::BallotCodeWrongLength => "page-ballot-code-length",
        ErrorCode::BallotCodeInvalidCharacter => "page-ballot-code-character",
        ErrorCode::BallotCodeOtherRound => "page-ballot-code-other-round",
        ErrorCode::RoundNotOpen => "page-ballot-not-open",
        _ => "page-ballot-code-fault",
    }
}

/// A ballot as the cast form sent it: one mark per `g_{subject}` field, in the order sent
/// (so a subject sent twice is graded twice, as in a JSON body), each with the
/// `d_{subject}_{dimension}` fields of its subject. A field the API could not have carried (a
/// grade or dimension that is no word of the protocol, a subject that is neither `team` nor an
/// id, a dimension sent twice) is refused here, with what the page says about it; `round`
/// names the subjects in those words.
///
/// # Errors
/// The problems, when a field cannot be read.
pub fn ballot_from_fields(
    round: &Round,
    fields: &[(String, String)],
) -> Result<Ballot, Vec<Message>> {
    let mut marks: Vec<Mark> = Vec::new();
    let mut unreadable = false;
    let mut problems = Vec::new();
    let grade_of = |value: &str, unreadable: &mut bool| -> Option<Grade> {
        let grade = Grade::parse(value);
        *unreadable |= grade.is_none();
        grade
    };
    for (name, value) in fields {
        if let Some(key) = name.strip_prefix("g_") {
            let Some(subject) = subject_of(key) else {
                unreadable = true;
                continue;
            };
            let grade = match value.as_str() {
                "" => None,
                v => grade_of(v, &mut unreadable),
            };
            marks.push(Mark {
                subject,
                grade,
                dimensions: BTreeMap::new(),
            });
        }
    }
    for (name, value) in fields {
        let Some(rest) = name.strip_prefix("d_") else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let parsed = rest.rsplit_once('_').and_then(|(key, d)| {
            Some((
                subject_of(key)?,
                Dimension::ALL.into_iter().find(|x| x.as_str() == d)?,
            ))
        });
        let Some((subject, dimension)) = parsed else {
            unreadable = true;
            continue;
        };
        let Some(grade) = grade_of(value, &mut unreadable) else {
            continue;
        };
        let index = match marks.iter().rposition(|m| m.subject == subject) {
            Some(i) => i,
            None => {
                marks.push(Mark {
                    subject,
                    grade: None,
                    dimensions: BTreeMap::new(),
                });
                marks.len() - 1
            }
        };
        if marks[index].dimensions.insert(dimension, grade).is_some() {
            problems.push(msg!(
                "round-ballot-graded-twice",
                subject = msg!(
                    "round-subject-dimension",
                    subject = round.subject_label(subject),
                    dimension = dimension.name()
                )
            ));
        }
    }
    if unreadable {
        problems.insert(0, msg!("page-ballot-unreadable"));
    }
    if problems.is_empty() {
        Ok(Ballot {
            elector_group: String::new(),
            marks,
        })
    } else {
        Err(problems)
    }
}

/// The index of the mark a problem's field names (`ballot.marks[3].grade` → 3).
fn mark_index(path: &str) -> Option<usize> {
    path.strip_prefix("ballot.marks[")?
        .split_once(']')?
        .0
        .parse()
        .ok()
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
        &i18n::tr(lang, "page-ballot-not-found-heading"),
        &i18n::tr(lang, "page-form-check-link"),
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
        Ok(round) => render(StatusCode::OK, &code_page(lang, &round, &slug, None, "")),
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
    match checked {
        Ok(group) => {
            let label = round
                .group(&group)
                .map_or(group.clone(), |g| g.label.clone());
            render(
                StatusCode::OK,
                &ballot_page(lang, &round, &slug, &typed, &label, &Sent::default()),
            )
        }
        Err(e) => {
            let status =
                if e.code() == ErrorCode::BallotCodeUsed || e.code() == ErrorCode::RoundNotOpen {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
            let error = i18n::tr(lang, code_problem(e.code()));
            render(status, &code_page(lang, &round, &slug, Some(error), &typed))
        }
    }
}

/// Casts the ballot: the code is redeemed and the ballot stored in one transaction, answered
/// once it is committed. A ballot the API would refuse is shown again with its problems, the
/// code unspent.
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
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let code = field("code").to_string();
    let group = field("group_label").to_string();
    let ballot_again = |status: StatusCode, sent: &Sent<'_>| {
        render(
            status,
            &ballot_page(lang, &round, &slug, &code, &group, sent),
        )
    };
    let ballot = match ballot_from_fields(&round, &fields) {
        Ok(ballot) => ballot,
        Err(problems) => {
            let sent = Sent {
                fields: &fields,
                problems: problems.iter().map(|m| m.render(lang)).collect(),
                by_subject: BTreeMap::new(),
            };
            return ballot_again(StatusCode::UNPROCESSABLE_ENTITY, &sent);
        }
    };
    let keys: Vec<String> = ballot
        .marks
        .iter()
        .map(|m| subject_key(m.subject))
        .collect();
    // stored by the group-commit writer with the other ballots of the moment, the code checked
    // and redeemed in the same transaction
    let request = CastRequest {
        code: code.clone(),
        ballot,
    };
    let outcome = state.commit.cast_ballot(slug.clone(), request).await;
    state.count_refused_code(&req, &outcome);
    match outcome {
        Ok(_) => message_page(
            StatusCode::OK,
            lang,
            &i18n::tr(lang, "page-ballot-done-heading"),
            &i18n::tr(lang, "page-ballot-done"),
        ),
        Err(e) if e.is_server_fault() => message_page(
            status_of(e.kind()),
            lang,
            &i18n::tr(lang, "page-fault-heading"),
            &i18n::tr(lang, "page-ballot-fault"),
        ),
        Err(e) if is_code_problem(e.code()) => {
            let error = i18n::tr(lang, code_problem(e.code()));
            render(
                status_of(e.kind()),
                &code_page(lang, &round, &slug, Some(error), ""),
            )
        }
        Err(e) => {
            // the marks do not fit the round (a tampered or outdated form): show them again
            let mut sent = Sent {
                fields: &fields,
                ..Sent::default()
            };
            for p in e.details() {
                let message = p.message.render(lang);
                if let Some(key) = p
                    .field
                    .as_ref()
                    .and_then(|f| mark_index(&f.path))
                    .and_then(|i| keys.get(i))
                {
                    sent.by_subject
                        .entry(key.clone())
                        .or_insert_with(|| message.clone());
                }
                sent.problems.push(message);
            }
            ballot_again(status_of(e.kind()), &sent)
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

fn rate_limited(lang: Lang) -> HttpResponse {
    message_page(
        StatusCode::TOO_MANY_REQUESTS,
        lang,
        &i18n::tr(lang, "page-form-rate-limited-heading"),
        &i18n::tr(lang, "page-ballot-rate-limited"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round() -> Round {
        let definition = serde_json::from_value(serde_json::json!({
            "period": "2026年度",
            "series": {"id": "qs", "name": "青山镇年度测评"},
            "officials": [{"official_id": 7, "name": "甲", "position": "镇长"}],
            "team": {"name": "青山镇领导班子", "principal_leader": 7},
            "elector_groups": [{"id": "cadres", "label": "干部", "weight": 1.0}]
        }))
        .unwrap();
        Round::check(definition).unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn every_mark_sent_is_read_in_order_even_twice_and_for_strangers() {
        let ballot = ballot_from_fields(
            &round(),
            &fields(&[
                ("code", "X"),
                ("g_7", "excellent"),
                ("g_team", ""),
                ("g_7", "competent"),
                ("g_999", "competent"),
                ("d_7_ability", "competent"),
            ]),
        )
        .unwrap();
        let subjects: Vec<SubjectRef> = ballot.marks.iter().map(|m| m.subject).collect();
        assert_eq!(
            subjects,
            [
                SubjectRef::Official(7),
                SubjectRef::Team,
                SubjectRef::Official(7),
                SubjectRef::Official(999)
            ]
        );
        assert_eq!(ballot.marks[1].grade, None, "an abstention");
        assert_eq!(
            ballot.marks[2].dimensions.get(&Dimension::Ability),
            Some(&Grade::Competent),
            "a dimension goes with its subject's last mark"
        );
    }

    #[test]
    fn a_mark_that_is_no_word_of_the_protocol_is_refused_here() {
        for bad in [
            fields(&[("g_7", "splendid")]),
            fields(&[("g_someone", "competent")]),
            fields(&[("d_7_charm", "competent")]),
        ] {
            let problems = ballot_from_fields(&round(), &bad).unwrap_err();
            assert_eq!(problems[0].id(), "page-ballot-unreadable");
        }
        let twice = ballot_from_fields(
            &round(),
            &fields(&[("d_7_ability", "competent"), ("d_7_ability", "excellent")]),
        )
        .unwrap_err();
        assert_eq!(twice[0].id(), "round-ballot-graded-twice");
        assert!(twice[0].render(Lang::ZhCn).contains('甲'), "named by name");
    }

    #[test]
    fn a_problem_names_the_mark_it_concerns() {
        assert_eq!(mark_index("ballot.marks[3].subject"), Some(3));
        assert_eq!(mark_index("ballot.marks[12].dimensions.ability"), Some(12));
        assert_eq!(mark_index("ballot.elector_group"), None);
    }
}
