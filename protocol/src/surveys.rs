//! Surveys as the API exchanges them: creation, lifecycle, public submission and results.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::forms::{AnswerSet, FormDefinition, Localized};

/// Where a survey stands in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SurveyStatus {
    /// Being written; no version published, nothing can be answered.
    Draft,
    /// Published and accepting answers (within its window, if it has one).
    Open,
    /// No longer accepting answers.
    Closed,
}

impl SurveyStatus {
    /// The storage form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SurveyStatus::Draft => "draft",
            SurveyStatus::Open => "open",
            SurveyStatus::Closed => "closed",
        }
    }

    /// Parses the storage form.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [
            SurveyStatus::Draft,
            SurveyStatus::Open,
            SurveyStatus::Closed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// How an answer reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The respondent's own phone or browser.
    Web,
    /// Collected by a field officer with the offline client.
    Field,
    /// Typed up from a paper form.
    Paper,
}

impl Channel {
    /// The storage form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Field => "field",
            Channel::Paper => "paper",
        }
    }
}

/// Body of `POST /api/v1/surveys`: a new survey, as a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSurvey {
    /// The questionnaire (see docs/forms.md).
    pub definition: FormDefinition,
    /// The units rated; at least one, each in the caller's subtree.
    pub targets: Vec<i64>,
    /// The unit that owns the survey (defaults to the caller's unit); decides who may manage it
    /// and read its results.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// Smallest group whose figures are shown (at least 5, the default); fixed at publication.
    #[serde(default)]
    pub min_group_size: Option<u32>,
    /// Answers accepted from (seconds since the epoch), if set.
    #[serde(default)]
    pub opens_at: Option<i64>,
    /// Answers accepted until (seconds since the epoch), if set.
    #[serde(default)]
    pub closes_at: Option<i64>,
    /// The series the survey belongs to, by name (the same survey run each quarter or year),
    /// for trends across periods; at most 100 characters.
    #[serde(default)]
    pub series: Option<String>,
    /// The period the survey covers in its series (`2026年第一季度`); at most 100 characters.
    #[serde(default)]
    pub period: Option<String>,
    /// One answer per survey code (printed on door cards or slips): see `requires_codes` of
    /// [`Survey`]. Off by default.
    #[serde(default)]
    pub requires_codes: Option<bool>,
}

/// Body of `PATCH /api/v1/surveys/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSurvey {
    /// A new draft questionnaire: replaces the draft, or starts a new version after the
    /// published one. Published versions never change.
    #[serde(default)]
    pub definition: Option<FormDefinition>,
    /// Replaces the target units (only while no answer has been stored).
    #[serde(default)]
    pub targets: Option<Vec<i64>>,
    /// Only before the first publication.
    #[serde(default)]
    pub min_group_size: Option<u32>,
    #[serde(default)]
    pub opens_at: Option<i64>,
    #[serde(default)]
    pub closes_at: Option<i64>,
    /// The series, by name; an empty string takes the survey out of its series.
    #[serde(default)]
    pub series: Option<String>,
    /// The period in the series; an empty string removes it.
    #[serde(default)]
    pub period: Option<String>,
    /// Whether a public answer needs a survey code; only before the first publication.
    #[serde(default)]
    pub requires_codes: Option<bool>,
}

/// A target unit of a survey and its own short link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SurveyTarget {
    pub unit_id: i64,
    pub name: String,
    /// The public form for this target alone.
    pub public_url: String,
}

/// A survey as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Survey {
    pub id: i64,
    pub title: Localized,
    pub status: SurveyStatus,
    /// Whether answers are accepted right now (open and within the window).
    pub accepting: bool,
    pub unit_id: i64,
    pub targets: Vec<SurveyTarget>,
    /// The version answers are given on now; `None` until the first publication.
    pub current_version: Option<i32>,
    /// An unpublished version being edited, if any.
    pub draft_version: Option<i32>,
    pub min_group_size: u32,
    pub comment_min_group_size: u32,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    /// The short public link (lets the respondent pick the target when there are several).
    pub public_url: String,
    pub created_at: i64,
    /// The series the survey belongs to (its name), for trends across periods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// The period it covers in its series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// When the organiser published the results of the closed survey (the step that makes
    /// the rectification items); `None` before.
    #[serde(default)]
    pub results_published_at: Option<i64>,
    /// Whether each public answer needs a one-time survey code (one answer per household).
    /// Answers collected by officers in the field need none (docs/privacy.md).
    #[serde(default)]
    pub requires_codes: bool,
}

/// One version of a survey's questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SurveyVersion {
    pub survey_id: i64,
    pub version: i32,
    pub definition: FormDefinition,
    /// `None` while the version is a draft.
    pub published_at: Option<i64>,
}

