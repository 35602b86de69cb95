//! Reading an XLSForm workbook into a [`FormDefinition`], every problem at once.

use std::collections::{BTreeMap, HashMap};

use super::columns::{parse_language, Col, Columns, SheetKind};
use super::expr::{self, Bound, Literal, Op, Subject};
use super::locate::{Source, SourceQuestion, SourceScale};
use super::{XlsFormImport, SATISFACTION_LIST};
use crate::forms::{
    ChoiceOption, Condition, ConditionValue, FormDefinition, Lang, Localized, OptionId, Question,
    QuestionId, QuestionKind, Scale, ScaleId, ScaleOption, ShowIf,
};
use crate::msg;
use crate::sheets::table::{read_workbook, Cell, Row, Sheet, Workbook};
use crate::sheets::{parse_yes_no, ProblemCode, SheetProblem};

/// The kind of question a `type` cell asks for, before its list is looked up.
#[derive(Debug, Clone, PartialEq)]
enum DraftKind {
    Single(String),
    Multiple(String),
    Rating(String),
    Score { range: bool },
    Number { integer: bool },
    Text,
}

/// What one `type` cell says.
#[derive(Debug, Clone, PartialEq)]
enum TypeCell {
    Question(DraftKind),
    Note,
    BeginGroup,
    EndGroup,
    BeginRepeat,
    EndRepeat,
    /// A device or time field (`start`, `deviceid`): never recorded, for anonymity.
    Metadata,
    /// An XLSForm type canvass does not have.
    Unsupported,
    /// A select without its list name.
    ListMissing,
    Unknown,
}

const METADATA_TYPES: &[&str] = &[
    "start",
    "end",
    "today",
    "deviceid",
    "phonenumber",
    "username",
    "email",
    "simserial",
    "subscriberid",
    "audit",
    "start-geopoint",
    "uri:email",
    "uri:phonenumber",
    "uri:username",
    "uri:deviceid",
    "uri:subscriberid",
    "uri:simserial",
];

const UNSUPPORTED_TYPES: &[&str] = &[
    "geopoint",
    "geotrace",
    "geoshape",
    "image",
    "audio",
    "video",
    "file",
    "barcode",
    "date",
    "time",
    "datetime",
    "calculate",
    "acknowledge",
    "hidden",
    "rank",
    "trigger",
    "xml-external",
    "csv-external",
    "background-audio",
    "background-geopoint",
    "select_one_from_file",
    "select_multiple_from_file",
    "select_one_external",
];

fn parse_type(text: &str) -> TypeCell {
    let words: Vec<&str> = text.split_whitespace().collect();
    let first = words
        .first()
        .map(|w| w.to_ascii_lowercase())
        .unwrap_or_default();
    let second = words.get(1).map(|w| w.to_ascii_lowercase());
    match (first.as_str(), second.as_deref(), words.len()) {
        ("begin", Some("group"), 2) | ("begin_group", None, 1) => TypeCell::BeginGroup,
        ("end", Some("group"), 2) | ("end_group", None, 1) => TypeCell::EndGroup,
        ("begin", Some("repeat"), 2) | ("begin_repeat", None, 1) => TypeCell::BeginRepeat,
        ("end", Some("repeat"), 2) | ("end_repeat", None, 1) => TypeCell::EndRepeat,
        ("select_one" | "select_multiple", None, 1) => TypeCell::ListMissing,
        ("select_one" | "select_multiple", Some(_), 3)
            if words[2].eq_ignore_ascii_case("or_other") =>
        {
            TypeCell::Unsupported
        }
        ("select_one", Some(_), 2) => TypeCell::Question(DraftKind::Single(words[1].to_owned())),
        ("select_multiple", Some(_), 2) => {
            TypeCell::Question(DraftKind::Multiple(words[1].to_owned()))
        }
        ("rating", None, 1) => TypeCell::Question(DraftKind::Rating(SATISFACTION_LIST.to_owned())),
        ("rating", Some(_), 2) => TypeCell::Question(DraftKind::Rating(words[1].to_owned())),
        ("score_0_10", None, 1) => TypeCell::Question(DraftKind::Score { range: false }),
        ("range", None, 1) => TypeCell::Question(DraftKind::Score { range: true }),
        ("integer" | "int", None, 1) => TypeCell::Question(DraftKind::Number { integer: true }),
        ("decimal", None, 1) => TypeCell::Question(DraftKind::Number { integer: false }),
        ("text" | "string", None, 1) => TypeCell::Question(DraftKind::Text),
        ("note", None, 1) => TypeCell::Note,
        (word, _, _) if METADATA_TYPES.contains(&word) && words.len() == 1 => TypeCell::Metadata,
        (word, _, _) if UNSUPPORTED_TYPES.contains(&word) => TypeCell::Unsupported,
        _ => TypeCell::Unknown,
    }
}

/// One question row as read, before lists and skip rules are resolved.
struct Draft {
    row: u32,
    name: Option<QuestionId>,
    label: Option<Localized>,
    help: Option<Localized>,
    required: bool,
    relevant: Option<expr::Relevant>,
    kind: Option<DraftKind>,
    multiline: bool,
    bounds: Option<Vec<Bound>>,
    unit: Option<Localized>,
    low_label: Option<Localized>,
    high_label: Option<Localized>,
}

/// One row of the choices sheet.
struct Choice {
    row: u32,
    name: Option<OptionId>,
    label: Option<Localized>,
    score: Option<f64>,
    satisfied: bool,
    /// Whether the row gives a score or marks satisfied: what makes a list a scale.
    scored: bool,
    valid: bool,
}

/// A choice list of the choices sheet.
struct List {
    first_row: u32,
    choices: Vec<Choice>,
}

impl List {
    fn scored(&self) -> bool {
        self.choices.iter().any(|c| c.scored)
    }

