//! The one answer validation every channel shares (server, web form, offline client), its
//! errors with messages in both languages, and the normalised answers it yields.

use std::collections::HashMap;
use std::fmt;

use serde::{Serialize, Serializer};

use super::{
    AnswerSet, AnswerValue, Condition, ConditionValue, FormDefinition, Lang, OptionId, Question,
    QuestionId, QuestionKind,
};
use crate::error::{ErrorCode, ErrorDetail, Problem};
use crate::i18n::Message;
use crate::msg;
use crate::text::is_storable;

/// Checks one respondent's answers against a form and normalises them.
///
/// `form` must have passed [`FormDefinition::validate`]; on any other form the function still
/// returns without panicking, but its verdict is unspecified.
///
/// Questions are taken in form order. A question with `show_if` is shown only when its
/// controlling question is shown, validly answered and matches; otherwise it is hidden, so a
/// chain of conditions hides everything below an unanswered or hidden link. A hidden question
/// is never required and must be left blank. Blank values (`null`, `""`, whitespace, `[]`)
/// count as no answer. A string holding NUL, which the databases cannot store, is refused
/// (`unstorable_text`) in any answer, blank or not. Text is normalised before it is measured:
/// CR LF and CR become LF, other control characters than LF and tab are removed, and
/// surrounding whitespace is trimmed; its length is counted in characters, not bytes.
///
/// Reports every problem, one per question at most, in form order, then one
/// `unknown_question` per key that names no question. Where a controlling answer is itself
/// refused, the questions depending on it are checked for their values only, not for being
/// required or hidden, so that one mistake gives one error.
///
/// ```
/// use canvass_protocol::forms::{validate_answers, AnswerSet, FormDefinition, Lang};
///
/// let form = FormDefinition::from_json(r#"{
///     "title": {"zh-CN": "窗口服务满意度测评"},
///     "questions": [
///         {"id": "overall", "label": {"zh-CN": "总体评价"}, "required": true, "type": "rating"},
///         {"id": "why", "label": {"zh-CN": "不满意的原因"}, "type": "long_text",
///          "show_if": {"question": "overall", "equals": "dissatisfied"}}
///     ]
/// }"#).unwrap();
///
/// let answers: AnswerSet = serde_json::from_str(r#"{"overall": "satisfied"}"#).unwrap();
/// let valid = validate_answers(&form, &answers).unwrap();
/// assert_eq!(valid.tally_keys().next().unwrap().option, "satisfied");
///
/// let answers: AnswerSet = serde_json::from_str(r#"{"overall": "satisfied", "why": "慢"}"#).unwrap();
/// let errors = validate_answers(&form, &answers).unwrap_err();
/// assert_eq!(errors[0].code().as_str(), "hidden_question_answered");
/// assert_eq!(errors[0].field(), "why");
/// assert_eq!(errors[0].message(Lang::ZhCn), "根据您前面的回答,本题无需作答,请清空。");
/// ```
pub fn validate_answers(
    form: &FormDefinition,
    answers: &AnswerSet,
) -> Result<ValidatedAnswers, Vec<AnswerError>> {
    let evaluated = evaluate(form, answers, true);
    let mut errors: Vec<AnswerError> = evaluated
        .iter()
        .filter_map(|e| match &e.outcome {
            Outcome::Refused(problem) => Some(AnswerError {
                question: e.question.id.to_string(),
                problem: problem.clone(),
            }),
            Outcome::Blank | Outcome::Answered(_) => None,
        })
        .collect();
    errors.extend(
        answers
            .iter()
            .filter(|(key, _)| form.question(key).is_none())
            .map(|(key, _)| AnswerError {
                question: key.to_owned(),
                problem: AnswerProblem::UnknownQuestion,
            }),
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    let answers = evaluated
        .into_iter()
        .filter_map(|e| match (e.visibility, e.outcome) {
            (Visibility::Shown, Outcome::Answered(answer)) => Some((e.question.id.clone(), answer)),
            _ => None,
        })
        .collect();
    Ok(ValidatedAnswers { answers })
}

impl FormDefinition {
    /// The questions to show given the answers so far, in form order: those without
    /// `show_if`, those whose condition holds, and those whose condition cannot be decided
    /// because the controlling answer is invalid (so the respondent still sees them).
    /// Unanswered questions, required or not, hide the questions that depend on them.
    /// Clients use it to decide what to ask next and what to hide.
    #[must_use]
    pub fn shown_questions(&self, answers: &AnswerSet) -> Vec<&Question> {
        evaluate(self, answers, false)
            .into_iter()
            .filter(|e| e.visibility != Visibility::Hidden)
            .map(|e| e.question)
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visibility {
    Shown,
    Hidden,
    Undetermined,
}

enum Outcome {
    Blank,
    Answered(Answer),
    Refused(AnswerProblem),
}

struct Evaluated<'f> {
    question: &'f Question,
    visibility: Visibility,
    outcome: Outcome,
}

fn evaluate<'f>(
    form: &'f FormDefinition,
    answers: &AnswerSet,
    enforce_required: bool,
) -> Vec<Evaluated<'f>> {
    let mut evaluated: Vec<Evaluated<'f>> = Vec::with_capacity(form.questions.len());
    let mut index: HashMap<&str, usize> = HashMap::new();
    for question in &form.questions {
        let visibility = match &question.show_if {
            None => Visibility::Shown,
            Some(show_if) => match index.get(show_if.question.as_str()) {
                None => Visibility::Hidden,
                Some(&i) => {
                    let controller = &evaluated[i];
                    match (controller.visibility, &controller.outcome) {
                        (Visibility::Hidden, _) | (_, Outcome::Blank) => Visibility::Hidden,
                        (_, Outcome::Refused(_)) => Visibility::Undetermined,
                        (visibility, Outcome::Answered(answer)) => {
                            if answer.satisfies(&show_if.condition) {
                                visibility
                            } else {
                                Visibility::Hidden
                            }
                        }
                    }
                }
            },
        };
        let sent = answers.get(question.id.as_str());
        let value = sent.filter(|v| !v.is_blank());
        let outcome = match (value, visibility) {
            _ if sent.is_some_and(|v| !storable(v)) => {
                Outcome::Refused(AnswerProblem::UnstorableText)
            }
            (None, Visibility::Shown) if enforce_required && question.required => {
                Outcome::Refused(AnswerProblem::RequiredAnswerMissing)
            }
            (None, _) => Outcome::Blank,
            (Some(_), Visibility::Hidden) => {
                let depends_on = question
                    .show_if
                    .as_ref()
                    .map_or_else(|| question.id.clone(), |s| s.question.clone());
                Outcome::Refused(AnswerProblem::HiddenQuestionAnswered { depends_on })
            }
            (Some(value), _) => match normalise(form, question, value) {
                Ok(answer) => Outcome::Answered(answer),
                Err(problem) => Outcome::Refused(problem),
            },
        };
        index.entry(question.id.as_str()).or_insert(evaluated.len());
        evaluated.push(Evaluated {
            question,
            visibility,
            outcome,
        });
    }
    evaluated
}

