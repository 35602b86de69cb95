//! The dashboards of leaders, organisers and administrators: the overview of the account's
//! subtree, a survey's results, an appraisal round's report. Every figure comes from the same
//! [`SurveyResults`] and [`RoundReport`] the JSON API answers for the caller, so a leader sees
//! exactly the API's disclosure-controlled figures and an organiser its exact ones, marked.

use std::fmt::Write;

use actix_web::{get, web, HttpRequest, HttpResponse};
use canvass_protocol::forms::Lang;
use canvass_protocol::rounds::{Condition, Flag, Grade, Measurement, SubjectRef};
use canvass_protocol::rounds::{RoundReport, RoundStatus};
use canvass_protocol::surveys::{Figure, RankedTarget, SurveyResults, SurveyStatus};

use super::charts::{self, Row, Segment, NEUTRAL, PALETTE};
use super::frame::{
    figure_html, frame, grade_label, hidden_legend, manages, path_id, reason_text, value_text, Fmt,
};
use super::organiser::{round_actions, survey_actions, turnout_section};
use super::page::esc;
use super::session::{page_error, Session, WebError};
use super::t;
use crate::domain::{rounds, surveys};
use crate::http::AppState;

/// Most instruments of each kind the overview lists (newest first).
const OVERVIEW_LIMIT: usize = 20;

/// A figure for a chart: its value, or the reason it is not drawn.
fn chart_value(lang: Lang, figure: &Figure) -> Result<f64, String> {
    match (figure.value, &figure.hidden) {
        (Some(v), _) => Ok(v),
        (None, Some(reason)) => Err(reason_text(lang, reason)),
        (None, None) => Err("—".into()),
    }
}

fn survey_status_label(lang: Lang, status: SurveyStatus) -> &'static str {
    match status {
        SurveyStatus::Draft => t(lang, "草稿", "draft"),
        SurveyStatus::Open => t(lang, "进行中", "open"),
        SurveyStatus::Closed => t(lang, "已结束", "closed"),
    }
}

fn round_status_label(lang: Lang, status: RoundStatus) -> &'static str {
    match status {
        RoundStatus::Draft => t(lang, "草稿", "draft"),
        RoundStatus::Open => t(lang, "投票中", "open"),
        RoundStatus::Closed => t(lang, "已结束投票", "closed"),
        RoundStatus::Published => t(lang, "已公布", "published"),
    }
}

