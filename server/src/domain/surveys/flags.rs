//! Anomaly flags for review, for every survey, computed without storing anything that links an
//! answer to a person (docs/privacy.md, "Anomaly flags"):
//!
//! - a **burst**: at least [`BURST_SIZE`] identical answer sets for one target unit within
//!   [`BURST_WINDOW`] seconds, as public answers arrive. The group-commit thread keeps, in
//!   memory only and for the window alone, a digest of each public answer set with its arrival
//!   time; what is stored is the flag: the survey, the target, the hour and how many sets were
//!   identical (never which set, never a time finer than the hour). A burst is as large as the
//!   smallest group the results show, so a flag says nothing about fewer people than a figure
//!   would.
//! - a **village far above its share**: a village whose share of the answers (among villages
//!   with a population) is at least [`SHARE_FACTOR`] times its share of their population, and
//!   at least [`SHARE_MARGIN`] above it, with at least [`SHARE_MIN_ANSWERS`] answers; computed
//!   from the counts kept for the results.

use std::collections::{BTreeMap, HashMap, VecDeque};

use canvass_protocol::forms::ValidatedAnswers;
use canvass_protocol::surveys::AnomalyFlag;
use sha2::{Digest, Sha256};

use super::answers::Stored;
use crate::db::surveys::{SurveyRow, TargetRow};
use crate::db::{self, survey_codes as store, DbConnection};
use crate::domain::error::Error;

/// Identical answer sets for one target within [`BURST_WINDOW`] that make a burst (the
/// smallest group size any figure may rest on).
pub const BURST_SIZE: usize = 5;
/// The window of a burst, in seconds.
pub const BURST_WINDOW: i64 = 600;
/// Most answer sets the burst watch keeps at once: past it, those seen only once are forgotten
/// first (then all), so its memory stays bounded under any flood (a few MB), at the cost of
/// missing a burst whose first set was forgotten.
pub const BURST_TRACKED: usize = 100_000;
/// How many times its population share a village's answer share must be to be flagged.
pub const SHARE_FACTOR: f64 = 2.0;
/// How far (0 to 1) a village's answer share must be above its population share.
pub const SHARE_MARGIN: f64 = 0.05;
/// Fewest answers from a village for its share to be flagged.
pub const SHARE_MIN_ANSWERS: u64 = 10;

/// A public answer set just stored, as the burst watch sees it: its survey and target, a
/// digest of its version and answers, and when it came. Kept in memory for the window only.
pub struct Seen {
    survey_id: i64,
    target_unit_id: i64,
    digest: [u8; 32],
    at: i64,
}

impl Seen {
    /// What the watch keeps of an answer set stored at `now`.
    #[must_use]
    pub fn of(stored: &Stored, validated: &ValidatedAnswers, now: i64) -> Self {
        let mut hash = Sha256::new();
        hash.update(stored.version.to_be_bytes());
        hash.update(serde_json::to_vec(validated).unwrap_or_default());
        Self {
            survey_id: stored.survey_id,
            target_unit_id: stored.target_unit_id,
            digest: hash.finalize().into(),
            at: now,
        }
    }
}

/// A burst found: the survey, the target, the hour it came in and how many identical sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Burst {
    pub survey_id: i64,
    pub target_unit_id: i64,
    pub hour: i64,
    pub identical: usize,
}

/// The answer sets of the last [`BURST_WINDOW`] seconds, by survey, target and digest, and the
/// bursts found among them but not yet stored. Owned by the group-commit thread.
#[derive(Default)]
pub struct BurstWatch {
    recent: HashMap<(i64, i64, [u8; 32]), VecDeque<i64>>,
    found: Vec<Burst>,
    pruned_at: i64,
}

impl BurstWatch {
    /// Notes answer sets stored in one committed transaction.
    pub fn note_all(&mut self, seen: Vec<Seen>) {
        for s in seen {
            self.note(s);
        }
    }

