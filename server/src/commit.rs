//! Group commit for the hot public write paths: survey answers and electronic ballots sent
//! through the JSON API.
//!
//! One writer thread per server takes every submission waiting in its queue (up to
//! [`MAX_GROUP`]), checks and stores them all in one transaction, commits, and only then
//! answers each waiting request. Under load the queue fills while the previous group commits,
//! so one commit (one fsync) serves many requests; a lone request is its own group and waits
//! for nothing. The checks run inside the transaction, so an answer is accepted only by a
//! survey that is open at its commit.
//!
//! A refused item (closed survey, invalid answers, used code ...) is checked before anything of
//! it is written, so it fails only its own request. Should the group's transaction fail as a
//! whole (a database error), every item is tried again in a transaction of its own, so one
//! item never fails the others.

use std::collections::HashMap;
use std::sync::{mpsc, Arc};

use canvass_protocol::forms::Lang;
use canvass_protocol::rounds::CastRequest;
use canvass_protocol::rounds::Round;
use canvass_protocol::surveys::{Channel, SubmitResponse};
use tokio::sync::oneshot;

use crate::db::rounds::{self as round_store, RoundDelta, RoundRow};
use crate::db::surveys::{self as survey_store, TallyDelta};
use crate::db::{write_transaction, DbConnection, Pending, StoreError, Writer};
use crate::error::ApiError;
use crate::rounds;
use crate::surveys::{self, Checked, FormCache, Rejection, SurveyContext};

/// Most submissions stored in one transaction.
pub const MAX_GROUP: usize = 256;

/// One survey answer set sent to the public JSON API.
struct SurveyJob {
    slug: String,
    body: SubmitResponse,
    /// The answers checked by the request's worker, when it knew the form; taken by the first
    /// attempt to store them (a retry alone checks them again).
    checked: std::cell::Cell<Option<Checked>>,
    now: i64,
    reply: oneshot::Sender<Result<(), Rejection>>,
}

/// One electronic ballot sent to the public JSON API.
struct BallotJob {
    slug: String,
    request: CastRequest,
    reply: oneshot::Sender<Result<bool, ApiError>>,
}

enum Job {
    Survey(SurveyJob),
    Ballot(BallotJob),
}

/// What an item of a group came to.
enum Outcome {
    Survey(Result<(), Rejection>),
    Ballot(Result<bool, ApiError>),
}

/// The handle of the writer thread; cloned into every worker. The thread ends when the last
/// handle is dropped.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<Job>,
    /// Published forms, shared with the writer thread, which fills it.
    forms: Arc<FormCache>,
}

impl GroupCommit {
    /// Starts the writer thread, storing through `writer` (its kept connection on SQLite, a
    /// pooled connection per group on PostgreSQL); `pepper` keys the ballot-code hashes.
    ///
    /// # Panics
    /// When the operating system refuses to start a thread.
    #[must_use]
    pub fn start(writer: Writer, pepper: String) -> Self {
        let (queue, jobs) = mpsc::channel();
        let forms = Arc::new(FormCache::default());
        let shared = forms.clone();
        std::thread::Builder::new()
            .name("canvass-commit".into())
            .spawn(move || write_groups(&writer, &pepper, &shared, &jobs))
            .expect("start the group-commit thread");
        Self { queue, forms }
    }

    /// Checks and stores one public answer set; returns once it is committed (or refused),
    /// the answers' problems in `lang`.
    pub async fn submit_survey(
        &self,
        slug: String,
        body: SubmitResponse,
        lang: Lang,
        now: i64,
    ) -> Result<(), ApiError> {
        self.store_survey(slug, body, now)
            .await
            .map_err(|r| r.into_api_error(lang))
    }

    /// [`GroupCommit::submit_survey`], refusing answers that do not fit the form with their
    /// problems one by one (the survey page shows each beside its question).
    pub async fn store_survey(
        &self,
        slug: String,
        body: SubmitResponse,
        now: i64,
    ) -> Result<(), Rejection> {
        let (reply, answer) = oneshot::channel();
        // checked here, on the request's worker, when the form is known: the writer is the
        // one thread all submissions pass through
        let checked = std::cell::Cell::new(self.forms.check(&slug, &body));
        self.send(Job::Survey(SurveyJob {
            slug,
            body,
            checked,
            now,
            reply,
        }))?;
        answer.await.map_err(|e| ApiError::internal(&e))?
    }

