//! Rectification (整改): publishing a closed survey's results makes the items the rule picks;
//! the unit's own leader reports, the organiser sends back and accepts, every step kept with
//! who and when; items by hand; scope; bad input refused with a code and nothing stored.

use base64::Engine as _;
use canvass_tests::{inspect, TestApp};
use serde_json::{json, Value};

use canvass_tests::fixtures::{window_answers as answers, WINDOW_FORM};

pub const LEADER_PASSWORD: &str = "leader-password";

/// 清河县 with three townships rated by one county survey: 东山镇 (6 satisfied), 西山镇
/// (6 basically satisfied), 南山镇 (6 dissatisfied, the lowest: picked by the rule); a leader
/// account of each township and of the county, an officer, and the county's organiser.
pub struct Scene {
    pub app: TestApp,
    pub organiser: String,
    pub survey: i64,
    pub county: i64,
    pub east: i64,
    pub west: i64,
    pub south: i64,
}

pub fn scene() -> Scene {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let west = app.create_unit(&admin, "西山镇", "township", Some(county));
    let south = app.create_unit(&admin, "南山镇", "township", Some(county));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    app.create_account(&admin, "east", LEADER_PASSWORD, "leader", east);
    app.create_account(&admin, "south", LEADER_PASSWORD, "leader", south);
    app.create_account(&admin, "county", LEADER_PASSWORD, "leader", county);
    app.create_account(&admin, "officer", "officer-password", "officer", south);
    let organiser = app.login("organiser", "organiser-password");
    let mut definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    definition["title"] =
        json!({"zh-CN": "乡镇便民服务满意度测评", "en": "Township service survey"});
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&organiser),
        Some(&json!({"definition": definition, "targets": [east, west, south], "unit_id": county})),
    );
    assert_eq!(status, 201, "{survey}");
    let id = survey["id"].as_i64().unwrap();
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/publish"),
        Some(&organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let slug = survey["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    for (target, overall) in [
        (east, "satisfied"),
        (west, "basically_satisfied"),
        (south, "dissatisfied"),
    ] {
        for _ in 0..6 {
            let (status, body) = app.call(
                "POST",
                &format!("/api/v1/public/surveys/{slug}/responses"),
                None,
                Some(&json!({"version": 1, "target_unit_id": target, "answers": answers(overall)})),
            );
            assert_eq!(status, 201, "{body}");
        }
    }
    Scene {
        app,
        organiser,
        survey: id,
        county,
        east,
        west,
        south,
    }
}

impl Scene {
    pub fn close(&self) {
        let (status, body) = self.app.call(
            "POST",
            &format!("/api/v1/surveys/{}/close", self.survey),
            Some(&self.organiser),
            None,
        );
        assert_eq!(status, 200, "{body}");
    }

    /// Closes the survey and publishes its results; the items made.
    pub fn publish(&self) -> Vec<Value> {
        self.close();
        let (status, body) = self.app.call(
            "POST",
            &format!("/api/v1/surveys/{}/results/publish", self.survey),
            Some(&self.organiser),
            None,
        );
        assert_eq!(status, 200, "{body}");
        body["items"].as_array().unwrap().clone()
    }