fn normalise(
    form: &FormDefinition,
    question: &Question,
    value: &AnswerValue,
) -> Result<Answer, AnswerProblem> {
    match &question.kind {
        QuestionKind::SingleChoice { options } => {
            let chosen = single_option(value)?;
            options
                .iter()
                .find(|o| o.id == chosen)
                .map(|o| Answer::Choice(o.id.clone()))
                .ok_or_else(|| AnswerProblem::InvalidOption {
                    option: chosen.to_owned(),
                })
        }
        QuestionKind::Rating { scale } => {
            let chosen = single_option(value)?;
            form.scale(scale.as_str())
                .and_then(|s| s.option(chosen))
                .map(|o| Answer::Rating {
                    option: o.id.clone(),
                    score: o.score,
                })
                .ok_or_else(|| AnswerProblem::InvalidOption {
                    option: chosen.to_owned(),
                })
        }
        QuestionKind::MultipleChoice { options, min, max } => {
            let AnswerValue::Choices(chosen) = value else {
                return Err(AnswerProblem::WrongShape {
                    expected: Expected::Options,
                });
            };
            let mut picked: Vec<usize> = Vec::with_capacity(chosen.len());
            for item in chosen {
                let Some(position) = options.iter().position(|o| o.id == item.as_str()) else {
                    return Err(AnswerProblem::InvalidOption {
                        option: item.clone(),
                    });
                };
                if picked.contains(&position) {
                    return Err(AnswerProblem::DuplicateOption {
                        option: item.clone(),
                    });
                }
                picked.push(position);
            }
            let count = picked.len();
            if let Some(min) = *min {
                if usize::try_from(min).is_ok_and(|min| count < min) {
                    return Err(AnswerProblem::TooFewChosen { min });
                }
            }
            if let Some(max) = *max {
                if usize::try_from(max).is_ok_and(|max| count > max) {
                    return Err(AnswerProblem::TooManyChosen { max });
                }
            }
            picked.sort_unstable();
            Ok(Answer::Choices(
                picked.into_iter().map(|i| options[i].id.clone()).collect(),
            ))
        }
        QuestionKind::Score0To10 { .. } => {
            let n = finite_number(value)? + 0.0;
            if !(0.0..=10.0).contains(&n) {
                return Err(AnswerProblem::OutOfRange {
                    min: Some(0.0),
                    max: Some(10.0),
                });
            }
            (0..=10u8)
                .find(|&k| f64::from(k).total_cmp(&n).is_eq())
                .map(Answer::Score)
                .ok_or(AnswerProblem::NotInteger)
        }
        QuestionKind::Number {
            min, max, integer, ..
        } => {
            let n = finite_number(value)?;
            if min.is_some_and(|min| n < min) || max.is_some_and(|max| n > max) {
                return Err(AnswerProblem::OutOfRange {
                    min: *min,
                    max: *max,
                });
            }
            if *integer && n.fract() != 0.0 {
                return Err(AnswerProblem::NotInteger);
            }
            Ok(Answer::Number(n + 0.0))
        }
        QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => {
            let AnswerValue::Text(raw) = value else {
                return Err(AnswerProblem::WrongShape {
                    expected: Expected::Text,
                });
            };
            let text = normalise_text(raw);
            let max = question.kind.max_text_chars().unwrap_or(0);
            let length = text.chars().count();
            if length > max {
                return Err(AnswerProblem::TextTooLong { max, length });
            }
            Ok(Answer::Text(text))
        }
    }
}

