//! Survey codes over HTTP: one answer per household when the organiser wants it. Codes are
//! generated per target unit (and village) by those who manage the survey, shown once, spent by
//! exactly one answer, refused when wrong or spent (nothing stored, the code unspent when the
//! answer itself is refused), and nothing stored links an answer to its code.

use canvass_tests::fixtures::{
    county, link_slug, window_answers, County, ORGANISER_PASSWORD, WINDOW_FORM,
};
use canvass_tests::{inspect, TestApp};
use serde_json::{json, Value};

use crate::dashboard::Web;

/// The county with a published window-service survey that requires codes.
struct Doors {
    app: TestApp,
    county: County,
    survey: i64,
    /// The survey's own link's slug (the respondent picks the target).
    slug: String,
}

fn create_survey(app: &TestApp, county: &County, requires_codes: bool) -> i64 {
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&county.organiser),
        Some(&json!({"definition": definition, "targets": county.departments, "unit_id": county.root, "requires_codes": requires_codes})),
    );
    assert_eq!(status, 201, "{survey}");
    assert_eq!(survey["requires_codes"], requires_codes);
    survey["id"].as_i64().unwrap()
}

fn publish(app: &TestApp, county: &County, id: i64) -> String {
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/publish"),
        Some(&county.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    link_slug(&body["public_url"])
}

fn doors() -> Doors {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = county(&app, &admin);
    let survey = create_survey(&app, &county, true);
    let slug = publish(&app, &county, survey);
    Doors {
        app,
        county,
        survey,
        slug,
    }
}

impl Doors {
    /// Generates `count` codes for a target (and village); the codes.
    fn codes(&self, target: i64, village: Option<i64>, count: u32) -> Vec<String> {
        let (status, body) = self.app.call(
            "POST",
            &format!("/api/v1/surveys/{}/codes", self.survey),
            Some(&self.county.organiser),
            Some(&json!({"target_unit_id": target, "village_id": village, "count": count})),
        );
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["target_unit_id"], target);
        assert!(body["public_url"].as_str().unwrap().contains("/s/"));
        body["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect()
    }

    fn answer(&self, target: i64, code: Option<&str>, answers: &Value) -> (u16, Value) {
        let mut body = json!({"version": 1, "target_unit_id": target, "answers": answers});
        if let Some(code) = code {
            body["code"] = json!(code);
        }
        self.app.call(
            "POST",
            &format!("/api/v1/public/surveys/{}/responses", self.slug),
            None,
            Some(&body),
        )
    }

    fn stored(&self) -> usize {
        inspect::strings(
            self.app.db.url(),
            &format!(
                "SELECT id AS v FROM survey_responses WHERE survey_id = {}",
                self.survey
            ),
        )
        .len()
    }

    fn counts(&self) -> Value {
        let (status, body) = self.app.call(
            "GET",
            &format!("/api/v1/surveys/{}/codes", self.survey),
            Some(&self.county.organiser),
            None,
        );
        assert_eq!(status, 200, "{body}");
        body
    }
}

fn code_of(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[test]
fn a_code_answers_once_and_is_refused_the_second_time() {
    let d = doors();
    let target = d.county.departments[0];
    let (status, form) = d.app.call(
        "GET",
        &format!("/api/v1/public/surveys/{}", d.slug),
        None,
        None,
    );
    assert_eq!(status, 200, "{form}");
    assert_eq!(form["requires_code"], true);
    let codes = d.codes(target, None, 3);
    assert_eq!(codes.len(), 3);
    let (status, body) = d.answer(target, Some(&codes[0]), &window_answers("satisfied"));
    assert_eq!(status, 201, "{body}");
    // typed as people type it: lower case, spaces for dashes
    let sloppy = codes[1].to_lowercase().replace('-', " ");
    let (status, body) = d.answer(target, Some(&sloppy), &window_answers("dissatisfied"));
    assert_eq!(status, 201, "{body}");
    let (status, body) = d.answer(target, Some(&codes[0]), &window_answers("satisfied"));
    assert_eq!(status, 409, "{body}");
    assert_eq!(code_of(&body), "survey_code_used");
    assert_eq!(body["error"]["field"], "code");
    assert_eq!(d.stored(), 2);
    assert_eq!(
        d.counts(),
        json!([{"target_unit_id": target, "issued": 3, "used": 2}])
    );
}

#[test]
fn a_missing_or_wrong_code_is_refused_and_nothing_is_stored() {
    let d = doors();
    let [first, second] = [d.county.departments[0], d.county.departments[1]];
    let codes = d.codes(first, None, 1);
    let answers = window_answers("satisfied");
    let (status, body) = d.answer(first, None, &answers);
    assert_eq!(
        (status, code_of(&body)),
        (422, "survey_code_required"),
        "{body}"
    );
    let (status, body) = d.answer(first, Some("   "), &answers);
    assert_eq!(
        (status, code_of(&body)),
        (422, "survey_code_required"),
        "{body}"
    );
    for wrong in ["not a code", "ABCD-EFGH-JKLM", "\u{0}"] {
        let (status, body) = d.answer(first, Some(wrong), &answers);
        assert!(status == 422 || status == 400, "{wrong:?}: {status} {body}");
        assert!(
            ["survey_code_invalid", "unstorable_text"].contains(&code_of(&body)),
            "{wrong:?}: {body}"
        );
    }
    // the code of another target unit
    let (status, body) = d.answer(second, Some(&codes[0]), &answers);
    assert_eq!(
        (status, code_of(&body)),
        (422, "survey_code_invalid"),
        "{body}"
    );
    // another survey's code, and a ballot code, are no codes of this survey
    let other = create_survey(&d.app, &d.county, true);
    let (status, body) = d.app.call(
        "POST",
        &format!("/api/v1/surveys/{other}/codes"),
        Some(&d.county.organiser),
        Some(&json!({"target_unit_id": first, "count": 1})),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = d.answer(first, body["codes"][0].as_str(), &answers);
    assert_eq!(
        (status, code_of(&body)),
        (422, "survey_code_invalid"),
        "{body}"
    );
    let round = canvass_tests::fixtures::open_round(&d.app, &d.county);
    let ballot = canvass_tests::fixtures::ballot_codes(&d.app, &d.county, round.id, "cadres", 1);
    let (status, body) = d.answer(first, Some(&ballot[0]), &answers);
    assert_eq!(
        (status, code_of(&body)),
        (422, "survey_code_invalid"),
        "{body}"
    );
    assert_eq!(d.stored(), 0, "nothing stored");
    // and the right code still answers
    let (status, body) = d.answer(first, Some(&codes[0]), &answers);
    assert_eq!(status, 201, "{body}");
    assert_eq!(d.stored(), 1);
}

#[test]
fn an_answer_refused_for_its_content_leaves_its_code_unspent() {
    let d = doors();
    let target = d.county.departments[0];
    let codes = d.codes(target, None, 1);
    // dissatisfied without the reason the form then requires
    let mut incomplete = window_answers("dissatisfied");
    incomplete
        .as_object_mut()
        .unwrap()
        .remove("dissatisfied_reasons");
    let (status, body) = d.answer(target, Some(&codes[0]), &incomplete);
    assert_eq!(status, 422, "{body}");
    assert_ne!(code_of(&body), "survey_code_used");
    assert_eq!(d.stored(), 0);
    assert_eq!(d.counts()[0]["used"], 0);
    let (status, body) = d.answer(target, Some(&codes[0]), &window_answers("dissatisfied"));
    assert_eq!(status, 201, "{body}");
    assert_eq!(d.counts()[0]["used"], 1);
}

#[test]
fn a_code_made_for_a_village_counts_the_answer_there_and_nowhere_else() {
    let d = doors();
    let target = d.county.departments[0];
    let admin = d.app.admin_token();
    let other = d
        .app
        .create_unit(&admin, "西坡村", "village", Some(d.county.township));
    let codes = d.codes(target, Some(d.county.village), 2);
    let mut body = json!({"version": 1, "target_unit_id": target, "respondent_unit_id": other, "answers": window_answers("satisfied"), "code": codes[0]});
    let path = format!("/api/v1/public/surveys/{}/responses", d.slug);
    let (status, refused) = d.app.call("POST", &path, None, Some(&body));
    assert_eq!(
        (status, code_of(&refused)),
        (422, "survey_code_invalid"),
        "{refused}"
    );
    body.as_object_mut().unwrap().remove("respondent_unit_id");
    let (status, stored) = d.app.call("POST", &path, None, Some(&body));
    assert_eq!(status, 201, "{stored}");
    let villages = inspect::strings(
        d.app.db.url(),
        "SELECT CAST(respondent_unit_id AS TEXT) AS v FROM survey_responses",
    );
    assert_eq!(villages, [Some(d.county.village.to_string())]);
    assert_eq!(
        d.counts(),
        json!([{"target_unit_id": target, "village_id": d.county.village, "issued": 2, "used": 1}])
    );
    // a village the survey does not ask is refused
    let (status, body) = d.app.call(
        "POST",
        &format!("/api/v1/surveys/{}/codes", d.survey),
        Some(&d.county.organiser),
        Some(&json!({"target_unit_id": target, "village_id": d.county.root, "count": 1})),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "village_id");
}

#[test]
fn nothing_stored_links_an_answer_to_its_code() {
    let d = doors();
    let target = d.county.departments[0];
    let codes = d.codes(target, None, 5);
    for (i, code) in codes.iter().enumerate().take(4) {
        let overall = [
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "dont_know",
        ][i];
        let (status, body) = d.answer(target, Some(code), &window_answers(overall));
        assert_eq!(status, 201, "{body}");
    }
    let url = d.app.db.url();
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
        ],
        "an answer row has no place for a code"
    );
    let mut columns = inspect::columns(url, "ballot_codes");
    columns.sort();
    assert_eq!(
        columns,
        [
            "code_hash",
            "elector_group",
            "instrument",
            "round_id",
            "used"
        ],
        "a code row has no time and names no answer"
    );
    for (table, column, value) in inspect::every_value(url) {
        for code in &codes {
            let bare = code.replace('-', "");
            assert!(
                !value.contains(code.as_str()) && !value.contains(&bare),
                "{table}.{column} holds a code"
            );
        }
    }
    // the audit log says who made how many for which unit, never a code
    let (status, log) = d
        .app
        .call("GET", "/api/v1/audit", Some(&d.county.organiser), None);
    assert_eq!(status, 200, "{log}");
    let generated: Vec<&Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "survey_codes.generate")
        .collect();
    assert_eq!(generated.len(), 1, "{log}");
    assert_eq!(generated[0]["actor"], "organiser");
    let details = generated[0]["details"].as_str().unwrap();
    assert!(
        details.contains("被测评单位 县市场监督管理局") && details.contains("5 个答题码"),
        "{details}"
    );
}

