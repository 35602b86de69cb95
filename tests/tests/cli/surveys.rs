//! `canvass survey list|create|publish|close|open` against the survey API.

use std::path::PathBuf;

use canvass_tests::TestApp;
use serde_json::{json, Value};

use crate::support::{Cli, Run};

const WINDOW_FORM: &str = include_str!("../../../docs/examples/survey-window-service.json");

struct County {
    departments: Vec<i64>,
}

/// A county with two departments, and an organiser signed in on `cli`.
fn county_with_organiser(app: &TestApp, cli: &Cli) -> County {
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let departments = ["县市场监督管理局", "县人社局"]
        .iter()
        .map(|name| app.create_unit(&admin, name, "department", Some(county)))
        .collect();
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    cli.login(app, "organiser", "organiser-password")
        .expect_code(0);
    County { departments }
}

fn write(cli: &Cli, name: &str, content: &str) -> PathBuf {
    let path = cli.scratch().join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn definition() -> Value {
    serde_json::from_str(WINDOW_FORM).unwrap()
}

/// The id printed as "Created survey N: ...".
fn created_id(run: &Run) -> i64 {
    run.stdout
        .split("Created survey ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|id| id.trim().parse().ok())
        .unwrap_or_else(|| panic!("no survey id in {run:#?}"))
}

fn surveys_as_admin(app: &TestApp) -> Vec<Value> {
    let (status, body) = app.call("GET", "/api/v1/surveys", Some(&app.admin_token()), None);
    assert_eq!(status, 200, "{body}");
    body.as_array().expect("a list").clone()
}

fn survey(app: &TestApp, cli: &Cli, id: i64) -> Value {
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}"),
        Some(&cli.token()),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body
}

#[test]
fn survey_create_publish_close_and_open_drive_the_lifecycle() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county_with_organiser(&app, &cli);
    let file = write(&cli, "form.json", WINDOW_FORM);
    let (a, b) = (c.departments[0].to_string(), c.departments[1].to_string());

    let run = cli.run(
        &[
            "survey",
            "create",
            file.to_str().unwrap(),
            "--target",
            &a,
            "--target",
            &b,
        ],
        None,
    );
    run.expect_code(0);
    let id = created_id(&run);
    assert!(run.stdout.contains("status: draft"), "{run:#?}");
    let stored = survey(&app, &cli, id);
    assert_eq!(stored["status"], "draft");
    assert!(
        run.stdout.contains(stored["public_url"].as_str().unwrap()),
        "prints the public link: {run:#?}"
    );
    for target in stored["targets"].as_array().unwrap() {
        assert!(
            run.stdout.contains(target["public_url"].as_str().unwrap()),
            "prints each target's link: {run:#?}"
        );
    }

    let run = cli.run(&["survey", "publish", &id.to_string()], None);
    run.expect_code(0);
    assert!(run.stdout.contains("status: open"), "{run:#?}");
    assert_eq!(survey(&app, &cli, id)["status"], "open");
    assert_eq!(survey(&app, &cli, id)["current_version"], 1);

    let list = cli.run(&["survey", "list"], None);
    list.expect_code(0);
    assert!(list.stdout.contains(&id.to_string()), "{list:#?}");
    assert!(list.stdout.contains("open"), "{list:#?}");

    let run = cli.run(&["survey", "close", &id.to_string()], None);
    run.expect_code(0);
    assert!(run.stdout.contains("status: closed"), "{run:#?}");
    assert_eq!(survey(&app, &cli, id)["status"], "closed");

    let run = cli.run(&["survey", "open", &id.to_string()], None);
    run.expect_code(0);
    assert_eq!(survey(&app, &cli, id)["status"], "open");
}

