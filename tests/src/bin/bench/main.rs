//! `bench`: the performance benchmark of canvass (docs/performance.md).
//!
//! Starts the real `canvass-server` binary on a fresh SQLite file (or a fresh PostgreSQL
//! database with `--postgres URL`), loads it over loopback with a bounded number of requests,
//! and prints one table: public submissions at 1, 32 and 256 clients, ballots, field sync with
//! the real `canvass` client, results with many stored answers and ballots, the CSV export, the
//! server's memory, and the ceilings of the same machine in the same run (an actix-web handler
//! returning a fixed body, raw SQLite inserts of the same rows).
//!
//! ```text
//! cargo build --release --workspace --bins && target/release/bench [--quick] [--postgres URL] [--only LIST]
//! ```
//!
//! `--only submissions,ballots,sync,results,export,trends,raw,imports,audit` runs only those scenarios (the
//! fixed-body ceiling always runs with a server scenario: the other rates are read against it).
//! `imports` times the spreadsheet imports in-process (a 5,000-row roster, a 200-question
//! XLSForm) and `audit` checks a chain of 10,000 audit entries, both in-process: `--only
//! imports,audit` starts no server. `trends` sets up a survey series of 20 periods rating 200
//! units, stores 1,000,000 answers over them and reads the series' trend (JSON and page).

mod field;
mod output;
mod seeding;
mod server;
mod setup;
mod traffic;
mod trends;

use std::time::Instant;

use anyhow::{bail, Context, Result};
use canvass_tests::TestDb;
use serde_json::json;

use field::field_sync;
use output::{cpu_model, kib_to_mib, mib, Table};
use seeding::{raw_sqlite_inserts, seed};
use server::{build_binaries, FixedServer, Server};
use setup::{submission_bodies, Api, Setup, ORGANISER_PASSWORD};
use traffic::{load, load_unique, percentiles};

/// How much work each scenario does: bounded request counts, never a duration.
struct Sizes {
    /// Submissions sent at 1, 32 and 256 clients.
    submissions: [(usize, usize); 3],
    ballots: usize,
    sync_answers: usize,
    seeded: usize,
    raw_rows: usize,
    results_requests: usize,
    trend: trends::TrendSizes,
}

const FULL: Sizes = Sizes {
    submissions: [(1, 3_000), (32, 60_000), (256, 60_000)],
    ballots: 30_000,
    sync_answers: 100_000,
    seeded: 1_000_000,
    raw_rows: 60_000,
    results_requests: 50,
    trend: trends::TrendSizes {
        periods: 20,
        units: 200,
        answers: 1_000_000,
    },
};

const QUICK: Sizes = Sizes {
    submissions: [(1, 300), (32, 3_000), (256, 3_000)],
    ballots: 2_000,
    sync_answers: 5_000,
    seeded: 20_000,
    raw_rows: 3_000,
    results_requests: 10,
    trend: trends::TrendSizes {
        periods: 4,
        units: 12,
        answers: 4_000,
    },
};

/// Clients of the ballot scenario.
const BALLOT_CLIENTS: usize = 32;

