use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::grades::{Dimension, Grade, GradeTally, Scale};
use super::results::SubjectCounts;
use super::round::{check_text, Round, SubjectRef, ValidityRule};
use super::{in_english, problem, unique_keys};
use crate::error::{ErrorCode, ErrorDetail, Problem};
use crate::i18n::{Arg, Lang, Message};
use crate::msg;

/// The most ballots one polling station counts: every count of a tally sheet (issued,
/// returned, valid, invalid, each grade and the abstentions of each subject) is at most this.
/// A hall holds a few hundred electors; a county's whole electorate voting at one station would
/// still be far below. A larger count is a typing slip or a forged sheet, refused before it
/// can outweigh every honest station.
pub const MAX_STATION_BALLOTS: u64 = 100_000;

/// A paper tally sheet (计票单) of one polling station for one elector group, as the field
/// officer counted it at the meeting. A station where several groups vote keeps their ballots
/// apart (different colours, as is usual) and enters one sheet per group, so weights can apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TallySheet {
    /// The polling station as named at the meeting: 第一会场.
    pub station: String,
    pub elector_group: String,
    /// Ballots handed out (发出).
    pub issued: u64,
    /// Ballots collected (收回).
    pub returned: u64,
    /// Valid ballots (有效).
    pub valid: u64,
    /// Invalid ballots (废票).
    pub invalid: u64,
    /// One entry for every subject of the round.
    pub subjects: Vec<SubjectTally>,
}

/// The counts of one subject on a tally sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectTally {
    pub subject: SubjectRef,
    /// Count per grade; a grade left out counted 0.
    #[serde(deserialize_with = "unique_keys")]
    pub counts: BTreeMap<Grade, u64>,
    pub abstentions: u64,
    /// Per dimension, for officials when the round grades dimensions: every one of them.
    #[serde(
        default,
        deserialize_with = "unique_keys",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub dimensions: BTreeMap<Dimension, GradeTally>,
}

/// The counts of a tally sheet that passed every check, ready to add to the round's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CountedTally {
    pub elector_group: String,
    pub valid: u64,
    pub invalid: u64,
    /// One per subject of the round, in ballot order.
    pub subjects: Vec<SubjectCounts>,
}

/// What a consistent tally sheet amounts to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum TallyOutcome {
    /// The station's votes count.
    Counted(CountedTally),
    /// More ballots came back than were handed out: the vote at this station is void (作废)
    /// and must be held again. Recorded, not refused, so the organiser sees it.
    Void { issued: u64, returned: u64 },
}

impl TallyOutcome {
    /// For a void station: `tally_returned_exceeds_issued` and a message in English saying
    /// what follows; [`TallyOutcome::void_problem`] gives it to render in the reader's language.
    #[must_use]
    pub fn void_reason(&self) -> Option<ErrorDetail> {
        self.void_problem().map(|p| p.to_detail(Lang::En))
    }

    /// For a void station: `tally_returned_exceeds_issued` and a message saying what follows.
    #[must_use]
    pub fn void_problem(&self) -> Option<Problem> {
        match *self {
            TallyOutcome::Counted(_) => None,
            TallyOutcome::Void { issued, returned } => Some(problem(
                ErrorCode::TallyReturnedExceedsIssued,
                "returned",
                msg!("round-tally-void", issued = issued, returned = returned),
            )),
        }
    }
}

/// Checks a tally sheet against its round and its own arithmetic, with English messages;
/// [`check_tally`] gives the problems to render in the reader's language.
pub fn check_tally_sheet(
    round: &Round,
    sheet: &TallySheet,
) -> Result<TallyOutcome, Vec<ErrorDetail>> {
    check_tally(round, sheet).map_err(in_english)
}

