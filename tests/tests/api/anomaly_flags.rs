//! Anomaly flags for review over HTTP: a burst of identical answer sets at one unit, and a
//! village far above its share of the people, shown to organisers (results JSON and survey
//! page) and to nobody else; ordinary traffic flags nothing.

use canvass_tests::fixtures::{
    county, link_slug, open_window_survey, window_answers, County, ORGANISER_PASSWORD,
};
use canvass_tests::TestApp;
use serde_json::{json, Value};

use crate::dashboard::Web;

struct Hall {
    app: TestApp,
    county: County,
    survey: i64,
    slug: String,
}

fn hall() -> Hall {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = county(&app, &admin);
    let survey = open_window_survey(&app, &county);
    let (_, body) = app.call(
        "GET",
        &format!("/api/v1/surveys/{survey}"),
        Some(&county.organiser),
        None,
    );
    let slug = link_slug(&body["public_url"]);
    Hall {
        app,
        county,
        survey,
        slug,
    }
}

impl Hall {
    fn answer(&self, target: i64, village: Option<i64>, answers: &Value) {
        let (status, body) = self.app.call(
            "POST",
            &format!("/api/v1/public/surveys/{}/responses", self.slug),
            None,
            Some(&json!({"version": 1, "target_unit_id": target, "respondent_unit_id": village, "answers": answers})),
        );
        assert_eq!(status, 201, "{body}");
    }

    /// The flags of the organiser's results, once every answer sent so far has been looked at:
    /// a last, different answer set goes through the writer after the earlier ones' flags.
    fn flags(&self, token: &str) -> Vec<Value> {
        let mut last = window_answers("basically_satisfied");
        last["comment"] = json!("最后一份");
        last["score"] = json!(0);
        self.answer(self.county.departments[1], None, &last);
        let (status, results) = self.app.call(
            "GET",
            &format!("/api/v1/surveys/{}/results", self.survey),
            Some(token),
            None,
        );
        assert_eq!(status, 200, "{results}");
        results["flags"].as_array().cloned().unwrap_or_default()
    }
}

/// Answer sets that all differ: the overall rating and the score vary.
fn varied(i: usize) -> Value {
    let mut answers = window_answers(["satisfied", "basically_satisfied", "dont_know"][i % 3]);
    answers["score"] = json!(i % 11);
    answers["transparency"] = json!(
        [
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "dont_know"
        ][i / 11 % 4]
    );
    answers
}

#[test]
fn a_burst_of_identical_answer_sets_is_flagged_for_the_organiser_alone() {
    let h = hall();
    let target = h.county.departments[0];
    for _ in 0..6 {
        h.answer(target, None, &window_answers("satisfied"));
    }
    let flags = h.flags(&h.county.organiser);
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0]["kind"], "burst");
    assert_eq!(flags[0]["target_unit_id"], target);
    assert_eq!(flags[0]["target"], "县市场监督管理局");
    assert!(flags[0]["identical"].as_u64().unwrap() >= 5, "{flags:?}");
    assert_eq!(
        flags[0]["hour"].as_i64().unwrap() % 3600,
        0,
        "kept to the hour"
    );
    let admin = h.app.admin_token();
    h.app.create_account(
        &admin,
        "leader",
        ORGANISER_PASSWORD,
        "leader",
        h.county.root,
    );
    let leader = h.app.login("leader", ORGANISER_PASSWORD);
    assert!(h.flags(&leader).is_empty(), "leaders see no flags");
    let web = Web::signed_in(&h.app, "organiser", ORGANISER_PASSWORD);
    let page = web.get(&format!("/dashboard/surveys/{}", h.survey)).text();
    assert!(page.contains("待核查的异常"), "{page}");
    assert!(page.contains("十分钟内出现 6 份完全相同的答卷"), "{page}");
    let leader_web = Web::signed_in(&h.app, "leader", ORGANISER_PASSWORD);
    let page = leader_web
        .get(&format!("/dashboard/surveys/{}", h.survey))
        .text();
    assert!(!page.contains("待核查的异常"));
    // the flag table holds the hour and the count, not the answers
    let mut columns = canvass_tests::inspect::columns(h.app.db.url(), "survey_bursts");
    columns.sort();
    assert_eq!(
        columns,
        ["hour", "identical", "survey_id", "target_unit_id"]
    );
}

