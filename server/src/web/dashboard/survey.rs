//! A survey's results page: the rule that hides small figures, a table of contents, the
//! summary and ranking with the units to rectify, coverage per village and week, then a
//! collapsed section per unit with its questions and comments.

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n;
use canvass_protocol::msg;
use canvass_protocol::surveys::{
    AnomalyFlag, Figure, QuestionResults, RankedTarget, SurveyResults, TargetResults,
};

use super::overview::place_words;
use super::rectify_rule;
use super::{reason_words, survey_status_label, Fig, Link};
use crate::web::charts::{self, Row, Segment, NEUTRAL, PALETTE};
use crate::web::frame::{value_text, Fmt};

/// The catalogue ids of the survey's export tables, in the order `?table=` counts them.
pub const SURVEY_TABLES: [&str; 5] = [
    "dashboard-table-summary",
    "dashboard-table-questions",
    "dashboard-table-villages",
    "dashboard-table-weeks",
    "dashboard-table-comments",
];

/// The survey page's data.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyPage {
    pub title: String,
    /// Status and version, in words.
    pub status: String,
    /// How small figures are hidden, exactly as applied.
    pub hiding_rule: String,
    /// Whether the caller sees exact figures (organisers).
    pub exact: bool,
    /// Whether some figure is hidden from the caller (the legend of "hidden*" is shown then).
    pub any_hidden: bool,
    /// Each results table as CSV, then the workbook, then (organisers) every answer.
    pub exports: Vec<Link>,
    /// The organiser's management block (`web::organiser`).
    pub manage: Option<crate::web::organiser::SurveyManage>,
    /// The sections of the page.
    pub toc: Vec<Link>,
    pub summary: Vec<SummaryRow>,
    pub total: Fig,
    /// The composite scores as a chart.
    pub score_chart: charts::ValueBars,
    pub ranking: Vec<Place>,
    pub top: Vec<Place>,
    pub rectify: Vec<Place>,
    /// The rectification rule in words.
    pub rectify_rule: String,
    pub villages: Vec<(String, Fig)>,
    /// Every village, those with no answer included (the coverage page).
    pub coverage: Link,
    /// The trend of the survey's series, when it belongs to one (set by the page's handler,
    /// which knows the survey).
    pub trend: Option<Link>,
    /// The rectification items found after the survey.
    pub rectification: Link,
    /// The weekly trend as a chart, when the survey ran two weeks or more.
    pub week_chart: Option<charts::Columns>,
    pub weeks: Vec<(String, Fig)>,
    pub targets: Vec<TargetSection>,
    /// The anomaly flags for review, in words (organisers only: `None` for others).
    pub flags: Option<Vec<String>>,
}

/// An anomaly flag in words: a burst with its unit, hour (China Standard Time) and size; a
/// village with its shares of the answers and of the people.
#[must_use]
pub fn flag_text(lang: Lang, flag: &AnomalyFlag) -> String {
    match flag {
        AnomalyFlag::Burst {
            target,
            hour,
            identical,
            ..
        } => {
            let day = canvass_protocol::calendar::Day::of(*hour);
            let hour_of_day = (hour + canvass_protocol::calendar::OFFSET_SECS)
                .rem_euclid(canvass_protocol::calendar::SECS_PER_DAY)
                / 3600;
            msg!(
                "dashboard-anomaly-flag-burst",
                unit = target.as_str(),
                hour = format!("{day} {hour_of_day:02}:00"),
                count = *identical
            )
            .render(lang)
        }
        AnomalyFlag::VillageShare {
            village,
            answers,
            answer_share,
            population_share,
            ..
        } => msg!(
            "dashboard-anomaly-flag-village-share",
            village = village.as_str(),
            count = *answers,
            answers = format!("{:.0}%", answer_share * 100.0),
            people = format!("{:.0}%", population_share * 100.0)
        )
        .render(lang),
    }
}

/// One unit in the summary table.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub name: String,
    /// The anchor of its section.
    pub anchor: String,
    pub answers: Fig,
    pub rate: Fig,
    pub score: Fig,
    pub rank: String,
}

/// A place in a ranking list.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub rank: u32,
    pub name: String,
    pub score: String,
    /// The unit's answer sheets.
    pub answers: u64,
    /// Place, score and answer sheets, in words.
    pub line: String,
}

/// A unit's section.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSection {
    pub anchor: String,
    pub name: String,
    /// Score and answer sheets, for the collapsed section's line.
    pub headline: String,
    /// Why the whole unit is hidden, when it is.
    pub hidden: Option<String>,
    pub questions: Vec<QuestionBlock>,
    pub comments: CommentsBlock,
}

/// One question's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionBlock {
    pub label: String,
    /// Answer sheets that answered it.
    pub answered: Fig,
    pub rate: Option<Fig>,
    pub score: Option<Fig>,
    pub mean: Option<Fig>,
    /// The distribution as a chart, when one is drawn.
    pub chart: Option<charts::StackedBars>,
    /// Per option: label, answer sheets, share.
    pub options: Vec<(String, Fig, Fig)>,
}

