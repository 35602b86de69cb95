//! Field coverage in the client: after a pull, the villages of the officer's area with the
//! fewest answers on the server, so the officer knows where to go next; in `canvass status`,
//! those counts beside what the officer's own queue holds for each village, not sent yet.
//! Counts come from the server under the survey's disclosure control; a hidden count is said
//! to be hidden, never guessed.

use std::collections::BTreeMap;

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::tr;
use canvass_protocol::surveys::{Figure, VillageCoverage};
use canvass_protocol::sync::{BatchItem, FieldCoverage, Manifest, SurveyFieldCoverage};
use canvass_protocol::t;

use crate::store::StoredItem;
use crate::sync::indent;
use crate::table::{Align, Table};

/// How many villages a pull names per survey.
pub const FEWEST_SHOWN: usize = 5;

/// The officer's own answers not yet acknowledged, per survey and village named.
#[must_use]
pub fn queued_by_village<'a>(
    items: impl IntoIterator<Item = &'a StoredItem>,
) -> BTreeMap<(i64, i64), u64> {
    let mut out = BTreeMap::new();
    for item in items {
        if let BatchItem::SurveyResponse(r) = &item.item {
            if let Some(village) = r.respondent_unit_id {
                *out.entry((r.survey_id, village)).or_default() += 1;
            }
        }
    }
    out
}

fn survey_title(survey_id: i64, manifest: Option<&Manifest>, lang: Lang) -> String {
    manifest
        .and_then(|m| m.surveys.iter().find(|s| s.survey.id == survey_id))
        .map_or_else(
            || survey_id.to_string(),
            |s| s.survey.title.get(lang).to_string(),
        )
}

/// A count as the server gave it: the number, or that it is hidden.
fn count_text(figure: &Figure, lang: Lang) -> String {
    match (figure.n, figure.value) {
        (Some(n), _) => n.to_string(),
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (None, Some(v)) => (v as u64).to_string(),
        (None, None) => tr(lang, "cli-coverage-hidden"),
    }
}

fn fewest(survey: &SurveyFieldCoverage) -> Vec<&VillageCoverage> {
    let mut villages: Vec<&VillageCoverage> = survey.villages.iter().collect();
    villages.sort_by_key(|v| (v.fewest_first(), v.name.clone()));
    villages
}

/// After a pull: per survey, the villages of the officer's area with the fewest answers.
#[must_use]
pub fn render_fewest(coverage: &FieldCoverage, manifest: Option<&Manifest>, lang: Lang) -> String {
    let mut out = Vec::new();
    for survey in &coverage.surveys {
        if survey.villages.is_empty() {
            continue;
        }
        let villages = fewest(survey);
        let none = villages.iter().filter(|v| v.has_none()).count();
        out.push(t!(
            lang,
            "cli-coverage-fewest",
            survey = survey_title(survey.survey_id, manifest, lang),
            none = none,
            villages = villages.len()
        ));
        let mut table = Table::new(vec![
            (tr(lang, "cli-coverage-col-village"), Align::Left),
            (tr(lang, "cli-coverage-col-answers"), Align::Right),
        ]);
        for v in villages.iter().take(FEWEST_SHOWN) {
            table.row(vec![v.name.clone(), count_text(&v.responses, lang)]);
        }
        out.push(indent(&table.render(), "  "));
    }
    out.join("\n")
}

/// For `canvass status`: per survey, each village of the officer's area with the server's count
/// (as of `fetched_at`) and what the officer's own queue holds for it, fewest first.
#[must_use]
pub fn render_with_queue(
    coverage: &FieldCoverage,
    queued: &BTreeMap<(i64, i64), u64>,
    manifest: Option<&Manifest>,
    lang: Lang,
) -> String {
    let mut out = Vec::new();
    for survey in &coverage.surveys {
        if survey.villages.is_empty() {
            continue;
        }
        out.push(t!(
            lang,
            "cli-coverage-status",
            survey = survey_title(survey.survey_id, manifest, lang)
        ));
        let mut table = Table::new(vec![
            (tr(lang, "cli-coverage-col-village"), Align::Left),
            (tr(lang, "cli-coverage-col-server"), Align::Right),
            (tr(lang, "cli-coverage-col-queued"), Align::Right),
        ]);
        for v in fewest(survey) {
            let mine = queued
                .get(&(survey.survey_id, v.unit_id))
                .copied()
                .unwrap_or(0);
            table.row(vec![
                v.name.clone(),
                count_text(&v.responses, lang),
                mine.to_string(),
            ]);
        }
        out.push(indent(&table.render(), "  "));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use canvass_protocol::stats::SuppressionReason;

    use super::*;

    fn village(id: i64, name: &str, n: Option<u64>) -> VillageCoverage {
        #[allow(clippy::cast_precision_loss)]
        VillageCoverage {
            unit_id: id,
            name: name.into(),
            responses: match n {
                Some(n) => Figure {
                    value: Some(n as f64),
                    n: Some(n),
                    hidden: None,
                },
                None => Figure {
                    value: None,
                    n: None,
                    hidden: Some(SuppressionReason::Withheld),
                },
            },
        }
    }

    fn coverage() -> FieldCoverage {
        FieldCoverage {
            surveys: vec![SurveyFieldCoverage {
                survey_id: 3,
                min_group_size: 5,
                villages: (0..8)
                    .map(|i: u8| {
                        village(
                            10 + i64::from(i),
                            &format!("village {i}"),
                            Some(10 + u64::from(i)),
                        )
                    })
                    .chain([village(30, "Empty", Some(0)), village(31, "Few", None)])
                    .collect(),
            }],
        }
    }

    #[test]
    fn a_pull_names_the_villages_with_fewest_answers_first() {
        let text = render_fewest(&coverage(), None, Lang::En);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("1 of 10"), "{text}");
        assert!(
            lines[2].contains("Empty") && lines[2].trim_end().ends_with('0'),
            "{text}"
        );
        assert!(
            lines[3].contains("Few") && lines[3].contains("hidden"),
            "{text}"
        );
        assert!(lines[4].contains("village 0"), "{text}");
        assert_eq!(lines.len(), 2 + FEWEST_SHOWN, "{text}");
        let zh = render_fewest(&coverage(), None, Lang::ZhCn);
        assert!(zh.contains("不公开"), "{zh}");
    }

    #[test]
    fn status_adds_the_officers_own_queue_per_village() {
        let queued = BTreeMap::from([((3, 30), 4), ((3, 12), 1), ((9, 30), 7)]);
        let text = render_with_queue(&coverage(), &queued, None, Lang::En);
        let empty = text.lines().find(|l| l.contains("Empty")).unwrap();
        assert!(empty.trim_end().ends_with('4'), "{text}");
        let v2 = text.lines().find(|l| l.contains("village 2")).unwrap();
        assert!(v2.trim_end().ends_with('1'), "{text}");
        assert_eq!(
            text.lines().count(),
            2 + 10,
            "every village is listed: {text}"
        );
    }
}
