//! The results of a survey: distributions, satisfaction rates and composite scores per target,
//! the ranking, and the counts per village and week, under disclosure control for everyone
//! but the organisers (exact, with the same marks).

use std::collections::{BTreeMap, HashMap};

use canvass_protocol::calendar::week_of;
use canvass_protocol::forms::{FormDefinition, Lang, Localized, QuestionKind, Scale};
use canvass_protocol::i18n::tr;
use canvass_protocol::stats::{
    suppress_breakdown, Disclosure, Ranking, RectificationRule, SuppressionReason,
    TOP_BOTTOM_PLACES,
};
use canvass_protocol::surveys::{
    Comment, Comments, Figure, OptionResult, QuestionResults, RankedTarget, SurveyResults,
    TargetResults, VillageCount, WeekCount,
};

use super::{
    check_read, manages_surveys, shown_definition, status, visible_survey, MAX_COMMENTS_SHOWN,
};
use crate::db::surveys::{self as store, SurveyRow, TargetRow};
use crate::db::{units, DbConnection};
use crate::domain::auth::Caller;
use crate::domain::error::Error;

#[allow(clippy::cast_precision_loss)] // counts stay far below 2^53
pub(super) fn as_f64(n: u64) -> f64 {
    n as f64
}

/// Builds a figure: `value` resting on `n`, hidden for reason `hidden` unless `exact`.
pub(super) fn figure(
    value: Option<f64>,
    n: u64,
    hidden: Option<SuppressionReason>,
    exact: bool,
) -> Figure {
    match (hidden, exact) {
        (Some(reason), false) => Figure {
            value: None,
            n: None,
            hidden: Some(reason.published()),
        },
        (hidden, _) => Figure {
            value,
            n: Some(n),
            hidden,
        },
    }
}

pub(super) fn reason(d: &Disclosure) -> Option<SuppressionReason> {
    match d {
        Disclosure::Shown { .. } => None,
        Disclosure::Suppressed { reason } => Some(*reason),
    }
}

/// A target's rating answers pooled over its rating questions: the satisfaction rate and the
/// composite score of the target (the same pooling for the results and for trends).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Pooled {
    /// Rating answers with a score.
    pub rated: u64,
    satisfied: u64,
    score_sum: f64,
    has_rate: bool,
}

impl Pooled {
    /// Adds one rating question's answers on `scale`.
    pub fn add(&mut self, scale: &Scale, summary: &canvass_protocol::forms::RatingSummary) {
        self.rated += summary.rated;
        self.satisfied += summary.satisfied;
        self.score_sum += summary.composite_score.unwrap_or(0.0) * as_f64(summary.rated);
        self.has_rate |= scale.has_satisfaction_rate();
    }

    /// (满意 + 基本满意) / (满意 + 基本满意 + 不满意) over every rating answer.
    pub fn rate(&self) -> Option<f64> {
        (self.has_rate && self.rated > 0).then(|| as_f64(self.satisfied) / as_f64(self.rated))
    }

    /// The mean score of every scored rating answer.
    pub fn score(&self) -> Option<f64> {
        (self.rated > 0).then(|| self.score_sum / as_f64(self.rated))
    }
}

fn below(n: u64, threshold: u64) -> Option<SuppressionReason> {
    (n < threshold).then_some(SuppressionReason::BelowThreshold { n, threshold })
}

/// Results of survey `id` as `caller` may see them: exact for organisers and admins, under
/// disclosure control for leaders; the units to rectify under `rule`.
pub fn results(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    rule: RectificationRule,
) -> Result<SurveyResults, Error> {
    let row = visible_survey(conn, caller, id)?;
    results_of(conn, caller, &row, rule)
}

