//! Satisfaction surveys: their life (draft, published versions, open and closed), who may see
//! and change them, the public form behind a link, and, in the submodules, the answers they
//! accept and their results.

pub mod answers;
pub mod coverage;
pub mod editor;
pub mod flags;
pub mod results;
pub mod templates;
pub mod trends;

use canvass_protocol::accounts::Role;
use canvass_protocol::forms::FormDefinition;
use canvass_protocol::i18n::{Arg, Message};
use canvass_protocol::surveys::{
    CreateSurvey, PublicForm, PublicTarget, Survey, SurveyStatus, SurveyTarget, SurveyVersion,
    UpdateSurvey,
};
use canvass_protocol::{msg, ErrorCode};

pub use answers::{check_accepting, record, record_into, Checked, FormCache, Refused, Rejection};
pub use answers::{Stored, SurveyContext};
pub use coverage::coverage;
pub use results::results;

use super::auth::{Action, Caller};
use super::error::{Error, Field, Kind, Problem, Thing};
use super::new_slug;
use super::units::{self, visible_unit};
use crate::db::surveys::{self as store, NewSurvey, SurveyRow, VersionRow};
use crate::db::{self, DbConnection, StoreError};

/// The smallest minimum group size a survey may have (DOMAIN: 5 for counts and scores).
pub const MIN_GROUP_SIZE: u32 = 5;
/// The threshold before free-text comments are shown (DOMAIN: 10).
pub const COMMENT_MIN_GROUP_SIZE: u32 = 10;
/// Most comments of a target in its results (in random-id order, so a fair sample); the rest are
/// in the answers export.
pub const MAX_COMMENTS_SHOWN: usize = 100;
/// The largest minimum group size accepted.
pub const MAX_GROUP_SIZE: u32 = 1000;
/// Most target units one survey rates.
pub const MAX_TARGETS: usize = 200;

/// Whether the survey accepts answers at `now`.
#[must_use]
pub fn accepting(row: &SurveyRow, now: i64) -> bool {
    row.status == "open"
        && row.current_version.is_some()
        && row.opens_at.is_none_or(|t| now >= t)
        && row.closes_at.is_none_or(|t| now < t)
}

pub(crate) fn status(row: &SurveyRow) -> SurveyStatus {
    SurveyStatus::parse(&row.status).unwrap_or(SurveyStatus::Draft)
}

/// The form a survey shows: its current version's, or its latest (a draft's) before it is
/// published.
fn shown_definition(row: &SurveyRow, versions: &[VersionRow]) -> Result<FormDefinition, Error> {
    let shown = row
        .current_version
        .and_then(|cv| versions.iter().find(|v| v.version == cv))
        .or(versions.last())
        .ok_or_else(|| Error::internal(&"a survey without versions"))?;
    stored_definition(&shown.definition)
}

/// Parses a stored definition (written only after validation).
pub fn stored_definition(json: &str) -> Result<FormDefinition, Error> {
    serde_json::from_str(json).map_err(|e| Error::internal(&e))
}

/// The problems of a form definition, each under `definition.`, the field labelled with its
/// question's label where it concerns a question.
fn definition_errors(
    definition: &FormDefinition,
    problems: Vec<canvass_protocol::error::Problem>,
) -> Error {
    let problems = problems
        .into_iter()
        .map(|mut p| {
            if p.code == ErrorCode::InvalidValue {
                p.code = ErrorCode::InvalidDefinition;
            }
            let label = question_label(definition, &p.field);
            Problem::checked(p, "definition", label)
        })
        .collect();
    Error::many(Kind::Invalid, problems, || {
        Error::invalid("definition", ErrorCode::InvalidDefinition.message())
    })
}

/// The label of the question a definition's field `questions[i]...` belongs to.
fn question_label(definition: &FormDefinition, field: &str) -> Option<Arg> {
    let index: usize = field
        .strip_prefix("questions[")?
        .split_once(']')?
        .0
        .parse()
        .ok()?;
    definition.questions.get(index).map(|q| Arg::from(&q.label))
}

/// Checks that the caller may manage surveys of `row`'s unit.
pub fn check_manage(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &SurveyRow,
) -> Result<(), Error> {
    caller.require(manages_surveys(caller.role()), Action::ManageSurveys)?;
    visible_unit(conn, caller, row.unit_id).map(|_| ())
}

