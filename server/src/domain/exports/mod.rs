//! The data of the exports: the columns and rows of a survey's answer export (every stored
//! answer, exactly what the table holds and never more), read page by page, and the one CSV
//! writer every export goes through ([`csv`]).

pub mod csv;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use canvass_protocol::forms::{FormDefinition, Lang, QuestionKind};
use canvass_protocol::i18n::tr;

use self::csv::Csv;
use super::auth::Caller;
use super::error::Error;
use super::surveys::{self, stored_definition};
use crate::db::surveys as store;
use crate::db::{units, DbConnection};

/// Answers read per page of the answer export: each page is one short read on a pooled
/// connection, so memory stays flat however many answers there are.
pub const ANSWERS_PAGE_ROWS: i64 = 2000;

/// The options of one question as (id, label) pairs.
type Choices = Vec<(String, String)>;

/// What the answer export of one survey writes, in the reader's language: a column per
/// question of every published version, and the labels that replace stored ids.
#[derive(Debug)]
pub struct AnswerColumns {
    lang: Lang,
    /// Question ids, in form order, each once.
    questions: Vec<String>,
    /// The column titles of the questions, in the same order.
    titles: Vec<String>,
    /// Per version: per question, the label of each option id.
    /// (aligned with `questions`; `None` for a question without options), as (id, label) pairs:
    /// a handful per question, found faster by comparison than by hashing.
    options: HashMap<i32, Vec<Option<Choices>>>,
    /// The name of every unit an answer can name.
    units: HashMap<i64, String>,
    /// The channels' names in the reader's language: web, field, paper.
    channels: [String; 3],
}

/// Records that `caller` exported the results of survey `survey_id` (a table or the
/// workbook); call it once the results were read, so the caller's access is known.
pub fn survey_results_exported(
    conn: &mut DbConnection,
    caller: &Caller,
    survey_id: i64,
) -> Result<(), Error> {
    super::audit::record(
        conn,
        caller,
        "survey.export_results",
        &format!("survey:{survey_id}"),
    )
}

/// Records that `caller` exported the results of round `round_id` (a table or the workbook);
/// call it once the report was read, so the caller's access is known.
pub fn round_results_exported(
    conn: &mut DbConnection,
    caller: &Caller,
    round_id: i64,
) -> Result<(), Error> {
    super::audit::record(
        conn,
        caller,
        "round.export_results",
        &format!("round:{round_id}"),
    )
}

/// The columns of the answer export of survey `survey_id` in `lang`, once the caller is known
/// to manage it.
pub fn answer_columns(
    conn: &mut DbConnection,
    caller: &Caller,
    survey_id: i64,
    lang: Lang,
) -> Result<AnswerColumns, Error> {
    let row = surveys::visible_survey(conn, caller, survey_id)?;
    surveys::check_manage(conn, caller, &row)?;
    crate::domain::audit::record(
        conn,
        caller,
        "survey.export_answers",
        &format!("survey:{}", row.id),
    )?;
    let mut definitions = Vec::new();
    for version in store::versions(conn, row.id)?
        .iter()
        .filter(|v| v.published_at.is_some())
    {
        definitions.push((version.version, stored_definition(&version.definition)?));
    }
    let units = units::subtree(conn, None, None)?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(AnswerColumns::new(lang, &definitions, units))
}

