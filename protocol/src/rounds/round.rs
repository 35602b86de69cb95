use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

use super::grades::{Dimension, Grade, Scale, SubjectKind};
use super::{in_english, is_identifier, problem, unique_keys};
use crate::error::{ErrorCode, ErrorDetail, Problem};
use crate::i18n::Arg;
use crate::msg;
use crate::stats::DisclosureThresholds;
use crate::text::is_storable;

/// Most officials one round may grade.
pub const MAX_OFFICIALS: usize = 200;
/// Most elector groups one round may have.
pub const MAX_ELECTOR_GROUPS: usize = 20;
/// Most validity or flag rules one round may have, each.
pub const MAX_RULES: usize = 50;
/// Longest run of consecutive rounds a flag rule may ask for.
pub const MAX_CONSECUTIVE_ROUNDS: u32 = 10;
/// Longest name, label or period, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// The definition of an appraisal round as the organiser writes it (JSON). Checked by
/// [`Round::new`]; nothing else takes a bare definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundDefinition {
    /// The period appraised, as shown: `2026年度`.
    pub period: String,
    /// The series the round belongs to; consecutive-round flag rules compare rounds of one
    /// series.
    pub series: Series,
    /// The officials graded, in ballot order.
    pub officials: Vec<OfficialSubject>,
    /// The leadership team, when it is graded as a whole too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamSubject>,
    /// Aspects each official is graded on besides the overall grade; empty for none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimensions: Vec<Dimension>,
    pub elector_groups: Vec<ElectorGroup>,
    /// Rules whose breach makes a whole ballot invalid (废票).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validity_rules: Vec<ValidityRule>,
    /// Scores replacing [`Grade::default_score`] for the composite score.
    #[serde(
        default,
        deserialize_with = "unique_keys",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub grade_scores: BTreeMap<Grade, f64>,
    /// Absent: [`FlagRule::defaults`]. An empty list: no flags.
    #[serde(default = "FlagRule::defaults")]
    pub flag_rules: Vec<FlagRule>,
    /// Minimum group sizes for published figures, fixed when the round opens.
    #[serde(default)]
    pub disclosure: DisclosureThresholds,
}

/// A series of rounds (e.g. "township leadership, annual").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// Identifier: `a-z 0-9 _ -`, at most 64.
    pub id: String,
    pub name: String,
}

/// An official graded in the round, with the name and position as they were when the round
/// was defined, so later changes to the official do not rewrite old results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficialSubject {
    pub official_id: i64,
    pub name: String,
    /// 职务, e.g. 党委书记.
    pub position: String,
}

/// The leadership team graded as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamSubject {
    pub name: String,
    /// The principal leader (主要领导), one of the round's officials: team flag rules flag them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_leader: Option<i64>,
}

/// A group of electors whose results are shown apart and weighted in the composite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElectorGroup {
    /// Identifier: `a-z 0-9 _ -`, at most 64.
    pub id: String,
    /// As shown: 县领导, 中层干部, 群众代表.
    pub label: String,
    /// Relative weight, finite and > 0; weights need not sum to 1.
    pub weight: f64,
}

/// What a ballot is graded on, referring to the round's subjects. JSON: `{"official": 101}`
/// or `"team"`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SubjectRef {
    Official(i64),
    Team,
}

impl SubjectRef {
    /// Whether this is an official or the team.
    #[must_use]
    pub const fn kind(self) -> SubjectKind {
        match self {
            SubjectRef::Official(_) => SubjectKind::Official,
            SubjectRef::Team => SubjectKind::Team,
        }
    }
}

impl fmt::Display for SubjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectRef::Official(id) => write!(f, "official {id}"),
            SubjectRef::Team => f.write_str("the team"),
        }
    }
}

/// A rule whose breach makes a whole ballot invalid (废票). Rules are data so each locality can
/// set its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ValidityRule {
    /// At most `max` overall grades of `grade` on one ballot (e.g. the 优秀名额 quota).
    /// Dimension grades do not count.
    MaxGradeCount { grade: Grade, max: u32 },
}