fn main() -> Result<()> {
    let mut quick = false;
    let mut postgres = None;
    let mut only: Option<Vec<String>> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--postgres" => postgres = Some(args.next().context("--postgres needs a URL")?),
            "--only" => {
                let list = args.next().context("--only needs a list of scenarios")?;
                let names: Vec<String> = list.split(',').map(str::to_string).collect();
                if let Some(bad) = names.iter().find(|n| !SCENARIOS.contains(&n.as_str())) {
                    bail!("unknown scenario {bad:?}; the scenarios are {SCENARIOS:?}");
                }
                only = Some(names);
            }
            "-h" | "--help" => {
                println!(
                    "bench [--quick] [--postgres postgres://USER@HOST:PORT/DB] [--only {}]",
                    SCENARIOS.join(",")
                );
                return Ok(());
            }
            other => bail!("unknown argument {other:?}; try --help"),
        }
    }
    if let Some(url) = &postgres {
        // TestDb creates a fresh database on the server this names, and drops it afterwards
        std::env::set_var(canvass_tests::database::PG_ENV, url);
    } else {
        std::env::remove_var(canvass_tests::database::PG_ENV);
    }
    // the storage code the bench calls in-process logs the causes of its errors
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
        .with_writer(std::io::stderr)
        .init();
    let sizes = if quick { &QUICK } else { &FULL };
    let runs = |scenario: &str| {
        only.as_ref()
            .is_none_or(|o| o.iter().any(|n| n == scenario))
    };
    if only
        .as_ref()
        .is_some_and(|o| o.iter().all(|n| n == "imports" || n == "audit"))
    {
        let mut table = Table::default();
        if runs("imports") {
            imports(&mut table);
        }
        if runs("audit") {
            audit(&mut table)?;
        }
        println!();
        println!(
            "canvass bench: in-process scenarios, {} CPU core(s), {}",
            std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
            cpu_model()
        );
        println!();
        print!("{}", table.render());
        return Ok(());
    }
    let bins = build_binaries()?;
    let work = tempfile::tempdir()?;
    let database = TestDb::new();
    let backend = if database.is_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    eprintln!(
        "bench: {backend}, {} mode",
        if quick { "quick" } else { "full" }
    );

    let server = Server::start(&bins.join("canvass-server"), database.url(), work.path())?;
    let api = Api::new(&server.url);
    let setup = Setup::create(&api)?;
    let mut table = Table::default();
    let mut peak_rss = 0_u64;

    // the ceiling: a fixed body from an actix-web handler, under the same load
    let fixed = FixedServer::start()?;
    let survey_bodies = submission_bodies(&setup, 64);
    let ceiling = load(
        &fixed.addr,
        "/fixed",
        32,
        sizes.submissions[1].1,
        &survey_bodies,
        |_| 201,
    )?;
    table.row(
        "ceiling: actix-web fixed body, 32 clients",
        &format!("{:.0} req/s", ceiling.rate()),
        &ceiling.latency(),
    );

    let path = format!(
        "/api/v1/public/surveys/{}/responses",
        setup.load_survey_slug
    );
    for (clients, requests) in sizes.submissions {
        if !runs("submissions") {
            break;
        }
        server.reset_peak();
        let run = load(
            &server.addr,
            &path,
            clients,
            requests,
            &survey_bodies,
            |_| 201,
        )?;
        run.check(&format!("submissions at {clients} clients"))?;
        peak_rss = peak_rss.max(server.peak_kib());
        table.row(
            &format!("public submissions, {clients} client(s)"),
            &format!(
                "{:.0}/s ({:.0}% of ceiling)",
                run.rate(),
                100.0 * run.rate() / ceiling.rate()
            ),
            &run.latency(),
        );
    }

    if runs("ballots") {
        ballots(&api, &server, &setup, sizes, &mut table, &mut peak_rss)?;
    }
    if runs("sync") {
        server.reset_peak();
        let sync = field_sync(&bins, &server.url, &setup, sizes.sync_answers, work.path())?;
        peak_rss = peak_rss.max(server.peak_kib());
        table.row(
            &format!(
                "field sync: push {} queued answer sets (real client)",
                sizes.sync_answers
            ),
            &format!("{:.2} s", sync.as_secs_f64()),
            "",
        );
    }
    if runs("results") || runs("export") {
        stored(
            &api,
            &server,
            &database,
            &setup,
            sizes,
            (runs("results"), runs("export")),
            &mut table,
            &mut peak_rss,
        )?;
    }
    if runs("trends") {
        server.reset_peak();
        let t = &sizes.trend;
        let mut run = trends::trends(&api, database.url(), &setup, t, sizes.results_requests)?;
        peak_rss = peak_rss.max(server.peak_kib());
        table.row(
            &format!(
                "survey series trend (JSON, {:.0} KiB), {} periods x {} units, {} answers",
                kib(run.json_bytes),
                t.periods,
                t.units,
                t.answers
            ),
            "",
            &run.json_latency(),
        );
        table.row(
            &format!(
                "survey series trend page, {} periods x {} units",
                t.periods, t.units
            ),
            &format!("seeded in {:.1} s", run.seeding.as_secs_f64()),
            &run.page_latency(),
        );
    }
    if runs("imports") {
        imports(&mut table);
    }
    if runs("audit") {
        audit(&mut table)?;
    }
    if runs("raw") {
        let raw = raw_sqlite_inserts(&setup, sizes.raw_rows, work.path())?;
        table.row(
            "ceiling: raw SQLite inserts of the same rows (1,000 per transaction)",
            &format!("{raw:.0} rows/s"),
            "",
        );
    }
    table.row(
        "server peak resident memory over the run",
        &format!("{:.0} MiB", kib_to_mib(peak_rss)),
        "",
    );
    drop(server);
    drop(fixed);

    println!();
    println!(
        "canvass bench: {backend}, {} mode, {} CPU core(s), {}",
        if quick { "quick" } else { "full" },
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        cpu_model()
    );
    println!();
    print!("{}", table.render());
    Ok(())
}

