//! Field coverage: which villages a survey has reached and which it has not. Every village and
//! community a respondent may name is listed with its answer count, those with none included,
//! grouped under the township (or other unit) above it. Counts are under the survey's
//! disclosure control for everyone but the organisers: the cells hidden are exactly those the
//! results page hides, and an area's total is shown only when it adds nothing to what its
//! villages show.

use std::collections::{BTreeMap, HashMap};

use canvass_protocol::stats::SuppressionReason;
use canvass_protocol::surveys::{CoverageArea, Figure, SurveyCoverage, VillageCoverage};
use canvass_protocol::sync::SurveyFieldCoverage;

use super::results::{as_f64, figure, VillageCounts};
use super::{answers, check_read, manages_surveys, shown_definition, visible_survey};
use crate::db::surveys::{self as store, SurveyRow};
use crate::db::units::{self, UnitRow};
use crate::db::DbConnection;
use crate::domain::auth::Caller;
use crate::domain::error::Error;

/// The coverage of survey `id` as `caller` may see it (organisers and leaders in scope).
pub fn coverage(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<SurveyCoverage, Error> {
    let row = visible_survey(conn, caller, id)?;
    check_read(conn, caller, &row)?;
    let definition = shown_definition(&row, &store::versions(conn, row.id)?)?;
    let exact = manages_surveys(caller.role());
    let counted = VillageCounts::of(conn, &row, exact)?;
    let mut parents: HashMap<i64, UnitRow> = HashMap::new();
    // areas keyed by the parent's path, so they come in tree order
    let mut areas: BTreeMap<String, CoverageArea> = BTreeMap::new();
    let mut complete: HashMap<i64, bool> = HashMap::new();
    for village in answers::respondent_units(conn, &row)? {
        if !caller.sees(&village) {
            continue;
        }
        let parent_id = village.parent_id.unwrap_or(village.id);
        let parent = match parents.get(&parent_id) {
            Some(p) => p.clone(),
            None => {
                let p = units::find(conn, parent_id)?;
                parents.insert(parent_id, p.clone());
                p
            }
        };
        let responses = counted.figure_of(village.id);
        let area = areas
            .entry(parent.path.clone())
            .or_insert_with(|| CoverageArea {
                unit_id: parent.id,
                name: parent.name.clone(),
                responses: Figure {
                    value: Some(0.0),
                    n: Some(0),
                    hidden: None,
                },
                without_answers: 0,
                villages: Vec::new(),
            });
        let n = counted.count_of(village.id);
        if n == 0 {
            area.without_answers += 1;
        }
        let shown = responses.hidden.is_none() || exact;
        let all_shown = complete.entry(parent.id).or_insert(true);
        *all_shown &= shown;
        let total = area.responses.n.unwrap_or(0) + n;
        area.responses = Figure {
            value: Some(as_f64(total)),
            n: Some(total),
            hidden: None,
        };
        area.villages.push(VillageCoverage {
            unit_id: village.id,
            name: village.name,
            responses,
        });
    }
    let areas = areas
        .into_values()
        .map(|mut area| {
            if !complete.get(&area.unit_id).copied().unwrap_or(true) {
                area.responses = figure(None, 0, Some(SuppressionReason::Withheld), false);
            }
            area
        })
        .collect();
    Ok(SurveyCoverage {
        survey_id: row.id,
        title: definition.title,
        exact,
        min_group_size: counted.threshold_u32(),
        areas,
        not_stated: counted.figure_of(0),
    })
}

/// The villages in the caller's scope of an open survey, for the field officer's pull: the same
/// counts and hidden cells as [`coverage`], fewest answers first.
pub fn field_coverage(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &SurveyRow,
) -> Result<SurveyFieldCoverage, Error> {
    let exact = manages_surveys(caller.role());
    let counted = VillageCounts::of(conn, row, exact)?;
    let mut villages: Vec<VillageCoverage> = answers::respondent_units(conn, row)?
        .into_iter()
        .filter(|v| caller.sees(v))
        .map(|v| VillageCoverage {
            unit_id: v.id,
            responses: counted.figure_of(v.id),
            name: v.name,
        })
        .collect();
    villages.sort_by_key(VillageCoverage::fewest_first);
    Ok(SurveyFieldCoverage {
        survey_id: row.id,
        min_group_size: counted.threshold_u32(),
        villages,
    })
}