    pub fn leader(&self, name: &str) -> String {
        self.app.login(name, LEADER_PASSWORD)
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec()
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

fn count(app: &TestApp, sql: &str) -> String {
    inspect::strings(app.db.url(), sql)
        .into_iter()
        .flatten()
        .next()
        .unwrap()
}

#[test]
fn a_published_survey_makes_items_and_one_goes_through_the_whole_cycle() {
    let s = scene();
    let app = &s.app;
    let items = s.publish();
    assert_eq!(items.len(), 1, "only the lowest of three: {items:?}");
    let item = &items[0];
    let id = item["id"].as_i64().unwrap();
    assert_eq!(item["unit_id"], s.south);
    assert_eq!(item["unit_name"], "南山镇");
    assert_eq!(item["survey_id"], s.survey);
    assert_eq!(item["by_rule"], true);
    assert_eq!(item["status"], "open");
    let finding = &item["finding"];
    assert_eq!(finding["rank"], 3);
    assert_eq!(finding["ranked"], 3);
    assert_eq!(finding["responses"], 6);
    assert!(
        finding["composite_score"].as_f64().unwrap() < 70.0,
        "{finding}"
    );
    let short: Vec<&str> = finding["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(short, ["overall"], "{finding}");
    assert_eq!(finding["questions"][0]["answered"], 6);

    // the survey says so, and its results are final
    let (_, survey) = app.call(
        "GET",
        &format!("/api/v1/surveys/{}", s.survey),
        Some(&s.organiser),
        None,
    );
    assert!(survey["results_published_at"].is_i64(), "{survey}");
    for path in ["results/publish", "open"] {
        let (status, body) = app.call(
            "POST",
            &format!("/api/v1/surveys/{}/{path}", s.survey),
            Some(&s.organiser),
            None,
        );
        assert_eq!(status, 409, "{path}: {body}");
        assert_eq!(body["error"]["code"], "results_already_published");
    }

    // the organiser sets a due date
    let (status, detail) = app.call(
        "PUT",
        &format!("/api/v1/rectification/{id}/due"),
        Some(&s.organiser),
        Some(&json!({"due_on": "2099-06-30"})),
    );
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["item"]["due_on"], "2099-06-30");

    // 南山镇's leader reports, with a PDF
    let south = s.leader("south");
    let (status, detail) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/report"),
        Some(&south),
        Some(&json!({"text": "已增设两个窗口，推行预约办理。", "attachments": [{"file_name": "整改方案.pdf", "content_base64": b64(&pdf())}]})),
    );
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["item"]["status"], "reported");
    let report = &detail["events"][2];
    assert_eq!(report["actor"], "south");
    assert_eq!(report["attachments"][0]["file_name"], "整改方案.pdf");
    assert_eq!(report["attachments"][0]["media_type"], "application/pdf");
    let attachment = report["attachments"][0]["id"].as_i64().unwrap();

    // a second report while the first waits is refused
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/report"),
        Some(&south),
        Some(&json!({"text": "补充"})),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "rectification_awaiting_review");

    // sent back without a reason: refused, nothing stored
    for reason in [json!({}), json!({"reason": "   "})] {
        let (status, body) = app.call(
            "POST",
            &format!("/api/v1/rectification/{id}/return"),
            Some(&s.organiser),
            Some(&reason),
        );
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "missing_field");
        assert_eq!(body["error"]["field"], "reason");
    }
    let (_, detail) = app.call(
        "GET",
        &format!("/api/v1/rectification/{id}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(detail["item"]["status"], "reported");
    assert_eq!(kinds(&detail), ["created", "due_set", "reported"]);

    // sent back with a reason
    let (status, detail) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/return"),
        Some(&s.organiser),
        Some(&json!({"reason": "缺少群众回访情况。"})),
    );
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["item"]["status"], "returned");
    // accepting a report that was sent back is refused
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/accept"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "rectification_not_reported");

    // reported again, then accepted
    let (status, detail) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/report"),
        Some(&south),
        Some(&json!({"text": "已回访群众 30 户，满意 28 户。"})),
    );
    assert_eq!(status, 200, "{detail}");
    let (status, detail) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/accept"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["item"]["status"], "closed");
    assert_eq!(
        kinds(&detail),
        ["created", "due_set", "reported", "returned", "reported", "accepted"]
    );
    let actors: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(
        actors,
        [
            "organiser",
            "organiser",
            "south",
            "organiser",
            "south",
            "organiser"
        ]
    );
    assert_eq!(detail["events"][3]["text"], "缺少群众回访情况。");
    assert!(detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["at"].as_i64().unwrap() > 0));

    // a closed item takes nothing more
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/report"),
        Some(&south),
        Some(&json!({"text": "再补充"})),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "rectification_closed");
    let (status, body) = app.call(
        "PUT",
        &format!("/api/v1/rectification/{id}/due"),
        Some(&s.organiser),
        Some(&json!({"due_on": "2099-07-31"})),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "rectification_closed");

    // the file, for those who may see the item
    for token in [&south, &s.organiser, &s.leader("county")] {
        let response = app
            .client
            .get(app.url(&format!(
                "/api/v1/rectification/{id}/attachments/{attachment}"
            )))
            .bearer_auth(token)
            .send()
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.bytes().unwrap().to_vec(), pdf());
    }

    // the counts of the ledger
    let (status, counts) = app.call(
        "GET",
        "/api/v1/rectification/counts",
        Some(&s.leader("county")),
        None,
    );
    assert_eq!(status, 200, "{counts}");
    assert_eq!(
        counts,
        json!({"open": 0, "overdue": 0, "reported": 0, "closed": 1})
    );

    // every step is in the audit log
    let actions = inspect::strings(
        app.db.url(),
        "SELECT actor || ' ' || action || ' ' || object AS v FROM audit_log ORDER BY id",
    )
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n");
    for expected in [
        format!("organiser survey.publish_results survey:{}", s.survey),
        format!("organiser rectification.create rectification:{id}"),
        format!("organiser rectification.set_due rectification:{id}"),
        format!("south rectification.report rectification:{id}"),
        format!("organiser rectification.return rectification:{id}"),
        format!("organiser rectification.accept rectification:{id}"),
    ] {
        assert!(actions.contains(&expected), "{expected} in\n{actions}");
    }
}