impl fmt::Display for ValidityRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidityRule::MaxGradeCount { grade, max } => {
                write!(f, "at most {max} {grade} per ballot")
            }
        }
    }
}

/// A configurable rule that flags officials (or the team's principal leader) for the
/// organisation department's attention. Every flag carries the rule and the numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagRule {
    /// Identifier, unique in the round: `a-z 0-9 _ -`, at most 64.
    pub id: String,
    /// What the flag means, as shown: 诫勉谈话, 组织调整, ...
    pub label: String,
    pub applies_to: SubjectKind,
    pub condition: Condition,
    /// How many rounds in a row (this one and the ones just before it in the series) must meet
    /// the condition; 1 for this round alone.
    #[serde(default = "one")]
    pub consecutive_rounds: u32,
}

fn one() -> u32 {
    1
}

/// When a flag rule holds for a subject in one round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The share of the subject's graded votes (abstentions left out) given one of `grades`,
    /// compared with `threshold`.
    Share {
        grades: Vec<Grade>,
        comparison: Comparison,
        threshold: Fraction,
        #[serde(default)]
        basis: Basis,
    },
    /// The subject's result grade (the grade with the largest weighted share) is one of
    /// `grades`.
    ResultGrade { grades: Vec<Grade> },
}

/// Which votes a share condition counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Every graded vote counts once, whatever its group ("…票达到三分之一" counts votes).
    /// Compared exactly, in integers.
    #[default]
    Votes,
    /// The weighted share across elector groups, as in the composite.
    Weighted,
}

/// How a measured share is compared with a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// ≥ (达到)
    AtLeast,
    /// > (超过)
    MoreThan,
    /// ≤
    AtMost,
    /// < (不足)
    LessThan,
}

impl Comparison {
    /// Whether `count / out_of` compares so with `threshold`, exactly. `out_of` must be > 0.
    #[must_use]
    pub fn holds_exact(self, count: u64, out_of: u64, threshold: Fraction) -> bool {
        let left = u128::from(count) * u128::from(threshold.denominator);
        let right = u128::from(threshold.numerator) * u128::from(out_of);
        self.holds_ordering(left.cmp(&right))
    }

    /// Whether `value` compares so with `threshold`, values within 1e-9 of the threshold
    /// counting as equal to it (weighted shares carry rounding noise).
    #[must_use]
    pub fn holds_approx(self, value: f64, threshold: Fraction) -> bool {
        let t = threshold.value();
        let ordering = if (value - t).abs() <= 1e-9 {
            std::cmp::Ordering::Equal
        } else if value < t {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Greater
        };
        self.holds_ordering(ordering)
    }

    fn holds_ordering(self, o: std::cmp::Ordering) -> bool {
        match self {
            Comparison::AtLeast => o.is_ge(),
            Comparison::MoreThan => o.is_gt(),
            Comparison::AtMost => o.is_le(),
            Comparison::LessThan => o.is_lt(),
        }
    }

    /// The symbol: `≥`, `>`, `≤`, `<`.
    #[must_use]
    pub const fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => "≥",
            Comparison::MoreThan => ">",
            Comparison::AtMost => "≤",
            Comparison::LessThan => "<",
        }
    }
}

/// A threshold between 0 and 1, exact: written `"1/3"` or `"20%"` in JSON. Decimals are not
/// accepted: `0.333` is not a third, and the one-third rule is decided at exactly 3 of 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fraction {
    numerator: u32,
    denominator: u32,
}

impl Fraction {
    /// `numerator / denominator`, `None` unless `0 < denominator` and `numerator <= denominator`.
    #[must_use]
    pub const fn new(numerator: u32, denominator: u32) -> Option<Self> {
        if denominator > 0 && numerator <= denominator {
            Some(Self {
                numerator,
                denominator,
            })
        } else {
            None
        }
    }

    /// The numerator.
    #[must_use]
    pub const fn numerator(self) -> u32 {
        self.numerator
    }

    /// The denominator.
    #[must_use]
    pub const fn denominator(self) -> u32 {
        self.denominator
    }

    /// The value as a float.
    #[must_use]
    pub fn value(self) -> f64 {
        f64::from(self.numerator) / f64::from(self.denominator)
    }

