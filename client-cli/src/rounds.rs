//! The organiser's appraisal-round commands: `canvass round list`, `create`, `open`, `close`,
//! `publish` and `codes`, and how their results are shown.

use std::path::Path;

pub use crate::api::RoundAction;
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::{tr, Message};
use canvass_protocol::rounds::Round;
use canvass_protocol::rounds::{
    CreateRound, GenerateCodes, GeneratedCodes, RoundInfo, RoundStatus,
};
use canvass_protocol::{msg, t};
use serde_json::Value;

use crate::credentials::CredentialStore;
use crate::error::CliError;
use crate::files::{FileAction, FileError};
use crate::session::signed_in;
use crate::sync::round_status;
use crate::table::{Align, Table};

/// The rounds of the signed-in account's units.
pub fn list(store: &CredentialStore, lang: Lang) -> Result<Vec<RoundInfo>, CliError> {
    let (client, _) = signed_in(store, lang)?;
    Ok(client.list_rounds()?)
}

/// Reads a round file: a round definition (docs/rounds.md) or `{"definition": ..,
/// "unit_id": ..}`; `unit` replaces the file's unit. The definition is checked here with the
/// server's own rules, so nothing is sent when it has a problem.
pub fn build_create_round(text: &str, unit: Option<i64>) -> Result<CreateRound, CliError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| CliError::Input(msg!("cli-round-file-not-json", reason = e.to_string())))?;
    let wrapped = value.get("definition").is_some();
    let does_not_fit = |e: serde_json::Error| {
        CliError::Input(msg!("cli-round-file-does-not-fit", reason = e.to_string()))
    };
    let mut body: CreateRound = if wrapped {
        serde_json::from_value(value).map_err(does_not_fit)?
    } else {
        CreateRound {
            definition: serde_json::from_value(value).map_err(does_not_fit)?,
            unit_id: None,
        }
    };
    if unit.is_some() {
        body.unit_id = unit;
    }
    if let Err(problems) = Round::new(body.definition.clone()) {
        return Err(CliError::Input(msg!(
            "cli-round-file-problems",
            count = problems.len(),
            problems = problems
                .iter()
                .map(|p| format!(
                    "  - {}: {} [{}]",
                    p.field.as_deref().unwrap_or("definition"),
                    p.message,
                    p.code
                ))
                .collect::<Vec<_>>()
                .join("\n")
        )));
    }
    Ok(body)
}

/// Creates a draft round from FILE.
pub fn create(
    store: &CredentialStore,
    file: &Path,
    unit: Option<i64>,
    lang: Lang,
) -> Result<RoundInfo, CliError> {
    let text = crate::files::read_input_text(file)?;
    let body = build_create_round(&text, unit)?;
    let (client, _) = signed_in(store, lang)?;
    Ok(client.create_round(&body)?)
}

/// Opens, closes or publishes round `id`.
pub fn act(
    store: &CredentialStore,
    id: i64,
    action: RoundAction,
    lang: Lang,
) -> Result<RoundInfo, CliError> {
    let (client, _) = signed_in(store, lang)?;
    Ok(client.round_action(id, action)?)
}

/// Generates `count` one-time codes for an elector group. With `slips`, the printable A4 slips
/// page is written there (the codes are only on it); otherwise the codes are returned. Either
/// way the server keeps only their hashes: these codes cannot be shown again.
pub fn codes(
    store: &CredentialStore,
    id: i64,
    group: &str,
    count: u32,
    slips: Option<&Path>,
    lang: Lang,
) -> Result<Option<GeneratedCodes>, CliError> {
    let (client, _) = signed_in(store, lang)?;
    let body = GenerateCodes {
        elector_group: elector_group(&client.list_rounds()?, id, group)?,
        count,
    };
    let Some(path) = slips else {
        return Ok(Some(client.generate_codes(id, &body)?));
    };
    let html = client.ballot_slips(id, &body)?;
    write_private(path, html.as_bytes())?;
    Ok(None)
}

/// The elector group of round `id` that `given` names, by id or by its exact label (the
/// organiser may type 县领导 for `county_leaders`). A name that is neither is refused with the
/// round's groups listed; a round not among `rounds` is left to the server to judge.
fn elector_group(rounds: &[RoundInfo], id: i64, given: &str) -> Result<String, CliError> {
    let Some(round) = rounds.iter().find(|r| r.id == id) else {
        return Ok(given.to_string());
    };
    let groups = &round.definition.elector_groups;
    let given = given.trim();
    groups
        .iter()
        .find(|g| g.id == given)
        .or_else(|| groups.iter().find(|g| g.label == given))
        .map(|g| g.id.clone())
        .ok_or_else(|| {
            CliError::Usage(msg!(
                "cli-error-no-such-group",
                group = given,
                known = crate::catalog::join_localized(
                    &groups
                        .iter()
                        .map(|g| format!("{} ({})", g.id, g.label))
                        .collect::<Vec<_>>()
                )
            ))
        })
}

/// Writes a file readable by its owner only (it holds unused ballot codes).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let fail =
        |e: std::io::Error| CliError::Input(FileError::at(FileAction::Write, path)(e).message());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(fail)
}

