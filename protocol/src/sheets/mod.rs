//! Spreadsheet imports and exports for the organiser's console, shared by the server's pages
//! and the command-line client: XLSForm forms, the roster of officials (干部名册) and the unit
//! list. Pure: bytes in, typed values and problems out. Every import reports all the problems
//! of a file at once, each with its sheet, row and column, a stable code and a message in the
//! reader's language ([`SheetProblem`]).

mod headers;
pub mod lookup;
mod problem;
mod report;
pub mod roster;
pub mod samples;
pub mod table;
pub mod unit_list;
pub mod xlsform;

#[cfg(test)]
mod testing;

pub use lookup::{UnitIndex, UnitLookup, UnitMatch, UnitRef};
pub use problem::{
    column_letter, count_message, has_errors, ColumnRef, ProblemCode, Severity, SheetProblem,
    SheetProblemDetail,
};
pub use report::{ImportAction, ImportReport, ImportRow};
pub use roster::{import_roster, RosterImport, RosterRow};
pub use table::{read_csv, read_table, read_workbook, Cell, Row, Sheet, Workbook};
pub use unit_list::{import_unit_list, UnitListImport, UnitListRow, UnitParent};
pub use xlsform::{export_xlsform, import_xlsform, XlsFormImport};

/// Reads a yes/no cell as clerks fill it: TRUE/FALSE cells, `yes`/`no`, `y`/`n`, `true`/`false`,
/// `1`/`0`, 是/否, √/×. `None` when the cell is empty or says something else.
#[must_use]
pub fn parse_yes_no(cell: &Cell) -> Option<bool> {
    match cell {
        Cell::Bool(b) => Some(*b),
        Cell::Number(n) if n.total_cmp(&1.0).is_eq() => Some(true),
        Cell::Number(n) if n.abs() < f64::MIN_POSITIVE => Some(false),
        Cell::Text(text) => match text.trim().to_lowercase().as_str() {
            "yes" | "y" | "true" | "true()" | "1" | "是" | "√" | "✓" | "✔" | "对" => {
                Some(true)
            }
            "no" | "n" | "false" | "false()" | "0" | "否" | "×" | "✗" | "不是" => Some(false),
            _ => None,
        },
        _ => None,
    }
}
