use canvass_protocol::{ErrorBody, ErrorCode};
use canvass_tests::TestApp;
use serde_json::{json, Value};

/// Every route that takes a JSON body, with a valid example of it.
fn json_routes(app: &TestApp, admin: &str) -> Vec<(&'static str, String, Value)> {
    let county = app.create_unit(admin, "清河县", "county", None);
    let department = app.create_unit(admin, "县人社局", "department", Some(county));
    let account = app.create_account(admin, "victim", "victim-password", "officer", county);
    let definition: Value = serde_json::from_str(include_str!(
        "../../../docs/examples/survey-window-service.json"
    ))
    .unwrap();
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(admin),
        Some(&json!({"definition": definition, "targets": [department], "unit_id": county})),
    );
    assert_eq!(status, 201, "{survey}");
    let survey_id = survey["id"].as_i64().unwrap();
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/surveys/{survey_id}/publish"),
        Some(admin),
        None,
    );
    assert_eq!(status, 200);
    let slug = survey["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let township = app.create_unit(admin, "青山镇", "township", Some(county));
    let (status, official) = app.call(
        "POST",
        "/api/v1/officials",
        Some(admin),
        Some(&json!({"unit_id": township, "name": "王建国", "position": "党委书记"})),
    );
    assert_eq!(status, 201, "{official}");
    let official = official["id"].as_i64().unwrap();
    let round_definition = json!({
        "period": "2026年度",
        "series": {"id": "s", "name": "青山镇年度民主测评"},
        "officials": [{"official_id": official, "name": "王建国", "position": "党委书记"}],
        "elector_groups": [{"id": "cadres", "label": "干部", "weight": 1.0}]
    });
    let (status, round) = app.call(
        "POST",
        "/api/v1/rounds",
        Some(admin),
        Some(&json!({"definition": round_definition, "unit_id": township})),
    );
    assert_eq!(status, 201, "{round}");
    let round_id = round["id"].as_i64().unwrap();
    let ballot_slug = round["ballot_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    vec![
        (
            "POST",
            "/api/v1/auth/login".into(),
            json!({"username": "admin", "password": "x"}),
        ),
        (
            "POST",
            "/api/v1/auth/password".into(),
            json!({"current_password": "x", "new_password": "y"}),
        ),
        (
            "POST",
            "/api/v1/units".into(),
            json!({"name": "东山镇", "kind": "township", "parent_id": county}),
        ),
        (
            "PATCH",
            format!("/api/v1/units/{county}"),
            json!({"name": "新名"}),
        ),
        (
            "POST",
            "/api/v1/accounts".into(),
            json!({"username": "new.one", "password": "new-one-password", "role": "officer", "unit_id": county}),
        ),
        (
            "PATCH",
            format!("/api/v1/accounts/{account}"),
            json!({"display_name": "新名"}),
        ),
        (
            "POST",
            "/api/v1/surveys".into(),
            json!({"definition": definition, "targets": [department], "unit_id": county}),
        ),
        (
            "PATCH",
            format!("/api/v1/surveys/{survey_id}"),
            json!({"closes_at": 4_000_000_000_i64}),
        ),
        (
            "POST",
            "/api/v1/officials".into(),
            json!({"unit_id": township, "name": "李明", "position": "镇长"}),
        ),
        (
            "PATCH",
            format!("/api/v1/officials/{official}"),
            json!({"position": "副镇长"}),
        ),
        (
            "POST",
            "/api/v1/rounds".into(),
            json!({"definition": round_definition, "unit_id": township}),
        ),
        (
            "PATCH",
            format!("/api/v1/rounds/{round_id}"),
            json!({"definition": round_definition}),
        ),
        (
            "POST",
            format!("/api/v1/rounds/{round_id}/codes"),
            json!({"elector_group": "cadres", "count": 1}),
        ),
        (
            "POST",
            format!("/api/v1/rounds/{round_id}/slips"),
            json!({"elector_group": "cadres", "count": 1}),
        ),
        (
            "POST",
            format!("/api/v1/rounds/{round_id}/tally-sheets"),
            json!({"station": "一", "elector_group": "cadres", "issued": 1, "returned": 1, "valid": 1, "invalid": 0, "subjects": []}),
        ),
        (
            "PUT",
            format!("/api/v1/rounds/{round_id}/tally-sheets"),
            json!({"station": "一", "elector_group": "cadres", "issued": 1, "returned": 1, "valid": 1, "invalid": 0, "subjects": []}),
        ),
        (
            "POST",
            format!("/api/v1/public/rounds/{ballot_slug}/ballots"),
            json!({"code": "2345-6789-ABCD", "ballot": {"elector_group": "", "marks": []}}),
        ),
        (
            "POST",
            format!("/api/v1/public/surveys/{slug}/responses"),
            json!({"version": 1, "target_unit_id": department, "answers": {"visit_purpose": "enquiry"}}),
        ),
    ]
}

fn send_raw(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let response = app
        .client
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            app.url(path),
        )
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

