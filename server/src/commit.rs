//! Group commit for the hot public write paths: survey answers and electronic ballots, sent
//! to the JSON API or from the survey and ballot pages. This module owns the queue and its
//! threads; what each item is checked against and how it is stored is
//! `crate::domain::submissions`.
//!
//! One writer thread per server takes every submission waiting in its queue (up to
//! [`MAX_GROUP`]), checks and stores them all in one transaction, commits, and only then
//! answers each waiting request. Under load the queue fills while the previous group commits,
//! so one commit (one fsync) serves many requests; a lone request is its own group and waits
//! for nothing. The checks run inside the transaction, so an answer is accepted only by a
//! survey that is open at its commit.
//!
//! A refused item (closed survey, invalid answers, used code ...) is checked before anything of
//! it is written, so it fails only its own request. An answer sent again with its submission
//! key is answered as the first time and stores nothing (`domain::submissions`); the writer
//! sweeps the expired keys every ten minutes. Should the group's transaction fail as a
//! whole (a database error), every item is tried again in a transaction of its own, so one
//! item never fails the others.

use std::borrow::Borrow;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};

use canvass_protocol::rounds::CastRequest;
use canvass_protocol::surveys::SubmitResponse;
use tokio::sync::oneshot;

use crate::db::{Pending, StoreError, Writer};
use crate::domain::error::Error;
use crate::domain::submissions::{self, Answers, BallotCast, Outcome, Submission};
use crate::domain::surveys::flags::{self, BurstWatch};
use crate::domain::surveys::{FormCache, Rejection};

/// Most submissions stored in one transaction.
pub const MAX_GROUP: usize = 256;

/// Seconds between two sweeps of the expired submission keys by the writer thread.
const KEY_SWEEP_SECONDS: i64 = 600;

/// A submission in the queue, with where its outcome goes.
struct Job {
    submission: Submission,
    reply: Reply,
}

/// Where a waiting request takes its outcome.
enum Reply {
    Answers(oneshot::Sender<Result<(), Rejection>>),
    Ballot(oneshot::Sender<Result<bool, Error>>),
}

impl Borrow<Submission> for Job {
    fn borrow(&self) -> &Submission {
        &self.submission
    }
}

/// The handle of the writer thread; cloned into every worker. The thread ends when the last
/// handle is dropped.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<Job>,
    /// Published forms, shared with the writer thread, which fills it.
    forms: Arc<FormCache>,
    /// What was stored since the process started, shared with the writer thread.
    stats: Arc<CommitStats>,
}

/// What the group commit has stored since the process started (for `/metrics`).
#[derive(Debug, Default)]
pub struct CommitStats {
    answers: AtomicU64,
    ballots: AtomicU64,
    groups: AtomicU64,
    items: AtomicU64,
}

/// A reading of [`CommitStats`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CommitCounts {
    /// Public answer sets acknowledged as stored.
    pub answers: u64,
    /// Ballots acknowledged as stored.
    pub ballots: u64,
    /// Groups (transactions) written.
    pub groups: u64,
    /// Submissions those groups held.
    pub items: u64,
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
        let stats = Arc::new(CommitStats::default());
        let counted = stats.clone();
        std::thread::Builder::new()
            .name("canvass-commit".into())
            .spawn(move || write_groups(&writer, &pepper, &shared, &counted, &jobs))
            .expect("start the group-commit thread");
        Self {
            queue,
            forms,
            stats,
        }
    }

    /// What was stored since the process started.
    #[must_use]
    pub fn stats(&self) -> CommitCounts {
        CommitCounts {
            answers: self.stats.answers.load(Ordering::Relaxed),
            ballots: self.stats.ballots.load(Ordering::Relaxed),
            groups: self.stats.groups.load(Ordering::Relaxed),
            items: self.stats.items.load(Ordering::Relaxed),
        }
    }

    /// Checks and stores one public answer set; returns once it is committed (or refused),
    /// answers that do not fit the form refused with their problems one by one (the survey
    /// page shows each beside its question).
    pub async fn store_survey(
        &self,
        slug: String,
        body: SubmitResponse,
        now: i64,
    ) -> Result<(), Rejection> {
        let (reply, answer) = oneshot::channel();
        // checked here, on the request's worker, when the form is known: the writer is the
        // one thread all submissions pass through
        let checked = Cell::new(self.forms.check(&slug, &body));
        self.send(Job {
            submission: Submission::Answers(Answers {
                slug,
                body,
                checked,
                now,
            }),
            reply: Reply::Answers(reply),
        })?;
        let stored = answer.await.map_err(|e| Error::internal(&e))?;
        if stored.is_ok() {
            self.stats.answers.fetch_add(1, Ordering::Relaxed);
        }
        stored
    }

    /// Checks a code and a ballot, redeems the code and stores the ballot; returns once it is
    /// committed (or refused), with whether the ballot counts as valid.
    pub async fn cast_ballot(&self, slug: String, request: CastRequest) -> Result<bool, Error> {
        let (reply, answer) = oneshot::channel();
        self.send(Job {
            submission: Submission::Ballot(BallotCast { slug, request }),
            reply: Reply::Ballot(reply),
        })?;
        let cast = answer.await.map_err(|e| Error::internal(&e))?;
        if cast.is_ok() {
            self.stats.ballots.fetch_add(1, Ordering::Relaxed);
        }
        cast
    }

    fn send(&self, job: Job) -> Result<(), Error> {
        self.queue
            .send(job)
            .map_err(|_| Error::internal(&"the group-commit thread has stopped"))
    }
}