#[test]
fn results_are_published_by_the_organiser_of_a_closed_survey_only() {
    let s = scene();
    let app = &s.app;
    let path = format!("/api/v1/surveys/{}/results/publish", s.survey);
    let (status, body) = app.call("POST", &path, Some(&s.organiser), None);
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "survey_not_closed");
    s.close();
    let (status, body) = app.call("POST", &path, Some(&s.leader("county")), None);
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");
    let (status, body) = app.call(
        "POST",
        "/api/v1/surveys/999/results/publish",
        Some(&s.organiser),
        None,
    );
    assert_eq!(status, 404, "{body}");
    assert_eq!(
        count(
            app,
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM rectification_items"
        ),
        "0"
    );
    assert_eq!(
        count(
            app,
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM survey_results_published"
        ),
        "0"
    );
}

#[test]
fn a_township_sees_and_writes_only_its_own_items() {
    let s = scene();
    let app = &s.app;
    let id = s.publish()[0]["id"].as_i64().unwrap();
    // an item by hand for 东山镇 too
    let (status, east_item) = app.call(
        "POST",
        "/api/v1/rectification",
        Some(&s.organiser),
        Some(&json!({"survey_id": s.survey, "unit_id": s.east, "note": "窗口午间无人值守。"})),
    );
    assert_eq!(status, 201, "{east_item}");
    let east_id = east_item["item"]["id"].as_i64().unwrap();

    let east = s.leader("east");
    let (status, list) = app.call("GET", "/api/v1/rectification", Some(&east), None);
    assert_eq!(status, 200, "{list}");
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [east_id], "东山镇 sees its own item only");
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/rectification/{id}"),
        Some(&east),
        None,
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "out_of_scope");
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/report"),
        Some(&east),
        Some(&json!({"text": "不是我们的事项"})),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "out_of_scope");
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/rectification/{id}/attachments/1"),
        Some(&east),
        None,
    );
    assert_eq!(status, 403, "{body}");

    // the county's leader reads every item but writes none
    let county = s.leader("county");
    let (_, list) = app.call("GET", "/api/v1/rectification", Some(&county), None);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/report"),
        Some(&county),
        Some(&json!({"text": "代为报送"})),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");
    // nor do leaders accept, send back or set due dates
    for (method, path, body) in [
        ("POST", "accept", None),
        ("POST", "return", Some(json!({"reason": "x"}))),
        ("PUT", "due", Some(json!({"due_on": "2099-01-01"}))),
    ] {
        let (status, answer) = app.call(
            method,
            &format!("/api/v1/rectification/{id}/{path}"),
            Some(&county),
            body.as_ref(),
        );
        assert_eq!(status, 403, "{path}: {answer}");
    }
    // nor does the organiser write the unit's report
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/report"),
        Some(&s.organiser),
        Some(&json!({"text": "代为报送"})),
    );
    assert_eq!(status, 403, "{body}");
    // field officers do not read the ledger
    let officer = app.login("officer", "officer-password");
    let (status, body) = app.call("GET", "/api/v1/rectification", Some(&officer), None);
    assert_eq!(status, 403, "{body}");
    let (status, body) = app.call("GET", "/api/v1/rectification/9999", Some(&county), None);
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "not_found");

    // filters
    let (status, list) = app.call(
        "GET",
        &format!("/api/v1/rectification?status=open&unit_id={}", s.south),
        Some(&county),
        None,
    );
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (status, body) = app.call(
        "GET",
        "/api/v1/rectification?status=late",
        Some(&county),
        None,
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "status");

    // 南山镇 writes its own, and nothing of 东山镇's changed
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/report"),
        Some(&s.leader("south")),
        Some(&json!({"text": "已整改"})),
    );
    assert_eq!(status, 200, "{body}");
    let (_, east_view) = app.call(
        "GET",
        &format!("/api/v1/rectification/{east_id}"),
        Some(&east),
        None,
    );
    assert_eq!(east_view["item"]["status"], "open");
    assert_eq!(kinds(&east_view), ["created"]);
}