fn snapshot(app: &TestApp, admin: &str) -> (Value, Value, Value) {
    let (_, units) = app.call("GET", "/api/v1/units", Some(admin), None);
    let (_, accounts) = app.call("GET", "/api/v1/accounts", Some(admin), None);
    let (_, surveys) = app.call("GET", "/api/v1/surveys", Some(admin), None);
    let (_, rounds) = app.call("GET", "/api/v1/rounds", Some(admin), None);
    let (_, officials) = app.call("GET", "/api/v1/officials", Some(admin), None);
    (units, accounts, json!([surveys, rounds, officials]))
}

#[test]
fn malformed_json_on_every_route_is_a_400_with_a_code_and_writes_nothing() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let routes = json_routes(&app, &admin);
    let before = snapshot(&app, &admin);
    for (method, path, _) in &routes {
        for body in [
            "{",
            "",
            "{\"name\": }",
            "[1,2",
            "{\"a\":1} trailing",
            "\u{0}",
        ] {
            let (status, answer) = send_raw(
                &app,
                method,
                path,
                &admin,
                "application/json",
                body.as_bytes().to_vec(),
            );
            assert_eq!(status, 400, "{method} {path} with {body:?}: {answer}");
            assert_eq!(answer["error"]["code"], "malformed_json", "{method} {path}");
            assert!(answer["error"]["message"].is_string());
        }
    }
    assert_eq!(snapshot(&app, &admin), before);
}

#[test]
fn wrong_types_on_every_route_name_the_field() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let routes = json_routes(&app, &admin);
    let before = snapshot(&app, &admin);
    for (method, path, example) in &routes {
        let object = example.as_object().unwrap();
        for key in object.keys() {
            let mut broken = example.clone();
            // a string where a number belongs and a number where a string belongs
            broken[key] = if object[key].is_string() {
                json!(12)
            } else {
                json!("12")
            };
            let (status, answer) = app.call(method, path, Some(&admin), Some(&broken));
            assert!(
                (400..500).contains(&status),
                "{method} {path} {broken}: {status}"
            );
            assert_eq!(
                answer["error"]["code"], "invalid_type",
                "{method} {path} {broken}: {answer}"
            );
            assert_eq!(
                answer["error"]["field"],
                key.as_str(),
                "{method} {path} {broken}: {answer}"
            );
        }
        let (status, answer) = app.call(method, path, Some(&admin), Some(&json!([1, 2, 3])));
        assert_eq!(status, 400, "{method} {path}: {answer}");
        let mut nested = example.clone();
        // an object where a scalar or list belongs
        // (bodies made only of objects have no such field)
        if let Some(first) = object
            .iter()
            .find(|(_, v)| !v.is_object())
            .map(|(k, _)| k.clone())
        {
            nested[&first] = json!({"nested": [1, 2]});
            let (status, answer) = app.call(method, path, Some(&admin), Some(&nested));
            assert_eq!(status, 400, "{method} {path} {nested}: {answer}");
            assert_eq!(answer["error"]["field"], first.as_str(), "{answer}");
        }
    }
    assert_eq!(snapshot(&app, &admin), before);
}

#[test]
fn unknown_fields_on_every_route_are_refused_by_name() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let routes = json_routes(&app, &admin);
    let before = snapshot(&app, &admin);
    for (method, path, example) in &routes {
        let mut body = example.clone();
        body["is_admin"] = json!(true);
        let (status, answer) = app.call(method, path, Some(&admin), Some(&body));
        assert_eq!(status, 400, "{method} {path}: {answer}");
        assert_eq!(answer["error"]["code"], "unknown_field");
        assert_eq!(answer["error"]["field"], "is_admin", "{answer}");
    }
    assert_eq!(snapshot(&app, &admin), before);
}

#[test]
fn missing_fields_are_named() {
    let app = TestApp::spawn();
    let (status, answer) = app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"username": "admin"})),
    );
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["code"], "missing_field");
    assert_eq!(answer["error"]["field"], "password");
}

#[test]
fn oversized_bodies_on_every_route_are_a_413() {
    let app = TestApp::spawn_with(|s| s.max_json_bytes = 4096);
    let admin = app.admin_token();
    let routes = json_routes(&app, &admin);
    let before = snapshot(&app, &admin);
    for (method, path, _) in &routes {
        let body = format!("{{\"name\": \"{}\"}}", "x".repeat(10_000));
        let (status, answer) = send_raw(
            &app,
            method,
            path,
            &admin,
            "application/json",
            body.into_bytes(),
        );
        assert_eq!(status, 413, "{method} {path}: {answer}");
        assert_eq!(answer["error"]["code"], "payload_too_large");
    }
    assert_eq!(snapshot(&app, &admin), before);
}

#[test]
fn a_body_that_is_not_json_is_a_415() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (status, answer) = send_raw(
        &app,
        "POST",
        "/api/v1/units",
        &admin,
        "text/plain",
        b"name=x".to_vec(),
    );
    assert_eq!(status, 415);
    assert_eq!(answer["error"]["code"], "unsupported_media_type");
}

