use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ballot::BallotOutcome;
use super::grades::{Dimension, Grade, GradeTally, Scale};
use super::round::{Round, SubjectRef};
use super::tally::CountedTally;
use crate::stats::{count_f64, Ranking, Share};

/// How one elector group graded one subject: overall and per dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SubjectCounts {
    pub subject: SubjectRef,
    pub overall: GradeTally,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dimensions: BTreeMap<Dimension, GradeTally>,
}

/// The counts of one elector group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GroupCounts {
    pub elector_group: String,
    /// Valid ballots.
    pub valid: u64,
    /// Invalid ballots (废票).
    pub invalid: u64,
    pub subjects: Vec<SubjectCounts>,
}

/// The exact counts of a round, electronic ballots and paper tally sheets merged: the input
/// of [`compute_results`]. Built with [`RoundCounts::new`] for one round and filled through
/// the `add_*` methods, which refuse anything that is not in that round (each call either
/// applies whole or not at all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundCounts {
    pub groups: Vec<GroupCounts>,
}

/// Counts that do not fit the round they are added to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountsError {
    #[error("elector group `{0}` is not in this round")]
    UnknownElectorGroup(String),
    #[error("{0} is not graded in this round")]
    UnknownSubject(SubjectRef),
    #[error("{subject} is not graded on `{}` in this round", dimension.as_str())]
    UnknownDimension {
        subject: SubjectRef,
        dimension: Dimension,
    },
    #[error("{grade} is not on the scale of {subject}")]
    GradeNotOnScale { subject: SubjectRef, grade: Grade },
    #[error("the ballot has no entry for {0}: it was cast in another round")]
    MissingSubject(SubjectRef),
}

impl RoundCounts {
    /// Zero counts for every group, subject and dimension of `round`.
    #[must_use]
    pub fn new(round: &Round) -> Self {
        let subjects: Vec<SubjectCounts> = round
            .subjects()
            .map(|subject| {
                let scale = subject.kind().scale();
                SubjectCounts {
                    subject,
                    overall: GradeTally::zero(scale),
                    dimensions: round
                        .dimensions_of(subject)
                        .iter()
                        .map(|&d| (d, GradeTally::zero(scale)))
                        .collect(),
                }
            })
            .collect();
        Self {
            groups: round
                .definition()
                .elector_groups
                .iter()
                .map(|g| GroupCounts {
                    elector_group: g.id.clone(),
                    valid: 0,
                    invalid: 0,
                    subjects: subjects.clone(),
                })
                .collect(),
        }
    }

    /// The counts of one group.
    #[must_use]
    pub fn group(&self, id: &str) -> Option<&GroupCounts> {
        self.groups.iter().find(|g| g.elector_group == id)
    }

    fn group_index(&self, id: &str) -> Result<usize, CountsError> {
        self.groups
            .iter()
            .position(|g| g.elector_group == id)
            .ok_or_else(|| CountsError::UnknownElectorGroup(id.to_owned()))
    }

    fn slot_index(
        &self,
        group: usize,
        subject: SubjectRef,
        dimension: Option<Dimension>,
        grade: Option<Grade>,
    ) -> Result<usize, CountsError> {
        let index = self.groups[group]
            .subjects
            .iter()
            .position(|s| s.subject == subject)
            .ok_or(CountsError::UnknownSubject(subject))?;
        if let Some(dimension) = dimension {
            if !self.groups[group].subjects[index]
                .dimensions
                .contains_key(&dimension)
            {
                return Err(CountsError::UnknownDimension { subject, dimension });
            }
        }
        if let Some(grade) = grade.filter(|g| g.scale() != subject.kind().scale()) {
            return Err(CountsError::GradeNotOnScale { subject, grade });
        }
        Ok(index)
    }

    fn tally_mut(
        &mut self,
        group: usize,
        subject: usize,
        dimension: Option<Dimension>,
    ) -> &mut GradeTally {
        let counts = &mut self.groups[group].subjects[subject];
        let scale = counts.subject.kind().scale();
        match dimension {
            Some(d) => counts
                .dimensions
                .entry(d)
                .or_insert_with(|| GradeTally::zero(scale)),
            None => &mut counts.overall,
        }
    }

