//! Figures shared by surveys and appraisals: competition ranking with ties, shares that carry
//! the count they rest on, and disclosure control that hides figures about small groups.

mod disclosure;
mod ranking;
mod share;

pub use disclosure::{
    suppress_breakdown, suppress_table, Disclosure, DisclosureThresholds, RaggedTable,
    SuppressedBreakdown, SuppressedTable, SuppressionReason,
};
pub use ranking::{
    Ranked, Ranking, RectificationRule, DEFAULT_RECTIFY_BELOW_SCORE, RECTIFY_THREE_FROM,
    SCORE_RESOLUTION, TOP_BOTTOM_PLACES,
};
pub use share::{ratio, Share};

/// A count as a float, for ratios and weighted sums.
#[allow(
    clippy::cast_precision_loss,
    reason = "counts of people stay far below 2^53"
)]
pub(crate) fn count_f64(n: u64) -> f64 {
    n as f64
}