/// [`results`] of a survey already loaded (and seen to be in the caller's scope).
pub(super) fn results_of(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &SurveyRow,
    rule: RectificationRule,
) -> Result<SurveyResults, Error> {
    check_read(conn, caller, row)?;
    let exact = manages_surveys(caller.role());
    let definition = shown_definition(row, &store::versions(conn, row.id)?)?;
    let threshold = u64::try_from(row.min_group_size).unwrap_or(5);
    let comment_threshold = u64::try_from(row.comment_min_group_size).unwrap_or(10);
    let targets = store::targets(conn, row.id)?;

    // tallies merged across versions: target → question → option → count
    let mut tallies: HashMap<i64, HashMap<String, BTreeMap<String, u64>>> = HashMap::new();
    for (_, target, question, option, count) in store::tallies(conn, row.id)? {
        *tallies
            .entry(target)
            .or_default()
            .entry(question)
            .or_default()
            .entry(option)
            .or_default() += u64::try_from(count).unwrap_or(0);
    }
    let mut sums: HashMap<(i64, String), (u64, f64)> = HashMap::new();
    for (_, target, question, count, total) in store::sums(conn, row.id)? {
        let e = sums.entry((target, question)).or_default();
        e.0 += u64::try_from(count).unwrap_or(0);
        e.1 += total;
    }
    let mut per_target: HashMap<i64, u64> = HashMap::new();
    let mut per_village: BTreeMap<i64, u64> = BTreeMap::new();
    let mut per_week: BTreeMap<String, u64> = BTreeMap::new();
    for (target, village, day, _channel, count) in store::counts(conn, row.id)? {
        let count = u64::try_from(count).unwrap_or(0);
        *per_target.entry(target).or_default() += count;
        *per_village.entry(village).or_default() += count;
        if let Some(week) = week_of(&day) {
            *per_week.entry(week).or_default() += count;
        }
    }

    let target_counts: Vec<u64> = targets
        .iter()
        .map(|t| per_target.get(&t.unit_id).copied().unwrap_or(0))
        .collect();
    let breakdown = suppress_breakdown(&target_counts, threshold);
    let total: u64 = target_counts.iter().sum();

    let mut results = Vec::with_capacity(targets.len());
    let mut rankable = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let n = target_counts[i];
        // a target with no answers has nothing to hide; one with too few hides everything
        let hidden = reason(&breakdown.cells[i]);
        let result = target_results(
            conn,
            row,
            &definition,
            target,
            n,
            hidden,
            tallies.get(&target.unit_id),
            &sums,
            (threshold, comment_threshold),
            exact,
        )?;
        if hidden.is_none() {
            if let Some(score) = result.composite_score.value {
                rankable.push((target.unit_id, score, result.composite_score.n.unwrap_or(0)));
            }
        }
        results.push(result);
    }
    let ranking = Ranking::new(rankable.iter().map(|(id, score, _)| (*id, *score)));
    let ranked = |entries: &[&canvass_protocol::stats::Ranked<i64>]| -> Vec<RankedTarget> {
        entries
            .iter()
            .map(|e| RankedTarget {
                rank: e.rank,
                unit_id: e.key,
                name: targets
                    .iter()
                    .find(|t| t.unit_id == e.key)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                composite_score: e.score,
                n: rankable.iter().find(|r| r.0 == e.key).map_or(0, |r| r.2),
                responses: targets
                    .iter()
                    .position(|t| t.unit_id == e.key)
                    .map_or(0, |i| target_counts[i]),
            })
            .collect()
    };
    for result in &mut results {
        result.rank = ranking.rank_of(&result.unit_id);
    }

    let counted = VillageCounts::new(per_village, threshold, exact);
    let mut villages = Vec::new();
    for id in counted.villages() {
        let name = if id == 0 {
            // the API's name for "no village named", in both languages (pages and exports
            // use the reader's own)
            format!(
                "{} / {}",
                tr(Lang::ZhCn, "dashboard-village-not-stated"),
                tr(Lang::En, "dashboard-village-not-stated")
            )
        } else {
            units::find(conn, id).map_or_else(|_| format!("#{id}"), |u| u.name)
        };
        villages.push(VillageCount {
            unit_id: (id != 0).then_some(id),
            name,
            responses: counted.figure_of(id),
        });
    }

    let week_counts: Vec<u64> = per_week.values().copied().collect();
    let week_breakdown = suppress_breakdown(&week_counts, threshold);
    let weeks = per_week
        .keys()
        .zip(&week_counts)
        .zip(&week_breakdown.cells)
        .map(|((week, &n), cell)| WeekCount {
            week: week.clone(),
            responses: figure(Some(as_f64(n)), n, reason(cell), exact),
        })
        .collect();

    // anomaly flags for review: the organiser's alone, like the exact figures
    let flags = if exact {
        super::flags::flags(conn, row, &targets, counted.counts())?
    } else {
        Vec::new()
    };
    Ok(SurveyResults {
        survey_id: row.id,
        title: definition.title.clone(),
        status: status(row),
        min_group_size: u32::try_from(threshold).unwrap_or(5),
        comment_min_group_size: u32::try_from(comment_threshold).unwrap_or(10),
        exact,
        version: row.current_version,
        total_responses: figure(Some(as_f64(total)), total, reason(&breakdown.total), exact),
        ranking: ranked(&ranking.entries().iter().collect::<Vec<_>>()),
        top: ranked(&ranking.top(TOP_BOTTOM_PLACES).iter().collect::<Vec<_>>()),
        bottom: ranked(&ranking.bottom(TOP_BOTTOM_PLACES).iter().collect::<Vec<_>>()),
        rectification: ranked(&ranking.rectification(rule)),
        rectify_below_score: rule.below_score,
        targets: results,
        villages,
        weeks,
        flags,
    })
}

