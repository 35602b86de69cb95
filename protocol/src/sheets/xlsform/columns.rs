//! The columns of the XLSForm sheets: which header means what, in which language, and which
//! columns name features canvass does not have.

use std::collections::HashMap;

use crate::forms::Lang;
use crate::msg;
use crate::sheets::headers::duplicate_column;
use crate::sheets::table::{Cell, Row, Sheet};
use crate::sheets::{ProblemCode, SheetProblem};

/// A column canvass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Col {
    Type,
    Name,
    Label(Lang),
    Hint(Lang),
    Required,
    Relevant,
    Constraint,
    Appearance,
    Parameters,
    Unit(Lang),
    LowLabel(Lang),
    HighLabel(Lang),
    ListName,
    Score,
    Satisfied,
    FormTitle(Lang),
    DefaultLanguage,
    Series,
    Period,
}

/// The four sheets of an XLSForm as canvass reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SheetKind {
    Survey,
    Choices,
    Settings,
    Scales,
}

impl SheetKind {
    pub(super) const fn name(self) -> &'static str {
        match self {
            SheetKind::Survey => "survey",
            SheetKind::Choices => "choices",
            SheetKind::Settings => "settings",
            SheetKind::Scales => "scales",
        }
    }
}

/// What a header means.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Meaning {
    Read(Col),
    /// Known and not used, nothing to say: `form_id` and `version` (canvass keeps its own
    /// survey ids and versions).
    Silent,
    /// Read but not used: a warning when the column has values.
    Ignored,
    /// An XLSForm feature canvass does not have: an error when the column has values.
    Unsupported,
    /// A translation into a language canvass does not speak.
    OtherLanguage,
    Unknown,
}

/// Reads a language as XLSForm headers and `default_language` write it: `Chinese (zh)`,
/// `English (en)`, `zh`, `en-GB`, `中文`, `English`.
pub(super) fn parse_language(text: &str) -> Option<Lang> {
    let text = text.trim();
    if let (Some(open), true) = (text.rfind(['(', '（']), text.ends_with([')', '）'])) {
        let code = text[open..]
            .trim_start_matches(['(', '（'])
            .trim_end_matches([')', '）']);
        return Lang::from_tag(code);
    }
    if let Some(lang) = Lang::from_tag(text) {
        return Some(lang);
    }
    let lower = text.to_lowercase();
    match lower.as_str() {
        "chinese" | "simplified chinese" | "chinese simplified" | "中文" | "简体中文" | "汉语"
        | "普通话" => Some(Lang::ZhCn),
        "english" | "英文" | "英语" => Some(Lang::En),
        _ => None,
    }
}