#[test]
fn bad_input_is_refused_with_a_code_and_nothing_is_stored() {
    let s = scene();
    let app = &s.app;
    let id = s.publish()[0]["id"].as_i64().unwrap();
    let south = s.leader("south");
    let report = |body: &Value| {
        app.call(
            "POST",
            &format!("/api/v1/rectification/{id}/report"),
            Some(&south),
            Some(body),
        )
    };
    let mut oversized = pdf();
    oversized.resize(5 * 1024 * 1024 + 1, b' ');
    let exe = b"MZ\x90\x00\x03\x00\x00\x00 not a document".to_vec();
    let zip = b"PK\x03\x04 a plain zip, not an office file".to_vec();
    for (body, status, code, field) in [
        (
            json!({"text": "见附件", "attachments": [{"file_name": "大.pdf", "content_base64": b64(&oversized)}]}),
            413,
            "payload_too_large",
            Some("attachments[0]"),
        ),
        (
            json!({"text": "见附件", "attachments": [{"file_name": "ok.pdf", "content_base64": b64(&pdf())}, {"file_name": "报告.pdf", "content_base64": b64(&exe)}]}),
            415,
            "attachment_type",
            Some("attachments[1]"),
        ),
        (
            json!({"text": "见附件", "attachments": [{"file_name": "报告.docx", "content_base64": b64(&zip)}]}),
            415,
            "attachment_type",
            Some("attachments[0]"),
        ),
        (
            json!({"text": "见附件", "attachments": [{"file_name": "报告.pdf", "content_base64": "%%% not base64"}]}),
            422,
            "invalid_value",
            Some("attachments[0]"),
        ),
        (
            json!({"text": "见附件", "attachments": [{"file_name": "空.pdf", "content_base64": ""}]}),
            422,
            "invalid_value",
            Some("attachments[0]"),
        ),
        (
            json!({"text": "见附件", "attachments": (0..4).map(|i| json!({"file_name": format!("{i}.pdf"), "content_base64": b64(&pdf())})).collect::<Vec<_>>()}),
            422,
            "invalid_value",
            Some("attachments"),
        ),
        (json!({"text": "  "}), 422, "missing_field", Some("text")),
        (json!({}), 422, "missing_field", Some("text")),
        (
            json!({"text": "x", "extra": 1}),
            400,
            "unknown_field",
            Some("extra"),
        ),
    ] {
        let (got, answer) = report(&body);
        assert_eq!(got, status, "{code}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{answer}");
        assert_eq!(answer["error"]["field"].as_str(), field, "{answer}");
        assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
    }
    // bad due dates
    for due in ["2026-13-01", "31/12/2099", "2000-01-01", ""] {
        let (status, body) = app.call(
            "PUT",
            &format!("/api/v1/rectification/{id}/due"),
            Some(&s.organiser),
            Some(&json!({"due_on": due})),
        );
        assert_eq!(status, 422, "{due}: {body}");
        assert_eq!(body["error"]["code"], "invalid_value");
        assert_eq!(body["error"]["field"], "due_on");
    }
    let (status, body) = app.call(
        "PUT",
        &format!("/api/v1/rectification/{id}/due"),
        Some(&s.organiser),
        Some(&json!({"due_on": 20_991_231})),
    );
    assert!((400..500).contains(&status), "{body}");
    assert_eq!(body["error"]["code"], "invalid_type");
    // an item by hand without its note, with a bad source or due date
    for (body, code, field) in [
        (
            json!({"survey_id": s.survey, "unit_id": s.east}),
            "missing_field",
            "note",
        ),
        (
            json!({"survey_id": s.survey, "note": "x"}),
            "invalid_value",
            "survey_id",
        ),
        (
            json!({"survey_id": s.survey, "unit_id": s.county, "note": "x"}),
            "invalid_value",
            "unit_id",
        ),
        (
            json!({"survey_id": s.survey, "unit_id": s.east, "note": "x", "due_on": "tomorrow"}),
            "invalid_value",
            "due_on",
        ),
    ] {
        let (status, answer) = app.call(
            "POST",
            "/api/v1/rectification",
            Some(&s.organiser),
            Some(&body),
        );
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["error"]["code"], code, "{answer}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
    }
    // a second item for the unit the rule picked
    let (status, body) = app.call(
        "POST",
        "/api/v1/rectification",
        Some(&s.organiser),
        Some(&json!({"survey_id": s.survey, "unit_id": s.south, "note": "重复"})),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "rectification_exists");

    // nothing of it was stored
    let (_, detail) = app.call(
        "GET",
        &format!("/api/v1/rectification/{id}"),
        Some(&south),
        None,
    );
    assert_eq!(detail["item"]["status"], "open");
    assert!(detail["item"].get("due_on").is_none(), "{detail}");
    assert_eq!(kinds(&detail), ["created"]);
    assert_eq!(
        count(
            app,
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM rectification_attachments"
        ),
        "0"
    );
    assert_eq!(
        count(
            app,
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM rectification_items"
        ),
        "1"
    );
    assert_eq!(
        count(
            app,
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM rectification_events"
        ),
        "1"
    );
}