/// Checks that the caller may read `row`'s results (organisers, admins and leaders in scope).
fn check_read(conn: &mut DbConnection, caller: &Caller, row: &SurveyRow) -> Result<(), Error> {
    caller.require(caller.role() != Role::Officer, Action::ReadSurveyResults)?;
    visible_unit(conn, caller, row.unit_id).map(|_| ())
}

/// Whether a role sets up surveys.
#[must_use]
pub fn manages_surveys(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Organiser)
}

/// Loads a survey the caller can see (scope of its owning unit), or `not_found` /
/// `out_of_scope`.
pub fn visible_survey(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<SurveyRow, Error> {
    let row = match store::find(conn, id) {
        Ok(row) => row,
        Err(StoreError::NotFound) => return Err(Error::not_found(Thing::Survey)),
        Err(e) => return Err(e.into()),
    };
    visible_unit(conn, caller, row.unit_id)?;
    Ok(row)
}

/// The API form of a survey.
pub fn to_api(conn: &mut DbConnection, row: &SurveyRow, base_url: &str) -> Result<Survey, Error> {
    let versions = store::versions(conn, row.id)?;
    let draft_version = versions
        .last()
        .filter(|v| v.published_at.is_none())
        .map(|v| v.version);
    let definition = shown_definition(row, &versions)?;
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
        series: row.series.clone(),
        period: row.period.clone(),
        results_published_at: crate::db::rectification::results_published(conn, row.id)?,
        requires_codes: row.requires_codes,
    })
}

/// Most characters of a series' name or a period.
pub const MAX_SERIES_TEXT: usize = 100;

/// A series name or period as given: trimmed, `None` when empty; at most
/// [`MAX_SERIES_TEXT`] characters and no control characters.
fn checked_series_text(field: &'static str, text: Option<&str>) -> Result<Option<String>, Error> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_SERIES_TEXT || text.chars().any(char::is_control) {
        let message = if field == "series" {
            msg!("trends-error-series-text", max = MAX_SERIES_TEXT)
        } else {
            msg!("trends-error-period-text", max = MAX_SERIES_TEXT)
        };
        return Err(Error::invalid(field, message));
    }
    Ok(Some(text.to_string()))
}

fn checked_group_size(size: Option<u32>) -> Result<u32, Error> {
    let size = size.unwrap_or(MIN_GROUP_SIZE);
    if !(MIN_GROUP_SIZE..=MAX_GROUP_SIZE).contains(&size) {
        return Err(Error::invalid(
            "min_group_size",
            msg!(
                "error-group-size-range",
                min = MIN_GROUP_SIZE,
                max = MAX_GROUP_SIZE
            ),
        ));
    }
    Ok(size)
}

fn checked_window(opens_at: Option<i64>, closes_at: Option<i64>) -> Result<(), Error> {
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        if o >= c {
            return Err(Error::invalid(
                "closes_at",
                msg!("error-survey-closes-before-opening"),
            ));
        }
    }
    for (field, t) in [("opens_at", opens_at), ("closes_at", closes_at)] {
        if t.is_some_and(|t| !(0..=32_503_680_000).contains(&t)) {
            return Err(Error::invalid(field, msg!("error-time-implausible")));
        }
    }
    Ok(())
}

