//! Satisfaction surveys: lifecycle rules, public submission into anonymous storage with live
//! tallies, and results under disclosure control. Handlers in `routes::surveys` and the public
//! form in `web::survey_form` call into here.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use canvass_protocol::accounts::Role;
use canvass_protocol::forms::{
    validate_answers, AnswerError, FormDefinition, Lang, Localized, QuestionKind, Scale,
};
use canvass_protocol::stats::{
    suppress_breakdown, Disclosure, Ranking, SuppressionReason, TOP_BOTTOM_PLACES,
};
use canvass_protocol::surveys::{
    Channel, Comment, Comments, CreateSurvey, Figure, OptionResult, QuestionResults, RankedTarget,
    SubmitResponse, Survey, SurveyResults, SurveyStatus, SurveyTarget, TargetResults, UpdateSurvey,
    VillageCount, WeekCount,
};
use canvass_protocol::units::UnitKind;
use canvass_protocol::{ErrorBody, ErrorCode, ErrorDetail};

use crate::auth::Caller;
use crate::db::surveys::{self as store, NewResponse, NewSurvey, SurveyRow, TargetRow};
use crate::db::{self, units, DbConnection, StoreError};
use crate::error::ApiError;
use crate::routes::units::visible_unit;

/// The smallest minimum group size a survey may have (DOMAIN: 5 for counts and scores).
pub const MIN_GROUP_SIZE: u32 = 5;
/// The threshold before free-text comments are shown (DOMAIN: 10).
pub const COMMENT_MIN_GROUP_SIZE: u32 = 10;
/// Most comments of a target in its results (in random-id order, so a fair sample); the rest are
/// in the answers export.
pub const MAX_COMMENTS_SHOWN: usize = 100;
/// The largest minimum group size accepted.
pub const MAX_GROUP_SIZE: u32 = 1000;

/// The calendar day (`YYYY-MM-DD`, UTC+8) of a moment: the only time an answer carries.
#[must_use]
pub fn day_of(epoch_secs: i64) -> String {
    canvass_protocol::calendar::day_of(epoch_secs)
}

/// The Monday (`YYYY-MM-DD`) of the week of a stored answer day, or `None` for a malformed day.
#[must_use]
pub fn week_of(day: &str) -> Option<String> {
    canvass_protocol::calendar::week_of(day)
}

/// Whether the survey accepts answers at `now`.
#[must_use]
pub fn accepting(row: &SurveyRow, now: i64) -> bool {
    row.status == "open"
        && row.current_version.is_some()
        && row.opens_at.is_none_or(|t| now >= t)
        && row.closes_at.is_none_or(|t| now < t)
}

fn status(row: &SurveyRow) -> SurveyStatus {
    SurveyStatus::parse(&row.status).unwrap_or(SurveyStatus::Draft)
}

/// A short random link id: 8 characters without look-alikes (about 41 bits).
#[must_use]
pub fn new_slug() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..8)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// Parses a stored definition (written only after validation).
pub fn stored_definition(json: &str) -> Result<FormDefinition, ApiError> {
    serde_json::from_str(json).map_err(|e| ApiError::internal(&e))
}

fn definition_errors(problems: Vec<canvass_protocol::forms::FieldError>, prefix: &str) -> ApiError {
    let details: Vec<ErrorDetail> = problems
        .into_iter()
        .map(|p| {
            let mut d = ErrorDetail::from(p);
            d.field = Some(match d.field {
                Some(f) if !f.is_empty() => format!("{prefix}.{f}"),
                _ => prefix.to_string(),
            });
            if d.code == ErrorCode::InvalidValue {
                d.code = ErrorCode::InvalidDefinition;
            }
            d
        })
        .collect();
    if details.is_empty() {
        return ApiError::invalid(prefix, "the definition is not valid");
    }
    ApiError::from_body(StatusCode::UNPROCESSABLE_ENTITY, ErrorBody::many(details))
}

