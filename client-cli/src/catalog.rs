//! Finding things in the cached manifest by what the officer types (a survey by id or public
//! slug, a unit by id or exact name, a round by id), and naming them in the reader's language.

use canvass_protocol::forms::{FormDefinition, Lang};
use canvass_protocol::i18n::{tr, Arg, Message};
use canvass_protocol::rounds::RoundInfo;
use canvass_protocol::surveys::PublicTarget;
use canvass_protocol::sync::{BatchItem, FieldChannel, FieldTallySheet, Manifest, ManifestSurvey};
use canvass_protocol::{msg, t};

use crate::error::CliError;
use crate::store::{CachedManifest, LocalStore};

/// The cached manifest, or the error telling the officer to pull first.
pub fn cached(store: &LocalStore) -> Result<CachedManifest, CliError> {
    store
        .manifest()?
        .ok_or_else(|| CliError::Input(msg!("cli-error-no-forms")))
}

/// The last path segment of a public link: the slug.
fn slug_of(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

/// A survey found by what the officer typed, with the target its slug named, if it was a
/// target's own link.
pub struct FoundSurvey<'m> {
    pub survey: &'m ManifestSurvey,
    pub target_from_slug: Option<i64>,
}

/// Finds a survey by id, by its public slug, or by the slug of one of its targets' links.
pub fn find_survey<'m>(
    manifest: &'m Manifest,
    reference: &str,
) -> Result<FoundSurvey<'m>, Message> {
    let reference = reference.trim();
    let by_id = reference.parse::<i64>().ok();
    for s in &manifest.surveys {
        if by_id == Some(s.survey.id) || slug_of(&s.survey.public_url) == reference {
            return Ok(FoundSurvey {
                survey: s,
                target_from_slug: None,
            });
        }
        if let Some(t) = s
            .survey
            .targets
            .iter()
            .find(|t| slug_of(&t.public_url) == reference)
        {
            return Ok(FoundSurvey {
                survey: s,
                target_from_slug: Some(t.unit_id),
            });
        }
    }
    let known = |lang: Lang| {
        manifest
            .surveys
            .iter()
            .map(|s| {
                format!(
                    "{} ({}, {})",
                    s.survey.id,
                    slug_of(&s.survey.public_url),
                    s.survey.title.get(lang)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    Err(if manifest.surveys.is_empty() {
        msg!("cli-error-no-such-survey-none", reference = reference)
    } else {
        msg!(
            "cli-error-no-such-survey",
            reference = reference,
            known = Arg::Localized {
                zh_cn: known(Lang::ZhCn),
                en: Some(known(Lang::En)),
            }
        )
    })
}

/// The version answers are collected on: the newest published one.
pub fn current_version(survey: &ManifestSurvey) -> Result<(i32, &FormDefinition), Message> {
    survey
        .versions
        .last()
        .map(|v| (v.version, &v.definition))
        .ok_or_else(|| msg!("cli-error-no-version", survey = survey.survey.id))
}

/// A given version of a survey, if the manifest still holds it.
pub fn version(survey: &ManifestSurvey, version: i32) -> Option<&FormDefinition> {
    survey
        .versions
        .iter()
        .find(|v| v.version == version)
        .map(|v| &v.definition)
}

/// A survey by id.
pub fn survey_by_id(manifest: &Manifest, id: i64) -> Option<&ManifestSurvey> {
    manifest.surveys.iter().find(|s| s.survey.id == id)
}

/// The survey's targets as (unit id, name).
pub fn targets(survey: &ManifestSurvey) -> Vec<PublicTarget> {
    survey
        .survey
        .targets
        .iter()
        .map(|t| PublicTarget {
            unit_id: t.unit_id,
            name: t.name.clone(),
        })
        .collect()
}

/// Finds a unit among `units` by id or exact name. When none matches, the message lists the
/// units that would have been accepted.
pub fn find_unit<'a>(
    units: &'a [PublicTarget],
    reference: &str,
) -> Result<&'a PublicTarget, Message> {
    let reference = reference.trim();
    let by_id = reference.parse::<i64>().ok();
    units
        .iter()
        .find(|u| by_id == Some(u.unit_id))
        .or_else(|| units.iter().find(|u| u.name == reference))
        .ok_or_else(|| {
            msg!(
                "cli-error-no-such-unit",
                reference = reference,
                known = join_localized(
                    &units
                        .iter()
                        .map(|u| format!("{} {}", u.unit_id, u.name))
                        .collect::<Vec<_>>()
                )
            )
        })
}

/// `items` joined as a list in the reader's language (`a, b` or `a、b`).
#[must_use]
pub fn join(lang: Lang, items: &[String]) -> String {
    items.join(&tr(lang, "cli-separator"))
}

/// `items` as a list in whichever language the message is later rendered in.
#[must_use]
pub fn join_localized(items: &[String]) -> Arg {
    Arg::Localized {
        zh_cn: join(Lang::ZhCn, items),
        en: Some(join(Lang::En, items)),
    }
}

/// A round by id.
pub fn find_round<'m>(manifest: &'m Manifest, reference: &str) -> Result<&'m RoundInfo, CliError> {
    let id = reference.trim().parse::<i64>().ok();
    manifest
        .rounds
        .iter()
        .find(|r| Some(r.id) == id)
        .ok_or_else(|| {
            let known = manifest
                .rounds
                .iter()
                .map(|r| format!("{} ({} {})", r.id, r.period, r.series_name))
                .collect::<Vec<_>>()
                .join("; ");
            CliError::Input(if known.is_empty() {
                msg!("cli-error-no-such-round-none", reference = reference)
            } else {
                msg!(
                    "cli-error-no-such-round",
                    reference = reference,
                    known = known
                )
            })
        })
}