    /// Notes one answer set; a burst is found when the window holds [`BURST_SIZE`] or more
    /// identical ones for its target.
    pub fn note(&mut self, seen: Seen) {
        let since = seen.at - BURST_WINDOW;
        if seen.at - self.pruned_at >= BURST_WINDOW {
            self.recent
                .retain(|_, times| times.back().is_some_and(|t| *t > since));
            self.pruned_at = seen.at;
        }
        if self.recent.len() >= BURST_TRACKED {
            self.recent.retain(|_, times| times.len() > 1);
            if self.recent.len() >= BURST_TRACKED {
                self.recent.clear();
            }
        }
        let times = self
            .recent
            .entry((seen.survey_id, seen.target_unit_id, seen.digest))
            .or_default();
        while times.front().is_some_and(|t| *t <= since) {
            times.pop_front();
        }
        times.push_back(seen.at);
        if times.len() >= BURST_SIZE {
            let burst = Burst {
                survey_id: seen.survey_id,
                target_unit_id: seen.target_unit_id,
                hour: seen.at.div_euclid(3600) * 3600,
                identical: times.len(),
            };
            match self.found.iter_mut().find(|b| {
                (b.survey_id, b.target_unit_id, b.hour)
                    == (burst.survey_id, burst.target_unit_id, burst.hour)
            }) {
                Some(b) => b.identical = b.identical.max(burst.identical),
                None => self.found.push(burst),
            }
        }
    }

    /// The bursts found since the last call.
    pub fn take_found(&mut self) -> Vec<Burst> {
        std::mem::take(&mut self.found)
    }
}

/// Stores bursts found, in a transaction of their own (not the answers' one).
///
/// # Errors
/// When the database fails.
pub fn record_bursts(conn: &mut DbConnection, bursts: &[Burst]) -> Result<(), Error> {
    db::write_transaction(conn, |conn| {
        for b in bursts {
            store::record_burst(
                conn,
                b.survey_id,
                b.target_unit_id,
                b.hour,
                i64::try_from(b.identical).unwrap_or(i64::MAX),
            )?;
        }
        Ok::<_, Error>(())
    })
}

/// One village's answers and population, to compare their shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageFigures {
    pub unit_id: i64,
    pub name: String,
    pub answers: u64,
    pub population: Option<u64>,
}

#[allow(clippy::cast_precision_loss)]
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The villages whose share of the answers is far above their share of the population, among
/// the villages with a population.
#[must_use]
pub fn village_share_flags(villages: &[VillageFigures]) -> Vec<AnomalyFlag> {
    let counted: Vec<(&VillageFigures, u64)> = villages
        .iter()
        .filter_map(|v| v.population.filter(|p| *p > 0).map(|p| (v, p)))
        .collect();
    let people: u64 = counted.iter().map(|(_, p)| p).sum();
    let answers: u64 = counted.iter().map(|(v, _)| v.answers).sum();
    counted
        .into_iter()
        .filter_map(|(v, population)| {
            let answer_share = share(v.answers, answers);
            let population_share = share(population, people);
            (v.answers >= SHARE_MIN_ANSWERS
                && answer_share >= population_share * SHARE_FACTOR
                && answer_share - population_share >= SHARE_MARGIN)
                .then(|| AnomalyFlag::VillageShare {
                    unit_id: v.unit_id,
                    village: v.name.clone(),
                    answers: v.answers,
                    answer_share,
                    population_share,
                })
        })
        .collect()
}