/// Checks that the caller may manage surveys of `row`'s unit.
pub fn check_manage(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &SurveyRow,
) -> Result<(), ApiError> {
    caller.require(manages_surveys(caller.role()), "manage surveys")?;
    visible_unit(conn, caller, row.unit_id).map(|_| ())
}

/// Checks that the caller may read `row`'s results (organisers, admins and leaders in scope).
pub fn check_read(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &SurveyRow,
) -> Result<(), ApiError> {
    caller.require(caller.role() != Role::Officer, "read survey results")?;
    visible_unit(conn, caller, row.unit_id).map(|_| ())
}

/// Whether a role sets up surveys.
#[must_use]
pub fn manages_surveys(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Organiser)
}

/// Loads a survey the caller can see (scope of its owning unit), or 404/403.
pub fn visible_survey(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<SurveyRow, ApiError> {
    let row = match store::find(conn, id) {
        Ok(row) => row,
        Err(StoreError::NotFound) => return Err(ApiError::not_found("survey")),
        Err(e) => return Err(e.into()),
    };
    visible_unit(conn, caller, row.unit_id)?;
    Ok(row)
}

/// The API form of a survey.
pub fn to_api(
    conn: &mut DbConnection,
    row: &SurveyRow,
    base_url: &str,
) -> Result<Survey, ApiError> {
    let versions = store::versions(conn, row.id)?;
    let draft_version = versions
        .last()
        .filter(|v| v.published_at.is_none())
        .map(|v| v.version);
    let shown = row
        .current_version
        .and_then(|cv| versions.iter().find(|v| v.version == cv))
        .or(versions.last())
        .ok_or_else(|| ApiError::internal(&"a survey without versions"))?;
    let definition = stored_definition(&shown.definition)?;
    let targets = store::targets(conn, row.id)?
        .into_iter()
        .map(|t| SurveyTarget {
            unit_id: t.unit_id,
            name: t.name,
            public_url: format!("{base_url}/s/{}", t.slug),
        })
        .collect();
    Ok(Survey {
        id: row.id,
        title: definition.title,
        status: status(row),
        accepting: accepting(row, db::now()),
        unit_id: row.unit_id,
        targets,
        current_version: row.current_version,
        draft_version,
        min_group_size: u32::try_from(row.min_group_size).unwrap_or(MIN_GROUP_SIZE),
        comment_min_group_size: u32::try_from(row.comment_min_group_size)
            .unwrap_or(COMMENT_MIN_GROUP_SIZE),
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        public_url: format!("{base_url}/s/{}", row.slug),
        created_at: row.created_at,
    })
}

fn checked_group_size(size: Option<u32>) -> Result<u32, ApiError> {
    let size = size.unwrap_or(MIN_GROUP_SIZE);
    if !(MIN_GROUP_SIZE..=MAX_GROUP_SIZE).contains(&size) {
        return Err(ApiError::invalid(
            "min_group_size",
            format!("the minimum group size is between {MIN_GROUP_SIZE} and {MAX_GROUP_SIZE}"),
        ));
    }
    Ok(size)
}

fn checked_window(opens_at: Option<i64>, closes_at: Option<i64>) -> Result<(), ApiError> {
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        if o >= c {
            return Err(ApiError::invalid(
                "closes_at",
                "the survey must close after it opens",
            ));
        }
    }
    for (field, t) in [("opens_at", opens_at), ("closes_at", closes_at)] {
        if t.is_some_and(|t| !(0..=32_503_680_000).contains(&t)) {
            return Err(ApiError::invalid(
                field,
                "not a plausible time (seconds since 1970)",
            ));
        }
    }
    Ok(())
}

