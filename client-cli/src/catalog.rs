//! Finding things in the cached manifest by what the officer types: a survey by id or public
//! slug, a unit by id or exact name, a round by id.

use canvass_protocol::forms::{FormDefinition, Lang};
use canvass_protocol::rounds::RoundInfo;
use canvass_protocol::surveys::PublicTarget;
use canvass_protocol::sync::{Manifest, ManifestSurvey};

use crate::error::CliError;
use crate::store::{CachedManifest, LocalStore};

/// The cached manifest, or the error telling the officer to pull first.
pub fn cached(store: &LocalStore) -> Result<CachedManifest, CliError> {
    store.manifest()?.ok_or_else(|| {
        CliError::Input(
            "no forms are cached on this computer yet. Run `canvass pull` while you have \
             network, then try again."
                .into(),
        )
    })
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
) -> Result<FoundSurvey<'m>, CliError> {
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
    let known = manifest
        .surveys
        .iter()
        .map(|s| {
            format!(
                "{} ({}, {})",
                s.survey.id,
                slug_of(&s.survey.public_url),
                s.survey.title.get(Lang::ZhCn)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Err(CliError::Input(format!(
        "no survey {reference:?} among the forms cached here{}. Run `canvass pull` to fetch the \
         latest forms, or check the id or slug.",
        if known.is_empty() {
            " (none are open for your units)".to_string()
        } else {
            format!(" (cached: {known})")
        }
    )))
}

/// The version answers are collected on: the newest published one.
pub fn current_version(survey: &ManifestSurvey) -> Result<(i32, &FormDefinition), CliError> {
    survey
        .versions
        .last()
        .map(|v| (v.version, &v.definition))
        .ok_or_else(|| {
            CliError::Input(format!(
                "survey {} has no published version in the cached forms. Run `canvass pull`.",
                survey.survey.id
            ))
        })
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

/// Finds a unit among `units` by id or exact name; `what` names the list in the error.
pub fn find_unit<'a>(
    units: &'a [PublicTarget],
    reference: &str,
    what: &str,
) -> Result<&'a PublicTarget, String> {
    let reference = reference.trim();
    let by_id = reference.parse::<i64>().ok();
    units
        .iter()
        .find(|u| by_id == Some(u.unit_id))
        .or_else(|| units.iter().find(|u| u.name == reference))
        .ok_or_else(|| {
            let list = units
                .iter()
                .map(|u| format!("{} {}", u.unit_id, u.name))
                .collect::<Vec<_>>()
                .join(", ");
            format!("{reference:?} is not one of the {what} ({list})")
        })
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
            CliError::Input(format!(
                "no appraisal round {reference:?} among the rounds cached here{}. Run `canvass \
                 pull` to fetch the latest, or check the round id.",
                if known.is_empty() {
                    " (none are open for your units)".to_string()
                } else {
                    format!(" (cached: {known})")
                }
            ))
        })
}

/// How a survey is labelled in status and messages.
#[must_use]
pub fn survey_label(survey: &ManifestSurvey, lang: Lang) -> String {
    format!(
        "survey {} {}",
        survey.survey.id,
        survey.survey.title.get(lang)
    )
}

/// How a round is labelled in status and messages.
#[must_use]
pub fn round_label(round: &RoundInfo) -> String {
    format!("round {} {} {}", round.id, round.period, round.series_name)
}