/// A round of 南山镇 grading 赵强 and 钱芳 with one flag rule, published with 赵强 flagged.
fn flagged_round(s: &Scene) -> (i64, i64, i64) {
    let app = &s.app;
    let officials: Vec<i64> = [("赵强", "党委书记"), ("钱芳", "镇长")]
        .iter()
        .map(|(name, position)| {
            let (status, body) = app.call(
                "POST",
                "/api/v1/officials",
                Some(&s.organiser),
                Some(&json!({"unit_id": s.south, "name": name, "position": position})),
            );
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().unwrap()
        })
        .collect();
    let definition = json!({
        "period": "2026年度",
        "series": {"id": "nanshan-annual", "name": "南山镇领导班子年度民主测评"},
        "officials": [
            {"official_id": officials[0], "name": "赵强", "position": "党委书记"},
            {"official_id": officials[1], "name": "钱芳", "position": "镇长"}
        ],
        "elector_groups": [{"id": "cadres", "label": "干部", "weight": 1.0}],
        "flag_rules": [
            {"id": "lower_third", "label": "基本称职和不称职票达到三分之一", "applies_to": "official",
             "condition": {"kind": "share", "grades": ["basically_competent", "incompetent"], "comparison": "at_least", "threshold": "1/3", "basis": "votes"},
             "consecutive_rounds": 1}
        ],
        "disclosure": {"counts": 5, "comments": 10}
    });
    let (status, round) = app.call(
        "POST",
        "/api/v1/rounds",
        Some(&s.organiser),
        Some(&json!({"definition": definition, "unit_id": s.south})),
    );
    assert_eq!(status, 201, "{round}");
    let id = round["id"].as_i64().unwrap();
    let slug = round["ballot_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let act = |step: &str| {
        let (status, body) = app.call(
            "POST",
            &format!("/api/v1/rounds/{id}/{step}"),
            Some(&s.organiser),
            None,
        );
        assert_eq!(status, 200, "{step}: {body}");
    };
    act("open");
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rounds/{id}/codes"),
        Some(&s.organiser),
        Some(&json!({"elector_group": "cadres", "count": 6})),
    );
    assert_eq!(status, 201, "{body}");
    for (i, code) in body["codes"].as_array().unwrap().iter().enumerate() {
        let zhao = if i < 3 { "incompetent" } else { "competent" };
        let marks = json!([
            {"subject": {"official": officials[0]}, "grade": zhao},
            {"subject": {"official": officials[1]}, "grade": "competent"}
        ]);
        let (status, answer) = app.call(
            "POST",
            &format!("/api/v1/public/rounds/{slug}/ballots"),
            None,
            Some(&json!({"code": code, "ballot": {"elector_group": "", "marks": marks}})),
        );
        assert_eq!(status, 201, "{answer}");
    }
    act("close");
    (id, officials[0], officials[1])
}

