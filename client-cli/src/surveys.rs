//! The organiser's survey commands: `canvass survey list`, `create`, `publish`, `close` and
//! `open`, and how their results are shown.

use std::fmt::Write as _;
use std::path::Path;

use canvass_protocol::forms::{Lang, Localized};
use canvass_protocol::surveys::{Survey, SurveyStatus};

use crate::api::SurveyAction;
use crate::credentials::CredentialStore;
use crate::dates::format_moment;
use crate::error::CliError;
use crate::session::signed_in;
use crate::survey_file::{build_create_survey, SurveyOptions};

/// The surveys of the signed-in account's units.
pub fn list(store: &CredentialStore, lang: Lang) -> Result<Vec<Survey>, CliError> {
    let (client, _) = signed_in(store, lang)?;
    Ok(client.list_surveys()?)
}

/// Reads FILE, checks it locally (nothing is sent when it has a problem), then creates the
/// survey as a draft.
pub fn create(
    store: &CredentialStore,
    file: &Path,
    options: &SurveyOptions,
    lang: Lang,
) -> Result<Survey, CliError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        CliError::Input(format!(
            "cannot read the survey file {}: {e}. Check the path.",
            file.display()
        ))
    })?;
    let body = build_create_survey(&text, options)?;
    let (client, _) = signed_in(store, lang)?;
    Ok(client.create_survey(&body)?)
}

/// Publishes, closes or opens survey `id`.
pub fn act(
    store: &CredentialStore,
    id: i64,
    action: SurveyAction,
    lang: Lang,
) -> Result<Survey, CliError> {
    let (client, _) = signed_in(store, lang)?;
    Ok(client.survey_action(id, action)?)
}

/// The survey list as a table: id, status, whether answers are accepted now, version, title,
/// link.
#[must_use]
pub fn render_list(surveys: &[Survey]) -> String {
    if surveys.is_empty() {
        return "No surveys in your units yet. Create one with `canvass survey create FILE`."
            .into();
    }
    let mut out = format!(
        "{:>5}  {:<7}  {:<9}  {:>7}  {}\n",
        "ID", "STATUS", "ANSWERING", "VERSION", "TITLE"
    );
    for s in surveys {
        let _ = writeln!(
            out,
            "{:>5}  {:<7}  {:<9}  {:>7}  {}",
            s.id,
            s.status.as_str(),
            if s.accepting { "yes" } else { "no" },
            s.current_version
                .map_or_else(|| "-".to_string(), |v| v.to_string()),
            title(&s.title)
        );
        let _ = writeln!(out, "{:>5}  link: {}", "", s.public_url);
    }
    out.pop();
    out
}

/// One survey after `create`, `publish`, `close` or `open`: what it is now, its links and the
/// next step.
#[must_use]
pub fn render_survey(survey: &Survey, done: &str) -> String {
    let mut out = format!(
        "{done} survey {}: {}\n  status: {}{}\n",
        survey.id,
        title(&survey.title),
        survey.status.as_str(),
        if survey.accepting {
            ", accepting answers"
        } else {
            ", not accepting answers"
        }
    );
    if let Some(v) = survey.current_version {
        let _ = writeln!(out, "  published version: {v}");
    }
    if let Some(v) = survey.draft_version {
        let _ = writeln!(out, "  draft version: {v} (not yet published)");
    }
    let _ = writeln!(
        out,
        "  owner unit: {}, minimum group size: {}",
        survey.unit_id, survey.min_group_size
    );
    if survey.opens_at.is_some() || survey.closes_at.is_some() {
        let _ = writeln!(
            out,
            "  window: {} to {}",
            survey.opens_at.map_or_else(|| "-".into(), format_moment),
            survey.closes_at.map_or_else(|| "-".into(), format_moment)
        );
    }
    let _ = writeln!(out, "  public link: {}", survey.public_url);
    for t in &survey.targets {
        let _ = writeln!(
            out,
            "  link for {} (unit {}): {}",
            t.name, t.unit_id, t.public_url
        );
    }
    match survey.status {
        SurveyStatus::Draft => {
            let _ = write!(
                out,
                "Nothing can be answered yet. Publish it with `canvass survey publish {}`.",
                survey.id
            );
        }
        SurveyStatus::Open => {
            let _ = write!(out, "Close it with `canvass survey close {}`.", survey.id);
        }
        SurveyStatus::Closed => {
            let _ = write!(out, "Reopen it with `canvass survey open {}`.", survey.id);
        }
    }
    out
}

fn title(t: &Localized) -> String {
    let zh = t.get(Lang::ZhCn);
    let en = t.get(Lang::En);
    if zh == en {
        zh.to_string()
    } else {
        format!("{zh} / {en}")
    }
}
