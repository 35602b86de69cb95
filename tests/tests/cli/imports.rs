//! `canvass unit import FILE` and `canvass official import FILE`: the server's preview is
//! printed with every bad row and cell, and the file is imported only when it is clean and
//! confirmed.

use std::path::PathBuf;

use canvass_tests::TestApp;
use serde_json::Value;

use crate::support::Cli;

/// A county with a township, and an organiser of the county signed in on `cli`.
fn county_with_organiser(app: &TestApp, cli: &Cli) {
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    app.create_unit(&admin, "东山镇", "township", Some(county));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    cli.login(app, "organiser", "organiser-password")
        .expect_code(0);
}

fn write(cli: &Cli, name: &str, bytes: &[u8]) -> PathBuf {
    let path = cli.scratch().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn listed(app: &TestApp, path: &str) -> Vec<Value> {
    let (status, body) = app.call("GET", path, Some(&app.admin_token()), None);
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            sheet.write_string(r, c, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn a_unit_list_with_problems_lists_each_where_it_is_and_imports_nothing() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    county_with_organiser(&app, &cli);
    let before = listed(&app, "/api/v1/units").len();
    let file = write(
        &cli,
        "units.xlsx",
        &xlsx(&[
            &["名称", "类型", "上级单位", "窗口单位"],
            &["东山村", "村", "东山镇", ""],
            &["", "村", "东山镇", ""],
            &["南坡村", "村", "南山镇", ""],
        ]),
    );
    let path = file.to_str().unwrap();
    let run = cli.run(&["unit", "import", path, "--yes"], None);
    run.expect_code(1);
    assert!(run.stdout.contains("2 problems"), "{run:#?}");
    assert!(run.stdout.contains("row 3, column A (名称)"), "{run:#?}");
    assert!(
        run.stdout.contains("row 4, column C (上级单位)"),
        "{run:#?}"
    );
    assert!(
        run.stdout.contains("东山村") && run.stdout.contains("add"),
        "{run:#?}"
    );
    assert!(run.stderr.contains("Nothing was imported"), "{run:#?}");
    assert_eq!(
        listed(&app, "/api/v1/units").len(),
        before,
        "nothing stored"
    );

    let zh = cli.run(&["unit", "import", path, "--lang", "zh"], None);
    zh.expect_code(1);
    assert!(zh.stdout.contains("共 2 个问题"), "{zh:#?}");
    assert!(zh.stdout.contains("第 3 行 A 列(名称)"), "{zh:#?}");
    assert!(zh.stderr.contains("未导入任何内容"), "{zh:#?}");
}

#[test]
fn a_clean_unit_list_is_imported_after_confirmation_or_with_yes() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    county_with_organiser(&app, &cli);
    let before = listed(&app, "/api/v1/units").len();
    let csv = "名称,类型,上级单位,窗口单位\r\n东山村,村,东山镇,\r\n县民政局,县直部门,清河县,是\r\n";
    let file = write(&cli, "units.csv", csv.as_bytes());
    let path = file.to_str().unwrap();

    let declined = cli.run(&["unit", "import", path], Some("n\n"));
    declined.expect_code(1);
    assert!(
        declined.stdout.contains("Import: add 2, change 0? [y/N]"),
        "{declined:#?}"
    );
    assert!(
        declined.stdout.contains("Nothing was imported."),
        "{declined:#?}"
    );
    let no_answer = cli.run(&["unit", "import", path], None);
    no_answer.expect_code(1);
    assert_eq!(listed(&app, "/api/v1/units").len(), before);

    let helped = cli.run(&["unit", "import", path], Some("?\ny\n"));
    helped.expect_code(0);
    assert!(
        helped.stdout.contains("`--yes` skips this question"),
        "{helped:#?}"
    );
    assert!(
        helped.stdout.contains("2 added, 0 changed, 0 unchanged"),
        "{helped:#?}"
    );
    assert_eq!(listed(&app, "/api/v1/units").len(), before + 2);

    let again = cli.run(&["unit", "import", path, "--yes"], None);
    again.expect_code(0);
    assert!(
        again.stdout.contains("0 added, 0 changed, 2 unchanged"),
        "{again:#?}"
    );
    assert_eq!(listed(&app, "/api/v1/units").len(), before + 2);
}

#[test]
fn a_roster_is_previewed_and_imported_with_yes() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    county_with_organiser(&app, &cli);
    let bad = "\u{feff}排序,姓名,职务,单位,班子\r\n1,周建军,党委书记,东山镇,东山镇党政领导班子\r\n2,王芳,,东山镇,东山镇党政领导班子\r\n";
    let file = write(&cli, "roster.csv", bad.as_bytes());
    let run = cli.run(
        &["official", "import", file.to_str().unwrap(), "--yes"],
        None,
    );
    run.expect_code(1);
    assert!(run.stdout.contains("row 3, column C (职务)"), "{run:#?}");
    assert!(listed(&app, "/api/v1/officials").is_empty());

    let good = bad.replace("2,王芳,,", "2,王芳,镇长,");
    let file = write(&cli, "roster-fixed.csv", good.as_bytes());
    let run = cli.run(
        &["official", "import", file.to_str().unwrap(), "--yes"],
        None,
    );
    run.expect_code(0);
    assert!(
        run.stdout.contains("周建军") && run.stdout.contains("王芳"),
        "{run:#?}"
    );
    assert!(run.stdout.contains("2 added"), "{run:#?}");
    let names: Vec<String> = listed(&app, "/api/v1/officials")
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_leader_cannot_import_and_is_told_why() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    app.create_account(&admin, "leader", "leader-password", "leader", county);
    cli.login(&app, "leader", "leader-password").expect_code(0);
    let file = write(
        &cli,
        "units.csv",
        "名称,类型,上级单位\r\n东山镇,乡镇,清河县\r\n".as_bytes(),
    );
    let run = cli.run(&["unit", "import", file.to_str().unwrap(), "--yes"], None);
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.starts_with("canvass: "), "{run:#?}");
    assert_eq!(listed(&app, "/api/v1/units").len(), 1);
    let missing = cli.run(&["official", "import", "/nonexistent/roster.xlsx"], None);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("roster.xlsx"), "{missing:#?}");
}
