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
//! `--only submissions,ballots,sync,results,export,raw,imports` runs only those scenarios (the
//! fixed-body ceiling always runs with a server scenario: the other rates are read against it).
//! `imports` times the spreadsheet imports in-process (a 5,000-row roster, a 200-question
//! XLSForm) and needs no server: `--only imports` starts none.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use canvass_protocol::rounds::Ballot;
use canvass_protocol::surveys::{Channel, SubmitResponse};
use canvass_server::db::{self, DbConnection};
use canvass_tests::TestDb;
use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl};
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ADMIN_PASSWORD: &str = "bench-admin-password";
const ORGANISER_PASSWORD: &str = "bench-organiser-password";
const OFFICER_PASSWORD: &str = "bench-officer-password";

/// How much work each scenario does: bounded request counts, never a duration.
struct Sizes {
    /// Submissions sent at 1, 32 and 256 clients.
    submissions: [(usize, usize); 3],
    ballots: usize,
    sync_answers: usize,
    seeded: usize,
    raw_rows: usize,
    results_requests: usize,
}

const FULL: Sizes = Sizes {
    submissions: [(1, 3_000), (32, 60_000), (256, 60_000)],
    ballots: 30_000,
    sync_answers: 100_000,
    seeded: 1_000_000,
    raw_rows: 60_000,
    results_requests: 50,
};

