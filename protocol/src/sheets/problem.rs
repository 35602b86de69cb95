//! What an import found wrong, and where: the one problem type of every spreadsheet import.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::forms::Lang;
use crate::i18n::Message;

/// Whether a problem stops the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Nothing may be stored until it is fixed.
    Error,
    /// Something in the file is not used (a column canvass does not read, a device field
    /// canvass never records); the rest imports as shown.
    Warning,
}

/// Declares [`ProblemCode`] with its wire strings in one place.
macro_rules! problem_codes {
    ($($(#[doc = $doc:expr])* $variant:ident = $wire:literal,)*) => {
        /// A stable, machine-readable code of a spreadsheet problem, serialised in snake_case.
        /// Codes are never renamed or reused for another meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum ProblemCode {
            $($(#[doc = $doc])* #[serde(rename = $wire)] $variant,)*
        }

        impl ProblemCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant,)*];

            /// The snake_case wire form.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ProblemCode::$variant => $wire,)*
                }
            }
        }
    };
}

problem_codes! {
    /// The bytes are not a spreadsheet canvass can read (not XLSX, XLS, ODS or CSV; damaged).
    UnreadableFile = "unreadable_file",
    /// A sheet the import needs is absent (`survey`; `choices` when a question needs a list).
    MissingSheet = "missing_sheet",
    /// A column the import needs is absent.
    MissingColumn = "missing_column",
    /// A column header the import does not know.
    UnknownColumn = "unknown_column",
    /// Two columns mean the same thing.
    DuplicateColumn = "duplicate_column",
    /// A column in a language canvass does not speak (it speaks Simplified Chinese and English).
    UnsupportedLanguage = "unsupported_language",
    /// A required cell is empty.
    MissingValue = "missing_value",
    /// A cell's value is not acceptable (not a number, not yes/no, too long, out of range, ...).
    InvalidValue = "invalid_value",
    /// An XLSForm question type that canvass does not have (geopoint, image, calculate, ...).
    UnsupportedType = "unsupported_type",
    /// A word in the type column that is no XLSForm type at all.
    UnknownType = "unknown_type",
    /// An XLSForm feature canvass does not have (repeats, choice filters, defaults, ...).
    UnsupportedFeature = "unsupported_feature",
    /// A `relevant` expression that is not one of the simple forms canvass supports.
    UnsupportedRelevant = "unsupported_relevant",
    /// A `constraint` expression that is not a bound canvass supports.
    UnsupportedConstraint = "unsupported_constraint",
    /// A question, option or list name that is not a canvass id.
    InvalidName = "invalid_name",
    /// A name used twice where it must be unique.
    DuplicateName = "duplicate_name",
    /// A `select_one`, `select_multiple` or `rating` names a choice list that does not exist.
    MissingList = "missing_list",
    /// A skip rule (`relevant`) that cannot work: it names no earlier question, a text question,
    /// or a value the question cannot take.
    InvalidRelevant = "invalid_relevant",
    /// Bounds that cannot hold (min above max, a text limit above 2,000, ...).
    InvalidLimits = "invalid_limits",
    /// The form breaks a rule of canvass forms not covered by a more precise code.
    FormRule = "form_rule",
    /// `begin group` without `end group`, or the reverse.
    UnbalancedGroup = "unbalanced_group",
    /// A unit name that matches no unit.
    UnknownUnit = "unknown_unit",
    /// A unit name that matches several units: give its path (`东山镇/新村`).
    AmbiguousUnit = "ambiguous_unit",
    /// The same person twice in one unit of a roster.
    DuplicatePerson = "duplicate_person",
    /// The same unit twice under one parent in a unit list.
    DuplicateUnit = "duplicate_unit",
    /// Units of a unit list that are each other's parents.
    Cycle = "cycle",
    /// A unit kind that may not stand under its parent (a village under a county, ...).
    KindNotAllowed = "kind_not_allowed",
    /// Something in the file is read but not used; the rest imports (a warning).
    Ignored = "ignored",
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A column of a sheet: its position and the header it has in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRef {
    /// 0-based position (`A` is 0).
    pub index: u32,
    /// The header as written in the file's first row; empty when the column has none.
    pub header: String,
}

impl ColumnRef {
    /// The column's letters as Excel shows them (`A`, `Z`, `AA`).
    #[must_use]
    pub fn letter(&self) -> String {
        column_letter(self.index)
    }
}

/// The letters Excel shows for the 0-based column `index`: 0 is `A`, 25 `Z`, 26 `AA`.
#[must_use]
pub fn column_letter(index: u32) -> String {
    let mut n = u64::from(index) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = u8::try_from((n - 1) % 26).expect("below 26");
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// One problem of an uploaded spreadsheet: how much it matters, its stable code, where it is
/// (sheet, row as Excel numbers it, column) and what is wrong, as a [`Message`] rendered in the
/// reader's language. Every import reports all its problems at once, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetProblem {
    /// Whether it stops the import.
    pub severity: Severity,
    /// The stable code.
    pub code: ProblemCode,
    /// The sheet (`survey`, `choices`); `None` for a CSV file or the file as a whole.
    pub sheet: Option<String>,
    /// The row, 1-based as Excel shows it; `None` for the sheet or file as a whole.
    pub row: Option<u32>,
    /// The column; `None` for a whole row, sheet or file.
    pub column: Option<ColumnRef>,
    /// What is wrong.
    pub message: Message,
}

/// The schema lists the wire strings (`missing_column`), as serde writes them.
impl PartialSchema for ProblemCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A stable, machine-readable code of a spreadsheet problem (docs/imports.md).",
            ))
            .enum_values(Some(ProblemCode::ALL.iter().map(|code| code.as_str())))
            .into()
    }
}