/// A unit's comments, or why none are shown.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentsBlock {
    /// Why they are not shown (to leaders), or a note to the organiser that leaders do not
    /// see them.
    pub note: Option<String>,
    pub items: Vec<String>,
    /// Whether more comments exist than shown.
    pub more: bool,
}

fn places(lang: Lang, entries: &[RankedTarget]) -> Vec<Place> {
    entries
        .iter()
        .map(|e| Place {
            rank: e.rank,
            name: e.name.clone(),
            score: value_text(e.composite_score, Fmt::Score),
            answers: e.responses,
            line: place_words(
                lang,
                e.rank,
                &value_text(e.composite_score, Fmt::Score),
                e.responses,
            ),
        })
        .collect()
}

/// The value of a figure for a chart, or the reason it is not drawn.
fn chart_value(lang: Lang, figure: &Figure) -> Result<f64, String> {
    match (figure.value, &figure.hidden) {
        (Some(v), _) => Ok(v),
        (None, Some(reason)) => Err(reason_words(lang, reason).1),
        (None, None) => Err("—".into()),
    }
}

/// The words saying how figures are hidden on this survey's pages, exactly as
/// `domain::surveys::results` applies the thresholds.
#[must_use]
pub fn hiding_rule(lang: Lang, r: &SurveyResults) -> String {
    msg!(
        "dashboard-survey-hiding-rule",
        min = r.min_group_size,
        comments = r.comment_min_group_size
    )
    .render(lang)
}

fn question(lang: Lang, ti: usize, qi: usize, q: &QuestionResults) -> QuestionBlock {
    let label = q.label.get(lang).to_string();
    let options: Vec<(String, Fig, Fig)> = q
        .options
        .iter()
        .map(|o| {
            (
                o.label.get(lang).to_string(),
                Fig::new(lang, &o.count, Fmt::Count),
                Fig::new(lang, &o.share, Fmt::Percent),
            )
        })
        .collect();
    // a distribution is drawn only when every share of it is shown to the caller
    let hidden = q
        .options
        .iter()
        .find_map(|o| o.share.hidden.filter(|_| o.share.value.is_none()));
    let chart = (!q.options.is_empty() && q.kind != "score_0_10").then(|| {
        let count = q.options.len();
        let reason = hidden.map(|h| reason_words(lang, &h).1).unwrap_or_default();
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
            label: label.clone(),
            value: if hidden.is_some() {
                Err(reason.as_str())
            } else {
                Ok(segments)
            },
        }];
        charts::stacked_bars(&format!("q{ti}-{qi}"), &label, &rows)
    });
    QuestionBlock {
        label,
        answered: Fig::new(lang, &q.answered, Fmt::Count),
        rate: q
            .satisfaction_rate
            .as_ref()
            .map(|f| Fig::new(lang, f, Fmt::Percent)),
        score: q
            .composite_score
            .as_ref()
            .map(|f| Fig::new(lang, f, Fmt::Score)),
        mean: q.mean.as_ref().map(|f| Fig::new(lang, f, Fmt::Score)),
        chart,
        options,
    }
}

fn comments(lang: Lang, r: &SurveyResults, target: &TargetResults) -> CommentsBlock {
    let c = &target.comments;
    let note = match (&c.hidden, c.items.is_empty()) {
        (Some(_), true) => {
            Some(msg!("dashboard-comments-hidden", min = r.comment_min_group_size).render(lang))
        }
        (Some(_), false) => Some(i18n::tr(lang, "dashboard-comments-leaders-hidden")),
        (None, _) => None,
    };
    CommentsBlock {
        note,
        items: c.items.iter().map(|c| c.text.clone()).collect(),
        more: c.more,
    }
}

fn section(lang: Lang, r: &SurveyResults, ti: usize, target: &TargetResults) -> TargetSection {
    let answers = Fig::new(lang, &target.responses, Fmt::Count);
    let score = Fig::new(lang, &target.composite_score, Fmt::Score);
    let hidden = match (target.responses.value, &target.responses.hidden) {
        (None, Some(reason)) => Some(reason_words(lang, reason).1),
        _ => None,
    };
    let headline = if hidden.is_some() {
        i18n::tr(lang, "dashboard-hidden-withheld-short")
    } else {
        msg!(
            "dashboard-unit-headline",
            score = score.text.as_str(),
            answers = answers.text.as_str()
        )
        .render(lang)
    };
    let questions = if hidden.is_some() {
        Vec::new()
    } else {
        target
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q)| !(q.options.is_empty() && q.mean.is_none()))
            .map(|(qi, q)| question(lang, ti, qi, q))
            .collect()
    };
    TargetSection {
        anchor: format!("t{}", target.unit_id),
        name: target.name.clone(),
        headline,
        hidden,
        questions,
        comments: comments(lang, r, target),
    }
}

