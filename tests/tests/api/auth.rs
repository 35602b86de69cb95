use canvass_tests::{TestApp, ADMIN_PASSWORD};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};

fn login(app: &TestApp, body: &Value) -> (u16, Value) {
    app.call("POST", "/api/v1/auth/login", None, Some(body))
}

/// Counts two more failed sign-ins for a throttle `key` (as from the same attacker a moment
/// later) through the server's own storage code, so that its wait is 4 s: long enough that the
/// next request surely falls within it however slow the machine. The first wait, 1 s counted
/// in whole seconds, may be over as soon as the clock's second turns.
fn two_more_failures(app: &TestApp, key: &str, free: i64) {
    use canvass_server::db;
    let (pool, _) = db::open(app.db.url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    for _ in 0..2 {
        db::throttle::record_failure(&mut conn, key, db::now()).unwrap();
    }
    assert!(db::throttle::wait_secs(&mut conn, key, free, db::now()).unwrap() >= 3);
}

#[test]
fn login_with_the_right_password_returns_a_working_token() {
    let app = TestApp::spawn();
    let (status, body) = login(
        &app,
        &json!({"username": "admin", "password": ADMIN_PASSWORD}),
    );
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap();
    assert!(body["expires_at"].as_i64().unwrap() > 0);
    assert_eq!(body["kind"], "session");
    let (status, me) = app.call("GET", "/api/v1/auth/me", Some(token), None);
    assert_eq!(status, 200);
    assert_eq!(me["username"], "admin");
    assert_eq!(me["role"], "admin");
}

#[test]
fn login_with_a_wrong_password_or_unknown_user_is_refused_alike() {
    let app = TestApp::spawn();
    let (status, wrong) = login(
        &app,
        &json!({"username": "admin", "password": "not-the-password"}),
    );
    assert_eq!(status, 401);
    assert_eq!(wrong["error"]["code"], "invalid_credentials");
    let (status, unknown) = login(
        &app,
        &json!({"username": "nobody", "password": "not-the-password"}),
    );
    assert_eq!(status, 401);
    assert_eq!(
        unknown["error"], wrong["error"],
        "an unknown name must look like a wrong password"
    );
}

#[test]
fn requests_without_a_token_are_unauthenticated() {
    let app = TestApp::spawn();
    let (status, body) = app.call("GET", "/api/v1/units", None, None);
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let response = app
        .client
        .get(app.url("/api/v1/units"))
        .header("Authorization", "Basic YWRtaW46eA==")
        .send()
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().unwrap();
    assert_eq!(body["error"]["code"], "invalid_token");
}

#[test]
fn a_disabled_account_cannot_sign_in_and_its_live_token_stops_working() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let id = app.create_account(&admin, "li.wei", "li-wei-password", "leader", county);
    let token = app.login("li.wei", "li-wei-password");
    let (status, _) = app.call("GET", "/api/v1/auth/me", Some(&token), None);
    assert_eq!(status, 200);

    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/accounts/{id}"),
        Some(&admin),
        Some(&json!({"disabled": true})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["disabled"], true);

    let (status, body) = app.call("GET", "/api/v1/auth/me", Some(&token), None);
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "account_disabled");
    let (status, body) = login(
        &app,
        &json!({"username": "li.wei", "password": "li-wei-password"}),
    );
    assert_eq!(status, 401, "answered as a wrong password: {body}");
    assert_eq!(body["error"]["code"], "invalid_credentials");

    let (status, _) = app.call(
        "PATCH",
        &format!("/api/v1/accounts/{id}"),
        Some(&admin),
        Some(&json!({"disabled": false})),
    );
    assert_eq!(status, 200);
    let fresh = app.login("li.wei", "li-wei-password");
    let (status, _) = app.call("GET", "/api/v1/auth/me", Some(&fresh), None);
    assert_eq!(status, 200, "re-enabling restores the account");
    expect_refused(&app, &token, "token_revoked");
}

