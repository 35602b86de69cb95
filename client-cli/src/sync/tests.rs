//! The push loop against scripted servers: retries, resumes, refusals and two batches on
//! their way at once.

use super::*;
use crate::store::tests::response;
use crate::store::ItemState;
use crate::test_http::{read_request, respond};
use canvass_protocol::forms::Lang;
use canvass_protocol::sync::Batch;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[test]
fn delays_double_up_to_the_cap_and_lose_at_most_half_to_jitter() {
    let policy = RetryPolicy::default();
    let mut rng = rand::thread_rng();
    for _ in 0..200 {
        for attempt in 0..12 {
            let full = Duration::from_millis(500 * (1u64 << attempt)).min(policy.max);
            let d = policy.delay(attempt, &mut rng);
            assert!(d <= full && d >= full / 2, "attempt {attempt}: {d:?}");
        }
    }
    assert!(policy.delay(100, &mut rng) <= Duration::from_secs(30));
    let total: Duration = (0..policy.attempts - 1)
        .map(|a| policy.base.saturating_mul(1 << a).min(policy.max))
        .sum();
    assert!(total < Duration::from_secs(90), "bounded: {total:?}");
}

#[test]
fn batch_ids_are_fresh_32_character_hex() {
    let a = new_batch_id();
    assert!(canvass_protocol::sync::valid_batch_id(&a), "{a}");
    assert_ne!(a, new_batch_id());
}

/// A scripted HTTP server: answers each request with the next (status, body) and records
/// every request body.
struct FakeServer {
    address: String,
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

fn fake_server(script: Vec<(u16, String)>) -> FakeServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    std::thread::spawn(move || {
        for (status, body) in script {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let (head, request) = read_request(&stream);
            assert!(
                head.contains("canvass-protocol: 1"),
                "every sync request names the protocol"
            );
            seen.lock().unwrap().push(request);
            if status == 0 {
                // drop the connection without answering
                continue;
            }
            respond(&stream, status, &body);
        }
    });
    FakeServer { address, bodies }
}

#[derive(Default)]
struct Events(Vec<String>);

impl Progress for Events {
    fn event(&mut self, event: PushEvent<'_>) {
        self.0.push(match event {
            PushEvent::Start { items } => format!("start {items}"),
            PushEvent::Sending {
                items,
                attempt,
                resumed,
                ..
            } => {
                format!(
                    "send {items} #{attempt}{}",
                    if resumed { " resumed" } else { "" }
                )
            }
            PushEvent::Retrying { .. } => "retry".into(),
            PushEvent::Acknowledged {
                items, duplicate, ..
            } => format!("ack {items} {duplicate}"),
            PushEvent::Refused { set_aside, .. } => format!("refused {set_aside}"),
        });
    }
}

fn store_with(dir: &Path, server: &str, n: usize) -> LocalStore {
    let mut store = LocalStore::open_in(dir).unwrap();
    assert_eq!(store.bind_server(server).unwrap(), Ok(()));
    for i in 0..n {
        store.add_item(&response(3, &format!("a{i}"))).unwrap();
    }
    store
}

fn options() -> PushOptions {
    PushOptions {
        retry: RetryPolicy {
            base: Duration::from_millis(1),
            max: Duration::from_millis(4),
            attempts: 3,
        },
        // the scripted servers answer in the order they are asked
        in_flight: 1,
        ..PushOptions::default()
    }
}

