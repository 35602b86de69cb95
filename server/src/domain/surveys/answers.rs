//! Answers to a survey: whether it accepts them, the checks an answer set passes (the form of
//! its version, its target, the respondent's village), the parsed forms shared by the whole
//! process, and the storing of a checked answer set with its tallies.

use std::collections::HashMap;

use canvass_protocol::forms::{validate_answers, AnswerError, FormDefinition, Localized};
use canvass_protocol::surveys::{Channel, SubmitResponse};
use canvass_protocol::units::UnitKind;
use canvass_protocol::{msg, ErrorCode};

use super::{accepting, stored_definition};
use crate::db::surveys::{self as store, NewResponse, SurveyRow};
use crate::db::{self, units, DbConnection, StoreError};
use crate::domain::error::{Error, Field, Kind, Problem};

/// Why a submission was refused.
#[derive(Debug)]
pub enum Rejection {
    /// Answers that do not fit the form: one per question, to show beside each.
    Answers(Vec<Refused>),
    /// Anything else (closed survey, wrong target, ...).
    Other(Error),
}

/// One answer that does not fit its question, with the question's label.
#[derive(Debug)]
pub struct Refused {
    /// What is wrong with the answer (its field is the question's id).
    pub error: AnswerError,
    /// The question's label, when the form has the question.
    pub label: Option<Localized>,
}

impl From<Error> for Rejection {
    fn from(e: Error) -> Self {
        Rejection::Other(e)
    }
}

impl From<StoreError> for Rejection {
    fn from(e: StoreError) -> Self {
        Rejection::Other(e.into())
    }
}

impl Rejection {
    /// The error, answers' problems listed with fields `answers.<question>` and messages that
    /// name each question by its label.
    #[must_use]
    pub fn into_error(self) -> Error {
        match self {
            Rejection::Other(e) => e,
            Rejection::Answers(refused) => {
                let problems = refused.iter().map(Refused::problem).collect();
                Error::many(Kind::Invalid, problems, || {
                    Error::new(
                        Kind::Invalid,
                        ErrorCode::InvalidAnswer,
                        ErrorCode::InvalidAnswer.message(),
                    )
                })
            }
        }
    }

    /// Whether the server, not the submission, is at fault.
    #[must_use]
    pub fn is_server_fault(&self) -> bool {
        matches!(self, Rejection::Other(e) if e.is_server_fault())
    }
}

impl Refused {
    /// The answers' problems of `errors`, each with its question's label from `form`.
    fn all(form: &FormDefinition, errors: Vec<AnswerError>) -> Rejection {
        Rejection::Answers(
            errors
                .into_iter()
                .map(|error| Refused {
                    label: form
                        .questions
                        .iter()
                        .find(|q| q.id.as_str() == error.field())
                        .map(|q| q.label.clone()),
                    error,
                })
                .collect(),
        )
    }

    fn problem(&self) -> Problem {
        let said = self.error.to_problem().message;
        let path = format!("answers.{}", self.error.field());
        let (message, field) = match &self.label {
            Some(label) => (
                msg!("common-field-and-message", field = label, message = said),
                Field::labelled(path, label),
            ),
            None => (said, Field::new(path)),
        };
        Problem::new(self.error.code(), message).at(field)
    }
}

/// Checks that a survey accepts answers now.
pub fn check_accepting(row: &SurveyRow, now: i64) -> Result<(), Error> {
    if accepting(row, now) {
        return Ok(());
    }
    let not_yet = row.status == "draft"
        || row.current_version.is_none()
        || row.opens_at.is_some_and(|t| now < t);
    let code = if not_yet && row.status != "closed" {
        ErrorCode::SurveyNotOpen
    } else {
        ErrorCode::SurveyClosed
    };
    Err(Error::conflict(code, code.message()))
}

/// Answers checked against a form before the writer saw them (see [`FormCache::check`]): the
/// survey and version they were checked against, and the outcome.
pub struct Checked {
    survey_id: i64,
    version: i32,
    outcome: Result<canvass_protocol::forms::ValidatedAnswers, Vec<AnswerError>>,
}