/// Whether the strings of an answer can be stored; other shapes are refused or ignored anyway.
fn storable(value: &AnswerValue) -> bool {
    match value {
        AnswerValue::Text(text) => is_storable(text),
        AnswerValue::Choices(items) => items.iter().all(|item| is_storable(item)),
        AnswerValue::Number(_) | AnswerValue::Null | AnswerValue::Other(_) => true,
    }
}

fn single_option(value: &AnswerValue) -> Result<&str, AnswerProblem> {
    match value {
        AnswerValue::Text(s) => Ok(s),
        _ => Err(AnswerProblem::WrongShape {
            expected: Expected::Option,
        }),
    }
}

fn finite_number(value: &AnswerValue) -> Result<f64, AnswerProblem> {
    match value {
        AnswerValue::Number(n) if n.is_finite() => Ok(*n),
        _ => Err(AnswerProblem::WrongShape {
            expected: Expected::Number,
        }),
    }
}

/// Normalises a text answer: CR LF and lone CR become LF, control characters other than LF
/// and tab are removed, surrounding whitespace (full-width spaces included) is trimmed.
#[must_use]
pub fn normalise_text(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = unified
        .chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect();
    kept.trim().to_owned()
}

/// One refused answer: which question and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{question}: {}", problem.message(Lang::En))]
pub struct AnswerError {
    /// The question id at fault, or for `unknown_question` the key as sent.
    pub question: String,
    /// What is wrong.
    pub problem: AnswerProblem,
}