    fn options(&self) -> Option<Vec<ChoiceOption>> {
        self.choices
            .iter()
            .map(|c| {
                Some(ChoiceOption {
                    id: c.name.clone()?,
                    label: c.label.clone()?,
                })
            })
            .collect()
    }

    fn scale_options(&self) -> Option<Vec<ScaleOption>> {
        self.choices
            .iter()
            .map(|c| {
                c.valid.then_some(())?;
                Some(ScaleOption {
                    id: c.name.clone()?,
                    label: c.label.clone()?,
                    score: c.score,
                    satisfied: c.satisfied,
                })
            })
            .collect()
    }
}

/// Reads an XLSForm workbook (`survey`, `choices`, `settings` sheets, as ODK and KoBoToolbox
/// write them) into a canvass form. See `docs/forms.md`, section "XLSForm", for exactly what
/// is read and what is refused. Every problem of the file is reported, in file order; the form
/// is given only when none of them is an error, and it has passed
/// [`FormDefinition::validate`].
#[must_use]
pub fn import_xlsform(bytes: &[u8]) -> XlsFormImport {
    match read_workbook(bytes) {
        Ok(workbook) => import_workbook(&workbook),
        Err(problem) => XlsFormImport {
            form: None,
            problems: vec![problem],
            series: None,
            period: None,
        },
    }
}

/// [`import_xlsform`] of a workbook already read.
#[must_use]
pub fn import_workbook(workbook: &Workbook) -> XlsFormImport {
    let mut importer = Importer::default();
    let form = importer.run(workbook);
    let mut problems = importer.problems;
    let order: Vec<String> = workbook
        .sheets
        .iter()
        .filter_map(|s| s.name.as_ref().map(|n| n.to_ascii_lowercase()))
        .collect();
    let sheet_rank = |p: &SheetProblem| {
        p.sheet.as_ref().map_or(0, |s| {
            order
                .iter()
                .position(|n| *n == s.to_ascii_lowercase())
                .map_or(usize::MAX, |i| i + 1)
        })
    };
    problems.sort_by_key(|p| (sheet_rank(p), p.row, p.column.as_ref().map(|c| c.index)));
    problems.dedup();
    let form = if problems.iter().any(SheetProblem::is_error) {
        None
    } else {
        form
    };
    XlsFormImport {
        form,
        problems,
        series: importer.series,
        period: importer.period,
    }
}

#[derive(Default)]
struct Importer {
    problems: Vec<SheetProblem>,
    survey: Columns,
    choices: Columns,
    settings: Columns,
    scales_sheet: Columns,
    source: Source,
    /// The list names that type cells refer to, readable or not.
    referenced: Vec<String>,
    /// The settings sheet's `series` and `period`.
    series: Option<String>,
    period: Option<String>,
}

impl Importer {
    fn error(
        &mut self,
        columns: Which,
        row: u32,
        col: Col,
        code: ProblemCode,
        message: crate::i18n::Message,
    ) {
        let problem = self
            .columns(columns)
            .problem(row, col, SheetProblem::error(code, message));
        self.problems.push(problem);
    }

    fn type_error(&mut self, row: &Row, code: ProblemCode, message: crate::i18n::Message) {
        self.error(Which::Survey, row.number, Col::Type, code, message);
    }

    fn warn(&mut self, columns: Which, row: u32, col: Col, message: crate::i18n::Message) {
        let problem = self
            .columns(columns)
            .problem(row, col, SheetProblem::warning(message));
        self.problems.push(problem);
    }

    fn columns(&self, which: Which) -> &Columns {
        match which {
            Which::Survey => &self.survey,
            Which::Choices => &self.choices,
            Which::Settings => &self.settings,
            Which::Scales => &self.scales_sheet,
        }
    }

    fn run(&mut self, workbook: &Workbook) -> Option<FormDefinition> {
        let default_lang = self.default_language(workbook);
        let title = self.settings(workbook, default_lang);
        let lists = self.choices(workbook, default_lang);
        let scale_labels = self.scale_labels(workbook, default_lang);
        let Some(survey) = workbook.sheet(SheetKind::Survey.name()) else {
            self.problems.push(SheetProblem::error(
                ProblemCode::MissingSheet,
                msg!("sheet-missing-survey"),
            ));
            return None;
        };
        self.survey = Columns::read(SheetKind::Survey, survey, default_lang, &mut self.problems);
        self.require_columns(Which::Survey, survey, &[Col::Type, Col::Name], Col::Label);
        let (description, drafts) = self.survey_rows(survey);
        let form = self.build(
            title,
            description,
            &drafts,
            &lists,
            scale_labels,
            workbook.sheet(SheetKind::Choices.name()).is_some(),
        );
        let form = form?;
        if let Err(errors) = form.validate() {
            let located: Vec<SheetProblem> = errors
                .iter()
                .filter_map(|e| super::locate::locate(e, &form, &self.source, self))
                .collect();
            self.problems.extend(located);
        }
        Some(form)
    }

    /// `settings.default_language`: the language of columns without `::language`.
    fn default_language(&mut self, workbook: &Workbook) -> Lang {
        let Some(settings) = workbook.sheet(SheetKind::Settings.name()) else {
            return Lang::ZhCn;
        };
        let (Some(header), Some(row)) = (settings.header(), settings.data_rows().first()) else {
            return Lang::ZhCn;
        };
        for (index, cell) in header.cells.iter().enumerate() {
            let is_default = cell
                .text()
                .is_some_and(|h| h.trim().eq_ignore_ascii_case("default_language"));
            let Some(value) = row.cell(index).text().filter(|_| is_default) else {
                continue;
            };
            if let Some(lang) = parse_language(&value) {
                return lang;
            }
            let column = u32::try_from(index).unwrap_or(u32::MAX);
            self.problems.push(
                settings
                    .problem(SheetProblem::error(
                        ProblemCode::UnsupportedLanguage,
                        msg!("sheet-default-language", language = value.into_owned()),
                    ))
                    .at_row(row.number)
                    .at_column(column, "default_language"),
            );
        }
        Lang::ZhCn
    }