    /// Records `n` votes of `grade` (`None`: abstentions) for `subject`, overall or on
    /// `dimension`, in `group`: for rebuilding counts from stored aggregates.
    pub fn add_grade(
        &mut self,
        group: &str,
        subject: SubjectRef,
        dimension: Option<Dimension>,
        grade: Option<Grade>,
        n: u64,
    ) -> Result<(), CountsError> {
        let g = self.group_index(group)?;
        let s = self.slot_index(g, subject, dimension, grade)?;
        self.tally_mut(g, s, dimension).add(grade, n);
        Ok(())
    }

    /// Records `valid` and `invalid` ballot counts of `group` (the grades go through
    /// [`RoundCounts::add_grade`]).
    pub fn add_ballot_counts(
        &mut self,
        group: &str,
        valid: u64,
        invalid: u64,
    ) -> Result<(), CountsError> {
        let g = self.group_index(group)?;
        let counts = &mut self.groups[g];
        counts.valid = counts.valid.saturating_add(valid);
        counts.invalid = counts.invalid.saturating_add(invalid);
        Ok(())
    }

    /// Records one electronic ballot as [`validate_ballot`](super::validate_ballot) judged it.
    pub fn add_ballot(&mut self, outcome: &BallotOutcome) -> Result<(), CountsError> {
        let cast = match outcome {
            BallotOutcome::Invalid { elector_group, .. } => {
                return self.add_ballot_counts(elector_group, 0, 1);
            }
            BallotOutcome::Valid(cast) => cast,
        };
        let g = self.group_index(&cast.elector_group)?;
        if let Some(missing) = self.groups[g]
            .subjects
            .iter()
            .find(|s| !cast.grades.iter().any(|c| c.subject == s.subject))
        {
            return Err(CountsError::MissingSubject(missing.subject));
        }
        let mut slots = Vec::new();
        for c in &cast.grades {
            let s = self.slot_index(g, c.subject, None, c.grade)?;
            slots.push((s, None, c.grade));
            for (&d, &grade) in &c.dimensions {
                self.slot_index(g, c.subject, Some(d), Some(grade))?;
            }
            for &d in self.groups[g].subjects[s].dimensions.keys() {
                slots.push((s, Some(d), c.dimensions.get(&d).copied()));
            }
        }
        for (s, d, grade) in slots {
            self.tally_mut(g, s, d).add(grade, 1);
        }
        self.groups[g].valid = self.groups[g].valid.saturating_add(1);
        Ok(())
    }

    /// Records a counted paper tally sheet.
    pub fn add_tally(&mut self, tally: &CountedTally) -> Result<(), CountsError> {
        let g = self.group_index(&tally.elector_group)?;
        let mut slots = Vec::new();
        for counts in &tally.subjects {
            let aspects = std::iter::once((None, &counts.overall))
                .chain(counts.dimensions.iter().map(|(&d, t)| (Some(d), t)));
            for (d, t) in aspects {
                let s = self.slot_index(g, counts.subject, d, None)?;
                for &grade in t.counts.keys() {
                    self.slot_index(g, counts.subject, d, Some(grade))?;
                }
                slots.push((s, d, t));
            }
        }
        for (s, d, t) in slots {
            self.tally_mut(g, s, d).merge(t);
        }
        let counts = &mut self.groups[g];
        counts.valid = counts.valid.saturating_add(tally.valid);
        counts.invalid = counts.invalid.saturating_add(tally.invalid);
        Ok(())
    }

    fn tally(
        &self,
        group: &str,
        subject: SubjectRef,
        dimension: Option<Dimension>,
    ) -> Option<&GradeTally> {
        let counts = self
            .group(group)?
            .subjects
            .iter()
            .find(|s| s.subject == subject)?;
        match dimension {
            Some(d) => counts.dimensions.get(&d),
            None => Some(&counts.overall),
        }
    }
}

/// A round's results, exact: the organiser's official tally. Publishing them to anyone else
/// goes through disclosure control first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundResults {
    pub period: String,
    pub series_id: String,
    pub groups: Vec<GroupBallots>,
    /// In ballot order.
    pub subjects: Vec<SubjectResult>,
}

/// The ballots of one elector group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupBallots {
    pub elector_group: String,
    pub label: String,
    pub weight: f64,
    pub valid: u64,
    pub invalid: u64,
}

