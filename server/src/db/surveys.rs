//! Storage of surveys: definitions and versions, targets, anonymous responses and the live
//! tallies kept beside them.

use diesel::prelude::*;

use super::schema::{
    survey_comments, survey_counts, survey_responses, survey_sums, survey_tallies, survey_targets,
    survey_versions, surveys, units,
};
use super::{add_counts, DbConnection, StoreError};

/// A survey row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = surveys)]
pub struct SurveyRow {
    pub id: i64,
    pub unit_id: i64,
    pub slug: String,
    pub status: String,
    pub current_version: Option<i32>,
    pub min_group_size: i32,
    pub comment_min_group_size: i32,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The series the survey belongs to (its name), if any.
    pub series: Option<String>,
    /// The period it covers within its series (`2026年第一季度`), if any.
    pub period: Option<String>,
    /// Whether a public answer needs a survey code.
    pub requires_codes: bool,
}

/// A version row; `definition` is the form's JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = survey_versions)]
pub struct VersionRow {
    pub survey_id: i64,
    pub version: i32,
    pub definition: String,
    pub published_at: Option<i64>,
}

/// A target with its unit's name.
#[derive(Debug, Clone, Queryable)]
pub struct TargetRow {
    pub unit_id: i64,
    pub slug: String,
    pub name: String,
}

/// What a new survey is made of.
pub struct NewSurvey<'a> {
    pub unit_id: i64,
    pub slug: &'a str,
    pub min_group_size: i32,
    pub comment_min_group_size: i32,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub created_by: i64,
    pub requires_codes: bool,
    pub definition: &'a str,
    /// (unit id, slug) per target.
    pub targets: &'a [(i64, String)],
    pub series: Option<&'a str>,
    pub period: Option<&'a str>,
}

/// Inserts a draft survey with its first (draft) version and its targets; returns its id.
pub fn insert(conn: &mut DbConnection, new: &NewSurvey<'_>, now: i64) -> Result<i64, StoreError> {
    crate::db::write_transaction(conn, |conn| {
        let id: i64 = diesel::insert_into(surveys::table)
            .values((
                surveys::unit_id.eq(new.unit_id),
                surveys::slug.eq(new.slug),
                surveys::status.eq("draft"),
                surveys::current_version.eq(None::<i32>),
                surveys::min_group_size.eq(new.min_group_size),
                surveys::comment_min_group_size.eq(new.comment_min_group_size),
                surveys::opens_at.eq(new.opens_at),
                surveys::closes_at.eq(new.closes_at),
                surveys::created_by.eq(new.created_by),
                surveys::requires_codes.eq(new.requires_codes),
                surveys::created_at.eq(now),
                surveys::updated_at.eq(now),
                surveys::series.eq(new.series),
                surveys::period.eq(new.period),
            ))
            .returning(surveys::id)
            .get_result(conn)?;
        insert_version(conn, id, 1, new.definition)?;
        replace_targets(conn, id, new.targets)?;
        Ok(id)
    })
}