fn meaning(kind: SheetKind, header: &str, default_lang: Lang) -> Meaning {
    let (base, language) = match header.split_once("::") {
        Some((base, language)) => (base, Some(language)),
        None => (header, None),
    };
    let base = base.trim().to_ascii_lowercase().replace(' ', "_");
    let localized = |col: fn(Lang) -> Col| match language {
        None => Meaning::Read(col(default_lang)),
        Some(language) => {
            parse_language(language).map_or(Meaning::OtherLanguage, |l| Meaning::Read(col(l)))
        }
    };
    let plain = |col: Col| {
        if language.is_none() {
            Meaning::Read(col)
        } else {
            Meaning::Unknown
        }
    };
    match (kind, base.as_str()) {
        (_, "image" | "audio" | "video" | "big-image" | "big_image" | "media") => {
            Meaning::Unsupported
        }
        (SheetKind::Survey, "type") => plain(Col::Type),
        (SheetKind::Survey | SheetKind::Choices, "name") => plain(Col::Name),
        (SheetKind::Survey | SheetKind::Choices | SheetKind::Scales, "label") => {
            localized(Col::Label)
        }
        (SheetKind::Survey, "hint") => localized(Col::Hint),
        (SheetKind::Survey, "required") => plain(Col::Required),
        (SheetKind::Survey, "relevant") => plain(Col::Relevant),
        (SheetKind::Survey, "constraint") => plain(Col::Constraint),
        (SheetKind::Survey, "appearance") => plain(Col::Appearance),
        (SheetKind::Survey, "parameters") => plain(Col::Parameters),
        (SheetKind::Survey, "unit") => localized(Col::Unit),
        (SheetKind::Survey, "low_label") => localized(Col::LowLabel),
        (SheetKind::Survey, "high_label") => localized(Col::HighLabel),
        (SheetKind::Survey, "constraint_message" | "required_message" | "guidance_hint") => {
            Meaning::Ignored
        }
        (
            SheetKind::Survey,
            "calculation" | "default" | "read_only" | "choice_filter" | "repeat_count" | "trigger"
            | "body" | "bind" | "instance" | "control",
        ) => Meaning::Unsupported,
        (SheetKind::Choices | SheetKind::Scales, "list_name") => plain(Col::ListName),
        (SheetKind::Choices, "score") => plain(Col::Score),
        (SheetKind::Choices, "satisfied") => plain(Col::Satisfied),
        (SheetKind::Settings, "form_title") => localized(Col::FormTitle),
        (SheetKind::Settings, "default_language") => plain(Col::DefaultLanguage),
        (SheetKind::Settings, "series") => plain(Col::Series),
        (SheetKind::Settings, "period") => plain(Col::Period),
        (SheetKind::Settings, "form_id" | "version") => Meaning::Silent,
        (
            SheetKind::Settings,
            "instance_name"
            | "style"
            | "public_key"
            | "submission_url"
            | "allow_choice_duplicates"
            | "clean_text_values"
            | "namespaces"
            | "auto_send"
            | "auto_delete"
            | "omit_instanceid",
        ) => Meaning::Ignored,
        _ => Meaning::Unknown,
    }
}

/// The columns of one sheet that canvass reads, by meaning.
#[derive(Debug, Default)]
pub(super) struct Columns {
    found: HashMap<Col, (u32, String)>,
    pub(super) sheet: String,
}

impl Columns {
    /// Classifies the header row of `sheet`, reporting unknown, unsupported, ignored and
    /// duplicate columns (the first three only when the column has a value below the header).
    pub(super) fn read(
        kind: SheetKind,
        sheet: &Sheet,
        default_lang: Lang,
        problems: &mut Vec<SheetProblem>,
    ) -> Columns {
        let mut columns = Columns {
            found: HashMap::new(),
            sheet: sheet.name.clone().unwrap_or_else(|| kind.name().to_owned()),
        };
        let Some(header) = sheet.header() else {
            return columns;
        };
        let width = sheet.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        for index in 0..width {
            let title = header.cell(index).text().unwrap_or_default().into_owned();
            let used = sheet.data_rows().iter().any(|r| !r.cell(index).is_empty());
            let column = u32::try_from(index).unwrap_or(u32::MAX);
            let at = |p: SheetProblem| {
                sheet
                    .problem(p)
                    .at_row(header.number)
                    .at_column(column, &title)
            };
            match meaning(kind, &title, default_lang) {
                Meaning::Read(col) => {
                    if let Some((first, first_title)) = columns.found.get(&col) {
                        problems.push(at(duplicate_column(&title, *first, first_title)));
                    } else {
                        columns.found.insert(col, (column, title.clone()));
                    }
                }
                Meaning::Silent => {}
                _ if !used => {}
                Meaning::Ignored => problems.push(at(SheetProblem::warning(msg!(
                    "sheet-column-ignored",
                    header = title.clone()
                )))),
                Meaning::Unsupported => problems.push(at(SheetProblem::error(
                    ProblemCode::UnsupportedFeature,
                    msg!("sheet-column-unsupported", header = title.clone()),
                ))),
                Meaning::OtherLanguage => problems.push(at(SheetProblem::error(
                    ProblemCode::UnsupportedLanguage,
                    msg!("sheet-column-language", header = title.clone()),
                ))),
                Meaning::Unknown if title.is_empty() => problems.push(at(SheetProblem::error(
                    ProblemCode::UnknownColumn,
                    msg!("sheet-column-no-header"),
                ))),
                Meaning::Unknown => problems.push(at(SheetProblem::error(
                    ProblemCode::UnknownColumn,
                    msg!("sheet-column-unknown", header = title.clone()),
                ))),
            }
        }
        columns
    }

