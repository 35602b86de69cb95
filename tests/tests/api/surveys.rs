use canvass_tests::fixtures::{link_slug, window_answers as answers};
use canvass_tests::{inspect, TestApp};
use serde_json::{json, Value};

const WINDOW_FORM: &str = include_str!("../../../docs/examples/survey-window-service.json");

struct County {
    root: i64,
    organiser: String,
    departments: Vec<i64>,
    village: i64,
    east: i64,
}

/// A county with three departments, a township with a village, and an organiser.
fn county(app: &TestApp) -> County {
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let departments = ["县市场监督管理局", "县人社局", "县政务服务中心"]
        .iter()
        .map(|name| app.create_unit(&admin, name, "department", Some(county)))
        .collect();
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let village = app.create_unit(&admin, "东山村", "village", Some(east));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    County {
        root: county,
        organiser: app.login("organiser", "organiser-password"),
        departments,
        village,
        east,
    }
}

fn definition() -> Value {
    serde_json::from_str(WINDOW_FORM).unwrap()
}

fn create(app: &TestApp, c: &County) -> Value {
    let (status, body) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&c.organiser),
        Some(&json!({"definition": definition(), "targets": c.departments})),
    );
    assert_eq!(status, 201, "{body}");
    body
}

fn publish(app: &TestApp, c: &County, id: i64) -> Value {
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/publish"),
        Some(&c.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body
}

fn slug(survey: &Value) -> String {
    link_slug(&survey["public_url"])
}

/// A county with an open survey: the county, the survey, its id and its link.
fn open_survey(app: &TestApp) -> (County, Value, i64, String) {
    let c = county(app);
    let survey = create(app, &c);
    let id = survey["id"].as_i64().unwrap();
    publish(app, &c, id);
    let link = slug(&survey);
    (c, survey, id, link)
}

fn submit(app: &TestApp, slug: &str, body: &Value) -> (u16, Value) {
    app.call(
        "POST",
        &format!("/api/v1/public/surveys/{slug}/responses"),
        None,
        Some(body),
    )
}

fn response(version: i64, target: i64, answers: Value) -> Value {
    json!({"version": version, "target_unit_id": target, "answers": answers})
}

fn results(app: &TestApp, token: &str, id: i64) -> Value {
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body
}

#[test]
fn a_survey_goes_from_draft_to_open_to_closed_and_lists_with_its_link() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let c = county(&app);
    let survey = create(&app, &c);
    let id = survey["id"].as_i64().unwrap();
    assert_eq!(survey["status"], "draft");
    assert_eq!(survey["draft_version"], 1);
    assert!(survey["current_version"].is_null());
    let link = slug(&survey);

    let (status, body) = submit(
        &app,
        &link,
        &response(1, c.departments[0], answers("satisfied")),
    );
    assert_eq!(status, 409, "a draft takes no answers: {body}");
    assert_eq!(body["error"]["code"], "survey_not_open");

    let published = publish(&app, &c, id);
    assert_eq!(published["status"], "open");
    assert_eq!(published["current_version"], 1);
    assert!(published["draft_version"].is_null());
    let (status, body) = submit(
        &app,
        &link,
        &response(1, c.departments[0], answers("satisfied")),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body, json!({"accepted": true}), "no receipt, no id");

    let (_, list) = app.call("GET", "/api/v1/surveys", Some(&c.organiser), None);
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["status"], "open");
    assert!(list[0]["public_url"].as_str().unwrap().contains("/s/"));

    let (status, closed) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/close"),
        Some(&c.organiser),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(closed["status"], "closed");
    let (status, body) = submit(
        &app,
        &link,
        &response(1, c.departments[0], answers("satisfied")),
    );
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "survey_closed");
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/open"),
        Some(&c.organiser),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(
        submit(
            &app,
            &link,
            &response(1, c.departments[0], answers("satisfied"))
        )
        .0,
        201
    );
}

