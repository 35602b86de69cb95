use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::grades::{Dimension, Grade};
use super::round::{Round, SubjectRef, ValidityRule};
use super::{in_english, problem, unique_keys};
use crate::error::{ErrorCode, ErrorDetail, Problem};
use crate::msg;

/// A ballot as an elector submits it: one entry per subject graded. A subject left out is an
/// abstention (弃权), as is an entry without a grade. A list rather than an object keyed by
/// subject, so that two grades for one subject arrive as two entries and can be refused
/// instead of one silently overwriting the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// The elector group the ballot belongs to (fixed by the ballot code's group).
    pub elector_group: String,
    #[serde(default)]
    pub marks: Vec<Mark>,
}

/// The grades given to one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    pub subject: SubjectRef,
    /// The overall grade; absent for an abstention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    /// Grades per dimension (officials only); a dimension left out is an abstention on it.
    #[serde(
        default,
        deserialize_with = "unique_keys",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub dimensions: BTreeMap<Dimension, Grade>,
}

/// A ballot that passed validation, normalised: one entry for every subject of the round, in
/// ballot order, abstentions explicit. Two ballots marked alike are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct CastBallot {
    pub elector_group: String,
    pub grades: Vec<CastGrades>,
}

/// The grades a cast ballot gives one subject; `None` and absent dimensions are abstentions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct CastGrades {
    pub subject: SubjectRef,
    pub grade: Option<Grade>,
    pub dimensions: BTreeMap<Dimension, Grade>,
}

/// What a well-formed ballot counts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BallotOutcome {
    /// Counted.
    Valid(CastBallot),
    /// Counted as invalid (废票) in its group; its grades count for nobody. Like a paper
    /// ballot with too many 优秀, it is not sent back: the elector has cast it, the ballot code
    /// is spent, and both channels must give the same result for the same marks.
    Invalid {
        elector_group: String,
        rule: ValidityRule,
    },
}

/// Checks a ballot against its round, with English messages; [`check_ballot`] gives the
/// problems to render in the reader's language.
pub fn validate_ballot(round: &Round, ballot: &Ballot) -> Result<BallotOutcome, Vec<ErrorDetail>> {
    check_ballot(round, ballot).map_err(in_english)
}

