//! Public submissions stored by group commit, and the organiser's CSV export of raw answers.

use canvass_tests::fixtures::{county, open_window_survey, survey_slug};
use canvass_tests::TestApp;
use serde_json::{json, Value};

fn answers(overall: &str, comment: Option<&str>) -> Value {
    let mut a = json!({
        "visit_purpose": "enquiry",
        "overall": overall,
        "attitude": "satisfied",
        "efficiency": "basically_satisfied",
        "score": 8
    });
    if overall == "dissatisfied" {
        a["dissatisfied_reasons"] = json!(["long_wait", "rude_staff"]);
    }
    if let Some(text) = comment {
        a["comment"] = json!(text);
    }
    a
}

fn export(app: &TestApp, token: &str, id: i64) -> (u16, String, String) {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/surveys/{id}/answers.csv")))
        .bearer_auth(token)
        .send()
        .expect("request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, response.text().expect("body"))
}

#[test]
fn concurrent_submissions_are_each_answered_and_a_bad_one_fails_only_itself() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let c = county(&app, &admin);
    let id = open_window_survey(&app, &c);
    let slug = survey_slug(&app, &c.organiser, id);
    let path = format!("/api/v1/public/surveys/{slug}/responses");
    let target = c.departments[0];
    // 40 submissions at once, every fifth one with an option the form does not have
    let outcomes: Vec<(usize, u16, Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..40)
            .map(|i| {
                let app = &app;
                let path = &path;
                scope.spawn(move || {
                    let overall = if i % 5 == 0 { "delighted" } else { "satisfied" };
                    let body =
                        json!({"version": 1, "target_unit_id": target, "answers": answers(overall, None)});
                    let (status, body) = app.call("POST", path, None, Some(&body));
                    (i, status, body)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, status, body) in &outcomes {
        if i % 5 == 0 {
            assert_eq!(*status, 422, "{body}");
            assert_eq!(body["error"]["field"], "answers.overall", "{body}");
        } else {
            assert_eq!(*status, 201, "{body}");
            assert_eq!(body["accepted"], true);
        }
    }
    let (status, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&c.organiser),
        None,
    );
    assert_eq!(status, 200, "{results}");
    assert_eq!(results["total_responses"]["value"], 32.0, "{results}");
    let overall = results["targets"][0]["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "overall")
        .unwrap();
    let satisfied = overall["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "satisfied")
        .unwrap();
    assert_eq!(satisfied["count"]["value"], 32.0, "{overall}");
}

#[test]
fn the_organiser_exports_every_answer_as_csv_and_others_cannot() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let c = county(&app, &admin);
    let id = open_window_survey(&app, &c);
    let slug = survey_slug(&app, &c.organiser, id);
    let path = format!("/api/v1/public/surveys/{slug}/responses");
    for (i, overall) in ["satisfied", "dissatisfied", "basically_satisfied"]
        .iter()
        .enumerate()
    {
        let comment = match i {
            1 => Some("排队太久, \"窗口\" 太少"),
            2 => Some("=HYPERLINK(\"http://x\")"),
            _ => None,
        };
        let body = json!({
            "version": 1,
            "target_unit_id": c.departments[i % 2],
            "respondent_unit_id": c.village,
            "answers": answers(overall, comment)
        });
        let (status, body) = app.call("POST", &path, None, Some(&body));
        assert_eq!(status, 201, "{body}");
    }

    let (status, content_type, text) = export(&app, &c.organiser, id);
    assert_eq!(status, 200, "{text}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4, "a header and three answers: {text}");
    assert!(
        lines[0].starts_with(
            "\u{feff}版本,被测评单位,被测评单位编号,受访者所在村(社区),受访者所在村(社区)编号,收集方式,日期,"
        ),
        "a byte-order mark, then the columns in Chinese by default: {}",
        lines[0]
    );
    assert!(
        lines[0].contains(",您对该窗口服务的总体评价,"),
        "a question's column is titled by its label: {}",
        lines[0]
    );
    let village = c.village.to_string();
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], "1");
        assert!(
            ["县市场监督管理局", "县人社局"].contains(&cells[1]),
            "{line}"
        );
        assert_eq!(cells[3], "东山村");
        assert_eq!(cells[4], village);
        assert_eq!(cells[5], "网上填写");
    }
    assert!(
        text.contains(",满意,") && text.contains(",不满意,"),
        "a rating is its option's label: {text}"
    );
    assert!(
        text.contains("排队等候时间长; 态度生硬、推诿扯皮"),
        "a multiple choice is its labels joined with '; ': {text}"
    );
    assert!(
        text.contains("\"排队太久, \"\"窗口\"\" 太少\""),
        "text with a comma and quotes is quoted: {text}"
    );
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "a formula written by the public is defused: {text}"
    );

    let english = app
        .client
        .get(app.url(&format!("/api/v1/surveys/{id}/answers.csv")))
        .bearer_auth(&c.organiser)
        .header("Accept-Language", "en")
        .send()
        .expect("request")
        .text()
        .expect("body");
    assert!(
        english.starts_with("\u{feff}Version,Target unit,Target unit id,"),
        "{english}"
    );
    assert!(
        english.contains("Long wait; Rude or evasive staff"),
        "{english}"
    );

    app.create_account(&admin, "leader", "leader-password", "leader", c.root);
    let leader = app.login("leader", "leader-password");
    let (status, _, body) = export(&app, &leader, id);
    assert_eq!(status, 403, "{body}");
    let (status, _, body) = export(&app, &c.organiser, id + 1000);
    assert_eq!(status, 404, "{body}");
    let (status, _, _) = export(&app, "not-a-token", id);
    assert_eq!(status, 401);
}
