use canvass_tests::TestApp;
use serde_json::json;

/// A county with two townships and a village each, plus a leader of each township.
struct Tree {
    county: i64,
    east: i64,
    west: i64,
    east_village: i64,
    west_village: i64,
}

fn tree(app: &TestApp, admin: &str) -> Tree {
    let county = app.create_unit(admin, "清河县", "county", None);
    let east = app.create_unit(admin, "东山镇", "township", Some(county));
    let west = app.create_unit(admin, "西河乡", "township", Some(county));
    let east_village = app.create_unit(admin, "东山村", "village", Some(east));
    let west_village = app.create_unit(admin, "西河村", "village", Some(west));
    Tree {
        county,
        east,
        west,
        east_village,
        west_village,
    }
}

#[test]
fn a_township_leader_gets_403_on_another_townships_unit() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let t = tree(&app, &admin);
    app.create_account(&admin, "leader.east", "leader-east-pw", "leader", t.east);
    let leader = app.login("leader.east", "leader-east-pw");

    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/units/{}", t.east_village),
        Some(&leader),
        None,
    );
    assert_eq!(status, 200, "{body}");
    for other in [t.west, t.west_village, t.county] {
        let (status, body) = app.call(
            "GET",
            &format!("/api/v1/units/{other}"),
            Some(&leader),
            None,
        );
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "out_of_scope");
        assert!(
            body.get("name").is_none() && !body.to_string().contains("西河"),
            "no figures leak: {body}"
        );
    }
}

#[test]
fn listing_units_shows_only_the_callers_subtree() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let t = tree(&app, &admin);
    app.create_account(&admin, "officer.west", "officer-west-pw", "officer", t.west);
    let officer = app.login("officer.west", "officer-west-pw");
    let (status, body) = app.call("GET", "/api/v1/units", Some(&officer), None);
    assert_eq!(status, 200);
    let ids: Vec<i64> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![t.west, t.west_village]);
    let (_, all) = app.call("GET", "/api/v1/units", Some(&admin), None);
    assert_eq!(all.as_array().unwrap().len(), 5);
    let (_, villages) = app.call("GET", "/api/v1/units?kind=village", Some(&admin), None);
    assert_eq!(villages.as_array().unwrap().len(), 2);
    assert_eq!(
        villages[0]["path"],
        json!([t.county, t.east, t.east_village])
    );
}

#[test]
fn units_must_follow_the_tree_shape() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let t = tree(&app, &admin);
    let cases = [
        (
            json!({"name": "x", "kind": "village", "parent_id": t.county}),
            "invalid_parent",
        ),
        (json!({"name": "x", "kind": "township"}), "invalid_parent"),
        (
            json!({"name": "x", "kind": "county", "parent_id": t.county}),
            "invalid_parent",
        ),
        (
            json!({"name": "  ", "kind": "township", "parent_id": t.county}),
            "invalid_value",
        ),
        (
            json!({"name": "x".repeat(101), "kind": "township", "parent_id": t.county}),
            "invalid_value",
        ),
        (
            json!({"name": "x", "kind": "province", "parent_id": t.county}),
            "invalid_value",
        ),
        (
            json!({"name": "x", "kind": "village", "parent_id": 999_999}),
            "not_found",
        ),
    ];
    for (body, code) in cases {
        let (status, answer) = app.call("POST", "/api/v1/units", Some(&admin), Some(&body));
        assert!((400..500).contains(&status), "{body} → {status} {answer}");
        assert_eq!(answer["error"]["code"], code, "{body} → {answer}");
    }
    let (_, all) = app.call("GET", "/api/v1/units", Some(&admin), None);
    assert_eq!(all.as_array().unwrap().len(), 5, "nothing was written");
}

#[test]
fn an_organiser_manages_units_only_within_the_subtree() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let t = tree(&app, &admin);
    app.create_account(&admin, "org.east", "org-east-password", "organiser", t.east);
    let organiser = app.login("org.east", "org-east-password");
    let village = app.create_unit(&organiser, "桃园村", "village", Some(t.east));
    let (status, body) = app.call(
        "POST",
        "/api/v1/units",
        Some(&organiser),
        Some(&json!({"name": "y", "kind": "village", "parent_id": t.west})),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "out_of_scope");
    let (status, _) = app.call(
        "PATCH",
        &format!("/api/v1/units/{village}"),
        Some(&organiser),
        Some(&json!({"name": "桃园新村"})),
    );
    assert_eq!(status, 200);
    let (status, _) = app.call(
        "DELETE",
        &format!("/api/v1/units/{}", t.west_village),
        Some(&organiser),
        None,
    );
    assert_eq!(status, 403);
    let (status, _) = app.call(
        "DELETE",
        &format!("/api/v1/units/{village}"),
        Some(&organiser),
        None,
    );
    assert_eq!(status, 204);
}

#[test]
fn leaders_and_officers_cannot_change_units() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let t = tree(&app, &admin);
    app.create_account(&admin, "leader.east", "leader-east-pw", "leader", t.east);
    let leader = app.login("leader.east", "leader-east-pw");
    let (status, body) = app.call(
        "POST",
        "/api/v1/units",
        Some(&leader),
        Some(&json!({"name": "x", "kind": "village", "parent_id": t.east})),
    );
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "forbidden");
    let (status, _) = app.call(
        "PATCH",
        &format!("/api/v1/units/{}", t.east_village),
        Some(&leader),
        Some(&json!({"name": "x"})),
    );
    assert_eq!(status, 403);
}

#[test]
fn moving_a_unit_carries_its_subtree_and_scope_along() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let t = tree(&app, &admin);
    let community = app.create_unit(&admin, "石桥社区", "community", Some(t.east));
    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/units/{community}"),
        Some(&admin),
        Some(&json!({"parent_id": t.west})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["path"], json!([t.county, t.west, community]));
    app.create_account(&admin, "leader.west", "leader-west-pw", "leader", t.west);
    let leader = app.login("leader.west", "leader-west-pw");
    let (status, _) = app.call(
        "GET",
        &format!("/api/v1/units/{community}"),
        Some(&leader),
        None,
    );
    assert_eq!(status, 200);
    // a unit cannot go under its own subtree, nor under the wrong kind
    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/units/{}", t.west),
        Some(&admin),
        Some(&json!({"parent_id": t.west_village})),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid_parent");
}

#[test]
fn a_unit_in_use_cannot_be_deleted() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let t = tree(&app, &admin);
    let (status, body) = app.call(
        "DELETE",
        &format!("/api/v1/units/{}", t.east),
        Some(&admin),
        None,
    );
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "unit_in_use");
    app.create_account(
        &admin,
        "someone",
        "someone-password",
        "officer",
        t.west_village,
    );
    let (status, _) = app.call(
        "DELETE",
        &format!("/api/v1/units/{}", t.west_village),
        Some(&admin),
        None,
    );
    assert_eq!(status, 409);
    let (status, _) = app.call(
        "DELETE",
        &format!("/api/v1/units/{}", t.east_village),
        Some(&admin),
        None,
    );
    assert_eq!(status, 204);
    let (status, _) = app.call(
        "GET",
        &format!("/api/v1/units/{}", t.east_village),
        Some(&admin),
        None,
    );
    assert_eq!(status, 404);
}