#[test]
fn items_are_added_by_hand_for_a_unit_after_a_survey_and_a_flagged_official_after_a_round() {
    let s = scene();
    let app = &s.app;
    // not before the survey is closed
    let (status, body) = app.call(
        "POST",
        "/api/v1/rectification",
        Some(&s.organiser),
        Some(&json!({"survey_id": s.survey, "unit_id": s.west, "note": "办事指南不清楚。"})),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "survey_not_closed");
    s.close();
    let (status, body) = app.call(
        "POST",
        "/api/v1/rectification",
        Some(&s.organiser),
        Some(&json!({"survey_id": s.survey, "unit_id": s.west, "note": "办事指南不清楚。", "due_on": "2099-03-31"})),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["item"]["by_rule"], false);
    assert_eq!(body["item"]["unit_name"], "西山镇");
    assert_eq!(body["item"]["due_on"], "2099-03-31");
    assert_eq!(body["item"]["finding"]["note"], "办事指南不清楚。");
    assert_eq!(body["item"]["finding"]["rank"], 2);
    assert_eq!(kinds(&body), ["created", "due_set"]);

    // a flagged official after a round, once its results are published
    let (round, zhao, qian) = flagged_round(&s);
    let add = |official: i64| {
        app.call(
            "POST",
            "/api/v1/rectification",
            Some(&s.organiser),
            Some(&json!({"round_id": round, "official_id": official, "note": "约谈并限期整改。"})),
        )
    };
    let (status, body) = add(zhao);
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "round_state_conflict");
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rounds/{round}/publish"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = add(qian);
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "official_id");
    let (status, body) = add(zhao);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["item"]["unit_id"], s.south);
    assert_eq!(body["item"]["official_name"], "赵强");
    assert_eq!(
        body["item"]["finding"]["flags"],
        json!(["基本称职和不称职票达到三分之一"])
    );
    let (status, body) = add(zhao);
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "rectification_exists");
    // and only by organisers
    let (status, body) = app.call(
        "POST",
        "/api/v1/rectification",
        Some(&s.leader("county")),
        Some(&json!({"round_id": round, "official_id": zhao, "note": "x"})),
    );
    assert_eq!(status, 403, "{body}");
    let (status, list) = app.call(
        "GET",
        &format!("/api/v1/rectification?round_id={round}"),
        Some(&s.leader("south")),
        None,
    );
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn an_item_past_its_due_date_is_overdue_on_the_ledger_and_the_counts() {
    let s = scene();
    let app = &s.app;
    let id = s.publish()[0]["id"].as_i64().unwrap();
    // a due date that has passed cannot be set through the API: make it so in the database,
    // as time would
    let sql = format!("UPDATE rectification_items SET due_on = '2000-01-01' WHERE id = {id}");
    inspect::execute(app.db.url(), &sql);
    let county = s.leader("county");
    let (_, list) = app.call(
        "GET",
        "/api/v1/rectification?status=overdue",
        Some(&county),
        None,
    );
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["status"], "overdue");
    let (_, tally) = app.call("GET", "/api/v1/rectification/counts", Some(&county), None);
    assert_eq!(
        tally,
        json!({"open": 1, "overdue": 1, "reported": 0, "closed": 0})
    );
    // an overdue item still takes its report
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rectification/{id}/report"),
        Some(&s.leader("south")),
        Some(&json!({"text": "迟交的整改报告"})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["item"]["status"], "reported");
}

