//! The organiser's spreadsheet imports: `canvass unit import FILE` (a unit list) and `canvass
//! official import FILE` (a roster, 干部名册). The file goes to the server as a dry run first;
//! its preview (what each row does, every problem with its row and cell) is printed, and the
//! file is imported only when it has no error and the organiser says yes (or gave `--yes`).

use std::io::{BufRead, Write};
use std::path::Path;

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::tr;
use canvass_protocol::sheets::{
    count_message, ImportAction, ImportReport, Severity, SheetProblemDetail,
};
use canvass_protocol::{msg, t};

use crate::api::SheetKind;
use crate::credentials::CredentialStore;
use crate::error::CliError;
use crate::prompt::{Prompter, Reply};
use crate::session::signed_in;
use crate::table::{Align, Table};

/// How an import ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// Every row was stored.
    Stored(ImportReport),
    /// The file has problems that are errors: nothing was stored.
    Refused(ImportReport),
    /// The organiser did not confirm: nothing was stored.
    Declined,
}

/// A problem in words, with its place: "第 3 行 A 列(名称):此处不能为空。".
#[must_use]
pub fn problem_line(problem: &SheetProblemDetail, lang: Lang) -> String {
    let header = problem.header.clone().unwrap_or_default();
    let column = problem.column.clone().unwrap_or_default();
    let place = match (&problem.sheet, problem.row, problem.column.is_some()) {
        (None, None, false) => None,
        (Some(sheet), None, false) => Some(msg!("sheet-where-sheet", sheet = sheet.as_str())),
        (None, Some(row), false) => Some(msg!("sheet-where-row", row = row)),
        (Some(sheet), Some(row), false) => Some(msg!(
            "sheet-where-sheet-row",
            sheet = sheet.as_str(),
            row = row
        )),
        (None, None, true) => Some(msg!("sheet-where-column", column = column, header = header)),
        (Some(sheet), None, true) => Some(msg!(
            "sheet-where-sheet-column",
            sheet = sheet.as_str(),
            column = column,
            header = header
        )),
        (None, Some(row), true) => Some(msg!(
            "sheet-where-cell",
            row = row,
            column = column,
            header = header
        )),
        (Some(sheet), Some(row), true) => Some(msg!(
            "sheet-where-sheet-cell",
            sheet = sheet.as_str(),
            row = row,
            column = column,
            header = header
        )),
    };
    let line = match place {
        None => problem.message.clone(),
        Some(place) => t!(
            lang,
            "sheet-problem-at",
            place = place.render(lang),
            message = problem.message.as_str()
        ),
    };
    match problem.severity {
        Severity::Error => line,
        Severity::Warning => t!(lang, "cli-sheet-warning", problem = line),
    }
}

fn action_word(action: ImportAction, lang: Lang) -> String {
    tr(
        lang,
        match action {
            ImportAction::Create => "cli-sheet-action-create",
            ImportAction::Update => "cli-sheet-action-update",
            ImportAction::Unchanged => "cli-sheet-action-unchanged",
        },
    )
}

fn has_errors(report: &ImportReport) -> bool {
    report
        .problems
        .iter()
        .any(|p| p.severity == Severity::Error)
}

/// The preview of `report` for `path`: each good row and what it does, then every problem
/// with its row and cell, then what importing would do.
#[must_use]
pub fn render_preview(report: &ImportReport, path: &str, lang: Lang) -> String {
    let mut out = Vec::new();
    if !report.rows.is_empty() {
        let mut table = Table::new(vec![
            (tr(lang, "cli-sheet-row"), Align::Right),
            (tr(lang, "cli-sheet-name"), Align::Left),
            (tr(lang, "cli-sheet-action"), Align::Left),
        ]);
        for row in &report.rows {
            table.row(vec![
                row.row.to_string(),
                row.name.clone(),
                action_word(row.action, lang),
            ]);
        }
        out.push(table.render());
    }
    if !report.problems.is_empty() {
        out.push(format!(
            "{}:",
            count_message(report.problems.len()).render(lang)
        ));
        for problem in &report.problems {
            out.push(format!("  {}", problem_line(problem, lang)));
        }
    }
    out.push(t!(
        lang,
        "cli-sheet-preview",
        path = path,
        created = report.created,
        updated = report.updated,
        unchanged = report.unchanged
    ));
    out.join("\n")
}

/// Sends FILE as a dry run, prints its preview to `p`, and imports it when it has no error
/// and the organiser confirms (at once with `yes`).
pub fn import<R: BufRead, W: Write>(
    store: &CredentialStore,
    kind: SheetKind,
    file: &Path,
    yes: bool,
    p: &mut Prompter<R, W>,
) -> Result<Imported, CliError> {
    let lang = p.lang;
    let bytes = crate::files::read_input(file)?;
    let (client, _) = signed_in(store, lang)?;
    let preview = client.import_sheet(kind, &bytes, true)?;
    let path = file.display().to_string();
    p.say(&render_preview(&preview, &path, lang))
        .map_err(io_error)?;
    if has_errors(&preview) || preview.rows.is_empty() {
        return Ok(Imported::Refused(preview));
    }
    if !yes {
        let prompt = t!(
            lang,
            "cli-sheet-ask",
            created = preview.created,
            updated = preview.updated
        );
        loop {
            match p.ask(&format!("{prompt} ")).map_err(io_error)? {
                Reply::Help => p.say(&tr(lang, "cli-sheet-ask-help")).map_err(io_error)?,
                Reply::Text(text) if is_yes(&text) => break,
                _ => return Ok(Imported::Declined),
            }
        }
    }
    let report = client.import_sheet(kind, &bytes, false)?;
    if report.stored {
        Ok(Imported::Stored(report))
    } else {
        p.say(&render_preview(&report, &path, lang))
            .map_err(io_error)?;
        Ok(Imported::Refused(report))
    }
}

fn io_error(e: std::io::Error) -> CliError {
    CliError::Input(msg!("cli-error-terminal", reason = e.to_string()))
}

/// Whether a typed answer is yes, in either language.
fn is_yes(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "y" | "yes" | "是" | "是的" | "确定" | "导入"
    )
}

#[cfg(test)]
mod tests {
    use canvass_protocol::sheets::{ImportRow, ProblemCode};

    use super::*;

    fn report() -> ImportReport {
        ImportReport {
            error: None,
            stored: false,
            problems: vec![SheetProblemDetail {
                severity: Severity::Error,
                code: ProblemCode::MissingValue,
                sheet: None,
                row: Some(3),
                column: Some("A".into()),
                header: Some("名称".into()),
                message: "此处不能为空。".into(),
            }],
            rows: vec![ImportRow {
                row: 2,
                name: "东山村".into(),
                action: ImportAction::Create,
            }],
            created: 1,
            updated: 0,
            unchanged: 0,
        }
    }

    #[test]
    fn the_preview_lists_every_row_and_every_problem_where_it_is() {
        let text = render_preview(&report(), "units.xlsx", Lang::ZhCn);
        assert!(text.contains("东山村"), "{text}");
        assert!(text.contains("新增"), "{text}");
        assert!(text.contains("共 1 个问题"), "{text}");
        assert!(text.contains("第 3 行 A 列(名称)"), "{text}");
        assert!(text.contains("此处不能为空。"), "{text}");
        let en = render_preview(&report(), "units.xlsx", Lang::En);
        assert!(
            en.contains("row 3, column A (名称): 此处不能为空。"),
            "{en}"
        );
        assert!(en.contains("units.xlsx: 1 to add"), "{en}");
    }
}
