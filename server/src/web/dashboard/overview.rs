//! The overview page: the surveys and rounds of the account's subtree, current flags and the
//! units to rectify, with the rule that picked them.

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n;
use canvass_protocol::rounds::RoundReport;
use canvass_protocol::rounds::RoundStatus;
use canvass_protocol::stats::DEFAULT_RECTIFY_BELOW_SCORE;
use canvass_protocol::surveys::{SurveyResults, SurveyStatus};

use super::{flag_numbers, rectify_rule, round_status_label, survey_status_label, Fig, Link};
use crate::domain::trends::{SeriesChange, SeriesKind};
use crate::web::frame::{value_text, Fmt};
use canvass_protocol::rounds::RoundInfo;

/// The overview page's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverviewPage {
    /// Whether the caller sees exact figures (and is told which ones leaders do not see).
    pub exact: bool,
    pub surveys: Vec<SurveyLine>,
    pub rounds: Vec<RoundLine>,
    pub flags: Vec<FlagItem>,
    pub rectify: Vec<RectifyItem>,
    /// The rectification rule in words.
    pub rectify_rule: String,
    /// The rectification ledger's counts of the caller's subtree (open, overdue, closed).
    pub ledger: Option<OverviewLine>,
    /// The first screen on a phone: what is under way, what is flagged, what changed.
    pub glance: Glance,
}

/// The top of the overview, one line each: what is under way, what is flagged, and what
/// changed since the last period (the ledger's line sits beside them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glance {
    pub under_way: String,
    pub flags: String,
    /// Whether any flag is raised (the line is then marked).
    pub flagged: bool,
    pub changes: Vec<ChangeLine>,
}

/// What changed in one series between its last two periods, with the link to its trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLine {
    pub series: Link,
    pub words: String,
}

/// The overview's lines of `changes`, one per series.
#[must_use]
pub fn change_lines(
    lang: Lang,
    changes: &[SeriesChange],
    link: &dyn Fn(&str) -> String,
) -> Vec<ChangeLine> {
    changes
        .iter()
        .map(|c| {
            let (href, words) = match c.kind {
                SeriesKind::Survey => (
                    super::trends::survey_series_href(&c.key),
                    canvass_protocol::msg!(
                        "dashboard-glance-survey-change",
                        latest = c.latest.as_str(),
                        previous = c.previous.as_str(),
                        rose = c.rose,
                        fell = c.fell,
                        followed = c.improved + c.not_improved,
                        improved = c.improved
                    ),
                ),
                SeriesKind::Round => (
                    super::trends::round_series_href(&c.key),
                    canvass_protocol::msg!(
                        "dashboard-glance-round-change",
                        latest = c.latest.as_str(),
                        previous = c.previous.as_str(),
                        rose = c.rose,
                        fell = c.fell,
                        flagged = c.newly_flagged
                    ),
                ),
            };
            ChangeLine {
                series: Link {
                    label: c.name.clone(),
                    href: link(&href),
                },
                words: words.render(lang),
            }
        })
        .collect()
}

/// A survey in the overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyLine {
    pub link: Link,
    pub status: String,
    /// Answer sheets.
    pub answers: Fig,
    /// The units to rectify, by name.
    pub rectify: String,
}

/// A round in the overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundLine {
    pub link: Link,
    pub status: String,
    /// Valid / invalid ballots, or "not published".
    pub ballots: String,
    /// How many flags, or `—`.
    pub flags: String,
}

/// A flag raised in a round: who, which rule, and the numbers that raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagItem {
    pub name: String,
    pub rule: String,
    /// The round it was raised in (the overview only).
    pub round: String,
    pub numbers: String,
}

/// A unit to rectify after a survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectifyItem {
    pub survey: String,
    pub unit: String,
    pub rank: u32,
    pub score: String,
    /// The unit's answer sheets.
    pub answers: u64,
    /// Place, score and answer sheets, in words.
    pub line: String,
}

/// A place, its score and the answer sheets it rests on, in words.
#[must_use]
pub fn place_words(lang: Lang, rank: u32, score: &str, answers: u64) -> String {
    canvass_protocol::msg!(
        "dashboard-place",
        rank = rank,
        score = score,
        answers = answers
    )
    .render(lang)
}

