//! `canvass account list|create|disable|enable|reset-password`: the accounts of the organiser's
//! units through the same API as the console, a temporary password shown once, a wrong role
//! refused before anything is sent, and the server's refusals in the reader's language.

use canvass_tests::TestApp;
use serde_json::Value;

use crate::support::{Cli, Run};

fn accounts(app: &TestApp) -> Vec<Value> {
    let (status, body) = app.call("GET", "/api/v1/accounts", Some(&app.admin_token()), None);
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

fn account(app: &TestApp, username: &str) -> Value {
    accounts(app)
        .into_iter()
        .find(|a| a["username"] == username)
        .unwrap_or_else(|| panic!("no account {username}"))
}

/// The temporary password printed after "(shown this once): ".
fn temporary_password(run: &Run) -> String {
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("(shown this once): "))
        .unwrap_or_else(|| panic!("no temporary password in {run:#?}"));
    line.rsplit(' ').next().unwrap().trim().to_string()
}

fn login_status(app: &TestApp, username: &str, password: &str) -> u16 {
    app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&serde_json::json!({"username": username, "password": password})),
    )
    .0
}

struct County {
    east: i64,
    west: i64,
}

/// A county with two townships, and the organiser of the eastern one signed in on `cli`.
fn county(app: &TestApp, cli: &Cli) -> County {
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let west = app.create_unit(&admin, "西河乡", "township", Some(county));
    app.create_account(&admin, "org.east", "organiser-password", "organiser", east);
    app.create_account(&admin, "zhou", "zhou-password-1", "officer", west);
    cli.login(app, "org.east", "organiser-password")
        .expect_code(0);
    County { east, west }
}

#[test]
fn an_organiser_creates_lists_disables_enables_and_resets_accounts() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county(&app, &cli);
    let east = c.east.to_string();

    let created = cli.run(
        &[
            "account",
            "create",
            "li.wei",
            "--role",
            "调查员",
            "--unit",
            &east,
            "--name",
            "李伟",
        ],
        None,
    );
    created.expect_code(0);
    assert!(
        created
            .stdout
            .contains("Created the field officer account “li.wei”, id"),
        "{created:#?}"
    );
    assert!(
        created
            .stdout
            .contains("It must be changed at the next sign-in."),
        "{created:#?}"
    );
    let temporary = temporary_password(&created);
    assert_eq!(created.stdout.matches(&temporary).count(), 1, "shown once");
    assert_eq!(login_status(&app, "li.wei", &temporary), 200);
    assert_eq!(account(&app, "li.wei")["must_change_password"], true);

    // the list: only the subtree, aligned, the state of each
    let list = cli.run(&["account", "list", "--lang", "zh"], None);
    list.expect_code(0);
    assert!(list.stdout.contains("李伟"), "{list:#?}");
    assert!(list.stdout.contains("东山镇"), "{list:#?}");
    assert!(list.stdout.contains("临时密码"), "{list:#?}");
    assert!(!list.stdout.contains("zhou"), "only the subtree: {list:#?}");
    let lines: Vec<&str> = list.stdout.lines().collect();
    let role_column = |line: &str, word: &str| {
        let at = line
            .find(word)
            .unwrap_or_else(|| panic!("{word} in {line}"));
        unicode_width(&line[..at])
    };
    let organiser = lines.iter().find(|l| l.contains("org.east")).unwrap();
    let officer = lines.iter().find(|l| l.contains("li.wei")).unwrap();
    assert_eq!(
        role_column(organiser, "组织人员"),
        role_column(officer, "调查员"),
        "{list:#?}"
    );

    // disable and enable, by username and by id
    let disabled = cli.run(&["account", "disable", "li.wei"], None);
    disabled.expect_code(0);
    assert!(
        disabled.stdout.contains("Disabled the account “li.wei”"),
        "{disabled:#?}"
    );
    assert_eq!(account(&app, "li.wei")["disabled"], true);
    assert_ne!(login_status(&app, "li.wei", &temporary), 200, "disabled");
    let id = account(&app, "li.wei")["id"].as_i64().unwrap().to_string();
    let enabled = cli.run(&["account", "enable", &id, "--lang", "zh"], None);
    enabled.expect_code(0);
    assert!(
        enabled.stdout.contains("已启用账号“li.wei”"),
        "{enabled:#?}"
    );
    assert_eq!(account(&app, "li.wei")["disabled"], false);

    // a reset: a new temporary password, the old one gone
    let reset = cli.run(&["account", "reset-password", "li.wei"], None);
    reset.expect_code(0);
    let again = temporary_password(&reset);
    assert_ne!(again, temporary);
    assert!(
        reset
            .stdout
            .contains("It must be changed at the next sign-in."),
        "{reset:#?}"
    );
    assert_eq!(login_status(&app, "li.wei", &temporary), 401);
    assert_eq!(login_status(&app, "li.wei", &again), 200);
    let chinese = cli.run(&["account", "reset-password", &id, "--lang", "zh"], None);
    chinese.expect_code(0);
    assert!(
        chinese.stdout.contains("下次登录时必须修改"),
        "{chinese:#?}"
    );
}

