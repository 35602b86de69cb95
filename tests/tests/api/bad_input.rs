//! A bad-input corpus over every route: the JSON operations as the served OpenAPI document
//! lists them (so a new operation is covered the day it is documented), and every page route
//! the server's source declares. Each is sent path parameters that are not ids or that no
//! database can store, query values of the wrong kind, bodies that are not JSON, not UTF-8,
//! nested too deep or too large, and, for every property of the documented body, values of the
//! wrong type, empty, with a NUL, out of range. Nothing may answer 5xx; every JSON error must
//! carry a stable code and a message. The run is bounded: a fixed corpus, no time limit.

use std::collections::BTreeMap;
use std::path::Path;

use canvass_tests::fixtures::{self, county, link_slug, OFFICER_PASSWORD, ORGANISER_PASSWORD};
use canvass_tests::TestApp;
use reqwest::blocking::Client;
use reqwest::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use serde_json::{json, Value};

/// Path parameter values no route may choke on.
fn bad_path_values() -> Vec<String> {
    [
        "0",
        "-1",
        "18446744073709551616",
        "9223372036854775807",
        "abc",
        "%00",
        "a%00b",
        "%FF%FE",
        "%E4%B8%AD",
        "1.5",
        "1e3",
        "%20",
        "..%2F..",
        "%F0%9F%98%80",
    ]
    .into_iter()
    .map(str::to_string)
    .chain([
        "x".repeat(2000),
        "%C0%AF".to_string(),
        "1%0D%0ASet-Cookie:%20x=1".to_string(),
    ])
    .collect()
}

/// JSON values of every kind and edge, put in place of one property at a time.
fn bad_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(""),
        json!("a\u{0000}b"),
        json!("\u{0000}"),
        json!(-1),
        json!(0),
        json!(1.5),
        json!(1e300),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(true),
        json!([]),
        json!([null, 1, "x"]),
        json!({}),
        json!({"\u{0000}": 1}),
        json!("x".repeat(20_000)),
        json!("١٢٣"),
        json!("2026-13-45"),
    ]
}

/// Whole bodies that are not what any operation takes.
fn bad_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let json = "application/json";
    vec![
        (json, b"".to_vec()),
        (json, b"{".to_vec()),
        (json, b"null".to_vec()),
        (json, b"[]".to_vec()),
        (json, b"\"x\"".to_vec()),
        (json, b"1".to_vec()),
        (json, b"{}".to_vec()),
        (json, b"{\"a\":1,\"a\":2}".to_vec()),
        (json, b"{\"x\":\"\xff\xfe\"}".to_vec()),
        (json, b"\xef\xbb\xbf{}".to_vec()),
        (json, "[".repeat(5000).into_bytes()),
        (json, "{\"a\":".repeat(3000).into_bytes()),
        (json, b"{\"x\":1e999}".to_vec()),
        (
            json,
            format!("{{\"x\":\"{}\"}}", "y".repeat(3_000_000)).into_bytes(),
        ),
        ("text/plain", b"{}".to_vec()),
        ("application/x-www-form-urlencoded", b"a=1&b=%00".to_vec()),
        ("application/octet-stream", b"PK\x03\x04\x14\x00".to_vec()),
        ("text/csv", b"\xff\xfe,\x00\r\n1,2".to_vec()),
    ]
}

/// Form bodies for the pages' POST routes.
fn bad_forms() -> Vec<(&'static str, Vec<u8>)> {
    let form = "application/x-www-form-urlencoded";
    vec![
        (form, b"".to_vec()),
        (form, b"a=1".to_vec()),
        (form, b"action=%00&name=%00".to_vec()),
        (form, b"action=disable&id=-1&name=x&confirm=yes".to_vec()),
        (form, b"%FF=%FE&&&=&==".to_vec()),
        (form, format!("name={}", "x".repeat(100_000)).into_bytes()),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nPK\x03\x04\r\n--x--"
                .to_vec(),
        ),
        ("multipart/form-data", b"garbage".to_vec()),
        ("application/json", b"{}".to_vec()),
    ]
}

