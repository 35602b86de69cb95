//! The survey form model and answer validation: the JSON definition of a survey version, the
//! built-in satisfaction scale with its rates, and [`validate_answers`], the one pure function
//! that checks an answer set against a form for the server, the web form and the offline
//! client alike. The format is documented in `docs/forms.md` and `docs/forms.schema.json`.

mod answers;
mod definition;
mod ids;
mod localized;
mod scale;
mod validate;

#[cfg(test)]
mod tests;

pub use answers::{parse_form_number, AnswerSet, AnswerValue};
pub use definition::{
    ChoiceOption, Condition, ConditionValue, FieldError, FormDefinition, Question, QuestionKind,
    ShowIf,
};
pub use ids::{check_slug, OptionId, QuestionId, ScaleId, SlugError, MAX_SLUG_LEN, SLUG_PATTERN};
pub use localized::{Lang, Localized};
pub use scale::{RatingSummary, Scale, ScaleOption, MAX_SCALE_SCORE, SATISFACTION_SCALE_ID};
pub use validate::{
    normalise_text, validate_answers, Answer, AnswerError, AnswerProblem, Expected, RatingAnswer,
    TallyKey, ValidatedAnswers,
};

/// The hard limit on any text answer, in characters (Unicode scalar values, not bytes). No
/// definition may allow more.
pub const MAX_TEXT_CHARS: usize = 2000;

/// The limit of a `short_text` answer when the definition gives none.
pub const DEFAULT_SHORT_TEXT_CHARS: usize = 200;

/// The limit of a `long_text` answer when the definition gives none.
pub const DEFAULT_LONG_TEXT_CHARS: usize = MAX_TEXT_CHARS;

/// The most questions a form may have.
pub const MAX_QUESTIONS: usize = 200;

/// The most options a choice question or a scale may have.
pub const MAX_OPTIONS: usize = 50;

/// The most custom scales a form may define.
pub const MAX_SCALES: usize = 20;

/// The longest form title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// The longest question, option, scale or unit label, in characters.
pub const MAX_LABEL_CHARS: usize = 500;

/// The longest form description or question help text, in characters.
pub const MAX_HELP_CHARS: usize = 2000;