/// The overview of what the account may see: open and recent surveys and rounds with their
/// response and turnout counts, current flags and the bottom-ranked units.
#[get("/dashboard")]
pub async fn overview(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let (surveys, rounds) = state
        .db(move |conn| {
            Ok((
                surveys::recent_results(conn, &caller, OVERVIEW_LIMIT)?,
                rounds::recent_reports(conn, &caller, OVERVIEW_LIMIT, &base)?,
            ))
        })
        .await
        .map_err(page_error(lang))?;

    let mut b = String::with_capacity(8192);
    let _ = write!(b, "<h1>{}</h1>", t(lang, "看板总览", "Overview"));
    if manages(&session) {
        let _ = write!(
            b,
            "<p class=\"note\">{}</p>",
            t(
                lang,
                "您看到的是精确数字;标注“领导看到:隐藏”的数字,领导看不到。",
                "You see the exact figures; figures marked \"leaders see: hidden\" are hidden from leaders."
            )
        );
    }

    let _ = write!(
        b,
        "<h2>{}</h2>",
        t(lang, "满意度测评", "Satisfaction surveys")
    );
    if surveys.is_empty() {
        let _ = write!(b, "<p>{}</p>", t(lang, "暂无。", "None yet."));
    } else {
        let _ = write!(
            b,
            "<div class=\"scroll\"><table><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>",
            t(lang, "测评", "Survey"),
            t(lang, "状态", "Status"),
            t(lang, "答卷", "Responses"),
            t(lang, "排名靠后(需整改)", "Bottom ranked (rectification)"),
        );
        for (id, r) in &surveys {
            let _ = write!(
                b,
                "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&session.link(&format!("/dashboard/surveys/{id}"))),
                esc(r.title.get(lang)),
                survey_status_label(lang, r.status),
                figure_html(lang, &r.total_responses, Fmt::Count),
                bottom_names(r),
            );
        }
        b.push_str("</tbody></table></div>");
    }

    let _ = write!(
        b,
        "<h2>{}</h2>",
        t(lang, "民主测评", "Democratic appraisals")
    );
    if rounds.is_empty() {
        let _ = write!(b, "<p>{}</p>", t(lang, "暂无。", "None yet."));
    } else {
        let _ = write!(
            b,
            "<div class=\"scroll\"><table><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
            t(lang, "测评", "Round"),
            t(lang, "状态", "Status"),
            t(lang, "有效票 / 废票", "Valid / invalid ballots"),
            t(lang, "警示", "Flags"),
        );
        for (info, report) in &rounds {
            let (ballots, flags) = match report {
                Some(r) => (
                    format!(
                        "{} / {}",
                        r.results.groups.iter().map(|g| g.valid).sum::<u64>(),
                        r.results.groups.iter().map(|g| g.invalid).sum::<u64>()
                    ),
                    r.flags.len().to_string(),
                ),
                None => (
                    t(lang, "未公布", "not published").to_string(),
                    "—".to_string(),
                ),
            };
            let _ = write!(
                b,
                "<tr><td><a href=\"{}\">{} {}</a></td><td>{}</td><td class=\"n\">{ballots}</td><td class=\"n\">{flags}</td></tr>",
                esc(&session.link(&format!("/dashboard/rounds/{}", info.id))),
                esc(&info.series_name),
                esc(&info.period),
                round_status_label(lang, info.status),
            );
        }
        b.push_str("</tbody></table></div>");
    }

    let flags: Vec<(&RoundReport, &Flag)> = rounds
        .iter()
        .filter_map(|(_, r)| r.as_ref())
        .flat_map(|r| r.flags.iter().map(move |f| (r, f)))
        .collect();
    let _ = write!(b, "<h2>{}</h2>", t(lang, "当前警示", "Current flags"));
    if flags.is_empty() {
        let _ = write!(b, "<p>{}</p>", t(lang, "没有警示。", "No flags."));
    }
    for (report, flag) in flags {
        let _ = write!(
            b,
            "<div class=\"flag\"><strong>{}</strong> — {} ({} {})<br>{}</div>",
            esc(&flag.subject_name),
            esc(&flag.rule.label),
            esc(&report.round.series_name),
            esc(&report.round.period),
            flag_numbers(lang, flag)
        );
    }

    let _ = write!(
        b,
        "<h2>{}</h2>",
        t(
            lang,
            "排名靠后、需要整改的单位",
            "Bottom-ranked units needing rectification"
        )
    );
    let bottoms: Vec<(&SurveyResults, &RankedTarget)> = surveys
        .iter()
        .flat_map(|(_, r)| r.bottom.iter().map(move |b| (r, b)))
        .collect();
    if bottoms.is_empty() {
        let _ = write!(b, "<p>{}</p>", t(lang, "暂无排名。", "No rankings yet."));
    } else {
        b.push_str("<ul>");
        for (r, entry) in bottoms {
            let _ = write!(
                b,
                "<li>{} — {} {} ({} {}, n={})</li>",
                esc(r.title.get(lang)),
                esc(&entry.name),
                match lang {
                    Lang::ZhCn => format!("第{}名", entry.rank),
                    Lang::En => format!("rank {}", entry.rank),
                },
                t(lang, "综合得分", "score"),
                value_text(entry.composite_score, Fmt::Score),
                entry.n
            );
        }
        b.push_str("</ul>");
    }
    Ok(frame(&session, &req, t(lang, "看板总览", "Overview"), &b))
}

