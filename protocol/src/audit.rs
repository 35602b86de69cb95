//! The audit log as organisers read it: its entries in their language, the state of the hash
//! chain that holds them, and the chain's head that printed pages carry.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One entry: who did what to which object, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Its place in the chain (1 for the first entry ever written).
    pub entry: i64,
    /// When, in seconds since the Unix epoch.
    pub at: i64,
    /// When, `YYYY-MM-DD HH:MM` in the users' calendar (UTC+8).
    pub time: String,
    /// The account's name (`canvass-server` for the operator on the command line).
    pub actor: String,
    /// What was done, as stored: `round.open`, `tally_sheet.correct` …
    pub action: String,
    /// What was done, in the reader's language.
    pub what: String,
    /// What it was done to, as stored: `round:12`, `round:12/station:3` …
    pub object: String,
    /// The kind of object, in the reader's language.
    pub object_kind: String,
    /// The object's name as it is now (a unit's, an account's, a round's or a survey's), or
    /// its number when it no longer exists or has none.
    pub object_name: String,
    /// The rest of the object (version, elector group, station, how many), in the reader's
    /// language; empty when there is none.
    pub details: String,
    /// The entry's hash, which the next entry points back to.
    pub hash: String,
}

/// What a check of the whole chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditChain {
    /// Entries read (up to and including the first broken one).
    pub entries: u64,
    /// Whether every entry holds.
    pub holds: bool,
    /// The last entry up to which the chain holds (0: none).
    pub verified_up_to: i64,
    /// The first entry that does not hold.
    pub broken_at: Option<i64>,
    /// Why it does not hold, in the reader's language.
    pub broken_why: Option<String>,
    /// The hash of the latest entry (the chain's head); 64 zeros for an empty log.
    pub head: String,
    /// The head's short form, as printed pages show it.
    pub head_short: String,
}

/// One page of the entries a reader may see, newest first, with the chain's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditLog {
    pub chain: AuditChain,
    pub entries: Vec<AuditEntry>,
    /// Entries that the filters pick, on every page.
    pub total: u64,
    /// This page (from 1).
    pub page: u32,
    /// How many pages the filters give (at least 1).
    pub pages: u32,
    /// Entries on a full page.
    pub page_size: u32,
}

/// How many hex digits of the chain's head printed pages show.
pub const HEAD_SHORT_DIGITS: usize = 12;

/// The short form of a chain head: its first [`HEAD_SHORT_DIGITS`] hex digits.
#[must_use]
pub fn short_head(head: &str) -> String {
    head.chars().take(HEAD_SHORT_DIGITS).collect()
}
