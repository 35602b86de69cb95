//! A round's report page: one ranking table of its officials (share of 优秀+称职, grade,
//! flags), the team, the flags with their numbers, then per subject the grades per elector
//! group, and turnout.

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n;
use canvass_protocol::msg;
use canvass_protocol::rounds::{
    Grade, RoundInfo, RoundReport, RoundStatus, SubjectRef, SubjectResult,
};

use super::overview::FlagItem;
use super::turnout::{group_label, turnout, Turnout};
use super::{flag_numbers, reason_words, round_status_label, Link};
use crate::web::charts::{self, Row, Segment, PALETTE};
use crate::web::frame::{grade_label, value_text, Fmt};

/// The catalogue ids of the round's export tables, in the order `?table=` counts them; the
/// team's table only when the round grades the team.
pub const ROUND_TABLES: [&str; 4] = [
    "dashboard-table-officials",
    "dashboard-table-team",
    "dashboard-table-turnout",
    "dashboard-table-flags",
];

/// The round page's data.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundPage {
    pub title: String,
    /// The trend of the round's series.
    pub trend: Link,
    pub status: String,
    /// How small groups are hidden, exactly as applied.
    pub hiding_rule: String,
    pub exact: bool,
    pub exports: Vec<Link>,
    /// The organiser's management block (`web::organiser`).
    pub manage: Option<crate::web::organiser::RoundManage>,
    /// What the rounds editor just did, for those who set the round up; empty otherwise.
    pub notice: String,
    /// The rounds editor's links for those who set the round up (change a draft, preview the
    /// ballot); empty otherwise.
    pub setup: Vec<Link>,
    /// The officials, best first, then those nobody graded.
    pub officials: Vec<OfficialLine>,
    /// The team's grade, when the round grades the team.
    pub team: Option<OfficialLine>,
    pub hidden_groups: Vec<(String, String)>,
    pub flags: Vec<FlagItem>,
    /// The rectification items found after the round.
    pub rectification: Link,
    pub subjects: Vec<SubjectBlock>,
    pub turnout: Turnout,
}

/// A line of the ranking table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialLine {
    pub rank: String,
    pub name: String,
    pub position: String,
    pub anchor: String,
    /// Weighted share of 优秀+称职 (for the team, 好+较好).
    pub good_share: String,
    pub grade: String,
    pub score: String,
    /// The labels of the flags raised on this subject.
    pub flags: Vec<String>,
}

/// A subject's details.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectBlock {
    pub anchor: String,
    pub heading: String,
    /// Grade, score, rank and abstentions, in words.
    pub headline: String,
    pub chart: charts::StackedBars,
    /// The grades' names, the table's columns.
    pub grades: Vec<String>,
    /// Per group: its name, the count per grade and abstentions.
    pub groups: Vec<(String, Vec<u64>, u64)>,
    /// The weighted share per grade.
    pub weighted: Vec<String>,
    /// The previous round's standing, in words.
    pub previous: Option<String>,
}

/// The rounds editor's links of round `info` (`web::console::rounds`): change it while it is
/// a draft, and preview its ballot.
#[must_use]
pub fn setup_links(lang: Lang, info: &RoundInfo, link: &dyn Fn(&str) -> String) -> Vec<Link> {
    let id = info.id;
    let mut links = Vec::new();
    if info.status == RoundStatus::Draft {
        links.push(Link {
            label: i18n::tr(lang, "console-round-edit-draft"),
            href: link(&format!("/dashboard/rounds/{id}/edit")),
        });
    }
    links.push(Link {
        label: i18n::tr(lang, "console-round-preview-link"),
        href: link(&format!("/dashboard/rounds/{id}/ballot")),
    });
    links
}

/// What the rounds editor did, as its redirect's `done=` says (`created`, `saved`), in words;
/// empty for anything else.
#[must_use]
pub fn editor_notice(lang: Lang, query: &str) -> String {
    let done = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("done="))
        .unwrap_or_default();
    match done {
        "created" => i18n::tr(lang, "console-round-created"),
        "saved" => i18n::tr(lang, "console-round-saved"),
        _ => String::new(),
    }
}

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