/// Checks the target list: non-empty, no repeats, each in the owner's subtree and the
/// caller's scope. Returns (unit id, fresh slug) pairs.
fn checked_targets(
    conn: &mut DbConnection,
    caller: &Caller,
    owner: &db::units::UnitRow,
    targets: &[i64],
) -> Result<Vec<(i64, String)>, Error> {
    if targets.is_empty() {
        return Err(Error::invalid("targets", msg!("error-survey-no-targets")));
    }
    if targets.len() > MAX_TARGETS {
        return Err(Error::invalid(
            "targets",
            msg!("error-survey-too-many-targets", max = MAX_TARGETS),
        ));
    }
    let mut out = Vec::with_capacity(targets.len());
    for (i, &id) in targets.iter().enumerate() {
        let field = format!("targets[{i}]");
        let unit = visible_unit(conn, caller, id).map_err(|e| e.at(field.clone()))?;
        let named = Field::labelled(field.clone(), unit.name.as_str());
        if unit.retired_at.is_some() {
            return Err(Error::invalid(
                named,
                msg!("error-unit-retired-target", unit = unit.name.as_str()),
            ));
        }
        if targets[..i].contains(&id) {
            return Err(Error::invalid(
                named,
                msg!("error-survey-target-twice", unit = unit.name.as_str()),
            ));
        }
        if !owner.contains_path(&unit.path) {
            return Err(units::outside_owner(msg!(
                "error-target-outside-owner",
                unit = unit.name.as_str(),
                owner = owner.name.as_str()
            ))
            .at(named));
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
    base_url: &str,
) -> Result<Survey, Error> {
    caller.require(manages_surveys(caller.role()), Action::ManageSurveys)?;
    body.definition
        .check()
        .map_err(|p| definition_errors(&body.definition, p))?;
    let group = checked_group_size(body.min_group_size)?;
    checked_window(body.opens_at, body.closes_at)?;
    let series = checked_series_text("series", body.series.as_deref())?;
    let period = checked_series_text("period", body.period.as_deref())?;
    let owner = units::owner(
        conn,
        caller,
        body.unit_id,
        msg!("error-survey-owner-missing"),
    )?;
    let targets = checked_targets(conn, caller, &owner, &body.targets)?;
    let definition = serde_json::to_string(&body.definition).map_err(|e| Error::internal(&e))?;
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
            requires_codes: body.requires_codes.unwrap_or(false),
            definition: &definition,
            targets: &targets,
            series: series.as_deref(),
            period: period.as_deref(),
        },
        db::now(),
    )?;
    crate::domain::audit::record(conn, caller, "survey.create", &format!("survey:{id}"))?;
    tracing::info!(survey = id, by = caller.account.id, "survey created");
    let row = store::find(conn, id)?;
    to_api(conn, &row, base_url)
}

/// Applies a `PATCH` to survey `id`: a new draft definition (a published version never
/// changes: editing after publication starts the next version), targets (before any answer),
/// the minimum group size and whether answers need survey codes (before publication), the
/// answering window.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    body: &UpdateSurvey,
    base_url: &str,
) -> Result<Survey, Error> {
    let row = &visible_survey(conn, caller, id)?;
    check_manage(conn, caller, row)?;
    let now = db::now();
    crate::db::write_transaction(conn, |conn| {
        if let Some(definition) = &body.definition {
            definition
                .check()
                .map_err(|p| definition_errors(definition, p))?;
            let json = serde_json::to_string(definition).map_err(|e| Error::internal(&e))?;
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
                return Err(already_published(msg!("error-survey-targets-fixed")).at("targets"));
            }
            let owner = db::units::find(conn, row.unit_id)?;
            let targets = checked_targets(conn, caller, &owner, targets)?;
            store::replace_targets(conn, row.id, &targets)?;
        }
        if body.min_group_size.is_some() && row.current_version.is_some() {
            return Err(
                already_published(msg!("error-survey-group-size-fixed")).at("min_group_size")
            );
        }
        let group = match body.min_group_size {
            Some(size) => checked_group_size(Some(size))?,
            None => u32::try_from(row.min_group_size).unwrap_or(MIN_GROUP_SIZE),
        };
        if body.requires_codes.is_some_and(|r| r != row.requires_codes)
            && row.current_version.is_some()
        {
            return Err(already_published(msg!("error-survey-codes-fixed")).at("requires_codes"));
        }
        let requires_codes = body.requires_codes.unwrap_or(row.requires_codes);
        let opens_at = body.opens_at.or(row.opens_at);
        let closes_at = body.closes_at.or(row.closes_at);
        checked_window(opens_at, closes_at)?;
        store::set_settings(
            conn,
            row.id,
            (opens_at, closes_at),
            i32::try_from(group).unwrap_or(5),
            requires_codes,
            now,
        )?;
        if body.series.is_some() || body.period.is_some() {
            let series = match &body.series {
                Some(given) => checked_series_text("series", Some(given))?,
                None => row.series.clone(),
            };
            let period = match &body.period {
                Some(given) => checked_series_text("period", Some(given))?,
                None => row.period.clone(),
            };
            store::set_series(conn, row.id, series.as_deref(), period.as_deref(), now)?;
        }
        crate::domain::audit::record(conn, caller, "survey.update", &format!("survey:{}", row.id))?;
        Ok(())
    })?;
    let row = store::find(conn, id)?;
    to_api(conn, &row, base_url)
}

