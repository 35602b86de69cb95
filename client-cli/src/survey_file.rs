//! Reading the file given to `canvass survey create`: either a bare form definition
//! (docs/forms.md) or a survey file whose top level has `"definition"` (the body of
//! `POST /api/v1/surveys`), merged with the command-line flags and checked with the same
//! `canvass_protocol::forms` code the server runs, so a bad file is refused before anything is
//! sent.

use std::fmt::{self, Write as _};

use canvass_protocol::forms::{FieldError, FormDefinition, Lang};
use canvass_protocol::i18n::tr;
use canvass_protocol::sheets::xlsform::import_xlsform;
use canvass_protocol::sheets::{count_message, SheetProblem};
use canvass_protocol::surveys::CreateSurvey;
use canvass_protocol::t;
use canvass_protocol::ErrorCode;
use serde::Deserialize;

use crate::dates::{parse_moment, DayBound};

/// The survey settings given on the command line; each one that is set overrides the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyOptions {
    /// `--target UNIT_ID`, repeatable: replaces the file's `targets` when not empty.
    pub targets: Vec<i64>,
    /// `--unit UNIT_ID`: the owning unit.
    pub unit_id: Option<i64>,
    /// `--min-group-size N`.
    pub min_group_size: Option<u32>,
    /// `--opens`, already converted to seconds since the epoch.
    pub opens_at: Option<i64>,
    /// `--closes`, already converted to seconds since the epoch.
    pub closes_at: Option<i64>,
}

/// Why a survey file cannot be sent.
#[derive(Debug, Clone, PartialEq)]
pub enum SurveyFileError {
    /// The file is not acceptable: every problem found, each with the path of its field
    /// (`definition.questions[2].options`; empty for the document as a whole).
    Invalid(Vec<FieldError>),
    /// The XLSForm workbook has problems: every one found (errors and warnings), each with its
    /// sheet, row and column.
    Sheet(Vec<SheetProblem>),
    /// Neither the flags nor the file name a target unit. A usage error: the fix is a flag.
    NoTargets {
        /// Whether the file was a bare form definition (which can never hold targets).
        bare_definition: bool,
    },
}

impl SurveyFileError {
    /// Every problem in `lang`, or the flag to add.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        match self {
            SurveyFileError::Invalid(problems) => {
                let mut out = t!(lang, "cli-survey-file-problems", count = problems.len());
                for p in problems {
                    let field = if p.field.is_empty() {
                        tr(lang, "cli-survey-file-whole")
                    } else {
                        p.field.clone()
                    };
                    let _ = write!(out, "\n  - {field}: {} [{}]", p.message, p.code);
                }
                out
            }
            SurveyFileError::Sheet(problems) => {
                let mut out = tr(lang, "cli-survey-xlsform-problems");
                let _ = write!(out, " {}", count_message(problems.len()).render(lang));
                for p in problems {
                    let _ = write!(out, "\n  - {}", p.render(lang));
                }
                out
            }
            SurveyFileError::NoTargets {
                bare_definition: true,
            } => tr(lang, "cli-survey-file-no-targets-bare"),
            SurveyFileError::NoTargets {
                bare_definition: false,
            } => tr(lang, "cli-survey-file-no-targets"),
        }
    }
}

impl fmt::Display for SurveyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

impl std::error::Error for SurveyFileError {}

/// A moment in a survey file: seconds since the epoch (as the API sends them), or a text
/// date or RFC 3339 time (as people write them).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Moment {
    Epoch(i64),
    Text(String),
}

/// A survey file: `CreateSurvey` with every field but the definition optional (flags may
/// supply them) and moments readable by people.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SurveyFile {
    definition: FormDefinition,
    #[serde(default)]
    targets: Vec<i64>,
    #[serde(default)]
    unit_id: Option<i64>,
    #[serde(default)]
    min_group_size: Option<u32>,
    #[serde(default)]
    opens_at: Option<Moment>,
    #[serde(default)]
    closes_at: Option<Moment>,
    #[serde(default)]
    series: Option<String>,
    #[serde(default)]
    period: Option<String>,
}