/// The round list as a table; the ballot page under each.
#[must_use]
pub fn render_list(rounds: &[RoundInfo], lang: Lang) -> String {
    if rounds.is_empty() {
        return tr(lang, "cli-round-list-empty");
    }
    let mut table = Table::new(vec![
        (tr(lang, "cli-round-col-id"), Align::Right),
        (tr(lang, "cli-round-col-status"), Align::Left),
        (tr(lang, "cli-round-col-period"), Align::Left),
        (tr(lang, "cli-round-col-series"), Align::Left),
    ]);
    for r in rounds {
        table.row(vec![
            r.id.to_string(),
            round_status(r.status).render(lang),
            r.period.clone(),
            r.series_name.clone(),
        ]);
        table.note(t!(
            lang,
            "cli-round-ballot-page",
            url = r.ballot_url.as_str()
        ));
    }
    table.render()
}

/// What was done to a round, for the lines that show it after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Created,
    Opened,
    Closed,
    Published,
}

/// One round after a command: what it is now and the next step.
#[must_use]
pub fn render_round(round: &RoundInfo, done: Done, lang: Lang) -> String {
    let d = &round.definition;
    let done = match done {
        Done::Created => "cli-round-created",
        Done::Opened => "cli-round-opened",
        Done::Closed => "cli-round-closed",
        Done::Published => "cli-round-published",
    };
    let groups = d
        .elector_groups
        .iter()
        .map(|g| {
            t!(
                lang,
                "cli-round-group",
                id = g.id.as_str(),
                label = g.label.as_str(),
                weight = g.weight
            )
        })
        .collect::<Vec<_>>();
    let groups = crate::catalog::join(lang, &groups);
    let next = match round.status {
        RoundStatus::Draft => "cli-round-next-draft",
        RoundStatus::Open => "cli-round-next-open",
        RoundStatus::Closed => "cli-round-next-closed",
        RoundStatus::Published => "cli-round-next-published",
    };
    [
        Message::new(done)
            .arg("id", round.id)
            .arg("series", round.series_name.as_str())
            .arg("period", round.period.as_str())
            .render(lang),
        t!(lang, "cli-round-state", status = round_status(round.status)),
        Message::new(if d.team.is_some() {
            "cli-round-subjects-team"
        } else {
            "cli-round-subjects"
        })
        .arg("officials", d.officials.len())
        .arg("groups", groups)
        .render(lang),
        t!(lang, "cli-round-min-group", size = round.min_group_size),
        t!(
            lang,
            "cli-round-ballot-page-line",
            url = round.ballot_url.as_str()
        ),
        Message::new(next).arg("id", round.id).render(lang),
    ]
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../docs/examples/round-township-2026.json");

    #[test]
    fn a_bare_definition_and_a_wrapped_one_both_read() {
        let bare = build_create_round(EXAMPLE, Some(4)).unwrap();
        assert_eq!(bare.unit_id, Some(4));
        let value: Value = serde_json::from_str(EXAMPLE).unwrap();
        let wrapped = serde_json::json!({"definition": value, "unit_id": 7}).to_string();
        let body = build_create_round(&wrapped, None).unwrap();
        assert_eq!(body.unit_id, Some(7));
        assert_eq!(body.definition, bare.definition);
    }

    #[test]
    fn a_definition_with_problems_is_refused_here_with_each_problem() {
        let mut value: Value = serde_json::from_str(EXAMPLE).unwrap();
        value["elector_groups"] = serde_json::json!([]);
        let err = build_create_round(&value.to_string(), None)
            .unwrap_err()
            .render(Lang::En);
        assert!(
            err.contains("nothing was sent") && err.contains("round_has_no_elector_groups"),
            "{err}"
        );
        let err = build_create_round("{\"period\": ", None)
            .unwrap_err()
            .render(Lang::En);
        assert!(err.contains("not valid JSON"), "{err}");
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use canvass_protocol::rounds::RoundDefinition;

    #[test]
    fn a_group_is_named_by_id_or_label_and_a_wrong_one_lists_the_groups() {
        let definition: RoundDefinition =
            serde_json::from_str(include_str!("../../docs/examples/round-township-2026.json"))
                .unwrap();
        let round = RoundInfo {
            id: 5,
            unit_id: 1,
            series_id: "s".into(),
            series_name: "青山镇".into(),
            period: "2026年度".into(),
            status: RoundStatus::Draft,
            ballot_url: "http://x/b/5".into(),
            min_group_size: 5,
            definition,
            created_at: 0,
        };
        let first = &round.definition.elector_groups[0];
        let rounds = vec![round.clone()];
        assert_eq!(elector_group(&rounds, 5, &first.id).unwrap(), first.id);
        assert_eq!(elector_group(&rounds, 5, &first.label).unwrap(), first.id);
        let err = elector_group(&rounds, 5, "nobody").unwrap_err();
        assert_eq!(err.exit_code(), crate::error::EXIT_USAGE);
        let shown = err.render(Lang::ZhCn);
        for g in &round.definition.elector_groups {
            assert!(shown.contains(&g.id) && shown.contains(&g.label), "{shown}");
        }
        assert_eq!(elector_group(&rounds, 6, "nobody").unwrap(), "nobody");
    }
}