#[test]
fn survey_create_with_an_invalid_definition_lists_every_problem_and_sends_nothing() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county_with_organiser(&app, &cli);
    let mut bad = definition();
    let questions = bad["questions"].as_array_mut().unwrap();
    questions[1]["id"] = questions[0]["id"].clone();
    questions[2]["label"] = json!({"zh-CN": "   "});
    let file = write(
        &cli,
        "bad.json",
        &serde_json::to_string_pretty(&bad).unwrap(),
    );

    let run = cli.run(
        &[
            "survey",
            "create",
            file.to_str().unwrap(),
            "--target",
            &c.departments[0].to_string(),
        ],
        None,
    );
    run.expect_code(1);
    assert!(run.stderr.contains("nothing was sent"), "{run:#?}");
    assert!(run.stderr.contains("questions[1].id"), "{run:#?}");
    assert!(run.stderr.contains("duplicate_id"), "{run:#?}");
    assert!(run.stderr.contains("questions[2].label"), "{run:#?}");
    assert_eq!(surveys_as_admin(&app), Vec::<Value>::new());
}

#[test]
fn survey_create_with_a_file_that_is_not_json_names_the_line() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county_with_organiser(&app, &cli);
    let file = write(
        &cli,
        "bad.json",
        "{\n  \"title\": {\"zh-CN\": \"测评\"},\n  oops\n}",
    );
    let run = cli.run(
        &[
            "survey",
            "create",
            file.to_str().unwrap(),
            "--target",
            &c.departments[0].to_string(),
        ],
        None,
    );
    run.expect_code(1);
    assert!(run.stderr.contains("not valid JSON"), "{run:#?}");
    assert!(run.stderr.contains("line 3"), "{run:#?}");
    assert_eq!(surveys_as_admin(&app), Vec::<Value>::new());
}

#[test]
fn survey_create_from_a_survey_file_uses_its_fields_and_flags_override_them() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county_with_organiser(&app, &cli);
    let file = write(
        &cli,
        "survey.json",
        &json!({
            "definition": definition(),
            "targets": [c.departments[0]],
            "min_group_size": 8,
            "opens_at": "2030-06-01",
            "closes_at": "2030-06-30"
        })
        .to_string(),
    );
    let run = cli.run(
        &[
            "survey",
            "create",
            file.to_str().unwrap(),
            "--target",
            &c.departments[1].to_string(),
            "--closes",
            "2030-07-15T18:00:00+08:00",
        ],
        None,
    );
    run.expect_code(0);
    let stored = survey(&app, &cli, created_id(&run));
    let targets: Vec<i64> = stored["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["unit_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        targets,
        vec![c.departments[1]],
        "--target replaces the file's"
    );
    assert_eq!(stored["min_group_size"], 8);
    // 2030-06-01T00:00:00+08:00 and 2030-07-15T18:00:00+08:00
    assert_eq!(stored["opens_at"], 1_906_473_600);
    assert_eq!(stored["closes_at"], 1_910_340_000);
}

#[test]
fn survey_create_with_a_bare_definition_and_no_target_is_a_usage_error() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    county_with_organiser(&app, &cli);
    let file = write(&cli, "form.json", WINDOW_FORM);
    let run = cli.run(&["survey", "create", file.to_str().unwrap()], None);
    run.expect_code(2);
    assert!(run.stderr.contains("--target"), "{run:#?}");
    assert_eq!(surveys_as_admin(&app), Vec::<Value>::new());
}

#[test]
fn survey_create_with_an_unreadable_date_is_a_usage_error() {
    let cli = Cli::new();
    let file = write(&cli, "form.json", WINDOW_FORM);
    let run = cli.run(
        &[
            "survey",
            "create",
            file.to_str().unwrap(),
            "--target",
            "1",
            "--opens",
            "next monday",
        ],
        None,
    );
    run.expect_code(2);
    assert!(run.stderr.contains("YYYY-MM-DD"), "{run:#?}");
}

#[test]
fn survey_commands_without_a_sign_in_say_to_run_login() {
    let cli = Cli::new();
    for args in [
        vec!["survey", "list"],
        vec!["survey", "publish", "1"],
        vec!["survey", "close", "1"],
    ] {
        let run = cli.run(&args, None);
        run.expect_code(1);
        assert!(run.stderr.contains("canvass login"), "{args:?}: {run:#?}");
    }
}