#[test]
fn bad_ids_in_paths_are_a_400_not_a_500() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    for (method, path) in [
        ("GET", "/api/v1/units/abc"),
        ("GET", "/api/v1/units/1.5"),
        ("GET", "/api/v1/units/99999999999999999999999"),
        ("PATCH", "/api/v1/units/%F0%9F%92%A9"),
        ("DELETE", "/api/v1/units/-"),
        ("GET", "/api/v1/accounts/abc"),
        ("PATCH", "/api/v1/accounts/x"),
        ("GET", "/api/v1/accounts/x/devices"),
        ("DELETE", "/api/v1/accounts/x/devices/y"),
    ] {
        let body = (method == "PATCH").then(|| json!({}));
        let (status, answer) = app.call(method, path, Some(&admin), body.as_ref());
        assert_eq!(status, 400, "{method} {path}: {answer}");
        assert_eq!(answer["error"]["code"], "invalid_id", "{method} {path}");
    }
    let (status, answer) = app.call("GET", "/api/v1/units/424242", Some(&admin), None);
    assert_eq!(status, 404);
    assert_eq!(answer["error"]["code"], "not_found");
}

#[test]
fn bad_query_strings_are_a_400() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (status, answer) = app.call("GET", "/api/v1/units?kind=province", Some(&admin), None);
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["code"], "invalid_query");
}

#[test]
fn unknown_routes_answer_json_404() {
    let app = TestApp::spawn();
    let (status, answer) = app.call("GET", "/api/v1/nothing-here", None, None);
    assert_eq!(status, 404);
    assert_eq!(answer["error"]["code"], "route_not_found");
}

#[test]
fn an_error_answers_in_the_language_the_request_asks_for_with_the_same_code_and_field() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let body = serde_json::to_vec(&json!({"name": " ", "kind": "county"})).unwrap();
    let answer = |headers: &[(&str, &str)]| {
        let (status, _, value) = app.send(
            "POST",
            "/api/v1/units",
            Some(&admin),
            headers,
            Some(body.clone()),
        );
        (status, serde_json::from_value::<ErrorBody>(value).unwrap())
    };
    let (status, chinese) = answer(&[]);
    assert_eq!(status, 422);
    let (_, english) = answer(&[("Accept-Language", "en-GB,en;q=0.9,zh;q=0.5")]);
    assert_eq!(chinese.error.code, ErrorCode::InvalidValue);
    assert_eq!(
        (english.error.code, english.error.field.as_deref()),
        (chinese.error.code, chinese.error.field.as_deref())
    );
    assert_eq!(chinese.error.field.as_deref(), Some("name"));
    assert_eq!(chinese.error.message, "单位名称不能为空。");
    assert_eq!(english.error.message, "The unit's name is empty.");
    // errors made before any handler runs follow the request's language too
    let (status, _, nowhere) = app.send("GET", "/api/v1/nowhere", None, &[], None);
    assert_eq!(status, 404);
    assert_eq!(nowhere["error"]["code"], "route_not_found");
    assert_eq!(
        nowhere["error"]["message"],
        "没有这个地址:GET /api/v1/nowhere。"
    );
    let (_, _, nowhere) = app.send(
        "GET",
        "/api/v1/nowhere",
        None,
        &[("Accept-Language", "en")],
        None,
    );
    assert_eq!(
        nowhere["error"]["message"],
        "There is nothing at GET /api/v1/nowhere."
    );
}

#[test]
fn a_problem_of_a_round_definition_names_the_official_it_concerns() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let township = app.create_unit(&admin, "青山镇", "township", Some(county));
    let (_, official) = app.call(
        "POST",
        "/api/v1/officials",
        Some(&admin),
        Some(&json!({"unit_id": township, "name": "周建军", "position": "镇长"})),
    );
    let official = official["id"].as_i64().unwrap();
    let listed = json!({"official_id": official, "name": "周建军", "position": "镇长"});
    let definition = json!({
        "period": "2026年度",
        "series": {"id": "s", "name": "青山镇年度民主测评"},
        "officials": [listed, listed],
        "elector_groups": [{"id": "cadres", "label": "干部", "weight": 1.0}]
    });
    let (status, _, body) = app.send(
        "POST",
        "/api/v1/rounds",
        Some(&admin),
        &[],
        Some(serde_json::to_vec(&json!({"definition": definition, "unit_id": township})).unwrap()),
    );
    assert_eq!(status, 422, "{body}");
    let body: ErrorBody = serde_json::from_value(body).unwrap();
    assert_eq!(body.error.code, ErrorCode::DuplicateSubject);
    assert_eq!(
        body.error.field.as_deref(),
        Some("definition.officials[1].official_id")
    );
    assert!(
        body.error.message.starts_with("干部“周建军”") && body.error.message.contains("重复"),
        "{}",
        body.error.message
    );
}
