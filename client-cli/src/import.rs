//! `canvass import`: answers typed up from paper forms, one CSV row per form, checked row by row
//! with the server's validation and queued all together or not at all.
//!
//! Columns (the header names them, in any order):
//! - `survey`: the survey id or public slug (not needed with `--survey`);
//! - `target`: the unit rated, by id or exact name;
//! - `village` (optional): the respondent's village or community, by id or exact name;
//! - `collected_on` (optional): the day on the paper form, `YYYY-MM-DD`; empty means today;
//! - `version` (optional): the form version printed on the paper; empty means the current one;
//! - one column per question id: an option id, several option ids as `a;b` for a
//!   multiple-choice question, a number, or text. An empty cell is no answer.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use canvass_protocol::calendar::{self, not_in_future};
use canvass_protocol::forms::{
    parse_form_number, validate_answers, AnswerSet, AnswerValue, Lang, QuestionKind,
};
use canvass_protocol::sync::{valid_day, FieldChannel, Manifest};
use sha2::{Digest, Sha256};

use canvass_protocol::i18n::{Arg, Message};
use canvass_protocol::{msg, t};

use crate::catalog;
use crate::collect::response_item;
use crate::dates::now_secs;
use crate::error::CliError;
use crate::store::{LocalStore, NewItem};

/// The columns that are not questions.
pub const FIXED_COLUMNS: [&str; 5] = ["survey", "target", "village", "collected_on", "version"];

/// One problem in the file: the line (1 is the header) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub line: u64,
    pub message: Message,
}

impl RowError {
    /// `line 3: target: ...` in `lang`.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        t!(
            lang,
            "cli-import-line",
            line = self.line,
            problem = self.message.clone()
        )
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

/// A problem of one column's cell: `target: ...`.
fn cell_problem(column: &str, problem: Message) -> Message {
    msg!("cli-import-field", field = column, problem = problem)
}

/// What `canvass import` did.
#[derive(Debug)]
pub enum ImportOutcome {
    /// Every row was good and all were queued; their local ids.
    Imported(Vec<i64>),
    /// Some rows are bad; nothing was queued.
    Refused(Vec<RowError>),
}