/// Parsed forms of published versions, shared by the whole process, and the surveys' public
/// links. A published version never changes, so an entry never goes stale; only forms and
/// links the writer found in the database are kept, so the cache holds no more than the
/// surveys there are. With it the request workers check answers against the form before the
/// submission reaches the group-commit writer, which then only checks what can change (open,
/// target, village) and stores; and the writer reads and parses a form once per process, not
/// once per group.
#[derive(Default)]
pub struct FormCache {
    forms: std::sync::RwLock<HashMap<(i64, i32), std::sync::Arc<FormDefinition>>>,
    /// Public link (a survey's or a target's) → survey id.
    links: std::sync::RwLock<HashMap<String, i64>>,
}

impl FormCache {
    fn form(&self, survey_id: i64, version: i32) -> Option<std::sync::Arc<FormDefinition>> {
        self.forms
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&(survey_id, version))
            .cloned()
    }

    fn keep_form(&self, survey_id: i64, version: i32, form: std::sync::Arc<FormDefinition>) {
        self.forms
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert((survey_id, version), form);
    }

    /// Notes that the public link `slug` belongs to survey `survey_id` (links never change).
    pub fn keep_link(&self, slug: &str, survey_id: i64) {
        let known = self
            .links
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(slug)
            == Some(&survey_id);
        if !known {
            self.links
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(slug.to_string(), survey_id);
        }
    }

    /// Checks answers sent to the link `slug` against their form, when both are known here;
    /// `None` leaves the check to [`SurveyContext::prepare_checked`]. Reads no database.
    #[must_use]
    pub fn check(&self, slug: &str, body: &SubmitResponse) -> Option<Checked> {
        let survey_id = *self
            .links
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(slug)?;
        let form = self.form(survey_id, body.version)?;
        Some(Checked {
            survey_id,
            version: body.version,
            outcome: validate_answers(&form, &body.answers),
        })
    }
}

/// What checking answers against one survey needs, loaded once and reused for every answer set
/// of a request (a field batch carries hundreds): its targets, its published versions' forms
/// and the respondent units already checked.
pub struct SurveyContext {
    pub row: SurveyRow,
    targets: Option<Vec<i64>>,
    /// Parsed forms by version; `None` for a version that was never published.
    forms: HashMap<i32, Option<std::sync::Arc<FormDefinition>>>,
    /// Respondent units checked so far, and whether each may be named.
    respondents: HashMap<i64, bool>,
    /// The owner's county path ([`county_path`]), once a respondent unit is checked.
    county: Option<String>,
    /// Where published forms are shared with the rest of the process, if anywhere.
    shared: Option<std::sync::Arc<FormCache>>,
}

impl SurveyContext {
    #[must_use]
    pub fn new(row: SurveyRow) -> Self {
        Self {
            row,
            targets: None,
            forms: HashMap::new(),
            respondents: HashMap::new(),
            county: None,
            shared: None,
        }
    }

    /// The same, taking published forms from `cache` and adding those it reads.
    #[must_use]
    pub fn sharing(row: SurveyRow, cache: std::sync::Arc<FormCache>) -> Self {
        Self {
            shared: Some(cache),
            ..Self::new(row)
        }
    }

    /// Checks an answer set (the survey is known to accept answers) and returns where it belongs
    /// and its validated answers, storing nothing. `day` is the only time it will carry.
    pub fn prepare(
        &mut self,
        conn: &mut DbConnection,
        fixed_target: Option<i64>,
        body: &SubmitResponse,
        channel: Channel,
        day: String,
    ) -> Result<(Stored, canvass_protocol::forms::ValidatedAnswers), Rejection> {
        self.prepare_checked(conn, fixed_target, body, channel, day, None)
    }

