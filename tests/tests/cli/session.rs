//! `canvass login`, `canvass whoami` and `canvass logout`.

use canvass_tests::{TestApp, ADMIN_PASSWORD};
use serde_json::json;

use crate::support::Cli;

#[test]
fn login_with_the_right_password_stores_a_device_token_readable_by_its_owner_only() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let run = cli.login(&app, "admin", ADMIN_PASSWORD);
    run.expect_code(0);
    assert!(run.stdout.contains("Signed in to"), "{run:#?}");
    assert!(run.stdout.contains("admin"), "{run:#?}");
    assert!(
        !run.all().contains(&cli.token()),
        "the token must never be printed"
    );

    let stored = cli.credentials().expect("credentials are stored");
    assert_eq!(stored["server"], app.address.as_str());
    assert_eq!(stored["username"], "admin");
    assert_eq!(stored["account"]["username"], "admin");
    assert!(stored["expires_at"].as_i64().is_some(), "{stored}");
    let device = stored["device_id"].as_str().expect("a device token");
    assert!(run.stdout.contains(device), "{run:#?}");

    // the stored token is a working device token
    let (status, me) = app.call("GET", "/api/v1/auth/me", Some(&cli.token()), None);
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["username"], "admin");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&cli.credentials_path()), 0o600);
        assert_eq!(mode(&cli.config_dir()), 0o700);
    }
}

#[test]
fn login_with_a_wrong_password_fails_clearly_and_writes_nothing() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let run = cli.login(&app, "admin", "not-the-password");
    run.expect_code(1);
    assert!(
        run.stderr
            .to_lowercase()
            .contains("the username or password is wrong"),
        "{run:#?}"
    );
    assert!(run.stderr.contains("invalid_credentials"), "{run:#?}");
    assert!(cli.credentials().is_none());
    assert!(!cli.credentials_path().exists());
}

#[test]
fn a_failed_login_keeps_the_sign_in_already_stored() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    cli.login_admin(&app);
    let before = cli.token();
    cli.login(&app, "admin", "not-the-password").expect_code(1);
    assert_eq!(cli.token(), before);
    let (status, _) = app.call("GET", "/api/v1/auth/me", Some(&before), None);
    assert_eq!(status, 200);
}

#[test]
fn logging_in_again_revokes_the_previous_device_token() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    cli.login_admin(&app);
    let first = cli.token();
    let run = cli.login(&app, "admin", ADMIN_PASSWORD);
    run.expect_code(0);
    assert!(run.stdout.contains("previous sign-in"), "{run:#?}");
    assert_ne!(cli.token(), first);
    let (status, body) = app.call("GET", "/api/v1/auth/me", Some(&first), None);
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], "token_revoked");
}

#[test]
fn login_with_an_empty_password_on_stdin_asks_for_one_line() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let run = cli.run(
        &[
            "login",
            "--server",
            &app.address,
            "--username",
            "admin",
            "--password-stdin",
        ],
        Some(""),
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("No password on standard input"),
        "{run:#?}"
    );
    assert!(cli.credentials().is_none());
}

#[test]
fn login_to_an_unreachable_server_says_to_check_the_network() {
    let cli = Cli::new();
    let run = cli.run(
        &[
            "login",
            "--server",
            "http://127.0.0.1:1",
            "--username",
            "admin",
            "--password-stdin",
        ],
        Some("whatever-password\n"),
    );
    run.expect_code(1);
    assert!(run.stderr.contains("Check the network"), "{run:#?}");
    assert!(cli.credentials().is_none());
}

#[test]
fn login_with_a_server_address_that_is_not_a_url_is_a_usage_error() {
    let cli = Cli::new();
    let run = cli.run(
        &[
            "login",
            "--server",
            "canvass.example",
            "--username",
            "admin",
            "--password-stdin",
        ],
        Some("whatever-password\n"),
    );
    run.expect_code(2);
    assert!(run.stderr.contains("http://"), "{run:#?}");
}

#[test]
fn whoami_names_the_account_and_the_server_and_confirms_the_token() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    cli.login_admin(&app);
    let run = cli.run(&["whoami"], None);
    run.expect_code(0);
    assert!(run.stdout.contains(&app.address), "{run:#?}");
    assert!(run.stdout.contains("admin"), "{run:#?}");
    assert!(
        run.stdout
            .contains("The server accepts this device's token"),
        "{run:#?}"
    );
}