#[test]
fn editing_a_published_survey_makes_a_new_version_and_old_answers_keep_theirs() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let c = county(&app);
    let survey = create(&app, &c);
    let id = survey["id"].as_i64().unwrap();
    publish(&app, &c, id);
    let link = slug(&survey);

    let mut changed = definition();
    changed["title"]["zh-CN"] = json!("窗口服务满意度测评(第二版)");
    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/surveys/{id}"),
        Some(&c.organiser),
        Some(&json!({"definition": changed})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["current_version"], 1);
    assert_eq!(body["draft_version"], 2);
    let (_, v1) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/versions/1"),
        Some(&c.organiser),
        None,
    );
    assert_eq!(
        v1["definition"]["title"]["zh-CN"],
        definition()["title"]["zh-CN"],
        "a published version never changes"
    );

    let (status, body) = submit(
        &app,
        &link,
        &response(2, c.departments[0], answers("satisfied")),
    );
    assert_eq!(status, 422, "the draft version takes no answers: {body}");
    assert_eq!(body["error"]["code"], "version_not_published");
    assert_eq!(body["error"]["field"], "version");

    publish(&app, &c, id);
    assert_eq!(
        submit(
            &app,
            &link,
            &response(2, c.departments[0], answers("satisfied"))
        )
        .0,
        201
    );
    assert_eq!(
        submit(
            &app,
            &link,
            &response(1, c.departments[0], answers("satisfied"))
        )
        .0,
        201,
        "answers on the older published version still count"
    );
    let r = results(&app, &c.organiser, id);
    assert_eq!(r["total_responses"]["value"], 2.0);

    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/surveys/{id}"),
        Some(&c.organiser),
        Some(&json!({"min_group_size": 8})),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "already_published");
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/publish"),
        Some(&c.organiser),
        None,
    );
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "nothing_to_publish");
}

#[test]
fn bad_answers_each_get_a_code_and_field_and_nothing_is_stored() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let (c, _, id, link) = open_survey(&app);
    let target = c.departments[0];
    let with = |key: &str, value: Value| {
        let mut a = answers("satisfied");
        a[key] = value;
        a
    };
    let mut missing = answers("satisfied");
    missing.as_object_mut().unwrap().remove("overall");
    let cases = [
        (
            response(1, target, with("no_such_question", json!("x"))),
            "unknown_question",
            "answers.no_such_question",
        ),
        (
            response(1, target, with("visit_purpose", json!("holiday"))),
            "invalid_option",
            "answers.visit_purpose",
        ),
        (
            response(1, target, with("overall", json!("delighted"))),
            "invalid_option",
            "answers.overall",
        ),
        (
            response(1, target, with("score", json!(11))),
            "out_of_range",
            "answers.score",
        ),
        (
            response(1, target, with("comment", json!("长".repeat(2001)))),
            "text_too_long",
            "answers.comment",
        ),
        (
            response(1, target, missing),
            "required_answer_missing",
            "answers.overall",
        ),
        (
            response(
                1,
                target,
                with("dissatisfied_reasons", json!(["long_wait"])),
            ),
            "hidden_question_answered",
            "answers.dissatisfied_reasons",
        ),
        (
            response(1, c.village, answers("satisfied")),
            "wrong_target",
            "target_unit_id",
        ),
        (
            response(7, target, answers("satisfied")),
            "version_not_published",
            "version",
        ),
        (
            json!({"version": 1, "target_unit_id": target, "respondent_unit_id": c.east, "answers": answers("satisfied")}),
            "invalid_value",
            "respondent_unit_id",
        ),
    ];
    for (body, code, field) in cases {
        let (status, answer) = submit(&app, &link, &body);
        assert!((400..500).contains(&status), "{code}: {status} {answer}");
        assert_eq!(answer["error"]["code"], code, "{answer}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
    }
    // several problems at once are all listed
    let mut several = with("score", json!(-1));
    several["visit_purpose"] = json!("holiday");
    let (status, answer) = submit(&app, &link, &response(1, target, several));
    assert_eq!(status, 422);
    assert_eq!(answer["errors"].as_array().unwrap().len(), 2, "{answer}");
    // exactly 2,000 characters is fine
    assert_eq!(
        submit(
            &app,
            &link,
            &response(1, target, with("comment", json!("长".repeat(2000))))
        )
        .0,
        201
    );

    let r = results(&app, &c.organiser, id);
    assert_eq!(
        r["total_responses"]["value"], 1.0,
        "only the one valid answer set was stored"
    );
    let stored = inspect::strings(
        app.db.url(),
        "SELECT CAST(COUNT(*) AS TEXT) AS v FROM survey_responses",
    );
    assert_eq!(stored, vec![Some("1".to_string())]);
    let tallied = inspect::strings(
        app.db.url(),
        "SELECT CAST(SUM(count) AS TEXT) AS v FROM survey_counts",
    );
    assert_eq!(tallied, vec![Some("1".to_string())]);
}