    /// Parses `"p/q"` or `"n%"` (integers, the value between 0 and 1).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let parsed = if let Some(percent) = s.strip_suffix('%') {
            percent.trim().parse().ok().and_then(|n| Self::new(n, 100))
        } else if let Some((p, q)) = s.split_once('/') {
            match (p.trim().parse(), q.trim().parse()) {
                (Ok(p), Ok(q)) => Self::new(p, q),
                _ => None,
            }
        } else {
            None
        };
        parsed.ok_or_else(|| {
            format!("`{s}` is not a fraction between 0 and 1 written `1/3` or `20%`")
        })
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.denominator == 100 {
            write!(f, "{}%", self.numerator)
        } else {
            write!(f, "{}/{}", self.numerator, self.denominator)
        }
    }
}

impl Serialize for Fraction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Fraction::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Fraction {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\s*\d+\s*(/\s*\d+|%)\s*$"))
            .description(Some("A fraction between 0 and 1: `1/3` or `20%`."))
            .examples(["1/3", "20%"])
            .into()
    }
}

impl ToSchema for Fraction {}

fn share_rule(
    id: &str,
    label: &str,
    grades: &[Grade],
    comparison: Comparison,
    threshold: Fraction,
    consecutive_rounds: u32,
) -> FlagRule {
    FlagRule {
        id: id.into(),
        label: label.into(),
        applies_to: SubjectKind::Official,
        condition: Condition::Share {
            grades: grades.to_vec(),
            comparison,
            threshold,
            basis: Basis::Votes,
        },
        consecutive_rounds,
    }
}

const ONE_THIRD: Fraction = Fraction {
    numerator: 1,
    denominator: 3,
};

impl FlagRule {
    /// The rules of the source documents ("民主测评基本称职、不称职票达到三分之一,或连续两年民主
    /// 测评不称职票达到20%", and the team rule):
    ///
    /// - `lower_grades_one_third`: 基本称职 + 不称职 ≥ 1/3 of the official's graded votes;
    /// - `incompetent_20pct_two_rounds`: 不称职 ≥ 20 % in this round and the previous one;
    /// - `team_poor`: the team's result grade is 差 → its principal leader is flagged;
    /// - `team_average_two_rounds`: the team's result grade is 一般 or worse in this round and
    ///   the previous one (差 then 一般 counts: it is no better than 一般 twice).
    #[must_use]
    pub fn defaults() -> Vec<FlagRule> {
        vec![
            share_rule(
                "lower_grades_one_third",
                "基本称职和不称职票达到三分之一",
                &[Grade::BasicallyCompetent, Grade::Incompetent],
                Comparison::AtLeast,
                ONE_THIRD,
                1,
            ),
            share_rule(
                "incompetent_20pct_two_rounds",
                "连续两年不称职票达到20%",
                &[Grade::Incompetent],
                Comparison::AtLeast,
                Fraction {
                    numerator: 20,
                    denominator: 100,
                },
                2,
            ),
            FlagRule {
                id: "team_poor".into(),
                label: "领导班子测评结果为差".into(),
                applies_to: SubjectKind::Team,
                condition: Condition::ResultGrade {
                    grades: vec![Grade::Poor],
                },
                consecutive_rounds: 1,
            },
            FlagRule {
                id: "team_average_two_rounds".into(),
                label: "领导班子连续两年测评结果为一般".into(),
                applies_to: SubjectKind::Team,
                condition: Condition::ResultGrade {
                    grades: vec![Grade::Average, Grade::Poor],
                },
                consecutive_rounds: 2,
            },
        ]
    }

    /// The variant another county uses: 优秀 + 称职 < 2/3 → warning talk (诫勉谈话);
    /// 不称职 > 1/3 → removal (免职).
    #[must_use]
    pub fn warning_and_removal() -> Vec<FlagRule> {
        vec![
            share_rule(
                "warning_talk",
                "诫勉谈话:优秀和称职票不足三分之二",
                &[Grade::Excellent, Grade::Competent],
                Comparison::LessThan,
                Fraction {
                    numerator: 2,
                    denominator: 3,
                },
                1,
            ),
            share_rule(
                "removal",
                "免职:不称职票超过三分之一",
                &[Grade::Incompetent],
                Comparison::MoreThan,
                ONE_THIRD,
                1,
            ),
        ]
    }
}

