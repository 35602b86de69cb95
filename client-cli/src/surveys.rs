//! The organiser's survey commands: `canvass survey list`, `create`, `publish`, `close` and
//! `open`, and how their results are shown.

use std::path::{Path, PathBuf};

use canvass_protocol::forms::{Lang, Localized};
use canvass_protocol::i18n::{tr, Message};
use canvass_protocol::sheets::SheetProblem;
use canvass_protocol::surveys::{Survey, SurveyStatus};
use canvass_protocol::{msg, t};

use crate::api::SurveyAction;
use crate::credentials::CredentialStore;
use crate::dates::format_moment;
use crate::error::CliError;
use crate::session::signed_in;
use crate::survey_file::{build_create_survey, build_from_xlsform, is_workbook, SurveyOptions};
use crate::table::{Align, Table};

/// The surveys of the signed-in account's units.
pub fn list(store: &CredentialStore, lang: Lang) -> Result<Vec<Survey>, CliError> {
    let (client, _) = signed_in(store, lang)?;
    Ok(client.list_surveys()?)
}

/// Reads FILE (a JSON form or survey file, or an XLSForm workbook), checks it locally (nothing
/// is sent when it has a problem), then creates the survey as a draft. The warnings an XLSForm
/// import found come back with the survey.
pub fn create(
    store: &CredentialStore,
    file: &Path,
    options: &SurveyOptions,
    lang: Lang,
) -> Result<(Survey, Vec<SheetProblem>), CliError> {
    let bytes = crate::files::read_input(file)?;
    create_from(store, file, &bytes, options, lang)
}

/// `canvass survey import-xlsform FILE`: what [`create`] does with an XLSForm workbook; a file
/// that is not a workbook is refused before anything is sent.
pub fn import_xlsform(
    store: &CredentialStore,
    file: &Path,
    options: &SurveyOptions,
    lang: Lang,
) -> Result<(Survey, Vec<SheetProblem>), CliError> {
    let bytes = crate::files::read_input(file)?;
    if !is_workbook(&bytes) {
        return Err(CliError::Input(msg!(
            "cli-survey-not-xlsform",
            path = file.display().to_string()
        )));
    }
    create_from(store, file, &bytes, options, lang)
}

fn create_from(
    store: &CredentialStore,
    file: &Path,
    bytes: &[u8],
    options: &SurveyOptions,
    lang: Lang,
) -> Result<(Survey, Vec<SheetProblem>), CliError> {
    let (body, warnings) = if is_workbook(bytes) {
        build_from_xlsform(bytes, options)?
    } else {
        let text = crate::files::read_input_text(file)?;
        (build_create_survey(&text, options, lang)?, Vec::new())
    };
    let (client, _) = signed_in(store, lang)?;
    Ok((client.create_survey(&body)?, warnings))
}