#[test]
fn ordinary_traffic_flags_nothing() {
    let h = hall();
    let [first, second] = [h.county.departments[0], h.county.departments[1]];
    for i in 0..20 {
        h.answer(first, None, &varied(i));
    }
    // the same set four times at one unit, and at another unit: below a burst
    for _ in 0..4 {
        h.answer(first, None, &window_answers("satisfied"));
        h.answer(second, None, &window_answers("satisfied"));
    }
    assert_eq!(h.flags(&h.county.organiser), Vec::<Value>::new());
    let web = Web::signed_in(&h.app, "organiser", ORGANISER_PASSWORD);
    let page = web.get(&format!("/dashboard/surveys/{}", h.survey)).text();
    assert!(page.contains("未发现异常"), "{page}");
}

#[test]
fn a_village_far_above_its_share_of_the_people_is_flagged() {
    let h = hall();
    let admin = h.app.admin_token();
    let target = h.county.departments[0];
    let mut villages = vec![h.county.village];
    for name in ["西坡村", "南岭村", "北湾村"] {
        villages.push(
            h.app
                .create_unit(&admin, name, "village", Some(h.county.township)),
        );
    }
    for v in &villages {
        let (status, unit) = h.app.call(
            "PATCH",
            &format!("/api/v1/units/{v}"),
            Some(&h.county.organiser),
            Some(&json!({"population": 1000})),
        );
        assert_eq!(status, 200, "{unit}");
        assert_eq!(unit["population"], 1000);
    }
    let (status, body) = h.app.call(
        "PATCH",
        &format!("/api/v1/units/{}", villages[1]),
        Some(&h.county.organiser),
        Some(&json!({"population": 100_000_001_u64})),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "population");
    for i in 0..12 {
        h.answer(target, Some(villages[0]), &varied(i));
    }
    for (i, v) in villages.iter().enumerate().skip(1) {
        h.answer(target, Some(*v), &varied(20 + i));
    }
    let flags = h.flags(&h.county.organiser);
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0]["kind"], "village_share");
    assert_eq!(flags[0]["unit_id"], villages[0]);
    assert_eq!(flags[0]["village"], "东山村");
    assert_eq!(flags[0]["answers"], 12);
    assert!((flags[0]["population_share"].as_f64().unwrap() - 0.25).abs() < 1e-9);
    let web = Web::signed_in(&h.app, "organiser", ORGANISER_PASSWORD);
    let page = web.get(&format!("/dashboard/surveys/{}", h.survey)).text();
    assert!(page.contains("东山村:12 份答卷"), "{page}");
    // forgetting the populations forgets the flag
    for v in &villages {
        let (status, unit) = h.app.call(
            "PATCH",
            &format!("/api/v1/units/{v}"),
            Some(&h.county.organiser),
            Some(&json!({"population": 0})),
        );
        assert_eq!(status, 200, "{unit}");
        assert!(unit.get("population").is_none(), "{unit}");
    }
    assert!(h.flags(&h.county.organiser).is_empty());
}

#[test]
fn the_units_console_page_sets_and_refuses_a_population() {
    let h = hall();
    let web = Web::signed_in(&h.app, "organiser", ORGANISER_PASSWORD);
    let path = format!("/dashboard/units/{}", h.county.village);
    let page = web.get(&path).text();
    assert!(page.contains("常住人口"), "{page}");
    let csrf = web.csrf();
    let saved = web.post(
        &path,
        &[
            ("csrf", csrf.as_str()),
            ("action", "population"),
            ("population", "1250"),
        ],
    );
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert!(saved.text().contains("已保存东山村的人口"));
    assert!(saved.text().contains("value=\"1250\""));
    let refused = web.post(
        &path,
        &[
            ("csrf", csrf.as_str()),
            ("action", "population"),
            ("population", "很多"),
        ],
    );
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused.text().contains("人口须为 0 至"),
        "{}",
        refused.text()
    );
    let (_, unit) = h.app.call(
        "GET",
        &format!("/api/v1/units/{}", h.county.village),
        Some(&h.county.organiser),
        None,
    );
    assert_eq!(
        unit["population"], 1250,
        "the refused value changed nothing"
    );
}