/// What the corpus found, and how much it sent.
struct Corpus<'a> {
    app: &'a TestApp,
    client: Client,
    sent: usize,
    statuses: BTreeMap<u16, usize>,
    problems: Vec<String>,
}

/// One request of the corpus.
struct Request<'r> {
    method: &'r str,
    path: &'r str,
    token: Option<&'r str>,
    cookie: Option<&'r str>,
    body: Option<(&'r str, &'r [u8])>,
}

impl<'a> Corpus<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .unwrap(),
            sent: 0,
            statuses: BTreeMap::new(),
            problems: Vec::new(),
        }
    }

    /// Sends `r` and notes a 5xx, a failed connection or a JSON error without a code.
    fn send(&mut self, r: &Request<'_>) -> u16 {
        let verb = reqwest::Method::from_bytes(r.method.to_uppercase().as_bytes()).unwrap();
        let mut request = self
            .client
            .request(verb, format!("{}{}", self.app.address, r.path))
            .header("Canvass-Protocol", "1");
        if let Some(token) = r.token {
            request = request.bearer_auth(token);
        }
        if let Some(cookie) = r.cookie {
            request = request.header("Cookie", cookie);
        }
        if let Some((kind, bytes)) = r.body {
            request = request.header(CONTENT_TYPE, kind).body(bytes.to_vec());
        }
        self.sent += 1;
        let what = || {
            let body = r.body.map_or(String::new(), |(kind, bytes)| {
                let text = String::from_utf8_lossy(&bytes[..bytes.len().min(80)]).into_owned();
                format!(" [{kind}] {text}")
            });
            let path: String = r.path.chars().take(120).collect();
            format!("{} {path}{body}", r.method)
        };
        let response = match request.send() {
            Ok(response) => response,
            Err(e) => {
                self.problems.push(format!("{}: no answer: {e}", what()));
                return 0;
            }
        };
        let status = response.status().as_u16();
        *self.statuses.entry(status).or_default() += 1;
        let json = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let text = response.text().unwrap_or_default();
        if status >= 500 {
            let text: String = text.chars().take(300).collect();
            self.problems
                .push(format!("{} -> {status}: {text}", what()));
        } else if status >= 400 && json {
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let error = &body["error"];
            if !error["code"].is_string() || !error["message"].is_string() {
                self.problems
                    .push(format!("{} -> {status} without a code: {text}", what()));
            }
        }
        status
    }
}

/// The concrete value of path parameter `name` in `template` for an object that exists.
fn real_value(template: &str, name: &str, ids: &BTreeMap<&str, String>) -> String {
    let segment = |s: &str| template.contains(s);
    let key = match name {
        "slug" if segment("/b/") || segment("/rounds/") => "ballot_slug",
        "slug" => "survey_slug",
        "name" => "asset",
        _ if segment("/surveys/") => "survey",
        _ if segment("/rounds/") => "round",
        _ if segment("/units/") => "unit",
        _ if segment("/officials/") => "official",
        _ if segment("/accounts/") => "account",
        _ if segment("/devices/") => "device",
        _ => "",
    };
    ids.get(key).cloned().unwrap_or_else(|| "1".to_string())
}

/// The names of `template`'s path parameters, in order.
fn params(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect()
}

/// `template` with each parameter given by `value(index, name)`.
fn fill(template: &str, mut value: impl FnMut(usize, &str) -> String) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut i = 0;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        out.push_str(&value(i, &rest[start + 1..end]));
        i += 1;
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The top-level properties of a request body schema, `$ref`s resolved.
fn properties(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = resolve(doc, schema);
    let mut out: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema[key].as_array().into_iter().flatten() {
            for p in properties(doc, part) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
    }
    out
}

fn resolve<'d>(doc: &'d Value, schema: &'d Value) -> &'d Value {
    match schema["$ref"].as_str() {
        Some(r) => r.strip_prefix("#/").map_or(&Value::Null, |p| {
            doc.pointer(&format!("/{p}")).unwrap_or(&Value::Null)
        }),
        None => schema,
    }
}

