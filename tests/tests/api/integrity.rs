//! What an outside tester tried: text the databases cannot store, slow and many connections,
//! sign-in races and disabled accounts. Each answer is a 4xx with a code, never a 500, on
//! both backends.

use canvass_tests::fixtures::{county, open_window_survey, survey_slug, window_answers};
use canvass_tests::TestApp;
use serde_json::{json, Value};

/// `GET`/`POST` `path` without following redirects: status, content type and body text.
fn raw(app: &TestApp, method: &str, path: &str, form: Option<&str>) -> (u16, String, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.client.request(method, app.url(path));
    if let Some(form) = form {
        request = request
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_string());
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, response.text().unwrap())
}

fn refused_as_unstorable(status: u16, body: &Value) {
    assert!(status == 400 || status == 422, "{status} {body}");
    assert_eq!(body["error"]["code"], "unstorable_text", "{body}");
}

#[test]
fn a_nul_in_a_path_or_query_is_refused_before_anything_is_read_or_written() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    for path in [
        "/api/v1/public/surveys/a%00b",
        "/api/v1/units/1%00",
        "/api/v1/units?kind=a%00b",
        "/api/v1/public/surveys/x?lang=%00",
    ] {
        let (status, body) = app.call("GET", path, Some(&admin), None);
        refused_as_unstorable(status, &body);
    }
    let (status, body) = app.call(
        "POST",
        "/api/v1/public/surveys/a%00b/responses",
        None,
        Some(&json!({"version": 1, "target_unit_id": 1, "answers": {}})),
    );
    refused_as_unstorable(status, &body);

    // the pages answer a page saying why, in the page's language
    for (method, path, form) in [
        ("GET", "/s/a%00b", None),
        ("POST", "/s/a%00b", Some("overall=satisfied")),
        ("GET", "/b/a%00b", None),
        ("POST", "/b/a%00b", Some("code=ABCD")),
        ("POST", "/b/a%00b/cast", Some("code=ABCD")),
        ("GET", "/login?next=%00", None),
    ] {
        let (status, kind, text) = raw(&app, method, path, form);
        assert_eq!(status, 400, "{method} {path}: {text}");
        assert!(kind.starts_with("text/html"), "{method} {path}: {kind}");
        assert!(text.contains("U+0000"), "{method} {path}: {text}");
    }
    let (status, _, text) = raw(&app, "GET", "/s/a%00b?lang=en", None);
    assert_eq!(status, 400);
    assert!(text.contains("cannot be stored"), "{text}");

    // what is not a NUL passes: an escaped percent sign is text like any other
    let (status, body) = app.call("GET", "/api/v1/public/surveys/a%2500b", None, None);
    assert_eq!(status, 404, "{body}");
}

#[test]
fn a_nul_in_any_json_string_or_key_is_refused_at_its_field_and_nothing_is_stored() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    for (body, field) in [
        (json!({"name": "清河\u{0}县", "kind": "county"}), "name"),
        (
            json!({"name": "清河县", "kind": "county", "extra\u{0}": 1}),
            "extra\u{0}",
        ),
    ] {
        let (status, answer) = app.call("POST", "/api/v1/units", Some(&admin), Some(&body));
        refused_as_unstorable(status, &answer);
        assert_eq!(answer["error"]["field"], field, "{answer}");
    }
    let (_, units) = app.call("GET", "/api/v1/units", Some(&admin), None);
    assert_eq!(units, json!([]), "nothing was stored");

    // a backslash followed by `u0000` is text, not a NUL
    let (status, unit) = app.call(
        "POST",
        "/api/v1/units",
        Some(&admin),
        Some(&json!({"name": "清河县\\u0000", "kind": "county"})),
    );
    assert_eq!(status, 201, "{unit}");
    assert_eq!(unit["name"], "清河县\\u0000");

    for body in [
        json!({"username": "x\u{0}y", "password": "whatever-password"}),
        json!({"username": "admin", "password": "x\u{0}y"}),
    ] {
        let (status, answer) = app.call("POST", "/api/v1/auth/login", None, Some(&body));
        refused_as_unstorable(status, &answer);
    }
    // the sign-in page refuses it too, with a page
    let (status, kind, text) = raw(
        &app,
        "POST",
        "/login",
        Some("username=x%00y&password=whatever-password"),
    );
    assert!(status == 400 || status == 422, "{status}: {text}");
    assert!(kind.starts_with("text/html"), "{kind}");
}