fn already_published(message: Message) -> Error {
    Error::conflict(ErrorCode::AlreadyPublished, message)
}

/// A step of a survey's life, as the organiser takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Publish the draft version: it becomes immutable and current; a draft survey opens.
    Publish,
    /// Open (or re-open) a published survey.
    Open,
    /// Close it: no more answers are accepted.
    Close,
}

/// Takes `step` on survey `id`; returns the survey as it is then.
pub fn take_step(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    step: Step,
    base_url: &str,
) -> Result<Survey, Error> {
    let row = visible_survey(conn, caller, id)?;
    match step {
        Step::Publish => publish(conn, caller, &row)?,
        Step::Open => set_open(conn, caller, &row, true)?,
        Step::Close => set_open(conn, caller, &row, false)?,
    }
    let row = store::find(conn, id)?;
    to_api(conn, &row, base_url)
}

fn publish(conn: &mut DbConnection, caller: &Caller, row: &SurveyRow) -> Result<(), Error> {
    check_manage(conn, caller, row)?;
    crate::db::write_transaction(conn, |conn| {
        let versions = store::versions(conn, row.id)?;
        let Some(draft) = versions.last().filter(|v| v.published_at.is_none()) else {
            return Err(Error::conflict(
                ErrorCode::NothingToPublish,
                msg!("error-survey-no-draft"),
            ));
        };
        let definition = stored_definition(&draft.definition)?;
        definition
            .check()
            .map_err(|p| definition_errors(&definition, p))?;
        if store::targets(conn, row.id)?.is_empty() {
            return Err(Error::invalid(
                "targets",
                msg!("error-survey-publish-without-targets"),
            ));
        }
        let now = db::now();
        store::publish_version(conn, row.id, draft.version, row.min_group_size, now)?;
        if row.status == "draft" {
            store::set_status(conn, row.id, "open", now)?;
        }
        crate::domain::audit::record(
            conn,
            caller,
            "survey.publish",
            &format!("survey:{}/version:{}", row.id, draft.version),
        )?;
        tracing::info!(
            survey = row.id,
            version = draft.version,
            by = caller.account.id,
            "survey version published"
        );
        Ok(())
    })
}

fn set_open(
    conn: &mut DbConnection,
    caller: &Caller,
    row: &SurveyRow,
    open: bool,
) -> Result<(), Error> {
    check_manage(conn, caller, row)?;
    if row.current_version.is_none() {
        return Err(Error::conflict(
            ErrorCode::NothingToPublish,
            msg!("error-survey-publish-first"),
        ));
    }
    // the published results, and the rectification items made from them, are final
    if open && crate::db::rectification::results_published(conn, row.id)?.is_some() {
        return Err(Error::conflict(
            ErrorCode::ResultsAlreadyPublished,
            ErrorCode::ResultsAlreadyPublished.message(),
        ));
    }
    store::set_status(
        conn,
        row.id,
        if open { "open" } else { "closed" },
        db::now(),
    )?;
    crate::domain::audit::record(
        conn,
        caller,
        if open { "survey.open" } else { "survey.close" },
        &format!("survey:{}", row.id),
    )?;
    tracing::info!(
        survey = row.id,
        open,
        by = caller.account.id,
        "survey status changed"
    );
    Ok(())
}

/// The surveys owned by units in the caller's subtree, newest first, each with its status and
/// public link.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    base_url: &str,
) -> Result<Vec<Survey>, Error> {
    store::list(conn, caller.scope_path())?
        .iter()
        .map(|row| to_api(conn, row, base_url))
        .collect()
}

/// One survey the caller can see.
pub fn get(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    base_url: &str,
) -> Result<Survey, Error> {
    let row = visible_survey(conn, caller, id)?;
    to_api(conn, &row, base_url)
}