    fn settings(&mut self, workbook: &Workbook, default_lang: Lang) -> Option<Localized> {
        let Some(settings) = workbook.sheet(SheetKind::Settings.name()) else {
            self.problems.push(SheetProblem::error(
                ProblemCode::MissingSheet,
                msg!("sheet-missing-settings"),
            ));
            return None;
        };
        self.settings = Columns::read(
            SheetKind::Settings,
            settings,
            default_lang,
            &mut self.problems,
        );
        self.require_columns(Which::Settings, settings, &[], Col::FormTitle);
        let header_row = settings.header().map_or(1, |h| h.number);
        for extra in settings.data_rows().iter().skip(1) {
            self.problems.push(
                settings
                    .problem(SheetProblem::warning(msg!("sheet-settings-extra-row")))
                    .at_row(extra.number),
            );
        }
        let row = settings.data_rows().first().cloned().unwrap_or(Row {
            number: header_row + 1,
            cells: Vec::new(),
        });
        self.source.title_row = Some(row.number);
        let text = |col| {
            self.settings
                .text(&row, col)
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
        };
        (self.series, self.period) = (text(Col::Series), text(Col::Period));
        self.localized(Which::Settings, &row, Col::FormTitle, true)
    }

    /// A text in the two languages from the columns `col(zh-CN)` and `col(en)`. `required`:
    /// the Chinese text must be there. `None` when the Chinese text is missing.
    fn localized(
        &mut self,
        which: Which,
        row: &Row,
        col: fn(Lang) -> Col,
        required: bool,
    ) -> Option<Localized> {
        let columns = self.columns(which);
        let zh = columns.text(row, col(Lang::ZhCn));
        let en = columns.text(row, col(Lang::En));
        match (zh, en) {
            (Some(zh), en) => Some(Localized { zh_cn: zh, en }),
            (None, Some(_)) if required && !columns.has(col(Lang::ZhCn)) => None,
            (None, Some(_)) => {
                self.error(
                    which,
                    row.number,
                    col(Lang::ZhCn),
                    ProblemCode::MissingValue,
                    msg!("sheet-missing-chinese"),
                );
                None
            }
            (None, None) => {
                // A missing Chinese column is reported once, for the header.
                if required && columns.has(col(Lang::ZhCn)) {
                    self.error(
                        which,
                        row.number,
                        col(Lang::ZhCn),
                        ProblemCode::MissingValue,
                        msg!("sheet-missing-text"),
                    );
                }
                None
            }
        }
    }

    /// Reports columns a sheet must have.
    fn require_columns(
        &mut self,
        which: Which,
        sheet: &Sheet,
        plain: &[Col],
        localized: fn(Lang) -> Col,
    ) {
        let header_row = sheet.header().map_or(1, |h| h.number);
        let name = self.columns(which).sheet.clone();
        let missing = |problems: &mut Vec<SheetProblem>, header: &str| {
            problems.push(
                SheetProblem::error(
                    ProblemCode::MissingColumn,
                    msg!("sheet-missing-column", header = header),
                )
                .in_sheet(Some(&name))
                .at_row(header_row),
            );
        };
        for col in plain {
            if !self.columns(which).has(*col) {
                let header = match col {
                    Col::Type => "type",
                    Col::Name => "name",
                    Col::ListName => "list_name",
                    _ => "",
                };
                missing(&mut self.problems, header);
            }
        }
        if !self.columns(which).has(localized(Lang::ZhCn)) {
            let header = if which == Which::Settings {
                "form_title"
            } else {
                "label"
            };
            self.problems.push(
                SheetProblem::error(
                    ProblemCode::MissingColumn,
                    msg!("sheet-missing-chinese-column", header = header),
                )
                .in_sheet(Some(&name))
                .at_row(header_row),
            );
        }
    }

    fn choices(&mut self, workbook: &Workbook, default_lang: Lang) -> HashMap<String, List> {
        let mut lists: HashMap<String, List> = HashMap::new();
        let Some(sheet) = workbook.sheet(SheetKind::Choices.name()) else {
            return lists;
        };
        self.choices = Columns::read(SheetKind::Choices, sheet, default_lang, &mut self.problems);
        self.require_columns(
            Which::Choices,
            sheet,
            &[Col::ListName, Col::Name],
            Col::Label,
        );
        for row in sheet.data_rows() {
            let Some(list_name) = self.choices.text(row, Col::ListName) else {
                self.error(
                    Which::Choices,
                    row.number,
                    Col::ListName,
                    ProblemCode::MissingValue,
                    msg!("sheet-missing-list-name"),
                );
                continue;
            };
            let name = self.option_name(row);
            let label = self.localized(Which::Choices, row, Col::Label, true);
            let score_cell = self.choices.cell(row, Col::Score).clone();
            let score = match &score_cell {
                Cell::Empty => None,
                cell => {
                    let n = cell.number();
                    if n.is_none() {
                        self.error(
                            Which::Choices,
                            row.number,
                            Col::Score,
                            ProblemCode::InvalidValue,
                            msg!("sheet-score-not-a-number"),
                        );
                    }
                    n
                }
            };
            let satisfied_cell = self.choices.cell(row, Col::Satisfied).clone();
            let satisfied = match parse_yes_no(&satisfied_cell) {
                Some(b) => b,
                None if satisfied_cell.is_empty() => false,
                None => {
                    self.error(
                        Which::Choices,
                        row.number,
                        Col::Satisfied,
                        ProblemCode::InvalidValue,
                        msg!("sheet-not-yes-no"),
                    );
                    false
                }
            };
            let valid =
                name.is_some() && label.is_some() && (score_cell.is_empty() || score.is_some());
            let list = lists.entry(list_name.clone()).or_insert_with(|| List {
                first_row: row.number,
                choices: Vec::new(),
            });
            if let Some(name) = &name {
                if let Some(first) = list.choices.iter().find(|c| c.name.as_ref() == Some(name)) {
                    let first = first.row;
                    self.error(
                        Which::Choices,
                        row.number,
                        Col::Name,
                        ProblemCode::DuplicateName,
                        msg!(
                            "sheet-duplicate-choice",
                            name = name.as_str(),
                            list = list_name,
                            row = first
                        ),
                    );
                }
            }
            list.choices.push(Choice {
                row: row.number,
                name,
                label,
                score,
                satisfied,
                scored: !score_cell.is_empty() || satisfied,
                valid,
            });
        }
        lists
    }