const QUICK: Sizes = Sizes {
    submissions: [(1, 300), (32, 3_000), (256, 3_000)],
    ballots: 2_000,
    sync_answers: 5_000,
    seeded: 20_000,
    raw_rows: 3_000,
    results_requests: 10,
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
        .is_some_and(|o| o.iter().all(|n| n == "imports"))
    {
        let mut table = Table::default();
        imports(&mut table);
        println!();
        println!(
            "canvass bench: imports, {} CPU core(s), {}",
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
    if runs("imports") {
        imports(&mut table);
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
const SCENARIOS: [&str; 7] = [
    "submissions",
    "ballots",
    "sync",
    "results",
    "export",
    "raw",
    "imports",
];

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

// ---- binaries and the server ---------------------------------------------------------------

/// Builds the server and client binaries of this profile next to this one; their directory.
fn build_binaries() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe.parent().context("the bench's directory")?.to_path_buf();
    let target = dir.parent().context("the target directory")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        // the whole workspace, as docs/performance.md builds it: another package selection
        // unifies dependency features differently and would rebuild the server on every run
        .args(["build", "--quiet", "--workspace", "--bins"])
        .arg("--target-dir")
        .arg(target)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    if dir.ends_with("release") {
        command.arg("--release");
    }
    let status = command.status().context("run cargo build")?;
    if !status.success() {
        bail!("building canvass-server and canvass failed");
    }
    Ok(dir)
}

/// The `canvass-server` child process; killed when dropped.
struct Server {
    child: Child,
    url: String,
    addr: String,
}

impl Server {
    fn start(binary: &Path, database_url: &str, dir: &Path) -> Result<Self> {
        let mut command = Command::new(binary);
        for (key, _) in std::env::vars() {
            if key.starts_with("CANVASS_") {
                command.env_remove(key);
            }
        }
        let mut child = command
            .current_dir(dir)
            .env("CANVASS_DATABASE_URL", database_url)
            .env("CANVASS_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("CANVASS_PORT", "0")
            .env("CANVASS_LOG", "warn")
            // every load client shares 127.0.0.1, so the per-address limit is off
            .env("CANVASS_SUBMISSIONS_PER_MINUTE", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("start canvass-server")?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .context("canvass-server exited before serving")??;
            if let Some(rest) = line.split("serving on ").nth(1) {
                break rest.trim().to_string();
            }
        };
        // keep draining the banner so the server never blocks on a full pipe
        std::thread::spawn(move || for _ in lines.by_ref() {});
        let addr = url.trim_start_matches("http://").to_string();
        Ok(Self { child, url, addr })
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// Starts a new peak-memory measurement (Linux: writing 5 to `clear_refs` resets VmHWM).
    fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    /// The peak resident set since the last reset, in KiB.
    fn peak_kib(&self) -> u64 {
        self.status_kib("VmHWM:").max(self.status_kib("VmRSS:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An actix-web server in this process answering every POST with a fixed body: what the
/// machine can do with HTTP alone.
struct FixedServer {
    addr: String,
    handle: actix_web::dev::ServerHandle,
}

impl FixedServer {
    fn start() -> Result<Self> {
        use actix_web::{web, App, HttpResponse, HttpServer};
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?.to_string();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(|| {
                    App::new().route(
                        "/fixed",
                        web::post().to(|_body: web::Bytes| async {
                            HttpResponse::Created()
                                .content_type("application/json")
                                .body(r#"{"accepted":true}"#)
                        }),
                    )
                })
                .listen(listener)
                .expect("listen")
                .run();
                tx.send(server.handle()).expect("send the handle");
                let _ = server.await;
            });
        });
        let handle = rx.recv()?;
        Ok(Self { addr, handle })
    }
}

impl Drop for FixedServer {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

// ---- setting up through the API --------------------------------------------------------------

/// A blocking client for set-up and the sequential measurements.
struct Api {
    base: String,
    client: reqwest::blocking::Client,
}

impl Api {
    fn new(base: &str) -> Self {
        Self {
            base: base.to_string(),
            client: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(600))
                .build()
                .expect("an HTTP client"),
        }
    }

    fn call(&self, method: &str, path: &str, token: Option<&str>, body: &Value) -> Result<Value> {
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send()?;
        let status = response.status();
        let value: Value = response.json().unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{path} answered {status}: {value}");
        }
        Ok(value)
    }

    fn get(&self, path: &str, token: &str) -> Result<(u16, usize)> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()?;
        let status = response.status().as_u16();
        Ok((status, response.bytes()?.len()))
    }

    /// Downloads `path` chunk by chunk; its size and number of lines.
    fn download(&self, path: &str, token: &str) -> Result<(usize, usize)> {
        use std::io::Read;
        let mut response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()?;
        if !response.status().is_success() {
            bail!("{path} answered {}", response.status());
        }
        let mut buffer = vec![0_u8; 1 << 16];
        let (mut bytes, mut lines) = (0, 0);
        loop {
            let n = response.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            bytes += n;
            #[allow(clippy::naive_bytecount)] // 64 KiB at a time: fast enough
            let newlines = buffer[..n].iter().filter(|&&b| b == b'\n').count();
            lines += newlines;
        }
        Ok((bytes, lines))
    }

    fn login(&self, username: &str, password: &str) -> Result<String> {
        let body = self.call(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"username": username, "password": password}),
        )?;
        body["token"]
            .as_str()
            .map(ToString::to_string)
            .ok_or_else(|| anyhow!("no token in {body}"))
    }
}

/// What the scenarios run against: a county, the benchmark form on two surveys (one loaded
/// over HTTP, one seeded), and two appraisal rounds of 7 subjects.
struct Setup {
    organiser: String,
    targets: Vec<i64>,
    villages: Vec<i64>,
    load_survey: i64,
    load_survey_slug: String,
    seeded_survey: i64,
    officials: Vec<i64>,
    /// (id, slug)
    load_round: (i64, String),
    seeded_round: (i64, String),
}

/// The benchmark form: 10 questions, 5 rating, 3 number, 2 text.
fn bench_form() -> Value {
    let mut questions = Vec::new();
    for (i, topic) in ["overall", "attitude", "speed", "openness", "fairness"]
        .iter()
        .enumerate()
    {
        questions.push(json!({
            "id": format!("r{}", i + 1),
            "label": {"zh-CN": format!("评价 {topic}"), "en": format!("Rate {topic}")},
            "required": true,
            "type": "rating"
        }));
    }
    for (i, (min, max)) in [(1, 20), (0, 120), (0, 10_000)].iter().enumerate() {
        questions.push(json!({
            "id": format!("n{}", i + 1),
            "label": {"zh-CN": format!("数字 {}", i + 1), "en": format!("Number {}", i + 1)},
            "type": "number",
            "min": min,
            "max": max,
            "integer": true
        }));
    }
    questions.push(json!({"id": "t1", "label": {"zh-CN": "意见", "en": "Comments"}, "type": "short_text", "max_length": 200}));
    questions.push(
        json!({"id": "t2", "label": {"zh-CN": "建议", "en": "Suggestions"}, "type": "long_text"}),
    );
    json!({
        "title": {"zh-CN": "性能测试问卷", "en": "Benchmark survey"},
        "questions": questions
    })
}

const RATINGS: [&str; 4] = [
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "dont_know",
];
const OFFICIAL_GRADES: [&str; 4] = [
    "excellent",
    "competent",
    "basically_competent",
    "incompetent",
];
const TEAM_GRADES: [&str; 4] = ["good", "fairly_good", "average", "poor"];

impl Setup {
    fn create(api: &Api) -> Result<Self> {
        let admin = api.login("admin", ADMIN_PASSWORD)?;
        let unit = |name: &str, kind: &str, parent: Option<i64>| -> Result<i64> {
            let body = api.call(
                "POST",
                "/api/v1/units",
                Some(&admin),
                &json!({"name": name, "kind": kind, "parent_id": parent}),
            )?;
            body["id"].as_i64().context("a unit id")
        };
        let county = unit("清河县", "county", None)?;
        let targets = ["县市场监督管理局", "县人社局", "县政务服务中心", "县医保局"]
            .iter()
            .map(|name| unit(name, "department", Some(county)))
            .collect::<Result<Vec<_>>>()?;
        let township = unit("东山镇", "township", Some(county))?;
        let villages = ["东山村", "西山村", "南山社区"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                unit(
                    name,
                    if i == 2 { "community" } else { "village" },
                    Some(township),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        for (username, password, role, unit) in [
            ("organiser", ORGANISER_PASSWORD, "organiser", county),
            ("officer", OFFICER_PASSWORD, "officer", township),
        ] {
            api.call(
                "POST",
                "/api/v1/accounts",
                Some(&admin),
                &json!({"username": username, "display_name": username, "password": password, "role": role, "unit_id": unit}),
            )?;
        }
        let organiser = api.login("organiser", ORGANISER_PASSWORD)?;
        let survey = |()| -> Result<(i64, String)> {
            let body = api.call(
                "POST",
                "/api/v1/surveys",
                Some(&organiser),
                &json!({"definition": bench_form(), "targets": targets, "unit_id": county}),
            )?;
            let id = body["id"].as_i64().context("a survey id")?;
            let body = api.call(
                "POST",
                &format!("/api/v1/surveys/{id}/publish"),
                Some(&organiser),
                &Value::Null,
            )?;
            let slug = body["public_url"]
                .as_str()
                .and_then(|u| u.rsplit('/').next())
                .context("a public link")?
                .to_string();
            Ok((id, slug))
        };
        let (load_survey, load_survey_slug) = survey(())?;
        let (seeded_survey, _) = survey(())?;
        let officials = ["王建国", "李明", "张丽", "陈志强", "刘芳", "赵强"]
            .iter()
            .map(|name| {
                let body = api.call(
                    "POST",
                    "/api/v1/officials",
                    Some(&organiser),
                    &json!({"unit_id": township, "name": name, "position": "班子成员"}),
                )?;
                body["id"].as_i64().context("an official id")
            })
            .collect::<Result<Vec<_>>>()?;
        let round = |period: &str| -> Result<(i64, String)> {
            let subjects: Vec<Value> = officials
                .iter()
                .map(|id| json!({"official_id": id, "name": format!("#{id}"), "position": "班子成员"}))
                .collect();
            let definition = json!({
                "period": period,
                "series": {"id": format!("bench-{period}"), "name": "东山镇领导班子年度民主测评"},
                "officials": subjects,
                "team": {"name": "东山镇领导班子", "principal_leader": officials[0]},
                "elector_groups": [{"id": "public", "label": "群众代表", "weight": 1.0}],
                "validity_rules": [{"kind": "max_grade_count", "grade": "excellent", "max": 2}],
                "flag_rules": [
                    {"id": "lower_third", "label": "基本称职和不称职票达到三分之一", "applies_to": "official",
                     "condition": {"kind": "share", "grades": ["basically_competent", "incompetent"], "comparison": "at_least", "threshold": "1/3", "basis": "votes"},
                     "consecutive_rounds": 1}
                ],
                "disclosure": {"counts": 5, "comments": 10}
            });
            let body = api.call(
                "POST",
                "/api/v1/rounds",
                Some(&organiser),
                &json!({"definition": definition, "unit_id": township}),
            )?;
            let id = body["id"].as_i64().context("a round id")?;
            let slug = body["ballot_url"]
                .as_str()
                .and_then(|u| u.rsplit('/').next())
                .context("a ballot link")?
                .to_string();
            api.call(
                "POST",
                &format!("/api/v1/rounds/{id}/open"),
                Some(&organiser),
                &Value::Null,
            )?;
            Ok((id, slug))
        };
        let load_round = round("2026")?;
        let seeded_round = round("2025")?;
        Ok(Self {
            organiser,
            targets,
            villages,
            load_survey,
            load_survey_slug,
            seeded_survey,
            officials,
            load_round,
            seeded_round,
        })
    }

    fn generate_codes(
        &self,
        api: &Api,
        round: &(i64, String),
        count: usize,
    ) -> Result<Vec<String>> {
        let mut codes = Vec::with_capacity(count);
        while codes.len() < count {
            let n = (count - codes.len()).min(2000);
            let body = api.call(
                "POST",
                &format!("/api/v1/rounds/{}/codes", round.0),
                Some(&self.organiser),
                &json!({"elector_group": "public", "count": n}),
            )?;
            let list = body["codes"].as_array().context("codes")?;
            codes.extend(list.iter().filter_map(|c| c.as_str().map(String::from)));
        }
        Ok(codes)
    }

    /// A random ballot: 6 officials and the team; mostly valid, sometimes over the quota of
    /// two "excellent" (stored as 废票, as a real meeting has).
    fn marks(&self, rng: &mut impl Rng) -> Value {
        let mut marks: Vec<Value> = self
            .officials
            .iter()
            .map(|id| {
                if rng.gen_ratio(1, 20) {
                    json!({"subject": {"official": id}})
                } else {
                    let grade = OFFICIAL_GRADES[rng.gen_range(0..4)];
                    json!({"subject": {"official": id}, "grade": grade})
                }
            })
            .collect();
        marks.push(json!({"subject": "team", "grade": TEAM_GRADES[rng.gen_range(0..4)]}));
        json!(marks)
    }

    /// A random answer set: every rating, the numbers, and text from one respondent in ten
    /// (most people leave comment boxes empty).
    fn answers(rng: &mut impl Rng) -> Value {
        let mut answers = serde_json::Map::new();
        for i in 1..=5 {
            answers.insert(format!("r{i}"), json!(RATINGS[rng.gen_range(0..4)]));
        }
        answers.insert("n1".into(), json!(rng.gen_range(1..=20)));
        answers.insert("n2".into(), json!(rng.gen_range(0..=120)));
        answers.insert("n3".into(), json!(rng.gen_range(0..=10_000)));
        if rng.gen_ratio(1, 10) {
            answers.insert("t1".into(), json!("窗口排队时间太长,希望增加工作人员"));
            answers.insert(
                "t2".into(),
                json!("建议在网上公布办事指南和收费标准,让群众少跑腿。"),
            );
        }
        Value::Object(answers)
    }

    fn submission(&self, rng: &mut impl Rng) -> Value {
        json!({
            "version": 1,
            "target_unit_id": self.targets[rng.gen_range(0..self.targets.len())],
            "respondent_unit_id": self.villages[rng.gen_range(0..self.villages.len())],
            "answers": Self::answers(rng)
        })
    }
}

fn submission_bodies(setup: &Setup, n: usize) -> Vec<Vec<u8>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    (0..n)
        .map(|_| serde_json::to_vec(&setup.submission(&mut rng)).expect("JSON"))
        .collect()
}

// ---- the load generator -----------------------------------------------------------------------

/// The outcome of one load run.
struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
    /// Status → count of answers other than the expected one.
    unexpected: HashMap<u16, usize>,
}

impl Run {
    #[allow(clippy::cast_precision_loss)]
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn latency(&self) -> String {
        percentiles(&mut self.latencies.clone())
    }

    fn check(&self, what: &str) -> Result<()> {
        if self.unexpected.is_empty() {
            Ok(())
        } else {
            bail!("{what}: unexpected answers {:?}", self.unexpected)
        }
    }
}

fn percentiles(times: &mut [Duration]) -> String {
    times.sort_unstable();
    let at = |p: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
        times[i].as_secs_f64() * 1000.0
    };
    if times.is_empty() {
        return String::new();
    }
    format!("p50 {:.2} ms, p99 {:.2} ms", at(0.50), at(0.99))
}

/// Sends `requests` POSTs to `path` from `clients` keep-alive connections, each body taken in
/// turn from `bodies`.
fn load(
    addr: &str,
    path: &str,
    clients: usize,
    requests: usize,
    bodies: &[Vec<u8>],
    expect: fn(usize) -> u16,
) -> Result<Run> {
    let prepared: Vec<Vec<u8>> = bodies.iter().map(|b| http_request(addr, path, b)).collect();
    run_load(addr, clients, requests, Arc::new(prepared), expect)
}

/// Sends each of `bodies` once (every ballot needs its own code).
fn load_unique(addr: &str, path: &str, clients: usize, bodies: &[Vec<u8>]) -> Result<Run> {
    let prepared: Vec<Vec<u8>> = bodies.iter().map(|b| http_request(addr, path, b)).collect();
    run_load(addr, clients, bodies.len(), Arc::new(prepared), |_| 201)
}

fn http_request(addr: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn run_load(
    addr: &str,
    clients: usize,
    requests: usize,
    prepared: Arc<Vec<Vec<u8>>>,
    expect: fn(usize) -> u16,
) -> Result<Run> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let addr = addr.to_string();
    runtime.block_on(async move {
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(clients);
        for _ in 0..clients {
            let (next, prepared, addr) = (next.clone(), prepared.clone(), addr.clone());
            tasks.push(tokio::spawn(async move {
                let mut stream = tokio::net::TcpStream::connect(&addr).await?;
                stream.set_nodelay(true)?;
                let mut buffer = Vec::with_capacity(4096);
                let mut latencies = Vec::new();
                let mut unexpected: HashMap<u16, usize> = HashMap::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    let request = &prepared[i % prepared.len()];
                    let sent = Instant::now();
                    stream.write_all(request).await?;
                    let status = read_response(&mut stream, &mut buffer).await?;
                    latencies.push(sent.elapsed());
                    if status != expect(i) {
                        *unexpected.entry(status).or_default() += 1;
                    }
                }
                Ok::<_, anyhow::Error>((latencies, unexpected))
            }));
        }
        let mut run = Run {
            elapsed: Duration::ZERO,
            latencies: Vec::with_capacity(requests),
            unexpected: HashMap::new(),
        };
        for task in tasks {
            let (latencies, unexpected) = task.await??;
            run.latencies.extend(latencies);
            for (status, n) in unexpected {
                *run.unexpected.entry(status).or_default() += n;
            }
        }
        run.elapsed = started.elapsed();
        Ok(run)
    })
}

