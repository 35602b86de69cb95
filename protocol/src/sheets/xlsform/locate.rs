//! Where in the workbook a problem of the form rules ([`FormDefinition::validate`]) lies: the
//! path of the field at fault (`questions[3].options[0].label.zh-CN`) mapped back to its sheet,
//! row and column, with a message in the reader's language.

use std::collections::HashMap;

use super::columns::Col;
use super::import::Which;
use crate::error::ErrorCode;
use crate::forms::{
    Condition, FieldError, FormDefinition, Lang, QuestionKind, MAX_HELP_CHARS, MAX_LABEL_CHARS,
    MAX_OPTIONS, MAX_QUESTIONS, MAX_SCALES, MAX_TITLE_CHARS,
};
use crate::i18n::Message;
use crate::msg;
use crate::sheets::{ProblemCode, SheetProblem};

/// A question of the built form and the rows it came from.
#[derive(Debug, Default)]
pub(super) struct SourceQuestion {
    /// Its row of the survey sheet.
    pub row: u32,
    /// The choices rows of its options, in order.
    pub options: Vec<u32>,
}

/// A scale of the built form and the rows it came from.
#[derive(Debug, Default)]
pub(super) struct SourceScale {
    /// The first choices row of its list.
    pub first_row: u32,
    /// The choices rows of its options, in order.
    pub options: Vec<u32>,
    /// Its row of the scales sheet, where it has a label.
    pub label_row: Option<u32>,
}

/// Where each part of the built form came from.
#[derive(Debug, Default)]
pub(super) struct Source {
    pub title_row: Option<u32>,
    pub intro_row: Option<u32>,
    pub questions: Vec<SourceQuestion>,
    pub scales: HashMap<String, SourceScale>,
    /// Whether every question row was read; when not, the form's question count is not
    /// reported (the rows at fault are).
    pub complete: bool,
}

/// Places a problem in a cell of one of the sheets.
pub(super) trait Cells {
    fn problem(&self, which: Which, row: u32, col: Col, problem: SheetProblem) -> SheetProblem;
}

#[derive(Debug, PartialEq)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        while let Some((index, after)) = rest.split_once(']') {
            if let Ok(i) = index.parse() {
                out.push(Seg::Index(i));
            }
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    out
}

fn lang_of(seg: Option<&Seg<'_>>) -> Lang {
    match seg {
        Some(Seg::Key("en")) => Lang::En,
        _ => Lang::ZhCn,
    }
}

fn too_long(max: usize) -> (ProblemCode, Message) {
    (
        ProblemCode::InvalidValue,
        msg!("sheet-text-too-long", max = max),
    )
}

/// Maps one problem of the form rules back to the workbook; `None` for a problem already
/// reported from the sheets (duplicate names, and an empty form when rows could not be read).
pub(super) fn locate(
    error: &FieldError,
    form: &FormDefinition,
    source: &Source,
    cells: &impl Cells,
) -> Option<SheetProblem> {
    if error.code == ErrorCode::DuplicateId {
        return None;
    }
    let fallback = || {
        SheetProblem::error(
            ProblemCode::FormRule,
            msg!("sheet-form-rule", detail = error.to_string()),
        )
        .in_sheet(Some("survey"))
    };
    let segs = segments(&error.field);
    let placed = match segs.as_slice() {
        [Seg::Key("title"), lang] => source.title_row.map(|row| {
            let (code, message) = too_long(MAX_TITLE_CHARS);
            (
                Which::Settings,
                row,
                Col::FormTitle(lang_of(Some(lang))),
                code,
                message,
            )
        }),
        [Seg::Key("description"), lang] => source.intro_row.map(|row| {
            let (code, message) = too_long(MAX_HELP_CHARS);
            (
                Which::Survey,
                row,
                Col::Label(lang_of(Some(lang))),
                code,
                message,
            )
        }),
        [Seg::Key("questions")] => {
            if !source.complete && form.questions.is_empty() {
                return None;
            }
            let message = if form.questions.is_empty() {
                msg!("sheet-no-questions")
            } else {
                msg!(
                    "sheet-too-many-questions",
                    count = form.questions.len(),
                    max = MAX_QUESTIONS
                )
            };
            return Some(
                SheetProblem::error(ProblemCode::FormRule, message).in_sheet(Some("survey")),
            );
        }
        [Seg::Key("questions"), Seg::Index(i), rest @ ..] => source
            .questions
            .get(*i)
            .zip(form.questions.get(*i))
            .and_then(|(src, question)| question_cell(error, src, question, rest)),
        [Seg::Key("scales")] => {
            let message = msg!("sheet-too-many-scales", max = MAX_SCALES);
            return Some(
                SheetProblem::error(ProblemCode::FormRule, message).in_sheet(Some("choices")),
            );
        }
        [Seg::Key("scales"), Seg::Key(id), rest @ ..] => source
            .scales
            .get(*id)
            .and_then(|src| scale_cell(form, id, src, rest)),
        _ => None,
    };
    Some(match placed {
        Some((which, row, col, code, message)) => {
            cells.problem(which, row, col, SheetProblem::error(code, message))
        }
        None => fallback(),
    })
}