#[test]
fn public_answers_holding_a_nul_fail_alone_and_the_others_are_stored() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let c = county(&app, &admin);
    let id = open_window_survey(&app, &c);
    let slug = survey_slug(&app, &c.organiser, id);
    let path = format!("/api/v1/public/surveys/{slug}/responses");
    let (status, form) = app.call("GET", &format!("/api/v1/public/surveys/{slug}"), None, None);
    assert_eq!(status, 200, "{form}");
    let version = form["version"].as_i64().unwrap();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..24)
            .map(|i| {
                let (app, path) = (&app, &path);
                let department = c.departments[0];
                scope.spawn(move || {
                    let mut answers = window_answers("satisfied");
                    if i % 3 == 0 {
                        answers["comment"] = json!("很\u{0}好");
                    }
                    let body = json!({
                        "version": version,
                        "target_unit_id": department,
                        "answers": answers,
                    });
                    app.call("POST", path, None, Some(&body)).0
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let refused = statuses.iter().filter(|s| **s == 422 || **s == 400).count();
    let stored = statuses.iter().filter(|s| **s == 201 || **s == 200).count();
    assert_eq!((refused, stored), (8, 16), "{statuses:?}");
    let (status, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&c.organiser),
        None,
    );
    assert_eq!(status, 200, "{results}");
    assert_eq!(results["total_responses"]["n"], 16, "{results}");
}

/// The server's address, for raw connections.
fn socket_address(app: &TestApp) -> std::net::SocketAddr {
    app.address
        .trim_start_matches("http://")
        .parse()
        .expect("an address")
}

/// Reads from `stream` until the server closes it; how long that took (at most `limit`).
fn time_until_closed(
    stream: &mut std::net::TcpStream,
    limit: std::time::Duration,
) -> std::time::Duration {
    use std::io::Read;
    let started = std::time::Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buffer = [0_u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return started.elapsed(),
            Ok(_) => {}
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                panic!("still open after {limit:?}")
            }
            Err(_) => return started.elapsed(),
        }
    }
}

#[test]
fn a_body_or_a_head_that_stops_arriving_is_cut_within_its_timeout() {
    use std::io::Write;
    let app = TestApp::spawn_with(|s| {
        s.request_body_timeout_ms = 500;
        s.request_head_timeout_ms = 500;
    });
    let address = socket_address(&app);
    let limit = std::time::Duration::from_secs(5);

    // one byte of a 100-byte body
    let mut slow_body = std::net::TcpStream::connect(address).unwrap();
    slow_body
        .write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: canvass\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        )
        .unwrap();
    let took = time_until_closed(&mut slow_body, limit);
    assert!(took < std::time::Duration::from_secs(3), "{took:?}");

    // the same on a page that reads its body itself
    let mut slow_form = std::net::TcpStream::connect(address).unwrap();
    slow_form
        .write_all(
            b"POST /s/x HTTP/1.1\r\nHost: canvass\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\na",
        )
        .unwrap();
    let took = time_until_closed(&mut slow_form, limit);
    assert!(took < std::time::Duration::from_secs(3), "{took:?}");

    // half a head
    let mut slow_head = std::net::TcpStream::connect(address).unwrap();
    slow_head.write_all(b"GET /healthz HTTP/1.1\r\nHo").unwrap();
    let took = time_until_closed(&mut slow_head, limit);
    assert!(took < std::time::Duration::from_secs(3), "{took:?}");

    let (status, _) = app.call("GET", "/healthz", None, None);
    assert_eq!(status, 200, "the server still answers");
}

