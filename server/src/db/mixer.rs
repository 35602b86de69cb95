//! The mixer: shortens the time during which the storage tells which ballot code cast which
//! ballot while a round is open (docs/privacy.md, "The linking window").
//!
//! Redeeming a code and storing its ballot are one transaction, and must stay so: a code is
//! never spent without its ballot, nor a ballot stored without spending a code. So right after
//! a ballot is stored, the storage holds the two written together:
//!
//! * on PostgreSQL the ballot's row and its code's row carry the id of the transaction that
//!   wrote them (`xmin`, readable by anyone who may read the tables), and both lie where new
//!   row versions go, in the order of voting (`ctid`); the versions they replaced stay on their
//!   pages, with their own ids, until vacuum removes them;
//! * on SQLite the commit's pages (the ballot's page, the code's page) are frames of the
//!   write-ahead log (`-wal`), one commit after another, and the log's index (`-shm`) lists
//!   which page each frame holds.
//!
//! A group commit (`commit.rs`) stores every ballot waiting at the moment in one transaction,
//! so ballots cast at once hide among each other; but at a meeting electors vote one after
//! another, and a ballot cast alone is its own transaction. The mixer's thread looks every
//! `ballot_mix_interval_ms` (2 s by default) at the live counts (`round_ballot_counts`, one row
//! per round and elector group), and where ballots were stored since it last looked:
//!
//! * **PostgreSQL**: in each elector group of an open round, the ballots that share their
//!   transaction id with fewer than [`MIN_CLASS`] ballots of the group (those stored alone or in
//!   a small group since the last mix) are rewritten by one transaction, deleted and inserted
//!   again in a random order, with their codes; when they are fewer than [`MIN_CLASS`] they are
//!   joined by as many ballots and as many used codes drawn at random from the largest earlier
//!   mix (or by the whole of it, when taking them would leave it smaller than [`MIN_CLASS`]).
//!   The group's tally and count rows are rewritten as they are. Afterwards every ballot of the
//!   group shares its transaction id with at least [`MIN_CLASS`] ballots and as many codes (with
//!   all of them when the group has fewer), and lies in a random place among them
//!   ([`plan_mix`], `rounds::mix_group`). At the next look the superseded row versions are
//!   vacuumed. Closing the round still rewrites the whole round (`rounds::reshuffle`).
//! * **SQLite**: the log is copied into the database file and cut to nothing
//!   ([`Writer::empty_log`]), and a write of one page that changes nothing clears the log's
//!   index. SQLite rows carry no transaction id, and a code's row is rewritten in place when it
//!   is used (its record keeps its size), so the database file links nothing; only the log did.
//!   A log file larger than [`SMALL_LOG`], which a burst of writes leaves behind, is emptied
//!   only once the writer pauses for [`PAUSE`], or [`LONGEST_WAIT`] after the mixer saw the
//!   ballots: cutting it while writes go on would cost them (SQLite grows the file anew).
//!
//! None of this touches what a ballot or a code says, nor when a code counts as used: the
//! rewrite happens in one transaction, after the ballot's own, and a code used before it stays
//! used. The thread ends when its handle is dropped.

use std::collections::HashMap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::rounds::{self, BallotTotal, MixPlan};
use super::{Backend, DbConnection, Pool, StoreError, Writer};

/// The fewest ballots of an elector group a mix leaves sharing one transaction id (all of the
/// group's, when it has fewer): each ballot's anonymity set once mixed.
pub const MIN_CLASS: usize = 50;

/// How long emptying SQLite's log waits for readers still using it (while the writer waits
/// too) before it gives way, to try again [`RETRY`] later.
const READERS_WAIT: Duration = Duration::from_millis(50);

/// How soon an emptying that gave way to readers or waits for a pause, or a mix that failed,
/// is tried again.
const RETRY: Duration = Duration::from_millis(100);

/// The largest SQLite log emptied as soon as ballots were stored (4 MiB, some 1,000 pages:
/// while ballots come one by one, as at a meeting, the log stays far smaller). Cutting a larger
/// one, which a burst of writes leaves behind, costs the writes that follow: SQLite writes
/// the log anew, growing the file again, instead of over its old frames (docs/performance.md).
const SMALL_LOG: u64 = 4 * 1024 * 1024;