fn bottom_names(r: &SurveyResults) -> String {
    esc(&r
        .bottom
        .iter()
        .map(|e| e.name.as_str())
        .collect::<Vec<_>>()
        .join("、"))
}

/// The rule and the numbers that raised a flag, every round the rule looked at.
#[must_use]
pub fn flag_numbers(lang: Lang, flag: &Flag) -> String {
    let rule = match &flag.rule.condition {
        Condition::Share {
            grades,
            comparison,
            threshold,
            ..
        } => format!(
            "{} {} {threshold}",
            grades
                .iter()
                .map(|g| grade_label(lang, *g))
                .collect::<Vec<_>>()
                .join("+"),
            comparison.symbol()
        ),
        Condition::ResultGrade { grades } => format!(
            "{} {}",
            t(lang, "结果等次为", "result grade is"),
            grades
                .iter()
                .map(|g| grade_label(lang, *g))
                .collect::<Vec<_>>()
                .join(" / ")
        ),
    };
    let rounds = if flag.rule.consecutive_rounds > 1 {
        match lang {
            Lang::ZhCn => format!(",连续{}轮", flag.rule.consecutive_rounds),
            Lang::En => format!(", {} rounds in a row", flag.rule.consecutive_rounds),
        }
    } else {
        String::new()
    };
    let evidence: Vec<String> = flag
        .evidence
        .iter()
        .map(|e| {
            let measured = match &e.measurement {
                Measurement::VoteShare { share } => format!(
                    "{}/{} = {}",
                    share.count,
                    share.out_of,
                    share
                        .ratio
                        .map_or_else(|| "—".into(), |r| value_text(r, Fmt::Percent))
                ),
                Measurement::WeightedShare {
                    ratio,
                    graded_votes,
                } => format!(
                    "{} {} ({} {graded_votes})",
                    t(lang, "加权", "weighted"),
                    value_text(*ratio, Fmt::Percent),
                    t(lang, "有效评价票", "graded votes")
                ),
                Measurement::ResultGrade {
                    grade,
                    weighted_share,
                    ..
                } => format!(
                    "{} ({})",
                    grade_label(lang, *grade),
                    value_text(*weighted_share, Fmt::Percent)
                ),
            };
            format!("{}: {measured}", e.period)
        })
        .collect();
    esc(&format!(
        "{}: {rule}{rounds}. {}",
        t(lang, "规则", "Rule"),
        evidence.join("; ")
    ))
}

// ---- survey page ---------------------------------------------------------------------------