#[test]
fn codes_are_made_only_by_those_who_manage_the_survey_and_only_when_it_requires_them() {
    let d = doors();
    let admin = d.app.admin_token();
    let target = d.county.departments[0];
    let west = d
        .app
        .create_unit(&admin, "西山镇", "township", Some(d.county.root));
    d.app.create_account(
        &admin,
        "west-organiser",
        ORGANISER_PASSWORD,
        "organiser",
        west,
    );
    d.app.create_account(
        &admin,
        "county-leader",
        ORGANISER_PASSWORD,
        "leader",
        d.county.root,
    );
    let path = format!("/api/v1/surveys/{}/codes", d.survey);
    let request = json!({"target_unit_id": target, "count": 2});
    for (user, expected) in [
        ("west-organiser", [403, 404]),
        ("county-leader", [403, 403]),
    ] {
        let token = d.app.login(user, ORGANISER_PASSWORD);
        let (status, body) = d.app.call("POST", &path, Some(&token), Some(&request));
        assert!(expected.contains(&status), "{user}: {status} {body}");
        let (status, body) = d.app.call("GET", &path, Some(&token), None);
        assert!(expected.contains(&status), "{user}: {status} {body}");
    }
    let (status, _) = d.app.call("POST", &path, None, Some(&request));
    assert_eq!(status, 401);
    for (bad, field) in [
        (
            json!({"target_unit_id": d.county.village, "count": 2}),
            "target_unit_id",
        ),
        (json!({"target_unit_id": target, "count": 0}), "count"),
        (json!({"target_unit_id": target, "count": 2001}), "count"),
    ] {
        let (status, body) = d
            .app
            .call("POST", &path, Some(&d.county.organiser), Some(&bad));
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    let (status, body) = d.app.call(
        "POST",
        "/api/v1/surveys/999999/codes",
        Some(&d.county.organiser),
        Some(&request),
    );
    assert_eq!(status, 404, "{body}");
    assert_eq!(d.counts(), json!([]), "nothing issued by a refused request");
    // the setting is fixed once published
    let (status, body) = d.app.call(
        "PATCH",
        &format!("/api/v1/surveys/{}", d.survey),
        Some(&d.county.organiser),
        Some(&json!({"requires_codes": false})),
    );
    assert_eq!(
        (status, code_of(&body)),
        (409, "already_published"),
        "{body}"
    );
    // a survey without codes makes none, and takes answers without one
    let plain = create_survey(&d.app, &d.county, false);
    let (status, body) = d.app.call(
        "POST",
        &format!("/api/v1/surveys/{plain}/codes"),
        Some(&d.county.organiser),
        Some(&request),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["field"], "requires_codes");
    // set on the draft, then off again
    let (status, body) = d.app.call(
        "PATCH",
        &format!("/api/v1/surveys/{plain}"),
        Some(&d.county.organiser),
        Some(&json!({"requires_codes": true})),
    );
    assert_eq!(
        (status, &body["requires_codes"]),
        (200, &json!(true)),
        "{body}"
    );
    let (status, body) = d.app.call(
        "PATCH",
        &format!("/api/v1/surveys/{plain}"),
        Some(&d.county.organiser),
        Some(&json!({"requires_codes": false})),
    );
    assert_eq!(
        (status, &body["requires_codes"]),
        (200, &json!(false)),
        "{body}"
    );
    let slug = publish(&d.app, &d.county, plain);
    let (status, body) = d.app.call(
        "POST",
        &format!("/api/v1/public/surveys/{slug}/responses"),
        None,
        Some(&json!({"version": 1, "target_unit_id": target, "answers": window_answers("satisfied")})),
    );
    assert_eq!(status, 201, "{body}");
    // a closed survey makes no more codes
    let (status, _) = d.app.call(
        "POST",
        &format!("/api/v1/surveys/{}/close", d.survey),
        Some(&d.county.organiser),
        None,
    );
    assert_eq!(status, 200);
    let (status, body) = d
        .app
        .call("POST", &path, Some(&d.county.organiser), Some(&request));
    assert_eq!((status, code_of(&body)), (409, "survey_closed"), "{body}");
}

#[test]
fn printed_slips_carry_each_code_once_and_its_own_qr_code() {
    let d = doors();
    let target = d.county.departments[1];
    let (status, body) = d.app.call(
        "POST",
        &format!("/api/v1/surveys/{}/slips", d.survey),
        Some(&d.county.organiser),
        Some(&json!({"target_unit_id": target, "count": 12})),
    );
    assert_eq!(status, 201);
    let html = body
        .as_str()
        .map_or_else(|| body.to_string(), str::to_string);
    assert_eq!(html.matches("class=\"slip\"").count(), 12, "{html}");
    assert_eq!(html.matches("<svg class=\"qr\"").count(), 12);
    assert!(html.contains("县人社局"));
    assert!(html.contains("每户限答一份"));
    assert!(!html.contains("#code="), "the code is in the QR code only");
    assert_eq!(d.counts()[0]["issued"], 12);
    let (status, log) = d
        .app
        .call("GET", "/api/v1/audit", Some(&d.county.organiser), None);
    assert_eq!(status, 200);
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("survey_codes."))
        .collect();
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert!(actions.contains(&"survey_codes.print_slips"));
}

