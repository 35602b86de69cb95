//! The trend of a survey series: per target unit and period the answer sheets, satisfaction
//! rate, composite score and rank, read from the tallies the results use (never the answers),
//! under each survey's disclosure control, and whether the units the rectification rule picked
//! in one period improved in the next.

use std::collections::{BTreeMap, HashMap};

use canvass_protocol::forms::Scale;

use canvass_protocol::accounts::Role;
use canvass_protocol::stats::{suppress_breakdown, Ranking, RectificationRule};
use canvass_protocol::trends::{
    rank_change, RectificationFollowUp, SurveySeries, SurveyTrend, TrendPeriod, UnitPeriod,
    UnitTrend,
};

use super::results::{as_f64, figure, reason, Pooled};
use super::{manages_surveys, shown_definition, status};
use crate::db::surveys::{self as store, SurveyRow};
use crate::db::DbConnection;
use crate::domain::auth::{Action, Caller};
use crate::domain::error::{Error, Thing};

/// One period's figures per target, as its results show them to the caller.
struct PeriodFigures {
    period: TrendPeriod,
    /// unit id → (name, figures), in the survey's target order.
    units: Vec<(i64, String, UnitPeriod)>,
    /// The units the rule picked, with their score and rank.
    rectify: Vec<(i64, f64, u32)>,
}

/// The surveys of `series` the caller may read, oldest first: `not_found` when no survey
/// anywhere belongs to it, `out_of_scope` when none does in the caller's subtree.
pub(crate) fn series_surveys(
    conn: &mut DbConnection,
    caller: &Caller,
    series: &str,
) -> Result<Vec<SurveyRow>, Error> {
    caller.require(caller.role() != Role::Officer, Action::ReadSurveyResults)?;
    let rows = store::in_series(conn, series, caller.scope_path())?;
    if rows.is_empty() {
        if caller.scope_path().is_some() && !store::in_series(conn, series, None)?.is_empty() {
            return Err(Error::out_of_scope());
        }
        return Err(Error::not_found(Thing::Series));
    }
    Ok(rows)
}

