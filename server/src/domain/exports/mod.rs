//! The data of the exports: the columns and rows of a survey's answer export (every stored
//! answer, exactly what the table holds and never more), read page by page, and the one CSV
//! writer every export goes through ([`csv`]).

pub mod csv;

use std::collections::HashMap;

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
    options: HashMap<i32, HashMap<String, HashMap<String, String>>>,
    /// The name of every unit an answer can name.
    units: HashMap<i64, String>,
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
        let mut options = HashMap::new();
        for (version, definition) in definitions {
            let mut labels: HashMap<String, HashMap<String, String>> = HashMap::new();
            for question in &definition.questions {
                let id = question.id.to_string();
                if !questions.contains(&id) {
                    questions.push(id.clone());
                    titles.push(question.label.get(lang).to_owned());
                }
                let choices: HashMap<String, String> = match &question.kind {
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
            options.insert(*version, labels);
        }
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

    /// The cells of one stored answer: units and options by their labels (ids beside units),
    /// a multiple choice joined with `; `, an unanswered question empty. The answer's own id is
    /// not exported.
    fn row(&self, row: &store::ExportRow) -> Vec<String> {
        let (_, version, target, respondent, channel, day, answers) = row;
        let unit = |id: i64| self.units.get(&id).cloned().unwrap_or_default();
        let channel = match channel.as_str() {
            "web" => tr(self.lang, "export-answers-channel-web"),
            "field" => tr(self.lang, "export-answers-channel-field"),
            "paper" => tr(self.lang, "export-answers-channel-paper"),
            other => other.to_owned(),
        };
        let mut cells = vec![
            version.to_string(),
            unit(*target),
            target.to_string(),
            respondent.map(unit).unwrap_or_default(),
            respondent.map(|r| r.to_string()).unwrap_or_default(),
            channel,
            day.clone(),
        ];
        self.push_answers(&mut cells, *version, answers);
        cells
    }

    fn push_answers(&self, cells: &mut Vec<String>, version: i32, answers: &str) {
        use serde_json::Value;
        let answers: serde_json::Map<String, Value> =
            serde_json::from_str(answers).unwrap_or_default();
        let labels = self.options.get(&version);
        for question in &self.questions {
            let label = |option: &str| {
                labels
                    .and_then(|l| l.get(question))
                    .and_then(|o| o.get(option))
                    .cloned()
                    .unwrap_or_else(|| option.to_owned())
            };
            cells.push(match answers.get(question) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => match labels.and_then(|l| l.get(question)) {
                    Some(_) => label(s),
                    None => s.clone(),
                },
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(label)
                    .collect::<Vec<_>>()
                    .join("; "),
                Some(Value::Number(n)) => n.as_f64().map(csv::number).unwrap_or_default(),
                Some(other) => other.to_string(),
            });
        }
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
        csv.row(columns.row(row));
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
        csv.row(columns(Lang::ZhCn).row(&row));
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
        csv.row(columns(Lang::En).row(&unanswered));
        assert_eq!(
            csv.into_string(),
            "1,县政务服务中心,7,,,Web,2026-11-23,,,,\r\n"
        );
    }
}
