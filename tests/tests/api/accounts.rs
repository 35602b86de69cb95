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

/// A temporary password as the server makes them: three groups of four (`k7mq-3xrd-pa2w`).
fn is_temporary_password(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 3
        && groups.iter().all(|g| {
            g.len() == 4
                && g.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// The audit entries of `action` by `actor`, as `token` sees them.
fn audited(app: &TestApp, token: &str, action: &str, actor: &str) -> Vec<serde_json::Value> {
    let (status, log) = app.call(
        "GET",
        &format!("/api/v1/audit?action={action}&actor={actor}"),
        Some(token),
        None,
    );
    assert_eq!(status, 200, "{log}");
    log["entries"].as_array().unwrap().clone()
}

fn login_status(app: &TestApp, username: &str, password: &str) -> (u16, serde_json::Value) {
    app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"username": username, "password": password})),
    )
}

#[test]
fn an_account_created_without_a_password_gets_a_temporary_one_answered_once() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let west = app.create_unit(&admin, "西河乡", "township", Some(county));
    app.create_account(&admin, "org.east", "org-east-password", "organiser", east);
    let org = app.login("org.east", "org-east-password");

    let (status, created) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&org),
        Some(&json!({"username": "li.wei", "display_name": "李伟", "role": "officer", "unit_id": east})),
    );
    assert_eq!(status, 201, "{created}");
    let temporary = created["temporary_password"].as_str().unwrap().to_string();
    assert!(is_temporary_password(&temporary), "{created}");
    assert_eq!(created["must_change_password"], true, "{created}");
    assert_eq!(created["username"], "li.wei");
    let id = created["id"].as_i64().unwrap();

    // shown once: never again in the account
    let (_, account) = app.call("GET", &format!("/api/v1/accounts/{id}"), Some(&org), None);
    assert!(account.get("temporary_password").is_none(), "{account}");
    let (_, listed) = app.call("GET", "/api/v1/accounts", Some(&org), None);
    assert!(!listed.to_string().contains(&temporary));

    // it signs in, marked to be changed
    let (status, signed) = login_status(&app, "li.wei", &temporary);
    assert_eq!(status, 200, "{signed}");
    assert_eq!(signed["account"]["must_change_password"], true);
    let entries = audited(&app, &org, "account.create", "org.east");
    assert_eq!(entries.len(), 1, "{entries:?}");

    // with a password given, none is made
    let (status, given) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&org),
        Some(&json!({"username": "zhao", "password": "zhao-password-1", "role": "leader", "unit_id": east})),
    );
    assert_eq!(status, 201, "{given}");
    assert!(given.get("temporary_password").is_none(), "{given}");
    assert_eq!(given["must_change_password"], false);

    // the console's rules: a role above one's own, a unit outside the subtree, bad fields
    let before = app
        .call("GET", "/api/v1/accounts", Some(&admin), None)
        .1
        .as_array()
        .unwrap()
        .len();
    let (status, body) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&org),
        Some(&json!({"username": "boss", "role": "admin", "unit_id": east})),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");
    assert_eq!(body["error"]["field"], "role");
    let (status, body) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&org),
        Some(&json!({"username": "west.officer", "role": "officer", "unit_id": west})),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "out_of_scope");
    let (status, body) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&org),
        Some(&json!({"username": "Bad Name", "display_name": " ", "role": "officer", "unit_id": east})),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid_value");
    let (status, body) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&org),
        Some(&json!({"username": "li.wei", "role": "officer", "unit_id": east})),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "username_taken");
    let (status, _) = app.call(
        "POST",
        "/api/v1/accounts",
        Some(&org),
        Some(&json!({"username": "nobody", "role": "mayor", "unit_id": east})),
    );
    assert!((400..500).contains(&status), "{status}");
    let after = app
        .call("GET", "/api/v1/accounts", Some(&admin), None)
        .1
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before, "nothing stored");
    assert_eq!(audited(&app, &org, "account.create", "org.east").len(), 2);
}

#[test]
fn a_reset_answers_a_temporary_password_once_within_the_consoles_rules() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let west = app.create_unit(&admin, "西河乡", "township", Some(county));
    let org_id = app.create_account(&admin, "org.east", "org-east-password", "organiser", east);
    let officer = app.create_account(&admin, "li.wei", "li-wei-password", "officer", east);
    let west_officer = app.create_account(&admin, "zhou", "zhou-password-1", "officer", west);
    let east_admin = app.create_account(&admin, "admin.east", "admin-east-password", "admin", east);
    let leader = app.create_account(&admin, "wang", "wang-password-1", "leader", east);
    let org = app.login("org.east", "org-east-password");
    let officer_token = app.login("li.wei", "li-wei-password");

    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/accounts/{officer}/reset-password"),
        Some(&org),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let temporary = body["temporary_password"].as_str().unwrap().to_string();
    assert!(is_temporary_password(&temporary), "{body}");
    assert_eq!(body["account"]["id"], officer);
    assert_eq!(body["account"]["must_change_password"], true);

    // signed out everywhere; the old password no longer works, the temporary one does
    let (status, me) = app.call("GET", "/api/v1/auth/me", Some(&officer_token), None);
    assert_eq!(status, 401, "{me}");
    assert_eq!(me["error"]["code"], "token_revoked");
    assert_eq!(login_status(&app, "li.wei", "li-wei-password").0, 401);
    let (status, signed) = login_status(&app, "li.wei", &temporary);
    assert_eq!(status, 200, "{signed}");
    assert_eq!(signed["account"]["must_change_password"], true);
    let entries = audited(&app, &org, "account.reset_password", "org.east");
    assert_eq!(entries.len(), 1, "{entries:?}");

    // refused: one's own account, a role above one's own, another township, a leader, nothing
    let post = |token: &str, id: i64| {
        app.call(
            "POST",
            &format!("/api/v1/accounts/{id}/reset-password"),
            Some(token),
            None,
        )
    };
    let (status, body) = post(&org, org_id);
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");
    let (status, body) = post(&org, east_admin);
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");
    let (status, body) = post(&org, west_officer);
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "out_of_scope");
    let (status, body) = post(&org, 1);
    assert_eq!(status, 403, "{body}");
    let leader_token = app.login("wang", "wang-password-1");
    let (status, body) = post(&leader_token, officer);
    assert_eq!(status, 403, "{body}");
    let (status, body) = post(&org, 999_999);
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "not_found");
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/accounts/{officer}/reset-password"),
        None,
        None,
    );
    assert_eq!(status, 401);
    // in the reader's language
    let (status, _, body) = app.send(
        "POST",
        &format!("/api/v1/accounts/{west_officer}/reset-password"),
        Some(&org),
        &[("Accept-Language", "zh-CN")],
        None,
    );
    assert_eq!(status, 403, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(!message.is_ascii(), "{message}");

    // the refused ones kept their passwords and were not marked
    assert_eq!(login_status(&app, "zhou", "zhou-password-1").0, 200);
    assert_eq!(
        login_status(&app, "admin.east", "admin-east-password").0,
        200
    );
    let (_, wang) = app.call(
        "GET",
        &format!("/api/v1/accounts/{leader}"),
        Some(&admin),
        None,
    );
    assert_eq!(wang["must_change_password"], false);
    assert_eq!(
        audited(&app, &admin, "account.reset_password", "org.east").len(),
        1
    );
}
