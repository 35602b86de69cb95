//! The sync endpoints at the HTTP level: the manifest with ETag, batches stored exactly once,
//! refused whole when one item is bad, and the protocol version header.

use std::sync::{Arc, Barrier};

use canvass_tests::{fixtures, inspect, TestApp};
use serde_json::{json, Value};

const WINDOW_FORM: &str = fixtures::WINDOW_FORM;
const PROTOCOL: (&str, &str) = ("Canvass-Protocol", "1");

struct Field {
    organiser: String,
    officer: String,
    survey: i64,
    departments: Vec<i64>,
    village: i64,
    round: i64,
    officials: Vec<i64>,
}

/// A county survey of two departments, published and open; a township round, open; an
/// officer of the township.
fn field(app: &TestApp) -> Field {
    let county = fixtures::county(app, &app.admin_token());
    let survey = fixtures::open_window_survey(app, &county);
    let (organiser, departments, village, township) = (
        county.organiser,
        county.departments,
        county.village,
        county.township,
    );
    let officials: Vec<i64> = [("王建国", "党委书记"), ("李明", "镇长")]
        .iter()
        .map(|(name, position)| {
            let (status, body) = app.call(
                "POST",
                "/api/v1/officials",
                Some(&organiser),
                Some(&json!({"unit_id": township, "name": name, "position": position})),
            );
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().unwrap()
        })
        .collect();
    let round_definition = json!({
        "period": "2026年度",
        "series": {"id": "dongshan", "name": "东山镇领导班子民主测评"},
        "officials": [
            {"official_id": officials[0], "name": "王建国", "position": "党委书记"},
            {"official_id": officials[1], "name": "李明", "position": "镇长"}
        ],
        "elector_groups": [{"id": "public", "label": "群众代表", "weight": 1.0}]
    });
    let (status, round) = app.call(
        "POST",
        "/api/v1/rounds",
        Some(&organiser),
        Some(&json!({"definition": round_definition, "unit_id": township})),
    );
    assert_eq!(status, 201, "{round}");
    let round = round["id"].as_i64().unwrap();
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rounds/{round}/open"),
        Some(&organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    Field {
        officer: app.login("officer", fixtures::OFFICER_PASSWORD),
        organiser,
        survey,
        departments,
        village,
        round,
        officials,
    }
}

fn answers(overall: &str) -> Value {
    let mut a = json!({
        "visit_purpose": "enquiry",
        "overall": overall,
        "attitude": "satisfied",
        "efficiency": "basically_satisfied",
    });
    if overall == "dissatisfied" {
        a["dissatisfied_reasons"] = json!(["long_wait"]);
    }
    a
}

fn response(f: &Field, version: i64, overall: &str) -> Value {
    json!({
        "kind": "survey_response",
        "survey_id": f.survey,
        "version": version,
        "target_unit_id": f.departments[0],
        "respondent_unit_id": f.village,
        "channel": "field",
        "collected_on": "2026-11-20",
        "answers": answers(overall)
    })
}

fn sheet(f: &Field, station: &str) -> Value {
    json!({
        "kind": "tally_sheet",
        "round_id": f.round,
        "sheet": {
            "station": station, "elector_group": "public",
            "issued": 30, "returned": 28, "valid": 27, "invalid": 1,
            "subjects": [
                {"subject": {"official": f.officials[0]}, "counts": {"excellent": 10, "competent": 15, "basically_competent": 1, "incompetent": 0}, "abstentions": 1},
                {"subject": {"official": f.officials[1]}, "counts": {"excellent": 5, "competent": 20, "basically_competent": 2, "incompetent": 0}, "abstentions": 0}
            ]
        }
    })
}

fn batch_id(n: u32) -> String {
    format!("{n:032x}")
}

fn batch(id: &str, items: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"batch_id": id, "items": items})).unwrap()
}

fn push(app: &TestApp, token: &str, body: Vec<u8>) -> (u16, Value) {
    let (status, _, value) = app.send(
        "POST",
        "/api/v1/sync/batches",
        Some(token),
        &[PROTOCOL],
        Some(body),
    );
    (status, value)
}