/// Reads one HTTP/1.1 response with a `Content-Length`; its status.
async fn read_response(stream: &mut tokio::net::TcpStream, buffer: &mut Vec<u8>) -> Result<u16> {
    buffer.clear();
    let mut chunk = [0_u8; 4096];
    let header_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            bail!("the server closed the connection");
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buffer[..header_end])?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("a status line")?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            bail!("the server closed the connection");
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Ok(status)
}

// ---- field sync with the real client ----------------------------------------------------------

/// Queues `answers` answer sets in the real client's local store (`canvass import`, not timed)
/// and times `canvass push` until the server has stored every one.
fn field_sync(
    bins: &Path,
    url: &str,
    setup: &Setup,
    answers: usize,
    work: &Path,
) -> Result<Duration> {
    let home = work.join("field-client");
    let canvass = |args: &[&str], stdin: Option<&str>| -> Result<String> {
        let mut command = Command::new(bins.join("canvass"));
        for (key, _) in std::env::vars() {
            if key.starts_with("CANVASS_") {
                command.env_remove(key);
            }
        }
        let mut child = command
            .args(args)
            .env("CANVASS_CONFIG_DIR", home.join("config"))
            .env("CANVASS_DATA_DIR", home.join("data"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("start canvass")?;
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .context("stdin")?
                .write_all(text.as_bytes())?;
        }
        drop(child.stdin.take());
        let output = child.wait_with_output()?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if !output.status.success() {
            bail!("canvass {args:?} failed: {text}");
        }
        Ok(text)
    };
    canvass(
        &[
            "login",
            "--server",
            url,
            "--username",
            "officer",
            "--password-stdin",
            "--device-name",
            "bench laptop",
        ],
        Some(&format!("{OFFICER_PASSWORD}\n")),
    )?;
    canvass(&["pull"], None)?;
    let mut csv = String::from("target,village,r1,r2,r3,r4,r5,n1,n2,n3,t1,t2\n");
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    for _ in 0..answers {
        let a = Setup::answers(&mut rng);
        let _ = write!(
            csv,
            "{},{}",
            setup.targets[rng.gen_range(0..setup.targets.len())],
            setup.villages[rng.gen_range(0..setup.villages.len())]
        );
        for q in ["r1", "r2", "r3", "r4", "r5", "n1", "n2", "n3", "t1", "t2"] {
            let cell = match &a[q] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            let _ = write!(csv, ",\"{}\"", cell.replace('"', "\"\""));
        }
        csv.push('\n');
    }
    let file = work.join("field-answers.csv");
    std::fs::write(&file, csv)?;
    let started = Instant::now();
    canvass(
        &[
            "import",
            file.to_str().context("a UTF-8 path")?,
            "--survey",
            &setup.load_survey.to_string(),
        ],
        None,
    )?;
    eprintln!(
        "bench: queued {answers} answer sets with `canvass import` in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let out = canvass(&["push"], None)?;
    let elapsed = started.elapsed();
    if !out.contains(&format!("stored {answers} answer set(s)")) {
        bail!("canvass push did not store every answer: {out}");
    }
    Ok(elapsed)
}

// ---- seeding through the storage code ---------------------------------------------------------

/// Stores `n` answer sets in the seeded survey and casts `n` ballots in the seeded round
/// through the server's own storage code (`SurveyContext::prepare`, `record_into`,
/// `issue_codes`, `plan_cast`, `apply_cast`), 10,000 per transaction: fast, and the same rows
/// and tallies as over HTTP.
fn seed(database_url: &str, setup: &Setup, n: usize) -> Result<Duration> {
    use canvass_protocol::calendar::day_of;
    use canvass_server::db::rounds::RoundDelta;
    use canvass_server::db::surveys::TallyDelta;
    use canvass_server::domain::surveys::{self, SurveyContext};
    use canvass_server::domain::{ballot_codes, rounds};
    const CHUNK: usize = 10_000;
    let started = Instant::now();
    let (pool, _) = db::open(database_url, 1).map_err(|e| anyhow!("{e}"))?;
    let mut conn = pool.get()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(13);
    let bodies: Vec<SubmitResponse> = (0..256)
        .map(|_| serde_json::from_value(setup.submission(&mut rng)))
        .collect::<Result<_, _>>()?;
    let row = db::surveys::find(&mut conn, setup.seeded_survey)?;
    let mut context = SurveyContext::new(row);
    let now = db::now();
    let mut done = 0;
    while done < n {
        let count = CHUNK.min(n - done);
        (*conn).transaction(|conn: &mut DbConnection| {
            let mut delta = TallyDelta::default();
            for i in 0..count {
                let body = &bodies[rng.gen_range(0..bodies.len())];
                // answers spread over the last 30 days
                let day = day_of(now - i64::try_from(i % 30).unwrap_or(0) * 86_400);
                let (stored, validated) = context
                    .prepare(conn, None, body, Channel::Web, day)
                    .map_err(|e| anyhow!("{e:?}"))?;
                surveys::record_into(conn, &stored, &validated, &mut delta)?;
            }
            delta.write(conn)?;
            Ok::<_, anyhow::Error>(())
        })?;
        done += count;
    }

    let pepper = db::secrets::get_or_create(&mut conn, ballot_codes::CODE_PEPPER, String::new)?;
    let row = db::rounds::find_round(&mut conn, setup.seeded_round.0)?;
    let round = rounds::stored_round(&row).map_err(|e| anyhow!("{e:?}"))?;
    let ballots: Vec<Ballot> = (0..256)
        .map(|_| {
            serde_json::from_value(json!({"elector_group": "", "marks": setup.marks(&mut rng)}))
        })
        .collect::<Result<_, _>>()?;
    let mut done = 0;
    while done < n {
        let count = CHUNK.min(n - done);
        (*conn).transaction(|conn: &mut DbConnection| {
            let mut codes = Vec::with_capacity(count);
            while codes.len() < count {
                let k = u32::try_from((count - codes.len()).min(2000)).unwrap_or(2000);
                codes.extend(
                    ballot_codes::issue_codes(conn, row.id, "public", k, &pepper)
                        .map_err(|e| anyhow!("{e:?}"))?,
                );
            }
            let mut delta = RoundDelta::default();
            for code in &codes {
                let ballot = &ballots[rng.gen_range(0..ballots.len())];
                let plan = ballot_codes::plan_cast(conn, &row, &round, code, ballot, &pepper)
                    .map_err(|e| anyhow!("{e:?}"))?;
                ballot_codes::apply_cast(conn, row.id, &plan, &mut delta)
                    .map_err(|e| anyhow!("{e:?}"))?;
            }
            delta.write(conn)?;
            Ok::<_, anyhow::Error>(())
        })?;
        done += count;
    }
    Ok(started.elapsed())
}

// ---- the storage ceiling ----------------------------------------------------------------------

/// Inserts `n` response rows (and their comment rows) like the submissions' into a fresh
/// SQLite file with the same schema and settings (WAL, synchronous=FULL), 1,000 per
/// transaction, with plain prepared statements and no HTTP or validation; rows per second.
fn raw_sqlite_inserts(setup: &Setup, n: usize, work: &Path) -> Result<f64> {
    use diesel::sql_types::{BigInt, Integer, Nullable, Text};
    let path = work.join("raw.db");
    let (pool, _) =
        db::open(&format!("sqlite://{}", path.display()), 1).map_err(|e| anyhow!("{e}"))?;
    let mut conn = pool.get()?;
    conn.batch_execute("PRAGMA synchronous = FULL")?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    let rows: Vec<(i64, i64, String)> = (0..n)
        .map(|_| {
            (
                setup.targets[rng.gen_range(0..setup.targets.len())],
                setup.villages[rng.gen_range(0..setup.villages.len())],
                Setup::answers(&mut rng).to_string(),
            )
        })
        .collect();
    let day = canvass_protocol::calendar::day_of(db::now());
    let started = Instant::now();
    for chunk in rows.chunks(1000) {
        (*conn).transaction(|conn: &mut DbConnection| {
            for (target, village, answers) in chunk {
                diesel::sql_query(
                    "INSERT INTO survey_responses (id, survey_id, version, target_unit_id, respondent_unit_id, channel, day, answers) \
                     VALUES ($1, $2, $3, $4, $5, 'web', $6, $7)",
                )
                .bind::<Text, _>(uuid::Uuid::new_v4().simple().to_string())
                .bind::<BigInt, _>(1_i64)
                .bind::<Integer, _>(1)
                .bind::<BigInt, _>(target)
                .bind::<Nullable<BigInt>, _>(Some(*village))
                .bind::<Text, _>(&day)
                .bind::<Text, _>(answers)
                .execute(conn)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    #[allow(clippy::cast_precision_loss)]
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

// ---- output ---------------------------------------------------------------------------------

#[derive(Default)]
struct Table {
    rows: Vec<[String; 3]>,
}

impl Table {
    fn row(&mut self, what: &str, rate: &str, latency: &str) {
        eprintln!("bench: {what}: {rate} {latency}");
        self.rows
            .push([what.to_string(), rate.to_string(), latency.to_string()]);
    }

    fn render(&self) -> String {
        let mut out = String::from("| scenario | throughput / time | latency |\n|---|---|---|\n");
        for [a, b, c] in &self.rows {
            let _ = writeln!(out, "| {a} | {b} | {c} |");
        }
        out
    }
}

#[allow(clippy::cast_precision_loss)]
fn kib_to_mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[allow(clippy::cast_precision_loss)]
fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
