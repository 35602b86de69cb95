use canvass_tests::TestApp;
use serde_json::{json, Value};

const WINDOW_FORM: &str = include_str!("../../../docs/examples/survey-window-service.json");

/// A published survey of one department; returns the app, the organiser's token, the survey id
/// and its public path.
fn published() -> (TestApp, String, i64, String) {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let department = app.create_unit(&admin, "县市场监督管理局", "department", Some(county));
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    app.create_unit(&admin, "东山村", "village", Some(east));
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&admin),
        Some(&json!({"definition": definition, "targets": [department], "unit_id": county})),
    );
    assert_eq!(status, 201, "{survey}");
    let id = survey["id"].as_i64().unwrap();
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/publish"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200);
    let path = format!(
        "/s/{}",
        survey["public_url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
    );
    (app, admin, id, path)
}

fn no_redirects() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[test]
fn the_form_is_small_chinese_by_default_and_english_on_request() {
    let (app, _, _, path) = published();
    let page = app.client.get(app.url(&path)).send().unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().unwrap();
    assert!(html.len() < 50 * 1024, "page weight {} bytes", html.len());
    assert!(html.contains("lang=\"zh-CN\""));
    assert!(html.contains("您这次到窗口办理的是什么事项"));
    assert!(html.contains("name=\"viewport\""));
    assert!(!html.contains("<script"), "works without JavaScript");
    assert!(html.contains("匿名"), "the anonymity promise is shown");

    let english = app
        .client
        .get(app.url(&format!("{path}?lang=en")))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(english.contains("lang=\"en\""));
    assert!(english.contains("What did you come to the window for?"));
    let negotiated = app
        .client
        .get(app.url(&path))
        .header("Accept-Language", "en-GB,en;q=0.9,zh;q=0.5")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(negotiated.contains("lang=\"en\""));
}

#[test]
fn a_wrong_answer_is_shown_beside_its_question_and_everything_typed_is_kept() {
    let (app, admin, id, path) = published();
    let client = no_redirects();
    let form = [
        ("_version", "1"),
        ("visit_purpose", "licence"),
        ("overall", "satisfied"),
        ("attitude", "satisfied"),
        ("trips", "99"),
        ("comment", "窗口<b>很好</b>"),
    ];
    let response = client.post(app.url(&path)).form(&form).send().unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().unwrap();
    assert!(
        html.contains("id=\"e-trips\""),
        "the error stands beside the question"
    );
    assert!(
        html.contains("id=\"e-efficiency\""),
        "the missing required answer is marked too"
    );
    assert!(html.contains("value=\"99\""), "what was typed is kept");
    assert!(
        html.contains("窗口&#60;b&#62;很好&#60;/b&#62;"),
        "kept and escaped"
    );
    assert!(html.contains("有2处需要修改"), "every problem at once");
    assert!(html.contains("value=\"licence\" checked"));
    let (_, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&admin),
        None,
    );
    assert_eq!(results["total_responses"]["value"], 0.0, "nothing stored");

    let mut fixed = form.to_vec();
    fixed.retain(|(k, _)| *k != "trips");
    fixed.push(("trips", "2"));
    fixed.push(("efficiency", "basically_satisfied"));
    let response = client.post(app.url(&path)).form(&fixed).send().unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("/thanks?lang=zh-CN"), "{location}");
    let thanks = app
        .client
        .get(app.url(&location))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(thanks.contains("谢谢"));
    let (_, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&admin),
        None,
    );
    assert_eq!(results["total_responses"]["value"], 1.0);
}

#[test]
fn answers_to_questions_that_do_not_apply_are_dropped_on_the_web_form() {
    let (app, admin, id, path) = published();
    let client = no_redirects();
    // "dissatisfied_reasons" applies only when overall is dissatisfied; without JavaScript the
    // respondent sees it anyway and may tick something
    let form = [
        ("_version", "1"),
        ("visit_purpose", "enquiry"),
        ("overall", "satisfied"),
        ("attitude", "satisfied"),
        ("efficiency", "satisfied"),
        ("dissatisfied_reasons", "long_wait"),
    ];
    let response = client.post(app.url(&path)).form(&form).send().unwrap();
    assert_eq!(response.status(), 303);
    let (_, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&admin),
        None,
    );
    let reasons = results["targets"][0]["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "dissatisfied_reasons")
        .unwrap()
        .clone();
    assert_eq!(reasons["answered"]["value"], 0.0, "{reasons}");
}

#[test]
fn unknown_and_closed_surveys_get_plain_pages() {
    let (app, admin, id, path) = published();
    let response = app.client.get(app.url("/s/nosuchsv")).send().unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().unwrap().contains("找不到问卷"));
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/close"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200);
    let response = app.client.get(app.url(&path)).send().unwrap();
    assert_eq!(response.status(), 409);
    let html = response.text().unwrap();
    assert!(
        html.contains("问卷已结束") && html.contains("survey_closed"),
        "{html}"
    );
    let response = no_redirects()
        .post(app.url(&format!("{path}?lang=en")))
        .form(&[("_version", "1")])
        .send()
        .unwrap();
    assert_eq!(response.status(), 409);
    assert!(response.text().unwrap().contains("This survey has closed"));
}

