//! Democratic appraisal rounds: who may set them up and see them, their definitions (checked
//! with `canvass_protocol::rounds` and against the roster), and their life from draft to
//! published. Officials and results are in the submodules; ballot codes and tally sheets have
//! modules of their own.

pub mod editor;
pub mod officials;
pub mod results;
pub mod trends;

use canvass_protocol::accounts::Role;
use canvass_protocol::i18n::{Arg, Message};
use canvass_protocol::rounds::{
    CreateRound, Dimension, Round, RoundDefinition, RoundInfo, RoundStatus, SubjectRef,
};
use canvass_protocol::{msg, ErrorCode};

pub use results::{recent_reports, report};

use super::auth::{Action, Caller};
use super::error::{Error, Field, Kind, Problem, Thing};
use super::new_slug;
use super::units::{self, visible_unit};
use crate::db::rounds::{self as store, NewRound, RoundRow};
use crate::db::{self, DbConnection, StoreError};

/// Whether a role sets up rounds and sees exact results.
#[must_use]
pub fn manages_rounds(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Organiser)
}

/// `round_state_conflict` with `message`.
pub(crate) fn state_conflict(message: Message) -> Error {
    Error::conflict(ErrorCode::RoundStateConflict, message)
}

/// The problems `canvass_protocol::rounds` found, each under `prefix`, the field labelled with
/// what `label_of` gives it (an official's name, an elector group's label).
pub(crate) fn problems(
    found: Vec<canvass_protocol::error::Problem>,
    prefix: &str,
    label_of: impl Fn(&str) -> Option<Arg>,
) -> Error {
    let problems = found
        .into_iter()
        .map(|p| {
            let label = label_of(&p.field);
            Problem::checked(p, prefix, label)
        })
        .collect();
    Error::many(Kind::Invalid, problems, || {
        Error::invalid(prefix, ErrorCode::InvalidValue.message())
    })
}

/// The index `i` of a field `name[i]...`.
pub(crate) fn index_in(field: &str, name: &str) -> Option<usize> {
    field
        .strip_prefix(name)?
        .strip_prefix('[')?
        .split_once(']')?
        .0
        .parse()
        .ok()
}

/// The name a round gives `subject`: the official's name, or the team's.
pub(crate) fn subject_name(definition: &RoundDefinition, subject: SubjectRef) -> Option<Arg> {
    match subject {
        SubjectRef::Team => definition.team.as_ref().map(|t| Arg::from(&t.name)),
        SubjectRef::Official(id) => definition
            .officials
            .iter()
            .find(|o| o.official_id == id)
            .map(|o| Arg::from(&o.name)),
    }
}

/// The label of the part of a definition a field names: an official's name, the team's name, an
/// elector group's or a flag rule's label.
pub(super) fn definition_label(definition: &RoundDefinition, field: &str) -> Option<Arg> {
    if let Some(i) = index_in(field, "officials") {
        return definition.officials.get(i).map(|o| Arg::from(&o.name));
    }
    if let Some(i) = index_in(field, "elector_groups") {
        return definition
            .elector_groups
            .get(i)
            .map(|g| Arg::from(&g.label));
    }
    if let Some(i) = index_in(field, "flag_rules") {
        return definition.flag_rules.get(i).map(|r| Arg::from(&r.label));
    }
    field
        .starts_with("team")
        .then(|| definition.team.as_ref().map(|t| Arg::from(&t.name)))
        .flatten()
}

/// A name or position: 1 to 100 characters, no control characters; trimmed.
pub(crate) fn checked_text(field: &str, text: &str) -> Result<String, Error> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 100 || text.chars().any(char::is_control) {
        return Err(Error::invalid(field, msg!("error-text-length", max = 100)));
    }
    Ok(text.to_string())
}

/// Parses a stored definition into a checked round.
pub fn stored_round(row: &RoundRow) -> Result<Round, Error> {
    let definition: RoundDefinition =
        serde_json::from_str(&row.definition).map_err(|e| Error::internal(&e))?;
    Round::check(definition).map_err(|e| Error::internal(&format!("{e:?}")))
}

pub(crate) fn status(row: &RoundRow) -> RoundStatus {
    RoundStatus::parse(&row.status).unwrap_or(RoundStatus::Draft)
}

