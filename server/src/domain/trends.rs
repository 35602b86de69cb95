//! Trends across periods: the series the caller can follow. The trends themselves are built
//! by `surveys::trends` and `rounds::trends`, beside the results they compare.

use canvass_protocol::stats::RectificationRule;
use canvass_protocol::trends::{RoundTrend, SurveyTrend, TrendSeries};

use super::auth::Caller;
use super::error::Error;
use crate::db::DbConnection;

pub use super::rounds::trends::round_trend;
pub use super::surveys::trends::survey_trend;

/// The survey series and round series in the caller's subtree.
pub fn series(conn: &mut DbConnection, caller: &Caller) -> Result<TrendSeries, Error> {
    Ok(TrendSeries {
        surveys: super::surveys::trends::series_list(conn, caller)?,
        rounds: super::rounds::trends::series_list(conn, caller)?,
    })
}

/// What changed in one series between its last two periods, as the caller may see it: the
/// overview's "since the last period" line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesChange {
    /// A survey series (its name is its key) or a round series.
    pub kind: SeriesKind,
    /// The key the trend page is found by: the survey series' name, the round series' id.
    pub key: String,
    /// The series' name as people read it.
    pub name: String,
    /// The last period and the one before, as named (empty when a period has no name).
    pub latest: String,
    pub previous: String,
    /// Units or officials that moved up, and down, in the ranking.
    pub rose: u32,
    pub fell: u32,
    /// Of the units picked for rectification in the period before: how many scored higher in
    /// the last one, and how many did not (hidden or unrated ones are in neither).
    pub improved: u32,
    pub not_improved: u32,
    /// Officials flagged in the last round who were not in the one before.
    pub newly_flagged: u32,
}

/// A survey series or a round series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    Survey,
    Round,
}

/// For every series in the caller's subtree with two periods or more, what changed between
/// its last two ([`SeriesChange`]); each trend is read as its own page reads it, so leaders
/// see only what the results show them.
pub fn latest_changes(
    conn: &mut DbConnection,
    caller: &Caller,
    rule: RectificationRule,
) -> Result<Vec<SeriesChange>, Error> {
    let mut out = Vec::new();
    let listed = series(conn, caller)?;
    for s in listed.surveys.iter().filter(|s| s.periods >= 2) {
        let trend = survey_trend(conn, caller, &s.series, rule)?;
        if let Some(change) = survey_change(&trend) {
            out.push(change);
        }
    }
    for s in listed.rounds.iter().filter(|s| s.periods >= 2) {
        let trend = round_trend(conn, caller, &s.series_id)?;
        if let Some(change) = round_change(&trend) {
            out.push(change);
        }
    }
    Ok(out)
}

fn period_name(period: Option<&str>) -> String {
    period.unwrap_or_default().to_owned()
}

/// A survey trend's last two periods compared; `None` with fewer than two.
fn survey_change(trend: &SurveyTrend) -> Option<SeriesChange> {
    let n = trend.periods.len();
    if n < 2 {
        return None;
    }
    let (before, last) = (&trend.periods[n - 2], &trend.periods[n - 1]);
    let moves = trend
        .units
        .iter()
        .filter_map(|u| u.points.get(n - 1)?.as_ref()?.rank_change);
    let (rose, fell) = count_moves(moves);
    let followed = trend
        .rectification
        .iter()
        .filter(|f| f.survey_id == before.survey_id && f.next_survey_id == last.survey_id);
    let (mut improved, mut not_improved) = (0, 0);
    for f in followed {
        match f.improved {
            Some(true) => improved += 1,
            Some(false) => not_improved += 1,
            None => {}
        }
    }
    Some(SeriesChange {
        kind: SeriesKind::Survey,
        key: trend.series.clone(),
        name: trend.series.clone(),
        latest: period_name(last.period.as_deref()),
        previous: period_name(before.period.as_deref()),
        rose,
        fell,
        improved,
        not_improved,
        newly_flagged: 0,
    })
}

/// A round trend's last two rounds compared; `None` with fewer than two.
fn round_change(trend: &RoundTrend) -> Option<SeriesChange> {
    let n = trend.periods.len();
    if n < 2 {
        return None;
    }
    let moves = trend
        .officials
        .iter()
        .filter_map(|o| o.points.get(n - 1)?.as_ref()?.rank_change);
    let (rose, fell) = count_moves(moves);
    let newly_flagged = trend
        .officials
        .iter()
        .filter(|o| {
            let flagged = |i: usize| {
                o.points
                    .get(i)
                    .and_then(Option::as_ref)
                    .is_some_and(|p| !p.flags.is_empty())
            };
            flagged(n - 1) && !flagged(n - 2)
        })
        .count();
    Some(SeriesChange {
        kind: SeriesKind::Round,
        key: trend.series_id.clone(),
        name: trend.series_name.clone(),
        latest: trend.periods[n - 1].period.clone(),
        previous: trend.periods[n - 2].period.clone(),
        rose,
        fell,
        improved: 0,
        not_improved: 0,
        newly_flagged: u32::try_from(newly_flagged).unwrap_or(u32::MAX),
    })
}

/// How many rank changes are gains and how many losses.
fn count_moves(changes: impl Iterator<Item = i64>) -> (u32, u32) {
    changes.fold((0, 0), |(up, down), c| match c.signum() {
        1 => (up + 1, down),
        -1 => (up, down + 1),
        _ => (up, down),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_round_series_counts_moves_and_new_flags_between_its_last_two_rounds() {
        let trend: RoundTrend = serde_json::from_value(json!({
            "series_id": "east", "series_name": "东山镇班子", "exact": true,
            "periods": [
                {"round_id": 1, "period": "2024年度", "status": "published"},
                {"round_id": 2, "period": "2025年度", "status": "published"},
                {"round_id": 3, "period": "2026年度", "status": "published"}
            ],
            "officials": [
                {"official_id": 1, "name": "王", "points": [
                    {"shares": [], "flags": []},
                    {"shares": [], "flags": []},
                    {"shares": [], "rank_change": 1, "flags": ["连续两年称职率低"]}]},
                {"official_id": 2, "name": "李", "points": [
                    null,
                    {"shares": [], "flags": ["不称职率高"]},
                    {"shares": [], "rank_change": -2, "flags": ["不称职率高"]}]},
                {"official_id": 3, "name": "张", "points": [
                    null, null, {"shares": [], "flags": []}]}
            ]
        }))
        .unwrap();
        let change = round_change(&trend).unwrap();
        assert_eq!(change.kind, SeriesKind::Round);
        assert_eq!(
            (change.latest.as_str(), change.previous.as_str()),
            ("2026年度", "2025年度")
        );
        assert_eq!((change.rose, change.fell), (1, 1));
        // 王 is flagged for the first time; 李 was flagged the year before too
        assert_eq!(change.newly_flagged, 1);
        let single = RoundTrend {
            periods: trend.periods[..1].to_vec(),
            ..trend
        };
        assert_eq!(
            round_change(&single),
            None,
            "one round compares with nothing"
        );
    }
}
