//! The survey editor: a questionnaire set up from the console's form, no JSON. A
//! [`SurveyDraft`] is the form as typed (every value a string, so that a refused form shows
//! again as it was); [`Edit`] is one of the form's buttons (add, remove or move a question, add
//! or remove an option or a scale); [`definition_of`] turns the draft into a
//! [`FormDefinition`], every problem at once under the form's own field names; [`create`] and
//! [`update`] store it through the JSON API's own create and update.

use std::collections::{BTreeMap, BTreeSet};

use canvass_protocol::forms::{
    ChoiceOption, Condition, ConditionValue, FormDefinition, Localized, OptionId, Question,
    QuestionId, QuestionKind, Scale, ScaleId, ScaleOption, ShowIf, MAX_OPTIONS, MAX_QUESTIONS,
    MAX_SCALES, SATISFACTION_SCALE_ID,
};
use canvass_protocol::surveys::{CreateSurvey, Survey, UpdateSurvey};
use canvass_protocol::units::{Unit, UnitKind};
use canvass_protocol::{msg, ErrorCode};

use super::templates::Template;
use super::{check_manage, manages_surveys, stored_definition, visible_survey};
use crate::db::surveys as store;
use crate::db::units::UnitRow;
use crate::db::{self, DbConnection};
use crate::domain::auth::{Action, Caller};
use crate::domain::error::{Error, Field, Kind, Problem};

/// The question types, as the form's type select names them, in the order it offers them.
pub const TYPES: [&str; 7] = [
    "single_choice",
    "multiple_choice",
    "rating",
    "score_0_10",
    "number",
    "short_text",
    "long_text",
];

/// One option of a choice question as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionDraft {
    /// The option's id (kept hidden in the form; a new one gets one).
    pub id: String,
    pub zh: String,
    pub en: String,
}

/// One option of a rating scale as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScaleOptionDraft {
    pub id: String,
    pub zh: String,
    pub en: String,
    /// The score, 0 to 100; empty for an option like 不了解 that is left out of the rates.
    pub score: String,
    pub satisfied: bool,
}

/// A rating scale of the form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScaleDraft {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub options: Vec<ScaleOptionDraft>,
}

/// One question as typed: the fields of every type, of which the question's type reads its
/// own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionDraft {
    /// The question's id (kept hidden in the form; a new one gets one).
    pub id: String,
    /// One of [`TYPES`].
    pub kind: String,
    pub label_zh: String,
    pub label_en: String,
    pub help_zh: String,
    pub help_en: String,
    pub required: bool,
    /// The skip rule: `question:value` pairs of one earlier question (show this question when
    /// that one's answer is one of the values); empty for always shown.
    pub show_if: Vec<String>,
    /// A choice question's options.
    pub options: Vec<OptionDraft>,
    /// A rating question's scale: `satisfaction` or the id of one of the form's scales.
    pub scale: String,
    /// A multiple choice's fewest and most picks, a number's bounds.
    pub min: String,
    pub max: String,
    /// A number question takes whole numbers only.
    pub integer: bool,
    pub unit_zh: String,
    pub unit_en: String,
    /// A text question's longest answer.
    pub max_length: String,
    /// What 0 and 10 mean on a 0–10 score.
    pub low_zh: String,
    pub low_en: String,
    pub high_zh: String,
    pub high_en: String,
}

impl QuestionDraft {
    /// A new question: a rating on the satisfaction scale, nothing typed yet.
    #[must_use]
    pub fn new() -> Self {
        Self {
            kind: "rating".into(),
            scale: SATISFACTION_SCALE_ID.into(),
            ..Self::default()
        }
    }

    /// Whether the question's type has options of its own.
    #[must_use]
    pub fn has_options(&self) -> bool {
        matches!(self.kind.as_str(), "single_choice" | "multiple_choice")
    }
}

/// A survey as the editor's form holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyDraft {
    /// The owning unit's id (a new survey only); empty for the caller's own unit.
    pub unit: String,
    pub title_zh: String,
    pub title_en: String,
    pub description_zh: String,
    pub description_en: String,
    pub questions: Vec<QuestionDraft>,
    pub scales: Vec<ScaleDraft>,
    /// The ids of the units rated, ticked on the unit tree.
    pub targets: Vec<String>,
}

fn zh(text: &Localized) -> String {
    text.zh_cn.clone()
}

fn en(text: &Localized) -> String {
    text.en.clone().unwrap_or_default()
}

fn both(text: Option<&Localized>) -> (String, String) {
    text.map(|t| (zh(t), en(t))).unwrap_or_default()
}

fn number_text(n: f64) -> String {
    format!("{n}")
}