/// The form a respondent fills in, as public front ends fetch it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicForm {
    pub slug: String,
    pub version: i32,
    pub definition: FormDefinition,
    pub targets: Vec<PublicTarget>,
    /// Villages and communities a respondent may say they live in.
    pub villages: Vec<PublicTarget>,
    pub min_group_size: u32,
    pub accepting: bool,
    /// Whether an answer needs a survey code (`code` of [`SubmitResponse`]).
    #[serde(default)]
    pub requires_code: bool,
}

/// A unit offered to a respondent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicTarget {
    pub unit_id: i64,
    pub name: String,
}

/// Body of a public submission: one respondent's answers for one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitResponse {
    /// The version the form was shown on.
    pub version: i32,
    pub target_unit_id: i64,
    /// The respondent's village or community, if they said.
    #[serde(default)]
    pub respondent_unit_id: Option<i64>,
    pub answers: AnswerSet,
    /// A random key made for one showing of the form (16 to 64 of `A-Z a-z 0-9 _ -`), the same
    /// on every retry of that answer: an answer sent again with it within a day (a double tap,
    /// a retry after a lost reply) is answered as the first was and stored once. It identifies
    /// nothing and is kept only hashed (docs/privacy.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission_key: Option<String>,
    /// The one-time survey code from a door card or slip, when the survey requires one. It is
    /// used up by this answer and nothing stored links the two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Body of `POST /api/v1/surveys/{id}/codes` (and of `/slips`): one-time survey codes for one
/// target unit and, optionally, one village of the survey's area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateSurveyCodes {
    pub target_unit_id: i64,
    /// The village or community the codes are handed out in; an answer with such a code is
    /// counted for that village.
    #[serde(default)]
    pub village_id: Option<i64>,
    /// 1 to 2,000 codes per request.
    pub count: u32,
}

/// Newly generated survey codes: shown this once (only their hashes are kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GeneratedSurveyCodes {
    pub target_unit_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village_id: Option<i64>,
    pub codes: Vec<String>,
    /// The target unit's own link; the printed QR code adds the code after a `#`, which the
    /// browser keeps to itself.
    pub public_url: String,
}

/// How many survey codes were issued and used for one target unit (and village).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SurveyCodeCount {
    pub target_unit_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village_id: Option<i64>,
    pub issued: u64,
    pub used: u64,
}

/// A pattern in a survey's answers worth a look (a flag for review, not a verdict).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnomalyFlag {
    /// At least `identical` answer sets, all the same, came for one target unit within a few
    /// minutes in the hour starting at `hour` (seconds since the epoch).
    Burst {
        target_unit_id: i64,
        target: String,
        hour: i64,
        identical: u64,
    },
    /// A village's share of the answers is far above its share of the population.
    VillageShare {
        unit_id: i64,
        village: String,
        answers: u64,
        /// Its share of the answers from villages with a population, 0 to 1.
        answer_share: f64,
        /// Its share of those villages' population, 0 to 1.
        population_share: f64,
    },
}

/// Answer to an accepted submission: deliberately no id, nothing that could serve as a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Submitted {
    pub accepted: bool,
}

/// A figure under disclosure control, saying how many answers it rests on.
///
/// Shown: `value` and `n` are set. Hidden from the caller: both are absent and `hidden` says
/// why. For the organiser's exact figures, `value` and `n` are always set and `hidden` says
/// whether others see the figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Figure {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The number of answers (or respondents) the figure rests on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<crate::stats::SuppressionReason>,
}

/// Results of one survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SurveyResults {
    pub survey_id: i64,
    pub title: Localized,
    pub status: SurveyStatus,
    /// Figures resting on fewer answers are hidden.
    pub min_group_size: u32,
    /// Comments on a target are shown only when it has at least this many answers.
    pub comment_min_group_size: u32,
    /// Whether hidden figures are included (the organiser's exact, official figures).
    pub exact: bool,
    /// The version whose questions are reported (answers on older versions are counted by
    /// question and option id).
    pub version: Option<i32>,
    pub total_responses: Figure,
    pub targets: Vec<TargetResults>,
    /// Targets ranked by composite score, ties sharing a rank; hidden targets are not ranked.
    pub ranking: Vec<RankedTarget>,
    /// The first three places (more when tied).
    pub top: Vec<RankedTarget>,
    /// The last three places (more when tied).
    pub bottom: Vec<RankedTarget>,
    /// The units to rectify (整改), best first: the bottom three places when at least seven
    /// units are ranked, otherwise the lowest place, and every unit scoring below
    /// `rectify_below_score` (`stats::RectificationRule`).
    #[serde(default)]
    pub rectification: Vec<RankedTarget>,
    /// The score below which a unit is rectified whatever its place (a server setting).
    #[serde(default = "default_rectify_below_score")]
    pub rectify_below_score: f64,
    /// Responses per respondent village (coverage); `unit_id` absent for "not stated".
    pub villages: Vec<VillageCount>,
    /// Responses per calendar week (China Standard Time), oldest first, for the trend of a
    /// survey that runs several weeks; each week is a cell of its own breakdown under the same
    /// disclosure control.
    #[serde(default)]
    pub weeks: Vec<WeekCount>,
    /// Anomaly flags for review, in the organiser's exact results only (empty otherwise).
    #[serde(default)]
    pub flags: Vec<AnomalyFlag>,
}