#[test]
fn an_officer_creating_a_survey_is_told_the_account_cannot_do_this() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let department = app.create_unit(&admin, "县人社局", "department", Some(county));
    app.create_account(&admin, "li.wei", "officer-password", "officer", county);
    let cli = Cli::new();
    cli.login(&app, "li.wei", "officer-password").expect_code(0);
    let file = write(&cli, "form.json", WINDOW_FORM);
    let run = cli.run(
        &[
            "survey",
            "create",
            file.to_str().unwrap(),
            "--target",
            &department.to_string(),
        ],
        None,
    );
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("Your account cannot do this for that unit"),
        "{run:#?}"
    );
    assert_eq!(surveys_as_admin(&app), Vec::<Value>::new());
}

#[test]
fn a_target_outside_the_organisers_units_is_refused_with_the_field() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county_with_organiser(&app, &cli);
    let admin = app.admin_token();
    let other_county = app.create_unit(&admin, "河西县", "county", None);
    let foreign = app.create_unit(&admin, "河西县人社局", "department", Some(other_county));
    let file = write(&cli, "form.json", WINDOW_FORM);
    let run = cli.run(
        &[
            "survey",
            "create",
            file.to_str().unwrap(),
            "--target",
            &c.departments[0].to_string(),
            "--target",
            &foreign.to_string(),
        ],
        None,
    );
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("Your account cannot do this for that unit"),
        "{run:#?}"
    );
    assert_eq!(surveys_as_admin(&app), Vec::<Value>::new());
}

#[test]
fn publishing_an_unknown_survey_says_to_check_the_id() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    county_with_organiser(&app, &cli);
    let run = cli.run(&["survey", "publish", "999999"], None);
    run.expect_code(1);
    assert!(run.stderr.contains("canvass survey list"), "{run:#?}");
    assert!(run.stderr.contains("not_found"), "{run:#?}");
}

#[test]
fn a_survey_id_that_is_not_a_number_is_a_usage_error() {
    let cli = Cli::new();
    let run = cli.run(&["survey", "publish", "abc"], None);
    run.expect_code(2);
}

/// Writes a workbook of `sheets` (name, rows of text cells) to the scratch directory.
fn workbook(cli: &Cli, name: &str, sheets: &[(&str, &[&[&str]])]) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (sheet_name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*sheet_name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
                sheet.write_string(r, c, *cell).unwrap();
            }
        }
    }
    let path = cli.scratch().join(name);
    std::fs::write(&path, book.save_to_buffer().unwrap()).unwrap();
    path
}

fn version_definition(app: &TestApp, cli: &Cli, id: i64) -> Value {
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/versions/1"),
        Some(&cli.token()),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["definition"].clone()
}

#[test]
fn a_form_exported_as_xlsform_creates_the_same_form_again() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county_with_organiser(&app, &cli);
    let target = c.departments[0].to_string();
    let file = write(&cli, "form.json", WINDOW_FORM);
    let run = cli.run(
        &[
            "survey",
            "create",
            file.to_str().unwrap(),
            "--target",
            &target,
        ],
        None,
    );
    run.expect_code(0);
    let first = created_id(&run);

    let xlsx = cli.scratch().join("window.xlsx");
    let run = cli.run(
        &[
            "survey",
            "export-xlsform",
            &first.to_string(),
            "--output",
            xlsx.to_str().unwrap(),
        ],
        None,
    );
    run.expect_code(0);
    assert!(run.stdout.contains("window.xlsx"), "{run:#?}");
    // an existing file is never replaced
    let again = cli.run(
        &[
            "survey",
            "export-xlsform",
            &first.to_string(),
            "--output",
            xlsx.to_str().unwrap(),
        ],
        None,
    );
    again.expect_code(1);

    let run = cli.run(
        &[
            "survey",
            "create",
            xlsx.to_str().unwrap(),
            "--target",
            &target,
        ],
        None,
    );
    run.expect_code(0);
    let second = created_id(&run);
    assert_ne!(first, second);
    assert_eq!(
        version_definition(&app, &cli, second),
        version_definition(&app, &cli, first),
        "the workbook reads back into the same form"
    );
}