/// A draft's link is right but early: it says so (409 `survey_not_open`), in either language,
/// rather than "survey not found", and a submission sent to it is refused the same way.
#[test]
fn a_drafts_link_says_the_survey_is_not_open_yet() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let department = app.create_unit(&admin, "县市场监督管理局", "department", Some(county));
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&admin),
        Some(&json!({"definition": definition, "targets": [department], "unit_id": county})),
    );
    assert_eq!(status, 201, "{survey}");
    let path = format!(
        "/s/{}",
        survey["public_url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
    );
    let response = app.client.get(app.url(&path)).send().unwrap();
    assert_eq!(response.status(), 409);
    let html = response.text().unwrap();
    assert!(html.contains("问卷尚未开放"), "{html}");
    assert!(html.contains("survey_not_open"), "{html}");
    assert!(!html.contains("找不到"), "{html}");
    let english = app
        .client
        .get(app.url(&format!("{path}?lang=en")))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(english.contains("This survey is not open yet"), "{english}");
    let response = no_redirects()
        .post(app.url(&path))
        .form(&[("_version", "1"), ("overall", "satisfied")])
        .send()
        .unwrap();
    assert_eq!(response.status(), 409);
    assert!(response.text().unwrap().contains("问卷尚未开放"));
}

/// The page's answers go through the same group-commit writer as the JSON API's: a village
/// that is not one of the county's is marked beside its list, and nothing is stored, the first
/// time (checked by the writer) as the second (the form known to the request's worker).
#[test]
fn a_village_outside_the_county_is_marked_and_the_page_stores_through_the_writer() {
    let (app, admin, id, path) = published();
    let client = no_redirects();
    let mut form = vec![
        ("_version", "1"),
        ("visit_purpose", "licence"),
        ("overall", "satisfied"),
        ("attitude", "satisfied"),
        ("efficiency", "satisfied"),
        ("_village", "999999"),
    ];
    for _ in 0..2 {
        let response = client.post(app.url(&path)).form(&form).send().unwrap();
        assert_eq!(response.status(), 422);
        let html = response.text().unwrap();
        assert!(html.contains("id=\"e-_village\""), "marked beside the list");
        assert!(
            html.contains("value=\"licence\" checked"),
            "the answers are kept"
        );
    }
    let total = || {
        let (_, results) = app.call(
            "GET",
            &format!("/api/v1/surveys/{id}/results"),
            Some(&admin),
            None,
        );
        results["total_responses"]["value"].clone()
    };
    assert_eq!(total(), 0.0, "nothing stored");
    // a wrong village and a wrong answer are both marked at once
    let mut both = form.clone();
    both.push(("trips", "99"));
    let response = client.post(app.url(&path)).form(&both).send().unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().unwrap();
    assert!(
        html.contains("id=\"e-_village\"") && html.contains("id=\"e-trips\""),
        "{html}"
    );
    form.retain(|(k, _)| *k != "_village");
    for _ in 0..2 {
        let response = client.post(app.url(&path)).form(&form).send().unwrap();
        assert_eq!(response.status(), 303);
    }
    assert_eq!(total(), 2.0, "each answer set once");
}

/// The form carries a random submission key, new at each showing; the same form sent twice (a
/// double tap, a retry after a lost reply) stores one answer and both end on the thank-you
/// page. A refused form shows the same key again, so its corrected answer is stored once too.
#[test]
fn the_same_form_sent_twice_stores_one_answer() {
    let (app, admin, id, path) = published();
    let client = no_redirects();
    let key_of = |html: &str| {
        html.split("name=\"_key\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the form carries a submission key")
            .to_string()
    };
    let first = app
        .client
        .get(app.url(&path))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let second = app
        .client
        .get(app.url(&path))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let key = key_of(&first);
    assert!(key.len() >= 16, "{key}");
    assert_ne!(key, key_of(&second), "a new key at each showing");

    let mut form = vec![
        ("_version", "1"),
        ("_key", key.as_str()),
        ("visit_purpose", "licence"),
        ("overall", "satisfied"),
        ("attitude", "satisfied"),
        ("trips", "99"),
    ];
    let response = client.post(app.url(&path)).form(&form).send().unwrap();
    assert_eq!(response.status(), 422);
    assert_eq!(key_of(&response.text().unwrap()), key, "the same key again");
    form.retain(|(k, _)| *k != "trips");
    form.push(("efficiency", "satisfied"));
    for _ in 0..2 {
        let response = client.post(app.url(&path)).form(&form).send().unwrap();
        assert_eq!(response.status(), 303);
        assert!(response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("/thanks"));
    }
    let (_, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&admin),
        None,
    );
    assert_eq!(results["total_responses"]["value"], 1.0, "stored once");
}
