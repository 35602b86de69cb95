use serde::Serialize;

/// Scores are compared on a grid of this step: two scores that round to the same multiple of
/// it are tied. Averages of the same answers computed in another order differ in the last bits;
/// without the grid such a pair would get different ranks.
pub const SCORE_RESOLUTION: f64 = 1e-9;

/// How many places the "top" and "bottom" lists report (前三名, 后三名).
pub const TOP_BOTTOM_PLACES: u32 = 3;

/// Who must rectify (整改) after a survey (DOMAIN.md, "Rectification"): the bottom
/// [`TOP_BOTTOM_PLACES`] places when at least [`RECTIFY_THREE_FROM`] units are ranked,
/// otherwise the lowest place, and every unit whose score is below `below_score`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RectificationRule {
    /// A unit scoring below this is rectified whatever its place.
    pub below_score: f64,
}

/// Fewest ranked units for the bottom three places to be rectified; with fewer, the lowest one.
pub const RECTIFY_THREE_FROM: usize = 7;

/// The score below which a unit is rectified unless configured otherwise: the score of
/// "basically satisfied" on the default scale.
pub const DEFAULT_RECTIFY_BELOW_SCORE: f64 = 60.0;

impl Default for RectificationRule {
    fn default() -> Self {
        Self {
            below_score: DEFAULT_RECTIFY_BELOW_SCORE,
        }
    }
}

impl RectificationRule {
    /// How many places from the bottom are rectified among `ranked` units.
    #[must_use]
    pub const fn places(&self, ranked: usize) -> u32 {
        if ranked >= RECTIFY_THREE_FROM {
            TOP_BOTTOM_PLACES
        } else {
            1
        }
    }
}

/// One item of a [`Ranking`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked<K> {
    pub key: K,
    pub score: f64,
    /// Competition rank: 1 + the number of items with a strictly higher score, so ties share a
    /// rank and the next rank is skipped (1, 2, 2, 4).
    pub rank: u32,
}

/// Items ranked by descending score, ties sharing a rank, tied items in ascending key order so
/// the order never depends on the input order. A NaN score ranks below every number.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking<K> {
    entries: Vec<Ranked<K>>,
}

fn comparable(score: f64) -> f64 {
    if score.is_nan() {
        f64::NEG_INFINITY
    } else {
        (score / SCORE_RESOLUTION).round() + 0.0
    }
}

impl<K: Ord> Ranking<K> {
    /// Ranks `(key, score)` items.
    #[must_use]
    pub fn new(items: impl IntoIterator<Item = (K, f64)>) -> Self {
        let mut items: Vec<(K, f64, f64)> = items
            .into_iter()
            .map(|(key, score)| (key, score, comparable(score)))
            .collect();
        items.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        let mut entries: Vec<Ranked<K>> = Vec::with_capacity(items.len());
        let mut previous: Option<(f64, u32)> = None;
        for (index, (key, score, grid)) in items.into_iter().enumerate() {
            let rank = match previous {
                Some((p, rank)) if p.total_cmp(&grid).is_eq() => rank,
                _ => u32::try_from(index + 1).unwrap_or(u32::MAX),
            };
            previous = Some((grid, rank));
            entries.push(Ranked { key, score, rank });
        }
        Self { entries }
    }

    /// Every item, best first.
    #[must_use]
    pub fn entries(&self) -> &[Ranked<K>] {
        &self.entries
    }

    /// The rank of `key`, if it was ranked.
    #[must_use]
    pub fn rank_of(&self, key: &K) -> Option<u32> {
        self.entries.iter().find(|e| &e.key == key).map(|e| e.rank)
    }

    /// The items ranked within the first `places` places: every item whose rank is at most
    /// `places`. Ties at the boundary are all included, so the list may be longer than
    /// `places` (scores 9, 8, 7, 7 give four items for the top three).
    #[must_use]
    pub fn top(&self, places: u32) -> &[Ranked<K>] {
        let end = self.entries.partition_point(|e| e.rank <= places);
        &self.entries[..end]
    }