/// The overview of `surveys` and `rounds` (newest first); `exact` for those who see exact
/// figures; `link` makes a path a link in the reader's language.
#[must_use]
pub fn page(
    lang: Lang,
    exact: bool,
    surveys: &[(i64, SurveyResults)],
    rounds: &[(RoundInfo, Option<RoundReport>)],
    link: &dyn Fn(&str) -> String,
) -> OverviewPage {
    let survey_lines = surveys
        .iter()
        .map(|(id, r)| SurveyLine {
            link: Link {
                label: r.title.get(lang).to_string(),
                href: link(&format!("/dashboard/surveys/{id}")),
            },
            status: survey_status_label(lang, r.status),
            answers: Fig::new(lang, &r.total_responses, Fmt::Count),
            rectify: r
                .rectification
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    let round_lines = rounds
        .iter()
        .map(|(info, report)| {
            let (ballots, flags) = match report {
                Some(r) => (
                    format!(
                        "{} / {}",
                        r.results.groups.iter().map(|g| g.valid).sum::<u64>(),
                        r.results.groups.iter().map(|g| g.invalid).sum::<u64>()
                    ),
                    r.flags.len().to_string(),
                ),
                None => (i18n::tr(lang, "dashboard-not-published"), "—".to_string()),
            };
            RoundLine {
                link: Link {
                    label: format!("{} {}", info.series_name, info.period),
                    href: link(&format!("/dashboard/rounds/{}", info.id)),
                },
                status: round_status_label(lang, info.status),
                ballots,
                flags,
            }
        })
        .collect();
    let flags: Vec<FlagItem> = rounds
        .iter()
        .filter_map(|(_, r)| r.as_ref())
        .flat_map(|r| {
            r.flags.iter().map(move |f| FlagItem {
                name: f.subject_name.clone(),
                rule: f.rule.label.clone(),
                round: format!("{} {}", r.round.series_name, r.round.period),
                numbers: flag_numbers(lang, f),
            })
        })
        .collect();
    let rectify = surveys
        .iter()
        .flat_map(|(_, r)| {
            r.rectification.iter().map(move |e| RectifyItem {
                survey: r.title.get(lang).to_string(),
                unit: e.name.clone(),
                rank: e.rank,
                score: value_text(e.composite_score, Fmt::Score),
                answers: e.responses,
                line: place_words(
                    lang,
                    e.rank,
                    &value_text(e.composite_score, Fmt::Score),
                    e.responses,
                ),
            })
        })
        .collect();
    let below = surveys
        .first()
        .map_or(DEFAULT_RECTIFY_BELOW_SCORE, |(_, r)| r.rectify_below_score);
    let open_surveys = surveys
        .iter()
        .filter(|(_, r)| r.status == SurveyStatus::Open)
        .count();
    let open_rounds = rounds
        .iter()
        .filter(|(info, _)| info.status == RoundStatus::Open)
        .count();
    let glance = Glance {
        under_way: canvass_protocol::msg!(
            "dashboard-glance-under-way",
            surveys = open_surveys,
            rounds = open_rounds
        )
        .render(lang),
        flags: canvass_protocol::msg!("dashboard-glance-flags", count = flags.len()).render(lang),
        flagged: !flags.is_empty(),
        changes: Vec::new(),
    };
    OverviewPage {
        exact,
        surveys: survey_lines,
        rounds: round_lines,
        flags,
        rectify,
        rectify_rule: rectify_rule(lang, below),
        ledger: None,
        glance,
    }
}

/// The rectification line of the leaders' overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverviewLine {
    pub open: u64,
    pub overdue: u64,
    pub closed: u64,
    /// The counts in words.
    pub words: String,
    /// The ledger, and the ledger narrowed to overdue items.
    pub ledger: Link,
    pub overdue_link: Link,
}

/// The overview's rectification line of `counts`.
#[must_use]
pub fn overview_line(
    lang: Lang,
    counts: canvass_protocol::rectification::LedgerCounts,
    link: &dyn Fn(&str) -> String,
) -> OverviewLine {
    OverviewLine {
        open: counts.open,
        overdue: counts.overdue,
        closed: counts.closed,
        words: canvass_protocol::msg!(
            "rectification-overview-line",
            open = counts.open,
            overdue = counts.overdue,
            reported = counts.reported,
            closed = counts.closed
        )
        .render(lang),
        ledger: Link {
            label: i18n::tr(lang, "rectification-ledger"),
            href: link("/dashboard/rectification"),
        },
        overdue_link: Link {
            label: i18n::tr(lang, "rectification-overview-overdue"),
            href: link("/dashboard/rectification?status=overdue"),
        },
    }
}
