//! The results of a round: exact counts from the electronic tallies and the current sheets,
//! flags with the numbers that raised them, identical-ballot stations, the comparison with the
//! previous round of the series, and live turnout; hidden for leaders until published, and
//! small elector groups hidden from them then.

use std::collections::BTreeMap;

use canvass_protocol::accounts::Role;
use canvass_protocol::rounds::{
    check_tally, compute_results, evaluate_flags, identical_tally, CountedTally, Grade,
    GroupTurnout, HiddenGroup, PreviousRound, PreviousStanding, Round, RoundCounts, RoundInfo,
    RoundReport, RoundResults, RoundStatus, StationAnomaly, StationStatus, TallyOutcome, Turnout,
    IDENTICAL_BALLOTS_MIN,
};
use canvass_protocol::stats::{suppress_breakdown, Disclosure};
use canvass_protocol::ErrorCode;

use super::{
    manages_rounds, parse_dimension, parse_subject, round_info, status, stored_round, visible_round,
};
use crate::db::rounds::{self as store, RoundRow};
use crate::db::DbConnection;
use crate::domain::auth::{Action, Caller};
use crate::domain::error::{Error, Kind};
use crate::domain::tally_sheets::{parse_sheet, sheet_records};

/// Exact counts and results of a round: electronic tallies and current, non-void sheets.
pub(super) fn exact_results(
    conn: &mut DbConnection,
    row: &RoundRow,
) -> Result<(Round, RoundResults, Vec<StationAnomaly>), Error> {
    let round = stored_round(row)?;
    let mut counts = RoundCounts::new(&round);
    let internal = |e: &dyn std::fmt::Display| Error::internal(e);
    for (group, subject, dimension, grade, n) in store::tallies(conn, row.id)? {
        let Some(subject) = parse_subject(&subject) else {
            continue;
        };
        let dimension = if dimension.is_empty() {
            None
        } else {
            parse_dimension(&dimension)
        };
        let grade = if grade.is_empty() {
            None
        } else {
            Grade::parse(&grade)
        };
        counts
            .add_grade(
                &group,
                subject,
                dimension,
                grade,
                u64::try_from(n).unwrap_or(0),
            )
            .map_err(|e| internal(&e))?;
    }
    for (group, valid, invalid) in store::ballot_counts(conn, row.id)? {
        counts
            .add_ballot_counts(
                &group,
                u64::try_from(valid).unwrap_or(0),
                u64::try_from(invalid).unwrap_or(0),
            )
            .map_err(|e| internal(&e))?;
    }
    // every electronic ballot of a group alike, read from the tallies (O(subjects), not
    // O(ballots)): all identical exactly when one grade took every valid ballot everywhere
    let mut anomalies = Vec::new();
    for group in &counts.groups {
        let electronic = CountedTally {
            elector_group: group.elector_group.clone(),
            valid: group.valid,
            invalid: group.invalid,
            subjects: group.subjects.clone(),
        };
        if let Some(detail) = identical_tally(&electronic, IDENTICAL_BALLOTS_MIN) {
            anomalies.push(StationAnomaly {
                station: format!("electronic: {}", group.elector_group),
                detail,
            });
        }
    }
    for sheet in store::sheets(conn, row.id)?
        .iter()
        .filter(|s| s.replaced_at.is_none() && !s.void)
    {
        let parsed = parse_sheet(sheet)?;
        if let Ok(TallyOutcome::Counted(counted)) = check_tally(&round, &parsed) {
            counts.add_tally(&counted).map_err(|e| internal(&e))?;
            if let Some(detail) = identical_tally(&counted, IDENTICAL_BALLOTS_MIN) {
                anomalies.push(StationAnomaly {
                    station: sheet.station.clone(),
                    detail,
                });
            }
        }
    }
    let results = compute_results(&round, &counts);
    Ok((round, results, anomalies))
}

/// The report of round `id` for `caller`: exact for organisers and admins (at any time, so
/// they can watch turnout live), and for leaders once results are published, with elector
/// groups below the minimum group size (and a complement) hidden.
pub fn report(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    base_url: &str,
) -> Result<RoundReport, Error> {
    let row = visible_round(conn, caller, id)?;
    report_of(conn, caller, &row, base_url)
}

/// The newest `limit` rounds of the caller's subtree, each with its report when the caller may
/// read it (a leader, once it is published).
pub fn recent_reports(
    conn: &mut DbConnection,
    caller: &Caller,
    limit: usize,
    base_url: &str,
) -> Result<Vec<(RoundInfo, Option<RoundReport>)>, Error> {
    let mut out = Vec::new();
    for row in store::rounds_in(conn, caller.scope_path())?
        .into_iter()
        .take(limit)
    {
        let info = round_info(&row, base_url)?;
        let report = match report_of(conn, caller, &row, base_url) {
            Ok(report) => Some(report),
            Err(e) if e.is_server_fault() => return Err(e),
            Err(_) => None,
        };
        out.push((info, report));
    }
    Ok(out)
}