    /// Whether the sheet has the column.
    pub(super) fn has(&self, col: Col) -> bool {
        self.found.contains_key(&col)
    }

    /// The column's position and header.
    pub(super) fn at(&self, col: Col) -> Option<(u32, &str)> {
        self.found.get(&col).map(|(i, h)| (*i, h.as_str()))
    }

    /// The cell of `row` in the column (empty when the sheet lacks the column).
    pub(super) fn cell<'r>(&self, row: &'r Row, col: Col) -> &'r Cell {
        static EMPTY: Cell = Cell::Empty;
        match self.found.get(&col) {
            Some((i, _)) => row.cell(usize::try_from(*i).unwrap_or(usize::MAX)),
            None => &EMPTY,
        }
    }

    /// The cell of `row` in the column as text; `None` when empty or absent.
    pub(super) fn text(&self, row: &Row, col: Col) -> Option<String> {
        self.cell(row, col).text().map(std::borrow::Cow::into_owned)
    }

    /// A problem in the column on `row` (in the sheet only when the column is absent).
    pub(super) fn problem(&self, row: u32, col: Col, problem: SheetProblem) -> SheetProblem {
        let problem = problem.in_sheet(Some(&self.sheet)).at_row(row);
        match self.at(col) {
            Some((index, header)) => problem.at_column(index, header),
            None => problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_read_as_xlsform_tools_write_them() {
        for (text, lang) in [
            ("Chinese (zh)", Some(Lang::ZhCn)),
            ("中文 (zh-CN)", Some(Lang::ZhCn)),
            ("Chinese（zh）", Some(Lang::ZhCn)),
            ("zh", Some(Lang::ZhCn)),
            ("中文", Some(Lang::ZhCn)),
            ("English (en)", Some(Lang::En)),
            ("en-GB", Some(Lang::En)),
            ("English", Some(Lang::En)),
            ("French (fr)", None),
            ("Tibetan", None),
        ] {
            assert_eq!(parse_language(text), lang, "{text}");
        }
    }

    #[test]
    fn headers_mean_what_xlsform_says() {
        let m = |h| meaning(SheetKind::Survey, h, Lang::ZhCn);
        assert_eq!(m("label"), Meaning::Read(Col::Label(Lang::ZhCn)));
        assert_eq!(
            m("label::English (en)"),
            Meaning::Read(Col::Label(Lang::En))
        );
        assert_eq!(
            m(" Label :: Chinese (zh) "),
            Meaning::Read(Col::Label(Lang::ZhCn))
        );
        assert_eq!(m("label::French (fr)"), Meaning::OtherLanguage);
        assert_eq!(m("choice_filter"), Meaning::Unsupported);
        assert_eq!(m("media::image::English (en)"), Meaning::Unsupported);
        assert_eq!(m("bind::odk:length"), Meaning::Unsupported);
        assert_eq!(m("constraint_message::English (en)"), Meaning::Ignored);
        assert_eq!(m("requird"), Meaning::Unknown);
        assert_eq!(m("required::English (en)"), Meaning::Unknown);
        assert_eq!(
            meaning(SheetKind::Choices, "list name", Lang::ZhCn),
            Meaning::Read(Col::ListName)
        );
        assert_eq!(
            meaning(SheetKind::Settings, "form_title", Lang::En),
            Meaning::Read(Col::FormTitle(Lang::En))
        );
    }
}
