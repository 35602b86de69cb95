use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ballot::CastBallot;
use super::grades::GradeTally;
use super::tally::CountedTally;

/// The fewest valid ballots at a station before "every ballot identical" is worth a review:
/// below it, unanimity is unremarkable.
pub const IDENTICAL_BALLOTS_MIN: u64 = 5;

/// A station whose valid ballots are all marked exactly alike: a pattern of handed-out
/// "standard answers" (统一口径) or of one hand filling many ballots. Flagged for review, never
/// acted on automatically: a small, united team can vote this way honestly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IdenticalBallots {
    /// How many identical valid ballots.
    pub ballots: u64,
}

/// Checks the valid ballots of one station: flagged when there are at least `min` and all are
/// identical (same grade or abstention for every subject and dimension).
#[must_use]
pub fn identical_ballots(ballots: &[CastBallot], min: u64) -> Option<IdenticalBallots> {
    let n = u64::try_from(ballots.len()).unwrap_or(u64::MAX);
    let first = ballots.first()?;
    (n >= min && ballots.iter().all(|b| b == first)).then_some(IdenticalBallots { ballots: n })
}

/// The same check on a paper tally sheet. The ballots were all identical exactly when, for
/// every subject and dimension, one grade (or abstention) took every valid ballot: a ballot is
/// its marks, and each mark was then the same on every ballot.
#[must_use]
pub fn identical_tally(tally: &CountedTally, min: u64) -> Option<IdenticalBallots> {
    let unanimous = |t: &GradeTally| {
        t.abstentions == tally.valid || t.counts.values().any(|&n| n == tally.valid)
    };
    let all = tally
        .subjects
        .iter()
        .all(|s| unanimous(&s.overall) && s.dimensions.values().all(unanimous));
    (tally.valid >= min.max(1) && all).then_some(IdenticalBallots {
        ballots: tally.valid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::ballot::tests::round;
    use crate::rounds::ballot::{validate_ballot, Ballot, BallotOutcome};
    use crate::rounds::tally::{check_tally_sheet, TallyOutcome};
    use serde_json::json;

    fn cast(body: serde_json::Value) -> CastBallot {
        let ballot: Ballot = serde_json::from_value(body).unwrap();
        match validate_ballot(&round(), &ballot).unwrap() {
            BallotOutcome::Valid(c) => c,
            BallotOutcome::Invalid { .. } => panic!("valid"),
        }
    }

    fn same() -> CastBallot {
        cast(json!({"elector_group": "public", "marks": [
            {"subject": {"official": 1}, "grade": "excellent"},
            {"subject": {"official": 2}, "grade": "competent", "dimensions": {"integrity": "competent"}}
        ]}))
    }

    #[test]
    fn five_identical_ballots_are_flagged() {
        let ballots = vec![same(); 5];
        assert_eq!(
            identical_ballots(&ballots, IDENTICAL_BALLOTS_MIN),
            Some(IdenticalBallots { ballots: 5 })
        );
        assert_eq!(
            identical_ballots(&ballots[..4], IDENTICAL_BALLOTS_MIN),
            None
        );
        assert_eq!(identical_ballots(&[], 0), None);
    }

    #[test]
    fn one_different_mark_clears_the_station() {
        let mut ballots = vec![same(); 9];
        ballots[4].grades[1].dimensions.clear();
        assert_eq!(identical_ballots(&ballots, IDENTICAL_BALLOTS_MIN), None);
    }

    fn sheet(counts_a: serde_json::Value, abstentions_a: u64) -> CountedTally {
        let value = json!({
            "station": "第三会场", "elector_group": "public",
            "issued": 6, "returned": 6, "valid": 6, "invalid": 0,
            "subjects": [
                {"subject": {"official": 1}, "counts": counts_a, "abstentions": abstentions_a,
                 "dimensions": {"integrity": {"counts": {"competent": 6}, "abstentions": 0},
                                "ability": {"counts": {}, "abstentions": 6}}},
                {"subject": {"official": 2}, "counts": {"competent": 6}, "abstentions": 0,
                 "dimensions": {"integrity": {"counts": {"competent": 6}, "abstentions": 0},
                                "ability": {"counts": {"competent": 6}, "abstentions": 0}}},
                {"subject": {"official": 3}, "counts": {}, "abstentions": 6,
                 "dimensions": {"integrity": {"counts": {"competent": 6}, "abstentions": 0},
                                "ability": {"counts": {"competent": 6}, "abstentions": 0}}},
                {"subject": "team", "counts": {"good": 6}, "abstentions": 0}
            ]
        });
        match check_tally_sheet(&round(), &serde_json::from_value(value).unwrap()).unwrap() {
            TallyOutcome::Counted(c) => c,
            TallyOutcome::Void { .. } => panic!("counted"),
        }
    }

    #[test]
    fn a_tally_where_every_subject_is_unanimous_is_flagged() {
        let t = sheet(json!({"excellent": 6}), 0);
        assert_eq!(
            identical_tally(&t, IDENTICAL_BALLOTS_MIN),
            Some(IdenticalBallots { ballots: 6 })
        );
        assert_eq!(identical_tally(&t, 7), None);
        let split = sheet(json!({"excellent": 5}), 1);
        assert_eq!(identical_tally(&split, IDENTICAL_BALLOTS_MIN), None);
    }
}