    fn option_name(&mut self, row: &Row) -> Option<OptionId> {
        let Some(name) = self.choices.text(row, Col::Name) else {
            self.error(
                Which::Choices,
                row.number,
                Col::Name,
                ProblemCode::MissingValue,
                msg!("sheet-missing-name"),
            );
            return None;
        };
        match OptionId::parse(&name) {
            Ok(id) => Some(id),
            Err(_) => {
                self.error(
                    Which::Choices,
                    row.number,
                    Col::Name,
                    ProblemCode::InvalidName,
                    msg!("sheet-invalid-name", name = name),
                );
                None
            }
        }
    }

    fn scale_labels(
        &mut self,
        workbook: &Workbook,
        default_lang: Lang,
    ) -> HashMap<String, (u32, Localized)> {
        let mut labels = HashMap::new();
        let Some(sheet) = workbook.sheet(SheetKind::Scales.name()) else {
            return labels;
        };
        self.scales_sheet =
            Columns::read(SheetKind::Scales, sheet, default_lang, &mut self.problems);
        self.require_columns(Which::Scales, sheet, &[Col::ListName], Col::Label);
        for row in sheet.data_rows() {
            let Some(list) = self.scales_sheet.text(row, Col::ListName) else {
                self.error(
                    Which::Scales,
                    row.number,
                    Col::ListName,
                    ProblemCode::MissingValue,
                    msg!("sheet-missing-list-name"),
                );
                continue;
            };
            if let Some(label) = self.localized(Which::Scales, row, Col::Label, true) {
                labels.insert(list, (row.number, label));
            }
        }
        labels
    }

    /// Reads the survey rows: the introduction (a note before the first question) and the
    /// questions, reporting every row canvass cannot take.
    fn survey_rows(&mut self, survey: &Sheet) -> (Option<Localized>, Vec<Draft>) {
        let mut description = None;
        let mut seen_intro = false;
        let mut drafts: Vec<Draft> = Vec::new();
        let mut groups: Vec<(u32, bool)> = Vec::new();
        let mut names: HashMap<String, u32> = HashMap::new();
        for row in survey.data_rows() {
            let Some(type_text) = self.survey.text(row, Col::Type) else {
                self.error(
                    Which::Survey,
                    row.number,
                    Col::Type,
                    ProblemCode::MissingValue,
                    msg!("sheet-missing-type"),
                );
                continue;
            };
            let type_cell = parse_type(&type_text);
            self.note_name_and_list(row, &type_cell, &type_text, &mut names);
            let relevant_given = self.survey.text(row, Col::Relevant).is_some();
            match type_cell {
                TypeCell::Question(kind) => {
                    let draft = self.question(row, kind);
                    drafts.push(draft);
                }
                TypeCell::Note if drafts.is_empty() && !seen_intro => {
                    seen_intro = true;
                    self.source.intro_row = Some(row.number);
                    description = self.localized(Which::Survey, row, Col::Label, true);
                    if relevant_given {
                        self.error(
                            Which::Survey,
                            row.number,
                            Col::Relevant,
                            ProblemCode::UnsupportedFeature,
                            msg!("sheet-intro-relevant"),
                        );
                    }
                    if self.survey.text(row, Col::Hint(Lang::ZhCn)).is_some()
                        || self.survey.text(row, Col::Hint(Lang::En)).is_some()
                    {
                        self.warn(
                            Which::Survey,
                            row.number,
                            Col::Hint(Lang::ZhCn),
                            msg!("sheet-intro-hint"),
                        );
                    }
                }
                TypeCell::Note => self.error(
                    Which::Survey,
                    row.number,
                    Col::Type,
                    ProblemCode::UnsupportedFeature,
                    msg!("sheet-note-between"),
                ),
                TypeCell::BeginGroup | TypeCell::BeginRepeat => {
                    let repeat = type_cell == TypeCell::BeginRepeat;
                    groups.push((row.number, repeat));
                    if repeat {
                        self.error(
                            Which::Survey,
                            row.number,
                            Col::Type,
                            ProblemCode::UnsupportedFeature,
                            msg!("sheet-repeat"),
                        );
                    } else if relevant_given {
                        self.error(
                            Which::Survey,
                            row.number,
                            Col::Relevant,
                            ProblemCode::UnsupportedFeature,
                            msg!("sheet-group-relevant"),
                        );
                    } else {
                        self.warn(
                            Which::Survey,
                            row.number,
                            Col::Type,
                            msg!("sheet-group-flattened"),
                        );
                    }
                }
                TypeCell::EndGroup | TypeCell::EndRepeat => {
                    let repeat = type_cell == TypeCell::EndRepeat;
                    match groups.last() {
                        Some((_, open)) if *open == repeat => {
                            groups.pop();
                        }
                        _ => self.type_error(
                            row,
                            ProblemCode::UnbalancedGroup,
                            msg!("sheet-group-end-without-begin", kind = type_text.clone()),
                        ),
                    }
                }
                TypeCell::Metadata => self.warn(
                    Which::Survey,
                    row.number,
                    Col::Type,
                    msg!("sheet-metadata-ignored", kind = type_text.clone()),
                ),
                TypeCell::Unsupported => self.type_error(
                    row,
                    ProblemCode::UnsupportedType,
                    msg!("sheet-type-unsupported", kind = type_text.clone()),
                ),
                TypeCell::ListMissing => self.type_error(
                    row,
                    ProblemCode::InvalidValue,
                    msg!("sheet-type-needs-list", kind = type_text.clone()),
                ),
                TypeCell::Unknown => self.type_error(
                    row,
                    ProblemCode::UnknownType,
                    msg!("sheet-type-unknown", kind = type_text.clone()),
                ),
            }
        }
        for (row, _) in groups {
            self.error(
                Which::Survey,
                row,
                Col::Type,
                ProblemCode::UnbalancedGroup,
                msg!("sheet-group-not-ended"),
            );
        }
        (description, drafts)
    }