impl AnswerError {
    /// The stable code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.problem.code()
    }

    /// The field at fault: the question id.
    #[must_use]
    pub fn field(&self) -> &str {
        &self.question
    }

    /// A message for the respondent, shown beside the question; it does not repeat the
    /// question.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        self.problem.message(lang)
    }

    /// The error as the API reports it, with the message in `lang` and the question id as
    /// the field.
    #[must_use]
    pub fn to_detail(&self, lang: Lang) -> ErrorDetail {
        ErrorDetail {
            code: self.code(),
            message: self.message(lang),
            field: Some(self.question.clone()),
        }
    }

    /// The error with its message to render in the reader's language, the question id as the
    /// field.
    #[must_use]
    pub fn to_problem(&self) -> Problem {
        Problem::new(self.code(), &self.question, self.problem.to_message())
    }
}

/// What a refused answer gets wrong.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnswerProblem {
    /// `unknown_question`: the key names no question of the form.
    UnknownQuestion,
    /// `invalid_option`: the option id is not one of the question's options.
    InvalidOption {
        /// The option as sent.
        option: String,
    },
    /// `invalid_answer`: the JSON value has the wrong shape for the question type.
    WrongShape {
        /// What the question takes.
        expected: Expected,
    },
    /// `invalid_answer`: a multiple-choice answer names an option twice.
    DuplicateOption {
        /// The repeated option.
        option: String,
    },
    /// `invalid_answer`: fewer options chosen than the question's `min`.
    TooFewChosen {
        /// The question's `min`.
        min: u32,
    },
    /// `invalid_answer`: more options chosen than the question's `max`.
    TooManyChosen {
        /// The question's `max`.
        max: u32,
    },
    /// `out_of_range`: the number lies outside the question's bounds.
    OutOfRange {
        /// The smallest accepted value.
        min: Option<f64>,
        /// The largest accepted value.
        max: Option<f64>,
    },
    /// `out_of_range`: the question takes whole numbers only.
    NotInteger,
    /// `text_too_long`: the normalised text has more characters than the question allows.
    TextTooLong {
        /// The question's limit in characters.
        max: usize,
        /// The answer's length in characters.
        length: usize,
    },
    /// `required_answer_missing`: a shown required question has no answer.
    RequiredAnswerMissing,
    /// `hidden_question_answered`: the question is hidden by its skip logic yet answered.
    HiddenQuestionAnswered {
        /// The question its `show_if` depends on.
        depends_on: QuestionId,
    },
    /// `unstorable_text`: a string of the answer holds a character the databases cannot store
    /// (NUL); refused whether the question is shown or not, and even where the rest is blank.
    UnstorableText,
}

/// The JSON shape a question type takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A string naming one option (single choice, rating).
    Option,
    /// An array of strings naming options (multiple choice).
    Options,
    /// A finite number (score_0_10, number).
    Number,
    /// A string (short and long text).
    Text,
}