    /// Checks a code and a ballot, redeems the code and stores the ballot; returns once it is
    /// committed (or refused), with whether the ballot counts as valid.
    pub async fn cast_ballot(&self, slug: String, request: CastRequest) -> Result<bool, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Ballot(BallotJob {
            slug,
            request,
            reply,
        }))?;
        answer.await.map_err(|e| ApiError::internal(&e))?
    }

    fn send(&self, job: Job) -> Result<(), ApiError> {
        self.queue
            .send(job)
            .map_err(|_| ApiError::internal(&"the group-commit thread has stopped"))
    }
}

/// The writer loop: waits for a submission, takes whatever else is queued, stores the group,
/// and hands it to the sync thread, which answers it once its commit is on the disk. The writer
/// meanwhile stores the next group.
fn write_groups(writer: &Writer, pepper: &str, forms: &Arc<FormCache>, jobs: &mpsc::Receiver<Job>) {
    let (stored, to_sync) = mpsc::channel();
    // without a thread of its own, each group is synced and answered here
    let sync = std::thread::Builder::new()
        .name("canvass-sync".into())
        .spawn(move || sync_groups(&to_sync))
        .map_err(|e| tracing::warn!(error = %e, "no sync thread; groups are synced in turn"))
        .ok()
        .map(|_| stored);
    while let Ok(first) = jobs.recv() {
        let mut group = Vec::with_capacity(16);
        group.push(first);
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let done = match writer.with_connection(|conn| store_group(conn, pepper, forms, &group)) {
            Ok((outcomes, pending)) => Stored {
                group,
                outcomes,
                pending: Some(pending),
            },
            Err(e) => Stored {
                outcomes: group
                    .iter()
                    .map(|job| failed(job, ApiError::unavailable(&e)))
                    .collect(),
                group,
                pending: None,
            },
        };
        let unsent = match &sync {
            Some(queue) => queue.send(done).err().map(|mpsc::SendError(done)| done),
            None => Some(done),
        };
        if let Some(done) = unsent {
            let synced = done.pending.clone().map_or(Ok(()), Pending::complete);
            log_failed_sync(&synced, std::slice::from_ref(&done));
            answer(done, synced.is_ok());
        }
    }
}

/// A stored group waiting for its commit to be synced.
struct Stored {
    group: Vec<Job>,
    outcomes: Vec<Outcome>,
    /// `None` when nothing was committed.
    pending: Option<Pending>,
}

/// The sync loop: takes every stored group waiting, syncs once for all of them (they were all
/// committed before), and answers them.
fn sync_groups(stored: &mpsc::Receiver<Stored>) {
    while let Ok(first) = stored.recv() {
        let mut groups = vec![first];
        groups.extend(stored.try_iter());
        let synced = groups
            .iter()
            .rev()
            .find_map(|g| g.pending.clone())
            .map_or(Ok(()), Pending::complete);
        log_failed_sync(&synced, &groups);
        for done in groups {
            answer(done, synced.is_ok());
        }
    }
}

/// Logs a failed sync once for all the groups it fails.
fn log_failed_sync(synced: &Result<(), StoreError>, groups: &[Stored]) {
    if let Err(e) = synced {
        let refused = groups
            .iter()
            .flat_map(|g| &g.outcomes)
            .filter(|o| matches!(o, Outcome::Survey(Ok(())) | Outcome::Ballot(Ok(_))))
            .count();
        tracing::error!(
            error = %e,
            groups = groups.len(),
            refused,
            "the log sync failed: the stored answers and ballots of these groups are refused \
             with internal_error"
        );
    }
}

/// Answers each waiting request of a group; a failed sync (logged by the caller) fails every
/// item that was stored.
fn answer(done: Stored, synced: bool) {
    for (job, outcome) in done.group.into_iter().zip(done.outcomes) {
        let outcome = match (synced, outcome) {
            (false, Outcome::Survey(Ok(()))) => {
                Outcome::Survey(Err(ApiError::internal_logged().into()))
            }
            (false, Outcome::Ballot(Ok(_))) => Outcome::Ballot(Err(ApiError::internal_logged())),
            (_, outcome) => outcome,
        };
        // a request whose client went away has nobody to answer; its item stays stored
        match (job, outcome) {
            (Job::Survey(j), Outcome::Survey(r)) => drop(j.reply.send(r)),
            (Job::Ballot(j), Outcome::Ballot(r)) => drop(j.reply.send(r)),
            _ => unreachable!("outcomes follow the jobs"),
        }
    }
}