/// A server answering receipts for whatever batch id it is sent.
fn echo_server(script: Vec<(u16, &'static str)>) -> FakeServer {
    // responses are templates; {ID} is replaced per request by the handler below
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    std::thread::spawn(move || {
        for (status, template) in script {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let (_, request) = read_request(&stream);
            seen.lock().unwrap().push(request.clone());
            if status != 0 {
                answer(stream, status, template, &request);
            }
        }
    });
    FakeServer { address, bodies }
}

/// Answers a batch request with `template`, its {ID} and {N} filled in from the batch.
fn answer(stream: TcpStream, status: u16, template: &str, request: &[u8]) {
    let batch: Batch = serde_json::from_slice(request).unwrap();
    let body = template
        .replace("{ID}", &batch.batch_id)
        .replace("{N}", &batch.items.len().to_string());
    respond(&stream, status, &body);
}

/// A server that answers nothing until two batch requests have arrived together, then
/// the first to arrive with `first` and the second with `second`. A push that sends one
/// batch at a time gets no answer at all (the server gives up after 20 s).
fn paired_server(first: (u16, &'static str), second: (u16, &'static str)) -> FakeServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let mut waiting = Vec::new();
        while waiting.len() < 2 && std::time::Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    let (_, request) = read_request(&stream);
                    seen.lock().unwrap().push(request.clone());
                    waiting.push((stream, request));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        if waiting.len() < 2 {
            return;
        }
        for ((stream, request), (status, template)) in waiting.into_iter().zip([first, second]) {
            answer(stream, status, template, &request);
        }
    });
    FakeServer { address, bodies }
}

const RECEIPT: &str = r#"{"batch_id":"{ID}","received_at":1,"survey_responses":{N},"tally_sheets":0,"duplicate":false}"#;
const DUPLICATE: &str = r#"{"batch_id":"{ID}","received_at":1,"survey_responses":{N},"tally_sheets":0,"duplicate":true}"#;

/// Pushes 4 items in 2 batches, both in flight at once, to `server`.
fn push_two_at_once(server: &FakeServer, dir: &Path) -> (PushReport, LocalStore) {
    let mut store = store_with(dir, &server.address, 4);
    let client = ApiClient::new(&server.address).unwrap().with_token("t");
    let options = PushOptions {
        batch_items: 2,
        in_flight: 2,
        ..options()
    };
    let report = push(
        &mut store,
        &client,
        options,
        &mut Events::default(),
        &mut |_| {},
    );
    (report, store)
}

#[test]
fn two_batches_travel_at_once_and_both_are_acknowledged() {
    let server = paired_server((201, RECEIPT), (201, RECEIPT));
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = push_two_at_once(&server, dir.path());
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!((report.batches, report.survey_responses), (2, 4));
    assert_eq!(server.bodies.lock().unwrap().len(), 2);
    assert!(store.pending_batch().unwrap().is_none());
    assert_eq!(store.acknowledged_batches().unwrap(), 2);
    assert!(store.items_in(ItemState::Queued).unwrap().is_empty());
}

#[test]
fn a_batch_that_fails_beside_a_stored_one_stays_saved_and_the_other_is_acknowledged() {
    let server = paired_server(
        (
            409,
            r#"{"error":{"code":"batch_conflict","message":"other content"}}"#,
        ),
        (201, RECEIPT),
    );
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = push_two_at_once(&server, dir.path());
    assert!(
        matches!(&report.error, Some(CliError::Push { cause, .. }) if cause.code() == Some(ErrorCode::BatchConflict)),
        "{:?}",
        report.error
    );
    assert_eq!((report.batches, report.survey_responses), (1, 2));
    assert_eq!(store.acknowledged_batches().unwrap(), 1);
    let kept = store
        .pending_batch()
        .unwrap()
        .expect("the refused batch stays saved");
    assert_eq!(kept.item_count, 2);
    // nothing new went out after the error
    assert_eq!(server.bodies.lock().unwrap().len(), 2);
}

