//! The paper meeting kit: the ballot paper (测评票) of an elector group, the blank tally sheet
//! (计票单) of a polling station and the paper questionnaire of a survey, each an A4 page with
//! print CSS through `templates/print/base.html`, which the code slips use too. A page's data
//! comes from a pure function of domain values (tests call them without HTTP); who may print
//! is checked in `domain::printables`.

use std::sync::LazyLock;

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use base64::Engine as _;
use canvass_protocol::forms::{ConditionValue, FormDefinition, Lang, Question, QuestionKind};
use canvass_protocol::rounds::{ElectorGroup, Round, RoundInfo, Scale, ValidityRule};
use canvass_protocol::surveys::{PublicForm, Survey, SurveyStatus};
use canvass_protocol::{i18n, msg};
use sha2::{Digest, Sha256};

use super::frame::path_id;
use super::page::{render_html, Words};
use super::session::{page_error, Session, WebError};
use crate::domain::audit::{self, ChainHead};
use crate::domain::printables;
use crate::http::AppState;

/// The one script of a printable: the print button. Allowed by its hash alone.
pub const PRINT_SCRIPT: &str =
    "document.getElementById('print').addEventListener('click',function(){window.print()});";

static SCRIPT_HASH: LazyLock<String> = LazyLock::new(|| {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(PRINT_SCRIPT.as_bytes()))
});

/// A printable as an HTML answer: never cached, no referrer, no outside resources, and no
/// script but the print button's.
#[must_use]
pub fn response(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((
            "Content-Security-Policy",
            format!(
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'sha256-{}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
                *SCRIPT_HASH
            ),
        ))
        .body(html)
}

/// What a printed subject shows: its number, name and post, and the aspects graded (the
/// overall grade first, then the round's dimensions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedSubject {
    pub number: usize,
    pub name: String,
    pub position: String,
    /// The overall grade's label, then each dimension's; one row each.
    pub aspects: Vec<String>,
}

/// The officials of `round` in roster (ballot) order, each with the aspects graded.
fn officials(round: &Round, lang: Lang) -> Vec<PrintedSubject> {
    let definition = round.definition();
    let mut aspects = vec![Words::new(lang).t("print-overall")];
    aspects.extend(
        definition
            .dimensions
            .iter()
            .map(|d| d.label(lang).to_string()),
    );
    definition
        .officials
        .iter()
        .enumerate()
        .map(|(i, o)| PrintedSubject {
            number: i + 1,
            name: o.name.clone(),
            position: o.position.clone(),
            aspects: aspects.clone(),
        })
        .collect()
}

fn grade_labels(scale: Scale, lang: Lang) -> Vec<String> {
    scale
        .grades()
        .iter()
        .map(|g| g.label(lang).to_string())
        .collect()
}

/// The round's validity rules as printed on the paper ("优秀不超过 N 名,超过作废").
fn rules(round: &Round, lang: Lang) -> Vec<String> {
    round
        .definition()
        .validity_rules
        .iter()
        .map(|rule| match rule {
            ValidityRule::MaxGradeCount { grade, max } => {
                msg!("print-quota-rule", grade = grade.label(lang), max = *max).render(lang)
            }
        })
        .collect()
}

fn round_title(info: &RoundInfo) -> String {
    format!("{} {}", info.series_name, info.period)
}

/// The ballot paper (测评票) of one elector group: every copy identical, nothing on it that
/// tells one from another.
#[derive(Debug, Template)]
#[template(path = "print/ballot.html")]
pub struct BallotPaper {
    pub w: Words,
    pub title: String,
    pub group: String,
    /// The official scale's grade words, best first.
    pub grades: Vec<String>,
    pub has_dimensions: bool,
    pub officials: Vec<PrintedSubject>,
    /// The team's name and its grade words, when the team is graded as a whole.
    pub team: Option<(String, Vec<String>)>,
    pub rules: Vec<String>,
}

/// The ballot paper's data.
#[must_use]
pub fn ballot_paper(
    lang: Lang,
    round_title: &str,
    round: &Round,
    group: &ElectorGroup,
) -> BallotPaper {
    let definition = round.definition();
    BallotPaper {
        w: Words::new(lang),
        title: round_title.to_string(),
        group: group.label.clone(),
        grades: grade_labels(Scale::Official, lang),
        has_dimensions: !definition.dimensions.is_empty(),
        officials: officials(round, lang),
        team: definition
            .team
            .as_ref()
            .map(|t| (t.name.clone(), grade_labels(Scale::Team, lang))),
        rules: rules(round, lang),
    }
}