/// The results of one subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SubjectResult {
    pub subject: SubjectRef,
    pub name: String,
    /// For officials.
    pub position: Option<String>,
    pub overall: GradeResult,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dimensions: BTreeMap<Dimension, GradeResult>,
    /// Officials only, by composite score; `None` for the team and for an official nobody
    /// graded.
    pub rank: Option<u32>,
}

/// The grades of one subject on one aspect, per group and combined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GradeResult {
    pub by_group: Vec<GroupGrades>,
    /// All groups' votes added up, unweighted: what vote-count rules count.
    pub pooled: GradeTally,
    /// Shares of `pooled` over its graded votes.
    pub pooled_shares: BTreeMap<Grade, Share>,
    /// Per grade, the weighted mean of the groups' shares (see [`compute_results`]); empty
    /// when nobody graded.
    pub weighted_shares: BTreeMap<Grade, f64>,
    /// Composite score (综合得分): the grades' scores averaged with `weighted_shares`.
    pub score: Option<f64>,
    /// The grade with the largest weighted share; on a tie, the better grade.
    pub result_grade: Option<Grade>,
}

/// One group's grades of one subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupGrades {
    pub elector_group: String,
    pub tally: GradeTally,
    /// Over the group's graded votes (abstentions left out).
    pub shares: BTreeMap<Grade, Share>,
}

/// Computes a round's results from its exact counts.
///
/// - Shares are over graded votes: abstentions (弃权) are left out of the denominator, as the
///   rules speak of "the official's graded votes"; they are still reported in each tally.
/// - Weighted share of grade x: `Σ_g w_g · share_g(x) / Σ_g w_g` over the groups g that
///   graded the subject at all (a group with no graded votes drops out and the others' weights
///   are renormalised rather than counting it as 0 %).
/// - Composite score: `Σ_x score(x) · weighted_share(x)`, scores 100 / 80 / 60 / 0 unless the
///   round sets `grade_scores`.
/// - Officials are ranked by composite score (ties share a rank, then by official id).
///
/// Counts for groups, subjects or dimensions not in `round` are ignored; missing ones are 0.
#[must_use]
pub fn compute_results(round: &Round, counts: &RoundCounts) -> RoundResults {
    let definition = round.definition();
    let groups = definition
        .elector_groups
        .iter()
        .map(|g| {
            let c = counts.group(&g.id);
            GroupBallots {
                elector_group: g.id.clone(),
                label: g.label.clone(),
                weight: g.weight,
                valid: c.map_or(0, |c| c.valid),
                invalid: c.map_or(0, |c| c.invalid),
            }
        })
        .collect();
    let grade_result = |subject: SubjectRef, dimension: Option<Dimension>| {
        let scale = subject.kind().scale();
        let per_group: Vec<(&str, f64, GradeTally)> = definition
            .elector_groups
            .iter()
            .map(|g| {
                let tally = counts
                    .tally(&g.id, subject, dimension)
                    .cloned()
                    .unwrap_or_else(|| GradeTally::zero(scale));
                (g.id.as_str(), g.weight, tally)
            })
            .collect();
        grade_result(round, scale, &per_group)
    };
    let mut subjects: Vec<SubjectResult> = round
        .subjects()
        .map(|subject| SubjectResult {
            subject,
            name: round.subject_name(subject).unwrap_or_default().to_owned(),
            position: match subject {
                SubjectRef::Official(id) => round.official(id).map(|o| o.position.clone()),
                SubjectRef::Team => None,
            },
            overall: grade_result(subject, None),
            dimensions: round
                .dimensions_of(subject)
                .iter()
                .map(|&d| (d, grade_result(subject, Some(d))))
                .collect(),
            rank: None,
        })
        .collect();
    let ranking = rank_officials(&subjects);
    for s in &mut subjects {
        if let SubjectRef::Official(id) = s.subject {
            s.rank = ranking.rank_of(&id);
        }
    }
    RoundResults {
        period: definition.period.clone(),
        series_id: definition.series.id.clone(),
        groups,
        subjects,
    }
}

fn rank_officials(subjects: &[SubjectResult]) -> Ranking<i64> {
    Ranking::new(
        subjects
            .iter()
            .filter_map(|s| match (s.subject, s.overall.score) {
                (SubjectRef::Official(id), Some(score)) => Some((id, score)),
                _ => None,
            }),
    )
}

