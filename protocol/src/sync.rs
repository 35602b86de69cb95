//! The field sync protocol: the manifest a field client caches, the batches it pushes and the
//! receipts it gets back. The wire contract, status codes and idempotency rule are described in
//! `docs/sync-protocol.md`.
//!
//! A batch is identified by an id the client chooses once (a random 128-bit hex string) and by
//! its exact bytes: the server stores a batch exactly once, acknowledges the same id with the
//! same bytes again as a duplicate with the original receipt, and answers the same id with other
//! bytes with `409 batch_conflict`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::forms::{AnswerSet, FormDefinition};
use crate::rounds::TallySheet;
use crate::rounds::{Official, RoundInfo};
use crate::surveys::{PublicTarget, Survey};
use crate::units::Unit;

/// The request header that names the sync protocol version a client speaks.
pub const PROTOCOL_HEADER: &str = "Canvass-Protocol";

/// The sync protocol version of this build. A server answers another version with
/// `426 protocol_unsupported`, telling the client to upgrade.
pub const PROTOCOL_VERSION: u32 = 1;

/// At most this many items in one batch.
pub const MAX_BATCH_ITEMS: usize = 1_000;

/// At most this many bytes in one batch body.
pub const MAX_BATCH_BYTES: usize = 8 * 1024 * 1024;

/// Everything a field officer needs to work offline: the instruments open for their units with
/// every version that still accepts answers, the units they may name and the officials graded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Manifest {
    /// The sync protocol version the server speaks.
    pub protocol: u32,
    pub surveys: Vec<ManifestSurvey>,
    pub rounds: Vec<RoundInfo>,
    /// The units of the officer's subtree and the villages respondents may name.
    pub units: Vec<Unit>,
    pub officials: Vec<Official>,
}

/// An open survey with the versions answers may be given on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ManifestSurvey {
    pub survey: Survey,
    /// Every published version, the current one last; answers collected on any of them are
    /// accepted while the survey is open.
    pub versions: Vec<ManifestVersion>,
    /// Villages and communities a respondent may say they live in.
    pub villages: Vec<PublicTarget>,
}

/// `GET /api/v1/sync/coverage`: for each survey of the manifest, the villages in the officer's
/// scope with their answer counts on the server, under disclosure control. Fetched on every
/// pull beside the (cacheable) manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldCoverage {
    pub surveys: Vec<SurveyFieldCoverage>,
}

/// One survey's villages in the officer's scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SurveyFieldCoverage {
    pub survey_id: i64,
    pub min_group_size: u32,
    pub villages: Vec<crate::surveys::VillageCoverage>,
}

/// One published version of a survey's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ManifestVersion {
    pub version: i32,
    pub definition: FormDefinition,
}

/// Body of `POST /api/v1/sync/batches`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Chosen by the client once, before the first attempt: 32 lowercase hex characters.
    pub batch_id: String,
    pub items: Vec<BatchItem>,
}

/// One thing collected in the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BatchItem {
    /// One respondent's answers to a survey.
    SurveyResponse(FieldResponse),
    /// A paper tally sheet of one polling station.
    TallySheet(FieldTallySheet),
}

/// How a field answer was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldChannel {
    /// Asked face to face by the officer.
    Field,
    /// Typed up from a paper form.
    Paper,
}

impl From<FieldChannel> for crate::surveys::Channel {
    fn from(c: FieldChannel) -> Self {
        match c {
            FieldChannel::Field => crate::surveys::Channel::Field,
            FieldChannel::Paper => crate::surveys::Channel::Paper,
        }
    }
}

/// A survey answer set collected offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldResponse {
    pub survey_id: i64,
    /// The version the answers were collected on.
    pub version: i32,
    pub target_unit_id: i64,
    #[serde(default)]
    pub respondent_unit_id: Option<i64>,
    pub channel: FieldChannel,
    /// The day the answers were collected, `YYYY-MM-DD` (the only time a response keeps).
    pub collected_on: String,
    pub answers: AnswerSet,
}

/// A paper tally sheet entered offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldTallySheet {
    pub round_id: i64,
    pub sheet: TallySheet,
}

/// What the server stored for a batch. A duplicate gets the original receipt with
/// `duplicate: true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    pub batch_id: String,
    /// When the batch was first stored (Unix seconds).
    pub received_at: i64,
    pub survey_responses: u32,
    pub tally_sheets: u32,
    /// True when this id and content had been stored before: nothing new was stored.
    pub duplicate: bool,
}

/// Checks the form of a batch id: 32 lowercase hexadecimal characters.
#[must_use]
pub fn valid_batch_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks a collection day: a real `YYYY-MM-DD` calendar date from the year 2000 on.
#[must_use]
pub fn valid_day(day: &str) -> bool {
    crate::calendar::Day::parse(day).is_some_and(|d| d.year() >= 2000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_ids_are_32_lowercase_hex_characters() {
        assert!(valid_batch_id("0123456789abcdef0123456789abcdef"));
        assert!(!valid_batch_id("0123456789ABCDEF0123456789abcdef"));
        assert!(!valid_batch_id("0123456789abcdef0123456789abcde"));
        assert!(!valid_batch_id("0123456789abcdef0123456789abcdeg"));
        assert!(!valid_batch_id(""));
    }

    #[test]
    fn days_are_real_calendar_dates() {
        assert!(valid_day("2026-11-22"));
        assert!(valid_day("2024-02-29"));
        assert!(!valid_day("2026-02-29"));
        assert!(!valid_day("2026-13-01"));
        assert!(!valid_day("2026-1-01"));
        assert!(!valid_day("2026-11-22T10:00"));
        assert!(!valid_day("+026-11-22"));
    }

    #[test]
    fn items_are_tagged_by_kind() {
        let json = r#"{"batch_id":"0123456789abcdef0123456789abcdef","items":[
            {"kind":"survey_response","survey_id":1,"version":2,"target_unit_id":3,
             "channel":"paper","collected_on":"2026-11-20","answers":{"q":"a"}}]}"#;
        let batch: Batch = serde_json::from_str(json).unwrap();
        assert!(matches!(&batch.items[0], BatchItem::SurveyResponse(r) if r.version == 2));
        let unknown = json.replace("\"version\":2", "\"version\":2,\"when\":1");
        assert!(serde_json::from_str::<Batch>(&unknown).is_err());
    }
}
