//! The trend of a round series: per official and round the weighted share of each grade, the
//! composite score, the rank with its change, and the flags raised, from the same exact counts
//! (tallies and current sheets) as each round's report; leaders see published rounds only.

use std::collections::BTreeMap;

use canvass_protocol::accounts::Role;
use canvass_protocol::rounds::{evaluate_flags, RoundResults, RoundStatus, SubjectRef};
use canvass_protocol::trends::{
    rank_change, GradeShare, OfficialPeriod, OfficialTrend, RoundPeriod, RoundSeries, RoundTrend,
};

use super::results::exact_results;
use super::{manages_rounds, status, stored_round};
use crate::db::rounds::{self as store, RoundRow};
use crate::db::DbConnection;
use crate::domain::auth::{Action, Caller};
use crate::domain::error::{Error, Thing};

/// Whether a round of this status belongs in a trend for the caller: closed or published
/// rounds for organisers and admins, published ones for leaders.
fn counted(row: &RoundRow, exact: bool) -> bool {
    match status(row) {
        RoundStatus::Published => true,
        RoundStatus::Closed => exact,
        RoundStatus::Draft | RoundStatus::Open => false,
    }
}

fn check_role(caller: &Caller) -> Result<bool, Error> {
    let exact = manages_rounds(caller.role());
    caller.require(
        exact || caller.role() == Role::Leader,
        Action::ReadRoundResults,
    )?;
    Ok(exact)
}

/// The round series of the caller's subtree with how many of their rounds it may read, by
/// name; series with none are left out.
pub fn series_list(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<RoundSeries>, Error> {
    if check_role(caller).is_err() {
        return Ok(Vec::new());
    }
    let exact = manages_rounds(caller.role());
    let mut series: BTreeMap<String, RoundSeries> = BTreeMap::new();
    for row in store::rounds_in(conn, caller.scope_path())? {
        if !counted(&row, exact) {
            continue;
        }
        let name = stored_round(&row)?.definition().series.name.clone();
        series
            .entry(row.series_id.clone())
            .or_insert_with(|| RoundSeries {
                series_id: row.series_id.clone(),
                series_name: name,
                periods: 0,
            })
            .periods += 1;
    }
    let mut out: Vec<RoundSeries> = series.into_values().collect();
    out.sort_by(|a, b| (&a.series_name, &a.series_id).cmp(&(&b.series_name, &b.series_id)));
    Ok(out)
}

/// The trend of round series `series_id` as `caller` may read it: `not_found` when no round
/// anywhere belongs to it, `out_of_scope` when none does in the caller's subtree.
pub fn round_trend(
    conn: &mut DbConnection,
    caller: &Caller,
    series_id: &str,
) -> Result<RoundTrend, Error> {
    let exact = check_role(caller)?;
    let mut rows: Vec<RoundRow> = store::rounds_in(conn, caller.scope_path())?
        .into_iter()
        .filter(|r| r.series_id == series_id)
        .collect();
    if rows.is_empty() {
        let anywhere = caller.scope_path().is_some()
            && store::rounds_in(conn, None)?
                .iter()
                .any(|r| r.series_id == series_id);
        return Err(if anywhere {
            Error::out_of_scope()
        } else {
            Error::not_found(Thing::Series)
        });
    }
    rows.retain(|r| counted(r, exact));
    rows.sort_by_key(|r| r.id);
    let series_name = match rows.last() {
        Some(row) => stored_round(row)?.definition().series.name.clone(),
        None => String::new(),
    };
    let mut periods = Vec::with_capacity(rows.len());
    // each round's results, newest first, as the flag rules read the rounds before
    let mut earlier: Vec<RoundResults> = Vec::with_capacity(rows.len());
    let mut standings: Vec<Vec<(i64, String, OfficialPeriod)>> = Vec::with_capacity(rows.len());
    for row in &rows {
        let (round, results, _) = exact_results(conn, row)?;
        let flags = evaluate_flags(&round, &results, &earlier);
        standings.push(
            results
                .subjects
                .iter()
                .filter_map(|s| match s.subject {
                    SubjectRef::Official(id) => Some((id, s)),
                    SubjectRef::Team => None,
                })
                .map(|(id, s)| {
                    let point = OfficialPeriod {
                        shares: s
                            .overall
                            .weighted_shares
                            .iter()
                            .map(|(grade, share)| GradeShare {
                                grade: *grade,
                                share: *share,
                            })
                            .collect(),
                        score: s.overall.score,
                        rank: s.rank,
                        rank_change: None,
                        result_grade: s.overall.result_grade,
                        flags: flags
                            .iter()
                            .filter(|f| f.flagged_official == Some(id))
                            .map(|f| f.rule.label.clone())
                            .collect(),
                    };
                    (id, s.name.clone(), point)
                })
                .collect(),
        );
        periods.push(RoundPeriod {
            round_id: row.id,
            period: row.period.clone(),
            status: status(row),
        });
        earlier.insert(0, results);
    }
    Ok(RoundTrend {
        series_id: series_id.to_string(),
        series_name,
        exact,
        periods,
        officials: officials(standings),
    })
}

/// Lays each round's standings out per official (in the latest round's order, then those of
/// earlier rounds), with the rank changes.
fn officials(standings: Vec<Vec<(i64, String, OfficialPeriod)>>) -> Vec<OfficialTrend> {
    let n = standings.len();
    let mut out: Vec<OfficialTrend> = Vec::new();
    for round in standings.iter().rev() {
        for (id, name, _) in round {
            if !out.iter().any(|o| o.official_id == *id) {
                out.push(OfficialTrend {
                    official_id: *id,
                    name: name.clone(),
                    points: vec![None; n],
                });
            }
        }
    }
    for (i, round) in standings.into_iter().enumerate() {
        for (id, _, point) in round {
            if let Some(o) = out.iter_mut().find(|o| o.official_id == id) {
                o.points[i] = Some(point);
            }
        }
    }
    for official in &mut out {
        let mut previous = None;
        for point in &mut official.points {
            let rank = point.as_ref().and_then(|p| p.rank);
            if let Some(p) = point.as_mut() {
                p.rank_change = rank_change(previous, rank);
            }
            previous = rank;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rank: Option<u32>) -> OfficialPeriod {
        OfficialPeriod {
            shares: Vec::new(),
            score: None,
            rank,
            rank_change: None,
            result_grade: None,
            flags: Vec::new(),
        }
    }

    #[test]
    fn officials_follow_the_latest_round_and_their_rank_change_is_against_the_round_before() {
        let standings = vec![
            vec![
                (1, "王".to_string(), at(Some(1))),
                (2, "李".to_string(), at(Some(2))),
            ],
            vec![
                (2, "李".to_string(), at(Some(1))),
                (3, "赵".to_string(), at(Some(2))),
            ],
        ];
        let out = officials(standings);
        let names: Vec<&str> = out.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["李", "赵", "王"]);
        assert_eq!(out[0].points[1].as_ref().unwrap().rank_change, Some(1));
        assert_eq!(out[1].points[0], None);
        assert_eq!(out[1].points[1].as_ref().unwrap().rank_change, None);
        assert!(out[2].points[1].is_none());
    }
}