/// The page of results `r`; `exact` for those who see exact figures; `link` makes a path a
/// link in the reader's language.
#[must_use]
pub fn page(
    lang: Lang,
    manager: bool,
    r: &SurveyResults,
    link: &dyn Fn(&str) -> String,
) -> SurveyPage {
    let id = r.survey_id;
    let mut exports: Vec<Link> = SURVEY_TABLES
        .iter()
        .enumerate()
        .map(|(i, table)| Link {
            label: msg!("dashboard-export-csv", table = i18n::tr(lang, table)).render(lang),
            href: link(&format!("/dashboard/surveys/{id}/export.csv?table={i}")),
        })
        .collect();
    exports.push(Link {
        label: i18n::tr(lang, "dashboard-export-xlsx"),
        href: link(&format!("/dashboard/surveys/{id}/export.xlsx")),
    });
    if manager {
        exports.push(Link {
            label: i18n::tr(lang, "dashboard-export-answers"),
            href: link(&format!("/dashboard/surveys/{id}/answers.csv")),
        });
    }
    let summary: Vec<SummaryRow> = r
        .targets
        .iter()
        .map(|t| SummaryRow {
            name: t.name.clone(),
            anchor: format!("t{}", t.unit_id),
            answers: Fig::new(lang, &t.responses, Fmt::Count),
            rate: Fig::new(lang, &t.satisfaction_rate, Fmt::Percent),
            score: Fig::new(lang, &t.composite_score, Fmt::Score),
            rank: t.rank.map_or_else(|| "—".into(), |r| r.to_string()),
        })
        .collect();
    let any_hidden = !r.exact
        && r.targets.iter().any(|t| {
            t.responses.hidden.is_some()
                || t.questions
                    .iter()
                    .any(|q| q.options.iter().any(|o| o.count.hidden.is_some()))
        });
    let reasons: Vec<String> = r
        .targets
        .iter()
        .map(|t| {
            chart_value(lang, &t.composite_score)
                .err()
                .unwrap_or_default()
        })
        .collect();
    let score_rows: Vec<Row<'_, (f64, String)>> = r
        .targets
        .iter()
        .zip(&reasons)
        .map(|(t, reason)| Row {
            label: t.name.clone(),
            value: chart_value(lang, &t.composite_score)
                .map(|v| (v, value_text(v, Fmt::Score)))
                .map_err(|_| reason.as_str()),
        })
        .collect();
    let score_chart = charts::value_bars(
        "scores",
        &i18n::tr(lang, "dashboard-score-chart"),
        100.0,
        &score_rows,
    );
    let villages = r
        .villages
        .iter()
        .map(|v| {
            let name = if v.unit_id.is_none() {
                i18n::tr(lang, "dashboard-village-not-stated")
            } else {
                v.name.clone()
            };
            (name, Fig::new(lang, &v.responses, Fmt::Count))
        })
        .collect();
    let weeks: Vec<(String, Fig)> = r
        .weeks
        .iter()
        .map(|w| (w.week.clone(), Fig::new(lang, &w.responses, Fmt::Count)))
        .collect();
    let week_chart = (r.weeks.len() >= 2).then(|| {
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
        charts::columns("weeks", &i18n::tr(lang, "dashboard-weeks"), &rows)
    });
    let targets: Vec<TargetSection> = r
        .targets
        .iter()
        .enumerate()
        .map(|(ti, t)| section(lang, r, ti, t))
        .collect();
    let mut toc = vec![
        Link {
            label: i18n::tr(lang, "dashboard-summary"),
            href: "#summary".into(),
        },
        Link {
            label: i18n::tr(lang, "dashboard-ranking"),
            href: "#ranking".into(),
        },
        Link {
            label: i18n::tr(lang, "dashboard-villages"),
            href: "#villages".into(),
        },
    ];
    if r.exact {
        toc.push(Link {
            label: i18n::tr(lang, "dashboard-anomaly-flags"),
            href: "#flags".into(),
        });
    }
    if week_chart.is_some() {
        toc.push(Link {
            label: i18n::tr(lang, "dashboard-weeks"),
            href: "#weeks".into(),
        });
    }
    toc.extend(targets.iter().map(|t| Link {
        label: t.name.clone(),
        href: format!("#{}", t.anchor),
    }));
    SurveyPage {
        title: r.title.get(lang).to_string(),
        status: msg!(
            "dashboard-survey-status",
            status = survey_status_label(lang, r.status),
            version = r.version.unwrap_or(0)
        )
        .render(lang),
        hiding_rule: hiding_rule(lang, r),
        exact: r.exact,
        any_hidden,
        exports,
        manage: None,
        flags: r
            .exact
            .then(|| r.flags.iter().map(|f| flag_text(lang, f)).collect()),
        toc,
        trend: None,
        rectification: Link {
            label: i18n::tr(lang, "rectification-link"),
            href: link(&format!(
                "/dashboard/rectification?survey_id={}",
                r.survey_id
            )),
        },
        coverage: Link {
            label: i18n::tr(lang, "coverage-link"),
            href: link(&format!("/dashboard/surveys/{}/coverage", r.survey_id)),
        },
        summary,
        total: Fig::new(lang, &r.total_responses, Fmt::Count),
        score_chart,
        ranking: places(lang, &r.ranking),
        top: places(lang, &r.top),
        rectify: places(lang, &r.rectification),
        rectify_rule: rectify_rule(lang, r.rectify_below_score),
        villages,
        week_chart,
        weeks,
        targets,
    }
}
