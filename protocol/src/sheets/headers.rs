//! The header row of a plain table (roster, unit list): columns recognised by their Chinese or
//! English names, in any order.

use std::collections::HashMap;
use std::hash::Hash;

use super::table::{Row, Sheet};
use super::{column_letter, ProblemCode, SheetProblem};
use crate::i18n::Arg;
use crate::msg;

/// A column a table import reads: its key, the names it is known by, its names in the two
/// languages for messages, and whether the table must have it.
pub(crate) struct Field<K> {
    pub key: K,
    pub aliases: &'static [&'static str],
    pub zh: &'static str,
    pub en: &'static str,
    pub required: bool,
}

/// Normalises a header for comparison: lowercase, without spaces, underscores, hyphens and the
/// asterisks that mark required columns.
fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '*' | '＊'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Column `header` means the same as the earlier column `other` at 0-based `other_index`.
pub(crate) fn duplicate_column(header: &str, other_index: u32, other: &str) -> SheetProblem {
    SheetProblem::error(
        ProblemCode::DuplicateColumn,
        msg!(
            "sheet-duplicate-column",
            header = header,
            other = other,
            other_column = column_letter(other_index)
        ),
    )
}

/// The recognised columns of a table.
pub(crate) struct Headers<K> {
    found: HashMap<K, (usize, String)>,
    sheet: Option<String>,
}

impl<K: Copy + Eq + Hash> Headers<K> {
    /// Reads the header row: a column no field knows gives a warning (when it has values), two
    /// columns of one field an error, a missing required column an error.
    pub(crate) fn read(
        sheet: &Sheet,
        fields: &[Field<K>],
        problems: &mut Vec<SheetProblem>,
    ) -> Self {
        let mut headers = Headers {
            found: HashMap::new(),
            sheet: sheet.name.clone(),
        };
        let header_row = sheet.header().map_or(1, |h| h.number);
        let width = sheet.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        for index in 0..width {
            let title = sheet
                .header()
                .and_then(|h| h.cell(index).text())
                .unwrap_or_default()
                .into_owned();
            let normalised = normalise(&title);
            let column = u32::try_from(index).unwrap_or(u32::MAX);
            let at = |p: SheetProblem| {
                sheet
                    .problem(p)
                    .at_row(header_row)
                    .at_column(column, &title)
            };
            match fields
                .iter()
                .find(|f| f.aliases.iter().any(|a| normalise(a) == normalised))
            {
                Some(field) => {
                    if let Some((first, first_title)) = headers.found.get(&field.key) {
                        let first = u32::try_from(*first).unwrap_or(u32::MAX);
                        problems.push(at(duplicate_column(&title, first, first_title)));
                    } else {
                        headers.found.insert(field.key, (index, title.clone()));
                    }
                }
                None if sheet.data_rows().iter().any(|r| !r.cell(index).is_empty()) => {
                    problems.push(at(SheetProblem::warning(msg!(
                        "sheet-column-not-read",
                        header = title.clone()
                    ))));
                }
                None => {}
            }
        }
        for field in fields.iter().filter(|f| f.required) {
            if !headers.found.contains_key(&field.key) {
                problems.push(
                    sheet
                        .problem(SheetProblem::error(
                            ProblemCode::MissingColumn,
                            msg!(
                                "sheet-missing-column",
                                header = Arg::Localized {
                                    zh_cn: field.zh.to_owned(),
                                    en: Some(field.en.to_owned())
                                }
                            ),
                        ))
                        .at_row(header_row),
                );
            }
        }
        headers
    }

    /// Whether every required column is there (the rows can be read).
    pub(crate) fn has(&self, key: K) -> bool {
        self.found.contains_key(&key)
    }

    /// The cell of `row` in the column as trimmed text; `None` when empty or absent.
    pub(crate) fn text(&self, row: &Row, key: K) -> Option<String> {
        let (index, _) = self.found.get(&key)?;
        row.cell(*index).text().map(std::borrow::Cow::into_owned)
    }

    /// The cell of `row` in the column.
    pub(crate) fn cell<'r>(&self, row: &'r Row, key: K) -> Option<&'r super::Cell> {
        self.found.get(&key).map(|(index, _)| row.cell(*index))
    }

    /// A problem in the column on `row`.
    pub(crate) fn problem(&self, row: u32, key: K, problem: SheetProblem) -> SheetProblem {
        let problem = problem.in_sheet(self.sheet.as_deref()).at_row(row);
        match self.found.get(&key) {
            Some((index, header)) => {
                problem.at_column(u32::try_from(*index).unwrap_or(u32::MAX), header)
            }
            None => problem,
        }
    }
}

/// Checks a required short text (a name, a post): present, at most `max` characters, without
/// control characters. Reports the problem and gives `None` when it fails.
pub(crate) fn short_text<K: Copy + Eq + Hash>(
    headers: &Headers<K>,
    row: &Row,
    key: K,
    max: usize,
    required: bool,
    problems: &mut Vec<SheetProblem>,
) -> Option<String> {
    let Some(text) = headers.text(row, key) else {
        if required {
            problems.push(headers.problem(
                row.number,
                key,
                SheetProblem::error(ProblemCode::MissingValue, msg!("sheet-cell-empty")),
            ));
        }
        return None;
    };
    if text.chars().count() > max {
        problems.push(headers.problem(
            row.number,
            key,
            SheetProblem::error(
                ProblemCode::InvalidValue,
                msg!("sheet-text-too-long", max = max),
            ),
        ));
        return None;
    }
    if text.chars().any(char::is_control) {
        problems.push(headers.problem(
            row.number,
            key,
            SheetProblem::error(ProblemCode::InvalidValue, msg!("sheet-control-characters")),
        ));
        return None;
    }
    Some(text)
}