#[test]
fn network_errors_and_5xx_are_retried_with_the_same_id_and_bytes() {
    let server = echo_server(vec![
        (0, ""),
        (
            503,
            r#"{"error":{"code":"service_unavailable","message":"db down"}}"#,
        ),
        (201, RECEIPT),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with(dir.path(), &server.address, 3);
    let client = ApiClient::new(&server.address).unwrap().with_token("t");
    let mut events = Events::default();
    let mut slept = Vec::new();
    let report = push(&mut store, &client, options(), &mut events, &mut |d| {
        slept.push(d);
    });
    assert!(!report.failed(), "{:?}", report.error);
    assert_eq!(report.survey_responses, 3);
    let bodies = server.bodies.lock().unwrap();
    assert_eq!(bodies.len(), 3);
    assert!(
        bodies.iter().all(|b| *b == bodies[0]),
        "same bytes every time"
    );
    assert_eq!(slept.len(), 2);
    assert_eq!(
        events.0,
        [
            "start 3",
            "send 3 #1",
            "retry",
            "send 3 #2",
            "retry",
            "send 3 #3",
            "ack 3 false"
        ]
    );
    assert!(store.items_in(ItemState::Queued).unwrap().is_empty());
    assert_eq!(store.counts().unwrap()[0].sent, 3);
}

#[test]
fn a_pending_batch_survives_a_failed_push_and_goes_out_first_unchanged() {
    let server = echo_server(vec![
        (0, ""),
        (0, ""),
        (0, ""),
        (200, DUPLICATE),
        (201, RECEIPT),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with(dir.path(), &server.address, 2);
    let client = ApiClient::new(&server.address).unwrap().with_token("t");
    let report = push(
        &mut store,
        &client,
        options(),
        &mut Events::default(),
        &mut |_| {},
    );
    let error = report.error.as_ref().expect("fails after the last attempt");
    assert!(
        error.render(Lang::En).contains("will be sent first"),
        "{error}"
    );
    let pending = store.pending_batch().unwrap().expect("kept");
    assert_eq!(pending.attempts, 3);
    drop(store);

    // a later push (the store reopened) sends the old batch first, byte for byte, and the
    // answers collected since in a new one
    let mut store = LocalStore::open_in(dir.path()).unwrap();
    store.add_item(&response(3, "later")).unwrap();
    let mut events = Events::default();
    let report = push(&mut store, &client, options(), &mut events, &mut |_| {});
    assert!(!report.failed(), "{:?}", report.error);
    assert_eq!(report.duplicates, 1);
    assert_eq!(report.survey_responses, 3);
    let bodies = server.bodies.lock().unwrap();
    assert_eq!(bodies.len(), 5);
    assert!(
        bodies[..4].iter().all(|b| *b == pending.body),
        "the stored bytes, unchanged"
    );
    // the new batch was made while the old one was on its way, and goes out as soon as
    // the old one is answered, before it is acknowledged in the store
    assert_eq!(
        events.0,
        [
            "start 3",
            "send 2 #1 resumed",
            "send 1 #1",
            "ack 2 true",
            "ack 1 false"
        ]
    );
}

#[test]
fn the_batch_made_ahead_of_a_push_that_stops_is_kept_and_sent_first_next_time() {
    let disabled = r#"{"error":{"code":"account_disabled","message":"this account is disabled"}}"#;
    let server = echo_server(vec![
        (403, disabled),
        (201, RECEIPT),
        (201, RECEIPT),
        (201, RECEIPT),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with(dir.path(), &server.address, 3);
    let client = ApiClient::new(&server.address).unwrap().with_token("t");
    let one_each = || PushOptions {
        batch_items: 1,
        ..options()
    };
    let mut events = Events::default();
    let report = push(&mut store, &client, one_each(), &mut events, &mut |_| {});
    assert!(report.failed());
    // the second batch was made (id and bytes saved) while the first was on its way, and
    // not sent once the first was refused
    assert_eq!(events.0, ["start 3", "send 1 #1"]);
    assert_eq!(server.bodies.lock().unwrap().len(), 1);
    let kept: Vec<String> = store
        .pending_batches()
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(kept.len(), 2, "the refused batch and the one made ahead");
    drop(store);

    let mut store = LocalStore::open_in(dir.path()).unwrap();
    let mut events = Events::default();
    let report = push(&mut store, &client, one_each(), &mut events, &mut |_| {});
    assert!(!report.failed(), "{:?}", report.error);
    assert_eq!(report.survey_responses, 3);
    let sent: Vec<String> = server.bodies.lock().unwrap()[1..]
        .iter()
        .map(|b| serde_json::from_slice::<Batch>(b).unwrap().batch_id)
        .collect();
    assert_eq!(sent[..2], kept[..], "both kept batches first, in order");
    assert!(!kept.contains(&sent[2]), "the last answer in a new batch");
    assert_eq!(
        events.0,
        [
            "start 3",
            "send 1 #1 resumed",
            "send 1 #1 resumed",
            "ack 1 false",
            "send 1 #1",
            "ack 1 false",
            "ack 1 false"
        ]
    );
    assert_eq!(store.pending_batches().unwrap(), []);
}

#[test]
fn a_receipt_for_another_batch_stops_the_push_before_the_batch_made_ahead_goes_out() {
    let other = r#"{"batch_id":"00000000000000000000000000000000","received_at":1,"survey_responses":1,"tally_sheets":0,"duplicate":false}"#;
    let server = echo_server(vec![(201, other)]);
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with(dir.path(), &server.address, 2);
    let client = ApiClient::new(&server.address).unwrap().with_token("t");
    let options = PushOptions {
        batch_items: 1,
        ..options()
    };
    let mut events = Events::default();
    let report = push(&mut store, &client, options, &mut events, &mut |_| {});
    let error = report
        .error
        .as_ref()
        .expect("an unexpected receipt stops the push");
    assert!(
        error.render(Lang::En).contains("a receipt for batch"),
        "{error}"
    );
    assert_eq!(events.0, ["start 2", "send 1 #1"]);
    assert_eq!(
        server.bodies.lock().unwrap().len(),
        1,
        "nothing new went out"
    );
    assert_eq!(
        store.pending_batches().unwrap().len(),
        2,
        "both kept, unacknowledged"
    );
}

#[test]
fn a_refused_batch_sets_its_bad_items_aside_and_the_rest_go_out_under_a_new_id() {
    let refusal = r#"{"error":{"code":"batch_refused","message":"1 item refused"},"errors":[{"code":"survey_closed","message":"survey 3 is closed","field":"items[1]"}]}"#;
    let server = echo_server(vec![(422, refusal), (201, RECEIPT)]);
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with(dir.path(), &server.address, 3);
    let client = ApiClient::new(&server.address).unwrap().with_token("t");
    let mut events = Events::default();
    let report = push(&mut store, &client, options(), &mut events, &mut |_| {});
    assert!(!report.failed(), "{:?}", report.error);
    assert_eq!(report.set_aside.len(), 1);
    assert_eq!(report.survey_responses, 2);
    let bodies = server.bodies.lock().unwrap();
    let first: Batch = serde_json::from_slice(&bodies[0]).unwrap();
    let second: Batch = serde_json::from_slice(&bodies[1]).unwrap();
    assert_ne!(first.batch_id, second.batch_id, "a new id for the rest");
    assert_eq!(second.items.len(), 2);
    assert_eq!(second.items[0], first.items[0]);
    assert_eq!(second.items[1], first.items[2]);
    let aside = store.items_in(ItemState::Attention).unwrap();
    assert_eq!(aside.len(), 1);
    assert_eq!(aside[0].problems[0].code, ErrorCode::SurveyClosed);
    assert_eq!(
        events.0,
        [
            "start 3",
            "send 3 #1",
            "refused 1",
            "send 2 #1",
            "ack 2 false"
        ]
    );
}

#[test]
fn revoked_tokens_stop_the_push_and_keep_the_batch() {
    let server = fake_server(vec![(
        401,
        r#"{"error":{"code":"token_revoked","message":"revoked"}}"#.into(),
    )]);
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with(dir.path(), &server.address, 1);
    let client = ApiClient::new(&server.address).unwrap().with_token("t");
    let report = push(
        &mut store,
        &client,
        options(),
        &mut Events::default(),
        &mut |_| {},
    );
    let error = report.error.expect("stops");
    assert!(error.render(Lang::En).contains("canvass login"), "{error}");
    assert!(store.pending_batch().unwrap().is_some());
    assert_eq!(server.bodies.lock().unwrap().len(), 1, "not retried");
}

#[test]
fn a_store_refuses_to_push_to_another_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with(dir.path(), "http://127.0.0.1:9", 1);
    let client = ApiClient::new("http://127.0.0.1:1")
        .unwrap()
        .with_token("t");
    let report = push(
        &mut store,
        &client,
        options(),
        &mut Events::default(),
        &mut |_| {},
    );
    let error = report.error.expect("refused");
    assert!(
        error
            .render(Lang::En)
            .contains("belong to http://127.0.0.1:9"),
        "{error}"
    );
    assert!(store.pending_batch().unwrap().is_none(), "nothing batched");
}