impl ToSchema for ProblemCode {}

impl SheetProblem {
    /// An error for the file as a whole; place it with [`SheetProblem::in_sheet`],
    /// [`SheetProblem::at_row`] and [`SheetProblem::at_column`].
    #[must_use]
    pub fn error(code: ProblemCode, message: Message) -> Self {
        Self {
            severity: Severity::Error,
            code,
            sheet: None,
            row: None,
            column: None,
            message,
        }
    }

    /// A warning (code [`ProblemCode::Ignored`]): something read but not used.
    #[must_use]
    pub fn warning(message: Message) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(ProblemCode::Ignored, message)
        }
    }

    /// Places the problem in sheet `name`.
    #[must_use]
    pub fn in_sheet(mut self, name: Option<&str>) -> Self {
        self.sheet = name.map(str::to_owned);
        self
    }

    /// Places the problem on row `row` (1-based).
    #[must_use]
    pub fn at_row(mut self, row: u32) -> Self {
        self.row = Some(row);
        self
    }

    /// Places the problem in a column.
    #[must_use]
    pub fn at_column(mut self, index: u32, header: &str) -> Self {
        self.column = Some(ColumnRef {
            index,
            header: header.to_owned(),
        });
        self
    }

    /// Whether the problem stops the import.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where the problem is, in words: "survey 表第 3 行 C 列(label)", "row 3, column C (label)
    /// of sheet survey"; empty for the file as a whole.
    #[must_use]
    pub fn location(&self, lang: Lang) -> String {
        let sheet = self.sheet.clone().unwrap_or_default();
        let (letter, header) = self
            .column
            .as_ref()
            .map(|c| (c.letter(), c.header.clone()))
            .unwrap_or_default();
        let message = match (self.sheet.is_some(), self.row, self.column.is_some()) {
            (_, None, false) if self.sheet.is_none() => return String::new(),
            (_, None, false) => crate::msg!("sheet-where-sheet", sheet = sheet),
            (false, Some(row), false) => crate::msg!("sheet-where-row", row = row),
            (true, Some(row), false) => {
                crate::msg!("sheet-where-sheet-row", sheet = sheet, row = row)
            }
            (false, None, true) => {
                crate::msg!("sheet-where-column", column = letter, header = header)
            }
            (true, None, true) => {
                crate::msg!(
                    "sheet-where-sheet-column",
                    sheet = sheet,
                    column = letter,
                    header = header
                )
            }
            (false, Some(row), true) => {
                crate::msg!(
                    "sheet-where-cell",
                    row = row,
                    column = letter,
                    header = header
                )
            }
            (true, Some(row), true) => crate::msg!(
                "sheet-where-sheet-cell",
                sheet = sheet,
                row = row,
                column = letter,
                header = header
            ),
        };
        message.render(lang)
    }

    /// The problem in words, with its place: "survey 表第 3 行 C 列(label):……".
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        let location = self.location(lang);
        let message = self.message.render(lang);
        if location.is_empty() {
            message
        } else {
            crate::t!(
                lang,
                "sheet-problem-at",
                place = location,
                message = message
            )
        }
    }

    /// The problem as the API and the preview page receive it, in `lang`.
    #[must_use]
    pub fn detail(&self, lang: Lang) -> SheetProblemDetail {
        SheetProblemDetail {
            severity: self.severity,
            code: self.code,
            sheet: self.sheet.clone(),
            row: self.row,
            column: self.column.as_ref().map(ColumnRef::letter),
            header: self.column.as_ref().map(|c| c.header.clone()),
            message: self.message.render(lang),
        }
    }
}

