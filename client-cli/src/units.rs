//! The organiser's unit commands besides the import: `canvass unit list` (the tree of the
//! account's units) and `canvass unit add NAME --kind KIND [--parent ID] [--window]`, through
//! the same API as the console's units page.

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::tr;
use canvass_protocol::units::{CreateUnit, Unit, UnitKind};
use canvass_protocol::{msg, t};

use crate::credentials::CredentialStore;
use crate::error::CliError;
use crate::session::signed_in;
use crate::table::{Align, Table};

/// The units of the signed-in account's subtree, root first.
pub fn list(store: &CredentialStore, lang: Lang) -> Result<Vec<Unit>, CliError> {
    let (client, _) = signed_in(store, lang)?;
    Ok(client.list_units()?)
}

/// The kind `typed` names (`village`, or its name in either language: 村, Village); a kind
/// that is none is refused with the valid ones listed (each as typed on the command line and
/// in Chinese), before anything is sent.
pub fn parse_kind(typed: &str) -> Result<UnitKind, CliError> {
    let typed = typed.trim();
    UnitKind::ALL
        .into_iter()
        .find(|k| {
            k.as_str().eq_ignore_ascii_case(typed)
                || k.label_zh() == typed
                || k.label(Lang::En).eq_ignore_ascii_case(typed)
        })
        .ok_or_else(|| {
            let valid = UnitKind::ALL
                .iter()
                .map(|k| format!("{} ({})", k.as_str(), k.label_zh()))
                .collect::<Vec<_>>()
                .join(", ");
            CliError::Usage(msg!("cli-unit-kind-unknown", kind = typed, valid = valid))
        })
}

/// Adds unit `name` of `kind` under `parent` (none for a county), a window unit when
/// `window`.
pub fn add(
    store: &CredentialStore,
    name: &str,
    kind: &str,
    parent: Option<i64>,
    window: bool,
    lang: Lang,
) -> Result<Unit, CliError> {
    let kind = parse_kind(kind)?;
    let (client, _) = signed_in(store, lang)?;
    Ok(client.create_unit(&CreateUnit {
        name: name.trim().to_owned(),
        kind,
        parent_id: parent,
        window_unit: window,
    })?)
}

/// The tree as a table: id, kind, name indented under its parent, whether it is a window unit
/// and whether it is retired.
#[must_use]
pub fn render_list(units: &[Unit], lang: Lang) -> String {
    if units.is_empty() {
        return tr(lang, "cli-unit-list-empty");
    }
    let top = units.iter().map(|u| u.path.len()).min().unwrap_or(1);
    let mut table = Table::new(vec![
        (tr(lang, "cli-unit-col-id"), Align::Right),
        (tr(lang, "cli-unit-col-kind"), Align::Left),
        (tr(lang, "cli-unit-col-name"), Align::Left),
        (tr(lang, "cli-unit-col-notes"), Align::Left),
    ]);
    for u in units {
        let mut notes = Vec::new();
        if u.window_unit {
            notes.push(tr(lang, "cli-unit-window"));
        }
        if u.retired {
            notes.push(tr(lang, "cli-unit-retired"));
        }
        table.row(vec![
            u.id.to_string(),
            u.kind.label(lang).to_owned(),
            format!(
                "{}{}",
                "  ".repeat(u.path.len().saturating_sub(top)),
                u.name
            ),
            notes.join(", "),
        ]);
    }
    table.render()
}

/// What `unit add` did.
#[must_use]
pub fn render_added(unit: &Unit, lang: Lang) -> String {
    t!(
        lang,
        "cli-unit-added",
        name = unit.name.as_str(),
        id = unit.id,
        kind = unit.kind.label(lang)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, kind: UnitKind, name: &str, path: Vec<i64>) -> Unit {
        Unit {
            id,
            parent_id: None,
            kind,
            name: name.into(),
            window_unit: id == 2,
            path,
            retired: id == 4,
            population: None,
        }
    }

    #[test]
    fn the_tree_is_listed_indented_with_its_window_and_retired_units() {
        let units = [
            unit(1, UnitKind::County, "清河县", vec![1]),
            unit(2, UnitKind::Department, "县市场监督管理局", vec![1, 2]),
            unit(3, UnitKind::Township, "东山镇", vec![1, 3]),
            unit(4, UnitKind::Village, "东山村", vec![1, 3, 4]),
        ];
        let text = render_list(&units, Lang::ZhCn);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[2].contains("  县市场监督管理局") && lines[2].contains("窗口单位"));
        assert!(
            lines[4].contains("    东山村") && lines[4].contains("已撤销"),
            "{text}"
        );
        assert!(render_list(&[], Lang::En).contains("canvass unit add"));
    }

    #[test]
    fn a_kind_is_read_in_either_language_and_a_wrong_one_lists_the_valid_ones() {
        assert_eq!(parse_kind("村").unwrap(), UnitKind::Village);
        assert_eq!(parse_kind("Township").unwrap(), UnitKind::Township);
        assert_eq!(parse_kind("community").unwrap(), UnitKind::Community);
        let Err(CliError::Usage(m)) = parse_kind("hamlet") else {
            panic!("a wrong kind is refused");
        };
        let text = m.render(Lang::En);
        assert!(
            text.contains("hamlet") && text.contains("village (村)"),
            "{text}"
        );
    }
}