/// The display width of `text` (a Chinese character takes two columns).
fn unicode_width(text: &str) -> usize {
    text.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

#[test]
fn wrong_input_is_refused_with_what_is_valid_and_nothing_changes() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county(&app, &cli);
    let (east, west) = (c.east.to_string(), c.west.to_string());
    let before = accounts(&app);

    // a wrong role lists the valid ones; nothing is sent
    let wrong = cli.run(
        &[
            "account", "create", "li.wei", "--role", "mayor", "--unit", &east,
        ],
        None,
    );
    wrong.expect_code(2);
    assert!(
        wrong.stderr.contains("The role “mayor” is not known")
            && wrong.stderr.contains("officer (调查员)")
            && wrong.stderr.contains("organiser (组织人员)"),
        "{wrong:#?}"
    );
    let wrong_zh = cli.run_in(
        "zh_CN.UTF-8",
        &[
            "account", "create", "li.wei", "--role", "mayor", "--unit", &east,
        ],
        None,
    );
    wrong_zh.expect_code(2);
    assert!(
        wrong_zh.stderr.contains("无法识别角色“mayor”"),
        "{wrong_zh:#?}"
    );

    // the server's refusals, in the reader's language, exit 1
    let above = cli.run(
        &[
            "account", "create", "boss", "--role", "admin", "--unit", &east,
        ],
        None,
    );
    above.expect_code(1);
    assert!(above.stderr.contains("forbidden"), "{above:#?}");
    let outside = cli.run_in(
        "zh_CN.UTF-8",
        &[
            "account",
            "create",
            "west.officer",
            "--role",
            "officer",
            "--unit",
            &west,
        ],
        None,
    );
    outside.expect_code(1);
    assert!(outside.stderr.contains("out_of_scope"), "{outside:#?}");
    assert!(
        outside
            .stderr
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "in Chinese: {outside:#?}"
    );
    let bad_name = cli.run(
        &[
            "account", "create", "Li Wei", "--role", "officer", "--unit", &east,
        ],
        None,
    );
    bad_name.expect_code(1);
    assert!(bad_name.stderr.contains("invalid_value"), "{bad_name:#?}");
    let taken = cli.run(
        &[
            "account", "create", "zhou", "--role", "officer", "--unit", &east,
        ],
        None,
    );
    taken.expect_code(1);
    assert!(taken.stderr.contains("username_taken"), "{taken:#?}");

    // accounts out of reach: another township's, one's own, an unknown one
    let zhou = account(&app, "zhou")["id"].as_i64().unwrap().to_string();
    for args in [
        vec!["account", "disable", zhou.as_str()],
        vec!["account", "reset-password", zhou.as_str()],
        vec!["account", "disable", "org.east"],
        vec!["account", "reset-password", "org.east"],
        vec!["account", "enable", "999999"],
    ] {
        let run = cli.run(&args, None);
        run.expect_code(1);
        assert!(!run.stderr.is_empty(), "{run:#?}");
    }
    let unknown = cli.run(&["account", "disable", "nobody"], None);
    unknown.expect_code(1);
    assert!(
        unknown
            .stderr
            .contains("No account “nobody” among the accounts you manage"),
        "{unknown:#?}"
    );
    // zhou is in another township: not even found by name
    let hidden = cli.run(&["account", "disable", "zhou"], None);
    hidden.expect_code(1);
    assert_eq!(accounts(&app), before, "nothing changed");
    assert_eq!(login_status(&app, "zhou", "zhou-password-1"), 200);
}

#[test]
fn account_commands_need_a_sign_in_and_a_role_that_manages_accounts() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let run = cli.run(&["account", "list"], None);
    run.expect_code(1);
    assert!(run.stderr.contains("canvass login"), "{run:#?}");

    let c = county(&app, &cli);
    let admin = app.admin_token();
    app.create_account(&admin, "wang", "wang-password-1", "leader", c.east);
    let leader = Cli::new();
    leader.login(&app, "wang", "wang-password-1").expect_code(0);
    let run = leader.run(&["account", "list"], None);
    run.expect_code(1);
    assert!(run.stderr.contains("forbidden"), "{run:#?}");
    let help = cli.run(&["account", "create", "--help", "--lang", "zh"], None);
    help.expect_code(0);
    assert!(help.stdout.contains("临时密码"), "{help:#?}");
}