/// One version of a survey's form definition.
pub fn version(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    version: i32,
) -> Result<SurveyVersion, Error> {
    let row = visible_survey(conn, caller, id)?;
    let v = store::version(conn, row.id, version)?
        .ok_or_else(|| Error::not_found(Thing::SurveyVersion))?;
    Ok(SurveyVersion {
        survey_id: row.id,
        version: v.version,
        definition: stored_definition(&v.definition)?,
        published_at: v.published_at,
    })
}

/// The results of the newest `limit` surveys of the caller's subtree, by survey id.
pub fn recent_results(
    conn: &mut DbConnection,
    caller: &Caller,
    limit: usize,
    rule: canvass_protocol::stats::RectificationRule,
) -> Result<Vec<(i64, canvass_protocol::surveys::SurveyResults)>, Error> {
    let mut out = Vec::new();
    for row in store::list(conn, caller.scope_path())?
        .into_iter()
        .take(limit)
    {
        out.push((row.id, results::results_of(conn, caller, &row, rule)?));
    }
    Ok(out)
}

/// The public view of the survey behind the link `slug` (the survey's or one target's), for
/// respondents: no sign-in.
pub fn public_form(conn: &mut DbConnection, slug: &str) -> Result<PublicForm, Error> {
    let missing = || Error::not_found(Thing::Survey);
    let (row, fixed) = store::find_by_slug(conn, slug)?.ok_or_else(missing)?;
    let version = row.current_version.ok_or_else(missing)?;
    let v = store::version(conn, row.id, version)?.ok_or_else(missing)?;
    let accepting = accepting(&row, db::now());
    form_as_seen(conn, &row, slug, fixed, v.version, &v.definition, accepting)
}

/// The form behind a public link while it takes answers, for the survey page; a survey that
/// does not is refused as a submission would be: `survey_not_open` before it opens (a draft
/// included), `survey_closed` after.
pub fn form_to_answer(conn: &mut DbConnection, slug: &str) -> Result<PublicForm, Error> {
    let missing = || Error::not_found(Thing::Survey);
    let (row, fixed) = store::find_by_slug(conn, slug)?.ok_or_else(missing)?;
    check_accepting(&row, db::now())?;
    let version = row.current_version.ok_or_else(missing)?;
    let v = store::version(conn, row.id, version)?.ok_or_else(missing)?;
    form_as_seen(conn, &row, slug, fixed, v.version, &v.definition, true)
}

/// The survey's latest version (the draft, if there is one) as a respondent would see it, for
/// the organisers' preview.
pub fn preview(conn: &mut DbConnection, caller: &Caller, id: i64) -> Result<PublicForm, Error> {
    let row = visible_survey(conn, caller, id)?;
    check_manage(conn, caller, &row)?;
    let version = store::versions(conn, row.id)?
        .pop()
        .ok_or_else(|| Error::not_found(Thing::SurveyVersion))?;
    form_as_seen(
        conn,
        &row,
        &row.slug,
        None,
        version.version,
        &version.definition,
        true,
    )
}

/// A version of a survey as its respondents see it behind the link `slug`: its targets (only
/// `fixed` when the link names one), the villages they may name, the minimum group size.
fn form_as_seen(
    conn: &mut DbConnection,
    row: &SurveyRow,
    slug: &str,
    fixed: Option<i64>,
    version: i32,
    definition: &str,
    accepting: bool,
) -> Result<PublicForm, Error> {
    let targets = store::targets(conn, row.id)?
        .into_iter()
        .filter(|t| fixed.is_none_or(|f| f == t.unit_id))
        .map(|t| PublicTarget {
            unit_id: t.unit_id,
            name: t.name,
        })
        .collect();
    Ok(PublicForm {
        slug: slug.to_string(),
        version,
        definition: stored_definition(definition)?,
        targets,
        villages: respondent_villages(conn, row)?,
        min_group_size: u32::try_from(row.min_group_size).unwrap_or(MIN_GROUP_SIZE),
        accepting,
        requires_code: row.requires_codes,
    })
}

/// The villages and communities a respondent of the survey may name, as listed to them.
pub(crate) fn respondent_villages(
    conn: &mut DbConnection,
    row: &SurveyRow,
) -> Result<Vec<PublicTarget>, Error> {
    Ok(answers::respondent_units(conn, row)?
        .into_iter()
        .map(|u| PublicTarget {
            unit_id: u.id,
            name: u.name,
        })
        .collect())
}
