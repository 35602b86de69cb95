//! Rating scales, the built-in satisfaction scale and the satisfaction rate and composite score
//! computed from the counts per option.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Lang, Localized, OptionId, ScaleId};
use crate::i18n::tr;

/// The id of the built-in satisfaction scale (满意 / 基本满意 / 不满意 / 不了解). It is reserved: a
/// form cannot define a scale of its own under this id.
pub const SATISFACTION_SCALE_ID: &str = "satisfaction";

/// The highest score an option of a scale may carry; scores lie in `0..=MAX_SCALE_SCORE`.
pub const MAX_SCALE_SCORE: f64 = 100.0;

/// A rating scale: the ordered options a rating question offers, each with its score.
///
/// A valid scale (see [`FormDefinition::validate`](super::FormDefinition::validate)) has 2 to
/// [`MAX_OPTIONS`](super::MAX_OPTIONS) options with unique ids, at least one of them scored;
/// every score is finite and in `0..=100`; only scored options may be `satisfied`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// A name for organisers, e.g. "five-point satisfaction".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Localized>,
    /// The options in display order.
    pub options: Vec<ScaleOption>,
}

/// One option of a rating scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleOption {
    /// The id answers give.
    pub id: OptionId,
    /// What the respondent sees.
    pub label: Localized,
    /// The option's score in the composite score. `null` (or absent) marks an option like
    /// 不了解 "don't know": it counts as an answer but is left out of the satisfaction rate and
    /// the composite score.
    #[serde(default)]
    pub score: Option<f64>,
    /// Whether the option counts as satisfied in the satisfaction rate (the numerator). Every
    /// scored option is in the denominator.
    #[serde(default)]
    pub satisfied: bool,
}

static SATISFACTION: LazyLock<Scale> = LazyLock::new(|| {
    let option = |id: &str, label: &'static str, score: Option<f64>, satisfied: bool| ScaleOption {
        id: OptionId::parse(id).expect("built-in option ids are valid"),
        label: catalogue_label(label),
        score,
        satisfied,
    };
    Scale {
        label: Some(catalogue_label("form-scale-satisfaction")),
        options: vec![
            option("satisfied", "form-scale-satisfied", Some(100.0), true),
            option(
                "basically_satisfied",
                "form-scale-basically-satisfied",
                Some(60.0),
                true,
            ),
            option("dissatisfied", "form-scale-dissatisfied", Some(0.0), false),
            option("dont_know", "form-scale-dont-know", None, false),
        ],
    }
});

/// A label of the built-in scale, in both languages from the message catalogue.
fn catalogue_label(id: &str) -> Localized {
    Localized::new(tr(Lang::ZhCn, id), tr(Lang::En, id))
}

impl Scale {
    /// The built-in satisfaction scale, id [`SATISFACTION_SCALE_ID`]: `satisfied` 满意 (100),
    /// `basically_satisfied` 基本满意 (60), both counted as satisfied; `dissatisfied` 不满意 (0);
    /// `dont_know` 不了解 (no score, excluded from the rates).
    ///
    /// Published survey versions rely on it, so it never changes; a different scale gets a new id.
    #[must_use]
    pub fn satisfaction() -> &'static Scale {
        &SATISFACTION
    }

    /// The option with this id.
    #[must_use]
    pub fn option(&self, id: &str) -> Option<&ScaleOption> {
        self.options.iter().find(|o| o.id == id)
    }

    /// Whether the scale defines a satisfaction rate, i.e. has an option counted as satisfied.
    #[must_use]
    pub fn has_satisfaction_rate(&self) -> bool {
        self.options
            .iter()
            .any(|o| o.satisfied && o.score.is_some())
    }

    /// Computes the satisfaction rate and composite score of one rating question from the
    /// number of answers per option; `count_of` is asked once per option of the scale.
    #[must_use]
    pub fn summarize(&self, count_of: impl Fn(&OptionId) -> u64) -> RatingSummary {
        let mut summary = RatingSummary::default();
        let mut score_sum = 0.0;
        for option in &self.options {
            let count = count_of(&option.id);
            summary.answers = summary.answers.saturating_add(count);
            if let Some(score) = option.score {
                summary.rated = summary.rated.saturating_add(count);
                score_sum += score * count_to_f64(count);
                if option.satisfied {
                    summary.satisfied = summary.satisfied.saturating_add(count);
                }
            }
        }
        if summary.rated > 0 {
            let rated = count_to_f64(summary.rated);
            summary.composite_score = Some(score_sum / rated);
            if self.has_satisfaction_rate() {
                summary.satisfaction_rate = Some(count_to_f64(summary.satisfied) / rated);
            }
        }
        summary
    }
}