/// Every page route declared with an actix attribute under `server/src/web`, as (method,
/// path template).
fn page_routes() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                for line in std::fs::read_to_string(&path).unwrap().lines() {
                    let line = line.trim();
                    for method in ["get", "post", "put", "patch", "delete"] {
                        if let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) {
                            let template = rest.split('"').next().unwrap().to_string();
                            out.push((method.to_string(), template));
                        }
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src/web"),
        &mut out,
    );
    out.sort();
    out.dedup();
    out
}

/// Signs in on the pages as `username`: the session cookie and the CSRF token.
fn page_session(app: &TestApp, username: &str, password: &str) -> (String, String) {
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(format!("{}/login", app.address))
        .form(&[("username", username), ("password", password)])
        .send()
        .unwrap();
    assert_eq!(response.status(), 303, "sign-in as {username}");
    assert!(response.headers().contains_key(LOCATION));
    let cookie = response.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = client
        .get(format!("{}/dashboard/password", app.address))
        .header("Cookie", &cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let start = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    (cookie, page[start..start + 64].to_string())
}

#[test]
fn a_thousand_bad_requests_over_every_route_get_no_5xx_and_every_json_error_a_code() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let c = county(&app, &admin);
    let survey = fixtures::open_window_survey(&app, &c);
    let round = fixtures::open_round(&app, &c);
    let (_, survey_body) = app.call(
        "GET",
        &format!("/api/v1/surveys/{survey}"),
        Some(&c.organiser),
        None,
    );
    let (_, round_body) = app.call(
        "GET",
        &format!("/api/v1/rounds/{}", round.id),
        Some(&c.organiser),
        None,
    );
    let (status, device) = app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"username": "officer", "password": OFFICER_PASSWORD, "device_name": "phone"})),
    );
    assert_eq!(status, 200, "{device}");
    let officer_token = device["token"].as_str().unwrap().to_string();
    let ids: BTreeMap<&str, String> = BTreeMap::from([
        ("survey", survey.to_string()),
        ("round", round.id.to_string()),
        ("unit", c.village.to_string()),
        ("official", round.officials[1].to_string()),
        ("account", device["account"]["id"].to_string()),
        (
            "device",
            device["device_id"].as_str().unwrap_or("1").to_string(),
        ),
        ("survey_slug", link_slug(&survey_body["public_url"])),
        ("ballot_slug", link_slug(&round_body["ballot_url"])),
        ("asset", "app.js".to_string()),
    ]);
    let (_, doc) = app.call("GET", "/api/openapi.json", None, None);
    let mut corpus = Corpus::new(&app);
    let mut organiser = c.organiser.clone();

    // the JSON operations, the sign-out ones last (they end the token the others use)
    let mut operations: Vec<(String, String, Value)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(template, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .map(move |(method, op)| (method.clone(), template.clone(), op.clone()))
        })
        .collect();
    operations.sort_by_key(|(_, template, _)| template.contains("logout"));
    assert!(operations.len() >= 40, "the document lists the API");
    for (method, template, op) in &operations {
        let with_body = matches!(method.as_str(), "post" | "put" | "patch");
        // the officer's device token for the field routes, the organiser's for the rest
        let token = if template.contains("/sync/") {
            officer_token.clone()
        } else {
            organiser.clone()
        };
        let real = fill(template, |_, name| real_value(template, name, &ids));
        let empty: &[u8] = b"{}";
        // each path parameter bad in turn
        for (i, _) in params(template).iter().enumerate() {
            for bad in bad_path_values() {
                let path = fill(template, |j, name| {
                    if i == j {
                        bad.clone()
                    } else {
                        real_value(template, name, &ids)
                    }
                });
                corpus.send(&Request {
                    method,
                    path: &path,
                    token: Some(&token),
                    cookie: None,
                    body: with_body.then_some(("application/json", empty)),
                });
            }
        }
        // each query parameter bad in turn
        for param in op["parameters"].as_array().into_iter().flatten() {
            if param["in"] != "query" {
                continue;
            }
            let name = param["name"].as_str().unwrap();
            for bad in bad_path_values() {
                let path = format!("{real}?{name}={bad}");
                corpus.send(&Request {
                    method,
                    path: &path,
                    token: Some(&token),
                    cookie: None,
                    body: with_body.then_some(("application/json", empty)),
                });
            }
        }
        // without a token, and with one that is not a token
        for bad_token in [None, Some("not-a-token"), Some("x.y.z")] {
            corpus.send(&Request {
                method,
                path: &real,
                token: bad_token,
                cookie: None,
                body: with_body.then_some(("application/json", empty)),
            });
        }
        if !with_body {
            continue;
        }
        // whole bodies that are not what it takes
        for (kind, bytes) in bad_bodies() {
            corpus.send(&Request {
                method,
                path: &real,
                token: Some(&token),
                cookie: None,
                body: Some((kind, &bytes)),
            });
        }
        // every documented property bad in turn, then all at once
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        let names = properties(&doc, schema);
        let mut all = serde_json::Map::new();
        for name in &names {
            for (n, bad) in bad_values().into_iter().enumerate() {
                if n == 1 {
                    all.insert(name.clone(), bad.clone());
                }
                let bytes = serde_json::to_vec(&json!({ name.as_str(): bad })).unwrap();
                corpus.send(&Request {
                    method,
                    path: &real,
                    token: Some(&token),
                    cookie: None,
                    body: Some(("application/json", &bytes)),
                });
            }
        }
        if !names.is_empty() {
            let bytes = serde_json::to_vec(&Value::Object(all)).unwrap();
            corpus.send(&Request {
                method,
                path: &real,
                token: Some(&token),
                cookie: None,
                body: Some(("application/json", &bytes)),
            });
        }
        // an operation may have ended the organiser's token (signing out, say): sign in again
        let (status, _) = app.call("GET", "/api/v1/auth/me", Some(&organiser), None);
        if status == 401 {
            organiser = app.login("organiser", ORGANISER_PASSWORD);
        }
    }
    let json_requests = corpus.sent;

    // the pages, signed in as the organiser with a valid CSRF token, the sign-out last
    let mut pages = page_routes();
    pages.sort_by_key(|(_, template)| template.contains("logout"));
    assert!(pages.len() >= 50, "the pages are found: {pages:?}");
    let (cookie, csrf) = page_session(&app, "organiser", ORGANISER_PASSWORD);
    for (method, template) in &pages {
        let real = fill(template, |_, name| real_value(template, name, &ids));
        for (i, _) in params(template).iter().enumerate() {
            for bad in bad_path_values() {
                let path = fill(template, |j, name| {
                    if i == j {
                        bad.clone()
                    } else {
                        real_value(template, name, &ids)
                    }
                });
                let body = format!("csrf={csrf}").into_bytes();
                corpus.send(&Request {
                    method,
                    path: &path,
                    token: None,
                    cookie: Some(&cookie),
                    body: (method == "post")
                        .then_some(("application/x-www-form-urlencoded", &body[..])),
                });
            }
        }
        for bad in bad_path_values().iter().take(6) {
            let path = format!("{real}?page={bad}&table={bad}&lang={bad}&action={bad}");
            corpus.send(&Request {
                method,
                path: &path,
                token: None,
                cookie: Some(&cookie),
                body: None,
            });
        }
        if method != "post" {
            continue;
        }
        for (kind, bytes) in bad_forms() {
            // with the page's own CSRF token in front, so the form itself is read
            let mut with_csrf = format!("csrf={csrf}&").into_bytes();
            with_csrf.extend_from_slice(&bytes);
            for body in [&bytes, &with_csrf] {
                corpus.send(&Request {
                    method,
                    path: &real,
                    token: None,
                    cookie: Some(&cookie),
                    body: Some((kind, body)),
                });
            }
        }
    }

    eprintln!(
        "bad-input corpus: {} requests ({json_requests} to the JSON API), answers by status: {:?}",
        corpus.sent, corpus.statuses
    );
    assert!(
        corpus.sent >= 1000,
        "a corpus of at least 1,000 requests: {}",
        corpus.sent
    );
    assert!(
        corpus.problems.is_empty(),
        "{} of {} bad requests were not answered as they should be:\n{}",
        corpus.problems.len(),
        corpus.sent,
        corpus.problems.join("\n")
    );
    // the server is still well after all of it
    let (status, _) = app.call("GET", "/healthz", None, None);
    assert_eq!(status, 200);
}