impl AnswerColumns {
    /// The columns of the published versions `definitions` (version number and form).
    #[must_use]
    pub fn new(
        lang: Lang,
        definitions: &[(i32, FormDefinition)],
        units: HashMap<i64, String>,
    ) -> Self {
        let mut questions: Vec<String> = Vec::new();
        let mut titles: Vec<String> = Vec::new();
        let mut by_version = Vec::new();
        for (version, definition) in definitions {
            let mut labels: HashMap<String, Vec<(String, String)>> = HashMap::new();
            for question in &definition.questions {
                let id = question.id.to_string();
                if !questions.contains(&id) {
                    questions.push(id.clone());
                    titles.push(question.label.get(lang).to_owned());
                }
                let choices: Vec<(String, String)> = match &question.kind {
                    QuestionKind::SingleChoice { options }
                    | QuestionKind::MultipleChoice { options, .. } => options
                        .iter()
                        .map(|o| (o.id.to_string(), o.label.get(lang).to_owned()))
                        .collect(),
                    QuestionKind::Rating { .. } => definition
                        .scale_of(&id)
                        .map(|scale| {
                            scale
                                .options
                                .iter()
                                .map(|o| (o.id.to_string(), o.label.get(lang).to_owned()))
                                .collect()
                        })
                        .unwrap_or_default(),
                    _ => continue,
                };
                labels.insert(id, choices);
            }
            by_version.push((*version, labels));
        }
        let options = by_version
            .into_iter()
            .map(|(version, mut labels)| {
                (
                    version,
                    questions.iter().map(|q| labels.remove(q)).collect(),
                )
            })
            .collect();
        // two questions with the same text get their ids beside it, so columns stay apart
        let repeated: Vec<bool> = titles
            .iter()
            .map(|t| titles.iter().filter(|o| *o == t).count() > 1)
            .collect();
        for ((title, id), repeated) in titles.iter_mut().zip(&questions).zip(repeated) {
            if repeated {
                *title = format!("{title} ({id})");
            }
        }
        Self {
            lang,
            questions,
            titles,
            options,
            units,
            channels: [
                tr(lang, "export-answers-channel-web"),
                tr(lang, "export-answers-channel-field"),
                tr(lang, "export-answers-channel-paper"),
            ],
        }
    }

    /// The first lines of the file: the byte-order mark and the header line.
    #[must_use]
    pub fn header(&self) -> Vec<u8> {
        let lang = self.lang;
        let mut csv = Csv::file();
        csv.row(
            [
                "export-answers-version",
                "export-answers-target-unit",
                "export-answers-target-unit-id",
                "export-answers-respondent-unit",
                "export-answers-respondent-unit-id",
                "export-answers-channel",
                "export-answers-day",
            ]
            .into_iter()
            .map(|id| tr(lang, id))
            .chain(self.titles.iter().cloned()),
        );
        csv.into_bytes()
    }

    /// Writes one stored answer as a row: units and options by their labels (ids beside units),
    /// a multiple choice joined with `; `, an unanswered question empty. The answer's own id is
    /// not exported. Cells go straight into `csv`: a million rows are written in seconds.
    fn write_row(&self, csv: &mut Csv, row: &store::ExportRow) {
        let (_, version, target, respondent, channel, day, answers) = row;
        let mut numbers = itoa_buffer();
        let unit = |id: i64| self.units.get(&id).map_or("", String::as_str);
        csv.field(numbers.format(*version));
        csv.field(unit(*target));
        csv.field(numbers.format(*target));
        csv.field(respondent.map_or("", unit));
        match respondent {
            Some(r) => csv.field(numbers.format(*r)),
            None => csv.field(""),
        }
        csv.field(match channel.as_str() {
            "web" => &self.channels[0],
            "field" => &self.channels[1],
            "paper" => &self.channels[2],
            other => other,
        });
        csv.field(day);
        let answers = serde_json::from_str::<StoredAnswers<'_>>(answers)
            .map(|a| a.0)
            .unwrap_or_default();
        let labels = self.options.get(version);
        let mut scratch = String::new();
        for (i, question) in self.questions.iter().enumerate() {
            let choices = labels.and_then(|l| l.get(i)).and_then(Option::as_deref);
            // the last of a repeated key counts, as when the answer was read into a map
            let value = answers
                .iter()
                .rev()
                .find(|(id, _)| id == question)
                .map(|(_, value)| value);
            match value {
                None | Some(Stored::Empty) => csv.field(""),
                Some(Stored::Text(s)) => csv.field(label_of(choices, s).unwrap_or(s)),
                Some(Stored::List(items)) => {
                    scratch.clear();
                    for (n, item) in items.iter().enumerate() {
                        if n > 0 {
                            scratch.push_str("; ");
                        }
                        scratch.push_str(label_of(choices, item).unwrap_or(item));
                    }
                    csv.field(&scratch);
                }
                Some(Stored::Number(n)) => {
                    csv::write_number(&mut scratch, *n);
                    csv.field(&scratch);
                }
                Some(Stored::Other(text)) => csv.field(text),
            }
        }
        csv.end_row();
    }
}