/// A round definition that passed every check. Ballots, tally sheets, counts and results are
/// only ever computed against one of these.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Round {
    definition: RoundDefinition,
}

impl Round {
    /// Checks a definition, reporting every problem with its field path
    /// (`elector_groups[1].weight`) and an English message; [`Round::check`] gives the
    /// problems to render in the reader's language.
    pub fn new(definition: RoundDefinition) -> Result<Round, Vec<ErrorDetail>> {
        Round::check(definition).map_err(in_english)
    }

    /// Checks a definition, reporting every problem with its field path
    /// (`officials[1].official_id`) and a message naming the official, elector group or
    /// dimension by its name.
    pub fn check(definition: RoundDefinition) -> Result<Round, Vec<Problem>> {
        let mut errors = Vec::new();
        check_definition(&definition, &mut errors);
        if errors.is_empty() {
            Ok(Round { definition })
        } else {
            Err(errors)
        }
    }

    /// The definition.
    #[must_use]
    pub fn definition(&self) -> &RoundDefinition {
        &self.definition
    }

    /// Every subject in ballot order: the officials, then the team.
    pub fn subjects(&self) -> impl Iterator<Item = SubjectRef> + '_ {
        self.definition
            .officials
            .iter()
            .map(|o| SubjectRef::Official(o.official_id))
            .chain(self.definition.team.as_ref().map(|_| SubjectRef::Team))
    }

    /// Whether `subject` is graded in this round.
    #[must_use]
    pub fn has_subject(&self, subject: SubjectRef) -> bool {
        match subject {
            SubjectRef::Official(id) => self.official(id).is_some(),
            SubjectRef::Team => self.definition.team.is_some(),
        }
    }

    /// The official with this id, if graded in this round.
    #[must_use]
    pub fn official(&self, id: i64) -> Option<&OfficialSubject> {
        self.definition
            .officials
            .iter()
            .find(|o| o.official_id == id)
    }

    /// The subject's name as snapshotted in the definition.
    #[must_use]
    pub fn subject_name(&self, subject: SubjectRef) -> Option<&str> {
        match subject {
            SubjectRef::Official(id) => self.official(id).map(|o| o.name.as_str()),
            SubjectRef::Team => self.definition.team.as_ref().map(|t| t.name.as_str()),
        }
    }

    /// The name a reader knows `subject` by, for messages: the official's or the team's name
    /// as the definition gives it; for a subject the round does not grade, its id in words.
    #[must_use]
    pub fn subject_label(&self, subject: SubjectRef) -> Arg {
        match (self.subject_name(subject), subject) {
            (Some(name), _) => Arg::localized(name, None),
            (None, SubjectRef::Official(id)) => msg!("round-official-not-in-round", id = id).into(),
            (None, SubjectRef::Team) => msg!("round-team").into(),
        }
    }

    /// The elector group with this id.
    #[must_use]
    pub fn group(&self, id: &str) -> Option<&ElectorGroup> {
        self.definition.elector_groups.iter().find(|g| g.id == id)
    }

    /// The name a reader knows an elector group by, for messages: its label, or the id as sent
    /// when the round has no such group.
    #[must_use]
    pub fn group_label(&self, id: &str) -> Arg {
        Arg::from(self.group(id).map_or(id, |g| g.label.as_str()))
    }

    /// The score of `grade` in the composite score.
    #[must_use]
    pub fn score(&self, grade: Grade) -> f64 {
        self.definition
            .grade_scores
            .get(&grade)
            .copied()
            .unwrap_or_else(|| grade.default_score())
    }

    /// The dimensions graded for `subject`: the round's dimensions for an official, none for
    /// the team (graded as a whole).
    #[must_use]
    pub fn dimensions_of(&self, subject: SubjectRef) -> &[Dimension] {
        match subject {
            SubjectRef::Official(_) => &self.definition.dimensions,
            SubjectRef::Team => &[],
        }
    }
}