/// Checks the target list: non-empty, no repeats, each in the owner's subtree and the
/// caller's scope. Returns (unit id, fresh slug) pairs.
fn checked_targets(
    conn: &mut DbConnection,
    caller: &Caller,
    owner: &units::UnitRow,
    targets: &[i64],
) -> Result<Vec<(i64, String)>, ApiError> {
    if targets.is_empty() {
        return Err(ApiError::invalid(
            "targets",
            "a survey rates at least one target unit",
        ));
    }
    if targets.len() > 200 {
        return Err(ApiError::invalid(
            "targets",
            "a survey rates at most 200 target units",
        ));
    }
    let mut out = Vec::with_capacity(targets.len());
    for (i, &id) in targets.iter().enumerate() {
        let field = format!("targets[{i}]");
        if targets[..i].contains(&id) {
            return Err(ApiError::invalid(field, "this target is listed twice"));
        }
        let unit = visible_unit(conn, caller, id).map_err(|e| e.with_field(field.clone()))?;
        if !owner.contains_path(&unit.path) {
            return Err(ApiError::out_of_scope().with_field(field));
        }
        out.push((id, new_slug()));
    }
    Ok(out)
}

/// Creates a draft survey.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    body: &CreateSurvey,
) -> Result<SurveyRow, ApiError> {
    caller.require(manages_surveys(caller.role()), "create surveys")?;
    body.definition
        .validate()
        .map_err(|p| definition_errors(p, "definition"))?;
    let group = checked_group_size(body.min_group_size)?;
    checked_window(body.opens_at, body.closes_at)?;
    let Some(owner_id) = body.unit_id.or(caller.account.unit_id) else {
        return Err(ApiError::invalid(
            "unit_id",
            "say which unit owns the survey",
        ));
    };
    let owner = visible_unit(conn, caller, owner_id).map_err(|e| e.with_field("unit_id"))?;
    let targets = checked_targets(conn, caller, &owner, &body.targets)?;
    let definition = serde_json::to_string(&body.definition).map_err(|e| ApiError::internal(&e))?;
    let slug = new_slug();
    let id = store::insert(
        conn,
        &NewSurvey {
            unit_id: owner.id,
            slug: &slug,
            min_group_size: i32::try_from(group).unwrap_or(5),
            comment_min_group_size: i32::try_from(group.max(COMMENT_MIN_GROUP_SIZE)).unwrap_or(10),
            opens_at: body.opens_at,
            closes_at: body.closes_at,
            created_by: caller.account.id,
            definition: &definition,
            targets: &targets,
        },
        db::now(),
    )?;
    tracing::info!(survey = id, by = caller.account.id, "survey created");
    Ok(store::find(conn, id)?)
}

/// Applies a `PATCH`: a new draft definition, targets, group size, window.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &SurveyRow,
    body: &UpdateSurvey,
) -> Result<(), ApiError> {
    check_manage(conn, caller, row)?;
    let now = db::now();
    crate::db::write_transaction(conn, |conn| {
        if let Some(definition) = &body.definition {
            definition
                .validate()
                .map_err(|p| definition_errors(p, "definition"))?;
            let json = serde_json::to_string(definition).map_err(|e| ApiError::internal(&e))?;
            let versions = store::versions(conn, row.id)?;
            match versions.last() {
                Some(v) if v.published_at.is_none() => {
                    store::update_draft(conn, row.id, v.version, &json)?;
                }
                Some(v) => store::insert_version(conn, row.id, v.version + 1, &json)?,
                None => store::insert_version(conn, row.id, 1, &json)?,
            }
        }
        if let Some(targets) = &body.targets {
            if store::response_count(conn, row.id)? > 0 {
                return Err(
                    already_published("targets cannot change once answers are stored")
                        .with_field("targets"),
                );
            }
            let owner = units::find(conn, row.unit_id)?;
            let targets = checked_targets(conn, caller, &owner, targets)?;
            store::replace_targets(conn, row.id, &targets)?;
        }
        if body.min_group_size.is_some() && row.current_version.is_some() {
            return Err(
                already_published("the minimum group size is fixed at publication")
                    .with_field("min_group_size"),
            );
        }
        let group = match body.min_group_size {
            Some(size) => checked_group_size(Some(size))?,
            None => u32::try_from(row.min_group_size).unwrap_or(MIN_GROUP_SIZE),
        };
        let opens_at = body.opens_at.or(row.opens_at);
        let closes_at = body.closes_at.or(row.closes_at);
        checked_window(opens_at, closes_at)?;
        store::set_settings(
            conn,
            row.id,
            opens_at,
            closes_at,
            i32::try_from(group).unwrap_or(5),
            now,
        )?;
        Ok(())
    })
}