fn stored_responses(app: &TestApp) -> i64 {
    inspect::strings(
        app.db.url(),
        "SELECT CAST(COUNT(*) AS TEXT) AS v FROM survey_responses",
    )[0]
    .as_deref()
    .unwrap()
    .parse()
    .unwrap()
}

fn total(app: &TestApp, f: &Field) -> Value {
    let (status, r) = app.call(
        "GET",
        &format!("/api/v1/surveys/{}/results", f.survey),
        Some(&f.organiser),
        None,
    );
    assert_eq!(status, 200, "{r}");
    r["total_responses"]["value"].clone()
}

#[test]
fn the_manifest_lists_what_an_officer_collects_and_answers_304_when_unchanged() {
    let app = TestApp::spawn();
    let f = field(&app);
    let (status, headers, manifest) = app.send(
        "GET",
        "/api/v1/sync/manifest",
        Some(&f.officer),
        &[PROTOCOL],
        None,
    );
    assert_eq!(status, 200, "{manifest}");
    assert_eq!(manifest["protocol"], 1);
    let surveys = manifest["surveys"].as_array().unwrap();
    assert_eq!(
        surveys.len(),
        1,
        "the county's survey is collected in its townships"
    );
    assert_eq!(surveys[0]["survey"]["id"], f.survey);
    assert_eq!(surveys[0]["versions"][0]["version"], 1);
    assert!(surveys[0]["versions"][0]["definition"]["questions"].is_array());
    assert!(surveys[0]["villages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["unit_id"] == f.village));
    assert_eq!(manifest["rounds"][0]["id"], f.round);
    let unit_ids: Vec<i64> = manifest["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    for id in f.departments.iter().chain([&f.village]) {
        assert!(unit_ids.contains(id), "unit {id} in {unit_ids:?}");
    }
    assert_eq!(manifest["officials"].as_array().unwrap().len(), 2);

    let etag = headers
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_string();
    let (status, _, body) = app.send(
        "GET",
        "/api/v1/sync/manifest",
        Some(&f.officer),
        &[PROTOCOL, ("If-None-Match", &etag)],
        None,
    );
    assert_eq!(status, 304);
    assert_eq!(body, Value::Null);

    // a change (the survey closes) gives a new manifest
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/surveys/{}/close", f.survey),
        Some(&f.organiser),
        None,
    );
    assert_eq!(status, 200);
    let (status, headers, manifest) = app.send(
        "GET",
        "/api/v1/sync/manifest",
        Some(&f.officer),
        &[PROTOCOL, ("If-None-Match", &etag)],
        None,
    );
    assert_eq!(status, 200);
    assert_ne!(headers.get("etag").unwrap().to_str().unwrap(), etag);
    assert_eq!(manifest["surveys"].as_array().unwrap().len(), 0);
}

#[test]
fn sync_needs_the_protocol_header_and_a_field_role() {
    let app = TestApp::spawn();
    let f = field(&app);
    for headers in [
        vec![("Accept-Language", "en")],
        vec![("Canvass-Protocol", "2"), ("Accept-Language", "en")],
        vec![("Canvass-Protocol", "one"), ("Accept-Language", "en")],
    ] {
        let (status, _, body) = app.send(
            "GET",
            "/api/v1/sync/manifest",
            Some(&f.officer),
            &headers,
            None,
        );
        assert_eq!(status, 426, "{body}");
        assert_eq!(body["error"]["code"], "protocol_unsupported");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("protocol 1"));
        let (status, body) = {
            let (s, _, b) = app.send(
                "POST",
                "/api/v1/sync/batches",
                Some(&f.officer),
                &headers,
                Some(batch(&batch_id(1), vec![response(&f, 1, "satisfied")])),
            );
            (s, b)
        };
        assert_eq!(status, 426, "{body}");
    }
    assert_eq!(stored_responses(&app), 0);
    let admin = app.admin_token();
    let county = app.call("GET", "/api/v1/units", Some(&admin), None).1[0]["id"]
        .as_i64()
        .unwrap();
    app.create_account(&admin, "leader", "leader-password", "leader", county);
    let leader = app.login("leader", "leader-password");
    let (status, _, body) = app.send(
        "GET",
        "/api/v1/sync/manifest",
        Some(&leader),
        &[PROTOCOL],
        None,
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (status, _, body) = app.send("GET", "/api/v1/sync/manifest", None, &[PROTOCOL], None);
    assert_eq!(status, 401, "{body}");
}

#[test]
fn a_batch_is_stored_once_acknowledged_again_as_a_duplicate_and_its_id_never_reused() {
    let app = TestApp::spawn();
    let f = field(&app);
    let id = batch_id(7);
    let body = batch(
        &id,
        vec![
            response(&f, 1, "satisfied"),
            response(&f, 1, "dissatisfied"),
            sheet(&f, "第一会场"),
        ],
    );
    let (status, receipt) = push(&app, &f.officer, body.clone());
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["batch_id"], id.as_str());
    assert_eq!(receipt["survey_responses"], 2);
    assert_eq!(receipt["tally_sheets"], 1);
    assert_eq!(receipt["duplicate"], false);
    assert_eq!(total(&app, &f), json!(2.0));

    let (status, again) = push(&app, &f.officer, body.clone());
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["received_at"], receipt["received_at"]);
    assert_eq!(again["survey_responses"], 2);
    assert_eq!(total(&app, &f), json!(2.0), "nothing stored twice");

    let other = batch(&id, vec![response(&f, 1, "satisfied")]);
    let (status, conflict) = push(&app, &f.officer, other);
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(conflict["error"]["code"], "batch_conflict");
    assert_eq!(total(&app, &f), json!(2.0));

    // the same bytes from another account are not its receipt to read
    let (status, body2) = push(&app, &f.organiser, body);
    assert_eq!(status, 409, "{body2}");

    let (_, sheets) = app.call(
        "GET",
        &format!("/api/v1/rounds/{}/tally-sheets", f.round),
        Some(&f.organiser),
        None,
    );
    assert_eq!(sheets.as_array().unwrap().len(), 1);
    assert_eq!(sheets[0]["entered_by"], "officer");
}

