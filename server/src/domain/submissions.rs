//! What the group commit checks and stores: public answer sets and electronic ballots, many in
//! one transaction. The checks that can change (the survey open, its version, target and
//! village; the code unused) run inside the transaction, in the order a lone submission would
//! meet them; a refused item writes nothing and fails alone, and tallies are summed per row
//! and written last. The queue and its threads are in `crate::commit`.
//!
//! An answer may carry a submission key, random and made for one showing of its form: it
//! claims the key's hash in its transaction (one insert that does nothing when the hash is
//! there), and an answer whose key is claimed already is a retry of one stored before,
//! answered as the first was without storing anything. A refused answer gives its key up. The
//! hash is kept to the hour after which no retry can come (a day) and names no answer, so a key
//! links an answer to nobody (docs/privacy.md, "Submission keys").

use std::borrow::Borrow;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

use canvass_protocol::calendar::day_of;
use canvass_protocol::rounds::{CastRequest, Round};
use canvass_protocol::surveys::{Channel, SubmitResponse};

use super::ballot_codes;
use super::error::{Error, Thing};
use super::rounds::stored_round;
use super::survey_codes;
use super::surveys::flags;
use super::surveys::{self, Checked, FormCache, Rejection, SurveyContext};
use canvass_protocol::msg;
use sha2::{Digest, Sha256};

use crate::db::rounds::{self as round_store, RoundDelta, RoundRow};
use crate::db::submission_keys;
use crate::db::surveys::{self as survey_store, TallyDelta};
use crate::db::{write_transaction, DbConnection};

/// One survey answer set sent to a public link (the JSON API or the survey page).
pub struct Answers {
    /// The link it was sent to.
    pub slug: String,
    pub body: SubmitResponse,
    /// The answers checked by the request's worker, when it knew the form; taken by the first
    /// attempt to store them (a retry alone checks them again).
    pub checked: Cell<Option<Checked>>,
    /// When it arrived: its day is the only time it keeps.
    pub now: i64,
}

/// One electronic ballot sent to a round's ballot link.
pub struct BallotCast {
    /// The link it was sent to.
    pub slug: String,
    pub request: CastRequest,
}

/// A submission waiting for the group commit.
pub enum Submission {
    Answers(Answers),
    Ballot(BallotCast),
}

/// What a submission came to.
pub enum Outcome {
    Answers(Result<(), Rejection>),
    /// Whether the ballot counts as valid (a quota breach is stored as 废票).
    Ballot(Result<bool, Error>),
}

impl Outcome {
    /// `submission` refused with `error`.
    #[must_use]
    pub fn failed(submission: &Submission, error: Error) -> Self {
        match submission {
            Submission::Answers(_) => Outcome::Answers(Err(error.into())),
            Submission::Ballot(_) => Outcome::Ballot(Err(error)),
        }
    }

    /// Whether it was stored.
    #[must_use]
    pub fn is_stored(&self) -> bool {
        matches!(self, Outcome::Answers(Ok(())) | Outcome::Ballot(Ok(_)))
    }
}

/// Stores a group in one transaction; when that fails as a whole, each item in its own, so one
/// item never fails the others. `pepper` keys the ballot- and survey-code hashes; `forms` is
/// where the published forms read are kept for the request workers; the answer sets stored are
/// shown to `watch`, which looks for bursts of identical ones (`surveys::flags`).
pub fn store_group<S: Borrow<Submission>>(
    conn: &mut DbConnection,
    pepper: &str,
    (forms, watch): (&Arc<FormCache>, &mut flags::BurstWatch),
    group: &[S],
) -> Vec<Outcome> {
    match write_transaction(conn, |conn| store_items(conn, pepper, forms, group)) {
        Ok((outcomes, seen)) => {
            watch.note_all(seen);
            outcomes
        }
        Err(e) if group.len() == 1 => vec![Outcome::failed(group[0].borrow(), e)],
        Err(e) => {
            tracing::warn!(
                items = group.len(),
                error = %e,
                "group commit failed; storing its items one by one"
            );
            group
                .iter()
                .map(|item| {
                    write_transaction(conn, |conn| {
                        store_items(conn, pepper, forms, std::slice::from_ref(item))
                    })
                    .map_or_else(
                        |e| Outcome::failed(item.borrow(), e),
                        |(mut o, seen)| {
                            watch.note_all(seen);
                            o.remove(0)
                        },
                    )
                })
                .collect()
        }
    }
}

/// Checks and stores every item in the caller's transaction, tallies summed and written last.
/// An item refused by a check has written nothing; a server fault rolls the group back (on
/// PostgreSQL a failed statement spoils the whole transaction).
fn store_items<S: Borrow<Submission>>(
    conn: &mut DbConnection,
    pepper: &str,
    forms: &Arc<FormCache>,
    group: &[S],
) -> Result<(Vec<Outcome>, Vec<flags::Seen>), Error> {
    let mut surveys: HashMap<&str, Option<(SurveyContext, Option<i64>)>> = HashMap::new();
    let mut rounds: HashMap<&str, Option<(RoundRow, Round)>> = HashMap::new();
    let mut tallies = TallyDelta::default();
    let mut round_tallies = RoundDelta::default();
    let mut outcomes = Vec::with_capacity(group.len());
    let mut seen = Vec::new();
    for item in group {
        let outcome = match item.borrow() {
            Submission::Answers(a) => {
                match store_answers(
                    conn,
                    (a, pepper),
                    forms,
                    &mut surveys,
                    (&mut tallies, &mut seen),
                ) {
                    Err(Rejection::Other(e)) if e.is_server_fault() => return Err(e),
                    r => Outcome::Answers(r),
                }
            }
            Submission::Ballot(b) => {
                match store_ballot(conn, b, pepper, &mut rounds, &mut round_tallies) {
                    Err(e) if e.is_server_fault() => return Err(e),
                    r => Outcome::Ballot(r),
                }
            }
        };
        outcomes.push(outcome);
    }
    tallies.write(conn)?;
    round_tallies.write(conn)?;
    Ok((outcomes, seen))
}