/// The scenarios `--only` may name.
const SCENARIOS: [&str; 9] = [
    "submissions",
    "ballots",
    "sync",
    "results",
    "export",
    "trends",
    "raw",
    "imports",
    "audit",
];

#[allow(clippy::cast_precision_loss)] // a page's size
fn kib(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}

/// Entries of the audit-log scenario.
const AUDIT_ENTRIES: i64 = 10_000;

/// The audit log's check (`canvass-server audit verify`, the console's audit page), in-process:
/// [`AUDIT_ENTRIES`] entries appended through the storage code to a fresh database of the
/// run's backend, then the whole chain read and checked, median of 7.
fn audit(table: &mut Table) -> Result<()> {
    use canvass_server::db::{self, audit as log};
    let database = TestDb::new();
    let (pool, _) = db::open(database.url(), 1)?;
    let mut conn = pool.get()?;
    let started = Instant::now();
    db::write_transaction(&mut conn, |conn| {
        for n in 0..AUDIT_ENTRIES {
            let entry = log::NewEntry {
                actor_id: Some(2),
                actor: "organiser",
                action: "tally_sheet.enter",
                object: &format!("round:{}/station:{}", n % 7 + 1, n % 40),
            };
            log::append(conn, &entry, 1_796_000_000 + n)?;
        }
        Ok::<_, db::StoreError>(())
    })?;
    let appended = started.elapsed();
    let mut times = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let verification = log::verify(&mut conn)?;
        times.push(started.elapsed());
        if verification.first_broken.is_some()
            || verification.entries != u64::try_from(AUDIT_ENTRIES)?
        {
            bail!("the audit chain does not hold: {verification:?}");
        }
    }
    times.sort();
    table.row(
        &format!("audit log: verify {AUDIT_ENTRIES} entries (read and hash the chain)"),
        &format!("{:.1} ms (median of 7)", times[3].as_secs_f64() * 1000.0),
        &format!(
            "slowest {:.1} ms; appending them took {:.1} s",
            times[6].as_secs_f64() * 1000.0,
            appended.as_secs_f64()
        ),
    );
    Ok(())
}

/// The spreadsheet imports of the organiser's console, in-process: the pure functions the
/// server's pages and the CLI call, on the same sample files as the timing example.
fn imports(table: &mut Table) {
    for timing in canvass_protocol::sheets::samples::timed_imports(7) {
        table.row(
            timing.what,
            &format!(
                "{:.0} ms (median of 7)",
                timing.median.as_secs_f64() * 1000.0
            ),
            &format!("slowest {:.0} ms", timing.max.as_secs_f64() * 1000.0),
        );
    }
}

