//! Answer sets as clients send them: one JSON value per question id.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use super::{FormDefinition, QuestionKind};

/// The raw answer to one question, as received.
///
/// JSON: a string (an option id of a single-choice or rating question, or the text of a text
/// question), an array of strings (the option ids of a multiple-choice question), a number (a
/// `score_0_10` or `number` question) or `null`. `null`, `""` (or only whitespace) and `[]`
/// mean "no answer". Any other JSON (booleans, objects, arrays holding non-strings) is kept as
/// [`AnswerValue::Other`] so that validation can name the question instead of the whole body
/// failing to parse.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerValue {
    /// A JSON string.
    Text(String),
    /// A JSON number. Validation refuses NaN and infinities.
    Number(f64),
    /// A JSON array of strings.
    Choices(Vec<String>),
    /// JSON `null`.
    Null,
    /// Any other JSON value; never a valid answer.
    Other(serde_json::Value),
}

impl AnswerValue {
    /// Whether the value means "no answer": `null`, an empty array, or a string with nothing
    /// but whitespace and control characters.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        match self {
            AnswerValue::Null => true,
            AnswerValue::Choices(items) => items.is_empty(),
            AnswerValue::Text(s) => s.chars().all(|c| c.is_whitespace() || c.is_control()),
            AnswerValue::Number(_) | AnswerValue::Other(_) => false,
        }
    }

    /// The value as JSON.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            AnswerValue::Text(s) => serde_json::Value::String(s.clone()),
            AnswerValue::Number(n) => serde_json::Number::from_f64(*n)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            AnswerValue::Choices(items) => items.clone().into(),
            AnswerValue::Null => serde_json::Value::Null,
            AnswerValue::Other(value) => value.clone(),
        }
    }
}

impl From<serde_json::Value> for AnswerValue {
    fn from(value: serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::Null => AnswerValue::Null,
            Value::String(s) => AnswerValue::Text(s),
            Value::Number(n) => match n.as_f64() {
                Some(f) => AnswerValue::Number(f),
                None => AnswerValue::Other(Value::Number(n)),
            },
            Value::Array(items) if items.iter().all(Value::is_string) => AnswerValue::Choices(
                items
                    .into_iter()
                    .filter_map(|item| match item {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
            ),
            other => AnswerValue::Other(other),
        }
    }
}

impl From<&str> for AnswerValue {
    fn from(s: &str) -> Self {
        AnswerValue::Text(s.to_owned())
    }
}

impl From<String> for AnswerValue {
    fn from(s: String) -> Self {
        AnswerValue::Text(s)
    }
}

impl From<f64> for AnswerValue {
    fn from(n: f64) -> Self {
        AnswerValue::Number(n)
    }
}

impl From<i32> for AnswerValue {
    fn from(n: i32) -> Self {
        AnswerValue::Number(f64::from(n))
    }
}

impl<S: Into<String>> From<Vec<S>> for AnswerValue {
    fn from(items: Vec<S>) -> Self {
        AnswerValue::Choices(items.into_iter().map(Into::into).collect())
    }
}

impl Serialize for AnswerValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AnswerValue::Text(s) => serializer.serialize_str(s),
            AnswerValue::Number(n) if n.is_finite() => serializer.serialize_f64(*n),
            AnswerValue::Number(_) | AnswerValue::Null => serializer.serialize_unit(),
            AnswerValue::Choices(items) => items.serialize(serializer),
            AnswerValue::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(AnswerValue::from)
    }
}

impl utoipa::PartialSchema for AnswerValue {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("an option id, or the text of a text question")),
            )
            .item(
                ArrayBuilder::new()
                    .items(ObjectBuilder::new().schema_type(Type::String))
                    .description(Some("the option ids of a multiple-choice question")),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Number)
                    .description(Some("a score_0_10 or number answer")),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Null)
                    .description(Some("no answer")),
            )
            .description(Some(
                "The answer to one question; null, \"\" and [] mean no answer.",
            ))
            .into()
    }
}

impl ToSchema for AnswerValue {}