/// Writes the form of survey `id` (version `version`, or the draft, or the published version)
/// as an XLSForm workbook to `output` (`survey-ID.xlsx` by default), which `canvass survey
/// create` and the console read back into the same form. Never replaces an existing file.
pub fn export_xlsform(
    store: &CredentialStore,
    id: i64,
    version: Option<i32>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(PathBuf, i32), CliError> {
    let (client, _) = signed_in(store, lang)?;
    let survey = client.get_survey(id)?;
    let version = version
        .or(survey.draft_version)
        .or(survey.current_version)
        .unwrap_or(1);
    let form = client.survey_version(id, version)?.definition;
    let bytes = canvass_protocol::sheets::xlsform::export_xlsform_in_series(
        &form,
        survey.series.as_deref(),
        survey.period.as_deref(),
    )
    .map_err(|e| {
        CliError::Input(msg!(
            "cli-survey-xlsform-export-failed",
            reason = e.to_string()
        ))
    })?;
    let path = output.unwrap_or_else(|| PathBuf::from(format!("survey-{id}.xlsx")));
    crate::files::write_new_file(&path, &bytes)?;
    Ok((path, version))
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

/// What was done to a survey, for the line that shows it after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Created,
    Published,
    Closed,
    Opened,
}

/// A survey's status in the reader's words.
fn status(status: SurveyStatus) -> Message {
    match status {
        SurveyStatus::Draft => msg!("cli-survey-status-draft"),
        SurveyStatus::Open => msg!("cli-survey-status-open"),
        SurveyStatus::Closed => msg!("cli-survey-status-closed"),
    }
}

/// The survey list as a table: id, status, whether answers are accepted now, version, title;
/// the link under each.
#[must_use]
pub fn render_list(surveys: &[Survey], lang: Lang) -> String {
    if surveys.is_empty() {
        return tr(lang, "cli-survey-list-empty");
    }
    let mut table = Table::new(vec![
        (tr(lang, "cli-survey-col-id"), Align::Right),
        (tr(lang, "cli-survey-col-status"), Align::Left),
        (tr(lang, "cli-survey-col-answering"), Align::Left),
        (tr(lang, "cli-survey-col-version"), Align::Right),
        (tr(lang, "cli-survey-col-title"), Align::Left),
    ]);
    for s in surveys {
        table.row(vec![
            s.id.to_string(),
            status(s.status).render(lang),
            tr(
                lang,
                if s.accepting {
                    "cli-survey-answering-yes"
                } else {
                    "cli-survey-answering-no"
                },
            ),
            s.current_version
                .map_or_else(|| "-".to_string(), |v| v.to_string()),
            title(&s.title, lang),
        ]);
        table.note(t!(lang, "cli-survey-link", url = s.public_url.as_str()));
    }
    table.render()
}

/// One survey after `create`, `publish`, `close` or `open`: what it is now, its links and the
/// next step.
#[must_use]
pub fn render_survey(survey: &Survey, done: Done, lang: Lang) -> String {
    let done = match done {
        Done::Created => "cli-survey-created",
        Done::Published => "cli-survey-published",
        Done::Closed => "cli-survey-closed",
        Done::Opened => "cli-survey-opened",
    };
    let mut lines = vec![
        Message::new(done)
            .arg("id", survey.id)
            .arg("title", title(&survey.title, lang))
            .render(lang),
        Message::new(if survey.accepting {
            "cli-survey-state-accepting"
        } else {
            "cli-survey-state-not-accepting"
        })
        .arg("status", status(survey.status))
        .render(lang),
    ];
    if let Some(v) = survey.current_version {
        lines.push(t!(lang, "cli-survey-published-version", version = v));
    }
    if let Some(v) = survey.draft_version {
        lines.push(t!(lang, "cli-survey-draft-version", version = v));
    }
    lines.push(t!(
        lang,
        "cli-survey-owner",
        unit = survey.unit_id,
        size = survey.min_group_size
    ));
    if survey.opens_at.is_some() || survey.closes_at.is_some() {
        lines.push(t!(
            lang,
            "cli-survey-window",
            opens = survey.opens_at.map_or_else(|| "-".into(), format_moment),
            closes = survey.closes_at.map_or_else(|| "-".into(), format_moment)
        ));
    }
    lines.push(t!(
        lang,
        "cli-survey-public-link",
        url = survey.public_url.as_str()
    ));
    for target in &survey.targets {
        lines.push(t!(
            lang,
            "cli-survey-target-link",
            name = target.name.as_str(),
            unit = target.unit_id,
            url = target.public_url.as_str()
        ));
    }
    let next = match survey.status {
        SurveyStatus::Draft => "cli-survey-next-draft",
        SurveyStatus::Open => "cli-survey-next-open",
        SurveyStatus::Closed => "cli-survey-next-closed",
    };
    lines.push(Message::new(next).arg("id", survey.id).render(lang));
    lines.join("\n")
}

/// A survey's title in the reader's language, with the other one when they differ.
fn title(t: &Localized, lang: Lang) -> String {
    let (first, second) = match lang {
        Lang::ZhCn => (t.get(Lang::ZhCn), t.get(Lang::En)),
        Lang::En => (t.get(Lang::En), t.get(Lang::ZhCn)),
    };
    if first == second {
        first.to_string()
    } else {
        format!("{first} / {second}")
    }
}
