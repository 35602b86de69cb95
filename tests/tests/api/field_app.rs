//! The field officers' offline web app at `/field`: its files over HTTP, and in headless
//! chromium (ignored like every browser test) the whole round trip: sign in and pull online,
//! collect offline, reload and restart the browser, push under the exactly-once rule; and the
//! answer-check conformance corpus run against the app's script.

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::tr;
use std::sync::atomic::Ordering;

use canvass_tests::proxy::DroppingProxy;
use canvass_tests::webdriver::{Browser, PHONE};
use canvass_tests::{fixtures, inspect, TestApp};
use serde_json::{json, Value};

/// Answer sets collected offline in the browser test.
const ANSWERS: usize = 50;

/// The conformance corpora the Rust tests of `protocol` run too.
const CORPUS: &str = include_str!("../../../protocol/tests/conformance/answers.json");
const SHEETS: &str = include_str!("../../../protocol/tests/conformance/tally_sheets.json");

fn get(app: &TestApp, path: &str) -> reqwest::blocking::Response {
    app.client.get(app.url(path)).send().expect("a GET")
}

#[test]
fn the_shell_and_its_files_are_served_with_the_headers_an_offline_app_needs() {
    let app = TestApp::spawn();
    let shell = get(&app, "/field?lang=en");
    assert_eq!(shell.status(), 200);
    let csp = shell.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    let html = shell.text().unwrap();
    assert!(html.contains("<html lang=\"en\""), "{html}");
    assert!(html.contains("rel=\"manifest\" href=\"/field/manifest.webmanifest\""));
    assert!(html.contains("data-words="));
    for (path, kind) in [
        ("/field/app.js", "text/javascript"),
        ("/field/forms.js", "text/javascript"),
        ("/field/store.js", "text/javascript"),
        ("/field/app.css", "text/css"),
        ("/field/manifest.webmanifest", "application/manifest+json"),
        ("/field/icon.svg", "image/svg+xml"),
    ] {
        let r = get(&app, path);
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind),
            "{path}"
        );
    }
    let manifest: Value = get(&app, "/field/manifest.webmanifest").json().unwrap();
    assert_eq!(manifest["start_url"], "/field");
    let sw = get(&app, "/field/sw.js");
    assert_eq!(sw.headers()["service-worker-allowed"], "/field");
    assert!(!sw.text().unwrap().contains("__VERSION__"));
    let missing = get(&app, "/field/nothing.js");
    assert_eq!(missing.status(), 404);
}

/// The county, its open window survey and an officer of its township.
fn county_with_survey() -> (TestApp, fixtures::County, i64) {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let county = fixtures::county(&app, &app.admin_token());
    let survey = fixtures::open_window_survey(&app, &county);
    (app, county, survey)
}

/// Types a paper tally sheet of the fixture round (two officials and the team) on the open
/// sheet screen: first with a sum that does not add up, which the app marks, then right.
fn enter_sheet(browser: &Browser) {
    browser.type_into("input[name=station]", "第一会场");
    for (name, value) in [
        ("issued", "30"),
        ("returned", "28"),
        ("valid", "27"),
        ("invalid", "1"),
    ] {
        browser.type_into(&format!("input[name={name}]"), value);
    }
    browser.type_into("input[name=s0-excellent]", "20");
    browser.type_into("input[name=s0-competent]", "5");
    browser.type_into("input[name=s0-abstentions]", "1");
    browser.type_into("input[name=s1-competent]", "27");
    browser.type_into("input[name=s2-good]", "27");
    browser.click("#save-sheet");
    browser.wait_for_text("#e-s0", "26");
    assert!(fits(browser), "the sheet fits a 360 px phone");
    browser.screenshot("field-app-sheet");
    browser.type_into("input[name=s0-abstentions]", "2");
    browser.click("#save-sheet");
    browser.wait_until("the home screen", |b| b.count("#queue") > 0);
}