#[test]
fn an_answer_given_twice_in_one_body_is_refused_at_its_field_and_nothing_is_stored() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let (c, _, _, link) = open_survey(&app);
    let target = c.departments[0];
    // JSON with a repeated key cannot be built as a Value, so the body is written out
    let body = format!(
        r#"{{"version": 1, "target_unit_id": {target}, "answers": {{"visit_purpose": "enquiry",
            "overall": "satisfied", "attitude": "satisfied", "efficiency": "basically_satisfied",
            "score": 8, "overall": "dissatisfied"}}}}"#
    );
    let (status, _, answer) = app.send(
        "POST",
        &format!("/api/v1/public/surveys/{link}/responses"),
        None,
        &[],
        Some(body.into_bytes()),
    );
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "duplicate_key", "{answer}");
    assert_eq!(answer["error"]["field"], "answers.overall", "{answer}");
    let stored = inspect::strings(
        app.db.url(),
        "SELECT CAST(COUNT(*) AS TEXT) AS v FROM survey_responses",
    );
    assert_eq!(stored, vec![Some("0".to_string())]);
}

#[test]
fn an_invalid_definition_is_refused_with_every_problem_and_nothing_stored() {
    let app = TestApp::spawn();
    let c = county(&app);
    let mut bad = definition();
    bad["questions"][1]["id"] = json!("visit_purpose");
    bad["questions"][5]["show_if"]["question"] = json!("nowhere");
    let (status, body) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&c.organiser),
        Some(&json!({"definition": bad, "targets": c.departments})),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"].as_array().unwrap().len() >= 2, "{body}");
    assert!(
        body["error"]["field"]
            .as_str()
            .unwrap()
            .starts_with("definition.questions["),
        "{body}"
    );
    let (status, body) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&c.organiser),
        Some(&json!({"definition": definition(), "targets": []})),
    );
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "targets");
    let (status, body) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&c.organiser),
        Some(&json!({"definition": definition(), "targets": c.departments, "min_group_size": 2})),
    );
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "min_group_size");
    let (_, list) = app.call("GET", "/api/v1/surveys", Some(&c.organiser), None);
    assert_eq!(list, json!([]));
}