impl AnswerProblem {
    /// The stable code of the problem.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            AnswerProblem::UnknownQuestion => ErrorCode::UnknownQuestion,
            AnswerProblem::InvalidOption { .. } => ErrorCode::InvalidOption,
            AnswerProblem::WrongShape { .. }
            | AnswerProblem::DuplicateOption { .. }
            | AnswerProblem::TooFewChosen { .. }
            | AnswerProblem::TooManyChosen { .. } => ErrorCode::InvalidAnswer,
            AnswerProblem::OutOfRange { .. } | AnswerProblem::NotInteger => ErrorCode::OutOfRange,
            AnswerProblem::TextTooLong { .. } => ErrorCode::TextTooLong,
            AnswerProblem::RequiredAnswerMissing => ErrorCode::RequiredAnswerMissing,
            AnswerProblem::HiddenQuestionAnswered { .. } => ErrorCode::HiddenQuestionAnswered,
            AnswerProblem::UnstorableText => ErrorCode::UnstorableText,
        }
    }

    /// A message for the respondent in `lang`.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        self.to_message().render(lang)
    }

    /// The message for the respondent, to render in the reader's language.
    #[must_use]
    pub fn to_message(&self) -> Message {
        match self {
            AnswerProblem::UnknownQuestion => msg!("form-answer-unknown-question"),
            AnswerProblem::InvalidOption { option } => {
                msg!("form-answer-invalid-option", option = echo(option))
            }
            AnswerProblem::WrongShape { expected } => match expected {
                Expected::Option => msg!("form-answer-choose-option"),
                Expected::Options => msg!("form-answer-tick-options"),
                Expected::Number => msg!("form-answer-enter-number"),
                Expected::Text => msg!("form-answer-enter-text"),
            },
            AnswerProblem::DuplicateOption { option } => {
                msg!("form-answer-duplicate-option", option = echo(option))
            }
            AnswerProblem::TooFewChosen { min } => msg!("form-answer-too-few", min = *min),
            AnswerProblem::TooManyChosen { max } => msg!("form-answer-too-many", max = *max),
            AnswerProblem::OutOfRange { min, max } => match (min, max) {
                (Some(min), Some(max)) => msg!("form-answer-between", min = *min, max = *max),
                (Some(min), None) => msg!("form-answer-at-least", min = *min),
                (None, Some(max)) => msg!("form-answer-at-most", max = *max),
                (None, None) => msg!("form-answer-any-number"),
            },
            AnswerProblem::NotInteger => msg!("form-answer-whole-number"),
            AnswerProblem::TextTooLong { max, length } => {
                msg!("form-answer-text-too-long", max = *max, length = *length)
            }
            AnswerProblem::RequiredAnswerMissing => msg!("form-answer-required"),
            AnswerProblem::HiddenQuestionAnswered { .. } => msg!("form-answer-hidden"),
            AnswerProblem::UnstorableText => msg!("form-answer-unstorable"),
        }
    }
}

/// Quotes what a client sent in a message, cut to a readable length.
fn echo(sent: &str) -> String {
    const MAX_ECHO_CHARS: usize = 32;
    let mut chars = sent.chars();
    let mut shown: String = chars.by_ref().take(MAX_ECHO_CHARS).collect();
    if chars.next().is_some() {
        shown.push('…');
    }
    shown
}

/// A validated, normalised answer to one shown question.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A single-choice answer.
    Choice(OptionId),
    /// A multiple-choice answer: distinct options, in the form's option order, never empty.
    Choices(Vec<OptionId>),
    /// A rating answer with its option's score (`None` for options like 不了解).
    Rating {
        /// The chosen scale option.
        option: OptionId,
        /// The option's score.
        score: Option<f64>,
    },
    /// A `score_0_10` answer, 0 to 10.
    Score(u8),
    /// A `number` answer within the question's bounds, finite, never `-0.0`.
    Number(f64),
    /// A text answer, normalised (see [`normalise_text`]), not empty, within its limit.
    Text(String),
}

impl Answer {
    /// The answer in its canonical wire form; validating it again gives the same answer.
    #[must_use]
    pub fn to_value(&self) -> AnswerValue {
        match self {
            Answer::Choice(option) | Answer::Rating { option, .. } => {
                AnswerValue::Text(option.to_string())
            }
            Answer::Choices(options) => {
                AnswerValue::Choices(options.iter().map(ToString::to_string).collect())
            }
            Answer::Score(n) => AnswerValue::Number(f64::from(*n)),
            Answer::Number(n) => AnswerValue::Number(*n),
            Answer::Text(text) => AnswerValue::Text(text.clone()),
        }
    }

    fn satisfies(&self, condition: &Condition) -> bool {
        let values = condition.values();
        let has_option = |id: &OptionId| {
            values
                .iter()
                .any(|v| matches!(v, ConditionValue::Option(o) if o == id))
        };
        let has_number = |n: f64| {
            values.iter().any(|v| {
                matches!(v, ConditionValue::Number(m) if (m + 0.0).total_cmp(&(n + 0.0)).is_eq())
            })
        };
        match self {
            Answer::Choice(option) | Answer::Rating { option, .. } => has_option(option),
            Answer::Choices(options) => options.iter().any(has_option),
            Answer::Score(n) => has_number(f64::from(*n)),
            Answer::Number(n) => has_number(*n),
            Answer::Text(_) => false,
        }
    }
}

