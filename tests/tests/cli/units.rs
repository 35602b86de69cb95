//! `canvass unit list` and `canvass unit add`: the unit tree of the account, and a unit added
//! to it through the same API as the console, a wrong kind or parent refused with what is valid
//! and nothing stored.

use canvass_tests::TestApp;
use serde_json::Value;

use crate::support::Cli;

fn listed(app: &TestApp) -> Vec<Value> {
    let (status, body) = app.call("GET", "/api/v1/units", Some(&app.admin_token()), None);
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

#[test]
fn an_organiser_lists_the_tree_and_adds_units_to_it() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let west = app.create_unit(&admin, "西河乡", "township", Some(county));
    app.create_account(&admin, "org.east", "organiser-password", "organiser", east);
    cli.login(&app, "org.east", "organiser-password")
        .expect_code(0);

    let list = cli.run(&["unit", "list", "--lang", "zh"], None);
    list.expect_code(0);
    assert!(list.stdout.contains("东山镇"), "{list:#?}");
    assert!(
        !list.stdout.contains("西河乡"),
        "only the account's subtree: {list:#?}"
    );

    let east_id = east.to_string();
    let added = cli.run(
        &[
            "unit",
            "add",
            "东山村",
            "--kind",
            "村",
            "--parent",
            &east_id,
        ],
        None,
    );
    added.expect_code(0);
    assert!(
        added.stdout.contains("Added the village “东山村”, id"),
        "{added:#?}"
    );
    let list = cli.run(&["unit", "list"], None);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("  东山村") && l.contains("village")),
        "{list:#?}"
    );

    // a wrong kind lists the valid ones; nothing is sent
    let before = listed(&app).len();
    let wrong = cli.run(
        &[
            "unit",
            "add",
            "南坡村",
            "--kind",
            "hamlet",
            "--parent",
            &east_id,
        ],
        None,
    );
    wrong.expect_code(2);
    assert!(wrong.stderr.contains("village (村)"), "{wrong:#?}");
    // a parent outside the subtree, a village under the county's township of another: refused
    let west_id = west.to_string();
    let outside = cli.run(
        &[
            "unit",
            "add",
            "西河村",
            "--kind",
            "village",
            "--parent",
            &west_id,
        ],
        None,
    );
    outside.expect_code(1);
    let empty = cli.run(
        &[
            "unit", "add", " ", "--kind", "village", "--parent", &east_id, "--lang", "zh",
        ],
        None,
    );
    empty.expect_code(1);
    assert!(!empty.stderr.is_empty(), "{empty:#?}");
    assert_eq!(listed(&app).len(), before, "nothing stored");
}
