//! What someone who holds the database can tell about electronic ballots: which stored ballot
//! was cast with which ballot code (docs/privacy.md, "The linking window").
//!
//! [`Meeting`] runs an appraisal meeting against a test server: a round of six officials and
//! the team with two elector groups, codes for each, ballots cast one at a time or in bursts.
//! It keeps the truth, which code cast which ballot (every ballot's marks are its own), and
//! each tool below plays an operator looking at the storage: for every stored ballot it names
//! the codes that ballot could have been cast with, and [`Linkage`] scores that against the
//! truth.
//!
//! * [`transaction_ids`] (PostgreSQL, any role that may read the tables): `SELECT xmin` of the
//!   ballots and the used codes; a ballot and a code written by one transaction belong together.
//! * [`row_versions`] (PostgreSQL, a superuser with `pageinspect`): the same over every version
//!   of each row still on its page, superseded ones included.
//! * [`physical_order`] (PostgreSQL): how far the physical order of ballots and of used codes
//!   (`ctid`) follows the order of voting; when both do, the n-th ballot goes with the n-th code.
//! * [`LogCopy`] (SQLite): a copy of the database file with its `-wal` and `-shm` files. Each
//!   commit in the log is compared, page by page, with the version of the same page before it
//!   (an earlier frame, or the database file): the ballots it added and the codes it marked used
//!   belong together. Frames of earlier log cycles that are still in the file count too. It
//!   also tells which pages the log and the `-shm` index hold, and the order in which ballots
//!   lie on their pages.
//!
//! The `linking_window` tests hold the bound; the ignored `measure_linking_window` test prints
//! the figures of docs/privacy.md (how to run it is written there).

// the truth is always the map `Meeting::truth` makes
#![allow(clippy::implicit_hasher)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use canvass_protocol::rounds::{BallotCode, CastBallot};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use serde_json::{json, Value};

use crate::fixtures;
use crate::inspect;
use crate::server::{Api, TestApp};

/// The elector groups of the meeting's round.
pub const GROUPS: [&str; 2] = ["cadres", "public"];

/// Officials on the ballot (with the team, 4^7 different ballots can be told apart).
const OFFICIALS: usize = 6;

/// Grades given to officials ("excellent" is left out, so that no ballot breaks the quota).
const OFFICIAL_GRADES: [Option<&str>; 4] = [
    None,
    Some("competent"),
    Some("basically_competent"),
    Some("incompetent"),
];
const TEAM_GRADES: [&str; 4] = ["good", "fairly_good", "average", "poor"];

/// A ballot told apart from every other by its grades, in ballot order.
type Signature = Vec<Option<String>>;

/// A ballot as the truth knows it.
#[derive(Debug, Clone)]
pub struct Truth {
    /// The hash of the code that cast it.
    pub code: String,
    pub group: String,
    /// Its place in the order of casting (0 first).
    pub order: usize,
}