/// Checks a tally sheet against its round and its own arithmetic.
///
/// Refused, every problem with its field and a message naming the official by name: a count
/// above [`MAX_STATION_BALLOTS`] (`invalid_value`), an unknown group (`unknown_elector_group`) or subject
/// (`unknown_subject`), a subject twice (`duplicate_subject`) or missing
/// (`tally_subject_missing`), a grade from the other scale (`grade_not_on_scale`), a dimension
/// the round does not grade (`dimension_not_in_round`) or one missing
/// (`tally_dimension_missing`), valid + invalid ≠ returned (`tally_valid_invalid_mismatch`),
/// grades + abstentions ≠ valid for a subject or dimension (`tally_subject_sum_mismatch`), and
/// more marks of a grade than a validity rule lets the valid ballots hold
/// (`tally_exceeds_validity_rule`).
///
/// A sheet that is consistent but has returned > issued is [`TallyOutcome::Void`].
pub fn check_tally(round: &Round, sheet: &TallySheet) -> Result<TallyOutcome, Vec<Problem>> {
    let mut errors = Vec::new();
    check_text(&sheet.station, "station", &mut errors);
    if round.group(&sheet.elector_group).is_none() {
        errors.push(problem(
            ErrorCode::UnknownElectorGroup,
            "elector_group",
            msg!("round-group-not-in-round", group = &sheet.elector_group),
        ));
    }
    for (value, field, count) in [
        (sheet.issued, "issued", "round-count-issued"),
        (sheet.returned, "returned", "round-count-returned"),
        (sheet.valid, "valid", "round-count-valid"),
        (sheet.invalid, "invalid", "round-count-invalid"),
    ] {
        check_bound(value, field, || Message::new(count), &mut errors);
    }
    if u128::from(sheet.valid) + u128::from(sheet.invalid) != u128::from(sheet.returned) {
        errors.push(problem(
            ErrorCode::TallyValidInvalidMismatch,
            "valid",
            msg!(
                "round-tally-valid-invalid",
                valid = sheet.valid.to_string(),
                invalid = sheet.invalid.to_string(),
                returned = sheet.returned.to_string()
            ),
        ));
    }

    let mut seen = BTreeSet::new();
    for (i, entry) in sheet.subjects.iter().enumerate() {
        let field = format!("subjects[{i}]");
        let subject = round.subject_label(entry.subject);
        if !round.has_subject(entry.subject) {
            errors.push(problem(
                ErrorCode::UnknownSubject,
                format!("{field}.subject"),
                msg!("round-subject-not-in-round", subject = subject),
            ));
            continue;
        }
        if !seen.insert(entry.subject) {
            errors.push(problem(
                ErrorCode::DuplicateSubject,
                format!("{field}.subject"),
                msg!("round-tally-two-entries", subject = subject.clone()),
            ));
        }
        let counts = Counts {
            scale: entry.subject.kind().scale(),
            valid: sheet.valid,
        };
        counts.check(
            &entry.counts,
            entry.abstentions,
            &subject,
            &field,
            &mut errors,
        );
        let expected = round.dimensions_of(entry.subject);
        for (dimension, tally) in &entry.dimensions {
            let dim_field = format!("{field}.dimensions.{}", dimension.as_str());
            if expected.contains(dimension) {
                let aspect = msg!(
                    "round-subject-dimension",
                    subject = subject.clone(),
                    dimension = dimension.name()
                );
                counts.check(
                    &tally.counts,
                    tally.abstentions,
                    &aspect.into(),
                    &dim_field,
                    &mut errors,
                );
            } else {
                errors.push(problem(
                    ErrorCode::DimensionNotInRound,
                    dim_field,
                    msg!(
                        "round-tally-dimension-not-in-round",
                        subject = subject.clone(),
                        dimension = dimension.name()
                    ),
                ));
            }
        }
        for dimension in expected
            .iter()
            .filter(|d| !entry.dimensions.contains_key(d))
        {
            errors.push(problem(
                ErrorCode::TallyDimensionMissing,
                format!("{field}.dimensions"),
                msg!(
                    "round-tally-dimension-missing",
                    subject = subject.clone(),
                    dimension = dimension.name()
                ),
            ));
        }
    }
    for subject in round.subjects().filter(|s| !seen.contains(s)) {
        errors.push(problem(
            ErrorCode::TallySubjectMissing,
            "subjects",
            msg!(
                "round-tally-subject-missing",
                subject = round.subject_label(subject)
            ),
        ));
    }
    for rule in &round.definition().validity_rules {
        let ValidityRule::MaxGradeCount { grade, max } = rule;
        let marked: u128 = sheet
            .subjects
            .iter()
            .map(|s| u128::from(s.counts.get(grade).copied().unwrap_or(0)))
            .sum();
        let allowed = u128::from(*max) * u128::from(sheet.valid);
        if marked > allowed {
            errors.push(problem(
                ErrorCode::TallyExceedsValidityRule,
                "subjects",
                msg!(
                    "round-tally-exceeds-rule",
                    valid = sheet.valid.to_string(),
                    allowed = allowed.to_string(),
                    grade = grade.name(),
                    max = *max,
                    marked = marked.to_string()
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if sheet.returned > sheet.issued {
        return Ok(TallyOutcome::Void {
            issued: sheet.issued,
            returned: sheet.returned,
        });
    }

    let by_subject: BTreeMap<SubjectRef, &SubjectTally> =
        sheet.subjects.iter().map(|s| (s.subject, s)).collect();
    let subjects = round
        .subjects()
        .map(|subject| {
            let entry = by_subject[&subject];
            let scale = subject.kind().scale();
            let mut overall = GradeTally::zero(scale);
            overall.merge(&GradeTally {
                counts: entry.counts.clone(),
                abstentions: entry.abstentions,
            });
            let dimensions = entry
                .dimensions
                .iter()
                .map(|(&d, tally)| {
                    let mut t = GradeTally::zero(scale);
                    t.merge(tally);
                    (d, t)
                })
                .collect();
            SubjectCounts {
                subject,
                overall,
                dimensions,
            }
        })
        .collect();
    Ok(TallyOutcome::Counted(CountedTally {
        elector_group: sheet.elector_group.clone(),
        valid: sheet.valid,
        invalid: sheet.invalid,
        subjects,
    }))
}

/// Refuses `value` at `field` when above [`MAX_STATION_BALLOTS`], naming it as `count` says.
fn check_bound(
    value: u64,
    field: impl Into<String>,
    count: impl FnOnce() -> Message,
    errors: &mut Vec<Problem>,
) {
    if value > MAX_STATION_BALLOTS {
        errors.push(problem(
            ErrorCode::InvalidValue,
            field,
            msg!(
                "round-tally-too-many",
                count = count(),
                max = MAX_STATION_BALLOTS
            ),
        ));
    }
}

/// What the counts of one subject, overall or on one dimension, are checked against.
struct Counts {
    /// The subject's scale.
    scale: Scale,
    /// The sheet's valid ballots, which the grades and abstentions add up to.
    valid: u64,
}

impl Counts {
    /// Checks the grades of one subject (named `subject` in messages) at `field`.
    fn check(
        &self,
        counts: &BTreeMap<Grade, u64>,
        abstentions: u64,
        subject: &Arg,
        field: &str,
        errors: &mut Vec<Problem>,
    ) {
        check_bound(
            abstentions,
            format!("{field}.abstentions"),
            || msg!("round-count-abstentions", subject = subject.clone()),
            errors,
        );
        let mut sum = u128::from(abstentions);
        for (&grade, &n) in counts {
            check_bound(
                n,
                format!("{field}.counts.{}", grade.as_str()),
                || {
                    msg!(
                        "round-count-grade",
                        subject = subject.clone(),
                        grade = grade.name()
                    )
                },
                errors,
            );
            if grade.scale() == self.scale {
                sum += u128::from(n);
            } else {
                errors.push(problem(
                    ErrorCode::GradeNotOnScale,
                    format!("{field}.counts.{}", grade.as_str()),
                    self.scale.refuses(grade),
                ));
            }
        }
        if sum != u128::from(self.valid) {
            errors.push(problem(
                ErrorCode::TallySubjectSumMismatch,
                field,
                msg!(
                    "round-tally-sum",
                    subject = subject.clone(),
                    sum = sum.to_string(),
                    valid = self.valid.to_string()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::ballot::tests::round;
    use serde_json::json;

    fn official(id: i64, counts: [u64; 4], abstentions: u64) -> serde_json::Value {
        json!({
            "subject": {"official": id},
            "counts": {"excellent": counts[0], "competent": counts[1], "basically_competent": counts[2], "incompetent": counts[3]},
            "abstentions": abstentions,
            "dimensions": {
                "integrity": {"counts": {"excellent": counts[0] + counts[1], "competent": counts[2] + counts[3]}, "abstentions": abstentions},
                "ability": {"counts": {"competent": counts.iter().sum::<u64>()}, "abstentions": abstentions}
            }
        })
    }

    fn sheet() -> serde_json::Value {
        json!({
            "station": "第一会场",
            "elector_group": "public",
            "issued": 40, "returned": 38, "valid": 36, "invalid": 2,
            "subjects": [
                official(1, [10, 20, 4, 1], 1),
                official(2, [2, 30, 3, 0], 1),
                official(3, [0, 25, 6, 5], 0),
                {"subject": "team", "counts": {"good": 20, "fairly_good": 10, "average": 5, "poor": 1}, "abstentions": 0}
            ]
        })
    }

    fn check(value: serde_json::Value) -> Result<TallyOutcome, Vec<ErrorDetail>> {
        check_tally_sheet(&round(), &serde_json::from_value(value).unwrap())
    }

    fn codes(errors: &[ErrorDetail]) -> Vec<(ErrorCode, &str)> {
        errors
            .iter()
            .map(|e| (e.code, e.field.as_deref().unwrap_or("")))
            .collect()
    }

    #[test]
    fn a_consistent_sheet_is_counted() {
        let Ok(TallyOutcome::Counted(counted)) = check(sheet()) else {
            panic!("counted");
        };
        assert_eq!((counted.valid, counted.invalid), (36, 2));
        assert_eq!(counted.subjects.len(), 4);
        assert_eq!(counted.subjects[0].overall.count(Grade::Competent), 20);
        assert_eq!(counted.subjects[0].overall.count(Grade::Incompetent), 1);
        assert_eq!(
            counted.subjects[0].dimensions[&Dimension::Ability].count(Grade::Excellent),
            0
        );
        assert_eq!(counted.subjects[3].overall.count(Grade::Poor), 1);
    }

    #[test]
    fn more_returned_than_issued_voids_the_station() {
        let mut s = sheet();
        s["issued"] = json!(37);
        let outcome = check(s).unwrap();
        assert_eq!(
            outcome,
            TallyOutcome::Void {
                issued: 37,
                returned: 38
            }
        );
        let reason = outcome.void_reason().unwrap();
        assert_eq!(reason.code, ErrorCode::TallyReturnedExceedsIssued);
        assert!(reason.message.contains("作废"), "{}", reason.message);
    }

    #[test]
    fn valid_and_invalid_must_add_up_to_returned() {
        let mut s = sheet();
        s["returned"] = json!(39);
        assert_eq!(
            codes(&check(s).unwrap_err()),
            [(ErrorCode::TallyValidInvalidMismatch, "valid")]
        );
    }

    #[test]
    fn each_subject_and_dimension_must_add_up_to_the_valid_ballots() {
        let mut s = sheet();
        s["subjects"][1]["counts"]["competent"] = json!(31);
        s["subjects"][2]["dimensions"]["integrity"]["abstentions"] = json!(2);
        assert_eq!(
            codes(&check(s).unwrap_err()),
            [
                (ErrorCode::TallySubjectSumMismatch, "subjects[1]"),
                (
                    ErrorCode::TallySubjectSumMismatch,
                    "subjects[2].dimensions.integrity"
                ),
            ]
        );
    }

    #[test]
    fn a_wrong_sum_names_the_official_in_both_languages_and_keeps_the_field() {
        let mut definition = round().definition().clone();
        definition.officials[1].name = "周建军".into();
        let round = Round::check(definition).unwrap();
        let mut s = sheet();
        s["subjects"][1]["counts"]["competent"] = json!(31);
        s["subjects"][2]["dimensions"]["integrity"]["abstentions"] = json!(2);
        let sheet: TallySheet = serde_json::from_value(s).unwrap();
        let problems = check_tally(&round, &sheet).unwrap_err();
        let rendered = crate::rounds::rendered(&problems);
        assert_eq!(
            rendered,
            [
                (
                    "subjects[1]",
                    "周建军:各等次票数加弃权票共37张,而有效票是36张,两者应相等。".to_owned(),
                    "周建军: grades + abstentions = 37, but there are 36 valid ballots".to_owned()
                ),
                (
                    "subjects[2].dimensions.integrity",
                    "丙(德):各等次票数加弃权票共38张,而有效票是36张,两者应相等。".to_owned(),
                    "丙 (integrity): grades + abstentions = 38, but there are 36 valid ballots"
                        .to_owned()
                ),
            ]
        );
        let english = check_tally_sheet(&round, &sheet).unwrap_err();
        assert_eq!(english[0].message, rendered[0].2);
        assert_eq!(english[0].field.as_deref(), Some("subjects[1]"));
    }

    #[test]
    fn an_official_with_an_english_name_is_named_in_english_for_english_readers() {
        let round = round();
        let message = msg!(
            "round-tally-subject-missing",
            subject = Arg::localized("周建军", Some("Zhou Jianjun".into()))
        );
        assert_eq!(message.render(Lang::ZhCn), "缺少周建军的票数。");
        assert_eq!(
            message.render(Lang::En),
            "the counts for Zhou Jianjun are missing"
        );
        assert_eq!(
            round.subject_label(SubjectRef::Official(2)),
            Arg::localized("乙", None)
        );
    }

    #[test]
    fn subjects_must_be_the_rounds_each_once() {
        let mut s = sheet();
        let subjects = s["subjects"].as_array_mut().unwrap();
        subjects[2] = subjects[1].clone();
        subjects.push(official(8, [0, 36, 0, 0], 0));
        assert_eq!(
            codes(&check(s).unwrap_err()),
            [
                (ErrorCode::DuplicateSubject, "subjects[2].subject"),
                (ErrorCode::UnknownSubject, "subjects[4].subject"),
                (ErrorCode::TallySubjectMissing, "subjects"),
            ]
        );
    }

    #[test]
    fn grades_and_dimensions_must_fit_the_subject() {
        let mut s = sheet();
        s["subjects"][3]["counts"] =
            json!({"good": 20, "fairly_good": 10, "average": 5, "incompetent": 1});
        s["subjects"][3]["dimensions"] =
            json!({"honesty": {"counts": {"good": 36}, "abstentions": 0}});
        s["subjects"][0]["dimensions"]
            .as_object_mut()
            .unwrap()
            .remove("ability");
        assert_eq!(
            codes(&check(s).unwrap_err()),
            [
                (ErrorCode::TallyDimensionMissing, "subjects[0].dimensions"),
                (ErrorCode::GradeNotOnScale, "subjects[3].counts.incompetent"),
                (ErrorCode::TallySubjectSumMismatch, "subjects[3]"),
                (
                    ErrorCode::DimensionNotInRound,
                    "subjects[3].dimensions.honesty"
                ),
            ]
        );
    }

    #[test]
    fn more_excellent_marks_than_the_quota_allows_are_impossible() {
        let mut s = sheet();
        s["valid"] = json!(5);
        s["invalid"] = json!(33);
        s["subjects"] = json!([
            official(1, [5, 0, 0, 0], 0),
            official(2, [5, 0, 0, 0], 0),
            official(3, [1, 4, 0, 0], 0),
            {"subject": "team", "counts": {"good": 5}, "abstentions": 0}
        ]);
        let errors = check(s).unwrap_err();
        assert_eq!(
            codes(&errors),
            [(ErrorCode::TallyExceedsValidityRule, "subjects")]
        );
        assert!(
            errors[0].message.contains("at most 10"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn unknown_group_and_blank_station_are_refused() {
        let mut s = sheet();
        s["elector_group"] = json!("villagers");
        s["station"] = json!("  ");
        assert_eq!(
            codes(&check(s).unwrap_err()),
            [
                (ErrorCode::InvalidValue, "station"),
                (ErrorCode::UnknownElectorGroup, "elector_group")
            ]
        );
    }

    #[test]
    fn a_station_name_with_a_nul_character_is_refused() {
        let mut s = sheet();
        s["station"] = json!("第一\u{0}会场");
        assert_eq!(
            codes(&check(s).unwrap_err()),
            [(ErrorCode::UnstorableText, "station")]
        );
    }

    #[test]
    fn huge_counts_do_not_overflow_the_sums() {
        let mut s = sheet();
        s["subjects"][0]["counts"]["excellent"] = json!(u64::MAX);
        s["subjects"][0]["abstentions"] = json!(u64::MAX);
        assert!(check(s)
            .unwrap_err()
            .iter()
            .any(|e| e.code == ErrorCode::TallySubjectSumMismatch));
    }

    #[test]
    fn no_count_on_a_sheet_may_pass_what_one_station_can_hold() {
        let mut s = sheet();
        s["issued"] = json!(4_294_967_295_u64);
        s["returned"] = json!(4_294_967_295_u64);
        s["invalid"] = json!(4_294_967_295_u64 - 36);
        s["subjects"][1]["abstentions"] = json!(MAX_STATION_BALLOTS + 1);
        s["subjects"][1]["counts"]["competent"] = json!(0);
        s["subjects"][2]["dimensions"]["integrity"]["counts"]["excellent"] =
            json!(MAX_STATION_BALLOTS + 1);
        let sheet: TallySheet = serde_json::from_value(s).unwrap();
        let problems = check_tally(&round(), &sheet).unwrap_err();
        let too_many: Vec<(&str, String)> = problems
            .iter()
            .filter(|p| p.code == ErrorCode::InvalidValue)
            .map(|p| (p.field.as_str(), p.message.render(Lang::ZhCn)))
            .collect();
        assert_eq!(
            too_many,
            [
                ("issued", "发出票数不能超过100000张。".to_owned()),
                ("returned", "收回票数不能超过100000张。".to_owned()),
                ("invalid", "废票数不能超过100000张。".to_owned()),
                (
                    "subjects[1].abstentions",
                    "乙的弃权票数不能超过100000张。".to_owned()
                ),
                (
                    "subjects[2].dimensions.integrity.counts.excellent",
                    "丙(德)的“优秀”票数不能超过100000张。".to_owned()
                ),
            ]
        );
        assert_eq!(
            problems[0].message.render(Lang::En),
            "ballots issued cannot be more than 100000: no polling station counts that many"
        );
        let mut at_most = self::sheet();
        at_most["issued"] = json!(MAX_STATION_BALLOTS);
        assert!(check(at_most).is_ok(), "the bound itself is accepted");
    }
}