fn failed(job: &Job, error: ApiError) -> Outcome {
    match job {
        Job::Survey(_) => Outcome::Survey(Err(error.into())),
        Job::Ballot(_) => Outcome::Ballot(Err(error)),
    }
}

/// Stores a group in one transaction; when that fails as a whole, each item in its own.
fn store_group(
    conn: &mut DbConnection,
    pepper: &str,
    forms: &Arc<FormCache>,
    group: &[Job],
) -> Vec<Outcome> {
    match write_transaction(conn, |conn| store_items(conn, pepper, forms, group)) {
        Ok(outcomes) => outcomes,
        Err(e) if group.len() == 1 => vec![failed(&group[0], e)],
        Err(e) => {
            tracing::warn!(
                items = group.len(),
                error = %e,
                "group commit failed; storing its items one by one"
            );
            group
                .iter()
                .map(|job| {
                    write_transaction(conn, |conn| {
                        store_items(conn, pepper, forms, std::slice::from_ref(job))
                    })
                    .map_or_else(|e| failed(job, e), |mut o| o.remove(0))
                })
                .collect()
        }
    }
}

/// Checks and stores every item in the caller's transaction, tallies summed and written last.
/// An item refused by a check has written nothing; a server error rolls the group back (on
/// PostgreSQL a failed statement spoils the whole transaction).
fn store_items(
    conn: &mut DbConnection,
    pepper: &str,
    forms: &Arc<FormCache>,
    group: &[Job],
) -> Result<Vec<Outcome>, ApiError> {
    let mut surveys: HashMap<&str, Option<(SurveyContext, Option<i64>)>> = HashMap::new();
    let mut rounds: HashMap<&str, Option<(RoundRow, Round)>> = HashMap::new();
    let mut tallies = TallyDelta::default();
    let mut round_tallies = RoundDelta::default();
    let mut outcomes = Vec::with_capacity(group.len());
    for job in group {
        let outcome = match job {
            Job::Survey(j) => match store_answers(conn, j, forms, &mut surveys, &mut tallies) {
                Err(Rejection::Other(e)) if e.status().is_server_error() => return Err(e),
                r => Outcome::Survey(r),
            },
            Job::Ballot(j) => {
                match store_ballot(conn, j, pepper, &mut rounds, &mut round_tallies) {
                    Err(e) if e.status().is_server_error() => return Err(e),
                    r => Outcome::Ballot(r),
                }
            }
        };
        outcomes.push(outcome);
    }
    tallies.write(conn)?;
    round_tallies.write(conn)?;
    Ok(outcomes)
}

fn store_answers<'a>(
    conn: &mut DbConnection,
    job: &'a SurveyJob,
    forms: &Arc<FormCache>,
    cache: &mut HashMap<&'a str, Option<(SurveyContext, Option<i64>)>>,
    tallies: &mut TallyDelta,
) -> Result<(), Rejection> {
    if !cache.contains_key(job.slug.as_str()) {
        let found = survey_store::find_by_slug(conn, &job.slug)?.map(|(row, fixed)| {
            forms.keep_link(&job.slug, row.id);
            (SurveyContext::sharing(row, forms.clone()), fixed)
        });
        cache.insert(&job.slug, found);
    }
    let Some(Some((context, fixed))) = cache.get_mut(job.slug.as_str()) else {
        return Err(ApiError::not_found("survey").into());
    };
    surveys::check_accepting(&context.row, job.now)?;
    let (stored, validated) = context.prepare_checked(
        conn,
        *fixed,
        &job.body,
        Channel::Web,
        surveys::day_of(job.now),
        job.checked.take(),
    )?;
    surveys::record_into(conn, &stored, &validated, tallies)?;
    Ok(())
}