/// Checks a name, label or period of a round or a tally sheet: 1 to [`MAX_TEXT_CHARS`]
/// characters besides surrounding whitespace, none of them one the databases cannot store.
pub(super) fn check_text(value: &str, field: &str, errors: &mut Vec<Problem>) {
    let chars = value.trim().chars().count();
    if !is_storable(value) {
        errors.push(problem(
            ErrorCode::UnstorableText,
            field,
            msg!("round-text-unstorable"),
        ));
    } else if chars == 0 || chars > MAX_TEXT_CHARS {
        errors.push(problem(
            ErrorCode::InvalidValue,
            field,
            msg!("round-text-length", max = MAX_TEXT_CHARS),
        ));
    }
}

fn check_identifier(value: &str, field: &str, errors: &mut Vec<Problem>) {
    if !is_identifier(value) {
        errors.push(problem(
            ErrorCode::InvalidValue,
            field,
            msg!("round-def-identifier"),
        ));
    }
}

fn check_count(len: usize, max: usize, field: &str, errors: &mut Vec<Problem>) {
    if len > max {
        errors.push(problem(
            ErrorCode::InvalidValue,
            field,
            msg!("round-def-too-many", max = max, count = len),
        ));
    }
}

fn check_definition(d: &RoundDefinition, errors: &mut Vec<Problem>) {
    check_text(&d.period, "period", errors);
    check_identifier(&d.series.id, "series.id", errors);
    check_text(&d.series.name, "series.name", errors);

    check_count(d.officials.len(), MAX_OFFICIALS, "officials", errors);
    if d.officials.is_empty() && d.team.is_none() {
        errors.push(problem(
            ErrorCode::RoundHasNoSubjects,
            "officials",
            msg!("round-def-no-subjects"),
        ));
    }
    let mut officials = BTreeSet::new();
    for (i, o) in d.officials.iter().enumerate() {
        if o.official_id <= 0 {
            errors.push(problem(
                ErrorCode::InvalidValue,
                format!("officials[{i}].official_id"),
                msg!("round-def-official-id"),
            ));
        } else if !officials.insert(o.official_id) {
            errors.push(problem(
                ErrorCode::DuplicateSubject,
                format!("officials[{i}].official_id"),
                msg!(
                    "round-def-official-twice",
                    official = Arg::localized(&o.name, None),
                    id = o.official_id
                ),
            ));
        }
        check_text(&o.name, &format!("officials[{i}].name"), errors);
        check_text(&o.position, &format!("officials[{i}].position"), errors);
    }
    if let Some(team) = &d.team {
        check_text(&team.name, "team.name", errors);
        if let Some(leader) = team.principal_leader {
            if !officials.contains(&leader) {
                errors.push(problem(
                    ErrorCode::UnknownSubject,
                    "team.principal_leader",
                    msg!("round-def-leader-unknown", id = leader),
                ));
            }
        }
    }

    let mut dimensions = BTreeSet::new();
    for (i, dim) in d.dimensions.iter().enumerate() {
        if !dimensions.insert(dim) {
            errors.push(problem(
                ErrorCode::DuplicateDimension,
                format!("dimensions[{i}]"),
                msg!("round-def-dimension-twice", dimension = dim.name()),
            ));
        }
    }

    if d.elector_groups.is_empty() {
        errors.push(problem(
            ErrorCode::RoundHasNoElectorGroups,
            "elector_groups",
            msg!("round-def-no-groups"),
        ));
    }
    check_count(
        d.elector_groups.len(),
        MAX_ELECTOR_GROUPS,
        "elector_groups",
        errors,
    );
    let mut groups = BTreeSet::new();
    for (i, g) in d.elector_groups.iter().enumerate() {
        let field = format!("elector_groups[{i}]");
        check_identifier(&g.id, &format!("{field}.id"), errors);
        if !groups.insert(g.id.as_str()) {
            errors.push(problem(
                ErrorCode::DuplicateElectorGroup,
                format!("{field}.id"),
                msg!("round-def-group-twice", group = &g.label, id = &g.id),
            ));
        }
        check_text(&g.label, &format!("{field}.label"), errors);
        if !(g.weight.is_finite() && g.weight > 0.0) {
            errors.push(problem(
                ErrorCode::InvalidGroupWeight,
                format!("{field}.weight"),
                msg!("round-def-weight", group = &g.label),
            ));
        }
    }

    check_count(d.validity_rules.len(), MAX_RULES, "validity_rules", errors);
    for (&grade, &score) in &d.grade_scores {
        if !score.is_finite() {
            errors.push(problem(
                ErrorCode::InvalidValue,
                format!("grade_scores.{}", grade.as_str()),
                msg!("round-def-score", grade = grade.name()),
            ));
        }
    }

    check_count(d.flag_rules.len(), MAX_RULES, "flag_rules", errors);
    let mut rules = BTreeSet::new();
    for (i, rule) in d.flag_rules.iter().enumerate() {
        let field = format!("flag_rules[{i}]");
        check_identifier(&rule.id, &format!("{field}.id"), errors);
        if !rules.insert(rule.id.as_str()) {
            errors.push(problem(
                ErrorCode::DuplicateFlagRule,
                format!("{field}.id"),
                msg!("round-def-rule-twice", rule = &rule.label, id = &rule.id),
            ));
        }
        check_text(&rule.label, &format!("{field}.label"), errors);
        if !(1..=MAX_CONSECUTIVE_ROUNDS).contains(&rule.consecutive_rounds) {
            errors.push(problem(
                ErrorCode::InvalidValue,
                format!("{field}.consecutive_rounds"),
                msg!("round-def-consecutive", max = MAX_CONSECUTIVE_ROUNDS),
            ));
        }
        let grades = match &rule.condition {
            Condition::Share { grades, .. } | Condition::ResultGrade { grades } => grades,
        };
        if grades.is_empty() {
            errors.push(problem(
                ErrorCode::InvalidValue,
                format!("{field}.condition.grades"),
                msg!("round-def-no-grades"),
            ));
        }
        check_scale(
            grades,
            rule.applies_to.scale(),
            &format!("{field}.condition.grades"),
            errors,
        );
    }

    let thresholds = &d.disclosure;
    if thresholds.counts == 0 || thresholds.comments == 0 {
        errors.push(problem(
            ErrorCode::InvalidValue,
            "disclosure",
            msg!("round-def-disclosure"),
        ));
    }
}