fn sheets(app: &TestApp, county: &fixtures::County, round: i64) -> usize {
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/rounds/{round}/tally-sheets"),
        Some(&county.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap_or_else(|| panic!("{body}")).len()
}

fn stored_responses(app: &TestApp) -> usize {
    inspect::strings(
        app.db.url(),
        "SELECT CAST(COUNT(*) AS TEXT) AS v FROM survey_responses",
    )[0]
    .as_deref()
    .unwrap()
    .parse()
    .unwrap()
}

/// What the app shows as queued (`#queue-count`'s `data-count`), once its home screen is up.
fn queued(browser: &Browser) -> usize {
    browser.wait_until("the queue", |b| b.count("#queue-count") > 0);
    browser
        .script(
            "return Number(document.getElementById('queue-count').dataset.count)",
            &[],
        )
        .as_u64()
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap())
}

/// Whether the page needs no sideways scrolling.
fn fits(browser: &Browser) -> bool {
    browser.script(
        "return document.documentElement.scrollWidth <= window.innerWidth",
        &[],
    ) == true
}

fn open_app(browser: &Browser, app: &TestApp) {
    open_at(browser, &app.url(""));
}

/// Opens the app at `base` (the server's address, or a proxy's in front of it).
fn open_at(browser: &Browser, base: &str) {
    browser.goto(&format!("{base}/field"));
    browser.wait_until("the app to start", |b| {
        b.script("return document.body.dataset.ready === 'true'", &[]) == true
    });
}

fn sign_in(browser: &Browser) {
    browser.type_into("#username", "officer");
    browser.type_into("#password", fixtures::OFFICER_PASSWORD);
    browser.click("#signin button[type=submit]");
    browser.wait_until("the home screen", |b| b.count("#queue") > 0);
}