fn signed(claims: &Value, secret: &[u8]) -> String {
    encode(
        &Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

fn expect_refused(app: &TestApp, token: &str, code: &str) {
    let (status, body) = app.call("GET", "/api/v1/auth/me", Some(token), None);
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
}

#[test]
fn expired_forged_unsigned_and_foreign_tokens_are_refused() {
    let secret = "0123456789abcdef0123456789abcdef-test";
    let app = TestApp::spawn_with(|s| s.jwt_secret = Some(secret.into()));
    let good = app.admin_token();
    let claims = |exp: i64| json!({"sub": "1", "iss": "canvass", "iat": now() - 10, "exp": exp, "kind": "session", "sv": 0});

    // a token we sign ourselves with the right key works, which proves the others fail for
    // the reason each tests
    let (status, _) = app.call(
        "GET",
        "/api/v1/auth/me",
        Some(&signed(&claims(now() + 60), secret.as_bytes())),
        None,
    );
    assert_eq!(status, 200);

    expect_refused(
        &app,
        &signed(&claims(now() - 3600), secret.as_bytes()),
        "token_expired",
    );
    expect_refused(
        &app,
        &signed(&claims(now() + 60), b"another-key-another-key-another-key"),
        "invalid_token",
    );

    // forged: the payload changed after signing
    let mut parts: Vec<String> = good.split('.').map(ToString::to_string).collect();
    let forged_payload = base64_url(&serde_json::to_vec(&json!({"sub": "1", "iss": "canvass", "iat": now(), "exp": now() + 99_999, "kind": "session", "sv": 0})).unwrap());
    parts[1] = forged_payload;
    expect_refused(&app, &parts.join("."), "invalid_token");

    // alg: none
    let header = base64_url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = base64_url(&serde_json::to_vec(&claims(now() + 60)).unwrap());
    expect_refused(&app, &format!("{header}.{payload}."), "invalid_token");
    // alg: HS512 with the right key is still refused: only HS256 is accepted
    let hs512 = encode(
        &Header::new(jsonwebtoken::Algorithm::HS512),
        &claims(now() + 60),
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap();
    expect_refused(&app, &hs512, "invalid_token");

    expect_refused(&app, "not-a-token", "invalid_token");
}

fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[test]
fn a_device_token_is_long_lived_and_stops_working_once_revoked() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let officer = app.create_account(&admin, "officer", "officer-password", "officer", county);
    let (status, body) = login(
        &app,
        &json!({"username": "officer", "password": "officer-password", "device_name": "laptop 1"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["kind"], "device");
    assert!(
        body["expires_at"].as_i64().unwrap() > now() + 30 * 86_400,
        "device tokens last weeks"
    );
    let token = body["token"].as_str().unwrap().to_string();
    let device_id = body["device_id"].as_str().unwrap().to_string();

    let (status, devices) = app.call(
        "GET",
        &format!("/api/v1/accounts/{officer}/devices"),
        Some(&token),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(devices[0]["name"], "laptop 1");

    let (status, _) = app.call(
        "DELETE",
        &format!("/api/v1/accounts/{officer}/devices/{device_id}"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 204);
    expect_refused(&app, &token, "token_revoked");
}

#[test]
fn signing_out_revokes_the_device_token() {
    let app = TestApp::spawn();
    let (_, body) = login(
        &app,
        &json!({"username": "admin", "password": ADMIN_PASSWORD, "device_name": "field laptop"}),
    );
    let token = body["token"].as_str().unwrap().to_string();
    let (status, _) = app.call("POST", "/api/v1/auth/logout", Some(&token), None);
    assert_eq!(status, 204);
    expect_refused(&app, &token, "token_revoked");
}

#[test]
fn changing_the_password_ends_every_earlier_sign_in() {
    let app = TestApp::spawn();
    let session = app.admin_token();
    let (_, body) = login(
        &app,
        &json!({"username": "admin", "password": ADMIN_PASSWORD, "device_name": "d"}),
    );
    let device = body["token"].as_str().unwrap().to_string();
    let (status, body) = app.call(
        "POST",
        "/api/v1/auth/password",
        Some(&session),
        Some(&json!({"current_password": "wrong-current", "new_password": "a-new-password"})),
    );
    assert_eq!(status, 401, "{body}");
    let (status, _) = app.call(
        "POST",
        "/api/v1/auth/password",
        Some(&session),
        Some(&json!({"current_password": ADMIN_PASSWORD, "new_password": "a-new-password"})),
    );
    assert_eq!(status, 204);
    expect_refused(&app, &session, "token_revoked");
    expect_refused(&app, &device, "token_revoked");
    let _ = app.login("admin", "a-new-password");
}

#[test]
fn repeated_failed_logins_are_slowed_down_per_account() {
    let app = TestApp::spawn_with(|s| s.login_free_attempts_per_account = 3);
    for _ in 0..3 {
        let (status, _) = login(
            &app,
            &json!({"username": "admin", "password": "guess-guess"}),
        );
        assert_eq!(status, 401);
    }
    two_more_failures(&app, "account:admin", 3);
    // now even the right password must wait
    let (status, body) = login(
        &app,
        &json!({"username": "admin", "password": ADMIN_PASSWORD}),
    );
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "too_many_attempts");
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .unwrap();
    assert!(response.headers().get("retry-after").is_some());
}

#[test]
fn repeated_failed_logins_are_slowed_down_per_address() {
    let app = TestApp::spawn_with(|s| {
        s.login_free_attempts_per_address = 4;
        s.login_free_attempts_per_account = 100;
    });
    for i in 0..4 {
        let (status, _) = login(
            &app,
            &json!({"username": format!("user{i}"), "password": "guess-guess"}),
        );
        assert_eq!(status, 401);
    }
    two_more_failures(&app, "address:127.0.0.1", 4);
    let (status, body) = login(
        &app,
        &json!({"username": "admin", "password": ADMIN_PASSWORD}),
    );
    assert_eq!(status, 429, "{body}");
}

#[test]
fn a_hash_made_with_older_parameters_is_stored_again_at_sign_in_and_tokens_stay_valid() {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use canvass_server::db;
    let app = TestApp::spawn();
    let admin = json!({"username": "admin", "password": ADMIN_PASSWORD});
    let (status, first) = login(&app, &admin);
    assert_eq!(status, 200, "{first}");
    let token = first["token"].as_str().unwrap();

    // the account's hash as an earlier release stored it: 19 MiB, 2 passes
    let older = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(19 * 1024, 2, 1, None).unwrap(),
    )
    .hash_password(
        ADMIN_PASSWORD.as_bytes(),
        &SaltString::generate(&mut rand::rngs::OsRng),
    )
    .unwrap()
    .to_string();
    let (pool, _) = db::open(app.db.url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let stored = |conn: &mut db::DbConnection| {
        db::accounts::find_by_username(conn, "admin")
            .unwrap()
            .unwrap()
    };
    let account = stored(&mut conn);
    db::accounts::replace_hash(&mut conn, account.id, &account.password_hash, &older).unwrap();
    assert_eq!(stored(&mut conn).password_hash, older);

    let (status, again) = login(&app, &admin);
    assert_eq!(status, 200, "{again}");
    let now = stored(&mut conn);
    assert!(
        now.password_hash
            .starts_with("$argon2id$v=19$m=7168,t=5,p=1$"),
        "{}",
        now.password_hash
    );
    assert_eq!(now.session_version, account.session_version);
    let (status, me) = app.call("GET", "/api/v1/auth/me", Some(token), None);
    assert_eq!(status, 200, "the earlier sign-in stays valid: {me}");

    // a wrong password never rewrites the hash
    let (status, _) = login(&app, &json!({"username": "admin", "password": "not-it"}));
    assert_eq!(status, 401);
    assert_eq!(stored(&mut conn).password_hash, now.password_hash);
}