#[test]
fn results_hide_small_groups_with_a_complement_and_rank_the_rest_with_ties() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let c = county(&app);
    let admin = app.admin_token();
    let fourth = app.create_unit(&admin, "县不动产登记中心", "department", Some(c.root));
    let mut targets = c.departments.clone();
    targets.push(fourth);
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&c.organiser),
        Some(&json!({"definition": definition(), "targets": targets})),
    );
    assert_eq!(status, 201, "{survey}");
    let id = survey["id"].as_i64().unwrap();
    publish(&app, &c, id);
    let link = slug(&survey);
    // A and B: 6 "satisfied" each (tied); C: 3 answers (hidden); D: 5, all dissatisfied (the
    // smallest shown group, so the complement)
    let plan = [
        (targets[0], 6, "satisfied"),
        (targets[1], 6, "satisfied"),
        (targets[2], 3, "satisfied"),
        (targets[3], 5, "dissatisfied"),
    ];
    for (target, n, overall) in plan {
        for _ in 0..n {
            let (status, body) = submit(
                &app,
                &link,
                &json!({"version": 1, "target_unit_id": target, "respondent_unit_id": c.village, "answers": answers(overall)}),
            );
            assert_eq!(status, 201, "{body}");
        }
    }
    app.create_account(&admin, "leader", "leader-password", "leader", c.root);
    let leader = app.login("leader", "leader-password");
    let seen = results(&app, &leader, id);
    assert!(!seen["exact"].as_bool().unwrap());
    let target = |r: &Value, unit: i64| {
        r["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["unit_id"] == unit)
            .unwrap()
            .clone()
    };
    let small = target(&seen, targets[2]);
    assert_eq!(
        small["responses"]["hidden"],
        json!({"kind": "withheld"}),
        "a leader is not told how small, nor which hidden cell is the small one"
    );
    assert!(
        small["responses"].get("value").is_none()
            && small["composite_score"].get("value").is_none()
    );
    assert!(
        small.to_string().find("\"value\"").is_none(),
        "no figure of the small group leaks: {small}"
    );
    // its count would follow from the total minus the others: one more target is hidden
    let complementary: Vec<Value> = seen["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["responses"]["hidden"]["kind"] == "withheld" && t["unit_id"] != targets[2])
        .cloned()
        .collect();
    assert_eq!(complementary.len(), 1, "{seen}");
    assert_eq!(complementary[0]["unit_id"], targets[3]);
    assert_eq!(
        complementary[0]["responses"]["hidden"], small["responses"]["hidden"],
        "the complement reads exactly like the small cell"
    );
    assert!(
        complementary[0].to_string().find("\"value\"").is_none(),
        "{}",
        complementary[0]
    );
    let shown: Vec<i64> = seen["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["responses"]["hidden"].is_null())
        .map(|t| t["unit_id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown.len(), 2);
    // every figure says what it rests on
    let a = target(&seen, shown[0]);
    assert!(a["composite_score"]["n"].as_u64().unwrap() > 0);
    assert!(a["questions"][1]["options"][0]["count"]["n"]
        .as_u64()
        .is_some());

    // the organiser's exact figures include the hidden ones, marked
    let exact = results(&app, &c.organiser, id);
    assert!(exact["exact"].as_bool().unwrap());
    let small = target(&exact, targets[2]);
    assert_eq!(small["responses"]["value"], 3.0);
    assert_eq!(small["responses"]["hidden"]["kind"], "below_threshold");
    let a = target(&exact, targets[0]);
    let b = target(&exact, targets[1]);
    let d = target(&exact, targets[3]);
    // overall satisfied (100), attitude satisfied (100), efficiency basically (60): 260/3
    assert!((a["composite_score"]["value"].as_f64().unwrap() - 260.0 / 3.0).abs() < 1e-9);
    assert_eq!(a["satisfaction_rate"]["value"], 1.0);
    assert!((d["composite_score"]["value"].as_f64().unwrap() - 160.0 / 3.0).abs() < 1e-9);
    assert!((d["satisfaction_rate"]["value"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    // ranking over shown targets only, ties sharing a rank
    let ranking = exact["ranking"].as_array().unwrap();
    for entry in ranking {
        assert_ne!(
            entry["unit_id"], targets[2],
            "hidden targets are not ranked"
        );
    }
    assert_eq!(ranking.len(), 2, "{ranking:?}");
    assert_eq!(
        (ranking[0]["rank"].as_u64(), ranking[1]["rank"].as_u64()),
        (Some(1), Some(1)),
        "A and B tie"
    );
    assert_eq!(b["rank"], 1);
    assert!(d["rank"].is_null(), "a hidden target has no rank");
    assert_eq!(exact["top"].as_array().unwrap().len(), 2);
    assert_eq!(exact["villages"][0]["responses"]["value"], 20.0);
    assert_eq!(exact["villages"][0]["name"], "东山村");
}

#[test]
fn comments_appear_only_for_groups_of_ten_or_more() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let c = county(&app);
    let survey = create(&app, &c);
    let id = survey["id"].as_i64().unwrap();
    publish(&app, &c, id);
    let link = slug(&survey);
    for i in 0..10 {
        let mut a = answers("satisfied");
        a["comment"] = json!(format!("意见{i}"));
        let target = if i < 9 {
            c.departments[0]
        } else {
            c.departments[1]
        };
        assert_eq!(submit(&app, &link, &response(1, target, a)).0, 201);
    }
    for i in 0..6 {
        let mut a = answers("satisfied");
        a["comment"] = json!(format!("再来{i}"));
        assert_eq!(
            submit(&app, &link, &response(1, c.departments[2], a)).0,
            201
        );
    }
    let admin = app.admin_token();
    app.create_account(&admin, "leader", "leader-password", "leader", c.root);
    let leader = app.login("leader", "leader-password");
    let seen = results(&app, &leader, id);
    for t in seen["targets"].as_array().unwrap() {
        assert!(
            t["comments"]["items"].as_array().unwrap().is_empty(),
            "fewer than ten: no comments {t}"
        );
        if !t["responses"]["hidden"].is_null() {
            continue;
        }
        assert_eq!(t["comments"]["hidden"]["threshold"], 10, "{t}");
    }
    for _ in 0..4 {
        let mut a = answers("satisfied");
        a["comment"] = json!("加开窗口");
        assert_eq!(
            submit(&app, &link, &response(1, c.departments[2], a)).0,
            201
        );
    }
    let seen = results(&app, &leader, id);
    let t = seen["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["unit_id"] == c.departments[2])
        .unwrap();
    assert_eq!(t["comments"]["items"].as_array().unwrap().len(), 10, "{t}");
}

#[test]
fn results_are_out_of_reach_outside_the_scope_and_for_officers() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let c = county(&app);
    let survey = create(&app, &c);
    let id = survey["id"].as_i64().unwrap();
    let admin = app.admin_token();
    app.create_account(&admin, "leader.east", "leader-east-pw", "leader", c.east);
    app.create_account(&admin, "officer", "officer-password", "officer", c.root);
    let leader = app.login("leader.east", "leader-east-pw");
    let officer = app.login("officer", "officer-password");
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&leader),
        None,
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "out_of_scope");
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&officer),
        None,
    );
    assert_eq!(status, 403, "{body}");
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/publish"),
        Some(&leader),
        None,
    );
    assert_eq!(status, 403);
    let (_, list) = app.call("GET", "/api/v1/surveys", Some(&leader), None);
    assert_eq!(list, json!([]));
}

#[test]
fn stored_answers_hold_no_address_agent_account_or_time_finer_than_a_day() {
    let app = TestApp::spawn_with(|s| {
        s.submissions_per_minute = 0;
        s.trust_forwarded_for = true;
    });
    let c = county(&app);
    let survey = create(&app, &c);
    let id = survey["id"].as_i64().unwrap();
    publish(&app, &c, id);
    let link = slug(&survey);
    for _ in 0..3 {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/public/surveys/{link}/responses")))
            .header("User-Agent", "CanvassProbeAgent/9.9")
            .header("X-Forwarded-For", "203.0.113.77")
            .bearer_auth(&c.organiser)
            .json(&json!({"version": 1, "target_unit_id": c.departments[0], "respondent_unit_id": c.village, "answers": answers("satisfied")}))
            .send()
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    let url = app.db.url();
    let mut columns = inspect::columns(url, "survey_responses");
    columns.sort();
    assert_eq!(
        columns,
        [
            "answers",
            "channel",
            "day",
            "id",
            "respondent_unit_id",
            "survey_id",
            "target_unit_id",
            "version"
        ]
    );
    for day in inspect::strings(url, "SELECT day AS v FROM survey_responses")
        .into_iter()
        .flatten()
    {
        assert!(
            day.len() == 10 && day.as_bytes()[4] == b'-' && day.as_bytes()[7] == b'-',
            "{day}"
        );
    }
    let ids: Vec<String> = inspect::strings(url, "SELECT id AS v FROM survey_responses")
        .into_iter()
        .flatten()
        .collect();
    assert!(
        ids.iter()
            .all(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit())),
        "{ids:?}"
    );
    // nothing anywhere in the database remembers the address or the agent
    for (table, column, value) in inspect::every_value(url) {
        assert!(
            !value.contains("203.0.113.77"),
            "{table}.{column} holds the address"
        );
        assert!(
            !value.contains("CanvassProbeAgent"),
            "{table}.{column} holds the user agent"
        );
    }
    if url.starts_with("sqlite://") {
        let rowid = inspect::strings(
            url,
            "SELECT sql AS v FROM sqlite_master WHERE name = 'survey_responses'",
        );
        assert!(
            rowid[0].as_deref().unwrap().contains("WITHOUT ROWID"),
            "no hidden sequential rowid"
        );
    }
}

#[test]
fn public_submissions_are_rate_limited_per_address() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 3);
    let c = county(&app);
    let survey = create(&app, &c);
    publish(&app, &c, survey["id"].as_i64().unwrap());
    let link = slug(&survey);
    for _ in 0..3 {
        assert_eq!(
            submit(
                &app,
                &link,
                &response(1, c.departments[0], answers("satisfied"))
            )
            .0,
            201
        );
    }
    let (status, body) = submit(
        &app,
        &link,
        &response(1, c.departments[0], answers("satisfied")),
    );
    assert_eq!(status, 429);
    assert_eq!(body["error"]["code"], "rate_limited");
}