/// A larger log is emptied once the writer has paused this long ...
const PAUSE: Duration = Duration::from_millis(100);

/// ... or once ballots have waited this long since the mixer first saw them.
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// The mixer's thread; it ends when this handle is dropped.
pub struct Mixer {
    _stop: mpsc::Sender<()>,
}

impl Mixer {
    /// Starts the thread, looking every `interval`; `None` when no thread can be started. On
    /// PostgreSQL it first warns about server settings that keep what the mixer removes
    /// ([`deployment_warnings`]).
    #[must_use]
    pub fn start(pool: Pool, backend: Backend, writer: Writer, interval: Duration) -> Option<Self> {
        if backend == Backend::Postgres {
            match server_settings(&pool) {
                Ok(settings) => {
                    for warning in deployment_warnings(&settings) {
                        tracing::warn!("{warning} (docs/deployment.md)");
                    }
                }
                Err(error) => tracing::warn!(%error, "reading PostgreSQL's settings failed"),
            }
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let mut mixing = Mixing {
            pool,
            backend,
            writer,
            seen: HashMap::new(),
            vacuum_due: false,
            again: false,
            waiting_since: None,
        };
        std::thread::Builder::new()
            .name("canvass-mix".into())
            .spawn(move || loop {
                let wait = if mixing.again {
                    RETRY.min(interval)
                } else {
                    interval
                };
                if !matches!(stopped.recv_timeout(wait), Err(RecvTimeoutError::Timeout)) {
                    break;
                }
                if let Err(error) = mixing.look() {
                    mixing.again = true;
                    tracing::warn!(%error, "mixing the ballots failed; trying again");
                }
            })
            .ok()?;
        Some(Self { _stop: stop })
    }
}

/// What the mixer's thread keeps between two looks.
struct Mixing {
    pool: Pool,
    backend: Backend,
    writer: Writer,
    /// The ballots of each (round, elector group) when last mixed.
    seen: HashMap<(i64, String), i64>,
    /// Whether the last look rewrote rows, whose superseded versions are to be vacuumed.
    vacuum_due: bool,
    /// Whether something is left to do (the log could not be emptied yet, a mix failed).
    again: bool,
    /// SQLite: when the mixer first saw ballots that are still in the log.
    waiting_since: Option<std::time::Instant>,
}

impl Mixing {
    /// Mixes what was stored since the last look.
    fn look(&mut self) -> Result<(), StoreError> {
        let mut conn = self.pool.get()?;
        if std::mem::take(&mut self.vacuum_due) {
            // a look later than the mix, so that no transaction that began before it still
            // keeps the old versions alive; never waits for another vacuum of the same table
            conn.batch_execute(
                "VACUUM (SKIP_LOCKED, TRUNCATE OFF) ballots, ballot_codes, round_tallies, \
                 round_ballot_counts",
            )?;
        }
        let changed: Vec<BallotTotal> = rounds::ballot_totals(&mut conn)?
            .into_iter()
            .filter(|t| self.seen.get(&(t.round_id, t.group.clone())) != Some(&t.ballots))
            .collect();
        self.again = false;
        match self.backend {
            Backend::Postgres => {
                for total in changed {
                    if total.open {
                        match mix_group(&mut conn, total.round_id, &total.group, MIN_CLASS) {
                            Ok(moved) => self.vacuum_due |= moved > 0,
                            Err(error) => {
                                tracing::warn!(%error, round = total.round_id, "mixing ballots failed; trying again");
                                self.again = true;
                                continue;
                            }
                        }
                    }
                    self.seen
                        .insert((total.round_id, total.group), total.ballots);
                }
            }
            Backend::Sqlite => {
                if changed.is_empty() {
                    return Ok(());
                }
                let since = *self
                    .waiting_since
                    .get_or_insert_with(std::time::Instant::now);
                let (size, paused) = self.writer.log_state(PAUSE);
                if !empty_log_now(size, paused, since.elapsed()) {
                    self.again = true;
                    return Ok(());
                }
                // most of the log is copied here, beside the writer, which goes on meanwhile
                conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")?;
                drop(conn);
                if !self.writer.empty_log(READERS_WAIT)? {
                    self.again = true;
                    return Ok(());
                }
                self.waiting_since = None;
                for total in changed {
                    self.seen
                        .insert((total.round_id, total.group), total.ballots);
                }
            }
        }
        Ok(())
    }
}

/// Whether to empty a SQLite log of `size` bytes holding ballots the mixer first saw `waited`
/// ago, the writer having `paused` or not: at once when the log is small, else at a pause or
/// when they have waited too long.
fn empty_log_now(size: u64, paused: bool, waited: Duration) -> bool {
    size <= SMALL_LOG || paused || waited >= LONGEST_WAIT
}

/// Mixes one elector group of an open round (PostgreSQL) as [`plan_mix`] plans it with
/// classes of at least `min_class` ballots; see [`rounds::mix_group`]. Returns how many ballots
/// it rewrote.
pub fn mix_group(
    conn: &mut DbConnection,
    round_id: i64,
    group: &str,
    min_class: usize,
) -> Result<usize, StoreError> {
    rounds::mix_group(conn, round_id, group, |classes| {
        plan_mix(classes, min_class)
    })
}

/// Plans the mix of an elector group whose ballots were written by the transactions `classes`
/// (transaction id, ballots), so that afterwards every ballot shares its transaction id with
/// at least `min_class` ballots (all of the group's when it has fewer): the transactions with
/// fewer ballots than that are mixed together, and, when they hold fewer than `min_class`
/// together, with ballots drawn from the largest transaction (all of it when drawing them
/// would leave it with fewer than `min_class`). `None` when nothing is to be done: every
/// transaction holds `min_class` ballots or more, or one transaction holds them all.
#[must_use]
pub fn plan_mix(classes: &[(String, usize)], min_class: usize) -> Option<MixPlan> {
    type Classes<'a> = Vec<&'a (String, usize)>;
    let (small, large): (Classes<'_>, Classes<'_>) =
        classes.iter().partition(|(_, n)| *n < min_class);
    if small.is_empty() || (small.len() == 1 && large.is_empty()) {
        return None;
    }
    let mut whole: Vec<String> = small.iter().map(|(xid, _)| xid.clone()).collect();
    let together: usize = small.iter().map(|(_, n)| n).sum();
    let mut part = None;
    if let (Some(need), Some((donor, n))) = (
        min_class.checked_sub(together).filter(|need| *need > 0),
        large.iter().max_by_key(|(_, n)| *n),
    ) {
        if n - need >= min_class {
            part = Some((donor.clone(), need));
        } else {
            whole.push(donor.clone());
        }
    }
    Some(MixPlan { whole, part })
}

/// PostgreSQL settings that keep what the mixer removes, by name.
fn server_settings(pool: &Pool) -> Result<Vec<(String, String)>, StoreError> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        setting: String,
    }
    let mut conn = pool.get()?;
    Ok(diesel::sql_query(
        "SELECT name, setting FROM pg_settings WHERE name IN \
         ('track_commit_timestamp', 'log_statement', 'log_min_duration_statement')",
    )
    .load::<Setting>(&mut conn)?
    .into_iter()
    .map(|s| (s.name, s.setting))
    .collect())
}