#[test]
fn one_address_holds_at_most_its_connections_and_others_are_still_served() {
    let app = TestApp::spawn_with(|s| s.max_connections_per_address = 4);
    let address = socket_address(&app);
    let mut held: Vec<std::net::TcpStream> = (0..4)
        .map(|_| std::net::TcpStream::connect(address).unwrap())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut extra = std::net::TcpStream::connect(address).unwrap();
    let took = time_until_closed(&mut extra, std::time::Duration::from_secs(5));
    assert!(took < std::time::Duration::from_secs(2), "{took:?}");

    // another address is served meanwhile
    let other = reqwest::blocking::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let response = other.get(app.url("/healthz")).send().unwrap();
    assert_eq!(response.status(), 200);

    // and once a connection closes, the first address is served again
    held.pop();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (status, _) = app.call("GET", "/healthz", None, None);
    assert_eq!(status, 200);
}

#[test]
fn a_hundred_simultaneous_wrong_passwords_get_exactly_the_free_attempts_checked() {
    let app = TestApp::spawn_with(|s| s.login_free_attempts_per_address = 1000);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    app.create_account(&admin, "li.wei", "li-wei-password", "leader", county);
    let barrier = std::sync::Barrier::new(100);
    let statuses: Vec<(u16, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..100)
            .map(|i| {
                let (app, barrier) = (&app, &barrier);
                scope.spawn(move || {
                    let body = json!({"username": "li.wei", "password": format!("guess-{i:04}")});
                    barrier.wait();
                    let (status, answer) =
                        app.call("POST", "/api/v1/auth/login", None, Some(&body));
                    (
                        status,
                        answer["error"]["code"].as_str().unwrap_or("").to_string(),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked = statuses
        .iter()
        .filter(|(s, c)| *s == 401 && c == "invalid_credentials")
        .count();
    let refused = statuses
        .iter()
        .filter(|(s, c)| *s == 429 && c == "too_many_attempts")
        .count();
    assert_eq!((checked, refused), (5, 95), "{statuses:?}");
}

#[test]
fn a_disabled_account_answers_alike_whatever_the_password() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let id = app.create_account(&admin, "li.wei", "li-wei-password", "leader", county);
    let (status, _) = app.call(
        "PATCH",
        &format!("/api/v1/accounts/{id}"),
        Some(&admin),
        Some(&json!({"disabled": true})),
    );
    assert_eq!(status, 200);
    let answer = |password: &str| {
        app.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"username": "li.wei", "password": password})),
        )
    };
    let right = answer("li-wei-password");
    let wrong = answer("not-the-password");
    assert_eq!(right, wrong, "the answer tells nothing of the password");
    let unknown = app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"username": "nobody", "password": "li-wei-password"})),
    );
    assert_eq!(right, unknown, "nor whether the account exists");
    assert_eq!(right.0, 401);
}

#[test]
fn tokens_issued_before_a_disable_stay_dead_after_it_is_lifted() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let id = app.create_account(&admin, "officer", "officer-password", "officer", county);
    let session = app.login("officer", "officer-password");
    let (status, device) = app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"username": "officer", "password": "officer-password", "device_name": "laptop"})),
    );
    assert_eq!(status, 200, "{device}");
    let device = device["token"].as_str().unwrap().to_string();
    for disabled in [true, false] {
        let (status, body) = app.call(
            "PATCH",
            &format!("/api/v1/accounts/{id}"),
            Some(&admin),
            Some(&json!({"disabled": disabled})),
        );
        assert_eq!(status, 200, "{body}");
    }
    for token in [&session, &device] {
        let (status, body) = app.call("GET", "/api/v1/auth/me", Some(token), None);
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"]["code"], "token_revoked", "{body}");
    }
    let fresh = app.login("officer", "officer-password");
    let (status, _) = app.call("GET", "/api/v1/auth/me", Some(&fresh), None);
    assert_eq!(status, 200, "a new sign-in works");
}