/// The survey series of the caller's subtree with their published periods, by name; series
/// with none are left out (an officer has none).
pub fn series_list(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<SurveySeries>, Error> {
    if caller.role() == Role::Officer {
        return Ok(Vec::new());
    }
    let mut series: BTreeMap<String, u32> = BTreeMap::new();
    for (name, current) in store::series_in(conn, caller.scope_path())? {
        if current.is_some() {
            *series.entry(name).or_default() += 1;
        }
    }
    Ok(series
        .into_iter()
        .map(|(series, periods)| SurveySeries { series, periods })
        .collect())
}

/// The trend of survey series `series` as `caller` may see it: exact for organisers and
/// admins, under each survey's disclosure control for leaders; the units to rectify in each
/// period under `rule`.
pub fn survey_trend(
    conn: &mut DbConnection,
    caller: &Caller,
    series: &str,
    rule: RectificationRule,
) -> Result<SurveyTrend, Error> {
    let rows = series_surveys(conn, caller, series)?;
    let exact = manages_surveys(caller.role());
    let mut periods = Vec::with_capacity(rows.len());
    for row in &rows {
        periods.push(period_figures(conn, row, exact, rule)?);
    }
    Ok(assemble(series, exact, periods, rule))
}

/// Reads one survey's figures per target from its tallies: the rating questions' option
/// counts and the answer sheets per target, hidden as its results hide them.
fn period_figures(
    conn: &mut DbConnection,
    row: &SurveyRow,
    exact: bool,
    rule: RectificationRule,
) -> Result<PeriodFigures, Error> {
    let definition = shown_definition(row, &store::versions(conn, row.id)?)?;
    let threshold = u64::try_from(row.min_group_size).unwrap_or(5);
    let targets = store::targets(conn, row.id)?;
    // the rating questions with their scales; counts per (target, question) by the scale's
    // option order, merged across versions
    let rating: Vec<(&str, &Scale)> = definition
        .questions
        .iter()
        .filter_map(|q| Some((q.id.as_str(), definition.scale_of(q.id.as_str())?)))
        .collect();
    let ids: Vec<&str> = rating.iter().map(|(id, _)| *id).collect();
    let mut tallies: HashMap<(i64, usize), Vec<u64>> = HashMap::new();
    for (target, question, option, count) in store::question_tallies(conn, row.id, &ids)? {
        let Some(q) = ids.iter().position(|id| *id == question) else {
            continue;
        };
        let scale = rating[q].1;
        let Some(o) = scale.options.iter().position(|x| x.id.as_str() == option) else {
            continue;
        };
        tallies
            .entry((target, q))
            .or_insert_with(|| vec![0; scale.options.len()])[o] +=
            u64::try_from(count).unwrap_or(0);
    }
    let per_target = store::target_counts(conn, row.id)?;
    let counts: Vec<u64> = targets
        .iter()
        .map(|t| per_target.get(&t.unit_id).copied().unwrap_or(0))
        .collect();
    let breakdown = suppress_breakdown(&counts, threshold);
    let mut units = Vec::with_capacity(targets.len());
    let mut rankable = Vec::new();
    for ((target, &n), cell) in targets.iter().zip(&counts).zip(&breakdown.cells) {
        let hidden = reason(cell);
        let mut pooled = Pooled::default();
        for (q, (_, scale)) in rating.iter().enumerate() {
            let options = tallies.get(&(target.unit_id, q));
            let summary = scale.summarize(|id| {
                options
                    .and_then(|c| {
                        let o = scale.options.iter().position(|x| x.id == *id)?;
                        c.get(o).copied()
                    })
                    .unwrap_or(0)
            });
            pooled.add(scale, &summary);
        }
        let score = figure(pooled.score(), pooled.rated, hidden, exact);
        if hidden.is_none() {
            if let Some(value) = score.value {
                rankable.push((target.unit_id, value));
            }
        }
        units.push((
            target.unit_id,
            target.name.clone(),
            UnitPeriod {
                responses: figure(Some(as_f64(n)), n, hidden, exact),
                satisfaction_rate: figure(pooled.rate(), pooled.rated, hidden, exact),
                composite_score: score,
                rank: None,
                rank_change: None,
                rectify: false,
            },
        ));
    }
    let ranking = Ranking::new(rankable);
    let rectify: Vec<(i64, f64, u32)> = ranking
        .rectification(rule)
        .iter()
        .map(|r| (r.key, r.score, r.rank))
        .collect();
    for (id, _, unit) in &mut units {
        unit.rank = ranking.rank_of(id);
        unit.rectify = rectify.iter().any(|r| r.0 == *id);
    }
    Ok(PeriodFigures {
        period: TrendPeriod {
            survey_id: row.id,
            period: row.period.clone(),
            title: definition.title.clone(),
            status: status(row),
            min_group_size: u32::try_from(threshold).unwrap_or(5),
            ranked: u32::try_from(ranking.entries().len()).unwrap_or(u32::MAX),
        },
        units,
        rectify,
    })
}

/// Lays the periods' figures out per unit, with the rank changes and the rectification
/// follow-up.
fn assemble(
    series: &str,
    exact: bool,
    periods: Vec<PeriodFigures>,
    rule: RectificationRule,
) -> SurveyTrend {
    // every unit rated in any period, in the order first seen (each survey lists its targets
    // in unit order)
    let mut order: Vec<(i64, String)> = Vec::new();
    let mut index: BTreeMap<i64, usize> = BTreeMap::new();
    for p in &periods {
        for (id, name, _) in &p.units {
            if !index.contains_key(id) {
                index.insert(*id, order.len());
                order.push((*id, name.clone()));
            }
        }
    }
    let mut units: Vec<UnitTrend> = order
        .into_iter()
        .map(|(unit_id, name)| UnitTrend {
            unit_id,
            name,
            points: vec![None; periods.len()],
        })
        .collect();
    for (i, p) in periods.iter().enumerate() {
        for (id, _, figures) in &p.units {
            units[index[id]].points[i] = Some(figures.clone());
        }
    }
    for unit in &mut units {
        let mut previous: Option<u32> = None;
        for point in &mut unit.points {
            let rank = point.as_ref().and_then(|p| p.rank);
            if let Some(p) = point.as_mut() {
                p.rank_change = rank_change(previous, rank);
            }
            previous = rank;
        }
    }
    let mut rectification = Vec::new();
    for (i, pair) in periods.windows(2).enumerate() {
        let (before, after) = (&pair[0], &pair[1]);
        for &(unit_id, score_before, rank_before) in &before.rectify {
            let unit = &units[index[&unit_id]];
            let later = unit.points[i + 1].as_ref();
            let score_after = later.map(|p| p.composite_score);
            let improved = score_after
                .and_then(|f| f.value.filter(|_| f.hidden.is_none() || exact))
                .map(|v| v > score_before);
            rectification.push(RectificationFollowUp {
                unit_id,
                name: unit.name.clone(),
                survey_id: before.period.survey_id,
                next_survey_id: after.period.survey_id,
                score_before,
                rank_before,
                score_after,
                rank_after: later.and_then(|p| p.rank),
                improved,
            });
        }
    }
    SurveyTrend {
        series: series.to_string(),
        exact,
        periods: periods.into_iter().map(|p| p.period).collect(),
        units,
        rectification,
        rectify_below_score: rule.below_score,
    }
}

#[cfg(test)]
mod tests {
    use canvass_protocol::forms::Localized;
    use canvass_protocol::stats::SuppressionReason;
    use canvass_protocol::surveys::{Figure, SurveyStatus};

    use super::*;

    fn point(score: Option<f64>, rank: Option<u32>, rectify: bool) -> UnitPeriod {
        let hidden = score
            .is_none()
            .then(|| SuppressionReason::BelowThreshold { n: 3, threshold: 5 }.published());
        let f = Figure {
            value: score,
            n: score.map(|_| 20),
            hidden,
        };
        UnitPeriod {
            responses: f,
            satisfaction_rate: f,
            composite_score: f,
            rank,
            rank_change: None,
            rectify,
        }
    }

    fn period(id: i64, units: Vec<(i64, &str, UnitPeriod)>) -> PeriodFigures {
        let rectify = units
            .iter()
            .filter(|u| u.2.rectify)
            .map(|u| {
                (
                    u.0,
                    u.2.composite_score.value.unwrap_or(0.0),
                    u.2.rank.unwrap_or(0),
                )
            })
            .collect();
        PeriodFigures {
            period: TrendPeriod {
                survey_id: id,
                period: Some(format!("P{id}")),
                title: Localized::zh("t"),
                status: SurveyStatus::Closed,
                min_group_size: 5,
                ranked: 2,
            },
            units: units
                .into_iter()
                .map(|(id, name, p)| (id, name.to_string(), p))
                .collect(),
            rectify,
        }
    }

    #[test]
    fn a_rectified_unit_that_scores_higher_next_period_improved_and_a_hidden_one_is_unknown() {
        let rule = RectificationRule::default();
        let periods = vec![
            period(
                1,
                vec![
                    (10, "甲", point(Some(90.0), Some(1), false)),
                    (11, "乙", point(Some(40.0), Some(2), true)),
                    (12, "丙", point(Some(30.0), Some(3), true)),
                ],
            ),
            period(
                2,
                vec![
                    (10, "甲", point(Some(70.0), Some(2), false)),
                    (11, "乙", point(Some(80.0), Some(1), false)),
                    (12, "丙", point(None, None, false)),
                ],
            ),
        ];
        let trend = assemble("s", false, periods, rule);
        assert_eq!(trend.units.len(), 3);
        let change = |u: usize| trend.units[u].points[1].as_ref().unwrap().rank_change;
        assert_eq!((change(0), change(1), change(2)), (Some(-1), Some(1), None));
        assert_eq!(trend.rectification.len(), 2);
        let yi = &trend.rectification[0];
        assert_eq!(
            (yi.unit_id, yi.rank_before, yi.rank_after),
            (11, 2, Some(1))
        );
        assert_eq!(yi.improved, Some(true));
        let bing = &trend.rectification[1];
        assert_eq!(
            (bing.unit_id, bing.improved, bing.rank_after),
            (12, None, None)
        );
        assert!(bing.score_after.unwrap().value.is_none());
    }

    #[test]
    fn a_unit_missing_from_a_period_has_no_point_there_and_no_rank_change_after() {
        let periods = vec![
            period(1, vec![(10, "甲", point(Some(50.0), Some(1), true))]),
            period(2, vec![(11, "乙", point(Some(60.0), Some(1), false))]),
            period(3, vec![(10, "甲", point(Some(40.0), Some(1), false))]),
        ];
        let trend = assemble("s", true, periods, RectificationRule::default());
        let jia = &trend.units[0];
        assert!(jia.points[1].is_none());
        assert_eq!(jia.points[2].as_ref().unwrap().rank_change, None);
        assert_eq!(trend.rectification.len(), 1);
        assert_eq!(trend.rectification[0].score_after, None);
        assert_eq!(trend.rectification[0].improved, None);
    }
}