/// A round's status, as a message names it.
fn status_name(status: RoundStatus) -> Message {
    match status {
        RoundStatus::Draft => msg!("error-round-status-draft"),
        RoundStatus::Open => msg!("error-round-status-open"),
        RoundStatus::Closed => msg!("error-round-status-closed"),
        RoundStatus::Published => msg!("error-round-status-published"),
    }
}

/// The API form of a round.
pub fn round_info(row: &RoundRow, base_url: &str) -> Result<RoundInfo, Error> {
    let round = stored_round(row)?;
    let definition = round.definition().clone();
    Ok(RoundInfo {
        id: row.id,
        unit_id: row.unit_id,
        series_id: definition.series.id.clone(),
        series_name: definition.series.name.clone(),
        period: definition.period.clone(),
        status: status(row),
        ballot_url: format!("{base_url}/b/{}", row.slug),
        min_group_size: definition.disclosure.counts,
        definition,
        created_at: row.created_at,
    })
}

/// Loads a round the caller can see.
pub fn visible_round(conn: &mut DbConnection, caller: &Caller, id: i64) -> Result<RoundRow, Error> {
    let row = match store::find_round(conn, id) {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(Error::not_found(Thing::Round)),
        Err(e) => return Err(e.into()),
    };
    visible_unit(conn, caller, row.unit_id)?;
    Ok(row)
}

/// The rounds owned by units in the caller's subtree, newest first.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    base_url: &str,
) -> Result<Vec<RoundInfo>, Error> {
    store::rounds_in(conn, caller.scope_path())?
        .iter()
        .map(|r| round_info(r, base_url))
        .collect()
}

/// One round the caller can see.
pub fn get(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    base_url: &str,
) -> Result<RoundInfo, Error> {
    round_info(&visible_round(conn, caller, id)?, base_url)
}

/// A round the caller manages, with its parsed definition: what the tally-sheet form is built
/// from.
pub fn managed(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    base_url: &str,
) -> Result<(RoundInfo, Round), Error> {
    let row = visible_round(conn, caller, id)?;
    caller.require(manages_rounds(caller.role()), Action::EnterTallySheets)?;
    Ok((round_info(&row, base_url)?, stored_round(&row)?))
}

/// The round whose ballot page is at the link `slug`, for its electors: no sign-in.
pub fn by_ballot_link(conn: &mut DbConnection, slug: &str) -> Result<Round, Error> {
    let row =
        store::find_round_by_slug(conn, slug)?.ok_or_else(|| Error::not_found(Thing::Round))?;
    stored_round(&row)
}

/// Checks a definition and that every official it grades exists within the owning unit's
/// subtree; returns the checked round.
fn checked_definition(
    conn: &mut DbConnection,
    owner: &db::units::UnitRow,
    definition: &RoundDefinition,
) -> Result<Round, Error> {
    let round = Round::check(definition.clone())
        .map_err(|d| problems(d, "definition", |f| definition_label(definition, f)))?;
    if definition.disclosure.counts < 5 {
        return Err(Error::invalid(
            "definition.disclosure.counts",
            msg!("error-round-group-size-minimum", min = 5),
        ));
    }
    for (i, official) in definition.officials.iter().enumerate() {
        let field = Field::labelled(
            format!("definition.officials[{i}].official_id"),
            official.name.as_str(),
        );
        let row = store::find_official(conn, official.official_id).map_err(|e| match e {
            StoreError::NotFound => Error::invalid(
                field.clone(),
                msg!(
                    "error-official-not-on-roster",
                    name = official.name.as_str()
                ),
            ),
            other => other.into(),
        })?;
        let unit = db::units::find(conn, row.unit_id)?;
        if !owner.contains_path(&unit.path) {
            return Err(units::outside_owner(msg!(
                "error-official-outside-owner",
                name = official.name.as_str(),
                owner = owner.name.as_str()
            ))
            .at(field));
        }
    }
    Ok(round)
}