/// The name a survey's items and counts are stored under: its title. Shown after the
/// instrument's kind and id ([`instrument_label`]).
#[must_use]
pub fn survey_name(survey: &ManifestSurvey) -> String {
    survey.survey.title.get(Lang::ZhCn).to_string()
}

/// The name a round's items and counts are stored under: its period and series.
#[must_use]
pub fn round_name(round: &RoundInfo) -> String {
    format!("{} {}", round.period, round.series_name)
}

/// An instrument as shown in status, push and import summaries: `问卷 3 窗口服务测评` or
/// `survey 3 Window service`. `key` is the instrument key of its items (`survey:3`,
/// `round:5`); a survey's title comes from the cached forms in the reader's language while
/// they hold it, otherwise from the name stored with the items. A name stored by an older
/// canvass (`survey 3 窗口服务测评`) loses its English prefix.
#[must_use]
pub fn instrument_label(
    key: &str,
    stored: &str,
    manifest: Option<&Manifest>,
    lang: Lang,
) -> String {
    let (kind, id) = key.split_once(':').unwrap_or(("", key));
    let legacy = format!("{kind} {id} ");
    let stored = stored.strip_prefix(&legacy).unwrap_or(stored);
    match kind {
        "survey" => {
            let title = id
                .parse()
                .ok()
                .and_then(|id| manifest.and_then(|m| survey_by_id(m, id)))
                .map_or_else(
                    || stored.to_string(),
                    |s| s.survey.title.get(lang).to_string(),
                );
            t!(lang, "cli-instrument-survey", id = id, name = title)
        }
        "round" => t!(lang, "cli-instrument-round", id = id, name = stored),
        _ => stored.to_string(),
    }
}

/// A unit's name as the cached forms know it: a unit of the manifest, or a survey's target or
/// village.
#[must_use]
pub fn unit_name(manifest: Option<&Manifest>, id: i64) -> Option<String> {
    let manifest = manifest?;
    manifest
        .units
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.name.clone())
        .or_else(|| {
            manifest.surveys.iter().find_map(|s| {
                s.survey
                    .targets
                    .iter()
                    .find(|t| t.unit_id == id)
                    .map(|t| t.name.clone())
                    .or_else(|| {
                        s.villages
                            .iter()
                            .find(|v| v.unit_id == id)
                            .map(|v| v.name.clone())
                    })
            })
        })
}

/// One line saying what a collected item is, in `lang`: the unit rated, the village, how and
/// on which day it was collected, the form version; or a tally sheet's station, group and
/// counts.
#[must_use]
pub fn describe_item(item: &BatchItem, manifest: Option<&Manifest>, lang: Lang) -> String {
    describe_item_named(item, &|id| unit_name(manifest, id), lang)
}

/// [`describe_item`] with the units named by `named`.
#[must_use]
pub fn describe_item_named(
    item: &BatchItem,
    named: &dyn Fn(i64) -> Option<String>,
    lang: Lang,
) -> String {
    let unit = |id: i64| named(id).unwrap_or_else(|| t!(lang, "cli-unit-by-id", id = id));
    match item {
        BatchItem::SurveyResponse(r) => {
            let how = match r.channel {
                FieldChannel::Field => msg!("cli-channel-field"),
                FieldChannel::Paper => msg!("cli-channel-paper"),
            };
            match r.respondent_unit_id {
                Some(village) => t!(
                    lang,
                    "cli-item-response-village",
                    target = unit(r.target_unit_id),
                    village = unit(village),
                    how = how,
                    day = r.collected_on.as_str(),
                    version = r.version
                ),
                None => t!(
                    lang,
                    "cli-item-response",
                    target = unit(r.target_unit_id),
                    how = how,
                    day = r.collected_on.as_str(),
                    version = r.version
                ),
            }
        }
        BatchItem::TallySheet(FieldTallySheet { sheet, .. }) => {
            let line = t!(
                lang,
                "cli-item-sheet",
                station = sheet.station.trim(),
                group = sheet.elector_group.as_str(),
                issued = sheet.issued,
                returned = sheet.returned,
                valid = sheet.valid,
                invalid = sheet.invalid
            );
            if sheet.returned > sheet.issued {
                format!("{line}{}", tr(lang, "cli-item-sheet-void"))
            } else {
                line
            }
        }
    }
}