/// One stored answer set as (question id, value) pairs in stored order, borrowed from its JSON
/// text wherever no escape forces a copy: the export reads a million of them, and building a
/// map of owned strings for each was most of its time.
#[derive(Default)]
struct StoredAnswers<'a>(Vec<(Cow<'a, str>, Stored<'a>)>);

/// One stored value, as the export writes it.
enum Stored<'a> {
    /// `null`.
    Empty,
    /// A text or an option id.
    Text(Cow<'a, str>),
    /// A number.
    Number(f64),
    /// The texts of a list (option ids of a multiple choice); other items are left out.
    List(Vec<Cow<'a, str>>),
    /// Anything else, as JSON text.
    Other(String),
}

impl<'de> Deserialize<'de> for StoredAnswers<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = StoredAnswers<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of answers")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(16));
                while let Some((key, value)) = map.next_entry::<Text<'de>, Stored<'de>>()? {
                    pairs.push((key.0, value));
                }
                Ok(StoredAnswers(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

/// A JSON string, borrowed where it can be.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Str;
        impl<'de> Visitor<'de> for Str {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Str)
    }
}

impl<'de> Deserialize<'de> for Stored<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = Stored<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an answer")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Stored::Empty)
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Stored::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Stored::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Stored::Text(Cow::Owned(v)))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Stored::Number(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Stored::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Stored::Number(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Stored::Other(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Item<'de>>()? {
                    items.extend(item.0);
                }
                Ok(Stored::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let value = serde_json::Value::deserialize(MapAccessDeserializer::new(map))?;
                Ok(Stored::Other(value.to_string()))
            }
        }
        deserializer.deserialize_any(Any)
    }
}

/// An item of a stored list: its text if it is one.
struct Item<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for Item<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Item(match Stored::deserialize(deserializer)? {
            Stored::Text(text) => Some(text),
            _ => None,
        }))
    }
}

/// The label of option `id` among `choices`, if the question has options and this is one.
fn label_of<'a>(choices: Option<&'a [(String, String)]>, id: &str) -> Option<&'a str> {
    choices?
        .iter()
        .find(|(option, _)| option == id)
        .map(|(_, label)| label.as_str())
}

/// A buffer that formats whole numbers without allocating.
fn itoa_buffer() -> NumberText {
    NumberText(String::with_capacity(24))
}

/// See [`itoa_buffer`].
struct NumberText(String);

impl NumberText {
    fn format(&mut self, n: impl std::fmt::Display) -> &str {
        use std::fmt::Write as _;
        self.0.clear();
        let _ = write!(self.0, "{n}");
        &self.0
    }
}

/// One page of the answer export: its CSV lines, and where the next page starts (`None` after
/// the last).
pub struct AnswersPage {
    /// The page's lines.
    pub bytes: Vec<u8>,
    /// Pass as `after` for the next page.
    pub next: Option<String>,
}