impl SurveyDraft {
    /// The form of a questionnaire and its target units.
    #[must_use]
    pub fn of(form: &FormDefinition, targets: &[i64]) -> Self {
        let (description_zh, description_en) = both(form.description.as_ref());
        let questions = form.questions.iter().map(question_draft).collect();
        let scales = form
            .scales
            .iter()
            .map(|(id, s)| {
                let (label_zh, label_en) = both(s.label.as_ref());
                ScaleDraft {
                    id: id.to_string(),
                    label_zh,
                    label_en,
                    options: s
                        .options
                        .iter()
                        .map(|o| ScaleOptionDraft {
                            id: o.id.to_string(),
                            zh: zh(&o.label),
                            en: en(&o.label),
                            score: o.score.map(number_text).unwrap_or_default(),
                            satisfied: o.satisfied,
                        })
                        .collect(),
                }
            })
            .collect();
        Self {
            unit: String::new(),
            title_zh: zh(&form.title),
            title_en: en(&form.title),
            description_zh,
            description_en,
            questions,
            scales,
            targets: targets.iter().map(ToString::to_string).collect(),
        }
    }

    /// The form of a new survey from `template`: the template's questionnaire, or one empty
    /// question for the blank form; the window units of `units` ticked for the window units'
    /// survey.
    #[must_use]
    pub fn from_template(template: Template, units: &[Unit]) -> Self {
        let targets: Vec<i64> = if template == Template::Window {
            units
                .iter()
                .filter(|u| u.window_unit && !u.retired)
                .map(|u| u.id)
                .take(super::MAX_TARGETS)
                .collect()
        } else {
            Vec::new()
        };
        let mut draft = match template.form() {
            Some(form) => Self::of(&form, &targets),
            None => Self {
                questions: vec![QuestionDraft::new()],
                ..Self::default()
            },
        };
        draft.complete();
        draft
    }

    /// Gives every question, option, scale and scale option without an id one that no other
    /// has, and every choice question and scale at least two option rows, so that the form
    /// shows them and a skip rule can name them.
    pub fn complete(&mut self) {
        let mut taken: BTreeSet<String> = self
            .questions
            .iter()
            .map(|q| q.id.clone())
            .filter(|id| !id.is_empty())
            .collect();
        for q in &mut self.questions {
            if q.id.is_empty() {
                q.id = fresh("q", &mut taken);
            }
            if q.has_options() {
                while q.options.len() < 2 {
                    q.options.push(OptionDraft::default());
                }
            }
            if q.kind == "rating" && q.scale.is_empty() {
                q.scale = SATISFACTION_SCALE_ID.into();
            }
            let mut options: BTreeSet<String> = q
                .options
                .iter()
                .map(|o| o.id.clone())
                .filter(|id| !id.is_empty())
                .collect();
            for o in &mut q.options {
                if o.id.is_empty() {
                    o.id = fresh("o", &mut options);
                }
            }
        }
        let mut scales: BTreeSet<String> = self
            .scales
            .iter()
            .map(|s| s.id.clone())
            .filter(|id| !id.is_empty())
            .collect();
        for s in &mut self.scales {
            if s.id.is_empty() {
                s.id = fresh("scale", &mut scales);
            }
            while s.options.len() < 2 {
                s.options.push(ScaleOptionDraft::default());
            }
            let mut options: BTreeSet<String> = s
                .options
                .iter()
                .map(|o| o.id.clone())
                .filter(|id| !id.is_empty())
                .collect();
            for o in &mut s.options {
                if o.id.is_empty() {
                    o.id = fresh("o", &mut options);
                }
            }
        }
    }

    /// Applies one of the form's buttons. A button naming a row the form does not have does
    /// nothing; neither does adding beyond the limits of a form.
    pub fn apply(&mut self, edit: Edit) {
        let qs = &mut self.questions;
        match edit {
            Edit::AddQuestion if qs.len() < MAX_QUESTIONS => qs.push(QuestionDraft::new()),
            Edit::RemoveQuestion(n) if n < qs.len() => {
                qs.remove(n);
            }
            Edit::MoveUp(n) if n > 0 && n < qs.len() => qs.swap(n - 1, n),
            Edit::MoveDown(n) if n + 1 < qs.len() => qs.swap(n, n + 1),
            Edit::AddOption(n) => {
                if let Some(q) = qs.get_mut(n).filter(|q| q.options.len() < MAX_OPTIONS) {
                    q.options.push(OptionDraft::default());
                }
            }
            Edit::RemoveOption(n, m) => {
                if let Some(q) = qs.get_mut(n).filter(|q| m < q.options.len()) {
                    q.options.remove(m);
                }
            }
            Edit::AddScale if self.scales.len() < MAX_SCALES => {
                self.scales.push(ScaleDraft::default());
            }
            Edit::RemoveScale(k) if k < self.scales.len() => {
                self.scales.remove(k);
            }
            Edit::AddScaleOption(k) => {
                if let Some(s) = self
                    .scales
                    .get_mut(k)
                    .filter(|s| s.options.len() < MAX_OPTIONS)
                {
                    s.options.push(ScaleOptionDraft::default());
                }
            }
            Edit::RemoveScaleOption(k, m) => {
                if let Some(s) = self.scales.get_mut(k).filter(|s| m < s.options.len()) {
                    s.options.remove(m);
                }
            }
            _ => {}
        }
        self.complete();
    }
}

