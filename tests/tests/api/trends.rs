//! Trends across periods: a survey series over three periods (a unit picked for rectification
//! that improves and one that does not, and two units hidden by disclosure control), a round
//! series over three rounds, the series and period of a survey set and refused through the
//! API, scope and unknown series.

use canvass_tests::fixtures::WINDOW_FORM;
use canvass_tests::TestApp;
use serde_json::{json, Value};

pub(crate) const SERIES: &str = "县直部门窗口服务满意度测评";
pub(crate) const PERIODS: [&str; 3] = ["2026年第一季度", "2026年第二季度", "2026年第三季度"];

/// 清河县 with four departments rated each quarter: 甲局 (picked for rectification in the
/// first quarter, then much better), 乙局 (picked in the first, worse in the second, picked
/// again and better in the third), 丙局 (6 answers a quarter, hidden as the complement of
/// 丁局's 3); 东山镇 with a leader of its own, who sees none of it.
pub(crate) struct Scene {
    pub app: TestApp,
    pub organiser: String,
    /// (name, id): 甲局, 乙局, 丙局, 丁局.
    pub units: Vec<(&'static str, i64)>,
    pub surveys: Vec<i64>,
}

/// An answer set rating every rating question `grade`.
fn rated(grade: &str) -> Value {
    let mut answers = json!({
        "visit_purpose": "enquiry",
        "overall": grade,
        "attitude": grade,
        "efficiency": grade,
        "score": 8
    });
    if grade == "dissatisfied" {
        answers["dissatisfied_reasons"] = json!(["long_wait"]);
    }
    answers
}

pub(crate) fn scene() -> Scene {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let units: Vec<(&'static str, i64)> = ["甲局", "乙局", "丙局", "丁局"]
        .into_iter()
        .map(|name| {
            (
                name,
                app.create_unit(&admin, name, "department", Some(county)),
            )
        })
        .collect();
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    app.create_account(&admin, "leader", "leader-password", "leader", county);
    app.create_account(&admin, "east", "leader-password", "leader", east);
    app.create_account(&admin, "officer", "officer-password", "officer", county);
    let organiser = app.login("organiser", "organiser-password");
    let targets: Vec<i64> = units.iter().map(|u| u.1).collect();
    // per quarter and unit: the grades answered
    let s = "satisfied";
    let d = "dissatisfied";
    let b = "basically_satisfied";
    let quarters: [[Vec<&str>; 4]; 3] = [
        [
            vec![d; 7],
            [vec![s; 4], vec![d; 3]].concat(),
            vec![s; 6],
            vec![s; 3],
        ],
        [vec![s; 7], vec![d; 7], vec![s; 6], vec![s; 3]],
        [vec![s; 7], vec![b; 7], vec![s; 6], vec![s; 3]],
    ];
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let mut surveys = Vec::new();
    for (period, answers) in PERIODS.iter().zip(&quarters) {
        let (status, survey) = app.call(
            "POST",
            "/api/v1/surveys",
            Some(&organiser),
            Some(
                &json!({"definition": definition, "targets": targets, "unit_id": county,
                         "series": SERIES, "period": period}),
            ),
        );
        assert_eq!(status, 201, "{survey}");
        assert_eq!(
            (survey["series"].as_str(), survey["period"].as_str()),
            (Some(SERIES), Some(*period))
        );
        let id = survey["id"].as_i64().unwrap();
        let (status, body) = app.call(
            "POST",
            &format!("/api/v1/surveys/{id}/publish"),
            Some(&organiser),
            None,
        );
        assert_eq!(status, 200, "{body}");
        let slug = body["public_url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        for (unit, grades) in targets.iter().zip(answers) {
            for grade in grades {
                let (status, body) = app.call(
                    "POST",
                    &format!("/api/v1/public/surveys/{slug}/responses"),
                    None,
                    Some(&json!({"version": 1, "target_unit_id": unit, "answers": rated(grade)})),
                );
                assert_eq!(status, 201, "{body}");
            }
        }
        surveys.push(id);
    }
    // a draft of the series is not a period yet
    let (status, body) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&organiser),
        Some(
            &json!({"definition": definition, "targets": targets, "unit_id": county,
                     "series": SERIES, "period": "2026年第四季度"}),
        ),
    );
    assert_eq!(status, 201, "{body}");
    Scene {
        app,
        organiser,
        units,
        surveys,
    }
}