#[test]
fn the_survey_page_asks_for_the_code_and_shows_what_was_wrong_with_it() {
    let d = doors();
    let target = d.county.departments[0];
    let codes = d.codes(target, None, 1);
    let web = Web::new(&d.app);
    let page = web.get(&format!("/s/{}", d.slug));
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("name=\"_code\""), "{html}");
    assert!(html.contains("答题码"));
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    let key = {
        let start = html.find("name=\"_key\" value=\"").unwrap() + 19;
        html[start..start + 32].to_string()
    };
    let target_s = target.to_string();
    let fields = |code: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("_version", "1".into()),
            ("_key", key.clone()),
            ("_target", target_s.clone()),
            ("_code", code.into()),
            ("visit_purpose", "enquiry".into()),
            ("overall", "satisfied".into()),
            ("attitude", "satisfied".into()),
            ("efficiency", "satisfied".into()),
            ("score", "9".into()),
        ]
    };
    let send = |fields: &[(&'static str, String)]| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        web.post(&format!("/s/{}", d.slug), &fields)
    };
    let missing = send(&fields(""));
    assert_eq!(missing.status, 422);
    assert!(
        missing.text().contains("请输入门牌卡或答题条上的答题码"),
        "{}",
        missing.text()
    );
    let wrong = send(&fields("ABCD-EFGH-JKLM"));
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.text().contains("此答题码不属于本问卷或本单位"),
        "{}",
        wrong.text()
    );
    assert!(
        wrong.text().contains("value=\"ABCD-EFGH-JKLM\""),
        "what was typed is kept"
    );
    assert_eq!(d.stored(), 0);
    let code: &'static str = Box::leak(codes[0].clone().into_boxed_str());
    let right = send(&fields(code));
    assert_eq!(right.status, 303, "{}", right.text());
    assert_eq!(d.stored(), 1);
    // the page of a survey without codes asks for none and runs no script
    let plain = create_survey(&d.app, &d.county, false);
    let slug = publish(&d.app, &d.county, plain);
    let page = web.get(&format!("/s/{slug}"));
    assert!(!page.text().contains("name=\"_code\""));
    assert!(!page.text().contains("<script"));
}

