use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Minimum group sizes below which figures are hidden (DOMAIN.md, anonymity requirement 5).
/// Fixed when an instrument opens and shown to respondents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisclosureThresholds {
    /// Counts, shares and scores resting on fewer respondents than this are hidden.
    #[serde(default = "default_counts")]
    pub counts: u64,
    /// Free-text comments are shown only for a group of at least this many respondents.
    #[serde(default = "default_comments")]
    pub comments: u64,
}

fn default_counts() -> u64 {
    DisclosureThresholds::DEFAULT_COUNTS
}

fn default_comments() -> u64 {
    DisclosureThresholds::DEFAULT_COMMENTS
}

impl Default for DisclosureThresholds {
    fn default() -> Self {
        Self {
            counts: Self::DEFAULT_COUNTS,
            comments: Self::DEFAULT_COMMENTS,
        }
    }
}

impl DisclosureThresholds {
    /// The default minimum for counts and scores.
    pub const DEFAULT_COUNTS: u64 = 5;
    /// The default minimum before free-text comments are shown.
    pub const DEFAULT_COMMENTS: u64 = 10;

    /// Whether a count cell of `n` respondents must be hidden on its own (primary
    /// suppression): `0 < n < counts`. An empty cell says nobody gave that answer; it points at
    /// no one and is shown.
    #[must_use]
    pub fn is_small_count(&self, n: u64) -> bool {
        is_small(n, self.counts)
    }

    /// Whether a share or score computed over `n` respondents may be shown: `n >= counts`.
    #[must_use]
    pub fn may_show_figure(&self, n: u64) -> bool {
        n >= self.counts
    }

    /// Whether the comments of a group of `n` respondents may be shown: `n >= comments`.
    #[must_use]
    pub fn may_show_comments(&self, n: u64) -> bool {
        n >= self.comments
    }
}

fn is_small(n: u64, threshold: u64) -> bool {
    n > 0 && n < threshold
}

/// Why a figure is hidden. This is the organiser's record of the decision: publish only
/// [`Disclosure::published`], which does not say which hidden cells were small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SuppressionReason {
    /// The figure rests on `n` respondents, fewer than `threshold` (primary suppression).
    BelowThreshold { n: u64, threshold: u64 },
    /// The figure is large enough but is hidden so that a small one cannot be worked out by
    /// subtraction from published totals (complementary suppression).
    Complementary,
    /// What everyone but the organiser sees of either reason: the figure is hidden by the
    /// minimum group size rule, without saying whether it is the small one or its complement
    /// (or how small).
    Withheld,
}

impl SuppressionReason {
    /// The reason as published to those who do not see exact figures.
    #[must_use]
    pub const fn published(self) -> Self {
        SuppressionReason::Withheld
    }
}

/// A figure after disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Disclosure {
    Shown { n: u64 },
    Suppressed { reason: SuppressionReason },
}

impl Disclosure {
    /// The value to publish: `None` for a hidden figure, whatever the reason.
    #[must_use]
    pub fn published(&self) -> Option<u64> {
        match *self {
            Disclosure::Shown { n } => Some(n),
            Disclosure::Suppressed { .. } => None,
        }
    }

    /// Whether the figure is hidden.
    #[must_use]
    pub fn is_suppressed(&self) -> bool {
        matches!(self, Disclosure::Suppressed { .. })
    }
}

/// A one-way breakdown (answers per village, ...) with its published total, after disclosure
/// control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SuppressedBreakdown {
    pub cells: Vec<Disclosure>,
    pub total: Disclosure,
}

/// Hides the small cells of a breakdown whose total is published, and enough others that no
/// hidden cell equals the total minus the shown cells.
///
/// Cells (and the total) with `0 < n < threshold` are hidden. If exactly one figure is then
/// hidden, the smallest non-empty shown cell is hidden as well (the first of equals); when no
/// such cell exists, the total is hidden. Empty cells are never used as complements: a hidden
/// 0 beside a hidden small cell would leave the small cell equal to the hidden remainder.
#[must_use]
pub fn suppress_breakdown(counts: &[u64], threshold: u64) -> SuppressedBreakdown {
    let total: u64 = counts.iter().fold(0, |a, &b| a.saturating_add(b));
    let mut cells: Vec<Disclosure> = counts.iter().map(|&n| primary(n, threshold)).collect();
    let total_figure = primary(total, threshold);
    let hidden = cells.iter().filter(|c| c.is_suppressed()).count()
        + usize::from(total_figure.is_suppressed());
    if hidden == 1 {
        let complement = counts
            .iter()
            .enumerate()
            .filter(|&(i, &n)| n > 0 && !cells[i].is_suppressed())
            .min_by_key(|&(i, &n)| (n, i))
            .map(|(i, _)| i);
        if let Some(i) = complement {
            cells[i] = COMPLEMENTARY;
        }
    }
    SuppressedBreakdown {
        cells,
        total: total_figure,
    }
}

