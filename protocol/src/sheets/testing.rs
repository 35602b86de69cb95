//! Helpers of the spreadsheet tests: workbooks written with rust_xlsxwriter, and problems
//! summarised as (code, severity, sheet, row, column letter).

use rust_xlsxwriter::Workbook;

use super::{ProblemCode, Severity, SheetProblem};
use crate::forms::Lang;

/// A cell of a test workbook: text (empty for an empty cell), a number, or TRUE/FALSE.
#[derive(Clone, Copy)]
pub(crate) enum V<'a> {
    T(&'a str),
    N(f64),
    B(bool),
}

impl<'a> From<&'a str> for V<'a> {
    fn from(text: &'a str) -> Self {
        V::T(text)
    }
}

/// Writes a workbook of `sheets`, each a name and rows of cells.
pub(crate) fn workbook(sheets: &[(&str, Vec<Vec<V<'_>>>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r).unwrap();
            for (c, value) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap();
                match value {
                    V::T("") => {}
                    V::T(text) => {
                        sheet.write_string(r, c, *text).unwrap();
                    }
                    V::N(n) => {
                        sheet.write_number(r, c, *n).unwrap();
                    }
                    V::B(b) => {
                        sheet.write_boolean(r, c, *b).unwrap();
                    }
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// Rows of text cells.
pub(crate) fn rows(rows: &[&[&str]]) -> Vec<Vec<V<'static>>> {
    rows.iter()
        .map(|r| r.iter().map(|c| V::T(leak(c))).collect())
        .collect()
}

/// A one-sheet workbook of text cells.
pub(crate) fn xlsx(table: &[&[&str]]) -> Vec<u8> {
    workbook(&[("Sheet1", rows(table))])
}

/// The same table as CSV text, UTF-8.
pub(crate) fn csv(table: &[&[&str]]) -> String {
    table
        .iter()
        .map(|r| r.join(","))
        .collect::<Vec<_>>()
        .join("\r\n")
}

pub(crate) fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// A problem as a test states it: code, severity, sheet, row, column letter.
pub(crate) type Expected<'a> = (
    ProblemCode,
    Severity,
    Option<&'a str>,
    Option<u32>,
    Option<&'a str>,
);

/// The problems as [`Expected`] tuples; asserts that each renders in both languages.
pub(crate) fn summary(problems: &[SheetProblem]) -> Vec<Expected<'_>> {
    for problem in problems {
        for lang in Lang::ALL {
            let text = problem.render(lang);
            assert!(!text.contains("sheet-"), "missing message: {text}");
        }
    }
    problems
        .iter()
        .map(|p| {
            (
                p.code,
                p.severity,
                p.sheet.as_deref(),
                p.row,
                p.column.as_ref().map(|c| leak(&c.letter())),
            )
        })
        .collect()
}

/// An error in a CSV file (no sheet) or the first sheet of a test workbook.
pub(crate) fn at<'a>(
    code: ProblemCode,
    sheet: Option<&'a str>,
    row: u32,
    column: &'a str,
) -> Expected<'a> {
    (code, Severity::Error, sheet, Some(row), Some(column))
}