#[allow(clippy::too_many_arguments)]
fn target_results(
    conn: &mut DbConnection,
    row: &SurveyRow,
    definition: &FormDefinition,
    target: &TargetRow,
    n: u64,
    hidden: Option<SuppressionReason>,
    tallies: Option<&HashMap<String, BTreeMap<String, u64>>>,
    sums: &HashMap<(i64, String), (u64, f64)>,
    (threshold, comment_threshold): (u64, u64),
    exact: bool,
) -> Result<TargetResults, Error> {
    let empty = BTreeMap::new();
    let mut pooled = Pooled::default();
    let mut questions = Vec::with_capacity(definition.questions.len());
    for question in &definition.questions {
        let counts = tallies
            .and_then(|t| t.get(question.id.as_str()))
            .unwrap_or(&empty);
        let mut options: Vec<(String, Localized)> = Vec::new();
        let mut rating_scale: Option<&Scale> = None;
        match &question.kind {
            QuestionKind::SingleChoice { options: o }
            | QuestionKind::MultipleChoice { options: o, .. } => {
                options = o
                    .iter()
                    .map(|o| (o.id.to_string(), o.label.clone()))
                    .collect();
            }
            QuestionKind::Rating { scale } => {
                let scale = if scale.is_builtin() {
                    Some(Scale::satisfaction())
                } else {
                    definition.scale(scale.as_str())
                };
                if let Some(scale) = scale {
                    options = scale
                        .options
                        .iter()
                        .map(|o| (o.id.to_string(), o.label.clone()))
                        .collect();
                    rating_scale = Some(scale);
                }
            }
            QuestionKind::Score0To10 { .. } => {
                options = (0..=10)
                    .map(|s| (s.to_string(), Localized::zh(s.to_string())))
                    .collect();
            }
            _ => {}
        }
        // answered: respondents who answered (a multiple choice counts options, not people)
        let numeric = sums
            .get(&(target.unit_id, question.id.to_string()))
            .copied();
        let answered = match &question.kind {
            QuestionKind::Number { .. } | QuestionKind::Score0To10 { .. } => {
                numeric.map_or(0, |s| s.0)
            }
            QuestionKind::MultipleChoice { .. } => n.min(counts.values().sum()),
            QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => 0,
            _ => counts.values().sum(),
        };
        let q_hidden = hidden.or_else(|| below(answered, threshold).filter(|_| answered > 0));
        let option_total: u64 = counts.values().sum();
        // an option chosen on a few sheets is hidden like any small cell of a breakdown, with
        // its complement, so that it cannot be worked out from the question's total
        let option_counts: Vec<u64> = options
            .iter()
            .map(|(id, _)| counts.get(id).copied().unwrap_or(0))
            .collect();
        let option_cells = suppress_breakdown(&option_counts, threshold).cells;
        let option_results = options
            .into_iter()
            .zip(option_counts.iter().zip(&option_cells))
            .map(|((id, label), (&count, cell))| {
                let share = (option_total > 0).then(|| as_f64(count) / as_f64(option_total));
                let hidden = q_hidden.or_else(|| reason(cell));
                OptionResult {
                    id,
                    label,
                    count: figure(Some(as_f64(count)), answered, hidden, exact),
                    share: figure(share, option_total, hidden, exact),
                }
            })
            .collect();
        let mean = numeric.map(|(count, total)| {
            figure(
                (count > 0).then(|| total / as_f64(count)),
                count,
                q_hidden,
                exact,
            )
        });
        let (satisfaction_rate, composite_score) = match rating_scale {
            Some(scale) => {
                let summary = scale.summarize(|id| counts.get(id.as_str()).copied().unwrap_or(0));
                pooled.add(scale, &summary);
                (
                    scale
                        .has_satisfaction_rate()
                        .then(|| figure(summary.satisfaction_rate, summary.rated, q_hidden, exact)),
                    Some(figure(
                        summary.composite_score,
                        summary.rated,
                        q_hidden,
                        exact,
                    )),
                )
            }
            None => (None, None),
        };
        questions.push(QuestionResults {
            id: question.id.to_string(),
            label: question.label.clone(),
            kind: question.kind.type_name().to_string(),
            answered: figure(Some(as_f64(answered)), answered, q_hidden, exact),
            options: option_results,
            mean,
            satisfaction_rate,
            composite_score,
        });
    }
    // a suppressed target's reason is published as `withheld` (its count would show); below
    // the comment threshold only, the count is public anyway
    let comments_hidden = hidden
        .map(|r| if exact { r } else { r.published() })
        .or_else(|| below(n, comment_threshold).filter(|_| n > 0));
    let mut items: Vec<Comment> = if comments_hidden.is_none() || exact {
        store::comments(conn, row.id, target.unit_id, MAX_COMMENTS_SHOWN + 1)?
            .into_iter()
            .map(|(question_id, text)| Comment { question_id, text })
            .collect()
    } else {
        Vec::new()
    };
    let more = items.len() > MAX_COMMENTS_SHOWN;
    items.truncate(MAX_COMMENTS_SHOWN);
    Ok(TargetResults {
        unit_id: target.unit_id,
        name: target.name.clone(),
        responses: figure(Some(as_f64(n)), n, hidden, exact),
        satisfaction_rate: figure(pooled.rate(), pooled.rated, hidden, exact),
        composite_score: figure(pooled.score(), pooled.rated, hidden, exact),
        rank: None,
        questions,
        comments: Comments {
            hidden: comments_hidden,
            items,
            more,
        },
    })
}

