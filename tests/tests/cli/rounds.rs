//! `canvass round list|create|open|close|publish|codes` against the rounds API.

use canvass_tests::TestApp;
use serde_json::{json, Value};

use crate::support::{Cli, Run};

struct Township {
    id: i64,
    officials: Vec<i64>,
}

/// A township with two officials, and an organiser signed in on `cli`.
fn township_with_organiser(app: &TestApp, cli: &Cli) -> Township {
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let township = app.create_unit(&admin, "青山镇", "township", Some(county));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    let officials = [("王建国", "党委书记"), ("李明", "镇长")]
        .iter()
        .map(|(name, position)| {
            let (status, body) = app.call(
                "POST",
                "/api/v1/officials",
                Some(&admin),
                Some(&json!({"unit_id": township, "name": name, "position": position})),
            );
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().unwrap()
        })
        .collect();
    cli.login(app, "organiser", "organiser-password")
        .expect_code(0);
    Township {
        id: township,
        officials,
    }
}

fn definition(t: &Township) -> Value {
    json!({
        "period": "2026年度",
        "series": {"id": "qingshan", "name": "青山镇领导班子民主测评"},
        "officials": [
            {"official_id": t.officials[0], "name": "王建国", "position": "党委书记"},
            {"official_id": t.officials[1], "name": "李明", "position": "镇长"}
        ],
        "team": {"name": "青山镇领导班子", "principal_leader": t.officials[0]},
        "elector_groups": [{"id": "cadres", "label": "干部", "weight": 0.6}, {"id": "public", "label": "群众代表", "weight": 0.4}]
    })
}

fn created_id(run: &Run) -> i64 {
    run.stdout
        .split("Created round ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|id| id.trim().parse().ok())
        .unwrap_or_else(|| panic!("no round id in {run:#?}"))
}

fn rounds(app: &TestApp) -> Vec<Value> {
    app.call("GET", "/api/v1/rounds", Some(&app.admin_token()), None)
        .1
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn an_organiser_runs_a_round_from_the_command_line() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let cli = Cli::new();
    let t = township_with_organiser(&app, &cli);
    let file = cli.scratch().join("round.json");
    std::fs::write(&file, definition(&t).to_string()).unwrap();
    let unit = t.id.to_string();
    let run = cli.run(
        &["round", "create", file.to_str().unwrap(), "--unit", &unit],
        None,
    );
    run.expect_code(0);
    let id = created_id(&run);
    assert!(
        run.stdout.contains("status: draft") && run.stdout.contains("canvass round codes"),
        "{run:#?}"
    );
    assert_eq!(rounds(&app)[0]["unit_id"], t.id);

    // codes listed on standard output, one per line
    let run = cli.run(
        &[
            "round",
            "codes",
            &id.to_string(),
            "--group",
            "cadres",
            "--count",
            "3",
        ],
        None,
    );
    run.expect_code(0);
    let codes: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(codes.len(), 3, "{run:#?}");
    assert!(run.stderr.contains("shown this once"), "{run:#?}");
    // a group is also named by its label; a group the round does not have is refused before
    // anything is generated, with the round's groups listed, in the reader's language
    let codes_for = |group: &str, lang: &str| {
        cli.run(
            &[
                "round",
                "codes",
                &id.to_string(),
                "--group",
                group,
                "--count",
                "1",
                "--lang",
                lang,
            ],
            None,
        )
    };
    let run = codes_for("干部", "en");
    run.expect_code(0);
    assert!(run.stderr.contains("elector group cadres"), "{run:#?}");
    let run = codes_for("县领导", "zh");
    run.expect_code(2);
    assert!(
        run.stderr.contains("“县领导”不是这轮测评的选民组别")
            && run.stderr.contains("cadres (干部)")
            && run.stderr.contains("public (群众代表)"),
        "{run:#?}"
    );
    // printable slips written to a file readable by its owner only
    let slips = cli.scratch().join("slips.html");
    let run = cli.run(
        &[
            "round",
            "codes",
            &id.to_string(),
            "--group",
            "public",
            "--count",
            "4",
            "--slips",
            slips.to_str().unwrap(),
        ],
        None,
    );
    run.expect_code(0);
    let html = std::fs::read_to_string(&slips).unwrap();
    assert!(
        html.contains("<svg") && html.contains("青山镇领导班子民主测评"),
        "slips with QR codes"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&slips).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    cli.run(&["round", "open", &id.to_string()], None)
        .expect_code(0);
    let ballot = json!({"code": codes[0], "ballot": {"elector_group": "", "marks": [
        {"subject": {"official": t.officials[0]}, "grade": "excellent"},
        {"subject": {"official": t.officials[1]}, "grade": "competent"},
        {"subject": "team", "grade": "good"}]}});
    let slug = rounds(&app)[0]["ballot_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/public/rounds/{slug}/ballots"),
        None,
        Some(&ballot),
    );
    assert_eq!(status, 201, "a code printed by the client votes: {body}");
    let run = cli.run(&["round", "close", &id.to_string()], None);
    run.expect_code(0);
    assert!(run.stdout.contains("status: closed"), "{run:#?}");
    let run = cli.run(&["round", "publish", &id.to_string()], None);
    run.expect_code(0);
    assert!(run.stdout.contains("status: published"), "{run:#?}");
    let run = cli.run(&["round", "list"], None);
    run.expect_code(0);
    assert!(
        run.stdout.contains("published") && run.stdout.contains("2026年度"),
        "{run:#?}"
    );
    // a published round cannot open again: the server's reason is shown
    let run = cli.run(&["round", "open", &id.to_string()], None);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.all().contains("round_state_conflict") || run.all().contains("cannot become"),
        "{run:#?}"
    );
}

#[test]
fn a_round_file_with_problems_is_refused_before_anything_is_sent() {
    let app = TestApp::spawn();
    let cli = Cli::new();
    let t = township_with_organiser(&app, &cli);
    let mut bad = definition(&t);
    bad["elector_groups"][1]["weight"] = json!(-1);
    bad["officials"][1]["official_id"] = bad["officials"][0]["official_id"].clone();
    let file = cli.scratch().join("bad.json");
    std::fs::write(&file, bad.to_string()).unwrap();
    let run = cli.run(&["round", "create", file.to_str().unwrap()], None);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.all().contains("nothing was sent"), "{run:#?}");
    assert!(
        run.all().contains("invalid_group_weight") && run.all().contains("duplicate_subject"),
        "{run:#?}"
    );
    let run = cli.run(
        &[
            "round",
            "create",
            cli.scratch().join("missing.json").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.all().contains("Cannot read"), "{run:#?}");
    assert!(rounds(&app).is_empty(), "nothing reached the server");
}