#[test]
fn results_carry_a_hundred_comments_at_most_and_say_there_are_more() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let c = county(&app);
    let survey = create(&app, &c);
    let id = survey["id"].as_i64().unwrap();
    publish(&app, &c, id);
    for i in 0..105 {
        let mut a = answers("satisfied");
        a["comment"] = json!(format!("第{i}条意见"));
        let (status, body) = submit(&app, &slug(&survey), &response(1, c.departments[0], a));
        assert_eq!(status, 201, "{body}");
    }
    let r = results(&app, &c.organiser, id);
    let target = r["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["unit_id"] == c.departments[0])
        .unwrap()
        .clone();
    assert_eq!(target["comments"]["items"].as_array().unwrap().len(), 100);
    assert_eq!(target["comments"]["more"], true);
    assert_eq!(
        target["responses"]["value"], 105.0,
        "every answer still counts"
    );
}

#[test]
fn answers_stored_together_keep_no_order_of_arrival_in_their_place_or_transaction() {
    use canvass_server::db::surveys::{insert_response_row, NewResponse, TallyDelta};
    let app = TestApp::spawn();
    let c = county(&app);
    let survey = create(&app, &c);
    let id = survey["id"].as_i64().unwrap();
    publish(&app, &c, id);
    // 40 answer sets stored in one transaction, as a group commit or a field batch stores
    // them, each numbered in the order it came
    let answers: Vec<String> = (0..40).map(|i| json!({ "n": i }).to_string()).collect();
    let (pool, _) = canvass_server::db::open(app.db.url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    canvass_server::db::write_transaction(&mut conn, |conn| {
        let mut delta = TallyDelta::default();
        for a in &answers {
            let row = NewResponse {
                survey_id: id,
                version: 1,
                target_unit_id: c.departments[0],
                respondent_unit_id: None,
                channel: "web",
                day: "2026-12-01",
                answers: a,
                tallies: Vec::new(),
                sums: Vec::new(),
                comments: Vec::new(),
            };
            insert_response_row(conn, &row, &mut delta)?;
        }
        delta.write(conn)
    })
    .unwrap();
    // the rows in the order they lie in the table: PostgreSQL's physical position (ctid),
    // SQLite's key order (the table is WITHOUT ROWID)
    let order = if app.db.is_postgres() {
        "ctid"
    } else {
        "survey_id, id"
    };
    let stored: Vec<String> = inspect::strings(
        app.db.url(),
        &format!(
            "SELECT answers AS v FROM survey_responses WHERE survey_id = {id} ORDER BY {order}"
        ),
    )
    .into_iter()
    .map(Option::unwrap)
    .collect();
    assert_eq!(stored.len(), 40);
    assert_ne!(
        stored, answers,
        "the rows lie in the order they came (1 in 40! by chance)"
    );
    if app.db.is_postgres() {
        let transactions = inspect::strings(
            app.db.url(),
            &format!(
                "SELECT CAST(COUNT(DISTINCT xmin::text) AS TEXT) AS v FROM survey_responses \
                 WHERE survey_id = {id}"
            ),
        );
        assert_eq!(transactions, [Some("1".to_string())]);
    }
}

/// Once the server knows a survey's form, a request's worker checks the answers before the
/// group-commit writer sees them; the writer checks them itself the first time. Either way a
/// submission gets the same answer, and the checks come in the same order: open, version,
/// target, village, answers.
#[test]
fn answers_checked_before_the_writer_get_the_same_outcome_as_the_first_ones() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let (c, survey, id, link) = open_survey(&app);
    let target = c.departments[0];
    let mut wrong = answers("satisfied");
    wrong["score"] = json!(11);
    wrong["visit_purpose"] = json!("holiday");

    // the first submission to the link: the writer loads the form and checks the answers
    let first = submit(&app, &link, &response(1, target, wrong.clone()));
    assert_eq!(first.0, 422, "{}", first.1);
    assert_eq!(
        first.1["errors"].as_array().unwrap().len(),
        2,
        "{}",
        first.1
    );
    assert_eq!(
        submit(&app, &link, &response(1, target, answers("satisfied"))).0,
        201
    );
    // now known: checked on the worker, with the same errors
    assert_eq!(
        submit(&app, &link, &response(1, target, wrong.clone())),
        first
    );
    assert_eq!(
        submit(&app, &link, &response(1, target, answers("dissatisfied"))).0,
        201
    );
    // the writer's checks still come first
    let cases = [
        (response(1, c.village, wrong.clone()), "wrong_target"),
        (response(2, target, wrong.clone()), "version_not_published"),
        (
            json!({"version": 1, "target_unit_id": target, "respondent_unit_id": c.east, "answers": wrong}),
            "invalid_value",
        ),
    ];
    for (body, code) in &cases {
        let (status, answer) = submit(&app, &link, body);
        assert_eq!(status, 422, "{code}: {answer}");
        assert_eq!(answer["error"]["code"], *code, "{answer}");
    }
    // a target's own link names the same survey: answers for another target are refused
    let targets = survey["targets"].as_array().unwrap();
    let own = link_slug(&targets.iter().find(|t| t["unit_id"] == target).unwrap()["public_url"]);
    for _ in 0..2 {
        let (status, answer) = submit(
            &app,
            &own,
            &response(1, c.departments[1], answers("satisfied")),
        );
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["error"]["code"], "wrong_target");
        assert_eq!(
            submit(&app, &own, &response(1, target, answers("satisfied"))).0,
            201
        );
    }
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/close"),
        Some(&c.organiser),
        None,
    );
    assert_eq!(status, 200);
    let (status, answer) = submit(&app, &link, &response(1, target, answers("oops")));
    assert_eq!(status, 409, "closed comes before the answers: {answer}");
    assert_eq!(answer["error"]["code"], "survey_closed");

    let r = results(&app, &c.organiser, id);
    assert_eq!(
        r["total_responses"]["value"], 4.0,
        "the four valid answer sets, each once"
    );
}