impl RoundResults {
    /// The results of one subject.
    #[must_use]
    pub fn subject(&self, subject: SubjectRef) -> Option<&SubjectResult> {
        self.subjects.iter().find(|s| s.subject == subject)
    }

    /// The officials ranked by composite score, keyed by official id, for the top and bottom
    /// lists.
    #[must_use]
    pub fn ranking(&self) -> Ranking<i64> {
        rank_officials(&self.subjects)
    }
}

fn shares(tally: &GradeTally, scale: Scale) -> BTreeMap<Grade, Share> {
    let graded = tally.graded();
    scale
        .grades()
        .into_iter()
        .map(|g| (g, Share::new(tally.count(g), graded)))
        .collect()
}

fn grade_result(round: &Round, scale: Scale, per_group: &[(&str, f64, GradeTally)]) -> GradeResult {
    let mut pooled = GradeTally::zero(scale);
    for (_, _, tally) in per_group {
        pooled.merge(tally);
    }
    let graded_groups: Vec<(f64, &GradeTally)> = per_group
        .iter()
        .filter(|(_, _, t)| t.graded() > 0)
        .map(|(_, w, t)| (*w, t))
        .collect();
    let total_weight: f64 = graded_groups.iter().map(|(w, _)| w).sum();
    let weighted_shares: BTreeMap<Grade, f64> = if graded_groups.is_empty() {
        BTreeMap::new()
    } else {
        scale
            .grades()
            .into_iter()
            .map(|grade| {
                let sum: f64 = graded_groups
                    .iter()
                    .map(|(w, t)| w * count_f64(t.count(grade)) / count_f64(t.graded()))
                    .sum();
                (grade, sum / total_weight)
            })
            .collect()
    };
    let score = (!weighted_shares.is_empty()).then(|| {
        weighted_shares
            .iter()
            .map(|(&g, s)| round.score(g) * s)
            .sum()
    });
    let result_grade = scale
        .grades()
        .into_iter()
        .filter_map(|g| weighted_shares.get(&g).map(|&s| (g, s)))
        .fold(None, |best: Option<(Grade, f64)>, (g, s)| match best {
            Some((_, b)) if s <= b + 1e-9 => best,
            _ => Some((g, s)),
        })
        .map(|(g, _)| g);
    GradeResult {
        by_group: per_group
            .iter()
            .map(|(id, _, tally)| GroupGrades {
                elector_group: (*id).to_owned(),
                tally: tally.clone(),
                shares: shares(tally, scale),
            })
            .collect(),
        pooled_shares: shares(&pooled, scale),
        pooled,
        weighted_shares,
        score,
        result_grade,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::ballot::tests::round;
    use crate::rounds::ballot::{validate_ballot, Ballot};
    use crate::rounds::tally::{check_tally_sheet, TallyOutcome};
    use serde_json::json;

    const A: SubjectRef = SubjectRef::Official(1);
    const B: SubjectRef = SubjectRef::Official(2);
    const C: SubjectRef = SubjectRef::Official(3);

    fn grades(counts: &mut RoundCounts, group: &str, subject: SubjectRef, list: &[(Grade, u64)]) {
        for &(g, n) in list {
            counts.add_grade(group, subject, None, Some(g), n).unwrap();
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn weights_change_the_ranking_in_a_worked_example() {
        // leaders weigh 3 (5 electors), the public 1 (20 electors).
        // A: leaders all 优秀 (100), public all 称职 (80).
        //    weighted (3·100 + 1·80) / 4 = 95; pooled (5·100 + 20·80) / 25 = 84.
        // B: leaders all 称职, public all 优秀.
        //    weighted (3·80 + 1·100) / 4 = 85; pooled (5·80 + 20·100) / 25 = 96.
        let r = round();
        let mut counts = RoundCounts::new(&r);
        grades(&mut counts, "leaders", A, &[(Grade::Excellent, 5)]);
        grades(&mut counts, "public", A, &[(Grade::Competent, 20)]);
        grades(&mut counts, "leaders", B, &[(Grade::Competent, 5)]);
        grades(&mut counts, "public", B, &[(Grade::Excellent, 20)]);
        let results = compute_results(&r, &counts);
        let a = results.subject(A).unwrap();
        let b = results.subject(B).unwrap();
        assert!(close(a.overall.score.unwrap(), 95.0));
        assert!(close(b.overall.score.unwrap(), 85.0));
        let pooled_score = |s: &SubjectResult| {
            s.overall
                .pooled_shares
                .iter()
                .map(|(&g, sh)| g.default_score() * sh.ratio.unwrap())
                .sum::<f64>()
        };
        assert!(close(pooled_score(a), 84.0) && close(pooled_score(b), 96.0));
        assert_eq!((a.rank, b.rank), (Some(1), Some(2)));
        assert_eq!(results.subject(C).unwrap().rank, None, "nobody graded C");
        assert!(close(a.overall.weighted_shares[&Grade::Excellent], 0.75));
        assert_eq!(
            a.overall.pooled_shares[&Grade::Excellent],
            Share::new(5, 25)
        );
        assert_eq!(
            a.overall.by_group[1].shares[&Grade::Competent],
            Share::new(20, 20)
        );
    }

    #[test]
    fn abstentions_are_reported_but_left_out_of_the_shares() {
        let r = round();
        let mut counts = RoundCounts::new(&r);
        grades(
            &mut counts,
            "public",
            A,
            &[(Grade::Excellent, 6), (Grade::Incompetent, 3)],
        );
        counts.add_grade("public", A, None, None, 11).unwrap();
        let a = compute_results(&r, &counts).subject(A).unwrap().clone();
        assert_eq!(a.overall.pooled.abstentions, 11);
        assert_eq!(
            a.overall.pooled_shares[&Grade::Incompetent],
            Share::new(3, 9)
        );
    }

    #[test]
    fn a_group_that_graded_nobody_drops_out_of_the_weighting() {
        let r = round();
        let mut counts = RoundCounts::new(&r);
        grades(&mut counts, "public", A, &[(Grade::Competent, 4)]);
        counts.add_grade("leaders", A, None, None, 5).unwrap();
        let a = compute_results(&r, &counts).subject(A).unwrap().clone();
        assert!(close(a.overall.weighted_shares[&Grade::Competent], 1.0));
        assert!(close(a.overall.score.unwrap(), 80.0));
    }

    #[test]
    fn the_team_result_grade_is_the_largest_weighted_share_and_a_tie_goes_to_the_better_grade() {
        let r = round();
        let mut counts = RoundCounts::new(&r);
        grades(
            &mut counts,
            "public",
            SubjectRef::Team,
            &[(Grade::Average, 4), (Grade::Poor, 4), (Grade::Good, 1)],
        );
        let results = compute_results(&r, &counts);
        let team = results.subject(SubjectRef::Team).unwrap();
        assert_eq!(team.overall.result_grade, Some(Grade::Average));
        assert_eq!(team.rank, None);
        grades(
            &mut counts,
            "leaders",
            SubjectRef::Team,
            &[(Grade::Poor, 1)],
        );
        let team = compute_results(&r, &counts)
            .subject(SubjectRef::Team)
            .unwrap()
            .clone();
        assert_eq!(team.overall.result_grade, Some(Grade::Poor));
    }

    #[test]
    fn grade_scores_can_be_set_by_the_round() {
        let mut d = round().definition().clone();
        d.grade_scores.insert(Grade::Competent, 90.0);
        let r = Round::new(d).unwrap();
        let mut counts = RoundCounts::new(&r);
        grades(&mut counts, "public", A, &[(Grade::Competent, 5)]);
        assert!(close(
            compute_results(&r, &counts).subjects[0]
                .overall
                .score
                .unwrap(),
            90.0
        ));
    }

    #[test]
    fn electronic_ballots_and_paper_sheets_merge_into_the_same_counts() {
        let r = round();
        let mut counts = RoundCounts::new(&r);
        for body in [
            json!({"elector_group": "public", "marks": [
                {"subject": {"official": 1}, "grade": "excellent", "dimensions": {"integrity": "competent"}},
                {"subject": "team", "grade": "good"}]}),
            json!({"elector_group": "public", "marks": [
                {"subject": {"official": 1}, "grade": "excellent"},
                {"subject": {"official": 2}, "grade": "excellent"},
                {"subject": {"official": 3}, "grade": "excellent"}]}),
        ] {
            let ballot: Ballot = serde_json::from_value(body).unwrap();
            counts
                .add_ballot(&validate_ballot(&r, &ballot).unwrap())
                .unwrap();
        }
        let sheet = json!({
            "station": "第二会场", "elector_group": "public",
            "issued": 3, "returned": 2, "valid": 2, "invalid": 0,
            "subjects": [
                {"subject": {"official": 1}, "counts": {"competent": 2}, "abstentions": 0,
                 "dimensions": {"integrity": {"counts": {"competent": 1}, "abstentions": 1},
                                "ability": {"counts": {}, "abstentions": 2}}},
                {"subject": {"official": 2}, "counts": {}, "abstentions": 2,
                 "dimensions": {"integrity": {"counts": {}, "abstentions": 2}, "ability": {"counts": {}, "abstentions": 2}}},
                {"subject": {"official": 3}, "counts": {"incompetent": 1}, "abstentions": 1,
                 "dimensions": {"integrity": {"counts": {}, "abstentions": 2}, "ability": {"counts": {}, "abstentions": 2}}},
                {"subject": "team", "counts": {"average": 2}, "abstentions": 0}
            ]
        });
        let Ok(TallyOutcome::Counted(counted)) =
            check_tally_sheet(&r, &serde_json::from_value(sheet).unwrap())
        else {
            panic!("counted");
        };
        counts.add_tally(&counted).unwrap();
        let public = counts.group("public").unwrap();
        assert_eq!((public.valid, public.invalid), (3, 1));
        let a = &public.subjects[0];
        assert_eq!(a.overall.count(Grade::Excellent), 1);
        assert_eq!(a.overall.count(Grade::Competent), 2);
        assert_eq!(
            a.dimensions[&Dimension::Integrity].count(Grade::Competent),
            2
        );
        assert_eq!(a.dimensions[&Dimension::Integrity].abstentions, 1);
        assert_eq!(a.dimensions[&Dimension::Ability].abstentions, 3);
        for s in &public.subjects {
            assert_eq!(
                s.overall.graded() + s.overall.abstentions,
                public.valid,
                "{:?}",
                s.subject
            );
            for t in s.dimensions.values() {
                assert_eq!(t.graded() + t.abstentions, public.valid);
            }
        }
        let results = compute_results(&r, &counts);
        assert_eq!(results.groups[1].invalid, 1);
        assert_eq!(
            results.subject(A).unwrap().dimensions[&Dimension::Integrity].pooled_shares
                [&Grade::Competent],
            Share::new(2, 2)
        );
    }

    #[test]
    fn counts_that_do_not_fit_the_round_are_refused_whole() {
        let r = round();
        let mut counts = RoundCounts::new(&r);
        let before = counts.clone();
        assert_eq!(
            counts.add_grade("villagers", A, None, None, 1),
            Err(CountsError::UnknownElectorGroup("villagers".into()))
        );
        assert_eq!(
            counts.add_grade("public", SubjectRef::Official(9), None, None, 1),
            Err(CountsError::UnknownSubject(SubjectRef::Official(9)))
        );
        assert_eq!(
            counts.add_grade("public", A, Some(Dimension::Honesty), None, 1),
            Err(CountsError::UnknownDimension {
                subject: A,
                dimension: Dimension::Honesty
            })
        );
        assert_eq!(
            counts.add_grade("public", A, None, Some(Grade::Good), 1),
            Err(CountsError::GradeNotOnScale {
                subject: A,
                grade: Grade::Good
            })
        );
        let mut other = r.definition().clone();
        other.officials.truncate(1);
        other.team = None;
        let other = Round::new(other).unwrap();
        let ballot: Ballot = serde_json::from_value(json!({"elector_group": "public"})).unwrap();
        let outcome = validate_ballot(&r, &ballot).unwrap();
        let mut small = RoundCounts::new(&other);
        let small_before = small.clone();
        assert_eq!(
            small.add_ballot(&outcome),
            Err(CountsError::UnknownSubject(SubjectRef::Official(2)))
        );
        assert_eq!(small, small_before);
        let from_small = validate_ballot(&other, &ballot).unwrap();
        assert_eq!(
            counts.add_ballot(&from_small),
            Err(CountsError::MissingSubject(B))
        );
        assert_eq!(counts, before);
    }
}
