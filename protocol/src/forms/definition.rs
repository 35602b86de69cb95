//! The survey form definition (one version of a survey's questions) and its validation.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::{
    Localized, OptionId, QuestionId, Scale, ScaleId, DEFAULT_LONG_TEXT_CHARS,
    DEFAULT_SHORT_TEXT_CHARS, MAX_HELP_CHARS, MAX_LABEL_CHARS, MAX_OPTIONS, MAX_QUESTIONS,
    MAX_SCALES, MAX_SCALE_SCORE, MAX_TEXT_CHARS, MAX_TITLE_CHARS, SATISFACTION_SCALE_ID,
};
use crate::error::{ErrorCode, ErrorDetail, Problem};
use crate::i18n::{Lang, Message};
use crate::msg;
use crate::text::is_storable;

/// One version of a survey's questionnaire, as organisers write it in JSON.
///
/// Deserializing only checks the shape; [`FormDefinition::validate`] checks the rest and must
/// pass before a version is published or answers are validated against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    /// The title shown above the questions; at most [`MAX_TITLE_CHARS`] characters.
    pub title: Localized,
    /// An introduction shown under the title; at most [`MAX_HELP_CHARS`] characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Localized>,
    /// The questions in display order; 1 to [`MAX_QUESTIONS`], ids unique.
    pub questions: Vec<Question>,
    /// Rating scales of this form besides the built-in `satisfaction`, keyed by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scales: BTreeMap<ScaleId, Scale>,
}

/// One question of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Question {
    /// The key answers use; unique within the form.
    pub id: QuestionId,
    /// The question text; at most [`MAX_LABEL_CHARS`] characters.
    pub label: Localized,
    /// A hint shown under the question; at most [`MAX_HELP_CHARS`] characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Localized>,
    /// Whether a visible question must be answered. A question hidden by `show_if` is never
    /// required.
    #[serde(default)]
    pub required: bool,
    /// Skip logic: the question is shown only when an earlier question's answer matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<ShowIf>,
    /// The type (`"type": "single_choice"`, ...) and its settings.
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// The type of a question with the settings of that type, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum QuestionKind {
    /// Pick exactly one option; the answer is its id. 2 to [`MAX_OPTIONS`] options.
    SingleChoice {
        /// The options in display order, ids unique.
        options: Vec<ChoiceOption>,
    },
    /// Pick any number of options; the answer is the list of their ids. 1 to
    /// [`MAX_OPTIONS`] options.
    MultipleChoice {
        /// The options in display order, ids unique.
        options: Vec<ChoiceOption>,
        /// The fewest options an answer picks, at least 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        /// The most options an answer picks, at least `min` and at most the number of options.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
    },
    /// Pick one option of a rating scale; the answer is its id.
    Rating {
        /// The built-in `satisfaction` scale (the default) or a key of the form's `scales`.
        #[serde(default = "ScaleId::satisfaction")]
        scale: ScaleId,
    },
    /// A whole number from 0 to 10.
    #[serde(rename = "score_0_10")]
    Score0To10 {
        /// What 0 means, e.g. 非常不满意.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        low_label: Option<Localized>,
        /// What 10 means, e.g. 非常满意.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        high_label: Option<Localized>,
    },
    /// A number, optionally bounded and optionally whole.
    Number {
        /// The smallest accepted value, inclusive; finite, and whole when `integer`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// The largest accepted value, inclusive; finite, at least `min`, whole when `integer`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        /// Whether only whole numbers are accepted.
        #[serde(default)]
        integer: bool,
        /// The unit shown after the input, e.g. 次 or 元.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Localized>,
    },
    /// One line of text.
    ShortText {
        /// The longest answer in characters, 1 to [`MAX_TEXT_CHARS`]; default
        /// [`DEFAULT_SHORT_TEXT_CHARS`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    /// A comment of several lines.
    LongText {
        /// The longest answer in characters, 1 to [`MAX_TEXT_CHARS`]; default
        /// [`DEFAULT_LONG_TEXT_CHARS`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
}

impl QuestionKind {
    /// The wire name of the type (`single_choice`, `score_0_10`, ...).
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::SingleChoice { .. } => "single_choice",
            QuestionKind::MultipleChoice { .. } => "multiple_choice",
            QuestionKind::Rating { .. } => "rating",
            QuestionKind::Score0To10 { .. } => "score_0_10",
            QuestionKind::Number { .. } => "number",
            QuestionKind::ShortText { .. } => "short_text",
            QuestionKind::LongText { .. } => "long_text",
        }
    }

    /// The effective length limit of a text question in characters; `None` for other types.
    #[must_use]
    pub fn max_text_chars(&self) -> Option<usize> {
        let (limit, default) = match self {
            QuestionKind::ShortText { max_length } => (max_length, DEFAULT_SHORT_TEXT_CHARS),
            QuestionKind::LongText { max_length } => (max_length, DEFAULT_LONG_TEXT_CHARS),
            _ => return None,
        };
        Some(
            limit
                .and_then(|l| usize::try_from(l).ok())
                .unwrap_or(default)
                .min(MAX_TEXT_CHARS),
        )
    }
}