type Placed = (Which, u32, Col, ProblemCode, Message);

fn question_cell(
    error: &FieldError,
    src: &SourceQuestion,
    question: &crate::forms::Question,
    rest: &[Seg<'_>],
) -> Option<Placed> {
    let row = src.row;
    let survey = |col: Col, (code, message): (ProblemCode, Message)| {
        Some((Which::Survey, row, col, code, message))
    };
    match rest {
        [Seg::Key("id")] => survey(
            Col::Name,
            (
                ProblemCode::DuplicateName,
                msg!(
                    "sheet-duplicate-question",
                    name = question.id.as_str(),
                    row = row
                ),
            ),
        ),
        [Seg::Key("label"), lang] => {
            survey(Col::Label(lang_of(Some(lang))), too_long(MAX_LABEL_CHARS))
        }
        [Seg::Key("help"), lang] => {
            survey(Col::Hint(lang_of(Some(lang))), too_long(MAX_HELP_CHARS))
        }
        [Seg::Key("unit"), lang] => {
            survey(Col::Unit(lang_of(Some(lang))), too_long(MAX_LABEL_CHARS))
        }
        [Seg::Key("low_label"), lang] => survey(
            Col::LowLabel(lang_of(Some(lang))),
            too_long(MAX_LABEL_CHARS),
        ),
        [Seg::Key("high_label"), lang] => survey(
            Col::HighLabel(lang_of(Some(lang))),
            too_long(MAX_LABEL_CHARS),
        ),
        [Seg::Key("options")] => {
            let (count, min) = match &question.kind {
                QuestionKind::SingleChoice { options } => (options.len(), 2),
                QuestionKind::MultipleChoice { options, .. } => (options.len(), 1),
                _ => (0, 1),
            };
            survey(
                Col::Type,
                (
                    ProblemCode::FormRule,
                    msg!(
                        "sheet-option-count",
                        count = count,
                        min = min,
                        max = MAX_OPTIONS
                    ),
                ),
            )
        }
        [Seg::Key("options"), Seg::Index(j), tail @ ..] => {
            let option_row = *src.options.get(*j)?;
            let (col, problem) = match tail {
                [Seg::Key("id")] => {
                    let name = match &question.kind {
                        QuestionKind::SingleChoice { options }
                        | QuestionKind::MultipleChoice { options, .. } => {
                            options.get(*j).map(|o| o.id.to_string())
                        }
                        _ => None,
                    }
                    .unwrap_or_default();
                    (
                        Col::Name,
                        (
                            ProblemCode::DuplicateName,
                            msg!("sheet-duplicate-option", name = name),
                        ),
                    )
                }
                [Seg::Key("label"), lang] => {
                    (Col::Label(lang_of(Some(lang))), too_long(MAX_LABEL_CHARS))
                }
                _ => return None,
            };
            Some((Which::Choices, option_row, col, problem.0, problem.1))
        }
        [Seg::Key("min" | "max" | "max_length")] => survey(
            Col::Constraint,
            (ProblemCode::InvalidLimits, msg!("sheet-bounds-impossible")),
        ),
        [Seg::Key("show_if"), tail @ ..] if error.code == ErrorCode::InvalidShowIf => {
            let show_if = question.show_if.as_ref()?;
            let value = match (tail, &show_if.condition) {
                ([Seg::Key("equals")], Condition::Equals(v)) => Some(v),
                ([Seg::Key("any_of"), Seg::Index(k)], Condition::AnyOf(values)) => values.get(*k),
                _ => None,
            };
            let controller = show_if.question.as_str();
            let message = match value {
                Some(value) => {
                    let shown = match value {
                        crate::forms::ConditionValue::Option(id) => id.to_string(),
                        crate::forms::ConditionValue::Number(n) => super::expr::number(*n),
                    };
                    let twice = show_if
                        .condition
                        .values()
                        .iter()
                        .filter(|v| *v == value)
                        .count()
                        > 1;
                    if twice {
                        msg!("sheet-relevant-value-twice", value = shown)
                    } else {
                        msg!(
                            "sheet-relevant-impossible-value",
                            question = controller,
                            value = shown
                        )
                    }
                }
                None => msg!("sheet-relevant-unknown-question", question = controller),
            };
            survey(Col::Relevant, (ProblemCode::InvalidRelevant, message))
        }
        _ => None,
    }
}

fn scale_cell(
    form: &FormDefinition,
    id: &str,
    src: &SourceScale,
    rest: &[Seg<'_>],
) -> Option<Placed> {
    let scale = form.scales.iter().find(|(k, _)| k.as_str() == id)?.1;
    let first = src.first_row;
    match rest {
        [] => Some((
            Which::Choices,
            first,
            Col::ListName,
            ProblemCode::InvalidName,
            msg!("sheet-scale-reserved"),
        )),
        [Seg::Key("label"), lang] => {
            let (code, message) = too_long(MAX_LABEL_CHARS);
            Some((
                Which::Scales,
                src.label_row?,
                Col::Label(lang_of(Some(lang))),
                code,
                message,
            ))
        }
        [Seg::Key("options")] => {
            let count = scale.options.len();
            let message = if (2..=MAX_OPTIONS).contains(&count) {
                msg!("sheet-scale-without-scores", list = id)
            } else {
                msg!(
                    "sheet-option-count",
                    count = count,
                    min = 2,
                    max = MAX_OPTIONS
                )
            };
            Some((
                Which::Choices,
                first,
                Col::ListName,
                ProblemCode::FormRule,
                message,
            ))
        }
        [Seg::Key("options"), Seg::Index(j), tail] => {
            let row = *src.options.get(*j)?;
            let name = scale
                .options
                .get(*j)
                .map(|o| o.id.to_string())
                .unwrap_or_default();
            let (col, code, message) = match tail {
                Seg::Key("id") => (
                    Col::Name,
                    ProblemCode::DuplicateName,
                    msg!("sheet-duplicate-option", name = name),
                ),
                Seg::Key("score") => (
                    Col::Score,
                    ProblemCode::InvalidLimits,
                    msg!("sheet-score-range"),
                ),
                Seg::Key("satisfied") => (
                    Col::Satisfied,
                    ProblemCode::FormRule,
                    msg!("sheet-satisfied-without-score"),
                ),
                _ => return None,
            };
            Some((Which::Choices, row, col, code, message))
        }
        [Seg::Key("options"), Seg::Index(j), Seg::Key("label"), lang] => {
            let row = *src.options.get(*j)?;
            let (code, message) = too_long(MAX_LABEL_CHARS);
            Some((
                Which::Choices,
                row,
                Col::Label(lang_of(Some(lang))),
                code,
                message,
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_keys_and_indexes() {
        assert_eq!(
            segments("questions[3].options[0].label.zh-CN"),
            [
                Seg::Key("questions"),
                Seg::Index(3),
                Seg::Key("options"),
                Seg::Index(0),
                Seg::Key("label"),
                Seg::Key("zh-CN")
            ]
        );
        assert_eq!(
            segments("scales.five_point.options[2].score"),
            [
                Seg::Key("scales"),
                Seg::Key("five_point"),
                Seg::Key("options"),
                Seg::Index(2),
                Seg::Key("score")
            ]
        );
    }
}