/// The stored answers of survey `survey_id` after the answer `after` (from the first with
/// `None`), in random-id order, as CSV lines under `columns` ([`answer_columns`]; the caller's
/// access was checked there).
pub fn answers_page(
    conn: &mut DbConnection,
    survey_id: i64,
    columns: &AnswerColumns,
    after: Option<&str>,
) -> Result<AnswersPage, Error> {
    let rows = store::answers_page(conn, survey_id, after, ANSWERS_PAGE_ROWS)?;
    let mut csv = Csv::with_capacity(rows.len() * 200);
    for row in &rows {
        columns.write_row(&mut csv, row);
    }
    let full = i64::try_from(rows.len()).unwrap_or(0) == ANSWERS_PAGE_ROWS;
    Ok(AnswersPage {
        bytes: csv.into_bytes(),
        next: rows.last().map(|r| r.0.clone()).filter(|_| full),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(json: serde_json::Value) -> FormDefinition {
        serde_json::from_value(json).expect("a valid form")
    }

    fn columns(lang: Lang) -> AnswerColumns {
        let v1 = form(serde_json::json!({
            "title": {"zh-CN": "窗口服务", "en": "Window service"},
            "questions": [
                {"id": "overall", "type": "rating", "label": {"zh-CN": "总体", "en": "Overall"}},
                {"id": "why", "type": "multiple_choice", "label": {"zh-CN": "原因", "en": "Why"},
                 "options": [{"id": "slow", "label": {"zh-CN": "慢", "en": "Slow"}},
                             {"id": "rude", "label": {"zh-CN": "态度差", "en": "Rude"}}]},
                {"id": "visits", "type": "number", "label": {"zh-CN": "次数", "en": "Visits"}},
                {"id": "comment", "type": "long_text", "label": {"zh-CN": "意见", "en": "Comment"}}
            ]
        }));
        let units = HashMap::from([(7, "县政务服务中心".to_owned()), (9, "东村".to_owned())]);
        AnswerColumns::new(lang, &[(1, v1)], units)
    }

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).expect("UTF-8")
    }

    #[test]
    fn the_header_names_columns_in_the_readers_language() {
        assert_eq!(
            text(columns(Lang::En).header()),
            "\u{feff}Version,Target unit,Target unit id,Respondent's village,\
             Respondent's village id,Channel,Day,Overall,Why,Visits,Comment\r\n"
        );
        assert!(text(columns(Lang::ZhCn).header()).starts_with("\u{feff}版本,被测评单位,"));
    }

    #[test]
    fn answers_are_exported_by_their_labels_and_text_is_defused() {
        let row = (
            "ab".to_string(),
            1,
            7,
            Some(9),
            "field".to_string(),
            "2026-11-22".to_string(),
            r#"{"overall":"dissatisfied","why":["slow","rude"],"visits":3,
                "comment":"=HYPERLINK(\"x\"), twice"}"#
                .to_string(),
        );
        let mut csv = Csv::new();
        columns(Lang::ZhCn).write_row(&mut csv, &row);
        assert_eq!(
            csv.into_string(),
            "1,县政务服务中心,7,东村,9,当面询问,2026-11-22,不满意,慢; 态度差,3,\
             \"'=HYPERLINK(\"\"x\"\"), twice\"\r\n"
        );
        let unanswered = (
            "cd".to_string(),
            1,
            7,
            None,
            "web".to_string(),
            "2026-11-23".to_string(),
            "{}".to_string(),
        );
        let mut csv = Csv::new();
        columns(Lang::En).write_row(&mut csv, &unanswered);
        assert_eq!(
            csv.into_string(),
            "1,县政务服务中心,7,,,Web,2026-11-23,,,,\r\n"
        );
    }

    #[test]
    fn unusual_stored_values_are_written_as_before() {
        let row = |answers: &str| {
            let row = (
                "ef".to_string(),
                1,
                7,
                None,
                "paper".to_string(),
                "2026-11-24".to_string(),
                answers.to_string(),
            );
            let mut csv = Csv::new();
            columns(Lang::En).write_row(&mut csv, &row);
            csv.into_string()
        };
        // an escaped text is copied, a repeated key's last value counts, items that are not
        // texts are left out of a list, null is empty, other values are written as JSON
        assert_eq!(
            row(
                r#"{"overall":"a","overall":"satisfied","why":["slow",3,null,"x"],
                   "visits":2.5,"comment":"say \"hi\"\n"}"#
            ),
            "1,县政务服务中心,7,,,Paper,2026-11-24,Satisfied,Slow; x,2.5,\"say \"\"hi\"\"\n\"\r\n"
        );
        assert_eq!(
            row(r#"{"overall":null,"why":"rude","visits":true,"comment":{"b":[1]}}"#),
            "1,县政务服务中心,7,,,Paper,2026-11-24,,Rude,true,\"{\"\"b\"\":[1]}\"\r\n"
        );
        // an answer set that cannot be read is an empty row, not a failed export
        assert_eq!(
            row("not json"),
            "1,县政务服务中心,7,,,Paper,2026-11-24,,,,\r\n"
        );
    }
}