/// An appraisal meeting on a test server, with the truth of every ballot cast.
pub struct Meeting {
    pub round_id: i64,
    slug: String,
    organiser: String,
    address: String,
    url: String,
    pepper: String,
    officials: Vec<i64>,
    unused: HashMap<&'static str, Vec<String>>,
    /// (group, code hash, signature) of each ballot cast, in order.
    cast: Vec<(&'static str, String, Signature)>,
    /// The codes used, in order.
    spent: Vec<String>,
}

impl Meeting {
    /// Sets up a county, six officials and a round with [`GROUPS`], opens it and generates
    /// `codes` codes for each group.
    #[must_use]
    pub fn open(app: &TestApp, codes: u32) -> Self {
        let admin = app.admin_token();
        let county = fixtures::county(app, &admin);
        let officials: Vec<i64> = (0..OFFICIALS)
            .map(|i| {
                let (status, body) = app.call(
                    "POST",
                    "/api/v1/officials",
                    Some(&county.organiser),
                    Some(&json!({"unit_id": county.township, "name": format!("干部{i}"), "position": "班子成员"})),
                );
                assert_eq!(status, 201, "{body}");
                body["id"].as_i64().expect("an official id")
            })
            .collect();
        let subjects: Vec<Value> = officials
            .iter()
            .map(|id| json!({"official_id": id, "name": format!("#{id}"), "position": "班子成员"}))
            .collect();
        let definition = json!({
            "period": "2026年度",
            "series": {"id": "dongshan-annual", "name": "东山镇领导班子年度民主测评"},
            "officials": subjects,
            "team": {"name": "东山镇领导班子", "principal_leader": officials[0]},
            "elector_groups": [
                {"id": GROUPS[0], "label": "干部", "weight": 0.6},
                {"id": GROUPS[1], "label": "群众代表", "weight": 0.4}
            ],
            "validity_rules": [{"kind": "max_grade_count", "grade": "excellent", "max": 2}],
            "flag_rules": [],
            "disclosure": {"counts": 5, "comments": 10}
        });
        let (status, round) = app.call(
            "POST",
            "/api/v1/rounds",
            Some(&county.organiser),
            Some(&json!({"definition": definition, "unit_id": county.township})),
        );
        assert_eq!(status, 201, "{round}");
        let round_id = round["id"].as_i64().expect("a round id");
        let slug = round["ballot_url"]
            .as_str()
            .and_then(|u| u.rsplit('/').next())
            .expect("a ballot link")
            .to_string();
        let (status, body) = app.call(
            "POST",
            &format!("/api/v1/rounds/{round_id}/open"),
            Some(&county.organiser),
            None,
        );
        assert_eq!(status, 200, "{body}");
        let pepper = inspect::strings(
            app.db.url(),
            "SELECT value AS v FROM server_secrets WHERE name = 'ballot_code_pepper'",
        )[0]
        .clone()
        .expect("the code secret");
        let mut meeting = Self {
            round_id,
            slug,
            organiser: county.organiser,
            address: app.address.clone(),
            url: app.db.url().to_string(),
            pepper,
            officials,
            unused: HashMap::new(),
            cast: Vec::new(),
            spent: Vec::new(),
        };
        for group in GROUPS {
            let list = meeting.codes(app, group, codes);
            meeting.unused.insert(group, list);
        }
        meeting
    }

    fn codes(&self, api: &Api, group: &str, count: u32) -> Vec<String> {
        let (status, body) = api.call(
            "POST",
            &format!("/api/v1/rounds/{}/codes", self.round_id),
            Some(&self.organiser),
            Some(&json!({"elector_group": group, "count": count})),
        );
        assert_eq!(status, 201, "{body}");
        body["codes"]
            .as_array()
            .expect("codes")
            .iter()
            .map(|c| c.as_str().expect("a code").to_string())
            .collect()
    }

    /// The n-th ballot's marks (as sent) and grades (as stored).
    fn ballot(&self, n: usize) -> (Value, Signature) {
        let mut rest = n;
        let mut marks = Vec::new();
        let mut signature = Vec::new();
        for id in &self.officials {
            let grade = OFFICIAL_GRADES[rest % 4];
            rest /= 4;
            marks.push(match grade {
                Some(g) => json!({"subject": {"official": id}, "grade": g}),
                None => json!({"subject": {"official": id}}),
            });
            signature.push(grade.map(String::from));
        }
        let team = TEAM_GRADES[rest % 4];
        marks.push(json!({"subject": "team", "grade": team}));
        signature.push(Some(team.to_string()));
        (json!(marks), signature)
    }

    /// Takes the next unused code of `group` and the next ballot.
    fn next(&mut self, group: &'static str) -> (String, Value) {
        let code = self
            .unused
            .get_mut(group)
            .and_then(Vec::pop)
            .expect("an unused code left");
        let n = self.cast.len();
        assert!(n < 4_usize.pow(7), "no two ballots alike");
        let (marks, signature) = self.ballot(n);
        let parsed = BallotCode::parse(&code).expect("a well-formed code");
        let hash = canvass_server::domain::ballot_codes::code_hash(&self.pepper, &parsed);
        self.cast.push((group, hash, signature));
        self.spent.push(code.clone());
        (code, marks)
    }

    fn send(api: &Api, slug: &str, code: &str, marks: &Value) {
        let (status, body) = api.call(
            "POST",
            &format!("/api/v1/public/rounds/{slug}/ballots"),
            None,
            Some(&json!({"code": code, "ballot": {"elector_group": "", "marks": marks}})),
        );
        assert_eq!(status, 201, "{body}");
    }

    /// Casts one ballot in `group` and returns once it is stored.
    pub fn cast_one(&mut self, api: &Api, group: &'static str) {
        let (code, marks) = self.next(group);
        Self::send(api, &self.slug, &code, &marks);
    }

