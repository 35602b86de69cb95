use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::grades::Grade;
use super::results::{RoundResults, SubjectResult};
use super::round::{Basis, Condition, FlagRule, Round, SubjectRef};
use crate::stats::Share;

/// A subject flagged by a rule, with the numbers of every round that raised it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Flag {
    pub rule: FlagRule,
    pub subject: SubjectRef,
    pub subject_name: String,
    /// The official the flag is about: the official graded, or for a team rule the team's
    /// principal leader (`None` when the round names none).
    pub flagged_official: Option<i64>,
    /// This round first, then the earlier rounds the rule looked back on.
    pub evidence: Vec<RoundEvidence>,
}

/// What a rule measured in one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundEvidence {
    pub period: String,
    pub measurement: Measurement,
}

/// A measured value with the counts it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measurement {
    /// Votes with the rule's grades out of all graded votes, every vote counted once.
    VoteShare { share: Share },
    /// The weighted share of the rule's grades, resting on `graded_votes` graded votes.
    WeightedShare { ratio: f64, graded_votes: u64 },
    /// The subject's result grade and its weighted share.
    ResultGrade {
        grade: Grade,
        weighted_share: f64,
        graded_votes: u64,
    },
}

fn measure(condition: &Condition, result: &SubjectResult) -> Option<(Measurement, bool)> {
    let overall = &result.overall;
    let graded_votes = overall.pooled.graded();
    if graded_votes == 0 {
        return None;
    }
    match condition {
        Condition::Share {
            grades,
            comparison,
            threshold,
            basis: Basis::Votes,
        } => {
            let count = grades.iter().map(|&g| overall.pooled.count(g)).sum();
            let holds = comparison.holds_exact(count, graded_votes, *threshold);
            Some((
                Measurement::VoteShare {
                    share: Share::new(count, graded_votes),
                },
                holds,
            ))
        }
        Condition::Share {
            grades,
            comparison,
            threshold,
            basis: Basis::Weighted,
        } => {
            let ratio: f64 = grades
                .iter()
                .filter_map(|g| overall.weighted_shares.get(g))
                .sum();
            let holds = comparison.holds_approx(ratio, *threshold);
            Some((
                Measurement::WeightedShare {
                    ratio,
                    graded_votes,
                },
                holds,
            ))
        }
        Condition::ResultGrade { grades } => {
            let grade = overall.result_grade?;
            Some((
                Measurement::ResultGrade {
                    grade,
                    weighted_share: overall.weighted_shares.get(&grade).copied().unwrap_or(0.0),
                    graded_votes,
                },
                grades.contains(&grade),
            ))
        }
    }
}