/// Adds a draft version.
pub fn insert_version(
    conn: &mut DbConnection,
    survey_id: i64,
    version: i32,
    definition: &str,
) -> Result<(), StoreError> {
    diesel::insert_into(survey_versions::table)
        .values((
            survey_versions::survey_id.eq(survey_id),
            survey_versions::version.eq(version),
            survey_versions::definition.eq(definition),
            survey_versions::published_at.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces a draft version's definition (published versions are never passed here).
pub fn update_draft(
    conn: &mut DbConnection,
    survey_id: i64,
    version: i32,
    definition: &str,
) -> Result<(), StoreError> {
    diesel::update(
        survey_versions::table
            .find((survey_id, version))
            .filter(survey_versions::published_at.is_null()),
    )
    .set(survey_versions::definition.eq(definition))
    .execute(conn)?;
    Ok(())
}

/// Marks a version published and makes it the current one.
pub fn publish_version(
    conn: &mut DbConnection,
    survey_id: i64,
    version: i32,
    min_group_size: i32,
    now: i64,
) -> Result<(), StoreError> {
    diesel::update(survey_versions::table.find((survey_id, version)))
        .set(survey_versions::published_at.eq(now))
        .execute(conn)?;
    diesel::update(surveys::table.find(survey_id))
        .set((
            surveys::current_version.eq(version),
            surveys::min_group_size.eq(min_group_size),
            surveys::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces the targets.
pub fn replace_targets(
    conn: &mut DbConnection,
    survey_id: i64,
    targets: &[(i64, String)],
) -> Result<(), StoreError> {
    diesel::delete(survey_targets::table.filter(survey_targets::survey_id.eq(survey_id)))
        .execute(conn)?;
    for (unit_id, slug) in targets {
        diesel::insert_into(survey_targets::table)
            .values((
                survey_targets::survey_id.eq(survey_id),
                survey_targets::unit_id.eq(unit_id),
                survey_targets::slug.eq(slug),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Sets status, window and group size fields that lifecycle changes touch.
pub fn set_status(
    conn: &mut DbConnection,
    id: i64,
    status: &str,
    now: i64,
) -> Result<(), StoreError> {
    diesel::update(surveys::table.find(id))
        .set((surveys::status.eq(status), surveys::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Sets the answering window and, before publication, the minimum group size and whether
/// answers need survey codes.
pub fn set_settings(
    conn: &mut DbConnection,
    id: i64,
    (opens_at, closes_at): (Option<i64>, Option<i64>),
    min_group_size: i32,
    requires_codes: bool,
    now: i64,
) -> Result<(), StoreError> {
    diesel::update(surveys::table.find(id))
        .set((
            surveys::opens_at.eq(opens_at),
            surveys::closes_at.eq(closes_at),
            surveys::min_group_size.eq(min_group_size),
            surveys::requires_codes.eq(requires_codes),
            surveys::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets the series a survey belongs to and its period in it (`None` for neither).
pub fn set_series(
    conn: &mut DbConnection,
    id: i64,
    series: Option<&str>,
    period: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    diesel::update(surveys::table.find(id))
        .set((
            surveys::series.eq(series),
            surveys::period.eq(period),
            surveys::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The published surveys of series `series` owned by units in the subtree with root `path`
/// (all when `None`), oldest first: the periods of the series in the order they were set up.
pub fn in_series(
    conn: &mut DbConnection,
    series: &str,
    path: Option<&str>,
) -> Result<Vec<SurveyRow>, StoreError> {
    let mut query = surveys::table
        .inner_join(units::table)
        .filter(surveys::series.eq(series))
        .filter(surveys::current_version.is_not_null())
        .select(SurveyRow::as_select())
        .into_boxed();
    if let Some(path) = path {
        query = query.filter(units::path.like(format!("{path}%")));
    }
    Ok(query.order(surveys::id.asc()).load(conn)?)
}

/// The series names of the surveys owned by units in the subtree with root `path` (all when
/// `None`), each with how many of its surveys are published.
pub fn series_in(
    conn: &mut DbConnection,
    path: Option<&str>,
) -> Result<Vec<(String, Option<i32>)>, StoreError> {
    let mut query = surveys::table
        .inner_join(units::table)
        .filter(surveys::series.is_not_null())
        .select((surveys::series.assume_not_null(), surveys::current_version))
        .into_boxed();
    if let Some(path) = path {
        query = query.filter(units::path.like(format!("{path}%")));
    }
    Ok(query.order(surveys::id.asc()).load(conn)?)
}

/// Answer sheets per target of a survey, summed over villages, days and channels.
pub fn target_counts(
    conn: &mut DbConnection,
    survey_id: i64,
) -> Result<std::collections::HashMap<i64, u64>, StoreError> {
    let rows: Vec<(i64, i64)> = survey_counts::table
        .filter(survey_counts::survey_id.eq(survey_id))
        .select((survey_counts::target_unit_id, survey_counts::count))
        .load(conn)?;
    let mut out = std::collections::HashMap::new();
    for (target, count) in rows {
        *out.entry(target).or_insert(0u64) += u64::try_from(count).unwrap_or(0);
    }
    Ok(out)
}

/// Tally rows of a survey's questions `questions` only: (target, question, option, count),
/// summed over versions by the caller.
pub fn question_tallies(
    conn: &mut DbConnection,
    survey_id: i64,
    questions: &[&str],
) -> Result<Vec<(i64, String, String, i64)>, StoreError> {
    Ok(survey_tallies::table
        .filter(survey_tallies::survey_id.eq(survey_id))
        .filter(survey_tallies::question_id.eq_any(questions))
        .select((
            survey_tallies::target_unit_id,
            survey_tallies::question_id,
            survey_tallies::option_id,
            survey_tallies::count,
        ))
        .load(conn)?)
}

/// Finds a survey.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<SurveyRow, StoreError> {
    Ok(surveys::table
        .find(id)
        .select(SurveyRow::as_select())
        .get_result(conn)?)
}

/// Finds a survey by its own slug or one of its targets' slugs; returns the survey and, for a
/// target slug, the target's unit id.
pub fn find_by_slug(
    conn: &mut DbConnection,
    slug: &str,
) -> Result<Option<(SurveyRow, Option<i64>)>, StoreError> {
    if let Some(row) = surveys::table
        .filter(surveys::slug.eq(slug))
        .select(SurveyRow::as_select())
        .get_result(conn)
        .optional()?
    {
        return Ok(Some((row, None)));
    }
    let target = survey_targets::table
        .filter(survey_targets::slug.eq(slug))
        .select((survey_targets::survey_id, survey_targets::unit_id))
        .get_result::<(i64, i64)>(conn)
        .optional()?;
    match target {
        Some((survey_id, unit_id)) => Ok(Some((find(conn, survey_id)?, Some(unit_id)))),
        None => Ok(None),
    }
}

/// Surveys owned by units in the subtree with root `path` (all when `None`), newest first.
pub fn list(conn: &mut DbConnection, path: Option<&str>) -> Result<Vec<SurveyRow>, StoreError> {
    let mut query = surveys::table
        .inner_join(units::table)
        .select(SurveyRow::as_select())
        .into_boxed();
    if let Some(path) = path {
        query = query.filter(units::path.like(format!("{path}%")));
    }
    Ok(query.order(surveys::id.desc()).load(conn)?)
}

/// The versions of a survey, oldest first.
pub fn versions(conn: &mut DbConnection, survey_id: i64) -> Result<Vec<VersionRow>, StoreError> {
    Ok(survey_versions::table
        .filter(survey_versions::survey_id.eq(survey_id))
        .select(VersionRow::as_select())
        .order(survey_versions::version.asc())
        .load(conn)?)
}

/// One version.
pub fn version(
    conn: &mut DbConnection,
    survey_id: i64,
    version: i32,
) -> Result<Option<VersionRow>, StoreError> {
    Ok(survey_versions::table
        .find((survey_id, version))
        .select(VersionRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The targets of a survey with their names, in unit order.
pub fn targets(conn: &mut DbConnection, survey_id: i64) -> Result<Vec<TargetRow>, StoreError> {
    Ok(survey_targets::table
        .inner_join(units::table)
        .filter(survey_targets::survey_id.eq(survey_id))
        .select((survey_targets::unit_id, survey_targets::slug, units::name))
        .order(units::path.asc())
        .load(conn)?)
}

/// How many responses a survey has.
pub fn response_count(conn: &mut DbConnection, survey_id: i64) -> Result<i64, StoreError> {
    // summed here: SUM of BIGINT is NUMERIC on PostgreSQL, which would need another crate
    let counts: Vec<i64> = survey_counts::table
        .filter(survey_counts::survey_id.eq(survey_id))
        .select(survey_counts::count)
        .load(conn)?;
    Ok(counts.iter().sum())
}

/// What one stored response consists of, already validated.
pub struct NewResponse<'a> {
    pub survey_id: i64,
    pub version: i32,
    pub target_unit_id: i64,
    pub respondent_unit_id: Option<i64>,
    pub channel: &'a str,
    pub day: &'a str,
    /// Canonical answer-set JSON.
    pub answers: &'a str,
    /// (question, option) pairs to count.
    pub tallies: Vec<(&'a str, &'a str)>,
    /// (question, value) numeric answers to sum.
    pub sums: Vec<(&'a str, f64)>,
    /// (question, text) comments.
    pub comments: Vec<(&'a str, &'a str)>,
}

/// Stores one response and updates every tally in the caller's transaction.
pub fn insert_response(conn: &mut DbConnection, r: &NewResponse<'_>) -> Result<(), StoreError> {
    let mut delta = TallyDelta::default();
    insert_response_row(conn, r, &mut delta)?;
    delta.write(conn)
}

/// Stores one response and its comments, and adds its counts to `delta` instead of writing
/// them: a group of responses stored in one transaction writes each tally row once (see
/// [`TallyDelta::write`]), which is what makes group commit and field batches cheap. On
/// PostgreSQL the response and comment rows wait in `delta` too and go out as multi-row
/// inserts (one round trip for up to 200 rows, not one per row); on SQLite, where a statement
/// costs no round trip, the cached one-row inserts are cheaper.
pub fn insert_response_row(
    conn: &mut DbConnection,
    r: &NewResponse<'_>,
    delta: &mut TallyDelta,
) -> Result<(), StoreError> {
    delta.add(r);
    if matches!(conn, DbConnection::Pg(_)) {
        delta.responses.push(ResponseRow {
            id: random_id(),
            survey_id: r.survey_id,
            version: r.version,
            target_unit_id: r.target_unit_id,
            respondent_unit_id: r.respondent_unit_id,
            channel: r.channel.to_string(),
            day: r.day.to_string(),
            answers: r.answers.to_string(),
        });
        for (question, body) in &r.comments {
            delta.comments.push(CommentRow {
                id: random_id(),
                survey_id: r.survey_id,
                target_unit_id: r.target_unit_id,
                question_id: (*question).to_string(),
                body: (*body).to_string(),
            });
        }
        return Ok(());
    }
    // on the SQLite connection itself, not through `DbConnection`: the multi-backend
    // connection hands every query on as one without a static id, which diesel can only look
    // up in its statement cache by writing out its SQL text first, at each insert
    let DbConnection::Sqlite(conn) = conn else {
        unreachable!("PostgreSQL returned above");
    };
    diesel::insert_into(survey_responses::table)
        .values((
            survey_responses::id.eq(random_id()),
            survey_responses::survey_id.eq(r.survey_id),
            survey_responses::version.eq(r.version),
            survey_responses::target_unit_id.eq(r.target_unit_id),
            survey_responses::respondent_unit_id.eq(r.respondent_unit_id),
            survey_responses::channel.eq(r.channel),
            survey_responses::day.eq(r.day),
            survey_responses::answers.eq(r.answers),
        ))
        .execute(conn)?;
    for (question, body) in &r.comments {
        diesel::insert_into(survey_comments::table)
            .values((
                survey_comments::id.eq(random_id()),
                survey_comments::survey_id.eq(r.survey_id),
                survey_comments::target_unit_id.eq(r.target_unit_id),
                survey_comments::question_id.eq(*question),
                survey_comments::body.eq(*body),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A response row waiting in a [`TallyDelta`] (PostgreSQL).
#[derive(Debug)]
struct ResponseRow {
    id: String,
    survey_id: i64,
    version: i32,
    target_unit_id: i64,
    respondent_unit_id: Option<i64>,
    channel: String,
    day: String,
    answers: String,
}

/// A comment row waiting in a [`TallyDelta`] (PostgreSQL).
#[derive(Debug)]
struct CommentRow {
    id: String,
    survey_id: i64,
    target_unit_id: i64,
    question_id: String,
    body: String,
}

/// Tally increments of responses stored in one transaction, summed per row before they are
/// written. Ordered maps, so concurrent writers touch tally rows in one order (no deadlock on
/// PostgreSQL).
#[derive(Debug, Default)]
pub struct TallyDelta {
    /// (survey, version, target, question, option) → count.
    tallies: std::collections::BTreeMap<(i64, i32, i64, String, String), i64>,
    /// (survey, version, target, question) → (count, total).
    sums: std::collections::BTreeMap<(i64, i32, i64, String), (i64, f64)>,
    /// (survey, target, respondent unit or 0, day, channel) → count.
    counts: std::collections::BTreeMap<(i64, i64, i64, String, String), i64>,
    /// Rows not yet inserted (PostgreSQL only, see [`insert_response_row`]).
    responses: Vec<ResponseRow>,
    comments: Vec<CommentRow>,
}

impl TallyDelta {
    /// Adds one response's counts.
    pub fn add(&mut self, r: &NewResponse<'_>) {
        for (question, option) in &r.tallies {
            *self
                .tallies
                .entry((
                    r.survey_id,
                    r.version,
                    r.target_unit_id,
                    (*question).to_string(),
                    (*option).to_string(),
                ))
                .or_default() += 1;
        }
        for (question, value) in &r.sums {
            let e = self
                .sums
                .entry((
                    r.survey_id,
                    r.version,
                    r.target_unit_id,
                    (*question).to_string(),
                ))
                .or_default();
            e.0 += 1;
            e.1 += value;
        }
        *self
            .counts
            .entry((
                r.survey_id,
                r.target_unit_id,
                r.respondent_unit_id.unwrap_or(0),
                r.day.to_string(),
                r.channel.to_string(),
            ))
            .or_default() += 1;
    }

    /// Whether nothing was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Inserts the rows still waiting, then writes every summed increment: one upsert per
    /// tally row touched.
    pub fn write(mut self, conn: &mut DbConnection) -> Result<(), StoreError> {
        use super::Param::{BigInt, Double, Integer, NullableBigInt, Text};
        use rand::seq::SliceRandom;
        // PostgreSQL places new rows in the order they are inserted: a group's rows go in
        // shuffled, so neither their place nor their transaction id tells them apart
        let mut rng = rand::thread_rng();
        self.responses.shuffle(&mut rng);
        self.comments.shuffle(&mut rng);
        let responses: Vec<_> = self
            .responses
            .iter()
            .map(|r| {
                vec![
                    Text(&r.id),
                    BigInt(r.survey_id),
                    Integer(r.version),
                    BigInt(r.target_unit_id),
                    NullableBigInt(r.respondent_unit_id),
                    Text(&r.channel),
                    Text(&r.day),
                    Text(&r.answers),
                ]
            })
            .collect();
        super::insert_rows(
            conn,
            "survey_responses",
            &[
                "id",
                "survey_id",
                "version",
                "target_unit_id",
                "respondent_unit_id",
                "channel",
                "day",
                "answers",
            ],
            &responses,
        )?;
        let comments: Vec<_> = self
            .comments
            .iter()
            .map(|c| {
                vec![
                    Text(&c.id),
                    BigInt(c.survey_id),
                    BigInt(c.target_unit_id),
                    Text(&c.question_id),
                    Text(&c.body),
                ]
            })
            .collect();
        super::insert_rows(
            conn,
            "survey_comments",
            &["id", "survey_id", "target_unit_id", "question_id", "body"],
            &comments,
        )?;
        let tallies: Vec<_> = self
            .tallies
            .iter()
            .map(|((survey, version, target, question, option), n)| {
                vec![
                    BigInt(*survey),
                    Integer(*version),
                    BigInt(*target),
                    Text(question),
                    Text(option),
                    BigInt(*n),
                ]
            })
            .collect();
        add_counts(
            conn,
            "survey_tallies",
            &[
                "survey_id",
                "version",
                "target_unit_id",
                "question_id",
                "option_id",
            ],
            &["count"],
            &tallies,
        )?;
        let sums: Vec<_> = self
            .sums
            .iter()
            .map(|((survey, version, target, question), (count, total))| {
                vec![
                    BigInt(*survey),
                    Integer(*version),
                    BigInt(*target),
                    Text(question),
                    BigInt(*count),
                    Double(*total),
                ]
            })
            .collect();
        add_counts(
            conn,
            "survey_sums",
            &["survey_id", "version", "target_unit_id", "question_id"],
            &["count", "total"],
            &sums,
        )?;
        let counts: Vec<_> = self
            .counts
            .iter()
            .map(|((survey, target, respondent, day, channel), n)| {
                vec![
                    BigInt(*survey),
                    BigInt(*target),
                    BigInt(*respondent),
                    Text(day),
                    Text(channel),
                    BigInt(*n),
                ]
            })
            .collect();
        add_counts(
            conn,
            "survey_counts",
            &[
                "survey_id",
                "target_unit_id",
                "respondent_unit_id",
                "day",
                "channel",
            ],
            &["count"],
            &counts,
        )?;
        Ok(())
    }
}

/// A random 128-bit id in hex: unique, and saying nothing about order of arrival.
#[must_use]
pub fn random_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A tally row: (version, target, question, option, count).
pub type TallyRow = (i32, i64, String, String, i64);
/// A sum row: (version, target, question, count, total).
pub type SumRow = (i32, i64, String, i64, f64);
/// A count row: (target, respondent unit or 0, day, channel, count).
pub type CountRow = (i64, i64, String, String, i64);

/// Tally rows of a survey.
pub fn tallies(conn: &mut DbConnection, survey_id: i64) -> Result<Vec<TallyRow>, StoreError> {
    Ok(survey_tallies::table
        .filter(survey_tallies::survey_id.eq(survey_id))
        .select((
            survey_tallies::version,
            survey_tallies::target_unit_id,
            survey_tallies::question_id,
            survey_tallies::option_id,
            survey_tallies::count,
        ))
        .load(conn)?)
}

/// Sum rows of a survey.
pub fn sums(conn: &mut DbConnection, survey_id: i64) -> Result<Vec<SumRow>, StoreError> {
    Ok(survey_sums::table
        .filter(survey_sums::survey_id.eq(survey_id))
        .select((
            survey_sums::version,
            survey_sums::target_unit_id,
            survey_sums::question_id,
            survey_sums::count,
            survey_sums::total,
        ))
        .load(conn)?)
}

/// Count rows of a survey.
pub fn counts(conn: &mut DbConnection, survey_id: i64) -> Result<Vec<CountRow>, StoreError> {
    Ok(survey_counts::table
        .filter(survey_counts::survey_id.eq(survey_id))
        .select((
            survey_counts::target_unit_id,
            survey_counts::respondent_unit_id,
            survey_counts::day,
            survey_counts::channel,
            survey_counts::count,
        ))
        .load(conn)?)
}

/// A survey's answer counts by respondent village (0: not stated), summed over targets, days
/// and channels.
pub fn village_counts(
    conn: &mut DbConnection,
    survey_id: i64,
) -> Result<std::collections::BTreeMap<i64, u64>, StoreError> {
    let rows: Vec<(i64, i64)> = survey_counts::table
        .filter(survey_counts::survey_id.eq(survey_id))
        .select((survey_counts::respondent_unit_id, survey_counts::count))
        .load(conn)?;
    let mut out = std::collections::BTreeMap::new();
    for (village, count) in rows {
        *out.entry(village).or_insert(0u64) += u64::try_from(count).unwrap_or(0);
    }
    Ok(out)
}

/// The comments on one target, in an order unrelated to arrival (by random id).
pub fn comments(
    conn: &mut DbConnection,
    survey_id: i64,
    target_unit_id: i64,
    limit: usize,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(survey_comments::table
        .filter(survey_comments::survey_id.eq(survey_id))
        .filter(survey_comments::target_unit_id.eq(target_unit_id))
        .select((survey_comments::question_id, survey_comments::body))
        .order(survey_comments::id.asc())
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .load(conn)?)
}

/// A stored response for export: (id, version, target, respondent unit, channel, day, answers
/// JSON).
pub type ExportRow = (String, i32, i64, Option<i64>, String, String, String);

/// Up to `limit` responses of a survey in random-id order, after the id `after` (keyset
/// pagination: each page is an index range scan, however many answers there are).
pub fn answers_page(
    conn: &mut DbConnection,
    survey_id: i64,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ExportRow>, StoreError> {
    let mut query = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .select((
            survey_responses::id,
            survey_responses::version,
            survey_responses::target_unit_id,
            survey_responses::respondent_unit_id,
            survey_responses::channel,
            survey_responses::day,
            survey_responses::answers,
        ))
        .order(survey_responses::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(survey_responses::id.gt(after.to_string()));
    }
    Ok(query.load(conn)?)
}
