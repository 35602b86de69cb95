//! Tests of the XLSForm import and export: the round trip of the documented examples and of
//! generated forms, and a corpus of workbooks, one per case, each with the exact problems it
//! must give.

use rust_xlsxwriter::Workbook;

use super::*;
use crate::forms::{FormDefinition, Lang};
use crate::sheets::{ProblemCode, Severity, SheetProblem};

mod corpus;
mod round_trip;

/// A cell of a test workbook: text or TRUE/FALSE.
#[derive(Clone, Copy)]
enum V<'a> {
    T(&'a str),
    B(bool),
}

impl<'a> From<&'a str> for V<'a> {
    fn from(text: &'a str) -> Self {
        V::T(text)
    }
}

/// Writes a workbook of `sheets`, each a name and rows of cells; an empty text is an empty cell.
fn workbook(sheets: &[(&str, Vec<Vec<V<'_>>>)]) -> Vec<u8> {
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
fn rows(rows: &[&[&str]]) -> Vec<Vec<V<'static>>> {
    rows.iter()
        .map(|r| r.iter().map(|c| V::T(leak(c))).collect())
        .collect()
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// The settings sheet with a title.
fn settings() -> (&'static str, Vec<Vec<V<'static>>>) {
    (
        "settings",
        rows(&[&["form_title"], &["窗口服务满意度测评"]]),
    )
}

/// A problem as the corpus states it: code, severity, sheet, row, column letter.
type Expected<'a> = (
    ProblemCode,
    Severity,
    Option<&'a str>,
    Option<u32>,
    Option<&'a str>,
);

fn summary(problems: &[SheetProblem]) -> Vec<Expected<'_>> {
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

/// Imports `bytes` and checks that the problems are exactly `expected`, in order, and that each
/// renders in both languages without a missing message.
#[track_caller]
fn expect_problems(bytes: &[u8], expected: &[Expected<'_>]) -> XlsFormImport {
    let import = import_xlsform(bytes);
    let rendered: Vec<String> = import.problems.iter().map(|p| p.render(Lang::En)).collect();
    assert_eq!(summary(&import.problems), expected, "{rendered:#?}");
    for problem in &import.problems {
        for lang in Lang::ALL {
            let text = problem.render(lang);
            assert!(!text.contains("sheet-"), "missing message: {text}");
        }
    }
    let has_error = import.problems.iter().any(SheetProblem::is_error);
    assert_eq!(import.form.is_none(), has_error);
    import
}

/// Imports `bytes`, which must give a form with no problem at all.
#[track_caller]
fn expect_form(bytes: &[u8]) -> FormDefinition {
    let import = expect_problems(bytes, &[]);
    import.form.expect("a form")
}