#[test]
fn the_organiser_sets_codes_on_a_draft_and_prints_slips_from_the_survey_page() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = county(&app, &admin);
    let survey = create_survey(&app, &county, false);
    let web = Web::signed_in(&app, "organiser", ORGANISER_PASSWORD);
    let page_path = format!("/dashboard/surveys/{survey}");
    let page = web.get(&page_path).text();
    assert!(page.contains("设为凭答题码作答"), "{page}");
    let csrf = web.csrf();
    let set = web.post(
        &format!("/dashboard/surveys/{survey}/codes-setting"),
        &[("csrf", csrf.as_str()), ("requires_codes", "true")],
    );
    assert_eq!(set.status, 303, "{}", set.text());
    let page = web.get(&page_path).text();
    assert!(page.contains("取消凭答题码作答"), "{page}");
    assert!(page.contains("生成并打印答题码条"));
    let preview = web
        .get(&format!("/dashboard/surveys/{survey}/preview"))
        .text();
    assert!(
        preview.contains("name=\"_code\""),
        "the preview shows the code field"
    );
    assert!(!preview.contains("<script"), "and runs nothing");
    let target = county.departments[0].to_string();
    let village = county.village.to_string();
    let slips = web.post(
        &format!("/dashboard/surveys/{survey}/slips"),
        &[
            ("csrf", csrf.as_str()),
            ("target_unit_id", target.as_str()),
            ("village_id", village.as_str()),
            ("count", "3"),
        ],
    );
    assert_eq!(slips.status, 201, "{}", slips.text());
    assert_eq!(slips.text().matches("class=\"slip\"").count(), 3);
    assert!(slips.text().contains("东山村"));
    let page = web.get(&page_path).text();
    assert!(page.contains("答题码发放与使用"), "{page}");
    // without the session's token nothing is made
    let refused = web.post(
        &format!("/dashboard/surveys/{survey}/slips"),
        &[("target_unit_id", target.as_str()), ("count", "3")],
    );
    assert_eq!(refused.status, 403);
}