    /// The items within the last `places` places, counted from the bottom the same way as
    /// [`Ranking::top`] counts from the top: an item is included when fewer than `places` items
    /// score strictly lower. Ties at the boundary are all included. Best first, like
    /// [`Ranking::entries`]. With fewer than `2 × places` items the top and bottom lists
    /// overlap; both are reported as they are.
    #[must_use]
    pub fn bottom(&self, places: u32) -> &[Ranked<K>] {
        let mut start = self.entries.len();
        let mut below: usize = 0;
        let places = usize::try_from(places).unwrap_or(usize::MAX);
        while start > 0 && below < places {
            let rank = self.entries[start - 1].rank;
            let group_start = self.entries[..start].partition_point(|e| e.rank < rank);
            below += start - group_start;
            start = group_start;
        }
        &self.entries[start..]
    }

    /// The items to rectify under `rule`, best first: the bottom places the rule names (ties
    /// included) and every item scoring below its score.
    #[must_use]
    pub fn rectification(&self, rule: RectificationRule) -> Vec<&Ranked<K>> {
        let bottom = self.bottom(rule.places(self.entries.len())).len();
        let first_bottom = self.entries.len() - bottom;
        self.entries
            .iter()
            .enumerate()
            .filter(|(i, e)| *i >= first_bottom || e.score < rule.below_score)
            .map(|(_, e)| e)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rectified(scores: &[f64], below: f64) -> Vec<usize> {
        let r = Ranking::new(scores.iter().copied().enumerate());
        r.rectification(RectificationRule { below_score: below })
            .iter()
            .map(|e| e.key)
            .collect()
    }

    #[test]
    fn fewer_than_seven_units_rectify_the_lowest_and_those_below_the_score() {
        assert_eq!(rectified(&[90.0, 80.0, 70.0, 65.0], 60.0), [3]);
        assert_eq!(rectified(&[90.0, 55.0, 70.0, 50.0], 60.0), [1, 3]);
        assert_eq!(
            rectified(&[90.0, 70.0, 70.0], 60.0),
            [1, 2],
            "ties share the place"
        );
        assert_eq!(rectified(&[90.0], 60.0), [0]);
        assert!(rectified(&[], 60.0).is_empty());
    }

    #[test]
    fn seven_units_or_more_rectify_the_bottom_three() {
        let scores = [95.0, 90.0, 85.0, 80.0, 75.0, 70.0, 65.0];
        assert_eq!(rectified(&scores, 60.0), [4, 5, 6]);
        assert_eq!(rectified(&scores, 81.0), [3, 4, 5, 6]);
    }

    fn ranks(r: &Ranking<&'static str>) -> Vec<(&'static str, u32)> {
        r.entries().iter().map(|e| (e.key, e.rank)).collect()
    }

    fn keys(list: &[Ranked<&'static str>]) -> Vec<&'static str> {
        list.iter().map(|e| e.key).collect()
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_is_skipped() {
        let r = Ranking::new([("d", 70.0), ("b", 80.0), ("a", 90.0), ("c", 80.0)]);
        assert_eq!(ranks(&r), [("a", 1), ("b", 2), ("c", 2), ("d", 4)]);
        assert_eq!(r.rank_of(&"c"), Some(2));
        assert_eq!(r.rank_of(&"z"), None);
    }

    #[test]
    fn tied_items_are_ordered_by_key_whatever_the_input_order() {
        let a = Ranking::new([("y", 1.0), ("x", 1.0), ("z", 1.0)]);
        let b = Ranking::new([("z", 1.0), ("y", 1.0), ("x", 1.0)]);
        assert_eq!(ranks(&a), [("x", 1), ("y", 1), ("z", 1)]);
        assert_eq!(a, b);
    }

    #[test]
    fn scores_equal_up_to_rounding_noise_are_tied() {
        let noisy: f64 = 0.1 + 0.2;
        assert_ne!(noisy.to_bits(), 0.3f64.to_bits());
        let r = Ranking::new([("a", noisy), ("b", 0.3), ("c", 0.3 - 1e-6)]);
        assert_eq!(ranks(&r), [("a", 1), ("b", 1), ("c", 3)]);
        let r = Ranking::new([("a", -0.0), ("b", 0.0), ("c", -1e-12)]);
        assert_eq!(ranks(&r), [("a", 1), ("b", 1), ("c", 1)]);
    }

    #[test]
    fn nan_ranks_last() {
        let r = Ranking::new([("a", f64::NAN), ("b", -5.0), ("c", f64::NEG_INFINITY)]);
        assert_eq!(keys(r.entries()), ["b", "a", "c"]);
    }

    #[test]
    fn top_three_includes_everyone_tied_at_the_boundary() {
        let r = Ranking::new([("a", 9.0), ("b", 8.0), ("c", 7.0), ("d", 7.0), ("e", 1.0)]);
        assert_eq!(keys(r.top(3)), ["a", "b", "c", "d"]);
        let r = Ranking::new([("a", 9.0), ("b", 8.0), ("c", 8.0), ("d", 7.0)]);
        assert_eq!(keys(r.top(3)), ["a", "b", "c"]);
        let r = Ranking::new([("a", 9.0), ("b", 9.0), ("c", 9.0), ("d", 9.0)]);
        assert_eq!(r.top(3).len(), 4);
        assert!(r.top(0).is_empty());
    }

    #[test]
    fn bottom_three_counts_places_from_the_bottom() {
        let r = Ranking::new([("a", 10.0), ("b", 9.0), ("c", 8.0), ("d", 8.0), ("e", 8.0)]);
        assert_eq!(keys(r.bottom(3)), ["c", "d", "e"]);
        let r = Ranking::new([
            ("a", 10.0),
            ("b", 9.0),
            ("c", 9.0),
            ("d", 9.0),
            ("e", 8.0),
            ("f", 7.0),
        ]);
        assert_eq!(keys(r.bottom(3)), ["b", "c", "d", "e", "f"]);
        assert_eq!(keys(r.bottom(1)), ["f"]);
        assert!(r.bottom(0).is_empty());
    }

    #[test]
    fn short_lists_overlap() {
        let r = Ranking::new([("a", 3.0), ("b", 2.0)]);
        assert_eq!(keys(r.top(3)), ["a", "b"]);
        assert_eq!(keys(r.bottom(3)), ["a", "b"]);
        let empty: Ranking<&str> = Ranking::new([]);
        assert!(empty.top(3).is_empty() && empty.bottom(3).is_empty());
    }

    proptest! {
        #[test]
        fn ranks_are_competition_ranks(scores in prop::collection::vec(0u8..6, 0..30)) {
            let r = Ranking::new(scores.iter().enumerate().map(|(i, &s)| (i, f64::from(s))));
            for e in r.entries() {
                let higher = scores.iter().filter(|&&s| f64::from(s) > e.score).count();
                prop_assert_eq!(e.rank as usize, higher + 1);
            }
            for w in r.entries().windows(2) {
                prop_assert!(w[0].score > w[1].score || (w[0].score.total_cmp(&w[1].score).is_eq() && w[0].key < w[1].key));
            }
            for places in 0..5u32 {
                let top = r.top(places);
                for e in r.entries() {
                    prop_assert_eq!(top.contains(e), e.rank <= places);
                }
                let bottom = r.bottom(places);
                for e in r.entries() {
                    let lower = scores.iter().filter(|&&s| f64::from(s) < e.score).count();
                    prop_assert_eq!(bottom.contains(e), lower < places as usize);
                }
            }
        }
    }
}