/// An option of a single- or multiple-choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// The id answers give; unique within the question.
    pub id: OptionId,
    /// What the respondent sees; at most [`MAX_LABEL_CHARS`] characters.
    pub label: Localized,
}

/// Skip logic: show the question only when an earlier question's answer matches.
///
/// On the wire `{"question": "q1", "equals": v}` or `{"question": "q1", "any_of": [v, ...]}`,
/// exactly one of the two. The condition holds when the controlling question is shown and
/// answered and its answer is one of the values (for a multiple-choice question: one of the
/// picked options is). Values are option ids for choice and rating questions and numbers for
/// `score_0_10` and `number` questions; text questions cannot control others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ShowIfWire", into = "ShowIfWire")]
pub struct ShowIf {
    /// The controlling question, which must come earlier in the form.
    pub question: QuestionId,
    /// The values that show the question.
    pub condition: Condition,
}

/// The values of a [`ShowIf`] that show its question.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `equals`: one value.
    Equals(ConditionValue),
    /// `any_of`: a non-empty list of distinct values.
    AnyOf(Vec<ConditionValue>),
}

impl Condition {
    /// The values, one for `equals`.
    #[must_use]
    pub fn values(&self) -> &[ConditionValue] {
        match self {
            Condition::Equals(value) => std::slice::from_ref(value),
            Condition::AnyOf(values) => values,
        }
    }
}

/// A value a [`ShowIf`] compares with: an option id or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ConditionValue {
    /// An option id of a choice or rating question.
    Option(OptionId),
    /// A value of a `score_0_10` or `number` question.
    Number(f64),
}

impl fmt::Display for ConditionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConditionValue::Option(id) => write!(f, "\"{id}\""),
            ConditionValue::Number(n) => write!(f, "{n}"),
        }
    }
}

/// The wire form of [`ShowIf`].
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ShowIf)]
struct ShowIfWire {
    /// The controlling question, earlier in the form.
    question: QuestionId,
    /// Show when the answer is this value. Exactly one of `equals` and `any_of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    equals: Option<ConditionValue>,
    /// Show when the answer is one of these values. Exactly one of `equals` and `any_of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    any_of: Option<Vec<ConditionValue>>,
}

impl TryFrom<ShowIfWire> for ShowIf {
    type Error = &'static str;

    fn try_from(wire: ShowIfWire) -> Result<Self, Self::Error> {
        let condition = match (wire.equals, wire.any_of) {
            (Some(value), None) => Condition::Equals(value),
            (None, Some(values)) => Condition::AnyOf(values),
            _ => return Err("show_if needs exactly one of `equals` and `any_of`"),
        };
        Ok(ShowIf {
            question: wire.question,
            condition,
        })
    }
}

impl From<ShowIf> for ShowIfWire {
    fn from(show_if: ShowIf) -> Self {
        let (equals, any_of) = match show_if.condition {
            Condition::Equals(value) => (Some(value), None),
            Condition::AnyOf(values) => (None, Some(values)),
        };
        ShowIfWire {
            question: show_if.question,
            equals,
            any_of,
        }
    }
}

