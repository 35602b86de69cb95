//! The data of the exports: the columns and rows of a survey's answer export (every stored
//! answer set, exactly what the table holds and never more), read page by page.

use super::auth::Caller;
use super::error::Error;
use super::surveys::{self, stored_definition};
use crate::db::surveys as store;
use crate::db::DbConnection;

/// Answers read per page of the answer export: each page is one short read on a pooled
/// connection, so memory stays flat however many answers there are.
pub const ANSWERS_PAGE_ROWS: i64 = 2000;

/// The question columns of the answer export of survey `survey_id`, once the caller is known to
/// manage it: every question of every published version, in form order, each once.
pub fn answer_columns(
    conn: &mut DbConnection,
    caller: &Caller,
    survey_id: i64,
) -> Result<Vec<String>, Error> {
    let row = surveys::visible_survey(conn, caller, survey_id)?;
    surveys::check_manage(conn, caller, &row)?;
    crate::domain::audit::record(
        conn,
        caller,
        "survey.export_answers",
        &format!("survey:{}", row.id),
    )?;
    export_columns(conn, row.id)
}

/// One page of the answer export: its CSV lines, and where the next page starts (`None` after
/// the last).
pub struct AnswersPage {
    /// The page's lines.
    pub text: String,
    /// Pass as `after` for the next page.
    pub next: Option<String>,
}

/// The stored answers of survey `survey_id` after the answer `after` (from the first with
/// `None`), in random-id order, as CSV lines under `columns` ([`answer_columns`]; the caller's
/// access was checked there).
pub fn answers_page(
    conn: &mut DbConnection,
    survey_id: i64,
    columns: &[String],
    after: Option<&str>,
) -> Result<AnswersPage, Error> {
    let rows = store::answers_page(conn, survey_id, after, ANSWERS_PAGE_ROWS)?;
    let mut text = String::with_capacity(rows.len() * 160);
    for row in &rows {
        push_export_row(&mut text, row, columns);
    }
    let full = i64::try_from(rows.len()).unwrap_or(0) == ANSWERS_PAGE_ROWS;
    Ok(AnswersPage {
        text,
        next: rows.last().map(|r| r.0.clone()).filter(|_| full),
    })
}

fn export_columns(conn: &mut DbConnection, survey_id: i64) -> Result<Vec<String>, Error> {
    let mut columns: Vec<String> = Vec::new();
    for version in store::versions(conn, survey_id)?
        .iter()
        .filter(|v| v.published_at.is_some())
    {
        for question in stored_definition(&version.definition)?.questions {
            let id = question.id.to_string();
            if !columns.contains(&id) {
                columns.push(id);
            }
        }
    }
    Ok(columns)
}

/// The fixed columns of the answer export, before one column per question.
pub const EXPORT_FIXED_COLUMNS: [&str; 5] = [
    "version",
    "target_unit_id",
    "respondent_unit_id",
    "channel",
    "day",
];

/// The header line of the answer export.
#[must_use]
pub fn export_header(questions: &[String]) -> String {
    let mut line = String::new();
    for (i, name) in EXPORT_FIXED_COLUMNS
        .iter()
        .copied()
        .chain(questions.iter().map(String::as_str))
        .enumerate()
    {
        if i > 0 {
            line.push(',');
        }
        push_csv_field(&mut line, name);
    }
    line.push_str("\r\n");
    line
}

/// Appends one stored response as a CSV line: a multiple choice as `a;b`, an unanswered
/// question as an empty cell. The row's id is not exported.
fn push_export_row(out: &mut String, row: &store::ExportRow, questions: &[String]) {
    use std::fmt::Write as _;
    let (_, version, target, respondent, channel, day, answers) = row;
    let _ = write!(out, "{version},{target},");
    if let Some(r) = respondent {
        let _ = write!(out, "{r}");
    }
    out.push(',');
    push_csv_field(out, channel);
    out.push(',');
    push_csv_field(out, day);
    let answers: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(answers).unwrap_or_default();
    for question in questions {
        out.push(',');
        match answers.get(question) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(s)) => push_csv_field(out, s),
            Some(serde_json::Value::Array(items)) => {
                let joined: Vec<&str> = items.iter().filter_map(|v| v.as_str()).collect();
                push_csv_field(out, &joined.join(";"));
            }
            Some(other) => push_csv_field(out, &other.to_string()),
        }
    }
    out.push_str("\r\n");
}

/// Appends `field`, quoted (RFC 4180) when it holds a comma, a quote or a line break.
fn push_csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_rows_are_csv_with_one_column_per_question() {
        let questions = vec!["q1".to_string(), "q2".to_string(), "q3".to_string()];
        assert_eq!(
            export_header(&questions),
            "version,target_unit_id,respondent_unit_id,channel,day,q1,q2,q3\r\n"
        );
        let row = (
            "ab".to_string(),
            2,
            7,
            None,
            "web".to_string(),
            "2026-11-22".to_string(),
            r#"{"q1":["a","b"],"q3":"said \"no\", twice"}"#.to_string(),
        );
        let mut out = String::new();
        push_export_row(&mut out, &row, &questions);
        assert_eq!(
            out,
            "2,7,,web,2026-11-22,a;b,,\"said \"\"no\"\", twice\"\r\n"
        );
    }
}