pub(crate) fn trend_path() -> String {
    format!("/api/v1/trends/surveys/{}", urlencoding(SERIES))
}

/// Percent-encodes a path segment.
pub(crate) fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn unit<'a>(trend: &'a Value, name: &str) -> &'a Value {
    trend["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {trend}"))
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-6)
}

#[test]
fn a_survey_series_shows_every_unit_per_period_and_whether_the_rectified_units_improved() {
    let s = scene();
    let (status, trend) = s.app.call("GET", &trend_path(), Some(&s.organiser), None);
    assert_eq!(status, 200, "{trend}");
    assert_eq!(trend["series"], SERIES);
    assert_eq!(trend["exact"], true);
    let periods = trend["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 3, "the draft is no period: {trend}");
    for (i, p) in periods.iter().enumerate() {
        assert_eq!(p["survey_id"], s.surveys[i]);
        assert_eq!(p["period"], PERIODS[i]);
        assert_eq!(
            p["ranked"], 2,
            "丙局 and 丁局 are hidden, so not ranked: {p}"
        );
    }
    let jia = unit(&trend, "甲局");
    let scores: Vec<f64> = jia["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["composite_score"]["value"].as_f64().unwrap())
        .collect();
    assert_eq!(scores, [0.0, 100.0, 100.0]);
    let ranks: Vec<&Value> = jia["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["rank"])
        .collect();
    assert_eq!(ranks, [&json!(2), &json!(1), &json!(1)]);
    assert!(jia["points"][0]["rank_change"].is_null());
    assert_eq!(jia["points"][1]["rank_change"], 1);
    assert_eq!(jia["points"][2]["rank_change"], 0);
    assert_eq!(jia["points"][0]["rectify"], true);
    assert_eq!(jia["points"][1]["rectify"], false);
    assert!(close(&jia["points"][1]["satisfaction_rate"]["value"], 1.0));
    let yi = unit(&trend, "乙局");
    assert!(
        close(&yi["points"][0]["composite_score"]["value"], 400.0 / 7.0),
        "{yi}"
    );
    assert_eq!(yi["points"][1]["rank_change"], -1);
    assert_eq!(yi["points"][1]["rectify"], true);
    assert!(
        close(&yi["points"][2]["composite_score"]["value"], 60.0),
        "{yi}"
    );
    assert_eq!(yi["points"][2]["responses"]["value"], 7.0);
    // the organiser sees the hidden units' exact figures, marked as hidden from leaders
    let ding = &unit(&trend, "丁局")["points"][0];
    assert_eq!(ding["responses"]["value"], 3.0, "{ding}");
    assert!(!ding["responses"]["hidden"].is_null(), "{ding}");
    assert!(ding["rank"].is_null(), "{ding}");

    let follow: Vec<(i64, i64, Option<bool>)> = trend["rectification"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["unit_id"].as_i64().unwrap(),
                r["survey_id"].as_i64().unwrap(),
                r["improved"].as_bool(),
            )
        })
        .collect();
    let (jia_id, yi_id) = (s.units[0].1, s.units[1].1);
    assert_eq!(
        follow,
        [
            (yi_id, s.surveys[0], Some(false)),
            (jia_id, s.surveys[0], Some(true)),
            (yi_id, s.surveys[1], Some(true)),
        ],
        "{}",
        trend["rectification"]
    );
    let first = &trend["rectification"][1];
    assert_eq!(first["next_survey_id"], s.surveys[1]);
    assert_eq!(
        (first["rank_before"].as_u64(), first["rank_after"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(close(&first["score_before"], 0.0) && close(&first["score_after"]["value"], 100.0));

    // the same figures as each period's results
    for (i, id) in s.surveys.iter().enumerate() {
        let (_, results) = s.app.call(
            "GET",
            &format!("/api/v1/surveys/{id}/results"),
            Some(&s.organiser),
            None,
        );
        let rectified: Vec<i64> = results["rectification"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["unit_id"].as_i64().unwrap())
            .collect();
        for t in results["targets"].as_array().unwrap() {
            let point = &unit(&trend, t["name"].as_str().unwrap())["points"][i];
            assert_eq!(
                point["composite_score"], t["composite_score"],
                "{point} {t}"
            );
            assert_eq!(point["satisfaction_rate"], t["satisfaction_rate"]);
            assert_eq!(point["responses"], t["responses"]);
            assert_eq!(point["rank"], t["rank"]);
            assert_eq!(
                point["rectify"],
                rectified.contains(&t["unit_id"].as_i64().unwrap())
            );
        }
    }
}

#[test]
fn a_leader_sees_the_trend_with_the_cells_the_results_hide_them() {
    let s = scene();
    let leader = s.app.login("leader", "leader-password");
    let (status, trend) = s.app.call("GET", &trend_path(), Some(&leader), None);
    assert_eq!(status, 200, "{trend}");
    assert_eq!(trend["exact"], false);
    for name in ["丙局", "丁局"] {
        for point in unit(&trend, name)["points"].as_array().unwrap() {
            for figure in ["responses", "satisfaction_rate", "composite_score"] {
                let f = &point[figure];
                assert!(f["value"].is_null() && f["n"].is_null(), "{name}: {f}");
                assert_eq!(f["hidden"], json!({"kind": "withheld"}), "{name}: {f}");
            }
        }
    }
    for (i, id) in s.surveys.iter().enumerate() {
        let (_, results) = s.app.call(
            "GET",
            &format!("/api/v1/surveys/{id}/results"),
            Some(&leader),
            None,
        );
        for t in results["targets"].as_array().unwrap() {
            let point = &unit(&trend, t["name"].as_str().unwrap())["points"][i];
            assert_eq!(point["composite_score"], t["composite_score"]);
            assert_eq!(point["responses"], t["responses"]);
            assert_eq!(point["rank"], t["rank"]);
        }
    }
    assert_eq!(trend["rectification"].as_array().unwrap().len(), 3);
    let text = trend.to_string();
    assert!(
        !text.contains("\"value\":3.0") && !text.contains("\"n\":3,"),
        "no small count: {text}"
    );
}

#[test]
fn trends_are_out_of_reach_outside_the_scope_and_an_unknown_series_is_not_found() {
    let s = scene();
    let east = s.app.login("east", "leader-password");
    let (status, body) = s.app.call("GET", &trend_path(), Some(&east), None);
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "out_of_scope");
    assert!(!body.to_string().contains("甲局"), "{body}");
    let (status, list) = s.app.call("GET", "/api/v1/trends", Some(&east), None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(list, json!({"surveys": [], "rounds": []}));

    let officer = s.app.login("officer", "officer-password");
    let (status, body) = s.app.call("GET", &trend_path(), Some(&officer), None);
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");

    for path in [
        format!("/api/v1/trends/surveys/{}", urlencoding("没有的系列")),
        "/api/v1/trends/rounds/no-such-series".to_string(),
    ] {
        let (status, body) = s.app.call("GET", &path, Some(&s.organiser), None);
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"]["code"], "not_found", "{body}");
    }
    let (status, body) = s.app.call("GET", "/api/v1/trends/surveys/x", None, None);
    assert_eq!(status, 401, "{body}");

    let (status, list) = s
        .app
        .call("GET", "/api/v1/trends", Some(&s.organiser), None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["surveys"], json!([{"series": SERIES, "periods": 3}]));
}

#[test]
fn a_survey_is_put_in_a_series_on_edit_and_a_bad_series_or_period_changes_nothing() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let office = app.create_unit(&admin, "县人社局", "department", Some(county));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    let organiser = app.login("organiser", "organiser-password");
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&organiser),
        Some(&json!({"definition": definition, "targets": [office], "unit_id": county})),
    );
    assert_eq!(status, 201, "{survey}");
    assert!(
        survey.get("series").is_none() && survey.get("period").is_none(),
        "{survey}"
    );
    let path = format!("/api/v1/surveys/{}", survey["id"]);
    let (status, body) = app.call(
        "PATCH",
        &path,
        Some(&organiser),
        Some(&json!({"series": "  人社局窗口测评 ", "period": "2026年度"})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["series"].as_str(), body["period"].as_str()),
        (Some("人社局窗口测评"), Some("2026年度"))
    );

    for (patch, field) in [
        (
            json!({"series": "长".repeat(101), "period": "2027年度"}),
            "series",
        ),
        (json!({"period": "2026\u{7}年度"}), "period"),
    ] {
        let (status, body) = app.call("PATCH", &path, Some(&organiser), Some(&patch));
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "invalid_value", "{body}");
        assert_eq!(body["error"]["field"], field, "{body}");
        let (_, now) = app.call("GET", &path, Some(&organiser), None);
        assert_eq!(
            (now["series"].as_str(), now["period"].as_str()),
            (Some("人社局窗口测评"), Some("2026年度")),
            "nothing written"
        );
    }
    let (status, body) = app.call("POST", "/api/v1/surveys", Some(&organiser),
        Some(&json!({"definition": definition, "targets": [office], "unit_id": county, "series": "x".repeat(101)})));
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "series");
    let (_, list) = app.call("GET", "/api/v1/surveys", Some(&organiser), None);
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing created");

    // an empty string takes the survey out of its series
    let (status, body) = app.call(
        "PATCH",
        &path,
        Some(&organiser),
        Some(&json!({"series": ""})),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.get("series").is_none(), "{body}");
    assert_eq!(body["period"], "2026年度");
}