    /// Checks that the row's name is unique among all rows, and notes the list its type names.
    fn note_name_and_list(
        &mut self,
        row: &Row,
        type_cell: &TypeCell,
        type_text: &str,
        names: &mut HashMap<String, u32>,
    ) {
        let words: Vec<&str> = type_text.split_whitespace().collect();
        if words.len() >= 2
            && (words[0].starts_with("select_") || words[0].eq_ignore_ascii_case("rating"))
        {
            self.referenced.push(words[1].to_owned());
        }
        if matches!(type_cell, TypeCell::EndGroup | TypeCell::EndRepeat) {
            return;
        }
        let Some(name) = self.survey.text(row, Col::Name) else {
            return;
        };
        if let Some(first) = names.get(&name) {
            let first = *first;
            self.error(
                Which::Survey,
                row.number,
                Col::Name,
                ProblemCode::DuplicateName,
                msg!("sheet-duplicate-question", name = name, row = first),
            );
        } else {
            names.insert(name, row.number);
        }
    }

    fn question(&mut self, row: &Row, kind: DraftKind) -> Draft {
        let number = row.number;
        let name = match self.survey.text(row, Col::Name) {
            None => {
                self.error(
                    Which::Survey,
                    number,
                    Col::Name,
                    ProblemCode::MissingValue,
                    msg!("sheet-missing-name"),
                );
                None
            }
            Some(name) => match QuestionId::parse(&name) {
                Ok(id) => Some(id),
                Err(_) => {
                    self.error(
                        Which::Survey,
                        number,
                        Col::Name,
                        ProblemCode::InvalidName,
                        msg!("sheet-invalid-name", name = name),
                    );
                    None
                }
            },
        };
        let label = self.localized(Which::Survey, row, Col::Label, true);
        let help = self.localized(Which::Survey, row, Col::Hint, false);
        let required_cell = self.survey.cell(row, Col::Required).clone();
        let required = match parse_yes_no(&required_cell) {
            Some(b) => b,
            None if required_cell.is_empty() => false,
            None => {
                let conditional = required_cell
                    .text()
                    .is_some_and(|t| t.contains("${") || t.contains('('));
                if conditional {
                    self.error(
                        Which::Survey,
                        number,
                        Col::Required,
                        ProblemCode::UnsupportedFeature,
                        msg!("sheet-required-conditional"),
                    );
                } else {
                    self.error(
                        Which::Survey,
                        number,
                        Col::Required,
                        ProblemCode::InvalidValue,
                        msg!("sheet-not-yes-no"),
                    );
                }
                false
            }
        };
        let relevant = self.survey.text(row, Col::Relevant).and_then(|text| {
            let parsed = expr::parse_relevant(&text);
            if parsed.is_none() {
                self.error(
                    Which::Survey,
                    number,
                    Col::Relevant,
                    ProblemCode::UnsupportedRelevant,
                    msg!("sheet-relevant-unsupported", expression = text),
                );
            }
            parsed
        });
        let bounds = match self.survey.text(row, Col::Constraint) {
            None => Some(Vec::new()),
            Some(text) => {
                let parsed = expr::parse_constraint(&text);
                if parsed.is_none() {
                    self.error(
                        Which::Survey,
                        number,
                        Col::Constraint,
                        ProblemCode::UnsupportedConstraint,
                        msg!("sheet-constraint-unsupported", expression = text),
                    );
                }
                parsed
            }
        };
        let mut multiline = false;
        if let Some(appearance) = self.survey.text(row, Col::Appearance) {
            if kind == DraftKind::Text && appearance.trim().eq_ignore_ascii_case("multiline") {
                multiline = true;
            } else {
                self.warn(
                    Which::Survey,
                    number,
                    Col::Appearance,
                    msg!("sheet-appearance-ignored", appearance = appearance),
                );
            }
        }
        let mut kind = Some(kind);
        let parameters = self.survey.text(row, Col::Parameters);
        match (&kind, parameters) {
            (Some(DraftKind::Score { range: true }), parameters) => {
                if !parameters.as_deref().is_some_and(is_score_range) {
                    self.error(
                        Which::Survey,
                        number,
                        Col::Parameters,
                        ProblemCode::UnsupportedFeature,
                        msg!("sheet-range-unsupported"),
                    );
                    kind = None;
                }
            }
            (_, Some(parameters)) => {
                self.error(
                    Which::Survey,
                    number,
                    Col::Parameters,
                    ProblemCode::UnsupportedFeature,
                    msg!("sheet-parameters-unsupported", parameters = parameters),
                );
            }
            (_, None) => {}
        }
        let unit = self.localized(Which::Survey, row, Col::Unit, false);
        let low_label = self.localized(Which::Survey, row, Col::LowLabel, false);
        let high_label = self.localized(Which::Survey, row, Col::HighLabel, false);
        let numeric = matches!(kind, Some(DraftKind::Number { .. }));
        let score = matches!(kind, Some(DraftKind::Score { .. }));
        for (given, fits, col, header) in [
            (unit.is_some(), numeric, Col::Unit(Lang::ZhCn), "unit"),
            (
                low_label.is_some(),
                score,
                Col::LowLabel(Lang::ZhCn),
                "low_label",
            ),
            (
                high_label.is_some(),
                score,
                Col::HighLabel(Lang::ZhCn),
                "high_label",
            ),
        ] {
            if given && !fits && kind.is_some() {
                self.error(
                    Which::Survey,
                    number,
                    col,
                    ProblemCode::InvalidValue,
                    msg!("sheet-column-not-for-type", header = header),
                );
            }
        }
        Draft {
            row: number,
            name,
            label,
            help,
            required,
            relevant,
            kind,
            multiline,
            bounds,
            unit,
            low_label,
            high_label,
        }
    }