/// An answer sent again with its `submission_key` (a retry after a lost reply, a double tap) is
/// answered as the first time and stored once; a refused answer gives its key up, so the
/// corrected one sent with it is stored; the same key at another survey is another key; a
/// malformed key is refused at its field. Only the key's hash is kept, with its expiry to the
/// hour.
#[test]
fn an_answer_sent_again_with_its_submission_key_is_stored_once() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let (c, _, id, link) = open_survey(&app);
    let key = "k3y-of-one-showing_0123456789";
    let mut body = response(1, c.departments[0], answers("satisfied"));
    body["submission_key"] = json!(key);

    let mut refused = body.clone();
    refused["answers"]["overall"] = json!("splendid");
    let (status, reply) = submit(&app, &link, &refused);
    assert_eq!(status, 422, "{reply}");
    for _ in 0..3 {
        let (status, reply) = submit(&app, &link, &body);
        assert_eq!(status, 201, "{reply}");
        assert_eq!(
            reply,
            json!({"accepted": true}),
            "answered as the first time"
        );
    }
    let r = results(&app, &c.organiser, id);
    assert_eq!(r["total_responses"]["value"], 1.0, "stored once");

    // without a key every answer counts, as before
    let (status, _) = submit(
        &app,
        &link,
        &response(1, c.departments[0], answers("satisfied")),
    );
    assert_eq!(status, 201);
    assert_eq!(
        results(&app, &c.organiser, id)["total_responses"]["value"],
        2.0
    );

    // the same key at another survey is another key
    let other = create(&app, &c);
    let other_id = other["id"].as_i64().unwrap();
    publish(&app, &c, other_id);
    let (status, _) = submit(&app, &slug(&other), &body);
    assert_eq!(status, 201);
    assert_eq!(
        results(&app, &c.organiser, other_id)["total_responses"]["value"],
        1.0
    );

    for bad in ["short", "has spaces in it, not allowed", &"x".repeat(65)] {
        let mut malformed = body.clone();
        malformed["submission_key"] = json!(bad);
        let (status, reply) = submit(&app, &link, &malformed);
        assert_eq!(status, 422, "{reply}");
        assert_eq!(reply["error"]["field"], "submission_key", "{reply}");
    }

    let url = app.db.url();
    let kept: Vec<String> = inspect::strings(url, "SELECT key_hash AS v FROM submission_keys")
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(kept.len(), 2, "one per survey: {kept:?}");
    assert!(
        kept.iter().all(|h| h.len() == 64 && !h.contains(key)),
        "{kept:?}"
    );
    let mut columns = inspect::columns(url, "submission_keys");
    columns.sort();
    assert_eq!(columns, ["expires_at", "key_hash"], "nothing else is kept");
    for expiry in inspect::strings(
        url,
        "SELECT CAST(expires_at AS TEXT) AS v FROM submission_keys",
    ) {
        let expiry: i64 = expiry.unwrap().parse().unwrap();
        assert_eq!(expiry % 3600, 0, "kept to the hour, not the second");
    }
}