#[test]
fn one_invalid_item_among_a_hundred_refuses_the_batch_whole() {
    let app = TestApp::spawn();
    let f = field(&app);
    let mut items: Vec<Value> = (0..100)
        .map(|i| {
            response(
                &f,
                1,
                if i % 3 == 0 {
                    "dissatisfied"
                } else {
                    "satisfied"
                },
            )
        })
        .collect();
    items[37]["answers"]["overall"] = json!("delighted");
    let (status, body) = push(&app, &f.officer, batch(&batch_id(1), items.clone()));
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "batch_refused");
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["code"], "invalid_option");
    assert_eq!(errors[0]["field"], "items[37].answers.overall");
    assert_eq!(
        stored_responses(&app),
        0,
        "nothing of a refused batch is stored"
    );

    // the id of a refused batch was not used up, but the client sends the rest under a new one
    items.remove(37);
    let (status, receipt) = push(&app, &f.officer, batch(&batch_id(2), items));
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["survey_responses"], 99);
    assert_eq!(total(&app, &f), json!(99.0));
    assert_eq!(stored_responses(&app), 99);
}

#[test]
fn every_kind_of_bad_item_is_reported_with_its_index_and_nothing_is_stored() {
    let app = TestApp::spawn();
    let f = field(&app);
    let mut unknown_survey = response(&f, 1, "satisfied");
    unknown_survey["survey_id"] = json!(99_999);
    let mut unpublished = response(&f, 1, "satisfied");
    unpublished["version"] = json!(5);
    let mut wrong_target = response(&f, 1, "satisfied");
    wrong_target["target_unit_id"] = json!(f.village);
    let mut future = response(&f, 1, "satisfied");
    future["collected_on"] = json!("2999-01-01");
    let mut not_a_day = response(&f, 1, "satisfied");
    not_a_day["collected_on"] = json!("2026-02-30");
    let mut missing = response(&f, 1, "satisfied");
    missing["answers"]
        .as_object_mut()
        .unwrap()
        .remove("attitude");
    let mut bad_sheet = sheet(&f, "第二会场");
    bad_sheet["sheet"]["valid"] = json!(20);
    let items = vec![
        response(&f, 1, "satisfied"),
        unknown_survey,
        unpublished,
        wrong_target,
        future,
        not_a_day,
        missing,
        bad_sheet,
        sheet(&f, "第三会场"),
        sheet(&f, "第三会场"),
    ];
    let (status, body) = push(&app, &f.officer, batch(&batch_id(3), items));
    assert_eq!(status, 422, "{body}");
    let found: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = |field: &str, code: &str| {
        assert!(
            found.iter().any(|(f, c)| f == field && c == code),
            "{field} {code} in {found:?}"
        );
    };
    expect("items[1].survey_id", "not_found");
    expect("items[2].version", "version_not_published");
    expect("items[3].target_unit_id", "wrong_target");
    expect("items[4].collected_on", "invalid_day");
    expect("items[5].collected_on", "invalid_day");
    expect("items[6].answers.attitude", "required_answer_missing");
    assert!(
        found
            .iter()
            .any(|(f, c)| f.starts_with("items[7].sheet") && c == "tally_valid_invalid_mismatch"),
        "{found:?}"
    );
    expect("items[9].sheet.station", "tally_sheet_exists");
    assert!(
        !found
            .iter()
            .any(|(f, _)| f.starts_with("items[0]") || f.starts_with("items[8]")),
        "{found:?}"
    );
    assert_eq!(stored_responses(&app), 0);
    let (_, sheets) = app.call(
        "GET",
        &format!("/api/v1/rounds/{}/tally-sheets", f.round),
        Some(&f.organiser),
        None,
    );
    assert_eq!(sheets.as_array().unwrap().len(), 0);
}