fn anchor(subject: &SubjectRef) -> String {
    match subject {
        SubjectRef::Official(id) => format!("o{id}"),
        SubjectRef::Team => "team".into(),
    }
}

fn line(lang: Lang, r: &RoundReport, s: &SubjectResult) -> OfficialLine {
    let good: f64 = [
        Grade::Excellent,
        Grade::Competent,
        Grade::Good,
        Grade::FairlyGood,
    ]
    .iter()
    .filter_map(|g| s.overall.weighted_shares.get(g))
    .sum();
    let graded = !s.overall.weighted_shares.is_empty();
    OfficialLine {
        rank: s.rank.map_or_else(|| "—".into(), |r| r.to_string()),
        name: s.name.clone(),
        position: s.position.clone().unwrap_or_default(),
        anchor: anchor(&s.subject),
        good_share: if graded {
            value_text(good, Fmt::Percent)
        } else {
            "—".into()
        },
        grade: s
            .overall
            .result_grade
            .map_or_else(|| "—".into(), |g| grade_label(lang, g).to_string()),
        score: s
            .overall
            .score
            .map_or_else(|| "—".into(), |v| value_text(v, Fmt::Score)),
        flags: r
            .flags
            .iter()
            .filter(|f| f.subject == s.subject)
            .map(|f| f.rule.label.clone())
            .collect(),
    }
}

fn subject(lang: Lang, r: &RoundReport, si: usize, s: &SubjectResult) -> SubjectBlock {
    let heading = match (&s.subject, &s.position) {
        (SubjectRef::Team, _) => {
            msg!("dashboard-team-heading", name = s.name.as_str()).render(lang)
        }
        (_, Some(p)) => format!("{} · {p}", s.name),
        _ => s.name.clone(),
    };
    let mut parts = Vec::new();
    if let Some(grade) = s.overall.result_grade {
        parts.push(format!(
            "{}: {}",
            i18n::tr(
                lang,
                if s.subject == SubjectRef::Team {
                    "dashboard-team-grade"
                } else {
                    "dashboard-grade"
                }
            ),
            grade_label(lang, grade)
        ));
    }
    if let Some(score) = s.overall.score {
        parts.push(format!(
            "{}: {}",
            i18n::tr(lang, "dashboard-score"),
            value_text(score, Fmt::Score)
        ));
    }
    if let Some(rank) = s.rank {
        parts.push(format!("{}: {rank}", i18n::tr(lang, "dashboard-rank")));
    }
    parts.push(format!(
        "{}: {}",
        i18n::tr(lang, "dashboard-abstentions"),
        s.overall.pooled.abstentions
    ));
    let grades: Vec<Grade> = s.overall.pooled.counts.keys().copied().collect();
    let mut rows: Vec<Row<'_, Vec<Segment<'_>>>> = s
        .overall
        .by_group
        .iter()
        .map(|g| Row {
            label: group_label(r, &g.elector_group),
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
        label: i18n::tr(lang, "dashboard-weighted"),
        value: Ok(grades
            .iter()
            .map(|grade| Segment {
                label: grade_label(lang, *grade),
                share: s.overall.weighted_shares.get(grade).copied().unwrap_or(0.0),
                colour: grade_colour(*grade),
            })
            .collect()),
    });
    let chart = charts::stacked_bars(&format!("s{si}"), &heading, &rows);
    let previous = r.previous.as_ref().and_then(|p| {
        p.subjects.iter().find(|x| x.subject == s.subject).map(|x| {
            msg!(
                "dashboard-previous-round",
                period = p.period.as_str(),
                score = x
                    .score
                    .map_or_else(|| "—".into(), |v| value_text(v, Fmt::Score)),
                rank = x.rank.map_or_else(|| "—".into(), |v| v.to_string())
            )
            .render(lang)
        })
    });
    SubjectBlock {
        anchor: anchor(&s.subject),
        heading,
        headline: parts.join(" · "),
        chart,
        grades: grades
            .iter()
            .map(|g| grade_label(lang, *g).to_string())
            .collect(),
        groups: s
            .overall
            .by_group
            .iter()
            .map(|g| {
                (
                    group_label(r, &g.elector_group),
                    grades.iter().map(|grade| g.tally.count(*grade)).collect(),
                    g.tally.abstentions,
                )
            })
            .collect(),
        weighted: grades
            .iter()
            .map(|g| {
                value_text(
                    s.overall.weighted_shares.get(g).copied().unwrap_or(0.0),
                    Fmt::Percent,
                )
            })
            .collect(),
        previous,
    }
}