    /// Builds the form from what was read. Questions that could not be read are left out (their
    /// problems are reported) and skip rules pointing at them dropped, so that the rest is still
    /// checked against the form rules.
    fn build(
        &mut self,
        title: Option<Localized>,
        description: Option<Localized>,
        drafts: &[Draft],
        lists: &HashMap<String, List>,
        scale_labels: HashMap<String, (u32, Localized)>,
        has_choices_sheet: bool,
    ) -> Option<FormDefinition> {
        let mut questions: Vec<Question> = Vec::new();
        let mut sources: Vec<SourceQuestion> = Vec::new();
        let mut built: HashMap<usize, usize> = HashMap::new();
        let used_by = |rating: bool| -> Vec<String> {
            drafts
                .iter()
                .filter_map(|d| match &d.kind {
                    Some(DraftKind::Rating(list)) if rating => Some(list.clone()),
                    Some(DraftKind::Single(list) | DraftKind::Multiple(list)) if !rating => {
                        Some(list.clone())
                    }
                    _ => None,
                })
                .collect()
        };
        let (used_by_rating, used_by_select) = (used_by(true), used_by(false));
        let scales = self.scales(lists, &used_by_rating, &used_by_select, scale_labels);
        let mut missing_choices_reported = false;
        for (d, draft) in drafts.iter().enumerate() {
            let mut options_rows = Vec::new();
            let kind = match &draft.kind {
                None => None,
                Some(DraftKind::Single(list) | DraftKind::Multiple(list)) => {
                    match lists.get(list) {
                        Some(l) => {
                            options_rows = l.choices.iter().map(|c| c.row).collect();
                            l.options().map(|options| match draft.kind {
                                Some(DraftKind::Single(_)) => {
                                    QuestionKind::SingleChoice { options }
                                }
                                _ => QuestionKind::MultipleChoice {
                                    options,
                                    min: None,
                                    max: None,
                                },
                            })
                        }
                        None => {
                            self.missing_list(
                                draft.row,
                                list,
                                has_choices_sheet,
                                &mut missing_choices_reported,
                            );
                            None
                        }
                    }
                }
                Some(DraftKind::Rating(list)) if list == SATISFACTION_LIST => {
                    Some(QuestionKind::Rating {
                        scale: ScaleId::satisfaction(),
                    })
                }
                Some(DraftKind::Rating(list)) => {
                    if !lists.contains_key(list) {
                        self.missing_list(
                            draft.row,
                            list,
                            has_choices_sheet,
                            &mut missing_choices_reported,
                        );
                        None
                    } else if let Ok(scale) = ScaleId::parse(list) {
                        // A list that could not become a scale has its problems reported.
                        scales
                            .contains_key(&scale)
                            .then_some(QuestionKind::Rating { scale })
                    } else {
                        self.error(
                            Which::Survey,
                            draft.row,
                            Col::Type,
                            ProblemCode::InvalidName,
                            msg!("sheet-invalid-name", name = list.clone()),
                        );
                        None
                    }
                }
                Some(DraftKind::Score { .. }) => Some(QuestionKind::Score0To10 {
                    low_label: draft.low_label.clone(),
                    high_label: draft.high_label.clone(),
                }),
                Some(DraftKind::Number { integer }) => Some(QuestionKind::Number {
                    min: None,
                    max: None,
                    integer: *integer,
                    unit: draft.unit.clone(),
                }),
                Some(DraftKind::Text) if draft.multiline => {
                    Some(QuestionKind::LongText { max_length: None })
                }
                Some(DraftKind::Text) => Some(QuestionKind::ShortText { max_length: None }),
            };
            let kind = match (kind, &draft.bounds) {
                (Some(kind), Some(bounds)) => self.apply_bounds(draft.row, kind, bounds),
                _ => None,
            };
            let (Some(id), Some(label), Some(kind)) =
                (draft.name.clone(), draft.label.clone(), kind)
            else {
                continue;
            };
            built.insert(d, questions.len());
            sources.push(SourceQuestion {
                row: draft.row,
                options: options_rows,
            });
            questions.push(Question {
                id,
                label,
                help: draft.help.clone(),
                required: draft.required,
                show_if: None,
                kind,
            });
        }
        // Skip rules, now that every question's place and type is known.
        for (d, draft) in drafts.iter().enumerate() {
            let Some(relevant) = &draft.relevant else {
                continue;
            };
            let show_if = self.show_if(d, draft, relevant, drafts, &questions, &built);
            if let (Some(show_if), Some(&q)) = (show_if, built.get(&d)) {
                questions[q].show_if = Some(show_if);
            }
        }
        self.source.questions = sources;
        // An empty form is worth reporting only when no row was refused.
        self.source.complete = !self.problems.iter().any(SheetProblem::is_error);
        let title = title?;
        Some(FormDefinition {
            title,
            description,
            questions,
            scales,
        })
    }