impl PartialSchema for ShowIf {
    fn schema() -> RefOr<Schema> {
        ShowIfWire::schema()
    }
}

/// The schemas the wire form refers to (`QuestionId`, `ConditionValue`) are collected with it,
/// so a document listing `ShowIf` has them too.
impl ToSchema for ShowIf {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        <ShowIfWire as ToSchema>::schemas(schemas);
    }
}

/// A problem in a form definition: its code, the path of the field at fault
/// (`questions[3].show_if.question`, `scales.five_point.options[0].score`) and an English
/// message for the organiser. [`FormDefinition::check`] gives the same problems with messages
/// to render in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The stable code.
    pub code: ErrorCode,
    /// The path of the field at fault; empty for the document as a whole.
    pub field: String,
    /// What is wrong, in English.
    pub message: String,
}

impl FieldError {
    fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<Problem> for FieldError {
    /// The problem with its message in English, the language of [`FieldError`].
    fn from(p: Problem) -> Self {
        Self::new(p.code, p.field, p.message.render(Lang::En))
    }
}

impl From<FieldError> for ErrorDetail {
    fn from(e: FieldError) -> Self {
        ErrorDetail {
            code: e.code,
            message: e.message,
            field: (!e.field.is_empty()).then_some(e.field),
        }
    }
}

impl FormDefinition {
    /// Parses a definition from JSON and validates it. A document that is not JSON, or does
    /// not have the shape of a definition, gives one error with an empty field and serde's
    /// message (which names the line and column).
    pub fn from_json(json: &str) -> Result<FormDefinition, Vec<FieldError>> {
        let form: FormDefinition = serde_json::from_str(json).map_err(|e| {
            let code = if e.is_data() {
                ErrorCode::InvalidValue
            } else {
                ErrorCode::MalformedJson
            };
            vec![FieldError::new(code, "", e.to_string())]
        })?;
        form.validate()?;
        Ok(form)
    }

    /// The question with this id.
    #[must_use]
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The scale with this id: the built-in satisfaction scale or one of the form's `scales`.
    #[must_use]
    pub fn scale(&self, id: &str) -> Option<&Scale> {
        if id == SATISFACTION_SCALE_ID {
            Some(Scale::satisfaction())
        } else {
            self.scales.get(id)
        }
    }

    /// The scale of a rating question; `None` when the question does not exist, is not a
    /// rating question, or names an undefined scale.
    #[must_use]
    pub fn scale_of(&self, question: &str) -> Option<&Scale> {
        match &self.question(question)?.kind {
            QuestionKind::Rating { scale } => self.scale(scale.as_str()),
            _ => None,
        }
    }

    /// Checks everything deserializing does not: ids unique, lists non-empty and within
    /// limits, bounds sane, scales defined, skip logic pointing to an earlier question and to a
    /// value it can take. Reports every problem found, in document order, with English
    /// messages; [`FormDefinition::check`] gives them to render in the reader's language.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        self.check()
            .map_err(|problems| problems.into_iter().map(FieldError::from).collect())
    }

    /// The checks of [`FormDefinition::validate`], each problem with a message naming the
    /// question by its label where one is known.
    pub fn check(&self) -> Result<(), Vec<Problem>> {
        let mut v = Checker::default();
        v.localized("title", &self.title, MAX_TITLE_CHARS);
        if let Some(description) = &self.description {
            v.localized("description", description, MAX_HELP_CHARS);
        }
        if self.scales.len() > MAX_SCALES {
            v.push(
                ErrorCode::InvalidValue,
                "scales",
                msg!("form-def-too-many-scales", max = MAX_SCALES),
            );
        }
        for (id, scale) in &self.scales {
            v.scale(&format!("scales.{id}"), id, scale);
        }
        if self.questions.is_empty() {
            v.push(
                ErrorCode::InvalidValue,
                "questions",
                msg!("form-def-no-questions"),
            );
        } else if self.questions.len() > MAX_QUESTIONS {
            v.push(
                ErrorCode::InvalidValue,
                "questions",
                msg!("form-def-too-many-questions", max = MAX_QUESTIONS),
            );
        }
        let mut seen = HashSet::new();
        for (i, question) in self.questions.iter().enumerate() {
            let path = format!("questions[{i}]");
            if !seen.insert(question.id.as_str()) {
                v.push(
                    ErrorCode::DuplicateId,
                    format!("{path}.id"),
                    msg!(
                        "form-def-duplicate-question-id",
                        id = question.id.as_str(),
                        question = &question.label
                    ),
                );
            }
            v.question(self, i, &path, question);
        }
        if v.errors.is_empty() {
            Ok(())
        } else {
            Err(v.errors)
        }
    }
}