/// A fresh id `{prefix}{n}`, the first not taken, taken from then on.
fn fresh(prefix: &str, taken: &mut BTreeSet<String>) -> String {
    let id = (1..=taken.len() + 1)
        .map(|n| format!("{prefix}{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_default();
    taken.insert(id.clone());
    id
}

fn question_draft(q: &Question) -> QuestionDraft {
    let (help_zh, help_en) = both(q.help.as_ref());
    let mut d = QuestionDraft {
        id: q.id.to_string(),
        kind: q.kind.type_name().into(),
        label_zh: zh(&q.label),
        label_en: en(&q.label),
        help_zh,
        help_en,
        required: q.required,
        show_if: q
            .show_if
            .as_ref()
            .map(|s| {
                s.condition
                    .values()
                    .iter()
                    .map(|v| show_if_value(s.question.as_str(), v))
                    .collect()
            })
            .unwrap_or_default(),
        ..QuestionDraft::default()
    };
    let bound = |b: Option<u32>| b.map(|b| b.to_string()).unwrap_or_default();
    match &q.kind {
        QuestionKind::SingleChoice { options } => d.options = options_draft(options),
        QuestionKind::MultipleChoice { options, min, max } => {
            d.options = options_draft(options);
            d.min = bound(*min);
            d.max = bound(*max);
        }
        QuestionKind::Rating { scale } => d.scale = scale.to_string(),
        QuestionKind::Score0To10 {
            low_label,
            high_label,
        } => {
            (d.low_zh, d.low_en) = both(low_label.as_ref());
            (d.high_zh, d.high_en) = both(high_label.as_ref());
        }
        QuestionKind::Number {
            min,
            max,
            integer,
            unit,
        } => {
            d.min = min.map(number_text).unwrap_or_default();
            d.max = max.map(number_text).unwrap_or_default();
            d.integer = *integer;
            (d.unit_zh, d.unit_en) = both(unit.as_ref());
        }
        QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length } => {
            d.max_length = bound(*max_length);
        }
    }
    d
}

fn options_draft(options: &[ChoiceOption]) -> Vec<OptionDraft> {
    options
        .iter()
        .map(|o| OptionDraft {
            id: o.id.to_string(),
            zh: zh(&o.label),
            en: en(&o.label),
        })
        .collect()
}

/// A skip rule's value as the form's select names it: `question:value`.
#[must_use]
pub fn show_if_value(question: &str, value: &ConditionValue) -> String {
    match value {
        ConditionValue::Option(id) => format!("{question}:{id}"),
        ConditionValue::Number(n) => format!("{question}:{n}"),
    }
}

/// One of the editor form's buttons besides saving, as its `op` value names it
/// (`remove:3`, `remove_option:3:1`, ...); rows count from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Show the form again as typed (after a question's type was changed).
    Refresh,
    AddQuestion,
    RemoveQuestion(usize),
    MoveUp(usize),
    MoveDown(usize),
    AddOption(usize),
    RemoveOption(usize, usize),
    AddScale,
    RemoveScale(usize),
    AddScaleOption(usize),
    RemoveScaleOption(usize, usize),
}

impl Edit {
    /// The button an `op` value names; `None` for saving (and anything unknown, which saves
    /// nothing either: [`definition_of`] decides).
    #[must_use]
    pub fn parse(op: &str) -> Option<Self> {
        let mut parts = op.split(':');
        let name = parts.next()?;
        let mut row = || parts.next().and_then(|n| n.parse::<usize>().ok());
        Some(match name {
            "refresh" => Edit::Refresh,
            "add" => Edit::AddQuestion,
            "remove" => Edit::RemoveQuestion(row()?),
            "up" => Edit::MoveUp(row()?),
            "down" => Edit::MoveDown(row()?),
            "add_option" => Edit::AddOption(row()?),
            "remove_option" => Edit::RemoveOption(row()?, row()?),
            "add_scale" => Edit::AddScale,
            "remove_scale" => Edit::RemoveScale(row()?),
            "add_scale_option" => Edit::AddScaleOption(row()?),
            "remove_scale_option" => Edit::RemoveScaleOption(row()?, row()?),
            _ => return None,
        })
    }
}

