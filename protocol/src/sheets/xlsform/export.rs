//! Writing a form as an XLSForm workbook that [`import_xlsform`](super::import_xlsform) reads
//! back into the same form.

use std::collections::BTreeSet;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::expr::{self, Bound, Literal, Op, Subject};
use super::SATISFACTION_LIST;
use crate::forms::{ConditionValue, FormDefinition, Localized, Question, QuestionKind};

/// The language suffix of Chinese columns.
const ZH: &str = "Chinese (zh)";
/// The language suffix of English columns.
const EN: &str = "English (en)";

/// Why a workbook could not be written (the writer failed; a valid form always writes).
#[derive(Debug, thiserror::Error)]
#[error("the XLSForm workbook could not be written: {0}")]
pub struct ExportError(String);

impl From<XlsxError> for ExportError {
    fn from(e: XlsxError) -> Self {
        ExportError(e.to_string())
    }
}

/// One column of a written sheet: its header and each row's cell.
struct Column {
    header: String,
    cells: Vec<Value>,
}

#[derive(Clone, Default)]
enum Value {
    #[default]
    Empty,
    Text(String),
    Number(f64),
}

/// The columns of one sheet, built row by row; columns left empty are not written.
struct Table {
    columns: Vec<Column>,
    rows: usize,
}

impl Table {
    fn new(headers: &[&str]) -> Self {
        Table {
            columns: headers
                .iter()
                .map(|h| Column {
                    header: (*h).to_owned(),
                    cells: Vec::new(),
                })
                .collect(),
            rows: 0,
        }
    }

    fn row(&mut self, values: Vec<(&str, Value)>) {
        for column in &mut self.columns {
            column.cells.resize(self.rows + 1, Value::Empty);
        }
        for (header, value) in values {
            if let Some(column) = self.columns.iter_mut().find(|c| c.header == header) {
                column.cells[self.rows] = value;
            }
        }
        self.rows += 1;
    }