/// The blank tally sheet (计票单) of one polling station.
#[derive(Debug, Template)]
#[template(path = "print/tally.html")]
pub struct TallyPaper {
    pub w: Words,
    pub title: String,
    /// The elector group, when the sheet is printed for one; else `groups` to tick.
    pub group: Option<String>,
    pub groups: Vec<String>,
    pub grades: Vec<String>,
    pub has_dimensions: bool,
    pub officials: Vec<PrintedSubject>,
    pub team: Option<(String, Vec<String>)>,
    pub rules: Vec<String>,
    /// The audit log's head when the sheet was printed, so that the signed sheet can be
    /// matched to the log (`templates/chain_head.html`). Ballot papers and questionnaires carry
    /// nothing of the kind: two printings would differ, and a paper must not tell one ballot or
    /// respondent from another.
    pub chain_head: Option<ChainHead>,
}

/// The tally sheet's data.
#[must_use]
pub fn tally_paper(
    lang: Lang,
    round_title: &str,
    round: &Round,
    group: Option<&ElectorGroup>,
) -> TallyPaper {
    let definition = round.definition();
    TallyPaper {
        w: Words::new(lang),
        title: round_title.to_string(),
        group: group.map(|g| g.label.clone()),
        groups: definition
            .elector_groups
            .iter()
            .map(|g| g.label.clone())
            .collect(),
        grades: grade_labels(Scale::Official, lang),
        has_dimensions: !definition.dimensions.is_empty(),
        officials: officials(round, lang),
        team: definition
            .team
            .as_ref()
            .map(|t| (t.name.clone(), grade_labels(Scale::Team, lang))),
        rules: rules(round, lang),
        chain_head: None,
    }
}

/// A question as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperQuestion {
    pub number: usize,
    pub label: String,
    pub required: bool,
    pub help: Option<String>,
    /// The skip rule in words: when to answer the question.
    pub condition: Option<String>,
    /// How to answer: pick one, pick several, the range of a number.
    pub how: Option<String>,
    /// Options drawn as boxes.
    pub boxes: Vec<String>,
    /// Boxes in one row (a scale) rather than one per line.
    pub inline: bool,
    /// What the ends of a 0–10 scale mean.
    pub ends: Option<(String, String)>,
    /// A line to write on, with the unit after it.
    pub line: Option<String>,
    /// Ruled lines for a comment.
    pub lines: usize,
}

/// The paper questionnaire of a survey's version.
#[derive(Debug, Template)]
#[template(path = "print/questionnaire.html")]
pub struct QuestionnairePaper {
    pub w: Words,
    pub title: String,
    pub description: Option<String>,
    pub version: String,
    /// The units rated, as boxes when there are several.
    pub targets: Vec<String>,
    pub questions: Vec<PaperQuestion>,
}

/// How a skip rule's value reads: an option's label in quotes, or a number.
fn condition_value(
    definition: &FormDefinition,
    question: &Question,
    value: &ConditionValue,
    lang: Lang,
) -> String {
    let id = match value {
        ConditionValue::Number(n) => return n.to_string(),
        ConditionValue::Option(id) => id,
    };
    let label = match &question.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            options
                .iter()
                .find(|o| &o.id == id)
                .map(|o| o.label.get(lang).to_string())
        }
        QuestionKind::Rating { .. } => definition
            .scale_of(question.id.as_str())
            .and_then(|s| s.option(id.as_str()))
            .map(|o| o.label.get(lang).to_string()),
        _ => None,
    };
    label.unwrap_or_else(|| id.to_string())
}

