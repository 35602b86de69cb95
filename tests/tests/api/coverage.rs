//! Field coverage: every village of a survey's area with its answer count, those with none
//! included, on the JSON API, the officer's sync route and the page; disclosure control for
//! leaders and officers exactly as on the results page; scope and bad input.

use canvass_tests::fixtures::{window_answers as answers, WINDOW_FORM};
use canvass_tests::TestApp;
use serde_json::{json, Value};

use crate::dashboard::{Web, LEADER_PASSWORD};

/// 清河县: 东山镇 with four villages (东山村 7 answers, 南坡村 3, 北岭村 and 空村 none) and
/// 西山镇 with 西山村 (6); 2 answers name no village. The survey belongs to 东山镇 and rates
/// the township's own service.
struct Scene {
    app: TestApp,
    organiser: String,
    survey: i64,
    east: i64,
    villages: Vec<(String, i64)>,
}

fn scene() -> Scene {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let west = app.create_unit(&admin, "西山镇", "township", Some(county));
    // the survey rates the township's own service
    let office = east;
    let mut villages = Vec::new();
    for name in ["东山村", "南坡村", "北岭村", "空村"] {
        villages.push((
            name.to_string(),
            app.create_unit(&admin, name, "village", Some(east)),
        ));
    }
    villages.push((
        "西山村".to_string(),
        app.create_unit(&admin, "西山村", "village", Some(west)),
    ));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    app.create_account(&admin, "east", LEADER_PASSWORD, "leader", east);
    app.create_account(&admin, "west", LEADER_PASSWORD, "leader", west);
    app.create_account(&admin, "officer", "officer-password", "officer", east);
    let organiser = app.login("organiser", "organiser-password");
    let mut definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    definition["title"] =
        json!({"zh-CN": "东山镇便民服务满意度测评", "en": "East town service survey"});
    let (status, body) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&organiser),
        Some(&json!({"definition": definition, "targets": [office], "unit_id": east})),
    );
    assert_eq!(status, 201, "{body}");
    let survey = body["id"].as_i64().unwrap();
    let slug = body["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/surveys/{survey}/publish"),
        Some(&organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let id_of = |name: &str| villages.iter().find(|(n, _)| n == name).unwrap().1;
    for (village, times) in [
        (Some(id_of("东山村")), 7),
        (Some(id_of("南坡村")), 3),
        (Some(id_of("西山村")), 6),
        (None, 2),
    ] {
        for _ in 0..times {
            let mut body =
                json!({"version": 1, "target_unit_id": office, "answers": answers("satisfied")});
            if let Some(v) = village {
                body["respondent_unit_id"] = json!(v);
            }
            let (status, answer) = app.call(
                "POST",
                &format!("/api/v1/public/surveys/{slug}/responses"),
                None,
                Some(&body),
            );
            assert_eq!(status, 201, "{answer}");
        }
    }
    Scene {
        app,
        organiser,
        survey,
        east,
        villages,
    }
}

fn coverage(s: &Scene, token: &str) -> (u16, Value) {
    s.app.call(
        "GET",
        &format!("/api/v1/surveys/{}/coverage", s.survey),
        Some(token),
        None,
    )
}

fn village<'a>(area: &'a Value, name: &str) -> &'a Value {
    area["villages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {area}"))
}

fn area<'a>(c: &'a Value, name: &str) -> &'a Value {
    c["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {c}"))
}

#[test]
fn the_organiser_sees_every_village_with_exact_counts_those_with_none_included() {
    let s = scene();
    let (status, c) = coverage(&s, &s.organiser);
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["exact"], true);
    assert_eq!(c["min_group_size"], 5);
    let east = area(&c, "东山镇");
    assert_eq!(east["unit_id"], s.east);
    assert_eq!(east["without_answers"], 2, "{east}");
    assert_eq!(east["responses"]["value"], 10.0, "{east}");
    assert_eq!(village(east, "东山村")["responses"]["value"], 7.0);
    let small = &village(east, "南坡村")["responses"];
    assert_eq!(small["value"], 3.0, "exact for the organiser: {small}");
    assert!(
        !small["hidden"].is_null(),
        "marked as hidden from leaders: {small}"
    );
    for none in ["北岭村", "空村"] {
        assert_eq!(village(east, none)["responses"]["value"], 0.0, "{east}");
    }
    assert_eq!(
        village(area(&c, "西山镇"), "西山村")["responses"]["value"],
        6.0
    );
    assert_eq!(c["not_stated"]["value"], 2.0);
    let listed: usize = c["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["villages"].as_array().unwrap().len())
        .sum();
    assert_eq!(listed, s.villages.len(), "every village once: {c}");
}