/// The answers of one respondent to one form: question id → value, as JSON an object
/// `{"attitude": "satisfied", "issues": ["queue", "fees"], "visits": 3}`.
///
/// Keys are kept as plain strings so that an unknown or malformed key is reported by
/// [`validate_answers`](super::validate_answers) as `unknown_question` for that key. A key
/// given twice is refused while parsing (``duplicate key `overall` `` at `answers.overall`),
/// where a plain map would keep whichever value came last.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct AnswerSet(
    #[serde(deserialize_with = "crate::json::unique_keys")] BTreeMap<String, AnswerValue>,
);

impl AnswerSet {
    /// An empty answer set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the answer to a question, returning the previous one.
    pub fn insert(
        &mut self,
        question: impl Into<String>,
        value: impl Into<AnswerValue>,
    ) -> Option<AnswerValue> {
        self.0.insert(question.into(), value.into())
    }

    /// Removes the answer to a question.
    pub fn remove(&mut self, question: &str) -> Option<AnswerValue> {
        self.0.remove(question)
    }

    /// The answer given to a question, blank or not.
    #[must_use]
    pub fn get(&self, question: &str) -> Option<&AnswerValue> {
        self.0.get(question)
    }

    /// The answer to a question unless it is absent or blank.
    #[must_use]
    pub fn answered(&self, question: &str) -> Option<&AnswerValue> {
        self.0.get(question).filter(|v| !v.is_blank())
    }

    /// Every entry, by question id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &AnswerValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of entries, blank ones included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no entries at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Builds an answer set from the fields of an HTML form post (name/value pairs, in order),
    /// where every value is a string and a field may repeat (checkboxes).
    ///
    /// A field is taken when its name is a question id of `form`; other fields (CSRF token,
    /// target unit, submit button) are the caller's and are ignored. Empty values are dropped.
    /// A multiple-choice question gets the list of its values. A `score_0_10` or `number`
    /// question gets a number when its value reads as one (full-width digits allowed, as
    /// Chinese input methods type them), otherwise the string, which validation then refuses
    /// as not a number while the form can still show what was typed. Any other question
    /// repeated more than once gets the list, which validation refuses.
    pub fn from_form_fields<N, V>(
        form: &FormDefinition,
        fields: impl IntoIterator<Item = (N, V)>,
    ) -> AnswerSet
    where
        N: AsRef<str>,
        V: AsRef<str>,
    {
        let mut collected: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in fields {
            let (name, value) = (name.as_ref(), value.as_ref());
            if value.is_empty() || form.question(name).is_none() {
                continue;
            }
            collected
                .entry(name.to_owned())
                .or_default()
                .push(value.to_owned());
        }
        let mut answers = AnswerSet::new();
        for (name, mut values) in collected {
            let Some(question) = form.question(&name) else {
                continue;
            };
            let value = match (&question.kind, values.len()) {
                (QuestionKind::MultipleChoice { .. }, _) | (_, 2..) => AnswerValue::Choices(values),
                (QuestionKind::Score0To10 { .. } | QuestionKind::Number { .. }, _) => {
                    let text = values.swap_remove(0);
                    parse_form_number(&text).map_or(AnswerValue::Text(text), AnswerValue::Number)
                }
                _ => AnswerValue::Text(values.swap_remove(0)),
            };
            answers.insert(name, value);
        }
        answers
    }
}

impl FromIterator<(String, AnswerValue)> for AnswerSet {
    fn from_iter<I: IntoIterator<Item = (String, AnswerValue)>>(iter: I) -> Self {
        AnswerSet(iter.into_iter().collect())
    }
}