/// The flags of survey `row`: its bursts, then its villages far above their share;
/// `per_village` is its answer count per village (0: not stated).
///
/// # Errors
/// When the database fails.
pub fn flags(
    conn: &mut DbConnection,
    row: &SurveyRow,
    targets: &[TargetRow],
    per_village: &BTreeMap<i64, u64>,
) -> Result<Vec<AnomalyFlag>, Error> {
    let mut out: Vec<AnomalyFlag> = store::bursts(conn, row.id)?
        .into_iter()
        .map(|(target_unit_id, hour, identical)| AnomalyFlag::Burst {
            target_unit_id,
            target: targets
                .iter()
                .find(|t| t.unit_id == target_unit_id)
                .map_or_else(|| format!("#{target_unit_id}"), |t| t.name.clone()),
            hour,
            identical: u64::try_from(identical).unwrap_or(0),
        })
        .collect();
    let mut villages = Vec::new();
    for (&id, &answers) in per_village {
        if id == 0 {
            continue;
        }
        let unit = db::units::find(conn, id)?;
        villages.push(VillageFigures {
            unit_id: id,
            name: unit.name,
            answers,
            population: unit.population.and_then(|p| u64::try_from(p).ok()),
        });
    }
    out.extend(village_share_flags(&villages));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use canvass_protocol::surveys::AnomalyFlag;

    use super::{
        village_share_flags, Burst, BurstWatch, Seen, VillageFigures, BURST_TRACKED, BURST_WINDOW,
    };

    fn seen(target: i64, answer: u8, at: i64) -> Seen {
        Seen {
            survey_id: 1,
            target_unit_id: target,
            digest: [answer; 32],
            at,
        }
    }

    #[test]
    fn the_watch_keeps_at_most_its_bound_and_forgets_sets_seen_once_first() {
        let mut watch = BurstWatch::default();
        let at = 1_800_000_000;
        // a set seen twice, then a flood of distinct sets within the window
        watch.note(seen(7, 1, at));
        watch.note(seen(7, 1, at + 1));
        for i in 0..BURST_TRACKED + 10 {
            let mut s = seen(8, 0, at + 2);
            s.digest[..8].copy_from_slice(&(i as u64).to_be_bytes());
            s.digest[8] = 0xff;
            watch.note(s);
            assert!(watch.recent.len() <= BURST_TRACKED);
        }
        // the repeated set survived the forgetting and still makes a burst
        for i in 0..3 {
            watch.note(seen(7, 1, at + 3 + i));
        }
        assert_eq!(watch.take_found().len(), 1);
    }

    #[test]
    fn five_identical_answer_sets_within_minutes_are_a_burst() {
        let mut watch = BurstWatch::default();
        let hour = 1_800_000_000; // a whole hour
        let start = hour + 60;
        for i in 0..6 {
            watch.note(seen(7, 1, start + i * 30));
        }
        assert_eq!(
            watch.take_found(),
            [Burst {
                survey_id: 1,
                target_unit_id: 7,
                hour,
                identical: 6
            }]
        );
        assert!(watch.take_found().is_empty(), "taken once");
    }

    #[test]
    fn ordinary_traffic_is_no_burst() {
        let mut watch = BurstWatch::default();
        let start = 1_800_000_000;
        // the same popular answer set, but spread over the day
        for i in 0..40 {
            watch.note(seen(7, 1, start + i * (BURST_WINDOW / 2)));
        }
        // many answers at once, but different ones, or for different targets
        for i in 0..20 {
            watch.note(seen(7, u8::try_from(i).unwrap() + 2, start + 5));
        }
        for target in 0..4 {
            watch.note(seen(target + 10, 1, start + 5));
        }
        assert!(watch.take_found().is_empty());
    }

    fn village(id: i64, answers: u64, population: Option<u64>) -> VillageFigures {
        VillageFigures {
            unit_id: id,
            name: format!("v{id}"),
            answers,
            population,
        }
    }

    #[test]
    fn a_village_far_above_its_population_share_is_flagged() {
        let flags = village_share_flags(&[
            village(1, 60, Some(1000)),
            village(2, 10, Some(1000)),
            village(3, 10, Some(1000)),
            village(4, 10, Some(1000)),
            village(5, 500, None),
        ]);
        assert_eq!(flags.len(), 1, "{flags:?}");
        let AnomalyFlag::VillageShare {
            unit_id,
            answers,
            answer_share,
            population_share,
            ..
        } = &flags[0]
        else {
            panic!("{flags:?}")
        };
        assert_eq!((*unit_id, *answers), (1, 60));
        assert!((answer_share - 60.0 / 90.0).abs() < 1e-9);
        assert!((population_share - 0.25).abs() < 1e-9);
    }

    #[test]
    fn shares_near_the_population_and_small_villages_are_not_flagged() {
        assert!(village_share_flags(&[
            village(1, 30, Some(1000)),
            village(2, 25, Some(1000)),
            village(3, 20, Some(800)),
        ])
        .is_empty());
        // far above its share, but too few answers to say anything
        assert!(
            village_share_flags(&[village(1, 9, Some(10)), village(2, 1, Some(1000))]).is_empty()
        );
    }
}