/// A text in Chinese and, when typed, English; an English text alone keeps an empty Chinese
/// one, which the form's check names.
fn localized(zh: &str, en: &str) -> Localized {
    let en = en.trim();
    Localized {
        zh_cn: zh.trim().to_owned(),
        en: (!en.is_empty()).then(|| en.to_owned()),
    }
}

/// An optional text: none when both languages are left empty.
fn optional(zh: &str, en: &str) -> Option<Localized> {
    (!zh.trim().is_empty() || !en.trim().is_empty()).then(|| localized(zh, en))
}

/// An id kept hidden in the form; one that is not a valid id (a forged form) is a problem of
/// the row.
fn parsed_id<T>(
    typed: &str,
    parse: impl Fn(&str) -> Result<T, canvass_protocol::forms::SlugError>,
    field: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match parse(typed.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            problems.push(
                Problem::new(ErrorCode::InvalidValue, msg!("console-survey-id-invalid")).at(field),
            );
            None
        }
    }
}

/// A whole number typed in a field, or empty.
fn whole(typed: &str, field: &str, problems: &mut Vec<Problem>) -> Option<u32> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let n = canvass_protocol::forms::parse_form_number(typed)
        .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= f64::from(u32::MAX));
    if n.is_none() {
        problems.push(
            Problem::new(ErrorCode::InvalidValue, msg!("console-survey-whole-number")).at(field),
        );
    }
    // the bound was checked to fit
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    n.map(|n| n as u32)
}

/// A number typed in a field, or empty.
fn number(typed: &str, field: &str, problems: &mut Vec<Problem>) -> Option<f64> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let n = canvass_protocol::forms::parse_form_number(typed);
    if n.is_none() {
        problems
            .push(Problem::new(ErrorCode::InvalidValue, msg!("console-survey-number")).at(field));
    }
    n
}

/// The definition `draft` describes, checked as every form is: every problem at once, each
/// under its form field (`title`, `q3_label`, `q3_o1`, `s0_o2`, ... as [`form_field`] names
/// them).
///
/// # Errors
/// Every problem of the form.
pub fn definition_of(draft: &SurveyDraft) -> Result<FormDefinition, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut scales = BTreeMap::new();
    let mut scale_rows = Vec::new();
    for (k, s) in draft.scales.iter().enumerate() {
        let Some(id) = parsed_id(&s.id, ScaleId::parse, &format!("s{k}"), &mut problems) else {
            continue;
        };
        if scales.contains_key(&id) || s.id.trim() == SATISFACTION_SCALE_ID {
            problems.push(
                Problem::new(ErrorCode::DuplicateId, msg!("console-survey-id-invalid"))
                    .at(format!("s{k}")),
            );
            continue;
        }
        let mut options = Vec::new();
        for (m, o) in s.options.iter().enumerate() {
            let field = format!("s{k}_o{m}");
            let Some(id) = parsed_id(&o.id, OptionId::parse, &field, &mut problems) else {
                continue;
            };
            options.push(ScaleOption {
                id,
                label: localized(&o.zh, &o.en),
                score: number(&o.score, &field, &mut problems),
                satisfied: o.satisfied,
            });
        }
        scale_rows.push(s.id.trim().to_owned());
        scales.insert(
            id,
            Scale {
                label: optional(&s.label_zh, &s.label_en),
                options,
            },
        );
    }

    let mut questions = Vec::new();
    for (n, q) in draft.questions.iter().enumerate() {
        let at = |what: &str| format!("q{n}_{what}");
        let Some(id) = parsed_id(&q.id, QuestionId::parse, &format!("q{n}"), &mut problems) else {
            continue;
        };
        let mut options = Vec::new();
        if q.has_options() {
            for (m, o) in q.options.iter().enumerate() {
                if let Some(id) =
                    parsed_id(&o.id, OptionId::parse, &at(&format!("o{m}")), &mut problems)
                {
                    options.push(ChoiceOption {
                        id,
                        label: localized(&o.zh, &o.en),
                    });
                }
            }
        }
        let kind = match q.kind.as_str() {
            "single_choice" => QuestionKind::SingleChoice { options },
            "multiple_choice" => QuestionKind::MultipleChoice {
                options,
                min: whole(&q.min, &at("limits"), &mut problems),
                max: whole(&q.max, &at("limits"), &mut problems),
            },
            "rating" => {
                let scale = match q.scale.trim() {
                    "" => ScaleId::satisfaction(),
                    typed => ScaleId::parse(typed).unwrap_or_else(|_| {
                        problems.push(
                            Problem::new(
                                ErrorCode::UnknownScale,
                                msg!("console-survey-scale-unknown"),
                            )
                            .at(at("scale")),
                        );
                        ScaleId::satisfaction()
                    }),
                };
                QuestionKind::Rating { scale }
            }
            "score_0_10" => QuestionKind::Score0To10 {
                low_label: optional(&q.low_zh, &q.low_en),
                high_label: optional(&q.high_zh, &q.high_en),
            },
            "number" => QuestionKind::Number {
                min: number(&q.min, &at("limits"), &mut problems),
                max: number(&q.max, &at("limits"), &mut problems),
                integer: q.integer,
                unit: optional(&q.unit_zh, &q.unit_en),
            },
            "short_text" => QuestionKind::ShortText {
                max_length: whole(&q.max_length, &at("limits"), &mut problems),
            },
            "long_text" => QuestionKind::LongText {
                max_length: whole(&q.max_length, &at("limits"), &mut problems),
            },
            _ => {
                problems.push(
                    Problem::new(ErrorCode::InvalidValue, msg!("console-survey-type-unknown"))
                        .at(format!("q{n}")),
                );
                continue;
            }
        };
        let show_if = show_if_of(&q.show_if, &at("show_if"), &mut problems);
        questions.push(Question {
            id,
            label: localized(&q.label_zh, &q.label_en),
            help: optional(&q.help_zh, &q.help_en),
            required: q.required,
            show_if,
            kind,
        });
    }

    let definition = FormDefinition {
        title: localized(&draft.title_zh, &draft.title_en),
        description: optional(&draft.description_zh, &draft.description_en),
        questions,
        scales,
    };
    if let Err(found) = definition.check() {
        // rows the draft dropped above (a forged id) shift the definition's questions: their
        // problems are named by the draft's rows, so name these by the questions' ids
        let rows: Vec<usize> = definition
            .questions
            .iter()
            .filter_map(|q| {
                draft
                    .questions
                    .iter()
                    .position(|d| d.id.trim() == q.id.as_str())
            })
            .collect();
        for p in found {
            let field = form_field(&p.field, &rows, &scale_rows);
            problems.push(Problem {
                code: p.code,
                message: p.message,
                field: Some(Field::new(field)),
            });
        }
    }
    if problems.is_empty() {
        Ok(definition)
    } else {
        Err(problems)
    }
}