#[derive(Default)]
struct Checker {
    errors: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, code: ErrorCode, field: impl Into<String>, message: Message) {
        self.errors.push(Problem::new(code, field, message));
    }

    fn text(&mut self, path: &str, text: &str, max_chars: usize) {
        if !is_storable(text) {
            self.push(ErrorCode::UnstorableText, path, msg!("form-def-unstorable"));
        } else if text.trim().is_empty() {
            self.push(ErrorCode::InvalidValue, path, msg!("form-def-text-empty"));
        } else if text.chars().count() > max_chars {
            self.push(
                ErrorCode::InvalidValue,
                path,
                msg!("form-def-text-too-long", max = max_chars),
            );
        }
    }

    fn localized(&mut self, path: &str, text: &Localized, max_chars: usize) {
        self.text(&format!("{path}.zh-CN"), &text.zh_cn, max_chars);
        if let Some(en) = &text.en {
            self.text(&format!("{path}.en"), en, max_chars);
        }
    }

    fn option_count(&mut self, path: &str, count: usize, min: usize) {
        if count < min {
            self.push(
                ErrorCode::InvalidValue,
                path,
                msg!("form-def-too-few-options", min = min),
            );
        } else if count > MAX_OPTIONS {
            self.push(
                ErrorCode::InvalidValue,
                path,
                msg!("form-def-too-many-options", max = MAX_OPTIONS),
            );
        }
    }

    fn unique_ids<'a>(&mut self, path: &str, ids: impl Iterator<Item = &'a OptionId>) {
        let mut seen = HashSet::new();
        for (j, id) in ids.enumerate() {
            if !seen.insert(id.as_str()) {
                self.push(
                    ErrorCode::DuplicateId,
                    format!("{path}[{j}].id"),
                    msg!("form-def-duplicate-option-id", id = id.as_str()),
                );
            }
        }
    }

    fn scale(&mut self, path: &str, id: &ScaleId, scale: &Scale) {
        if id.is_builtin() {
            self.push(
                ErrorCode::InvalidValue,
                path,
                msg!("form-def-reserved-scale", id = SATISFACTION_SCALE_ID),
            );
        }
        if let Some(label) = &scale.label {
            self.localized(&format!("{path}.label"), label, MAX_LABEL_CHARS);
        }
        let options_path = format!("{path}.options");
        self.option_count(&options_path, scale.options.len(), 2);
        self.unique_ids(&options_path, scale.options.iter().map(|o| &o.id));
        for (j, option) in scale.options.iter().enumerate() {
            let option_path = format!("{options_path}[{j}]");
            self.localized(
                &format!("{option_path}.label"),
                &option.label,
                MAX_LABEL_CHARS,
            );
            match option.score {
                Some(score) if !(0.0..=MAX_SCALE_SCORE).contains(&score) => self.push(
                    ErrorCode::InvalidLimits,
                    format!("{option_path}.score"),
                    msg!("form-def-score-range", max = MAX_SCALE_SCORE),
                ),
                None if option.satisfied => self.push(
                    ErrorCode::InvalidValue,
                    format!("{option_path}.satisfied"),
                    msg!("form-def-unscored-satisfied"),
                ),
                _ => {}
            }
        }
        if !scale.options.is_empty() && scale.options.iter().all(|o| o.score.is_none()) {
            self.push(
                ErrorCode::InvalidValue,
                options_path,
                msg!("form-def-scale-unscored"),
            );
        }
    }

    fn choice_options(&mut self, path: &str, options: &[ChoiceOption], min: usize) {
        let options_path = format!("{path}.options");
        self.option_count(&options_path, options.len(), min);
        self.unique_ids(&options_path, options.iter().map(|o| &o.id));
        for (j, option) in options.iter().enumerate() {
            self.localized(
                &format!("{options_path}[{j}].label"),
                &option.label,
                MAX_LABEL_CHARS,
            );
        }
    }

    fn question(&mut self, form: &FormDefinition, index: usize, path: &str, question: &Question) {
        self.localized(&format!("{path}.label"), &question.label, MAX_LABEL_CHARS);
        if let Some(help) = &question.help {
            self.localized(&format!("{path}.help"), help, MAX_HELP_CHARS);
        }
        match &question.kind {
            QuestionKind::SingleChoice { options } => self.choice_options(path, options, 2),
            QuestionKind::MultipleChoice { options, min, max } => {
                self.choice_options(path, options, 1);
                self.selection_bounds(path, options.len(), *min, *max);
            }
            QuestionKind::Rating { scale } => {
                if form.scale(scale.as_str()).is_none() {
                    self.push(
                        ErrorCode::UnknownScale,
                        format!("{path}.scale"),
                        msg!(
                            "form-def-unknown-scale",
                            scale = scale.as_str(),
                            builtin = SATISFACTION_SCALE_ID
                        ),
                    );
                }
            }
            QuestionKind::Score0To10 {
                low_label,
                high_label,
            } => {
                if let Some(label) = low_label {
                    self.localized(&format!("{path}.low_label"), label, MAX_LABEL_CHARS);
                }
                if let Some(label) = high_label {
                    self.localized(&format!("{path}.high_label"), label, MAX_LABEL_CHARS);
                }
            }
            QuestionKind::Number {
                min,
                max,
                integer,
                unit,
            } => {
                self.number_bounds(path, *min, *max, *integer);
                if let Some(unit) = unit {
                    self.localized(&format!("{path}.unit"), unit, MAX_LABEL_CHARS);
                }
            }
            QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length } => {
                if let Some(limit) = *max_length {
                    if limit == 0 || usize::try_from(limit).map_or(true, |l| l > MAX_TEXT_CHARS) {
                        self.push(
                            ErrorCode::InvalidLimits,
                            format!("{path}.max_length"),
                            msg!("form-def-max-length", max = MAX_TEXT_CHARS),
                        );
                    }
                }
            }
        }
        if let Some(show_if) = &question.show_if {
            self.show_if(form, index, &format!("{path}.show_if"), show_if);
        }
    }

    fn selection_bounds(&mut self, path: &str, options: usize, min: Option<u32>, max: Option<u32>) {
        let fits = |n: u32| usize::try_from(n).is_ok_and(|n| n <= options);
        if let Some(min) = min {
            if min == 0 || !fits(min) {
                self.push(
                    ErrorCode::InvalidLimits,
                    format!("{path}.min"),
                    msg!("form-def-min-choices"),
                );
            }
        }
        if let Some(max) = max {
            if max == 0 || !fits(max) {
                self.push(
                    ErrorCode::InvalidLimits,
                    format!("{path}.max"),
                    msg!("form-def-max-choices"),
                );
            } else if min.is_some_and(|min| min > max) {
                self.push(
                    ErrorCode::InvalidLimits,
                    format!("{path}.max"),
                    msg!("form-def-max-below-min"),
                );
            }
        }
    }

    fn number_bounds(&mut self, path: &str, min: Option<f64>, max: Option<f64>, integer: bool) {
        let mut sane = true;
        for (name, bound) in [("min", min), ("max", max)] {
            let Some(bound) = bound else { continue };
            let problem = if !bound.is_finite() {
                Some(msg!("form-def-bound-not-finite"))
            } else if integer && bound.fract() != 0.0 {
                Some(msg!("form-def-bound-not-whole"))
            } else {
                None
            };
            if let Some(problem) = problem {
                sane = false;
                self.push(ErrorCode::InvalidLimits, format!("{path}.{name}"), problem);
            }
        }
        if let (true, Some(min), Some(max)) = (sane, min, max) {
            if min > max {
                self.push(
                    ErrorCode::InvalidLimits,
                    format!("{path}.max"),
                    msg!("form-def-max-below-min"),
                );
            }
        }
    }

    fn show_if(&mut self, form: &FormDefinition, index: usize, path: &str, show_if: &ShowIf) {
        let question_path = format!("{path}.question");
        let target = show_if.question.as_str();
        let Some(controller) = form.questions[..index].iter().find(|q| q.id == target) else {
            let message = match form.questions[index..].iter().find(|q| q.id == target) {
                Some(later) => msg!("form-def-show-if-not-earlier", question = &later.label),
                None => msg!("form-def-show-if-unknown", target = target),
            };
            self.push(ErrorCode::InvalidShowIf, question_path, message);
            return;
        };
        let (values_path, values): (String, Vec<(String, &ConditionValue)>) =
            match &show_if.condition {
                Condition::Equals(value) => (
                    format!("{path}.equals"),
                    vec![(format!("{path}.equals"), value)],
                ),
                Condition::AnyOf(values) => {
                    let any_of = format!("{path}.any_of");
                    let listed = values
                        .iter()
                        .enumerate()
                        .map(|(k, value)| (format!("{any_of}[{k}]"), value))
                        .collect();
                    (any_of, listed)
                }
            };
        if values.is_empty() {
            self.push(
                ErrorCode::InvalidShowIf,
                values_path,
                msg!("form-def-any-of-empty"),
            );
            return;
        }
        let domain = match &controller.kind {
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleChoice { options, .. } => {
                Domain::Options(options.iter().map(|o| &o.id).collect())
            }
            QuestionKind::Rating { scale } => match form.scale(scale.as_str()) {
                Some(scale) => Domain::Options(scale.options.iter().map(|o| &o.id).collect()),
                None => return,
            },
            QuestionKind::Score0To10 { .. } => Domain::Numbers {
                min: Some(0.0),
                max: Some(10.0),
                integer: true,
            },
            QuestionKind::Number {
                min, max, integer, ..
            } => Domain::Numbers {
                min: *min,
                max: *max,
                integer: *integer,
            },
            QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => {
                self.push(
                    ErrorCode::InvalidShowIf,
                    question_path,
                    msg!("form-def-show-if-text", question = &controller.label),
                );
                return;
            }
        };
        for (k, (value_path, value)) in values.iter().enumerate() {
            if values[..k].iter().any(|(_, earlier)| earlier == value) {
                self.push(
                    ErrorCode::InvalidShowIf,
                    value_path.clone(),
                    msg!("form-def-value-twice", value = value.to_string()),
                );
            } else if let Some(reason) = domain.refuses(value) {
                self.push(
                    ErrorCode::InvalidShowIf,
                    value_path.clone(),
                    msg!(
                        "form-def-value-impossible",
                        question = &controller.label,
                        value = value.to_string(),
                        reason = reason
                    ),
                );
            }
        }
    }
}

enum Domain<'a> {
    Options(Vec<&'a OptionId>),
    Numbers {
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
    },
}

impl Domain<'_> {
    /// Why the question cannot take `value`, or `None` when it can.
    fn refuses(&self, value: &ConditionValue) -> Option<Message> {
        match (self, value) {
            (Domain::Options(ids), ConditionValue::Option(id)) => {
                (!ids.contains(&id)).then(|| msg!("form-def-reason-not-an-option"))
            }
            (Domain::Options(_), ConditionValue::Number(_)) => {
                Some(msg!("form-def-reason-takes-options"))
            }
            (Domain::Numbers { .. }, ConditionValue::Option(_)) => {
                Some(msg!("form-def-reason-takes-numbers"))
            }
            (Domain::Numbers { min, max, integer }, ConditionValue::Number(n)) => {
                if !n.is_finite()
                    || min.is_some_and(|min| *n < min)
                    || max.is_some_and(|max| *n > max)
                {
                    Some(msg!("form-def-reason-out-of-range"))
                } else if *integer && n.fract() != 0.0 {
                    Some(msg!("form-def-reason-whole-numbers"))
                } else {
                    None
                }
            }
        }
    }
}