fn paper_question(
    definition: &FormDefinition,
    number: usize,
    q: &Question,
    lang: Lang,
) -> PaperQuestion {
    let w = Words::new(lang);
    let condition = q.show_if.as_ref().and_then(|show| {
        let (index, controlling) = definition
            .questions
            .iter()
            .enumerate()
            .find(|(_, c)| c.id == show.question)?;
        let values = show
            .condition
            .values()
            .iter()
            .map(|v| {
                msg!(
                    "print-quoted",
                    value = condition_value(definition, controlling, v, lang)
                )
                .render(lang)
            })
            .collect::<Vec<_>>()
            .join(&w.t("print-or"));
        Some(msg!("print-shown-if", number = index + 1, values = values).render(lang))
    });
    let mut paper = PaperQuestion {
        number,
        label: q.label.get(lang).to_string(),
        required: q.required,
        help: q.help.as_ref().map(|h| h.get(lang).to_string()),
        condition,
        how: None,
        boxes: Vec::new(),
        inline: false,
        ends: None,
        line: None,
        lines: 0,
    };
    match &q.kind {
        QuestionKind::SingleChoice { options } => {
            paper.how = Some(w.t("print-pick-one"));
            paper.boxes = options
                .iter()
                .map(|o| o.label.get(lang).to_string())
                .collect();
        }
        QuestionKind::MultipleChoice { options, min, max } => {
            paper.how = Some(match (min, max) {
                (_, Some(max)) => msg!("print-pick-at-most", max = *max).render(lang),
                (Some(min), None) if *min > 1 => {
                    msg!("print-pick-at-least", min = *min).render(lang)
                }
                _ => w.t("print-pick-any"),
            });
            paper.boxes = options
                .iter()
                .map(|o| o.label.get(lang).to_string())
                .collect();
        }
        QuestionKind::Rating { .. } => {
            paper.how = Some(w.t("print-pick-one"));
            paper.inline = true;
            paper.boxes = definition
                .scale_of(q.id.as_str())
                .map(|s| {
                    s.options
                        .iter()
                        .map(|o| o.label.get(lang).to_string())
                        .collect()
                })
                .unwrap_or_default();
        }
        QuestionKind::Score0To10 {
            low_label,
            high_label,
        } => {
            paper.how = Some(w.t("print-pick-one"));
            paper.inline = true;
            paper.boxes = (0..=10).map(|n| n.to_string()).collect();
            paper.ends = Some((
                low_label
                    .as_ref()
                    .map(|l| l.get(lang).to_string())
                    .unwrap_or_default(),
                high_label
                    .as_ref()
                    .map(|l| l.get(lang).to_string())
                    .unwrap_or_default(),
            ));
        }
        QuestionKind::Number {
            min,
            max,
            integer,
            unit,
        } => {
            paper.how = match (min, max) {
                (Some(min), Some(max)) => Some(
                    msg!(
                        "print-number-between",
                        min = min.to_string(),
                        max = max.to_string()
                    )
                    .render(lang),
                ),
                (Some(min), None) => {
                    Some(msg!("print-number-from", min = min.to_string()).render(lang))
                }
                (None, Some(max)) => {
                    Some(msg!("print-number-to", max = max.to_string()).render(lang))
                }
                (None, None) => None,
            };
            if *integer {
                let whole = w.t("print-whole-number");
                paper.how = Some(
                    paper
                        .how
                        .map_or(whole.clone(), |h| format!("{h} · {whole}")),
                );
            }
            paper.line = Some(
                unit.as_ref()
                    .map(|u| u.get(lang).to_string())
                    .unwrap_or_default(),
            );
        }
        QuestionKind::ShortText { .. } => paper.line = Some(String::new()),
        QuestionKind::LongText { .. } => paper.lines = 4,
    }
    paper
}

/// The paper questionnaire's data: every question in order, options as boxes, skip rules in
/// words.
#[must_use]
pub fn questionnaire_paper(lang: Lang, form: &PublicForm) -> QuestionnairePaper {
    let definition = &form.definition;
    QuestionnairePaper {
        w: Words::new(lang),
        title: definition.title.get(lang).to_string(),
        description: definition
            .description
            .as_ref()
            .map(|d| d.get(lang).to_string()),
        version: msg!("print-version", version = form.version).render(lang),
        targets: form.targets.iter().map(|t| t.name.clone()).collect(),
        questions: definition
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| paper_question(definition, i + 1, q, lang))
            .collect(),
    }
}

