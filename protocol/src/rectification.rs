//! Rectification (整改) as the API exchanges it: the items of the rectification ledger
//! (整改台账), what was found, each step of an item's cycle with who and when, and the bodies
//! of the steps (docs/rectification.md).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::forms::Localized;

/// Where an item stands. `overdue` is an open or returned item past its due date: it is
/// derived, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Waiting for the unit's report.
    Open,
    /// The unit reported; waiting for the organiser.
    Reported,
    /// The organiser sent the report back with a reason; waiting for a new report.
    Returned,
    /// Open or returned, and past its due date.
    Overdue,
    /// The organiser accepted the report: nothing more can be added.
    Closed,
}

impl ItemStatus {
    /// Every status, in the order of the cycle.
    pub const ALL: [ItemStatus; 5] = [
        ItemStatus::Open,
        ItemStatus::Reported,
        ItemStatus::Returned,
        ItemStatus::Overdue,
        ItemStatus::Closed,
    ];

    /// The wire form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Open => "open",
            ItemStatus::Reported => "reported",
            ItemStatus::Returned => "returned",
            ItemStatus::Overdue => "overdue",
            ItemStatus::Closed => "closed",
        }
    }

    /// Parses the wire form.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The item was made (by the rule when results were published, or by hand).
    Created,
    /// The organiser set or changed the due date.
    DueSet,
    /// The unit wrote its report.
    Reported,
    /// The organiser sent the report back, with a reason.
    Returned,
    /// The organiser accepted the report; the item is closed.
    Accepted,
}

impl EventKind {
    /// The storage form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::DueSet => "due_set",
            EventKind::Reported => "reported",
            EventKind::Returned => "returned",
            EventKind::Accepted => "accepted",
        }
    }

    /// Parses the storage form.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [
            EventKind::Created,
            EventKind::DueSet,
            EventKind::Reported,
            EventKind::Returned,
            EventKind::Accepted,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// What was found: for an item picked after a survey, the unit's score and place and the
/// questions where it fell short; for an official after a round, the flags raised; and the
/// organiser's own words for an item added by hand. Counts are given only where the results'
/// disclosure control shows them to leaders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    /// The organiser's words (an item added by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The unit's composite score (综合得分).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composite_score: Option<f64>,
    /// The unit's satisfaction rate, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction_rate: Option<f64>,
    /// Its place in the ranking (ties share a place).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// How many units were ranked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranked: Option<u32>,
    /// The answer sheets the unit's figures rest on, when leaders see that count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responses: Option<u64>,
    /// The rule's score threshold when the item was picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rectify_below_score: Option<f64>,
    /// The rating questions where the unit scored below the survey's score of that question.
    #[serde(default)]
    pub questions: Vec<ShortQuestion>,
    /// The flags raised on the official (their rules' labels).
    #[serde(default)]
    pub flags: Vec<String>,
}

/// A question where the unit fell short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ShortQuestion {
    pub id: String,
    pub label: Localized,
    /// The unit's composite score on the question.
    pub score: f64,
    /// The question's composite score over every target shown.
    pub survey_score: f64,
    /// How many of the unit's respondents answered it, when leaders see that count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<u64>,
}

/// A file attached to a report (its content is downloaded on its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentInfo {
    pub id: i64,
    pub file_name: String,
    /// The type its content was recognised as (`application/pdf`, `image/png`, ...).
    pub media_type: String,
    /// Bytes.
    pub size: u64,
}

/// One step of an item's cycle: what, who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ItemEvent {
    pub id: i64,
    pub kind: EventKind,
    /// The account that took the step.
    pub actor: String,
    /// Seconds since the Unix epoch.
    pub at: i64,
    /// The report's text or the reason it was sent back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The due date set (`due_set`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentInfo>,
}

/// An item of the rectification ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RectificationItem {
    pub id: i64,
    /// The unit that rectifies.
    pub unit_id: i64,
    pub unit_name: String,
    /// The survey after which it was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey_title: Option<Localized>,
    /// The appraisal round after which it was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_id: Option<i64>,
    /// The round as its series and period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_name: Option<String>,
    /// The flagged official it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_name: Option<String>,
    /// Picked by the rectification rule when results were published (else added by hand).
    pub by_rule: bool,
    pub finding: Finding,
    /// The last day of the unit's report, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<String>,
    pub status: ItemStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An item with every step of its cycle, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RectificationDetail {
    pub item: RectificationItem,
    pub events: Vec<ItemEvent>,
}

/// How many items of the caller's subtree stand where: the leaders' overview line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LedgerCounts {
    /// Open, reported or returned (overdue ones included).
    pub open: u64,
    /// Open or returned past their due date.
    pub overdue: u64,
    /// Reported, waiting for the organiser.
    pub reported: u64,
    pub closed: u64,
}

/// Answer to publishing a survey's results: when, and the items the rule made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublishedResults {
    pub survey_id: i64,
    pub published_at: i64,
    pub items: Vec<RectificationItem>,
}

/// Body of `POST /api/v1/rectification`: an item added by hand, for a unit after a survey
/// (`survey_id` and `unit_id`) or for a flagged official after a round (`round_id` and
/// `official_id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateItem {
    #[serde(default)]
    pub survey_id: Option<i64>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub round_id: Option<i64>,
    #[serde(default)]
    pub official_id: Option<i64>,
    /// What was found, in the organiser's words (required).
    #[serde(default)]
    pub note: String,
    /// `YYYY-MM-DD`, not in the past.
    #[serde(default)]
    pub due_on: Option<String>,
}

/// Body of `PUT /api/v1/rectification/{id}/due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetDue {
    /// `YYYY-MM-DD`, not in the past.
    pub due_on: String,
}

/// A file sent with a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAttachment {
    pub file_name: String,
    /// The file, base64 (standard alphabet, padded): PDF, JPEG, PNG, XLSX or DOCX, at most
    /// 5 MB; the type is recognised from the content, not the name.
    pub content_base64: String,
}

/// Body of `POST /api/v1/rectification/{id}/report`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteReport {
    /// What the unit did (required).
    #[serde(default)]
    pub text: String,
    /// At most 3 files.
    #[serde(default)]
    pub attachments: Vec<NewAttachment>,
}

/// Body of `POST /api/v1/rectification/{id}/return`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendBack {
    /// Why the report is sent back (required).
    #[serde(default)]
    pub reason: String,
}