/// The skip rule of the values ticked: `question:value` pairs naming one question.
fn show_if_of(values: &[String], field: &str, problems: &mut Vec<Problem>) -> Option<ShowIf> {
    let mut question: Option<&str> = None;
    let mut condition = Vec::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let Some((q, value)) = v.split_once(':') else {
            problems.push(
                Problem::new(ErrorCode::InvalidShowIf, msg!("console-survey-show-if-one"))
                    .at(field),
            );
            return None;
        };
        if question.is_some_and(|seen| seen != q) {
            problems.push(
                Problem::new(ErrorCode::InvalidShowIf, msg!("console-survey-show-if-one"))
                    .at(field),
            );
            return None;
        }
        question = Some(q);
        let value = match OptionId::parse(value) {
            Ok(id) => ConditionValue::Option(id),
            Err(_) => match value.parse::<f64>() {
                Ok(n) if n.is_finite() => ConditionValue::Number(n),
                _ => {
                    problems.push(
                        Problem::new(ErrorCode::InvalidShowIf, msg!("console-survey-show-if-one"))
                            .at(field),
                    );
                    return None;
                }
            },
        };
        condition.push(value);
    }
    let question = question?;
    let Ok(question) = QuestionId::parse(question) else {
        problems.push(
            Problem::new(ErrorCode::InvalidShowIf, msg!("console-survey-show-if-one")).at(field),
        );
        return None;
    };
    let condition = if condition.len() == 1 {
        Condition::Equals(condition.remove(0))
    } else {
        Condition::AnyOf(condition)
    };
    Some(ShowIf {
        question,
        condition,
    })
}