/// The writer loop: waits for a submission, takes whatever else is queued, stores the group,
/// and hands it to the sync thread, which answers it once its commit is on the disk. The writer
/// meanwhile stores the next group.
fn write_groups(
    writer: &Writer,
    pepper: &str,
    forms: &Arc<FormCache>,
    stats: &CommitStats,
    jobs: &mpsc::Receiver<Job>,
) {
    let (stored, to_sync) = mpsc::channel();
    // without a thread of its own, each group is synced and answered here
    let sync = std::thread::Builder::new()
        .name("canvass-sync".into())
        .spawn(move || sync_groups(&to_sync))
        .map_err(|e| tracing::warn!(error = %e, "no sync thread; groups are synced in turn"))
        .ok()
        .map(|_| stored);
    let mut swept_at = i64::MIN;
    let mut watch = BurstWatch::default();
    while let Ok(first) = jobs.recv() {
        let mut group = Vec::with_capacity(16);
        group.push(first);
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        stats.groups.fetch_add(1, Ordering::Relaxed);
        stats
            .items
            .fetch_add(u64::try_from(group.len()).unwrap_or(0), Ordering::Relaxed);
        let done = match writer.with_connection(|conn| {
            submissions::store_group(conn, pepper, (forms, &mut watch), &group)
        }) {
            Ok((outcomes, pending)) => Stored {
                group,
                outcomes,
                pending: Some(pending),
            },
            Err(e) => Stored {
                outcomes: group
                    .iter()
                    .map(|job| Outcome::failed(&job.submission, Error::unavailable(&e)))
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
        // after the group is handed on, so no request waits for it, and in a transaction of
        // its own, so no flag shares one with the answers it counts
        let bursts = watch.take_found();
        if !bursts.is_empty() {
            match writer.with_connection(|conn| flags::record_bursts(conn, &bursts)) {
                Ok((Ok(()), _)) => {}
                Ok((Err(e), _)) => tracing::warn!(error = %e, "storing burst flags failed"),
                Err(e) => tracing::warn!(error = %e, "storing burst flags failed"),
            }
        }
        // made durable by the next group's sync (a sweep lost in a power cut is done again)
        let now = crate::domain::now();
        if now.saturating_sub(swept_at) >= KEY_SWEEP_SECONDS {
            swept_at = now;
            match writer.with_connection(|conn| submissions::sweep_keys(conn, now)) {
                Ok((Ok(_), _)) => {}
                Ok((Err(e), _)) => tracing::warn!(error = %e, "sweeping submission keys failed"),
                Err(e) => tracing::warn!(error = %e, "sweeping submission keys failed"),
            }
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
            .filter(|o| o.is_stored())
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
            (false, Outcome::Answers(Ok(()))) => {
                Outcome::Answers(Err(Error::internal_logged().into()))
            }
            (false, Outcome::Ballot(Ok(_))) => Outcome::Ballot(Err(Error::internal_logged())),
            (_, outcome) => outcome,
        };
        // a request whose client went away has nobody to answer; its item stays stored
        match (job.reply, outcome) {
            (Reply::Answers(reply), Outcome::Answers(r)) => drop(reply.send(r)),
            (Reply::Ballot(reply), Outcome::Ballot(r)) => drop(reply.send(r)),
            _ => unreachable!("outcomes follow the jobs"),
        }
    }
}

#[cfg(test)]
mod tests {
    use canvass_protocol::forms::AnswerSet;
    use canvass_protocol::rounds::Ballot;
    use canvass_protocol::ErrorCode;

    use super::*;
    use crate::domain::error::Thing;

    fn survey_job() -> (Job, oneshot::Receiver<Result<(), Rejection>>) {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            submission: Submission::Answers(Answers {
                slug: "s".into(),
                body: SubmitResponse {
                    version: 1,
                    target_unit_id: 1,
                    respondent_unit_id: None,
                    answers: AnswerSet::new(),
                    submission_key: None,
                    code: None,
                },
                checked: Cell::new(None),
                now: 0,
            }),
            reply: Reply::Answers(reply),
        };
        (job, answer)
    }

    fn ballot_job() -> (Job, oneshot::Receiver<Result<bool, Error>>) {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            submission: Submission::Ballot(BallotCast {
                slug: "b".into(),
                request: CastRequest {
                    code: "c".into(),
                    ballot: Ballot {
                        elector_group: String::new(),
                        marks: Vec::new(),
                    },
                },
            }),
            reply: Reply::Ballot(reply),
        };
        (job, answer)
    }

    fn internal(result: Result<(), Rejection>) -> Error {
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
                    Outcome::Answers(Ok(())),
                    Outcome::Answers(Err(Error::not_found(Thing::Survey).into())),
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
        assert!(e.is_server_fault());
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
                outcomes: vec![Outcome::Answers(Ok(()))],
                pending: Some(Pending::of_log(&dir.path().join("absent-wal"))),
            })
            .unwrap();
        drop(queue);
        sync_groups(&groups);
        assert!(later_rx.blocking_recv().unwrap().is_ok());
    }
}
