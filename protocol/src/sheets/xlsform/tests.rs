//! Tests of the XLSForm import and export: the round trip of the documented examples and of
//! generated forms, and a corpus of workbooks, one per case, each with the exact problems it
//! must give.

use super::*;
use crate::forms::{FormDefinition, Lang};
pub(crate) use crate::sheets::testing::{rows, summary, workbook, Expected, V};
use crate::sheets::{ProblemCode, Severity, SheetProblem};

mod corpus;
mod round_trip;

/// The settings sheet with a title.
fn settings() -> (&'static str, Vec<Vec<V<'static>>>) {
    (
        "settings",
        rows(&[&["form_title"], &["窗口服务满意度测评"]]),
    )
}

/// Imports `bytes` and checks that the problems are exactly `expected`, in order, and that each
/// renders in both languages without a missing message.
#[track_caller]
fn expect_problems(bytes: &[u8], expected: &[Expected<'_>]) -> XlsFormImport {
    let import = import_xlsform(bytes);
    let rendered: Vec<String> = import.problems.iter().map(|p| p.render(Lang::En)).collect();
    assert_eq!(summary(&import.problems), expected, "{rendered:#?}");
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
