use canvass_tests::TestApp;
use serde_json::json;

#[test]
fn an_admin_creates_accounts_only_within_the_subtree() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let west = app.create_unit(&admin, "西河乡", "township", Some(county));
    app.create_account(&admin, "admin.east", "admin-east-password", "admin", east);
    let east_admin = app.login("admin.east", "admin-east-password");

    let ok = app.create_account(
        &east_admin,
        "officer.east",
        "officer-east-pw",
        "officer",
        east,
    );
    let (status, body) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&east_admin),
        Some(&json!({"username": "officer.west", "password": "officer-west-pw", "role": "officer", "unit_id": west})),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "out_of_scope");

    let (_, listed) = app.call("GET", "/api/v1/accounts", Some(&east_admin), None);
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["admin.east", "officer.east"]);
    assert!(!listed.to_string().contains("password_hash"));

    // the installation-wide admin is out of the township admin's reach
    let (status, _) = app.call("GET", "/api/v1/accounts/1", Some(&east_admin), None);
    assert_eq!(status, 403);
    let (status, _) = app.call(
        "PATCH",
        &format!("/api/v1/accounts/{ok}"),
        Some(&east_admin),
        Some(&json!({"unit_id": west})),
    );
    assert_eq!(status, 403);
}

#[test]
fn usernames_are_unique_and_checked() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    app.create_account(&admin, "wang.fang", "wang-fang-password", "leader", county);
    let (status, body) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&admin),
        Some(&json!({"username": "wang.fang", "password": "other-password", "role": "officer", "unit_id": county})),
    );
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "username_taken");
    assert_eq!(body["error"]["field"], "username");
    for (body, field) in [
        (
            json!({"username": "Wang", "password": "long-enough-pw", "role": "officer", "unit_id": county}),
            "username",
        ),
        (
            json!({"username": "wang2", "password": "short", "role": "officer", "unit_id": county}),
            "password",
        ),
        (
            json!({"username": "wang3", "password": "long-enough-pw", "role": "superuser", "unit_id": county}),
            "role",
        ),
        (
            json!({"username": "wang4", "password": "long-enough-pw", "role": "officer", "unit_id": 424_242}),
            "unit_id",
        ),
    ] {
        let (status, answer) = app.call("POST", "/api/v1/accounts", Some(&admin), Some(&body));
        assert!((400..500).contains(&status), "{body} → {status}");
        assert_eq!(answer["error"]["field"], field, "{body} → {answer}");
    }
    let (_, listed) = app.call("GET", "/api/v1/accounts", Some(&admin), None);
    assert_eq!(listed.as_array().unwrap().len(), 2, "nothing half-written");
}

#[test]
fn admins_and_organisers_manage_accounts_below_them_and_everyone_sees_their_own() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let organiser_id = app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    let other = app.create_account(&admin, "leader", "leader-password", "leader", county);
    let organiser = app.login("organiser", "organiser-password");
    let (status, body) = app.call("GET", "/api/v1/accounts", Some(&organiser), None);
    assert_eq!(status, 200, "{body}");
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .all(|a| a["username"] != "admin"),
        "an organiser does not see the installation's administrator: {body}"
    );
    // an organiser gives no role above their own, and cannot touch an administrator
    let (status, body) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&organiser),
        Some(&json!({"username": "new.admin", "password": "new-admin-pw", "role": "admin", "unit_id": county})),
    );
    assert_eq!(status, 403, "{body}");
    let (status, _) = app.call(
        "PATCH",
        &format!("/api/v1/accounts/{other}"),
        Some(&organiser),
        Some(&json!({"role": "admin"})),
    );
    assert_eq!(status, 403);
    let (status, _) = app.call(
        "PATCH",
        "/api/v1/accounts/1",
        Some(&organiser),
        Some(&json!({"disabled": true})),
    );
    assert_eq!(status, 403);

    let leader = app.login("leader", "leader-password");
    let (status, body) = app.call("GET", "/api/v1/accounts", Some(&leader), None);
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "forbidden");
    let (status, _) = app.call(
        "GET",
        &format!("/api/v1/accounts/{other}"),
        Some(&leader),
        None,
    );
    assert_eq!(status, 200);
    let (status, _) = app.call(
        "GET",
        &format!("/api/v1/accounts/{organiser_id}"),
        Some(&leader),
        None,
    );
    assert_eq!(status, 403);
    let (status, _) = app.call(
        "PATCH",
        &format!("/api/v1/accounts/{organiser_id}"),
        Some(&leader),
        Some(&json!({"disabled": true})),
    );
    assert_eq!(status, 403);
}

#[test]
fn an_admin_cannot_lock_themself_out() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (status, body) = app.call(
        "PATCH",
        "/api/v1/accounts/1",
        Some(&admin),
        Some(&json!({"disabled": true})),
    );
    assert_eq!(status, 403, "{body}");
    let (status, _) = app.call("GET", "/api/v1/auth/me", Some(&admin), None);
    assert_eq!(status, 200);
}

#[test]
fn an_admin_can_reset_a_password_which_signs_the_account_out() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let id = app.create_account(&admin, "zhao", "zhao-password-1", "officer", county);
    let token = app.login("zhao", "zhao-password-1");
    let (status, _) = app.call(
        "PATCH",
        &format!("/api/v1/accounts/{id}"),
        Some(&admin),
        Some(&json!({"password": "zhao-password-2"})),
    );
    assert_eq!(status, 200);
    let (status, body) = app.call("GET", "/api/v1/auth/me", Some(&token), None);
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "token_revoked");
    let _ = app.login("zhao", "zhao-password-2");
}