// ----- round series -----

struct Series {
    app: TestApp,
    organiser: String,
    officials: Vec<i64>,
    rounds: Vec<i64>,
}

/// 青山镇's officials 王建国 and 李明 graded by 6 cadres in three rounds of one series: 李明
/// gets 2 of 6 incompetent in 2024 and 2025 (flagged in 2025 by the two-round rule) and none
/// in 2026, when he overtakes 王建国; the 2026 round is closed but not published.
fn rounds() -> Series {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let township = app.create_unit(&admin, "青山镇", "township", Some(county));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    app.create_account(&admin, "leader", "leader-password", "leader", township);
    let organiser = app.login("organiser", "organiser-password");
    let officials: Vec<i64> = ["王建国", "李明"]
        .iter()
        .map(|name| {
            let (status, body) = app.call(
                "POST",
                "/api/v1/officials",
                Some(&organiser),
                Some(&json!({"unit_id": township, "name": name, "position": "干部"})),
            );
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().unwrap()
        })
        .collect();
    let mut ids = Vec::new();
    for (period, li_bad, wang) in [
        ("2024年度", 2, "competent"),
        ("2025年度", 2, "competent"),
        ("2026年度", 0, "basically_competent"),
    ] {
        let definition = json!({
            "period": period,
            "series": {"id": "qingshan-annual", "name": "青山镇领导班子年度民主测评"},
            "officials": [
                {"official_id": officials[0], "name": "王建国", "position": "党委书记"},
                {"official_id": officials[1], "name": "李明", "position": "镇长"}
            ],
            "elector_groups": [{"id": "cadres", "label": "干部", "weight": 1.0}],
            "flag_rules": [
                {"id": "incompetent_two_rounds", "label": "连续两年不称职票达到20%", "applies_to": "official",
                 "condition": {"kind": "share", "grades": ["incompetent"], "comparison": "at_least", "threshold": "20%", "basis": "votes"},
                 "consecutive_rounds": 2}
            ]
        });
        let (status, round) = app.call(
            "POST",
            "/api/v1/rounds",
            Some(&organiser),
            Some(&json!({"definition": definition, "unit_id": township})),
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
        let act = |action: &str| {
            let (status, body) = app.call(
                "POST",
                &format!("/api/v1/rounds/{id}/{action}"),
                Some(&organiser),
                None,
            );
            assert_eq!(status, 200, "{action}: {body}");
        };
        act("open");
        let (status, body) = app.call(
            "POST",
            &format!("/api/v1/rounds/{id}/codes"),
            Some(&organiser),
            Some(&json!({"elector_group": "cadres", "count": 6})),
        );
        assert_eq!(status, 201, "{body}");
        for (i, code) in body["codes"].as_array().unwrap().iter().enumerate() {
            let li = if i < li_bad {
                "incompetent"
            } else {
                "excellent"
            };
            let wang = if i == 0 && wang == "competent" {
                "excellent"
            } else {
                wang
            };
            let marks = json!([
                {"subject": {"official": officials[0]}, "grade": wang},
                {"subject": {"official": officials[1]}, "grade": li}
            ]);
            let (status, body) = app.call(
                "POST",
                &format!("/api/v1/public/rounds/{slug}/ballots"),
                None,
                Some(&json!({"code": code, "ballot": {"elector_group": "", "marks": marks}})),
            );
            assert_eq!(status, 201, "{body}");
        }
        act("close");
        if period != "2026年度" {
            act("publish");
        }
        ids.push(id);
    }
    Series {
        app,
        organiser,
        officials,
        rounds: ids,
    }
}

fn official<'a>(trend: &'a Value, name: &str) -> &'a Value {
    trend["officials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {trend}"))
}