#[test]
fn whoami_when_not_signed_in_says_to_run_login() {
    let cli = Cli::new();
    let run = cli.run(&["whoami"], None);
    run.expect_code(1);
    assert!(run.stderr.contains("Not signed in"), "{run:#?}");
    assert!(run.stderr.contains("canvass login"), "{run:#?}");
}

#[test]
fn whoami_after_the_device_was_signed_out_elsewhere_explains_it_in_plain_words() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    cli.login_admin(&app);
    // the token is revoked behind the client's back (as an administrator would)
    let (status, body) = app.call("POST", "/api/v1/auth/logout", Some(&cli.token()), None);
    assert_eq!(status, 204, "{body}");
    let run = cli.run(&["whoami"], None);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("This device was signed out (token revoked)"),
        "{run:#?}"
    );
    assert!(run.stderr.contains("canvass login"), "{run:#?}");
}

#[test]
fn whoami_for_a_disabled_account_says_to_ask_the_administrator() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let id = app.create_account(&admin, "li.wei", "officer-password", "officer", county);
    let cli = Cli::new();
    cli.login(&app, "li.wei", "officer-password").expect_code(0);
    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/accounts/{id}"),
        Some(&admin),
        Some(&json!({"disabled": true})),
    );
    assert_eq!(status, 200, "{body}");
    let run = cli.run(&["whoami"], None);
    run.expect_code(1);
    assert!(run.stderr.contains("Your account is disabled"), "{run:#?}");
    assert!(run.stderr.contains("administrator"), "{run:#?}");
}

#[test]
fn logout_revokes_the_token_on_the_server() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    cli.login_admin(&app);
    let token = cli.token();
    let run = cli.run(&["logout"], None);
    run.expect_code(0);
    assert!(run.stdout.contains("Signed out"), "{run:#?}");
    assert!(!cli.credentials_path().exists());

    let (status, body) = app.call("GET", "/api/v1/auth/me", Some(&token), None);
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], "token_revoked");
}

#[test]
fn logout_when_not_signed_in_does_nothing_and_succeeds() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    cli.login_admin(&app);
    cli.run(&["logout"], None).expect_code(0);
    let again = cli.run(&["logout"], None);
    again.expect_code(0);
    assert!(again.stdout.contains("Not signed in"), "{again:#?}");
}

#[test]
fn logout_after_the_token_was_revoked_elsewhere_still_signs_out_locally() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    cli.login_admin(&app);
    let (status, _) = app.call("POST", "/api/v1/auth/logout", Some(&cli.token()), None);
    assert_eq!(status, 204);
    let run = cli.run(&["logout"], None);
    run.expect_code(0);
    assert!(run.stdout.contains("token revoked"), "{run:#?}");
    assert!(!cli.credentials_path().exists());
}

#[test]
fn logout_when_the_server_is_down_removes_local_credentials_and_warns() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    cli.login_admin(&app);
    let device = cli.credentials().unwrap()["device_id"]
        .as_str()
        .unwrap()
        .to_string();
    drop(app);

    let run = cli.run(&["logout"], None);
    run.expect_code(1);
    assert!(!cli.credentials_path().exists(), "removed locally anyway");
    assert!(run.stderr.contains("stays valid on"), "{run:#?}");
    assert!(run.stderr.contains(&device), "names the device: {run:#?}");
    assert!(run.stderr.contains("administrator"), "{run:#?}");
    assert!(run.stderr.contains("Check the network"), "{run:#?}");
}

#[test]
fn logout_removes_a_damaged_credentials_file() {
    let cli = Cli::new();
    std::fs::create_dir_all(cli.config_dir()).unwrap();
    std::fs::write(cli.credentials_path(), "{broken").unwrap();
    let whoami = cli.run(&["whoami"], None);
    whoami.expect_code(1);
    assert!(whoami.stderr.contains("damaged"), "{whoami:#?}");
    assert!(whoami.stderr.contains("canvass logout"), "{whoami:#?}");
    let run = cli.run(&["logout"], None);
    run.expect_code(1);
    assert!(!cli.credentials_path().exists());
    assert!(run.stderr.contains("damaged"), "{run:#?}");
}

#[test]
fn an_unknown_command_or_flag_is_a_usage_error() {
    let cli = Cli::new();
    cli.run(&["frobnicate"], None).expect_code(2);
    cli.run(&["logout", "--everywhere"], None).expect_code(2);
    cli.run(&["login", "--server", "http://x"], None)
        .expect_code(2);
}