/// A survey's results as the caller may see them: summary, ranking, distributions per question,
/// coverage per village, the weekly trend and comments.
#[get("/dashboard/surveys/{id}")]
pub async fn survey_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let (results, survey) = state
        .db(move |conn| {
            let results = surveys::results(conn, &caller, id)?;
            Ok((results, surveys::get(conn, &caller, id, &base)?))
        })
        .await
        .map_err(page_error(lang))?;
    let r = &results;
    let mut b = String::with_capacity(32 * 1024);
    let _ = write!(
        b,
        "<h1>{}</h1><p>{} · {} · {}</p>",
        esc(r.title.get(lang)),
        survey_status_label(lang, r.status),
        match lang {
            Lang::ZhCn => format!("第{}版", r.version.unwrap_or(0)),
            Lang::En => format!("version {}", r.version.unwrap_or(0)),
        },
        match lang {
            Lang::ZhCn => format!(
                "不足{}人的数字隐藏,不足{}人不显示意见",
                r.min_group_size, r.comment_min_group_size
            ),
            Lang::En => format!(
                "figures on fewer than {} are hidden, comments on fewer than {}",
                r.min_group_size, r.comment_min_group_size
            ),
        }
    );
    if !r.exact {
        b.push_str(&hidden_legend(lang));
    }
    if r.exact {
        let _ = write!(
            b,
            "<p class=\"note\">{}</p>",
            t(
                lang,
                "精确数字(组织部门用于正式决定);标注“领导看到:隐藏”的数字,领导看不到。",
                "Exact figures (for official decisions); figures marked \"leaders see: hidden\" are hidden from leaders."
            )
        );
    }
    let _ = write!(
        b,
        "<p>{}: <a href=\"{}\">CSV</a> · <a href=\"{}\">XLSX</a>",
        t(lang, "导出汇总表", "Export the summary tables"),
        esc(&session.link(&format!("/dashboard/surveys/{id}/export.csv"))),
        esc(&session.link(&format!("/dashboard/surveys/{id}/export.xlsx"))),
    );
    if manages(&session) {
        let _ = write!(
            b,
            " · <a href=\"{}\">{}</a>",
            esc(&session.link(&format!("/dashboard/surveys/{id}/answers.csv"))),
            t(lang, "全部答卷 CSV", "every answer, CSV")
        );
    }
    b.push_str("</p>");
    if manages(&session) {
        survey_actions(&mut b, &session, &survey);
    }

    // summary
    let _ = write!(
        b,
        "<h2>{}</h2><div class=\"scroll\"><table><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        t(lang, "汇总", "Summary"),
        t(lang, "单位", "Unit"),
        t(lang, "答卷", "Responses"),
        t(lang, "满意率", "Satisfaction rate"),
        t(lang, "综合得分", "Composite score"),
        t(lang, "排名", "Rank"),
    );
    for target in &r.targets {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&target.name),
            figure_html(lang, &target.responses, Fmt::Count),
            figure_html(lang, &target.satisfaction_rate, Fmt::Percent),
            figure_html(lang, &target.composite_score, Fmt::Score),
            target.rank.map_or_else(|| "—".into(), |r| r.to_string()),
        );
    }
    let _ = write!(
        b,
        "</tbody><tfoot><tr><th>{}</th><td class=\"n\">{}</td><td></td><td></td><td></td></tr></tfoot></table></div>",
        t(lang, "合计", "Total"),
        figure_html(lang, &r.total_responses, Fmt::Count)
    );
    // the reason text of hidden rows is owned; keep it alive beside the rows
    let reasons: Vec<String> = r
        .targets
        .iter()
        .map(|target| {
            chart_value(lang, &target.composite_score)
                .err()
                .unwrap_or_default()
        })
        .collect();
    let score_rows: Vec<Row<'_, (f64, String)>> = r
        .targets
        .iter()
        .zip(&reasons)
        .map(|(target, reason)| Row {
            label: target.name.clone(),
            value: chart_value(lang, &target.composite_score)
                .map(|v| (v, value_text(v, Fmt::Score)))
                .map_err(|_| reason.as_str()),
        })
        .collect();
    b.push_str(&charts::value_bars(
        "scores",
        t(lang, "各单位综合得分", "Composite score per unit"),
        100.0,
        &score_rows,
    ));

    // ranking
    let _ = write!(b, "<h2>{}</h2>", t(lang, "排名", "Ranking"));
    if r.ranking.is_empty() {
        let _ = write!(
            b,
            "<p>{}</p>",
            t(lang, "尚无可排名的单位。", "No unit can be ranked yet.")
        );
    } else {
        ranking_list(&mut b, lang, &r.ranking, "ranking");
        let _ = write!(b, "<h3>{}</h3>", t(lang, "前三名", "Top three"));
        ranking_list(&mut b, lang, &r.top, "top");
        let _ = write!(
            b,
            "<h3>{}</h3>",
            t(lang, "后三名(需整改)", "Bottom three (rectification)")
        );
        ranking_list(&mut b, lang, &r.bottom, "bottom");
    }

    // coverage
    let _ = write!(
        b,
        "<h2>{}</h2><div class=\"scroll\"><table id=\"villages\"><thead><tr><th>{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        t(lang, "各村(社区)答卷", "Coverage per village"),
        t(lang, "村(社区)", "Village"),
        t(lang, "答卷", "Responses"),
    );
    for v in &r.villages {
        let name = if v.unit_id.is_none() {
            t(lang, "未填写", "not stated").to_string()
        } else {
            v.name.clone()
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            esc(&name),
            figure_html(lang, &v.responses, Fmt::Count)
        );
    }
    b.push_str("</tbody></table></div>");

    // weekly trend
    if r.weeks.len() >= 2 {
        let reasons: Vec<String> = r
            .weeks
            .iter()
            .map(|w| chart_value(lang, &w.responses).err().unwrap_or_default())
            .collect();
        let rows: Vec<Row<'_, f64>> = r
            .weeks
            .iter()
            .zip(&reasons)
            .map(|(w, reason)| Row {
                label: w.week.clone(),
                value: chart_value(lang, &w.responses).map_err(|_| reason.as_str()),
            })
            .collect();
        let _ = write!(b, "<h2>{}</h2>", t(lang, "每周答卷", "Responses per week"));
        b.push_str(&charts::columns(
            "weeks",
            t(lang, "每周答卷数", "Responses per week"),
            &rows,
        ));
        let _ = write!(
            b,
            "<details><summary>{}</summary><table><tbody>",
            t(lang, "数字", "Figures")
        );
        for w in &r.weeks {
            let _ = write!(
                b,
                "<tr><td>{} {}</td><td class=\"n\">{}</td></tr>",
                t(lang, "周一", "week of"),
                esc(&w.week),
                figure_html(lang, &w.responses, Fmt::Count)
            );
        }
        b.push_str("</tbody></table></details>");
    }

    // per target
    for (ti, target) in r.targets.iter().enumerate() {
        let _ = write!(
            b,
            "<h2 id=\"t{}\">{}</h2>",
            target.unit_id,
            esc(&target.name)
        );
        if let (None, Some(reason)) = (target.responses.value, &target.responses.hidden) {
            let _ = write!(
                b,
                "<p class=\"hid\">{}</p>",
                esc(&reason_text(lang, reason))
            );
            continue;
        }
        for (qi, q) in target.questions.iter().enumerate() {
            if q.options.is_empty() && q.mean.is_none() {
                continue;
            }
            let _ = write!(
                b,
                "<h3>{}</h3><p class=\"hint\">{}: {}",
                esc(q.label.get(lang)),
                t(lang, "作答人数", "answered"),
                figure_html(lang, &q.answered, Fmt::Count)
            );
            if let Some(rate) = &q.satisfaction_rate {
                let _ = write!(
                    b,
                    " · {}: {}",
                    t(lang, "满意率", "satisfaction rate"),
                    figure_html(lang, rate, Fmt::Percent)
                );
            }
            if let Some(score) = &q.composite_score {
                let _ = write!(
                    b,
                    " · {}: {}",
                    t(lang, "得分", "score"),
                    figure_html(lang, score, Fmt::Score)
                );
            }
            if let Some(mean) = &q.mean {
                let _ = write!(
                    b,
                    " · {}: {}",
                    t(lang, "平均", "mean"),
                    figure_html(lang, mean, Fmt::Score)
                );
            }
            b.push_str("</p>");
            if q.options.is_empty() {
                continue;
            }
            let hidden = q
                .options
                .first()
                .and_then(|o| o.share.hidden.filter(|_| o.share.value.is_none()));
            let label = q.label.get(lang).to_string();
            let reason = hidden.map(|h| reason_text(lang, &h)).unwrap_or_default();
            let count = q.options.len();
            let segments: Vec<Segment<'_>> = q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| Segment {
                    label: o.label.get(lang),
                    share: o.share.value.unwrap_or(0.0),
                    colour: if q.kind == "rating" && i + 1 == count && count > 3 {
                        NEUTRAL
                    } else {
                        PALETTE[i % PALETTE.len()]
                    },
                })
                .collect();
            let rows = [Row {
                label,
                value: if hidden.is_some() {
                    Err(reason.as_str())
                } else {
                    Ok(segments)
                },
            }];
            if q.kind != "score_0_10" {
                b.push_str(&charts::stacked_bars(
                    &format!("q{ti}-{qi}"),
                    q.label.get(lang),
                    &rows,
                ));
            }
            let _ = write!(
                b,
                "<div class=\"scroll\"><table><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
                t(lang, "选项", "Option"),
                t(lang, "人数", "Count"),
                t(lang, "占比", "Share"),
            );
            for o in &q.options {
                let _ = write!(
                    b,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                    esc(o.label.get(lang)),
                    figure_html(lang, &o.count, Fmt::Count),
                    figure_html(lang, &o.share, Fmt::Percent)
                );
            }
            b.push_str("</tbody></table></div>");
        }
        let _ = write!(b, "<h3>{}</h3>", t(lang, "意见和建议", "Comments"));
        match &target.comments.hidden {
            Some(reason) if target.comments.items.is_empty() => {
                let _ = write!(
                    b,
                    "<p class=\"hid\">{}</p>",
                    esc(&match lang {
                        Lang::ZhCn => format!("不显示:答卷不足{}份", r.comment_min_group_size),
                        Lang::En => format!(
                            "not shown: fewer than {} responses",
                            r.comment_min_group_size
                        ),
                    })
                );
                let _ = reason;
            }
            _ if target.comments.items.is_empty() => {
                let _ = write!(b, "<p>{}</p>", t(lang, "没有意见。", "No comments."));
            }
            hidden => {
                if hidden.is_some() {
                    let _ = write!(
                        b,
                        "<p class=\"hid\">{}</p>",
                        t(
                            lang,
                            "领导看不到这些意见(答卷太少)。",
                            "Leaders do not see these comments (too few responses)."
                        )
                    );
                }
                b.push_str("<ul class=\"comments\">");
                for c in &target.comments.items {
                    let _ = write!(b, "<li>{}</li>", esc(&c.text));
                }
                b.push_str("</ul>");
                if target.comments.more {
                    let _ = write!(
                        b,
                        "<p class=\"hint\">{}</p>",
                        esc(t(
                            lang,
                            "只显示100条意见(随机抽取);全部意见见答卷导出。",
                            "Showing 100 comments (a random sample); every comment is in the answers export."
                        ))
                    );
                }
            }
        }
    }
    Ok(frame(&session, &req, r.title.get(lang), &b))
}