#[test]
fn closed_instruments_and_entered_stations_get_their_own_codes() {
    let app = TestApp::spawn();
    let f = field(&app);
    let (status, _) = push(
        &app,
        &f.officer,
        batch(&batch_id(1), vec![sheet(&f, "第一会场")]),
    );
    assert_eq!(status, 201);
    let (status, body) = push(
        &app,
        &f.officer,
        batch(&batch_id(2), vec![sheet(&f, "第一会场")]),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "tally_sheet_exists");

    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/surveys/{}/close", f.survey),
        Some(&f.organiser),
        None,
    );
    assert_eq!(status, 200);
    let (status, body) = push(
        &app,
        &f.officer,
        batch(&batch_id(3), vec![response(&f, 1, "satisfied")]),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "survey_closed");
    assert_eq!(body["errors"][0]["field"], "items[0].survey_id");
    for action in ["close", "publish"] {
        let (status, b) = app.call(
            "POST",
            &format!("/api/v1/rounds/{}/{action}", f.round),
            Some(&f.organiser),
            None,
        );
        assert_eq!(status, 200, "{b}");
    }
    let (status, body) = push(
        &app,
        &f.officer,
        batch(&batch_id(4), vec![sheet(&f, "第九会场")]),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "round_state_conflict");
    assert_eq!(body["errors"][0]["field"], "items[0].round_id");
}

#[test]
fn answers_on_an_older_version_of_an_open_survey_are_accepted() {
    let app = TestApp::spawn();
    let f = field(&app);
    let mut definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    definition["title"]["zh-CN"] = json!("窗口服务满意度测评（第二版）");
    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/surveys/{}", f.survey),
        Some(&f.organiser),
        Some(&json!({"definition": definition})),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/surveys/{}/publish", f.survey),
        Some(&f.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["current_version"], 2);
    let (_, _, manifest) = app.send(
        "GET",
        "/api/v1/sync/manifest",
        Some(&f.officer),
        &[PROTOCOL],
        None,
    );
    let versions: Vec<i64> = manifest["surveys"][0]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![1, 2]);
    let (status, receipt) = push(
        &app,
        &f.officer,
        batch(
            &batch_id(5),
            vec![response(&f, 1, "satisfied"), response(&f, 2, "satisfied")],
        ),
    );
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(total(&app, &f), json!(2.0));
}