/// The page of report `r`; `link` makes a path a link in the reader's language.
#[must_use]
pub fn page(lang: Lang, r: &RoundReport, link: &dyn Fn(&str) -> String) -> RoundPage {
    let info = &r.round;
    let id = info.id;
    let has_team = r
        .results
        .subjects
        .iter()
        .any(|s| s.subject == SubjectRef::Team);
    let mut exports: Vec<Link> = ROUND_TABLES
        .iter()
        .filter(|t| has_team || **t != "dashboard-table-team")
        .enumerate()
        .map(|(i, table)| Link {
            label: msg!("dashboard-export-csv", table = i18n::tr(lang, table)).render(lang),
            href: link(&format!("/dashboard/rounds/{id}/export.csv?table={i}")),
        })
        .collect();
    exports.push(Link {
        label: i18n::tr(lang, "dashboard-export-xlsx"),
        href: link(&format!("/dashboard/rounds/{id}/export.xlsx")),
    });
    let mut officials: Vec<OfficialLine> = Vec::new();
    let mut ranked: Vec<&SubjectResult> = r
        .results
        .subjects
        .iter()
        .filter(|s| s.subject != SubjectRef::Team)
        .collect();
    ranked.sort_by_key(|s| s.rank.unwrap_or(u32::MAX));
    officials.extend(ranked.iter().map(|s| line(lang, r, s)));
    let team = r
        .results
        .subjects
        .iter()
        .find(|s| s.subject == SubjectRef::Team)
        .map(|s| line(lang, r, s));
    RoundPage {
        title: format!("{} {}", info.series_name, info.period),
        trend: Link {
            label: msg!("trends-link-round", series = info.series_name.as_str()).render(lang),
            href: link(&super::trends::round_series_href(&info.series_id)),
        },
        status: round_status_label(lang, info.status),
        hiding_rule: msg!("dashboard-round-hiding-rule", min = info.min_group_size).render(lang),
        exact: r.exact,
        exports,
        manage: None,
        notice: String::new(),
        setup: Vec::new(),
        officials,
        team,
        hidden_groups: r
            .hidden_groups
            .iter()
            .map(|h| {
                (
                    group_label(r, &h.elector_group),
                    reason_words(lang, &h.reason).1,
                )
            })
            .collect(),
        rectification: Link {
            label: i18n::tr(lang, "rectification-link"),
            href: link(&format!("/dashboard/rectification?round_id={id}")),
        },
        flags: r
            .flags
            .iter()
            .map(|f| FlagItem {
                name: f.subject_name.clone(),
                rule: f.rule.label.clone(),
                round: String::new(),
                numbers: flag_numbers(lang, f),
            })
            .collect(),
        subjects: r
            .results
            .subjects
            .iter()
            .enumerate()
            .map(|(si, s)| subject(lang, r, si, s))
            .collect(),
        turnout: turnout(lang, r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_says_what_it_did_and_nothing_else_is_said() {
        assert!(editor_notice(Lang::ZhCn, "done=created").contains("草稿"));
        assert!(editor_notice(Lang::En, "lang=en&done=saved").contains("saved"));
        assert_eq!(editor_notice(Lang::En, "done=<script>"), "");
        assert_eq!(editor_notice(Lang::En, ""), "");
    }
}