/// Collects one answer set on the open collection screen: the `n`th respondent.
fn collect_one(browser: &Browser, departments: &[i64], n: usize) {
    let target = departments[n % departments.len()];
    browser.click(&format!("input[name=_target][value='{target}']"));
    let purpose = ["enquiry", "other"][n % 2];
    browser.click(&format!("input[name=visit_purpose][value={purpose}]"));
    let overall = ["satisfied", "basically_satisfied", "dont_know"][n % 3];
    browser.click(&format!("input[name=overall][value={overall}]"));
    browser.click("input[name=attitude][value=satisfied]");
    browser.click("input[name=efficiency][value=basically_satisfied]");
    if n.is_multiple_of(5) {
        browser.click(&format!("input[name=score][value='{}']", n % 11));
    }
    browser.click("#finish");
    browser.wait_until("the answer to be saved", |b| {
        b.script(
            "const s = document.getElementById('saved'); return s && !s.hidden ? s.textContent : ''",
            &[],
        )
        .as_str()
        .is_some_and(|t| t.contains(&format!(" {} ", n + 1)) || t.contains(&format!("{} item", n + 1)))
    });
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn browser_field_app_collects_offline_survives_restarts_and_pushes_every_answer_once() {
    let (app, county, survey) = county_with_survey();
    let round = fixtures::open_round(&app, &county);
    let mut browser = Browser::start(PHONE);
    open_app(&browser, &app);
    browser.screenshot("field-app-1-sign-in");
    sign_in(&browser);
    assert!(fits(&browser), "no sideways scrolling on a 360 px phone");
    browser.wait_until("the survey list", |b| {
        b.count(&format!("button.survey[data-survey='{survey}']")) > 0
    });
    // the service worker holds the shell before the network goes
    browser.wait_until("the service worker to control the page", |b| {
        b.script("return !!navigator.serviceWorker.controller", &[]) == true
    });
    browser.screenshot("field-app-2-home");
    // storage the browser may evict is said so
    let persisted = browser.script_async(
        "const done = arguments[0]; navigator.storage.persisted().then(done);",
        &[],
    );
    if persisted == false {
        assert_eq!(browser.count("#storage-warning"), 1);
    }

    browser.set_offline(true);
    open_app(&browser, &app);
    assert_eq!(queued(&browser), 0);
    browser.click(&format!("button.survey[data-survey='{survey}']"));
    // a required question left out is caught on the phone, beside the question
    browser.click(&format!(
        "input[name=_target][value='{}']",
        county.departments[0]
    ));
    browser.click("input[name=visit_purpose][value=licence]");
    browser.click("input[name=overall][value=satisfied]");
    browser.type_into("input[name=trips]", "99");
    browser.click("#finish");
    browser.wait_for_text("#e-attitude", &tr(Lang::ZhCn, "form-answer-required"));
    assert!(fits(&browser), "the questions fit a 360 px phone");
    let range = browser.text("#e-trips");
    assert!(range.contains('1') && range.contains("20"), "{range}");
    browser.screenshot("field-app-3-problems");
    browser.type_into("input[name=trips]", "2");
    browser.click("input[name=attitude][value=satisfied]");
    browser.click("input[name=efficiency][value=satisfied]");
    browser.click("#finish");
    browser.wait_until("the first answer to be saved", |b| {
        b.script("return !document.getElementById('saved').hidden", &[]) == true
    });
    // a respondent half done when the page goes away: the answers come back
    browser.click(&format!(
        "input[name=_target][value='{}']",
        county.departments[1]
    ));
    browser.click("input[name=visit_purpose][value=other]");
    // the tap is written to IndexedDB before the page goes away (the app saves every change
    // at once; the test waits for that write rather than racing it)
    browser.wait_until("the unfinished answer to be stored", |b| {
        b.script_async(
            "const done = arguments[arguments.length - 1];
             const r = indexedDB.open('canvass-field');
             r.onsuccess = () => {
               const g = r.result.transaction('kv').objectStore('kv').get('draft');
               g.onsuccess = () => done(!!(g.result && g.result.answers
                 && g.result.answers.visit_purpose === 'other'));
             };",
            &[],
        ) == true
    });
    open_app(&browser, &app);
    browser.click(&format!("button.survey[data-survey='{survey}']"));
    assert_eq!(
        browser.property("input[name=visit_purpose][value=other]", "checked"),
        true,
        "the unfinished answers are kept"
    );
    for n in 1..ANSWERS {
        collect_one(&browser, &county.departments, n);
    }
    browser.screenshot("field-app-4-collected");
    browser.click("#back");
    browser.click(&format!("button.survey[data-round='{}']", round.id));
    enter_sheet(&browser);
    let items = ANSWERS + 1;

    // a reload offline, then a restart of the browser: the queue is still there
    open_app(&browser, &app);
    assert_eq!(queued(&browser), items);
    browser = browser.restart();
    browser.set_offline(true);
    open_app(&browser, &app);
    assert_eq!(queued(&browser), items, "the queue survives a restart");

    // a push with no network forms the batch, fails, and loses nothing
    browser.click("#push");
    browser.wait_for_text("#last-push", &tr(Lang::ZhCn, "field-push-offline"));
    assert_eq!(queued(&browser), items);
    assert_eq!(stored_responses(&app), 0);
    let saved: Value = browser.script_async(
        "const done = arguments[arguments.length - 1];
         const r = indexedDB.open('canvass-field');
         r.onsuccess = () => {
           const g = r.result.transaction('batches').objectStore('batches').getAll();
           g.onsuccess = () => done(g.result);
         };",
        &[],
    );
    let saved = saved.as_array().expect("the saved batches");
    assert_eq!(saved.len(), 1, "one batch of {items} items: {saved:?}");
    let body = saved[0]["body"].as_str().unwrap().to_string();
    let batch: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(batch["items"].as_array().unwrap().len(), items);

    // the first delivery reached the server but its answer was lost on the way back
    let officer = app.login("officer", fixtures::OFFICER_PASSWORD);
    let first = app
        .client
        .post(app.url("/api/v1/sync/batches"))
        .header("Canvass-Protocol", "1")
        .bearer_auth(&officer)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .unwrap();
    assert_eq!(first.status(), 201);
    assert_eq!(stored_responses(&app), ANSWERS);
    assert_eq!(sheets(&app, &county, round.id), 1);

    // back online, the app resends the same id and bytes by itself: acknowledged as a
    // duplicate
    browser.set_offline(false);
    browser.wait_until("the queue to empty", |b| {
        b.script(
            "const q = document.getElementById('queue-count'); return q ? Number(q.dataset.count) : -1",
            &[],
        ) == json!(0)
    });
    browser.screenshot("field-app-5-pushed");
    assert_eq!(
        stored_responses(&app),
        ANSWERS,
        "every answer stored exactly once"
    );
    let (status, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{survey}/results"),
        Some(&county.organiser),
        None,
    );
    assert_eq!(status, 200, "{results}");
    assert_eq!(
        results["total_responses"]["value"],
        json!(f64::from(u32::try_from(ANSWERS).unwrap()))
    );
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn browser_field_app_sets_refused_answers_aside_with_the_reason() {
    let (app, county, survey) = county_with_survey();
    let browser = Browser::start(PHONE);
    open_app(&browser, &app);
    sign_in(&browser);
    browser.click(&format!("button.survey[data-survey='{survey}']"));
    for n in 0..2 {
        collect_one(&browser, &county.departments, n);
    }
    // an item the phone's checks never let through, written straight into its store: the
    // server refuses it as it would from the command-line client
    let bad = json!({
        "kind": "survey_response", "survey_id": survey, "version": 1,
        "target_unit_id": county.departments[0], "respondent_unit_id": null,
        "channel": "field", "collected_on": "2026-11-20",
        "answers": {"visit_purpose": "shopping", "overall": "satisfied",
                    "attitude": "satisfied", "efficiency": "satisfied"}
    });
    let put = browser.script_async(
        "const [item, done] = arguments;
         const r = indexedDB.open('canvass-field');
         r.onsuccess = () => {
           const t = r.result.transaction('items', 'readwrite');
           t.objectStore('items').put({ id: 'ffffffffffffffffffffffffffffffff', created_at: Date.now(),
             kind: 'survey_response', state: 'queued', summary: 'injected', item });
           t.oncomplete = () => done(true);
         };",
        std::slice::from_ref(&bad),
    );
    assert_eq!(put, true);
    // opened online with items waiting, the app pushes them by itself: the bad item is set
    // aside, the two others go out under a new id and are stored
    open_app(&browser, &app);
    browser.wait_until("the refused item", |b| b.count(".refused-item") == 1);
    assert_eq!(queued(&browser), 0);
    assert_eq!(stored_responses(&app), 2);
    let reason = browser.text("#refused");
    assert!(
        reason.contains(&tr(Lang::ZhCn, "field-item-answers")) && reason.contains("shopping"),
        "{reason}"
    );
    // the officer fixes it: it opens again with what was right kept, and goes out
    browser.click(".refused-item .fix");
    browser.wait_until("the answers again", |b| b.count("#collect") > 0);
    assert_eq!(
        browser.property("input[name=overall][value=satisfied]", "checked"),
        true
    );
    browser.click("input[name=visit_purpose][value=enquiry]");
    browser.click("#finish");
    browser.wait_until("the fixed answer to be saved", |b| {
        b.script("return !document.getElementById('saved').hidden", &[]) == true
    });
    browser.click("#back");
    assert_eq!(queued(&browser), 1);
    assert_eq!(browser.count(".refused-item"), 0);
    browser.click("#push");
    browser.wait_until("the fixed answer to be stored", |_| {
        stored_responses(&app) == 3
    });

    // answers collected after the survey closed, from the surveys kept on the phone
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/surveys/{survey}/close"),
        Some(&county.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    browser.click(&format!("button.survey[data-survey='{survey}']"));
    for n in 0..2 {
        collect_one(&browser, &county.departments, n);
    }
    open_app(&browser, &app);
    browser.wait_until("the refused items", |b| b.count(".refused-item") == 2);
    assert_eq!(queued(&browser), 0);
    let reason = browser.text("#refused");
    assert!(
        reason.contains(&tr(Lang::ZhCn, "field-item-closed")),
        "{reason}"
    );
    let _ = browser.script("document.getElementById('refused').scrollIntoView()", &[]);
    browser.screenshot("field-app-refused");
    assert_eq!(stored_responses(&app), 3);
    // the reasons in English too
    browser.click("#lang");
    browser.wait_for_text("#refused", "The survey was closed");
    // discarding removes one, after the officer confirms
    browser.click(".refused-item .discard");
    accept_alert(&browser);
    browser.wait_until("one item left", |b| b.count(".refused-item") == 1);
    // signing out keeps the other
    browser.click("#signout");
    browser.wait_until("the sign-in screen", |b| b.count("#signin") > 0);
    assert!(browser.text("#kept").contains('1'));
}

fn stored_batches(app: &TestApp) -> usize {
    inspect::strings(
        app.db.url(),
        "SELECT CAST(COUNT(*) AS TEXT) AS v FROM sync_batches",
    )[0]
    .as_deref()
    .unwrap()
    .parse()
    .unwrap()
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn browser_field_app_pushes_when_the_network_returns_and_a_cut_connection_stores_once() {
    let (app, county, survey) = county_with_survey();
    let port: u16 = app
        .url("")
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .expect("the server's port");
    // the connection is cut after the server has answered the first upload: the batch is
    // stored, the phone never hears so
    let proxy = DroppingProxy::start(port, 1);
    let browser = Browser::start(PHONE);
    open_at(&browser, &proxy.address);
    sign_in(&browser);
    browser.set_offline(true);
    browser.click(&format!("button.survey[data-survey='{survey}']"));
    for n in 0..5 {
        collect_one(&browser, &county.departments, n);
    }
    browser.click("#back");
    assert_eq!(queued(&browser), 5);
    // the network comes back: the app pushes by itself, nobody taps
    browser.set_offline(false);
    browser.wait_until("the queue to empty by itself", |b| {
        b.script(
            "const q = document.getElementById('queue-count'); return q ? Number(q.dataset.count) : -1",
            &[],
        ) == json!(0)
    });
    assert!(
        proxy.dropped.load(Ordering::SeqCst) >= 2,
        "the upload was cut off once and sent again"
    );
    assert_eq!(
        stored_responses(&app),
        5,
        "every answer stored exactly once"
    );
    assert_eq!(stored_batches(&app), 1, "one batch, stored once");
    let stored = tr(Lang::ZhCn, "field-push-stored");
    let said = browser.text("#last-push");
    assert!(
        said.contains(stored.split('{').next().unwrap()) && said.contains('5'),
        "{said}"
    );
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn browser_field_app_opens_a_refused_tally_sheet_again_to_be_corrected() {
    let (app, county, _) = county_with_survey();
    let round = fixtures::open_round(&app, &county);
    let browser = Browser::start(PHONE);
    open_app(&browser, &app);
    sign_in(&browser);
    browser.wait_until("the round", |b| {
        b.count(&format!("button.survey[data-round='{}']", round.id)) > 0
    });
    // a sheet whose first official's row does not add up (27 valid, 25 counted), written
    // straight into the phone's store: the server refuses it
    let sheet = json!({
        "station": "第二会场", "elector_group": "cadres",
        "issued": 30, "returned": 28, "valid": 27, "invalid": 1,
        "subjects": [
            {"subject": {"official": round.officials[0]}, "counts": {"excellent": 20, "competent": 5}, "abstentions": 0},
            {"subject": {"official": round.officials[1]}, "counts": {"competent": 27}, "abstentions": 0},
            {"subject": "team", "counts": {"good": 27}, "abstentions": 0}
        ]
    });
    let item = json!({"kind": "tally_sheet", "round_id": round.id, "sheet": sheet});
    let put = browser.script_async(
        "const [item, done] = arguments;
         const r = indexedDB.open('canvass-field');
         r.onsuccess = () => {
           const t = r.result.transaction('items', 'readwrite');
           t.objectStore('items').put({ id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', created_at: Date.now(),
             kind: 'tally_sheet', state: 'queued', summary: 'sheet', item });
           t.oncomplete = () => done(true);
         };",
        std::slice::from_ref(&item),
    );
    assert_eq!(put, true);
    open_app(&browser, &app);
    browser.wait_until("the refused sheet", |b| b.count(".refused-item") == 1);
    assert_eq!(sheets(&app, &county, round.id), 0);
    // the officer opens it: every count as it was typed, the station and group kept
    browser.click(".refused-item .fix");
    browser.wait_until("the sheet again", |b| b.count("#sheet") > 0);
    assert_eq!(browser.property("input[name=station]", "value"), "第二会场");
    assert_eq!(browser.property("input[name=s0-excellent]", "value"), "20");
    assert_eq!(browser.property("input[name=s1-competent]", "value"), "27");
    assert_eq!(browser.property("input[name=issued]", "value"), "30");
    browser.click("#save-sheet");
    browser.wait_for_text("#e-s0", "25");
    browser.type_into("input[name=s0-abstentions]", "2");
    browser.click("#save-sheet");
    browser.wait_until("the home screen", |b| b.count("#queue") > 0);
    assert_eq!(browser.count(".refused-item"), 0);
    assert_eq!(queued(&browser), 1);
    browser.click("#push");
    browser.wait_until("the corrected sheet to be stored", |_| {
        sheets(&app, &county, round.id) == 1
    });
}

/// Accepts the confirmation dialog the page shows.
fn accept_alert(browser: &Browser) {
    browser.wait_until("the confirmation", Browser::accept_alert);
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn browser_field_app_checks_agree_with_the_conformance_corpus() {
    let app = TestApp::spawn();
    let browser = Browser::start(PHONE);
    open_app(&browser, &app);
    let corpus: Value = serde_json::from_str(CORPUS).unwrap();
    let got = browser.script_async(
        "const [corpus, done] = arguments;
         import('/field/forms.js').then((m) => {
           const builtin = JSON.parse(document.body.dataset.scales);
           done(corpus.cases.map((c) => {
             const r = m.validateAnswers(corpus.forms[c.form], c.answers, builtin);
             return { problems: r.errors.map((e) => ({ field: e.field, code: e.code })), valid: r.answers };
           }));
         }, (e) => done(String(e)));",
        std::slice::from_ref(&corpus),
    );
    let got = got.as_array().unwrap_or_else(|| panic!("{got}"));
    let cases = corpus["cases"].as_array().unwrap();
    assert_eq!(got.len(), cases.len());
    for (case, got) in cases.iter().zip(got) {
        let name = &case["name"];
        assert_eq!(got["problems"], case["problems"], "{name}");
        if let Some(valid) = case.get("valid") {
            assert_eq!(&got["valid"], valid, "{name}");
        }
    }

    let sheets: Value = serde_json::from_str(SHEETS).unwrap();
    let got = browser.script_async(
        "const [corpus, done] = arguments;
         import('/field/forms.js').then((m) => {
           done(corpus.cases.map((c) => m.checkSheet(corpus.rounds[c.round], c.sheet)
             .map((e) => ({ field: e.field, code: e.code }))));
         }, (e) => done(String(e)));",
        std::slice::from_ref(&sheets),
    );
    let got = got.as_array().unwrap_or_else(|| panic!("{got}"));
    let cases = sheets["cases"].as_array().unwrap();
    assert_eq!(got.len(), cases.len());
    for (case, got) in cases.iter().zip(got) {
        assert_eq!(got, &case["problems"], "{}", case["name"]);
    }
}