impl IntoIterator for AnswerSet {
    type Item = (String, AnswerValue);
    type IntoIter = std::collections::btree_map::IntoIter<String, AnswerValue>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Reads a number typed into a form: optional sign, digits with an optional decimal point and
/// exponent; full-width digits and signs are accepted; surrounding whitespace is ignored.
/// `None` for anything else, including `inf`, `NaN` and values too large to be finite.
#[must_use]
pub fn parse_form_number(text: &str) -> Option<f64> {
    let ascii: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '．' | '。' => '.',
            '－' | '−' => '-',
            '＋' => '+',
            'Ｅ' | 'ｅ' => 'e',
            other => other,
        })
        .collect();
    let (mantissa, exponent) = match ascii.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (ascii.as_str(), None),
    };
    let unsigned = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let (int_part, frac_part) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty()) || !digits(int_part) || !digits(frac_part) {
        return None;
    }
    if let Some(exponent) = exponent {
        let e = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        if e.is_empty() || !digits(e) {
            return None;
        }
    }
    ascii.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answer_values_read_every_json_shape() {
        let set: AnswerSet = serde_json::from_value(json!({
            "a": "satisfied", "b": ["x", "y"], "c": 7, "d": null, "e": true,
            "f": {"x": 1}, "g": [1, "x"], "h": [], "i": 2.5
        }))
        .unwrap();
        assert_eq!(set.get("a"), Some(&AnswerValue::Text("satisfied".into())));
        assert_eq!(set.get("b"), Some(&AnswerValue::from(vec!["x", "y"])));
        assert_eq!(set.get("c"), Some(&AnswerValue::Number(7.0)));
        assert_eq!(set.get("d"), Some(&AnswerValue::Null));
        assert_eq!(set.get("e"), Some(&AnswerValue::Other(json!(true))));
        assert_eq!(set.get("f"), Some(&AnswerValue::Other(json!({"x": 1}))));
        assert_eq!(set.get("g"), Some(&AnswerValue::Other(json!([1, "x"]))));
        assert_eq!(set.get("h"), Some(&AnswerValue::Choices(vec![])));
        assert_eq!(set.get("i"), Some(&AnswerValue::Number(2.5)));
    }

    #[test]
    fn an_answer_given_twice_is_refused_not_overwritten() {
        let err = serde_json::from_str::<AnswerSet>(
            r#"{"overall": "satisfied", "overall": "dissatisfied"}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("duplicate key `overall`"),
            "{err}"
        );
    }

    #[test]
    fn answer_sets_serialize_back_to_the_same_json() {
        let original = json!({"a": "x", "b": ["p", "q"], "c": 7.0, "d": null, "e": {"z": false}});
        let set: AnswerSet = serde_json::from_value(original.clone()).unwrap();
        assert_eq!(serde_json::to_value(&set).unwrap(), original);
    }

    #[test]
    fn blank_values_mean_no_answer() {
        for blank in [
            AnswerValue::Null,
            AnswerValue::Text(String::new()),
            AnswerValue::Text(" \u{3000}\n\t".into()),
            AnswerValue::Choices(vec![]),
        ] {
            assert!(blank.is_blank(), "{blank:?}");
        }
        for answer in [
            AnswerValue::Text("x".into()),
            AnswerValue::Number(0.0),
            AnswerValue::Choices(vec![String::new()]),
            AnswerValue::Other(json!(false)),
        ] {
            assert!(!answer.is_blank(), "{answer:?}");
        }
    }

    #[test]
    fn form_numbers_are_read_strictly() {
        assert_eq!(parse_form_number("7"), Some(7.0));
        assert_eq!(parse_form_number(" -2.5 "), Some(-2.5));
        assert_eq!(parse_form_number("+3"), Some(3.0));
        assert_eq!(parse_form_number(".5"), Some(0.5));
        assert_eq!(parse_form_number("5."), Some(5.0));
        assert_eq!(parse_form_number("1e3"), Some(1000.0));
        assert_eq!(parse_form_number("１２．５"), Some(12.5));
        assert_eq!(parse_form_number("\u{3000}８"), Some(8.0));
        for bad in [
            "", " ", ".", "-", "abc", "1,000", "1.2.3", "inf", "-inf", "NaN", "infinity", "1e",
            "1e400", "0x10", "7分", "e5",
        ] {
            assert_eq!(parse_form_number(bad), None, "{bad}");
        }
    }
}
