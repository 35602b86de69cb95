use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::count_f64;

/// `count / out_of`, or `None` when nothing was counted (`out_of == 0`).
#[must_use]
pub fn ratio(count: u64, out_of: u64) -> Option<f64> {
    (out_of > 0).then(|| count_f64(count) / count_f64(out_of))
}

/// A share that always says how many answers it rests on: `count` of `out_of`, with the
/// `ratio` between them (`None` when `out_of` is 0, rather than a misleading 0 %).
///
/// Must hold: `count <= out_of`. On deserialisation the ratio is recomputed from the counts, so
/// a stored or received share can never disagree with its own numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(from = "ShareParts")]
pub struct Share {
    pub count: u64,
    pub out_of: u64,
    pub ratio: Option<f64>,
}

#[derive(Deserialize)]
struct ShareParts {
    count: u64,
    out_of: u64,
    #[serde(default, rename = "ratio")]
    _ratio: Option<f64>,
}

impl From<ShareParts> for Share {
    fn from(parts: ShareParts) -> Self {
        Share::new(parts.count, parts.out_of)
    }
}

impl Share {
    /// The share of `count` in `out_of`.
    #[must_use]
    pub fn new(count: u64, out_of: u64) -> Self {
        debug_assert!(count <= out_of, "a share of {count} in {out_of}");
        Self {
            count,
            out_of,
            ratio: ratio(count, out_of),
        }
    }

    /// The ratio in percent, `None` when nothing was counted.
    #[must_use]
    pub fn percent(&self) -> Option<f64> {
        self.ratio.map(|r| r * 100.0)
    }

    /// The shares of each count in their sum, in the same order.
    #[must_use]
    pub fn of_parts(counts: &[u64]) -> Vec<Share> {
        let total = counts.iter().sum();
        counts.iter().map(|&c| Share::new(c, total)).collect()
    }
}

/// `66.7% (6 of 9)`, or `– (0 of 0)` when nothing was counted.
impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.percent() {
            Some(p) => write!(f, "{p:.1}% ({} of {})", self.count, self.out_of),
            None => write!(f, "– ({} of {})", self.count, self.out_of),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_names_its_denominator() {
        let s = Share::new(6, 9);
        assert_eq!((s.count, s.out_of), (6, 9));
        assert!((s.ratio.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.to_string(), "66.7% (6 of 9)");
    }

    #[test]
    fn a_share_of_nothing_has_no_ratio() {
        let s = Share::new(0, 0);
        assert_eq!(s.ratio, None);
        assert_eq!(s.percent(), None);
        assert_eq!(s.to_string(), "– (0 of 0)");
    }

    #[test]
    fn deserialising_recomputes_the_ratio() {
        let s: Share = serde_json::from_str(r#"{"count": 1, "out_of": 4, "ratio": 0.9}"#).unwrap();
        assert_eq!(s, Share::new(1, 4));
        let back: Share = serde_json::from_value(serde_json::to_value(s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn parts_share_their_sum() {
        let shares = Share::of_parts(&[1, 3, 0]);
        assert_eq!(
            shares.iter().map(|s| s.out_of).collect::<Vec<_>>(),
            [4, 4, 4]
        );
        assert_eq!(shares[1].ratio, Some(0.75));
    }
}