/// Electronic ballots, each with its own fresh code, at [`BALLOT_CLIENTS`] clients.
fn ballots(
    api: &Api,
    server: &Server,
    setup: &Setup,
    sizes: &Sizes,
    table: &mut Table,
    peak_rss: &mut u64,
) -> Result<()> {
    let codes = setup.generate_codes(api, &setup.load_round, sizes.ballots)?;
    let ballot_bodies: Vec<Vec<u8>> = codes
        .iter()
        .map(|code| {
            serde_json::to_vec(&json!({"code": code, "ballot": {"elector_group": "", "marks": setup.marks(&mut rand::thread_rng())}}))
                .expect("JSON")
        })
        .collect();
    let path = format!("/api/v1/public/rounds/{}/ballots", setup.load_round.1);
    server.reset_peak();
    let run = load_unique(&server.addr, &path, BALLOT_CLIENTS, &ballot_bodies)?;
    run.check("ballots")?;
    *peak_rss = (*peak_rss).max(server.peak_kib());
    table.row(
        &format!("electronic ballots (7 subjects), {BALLOT_CLIENTS} clients"),
        &format!("{:.0}/s", run.rate()),
        &run.latency(),
    );
    Ok(())
}

/// Seeds many answers and ballots through the storage code, then times the results endpoints
/// (`measure.0`) and the CSV export (`measure.1`) over them.
#[allow(clippy::too_many_arguments)]
fn stored(
    api: &Api,
    server: &Server,
    database: &TestDb,
    setup: &Setup,
    sizes: &Sizes,
    measure: (bool, bool),
    table: &mut Table,
    peak_rss: &mut u64,
) -> Result<()> {
    server.reset_peak();
    let seeding = seed(database.url(), setup, sizes.seeded)?;
    *peak_rss = (*peak_rss).max(server.peak_kib());
    eprintln!(
        "bench: seeded {} answers and {} ballots through the storage code in {:.1} s",
        sizes.seeded,
        sizes.seeded,
        seeding.as_secs_f64()
    );
    let organiser = api.login("organiser", ORGANISER_PASSWORD)?;
    let results = [
        (
            "survey results",
            format!("/api/v1/surveys/{}/results", setup.seeded_survey),
        ),
        (
            "survey coverage",
            format!("/api/v1/surveys/{}/coverage", setup.seeded_survey),
        ),
        (
            "round results",
            format!("/api/v1/rounds/{}/results", setup.seeded_round.0),
        ),
    ];
    for (label, path) in results.into_iter().filter(|_| measure.0) {
        let mut times = Vec::new();
        for _ in 0..sizes.results_requests {
            let started = Instant::now();
            let (status, _) = api.get(&path, &organiser)?;
            times.push(started.elapsed());
            if status != 200 {
                bail!("{path} answered {status}");
            }
        }
        table.row(
            &format!("{label}, {} stored", sizes.seeded),
            "",
            &percentiles(&mut times),
        );
    }

    if !measure.1 {
        return Ok(());
    }
    server.reset_peak();
    let started = Instant::now();
    let (bytes, lines) = api.download(
        &format!("/api/v1/surveys/{}/answers.csv", setup.seeded_survey),
        &organiser,
    )?;
    let export = started.elapsed();
    let export_peak = server.peak_kib();
    *peak_rss = (*peak_rss).max(export_peak);
    if lines != sizes.seeded + 1 {
        bail!("the export has {lines} lines for {} answers", sizes.seeded);
    }
    table.row(
        &format!(
            "CSV export of {} answers ({:.0} MB)",
            sizes.seeded,
            mib(bytes as u64)
        ),
        &format!(
            "{:.2} s, server peak {:.0} MiB",
            export.as_secs_f64(),
            kib_to_mib(export_peak)
        ),
        "",
    );
    Ok(())
}
