//! Rounds as the API exchanges them: officials, round set-up and lifecycle, ballot codes,
//! casting, tally sheets and results. The rules themselves are in the rest of
//! [`crate::rounds`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Ballot, Flag, IdenticalBallots, RoundDefinition, RoundResults, SubjectRef, TallySheet,
};
use crate::stats::SuppressionReason;

/// An official (领导干部), kept across rounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Official {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
    pub position: String,
    pub active: bool,
    /// 班子: the leadership team, as the roster names it.
    #[serde(default)]
    pub team: Option<String>,
    /// 排序: the official's place in the roster order.
    #[serde(default)]
    pub order: Option<u32>,
}

/// Body of `POST /api/v1/officials`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOfficial {
    pub unit_id: i64,
    pub name: String,
    pub position: String,
}

/// Body of `PATCH /api/v1/officials/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOfficial {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    /// The leadership team; an empty text clears it.
    #[serde(default)]
    pub team: Option<String>,
    /// The place in the roster order.
    #[serde(default)]
    pub order: Option<u32>,
}

/// Where a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    /// Being set up; codes may be generated, nobody votes yet.
    Draft,
    /// The meeting: ballots are cast, tally sheets entered, turnout watched.
    Open,
    /// Voting has ended; tally sheets may still be entered or corrected.
    Closed,
    /// Results are final and visible to leaders.
    Published,
}

impl RoundStatus {
    /// The storage form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Draft => "draft",
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
            RoundStatus::Published => "published",
        }
    }

    /// Parses the storage form.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [
            RoundStatus::Draft,
            RoundStatus::Open,
            RoundStatus::Closed,
            RoundStatus::Published,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// Body of `POST /api/v1/rounds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRound {
    pub definition: RoundDefinition,
    /// The unit whose subtree manages the round (defaults to the caller's unit).
    #[serde(default)]
    pub unit_id: Option<i64>,
}

/// Body of `PATCH /api/v1/rounds/{id}` (drafts only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRound {
    pub definition: RoundDefinition,
}

/// A round as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundInfo {
    pub id: i64,
    pub unit_id: i64,
    pub series_id: String,
    pub series_name: String,
    pub period: String,
    pub status: RoundStatus,
    /// The ballot page electors open (they type their code there).
    pub ballot_url: String,
    pub min_group_size: u64,
    pub definition: RoundDefinition,
    pub created_at: i64,
}

/// Body of `POST /api/v1/rounds/{id}/codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateCodes {
    pub elector_group: String,
    /// 1 to 2,000 codes per request.
    pub count: u32,
}

/// Newly generated codes: shown this once (only their hashes are kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GeneratedCodes {
    pub elector_group: String,
    pub codes: Vec<String>,
    pub ballot_url: String,
}

/// Body of a ballot cast through the JSON API: the code and the marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CastRequest {
    pub code: String,
    /// The marks; `elector_group` may be left empty (the code decides the group).
    pub ballot: Ballot,
}

/// Answer to a cast ballot: whether it counts as valid. No receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Cast {
    /// `false` for a ballot that breaks a validity rule (废票): stored and counted as invalid.
    pub valid: bool,
}

/// A stored tally sheet with who entered it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TallySheetRecord {
    pub station: String,
    pub elector_group: String,
    /// `counted` or `void` (returned > issued: that station's vote is void).
    pub outcome: String,
    pub sheet: TallySheet,
    pub entered_by: String,
    pub entered_at: i64,
    /// Earlier versions this sheet replaced, newest first.
    pub replaced: Vec<ReplacedSheet>,
}

/// A tally sheet that a correction replaced, kept visible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReplacedSheet {
    pub sheet: TallySheet,
    pub entered_by: String,
    pub entered_at: i64,
    pub replaced_at: i64,
}

/// Turnout of one elector group: codes used out of issued, and paper ballots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GroupTurnout {
    pub elector_group: String,
    pub label: String,
    pub codes_issued: u64,
    pub codes_used: u64,
    pub paper_issued: u64,
    pub paper_returned: u64,
}

/// A polling station's sheet status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StationStatus {
    pub station: String,
    pub elector_group: String,
    /// `counted` or `void`.
    pub outcome: String,
    pub corrected: bool,
}

/// Live turnout while a round is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Turnout {
    pub groups: Vec<GroupTurnout>,
    pub stations: Vec<StationStatus>,
}

/// A subject's standing in the previous round of the series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PreviousStanding {
    pub subject: SubjectRef,
    pub score: Option<f64>,
    pub rank: Option<u32>,
    /// Weighted share per grade (`excellent`, `competent`, ...).
    pub weighted_shares: std::collections::BTreeMap<String, f64>,
}

/// The previous round of the series, for comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PreviousRound {
    pub round_id: i64,
    pub period: String,
    pub subjects: Vec<PreviousStanding>,
}

/// A station (or an elector group's electronic ballots) where every ballot is identical.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StationAnomaly {
    /// The station's name, or `electronic: <group>` for the electronic ballots of a group.
    pub station: String,
    pub detail: IdenticalBallots,
}

/// An elector group whose figures are hidden from leaders, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HiddenGroup {
    pub elector_group: String,
    pub reason: SuppressionReason,
}

/// Everything `GET /api/v1/rounds/{id}/results` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoundReport {
    pub round: RoundInfo,
    /// Whether these are the organiser's exact figures (no group hidden).
    pub exact: bool,
    /// Per subject: counts and shares per elector group, weighted overall shares, invalid and
    /// abstention counts, team grade, rank. Groups listed in `hidden_groups` carry no counts
    /// for leaders.
    pub results: RoundResults,
    pub hidden_groups: Vec<HiddenGroup>,
    /// Every flag raised, with its rule and the numbers that raised it.
    pub flags: Vec<Flag>,
    pub anomalies: Vec<StationAnomaly>,
    pub previous: Option<PreviousRound>,
    pub turnout: Turnout,
}