/// Reads and checks the CSV `text` against the cached `manifest`; every row's item, or every
/// problem with its line.
pub fn parse_rows(
    manifest: &Manifest,
    text: &str,
    survey_flag: Option<&str>,
    now: i64,
    lang: Lang,
) -> Result<Vec<NewItem>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                message: msg!("cli-import-header-unreadable", reason = e.to_string()),
            }])
        }
    };
    let column = |name: &str| headers.iter().position(|h| h == name);
    let fixed_survey = match survey_flag {
        Some(reference) => match catalog::find_survey(manifest, reference) {
            Ok(found) => Some(found.survey),
            Err(e) => {
                return Err(vec![RowError {
                    line: 1,
                    message: cell_problem("--survey", e),
                }])
            }
        },
        None => None,
    };
    if fixed_survey.is_none() && column("survey").is_none() {
        errors.push(RowError {
            line: 1,
            message: msg!("cli-import-no-survey-column"),
        });
    }
    if column("target").is_none() {
        errors.push(RowError {
            line: 1,
            message: msg!("cli-import-no-target-column"),
        });
    }
    let mut seen = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            errors.push(RowError {
                line: 1,
                message: msg!("cli-import-unnamed-column", column = i + 1),
            });
        } else if seen.contains(h) {
            errors.push(RowError {
                line: 1,
                message: msg!("cli-import-column-twice", column = h),
            });
        }
        seen.push(h.clone());
        if let Some(survey) = fixed_survey {
            let known = FIXED_COLUMNS.contains(&h.as_str())
                || survey
                    .versions
                    .iter()
                    .any(|v| v.definition.question(h).is_some());
            if !known && !h.is_empty() {
                errors.push(RowError {
                    line: 1,
                    message: msg!(
                        "cli-import-unknown-column",
                        column = h,
                        survey = survey.survey.id,
                        known = catalog::current_version(survey)
                            .map(|(_, f)| f
                                .questions
                                .iter()
                                .map(|q| q.id.to_string())
                                .collect::<Vec<_>>()
                                .join(", "))
                            .unwrap_or_default()
                    ),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut items = Vec::new();
    let mut lines = Lines::new(text);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                errors.push(RowError {
                    line,
                    message: msg!("cli-import-row-unreadable", reason = e.to_string()),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        match parse_row(manifest, fixed_survey, &headers, &record, &cell, now, lang) {
            Ok(item) => items.push(item),
            Err(problems) => errors.extend(
                problems
                    .into_iter()
                    .map(|message| RowError { line, message }),
            ),
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    }
}

fn parse_row<'a>(
    manifest: &Manifest,
    fixed_survey: Option<&canvass_protocol::sync::ManifestSurvey>,
    headers: &[String],
    record: &'a csv::StringRecord,
    cell: &dyn Fn(&str) -> Option<&'a str>,
    now: i64,
    lang: Lang,
) -> Result<NewItem, Vec<Message>> {
    let in_survey = |e| vec![cell_problem("survey", e)];
    let survey = match (fixed_survey, cell("survey")) {
        (Some(s), None) => s,
        (Some(s), Some(r)) => {
            let found = catalog::find_survey(manifest, r).map_err(in_survey)?;
            if found.survey.survey.id != s.survey.id {
                return Err(in_survey(msg!(
                    "cli-import-not-the-survey",
                    reference = r,
                    survey = s.survey.id
                )));
            }
            s
        }
        (None, Some(r)) => catalog::find_survey(manifest, r).map_err(in_survey)?.survey,
        (None, None) => return Err(in_survey(msg!("cli-import-empty-cell"))),
    };
    let mut problems = Vec::new();
    let (version, form) = match cell("version") {
        None => catalog::current_version(survey).map_err(|e| vec![e])?,
        Some(v) => match v
            .parse::<i32>()
            .ok()
            .and_then(|n| catalog::version(survey, n).map(|f| (n, f)))
        {
            Some(found) => found,
            None => {
                return Err(vec![cell_problem(
                    "version",
                    msg!(
                        "cli-import-no-such-version",
                        reference = v,
                        survey = survey.survey.id,
                        known = survey
                            .versions
                            .iter()
                            .map(|v| v.version.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )])
            }
        },
    };
    let targets = catalog::targets(survey);
    let target = match cell("target") {
        None => {
            problems.push(cell_problem("target", msg!("cli-import-empty-cell")));
            None
        }
        Some(t) => match catalog::find_unit(&targets, t) {
            Ok(u) => Some(u.clone()),
            Err(m) => {
                problems.push(cell_problem("target", m));
                None
            }
        },
    };
    let village = match cell("village") {
        None => None,
        Some(v) => match catalog::find_unit(&survey.villages, v) {
            Ok(u) => Some(u.clone()),
            Err(m) => {
                problems.push(cell_problem("village", m));
                None
            }
        },
    };
    let day = match cell("collected_on") {
        None => calendar::day_of(now),
        Some(d) if valid_day(d) && not_in_future(d, now) => d.to_string(),
        Some(d) => {
            problems.push(cell_problem(
                "collected_on",
                msg!("cli-import-bad-day", day = d),
            ));
            calendar::day_of(now)
        }
    };
    let mut answers = AnswerSet::new();
    for (i, header) in headers.iter().enumerate() {
        if FIXED_COLUMNS.contains(&header.as_str()) {
            continue;
        }
        let Some(value) = record.get(i).map(str::trim).filter(|s| !s.is_empty()) else {
            continue;
        };
        let value = match form.question(header).map(|q| &q.kind) {
            Some(QuestionKind::MultipleChoice { .. }) => AnswerValue::Choices(
                value
                    .split([';', '；'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(ToString::to_string)
                    .collect(),
            ),
            Some(QuestionKind::Score0To10 { .. } | QuestionKind::Number { .. }) => {
                parse_form_number(value)
                    .map_or_else(|| AnswerValue::Text(value.to_string()), AnswerValue::Number)
            }
            _ => AnswerValue::Text(value.replace("\\n", "\n")),
        };
        answers.insert(header.clone(), value);
    }
    let valid = match validate_answers(form, &answers) {
        Ok(valid) => Some(valid),
        Err(errors) => {
            problems.extend(errors.iter().map(|e| {
                msg!(
                    "cli-import-question",
                    question = e.question.as_str(),
                    problem = Arg::Localized {
                        zh_cn: e.message(Lang::ZhCn),
                        en: Some(e.message(Lang::En)),
                    },
                    code = e.code().as_str()
                )
            }));
            None
        }
    };
    match (problems.is_empty(), target, valid) {
        (true, Some(target), Some(valid)) => Ok(response_item(
            survey,
            version,
            &target,
            village.as_ref(),
            FieldChannel::Paper,
            day,
            valid.to_answer_set(),
            lang,
        )),
        _ => Err(problems),
    }
}

/// `canvass import`: checks every row of `file` and queues them all in one transaction, or
/// none. A file imported before is refused unless `again` (the same paper forms must not count
/// twice).
pub fn import(
    store: &mut LocalStore,
    file: &Path,
    survey: Option<&str>,
    again: bool,
    lang: Lang,
) -> Result<ImportOutcome, CliError> {
    let path = file.display().to_string();
    let bytes = crate::files::read_input(file)?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| CliError::Input(msg!("cli-import-not-utf8", path = path.as_str())))?;
    let digest = hex(&Sha256::digest(&bytes));
    if !again {
        if let Some((name, day)) = store.imported_before(&digest)? {
            return Err(CliError::Input(msg!(
                "cli-import-imported-before",
                name = name,
                day = day
            )));
        }
    }
    let cached = catalog::cached(store)?;
    let now = now_secs();
    let today = calendar::day_of(now);
    match parse_rows(&cached.manifest, &text, survey, now, lang) {
        Err(errors) => Ok(ImportOutcome::Refused(errors)),
        Ok(items) if items.is_empty() => Err(CliError::Input(msg!(
            "cli-import-no-rows",
            path = path.as_str()
        ))),
        Ok(items) => {
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let ids = store.add_items(&items, Some((&digest, &name, &today)))?;
            Ok(ImportOutcome::Imported(ids))
        }
    }
}

/// Line numbers of records, counted as the reader moves through the text: each call scans only
/// the text since the previous one, so a file of many rows is read in linear time.
struct Lines<'t> {
    text: &'t str,
    /// Where the previous call stopped, and the line there (from 1).
    at: usize,
    line: u64,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            at: 0,
            line: 1,
        }
    }

    /// The line (from 1) on which the record starting at `byte` begins. The csv reader's own
    /// line count points at a blank line skipped before the record; this skips line ends first.
    fn at(&mut self, byte: u64) -> u64 {
        let text = self.text.as_bytes();
        let start = usize::try_from(byte).unwrap_or(text.len()).min(text.len());
        let skipped = text[start..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let at = start + skipped;
        if at < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += self.text[self.at..at].matches('\n').count() as u64;
        self.at = at;
        self.line
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The per-survey counts of an import, for the summary lines: instrument as shown, count.
#[must_use]
pub fn count_by_survey(store: &LocalStore, ids: &[i64], lang: Lang) -> BTreeMap<String, usize> {
    let manifest = store.manifest().ok().flatten().map(|c| c.manifest);
    let mut counts = BTreeMap::new();
    for id in ids {
        if let Ok(Some(item)) = store.item(*id) {
            let label =
                catalog::instrument_label(&item.instrument, &item.label, manifest.as_ref(), lang);
            *counts.entry(label).or_insert(0) += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_protocol::forms::{FormDefinition, Localized};
    use canvass_protocol::surveys::{PublicTarget, Survey, SurveyStatus, SurveyTarget};
    use canvass_protocol::sync::{BatchItem, ManifestSurvey, ManifestVersion};

    pub(crate) fn manifest() -> Manifest {
        let definition = FormDefinition::from_json(include_str!(
            "../../docs/examples/survey-window-service.json"
        ))
        .unwrap();
        Manifest {
            protocol: 1,
            surveys: vec![ManifestSurvey {
                survey: Survey {
                    id: 3,
                    title: Localized::new("窗口服务测评", "Window service"),
                    status: SurveyStatus::Open,
                    accepting: true,
                    unit_id: 1,
                    targets: vec![
                        SurveyTarget {
                            unit_id: 10,
                            name: "县市场监督管理局".into(),
                            public_url: "http://x/s/abcdefgh".into(),
                        },
                        SurveyTarget {
                            unit_id: 11,
                            name: "县人社局".into(),
                            public_url: "http://x/s/jkmnpqrs".into(),
                        },
                    ],
                    current_version: Some(2),
                    draft_version: None,
                    min_group_size: 5,
                    comment_min_group_size: 10,
                    opens_at: None,
                    closes_at: None,
                    public_url: "http://x/s/tuvwxyz2".into(),
                    created_at: 0,
                    series: None,
                    period: None,
                    results_published_at: None,
                    requires_codes: false,
                },
                versions: vec![
                    ManifestVersion {
                        version: 1,
                        definition: definition.clone(),
                    },
                    ManifestVersion {
                        version: 2,
                        definition,
                    },
                ],
                villages: vec![PublicTarget {
                    unit_id: 20,
                    name: "东村".into(),
                }],
            }],
            rounds: vec![],
            units: vec![],
            officials: vec![],
        }
    }

    /// 2026-11-22 10:00 in Beijing.
    const NOW: i64 = 1_795_312_800;

    const HEADER: &str = "survey,target,village,collected_on,visit_purpose,overall,attitude,efficiency,dissatisfied_reasons,trips,comment\n";

    #[test]
    fn good_rows_become_paper_answers() {
        let csv = format!(
            "{HEADER}3,县人社局,东村,2026-11-20,licence,dissatisfied,satisfied,satisfied,long_wait;other,2,\"排队太久,\\n还要再来\"\n\
             tuvwxyz2,10,,,enquiry,satisfied,satisfied,basically_satisfied,,,\n"
        );
        let items = parse_rows(&manifest(), &csv, None, NOW, Lang::En).unwrap();
        assert_eq!(items.len(), 2);
        let BatchItem::SurveyResponse(first) = &items[0].item else {
            panic!("a response");
        };
        assert_eq!(first.channel, FieldChannel::Paper);
        assert_eq!(
            (first.target_unit_id, first.respondent_unit_id),
            (11, Some(20))
        );
        assert_eq!(first.version, 2);
        assert_eq!(
            first.answers.get("dissatisfied_reasons"),
            Some(&AnswerValue::from(vec!["long_wait", "other"]))
        );
        assert_eq!(
            first.answers.get("comment"),
            Some(&AnswerValue::Text("排队太久,\n还要再来".into()))
        );
        let BatchItem::SurveyResponse(second) = &items[1].item else {
            panic!("a response");
        };
        assert_eq!(second.collected_on, "2026-11-22", "empty day is today");
        assert_eq!(second.target_unit_id, 10);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_number() {
        let csv = format!(
            "{HEADER}3,县人社局,,2026-11-20,licence,satisfied,satisfied,satisfied,,2,\n\
             3,县财政局,,2026-11-20,licence,satisfied,satisfied,satisfied,,2,\n\
             \n\
             3,10,西村,2026-13-01,holiday,satisfied,,satisfied,,,\n\
             3,10,,,enquiry,satisfied,satisfied,satisfied,long_wait,,\n\
             99,10,,,enquiry,satisfied,satisfied,satisfied,,,\n"
        );
        let errors = parse_rows(&manifest(), &csv, None, NOW, Lang::En).unwrap_err();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert!(lines.iter().all(|l| [3, 5, 6, 7].contains(l)), "{errors:?}");
        let text: Vec<String> = errors.iter().map(|e| e.render(Lang::En)).collect();
        let has = |needle: &str| text.iter().any(|t| t.contains(needle));
        assert!(
            has("line 3: target: “县财政局” is not one of these: 10 县市场监督管理局, 11 县人社局"),
            "{text:?}"
        );
        assert!(has("line 5: village: “西村”"), "{text:?}");
        assert!(has("line 5: collected_on"), "{text:?}");
        assert!(has("line 5: question visit_purpose: \"holiday\" is not one of this question's options. [invalid_option]"), "{text:?}");
        assert!(has("line 5: question attitude: This question must be answered. [required_answer_missing]"), "{text:?}");
        assert!(
            has("line 6: question dissatisfied_reasons") && has("[hidden_question_answered]"),
            "{text:?}"
        );
        assert!(has("line 7: survey: There is no survey “99”"), "{text:?}");
    }

    #[test]
    fn line_numbers_count_quoted_line_breaks_blank_lines_and_crlf() {
        let text = "a,b\r\n1,\"two\r\nlines\"\r\n\r\n\r\n3,x\r\n4,y\n";
        let mut lines = Lines::new(text);
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let found: Vec<u64> = reader
            .records()
            .map(|r| lines.at(r.unwrap().position().unwrap().byte()))
            .collect();
        assert_eq!(found, [2, 6, 7]);
        assert_eq!(
            lines.at(0),
            1,
            "a position before the last one counts afresh"
        );
    }

    #[test]
    fn the_header_is_checked_against_the_survey() {
        let csv = "target,overall,colour\n10,satisfied,red\n";
        let errors = parse_rows(&manifest(), csv, Some("3"), NOW, Lang::En).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
        assert!(
            errors[0]
                .render(Lang::En)
                .contains("`colour` is not a question"),
            "{errors:?}"
        );
        let errors =
            parse_rows(&manifest(), "overall\nsatisfied\n", None, NOW, Lang::En).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        let ragged = "target,visit_purpose\n10,enquiry,extra\n";
        let errors = parse_rows(&manifest(), ragged, Some("3"), NOW, Lang::En).unwrap_err();
        assert_eq!(errors[0].line, 2, "{errors:?}");
    }

    #[test]
    fn nothing_is_queued_when_a_row_is_bad_and_a_file_is_imported_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = LocalStore::open_in(&dir.path().join("data")).unwrap();
        store.save_manifest(&manifest(), None, 0).unwrap();
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "target,visit_purpose,overall,attitude,efficiency\n10,enquiry,satisfied,satisfied,satisfied\n10,enquiry,nope,satisfied,satisfied\n").unwrap();
        let ImportOutcome::Refused(errors) =
            import(&mut store, &bad, Some("3"), false, Lang::En).unwrap()
        else {
            panic!("refused");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        assert!(store.counts().unwrap().is_empty(), "nothing queued");

        let good = dir.path().join("good.csv");
        std::fs::write(&good, "target,visit_purpose,overall,attitude,efficiency\n10,enquiry,satisfied,satisfied,satisfied\n11,other,dont_know,satisfied,satisfied\n").unwrap();
        let ImportOutcome::Imported(ids) =
            import(&mut store, &good, Some("3"), false, Lang::En).unwrap()
        else {
            panic!("imported");
        };
        assert_eq!(ids.len(), 2);
        assert_eq!(store.counts().unwrap()[0].queued, 2);
        let again = import(&mut store, &good, Some("3"), false, Lang::En).unwrap_err();
        assert!(again.render(Lang::En).contains("--again"), "{again}");
        assert!(matches!(
            import(&mut store, &good, Some("3"), true, Lang::En).unwrap(),
            ImportOutcome::Imported(_)
        ));
        assert_eq!(store.counts().unwrap()[0].queued, 4);
    }
}
