//! Exactly once, whatever the network and the processes do: the real server binary on a
//! database that outlives it, the real `canvass` client, and faults injected while a push is
//! in flight (the server killed, the client killed, answers lost on the way back). After every
//! fault, pushing again ends with the server holding each collected answer exactly once.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use canvass_tests::binaries::ServerProcess;
use canvass_tests::proxy::DroppingProxy;
use canvass_tests::{fixtures, inspect, Api, TestDb};
use serde_json::{json, Value};

use crate::support::Cli;

const ADMIN_PASSWORD: &str = "fault-admin-password";

/// The server binary on a fixed port and a database that survives it being killed.
struct FieldServer {
    db: TestDb,
    dir: tempfile::TempDir,
    port: u16,
    process: Option<ServerProcess>,
}

impl FieldServer {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Self {
            db: TestDb::new(),
            dir: tempfile::tempdir().unwrap(),
            port,
            process: None,
        };
        server.restart();
        server
    }

    fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn restart(&mut self) {
        let port = self.port.to_string();
        let envs = [
            ("CANVASS_DATABASE_URL", self.db.url()),
            ("CANVASS_PORT", port.as_str()),
            ("CANVASS_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ];
        self.process = Some(ServerProcess::start(&[], &envs, self.dir.path()));
    }

    /// SIGKILL: no graceful shutdown, whatever was in flight is cut off.
    fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.child.kill().expect("kill the server");
            process.child.wait().expect("reap the server");
        }
    }

    fn stored_responses(&self) -> i64 {
        inspect::strings(
            self.db.url(),
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM survey_responses",
        )[0]
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
    }

    fn stored_batches(&self) -> i64 {
        inspect::strings(
            self.db.url(),
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM sync_batches",
        )[0]
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
    }
}

struct Setup {
    survey: i64,
    departments: Vec<i64>,
    organiser: String,
}

/// A county survey of two departments, open; an officer signed in on `cli` at `address`
/// (the server's, or a proxy's in front of it) who has pulled the manifest.
fn setup(server: &FieldServer, cli: &Cli, address: &str) -> Setup {
    let api = Api::new(&server.address());
    let county = fixtures::county(&api, &api.login("admin", ADMIN_PASSWORD));
    let survey = fixtures::open_window_survey(&api, &county);
    let (departments, organiser) = (county.departments, county.organiser);
    cli.login_at(address, "officer", fixtures::OFFICER_PASSWORD)
        .expect_code(0);
    cli.run(&["pull"], None).expect_code(0);
    Setup {
        survey,
        departments,
        organiser,
    }
}

/// Queues `n` answer sets typed up from paper, offline (through `canvass import`); returns how
/// many rated each department, to check the server's figures against.
fn queue_answers(cli: &Cli, s: &Setup, n: usize) -> [u64; 2] {
    let mut csv = String::from("target,village,collected_on,visit_purpose,overall,attitude,efficiency,dissatisfied_reasons,trips,score,comment\n");
    let mut per_target = [0u64; 2];
    let overall = [
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "dont_know",
    ];
    for i in 0..n {
        let target = i % 2;
        per_target[target] += 1;
        let o = overall[i % overall.len()];
        let reasons = if o == "dissatisfied" {
            "long_wait;rude_staff"
        } else {
            ""
        };
        let _ = writeln!(
            csv,
            "{},东山村,2026-11-20,licence,{o},satisfied,basically_satisfied,{reasons},{},{},第{i}份",
            s.departments[target],
            1 + i % 5,
            i % 11
        );
    }
    let file = cli.scratch().join("paper.csv");
    std::fs::write(&file, csv).unwrap();
    let run = cli.run(
        &[
            "import",
            file.to_str().unwrap(),
            "--survey",
            &s.survey.to_string(),
        ],
        None,
    );
    run.expect_code(0);
    per_target
}