fn default_rectify_below_score() -> f64 {
    crate::stats::DEFAULT_RECTIFY_BELOW_SCORE
}

/// Responses in one calendar week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WeekCount {
    /// The week's Monday, `YYYY-MM-DD`.
    pub week: String,
    pub responses: Figure,
}

/// The results for one target unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TargetResults {
    pub unit_id: i64,
    pub name: String,
    pub responses: Figure,
    /// (满意 + 基本满意) / (满意 + 基本满意 + 不满意) over every rating answer of the target.
    pub satisfaction_rate: Figure,
    /// Mean score of every scored rating answer of the target (综合得分).
    pub composite_score: Figure,
    pub rank: Option<u32>,
    pub questions: Vec<QuestionResults>,
    pub comments: Comments,
}

/// The results of one question for one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QuestionResults {
    pub id: String,
    pub label: Localized,
    /// The question type (`rating`, `single_choice`, ...).
    pub kind: String,
    /// How many respondents answered it.
    pub answered: Figure,
    /// Per option (or per score 0–10): count and share of the answers.
    pub options: Vec<OptionResult>,
    /// Mean of numeric answers (`score_0_10`, `number`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<Figure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfaction_rate: Option<Figure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub composite_score: Option<Figure>,
}

/// One option's count and share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OptionResult {
    pub id: String,
    pub label: Localized,
    pub count: Figure,
    /// Share of the question's answers, 0 to 1.
    pub share: Figure,
}

/// The free-text comments of a target, when its group is large enough.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Comments {
    /// Why the comments are withheld, if they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<crate::stats::SuppressionReason>,
    /// At most 100, in no particular order.
    pub items: Vec<Comment>,
    /// True when the target has more comments than `items` holds (all are in the answers
    /// export).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
}

/// One comment, in no particular order (never the order of arrival).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Comment {
    pub question_id: String,
    pub text: String,
}

/// Field coverage of a survey: every village and community respondents may name, grouped by
/// the township (or other unit) above it, with its answer count, those with none included.
/// Counts are under the survey's disclosure control for everyone but the organisers, the same
/// cells hidden as on the results page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SurveyCoverage {
    pub survey_id: i64,
    pub title: Localized,
    /// Whether the counts are exact (organisers and admins).
    pub exact: bool,
    pub min_group_size: u32,
    /// The areas in the caller's scope, in tree order.
    pub areas: Vec<CoverageArea>,
    /// Answers that named no village.
    pub not_stated: Figure,
}

/// The villages of one township (or other parent unit) and how many answers each has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CoverageArea {
    pub unit_id: i64,
    pub name: String,
    /// The area's answers: shown only when every village's count is shown (so nothing hidden
    /// can be worked out from it).
    pub responses: Figure,
    /// How many of its villages have no answer yet.
    pub without_answers: u32,
    pub villages: Vec<VillageCoverage>,
}

/// One village's answer count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VillageCoverage {
    pub unit_id: i64,
    pub name: String,
    pub responses: Figure,
}

impl VillageCoverage {
    /// Whether the village has no answer at all (a zero is never hidden).
    #[must_use]
    pub fn has_none(&self) -> bool {
        self.responses.value.is_some_and(|n| n <= 0.0)
    }

    /// A key that orders villages from fewest answers to most: none first, then the hidden
    /// counts (hidden mostly because they are small), then the shown counts.
    #[must_use]
    pub fn fewest_first(&self) -> (u8, u64) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        match self.responses.value {
            _ if self.has_none() => (0, 0),
            Some(v) => (1, v as u64),
            None => (1, 0),
        }
    }
}

/// A place in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RankedTarget {
    pub rank: u32,
    pub unit_id: i64,
    pub name: String,
    pub composite_score: f64,
    /// How many ratings the score rests on (answers to its rating questions, several per
    /// answer sheet).
    pub n: u64,
    /// How many answer sheets the unit has: the count the pages show beside a place.
    #[serde(default)]
    pub responses: u64,
}

/// Responses from one respondent village.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VillageCount {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<i64>,
    pub name: String,
    pub responses: Figure,
}