    /// Writes the sheet: the header in bold, frozen; columns without a value left out unless
    /// `always` names them.
    fn write(&self, sheet: &mut Worksheet, always: &[&str]) -> Result<(), XlsxError> {
        let bold = Format::new().set_bold();
        let mut c: u16 = 0;
        for column in &self.columns {
            let used = column.cells.iter().any(|v| !matches!(v, Value::Empty));
            if !used && !always.contains(&column.header.as_str()) {
                continue;
            }
            sheet.write_string_with_format(0, c, &column.header, &bold)?;
            let width = if column.header.starts_with("label") || column.header.starts_with("hint") {
                40
            } else {
                16
            };
            sheet.set_column_width(c, width)?;
            for (r, value) in column.cells.iter().enumerate() {
                let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
                match value {
                    Value::Empty => {}
                    Value::Text(text) => {
                        sheet.write_string(r, c, text)?;
                    }
                    Value::Number(n) => {
                        sheet.write_number(r, c, *n)?;
                    }
                }
            }
            c += 1;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(())
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn header(base: &str, suffix: &str) -> String {
    format!("{base}::{suffix}")
}

/// Pushes the two language cells of a localized text.
fn localized<'h>(
    out: &mut Vec<(&'h str, Value)>,
    headers: &'h [String; 2],
    value: Option<&Localized>,
) {
    if let Some(value) = value {
        out.push((&headers[0], text(value.zh_cn.clone())));
        if let Some(en) = &value.en {
            out.push((&headers[1], text(en.clone())));
        }
    }
}

/// Writes `form` as an XLSForm workbook: `survey`, `choices` (when a question has options or
/// the form has scales), `settings`, and `scales` when a scale has a label. The mapping is the
/// one `docs/forms.md` describes; importing the bytes gives `form` back (a skip rule's `any_of`
/// of a single value comes back as `equals`, which means the same).
pub fn export_xlsform(form: &FormDefinition) -> Result<Vec<u8>, ExportError> {
    export_xlsform_in_series(form, None, None)
}

/// [`export_xlsform`], with the survey's series and period in the `settings` sheet (the
/// columns the import reads back into the survey's series and period), when it has them.
pub fn export_xlsform_in_series(
    form: &FormDefinition,
    series: Option<&str>,
    period: Option<&str>,
) -> Result<Vec<u8>, ExportError> {
    let pair = |base: &str| [header(base, ZH), header(base, EN)];
    let label = pair("label");
    let hint = pair("hint");
    let unit = pair("unit");
    let low = pair("low_label");
    let high = pair("high_label");
    let title = ["form_title".to_owned(), header("form_title", EN)];

    let mut survey = Table::new(&[
        "type",
        "name",
        &label[0],
        &label[1],
        &hint[0],
        &hint[1],
        "required",
        "relevant",
        "constraint",
        "appearance",
        &unit[0],
        &unit[1],
        &low[0],
        &low[1],
        &high[0],
        &high[1],
    ]);
    let mut choices = Table::new(&[
        "list_name",
        "name",
        &label[0],
        &label[1],
        "score",
        "satisfied",
    ]);

    if let Some(description) = &form.description {
        let mut name = "intro".to_owned();
        let mut n = 1;
        while form.question(&name).is_some() {
            n += 1;
            name = format!("intro_{n}");
        }
        let mut row = vec![("type", text("note")), ("name", text(name))];
        localized(&mut row, &label, Some(description));
        survey.row(row);
    }

    let mut list_names: BTreeSet<String> = form.scales.keys().map(ToString::to_string).collect();
    list_names.insert(SATISFACTION_LIST.to_owned());
    for question in &form.questions {
        let mut row = vec![("name", text(question.id.to_string()))];
        localized(&mut row, &label, Some(&question.label));
        localized(&mut row, &hint, question.help.as_ref());
        if question.required {
            row.push(("required", text("yes")));
        }
        if let Some(relevant) = relevant(form, question) {
            row.push(("relevant", text(relevant)));
        }
        let mut bounds = Vec::new();
        let mut bound = |subject, op, value: Option<f64>| {
            if let Some(value) = value {
                bounds.push(Bound { subject, op, value });
            }
        };
        let type_cell = match &question.kind {
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleChoice { options, .. } => {
                let mut list = question.id.to_string();
                while list_names.contains(&list) {
                    list.push_str("_options");
                }
                list_names.insert(list.clone());
                for option in options {
                    let mut choice = vec![
                        ("list_name", text(list.clone())),
                        ("name", text(option.id.to_string())),
                    ];
                    localized(&mut choice, &label, Some(&option.label));
                    choices.row(choice);
                }
                if let QuestionKind::MultipleChoice { min, max, .. } = &question.kind {
                    bound(Subject::Count, Op::Ge, min.map(f64::from));
                    bound(Subject::Count, Op::Le, max.map(f64::from));
                    format!("select_multiple {list}")
                } else {
                    format!("select_one {list}")
                }
            }
            QuestionKind::Rating { scale } if scale.is_builtin() => "rating".to_owned(),
            QuestionKind::Rating { scale } => format!("rating {scale}"),
            QuestionKind::Score0To10 {
                low_label,
                high_label,
            } => {
                localized(&mut row, &low, low_label.as_ref());
                localized(&mut row, &high, high_label.as_ref());
                "score_0_10".to_owned()
            }
            QuestionKind::Number {
                min,
                max,
                integer,
                unit: unit_text,
            } => {
                localized(&mut row, &unit, unit_text.as_ref());
                bound(Subject::Value, Op::Ge, *min);
                bound(Subject::Value, Op::Le, *max);
                if *integer { "integer" } else { "decimal" }.to_owned()
            }
            QuestionKind::ShortText { max_length } => {
                bound(Subject::Length, Op::Le, max_length.map(f64::from));
                "text".to_owned()
            }
            QuestionKind::LongText { max_length } => {
                bound(Subject::Length, Op::Le, max_length.map(f64::from));
                row.push(("appearance", text("multiline")));
                "text".to_owned()
            }
        };
        row.push(("type", text(type_cell)));
        if !bounds.is_empty() {
            row.push(("constraint", text(expr::write_constraint(&bounds))));
        }
        survey.row(row);
    }

    let mut scales = Table::new(&["list_name", &label[0], &label[1]]);
    for (id, scale) in &form.scales {
        for option in &scale.options {
            let mut choice = vec![
                ("list_name", text(id.to_string())),
                ("name", text(option.id.to_string())),
            ];
            localized(&mut choice, &label, Some(&option.label));
            if let Some(score) = option.score {
                choice.push(("score", Value::Number(score)));
            }
            if option.satisfied {
                choice.push(("satisfied", text("yes")));
            }
            choices.row(choice);
        }
        if let Some(scale_label) = &scale.label {
            let mut row = vec![("list_name", text(id.to_string()))];
            localized(&mut row, &label, Some(scale_label));
            scales.row(row);
        }
    }

    let mut settings = Table::new(&[&title[0], &title[1], "default_language", "series", "period"]);
    let mut row = vec![("default_language", text(ZH))];
    localized(&mut row, &title, Some(&form.title));
    for (column, value) in [("series", series), ("period", period)] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            row.push((column, text(value.to_owned())));
        }
    }
    settings.row(row);

    let mut workbook = Workbook::new();
    survey.write(
        workbook.add_worksheet().set_name("survey")?,
        &["type", "name", &label[0]],
    )?;
    if choices.rows > 0 {
        choices.write(
            workbook.add_worksheet().set_name("choices")?,
            &["list_name", "name", &label[0]],
        )?;
    }
    settings.write(workbook.add_worksheet().set_name("settings")?, &[&title[0]])?;
    if scales.rows > 0 {
        scales.write(workbook.add_worksheet().set_name("scales")?, &[])?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The `relevant` of a question: `=` for single choices, ratings and numbers, `selected()` for
/// multiple choices (whose `=` in XLSForm would compare the whole selection).
fn relevant(form: &FormDefinition, question: &Question) -> Option<String> {
    let show_if = question.show_if.as_ref()?;
    let selected = matches!(
        form.question(show_if.question.as_str()).map(|q| &q.kind),
        Some(QuestionKind::MultipleChoice { .. })
    );
    let values: Vec<Literal> = show_if
        .condition
        .values()
        .iter()
        .map(|v| match v {
            ConditionValue::Option(id) => Literal::Text(id.to_string()),
            ConditionValue::Number(n) => Literal::Number(*n),
        })
        .collect();
    Some(expr::write_relevant(
        show_if.question.as_str(),
        &values,
        selected,
    ))
}