    /// [`SurveyContext::prepare`], taking the answers' check from `checked` when it was made
    /// against this survey's form of the same version (the same outcome: a published form never
    /// changes). The other checks, and their order, are the same either way.
    pub fn prepare_checked(
        &mut self,
        conn: &mut DbConnection,
        fixed_target: Option<i64>,
        body: &SubmitResponse,
        channel: Channel,
        day: String,
        checked: Option<Checked>,
    ) -> Result<(Stored, canvass_protocol::forms::ValidatedAnswers), Rejection> {
        if !self.forms.contains_key(&body.version) {
            let form = self.load_form(conn, body.version)?;
            self.forms.insert(body.version, form);
        }
        if self.targets.is_none() {
            let targets = store::targets(conn, self.row.id)?;
            self.targets = Some(targets.iter().map(|t| t.unit_id).collect());
        }
        let target_ok = self
            .targets
            .as_ref()
            .is_some_and(|t| t.contains(&body.target_unit_id))
            && fixed_target.is_none_or(|t| t == body.target_unit_id);
        let Some(Some(definition)) = self.forms.get(&body.version) else {
            return Err(invalid(ErrorCode::VersionNotPublished, "version").into());
        };
        if !target_ok {
            return Err(invalid(ErrorCode::WrongTarget, "target_unit_id").into());
        }
        if let Some(village) = body.respondent_unit_id {
            let ok = match self.respondents.get(&village) {
                Some(ok) => *ok,
                None => {
                    if self.county.is_none() {
                        self.county = Some(county_path(conn, &self.row)?);
                    }
                    let county = self.county.as_deref().unwrap_or_default();
                    let ok = match check_respondent_unit(conn, county, village) {
                        Ok(()) => true,
                        Err(e) if e.is_server_fault() => return Err(e.into()),
                        Err(_) => false,
                    };
                    self.respondents.insert(village, ok);
                    ok
                }
            };
            if !ok {
                return Err(respondent_unit_invalid().into());
            }
        }
        let outcome = match checked {
            Some(c) if c.survey_id == self.row.id && c.version == body.version => c.outcome,
            _ => validate_answers(definition, &body.answers),
        };
        let validated = outcome.map_err(|errors| Refused::all(definition, errors))?;
        let stored = Stored {
            survey_id: self.row.id,
            version: body.version,
            target_unit_id: body.target_unit_id,
            respondent_unit_id: body.respondent_unit_id,
            channel,
            day,
        };
        Ok((stored, validated))
    }

    /// The parsed form of a version, from the shared cache or the database; `None` when the
    /// version was never published.
    fn load_form(
        &self,
        conn: &mut DbConnection,
        version: i32,
    ) -> Result<Option<std::sync::Arc<FormDefinition>>, Error> {
        if let Some(form) = self
            .shared
            .as_ref()
            .and_then(|c| c.form(self.row.id, version))
        {
            return Ok(Some(form));
        }
        let form = store::version(conn, self.row.id, version)?
            .filter(|v| v.published_at.is_some())
            .map(|v| stored_definition(&v.definition).map(std::sync::Arc::new))
            .transpose()?;
        if let (Some(cache), Some(form)) = (&self.shared, &form) {
            cache.keep_form(self.row.id, version, form.clone());
        }
        Ok(form)
    }
}

/// Where a validated answer set belongs: everything a stored response carries besides the
/// answers themselves.
pub struct Stored {
    pub survey_id: i64,
    pub version: i32,
    pub target_unit_id: i64,
    pub respondent_unit_id: Option<i64>,
    pub channel: Channel,
    /// `YYYY-MM-DD`: the only time kept.
    pub day: String,
}

/// Stores one validated answer set and adds it to every tally, in the caller's transaction.
pub fn record(
    conn: &mut DbConnection,
    stored: &Stored,
    validated: &canvass_protocol::forms::ValidatedAnswers,
) -> Result<(), StoreError> {
    let mut delta = store::TallyDelta::default();
    record_into(conn, stored, validated, &mut delta)?;
    delta.write(conn)
}

