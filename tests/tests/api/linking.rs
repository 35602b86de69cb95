//! How long the storage links an electronic ballot to the code that cast it
//! (docs/privacy.md, "The linking window"), measured with the tools of `canvass_tests::linking`.

use std::time::{Duration, Instant};

use canvass_tests::linking::{self, Linkage, LogCopy, Meeting, GROUPS};
use canvass_tests::TestApp;

fn spawn() -> TestApp {
    TestApp::spawn_with(|c| c.submissions_per_minute = 0)
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
    let app = spawn();
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
    let app = spawn();
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