/// Survey codes in Debian's headless chromium at a phone's width: the organiser prints slips
/// (read back from the PDF), and a respondent's QR link opens the form with the code filled in.
mod browser_survey_codes {
    use canvass_tests::fixtures::{window_answers, ORGANISER_PASSWORD};
    use canvass_tests::webdriver::{Browser, PHONE};
    use serde_json::{json, Value};

    use super::doors;

    fn squeezed(text: &str) -> String {
        text.split_whitespace().collect()
    }

    #[test]
    #[ignore = "needs Debian's chromium, chromium-driver and poppler-utils (installed by .ci/run); run with --include-ignored"]
    fn browser_slips_print_on_a_phone_and_a_slips_link_fills_the_code_in() {
        let d = doors();
        let browser = Browser::start(PHONE);
        browser.goto(&d.app.url("/login"));
        browser.type_into("#username", "organiser");
        browser.type_into("#password", ORGANISER_PASSWORD);
        browser.click("button[type=submit]");
        browser.wait_for_text("h1", "看板总览");
        browser.goto(&d.app.url(&format!("/dashboard/surveys/{}", d.survey)));
        browser.wait_for_text("h1", "窗口服务群众满意度测评");
        browser.type_into("#sc-count", "12");
        browser.click("form[action*='/slips'] button[type=submit]");
        browser.wait_until("the slips", |b| b.count(".slip") == 12);
        assert_eq!(
            browser.script(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1",
                &[]
            ),
            Value::Bool(true),
            "the slips fit a phone"
        );
        let codes: Vec<String> = serde_json::from_value(browser.script(
            "return Array.from(document.querySelectorAll('.code')).map(e => e.textContent.trim())",
            &[],
        ))
        .unwrap();
        assert_eq!(codes.len(), 12);
        let printed = browser.print_pdf("survey-slips-phone");
        assert_eq!(printed.pages, 2, "ten slips to a page: {}", printed.text);
        let text = squeezed(&printed.text);
        for code in &codes {
            assert_eq!(text.matches(code.as_str()).count(), 1, "{code} once");
        }
        assert_eq!(text.matches("每户限答一份").count(), 12, "{}", printed.text);
        assert!(!text.contains("打印"), "the print button is not printed");

        // the link a slip's QR code holds
        let (_, survey) = d.app.call(
            "GET",
            &format!("/api/v1/surveys/{}", d.survey),
            Some(&d.county.organiser),
            None,
        );
        let target_url = survey["targets"][0]["public_url"].as_str().unwrap();
        browser.goto(&format!("{target_url}#code={}", codes[3]));
        browser.wait_for_text("h1", "窗口服务群众满意度测评");
        assert_eq!(browser.property("#_code", "value"), json!(codes[3]));
        assert!(
            !browser.url().contains("code="),
            "the code leaves the address bar: {}",
            browser.url()
        );
        assert_eq!(
            browser.script(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1",
                &[]
            ),
            Value::Bool(true),
            "the form fits a phone"
        );
        let answers = window_answers("satisfied");
        for question in ["visit_purpose", "overall", "attitude", "efficiency"] {
            let value = answers[question].as_str().unwrap();
            browser.click(&format!("input[name={question}][value={value}]"));
        }
        browser.click("form button[type=submit]");
        browser.wait_until("the thank-you page", |b| b.url().contains("/thanks"));
        let counts = d.counts();
        assert_eq!(counts[0]["used"], 1, "{counts}");
        // the same code again, typed: refused beside the field
        browser.goto(target_url);
        browser.wait_for_text("h1", "窗口服务群众满意度测评");
        browser.type_into("#_code", &codes[3]);
        for question in ["visit_purpose", "overall", "attitude", "efficiency"] {
            let value = answers[question].as_str().unwrap();
            browser.click(&format!("input[name={question}][value={value}]"));
        }
        browser.click("form button[type=submit]");
        browser.wait_for_text("#e-_code", "此答题码已答过一份问卷");
        browser.screenshot("survey-code-used-phone");
        assert_eq!(d.stored(), 1);
    }
}

#[test]
fn guessing_survey_codes_from_one_address_is_stopped_by_the_submission_limit() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 4);
    let admin = app.admin_token();
    let county = county(&app, &admin);
    let survey = create_survey(&app, &county, true);
    let slug = publish(&app, &county, survey);
    let d = Doors {
        app,
        county,
        survey,
        slug,
    };
    let target = d.county.departments[0];
    let codes = d.codes(target, None, 1);
    let answers = window_answers("satisfied");
    for guess in [
        "ABCD-EFGH-JKLM",
        "ABCD-EFGH-JKLN",
        "ABCD-EFGH-JKLP",
        "ABCD-EFGH-JKLQ",
    ] {
        let (status, body) = d.answer(target, Some(guess), &answers);
        assert_eq!(
            (status, code_of(&body)),
            (422, "survey_code_invalid"),
            "{body}"
        );
    }
    let (status, body) = d.answer(target, Some(&codes[0]), &answers);
    assert_eq!((status, code_of(&body)), (429, "rate_limited"), "{body}");
    assert_eq!(d.stored(), 0);
    assert_eq!(d.counts()[0]["used"], 0, "a stopped answer spends nothing");
}