/// The pages over HTTP: the ledger and an item in scope only, a refused step back on the item's
/// page with what was wrong and nothing stored, the workbook recorded in the audit log.
#[test]
fn the_pages_keep_the_scope_and_say_what_was_wrong() {
    use crate::dashboard::Web;
    let s = scene();
    let app = &s.app;
    let id = s.publish()[0]["id"].as_i64().unwrap();
    let east = Web::signed_in(app, "east", LEADER_PASSWORD);
    let page = east.get(&format!("/dashboard/rectification/{id}"));
    assert_eq!(page.status, 403);
    assert!(!page.text().contains("南山镇"), "the refusal names nothing");
    let ledger = east.get("/dashboard/rectification");
    assert_eq!(ledger.status, 200);
    assert!(ledger.text().contains("暂无整改事项"));
    assert_eq!(east.get("/dashboard/rectification/999999").status, 404);

    let south = Web::signed_in(app, "south", LEADER_PASSWORD);
    let page = south.get(&format!("/dashboard/rectification/{id}"));
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("整改事项：南山镇"), "{html}");
    assert!(
        html.contains("name=\"files\""),
        "the unit's leader gets the report form"
    );
    assert!(!html.contains("id=\"accept\""));
    // a report without the session's token is refused
    let refused = south.post(
        &format!("/dashboard/rectification/{id}/report"),
        &[("text", "已整改")],
    );
    assert_eq!(refused.status, 403);
    // an empty report comes back to the item's page, saying what is missing
    let csrf = south.csrf();
    let empty = south.post(
        &format!("/dashboard/rectification/{id}/report"),
        &[("csrf", csrf.as_str()), ("text", " ")],
    );
    assert_eq!(empty.status, 422);
    assert!(empty.text().contains("缺少“整改报告”"), "{}", empty.text());
    let done = south.post(
        &format!("/dashboard/rectification/{id}/report"),
        &[("csrf", csrf.as_str()), ("text", "已增设窗口")],
    );
    assert_eq!(done.status, 303, "{}", done.text());

    // the organiser sends it back without a reason: the page says so, nothing changes
    let organiser = Web::signed_in(app, "organiser", "organiser-password");
    let csrf = organiser.csrf();
    let page = organiser.post(
        &format!("/dashboard/rectification/{id}/review"),
        &[
            ("csrf", csrf.as_str()),
            ("action", "return"),
            ("reason", ""),
        ],
    );
    assert_eq!(page.status, 422);
    assert!(page.text().contains("缺少“退回理由”"), "{}", page.text());
    let (_, detail) = app.call(
        "GET",
        &format!("/api/v1/rectification/{id}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(detail["item"]["status"], "reported");

    // the overview's line and the workbook
    let overview = Web::signed_in(app, "county", LEADER_PASSWORD)
        .get("/dashboard")
        .text();
    assert!(
        overview.contains("未销号 1 项（逾期 0 项，待验收 1 项），已销号 0 项。"),
        "{overview}"
    );
    let workbook = organiser.get(&format!(
        "/dashboard/rectification/export.xlsx?survey_id={}",
        s.survey
    ));
    assert_eq!(workbook.status, 200);
    let text = crate::dashboard::xlsx_text(&workbook.body);
    assert!(
        text.contains("南山镇") && text.contains("已报送，待验收"),
        "{text}"
    );
    let actions = inspect::strings(
        app.db.url(),
        "SELECT actor || ' ' || action AS v FROM audit_log ORDER BY id",
    );
    assert!(actions
        .iter()
        .flatten()
        .any(|a| a == "organiser rectification.export"));
    let bad = organiser.get("/dashboard/rectification?status=late");
    assert_eq!(bad.status, 422);
}

mod browser_rectification {
    use canvass_tests::webdriver::{Browser, PHONE};
    use serde_json::Value;

    use super::{scene, LEADER_PASSWORD};

    fn sign_in(app: &canvass_tests::TestApp, username: &str, password: &str) -> Browser {
        let browser = Browser::start(PHONE);
        browser.goto(&app.url("/login"));
        browser.type_into("#username", username);
        browser.type_into("#password", password);
        browser.click("button[type=submit]");
        browser.wait_for_text("h1", "看板总览");
        browser
    }

    fn fits(b: &Browser, what: &str) {
        assert_eq!(
            b.script(
                "return document.documentElement.scrollWidth <= window.innerWidth",
                &[]
            ),
            Value::Bool(true),
            "{what} fits 360 px"
        );
    }

    #[test]
    #[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
    fn the_rectification_cycle_on_a_phone() {
        let s = scene();
        let app = &s.app;
        s.close();
        let survey_page = app.url(&format!("/dashboard/surveys/{}", s.survey));

        // the organiser publishes the results, after confirming, and sets a due date
        let organiser = sign_in(app, "organiser", "organiser-password");
        organiser.goto(&survey_page);
        organiser.click("button[value=publish_results]");
        organiser.wait_for_text("h1", "公布“乡镇便民服务满意度测评”的结果？");
        fits(&organiser, "the confirmation");
        organiser.click("#confirm");
        organiser.wait_for_text("h1", "整改台账");
        assert!(organiser.url().contains("survey_id="));
        assert_eq!(organiser.count("#ledger tbody tr"), 1);
        assert!(organiser.text("#ledger").contains("南山镇"));
        fits(&organiser, "the ledger");
        organiser.screenshot("rectification-1-ledger");
        organiser.click("#ledger td a");
        organiser.wait_for_text("h1", "整改事项：南山镇");
        assert!(organiser.text("main").contains("得分偏低的题目"));
        organiser.script(
            "document.getElementById('due_on').value = '2099-06-30'",
            &[],
        );
        organiser.click("#set_due");
        organiser.wait_for_text("#due", "2099-06-30");
        fits(&organiser, "the item");
        organiser.screenshot("rectification-2-item");
        let item_url = organiser.url();
        drop(organiser);

        // 南山镇's leader sees it on the overview and reports, with a file
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("整改方案.pdf");
        std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
        let south = sign_in(app, "south", LEADER_PASSWORD);
        assert!(south.text("#ledger-counts").contains("未销号 1 项"));
        fits(&south, "the overview");
        south.goto(&item_url);
        south.wait_for_text("h1", "整改事项：南山镇");
        south.type_into("#report_text", "已增设两个窗口，推行预约办理。");
        south.type_into("#files", &pdf.to_string_lossy());
        south.click("#send_report");
        south.wait_for_text("#status", "已报送，待验收");
        assert!(south.text("ol.history").contains("整改方案.pdf"));
        assert_eq!(
            south.count("#send_report"),
            0,
            "no second report while one waits"
        );
        fits(&south, "the reported item");
        south.screenshot("rectification-3-reported");
        drop(south);

        // the organiser sends it back with a reason
        let organiser = sign_in(app, "organiser", "organiser-password");
        organiser.goto(&item_url);
        organiser.wait_for_text("#status", "已报送，待验收");
        organiser.type_into("#reason", "缺少群众回访情况。");
        organiser.click("#send_back");
        organiser.wait_for_text("#status", "已退回");
        drop(organiser);

        // reported again, then accepted
        let south = sign_in(app, "south", LEADER_PASSWORD);
        south.goto(&item_url);
        south.wait_for_text("#status", "已退回");
        assert!(south.text("ol.history").contains("缺少群众回访情况。"));
        south.type_into("#report_text", "已回访群众 30 户。");
        south.click("#send_report");
        south.wait_for_text("#status", "已报送，待验收");
        drop(south);
        let organiser = sign_in(app, "organiser", "organiser-password");
        organiser.goto(&item_url);
        organiser.click("#accept");
        organiser.wait_for_text("#status", "已销号");
        assert_eq!(organiser.count("ol.history > li"), 6);
        assert_eq!(organiser.count("form[enctype]"), 0);
        fits(&organiser, "the closed item");
        organiser.screenshot("rectification-4-closed");
    }
}