    /// Casts `n` ballots in `group` at once, each from a client of its own, and returns once
    /// all are stored.
    pub fn cast_burst(&mut self, group: &'static str, n: usize) {
        let ballots: Vec<(String, Value)> = (0..n).map(|_| self.next(group)).collect();
        let start = std::sync::Barrier::new(n);
        let (address, slug) = (&self.address, &self.slug);
        std::thread::scope(|scope| {
            for (code, marks) in &ballots {
                let start = &start;
                scope.spawn(move || {
                    let api = Api::new(address);
                    start.wait();
                    Self::send(&api, slug, code, marks);
                });
            }
        });
    }

    /// Sends a ballot with the first code used again: `(status, body)` of the answer.
    #[must_use]
    pub fn cast_again(&self, api: &Api) -> (u16, Value) {
        let (marks, _) = self.ballot(0);
        api.call(
            "POST",
            &format!("/api/v1/public/rounds/{}/ballots", self.slug),
            None,
            Some(&json!({"code": self.spent[0], "ballot": {"elector_group": "", "marks": marks}})),
        )
    }

    /// The round's exact results, as its organiser reads them.
    #[must_use]
    pub fn results(&self, api: &Api) -> Value {
        let (status, body) = api.call(
            "GET",
            &format!("/api/v1/rounds/{}/results", self.round_id),
            Some(&self.organiser),
            None,
        );
        assert_eq!(status, 200, "{body}");
        body
    }

    /// How many ballots were cast.
    #[must_use]
    pub fn ballots(&self) -> usize {
        self.cast.len()
    }

    /// Closes the round.
    pub fn close(&self, api: &Api) {
        let (status, body) = api.call(
            "POST",
            &format!("/api/v1/rounds/{}/close", self.round_id),
            Some(&self.organiser),
            None,
        );
        assert_eq!(status, 200, "{body}");
    }

    /// Every stored ballot of the round (by id) with the code that cast it and its place in
    /// the order of casting.
    ///
    /// # Panics
    /// When a stored ballot is none of those cast, or the number stored is not the number cast.
    #[must_use]
    pub fn truth(&self) -> HashMap<String, Truth> {
        let by_signature: HashMap<&Signature, (usize, &str, &String)> = self
            .cast
            .iter()
            .enumerate()
            .map(|(i, (group, hash, signature))| (signature, (i, *group, hash)))
            .collect();
        let rows = rows(
            &self.url,
            &format!(
                "SELECT id || '|' || marks AS v FROM ballots WHERE round_id = {}",
                self.round_id
            ),
        );
        let truth: HashMap<String, Truth> = rows
            .iter()
            .map(|row| {
                let cast: CastBallot = serde_json::from_str(&row[1]).expect("stored marks");
                let signature: Signature = cast
                    .grades
                    .iter()
                    .map(|g| g.grade.map(|x| x.as_str().to_string()))
                    .collect();
                let (order, group, code) = by_signature
                    .get(&signature)
                    .copied()
                    .expect("a ballot that was cast");
                assert_eq!(group, cast.elector_group);
                (
                    row[0].clone(),
                    Truth {
                        code: code.clone(),
                        group: group.to_string(),
                        order,
                    },
                )
            })
            .collect();
        assert_eq!(truth.len(), self.cast.len(), "every ballot stored once");
        truth
    }
}

/// Runs `sql`, which selects one text column `v` of fields joined by `|`, and splits each row.
fn rows(url: &str, sql: &str) -> Vec<Vec<String>> {
    inspect::strings(url, sql)
        .into_iter()
        .flatten()
        .map(|v| v.split('|').map(String::from).collect())
        .collect()
}

/// For each ballot id, the code hashes it could have been cast with; a ballot left out could
/// have been cast with any used code of its group.
pub type Candidates = HashMap<String, HashSet<String>>;

/// How well a tool linked ballots to their codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linkage {
    pub ballots: usize,
    /// Ballots named with one code only, and that the right one.
    pub linked: usize,
    /// The fewest codes a ballot was narrowed down to with its own code among them (its
    /// anonymity set); 0 without ballots.
    pub smallest_set: usize,
    /// Ballots named with codes that do not include their own (the tool was wrong).
    pub wrong: usize,
}