/// Creates a draft round from a definition.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    body: &CreateRound,
    base_url: &str,
) -> Result<RoundInfo, Error> {
    caller.require(manages_rounds(caller.role()), Action::ManageRounds)?;
    let owner = units::owner(
        conn,
        caller,
        body.unit_id,
        msg!("error-round-owner-missing"),
    )?;
    checked_definition(conn, &owner, &body.definition)?;
    let json = serde_json::to_string(&body.definition).map_err(|e| Error::internal(&e))?;
    let slug = new_slug();
    let id = store::insert_round(
        conn,
        &NewRound {
            unit_id: owner.id,
            series_id: &body.definition.series.id,
            period: &body.definition.period,
            definition: &json,
            slug: &slug,
            created_by: caller.account.id,
        },
        db::now(),
    )?;
    crate::domain::audit::record(conn, caller, "round.create", &format!("round:{id}"))?;
    tracing::info!(round = id, by = caller.account.id, "round created");
    round_info(&store::find_round(conn, id)?, base_url)
}

/// Replaces a draft round's definition.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    definition: &RoundDefinition,
    base_url: &str,
) -> Result<RoundInfo, Error> {
    let row = visible_round(conn, caller, id)?;
    caller.require(manages_rounds(caller.role()), Action::ManageRounds)?;
    if status(&row) != RoundStatus::Draft {
        return Err(state_conflict(msg!("error-round-changed-after-draft")));
    }
    let owner = db::units::find(conn, row.unit_id)?;
    checked_definition(conn, &owner, definition)?;
    // codes already printed for a group must keep a group to vote in
    for (group, _, _) in store::code_counts(conn, row.id)? {
        if !definition.elector_groups.iter().any(|g| g.id == group) {
            let label = stored_round(&row)?
                .group(&group)
                .map_or_else(|| group.clone(), |g| g.label.clone());
            return Err(state_conflict(msg!(
                "error-round-group-has-codes",
                group = label,
                id = group.as_str()
            ))
            .at("definition.elector_groups"));
        }
    }
    let json = serde_json::to_string(definition).map_err(|e| Error::internal(&e))?;
    store::update_definition(
        conn,
        row.id,
        &definition.series.id,
        &definition.period,
        &json,
        db::now(),
    )?;
    crate::domain::audit::record(conn, caller, "round.update", &format!("round:{}", row.id))?;
    round_info(&store::find_round(conn, id)?, base_url)
}

/// Moves round `id` along draft → open → closed → published (closed may re-open); returns it as
/// it is then.
pub fn transition(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    to: RoundStatus,
    base_url: &str,
) -> Result<RoundInfo, Error> {
    let row = visible_round(conn, caller, id)?;
    caller.require(manages_rounds(caller.role()), Action::ManageRounds)?;
    let from = status(&row);
    let allowed = matches!(
        (from, to),
        (RoundStatus::Draft | RoundStatus::Closed, RoundStatus::Open)
            | (RoundStatus::Open, RoundStatus::Closed)
            | (RoundStatus::Closed, RoundStatus::Published)
    );
    if !allowed {
        return Err(state_conflict(msg!(
            "error-round-cannot-become",
            from = status_name(from),
            to = status_name(to)
        )));
    }
    db::write_transaction(conn, |conn| {
        store::set_status(conn, row.id, to.as_str(), db::now())?;
        if to == RoundStatus::Closed {
            store::reshuffle(conn, row.id)?;
        }
        Ok::<_, StoreError>(())
    })?;
    crate::domain::audit::record(
        conn,
        caller,
        &format!("round.{}", to.as_str()),
        &format!("round:{}", row.id),
    )?;
    tracing::info!(
        round = row.id,
        status = to.as_str(),
        by = caller.account.id,
        "round status changed"
    );
    round_info(&store::find_round(conn, id)?, base_url)
}

/// The key a subject is stored under: `team` or the official's id.
pub(crate) fn subject_key(subject: SubjectRef) -> String {
    match subject {
        SubjectRef::Team => "team".into(),
        SubjectRef::Official(id) => id.to_string(),
    }
}

pub(crate) fn parse_subject(key: &str) -> Option<SubjectRef> {
    if key == "team" {
        Some(SubjectRef::Team)
    } else {
        key.parse().ok().map(SubjectRef::Official)
    }
}

pub(crate) fn parse_dimension(key: &str) -> Option<Dimension> {
    Dimension::ALL.into_iter().find(|d| d.as_str() == key)
}