/// A field of the form definition (`questions[3].options[1].label.zh-CN`, or of the JSON API,
/// under `definition.`) as the editor's form field: `q{row}_o1`. `rows` gives the form row of
/// each question of the definition, `scales` the id of each scale row.
#[must_use]
pub fn form_field(path: &str, rows: &[usize], scales: &[String]) -> String {
    let path = path.strip_prefix("definition.").unwrap_or(path);
    let head = path.split(['.', '[']).next().unwrap_or_default();
    match head {
        "title" => "title".into(),
        "description" => "description".into(),
        "unit_id" => "unit".into(),
        "targets" => "targets".into(),
        "questions" => {
            let Some(i) = super::super::rounds::index_in(path, "questions") else {
                return "questions".into();
            };
            let row = rows.get(i).copied().unwrap_or(i);
            let rest = path.split_once(']').map_or("", |(_, rest)| rest);
            let rest = rest.strip_prefix('.').unwrap_or(rest);
            let part = rest.split(['.', '[']).next().unwrap_or_default();
            let what = match part {
                "label" => "label".to_owned(),
                "help" => "help".into(),
                "show_if" => "show_if".into(),
                "scale" => "scale".into(),
                "min" | "max" | "max_length" | "integer" => "limits".into(),
                "unit" => "unit".into(),
                "low_label" | "high_label" => "ends".into(),
                "options" => match super::super::rounds::index_in(rest, "options") {
                    Some(m) => format!("o{m}"),
                    None => "options".into(),
                },
                _ => return format!("q{row}"),
            };
            format!("q{row}_{what}")
        }
        "scales" => {
            let rest = path.strip_prefix("scales.").unwrap_or_default();
            let id = rest.split(['.', '[']).next().unwrap_or_default();
            let Some(k) = scales.iter().position(|s| s == id) else {
                return "scales".into();
            };
            let rest = &rest[id.len()..];
            let rest = rest.strip_prefix('.').unwrap_or(rest);
            if rest.starts_with("label") {
                format!("s{k}_label")
            } else if let Some(m) = super::super::rounds::index_in(rest, "options") {
                format!("s{k}_o{m}")
            } else {
                format!("s{k}")
            }
        }
        _ => path.to_owned(),
    }
}

/// What the editor offers: the units of the caller's subtree that are not retired, root first.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub units: Vec<Unit>,
}

impl Choices {
    /// The units that may own a survey (villages and communities own none).
    #[must_use]
    pub fn owners(&self) -> Vec<&Unit> {
        self.units
            .iter()
            .filter(|u| !matches!(u.kind, UnitKind::Village | UnitKind::Community))
            .collect()
    }
}

/// What the editor offers the caller (admins and organisers only).
pub fn choices(conn: &mut DbConnection, caller: &Caller) -> Result<Choices, Error> {
    caller.require(manages_surveys(caller.role()), Action::ManageSurveys)?;
    let units = db::units::subtree(conn, caller.scope_path(), None)?
        .iter()
        .filter(|u| u.retired_at.is_none())
        .map(UnitRow::to_api)
        .collect();
    Ok(Choices { units })
}

/// Survey `id` for the editor (one the caller manages): the survey and its latest
/// questionnaire, the draft version's if it has one, else the published one, which saving
/// turns into the next version.
pub fn editable(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    base_url: &str,
) -> Result<(Survey, FormDefinition), Error> {
    let row = visible_survey(conn, caller, id)?;
    check_manage(conn, caller, &row)?;
    let latest = store::versions(conn, row.id)?
        .pop()
        .ok_or_else(|| Error::internal(&"a survey without versions"))?;
    let form = stored_definition(&latest.definition)?;
    Ok((super::to_api(conn, &row, base_url)?, form))
}

fn invalid_form(problems: Vec<Problem>) -> Error {
    Error::many(Kind::Invalid, problems, Error::internal_logged)
}

/// The targets ticked, as ids; `None` when one is not an id.
fn targets_of(draft: &SurveyDraft) -> Option<Vec<i64>> {
    draft
        .targets
        .iter()
        .map(|t| t.trim().parse::<i64>().ok())
        .collect()
}

/// An error of the JSON API's create or update, its fields named as the form names them.
fn error_on_form(e: Error, rows: &[usize], scales: &[String]) -> Error {
    if e.problems().is_empty() {
        match e.field().cloned() {
            Some(field) => {
                let path = form_field(&field.path, rows, scales);
                e.at(Field {
                    path,
                    label: field.label,
                })
            }
            None => e,
        }
    } else {
        let kind = e.kind();
        let problems = e
            .details()
            .into_iter()
            .map(|p| Problem {
                field: p.field.map(|f| Field {
                    path: form_field(&f.path, rows, scales),
                    label: f.label,
                }),
                ..p
            })
            .collect();
        Error::many(kind, problems, || e)
    }
}

fn checked(draft: &SurveyDraft) -> Result<(FormDefinition, Vec<i64>), Error> {
    let definition = definition_of(draft);
    let targets = targets_of(draft);
    match (definition, targets) {
        (Ok(d), Some(t)) => Ok((d, t)),
        (d, t) => {
            let mut problems = d.err().unwrap_or_default();
            if t.is_none() {
                problems.push(
                    Problem::new(
                        ErrorCode::InvalidValue,
                        msg!("console-survey-target-unknown"),
                    )
                    .at("targets"),
                );
            }
            Err(invalid_form(problems))
        }
    }
}