fn share(point: &Value, grade: &str) -> f64 {
    point["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["grade"] == grade)
        .map_or(0.0, |s| s["share"].as_f64().unwrap())
}

#[test]
fn a_round_series_shows_each_officials_grades_rank_change_and_flags_per_round() {
    let r = rounds();
    let (status, trend) = r.app.call(
        "GET",
        "/api/v1/trends/rounds/qingshan-annual",
        Some(&r.organiser),
        None,
    );
    assert_eq!(status, 200, "{trend}");
    assert_eq!(trend["series_name"], "青山镇领导班子年度民主测评");
    let periods: Vec<&str> = trend["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, PERIODS_OF_ROUNDS);
    assert_eq!(trend["periods"][2]["status"], "closed");
    let li = official(&trend, "李明");
    assert_eq!(li["official_id"], r.officials[1]);
    let p = li["points"].as_array().unwrap();
    assert!(
        (share(&p[0], "incompetent") - 2.0 / 6.0).abs() < 1e-9,
        "{li}"
    );
    assert!((share(&p[2], "excellent") - 1.0).abs() < 1e-9, "{li}");
    assert_eq!(p[0]["flags"], json!([]), "one round is not two");
    assert_eq!(p[1]["flags"], json!(["连续两年不称职票达到20%"]), "{li}");
    assert_eq!(p[2]["flags"], json!([]));
    assert_eq!(
        (p[1]["rank"].as_u64(), p[2]["rank"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(p[2]["rank_change"], 1);
    let wang = official(&trend, "王建国");
    assert_eq!(wang["points"][2]["rank_change"], -1);
    assert_eq!(
        wang["points"][2]["result_grade"], "basically_competent",
        "{wang}"
    );

    // the same flags as the round's own report
    let (_, report) = r.app.call(
        "GET",
        &format!("/api/v1/rounds/{}/results", r.rounds[1]),
        Some(&r.organiser),
        None,
    );
    assert_eq!(
        report["flags"].as_array().unwrap().len(),
        1,
        "{}",
        report["flags"]
    );
}

const PERIODS_OF_ROUNDS: [&str; 3] = ["2024年度", "2025年度", "2026年度"];

#[test]
fn a_leader_follows_only_the_published_rounds_of_a_series_in_scope() {
    let r = rounds();
    let leader = r.app.login("leader", "leader-password");
    let (status, trend) = r.app.call(
        "GET",
        "/api/v1/trends/rounds/qingshan-annual",
        Some(&leader),
        None,
    );
    assert_eq!(status, 200, "{trend}");
    assert_eq!(trend["exact"], false);
    assert_eq!(
        trend["periods"].as_array().unwrap().len(),
        2,
        "2026 is not published: {trend}"
    );
    assert!(trend["periods"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["round_id"] != r.rounds[2]));
    let (status, list) = r.app.call("GET", "/api/v1/trends", Some(&leader), None);
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list["rounds"],
        json!([{"series_id": "qingshan-annual", "series_name": "青山镇领导班子年度民主测评", "periods": 2}])
    );
    assert_eq!(list["surveys"], json!([]));
}

// ----- pages -----

fn page_path() -> String {
    format!("/dashboard/trends/surveys/{}", urlencoding(SERIES))
}

#[test]
fn the_trend_pages_show_a_leader_the_series_with_hidden_cells_hidden_and_link_from_the_survey() {
    let s = scene();
    let web = crate::dashboard::Web::signed_in(&s.app, "leader", "leader-password");
    let list = web.get("/dashboard/trends");
    assert_eq!(list.status, 200);
    let html = list.text();
    assert!(html.contains(&page_path()), "{html}");
    assert!(html.contains("3 期"), "{html}");
    assert!(
        web.get("/dashboard")
            .text()
            .contains("href=\"/dashboard/trends\""),
        "the navigation links the trends"
    );

    let page = web.get(&page_path());
    assert_eq!(page.status, 200);
    let html = page.text();
    for words in [
        "最近一期: 2026年第三季度",
        "整改单位下一期是否改进",
        "甲局",
        "乙局",
        "<svg class=\"chart\"",
        "隐藏*",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    // 乙局 is picked in the latest period and drawn; the follow-up says 否 for its first fall
    assert!(html.contains("单位各期变化: 乙局"), "{html}");
    assert!(
        html.contains("<strong class=\"flagged\">否</strong>"),
        "{html}"
    );
    assert!(
        !html.contains(">3<") && !html.contains(">6<"),
        "no hidden count on the page: {html}"
    );
    // a unit chosen from the table
    let html = web
        .get(&format!("{}?unit={}", page_path(), s.units[0].1))
        .text();
    assert!(html.contains("单位各期变化: 甲局"), "{html}");
    assert!(html.contains("↑1"), "{html}");

    let survey = web
        .get(&format!("/dashboard/surveys/{}", s.surveys[1]))
        .text();
    assert!(
        survey.contains(&format!("href=\"{}\"", page_path())),
        "{survey}"
    );

    let english = web.get(&format!("{}?lang=en", page_path())).text();
    assert!(
        english.contains("Did the units picked for rectification improve?"),
        "{english}"
    );
}

#[test]
fn a_trend_page_outside_the_scope_or_of_no_series_says_so_and_shows_nothing() {
    let s = scene();
    let east = crate::dashboard::Web::signed_in(&s.app, "east", "leader-password");
    let page = east.get(&page_path());
    assert_eq!(page.status, 403);
    assert!(!page.text().contains("甲局"));
    let organiser = crate::dashboard::Web::signed_in(&s.app, "organiser", "organiser-password");
    for path in [
        "/dashboard/trends/surveys/%E6%97%A0",
        "/dashboard/trends/rounds/nothing",
    ] {
        let page = organiser.get(path);
        assert_eq!(page.status, 404, "{path}");
    }
    let html = east.get("/dashboard/trends").text();
    assert!(html.contains("还没有测评系列"), "{html}");
}

#[test]
fn the_organiser_puts_a_survey_in_a_series_on_its_page() {
    let s = scene();
    let web = crate::dashboard::Web::signed_in(&s.app, "organiser", "organiser-password");
    let id = s.surveys[0];
    let html = web.get(&format!("/dashboard/surveys/{id}")).text();
    assert!(
        html.contains(&format!("value=\"{SERIES}\"")) && html.contains("value=\"2026年第一季度\""),
        "{html}"
    );
    let csrf = web.csrf();
    let page = web.post(
        &format!("/dashboard/surveys/{id}/series"),
        &[
            ("csrf", &csrf),
            ("series", "另一系列"),
            ("period", "2025年度"),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.text());
    let (_, survey) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(
        (survey["series"].as_str(), survey["period"].as_str()),
        (Some("另一系列"), Some("2025年度"))
    );
    // a bad one is refused and changes nothing; without the CSRF token nothing happens
    let long = "长".repeat(101);
    let page = web.post(
        &format!("/dashboard/surveys/{id}/series"),
        &[("csrf", &csrf), ("series", &long), ("period", "")],
    );
    assert_eq!(page.status, 422);
    assert!(page.text().contains("系列名称"), "{}", page.text());
    let page = web.post(
        &format!("/dashboard/surveys/{id}/series"),
        &[("series", "x")],
    );
    assert_eq!(page.status, 403);
    let (_, survey) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(survey["series"], "另一系列");
    let (_, entries) = s.app.call("GET", "/api/v1/audit", Some(&s.organiser), None);
    assert!(
        entries.to_string().contains(&format!("survey:{id}")),
        "the change is audited: {entries}"
    );
}

#[test]
fn the_round_trend_page_shows_the_grades_and_flags_and_the_round_page_links_it() {
    let r = rounds();
    let web = crate::dashboard::Web::signed_in(&r.app, "organiser", "organiser-password");
    let page = web.get("/dashboard/trends/rounds/qingshan-annual");
    assert_eq!(page.status, 200);
    let html = page.text();
    for words in [
        "青山镇领导班子年度民主测评",
        "最近一期: 2026年度",
        "优秀",
        "不称职",
        "⚑ 连续两年不称职票达到20%",
        "↑1",
        "<svg class=\"chart\"",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    let round = web
        .get(&format!("/dashboard/rounds/{}", r.rounds[0]))
        .text();
    assert!(
        round.contains("href=\"/dashboard/trends/rounds/qingshan-annual\""),
        "{round}"
    );
    let leader = crate::dashboard::Web::signed_in(&r.app, "leader", "leader-password");
    let html = leader
        .get("/dashboard/trends/rounds/qingshan-annual")
        .text();
    assert!(
        html.contains("最近一期: 2025年度"),
        "the unpublished round is left out: {html}"
    );
}

#[test]
fn an_xlsform_settings_sheet_puts_the_uploaded_survey_in_its_series() {
    let s = scene();
    let web = crate::dashboard::Web::signed_in(&s.app, "organiser", "organiser-password");
    let csrf = web.csrf();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheets: [(&str, &[&[&str]]); 2] = [
        (
            "survey",
            &[
                &["type", "name", "label"],
                &["rating", "overall", "总体评价"],
            ],
        ),
        (
            "settings",
            &[
                &["form_title", "series", "period"],
                &["窗口满意度", SERIES, "2026年第四季度"],
            ],
        ),
    ];
    for (name, rows) in sheets {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet
                    .write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *cell)
                    .unwrap();
            }
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let fields = vec![
        ("csrf", csrf),
        ("kind", "survey".to_string()),
        ("targets", s.units[0].1.to_string()),
    ];
    let created = crate::dashboard::upload_file(&web, "", &fields, Some(("form.xlsx", &bytes)));
    assert_eq!(created.status, 303, "{}", created.text());
    let id = created.location_id();
    let (_, survey) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(
        (survey["series"].as_str(), survey["period"].as_str()),
        (Some(SERIES), Some("2026年第四季度")),
        "{survey}"
    );
}

#[test]
fn the_overview_says_what_changed_since_the_last_period_at_the_top() {
    let s = scene();
    let web = crate::dashboard::Web::signed_in(&s.app, "leader", "leader-password");
    let html = web.get("/dashboard").text();
    let glance = &html[html.find("id=\"glance\"").expect("the glance section")..];
    let glance = &glance[..glance.find("</section>").unwrap()];
    // the last two of the three periods: nobody moved; 乙局, picked in the second, scored
    // higher in the third
    assert!(
        glance.contains(&format!("href=\"{}\"", page_path())),
        "{glance}"
    );
    assert!(
        glance.contains(&format!("{} 对比 {}", PERIODS[2], PERIODS[1])),
        "{glance}"
    );
    assert!(
        glance.contains("排名上升 0 个单位，下降 0 个；上一期整改的单位中可比 1 个，得分提高 1 个"),
        "{glance}"
    );
    assert!(glance.contains("正在进行"), "{glance}");
    let english = web.get("/dashboard?lang=en").text();
    assert!(
        english.contains("of the 1 units rectifying since the period before that can be compared, 1 scored higher"),
        "{english}"
    );
}