#[allow(clippy::cast_precision_loss)] // answer counts stay far below 2^53
fn count_to_f64(count: u64) -> f64 {
    count as f64
}

/// The result figures of one rating question (or of several pooled), with the counts they
/// rest on.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct RatingSummary {
    /// Every answer, "don't know" included.
    pub answers: u64,
    /// Answers on scored options: the denominator of both the satisfaction rate and the
    /// composite score.
    pub rated: u64,
    /// Answers on options counted as satisfied: the numerator of the satisfaction rate.
    pub satisfied: u64,
    /// `satisfied / rated`, between 0 and 1 (满意度 = (满意 + 基本满意) / (满意 + 基本满意 + 不满意)).
    /// `None` when `rated` is 0 or the scale has no satisfied option.
    pub satisfaction_rate: Option<f64>,
    /// The mean score of the rated answers (综合得分). `None` when `rated` is 0.
    pub composite_score: Option<f64>,
}

impl ScaleId {
    /// The id of the built-in satisfaction scale.
    #[must_use]
    pub fn satisfaction() -> ScaleId {
        ScaleId::parse(SATISFACTION_SCALE_ID).expect("the built-in scale id is valid")
    }

    /// Whether this is the built-in satisfaction scale.
    #[must_use]
    pub fn is_builtin(&self) -> bool {
        self.as_str() == SATISFACTION_SCALE_ID
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts<'a>(pairs: &'a [(&'a str, u64)]) -> impl Fn(&OptionId) -> u64 + 'a {
        move |id| {
            pairs
                .iter()
                .find(|(k, _)| id == k)
                .map_or(0, |(_, count)| *count)
        }
    }

    #[test]
    fn builtin_scale_is_satisfied_basically_dissatisfied_dont_know() {
        let scale = Scale::satisfaction();
        let ids: Vec<&str> = scale.options.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "satisfied",
                "basically_satisfied",
                "dissatisfied",
                "dont_know"
            ]
        );
        let labels: Vec<&str> = scale
            .options
            .iter()
            .map(|o| o.label.zh_cn.as_str())
            .collect();
        assert_eq!(labels, ["满意", "基本满意", "不满意", "不了解"]);
        let scores: Vec<Option<f64>> = scale.options.iter().map(|o| o.score).collect();
        assert_eq!(scores, [Some(100.0), Some(60.0), Some(0.0), None]);
        assert!(scale.has_satisfaction_rate());
    }

    #[test]
    fn satisfaction_rate_and_composite_score_leave_out_dont_know() {
        let summary = Scale::satisfaction().summarize(counts(&[
            ("satisfied", 6),
            ("basically_satisfied", 2),
            ("dissatisfied", 2),
            ("dont_know", 5),
        ]));
        assert_eq!(summary.answers, 15);
        assert_eq!(summary.rated, 10);
        assert_eq!(summary.satisfied, 8);
        assert_eq!(summary.satisfaction_rate, Some(0.8));
        assert_eq!(summary.composite_score, Some(72.0));
    }

    #[test]
    fn only_dont_know_answers_give_no_rate_and_no_score() {
        let summary = Scale::satisfaction().summarize(counts(&[("dont_know", 3)]));
        assert_eq!(summary.answers, 3);
        assert_eq!(summary.rated, 0);
        assert_eq!(summary.satisfaction_rate, None);
        assert_eq!(summary.composite_score, None);
        let empty = Scale::satisfaction().summarize(|_| 0);
        assert_eq!(empty, RatingSummary::default());
    }

    #[test]
    fn custom_scores_change_the_composite_score() {
        let mut scale = Scale::satisfaction().clone();
        scale.options[1].score = Some(80.0);
        let summary = scale.summarize(counts(&[("satisfied", 1), ("basically_satisfied", 1)]));
        assert_eq!(summary.composite_score, Some(90.0));
        assert_eq!(summary.satisfaction_rate, Some(1.0));
    }

    #[test]
    fn a_scale_without_satisfied_options_has_a_score_but_no_rate() {
        let mut scale = Scale::satisfaction().clone();
        for option in &mut scale.options {
            option.satisfied = false;
        }
        let summary = scale.summarize(counts(&[("satisfied", 1), ("dissatisfied", 1)]));
        assert_eq!(summary.composite_score, Some(50.0));
        assert_eq!(summary.satisfaction_rate, None);
    }

    #[test]
    fn huge_counts_saturate_instead_of_overflowing() {
        let summary = Scale::satisfaction().summarize(|_| u64::MAX);
        assert_eq!(summary.answers, u64::MAX);
        assert!(summary.composite_score.is_some_and(f64::is_finite));
    }
}