    fn missing_list(&mut self, row: u32, list: &str, has_choices_sheet: bool, reported: &mut bool) {
        if has_choices_sheet {
            self.error(
                Which::Survey,
                row,
                Col::Type,
                ProblemCode::MissingList,
                msg!("sheet-missing-list", list = list),
            );
        } else if !*reported {
            *reported = true;
            self.problems.push(SheetProblem::error(
                ProblemCode::MissingSheet,
                msg!("sheet-missing-choices", row = row),
            ));
        }
    }

    /// Turns the bounds of a `constraint` into the question's limits.
    fn apply_bounds(
        &mut self,
        row: u32,
        kind: QuestionKind,
        bounds: &[Bound],
    ) -> Option<QuestionKind> {
        if bounds.is_empty() {
            return Some(kind);
        }
        let subject = match &kind {
            QuestionKind::Number { .. } => Some(Subject::Value),
            QuestionKind::MultipleChoice { .. } => Some(Subject::Count),
            QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => Some(Subject::Length),
            _ => None,
        };
        let unsupported = |this: &mut Self| {
            this.error(
                Which::Survey,
                row,
                Col::Constraint,
                ProblemCode::UnsupportedConstraint,
                msg!("sheet-constraint-not-for-type", kind = kind.type_name()),
            );
            None
        };
        if subject.is_none() || bounds.iter().any(|b| Some(b.subject) != subject) {
            return unsupported(self);
        }
        let whole = matches!(kind, QuestionKind::Number { integer: true, .. })
            || !matches!(kind, QuestionKind::Number { .. });
        let mut min: Option<f64> = None;
        let mut max: Option<f64> = None;
        for bound in bounds {
            let v = bound.value;
            let (low, high) = match bound.op {
                Op::Ge => (Some(v), None),
                Op::Le => (None, Some(v)),
                Op::Eq => (Some(v), Some(v)),
                Op::Gt if whole && v.fract() == 0.0 => (Some(v + 1.0), None),
                Op::Lt if whole && v.fract() == 0.0 => (None, Some(v - 1.0)),
                Op::Gt | Op::Lt => return unsupported(self),
            };
            if (low.is_some() && min.is_some()) || (high.is_some() && max.is_some()) {
                return unsupported(self);
            }
            min = min.or(low);
            max = max.or(high);
        }
        let count = |this: &mut Self, n: Option<f64>| -> Result<Option<u32>, ()> {
            match n {
                None => Ok(None),
                Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) =>
                {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    Ok(Some(n as u32))
                }
                Some(_) => {
                    this.error(
                        Which::Survey,
                        row,
                        Col::Constraint,
                        ProblemCode::InvalidLimits,
                        msg!("sheet-bounds-impossible"),
                    );
                    Err(())
                }
            }
        };
        Some(match kind {
            QuestionKind::Number { integer, unit, .. } => QuestionKind::Number {
                min,
                max,
                integer,
                unit,
            },
            QuestionKind::MultipleChoice { options, .. } => QuestionKind::MultipleChoice {
                options,
                min: count(self, min).ok()?,
                max: count(self, max).ok()?,
            },
            QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } if min.is_some() => {
                return unsupported(self)
            }
            QuestionKind::ShortText { .. } => QuestionKind::ShortText {
                max_length: count(self, max).ok()?,
            },
            QuestionKind::LongText { .. } => QuestionKind::LongText {
                max_length: count(self, max).ok()?,
            },
            other => other,
        })
    }

    fn show_if(
        &mut self,
        index: usize,
        draft: &Draft,
        relevant: &expr::Relevant,
        drafts: &[Draft],
        questions: &[Question],
        built: &HashMap<usize, usize>,
    ) -> Option<ShowIf> {
        let row = draft.row;
        let target = relevant.question.as_str();
        let fail = |this: &mut Self, code: ProblemCode, message: crate::i18n::Message| {
            this.error(Which::Survey, row, Col::Relevant, code, message);
            None
        };
        let Some(c) = drafts
            .iter()
            .position(|d| d.name.as_ref().is_some_and(|n| n == target))
        else {
            return fail(
                self,
                ProblemCode::InvalidRelevant,
                msg!("sheet-relevant-unknown-question", question = target),
            );
        };
        if c >= index {
            return fail(
                self,
                ProblemCode::InvalidRelevant,
                msg!("sheet-relevant-not-earlier", question = target),
            );
        }
        // The controller could not be read: its own problems are reported.
        let controller = built.get(&c).map(|&q| &questions[q].kind)?;
        let numeric = match controller {
            QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => {
                return fail(
                    self,
                    ProblemCode::InvalidRelevant,
                    msg!("sheet-relevant-text-question", question = target),
                );
            }
            QuestionKind::MultipleChoice { .. } if !relevant.selected => {
                return fail(
                    self,
                    ProblemCode::UnsupportedRelevant,
                    msg!("sheet-relevant-use-selected", question = target),
                );
            }
            QuestionKind::Score0To10 { .. } | QuestionKind::Number { .. } if relevant.selected => {
                return fail(
                    self,
                    ProblemCode::UnsupportedRelevant,
                    msg!("sheet-relevant-selected-number", question = target),
                );
            }
            QuestionKind::Score0To10 { .. } | QuestionKind::Number { .. } => true,
            _ => false,
        };
        let mut values = Vec::new();
        for value in &relevant.values {
            let converted = match (numeric, value) {
                (true, Literal::Number(n)) => Some(ConditionValue::Number(*n)),
                (true, Literal::Text(t)) => {
                    crate::forms::parse_form_number(t).map(ConditionValue::Number)
                }
                (false, Literal::Text(t)) => OptionId::parse(t).ok().map(ConditionValue::Option),
                (false, Literal::Number(_)) => None,
            };
            let Some(converted) = converted else {
                let shown = match value {
                    Literal::Text(t) => t.clone(),
                    Literal::Number(n) => expr::number(*n),
                };
                return fail(
                    self,
                    ProblemCode::InvalidRelevant,
                    msg!(
                        "sheet-relevant-impossible-value",
                        question = target,
                        value = shown
                    ),
                );
            };
            values.push(converted);
        }
        let question = QuestionId::parse(target).ok()?;
        let condition = if values.len() == 1 {
            Condition::Equals(values.remove(0))
        } else {
            Condition::AnyOf(values)
        };
        Some(ShowIf {
            question,
            condition,
        })
    }

    /// The form's own scales: the lists rating questions use, and lists no question uses that
    /// give scores. A list of selects that gives scores has them ignored, with a warning.
    fn scales(
        &mut self,
        lists: &HashMap<String, List>,
        used_by_rating: &[String],
        used_by_select: &[String],
        mut labels: HashMap<String, (u32, Localized)>,
    ) -> BTreeMap<ScaleId, Scale> {
        let mut scales = BTreeMap::new();
        let mut names: Vec<&String> = lists.keys().collect();
        names.sort_by_key(|n| lists[*n].first_row);
        for name in names {
            let list = &lists[name];
            let rating = used_by_rating.contains(name);
            let select = used_by_select.contains(name);
            if name == SATISFACTION_LIST && list.scored() {
                self.error(
                    Which::Choices,
                    list.first_row,
                    Col::ListName,
                    ProblemCode::InvalidName,
                    msg!("sheet-scale-reserved"),
                );
                continue;
            }
            if !rating && !list.scored() {
                if !self.referenced.contains(name) {
                    self.warn(
                        Which::Choices,
                        list.first_row,
                        Col::ListName,
                        msg!("sheet-list-unused", list = name.clone()),
                    );
                }
                continue;
            }
            if !rating && select {
                let row = list
                    .choices
                    .iter()
                    .find(|c| c.scored)
                    .map_or(list.first_row, |c| c.row);
                self.warn(
                    Which::Choices,
                    row,
                    Col::Score,
                    msg!("sheet-scores-ignored", list = name.clone()),
                );
                continue;
            }
            if rating && !list.scored() {
                self.error(
                    Which::Choices,
                    list.first_row,
                    Col::Score,
                    ProblemCode::InvalidValue,
                    msg!("sheet-scale-without-scores", list = name.clone()),
                );
                continue;
            }
            let Ok(id) = ScaleId::parse(name) else {
                if !rating {
                    self.error(
                        Which::Choices,
                        list.first_row,
                        Col::ListName,
                        ProblemCode::InvalidName,
                        msg!("sheet-invalid-name", name = name.clone()),
                    );
                }
                continue;
            };
            let label = labels.remove(name);
            self.source.scales.insert(
                name.clone(),
                SourceScale {
                    first_row: list.first_row,
                    options: list.choices.iter().map(|c| c.row).collect(),
                    label_row: label.as_ref().map(|(row, _)| *row),
                },
            );
            if let Some(options) = list.scale_options() {
                scales.insert(
                    id,
                    Scale {
                        label: label.map(|(_, l)| l),
                        options,
                    },
                );
            }
        }
        let mut unused: Vec<(String, u32)> = labels.into_iter().map(|(n, (r, _))| (n, r)).collect();
        unused.sort_by_key(|(_, r)| *r);
        for (name, row) in unused {
            self.warn(
                Which::Scales,
                row,
                Col::ListName,
                msg!("sheet-scale-label-unused", list = name),
            );
        }
        scales
    }
}