#[test]
fn the_same_batch_sent_concurrently_is_stored_once() {
    let app = Arc::new(TestApp::spawn());
    let f = field(&app);
    let body = batch(
        &batch_id(9),
        (0..50).map(|_| response(&f, 1, "satisfied")).collect(),
    );
    let deliveries = 8;
    let barrier = Arc::new(Barrier::new(deliveries));
    let statuses: Vec<(u16, Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..deliveries)
            .map(|_| {
                let (app, barrier, body, token) = (
                    Arc::clone(&app),
                    Arc::clone(&barrier),
                    body.clone(),
                    f.officer.clone(),
                );
                scope.spawn(move || {
                    barrier.wait();
                    push(&app, &token, body)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let created = statuses.iter().filter(|(s, _)| *s == 201).count();
    let duplicates = statuses
        .iter()
        .filter(|(s, r)| *s == 200 && r["duplicate"] == true)
        .count();
    assert_eq!((created, duplicates), (1, deliveries - 1), "{statuses:?}");
    assert_eq!(total(&app, &f), json!(50.0));
    assert_eq!(stored_responses(&app), 50);
}

#[test]
fn malformed_batches_are_refused_before_anything_is_looked_at() {
    let app = TestApp::spawn();
    let f = field(&app);
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (
            batch("not-hex", vec![response(&f, 1, "satisfied")]),
            400,
            "invalid_value",
        ),
        (
            batch(
                &batch_id(0xabc).to_uppercase(),
                vec![response(&f, 1, "satisfied")],
            ),
            400,
            "invalid_value",
        ),
        (batch(&batch_id(1), vec![]), 400, "batch_size"),
        (
            batch(
                &batch_id(1),
                (0..1001).map(|_| response(&f, 1, "satisfied")).collect(),
            ),
            400,
            "batch_size",
        ),
        (b"{\"batch_id\": ".to_vec(), 400, "malformed_json"),
        (
            serde_json::to_vec(&json!({"batch_id": batch_id(1), "items": [], "officer": "x"}))
                .unwrap(),
            400,
            "unknown_field",
        ),
        (
            serde_json::to_vec(&json!({"batch_id": batch_id(1), "items": [{"kind": "ballot"}]}))
                .unwrap(),
            400,
            "invalid_value",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = push(&app, &f.officer, body);
        assert_eq!(
            (got, answer["error"]["code"].as_str().unwrap_or("")),
            (status, code),
            "{answer}"
        );
    }
    let huge = vec![b' '; 9 * 1024 * 1024];
    let (status, answer) = push(&app, &f.officer, huge);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    assert_eq!(stored_responses(&app), 0);
}

#[test]
fn a_revoked_device_token_cannot_push() {
    let app = TestApp::spawn();
    let f = field(&app);
    let (status, device) = app.call("POST", "/api/v1/auth/login", None, Some(&json!({"username": "officer", "password": "officer-password", "device_name": "field laptop"})));
    assert_eq!(status, 200, "{device}");
    let token = device["token"].as_str().unwrap().to_string();
    let (status, _) = app.call("POST", "/api/v1/auth/logout", Some(&token), None);
    assert!(status == 200 || status == 204, "{status}");
    let (status, body) = push(
        &app,
        &token,
        batch(&batch_id(1), vec![response(&f, 1, "satisfied")]),
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("token_revoked")),
        "{body}"
    );
    assert_eq!(stored_responses(&app), 0);
}

#[test]
fn a_batch_record_keeps_only_its_id_hash_officer_counts_and_time() {
    let app = TestApp::spawn();
    let f = field(&app);
    let (status, _) = push(
        &app,
        &f.officer,
        batch(
            &batch_id(1),
            (0..20).map(|_| response(&f, 1, "satisfied")).collect(),
        ),
    );
    assert_eq!(status, 201);
    let mut columns = inspect::columns(app.db.url(), "sync_batches");
    columns.sort();
    assert_eq!(
        columns,
        [
            "account_id",
            "batch_id",
            "content_hash",
            "received_at",
            "survey_responses",
            "tally_sheets"
        ]
    );
    let response_columns = inspect::columns(app.db.url(), "survey_responses");
    for column in &response_columns {
        assert!(
            !column.contains("batch") && !column.contains("account") && !column.contains("officer"),
            "{response_columns:?}"
        );
    }
    let days = inspect::strings(
        app.db.url(),
        "SELECT DISTINCT day AS v FROM survey_responses",
    );
    assert_eq!(
        days,
        vec![Some("2026-11-20".to_string())],
        "only the collection day is kept"
    );
    let channels = inspect::strings(
        app.db.url(),
        "SELECT DISTINCT channel AS v FROM survey_responses",
    );
    assert_eq!(channels, vec![Some("field".to_string())]);
}

#[test]
fn concurrent_batches_public_answers_and_tally_sheets_all_land_without_a_server_error() {
    let app = Arc::new(TestApp::spawn_with(|s| s.submissions_per_minute = 0));
    let f = field(&app);
    let slug = {
        let (_, survey) = app.call(
            "GET",
            &format!("/api/v1/surveys/{}", f.survey),
            Some(&f.organiser),
            None,
        );
        survey["public_url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };
    let threads = 12;
    let barrier = Arc::new(Barrier::new(threads));
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (app, barrier, f, slug) = (Arc::clone(&app), Arc::clone(&barrier), &f, slug.clone());
                scope.spawn(move || {
                    barrier.wait();
                    let mut failures = Vec::new();
                    for round in 0..5 {
                        let (status, body) = match t % 3 {
                            0 => push(&app, &f.officer, batch(&batch_id(u32::try_from(t * 100 + round).unwrap()), (0..20).map(|_| response(f, 1, "satisfied")).collect())),
                            1 => app.call(
                                "POST",
                                &format!("/api/v1/public/surveys/{slug}/responses"),
                                None,
                                Some(&json!({"version": 1, "target_unit_id": f.departments[1], "answers": answers("satisfied")})),
                            ),
                            _ => {
                                let item = sheet(f, &format!("会场{t}-{round}"));
                                app.call("POST", &format!("/api/v1/rounds/{}/tally-sheets", f.round), Some(&f.organiser), Some(&item["sheet"]))
                            }
                        };
                        if !(200..300).contains(&status) {
                            failures.push(format!("{status} {body}"));
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(stored_responses(&app), 4 * 5 * 20 + 4 * 5);
    let (_, sheets) = app.call(
        "GET",
        &format!("/api/v1/rounds/{}/tally-sheets", f.round),
        Some(&f.organiser),
        None,
    );
    assert_eq!(sheets.as_array().unwrap().len(), 4 * 5);
}

#[test]
fn field_interviews_need_no_survey_code_where_public_answers_do() {
    let app = TestApp::spawn();
    let mut f = field(&app);
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&f.organiser),
        Some(&json!({"definition": definition, "targets": f.departments, "requires_codes": true})),
    );
    assert_eq!(status, 201, "{survey}");
    f.survey = survey["id"].as_i64().unwrap();
    let (status, published) = app.call(
        "POST",
        &format!("/api/v1/surveys/{}/publish", f.survey),
        Some(&f.organiser),
        None,
    );
    assert_eq!(status, 200, "{published}");
    let slug = fixtures::link_slug(&published["public_url"]);
    let (status, refused) = app.call(
        "POST",
        &format!("/api/v1/public/surveys/{slug}/responses"),
        None,
        Some(&json!({"version": 1, "target_unit_id": f.departments[0], "answers": answers("satisfied")})),
    );
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["code"], "survey_code_required");
    let (status, receipt) = push(
        &app,
        &f.officer,
        batch(&batch_id(11), vec![response(&f, 1, "satisfied")]),
    );
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["survey_responses"], 1);
    assert_eq!(stored_responses(&app), 1);
}