fn ranking_list(b: &mut String, lang: Lang, entries: &[RankedTarget], class: &str) {
    let _ = write!(b, "<ol class=\"rank {class}\">");
    for e in entries {
        let _ = write!(
            b,
            "<li value=\"{}\">{} — {} {} (n={})</li>",
            e.rank,
            esc(&e.name),
            t(lang, "综合得分", "score"),
            value_text(e.composite_score, Fmt::Score),
            e.n
        );
    }
    b.push_str("</ol>");
}

// ---- round page ----------------------------------------------------------------------------

/// The colour of a grade: best green to worst red.
#[must_use]
pub fn grade_colour(grade: Grade) -> &'static str {
    match grade {
        Grade::Excellent | Grade::Good => PALETTE[0],
        Grade::Competent | Grade::FairlyGood => PALETTE[1],
        Grade::BasicallyCompetent | Grade::Average => PALETTE[2],
        Grade::Incompetent | Grade::Poor => PALETTE[3],
    }
}

/// A round's report: per official the grades per elector group and weighted, flags with their
/// numbers, the team grade, the previous round, turnout and stations.
#[get("/dashboard/rounds/{id}")]
pub async fn round_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let id = path_id(lang, &id)?;
    let caller = session.caller.clone();
    let base = state.public_url.clone();
    let manager = manages(&session);
    // organisers see the round page (to run it) even before anything is counted
    let report = state
        .db(move |conn| rounds::report(conn, &caller, id, &base))
        .await
        .map_err(page_error(lang))?;
    let info = report.round.clone();
    let r = &report;
    let mut b = String::with_capacity(32 * 1024);
    let _ = write!(
        b,
        "<h1>{} {}</h1><p>{} · {}</p>",
        esc(&info.series_name),
        esc(&info.period),
        round_status_label(lang, info.status),
        esc(&match lang {
            Lang::ZhCn => format!("不足{}票的投票人类别隐藏", info.min_group_size),
            Lang::En => format!(
                "elector groups with fewer than {} ballots are hidden",
                info.min_group_size
            ),
        })
    );
    if !r.exact {
        b.push_str(&hidden_legend(lang));
    }
    if r.exact {
        let _ = write!(
            b,
            "<p class=\"note\">{}</p>",
            t(
                lang,
                "精确计票(组织部门用于警示规则);领导只能看到公布后、达到人数的类别。",
                "Exact tally (for the flag rules); leaders see only published results of large enough groups."
            )
        );
    }
    let _ = write!(
        b,
        "<p>{}: <a href=\"{}\">CSV</a> · <a href=\"{}\">XLSX</a></p>",
        t(lang, "导出汇总表", "Export the summary tables"),
        esc(&session.link(&format!("/dashboard/rounds/{id}/export.csv"))),
        esc(&session.link(&format!("/dashboard/rounds/{id}/export.xlsx"))),
    );
    if manager {
        round_actions(&mut b, &session, &info);
    }
    if !r.hidden_groups.is_empty() {
        let _ = write!(b, "<h2>{}</h2><ul>", t(lang, "隐藏的类别", "Hidden groups"));
        for h in &r.hidden_groups {
            let label = info
                .definition
                .elector_groups
                .iter()
                .find(|g| g.id == h.elector_group)
                .map_or(h.elector_group.as_str(), |g| g.label.as_str());
            let _ = write!(
                b,
                "<li>{} — <span class=\"hid\">{}</span></li>",
                esc(label),
                esc(&reason_text(lang, &h.reason))
            );
        }
        b.push_str("</ul>");
    }

    // flags
    let _ = write!(b, "<h2>{}</h2>", t(lang, "警示", "Flags"));
    if r.flags.is_empty() {
        let _ = write!(b, "<p>{}</p>", t(lang, "没有警示。", "No flags."));
    }
    for flag in &r.flags {
        let _ = write!(
            b,
            "<div class=\"flag\"><strong>{}</strong> — {}<br>{}</div>",
            esc(&flag.subject_name),
            esc(&flag.rule.label),
            flag_numbers(lang, flag)
        );
    }

    // grades per subject
    let _ = write!(b, "<h2>{}</h2>", t(lang, "测评结果", "Results"));
    let group_label = |id: &str| {
        info.definition
            .elector_groups
            .iter()
            .find(|g| g.id == id)
            .map_or_else(|| id.to_string(), |g| g.label.clone())
    };
    for (si, subject) in r.results.subjects.iter().enumerate() {
        let heading = match (&subject.subject, &subject.position) {
            (SubjectRef::Team, _) => format!("{} ({})", subject.name, t(lang, "领导班子", "team")),
            (_, Some(p)) => format!("{} · {p}", subject.name),
            _ => subject.name.clone(),
        };
        let _ = write!(b, "<h3>{}</h3><p class=\"hint\">", esc(&heading));
        if let Some(grade) = subject.overall.result_grade {
            let _ = write!(
                b,
                "{}: <strong>{}</strong> · ",
                if subject.subject == SubjectRef::Team {
                    t(lang, "班子等次", "team grade")
                } else {
                    t(lang, "等次", "grade")
                },
                grade_label(lang, grade)
            );
        }
        if let Some(score) = subject.overall.score {
            let _ = write!(
                b,
                "{}: {} · ",
                t(lang, "得分", "score"),
                value_text(score, Fmt::Score)
            );
        }
        if let Some(rank) = subject.rank {
            let _ = write!(b, "{}: {rank} · ", t(lang, "排名", "rank"));
        }
        let _ = write!(
            b,
            "{}: {}</p>",
            t(lang, "弃权", "abstentions"),
            subject.overall.pooled.abstentions
        );
        let grades: Vec<Grade> = subject.overall.pooled.counts.keys().copied().collect();
        let mut rows: Vec<Row<'_, Vec<Segment<'_>>>> = subject
            .overall
            .by_group
            .iter()
            .map(|g| Row {
                label: group_label(&g.elector_group),
                value: Ok(grades
                    .iter()
                    .map(|grade| Segment {
                        label: grade_label(lang, *grade),
                        share: g.shares.get(grade).and_then(|s| s.ratio).unwrap_or(0.0),
                        colour: grade_colour(*grade),
                    })
                    .collect()),
            })
            .collect();
        rows.push(Row {
            label: t(lang, "加权合计", "Weighted").to_string(),
            value: Ok(grades
                .iter()
                .map(|grade| Segment {
                    label: grade_label(lang, *grade),
                    share: subject
                        .overall
                        .weighted_shares
                        .get(grade)
                        .copied()
                        .unwrap_or(0.0),
                    colour: grade_colour(*grade),
                })
                .collect()),
        });
        b.push_str(&charts::stacked_bars(&format!("s{si}"), &heading, &rows));
        let _ = write!(
            b,
            "<div class=\"scroll\"><table><thead><tr><th>{}</th>",
            t(lang, "类别", "Group")
        );
        for grade in &grades {
            let _ = write!(b, "<th class=\"n\">{}</th>", grade_label(lang, *grade));
        }
        let _ = write!(
            b,
            "<th class=\"n\">{}</th></tr></thead><tbody>",
            t(lang, "弃权", "Abst.")
        );
        for g in &subject.overall.by_group {
            let _ = write!(b, "<tr><td>{}</td>", esc(&group_label(&g.elector_group)));
            for grade in &grades {
                let _ = write!(b, "<td class=\"n\">{}</td>", g.tally.count(*grade));
            }
            let _ = write!(b, "<td class=\"n\">{}</td></tr>", g.tally.abstentions);
        }
        let _ = write!(b, "<tr><td>{}</td>", t(lang, "加权占比", "Weighted share"));
        for grade in &grades {
            let _ = write!(
                b,
                "<td class=\"n\">{}</td>",
                value_text(
                    subject
                        .overall
                        .weighted_shares
                        .get(grade)
                        .copied()
                        .unwrap_or(0.0),
                    Fmt::Percent
                )
            );
        }
        b.push_str("<td></td></tr></tbody></table></div>");
        if let Some(previous) = r.previous.as_ref().and_then(|p| {
            p.subjects
                .iter()
                .find(|s| s.subject == subject.subject)
                .map(|s| (p, s))
        }) {
            let (p, s) = previous;
            let _ = write!(
                b,
                "<p class=\"hint\">{} ({}): {} {} · {} {}</p>",
                t(lang, "上一轮", "Previous round"),
                esc(&p.period),
                t(lang, "得分", "score"),
                s.score
                    .map_or_else(|| "—".into(), |v| value_text(v, Fmt::Score)),
                t(lang, "排名", "rank"),
                s.rank.map_or_else(|| "—".into(), |v| v.to_string()),
            );
        }
    }

    turnout_section(&mut b, lang, r);
    Ok(frame(
        &session,
        &req,
        &format!("{} {}", info.series_name, info.period),
        &b,
    ))
}
