//! XLSForm, the spreadsheet form format of ODK, KoBoToolbox and SurveyCTO: reading a workbook
//! (`survey`, `choices`, `settings` sheets) into a canvass [`FormDefinition`], reporting every
//! problem at once with its sheet, row and column, and writing any form back as a workbook that
//! reads into the same form. `docs/forms.md`, section "XLSForm", lists exactly what is read.

mod columns;
mod export;
mod expr;
mod import;
mod locate;

pub use export::{export_xlsform, export_xlsform_in_series, ExportError};
pub use import::{import_workbook, import_xlsform};

use crate::forms::FormDefinition;
use crate::sheets::SheetProblem;

/// The list name that means canvass's built-in satisfaction scale in `rating satisfaction` (and
/// a plain `rating`).
pub const SATISFACTION_LIST: &str = crate::forms::SATISFACTION_SCALE_ID;

/// What an XLSForm import found: the form, when no problem is an error, and every problem
/// (errors and warnings) in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct XlsFormImport {
    /// The form, valid by [`FormDefinition::validate`]; `None` when any problem is an error.
    pub form: Option<FormDefinition>,
    /// Every problem, in the order of the workbook's sheets, rows and columns.
    pub problems: Vec<SheetProblem>,
    /// The survey series and period of the `settings` sheet's `series` and `period` columns
    /// (canvass's own, for trends across periods), trimmed; `None` when absent or empty.
    pub series: Option<String>,
    pub period: Option<String>,
}

#[cfg(test)]
mod tests;