impl fmt::Display for SheetProblem {
    /// The problem in Simplified Chinese, the product's default language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::ZhCn))
    }
}

/// A [`SheetProblem`] as the API sends it: the message rendered in the reader's language, the
/// column as its letter and header, so a preview can mark the bad row and cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetProblemDetail {
    pub severity: Severity,
    pub code: ProblemCode,
    /// The sheet; absent for a CSV file or the file as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The row, 1-based as Excel shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// The column's letters (`C`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The column's header as written in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// What is wrong, in the reader's language.
    pub message: String,
}

/// "3 problems" / "共 3 个问题": the heading of a list of problems.
#[must_use]
pub fn count_message(count: usize) -> Message {
    crate::msg!("sheet-problem-count", count = count)
}

/// Whether any of `problems` stops the import.
#[must_use]
pub fn has_errors(problems: &[SheetProblem]) -> bool {
    problems.iter().any(SheetProblem::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_documented() {
        let doc = include_str!("../../../docs/imports.md");
        let mut seen = std::collections::HashSet::new();
        for &code in ProblemCode::ALL {
            let wire = code.as_str();
            assert!(seen.insert(wire), "{wire} twice");
            assert!(wire.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_eq!(serde_json::to_value(code).unwrap(), wire);
            assert!(
                doc.contains(&format!("| `{wire}` |")),
                "docs/imports.md lacks {wire}"
            );
        }
    }

    #[test]
    fn a_problem_renders_where_it_is_in_both_languages() {
        let problem =
            SheetProblem::error(ProblemCode::MissingValue, crate::msg!("sheet-cell-empty"));
        assert_eq!(problem.render(Lang::En), "This cannot be empty.");
        let in_csv = problem.clone().at_row(7).at_column(2, "单位");
        assert_eq!(
            in_csv.render(Lang::ZhCn),
            "第 7 行 C 列(单位):此处不能为空。"
        );
        assert_eq!(
            in_csv.render(Lang::En),
            "row 7, column C (单位): This cannot be empty."
        );
        let sheet = problem.in_sheet(Some("名册"));
        assert_eq!(
            sheet.render(Lang::En),
            "sheet “名册”: This cannot be empty."
        );
        assert_eq!(sheet.to_string(), "工作表“名册”:此处不能为空。");
        let detail = in_csv.detail(Lang::ZhCn);
        assert_eq!(detail.column.as_deref(), Some("C"));
        assert_eq!(detail.header.as_deref(), Some("单位"));
        assert!(has_errors(&[in_csv]));
        assert_eq!(count_message(3).render(Lang::En), "3 problems");
        assert_eq!(count_message(1).render(Lang::En), "1 problem");
        assert_eq!(count_message(3).render(Lang::ZhCn), "共 3 个问题");
    }
}