fn store_answers<'a>(
    conn: &mut DbConnection,
    (answers, pepper): (&'a Answers, &str),
    forms: &Arc<FormCache>,
    cache: &mut HashMap<&'a str, Option<(SurveyContext, Option<i64>)>>,
    (tallies, seen): (&mut TallyDelta, &mut Vec<flags::Seen>),
) -> Result<(), Rejection> {
    if !cache.contains_key(answers.slug.as_str()) {
        let found = survey_store::find_by_slug(conn, &answers.slug)?.map(|(row, fixed)| {
            forms.keep_link(&answers.slug, row.id);
            (SurveyContext::sharing(row, forms.clone()), fixed)
        });
        cache.insert(&answers.slug, found);
    }
    let Some(Some((context, fixed))) = cache.get_mut(answers.slug.as_str()) else {
        return Err(Error::not_found(Thing::Survey).into());
    };
    let key = match answers.body.submission_key.as_deref() {
        None => None,
        Some(key) => Some(key_hash(context.row.id, key)?),
    };
    if let Some(hash) = &key {
        if !submission_keys::claim(conn, hash, key_expiry(answers.now))? {
            // sent before and stored (a refused answer gives its key up): answered as then
            return Ok(());
        }
    }
    let stored = surveys::check_accepting(&context.row, answers.now)
        .map_err(Rejection::from)
        .and_then(|()| {
            context.prepare_checked(
                conn,
                *fixed,
                &answers.body,
                Channel::Web,
                day_of(answers.now),
                answers.checked.take(),
            )
        });
    // a survey code is checked once the answer itself passed, so an answer refused for its
    // content leaves its code unspent
    let stored = stored.and_then(|(mut stored, validated)| {
        if context.row.requires_codes {
            let code = survey_codes::check(
                conn,
                pepper,
                context.row.id,
                answers.body.code.as_deref(),
                (stored.target_unit_id, stored.respondent_unit_id),
            )?;
            survey_codes::redeem(conn, &code)?;
            stored.respondent_unit_id = stored.respondent_unit_id.or(code.village);
        }
        Ok((stored, validated))
    });
    match (stored, key) {
        (Ok((stored, validated)), _) => {
            surveys::record_into(conn, &stored, &validated, tallies)?;
            seen.push(flags::Seen::of(&stored, &validated, answers.now));
            Ok(())
        }
        (Err(refused), Some(hash)) => {
            submission_keys::release(conn, &hash)?;
            Err(refused)
        }
        (Err(refused), None) => Err(refused),
    }
}

/// How long a submission key is kept: a day, and up to an hour more, since its expiry is kept
/// to the hour (no key row holds the time its answer came).
pub const KEY_HOURS: i64 = 24;

/// The hour after which a key claimed at `now` is swept.
fn key_expiry(now: i64) -> i64 {
    (now.div_euclid(3600) + KEY_HOURS + 1) * 3600
}

/// What is stored of a submission key: its SHA-256 under the survey's id, so the same key sent
/// to two surveys is two keys. A key is 16 to 64 of `A-Z a-z 0-9 _ -`; anything else is refused
/// at `submission_key`.
fn key_hash(survey_id: i64, key: &str) -> Result<String, Rejection> {
    let well_formed = (16..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !well_formed {
        return Err(Error::invalid("submission_key", msg!("error-submission-key")).into());
    }
    let mut hash = Sha256::new();
    hash.update(b"canvass-submission-key\0");
    hash.update(survey_id.to_be_bytes());
    hash.update(key.as_bytes());
    Ok(hex::encode(hash.finalize()))
}

/// Deletes the submission keys whose retries can no longer come; the group-commit thread calls
/// it now and then, in a transaction of its own.
///
/// # Errors
/// When the database fails.
pub fn sweep_keys(conn: &mut DbConnection, now: i64) -> Result<usize, Error> {
    write_transaction(conn, |conn| {
        submission_keys::sweep(conn, now).map_err(Error::from)
    })
}

fn store_ballot<'a>(
    conn: &mut DbConnection,
    ballot: &'a BallotCast,
    pepper: &str,
    cache: &mut HashMap<&'a str, Option<(RoundRow, Round)>>,
    tallies: &mut RoundDelta,
) -> Result<bool, Error> {
    if !cache.contains_key(ballot.slug.as_str()) {
        let found = match round_store::find_round_by_slug(conn, &ballot.slug)? {
            Some(row) => {
                let round = stored_round(&row)?;
                Some((row, round))
            }
            None => None,
        };
        cache.insert(&ballot.slug, found);
    }
    let Some(Some((row, round))) = cache.get(ballot.slug.as_str()) else {
        return Err(Error::not_found(Thing::Round));
    };
    let plan = ballot_codes::plan_cast(
        conn,
        row,
        round,
        &ballot.request.code,
        &ballot.request.ballot,
        pepper,
    )?;
    ballot_codes::apply_cast(conn, row.id, &plan, tallies)?;
    Ok(plan.valid)
}