const COMPLEMENTARY: Disclosure = Disclosure::Suppressed {
    reason: SuppressionReason::Complementary,
};

fn primary(n: u64, threshold: u64) -> Disclosure {
    if is_small(n, threshold) {
        Disclosure::Suppressed {
            reason: SuppressionReason::BelowThreshold { n, threshold },
        }
    } else {
        Disclosure::Shown { n }
    }
}

/// A two-way table of counts (rows × columns) published with its row totals, column totals and
/// grand total, after disclosure control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SuppressedTable {
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Disclosure>>,
    pub row_totals: Vec<Disclosure>,
    pub column_totals: Vec<Disclosure>,
    pub grand_total: Disclosure,
}

/// The rows of a table passed to [`suppress_table`] differ in length.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row} has {found} cells where row 0 has {expected}")]
pub struct RaggedTable {
    pub row: usize,
    pub expected: usize,
    pub found: usize,
}

/// Hides the small figures of a table and enough others that no hidden figure can be worked
/// out from the published ones by adding and subtracting rows, columns and totals.
///
/// The table is read together with its margins as one grid of `(rows + 1) × (columns + 1)`
/// figures, every line of which (a row with its total, a column with its total, the row totals
/// with the grand total, the column totals with the grand total) is a published sum.
///
/// 1. Primary: every figure, totals included, with `0 < n < threshold`.
/// 2. Complementary: a hidden figure can be recovered by arithmetic on the published lines
///    exactly when no cycle of hidden figures runs through it (in the graph whose vertices are
///    the grid's lines and whose edges are its figures; shifting a count up and down
///    alternately around such a cycle keeps every line sum). For each primary figure without
///    such a cycle, in row-major order, the cheapest set of shown figures that closes one is
///    hidden: fewest totals first, then the smallest sum of counts. Empty figures are never
///    used, so every hidden figure is at least 1 and each shift stays non-negative.
///
/// Hiding only ever adds cycles, so one pass reaches the fixed point. This guarantees that
/// every hidden figure has at least two values consistent with the published figures and
/// non-negative counts; it does not bound how narrow that range is.
pub fn suppress_table(rows: &[Vec<u64>], threshold: u64) -> Result<SuppressedTable, RaggedTable> {
    let columns = rows.first().map_or(0, Vec::len);
    if let Some((row, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != columns) {
        return Err(RaggedTable {
            row,
            expected: columns,
            found: r.len(),
        });
    }
    let mut grid = Grid::new(rows, columns, threshold);
    let primaries: Vec<usize> = (0..grid.values.len())
        .filter(|&e| grid.marks[e].is_some())
        .collect();
    for e in primaries {
        if !grid.on_hidden_cycle(e) {
            for f in grid.cheapest_completion(e) {
                if grid.marks[f].is_none() {
                    grid.marks[f] = Some(SuppressionReason::Complementary);
                }
            }
        }
    }
    Ok(grid.into_table(rows.len(), columns))
}

/// The table with its margins: `height × width` figures, row-major, the last row holding the
/// column totals and the last column the row totals.
struct Grid {
    height: usize,
    width: usize,
    values: Vec<u64>,
    marks: Vec<Option<SuppressionReason>>,
}

type Cost = (u64, u64, u64);

impl Grid {
    fn new(rows: &[Vec<u64>], columns: usize, threshold: u64) -> Self {
        let height = rows.len() + 1;
        let width = columns + 1;
        let mut values = vec![0u64; height * width];
        for (i, row) in rows.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                values[i * width + j] = n;
                values[i * width + columns] = values[i * width + columns].saturating_add(n);
                values[rows.len() * width + j] = values[rows.len() * width + j].saturating_add(n);
                values[rows.len() * width + columns] =
                    values[rows.len() * width + columns].saturating_add(n);
            }
        }
        let marks = values
            .iter()
            .map(|&n| {
                is_small(n, threshold).then_some(SuppressionReason::BelowThreshold { n, threshold })
            })
            .collect();
        Self {
            height,
            width,
            values,
            marks,
        }
    }

    /// The two line vertices a figure joins: its row, and its column (numbered after the rows).
    fn ends(&self, e: usize) -> (usize, usize) {
        (e / self.width, self.height + e % self.width)
    }

    /// The figures on the line that is vertex `v`.
    fn figures_on(&self, v: usize) -> Vec<usize> {
        if v < self.height {
            (0..self.width).map(|j| v * self.width + j).collect()
        } else {
            let j = v - self.height;
            (0..self.height).map(|i| i * self.width + j).collect()
        }
    }

    fn other_end(&self, e: usize, v: usize) -> usize {
        let (r, c) = self.ends(e);
        if v == r {
            c
        } else {
            r
        }
    }

    fn is_total(&self, e: usize) -> bool {
        e / self.width == self.height - 1 || e % self.width == self.width - 1
    }

    /// Whether the hidden figures other than `e` connect `e`'s two lines.
    fn on_hidden_cycle(&self, e: usize) -> bool {
        let (from, to) = self.ends(e);
        let mut seen = vec![false; self.height + self.width];
        let mut queue = VecDeque::from([from]);
        seen[from] = true;
        while let Some(v) = queue.pop_front() {
            if v == to {
                return true;
            }
            for f in self.figures_on(v) {
                if f != e && self.marks[f].is_some() {
                    let w = self.other_end(f, v);
                    if !seen[w] {
                        seen[w] = true;
                        queue.push_back(w);
                    }
                }
            }
        }
        false
    }

    /// The shown figures to hide so that a cycle of hidden figures runs through `e`: a cheapest
    /// path between `e`'s lines avoiding `e`, hidden figures costing nothing.
    fn cheapest_completion(&self, e: usize) -> Vec<usize> {
        let vertices = self.height + self.width;
        let (from, to) = self.ends(e);
        let mut cost: Vec<Option<Cost>> = vec![None; vertices];
        let mut via: Vec<Option<usize>> = vec![None; vertices];
        let mut done = vec![false; vertices];
        cost[from] = Some((0, 0, 0));
        while let Some(v) = (0..vertices)
            .filter(|&v| !done[v] && cost[v].is_some())
            .min_by_key(|&v| (cost[v], v))
        {
            done[v] = true;
            if v == to {
                break;
            }
            let here = cost[v].unwrap_or_default();
            for f in self.figures_on(v) {
                let Some(step) = self.step_cost(f, e) else {
                    continue;
                };
                let w = self.other_end(f, v);
                let there = (
                    here.0.saturating_add(step.0),
                    here.1.saturating_add(step.1),
                    here.2.saturating_add(step.2),
                );
                if !done[w] && cost[w].is_none_or(|c| there < c) {
                    cost[w] = Some(there);
                    via[w] = Some(f);
                }
            }
        }
        let mut path = Vec::new();
        let mut v = to;
        while let Some(f) = via[v] {
            path.push(f);
            v = self.other_end(f, v);
            if v == from {
                break;
            }
        }
        path
    }

    fn step_cost(&self, f: usize, e: usize) -> Option<Cost> {
        if f == e {
            None
        } else if self.marks[f].is_some() {
            Some((0, 0, 0))
        } else if self.values[f] == 0 {
            None
        } else {
            Some((u64::from(self.is_total(f)), self.values[f], 1))
        }
    }

    fn figure(&self, e: usize) -> Disclosure {
        match self.marks[e] {
            Some(reason) => Disclosure::Suppressed { reason },
            None => Disclosure::Shown { n: self.values[e] },
        }
    }

    fn into_table(self, rows: usize, columns: usize) -> SuppressedTable {
        let at = |i: usize, j: usize| self.figure(i * self.width + j);
        SuppressedTable {
            cells: (0..rows)
                .map(|i| (0..columns).map(|j| at(i, j)).collect())
                .collect(),
            row_totals: (0..rows).map(|i| at(i, columns)).collect(),
            column_totals: (0..columns).map(|j| at(rows, j)).collect(),
            grand_total: at(rows, columns),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const K: u64 = 5;

    fn hidden(d: &Disclosure) -> bool {
        d.is_suppressed()
    }

    fn primary_of(n: u64) -> Disclosure {
        Disclosure::Suppressed {
            reason: SuppressionReason::BelowThreshold { n, threshold: K },
        }
    }

    /// The published figures of a table as one grid (row-major, margins last), `None` where
    /// hidden, and the true values.
    fn published_grid(
        rows: &[Vec<u64>],
        t: &SuppressedTable,
    ) -> (usize, Vec<u64>, Vec<Option<u64>>) {
        let columns = rows[0].len();
        let width = columns + 1;
        let mut truth = Vec::new();
        let mut shown = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                truth.push(n);
                shown.push(t.cells[i][j].published());
            }
            truth.push(row.iter().sum());
            shown.push(t.row_totals[i].published());
        }
        for j in 0..columns {
            truth.push(rows.iter().map(|r| r[j]).sum());
            shown.push(t.column_totals[j].published());
        }
        truth.push(rows.iter().flatten().sum());
        shown.push(t.grand_total.published());
        (width, truth, shown)
    }

    /// The attacker: every line sum of the grid is an equation in the hidden figures. Returns
    /// the indices of hidden figures the equations determine, by exact row reduction modulo a
    /// large prime (independent of the cycle argument the algorithm uses).
    fn recoverable(width: usize, shown: &[Option<u64>]) -> Vec<usize> {
        const P: i128 = (1 << 61) - 1;
        let height = shown.len() / width;
        let unknowns: Vec<usize> = (0..shown.len()).filter(|&e| shown[e].is_none()).collect();
        let column_of = |e: usize| unknowns.iter().position(|&u| u == e);
        let mut lines: Vec<Vec<i128>> = Vec::new();
        let mut add_line = |members: Vec<(usize, i128)>| {
            let mut eq = vec![0i128; unknowns.len()];
            for (e, sign) in members {
                if let Some(c) = column_of(e) {
                    eq[c] = (eq[c] + sign).rem_euclid(P);
                }
            }
            lines.push(eq);
        };
        for i in 0..height {
            add_line(
                (0..width)
                    .map(|j| (i * width + j, if j + 1 == width { -1 } else { 1 }))
                    .collect(),
            );
        }
        for j in 0..width {
            add_line(
                (0..height)
                    .map(|i| (i * width + j, if i + 1 == height { -1 } else { 1 }))
                    .collect(),
            );
        }
        let inverse = |a: i128| {
            let (mut result, mut base, mut exp) = (1i128, a, P - 2);
            while exp > 0 {
                if exp & 1 == 1 {
                    result = result * base % P;
                }
                base = base * base % P;
                exp >>= 1;
            }
            result
        };
        let mut pivots = Vec::new();
        let mut row = 0;
        for col in 0..unknowns.len() {
            let Some(p) = (row..lines.len()).find(|&r| lines[r][col] != 0) else {
                continue;
            };
            lines.swap(row, p);
            let inv = inverse(lines[row][col]);
            for x in &mut lines[row] {
                *x = *x * inv % P;
            }
            for r in 0..lines.len() {
                if r != row && lines[r][col] != 0 {
                    let f = lines[r][col];
                    let pivot = lines[row].clone();
                    for (x, p) in lines[r].iter_mut().zip(&pivot) {
                        *x = (*x - f * p).rem_euclid(P);
                    }
                }
            }
            pivots.push((row, col));
            row += 1;
        }
        pivots
            .into_iter()
            .filter(|&(r, col)| (0..unknowns.len()).all(|c| c == col || lines[r][c] == 0))
            .map(|(_, col)| unknowns[col])
            .collect()
    }

    fn assert_safe(rows: &[Vec<u64>], t: &SuppressedTable) {
        let (width, truth, shown) = published_grid(rows, t);
        for (e, s) in shown.iter().enumerate() {
            match s {
                Some(n) => {
                    assert_eq!(*n, truth[e]);
                    assert!(!is_small(*n, K), "small figure {n} shown at {e}");
                }
                None => assert!(truth[e] > 0, "an empty figure was hidden at {e}"),
            }
        }
        assert_eq!(
            recoverable(width, &shown),
            Vec::<usize>::new(),
            "table {rows:?} → {t:?}"
        );
    }

    #[test]
    fn thresholds_default_to_five_and_ten() {
        let t = DisclosureThresholds::default();
        assert_eq!((t.counts, t.comments), (5, 10));
        assert!(t.is_small_count(4) && !t.is_small_count(5) && !t.is_small_count(0));
        assert!(!t.may_show_figure(4) && t.may_show_figure(5));
        assert!(!t.may_show_comments(9) && t.may_show_comments(10));
        let parsed: DisclosureThresholds = serde_json::from_str(r#"{"comments": 20}"#).unwrap();
        assert_eq!((parsed.counts, parsed.comments), (5, 20));
    }

    #[test]
    fn a_breakdown_with_nothing_small_is_shown_whole() {
        let b = suppress_breakdown(&[12, 0, 20], K);
        assert!(b.cells.iter().chain([&b.total]).all(|d| !hidden(d)));
        assert_eq!(b.total.published(), Some(32));
    }

    #[test]
    fn one_small_village_cannot_be_recovered_from_the_total_of_all_villages() {
        // Published: answers per village and the township total. Hiding only village B's 3
        // would leave 35 − 12 − 20 = 3: the next smallest village is hidden too.
        let b = suppress_breakdown(&[12, 3, 20], K);
        assert_eq!(b.cells[1], primary_of(3));
        assert_eq!(b.cells[0], COMPLEMENTARY);
        assert_eq!(b.cells[2].published(), Some(20));
        assert_eq!(b.total.published(), Some(35));
    }

    #[test]
    fn a_group_hidden_alone_cannot_be_recovered_from_the_combined_figure() {
        // Groups A and B shown together (A+B = 9 is publishable) and A alone (7): B = 2 would
        // follow by subtraction, so A is hidden as well.
        let b = suppress_breakdown(&[7, 2], K);
        assert_eq!(b.cells, [COMPLEMENTARY, primary_of(2)]);
        assert_eq!(b.total.published(), Some(9));
    }

    #[test]
    fn empty_cells_are_not_complements() {
        let b = suppress_breakdown(&[0, 3, 9, 0], K);
        assert_eq!(b.cells[0].published(), Some(0));
        assert_eq!(b.cells[2], COMPLEMENTARY);
        assert_eq!(b.cells[3].published(), Some(0));
    }

    #[test]
    fn two_small_cells_protect_each_other() {
        let b = suppress_breakdown(&[2, 3, 40], K);
        assert_eq!(
            b.cells,
            [primary_of(2), primary_of(3), Disclosure::Shown { n: 40 }]
        );
        assert_eq!(b.total.published(), Some(45));
    }

    #[test]
    fn a_small_total_hides_with_its_cell() {
        let b = suppress_breakdown(&[0, 3], K);
        assert_eq!(b.cells[1], primary_of(3));
        assert_eq!(b.total, primary_of(3));
    }

    #[test]
    fn a_small_cell_in_a_table_is_protected_in_its_row_and_its_column() {
        // villages × (satisfied, basically satisfied, dissatisfied), with village totals and
        // option totals published. Village B's 2 dissatisfied answers would otherwise be
        // B's total minus its shown cells, and also the option total minus the other villages.
        let rows = vec![vec![30, 12, 9], vec![25, 10, 2], vec![40, 8, 11]];
        let t = suppress_table(&rows, K).unwrap();
        assert_eq!(t.cells[1][2], primary_of(2));
        let row_hidden =
            t.cells[1].iter().filter(|d| hidden(d)).count() + usize::from(hidden(&t.row_totals[1]));
        let column_hidden = t.cells.iter().filter(|r| hidden(&r[2])).count()
            + usize::from(hidden(&t.column_totals[2]));
        assert!(row_hidden >= 2 && column_hidden >= 2);
        // The cheapest closing cycle: 10 + 8 + 11 = 29 (via village C) beats 10 + 12 + 9 = 31.
        assert_eq!(t.cells[1][1], COMPLEMENTARY);
        assert_eq!(t.cells[2][1], COMPLEMENTARY);
        assert_eq!(t.cells[2][2], COMPLEMENTARY);
        assert_eq!(t.cells[0][2].published(), Some(9));
        assert!(!hidden(&t.grand_total) && t.row_totals.iter().all(|d| !hidden(d)));
        assert_safe(&rows, &t);
    }

    #[test]
    fn a_one_row_table_hides_a_column_total_equal_to_its_cell() {
        let rows = vec![vec![20, 3, 9]];
        let t = suppress_table(&rows, K).unwrap();
        assert_eq!(t.cells[0][1], primary_of(3));
        assert!(hidden(&t.column_totals[1]));
        assert_safe(&rows, &t);
    }

    #[test]
    fn a_small_row_total_is_hidden_too() {
        let rows = vec![vec![3, 0, 0], vec![10, 20, 30], vec![8, 9, 7]];
        let t = suppress_table(&rows, K).unwrap();
        assert_eq!(t.row_totals[0], primary_of(3));
        assert_eq!(t.cells[0][1].published(), Some(0));
        assert_safe(&rows, &t);
    }

    #[test]
    fn two_hidden_cells_in_every_line_are_not_always_enough() {
        // Two hidden 2×2 blocks joined by one hidden cell: every row and column holds two or
        // three hidden cells, yet the joining cell follows from the line sums.
        let rows = vec![vec![1u64; 4]; 4];
        let hidden_cells = [
            (0, 0),
            (0, 1),
            (1, 0),
            (1, 1),
            (1, 2),
            (2, 2),
            (2, 3),
            (3, 2),
            (3, 3),
        ];
        let mut grid = Grid::new(&rows, 4, 0);
        for &(i, j) in &hidden_cells {
            grid.marks[i * 5 + j] = Some(SuppressionReason::Complementary);
        }
        let bridge = 5 + 2;
        assert!(!grid.on_hidden_cycle(bridge));
        assert!(hidden_cells
            .iter()
            .filter(|&&(i, j)| (i, j) != (1, 2))
            .all(|&(i, j)| grid.on_hidden_cycle(i * 5 + j)));
        let shown: Vec<Option<u64>> = (0..25)
            .map(|e| grid.marks[e].is_none().then_some(grid.values[e]))
            .collect();
        assert_eq!(recoverable(5, &shown), [bridge]);
    }

    #[test]
    fn ragged_rows_are_refused() {
        let err = suppress_table(&[vec![1, 2], vec![3]], K).unwrap_err();
        assert_eq!(
            err,
            RaggedTable {
                row: 1,
                expected: 2,
                found: 1
            }
        );
    }

    #[test]
    fn an_empty_table_has_nothing_to_hide() {
        let t = suppress_table(&[], K).unwrap();
        assert_eq!(t.grand_total, Disclosure::Shown { n: 0 });
    }

    #[test]
    fn the_published_form_does_not_say_why_a_figure_is_hidden() {
        assert_eq!(primary_of(2).published(), None);
        assert_eq!(COMPLEMENTARY.published(), None);
        let json = serde_json::to_value(primary_of(2)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status": "suppressed", "reason": {"kind": "below_threshold", "n": 2, "threshold": 5}})
        );
    }

    proptest! {
        #[test]
        fn no_hidden_figure_of_a_table_can_be_recovered(
            rows in (1usize..5, 1usize..5).prop_flat_map(|(h, w)| {
                prop::collection::vec(prop::collection::vec(prop_oneof![0u64..6, 0u64..40], w), h)
            })
        ) {
            let t = suppress_table(&rows, K).unwrap();
            assert_safe(&rows, &t);
        }

        #[test]
        fn a_breakdown_never_hides_exactly_one_figure(counts in prop::collection::vec(0u64..12, 0..8)) {
            let b = suppress_breakdown(&counts, K);
            let hidden_count = b.cells.iter().chain([&b.total]).filter(|d| hidden(d)).count();
            prop_assert!(hidden_count != 1);
            for (d, &n) in b.cells.iter().zip(&counts) {
                prop_assert!(!(d.published().is_some() && is_small(n, K)));
                prop_assert!(!(hidden(d) && n == 0));
            }
        }
    }
}