/// A survey's answer counts per village (0: no village named) under its disclosure control:
/// the one place where the cells hidden from leaders are chosen, for the results page's table
/// of villages and for coverage alike.
pub(super) struct VillageCounts {
    counts: BTreeMap<i64, u64>,
    hidden: HashMap<i64, SuppressionReason>,
    threshold: u64,
    exact: bool,
}

impl VillageCounts {
    pub(super) fn of(conn: &mut DbConnection, row: &SurveyRow, exact: bool) -> Result<Self, Error> {
        let threshold = u64::try_from(row.min_group_size).unwrap_or(5);
        Ok(Self::new(
            store::village_counts(conn, row.id)?,
            threshold,
            exact,
        ))
    }

    /// The counts per village, with the cells a group under `threshold` hides (shown anyway,
    /// marked, when `exact`).
    pub(super) fn new(counts: BTreeMap<i64, u64>, threshold: u64, exact: bool) -> Self {
        let values: Vec<u64> = counts.values().copied().collect();
        let breakdown = suppress_breakdown(&values, threshold);
        let hidden = counts
            .keys()
            .zip(&breakdown.cells)
            .filter_map(|(id, cell)| reason(cell).map(|r| (*id, r)))
            .collect();
        Self {
            counts,
            hidden,
            threshold,
            exact,
        }
    }

    /// The answer sheets per village, exact (0: no village named).
    pub(super) fn counts(&self) -> &BTreeMap<i64, u64> {
        &self.counts
    }

    /// The villages counted, in id order.
    pub(super) fn villages(&self) -> impl Iterator<Item = i64> + '_ {
        self.counts.keys().copied()
    }

    pub(super) fn count_of(&self, village: i64) -> u64 {
        self.counts.get(&village).copied().unwrap_or(0)
    }

    pub(super) fn figure_of(&self, village: i64) -> Figure {
        let n = self.count_of(village);
        figure(
            Some(as_f64(n)),
            n,
            self.hidden.get(&village).copied(),
            self.exact,
        )
    }

    pub(super) fn threshold_u32(&self) -> u32 {
        u32::try_from(self.threshold).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_figures_carry_no_value_for_others_but_do_for_the_organiser() {
        let reason = Some(SuppressionReason::BelowThreshold { n: 3, threshold: 5 });
        let hidden = figure(Some(3.0), 3, reason, false);
        assert_eq!((hidden.value, hidden.n), (None, None));
        let exact = figure(Some(3.0), 3, reason, true);
        assert_eq!(
            (exact.value, exact.n, exact.hidden),
            (Some(3.0), Some(3), reason)
        );
    }
}