#[test]
fn a_leader_sees_the_villages_of_their_own_area_with_small_counts_hidden() {
    let s = scene();
    let leader = s.app.login("east", LEADER_PASSWORD);
    let (status, c) = coverage(&s, &leader);
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["exact"], false);
    assert_eq!(c["areas"].as_array().unwrap().len(), 1, "only 东山镇: {c}");
    let east = area(&c, "东山镇");
    assert_eq!(village(east, "东山村")["responses"]["value"], 7.0);
    let small = &village(east, "南坡村")["responses"];
    assert!(small["value"].is_null() && small["n"].is_null(), "{small}");
    assert_eq!(small["hidden"]["kind"], "withheld", "{small}");
    assert_eq!(village(east, "北岭村")["responses"]["value"], 0.0);
    // the area total would give the hidden count away by subtraction
    assert!(east["responses"]["value"].is_null(), "{east}");
    assert!(c["not_stated"]["value"].is_null(), "2 answers: hidden {c}");

    // the same cells as the results page hides
    let (_, results) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{}/results", s.survey),
        Some(&leader),
        None,
    );
    for v in results["villages"].as_array().unwrap() {
        let Some(id) = v["unit_id"].as_i64() else {
            continue;
        };
        let Some(c_village) = c["areas"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["villages"].as_array().unwrap())
            .find(|cv| cv["unit_id"] == id)
        else {
            continue;
        };
        assert_eq!(v["responses"], c_village["responses"], "{v} / {c_village}");
    }
}

#[test]
fn out_of_scope_officers_and_bad_ids_are_refused_with_codes() {
    let s = scene();
    let west = s.app.login("west", LEADER_PASSWORD);
    let (status, body) = coverage(&s, &west);
    assert!(status == 403 || status == 404, "{status} {body}");
    assert!(body["error"]["code"].is_string(), "{body}");

    let officer = s.app.login("officer", "officer-password");
    let (status, body) = coverage(&s, &officer);
    assert_eq!(status, 403, "officers read no results: {body}");
    assert_eq!(body["error"]["code"], "forbidden", "{body}");

    let (status, body) = s.app.call(
        "GET",
        "/api/v1/surveys/999999/coverage",
        Some(&s.organiser),
        None,
    );
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "not_found", "{body}");
    let (status, body) = s.app.call(
        "GET",
        "/api/v1/surveys/abc/coverage",
        Some(&s.organiser),
        None,
    );
    assert!((400..500).contains(&status), "{status} {body}");
    let (status, _) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{}/coverage", s.survey),
        None,
        None,
    );
    assert_eq!(status, 401);
}

#[test]
fn the_officers_sync_coverage_lists_their_villages_fewest_first_under_disclosure_control() {
    let s = scene();
    let officer = s.app.login("officer", "officer-password");
    let (status, _, body) = s.app.send(
        "GET",
        "/api/v1/sync/coverage",
        Some(&officer),
        &[("Canvass-Protocol", "1")],
        None,
    );
    assert_eq!(status, 200, "{body}");
    let surveys = body["surveys"].as_array().unwrap();
    assert_eq!(surveys.len(), 1, "{body}");
    let names: Vec<&str> = surveys[0]["villages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 4, "the officer's township only: {body}");
    assert!(!names.contains(&"西山村"), "{body}");
    assert_eq!(names[3], "东山村", "most answers last: {body}");
    assert!(
        names[..2].contains(&"北岭村") && names[..2].contains(&"空村"),
        "{body}"
    );
    assert_eq!(names[2], "南坡村", "{body}");
    let small = &surveys[0]["villages"][2]["responses"];
    assert!(
        small["value"].is_null(),
        "officers get no small counts: {small}"
    );

    let leader = s.app.login("east", LEADER_PASSWORD);
    let (status, _, body) = s.app.send(
        "GET",
        "/api/v1/sync/coverage",
        Some(&leader),
        &[("Canvass-Protocol", "1")],
        None,
    );
    assert_eq!(status, 403, "leaders do not collect: {body}");
}

#[test]
fn the_coverage_page_marks_villages_without_answers_in_the_readers_language() {
    let s = scene();
    let web = Web::signed_in(&s.app, "organiser", "organiser-password");
    let page = web.get(&format!("/dashboard/surveys/{}/coverage", s.survey));
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("东山镇便民服务满意度测评：走访覆盖情况"),
        "{html}"
    );
    assert!(html.contains("5 个村(社区)中，2 个尚无答卷"), "{html}");
    assert_eq!(html.matches("<tr class=\"none\">").count(), 2, "{html}");
    assert!(html.contains("空村") && html.contains("北岭村"));
    // the results page links to it
    let results = web.get(&format!("/dashboard/surveys/{}", s.survey)).text();
    assert!(
        results.contains(&format!("/dashboard/surveys/{}/coverage", s.survey)),
        "{results}"
    );

    let en = web.get(&format!("/dashboard/surveys/{}/coverage?lang=en", s.survey));
    let html = en.text();
    assert!(
        html.contains("East town service survey: field coverage"),
        "{html}"
    );
    assert!(
        html.contains("2 of 5 villages and communities have no answer sheet yet"),
        "{html}"
    );

    let leader = Web::signed_in(&s.app, "west", LEADER_PASSWORD);
    let refused = leader.get(&format!("/dashboard/surveys/{}/coverage", s.survey));
    assert!((400..500).contains(&refused.status), "{}", refused.status);
    let missing = web.get("/dashboard/surveys/nope/coverage");
    assert!((400..500).contains(&missing.status), "{}", missing.status);
}