/// Stores one validated answer set in the caller's transaction and adds its counts to `delta`,
/// which the caller writes before committing (many answer sets, one write per tally row).
pub fn record_into(
    conn: &mut DbConnection,
    stored: &Stored,
    validated: &canvass_protocol::forms::ValidatedAnswers,
    delta: &mut store::TallyDelta,
) -> Result<(), StoreError> {
    let answers_json = serde_json::to_string(validated).unwrap_or_else(|_| "{}".into());
    let response = NewResponse {
        survey_id: stored.survey_id,
        version: stored.version,
        target_unit_id: stored.target_unit_id,
        respondent_unit_id: stored.respondent_unit_id,
        channel: stored.channel.as_str(),
        day: &stored.day,
        answers: &answers_json,
        tallies: validated
            .tally_keys()
            .map(|k| (k.question.as_str(), k.option))
            .collect(),
        sums: validated
            .numeric_values()
            .map(|(q, v)| (q.as_str(), v))
            .collect(),
        comments: validated.texts().map(|(q, t)| (q.as_str(), t)).collect(),
    };
    store::insert_response_row(conn, &response, delta)
}

fn invalid(code: ErrorCode, field: &str) -> Error {
    Error::new(Kind::Invalid, code, code.message()).at(field)
}

fn respondent_unit_invalid() -> Error {
    Error::invalid("respondent_unit_id", msg!("error-respondent-unit-invalid"))
}

/// The path prefix of the county the survey's owner lies in (`/<county id>/`): respondents
/// may name any village or community under it.
fn county_path(conn: &mut DbConnection, row: &SurveyRow) -> Result<String, StoreError> {
    let owner = units::find(conn, row.unit_id)?;
    Ok(format!(
        "/{}/",
        db::units::path_ids(&owner.path)
            .first()
            .copied()
            .unwrap_or(owner.id)
    ))
}

fn check_respondent_unit(
    conn: &mut DbConnection,
    county_path: &str,
    unit_id: i64,
) -> Result<(), Error> {
    let invalid = respondent_unit_invalid;
    let unit = match units::find(conn, unit_id) {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Err(invalid()),
        Err(e) => return Err(e.into()),
    };
    if !matches!(unit.kind(), UnitKind::Village | UnitKind::Community)
        || !unit.path.starts_with(county_path)
    {
        return Err(invalid());
    }
    Ok(())
}

/// The villages and communities a respondent of this survey may name: those of its county.
pub(super) fn respondent_units(
    conn: &mut DbConnection,
    row: &SurveyRow,
) -> Result<Vec<units::UnitRow>, Error> {
    let county_path = county_path(conn, row)?;
    let mut rows = units::subtree(conn, Some(&county_path), Some(UnitKind::Village))?;
    rows.extend(units::subtree(
        conn,
        Some(&county_path),
        Some(UnitKind::Community),
    )?);
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(rows)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_cache_checks_only_links_and_published_forms_the_writer_found() {
        let form: FormDefinition = serde_json::from_str(include_str!(
            "../../../../docs/examples/survey-window-service.json"
        ))
        .unwrap();
        let body = |answers: serde_json::Value| -> SubmitResponse {
            serde_json::from_value(serde_json::json!({
                "version": 1, "target_unit_id": 5, "answers": answers
            }))
            .unwrap()
        };
        let good = body(serde_json::json!({
            "visit_purpose": "enquiry", "overall": "satisfied", "attitude": "satisfied",
            "efficiency": "satisfied", "score": 8
        }));
        let bad = body(serde_json::json!({"score": 11}));
        let cache = FormCache::default();
        // nothing known yet: the writer checks
        assert!(cache.check("abc", &good).is_none());
        cache.keep_link("abc", 3);
        assert!(cache.check("abc", &good).is_none(), "no form kept yet");
        cache.keep_form(3, 1, std::sync::Arc::new(form));
        let checked = cache.check("abc", &good).unwrap();
        assert_eq!((checked.survey_id, checked.version), (3, 1));
        assert!(checked.outcome.is_ok());
        assert!(cache.check("abc", &bad).unwrap().outcome.is_err());
        // another version, another link: unknown
        let mut later = good;
        later.version = 2;
        assert!(cache.check("abc", &later).is_none());
        assert!(cache.check("abd", &bad).is_none());
    }
}