fn check_scale(grades: &[Grade], scale: Scale, field: &str, errors: &mut Vec<Problem>) {
    for (j, g) in grades.iter().enumerate() {
        if g.scale() != scale {
            errors.push(problem(
                ErrorCode::GradeNotOnScale,
                format!("{field}[{j}]"),
                scale.refuses(*g),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EXAMPLE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/examples/round-township-2026.json"
    ));
    const GUIDE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rounds.md"));

    fn minimal() -> serde_json::Value {
        json!({
            "period": "2026年度",
            "series": {"id": "qingshan-annual", "name": "青山镇年度测评"},
            "officials": [
                {"official_id": 1, "name": "甲", "position": "党委书记"},
                {"official_id": 2, "name": "乙", "position": "镇长"}
            ],
            "elector_groups": [{"id": "all", "label": "全体", "weight": 1}]
        })
    }

    fn parse(value: serde_json::Value) -> Result<Round, Vec<ErrorDetail>> {
        Round::new(serde_json::from_value(value).expect("well-formed definition"))
    }

    fn fields(errors: &[ErrorDetail]) -> Vec<(ErrorCode, &str)> {
        errors
            .iter()
            .map(|e| (e.code, e.field.as_deref().unwrap_or("")))
            .collect()
    }

    #[test]
    fn the_documented_example_parses_and_matches_the_guide() {
        let round = Round::new(serde_json::from_str(EXAMPLE).unwrap()).unwrap();
        let d = round.definition();
        assert_eq!(d.officials.len(), 5);
        assert_eq!(d.elector_groups.len(), 4);
        assert_eq!(d.dimensions.len(), 5);
        assert_eq!(round.subjects().count(), 6);
        assert_eq!(d.flag_rules, FlagRule::defaults());
        let block = GUIDE
            .split("```json\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("docs/rounds.md opens with the example round in a json block");
        let in_guide: serde_json::Value = serde_json::from_str(block).unwrap();
        let in_file: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        assert_eq!(in_guide, in_file);
    }

    #[test]
    fn absent_flag_rules_mean_the_defaults_and_an_empty_list_means_none() {
        let round = parse(minimal()).unwrap();
        assert_eq!(round.definition().flag_rules, FlagRule::defaults());
        let mut v = minimal();
        v["flag_rules"] = json!([]);
        assert!(parse(v).unwrap().definition().flag_rules.is_empty());
    }

    #[test]
    fn the_warning_and_removal_variant_is_valid_data() {
        let mut v = minimal();
        v["flag_rules"] = serde_json::to_value(FlagRule::warning_and_removal()).unwrap();
        let round = parse(v.clone()).unwrap();
        assert_eq!(
            round.definition().flag_rules,
            FlagRule::warning_and_removal()
        );
        assert_eq!(
            v["flag_rules"][0]["condition"],
            json!({"kind": "share", "grades": ["excellent", "competent"], "comparison": "less_than", "threshold": "2/3", "basis": "votes"})
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut v = minimal();
        v["colour"] = json!("red");
        assert!(serde_json::from_value::<RoundDefinition>(v).is_err());
        let mut v = minimal();
        v["flag_rules"] = json!([{"id": "x", "label": "x", "applies_to": "official",
            "condition": {"kind": "result_grade", "grades": ["poor"], "threshold": "1/3"}}]);
        assert!(serde_json::from_value::<RoundDefinition>(v).is_err());
    }

    #[test]
    fn fractions_are_exact_and_bounded() {
        assert_eq!(Fraction::parse("1/3"), Ok(ONE_THIRD));
        assert_eq!(
            Fraction::parse(" 20 % ").map(|f| f.to_string()),
            Ok("20%".into())
        );
        for bad in ["0.2", "4/3", "1/0", "101%", "-1/3", "a/b", ""] {
            assert!(Fraction::parse(bad).is_err(), "{bad}");
        }
        assert!(Comparison::AtLeast.holds_exact(3, 9, ONE_THIRD));
        assert!(!Comparison::AtLeast.holds_exact(2, 9, ONE_THIRD));
        assert!(!Comparison::MoreThan.holds_exact(3, 9, ONE_THIRD));
        assert!(Comparison::AtLeast.holds_approx(0.1 + 0.2, Fraction::parse("3/10").unwrap()));
        assert!(!Comparison::MoreThan.holds_approx(0.1 + 0.2, Fraction::parse("3/10").unwrap()));
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let v = json!({
            "period": " ",
            "series": {"id": "Bad Id", "name": "x"},
            "officials": [
                {"official_id": 1, "name": "甲", "position": "书记"},
                {"official_id": 1, "name": "乙", "position": "镇长"},
                {"official_id": 0, "name": "", "position": "x"}
            ],
            "team": {"name": "班子", "principal_leader": 9},
            "dimensions": ["integrity", "integrity"],
            "elector_groups": [
                {"id": "a", "label": "A", "weight": 1},
                {"id": "a", "label": "B", "weight": 0},
                {"id": "c", "label": "C", "weight": -2}
            ],
            "grade_scores": {"excellent": 100},
            "flag_rules": [
                {"id": "r", "label": "r", "applies_to": "team", "consecutive_rounds": 0,
                 "condition": {"kind": "share", "grades": ["incompetent"], "comparison": "at_least", "threshold": "1/3"}},
                {"id": "r", "label": "r", "applies_to": "official",
                 "condition": {"kind": "result_grade", "grades": []}}
            ],
            "disclosure": {"counts": 0}
        });
        let errors = parse(v).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                (ErrorCode::InvalidValue, "period"),
                (ErrorCode::InvalidValue, "series.id"),
                (ErrorCode::DuplicateSubject, "officials[1].official_id"),
                (ErrorCode::InvalidValue, "officials[2].official_id"),
                (ErrorCode::InvalidValue, "officials[2].name"),
                (ErrorCode::UnknownSubject, "team.principal_leader"),
                (ErrorCode::DuplicateDimension, "dimensions[1]"),
                (ErrorCode::DuplicateElectorGroup, "elector_groups[1].id"),
                (ErrorCode::InvalidGroupWeight, "elector_groups[1].weight"),
                (ErrorCode::InvalidGroupWeight, "elector_groups[2].weight"),
                (ErrorCode::InvalidValue, "flag_rules[0].consecutive_rounds"),
                (
                    ErrorCode::GradeNotOnScale,
                    "flag_rules[0].condition.grades[0]"
                ),
                (ErrorCode::DuplicateFlagRule, "flag_rules[1].id"),
                (ErrorCode::InvalidValue, "flag_rules[1].condition.grades"),
                (ErrorCode::InvalidValue, "disclosure"),
            ]
        );
    }

    #[test]
    fn definition_problems_name_officials_groups_and_dimensions() {
        let mut v = minimal();
        v["officials"][1]["official_id"] = json!(1);
        v["dimensions"] = json!(["integrity", "integrity"]);
        v["elector_groups"] = json!([
            {"id": "all", "label": "全体", "weight": 1},
            {"id": "all", "label": "群众代表", "weight": 0}
        ]);
        let problems =
            Round::check(serde_json::from_value(v).expect("well-formed definition")).unwrap_err();
        let zh: Vec<String> = problems
            .iter()
            .map(|p| p.message.render(crate::i18n::Lang::ZhCn))
            .collect();
        assert_eq!(
            zh,
            [
                "干部“乙”(编号1)被重复列出。",
                "测评维度“德”被重复列出。",
                "参评人员类别“群众代表”的编号“all”与前面的类别重复。",
                "“群众代表”的权重必须是大于0的数。",
            ]
        );
        assert_eq!(
            problems[1].message.render(crate::i18n::Lang::En),
            "dimension \"integrity\" is listed twice"
        );
    }

    #[test]
    fn texts_with_a_nul_character_are_refused_wherever_they_are() {
        let mut v = minimal();
        v["period"] = json!("2026\u{0}年度");
        v["officials"][0]["name"] = json!("\u{0}");
        v["elector_groups"][0]["label"] = json!("全体\u{0}");
        let errors = parse(v).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                (ErrorCode::UnstorableText, "period"),
                (ErrorCode::UnstorableText, "officials[0].name"),
                (ErrorCode::UnstorableText, "elector_groups[0].label"),
            ]
        );
    }

    #[test]
    fn a_round_needs_subjects_and_elector_groups() {
        let mut v = minimal();
        v["officials"] = json!([]);
        v["elector_groups"] = json!([]);
        let errors = parse(v).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                (ErrorCode::RoundHasNoSubjects, "officials"),
                (ErrorCode::RoundHasNoElectorGroups, "elector_groups"),
            ]
        );
        let mut v = minimal();
        v["officials"] = json!([]);
        v["team"] = json!({"name": "班子"});
        assert_eq!(
            parse(v).unwrap().subjects().collect::<Vec<_>>(),
            [SubjectRef::Team]
        );
    }

    #[test]
    fn non_finite_weights_and_scores_cannot_even_be_written_in_json_but_are_checked() {
        let mut d: RoundDefinition = serde_json::from_value(minimal()).unwrap();
        d.elector_groups[0].weight = f64::NAN;
        d.grade_scores.insert(Grade::Excellent, f64::INFINITY);
        let errors = Round::new(d).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                (ErrorCode::InvalidGroupWeight, "elector_groups[0].weight"),
                (ErrorCode::InvalidValue, "grade_scores.excellent"),
            ]
        );
    }

    #[test]
    fn subjects_serialise_as_tagged_ids() {
        assert_eq!(
            serde_json::to_value(SubjectRef::Official(7)).unwrap(),
            json!({"official": 7})
        );
        assert_eq!(
            serde_json::to_value(SubjectRef::Team).unwrap(),
            json!("team")
        );
    }
}