impl Linkage {
    /// Scores `candidates` against the truth.
    #[must_use]
    pub fn score(truth: &HashMap<String, Truth>, candidates: &Candidates) -> Self {
        let mut per_group: HashMap<&str, usize> = HashMap::new();
        for t in truth.values() {
            *per_group.entry(&t.group).or_default() += 1;
        }
        let mut out = Self {
            ballots: truth.len(),
            linked: 0,
            smallest_set: usize::MAX,
            wrong: 0,
        };
        for (id, t) in truth {
            match candidates.get(id) {
                Some(set) if !set.contains(&t.code) => out.wrong += 1,
                Some(set) => {
                    if set.len() == 1 {
                        out.linked += 1;
                    }
                    out.smallest_set = out.smallest_set.min(set.len());
                }
                None => out.smallest_set = out.smallest_set.min(per_group[t.group.as_str()]),
            }
        }
        if out.smallest_set == usize::MAX {
            out.smallest_set = 0;
        }
        out
    }
}

impl fmt::Display for Linkage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} linked, smallest set {}",
            self.linked, self.ballots, self.smallest_set
        )?;
        if self.wrong > 0 {
            write!(f, ", {} wrong", self.wrong)?;
        }
        Ok(())
    }
}

/// Candidates from row versions: each (key, group, transaction id) of a ballot and of a used
/// code. A ballot goes with the codes of its group written by a transaction that also wrote
/// it, the fewest such codes when it has several versions.
fn by_shared_transaction(
    ballots: &[(String, String, String)],
    codes: &[(String, String, String)],
) -> Candidates {
    let mut by_xid: HashMap<(&str, &str), HashSet<String>> = HashMap::new();
    for (hash, group, xid) in codes {
        by_xid.entry((group, xid)).or_default().insert(hash.clone());
    }
    let mut out: Candidates = HashMap::new();
    for (id, group, xid) in ballots {
        if let Some(set) = by_xid.get(&(group.as_str(), xid.as_str())) {
            narrow(&mut out, id, set);
        }
    }
    out
}

/// Notes that ballot `id` goes with one of the codes `set`, keeping the fewest codes it was
/// found with.
fn narrow(out: &mut Candidates, id: &str, set: &HashSet<String>) {
    let entry = out.entry(id.to_string()).or_insert_with(|| set.clone());
    if set.len() < entry.len() {
        entry.clone_from(set);
    }
}

/// PostgreSQL: the transaction id (`xmin`) of every ballot and used code of the round.
#[must_use]
pub fn transaction_ids(url: &str, round_id: i64) -> Candidates {
    let ballots = triples(
        url,
        &format!("SELECT id || '|' || elector_group || '|' || xmin::text AS v FROM ballots WHERE round_id = {round_id}"),
    );
    let codes = triples(
        url,
        &format!("SELECT code_hash || '|' || elector_group || '|' || xmin::text AS v FROM ballot_codes WHERE round_id = {round_id} AND used"),
    );
    by_shared_transaction(&ballots, &codes)
}

fn triples(url: &str, sql: &str) -> Vec<(String, String, String)> {
    rows(url, sql)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect()
}

/// Runs statements that return nothing on PostgreSQL.
fn execute(url: &str, sql: &str) {
    diesel::PgConnection::establish(url)
        .expect("open the PostgreSQL test database")
        .batch_execute(sql)
        .expect("the statements run");
}

/// PostgreSQL, as a superuser with the `pageinspect` extension (created here): the transaction
/// ids of every version of every ballot and code row still on its page, the superseded ones
/// that SQL no longer shows included.
#[must_use]
pub fn row_versions(url: &str, round_id: i64) -> Candidates {
    execute(url, "CREATE EXTENSION IF NOT EXISTS pageinspect");
    // the first attribute of both tables is a short text (id, code_hash): one header byte
    let versions = |table: &str| -> Vec<(String, String)> {
        rows(
            url,
            &format!(
                "SELECT convert_from(substring(t_attrs[1] FROM 2), 'UTF8') || '|' || t_xmin::text AS v
                 FROM generate_series(0, (pg_relation_size('{table}') / current_setting('block_size')::bigint)::int - 1) AS blk,
                      LATERAL heap_page_item_attrs(get_raw_page('{table}', blk), '{table}'::regclass)
                 WHERE t_attrs IS NOT NULL"
            ),
        )
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
    };
    let groups = |sql: &str| -> HashMap<String, String> {
        rows(url, sql)
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect()
    };
    let ballot_groups = groups(&format!(
        "SELECT id || '|' || elector_group AS v FROM ballots WHERE round_id = {round_id}"
    ));
    let code_groups = groups(&format!(
        "SELECT code_hash || '|' || elector_group AS v FROM ballot_codes WHERE round_id = {round_id} AND used"
    ));
    let with_group = |list: Vec<(String, String)>, groups: &HashMap<String, String>| {
        list.into_iter()
            .filter_map(|(key, xid)| groups.get(&key).map(|g| (key, g.clone(), xid)))
            .collect::<Vec<_>>()
    };
    by_shared_transaction(
        &with_group(versions("ballots"), &ballot_groups),
        &with_group(versions("ballot_codes"), &code_groups),
    )
}