/// The answers that passed [`validate_answers`]: for each shown, answered question, in form
/// order, its normalised answer. Hidden and unanswered questions are absent. This is what is
/// stored and tallied.
///
/// Serializes as the canonical answer-set JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedAnswers {
    answers: Vec<(QuestionId, Answer)>,
}

/// One thing to count for a tally: a question and one of its options. For `score_0_10`
/// questions the option is the score as a decimal string, `"0"` to `"10"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TallyKey<'a> {
    /// The question.
    pub question: &'a QuestionId,
    /// The chosen option (or score).
    pub option: &'a str,
}

/// The answer to one rating question, with its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatingAnswer<'a> {
    /// The question.
    pub question: &'a QuestionId,
    /// The chosen scale option.
    pub option: &'a OptionId,
    /// Its score; `None` for options left out of the rates, like 不了解.
    pub score: Option<f64>,
}

const SCORE_KEYS: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

impl ValidatedAnswers {
    /// Every answer in form order.
    pub fn iter(&self) -> impl Iterator<Item = (&QuestionId, &Answer)> {
        self.answers.iter().map(|(q, a)| (q, a))
    }

    /// The answer to a question, if it was shown and answered.
    #[must_use]
    pub fn get(&self, question: &str) -> Option<&Answer> {
        self.answers
            .iter()
            .find(|(q, _)| q == question)
            .map(|(_, a)| a)
    }

    /// The number of answered questions.
    #[must_use]
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// Whether no question was answered (possible when no question is required).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// The canonical answer set, which validates again to the same answers.
    #[must_use]
    pub fn to_answer_set(&self) -> AnswerSet {
        self.answers
            .iter()
            .map(|(q, a)| (q.to_string(), a.to_value()))
            .collect()
    }

    /// The (question, option) pairs to add one to in the tallies: one per single-choice,
    /// rating and `score_0_10` answer, one per chosen option of a multiple-choice answer.
    pub fn tally_keys(&self) -> impl Iterator<Item = TallyKey<'_>> {
        self.answers.iter().flat_map(|(question, answer)| {
            let options: Vec<&str> = match answer {
                Answer::Choice(option) | Answer::Rating { option, .. } => vec![option.as_str()],
                Answer::Choices(options) => options.iter().map(OptionId::as_str).collect(),
                Answer::Score(n) => vec![SCORE_KEYS[usize::from(*n).min(10)]],
                Answer::Number(_) | Answer::Text(_) => vec![],
            };
            options
                .into_iter()
                .map(move |option| TallyKey { question, option })
        })
    }

    /// The numeric answers to add to sums and averages: `score_0_10` and `number` questions.
    pub fn numeric_values(&self) -> impl Iterator<Item = (&QuestionId, f64)> {
        self.answers.iter().filter_map(|(q, a)| match a {
            Answer::Score(n) => Some((q, f64::from(*n))),
            Answer::Number(n) => Some((q, *n)),
            _ => None,
        })
    }

    /// The rating answers with their scores.
    pub fn rating_scores(&self) -> impl Iterator<Item = RatingAnswer<'_>> {
        self.answers.iter().filter_map(|(question, a)| match a {
            Answer::Rating { option, score } => Some(RatingAnswer {
                question,
                option,
                score: *score,
            }),
            _ => None,
        })
    }

    /// The text answers (comments), which results show only above their own group-size
    /// threshold.
    pub fn texts(&self) -> impl Iterator<Item = (&QuestionId, &str)> {
        self.answers.iter().filter_map(|(q, a)| match a {
            Answer::Text(text) => Some((q, text.as_str())),
            _ => None,
        })
    }
}

impl Serialize for ValidatedAnswers {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_answer_set().serialize(serializer)
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Option => "an option id",
            Expected::Options => "a list of option ids",
            Expected::Number => "a number",
            Expected::Text => "a string",
        })
    }
}
