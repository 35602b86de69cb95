//! The organiser's appraisal-round commands: `canvass round list`, `create`, `open`, `close`,
//! `publish` and `codes`, and how their results are shown.

use std::fmt::Write as _;
use std::path::Path;

pub use crate::api::RoundAction;
use canvass_protocol::forms::Lang;
use canvass_protocol::rounds::{
    CreateRound, GenerateCodes, GeneratedCodes, RoundInfo, RoundStatus,
};
use canvass_protocol::rounds::{Round, RoundDefinition};
use serde_json::Value;

use crate::credentials::CredentialStore;
use crate::error::CliError;
use crate::session::signed_in;

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
        .map_err(|e| CliError::Input(format!("the round file is not valid JSON: {e}")))?;
    let wrapped = value.get("definition").is_some();
    let mut body: CreateRound = if wrapped {
        serde_json::from_value(value).map_err(|e| {
            CliError::Input(format!("the round file does not fit (docs/rounds.md): {e}"))
        })?
    } else {
        let definition: RoundDefinition = serde_json::from_value(value).map_err(|e| {
            CliError::Input(format!(
                "the round definition does not fit (docs/rounds.md): {e}"
            ))
        })?;
        CreateRound {
            definition,
            unit_id: None,
        }
    };
    if unit.is_some() {
        body.unit_id = unit;
    }
    if let Err(problems) = Round::new(body.definition.clone()) {
        let mut message = format!(
            "the round definition has {} problem(s); nothing was sent:",
            problems.len()
        );
        for p in problems {
            let _ = write!(
                message,
                "\n  {}: {} ({})",
                p.field.as_deref().unwrap_or("definition"),
                p.message,
                p.code
            );
        }
        return Err(CliError::Input(message));
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
    let text = std::fs::read_to_string(file).map_err(|e| {
        CliError::Input(format!(
            "cannot read the round file {}: {e}. Check the path.",
            file.display()
        ))
    })?;
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
        elector_group: group.to_string(),
        count,
    };
    let Some(path) = slips else {
        return Ok(Some(client.generate_codes(id, &body)?));
    };
    let html = client.ballot_slips(id, &body)?;
    write_private(path, html.as_bytes())?;
    Ok(None)
}

/// Writes a file readable by its owner only (it holds unused ballot codes).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))
}

/// The round list as a table.
#[must_use]
pub fn render_list(rounds: &[RoundInfo]) -> String {
    if rounds.is_empty() {
        return "No appraisal rounds in your units yet. Create one with `canvass round create FILE`.".into();
    }
    let mut out = format!(
        "{:>5}  {:<9}  {:<12}  {}\n",
        "ID", "STATUS", "PERIOD", "SERIES"
    );
    for r in rounds {
        let _ = writeln!(
            out,
            "{:>5}  {:<9}  {:<12}  {}",
            r.id,
            r.status.as_str(),
            r.period,
            r.series_name
        );
        let _ = writeln!(out, "{:>5}  ballot page: {}", "", r.ballot_url);
    }
    out.pop();
    out
}

/// One round after a command: what it is now and the next step.
#[must_use]
pub fn render_round(round: &RoundInfo, done: &str) -> String {
    let d = &round.definition;
    let mut out = format!(
        "{done} round {}: {} {}\n  status: {}\n",
        round.id,
        round.series_name,
        round.period,
        round.status.as_str()
    );
    let _ = writeln!(
        out,
        "  subjects: {} official(s){}; elector groups: {}",
        d.officials.len(),
        if d.team.is_some() {
            " and the team"
        } else {
            ""
        },
        d.elector_groups
            .iter()
            .map(|g| format!("{} ({}, weight {})", g.id, g.label, g.weight))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(out, "  minimum group size: {}", round.min_group_size);
    let _ = writeln!(out, "  ballot page: {}", round.ballot_url);
    let next = match round.status {
        RoundStatus::Draft => format!("Generate codes with `canvass round codes {} --group GROUP --count N --slips slips.html`, then open it with `canvass round open {}`.", round.id, round.id),
        RoundStatus::Open => format!("Electors vote now. Close it with `canvass round close {}`.", round.id),
        RoundStatus::Closed => format!("Enter any remaining tally sheets, then publish the results with `canvass round publish {}`.", round.id),
        RoundStatus::Published => "The results are final and visible to leaders.".to_string(),
    };
    out.push_str(&next);
    out
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
            .to_string();
        assert!(
            err.contains("nothing was sent") && err.contains("round_has_no_elector_groups"),
            "{err}"
        );
        let err = build_create_round("{\"period\": ", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not valid JSON"), "{err}");
    }
}