/// Which sheet's columns a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    Survey,
    Choices,
    Settings,
    Scales,
}

impl super::locate::Cells for Importer {
    fn problem(&self, which: Which, row: u32, col: Col, problem: SheetProblem) -> SheetProblem {
        self.columns(which).problem(row, col, problem)
    }
}

/// Whether `parameters` make a `range` a 0–10 score: `start=0 end=10 step=1` in any order,
/// separated by spaces, commas or semicolons (each may be left out at its default: start 0,
/// step 1; end is required).
fn is_score_range(parameters: &str) -> bool {
    let mut start = 0.0;
    let mut end = None;
    let mut step = 1.0;
    for part in parameters.split([' ', ',', ';']).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return false;
        };
        let Ok(value) = value.trim().parse::<f64>() else {
            return false;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "start" => start = value,
            "end" => end = Some(value),
            "step" => step = value,
            _ => return false,
        }
    }
    start == 0.0 && end == Some(10.0) && (step - 1.0).abs() < f64::EPSILON
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_cells_are_read() {
        assert_eq!(
            parse_type("select_one yes_no"),
            TypeCell::Question(DraftKind::Single("yes_no".into()))
        );
        assert_eq!(
            parse_type("select_multiple  reasons"),
            TypeCell::Question(DraftKind::Multiple("reasons".into()))
        );
        assert_eq!(
            parse_type("select_one yes_no or_other"),
            TypeCell::Unsupported
        );
        assert_eq!(parse_type("select_one"), TypeCell::ListMissing);
        assert_eq!(
            parse_type("rating"),
            TypeCell::Question(DraftKind::Rating("satisfaction".into()))
        );
        assert_eq!(parse_type("begin group"), TypeCell::BeginGroup);
        assert_eq!(parse_type("end_repeat"), TypeCell::EndRepeat);
        assert_eq!(parse_type("geopoint"), TypeCell::Unsupported);
        assert_eq!(parse_type("deviceid"), TypeCell::Metadata);
        assert_eq!(parse_type("selectone x"), TypeCell::Unknown);
        assert_eq!(parse_type("integer x"), TypeCell::Unknown);
    }

    #[test]
    fn only_a_zero_to_ten_range_is_a_score() {
        assert!(is_score_range("start=0 end=10 step=1"));
        assert!(is_score_range("end=10;start=0"));
        assert!(!is_score_range("start=1 end=5"));
        assert!(!is_score_range("start=0 end=10 step=0.5"));
        assert!(!is_score_range("end=10 colour=red"));
    }
}