#[test]
fn an_xlsform_with_three_mistakes_reports_all_three_and_sends_nothing() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county_with_organiser(&app, &cli);
    let bad = workbook(
        &cli,
        "bad.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label"],
                    &["select_one colours", "colour", "Favourite colour"],
                    &["geopoint", "where", "Where are you?"],
                    &["integer", "age", ""],
                ],
            ),
            ("choices", &[&["list_name", "name", "label"]]),
            ("settings", &[&["form_title"], &["Test"]]),
        ],
    );
    let target = c.departments[0].to_string();
    let args = [
        "survey",
        "create",
        bad.to_str().unwrap(),
        "--target",
        &target,
    ];
    let chinese = cli.run_in("zh_CN.UTF-8", &args, None);
    chinese.expect_code(1);
    assert_eq!(
        chinese
            .stderr
            .lines()
            .filter(|l| l.trim_start().starts_with("- "))
            .count(),
        3,
        "{chinese:#?}"
    );
    assert!(
        chinese.stderr.contains("XLSForm 表格不能使用"),
        "{chinese:#?}"
    );
    let run = cli.run(&args, None);
    run.expect_code(1);
    let listed: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("- "))
        .collect();
    assert_eq!(listed.len(), 3, "every problem, each on its line: {run:#?}");
    assert!(run.stderr.contains("3 problems"), "{run:#?}");
    for place in ["row 2", "row 3", "row 4"] {
        assert!(
            listed.iter().any(|l| l.contains(place)),
            "{place} named: {run:#?}"
        );
    }
    assert_eq!(surveys_as_admin(&app), Vec::<Value>::new(), "nothing sent");
}

#[test]
fn survey_import_xlsform_does_what_create_does_with_a_workbook_and_takes_nothing_else() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let c = county_with_organiser(&app, &cli);
    let target = c.departments[0].to_string();
    let json_file = write(&cli, "form.json", WINDOW_FORM);
    let run = cli.run(
        &[
            "survey",
            "create",
            json_file.to_str().unwrap(),
            "--target",
            &target,
        ],
        None,
    );
    run.expect_code(0);
    let first = created_id(&run);
    let xlsx = cli.scratch().join("window.xlsx");
    cli.run(
        &[
            "survey",
            "export-xlsform",
            &first.to_string(),
            "--output",
            xlsx.to_str().unwrap(),
        ],
        None,
    )
    .expect_code(0);

    // a workbook holds no target units: one is required, before anything is sent
    let run = cli.run(&["survey", "import-xlsform", xlsx.to_str().unwrap()], None);
    run.expect_code(2);
    // a JSON file is not a workbook: refused, nothing sent
    let run = cli.run(
        &[
            "survey",
            "import-xlsform",
            json_file.to_str().unwrap(),
            "--target",
            &target,
        ],
        None,
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("is not an XLSForm workbook"),
        "{run:#?}"
    );
    let chinese = cli.run(
        &[
            "survey",
            "import-xlsform",
            json_file.to_str().unwrap(),
            "--target",
            &target,
            "--lang",
            "zh",
        ],
        None,
    );
    chinese.expect_code(1);
    assert!(chinese.stderr.contains("不是 XLSForm 表格"), "{chinese:#?}");
    assert_eq!(surveys_as_admin(&app).len(), 1, "nothing sent");

    let run = cli.run(
        &[
            "survey",
            "import-xlsform",
            xlsx.to_str().unwrap(),
            "--target",
            &target,
        ],
        None,
    );
    run.expect_code(0);
    let second = created_id(&run);
    assert_ne!(first, second);
    assert_eq!(
        version_definition(&app, &cli, second),
        version_definition(&app, &cli, first),
        "the same form as survey create makes of it"
    );
}