/// The links to a round's printables, shown in its management block
/// (`templates/print/links.html`): a ballot paper per elector group and the blank tally sheet,
/// as (label, address).
#[must_use]
pub fn round_links(
    lang: Lang,
    info: &RoundInfo,
    link: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    let id = info.id;
    let mut links: Vec<(String, String)> = info
        .definition
        .elector_groups
        .iter()
        .map(|g| {
            let group = form_urlencoded::byte_serialize(g.id.as_bytes()).collect::<String>();
            (
                format!("{} ({})", i18n::tr(lang, "print-ballot-title"), g.label),
                link(&format!(
                    "/dashboard/rounds/{id}/print/ballot?group={group}"
                )),
            )
        })
        .collect();
    links.push((
        i18n::tr(lang, "print-tally-title"),
        link(&format!("/dashboard/rounds/{id}/print/tally")),
    ));
    links
}

/// The links to a survey's printables, as (label, address): the paper questionnaire, and the
/// posters of its target units once it is published.
#[must_use]
pub fn survey_links(
    lang: Lang,
    survey: &Survey,
    link: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    let id = survey.id;
    let mut links = vec![(
        i18n::tr(lang, "print-questionnaire-title"),
        link(&format!("/dashboard/surveys/{id}/print")),
    )];
    // a draft's links do not work yet: its posters come once it is published
    if survey.status != SurveyStatus::Draft {
        links.push((
            i18n::tr(lang, "print-posters-link"),
            link(&format!("/dashboard/surveys/{id}/print/posters")),
        ));
    }
    links
}