/// Creates a draft survey from the editor's form, owned by the unit chosen (else the
/// caller's), through the JSON API's own create: every problem of the questionnaire at once,
/// nothing stored unless there is none.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    draft: &SurveyDraft,
    base_url: &str,
) -> Result<Survey, Error> {
    caller.require(manages_surveys(caller.role()), Action::ManageSurveys)?;
    let (definition, targets) = checked(draft)?;
    let unit_id = match draft.unit.trim() {
        "" => None,
        typed => Some(
            typed
                .parse::<i64>()
                .map_err(|_| Error::invalid("unit", msg!("error-survey-owner-missing")))?,
        ),
    };
    let body = CreateSurvey {
        definition,
        targets,
        unit_id,
        min_group_size: None,
        opens_at: None,
        closes_at: None,
        series: None,
        period: None,
        requires_codes: None,
    };
    super::create(conn, caller, &body, base_url).map_err(|e| error_on_form(e, &[], &[]))
}

/// Saves the editor's form as survey `id`'s draft questionnaire (replacing the draft version,
/// or starting the next one after the published version), and its targets when they changed,
/// through the JSON API's own update: every problem at once, nothing stored unless there is
/// none; changed targets after the first answer are `already_published` (409), as in the API.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    draft: &SurveyDraft,
    base_url: &str,
) -> Result<Survey, Error> {
    let (current, _) = editable(conn, caller, id, base_url)?;
    let (definition, targets) = checked(draft)?;
    let before: Vec<i64> = current.targets.iter().map(|t| t.unit_id).collect();
    let body = UpdateSurvey {
        definition: Some(definition),
        targets: (targets != before).then_some(targets),
        ..UpdateSurvey::default()
    };
    super::update(conn, caller, id, &body, base_url).map_err(|e| error_on_form(e, &[], &[]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_protocol::i18n::Lang;

    fn fields(problems: &[Problem]) -> Vec<String> {
        problems
            .iter()
            .map(|p| p.field.as_ref().map(|f| f.path.clone()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_template_read_into_the_form_gives_the_same_questionnaire() {
        for t in [Template::Window, Template::Village] {
            let draft = SurveyDraft::from_template(t, &[]);
            assert_eq!(definition_of(&draft).unwrap(), t.form().unwrap());
        }
        let example: FormDefinition = serde_json::from_str(include_str!(
            "../../../../docs/examples/survey-village-services.json"
        ))
        .unwrap();
        let draft = SurveyDraft::of(&example, &[3]);
        assert_eq!(draft.targets, ["3"]);
        assert_eq!(draft.scales.len(), 1);
        assert_eq!(
            draft.questions[7].show_if,
            [
                "overall_score:0",
                "overall_score:1",
                "overall_score:2",
                "overall_score:3",
                "overall_score:4",
                "overall_score:5"
            ]
        );
        assert_eq!(definition_of(&draft).unwrap(), example);
    }

    #[test]
    fn the_blank_form_has_one_empty_question_that_cannot_be_saved_as_it_is() {
        let draft = SurveyDraft::from_template(Template::Blank, &[]);
        assert_eq!(draft.questions.len(), 1);
        assert_eq!(draft.questions[0].id, "q1");
        let problems = definition_of(&draft).unwrap_err();
        assert_eq!(fields(&problems), ["title", "q0_label"]);
    }

    #[test]
    fn the_window_template_ticks_the_window_units() {
        let unit = |id: i64, window_unit: bool, retired: bool| Unit {
            id,
            parent_id: Some(1),
            kind: UnitKind::Department,
            name: format!("单位{id}"),
            window_unit,
            path: vec![1, id],
            retired,
            population: None,
        };
        let units = [
            unit(2, true, false),
            unit(3, false, false),
            unit(4, true, true),
        ];
        assert_eq!(
            SurveyDraft::from_template(Template::Window, &units).targets,
            ["2"]
        );
        assert!(SurveyDraft::from_template(Template::Village, &units)
            .targets
            .is_empty());
    }

    #[test]
    fn buttons_add_remove_and_move_questions_and_options() {
        let mut d = SurveyDraft::from_template(Template::Blank, &[]);
        d.apply(Edit::parse("add").unwrap());
        assert_eq!(d.questions.len(), 2);
        assert_eq!(d.questions[1].id, "q2", "a fresh id");
        d.questions[1].kind = "single_choice".into();
        d.apply(Edit::parse("refresh").unwrap());
        assert_eq!(
            d.questions[1].options.len(),
            2,
            "a choice gets two option rows"
        );
        assert_eq!(d.questions[1].options[1].id, "o2");
        d.apply(Edit::parse("add_option:1").unwrap());
        assert_eq!(d.questions[1].options[2].id, "o3");
        d.apply(Edit::parse("remove_option:1:0").unwrap());
        let ids: Vec<&str> = d.questions[1]
            .options
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(ids, ["o2", "o3"]);
        d.apply(Edit::parse("up:1").unwrap());
        assert_eq!(d.questions[0].id, "q2");
        d.apply(Edit::parse("down:0").unwrap());
        assert_eq!(d.questions[1].id, "q2");
        d.apply(Edit::parse("up:0").unwrap());
        d.apply(Edit::parse("down:1").unwrap());
        d.apply(Edit::parse("remove:7").unwrap());
        assert_eq!(
            d.questions[0].id, "q1",
            "a button naming no row does nothing"
        );
        d.apply(Edit::parse("remove:0").unwrap());
        assert_eq!(d.questions.len(), 1);
        d.apply(Edit::parse("add").unwrap());
        assert_eq!(
            d.questions[1].id, "q1",
            "the removed question's id is free again"
        );
        d.apply(Edit::parse("add_scale").unwrap());
        assert_eq!(d.scales[0].id, "scale1");
        assert_eq!(d.scales[0].options.len(), 2);
        d.apply(Edit::parse("add_scale_option:0").unwrap());
        d.apply(Edit::parse("remove_scale_option:0:1").unwrap());
        assert_eq!(d.scales[0].options.len(), 2);
        d.apply(Edit::parse("remove_scale:0").unwrap());
        assert!(d.scales.is_empty());
        assert_eq!(Edit::parse("save"), None);
        assert_eq!(Edit::parse("remove:x"), None);
        assert_eq!(Edit::parse("remove_option:1"), None);
    }

    #[test]
    fn every_problem_of_the_form_is_named_by_its_field() {
        let mut d = SurveyDraft::from_template(Template::Window, &[]);
        d.title_zh = String::new();
        d.questions[0].options[1].zh = " ".into();
        d.questions[1].label_zh = "\u{0}".into();
        d.questions[6].min = "两".into();
        d.questions[6].max = "9".into();
        d.questions[2].show_if = vec!["overall:satisfied".into(), "visit_purpose:licence".into()];
        d.questions[3].show_if = vec!["comment:x".into()];
        d.questions[4].kind = "drawing".into();
        d.questions[5].kind = "rating".into();
        d.questions[5].scale = "nowhere".into();
        d.questions.push(QuestionDraft {
            id: "bad id".into(),
            ..QuestionDraft::new()
        });
        d.scales.push(ScaleDraft {
            id: "five".into(),
            options: vec![
                ScaleOptionDraft {
                    id: "a".into(),
                    zh: "好".into(),
                    score: "很高".into(),
                    ..ScaleOptionDraft::default()
                },
                ScaleOptionDraft {
                    id: "b".into(),
                    zh: "差".into(),
                    score: "120".into(),
                    ..ScaleOptionDraft::default()
                },
            ],
            ..ScaleDraft::default()
        });
        let problems = definition_of(&d).unwrap_err();
        assert_eq!(
            fields(&problems),
            [
                "s0_o0",
                "q2_show_if",
                "q4",
                "q6_limits",
                "q8",
                "title",
                "s0_o1",
                "q0_o1",
                "q1_label",
                "q3_show_if",
                "q5_scale",
                "q6_limits",
            ]
        );
        let rendered: Vec<String> = problems
            .iter()
            .map(|p| p.message.render(Lang::En))
            .collect();
        assert!(
            rendered
                .iter()
                .all(|m| !m.is_empty() && !m.contains("console-")),
            "{rendered:?}"
        );
    }

    #[test]
    fn api_paths_become_form_fields() {
        let scales = ["five".to_owned()];
        assert_eq!(form_field("definition.title.zh-CN", &[], &[]), "title");
        assert_eq!(
            form_field(
                "definition.questions[2].options[1].label.zh-CN",
                &[0, 1, 4],
                &[]
            ),
            "q4_o1"
        );
        assert_eq!(form_field("questions[0].options", &[], &[]), "q0_options");
        assert_eq!(
            form_field("questions[0].show_if.question", &[], &[]),
            "q0_show_if"
        );
        assert_eq!(form_field("questions[0].id", &[], &[]), "q0");
        assert_eq!(form_field("questions", &[], &[]), "questions");
        assert_eq!(
            form_field("scales.five.options[1].score", &[], &scales),
            "s0_o1"
        );
        assert_eq!(form_field("scales.five.label.en", &[], &scales), "s0_label");
        assert_eq!(form_field("scales.other", &[], &scales), "scales");
        assert_eq!(form_field("targets[3]", &[], &[]), "targets");
        assert_eq!(form_field("unit_id", &[], &[]), "unit");
        assert_eq!(form_field("min_group_size", &[], &[]), "min_group_size");
    }
}