fn already_published(message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, ErrorCode::AlreadyPublished, message)
}

/// Publishes the draft version: it becomes immutable and current; a draft survey opens.
pub fn publish(conn: &mut DbConnection, caller: &Caller, row: &SurveyRow) -> Result<(), ApiError> {
    check_manage(conn, caller, row)?;
    crate::db::write_transaction(conn, |conn| {
        let versions = store::versions(conn, row.id)?;
        let Some(draft) = versions.last().filter(|v| v.published_at.is_none()) else {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::NothingToPublish,
                "there is no draft version to publish; edit the definition first",
            ));
        };
        let definition = stored_definition(&draft.definition)?;
        definition
            .validate()
            .map_err(|p| definition_errors(p, "definition"))?;
        if store::targets(conn, row.id)?.is_empty() {
            return Err(ApiError::invalid(
                "targets",
                "a survey needs at least one target to be published",
            ));
        }
        let now = db::now();
        store::publish_version(conn, row.id, draft.version, row.min_group_size, now)?;
        if row.status == "draft" {
            store::set_status(conn, row.id, "open", now)?;
        }
        tracing::info!(
            survey = row.id,
            version = draft.version,
            by = caller.account.id,
            "survey version published"
        );
        Ok(())
    })
}

/// Opens (or re-opens) a published survey, or closes it.
pub fn set_open(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &SurveyRow,
    open: bool,
) -> Result<(), ApiError> {
    check_manage(conn, caller, row)?;
    if row.current_version.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::NothingToPublish,
            "publish the survey first",
        ));
    }
    store::set_status(
        conn,
        row.id,
        if open { "open" } else { "closed" },
        db::now(),
    )?;
    tracing::info!(
        survey = row.id,
        open,
        by = caller.account.id,
        "survey status changed"
    );
    Ok(())
}

/// Why a submission was refused.
#[derive(Debug)]
pub enum Rejection {
    /// Answers that do not fit the form: one error per question, to show beside each.
    Answers(Vec<AnswerError>),
    /// Anything else (closed survey, wrong target, ...).
    Other(ApiError),
}

impl From<ApiError> for Rejection {
    fn from(e: ApiError) -> Self {
        Rejection::Other(e)
    }
}

impl From<StoreError> for Rejection {
    fn from(e: StoreError) -> Self {
        Rejection::Other(e.into())
    }
}

impl Rejection {
    /// The API error answer, answers' problems listed with fields `answers.<question>`.
    #[must_use]
    pub fn into_api_error(self, lang: Lang) -> ApiError {
        match self {
            Rejection::Other(e) => e,
            Rejection::Answers(errors) => {
                let details = errors
                    .iter()
                    .map(|e| {
                        let mut d = e.to_detail(lang);
                        d.field = Some(format!("answers.{}", e.field()));
                        d
                    })
                    .collect();
                ApiError::from_body(StatusCode::UNPROCESSABLE_ENTITY, ErrorBody::many(details))
            }
        }
    }
}