fn store_ballot<'a>(
    conn: &mut DbConnection,
    job: &'a BallotJob,
    pepper: &str,
    cache: &mut HashMap<&'a str, Option<(RoundRow, Round)>>,
    tallies: &mut RoundDelta,
) -> Result<bool, ApiError> {
    if !cache.contains_key(job.slug.as_str()) {
        let found = match round_store::find_round_by_slug(conn, &job.slug)? {
            Some(row) => {
                let round = rounds::stored_round(&row)?;
                Some((row, round))
            }
            None => None,
        };
        cache.insert(&job.slug, found);
    }
    let Some(Some((row, round))) = cache.get(job.slug.as_str()) else {
        return Err(ApiError::not_found("round"));
    };
    let plan = rounds::plan_cast(
        conn,
        row,
        round,
        &job.request.code,
        &job.request.ballot,
        pepper,
    )?;
    rounds::apply_cast(conn, row.id, &plan, tallies)?;
    Ok(plan.valid)
}

#[cfg(test)]
mod tests {
    use canvass_protocol::forms::AnswerSet;
    use canvass_protocol::rounds::Ballot;
    use canvass_protocol::ErrorCode;

    use super::*;

    fn survey_job() -> (Job, oneshot::Receiver<Result<(), Rejection>>) {
        let (reply, answer) = oneshot::channel();
        let job = Job::Survey(SurveyJob {
            slug: "s".into(),
            body: SubmitResponse {
                version: 1,
                target_unit_id: 1,
                respondent_unit_id: None,
                answers: AnswerSet::new(),
            },
            checked: std::cell::Cell::new(None),
            now: 0,
            reply,
        });
        (job, answer)
    }

    fn ballot_job() -> (Job, oneshot::Receiver<Result<bool, ApiError>>) {
        let (reply, answer) = oneshot::channel();
        let job = Job::Ballot(BallotJob {
            slug: "b".into(),
            request: CastRequest {
                code: "c".into(),
                ballot: Ballot {
                    elector_group: String::new(),
                    marks: Vec::new(),
                },
            },
            reply,
        });
        (job, answer)
    }

    fn internal(result: Result<(), Rejection>) -> ApiError {
        match result {
            Err(Rejection::Other(e)) => e,
            other => panic!("expected an internal error, got {other:?}"),
        }
    }

    /// A sync that fails (here: the log's directory is a file, so it cannot be opened) must
    /// not let anything be acknowledged: every stored item of every group it covered gets
    /// `internal_error`, and an item refused by its own check keeps its own answer.
    #[test]
    fn a_failed_log_sync_refuses_every_item_it_covered_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-directory");
        std::fs::write(&file, b"").unwrap();
        let failing = Pending::of_log(&file.join("canvass.sqlite3-wal"));

        let (stored_answer, stored_rx) = survey_job();
        let (refused_answer, refused_rx) = survey_job();
        let (stored_ballot, ballot_rx) = ballot_job();
        let (later_answer, later_rx) = survey_job();
        let (queue, groups) = mpsc::channel();
        queue
            .send(Stored {
                group: vec![stored_answer, refused_answer],
                outcomes: vec![
                    Outcome::Survey(Ok(())),
                    Outcome::Survey(Err(ApiError::not_found("survey").into())),
                ],
                pending: Some(failing.clone()),
            })
            .unwrap();
        queue
            .send(Stored {
                group: vec![stored_ballot],
                outcomes: vec![Outcome::Ballot(Ok(true))],
                pending: Some(failing),
            })
            .unwrap();
        drop(queue);
        sync_groups(&groups);

        let e = internal(stored_rx.blocking_recv().unwrap());
        assert_eq!(e.status(), 500);
        assert_eq!(e.code(), ErrorCode::InternalError);
        let e = internal(refused_rx.blocking_recv().unwrap());
        assert_eq!(
            e.code(),
            ErrorCode::NotFound,
            "its own refusal, not the sync's"
        );
        let e = ballot_rx.blocking_recv().unwrap().unwrap_err();
        assert_eq!(e.code(), ErrorCode::InternalError);

        // a group whose log syncs is acknowledged as before
        let (queue, groups) = mpsc::channel();
        queue
            .send(Stored {
                group: vec![later_answer],
                outcomes: vec![Outcome::Survey(Ok(()))],
                pending: Some(Pending::of_log(&dir.path().join("absent-wal"))),
            })
            .unwrap();
        drop(queue);
        sync_groups(&groups);
        assert!(later_rx.blocking_recv().unwrap().is_ok());
    }
}