/// Reads `text` (the contents of FILE), merges `options` over it and checks the definition.
/// Returns the request body to send, or every problem found.
pub fn build_create_survey(
    text: &str,
    options: &SurveyOptions,
    lang: Lang,
) -> Result<CreateSurvey, SurveyFileError> {
    let invalid = |field: &str, code, message: String| {
        SurveyFileError::Invalid(vec![FieldError {
            code,
            field: field.to_string(),
            message,
        }])
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        invalid(
            "",
            ErrorCode::MalformedJson,
            t!(lang, "cli-survey-file-not-json", reason = e.to_string()),
        )
    })?;
    let wrapped = value
        .as_object()
        .is_some_and(|o| o.contains_key("definition"));
    let (file, prefix) = if wrapped {
        (shape::<SurveyFile>(text)?, "definition")
    } else {
        let definition = shape::<FormDefinition>(text)?;
        let file = SurveyFile {
            definition,
            targets: Vec::new(),
            unit_id: None,
            min_group_size: None,
            opens_at: None,
            closes_at: None,
            series: None,
            period: None,
        };
        (file, "")
    };

    let mut problems = Vec::new();
    if let Err(errors) = file.definition.validate() {
        problems.extend(errors.into_iter().map(|mut e| {
            e.field = join_path(prefix, &e.field);
            e
        }));
    }
    let mut moment = |field: &str, given: Option<i64>, in_file: Option<Moment>, bound| {
        if given.is_some() {
            return given;
        }
        match in_file? {
            Moment::Epoch(t) => Some(t),
            Moment::Text(s) => match parse_moment(&s, bound) {
                Ok(t) => Some(t),
                Err(e) => {
                    problems.push(FieldError {
                        code: ErrorCode::InvalidValue,
                        field: field.into(),
                        message: e.render(lang),
                    });
                    None
                }
            },
        }
    };
    let opens_at = moment("opens_at", options.opens_at, file.opens_at, DayBound::Start);
    let closes_at = moment(
        "closes_at",
        options.closes_at,
        file.closes_at,
        DayBound::End,
    );
    if !problems.is_empty() {
        return Err(SurveyFileError::Invalid(problems));
    }

    let targets = if options.targets.is_empty() {
        file.targets
    } else {
        options.targets.clone()
    };
    if targets.is_empty() {
        return Err(SurveyFileError::NoTargets {
            bare_definition: !wrapped,
        });
    }
    Ok(CreateSurvey {
        definition: file.definition,
        targets,
        unit_id: options.unit_id.or(file.unit_id),
        min_group_size: options.min_group_size.or(file.min_group_size),
        opens_at,
        closes_at,
        series: file.series,
        period: file.period,
        // set on the survey's page or with `PATCH /api/v1/surveys/{id}`
        requires_codes: None,
    })
}

/// Deserializes `text` as `T`, naming the path and the line of the first shape problem.
fn shape<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, SurveyFileError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        SurveyFileError::Invalid(vec![FieldError {
            code: ErrorCode::InvalidValue,
            field,
            message: e.into_inner().to_string(),
        }])
    })
}

fn join_path(prefix: &str, field: &str) -> String {
    match (prefix.is_empty(), field.is_empty()) {
        (true, _) => field.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}.{field}"),
    }
}