/// Checks that a survey accepts answers now.
pub fn check_accepting(row: &SurveyRow, now: i64) -> Result<(), ApiError> {
    if accepting(row, now) {
        return Ok(());
    }
    let not_yet = row.status == "draft"
        || row.current_version.is_none()
        || row.opens_at.is_some_and(|t| now < t);
    Err(if not_yet && row.status != "closed" {
        ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::SurveyNotOpen,
            "this survey is not open for answers yet",
        )
    } else {
        ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::SurveyClosed,
            "this survey is closed and no longer accepts answers",
        )
    })
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
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::VersionNotPublished,
                "the answers name a version of the form that was never published",
            )
            .with_field("version")
            .into());
        };
        if !target_ok {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::WrongTarget,
                "the target unit is not one this survey rates",
            )
            .with_field("target_unit_id")
            .into());
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
                        Err(e) if e.status().is_server_error() => return Err(e.into()),
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
        let validated = outcome.map_err(Rejection::Answers)?;
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
    ) -> Result<Option<std::sync::Arc<FormDefinition>>, ApiError> {
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

fn respondent_unit_invalid() -> ApiError {
    ApiError::invalid(
        "respondent_unit_id",
        "not a village or community of this survey's area",
    )
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
) -> Result<(), ApiError> {
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
pub fn respondent_units(
    conn: &mut DbConnection,
    row: &SurveyRow,
) -> Result<Vec<units::UnitRow>, ApiError> {
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

/// The question columns of a survey's answer export: every question of every published
/// version, in form order, each once.
pub fn export_columns(conn: &mut DbConnection, survey_id: i64) -> Result<Vec<String>, ApiError> {
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
pub fn push_export_row(out: &mut String, row: &store::ExportRow, questions: &[String]) {
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

#[allow(clippy::cast_precision_loss)] // counts stay far below 2^53
fn as_f64(n: u64) -> f64 {
    n as f64
}

/// Builds a figure: `value` resting on `n`, hidden for reason `hidden` unless `exact`.
fn figure(value: Option<f64>, n: u64, hidden: Option<SuppressionReason>, exact: bool) -> Figure {
    match (hidden, exact) {
        (Some(reason), false) => Figure {
            value: None,
            n: None,
            hidden: Some(reason.published()),
        },
        (hidden, _) => Figure {
            value,
            n: Some(n),
            hidden,
        },
    }
}

fn reason(d: &Disclosure) -> Option<SuppressionReason> {
    match d {
        Disclosure::Shown { .. } => None,
        Disclosure::Suppressed { reason } => Some(*reason),
    }
}

fn below(n: u64, threshold: u64) -> Option<SuppressionReason> {
    (n < threshold).then_some(SuppressionReason::BelowThreshold { n, threshold })
}

/// Results of a survey as `caller` may see them: exact for organisers and admins, under
/// disclosure control for leaders.
pub fn results(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &SurveyRow,
) -> Result<SurveyResults, ApiError> {
    check_read(conn, caller, row)?;
    let exact = manages_surveys(caller.role());
    let versions = store::versions(conn, row.id)?;
    let shown = row
        .current_version
        .and_then(|cv| versions.iter().find(|v| v.version == cv))
        .or(versions.last())
        .ok_or_else(|| ApiError::internal(&"a survey without versions"))?;
    let definition = stored_definition(&shown.definition)?;
    let threshold = u64::try_from(row.min_group_size).unwrap_or(5);
    let comment_threshold = u64::try_from(row.comment_min_group_size).unwrap_or(10);
    let targets = store::targets(conn, row.id)?;

    // tallies merged across versions: target → question → option → count
    let mut tallies: HashMap<i64, HashMap<String, BTreeMap<String, u64>>> = HashMap::new();
    for (_, target, question, option, count) in store::tallies(conn, row.id)? {
        *tallies
            .entry(target)
            .or_default()
            .entry(question)
            .or_default()
            .entry(option)
            .or_default() += u64::try_from(count).unwrap_or(0);
    }
    let mut sums: HashMap<(i64, String), (u64, f64)> = HashMap::new();
    for (_, target, question, count, total) in store::sums(conn, row.id)? {
        let e = sums.entry((target, question)).or_default();
        e.0 += u64::try_from(count).unwrap_or(0);
        e.1 += total;
    }
    let mut per_target: HashMap<i64, u64> = HashMap::new();
    let mut per_village: BTreeMap<i64, u64> = BTreeMap::new();
    let mut per_week: BTreeMap<String, u64> = BTreeMap::new();
    for (target, village, day, _channel, count) in store::counts(conn, row.id)? {
        let count = u64::try_from(count).unwrap_or(0);
        *per_target.entry(target).or_default() += count;
        *per_village.entry(village).or_default() += count;
        if let Some(week) = week_of(&day) {
            *per_week.entry(week).or_default() += count;
        }
    }

    let target_counts: Vec<u64> = targets
        .iter()
        .map(|t| per_target.get(&t.unit_id).copied().unwrap_or(0))
        .collect();
    let breakdown = suppress_breakdown(&target_counts, threshold);
    let total: u64 = target_counts.iter().sum();

    let mut results = Vec::with_capacity(targets.len());
    let mut rankable = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let n = target_counts[i];
        // a target with no answers has nothing to hide; one with too few hides everything
        let hidden = reason(&breakdown.cells[i]);
        let result = target_results(
            conn,
            row,
            &definition,
            target,
            n,
            hidden,
            tallies.get(&target.unit_id),
            &sums,
            (threshold, comment_threshold),
            exact,
        )?;
        if hidden.is_none() {
            if let Some(score) = result.composite_score.value {
                rankable.push((target.unit_id, score, result.composite_score.n.unwrap_or(0)));
            }
        }
        results.push(result);
    }
    let ranking = Ranking::new(rankable.iter().map(|(id, score, _)| (*id, *score)));
    let ranked = |entries: &[canvass_protocol::stats::Ranked<i64>]| -> Vec<RankedTarget> {
        entries
            .iter()
            .map(|e| RankedTarget {
                rank: e.rank,
                unit_id: e.key,
                name: targets
                    .iter()
                    .find(|t| t.unit_id == e.key)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                composite_score: e.score,
                n: rankable.iter().find(|r| r.0 == e.key).map_or(0, |r| r.2),
            })
            .collect()
    };
    for result in &mut results {
        result.rank = ranking.rank_of(&result.unit_id);
    }

    let village_ids: Vec<i64> = per_village.keys().copied().collect();
    let village_counts: Vec<u64> = per_village.values().copied().collect();
    let village_breakdown = suppress_breakdown(&village_counts, threshold);
    let mut villages = Vec::with_capacity(village_ids.len());
    for (i, id) in village_ids.iter().enumerate() {
        let name = if *id == 0 {
            "未填写 / not stated".to_string()
        } else {
            units::find(conn, *id).map_or_else(|_| format!("#{id}"), |u| u.name)
        };
        villages.push(VillageCount {
            unit_id: (*id != 0).then_some(*id),
            name,
            responses: figure(
                Some(as_f64(village_counts[i])),
                village_counts[i],
                reason(&village_breakdown.cells[i]),
                exact,
            ),
        });
    }

    let week_counts: Vec<u64> = per_week.values().copied().collect();
    let week_breakdown = suppress_breakdown(&week_counts, threshold);
    let weeks = per_week
        .keys()
        .zip(&week_counts)
        .zip(&week_breakdown.cells)
        .map(|((week, &n), cell)| WeekCount {
            week: week.clone(),
            responses: figure(Some(as_f64(n)), n, reason(cell), exact),
        })
        .collect();

    Ok(SurveyResults {
        survey_id: row.id,
        title: definition.title.clone(),
        status: status(row),
        min_group_size: u32::try_from(threshold).unwrap_or(5),
        comment_min_group_size: u32::try_from(comment_threshold).unwrap_or(10),
        exact,
        version: row.current_version,
        total_responses: figure(Some(as_f64(total)), total, reason(&breakdown.total), exact),
        ranking: ranked(ranking.entries()),
        top: ranked(ranking.top(TOP_BOTTOM_PLACES)),
        bottom: ranked(ranking.bottom(TOP_BOTTOM_PLACES)),
        targets: results,
        villages,
        weeks,
    })
}

#[allow(clippy::too_many_arguments)]
fn target_results(
    conn: &mut DbConnection,
    row: &SurveyRow,
    definition: &FormDefinition,
    target: &TargetRow,
    n: u64,
    hidden: Option<SuppressionReason>,
    tallies: Option<&HashMap<String, BTreeMap<String, u64>>>,
    sums: &HashMap<(i64, String), (u64, f64)>,
    (threshold, comment_threshold): (u64, u64),
    exact: bool,
) -> Result<TargetResults, ApiError> {
    let empty = BTreeMap::new();
    let mut pooled_rated = 0_u64;
    let mut pooled_satisfied = 0_u64;
    let mut pooled_score = 0.0_f64;
    let mut pooled_has_rate = false;
    let mut questions = Vec::with_capacity(definition.questions.len());
    for question in &definition.questions {
        let counts = tallies
            .and_then(|t| t.get(question.id.as_str()))
            .unwrap_or(&empty);
        let mut options: Vec<(String, Localized)> = Vec::new();
        let mut rating_scale: Option<&Scale> = None;
        match &question.kind {
            QuestionKind::SingleChoice { options: o }
            | QuestionKind::MultipleChoice { options: o, .. } => {
                options = o
                    .iter()
                    .map(|o| (o.id.to_string(), o.label.clone()))
                    .collect();
            }
            QuestionKind::Rating { scale } => {
                let scale = if scale.is_builtin() {
                    Some(Scale::satisfaction())
                } else {
                    definition.scale(scale.as_str())
                };
                if let Some(scale) = scale {
                    options = scale
                        .options
                        .iter()
                        .map(|o| (o.id.to_string(), o.label.clone()))
                        .collect();
                    rating_scale = Some(scale);
                }
            }
            QuestionKind::Score0To10 { .. } => {
                options = (0..=10)
                    .map(|s| (s.to_string(), Localized::zh(s.to_string())))
                    .collect();
            }
            _ => {}
        }
        // answered: respondents who answered (a multiple choice counts options, not people)
        let numeric = sums
            .get(&(target.unit_id, question.id.to_string()))
            .copied();
        let answered = match &question.kind {
            QuestionKind::Number { .. } | QuestionKind::Score0To10 { .. } => {
                numeric.map_or(0, |s| s.0)
            }
            QuestionKind::MultipleChoice { .. } => n.min(counts.values().sum()),
            QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => 0,
            _ => counts.values().sum(),
        };
        let q_hidden = hidden.or_else(|| below(answered, threshold).filter(|_| answered > 0));
        let option_total: u64 = counts.values().sum();
        let option_results = options
            .into_iter()
            .map(|(id, label)| {
                let count = counts.get(&id).copied().unwrap_or(0);
                let share = (option_total > 0).then(|| as_f64(count) / as_f64(option_total));
                OptionResult {
                    id,
                    label,
                    count: figure(Some(as_f64(count)), answered, q_hidden, exact),
                    share: figure(share, option_total, q_hidden, exact),
                }
            })
            .collect();
        let mean = numeric.map(|(count, total)| {
            figure(
                (count > 0).then(|| total / as_f64(count)),
                count,
                q_hidden,
                exact,
            )
        });
        let (satisfaction_rate, composite_score) = match rating_scale {
            Some(scale) => {
                let summary = scale.summarize(|id| counts.get(id.as_str()).copied().unwrap_or(0));
                pooled_rated += summary.rated;
                pooled_satisfied += summary.satisfied;
                pooled_score += summary.composite_score.unwrap_or(0.0) * as_f64(summary.rated);
                pooled_has_rate |= scale.has_satisfaction_rate();
                (
                    scale
                        .has_satisfaction_rate()
                        .then(|| figure(summary.satisfaction_rate, summary.rated, q_hidden, exact)),
                    Some(figure(
                        summary.composite_score,
                        summary.rated,
                        q_hidden,
                        exact,
                    )),
                )
            }
            None => (None, None),
        };
        questions.push(QuestionResults {
            id: question.id.to_string(),
            label: question.label.clone(),
            kind: question.kind.type_name().to_string(),
            answered: figure(Some(as_f64(answered)), answered, q_hidden, exact),
            options: option_results,
            mean,
            satisfaction_rate,
            composite_score,
        });
    }
    let rate = (pooled_has_rate && pooled_rated > 0)
        .then(|| as_f64(pooled_satisfied) / as_f64(pooled_rated));
    let score = (pooled_rated > 0).then(|| pooled_score / as_f64(pooled_rated));
    // a suppressed target's reason is published as `withheld` (its count would show); below
    // the comment threshold only, the count is public anyway
    let comments_hidden = hidden
        .map(|r| if exact { r } else { r.published() })
        .or_else(|| below(n, comment_threshold).filter(|_| n > 0));
    let mut items: Vec<Comment> = if comments_hidden.is_none() || exact {
        store::comments(conn, row.id, target.unit_id, MAX_COMMENTS_SHOWN + 1)?
            .into_iter()
            .map(|(question_id, text)| Comment { question_id, text })
            .collect()
    } else {
        Vec::new()
    };
    let more = items.len() > MAX_COMMENTS_SHOWN;
    items.truncate(MAX_COMMENTS_SHOWN);
    Ok(TargetResults {
        unit_id: target.unit_id,
        name: target.name.clone(),
        responses: figure(Some(as_f64(n)), n, hidden, exact),
        satisfaction_rate: figure(rate, pooled_rated, hidden, exact),
        composite_score: figure(score, pooled_rated, hidden, exact),
        rank: None,
        questions,
        comments: Comments {
            hidden: comments_hidden,
            items,
            more,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_cache_checks_only_links_and_published_forms_the_writer_found() {
        let form: FormDefinition = serde_json::from_str(include_str!(
            "../../docs/examples/survey-window-service.json"
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

    #[test]
    fn the_day_is_the_chinese_calendar_day() {
        assert_eq!(day_of(0), "1970-01-01");
        // 2026-11-21 16:00 UTC is 2026-11-22 00:00 in Beijing
        assert_eq!(day_of(1_795_276_800), "2026-11-22");
        assert_eq!(day_of(1_795_276_799), "2026-11-21");
        assert_eq!(day_of(951_782_400), "2000-02-29");
    }

    #[test]
    fn a_day_belongs_to_the_week_starting_on_its_monday() {
        assert_eq!(week_of("1970-01-01").as_deref(), Some("1969-12-29"));
        assert_eq!(week_of("2026-11-22").as_deref(), Some("2026-11-16"));
        assert_eq!(week_of("2026-11-16").as_deref(), Some("2026-11-16"));
        assert_eq!(week_of("2000-03-01").as_deref(), Some("2000-02-28"));
        assert_eq!(week_of("2024-13-01"), None);
        assert_eq!(week_of("garbage"), None);
    }

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

    #[test]
    fn slugs_are_short_and_unambiguous() {
        let slug = new_slug();
        assert_eq!(slug.len(), 8);
        assert!(slug.chars().all(|c| !"0o1il".contains(c)));
        assert_ne!(new_slug(), new_slug());
    }

    #[test]
    fn hidden_figures_carry_no_value_for_others_but_do_for_the_organiser() {
        let reason = Some(SuppressionReason::BelowThreshold { n: 3, threshold: 5 });
        let hidden = figure(Some(3.0), 3, reason, false);
        assert_eq!((hidden.value, hidden.n), (None, None));
        let exact = figure(Some(3.0), 3, reason, true);
        assert_eq!(
            (exact.value, exact.n, exact.hidden),
            (Some(3.0), Some(3), reason)
        );
    }
}