/// The value of `name` in the request's query.
fn query_value(req: &HttpRequest, name: &str) -> Option<String> {
    form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The ballot paper (测评票) of a round's elector group (`?group=`).
#[get("/dashboard/rounds/{id}/print/ballot")]
pub async fn ballot(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let group = query_value(&req, "group");
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let (info, round, group) = state
        .db(move |conn| printables::ballot_paper(conn, &caller, id, group.as_deref(), &base))
        .await
        .map_err(page_error(lang))?;
    let page = ballot_paper(lang, &round_title(&info), &round, &group);
    Ok(response(StatusCode::OK, render_html(&page)))
}

/// The blank tally sheet (计票单) of a polling station, for one elector group (`?group=`) or
/// with the groups to tick.
#[get("/dashboard/rounds/{id}/print/tally")]
pub async fn tally(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let group = query_value(&req, "group");
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let (info, round, group, head) = state
        .db(move |conn| {
            let (info, round, group) =
                printables::tally_form(conn, &caller, id, group.as_deref(), &base)?;
            Ok((info, round, group, audit::chain_head(conn)?))
        })
        .await
        .map_err(page_error(lang))?;
    let mut page = tally_paper(lang, &round_title(&info), &round, group.as_ref());
    page.chain_head = Some(head);
    Ok(response(StatusCode::OK, render_html(&page)))
}

/// The paper questionnaire of a survey's latest version.
#[get("/dashboard/surveys/{id}/print")]
pub async fn questionnaire(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let form = state
        .db(move |conn| printables::questionnaire(conn, &caller, id))
        .await
        .map_err(page_error(lang))?;
    Ok(response(
        StatusCode::OK,
        render_html(&questionnaire_paper(lang, &form)),
    ))
}

#[cfg(test)]
mod tests {
    use canvass_protocol::forms::{FormDefinition, Lang};
    use canvass_protocol::rounds::{Round, RoundDefinition};
    use canvass_protocol::surveys::{PublicForm, PublicTarget};

    use super::{ballot_paper, questionnaire_paper, tally_paper};
    use crate::web::page::render_html;

    fn round() -> Round {
        let definition: RoundDefinition = serde_json::from_str(include_str!(
            "../../../docs/examples/round-township-2026.json"
        ))
        .unwrap();
        Round::new(definition).unwrap()
    }

    fn form(targets: &[&str]) -> PublicForm {
        PublicForm {
            slug: "abcdefgh".into(),
            version: 3,
            definition: FormDefinition::from_json(include_str!(
                "../../../docs/examples/survey-window-service.json"
            ))
            .unwrap(),
            targets: targets
                .iter()
                .enumerate()
                .map(|(i, name)| PublicTarget {
                    unit_id: i64::try_from(i).unwrap() + 1,
                    name: (*name).to_string(),
                })
                .collect(),
            villages: Vec::new(),
            min_group_size: 5,
            accepting: true,
            requires_code: false,
        }
    }

    #[test]
    fn the_ballot_paper_lists_the_officials_in_roster_order_with_every_grade_and_the_quota() {
        let round = round();
        let group = round.group("cadres").unwrap().clone();
        let paper = ballot_paper(Lang::ZhCn, "青山镇 2026年度", &round, &group);
        let names: Vec<&str> = paper.officials.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["王建国", "李明", "张丽", "陈志强", "刘芳"]);
        assert_eq!(paper.grades, ["优秀", "称职", "基本称职", "不称职"]);
        assert!(paper.has_dimensions);
        assert_eq!(
            paper.officials[0].aspects,
            ["总体评价", "德", "能", "勤", "绩", "廉"]
        );
        assert_eq!(paper.rules, ["“优秀”不超过 2 名,超过作废。"]);
        let (team, grades) = paper.team.as_ref().unwrap();
        assert_eq!(team, "青山镇领导班子");
        assert_eq!(grades, &["好", "较好", "一般", "差"]);
        let html = render_html(&paper);
        assert!(html.contains("“优秀”不超过 2 名,超过作废。"));
        assert_eq!(html.matches("class=\"box\"").count(), 5 * 6 * 4 + 4);
    }

    #[test]
    fn the_ballot_paper_speaks_english_when_asked() {
        let round = round();
        let group = round.group("cadres").unwrap().clone();
        let paper = ballot_paper(Lang::En, "Qingshan 2026", &round, &group);
        assert_eq!(
            paper.rules,
            ["At most 2 marked “excellent”; a ballot with more is invalid."]
        );
        let html = render_html(&paper);
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"en\">"),
            "{html}"
        );
        assert!(html.contains("Democratic appraisal ballot"));
    }

    #[test]
    fn the_tally_sheet_has_a_row_per_official_and_aspect_and_a_column_per_grade_and_abstention() {
        let round = round();
        let paper = tally_paper(Lang::ZhCn, "青山镇 2026年度", &round, None);
        assert_eq!(paper.group, None);
        assert_eq!(paper.groups.len(), round.definition().elector_groups.len());
        let html = render_html(&paper);
        for words in [
            "发出票数",
            "收回票数",
            "有效票数",
            "废票数",
            "弃权",
            "计票人",
            "监票人",
        ] {
            assert!(html.contains(words), "{words}");
        }
        assert!(html.contains("收回票数不得多于发出票数"));
        // 5 officials × 6 aspects × (4 grades, abstained, total), 4 counts, the team's 6
        assert_eq!(html.matches("class=\"cell\"").count(), 5 * 6 * 6 + 4 + 6);
        let one = tally_paper(Lang::ZhCn, "青山镇 2026年度", &round, round.group("cadres"));
        assert_eq!(
            one.group.as_deref(),
            round.group("cadres").map(|g| g.label.as_str())
        );
    }

    #[test]
    fn the_questionnaire_has_every_question_with_boxes_and_its_skip_rules_in_words() {
        let form = form(&["县市场监督管理局", "县人社局"]);
        let paper = questionnaire_paper(Lang::ZhCn, &form);
        assert_eq!(paper.questions.len(), form.definition.questions.len());
        assert_eq!(paper.version, "第 3 版");
        assert_eq!(paper.targets.len(), 2);
        let reasons = paper
            .questions
            .iter()
            .find(|q| q.label == "您不满意的主要原因是什么?")
            .unwrap();
        let overall = form
            .definition
            .questions
            .iter()
            .position(|q| q.id.as_str() == "overall")
            .unwrap();
        assert_eq!(
            reasons.condition.as_deref(),
            Some(format!("(第 {} 题选 “不满意” 时回答本题,否则跳过)", overall + 1).as_str())
        );
        assert!(!reasons.boxes.is_empty());
        let trips = paper
            .questions
            .iter()
            .find(|q| q.line.as_deref() == Some("次"))
            .unwrap();
        assert!(
            trips.condition.as_ref().unwrap().contains("或"),
            "{trips:?}"
        );
        assert!(trips.how.as_ref().unwrap().contains("1 至 20"), "{trips:?}");
        let en = questionnaire_paper(Lang::En, &form);
        let html = render_html(&en);
        assert!(html.contains("What were the main reasons you were dissatisfied?"));
        assert!(html.contains("Answer only if question"));
    }
}