fn report_of(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &RoundRow,
    base_url: &str,
) -> Result<RoundReport, Error> {
    let exact = manages_rounds(caller.role());
    caller.require(
        exact || caller.role() == Role::Leader,
        Action::ReadRoundResults,
    )?;
    if !exact && status(row) != RoundStatus::Published {
        return Err(Error::new(
            Kind::Forbidden,
            ErrorCode::ResultsNotPublished,
            ErrorCode::ResultsNotPublished.message(),
        ));
    }
    let (round, mut results, mut anomalies) = exact_results(conn, row)?;
    // leaders see nothing of a round whose results are not published, not even through the
    // comparison with the previous round or a multi-round flag
    let earlier: Vec<RoundRow> = store::earlier_in_series(conn, row)?
        .into_iter()
        .filter(|r| exact || status(r) == RoundStatus::Published)
        .collect();
    let mut previous_results = Vec::new();
    for r in &earlier {
        previous_results.push(exact_results(conn, r)?.1);
    }
    let flags = evaluate_flags(&round, &results, &previous_results);
    let previous = earlier
        .first()
        .zip(previous_results.first())
        .map(|(r, res)| PreviousRound {
            round_id: r.id,
            period: r.period.clone(),
            subjects: res
                .subjects
                .iter()
                .map(|s| PreviousStanding {
                    subject: s.subject,
                    score: s.overall.score,
                    rank: s.rank,
                    weighted_shares: s
                        .overall
                        .weighted_shares
                        .iter()
                        .map(|(g, v)| (g.as_str().to_string(), *v))
                        .collect(),
                })
                .collect(),
        });
    let mut turnout = turnout(conn, row, &round)?;
    let mut hidden_groups = Vec::new();
    if !exact {
        let totals: Vec<u64> = results.groups.iter().map(|g| g.valid + g.invalid).collect();
        let breakdown = suppress_breakdown(&totals, round.definition().disclosure.counts);
        for (g, cell) in results.groups.iter().zip(&breakdown.cells) {
            if let Disclosure::Suppressed { reason } = cell {
                hidden_groups.push(HiddenGroup {
                    elector_group: g.elector_group.clone(),
                    reason: reason.published(),
                });
            }
        }
        let hidden: Vec<&str> = hidden_groups
            .iter()
            .map(|h| h.elector_group.as_str())
            .collect();
        for subject in &mut results.subjects {
            subject
                .overall
                .by_group
                .retain(|g| !hidden.contains(&g.elector_group.as_str()));
            for d in subject.dimensions.values_mut() {
                d.by_group
                    .retain(|g| !hidden.contains(&g.elector_group.as_str()));
            }
        }
        results
            .groups
            .retain(|g| !hidden.contains(&g.elector_group.as_str()));
        // turnout and station anomalies would tell how many voted in a hidden group
        let hidden_stations: Vec<String> = turnout
            .stations
            .iter()
            .filter(|st| hidden.contains(&st.elector_group.as_str()))
            .map(|st| st.station.clone())
            .chain(hidden.iter().map(|g| format!("electronic: {g}")))
            .collect();
        turnout
            .groups
            .retain(|g| !hidden.contains(&g.elector_group.as_str()));
        turnout
            .stations
            .retain(|st| !hidden.contains(&st.elector_group.as_str()));
        anomalies.retain(|a| !hidden_stations.contains(&a.station));
    }
    Ok(RoundReport {
        round: round_info(row, base_url)?,
        exact,
        results,
        hidden_groups,
        flags,
        anomalies,
        previous,
        turnout,
    })
}

/// Codes used out of issued per group, paper ballots per group, and each station's sheet.
fn turnout(conn: &mut DbConnection, row: &RoundRow, round: &Round) -> Result<Turnout, Error> {
    let mut codes: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (group, used, n) in store::code_counts(conn, row.id)? {
        let e = codes.entry(group).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        e.0 += n;
        if used {
            e.1 += n;
        }
    }
    let records = sheet_records(conn, row.id)?;
    let groups = round
        .definition()
        .elector_groups
        .iter()
        .map(|g| {
            let (issued, used) = codes.get(&g.id).copied().unwrap_or_default();
            let paper = records.iter().filter(|r| r.elector_group == g.id);
            GroupTurnout {
                elector_group: g.id.clone(),
                label: g.label.clone(),
                codes_issued: issued,
                codes_used: used,
                paper_issued: paper.clone().map(|r| r.sheet.issued).sum(),
                paper_returned: paper.map(|r| r.sheet.returned).sum(),
            }
        })
        .collect();
    let stations = records
        .iter()
        .map(|r| StationStatus {
            station: r.station.clone(),
            elector_group: r.elector_group.clone(),
            outcome: r.outcome.clone(),
            corrected: !r.replaced.is_empty(),
        })
        .collect();
    Ok(Turnout { groups, stations })
}
