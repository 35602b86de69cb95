//! Trends across periods: a series of surveys (the same survey run each quarter or year) and a
//! series of appraisal rounds, compared period by period, with the rank changes and whether the
//! units picked for rectification improved in the next period.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::forms::Localized;
use crate::rounds::{Grade, RoundStatus};
use crate::surveys::{Figure, SurveyStatus};

/// The series the caller can follow: survey series and round series in its subtree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrendSeries {
    pub surveys: Vec<SurveySeries>,
    pub rounds: Vec<RoundSeries>,
}

/// A survey series: its name (which is also its key) and how many published periods it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SurveySeries {
    pub series: String,
    pub periods: u32,
}

/// A round series: its id, its name and how many rounds of it the caller may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoundSeries {
    pub series_id: String,
    pub series_name: String,
    pub periods: u32,
}

/// The trend of a survey series: per target unit and period its answer sheets, satisfaction
/// rate, composite score and rank, under the disclosure control of each survey's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SurveyTrend {
    pub series: String,
    /// Whether hidden figures are included (the organiser's exact figures).
    pub exact: bool,
    /// The periods, oldest first (in the order their surveys were set up).
    pub periods: Vec<TrendPeriod>,
    /// Every unit rated in at least one period, in unit order.
    pub units: Vec<UnitTrend>,
    /// Per pair of consecutive periods, the units picked for rectification in the first and
    /// how they did in the next.
    pub rectification: Vec<RectificationFollowUp>,
    /// The score below which a unit is rectified whatever its place (a server setting).
    pub rectify_below_score: f64,
}

/// One period of a survey series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrendPeriod {
    pub survey_id: i64,
    /// The period as the survey names it; absent when it names none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    pub title: Localized,
    pub status: SurveyStatus,
    pub min_group_size: u32,
    /// How many units are ranked in this period.
    pub ranked: u32,
}

/// One unit across the periods of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitTrend {
    pub unit_id: i64,
    pub name: String,
    /// One entry per period, in the order of `periods`; `null` where the unit was not rated.
    pub points: Vec<Option<UnitPeriod>>,
}

/// A unit's figures in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitPeriod {
    pub responses: Figure,
    pub satisfaction_rate: Figure,
    pub composite_score: Figure,
    /// Its place in the period's ranking; absent when it is not ranked (hidden, or no score).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// Places gained since the previous period (positive: moved up); absent unless it is
    /// ranked in both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_change: Option<i64>,
    /// Whether the rectification rule picked it in this period.
    pub rectify: bool,
}

/// How a unit picked for rectification in one period did in the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RectificationFollowUp {
    pub unit_id: i64,
    pub name: String,
    /// The period it was picked in (its survey), and the next one.
    pub survey_id: i64,
    pub next_survey_id: i64,
    pub score_before: f64,
    pub rank_before: u32,
    /// Its score in the next period, under that survey's disclosure control; absent when it
    /// was not rated then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_after: Option<Figure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_after: Option<u32>,
    /// Whether its composite score rose; absent when the later score is hidden or missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub improved: Option<bool>,
}

/// The trend of a round series: per official and round the weighted share of each grade, the
/// composite score, the rank and the flags raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundTrend {
    pub series_id: String,
    pub series_name: String,
    /// Whether the rounds are read with the organiser's exact figures.
    pub exact: bool,
    /// The rounds, oldest first.
    pub periods: Vec<RoundPeriod>,
    /// Every official graded in at least one round, in the order of the latest round's list.
    pub officials: Vec<OfficialTrend>,
}

/// One round of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundPeriod {
    pub round_id: i64,
    pub period: String,
    pub status: RoundStatus,
}

/// One official across the rounds of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OfficialTrend {
    pub official_id: i64,
    pub name: String,
    /// One entry per round, in the order of `periods`; `null` where the official was not on
    /// the ballot.
    pub points: Vec<Option<OfficialPeriod>>,
}

/// An official's standing in one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OfficialPeriod {
    /// The weighted share of each grade (优秀, 称职, 基本称职, 不称职), 0 to 1; empty when
    /// nobody graded the official.
    pub shares: Vec<GradeShare>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// Places gained since the previous round (positive: moved up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_change: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_grade: Option<Grade>,
    /// The labels of the flags raised about the official in this round.
    pub flags: Vec<String>,
}

/// A grade's weighted share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GradeShare {
    pub grade: Grade,
    pub share: f64,
}

/// Places gained from `before` to `after` (a smaller rank is better): positive when the unit
/// or official moved up.
#[must_use]
pub fn rank_change(before: Option<u32>, after: Option<u32>) -> Option<i64> {
    Some(i64::from(before?) - i64::from(after?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_from_fifth_to_second_gains_three_places() {
        assert_eq!(rank_change(Some(5), Some(2)), Some(3));
        assert_eq!(rank_change(Some(1), Some(4)), Some(-3));
        assert_eq!(rank_change(None, Some(4)), None);
        assert_eq!(rank_change(Some(4), None), None);
    }
}