/// The server's exact count of answers per target, as the organiser reads it, next to the
/// expected counts in the same form.
fn server_counts(server: &FieldServer, s: &Setup, expected: [u64; 2]) -> (Vec<Value>, Vec<Value>) {
    let api = Api::new(&server.address());
    let (status, results) = api.call(
        "GET",
        &format!("/api/v1/surveys/{}/results", s.survey),
        Some(&s.organiser),
        None,
    );
    assert_eq!(status, 200, "{results}");
    let got = s
        .departments
        .iter()
        .map(|d| {
            results["targets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["unit_id"] == *d)
                .unwrap()["responses"]["value"]
                .clone()
        })
        .collect();
    let want = expected
        .iter()
        .map(|n| json!(f64::from(u32::try_from(*n).unwrap())))
        .collect();
    (got, want)
}

/// Runs `canvass push` until it succeeds (at most `tries` times).
fn push_until_done(cli: &Cli, args: &[&str], tries: usize) -> String {
    let mut log = String::new();
    for _ in 0..tries {
        let run = cli.run(args, None);
        log.push_str(&run.all());
        if run.code == 0 {
            return log;
        }
    }
    panic!("push did not finish after {tries} tries: {log}");
}

fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_thousand_answers_collected_offline_arrive_exactly_once() {
    let mut server = FieldServer::start();
    let cli = Cli::new();
    let s = setup(&server, &cli, &server.address());
    server.kill();
    // no server at all: collecting still works
    let expected = queue_answers(&cli, &s, 1000);
    let run = cli.run(&["push"], None);
    assert_ne!(run.code, 0, "nothing to push to: {run:#?}");
    assert_eq!(server.stored_responses(), 0);
    server.restart();
    push_until_done(&cli, &["push"], 3);
    assert_eq!(server.stored_responses(), 1000);
    let (got, want) = server_counts(&server, &s, expected);
    assert_eq!(got, want);
    let status = cli.run(&["status"], None);
    status.expect_code(0);
    // pushing again sends nothing more
    push_until_done(&cli, &["push"], 1);
    assert_eq!(server.stored_responses(), 1000);
}

#[test]
fn the_server_killed_mid_push_loses_nothing_and_counts_nothing_twice() {
    let mut server = FieldServer::start();
    let cli = Cli::new();
    let s = setup(&server, &cli, &server.address());
    let expected = queue_answers(&cli, &s, 2000);
    let mut push = cli
        .command(&["push", "--batch-items", "50"])
        .spawn()
        .unwrap();
    // kill the server as soon as some, but not all, batches are stored
    wait_for("a first batch", || server.stored_batches() > 0);
    server.kill();
    let stored_before = server.stored_responses();
    assert!(stored_before < 2000, "the push was still in flight");
    let _ = push.wait(); // it retries, then gives up or finishes once the server is back
    server.restart();
    push_until_done(&cli, &["push", "--batch-items", "50"], 3);
    assert_eq!(server.stored_responses(), 2000, "every answer once");
    let (got, want) = server_counts(&server, &s, expected);
    assert_eq!(got, want);
}

#[test]
fn the_client_killed_mid_push_resumes_without_loss_or_duplicates() {
    let server = FieldServer::start();
    let cli = Cli::new();
    let s = setup(&server, &cli, &server.address());
    let expected = queue_answers(&cli, &s, 2000);
    for _ in 0..3 {
        let mut push = cli
            .command(&["push", "--batch-items", "40"])
            .spawn()
            .unwrap();
        let before = server.stored_batches();
        wait_for("another batch", || {
            server.stored_batches() > before || push.try_wait().unwrap().is_some()
        });
        let _ = push.kill(); // SIGKILL, wherever it is: forming a batch, sending, recording
        let _ = push.wait();
    }
    push_until_done(&cli, &["push", "--batch-items", "40"], 3);
    assert_eq!(server.stored_responses(), 2000);
    let (got, want) = server_counts(&server, &s, expected);
    assert_eq!(got, want);
}

#[test]
fn answers_lost_on_the_way_back_are_acknowledged_as_duplicates_not_stored_twice() {
    let server = FieldServer::start();
    let proxy = DroppingProxy::start(server.port, 3);
    let cli = Cli::new();
    let s = setup(&server, &cli, &proxy.address);
    let expected = queue_answers(&cli, &s, 600);
    let log = push_until_done(&cli, &["push", "--batch-items", "100"], 3);
    assert!(
        proxy.dropped.load(Ordering::SeqCst) >= 3,
        "the proxy dropped answers: {log}"
    );
    assert_eq!(server.stored_responses(), 600, "{log}");
    assert_eq!(
        server.stored_batches(),
        6,
        "six batches of 100, each stored once: {log}"
    );
    let (got, want) = server_counts(&server, &s, expected);
    assert_eq!(got, want);
}

#[test]
fn two_pushes_at_once_from_one_laptop_store_everything_once() {
    let server = FieldServer::start();
    let cli = Cli::new();
    let s = setup(&server, &cli, &server.address());
    let expected = queue_answers(&cli, &s, 1000);
    let first = cli
        .command(&["push", "--batch-items", "50"])
        .spawn()
        .unwrap();
    let second = cli
        .command(&["push", "--batch-items", "50"])
        .spawn()
        .unwrap();
    let a = first.wait_with_output().unwrap();
    let b = second.wait_with_output().unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    push_until_done(&cli, &["push"], 2);
    assert_eq!(server.stored_responses(), 1000, "{log}");
    let (got, want) = server_counts(&server, &s, expected);
    assert_eq!(got, want);
}

#[test]
fn a_revoked_device_is_told_to_sign_in_again_and_loses_nothing() {
    let server = FieldServer::start();
    let cli = Cli::new();
    let s = setup(&server, &cli, &server.address());
    let expected = queue_answers(&cli, &s, 30);
    // the device is signed out elsewhere (an administrator, another `canvass logout`)
    let api = Api::new(&server.address());
    let (status, body) = api.call("POST", "/api/v1/auth/logout", Some(&cli.token()), None);
    assert!(status == 200 || status == 204, "{status} {body}");
    let run = cli.run(&["push"], None);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.all().contains("token revoked") && run.all().contains("canvass login"),
        "explained in plain words: {run:#?}"
    );
    assert_eq!(server.stored_responses(), 0);
    let status = cli.run(&["status"], None);
    assert!(
        status.all().contains("30"),
        "the answers are still queued: {status:#?}"
    );
    cli.login_at(&server.address(), "officer", fixtures::OFFICER_PASSWORD)
        .expect_code(0);
    push_until_done(&cli, &["push"], 2);
    assert_eq!(server.stored_responses(), 30);
    let (got, want) = server_counts(&server, &s, expected);
    assert_eq!(got, want);
}