/// Checks a ballot against its round.
///
/// Refused (every problem reported, with its field and a message naming the official by
/// name): an elector group not in the round (`unknown_elector_group`), a subject not in the
/// round (`unknown_subject`), a subject graded twice (`duplicate_subject`), a grade from the
/// other scale (`grade_not_on_scale`), a dimension the round does not use or a dimension grade
/// for the team (`dimension_not_in_round`). A well-formed ballot that breaks a validity rule is
/// not an error: it is [`BallotOutcome::Invalid`].
pub fn check_ballot(round: &Round, ballot: &Ballot) -> Result<BallotOutcome, Vec<Problem>> {
    let mut errors = Vec::new();
    if round.group(&ballot.elector_group).is_none() {
        errors.push(problem(
            ErrorCode::UnknownElectorGroup,
            "elector_group",
            msg!("round-group-not-in-round", group = &ballot.elector_group),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, mark) in ballot.marks.iter().enumerate() {
        let field = format!("marks[{i}]");
        let subject = round.subject_label(mark.subject);
        if !round.has_subject(mark.subject) {
            errors.push(problem(
                ErrorCode::UnknownSubject,
                format!("{field}.subject"),
                msg!("round-subject-not-in-round", subject = subject),
            ));
            continue;
        }
        if !seen.insert(mark.subject) {
            errors.push(problem(
                ErrorCode::DuplicateSubject,
                format!("{field}.subject"),
                msg!("round-ballot-graded-twice", subject = subject.clone()),
            ));
        }
        let scale = mark.subject.kind().scale();
        if let Some(grade) = mark.grade.filter(|g| g.scale() != scale) {
            errors.push(problem(
                ErrorCode::GradeNotOnScale,
                format!("{field}.grade"),
                scale.refuses(grade),
            ));
        }
        let allowed = round.dimensions_of(mark.subject);
        for (dimension, grade) in &mark.dimensions {
            let dim_field = format!("{field}.dimensions.{}", dimension.as_str());
            if !allowed.contains(dimension) {
                let message = if mark.subject == SubjectRef::Team {
                    msg!("round-ballot-team-dimensions")
                } else {
                    msg!("round-dimension-not-in-round", dimension = dimension.name())
                };
                errors.push(problem(ErrorCode::DimensionNotInRound, dim_field, message));
            } else if grade.scale() != scale {
                errors.push(problem(
                    ErrorCode::GradeNotOnScale,
                    dim_field,
                    scale.refuses(*grade),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let by_subject: BTreeMap<SubjectRef, &Mark> =
        ballot.marks.iter().map(|m| (m.subject, m)).collect();
    let cast = CastBallot {
        elector_group: ballot.elector_group.clone(),
        grades: round
            .subjects()
            .map(|subject| {
                let mark = by_subject.get(&subject);
                CastGrades {
                    subject,
                    grade: mark.and_then(|m| m.grade),
                    dimensions: mark.map(|m| m.dimensions.clone()).unwrap_or_default(),
                }
            })
            .collect(),
    };
    let broken = round
        .definition()
        .validity_rules
        .iter()
        .find(|rule| match rule {
            ValidityRule::MaxGradeCount { grade, max } => {
                let given = cast
                    .grades
                    .iter()
                    .filter(|g| g.grade == Some(*grade))
                    .count();
                given > usize::try_from(*max).unwrap_or(usize::MAX)
            }
        });
    Ok(match broken {
        Some(rule) => BallotOutcome::Invalid {
            elector_group: cast.elector_group,
            rule: rule.clone(),
        },
        None => BallotOutcome::Valid(cast),
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::rounds::round::RoundDefinition;
    use serde_json::json;

    pub(crate) fn round() -> Round {
        let d: RoundDefinition = serde_json::from_value(json!({
            "period": "2026年度",
            "series": {"id": "qingshan-annual", "name": "青山镇年度测评"},
            "officials": [
                {"official_id": 1, "name": "甲", "position": "党委书记"},
                {"official_id": 2, "name": "乙", "position": "镇长"},
                {"official_id": 3, "name": "丙", "position": "副镇长"}
            ],
            "team": {"name": "青山镇领导班子", "principal_leader": 1},
            "dimensions": ["integrity", "ability"],
            "elector_groups": [
                {"id": "leaders", "label": "县领导", "weight": 3},
                {"id": "public", "label": "群众代表", "weight": 1}
            ],
            "validity_rules": [{"kind": "max_grade_count", "grade": "excellent", "max": 2}]
        }))
        .unwrap();
        Round::new(d).unwrap()
    }

    fn ballot(value: serde_json::Value) -> Ballot {
        serde_json::from_value(value).unwrap()
    }

    fn codes(errors: &[ErrorDetail]) -> Vec<(ErrorCode, &str)> {
        errors
            .iter()
            .map(|e| (e.code, e.field.as_deref().unwrap_or("")))
            .collect()
    }

    #[test]
    fn a_full_ballot_is_normalised_in_round_order() {
        let b = ballot(json!({"elector_group": "public", "marks": [
            {"subject": "team", "grade": "good"},
            {"subject": {"official": 2}, "grade": "competent", "dimensions": {"ability": "excellent"}},
            {"subject": {"official": 1}, "grade": "excellent"}
        ]}));
        let BallotOutcome::Valid(cast) = validate_ballot(&round(), &b).unwrap() else {
            panic!("valid");
        };
        let subjects: Vec<_> = cast.grades.iter().map(|g| g.subject).collect();
        assert_eq!(
            subjects,
            [
                SubjectRef::Official(1),
                SubjectRef::Official(2),
                SubjectRef::Official(3),
                SubjectRef::Team
            ]
        );
        assert_eq!(cast.grades[0].grade, Some(Grade::Excellent));
        assert_eq!(
            cast.grades[1].dimensions[&Dimension::Ability],
            Grade::Excellent
        );
        assert_eq!(cast.grades[2].grade, None, "left out = abstention");
        assert_eq!(cast.grades[3].grade, Some(Grade::Good));
    }

    #[test]
    fn a_missing_subject_and_an_empty_entry_are_the_same_abstention() {
        let a = ballot(json!({"elector_group": "public", "marks": [{"subject": {"official": 1}}]}));
        let b = ballot(json!({"elector_group": "public"}));
        assert_eq!(validate_ballot(&round(), &a), validate_ballot(&round(), &b));
    }

    #[test]
    fn too_many_excellent_marks_make_the_ballot_invalid_not_refused() {
        let b = ballot(json!({"elector_group": "leaders", "marks": [
            {"subject": {"official": 1}, "grade": "excellent"},
            {"subject": {"official": 2}, "grade": "excellent"},
            {"subject": {"official": 3}, "grade": "excellent"}
        ]}));
        assert_eq!(
            validate_ballot(&round(), &b).unwrap(),
            BallotOutcome::Invalid {
                elector_group: "leaders".into(),
                rule: ValidityRule::MaxGradeCount {
                    grade: Grade::Excellent,
                    max: 2
                },
            }
        );
        let at_quota = ballot(json!({"elector_group": "leaders", "marks": [
            {"subject": {"official": 1}, "grade": "excellent"},
            {"subject": {"official": 2}, "grade": "excellent", "dimensions": {"integrity": "excellent"}}
        ]}));
        assert!(matches!(
            validate_ballot(&round(), &at_quota),
            Ok(BallotOutcome::Valid(_))
        ));
    }

    #[test]
    fn malformed_ballots_are_refused_with_every_field_at_fault() {
        let b = ballot(json!({"elector_group": "villagers", "marks": [
            {"subject": {"official": 9}, "grade": "excellent"},
            {"subject": {"official": 1}, "grade": "good"},
            {"subject": {"official": 1}, "grade": "competent"},
            {"subject": "team", "grade": "competent", "dimensions": {"integrity": "good"}},
            {"subject": {"official": 2}, "dimensions": {"honesty": "excellent", "ability": "poor"}}
        ]}));
        let errors = validate_ballot(&round(), &b).unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                (ErrorCode::UnknownElectorGroup, "elector_group"),
                (ErrorCode::UnknownSubject, "marks[0].subject"),
                (ErrorCode::GradeNotOnScale, "marks[1].grade"),
                (ErrorCode::DuplicateSubject, "marks[2].subject"),
                (ErrorCode::GradeNotOnScale, "marks[3].grade"),
                (
                    ErrorCode::DimensionNotInRound,
                    "marks[3].dimensions.integrity"
                ),
                (ErrorCode::GradeNotOnScale, "marks[4].dimensions.ability"),
                (
                    ErrorCode::DimensionNotInRound,
                    "marks[4].dimensions.honesty"
                ),
            ]
        );
    }

    #[test]
    fn ballot_problems_name_officials_grades_and_dimensions_in_both_languages() {
        let b = ballot(json!({"elector_group": "public", "marks": [
            {"subject": {"official": 9}, "grade": "excellent"},
            {"subject": {"official": 1}, "grade": "good"},
            {"subject": {"official": 1}, "grade": "competent"},
            {"subject": {"official": 2}, "dimensions": {"honesty": "excellent"}}
        ]}));
        let problems = check_ballot(&round(), &b).unwrap_err();
        let rendered = crate::rounds::rendered(&problems);
        assert_eq!(
            rendered,
            [
                (
                    "marks[0].subject",
                    "本次测评不测评编号为9的干部。".to_owned(),
                    "official 9 is not graded in this round".to_owned()
                ),
                (
                    "marks[1].grade",
                    "“好”不是评价干部的等次(干部按优秀、称职、基本称职、不称职评价)。".to_owned(),
                    "good is not on the official scale".to_owned()
                ),
                (
                    "marks[2].subject",
                    "甲被评了两次。".to_owned(),
                    "甲 is graded twice".to_owned()
                ),
                (
                    "marks[3].dimensions.honesty",
                    "本次测评不测评“廉”这一项。".to_owned(),
                    "this round does not grade \"honesty\"".to_owned()
                ),
            ]
        );
        let details = validate_ballot(&round(), &b).unwrap_err();
        assert_eq!(details, crate::error::Problem::details(&problems, Lang::En));
    }

    #[test]
    fn a_team_mark_in_a_round_without_a_team_is_an_unknown_subject() {
        let mut d = round().definition().clone();
        d.team = None;
        let r = Round::new(d).unwrap();
        let b = ballot(
            json!({"elector_group": "public", "marks": [{"subject": "team", "grade": "good"}]}),
        );
        assert_eq!(
            codes(&validate_ballot(&r, &b).unwrap_err()),
            [(ErrorCode::UnknownSubject, "marks[0].subject")]
        );
    }

    #[test]
    fn unknown_grades_fields_and_repeated_dimensions_fail_to_parse() {
        for body in [
            json!({"elector_group": "public", "marks": [{"subject": {"official": 1}, "grade": "great"}]}),
            json!({"elector_group": "public", "marks": [{"subject": {"official": 1}, "score": 3}]}),
            json!({"elector_group": "public", "voter": "x"}),
        ] {
            assert!(serde_json::from_value::<Ballot>(body).is_err());
        }
        let repeated = r#"{"elector_group": "public", "marks": [{"subject": {"official": 1},
            "dimensions": {"ability": "excellent", "ability": "incompetent"}}]}"#;
        let err = serde_json::from_str::<Ballot>(repeated).unwrap_err();
        assert!(err.to_string().contains("duplicate key `ability`"), "{err}");
    }
}
