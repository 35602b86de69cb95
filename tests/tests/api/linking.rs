//! How long the storage links an electronic ballot to the code that cast it
//! (docs/privacy.md, "The linking window"), measured with the tools of `canvass_tests::linking`.

use std::time::{Duration, Instant};

use canvass_tests::linking::{self, Linkage, LogCopy, Meeting, GROUPS};
use canvass_tests::TestApp;

/// A server whose mixer looks every `interval_ms`.
fn spawn(interval_ms: u64) -> TestApp {
    TestApp::spawn_with(|c| {
        c.submissions_per_minute = 0;
        c.ballot_mix_interval_ms = interval_ms;
    })
}

/// A mixer that does not look during a test.
const NEVER: u64 = canvass_server::settings::MAX_BALLOT_MIX_INTERVAL_MS;

/// Waits until `done` holds, at most `limit`; how long it took, or `None`.
fn within(limit: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    loop {
        if done() {
            return Some(start.elapsed());
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The ballots of a group per transaction id, and the used codes (PostgreSQL).
fn classes(url: &str, round: i64, group: &str) -> [std::collections::BTreeMap<String, usize>; 2] {
    let count = |table: &str, used: &str| {
        canvass_tests::inspect::strings(
            url,
            &format!(
                "SELECT xmin::text || '|' || CAST(COUNT(*) AS TEXT) AS v FROM {table} \
                 WHERE round_id = {round} AND elector_group = '{group}' {used} GROUP BY xmin::text"
            ),
        )
        .into_iter()
        .flatten()
        .map(|v| {
            let (xid, n) = v.split_once('|').unwrap();
            (xid.to_string(), n.parse().unwrap())
        })
        .collect()
    };
    [count("ballots", ""), count("ballot_codes", "AND used")]
}

/// What an operator can link right now, with each tool of the backend under test.
fn look(app: &TestApp, meeting: &Meeting) -> Vec<(&'static str, Linkage)> {
    let truth = meeting.truth();
    let url = app.db.url();
    let round = meeting.round_id;
    if app.db.is_postgres() {
        vec![
            (
                "xmin",
                Linkage::score(&truth, &linking::transaction_ids(url, round)),
            ),
            (
                "row versions (pageinspect)",
                Linkage::score(&truth, &linking::row_versions(url, round)),
            ),
        ]
    } else {
        let copy = LogCopy::take(&linking::sqlite_path(url));
        vec![("-wal copy", Linkage::score(&truth, &copy.candidates(round)))]
    }
}

/// The figures of docs/privacy.md: run on SQLite and on PostgreSQL with
/// `cargo test -p canvass-tests --test api measure_linking_window -- --ignored --nocapture`
/// (and `CANVASS_TEST_DATABASE_URL=…` for PostgreSQL).
#[test]
#[ignore = "a measurement: prints the linking window, asserts nothing"]
fn measure_linking_window() {
    let app = spawn(2000);
    let url = app.db.url().to_string();
    let postgres = app.db.is_postgres();
    let mut meeting = Meeting::open(&app, 40);
    let round = meeting.round_id;
    let start_lsn = postgres.then(|| linking::log_position(&url));
    let codes_before =
        (!postgres).then(|| LogCopy::take(&linking::sqlite_path(&url)).code_positions(round));

    // one at a time: a copy taken right after each ballot
    let mut right_after = 0;
    let alone = 20;
    for _ in 0..alone {
        meeting.cast_one(&app, GROUPS[0]);
        let truth = meeting.truth();
        let newest = truth
            .iter()
            .max_by_key(|(_, t)| t.order)
            .map(|(id, t)| (id.clone(), t.code.clone()))
            .unwrap();
        let candidates = if postgres {
            linking::transaction_ids(&url, round)
        } else {
            LogCopy::take(&linking::sqlite_path(&url)).candidates(round)
        };
        if candidates
            .get(&newest.0)
            .is_some_and(|set| set.len() == 1 && set.contains(&newest.1))
        {
            right_after += 1;
        }
    }
    println!(
        "{}: a copy taken right after a ballot cast alone links it {right_after} times in {alone}",
        if postgres {
            "PostgreSQL (xmin)"
        } else {
            "SQLite (-wal)"
        }
    );
    // and in bursts of 5 at once
    for _ in 0..4 {
        meeting.cast_burst(GROUPS[1], 5);
    }
    let cast = Instant::now();
    println!(
        "{} ballots cast: 20 one at a time, 20 in bursts of 5",
        meeting.ballots()
    );
    for wait in [0, 250, 500, 1000, 2000, 3000, 4000, 6000, 8000] {
        let at = Duration::from_millis(wait);
        if let Some(rest) = at.checked_sub(cast.elapsed()) {
            std::thread::sleep(rest);
        }
        for (tool, linkage) in look(&app, &meeting) {
            println!(
                "  after {:>5} ms  {tool:<28} {linkage}",
                cast.elapsed().as_millis()
            );
        }
        print_order(
            &app,
            &meeting,
            &format!("after {:>5} ms", cast.elapsed().as_millis()),
        );
        if !postgres {
            let copy = LogCopy::take(&linking::sqlite_path(&url));
            let pages = linking::ballot_and_code_pages(&url);
            let indexed = copy
                .indexed_pages()
                .iter()
                .filter(|p| pages.contains(p))
                .count();
            println!(
                "  after {:>5} ms  log: {} bytes, {} frames with ballots or codes; -shm: {indexed} ballot or code page numbers",
                cast.elapsed().as_millis(),
                copy.log_len(),
                copy.frames_with_ballots_or_codes(round),
            );
        }
    }
    if let Some(lsn) = start_lsn {
        println!(
            "PostgreSQL: track_commit_timestamp {}; transactions in pg_wal that wrote a ballot and a code: {}",
            if linking::commit_timestamps_kept(&url) { "on" } else { "off" },
            linking::log_transactions_writing_ballot_and_code(&url, &lsn)
        );
    }
    if let Some(before) = codes_before {
        let copy = LogCopy::take(&linking::sqlite_path(&url));
        let truth = meeting.truth();
        let after = copy.code_positions(round);
        let moved = truth
            .values()
            .filter(|t| before.get(&t.code) != after.get(&t.code))
            .count();
        println!(
            "SQLite file: {moved} of {} used codes moved in the file when used",
            truth.len(),
        );
    }
    meeting.close(&app);
    for (tool, linkage) in look(&app, &meeting) {
        println!("  after the close  {tool:<28} {linkage}");
    }
    print_order(&app, &meeting, "after the close");
}

/// How far the physical order of the rows gives the order of voting.
fn print_order(app: &TestApp, meeting: &Meeting, when: &str) {
    let truth = meeting.truth();
    let url = app.db.url();
    if app.db.is_postgres() {
        let [ballots, codes] = linking::physical_order(url, meeting.round_id, &truth);
        println!(
            "  {when:<16} ctid order agrees with the order of voting: ballots {:.0} % of {} pairs, used codes {:.0} % of {} pairs",
            ballots.0 * 100.0,
            ballots.1,
            codes.0 * 100.0,
            codes.1
        );
    } else {
        let copy = LogCopy::take(&linking::sqlite_path(url));
        let (share, pairs) = copy.arrival_order_on_pages(meeting.round_id, &truth);
        println!(
            "  {when:<16} place in the page agrees with the order of voting: {:.0} % of {pairs} pairs of ballots on one page",
            share * 100.0
        );
    }
}

#[test]
fn an_operator_links_a_ballot_cast_alone_to_its_code_until_it_is_mixed() {
    let app = spawn(NEVER);
    let mut meeting = Meeting::open(&app, 10);
    for _ in 0..4 {
        meeting.cast_one(&app, GROUPS[0]);
    }
    let truth = meeting.truth();
    let url = app.db.url();
    if app.db.is_postgres() {
        let linkage = Linkage::score(&truth, &linking::transaction_ids(url, meeting.round_id));
        assert_eq!(linkage.linked, 4, "{linkage}");
        let [ballots, codes] = linking::physical_order(url, meeting.round_id, &truth);
        assert!(ballots.0 > 0.99 && codes.0 > 0.99, "{ballots:?} {codes:?}");
    } else {
        // the last commit is in the log at least
        let copy = LogCopy::take(&linking::sqlite_path(url));
        let linkage = Linkage::score(&truth, &copy.candidates(meeting.round_id));
        assert!(linkage.linked >= 1, "{linkage}");
        assert_eq!(linkage.wrong, 0, "{linkage}");
    }
}

#[test]
fn once_mixed_no_ballot_cast_alone_can_be_linked_to_its_code() {
    let app = spawn(200);
    let url = app.db.url().to_string();
    let mut meeting = Meeting::open(&app, 20);
    let round = meeting.round_id;
    for _ in 0..8 {
        meeting.cast_one(&app, GROUPS[0]);
    }
    meeting.cast_burst(GROUPS[1], 5);
    for _ in 0..3 {
        meeting.cast_one(&app, GROUPS[1]);
    }
    let cast = Instant::now();
    let results = meeting.results(&app);
    let truth = meeting.truth();
    let unlinked = || {
        if app.db.is_postgres() {
            // through SQL, and through every row version still on the pages (the superseded
            // ones are vacuumed a look after the mix)
            Linkage::score(&truth, &linking::transaction_ids(&url, round)).linked == 0
                && Linkage::score(&truth, &linking::row_versions(&url, round)).linked == 0
        } else {
            let copy = LogCopy::take(&linking::sqlite_path(&url));
            let pages = linking::ballot_and_code_pages(&url);
            Linkage::score(&truth, &copy.candidates(round)).linked == 0
                && copy.frames_with_ballots_or_codes(round) == 0
                && !copy.indexed_pages().iter().any(|p| pages.contains(p))
        }
    };
    let took = within(Duration::from_secs(20), unlinked);
    assert!(
        took.is_some(),
        "still linked 20 s after the last ballot: {:?}",
        look(&app, &meeting)
    );
    eprintln!(
        "unlinked {} ms after the last ballot",
        cast.elapsed().as_millis()
    );
    if app.db.is_postgres() {
        // every ballot of a group now hides among all of the group's (fewer than MIN_CLASS)
        let linkage = Linkage::score(&truth, &linking::transaction_ids(&url, round));
        assert_eq!(linkage.smallest_set, 8, "{linkage}");
        for group in GROUPS {
            let [ballots, codes] = classes(&url, round, group);
            assert_eq!(ballots.len(), 1, "{ballots:?}");
            assert_eq!(ballots, codes);
        }
        let [ballots, codes] = linking::physical_order(&url, round, &truth);
        assert!(ballots.0 < 0.99 || codes.0 < 0.99, "{ballots:?} {codes:?}");
    }
    // nothing a ballot or a code says has changed: the same results, the code still spent,
    // another code still good
    assert_eq!(meeting.results(&app)["results"], results["results"]);
    let (status, body) = meeting.cast_again(&app);
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "ballot_code_used");
    meeting.cast_one(&app, GROUPS[0]);
    assert_eq!(meeting.truth().len(), 17);
}

#[test]
fn a_mix_keeps_every_ballot_and_code_and_leaves_no_transaction_with_too_few() {
    let app = spawn(NEVER);
    let url = app.db.url().to_string();
    let mut meeting = Meeting::open(&app, 20);
    let round = meeting.round_id;
    let (pool, _) = canvass_server::db::open(&url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let mix = |conn: &mut canvass_server::db::DbConnection| {
        canvass_server::db::mixer::mix_group(conn, round, GROUPS[0], 3).unwrap()
    };
    for _ in 0..7 {
        meeting.cast_one(&app, GROUPS[0]);
    }
    let results = meeting.results(&app);
    if !app.db.is_postgres() {
        // SQLite rows carry no transaction id: nothing to rewrite
        assert_eq!(mix(&mut conn), 0);
        return;
    }
    let sizes = |classes: &std::collections::BTreeMap<String, usize>| {
        let mut n: Vec<usize> = classes.values().copied().collect();
        n.sort_unstable();
        n
    };
    assert_eq!(sizes(&classes(&url, round, GROUPS[0])[0]), [1; 7]);
    // seven ballots cast alone: mixed together, the figures unchanged
    assert_eq!(mix(&mut conn), 7);
    assert_eq!(meeting.results(&app)["results"], results["results"]);
    let [ballots, codes] = classes(&url, round, GROUPS[0]);
    assert_eq!(sizes(&ballots), [7]);
    assert_eq!(ballots, codes, "each code in its ballot's transaction");
    assert_eq!(mix(&mut conn), 0, "nothing left to mix");
    // one more: joined by two ballots and two codes drawn from the seven
    meeting.cast_one(&app, GROUPS[0]);
    assert_eq!(mix(&mut conn), 3);
    let [ballots, codes] = classes(&url, round, GROUPS[0]);
    assert_eq!(sizes(&ballots), [3, 5]);
    assert_eq!(sizes(&codes), [3, 5]);
    // one more: joined by two drawn from the largest, the five, which keeps three
    meeting.cast_one(&app, GROUPS[0]);
    assert_eq!(mix(&mut conn), 3);
    let [ballots, codes] = classes(&url, round, GROUPS[0]);
    assert_eq!(sizes(&ballots), [3, 3, 3]);
    assert_eq!(sizes(&codes), [3, 3, 3]);
    // the other group is left alone
    assert!(classes(&url, round, GROUPS[1])[0].is_empty());
    // every ballot and code is there once, the figures are those of the ballots cast
    let truth = meeting.truth();
    assert_eq!(truth.len(), 9);
    let used = canvass_tests::inspect::strings(
        &url,
        &format!("SELECT code_hash AS v FROM ballot_codes WHERE round_id = {round} AND used"),
    );
    let mut used: Vec<String> = used.into_iter().flatten().collect();
    used.sort();
    let mut spent: Vec<String> = truth.values().map(|t| t.code.clone()).collect();
    spent.sort();
    assert_eq!(used, spent);
    let (status, body) = meeting.cast_again(&app);
    assert_eq!(status, 409, "{body}");
    meeting.cast_one(&app, GROUPS[0]);
}

#[test]
fn ballots_cast_while_the_mixer_runs_are_each_stored_once() {
    let app = spawn(100);
    let url = app.db.url().to_string();
    let mut meeting = Meeting::open(&app, 60);
    for i in 0..6 {
        meeting.cast_burst(GROUPS[i % 2], 6);
        meeting.cast_one(&app, GROUPS[0]);
        std::thread::sleep(Duration::from_millis(40 * (i as u64 % 3)));
    }
    let truth = meeting.truth();
    assert_eq!(truth.len(), 42);
    let counted = canvass_tests::inspect::strings(
        &url,
        &format!(
            "SELECT CAST(SUM(valid + invalid) AS TEXT) AS v FROM round_ballot_counts WHERE round_id = {}",
            meeting.round_id
        ),
    );
    assert_eq!(counted[0].as_deref(), Some("42"));
    let used = canvass_tests::inspect::strings(
        &url,
        &format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM ballot_codes WHERE round_id = {} AND used",
            meeting.round_id
        ),
    );
    assert_eq!(used[0].as_deref(), Some("42"));
    // the mixer goes on after the last ballot; the figures stay
    let results = meeting.results(&app);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(meeting.results(&app)["results"], results["results"]);
    assert_eq!(meeting.truth().len(), 42);
}

/// What a mix costs on PostgreSQL (docs/performance.md): run with
/// `CANVASS_TEST_DATABASE_URL=… cargo test -p canvass-tests --test api measure_mix_cost -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement: prints how long mixes take, asserts nothing"]
fn measure_mix_cost() {
    use diesel::connection::SimpleConnection;
    let app = spawn(NEVER);
    if !app.db.is_postgres() {
        return;
    }
    let url = app.db.url().to_string();
    let mut meeting = Meeting::open(&app, 1000);
    for _ in 0..99 {
        meeting.cast_burst(GROUPS[0], 10);
    }
    let (pool, _) = canvass_server::db::open(&url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let round = meeting.round_id;
    let mut mix = |what: &str| {
        let start = Instant::now();
        let moved = canvass_server::db::mixer::mix_group(
            &mut conn,
            round,
            GROUPS[0],
            canvass_server::db::mixer::MIN_CLASS,
        )
        .unwrap();
        println!(
            "{what}: {moved} ballots rewritten in {} ms",
            start.elapsed().as_millis()
        );
    };
    mix("990 ballots stored in groups of 10");
    mix("nothing new");
    meeting.cast_one(&app, GROUPS[0]);
    mix("one ballot more");
    let start = Instant::now();
    conn.batch_execute(
        "VACUUM (SKIP_LOCKED, TRUNCATE OFF) ballots, ballot_codes, round_tallies, round_ballot_counts",
    )
    .unwrap();
    println!(
        "the vacuum that follows: {} ms",
        start.elapsed().as_millis()
    );
}