/// The share of pairs of items whose places agree with the order in which they were stored:
/// each item is (group, place, order), only items of one group are compared, and a place is
/// compared to another only with `comparable`. 0.5 tells nothing, 1.0 the whole order. With
/// the number of pairs compared.
fn agreement<P: Ord>(
    items: &[(String, P, usize)],
    comparable: impl Fn(&P, &P) -> bool,
) -> (f64, usize) {
    let mut pairs = 0_usize;
    let mut agree = 0_usize;
    for (i, a) in items.iter().enumerate() {
        for b in &items[i + 1..] {
            if a.0 != b.0 || !comparable(&a.1, &b.1) || a.2 == b.2 {
                continue;
            }
            pairs += 1;
            if (a.1 < b.1) == (a.2 < b.2) {
                agree += 1;
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let share = if pairs == 0 {
        0.5
    } else {
        agree as f64 / pairs as f64
    };
    (share, pairs)
}

/// PostgreSQL: how far the physical order of the rows (`ctid`) gives the order of voting, for
/// the ballots and for the used codes (see [`agreement`]). When both come out in the order of
/// voting, the n-th ballot goes with the n-th code.
#[must_use]
pub fn physical_order(
    url: &str,
    round_id: i64,
    truth: &HashMap<String, Truth>,
) -> [(f64, usize); 2] {
    let placed = |sql: &str, order: &dyn Fn(&str) -> Option<usize>| {
        let items: Vec<(String, (u64, u64), usize)> = rows(url, sql)
            .into_iter()
            .filter_map(|r| {
                let (block, line) = r[2]
                    .trim_matches(|c| c == '(' || c == ')')
                    .split_once(',')?;
                let place = (block.parse().ok()?, line.parse().ok()?);
                Some((r[1].clone(), place, order(&r[0])?))
            })
            .collect();
        agreement(&items, |_, _| true)
    };
    let by_code: HashMap<&str, usize> =
        truth.values().map(|t| (t.code.as_str(), t.order)).collect();
    [
        placed(
            &format!("SELECT id || '|' || elector_group || '|' || ctid::text AS v FROM ballots WHERE round_id = {round_id}"),
            &|id| truth.get(id).map(|t| t.order),
        ),
        placed(
            &format!("SELECT code_hash || '|' || elector_group || '|' || ctid::text AS v FROM ballot_codes WHERE round_id = {round_id} AND used"),
            &|hash| by_code.get(hash).copied(),
        ),
    ]
}

/// PostgreSQL: whether commit times are kept (`track_commit_timestamp`), so that
/// `pg_xact_commit_timestamp(xmin)` gives the time of each row's transaction.
#[must_use]
pub fn commit_timestamps_kept(url: &str) -> bool {
    inspect::strings(url, "SELECT current_setting('track_commit_timestamp') AS v")[0].as_deref()
        == Some("on")
}

/// PostgreSQL, as a superuser with `pg_walinspect` (created here): of the transactions in the
/// write-ahead log since `lsn`, how many wrote both a ballot page and a code page.
#[must_use]
pub fn log_transactions_writing_ballot_and_code(url: &str, lsn: &str) -> usize {
    execute(url, "CREATE EXTENSION IF NOT EXISTS pg_walinspect");
    let n = inspect::strings(
        url,
        &format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM (
                SELECT xid FROM pg_get_wal_records_info('{lsn}', pg_current_wal_lsn())
                WHERE xid <> '0'
                GROUP BY xid
                HAVING bool_or(block_ref LIKE '%/' || pg_relation_filenode('ballots') || ' fork%')
                   AND bool_or(block_ref LIKE '%/' || pg_relation_filenode('ballot_codes') || ' fork%')
             ) AS t"
        ),
    );
    n[0].as_deref().unwrap_or("0").parse().unwrap_or(0)
}

/// PostgreSQL: the current position in the write-ahead log.
#[must_use]
pub fn log_position(url: &str) -> String {
    inspect::strings(url, "SELECT pg_current_wal_lsn()::text AS v")[0]
        .clone()
        .expect("an LSN")
}

// ---- SQLite ------------------------------------------------------------------------------

/// The database file of a `sqlite://` test URL.
#[must_use]
pub fn sqlite_path(url: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(url.strip_prefix("sqlite://").expect("a SQLite URL"))
}

/// A value of a SQLite record, as far as the tools need one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Int(i64),
    Text(String),
    Other,
}

/// What a b-tree page of the database holds that matters here.
#[derive(Debug, Default)]
struct PageContent {
    /// (round, group, id) of the ballots on it, with each record's offset in the page.
    ballots: Vec<(i64, String, String, usize)>,
    /// (round, group, code hash, used) of the codes on it, with each record's offset.
    codes: Vec<(i64, String, String, bool, usize)>,
}

/// Reads a SQLite varint at `at`: (value, length).
fn varint(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for i in 0..9 {
        let byte = *bytes.get(at + i)?;
        if i == 8 {
            return Some(((value << 8) | u64::from(byte), 9));
        }
        value = (value << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// The values of a record (as many as its local part holds) and how many columns it has.
fn record(payload: &[u8]) -> Option<(Vec<Field>, usize)> {
    let (header, mut at) = varint(payload, 0)?;
    let header = usize::try_from(header).ok()?;
    let mut types = Vec::new();
    while at < header {
        let (t, len) = varint(payload, at)?;
        types.push(t);
        at += len;
    }
    let mut body = header;
    let mut fields = Vec::new();
    for t in &types {
        let (len, field) = match *t {
            0 => (0, Field::Other),
            1..=6 => {
                let len = [0, 1, 2, 3, 4, 6, 8][usize::try_from(*t).ok()?];
                let bytes = payload.get(body..body + len)?;
                let mut v: i64 = if bytes[0] & 0x80 == 0 { 0 } else { -1 };
                for b in bytes {
                    v = (v << 8) | i64::from(*b);
                }
                (len, Field::Int(v))
            }
            7 => (8, Field::Other),
            8 => (0, Field::Int(0)),
            9 => (0, Field::Int(1)),
            t if t >= 13 && t % 2 == 1 => {
                let len = usize::try_from((t - 13) / 2).ok()?;
                match payload.get(body..body + len) {
                    Some(bytes) => (len, Field::Text(String::from_utf8_lossy(bytes).into())),
                    None => break,
                }
            }
            t if t >= 12 => (usize::try_from((t - 12) / 2).ok()?, Field::Other),
            _ => (0, Field::Other),
        };
        fields.push(field);
        body += len;
    }
    Some((fields, types.len()))
}

fn hex_of_len(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The ballots and codes on a page (an index b-tree page, as `WITHOUT ROWID` tables are);
/// nothing for any other page.
fn page_content(page: &[u8], pgno: u32) -> PageContent {
    let mut out = PageContent::default();
    let base = if pgno == 1 { 100 } else { 0 };
    let Some(&kind) = page.get(base) else {
        return out;
    };
    let (header, child) = match kind {
        10 => (8, 0),
        2 => (12, 4),
        _ => return out,
    };
    let usable = page.len();
    let max_local = (usable - 12) * 64 / 255 - 23;
    let min_local = (usable - 12) * 32 / 255 - 23;
    let cells = usize::from(u16::from_be_bytes([page[base + 3], page[base + 4]]));
    for i in 0..cells {
        let at = base + header + 2 * i;
        let Some(ptr) = page.get(at..at + 2) else {
            break;
        };
        let cell = usize::from(u16::from_be_bytes([ptr[0], ptr[1]])) + child;
        let Some((size, len)) = varint(page, cell) else {
            continue;
        };
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let local = if size <= max_local {
            size
        } else {
            let k = min_local + (size - min_local) % (usable - 4);
            if k <= max_local {
                k
            } else {
                min_local
            }
        };
        let start = cell + len;
        let Some(payload) = page.get(start..(start + local).min(page.len())) else {
            continue;
        };
        let Some((fields, columns)) = record(payload) else {
            continue;
        };
        match (columns, fields.as_slice()) {
            (5, [Field::Int(round), Field::Text(group), Field::Text(id), ..])
                if hex_of_len(id, 32) =>
            {
                out.ballots.push((*round, group.clone(), id.clone(), cell));
            }
            // a code row written since `instrument` was added has it fifth
            (
                4 | 5,
                [Field::Text(hash), Field::Int(round), Field::Text(group), Field::Int(used), ..],
            ) if hex_of_len(hash, 64) => {
                out.codes
                    .push((*round, group.clone(), hash.clone(), *used == 1, cell));
            }
            _ => {}
        }
    }
    out
}

/// A frame of the log: the page it holds and whether it ends a commit.
struct Frame {
    pgno: u32,
    salt: u32,
    commit: bool,
    offset: usize,
}

/// A copy of a SQLite database as someone copying its files would take it: the database file,
/// its write-ahead log and the log's index, read one after the other while the server runs.
pub struct LogCopy {
    db: Vec<u8>,
    wal: Vec<u8>,
    shm: Vec<u8>,
    page_size: usize,
}

impl LogCopy {
    /// Copies the files of the database at `path`; a file that does not exist is empty.
    #[must_use]
    pub fn take(path: &std::path::Path) -> Self {
        let read = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            std::fs::read(name).unwrap_or_default()
        };
        let wal = read("-wal");
        let shm = read("-shm");
        let db = read("");
        let page_size = if wal.len() >= 32 {
            u32::from_be_bytes([wal[8], wal[9], wal[10], wal[11]]) as usize
        } else {
            match u16::from_be_bytes([db[16], db[17]]) {
                1 => 65536,
                n => usize::from(n),
            }
        };
        Self {
            db,
            wal,
            shm,
            page_size,
        }
    }

    /// Bytes in the log file.
    #[must_use]
    pub fn log_len(&self) -> usize {
        self.wal.len()
    }

    /// Every frame in the log file, those of earlier log cycles (another salt) included.
    fn frames(&self) -> Vec<Frame> {
        let mut out = Vec::new();
        let step = 24 + self.page_size;
        let mut at = 32;
        while at + step <= self.wal.len() {
            let word = |i: usize| {
                u32::from_be_bytes([
                    self.wal[at + i],
                    self.wal[at + i + 1],
                    self.wal[at + i + 2],
                    self.wal[at + i + 3],
                ])
            };
            let pgno = word(0);
            if pgno != 0 {
                out.push(Frame {
                    pgno,
                    salt: word(8),
                    commit: word(4) != 0,
                    offset: at + 24,
                });
            }
            at += step;
        }
        out
    }

    fn frame_page(&self, frame: &Frame) -> &[u8] {
        &self.wal[frame.offset..frame.offset + self.page_size]
    }

    fn db_page(&self, pgno: u32) -> Option<&[u8]> {
        let start = (pgno as usize - 1) * self.page_size;
        self.db.get(start..start + self.page_size)
    }

    /// The log's commits in the order they were made: the frames of each, earlier log cycles
    /// (a smaller salt) first; frames after the last commit of a cycle are left out.
    fn commits(&self) -> Vec<Vec<Frame>> {
        let mut cycles: BTreeMap<u32, Vec<Frame>> = BTreeMap::new();
        for frame in self.frames() {
            cycles.entry(frame.salt).or_default().push(frame);
        }
        let mut out = Vec::new();
        for frames in cycles.into_values() {
            let mut commit = Vec::new();
            for frame in frames {
                let ends = frame.commit;
                commit.push(frame);
                if ends {
                    out.push(std::mem::take(&mut commit));
                }
            }
        }
        out
    }

    /// Candidates from the log: a ballot of round `round_id` that a commit added goes with the
    /// codes that commit marked used, each page of the commit compared with its version before
    /// (an earlier frame of the log, or else the database file, which may already be newer).
    #[must_use]
    pub fn candidates(&self, round_id: i64) -> Candidates {
        let commits = self.commits();
        let mut latest: HashMap<u32, &[u8]> = HashMap::new();
        let mut out = Candidates::new();
        for commit in &commits {
            let mut before = PageContent::default();
            let mut after = PageContent::default();
            for frame in commit {
                let old = latest
                    .get(&frame.pgno)
                    .copied()
                    .or_else(|| self.db_page(frame.pgno));
                if let Some(old) = old {
                    let c = page_content(old, frame.pgno);
                    before.ballots.extend(c.ballots);
                    before.codes.extend(c.codes);
                }
                let c = page_content(self.frame_page(frame), frame.pgno);
                after.ballots.extend(c.ballots);
                after.codes.extend(c.codes);
            }
            for frame in commit {
                latest.insert(frame.pgno, self.frame_page(frame));
            }
            let known: HashSet<&str> = before.ballots.iter().map(|b| b.2.as_str()).collect();
            let unused: HashSet<&str> = before
                .codes
                .iter()
                .filter(|c| !c.3)
                .map(|c| c.2.as_str())
                .collect();
            let mut used: HashMap<&str, HashSet<String>> = HashMap::new();
            for (round, group, hash, is_used, _) in &after.codes {
                if *round == round_id && *is_used && unused.contains(hash.as_str()) {
                    used.entry(group).or_default().insert(hash.clone());
                }
            }
            for (round, group, id, _) in &after.ballots {
                if *round != round_id || known.contains(id.as_str()) {
                    continue;
                }
                if let Some(set) = used.get(group.as_str()) {
                    narrow(&mut out, id, set);
                }
            }
        }
        out
    }

    /// Frames of the log that hold ballots or codes of round `round_id`.
    #[must_use]
    pub fn frames_with_ballots_or_codes(&self, round_id: i64) -> usize {
        self.frames()
            .iter()
            .filter(|f| {
                let c = page_content(self.frame_page(f), f.pgno);
                c.ballots.iter().any(|b| b.0 == round_id) || c.codes.iter().any(|c| c.0 == round_id)
            })
            .count()
    }

    /// The page numbers the `-shm` index lists for frames, those of frames no longer in the
    /// log included (each 32 KiB block of the index lists up to 4,096 frames; the first one
    /// 4,062, after the header).
    #[must_use]
    pub fn indexed_pages(&self) -> Vec<u32> {
        const BLOCK: usize = 32 * 1024;
        const HEADER: usize = 136;
        let mut out = Vec::new();
        let mut block = 0;
        while block * BLOCK < self.shm.len() {
            let (start, entries) = if block == 0 {
                (HEADER, 4062)
            } else {
                (block * BLOCK, 4096)
            };
            for i in 0..entries {
                let at = start + 4 * i;
                let Some(bytes) = self.shm.get(at..at + 4) else {
                    break;
                };
                let pgno = u32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                if pgno != 0 {
                    out.push(pgno);
                }
            }
            block += 1;
        }
        out
    }

    /// Each page as the copy holds it at its last commit: the database file with the frames
    /// of the log's current cycle applied.
    fn current_pages(&self) -> BTreeMap<u32, &[u8]> {
        let mut pages: BTreeMap<u32, &[u8]> = BTreeMap::new();
        let count = self.db.len() / self.page_size.max(1);
        for pgno in 1..=u32::try_from(count).unwrap_or(0) {
            if let Some(page) = self.db_page(pgno) {
                pages.insert(pgno, page);
            }
        }
        let current = (self.wal.len() >= 32)
            .then(|| u32::from_be_bytes([self.wal[16], self.wal[17], self.wal[18], self.wal[19]]));
        for commit in self.commits() {
            if Some(commit[0].salt) != current {
                continue;
            }
            for frame in &commit {
                pages.insert(frame.pgno, self.frame_page(frame));
            }
        }
        pages
    }

    /// Where each code of round `round_id` lies: (page, offset in the page).
    #[must_use]
    pub fn code_positions(&self, round_id: i64) -> HashMap<String, (u32, usize)> {
        let mut out = HashMap::new();
        for (pgno, page) in self.current_pages() {
            for (round, _, hash, _, offset) in page_content(page, pgno).codes {
                if round == round_id {
                    out.insert(hash, (pgno, offset));
                }
            }
        }
        out
    }

    /// How far the places of the ballots in their pages give the order in which they were
    /// cast (see [`agreement`]): only ballots on one page are compared, a later record lying
    /// lower in the page.
    #[must_use]
    pub fn arrival_order_on_pages(
        &self,
        round_id: i64,
        truth: &HashMap<String, Truth>,
    ) -> (f64, usize) {
        let mut items = Vec::new();
        for (pgno, page) in self.current_pages() {
            for (round, group, id, offset) in page_content(page, pgno).ballots {
                if let (true, Some(t)) = (round == round_id, truth.get(&id)) {
                    items.push((group, (pgno, std::cmp::Reverse(offset)), t.order));
                }
            }
        }
        agreement(&items, |a, b| a.0 == b.0)
    }
}

/// The pages of the tables `ballots` and `ballot_codes` (and their indexes) in the database at
/// `url`.
#[must_use]
pub fn ballot_and_code_pages(url: &str) -> HashSet<u32> {
    inspect::strings(
        url,
        "SELECT CAST(pageno AS TEXT) AS v FROM dbstat WHERE name IN ('ballots', 'ballot_codes', 'ballot_codes_round', 'ballot_codes_instrument')",
    )
    .into_iter()
    .flatten()
    .filter_map(|p| p.parse().ok())
    .collect()
}