/// Applies the round's flag rules to its results.
///
/// `previous` holds the earlier rounds of the same series, most recent first, for rules over
/// consecutive rounds: a rule with `consecutive_rounds: n` flags a subject only when the
/// condition holds in this round and in each of the `n − 1` rounds before it. A round that is
/// missing, belongs to another series, did not grade the subject, or in which nobody graded it
/// breaks the run. Earlier rounds are judged by this round's rule, so a changed rule applies
/// evenly. Officials are matched across rounds by id; the team by being the series' team.
#[must_use]
pub fn evaluate_flags(
    round: &Round,
    current: &RoundResults,
    previous: &[RoundResults],
) -> Vec<Flag> {
    let principal_leader = round
        .definition()
        .team
        .as_ref()
        .and_then(|t| t.principal_leader);
    let mut flags = Vec::new();
    for rule in &round.definition().flag_rules {
        let needed = usize::try_from(rule.consecutive_rounds.max(1)).unwrap_or(usize::MAX);
        for result in current
            .subjects
            .iter()
            .filter(|s| s.subject.kind() == rule.applies_to)
        {
            let rounds = std::iter::once(current).chain(
                previous
                    .iter()
                    .take(needed - 1)
                    .take_while(|r| r.series_id == current.series_id),
            );
            let mut evidence = Vec::new();
            for r in rounds {
                match r
                    .subject(result.subject)
                    .and_then(|s| measure(&rule.condition, s))
                {
                    Some((measurement, true)) => evidence.push(RoundEvidence {
                        period: r.period.clone(),
                        measurement,
                    }),
                    _ => break,
                }
            }
            if evidence.len() == needed {
                flags.push(Flag {
                    rule: rule.clone(),
                    subject: result.subject,
                    subject_name: result.name.clone(),
                    flagged_official: match result.subject {
                        SubjectRef::Official(id) => Some(id),
                        SubjectRef::Team => principal_leader,
                    },
                    evidence,
                });
            }
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::ballot::tests::round;
    use crate::rounds::results::{compute_results, RoundCounts};
    use crate::rounds::round::{Comparison, Fraction};
    use crate::rounds::SubjectKind;

    const A: SubjectRef = SubjectRef::Official(1);
    const B: SubjectRef = SubjectRef::Official(2);
    const C: SubjectRef = SubjectRef::Official(3);

    struct Votes<'a>(&'a Round, RoundCounts);

    impl<'a> Votes<'a> {
        fn new(round: &'a Round) -> Self {
            Votes(round, RoundCounts::new(round))
        }

        fn add(mut self, group: &str, subject: SubjectRef, list: &[(Grade, u64)]) -> Self {
            for &(g, n) in list {
                self.1.add_grade(group, subject, None, Some(g), n).unwrap();
            }
            self
        }

        fn results(&self, period: &str) -> RoundResults {
            let mut r = compute_results(self.0, &self.1);
            r.period = period.into();
            r
        }
    }

    fn flagged(flags: &[Flag]) -> Vec<(&str, SubjectRef)> {
        flags
            .iter()
            .map(|f| (f.rule.id.as_str(), f.subject))
            .collect()
    }

    use Grade::{Average, BasicallyCompetent, Competent, Excellent, Good, Incompetent, Poor};

    #[test]
    fn one_third_of_graded_votes_flags_exactly_at_the_boundary() {
        let r = round();
        // A: 3 of 9 graded votes are 基本称职/不称职 (plus 4 abstentions, not counted) → flagged.
        // B: 2 of 9 → not flagged. C: 3 of 10 → not flagged.
        let mut votes = Votes::new(&r)
            .add(
                "public",
                A,
                &[(Competent, 6), (BasicallyCompetent, 2), (Incompetent, 1)],
            )
            .add("public", B, &[(Competent, 7), (BasicallyCompetent, 2)])
            .add("public", C, &[(Excellent, 7), (BasicallyCompetent, 3)]);
        votes.1.add_grade("public", A, None, None, 4).unwrap();
        let flags = evaluate_flags(&r, &votes.results("2026年度"), &[]);
        assert_eq!(flagged(&flags), [("lower_grades_one_third", A)]);
        let f = &flags[0];
        assert_eq!(f.flagged_official, Some(1));
        assert_eq!(f.subject_name, "甲");
        assert_eq!(
            f.evidence,
            [RoundEvidence {
                period: "2026年度".into(),
                measurement: Measurement::VoteShare {
                    share: Share::new(3, 9)
                },
            }]
        );
    }

    #[test]
    fn twenty_percent_incompetent_flags_only_in_two_consecutive_rounds() {
        fn high(v: Votes<'_>, s: SubjectRef) -> Votes<'_> {
            v.add("public", s, &[(Competent, 8), (Incompetent, 2)])
        }
        fn low(v: Votes<'_>, s: SubjectRef) -> Votes<'_> {
            v.add("public", s, &[(Competent, 9), (Incompetent, 1)])
        }
        let r = round();
        // A: 20 % now and 20 % last year. B: 20 % now only. C: 20 % last year only.
        let last_year = low(high(high(Votes::new(&r), A), C), B).results("2025年度");
        let this_year = low(high(high(Votes::new(&r), A), B), C).results("2026年度");
        let flags = evaluate_flags(&r, &this_year, std::slice::from_ref(&last_year));
        assert_eq!(flagged(&flags), [("incompetent_20pct_two_rounds", A)]);
        let periods: Vec<_> = flags[0]
            .evidence
            .iter()
            .map(|e| e.period.as_str())
            .collect();
        assert_eq!(periods, ["2026年度", "2025年度"]);
        assert!(
            evaluate_flags(&r, &this_year, &[]).is_empty(),
            "no previous round, no run"
        );
        let mut other_series = last_year;
        other_series.series_id = "another".into();
        assert!(evaluate_flags(&r, &this_year, &[other_series]).is_empty());
    }

    #[test]
    fn a_poor_team_flags_its_principal_leader_and_average_needs_two_rounds() {
        let r = round();
        let poor = Votes::new(&r).add("public", SubjectRef::Team, &[(Poor, 6), (Average, 3)]);
        let average = Votes::new(&r).add("public", SubjectRef::Team, &[(Average, 6), (Good, 3)]);
        let flags = evaluate_flags(&r, &poor.results("2026"), &[]);
        assert_eq!(flagged(&flags), [("team_poor", SubjectRef::Team)]);
        assert_eq!(flags[0].flagged_official, Some(1));
        assert_eq!(
            flags[0].evidence[0].measurement,
            Measurement::ResultGrade {
                grade: Poor,
                weighted_share: 6.0 / 9.0,
                graded_votes: 9
            }
        );
        assert!(evaluate_flags(&r, &average.results("2026"), &[]).is_empty());
        let twice = evaluate_flags(&r, &average.results("2026"), &[average.results("2025")]);
        assert_eq!(
            flagged(&twice),
            [("team_average_two_rounds", SubjectRef::Team)]
        );
        let poor_then_average =
            evaluate_flags(&r, &average.results("2026"), &[poor.results("2025")]);
        assert_eq!(
            flagged(&poor_then_average),
            [("team_average_two_rounds", SubjectRef::Team)]
        );
        let good = Votes::new(&r).add("public", SubjectRef::Team, &[(Good, 6)]);
        assert!(evaluate_flags(&r, &good.results("2026"), &[poor.results("2025")]).is_empty());
    }

    #[test]
    fn the_other_countys_warning_and_removal_rules() {
        let mut d = r_def();
        d.flag_rules = FlagRule::warning_and_removal();
        let r = Round::new(d).unwrap();
        // A: 6 of 9 优秀+称职 = 2/3, not below → no warning. B: 5 of 9 → warning.
        // C: 8 of 12 称职 = 2/3 and 4 of 12 不称职 = 1/3: neither rule. One more 不称职:
        //    8 of 13 < 2/3 → warning; 5 of 13 > 1/3 → removal.
        let votes = Votes::new(&r)
            .add(
                "public",
                A,
                &[(Excellent, 2), (Competent, 4), (BasicallyCompetent, 3)],
            )
            .add("public", B, &[(Competent, 5), (BasicallyCompetent, 4)])
            .add("public", C, &[(Competent, 8), (Incompetent, 4)]);
        let flags = evaluate_flags(&r, &votes.results("2026"), &[]);
        assert_eq!(flagged(&flags), [("warning_talk", B)]);
        let votes = votes.add("public", C, &[(Incompetent, 1)]);
        let flags = evaluate_flags(&r, &votes.results("2026"), &[]);
        assert_eq!(
            flagged(&flags),
            [("warning_talk", B), ("warning_talk", C), ("removal", C)]
        );
    }

    fn r_def() -> crate::rounds::RoundDefinition {
        round().definition().clone()
    }

    #[test]
    fn a_weighted_rule_can_flag_where_the_vote_count_does_not() {
        // C: leaders (weight 3) 3 of 5 lower grades = 60 %; public (weight 1) 2 of 20 = 10 %.
        // Votes: 5 of 25 = 20 % < 1/3. Weighted: (3·0.6 + 1·0.1) / 4 = 47.5 % ≥ 1/3.
        let weighted = FlagRule {
            id: "weighted_one_third".into(),
            label: "加权后基本称职和不称职达到三分之一".into(),
            applies_to: SubjectKind::Official,
            condition: Condition::Share {
                grades: vec![BasicallyCompetent, Incompetent],
                comparison: Comparison::AtLeast,
                threshold: Fraction::new(1, 3).unwrap(),
                basis: Basis::Weighted,
            },
            consecutive_rounds: 1,
        };
        let mut d = r_def();
        d.flag_rules = vec![FlagRule::defaults().remove(0), weighted];
        let r = Round::new(d).unwrap();
        let votes = Votes::new(&r)
            .add("leaders", C, &[(BasicallyCompetent, 3), (Competent, 2)])
            .add("public", C, &[(BasicallyCompetent, 2), (Competent, 18)]);
        let flags = evaluate_flags(&r, &votes.results("2026"), &[]);
        assert_eq!(flagged(&flags), [("weighted_one_third", C)]);
        let Measurement::WeightedShare {
            ratio,
            graded_votes,
        } = flags[0].evidence[0].measurement
        else {
            panic!("weighted");
        };
        assert!((ratio - 0.475).abs() < 1e-12 && graded_votes == 25);
    }

    #[test]
    fn nobody_graded_means_no_flag() {
        let r = round();
        assert!(evaluate_flags(&r, &Votes::new(&r).results("2026"), &[]).is_empty());
    }
}
