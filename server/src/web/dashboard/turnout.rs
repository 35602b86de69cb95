//! Turnout of a round, per elector group (by its name) in numbers and percent with totals, and
//! the stations' tally sheets: shown on the round page and on the organiser's live page.

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n;
use canvass_protocol::msg;
use canvass_protocol::rounds::RoundReport;

use super::{reason_words, Link, TURNOUT_REFRESH_SECS};
use crate::web::frame::{value_text, Fmt};

/// Turnout as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turnout {
    /// One row per elector group, in the round's order.
    pub groups: Vec<TurnoutRow>,
    /// The groups shown added up; `None` with fewer than two groups shown.
    pub total: Option<TurnoutRow>,
    /// Whether the total leaves out hidden groups.
    pub total_leaves_out_hidden: bool,
    /// The stations' tally sheets.
    pub stations: Vec<StationRow>,
    /// Stations where every ballot is identical, in words.
    pub anomalies: Vec<String>,
}

/// One elector group's turnout, or why it is hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnoutRow {
    /// The group's name.
    pub label: String,
    /// Why the group is hidden from the caller; the figures are empty then.
    pub hidden: Option<String>,
    pub codes_used: u64,
    pub codes_issued: u64,
    /// Codes used of those issued, `—` when none were issued.
    pub codes_percent: String,
    pub paper_returned: u64,
    pub paper_issued: u64,
    /// Paper ballots returned of those issued, `—` when none were issued.
    pub paper_percent: String,
    pub valid: u64,
    pub invalid: u64,
}

/// A station's sheet: its name, its group's name and its outcome in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationRow {
    pub station: String,
    pub group: String,
    pub outcome: String,
}

/// The live turnout page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnoutPage {
    pub title: String,
    /// Back to the round's page.
    pub back: Link,
    /// How often the page reloads, in words.
    pub refresh: String,
    pub turnout: Turnout,
}

#[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        value_text(part as f64 / whole as f64, Fmt::Percent)
    }
}

fn row(label: String, counts: [u64; 6]) -> TurnoutRow {
    let [codes_used, codes_issued, paper_returned, paper_issued, valid, invalid] = counts;
    TurnoutRow {
        label,
        hidden: None,
        codes_used,
        codes_issued,
        codes_percent: percent(codes_used, codes_issued),
        paper_returned,
        paper_issued,
        paper_percent: percent(paper_returned, paper_issued),
        valid,
        invalid,
    }
}

/// The name of elector group `id` in round `r`, or the id when the round does not know it.
#[must_use]
pub fn group_label(r: &RoundReport, id: &str) -> String {
    r.round
        .definition
        .elector_groups
        .iter()
        .find(|g| g.id == id)
        .map_or_else(|| id.to_string(), |g| g.label.clone())
}

/// Turnout of report `r`: groups hidden from the caller are listed with their reason and left
/// out of the total, so that the total does not give them away by subtraction.
#[must_use]
pub fn turnout(lang: Lang, r: &RoundReport) -> Turnout {
    let mut groups = Vec::with_capacity(r.turnout.groups.len());
    let mut sums = [0_u64; 6];
    let mut shown = 0;
    let mut any_hidden = false;
    for g in &r.turnout.groups {
        let label = group_label(r, &g.elector_group);
        if let Some(hidden) = r
            .hidden_groups
            .iter()
            .find(|h| h.elector_group == g.elector_group)
        {
            any_hidden = true;
            let mut hidden_row = row(label, [0; 6]);
            hidden_row.hidden = Some(reason_words(lang, &hidden.reason).1);
            groups.push(hidden_row);
            continue;
        }
        let counted = r
            .results
            .groups
            .iter()
            .find(|c| c.elector_group == g.elector_group);
        let counts = [
            g.codes_used,
            g.codes_issued,
            g.paper_returned,
            g.paper_issued,
            counted.map_or(0, |c| c.valid),
            counted.map_or(0, |c| c.invalid),
        ];
        for (sum, n) in sums.iter_mut().zip(counts) {
            *sum += n;
        }
        shown += 1;
        groups.push(row(label, counts));
    }
    let total = (shown >= 2).then(|| row(i18n::tr(lang, "dashboard-total"), sums));
    let stations = r
        .turnout
        .stations
        .iter()
        .map(|s| StationRow {
            station: s.station.clone(),
            group: group_label(r, &s.elector_group),
            outcome: i18n::tr(
                lang,
                match (s.outcome.as_str(), s.corrected) {
                    ("void", _) => "dashboard-station-void",
                    (_, true) => "dashboard-station-corrected",
                    _ => "dashboard-station-counted",
                },
            ),
        })
        .collect();
    let anomalies = r
        .anomalies
        .iter()
        .map(|a| {
            msg!(
                "dashboard-anomaly-identical",
                station = a.station.as_str(),
                ballots = a.detail.ballots
            )
            .render(lang)
        })
        .collect();
    Turnout {
        groups,
        total,
        total_leaves_out_hidden: any_hidden && shown >= 2,
        stations,
        anomalies,
    }
}

/// The live turnout page of report `r`; `link` makes a path a link in the reader's language.
#[must_use]
pub fn page(lang: Lang, r: &RoundReport, link: &dyn Fn(&str) -> String) -> TurnoutPage {
    TurnoutPage {
        title: format!("{} {}", r.round.series_name, r.round.period),
        back: Link {
            label: i18n::tr(lang, "dashboard-turnout-back"),
            href: link(&format!("/dashboard/rounds/{}", r.round.id)),
        },
        refresh: msg!("dashboard-turnout-refresh", seconds = TURNOUT_REFRESH_SECS).render(lang),
        turnout: turnout(lang, r),
    }
}