/// What is wrong with PostgreSQL's `settings` (name, value) for the promise that nobody can
/// tell which code cast which ballot, one sentence each (docs/deployment.md lists them).
#[must_use]
pub fn deployment_warnings(settings: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, value) in settings {
        match (name.as_str(), value.as_str()) {
            ("track_commit_timestamp", "on") => out.push(
                "PostgreSQL keeps the commit time of every transaction (track_commit_timestamp \
                 is on): pg_xact_commit_timestamp tells when each ballot was cast; turn it off"
                    .to_string(),
            ),
            ("log_statement", "mod" | "all") => out.push(format!(
                "PostgreSQL logs every write with its values (log_statement = {value}), so its \
                 log links each ballot to its code; set log_statement to none or ddl"
            )),
            ("log_min_duration_statement", v) if v != "-1" => out.push(format!(
                "PostgreSQL logs statements slower than {v} ms with their values \
                 (log_min_duration_statement), which can link a ballot to its code; set it to -1"
            )),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(list: &[(&str, usize)]) -> Vec<(String, usize)> {
        list.iter().map(|(x, n)| ((*x).to_string(), *n)).collect()
    }

    fn plan(whole: &[&str], part: Option<(&str, usize)>) -> MixPlan {
        MixPlan {
            whole: whole.iter().map(|x| (*x).to_string()).collect(),
            part: part.map(|(x, n)| (x.to_string(), n)),
        }
    }

    #[test]
    fn transactions_with_too_few_ballots_are_mixed_until_each_holds_enough() {
        // nothing stored, or everything written together, or every transaction large enough
        assert_eq!(plan_mix(&[], 5), None);
        assert_eq!(plan_mix(&classes(&[("a", 3)]), 5), None);
        assert_eq!(plan_mix(&classes(&[("a", 5), ("b", 9)]), 5), None);
        // ballots stored alone, fewer than the least in all: all of them together
        assert_eq!(
            plan_mix(&classes(&[("a", 1), ("b", 1), ("c", 2)]), 5),
            Some(plan(&["a", "b", "c"], None))
        );
        // enough of them together: among themselves
        assert_eq!(
            plan_mix(&classes(&[("m", 50), ("a", 3), ("b", 4)]), 5),
            Some(plan(&["a", "b"], None))
        );
        // too few: joined by ballots of the largest earlier mix, which keeps enough
        assert_eq!(
            plan_mix(&classes(&[("m", 7), ("n", 12), ("a", 1)]), 5),
            Some(plan(&["a"], Some(("n", 4))))
        );
        // or by the whole of it, when drawing them would leave it too small
        assert_eq!(
            plan_mix(&classes(&[("m", 6), ("a", 1), ("b", 1)]), 5),
            Some(plan(&["a", "b", "m"], None))
        );
    }

    #[test]
    fn a_group_mixed_one_ballot_at_a_time_keeps_every_transaction_large_enough() {
        // ballots arrive one at a time; each look mixes; no transaction is ever left below the
        // least, and no look rewrites more than twice the least and the new ballot
        let min = 5;
        let mut groups: Vec<(String, usize)> = Vec::new();
        let mut next = 0;
        for _ in 0..60 {
            next += 1;
            groups.push((format!("cast{next}"), 1));
            let Some(plan) = plan_mix(&groups, min) else {
                continue;
            };
            let mut moved = 0;
            groups.retain(|(xid, n)| {
                let taken = plan.whole.contains(xid);
                if taken {
                    moved += n;
                }
                !taken
            });
            if let Some((xid, take)) = &plan.part {
                let donor = groups.iter_mut().find(|(x, _)| x == xid).unwrap();
                donor.1 -= take;
                moved += take;
            }
            assert!(moved <= 2 * min + 1, "{moved}");
            next += 1;
            groups.push((format!("mix{next}"), moved));
            let total: usize = groups.iter().map(|(_, n)| n).sum();
            for (_, n) in &groups {
                assert!(*n >= min.min(total), "{groups:?}");
            }
        }
    }

    #[test]
    fn a_large_log_is_emptied_at_a_pause_or_when_the_ballots_have_waited_too_long() {
        let busy = false;
        let now = Duration::ZERO;
        assert!(empty_log_now(0, busy, now));
        assert!(empty_log_now(SMALL_LOG, busy, now));
        assert!(!empty_log_now(SMALL_LOG + 1, busy, now));
        assert!(!empty_log_now(SMALL_LOG + 1, busy, LONGEST_WAIT / 2));
        assert!(empty_log_now(SMALL_LOG + 1, true, now));
        assert!(empty_log_now(SMALL_LOG + 1, busy, LONGEST_WAIT));
    }

    #[test]
    fn settings_that_keep_the_link_are_named() {
        let settings = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
                .collect()
        };
        assert!(deployment_warnings(&settings(&[
            ("track_commit_timestamp", "off"),
            ("log_statement", "ddl"),
            ("log_min_duration_statement", "-1"),
        ]))
        .is_empty());
        let warnings = deployment_warnings(&settings(&[
            ("track_commit_timestamp", "on"),
            ("log_statement", "mod"),
            ("log_min_duration_statement", "250"),
        ]));
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("track_commit_timestamp"));
        assert!(warnings[1].contains("log_statement = mod"));
        assert!(warnings[2].contains("250 ms"));
    }
}