/// Whether `bytes` are a workbook (an XLSX file is a ZIP archive) rather than JSON.
#[must_use]
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads an XLSForm workbook (docs/forms.md, "XLSForm") with the same reader the server's
/// console uses, and makes the request body with the settings on the command line (a workbook
/// holds no targets, so `--target` is required). Every problem of the workbook is returned at
/// once; warnings alone do not stop it and come back with the body.
pub fn build_from_xlsform(
    bytes: &[u8],
    options: &SurveyOptions,
) -> Result<(CreateSurvey, Vec<SheetProblem>), SurveyFileError> {
    let import = import_xlsform(bytes);
    let Some(definition) = import.form else {
        return Err(SurveyFileError::Sheet(import.problems));
    };
    if options.targets.is_empty() {
        return Err(SurveyFileError::NoTargets {
            bare_definition: true,
        });
    }
    Ok((
        CreateSurvey {
            definition,
            targets: options.targets.clone(),
            unit_id: options.unit_id,
            min_group_size: options.min_group_size,
            opens_at: options.opens_at,
            closes_at: options.closes_at,
            series: import.series,
            period: import.period,
            requires_codes: None,
        },
        import.problems,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EXAMPLE: &str = include_str!("../../docs/examples/survey-window-service.json");

    fn example() -> serde_json::Value {
        serde_json::from_str(EXAMPLE).unwrap()
    }

    fn targets(ids: &[i64]) -> SurveyOptions {
        SurveyOptions {
            targets: ids.to_vec(),
            ..SurveyOptions::default()
        }
    }

    fn problems(result: Result<CreateSurvey, SurveyFileError>) -> Vec<FieldError> {
        match result {
            Err(SurveyFileError::Invalid(p)) => p,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn a_bare_definition_takes_its_targets_from_the_flags() {
        let survey = build_create_survey(EXAMPLE, &targets(&[3, 4]), Lang::En).unwrap();
        assert_eq!(survey.targets, vec![3, 4]);
        assert_eq!(survey.unit_id, None);
        assert_eq!(
            serde_json::to_value(&survey.definition).unwrap(),
            serde_json::to_value(FormDefinition::from_json(EXAMPLE).unwrap()).unwrap()
        );
    }

    #[test]
    fn a_bare_definition_without_targets_is_a_usage_error() {
        let err = build_create_survey(EXAMPLE, &SurveyOptions::default(), Lang::En).unwrap_err();
        assert_eq!(
            err,
            SurveyFileError::NoTargets {
                bare_definition: true
            }
        );
        assert!(err.render(Lang::En).contains("--target"), "{err}");
    }

    #[test]
    fn a_survey_file_keeps_its_fields_unless_flags_override_them() {
        let file = json!({
            "definition": example(),
            "targets": [5, 6],
            "unit_id": 2,
            "min_group_size": 8,
            "opens_at": "2025-06-01",
            "closes_at": 1_800_000_000
        })
        .to_string();
        let survey = build_create_survey(&file, &SurveyOptions::default(), Lang::En).unwrap();
        assert_eq!(survey.targets, vec![5, 6]);
        assert_eq!(survey.unit_id, Some(2));
        assert_eq!(survey.min_group_size, Some(8));
        assert_eq!(survey.opens_at, Some(1_748_707_200));
        assert_eq!(survey.closes_at, Some(1_800_000_000));

        let flags = SurveyOptions {
            targets: vec![9],
            unit_id: Some(1),
            min_group_size: Some(12),
            opens_at: Some(10),
            closes_at: Some(20),
        };
        let survey = build_create_survey(&file, &flags, Lang::En).unwrap();
        assert_eq!(survey.targets, vec![9]);
        assert_eq!(survey.unit_id, Some(1));
        assert_eq!(survey.min_group_size, Some(12));
        assert_eq!((survey.opens_at, survey.closes_at), (Some(10), Some(20)));
    }

    #[test]
    fn a_closing_date_in_a_file_means_the_end_of_that_day() {
        let file = json!({"definition": example(), "targets": [1], "closes_at": "2025-06-01"});
        let survey =
            build_create_survey(&file.to_string(), &SurveyOptions::default(), Lang::En).unwrap();
        assert_eq!(survey.closes_at, Some(1_748_707_200 + 86_400));
    }

    #[test]
    fn every_definition_problem_is_listed_with_its_path() {
        let mut bad = example();
        let questions = bad["questions"].as_array_mut().unwrap();
        let first_id = questions[0]["id"].clone();
        questions[1]["id"] = first_id;
        questions[2]["label"] = json!({"zh-CN": "  "});
        let found = problems(build_create_survey(
            &bad.to_string(),
            &targets(&[1]),
            Lang::En,
        ));
        assert!(found.len() >= 2, "{found:?}");
        assert!(
            found
                .iter()
                .any(|p| p.code == ErrorCode::DuplicateId && p.field.starts_with("questions[1]")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.field.starts_with("questions[2].label")),
            "{found:?}"
        );

        // in a survey file the paths start at "definition"
        let file = json!({"definition": bad, "targets": [1]}).to_string();
        let found = problems(build_create_survey(
            &file,
            &SurveyOptions::default(),
            Lang::En,
        ));
        assert!(
            found
                .iter()
                .all(|p| p.field.starts_with("definition.questions[")),
            "{found:?}"
        );
        let shown = SurveyFileError::Invalid(found).render(Lang::En);
        assert!(shown.contains("nothing was sent"), "{shown}");
        assert!(shown.contains("definition.questions[1]"), "{shown}");
    }

    #[test]
    fn a_shape_problem_names_its_field_and_line() {
        let mut bad = example();
        bad["questions"][0]["requird"] = json!(true);
        let text = serde_json::to_string_pretty(&bad).unwrap();
        let found = problems(build_create_survey(&text, &targets(&[1]), Lang::En));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("requird"), "{found:?}");
        assert!(found[0].message.contains("line"), "{found:?}");
        assert!(found[0].field.starts_with("questions[0]"), "{found:?}");

        let file = json!({"definition": example(), "targets": [1], "target": [2]}).to_string();
        let found = problems(build_create_survey(
            &file,
            &SurveyOptions::default(),
            Lang::En,
        ));
        assert!(found[0].message.contains("target"), "{found:?}");
    }

    #[test]
    fn text_that_is_not_json_is_refused_as_such() {
        let found = problems(build_create_survey("title: x", &targets(&[1]), Lang::En));
        assert_eq!(found[0].code, ErrorCode::MalformedJson);
        assert!(found[0].message.contains("not valid JSON"), "{found:?}");
        assert!(found[0].field.is_empty());
    }

    #[test]
    fn an_unreadable_date_in_a_file_is_a_problem_of_that_field() {
        let file = json!({"definition": example(), "targets": [1], "opens_at": "next week"});
        let found = problems(build_create_survey(
            &file.to_string(),
            &SurveyOptions::default(),
            Lang::En,
        ));
        assert_eq!(found[0].field, "opens_at");
        assert!(found[0].message.contains("YYYY-MM-DD"), "{found:?}");
    }
}
