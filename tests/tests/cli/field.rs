//! The field officer's offline work with the real `canvass` binary: `pull`, `collect`, `tally`,
//! `import`, `status`, `push`, `fix` and `discard` against the sync API.

use std::fmt::Write as _;
use std::path::PathBuf;

use canvass_tests::TestApp;
use serde_json::{json, Value};

use crate::support::{Cli, Run};

const WINDOW_FORM: &str = include_str!("../../../docs/examples/survey-window-service.json");

/// A county with two departments, a township with a village, an organiser (token) and an
/// officer signed in on the returned `Cli`.
struct Field {
    organiser: String,
    county: i64,
    departments: Vec<i64>,
    township: i64,
    cli: Cli,
}

fn field(app: &TestApp) -> Field {
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let departments = ["县市场监督管理局", "县人社局"]
        .iter()
        .map(|name| app.create_unit(&admin, name, "department", Some(county)))
        .collect();
    let township = app.create_unit(&admin, "青山镇", "township", Some(county));
    app.create_unit(&admin, "东村", "village", Some(township));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    app.create_account(&admin, "li.wei", "officer-password", "officer", county);
    let organiser = app.login("organiser", "organiser-password");
    let cli = Cli::new();
    cli.login(app, "li.wei", "officer-password").expect_code(0);
    Field {
        organiser,
        county,
        departments,
        township,
        cli,
    }
}

/// Creates and publishes a survey of `targets`; returns its id.
fn open_survey(app: &TestApp, f: &Field, targets: &[i64]) -> i64 {
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let (status, body) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&f.organiser),
        Some(&json!({"definition": definition, "targets": targets, "unit_id": f.county})),
    );
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    survey_action(app, f, id, "publish");
    id
}

fn survey_action(app: &TestApp, f: &Field, id: i64, action: &str) {
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/{action}"),
        Some(&f.organiser),
        None,
    );
    assert_eq!(status, 200, "{action}: {body}");
}

/// The number of stored responses of a survey, as the organiser sees it (exact figures).
fn total_responses(app: &TestApp, f: &Field, id: i64) -> u64 {
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&f.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let value = body["total_responses"]["value"].as_f64().unwrap_or(0.0);
    assert!(value >= 0.0 && value.fract() == 0.0, "{body}");
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = value as u64;
    n
}

fn write(cli: &Cli, name: &str, content: &str) -> PathBuf {
    let path = cli.scratch().join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// The local id in "item N:" lines of `canvass status`.
fn attention_ids(status: &Run) -> Vec<i64> {
    status
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("item "))
        .filter_map(|rest| rest.split(':').next()?.parse().ok())
        .collect()
}

#[test]
fn pull_caches_the_forms_once_and_collect_works_offline_with_back_and_retries() {
    let app = TestApp::spawn();
    let f = field(&app);
    let survey = open_survey(&app, &f, &f.departments);

    let first = f.cli.run(&["pull"], None);
    first.expect_code(0);
    assert!(
        first.stdout.contains("Pulled the forms: 1 open survey,"),
        "{first:#?}"
    );
    let second = f.cli.run(&["pull"], None);
    second.expect_code(0);
    assert!(
        second.stdout.contains("up to date"),
        "a 304 the second time: {second:#?}"
    );
    let status = f.cli.run(&["status"], None);
    status.expect_code(0);
    assert!(
        status.stdout.contains("1 survey, 0 rounds"),
        "nothing duplicated: {status:#?}"
    );

    // no server at all from here on
    drop(app);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let store = f.cli.data_dir().join("canvass.sqlite3");
        let mode = std::fs::metadata(&store).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the store is private: {mode:o}");
    }

    // village 1; purpose 1 (licence); overall: a wrong number, then 1, then back and 3
    // (dissatisfied); attitude and efficiency 1; transparency skipped; reasons: a wrong option,
    // then 1,2; trips: out of range, then 2; score 7; no comment. Then a second respondent
    // who stops half way when the input ends.
    let input = "1\n1\n9\n1\n<\n3\n1\n1\n\nlong_wait,nope\n1,2\n25\n2\n7\n\n\n2\n";
    let run = f.cli.run(
        &[
            "collect",
            &survey.to_string(),
            "--target",
            "县人社局",
            "--lang",
            "en",
        ],
        Some(input),
    );
    run.expect_code(0);
    let out = &run.stdout;
    assert!(out.contains("Type a number from 1 to 4"), "{run:#?}");
    assert!(
        out.contains("\"nope\" is not one of this question's options."),
        "{run:#?}"
    );
    assert!(out.contains("Enter a number from 1 to 20."), "{run:#?}");
    assert!(out.contains("Saved (item 1)."), "{run:#?}");
    assert!(
        out.contains("The unfinished answer set was not saved."),
        "{run:#?}"
    );
    assert!(out.contains("1 answer set saved"), "{run:#?}");

    // skip logic: with "enquiry" the reasons and trips are not asked; Chinese by default
    let input = "\n3\n1\n1\n1\n\n\n\n";
    let run = f.cli.run(
        &[
            "collect",
            &survey.to_string(),
            "--target",
            "县人社局",
            "--lang",
            "zh",
        ],
        Some(input),
    );
    run.expect_code(0);
    assert!(run.stdout.contains("已保存（编号 2）"), "{run:#?}");
    // the session ends in the language it was held in
    assert!(run.stdout.contains("本次共保存 1 份答卷"), "{run:#?}");
    assert!(
        !run.stdout.contains("answer set") && !run.stdout.contains("Saved"),
        "no English in a Chinese interview: {run:#?}"
    );
    assert!(
        !run.stdout.contains("您不满意的主要原因"),
        "hidden question asked: {run:#?}"
    );
    assert!(
        !run.stdout.contains("一共跑了几次"),
        "hidden question asked: {run:#?}"
    );

    let status = f.cli.run(&["status"], None);
    status.expect_code(0);
    assert!(status.stdout.contains("2 items to push"), "{status:#?}");

    let unknown = f.cli.run(&["collect", "nosuchslug"], Some(""));
    unknown.expect_code(1);
    assert!(
        unknown.stderr.contains("There is no survey “nosuchslug”"),
        "{unknown:#?}"
    );
}

fn round_definition(officials: &[i64]) -> Value {
    json!({
        "period": "2026年度",
        "series": {"id": "qingshan-annual", "name": "青山镇领导班子年度民主测评"},
        "officials": [
            {"official_id": officials[0], "name": "王建国", "position": "党委书记"},
            {"official_id": officials[1], "name": "李明", "position": "镇长"}
        ],
        "team": {"name": "青山镇领导班子", "principal_leader": officials[0]},
        "elector_groups": [
            {"id": "cadres", "label": "干部", "weight": 0.6},
            {"id": "public", "label": "群众代表", "weight": 0.4}
        ],
        "validity_rules": [{"kind": "max_grade_count", "grade": "excellent", "max": 1}]
    })
}

#[test]
fn tally_sheets_are_checked_on_the_spot_and_a_void_station_is_explained() {
    let app = TestApp::spawn();
    let f = field(&app);
    let officials: Vec<i64> = [("王建国", "党委书记"), ("李明", "镇长")]
        .iter()
        .map(|(name, position)| {
            let (status, body) = app.call(
                "POST",
                "/api/v1/officials",
                Some(&f.organiser),
                Some(&json!({"unit_id": f.township, "name": name, "position": position})),
            );
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().unwrap()
        })
        .collect();
    let (status, round) = app.call(
        "POST",
        "/api/v1/rounds",
        Some(&f.organiser),
        Some(&json!({"definition": round_definition(&officials), "unit_id": f.township})),
    );
    assert_eq!(status, 201, "{round}");
    let round = round["id"].as_i64().unwrap();
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rounds/{round}/open"),
        Some(&f.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    f.cli.run(&["pull"], None).expect_code(0);
    let round_arg = round.to_string();

    // 10 issued, 12 returned: void; the rest consistent
    let void = "10\n12\n12\n0\n0\n12\n0\n0\n0\n0\n12\n0\n0\n0\n12\n0\n0\n0\n0\n";
    let run = f.cli.run(
        &[
            "tally",
            &round_arg,
            "--station",
            "第三会场",
            "--group",
            "public",
            "--lang",
            "en",
        ],
        Some(void),
    );
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("the vote at this station is void (作废)"),
        "{run:#?}"
    );
    assert!(run.stdout.contains("saved as a void station"), "{run:#?}");

    // the group asked (2 = public); valid + invalid ≠ returned, caught and asked again; an
    // official's grades that do not add up, caught and asked again
    let mismatch =
        "2\n20\n19\n18\n2\n18\n1\n3\n10\n4\n1\n1\n3\n10\n4\n1\n0\n0\n12\n5\n1\n0\n10\n5\n2\n1\n0\n";
    let run = f.cli.run(
        &["tally", &round_arg, "--station", "第一会场", "--lang", "en"],
        Some(mismatch),
    );
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("valid (18) + invalid (2) must equal returned (19)"),
        "{run:#?}"
    );
    assert!(
        run.stdout
            .contains("王建国 (党委书记): the grades plus abstentions add up to 19"),
        "{run:#?}"
    );
    assert!(
        run.stdout.contains("Tally sheet saved (item 2)."),
        "{run:#?}"
    );

    let again = f.cli.run(
        &[
            "tally",
            &round_arg,
            "--station",
            "第一会场",
            "--group",
            "public",
        ],
        Some(""),
    );
    again.expect_code(1);
    assert!(
        again.stderr.contains("already entered here (item 2)"),
        "{again:#?}"
    );

    // a sheet from a file that does not add up is refused whole; a good one is saved
    let mut sheet = json!({
        "station": "第二会场", "elector_group": "cadres",
        "issued": 5, "returned": 5, "valid": 5, "invalid": 0,
        "subjects": [
            {"subject": {"official": officials[0]}, "counts": {"competent": 5}, "abstentions": 0},
            {"subject": {"official": officials[1]}, "counts": {"competent": 4}, "abstentions": 0},
            {"subject": "team", "counts": {"good": 5}, "abstentions": 0}
        ]
    });
    let bad = write(&f.cli, "bad-sheet.json", &sheet.to_string());
    let run = f.cli.run(
        &["tally", &round_arg, "--file", bad.to_str().unwrap()],
        None,
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("tally_subject_sum_mismatch"),
        "{run:#?}"
    );
    sheet["subjects"][1]["abstentions"] = json!(1);
    let good = write(&f.cli, "sheet.json", &sheet.to_string());
    f.cli
        .run(
            &["tally", &round_arg, "--file", good.to_str().unwrap()],
            None,
        )
        .expect_code(0);

    let push = f.cli.run(&["push"], None);
    push.expect_code(0);
    assert!(push.stdout.contains("3 tally sheets"), "{push:#?}");
    let (status, sheets) = app.call(
        "GET",
        &format!("/api/v1/rounds/{round}/tally-sheets"),
        Some(&f.organiser),
        None,
    );
    assert_eq!(status, 200, "{sheets}");
    let sheets = sheets.as_array().unwrap();
    assert_eq!(sheets.len(), 3, "{sheets:?}");
    assert!(sheets
        .iter()
        .any(|s| s["station"] == "第三会场" && s["outcome"] == "void"));
    assert!(sheets
        .iter()
        .any(|s| s["station"] == "第一会场" && s["outcome"] == "counted"));
}

/// A CSV of `n` paper answer sets for `survey`, the one at `odd` (if any) for `other`.
fn paper_csv(survey: i64, n: usize, odd: Option<(usize, i64)>) -> String {
    let mut csv = String::from(
        "survey,target,village,collected_on,visit_purpose,overall,attitude,efficiency,score\n",
    );
    for i in 0..n {
        let s = match odd {
            Some((at, other)) if at == i => other,
            _ => survey,
        };
        let _ = writeln!(
            csv,
            "{s},县人社局,东村,,enquiry,satisfied,basically_satisfied,satisfied,{}",
            i % 11
        );
    }
    csv
}

#[test]
fn import_push_keep_refusals_and_discard_account_for_every_answer() {
    let app = TestApp::spawn();
    let f = field(&app);
    let a = open_survey(&app, &f, &f.departments);
    let b = open_survey(&app, &f, &f.departments);
    f.cli.run(&["pull"], None).expect_code(0);

    // bad rows: every one reported with its line, nothing queued
    let bad = format!(
        "{}{a},县财政局,,,enquiry,satisfied,satisfied,satisfied,3\n{a},县人社局,,2026-13-01,enquiry,satisfied,,satisfied,3\n",
        paper_csv(a, 1, None)
    );
    let file = write(&f.cli, "bad.csv", &bad);
    let run = f.cli.run(&["import", file.to_str().unwrap()], None);
    run.expect_code(1);
    assert!(
        run.stderr.contains("line 3: target: “县财政局”"),
        "{run:#?}"
    );
    assert!(run.stderr.contains("line 4: collected_on"), "{run:#?}");
    assert!(run.stderr.contains("line 4: question attitude"), "{run:#?}");
    assert!(run.stderr.contains("nothing was imported"), "{run:#?}");
    let status = f.cli.run(&["status"], None);
    assert!(
        status.stdout.contains("Nothing collected yet."),
        "{status:#?}"
    );

    // a good file, pushed with --keep
    let file = write(&f.cli, "two.csv", &paper_csv(a, 2, None));
    f.cli
        .run(&["import", file.to_str().unwrap()], None)
        .expect_code(0);
    let again = f.cli.run(&["import", file.to_str().unwrap()], None);
    again.expect_code(1);
    assert!(
        again.stderr.contains("--again"),
        "the same forms are not counted twice: {again:#?}"
    );
    let push = f.cli.run(&["push", "--keep"], None);
    push.expect_code(0);
    assert!(push.stdout.contains("stored 2 answer sets"), "{push:#?}");
    assert!(
        push.stderr.contains("2 items stored"),
        "a plain line per batch: {push:#?}"
    );
    assert_eq!(total_responses(&app, &f, a), 2);
    let status = f.cli.run(&["status"], None);
    assert!(status.stdout.contains("2 (2 kept)"), "{status:#?}");
    let nothing = f.cli.run(&["push"], None);
    nothing.expect_code(0);
    assert!(nothing.stdout.contains("Nothing to push"), "{nothing:#?}");
    assert_eq!(
        total_responses(&app, &f, a),
        2,
        "kept answers are not sent twice"
    );

    // 100 answers, one of them to a survey closed in the meantime: the batch is refused whole,
    // that answer set aside, the 99 others stored under a new batch
    let file = write(&f.cli, "hundred.csv", &paper_csv(a, 100, Some((49, b))));
    f.cli
        .run(&["import", file.to_str().unwrap()], None)
        .expect_code(0);
    survey_action(&app, &f, b, "close");
    // the push stores what it can and exits 1: an item needs the officer (docs/cli.md)
    let push = f.cli.run(&["push"], None);
    push.expect_code(1);
    assert!(
        push.stderr
            .contains("refused: 1 of its 100 items set aside"),
        "{push:#?}"
    );
    assert!(push.stdout.contains("stored 99 answer sets"), "{push:#?}");
    assert!(push.stdout.contains("1 item was refused"), "{push:#?}");
    assert_eq!(total_responses(&app, &f, a), 101);
    assert_eq!(
        total_responses(&app, &f, b),
        0,
        "nothing of the refused batch was stored"
    );
    let status = f.cli.run(&["status"], None);
    let ids = attention_ids(&status);
    assert_eq!(ids.len(), 1, "{status:#?}");
    assert!(
        status.stdout.contains("survey_closed: The survey was closed on the server; these answers can no longer be counted"),
        "{status:#?}"
    );
    let item = ids[0].to_string();

    // fixing is refused for a closed survey (it is no longer in the forms); discarding asks
    f.cli.run(&["pull"], None).expect_code(0);
    let fix = f.cli.run(&["fix", &item], Some(""));
    fix.expect_code(1);
    assert!(
        fix.stderr.contains(&format!("canvass discard {item}")),
        "{fix:#?}"
    );
    let keep = f.cli.run(&["discard", &item], Some("n\n"));
    keep.expect_code(1);
    assert!(keep.stdout.contains("was kept"), "{keep:#?}");
    f.cli.run(&["discard", &item], Some("y\n")).expect_code(0);
    let status = f.cli.run(&["status"], None);
    assert!(attention_ids(&status).is_empty(), "{status:#?}");
    assert!(!status.stdout.contains("to push"), "{status:#?}");
    let push = f.cli.run(&["push"], None);
    assert!(push.stdout.contains("Nothing to push"), "{push:#?}");
    assert_eq!(total_responses(&app, &f, a), 101);
}

#[test]
fn answers_on_an_older_version_and_the_new_one_are_both_accepted() {
    let app = TestApp::spawn();
    let f = field(&app);
    let a = open_survey(&app, &f, &f.departments);
    f.cli.run(&["pull"], None).expect_code(0);
    let file = write(&f.cli, "v1.csv", &paper_csv(a, 3, None));
    f.cli
        .run(&["import", file.to_str().unwrap()], None)
        .expect_code(0);

    let mut changed: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    changed["title"]["zh-CN"] = json!("窗口服务满意度测评(第二版)");
    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/surveys/{a}"),
        Some(&f.organiser),
        Some(&json!({"definition": changed})),
    );
    assert_eq!(status, 200, "{body}");
    survey_action(&app, &f, a, "publish");
    let pull = f.cli.run(&["pull"], None);
    pull.expect_code(0);
    assert!(pull.stdout.contains("version 1, 2"), "{pull:#?}");

    let input = "3\n1\n1\n1\n\n\n\n";
    let run = f.cli.run(
        &[
            "collect",
            &a.to_string(),
            "--target",
            "县人社局",
            "--village",
            "东村",
            "--lang",
            "zh",
        ],
        Some(input),
    );
    run.expect_code(0);
    assert!(
        run.stdout.contains("第 2 版"),
        "collected on the new version: {run:#?}"
    );

    let push = f.cli.run(&["push", "--batch-items", "2"], None);
    push.expect_code(0);
    assert!(
        push.stdout
            .contains("Pushed 2 batches: the server stored 4 answer sets"),
        "{push:#?}"
    );
    assert_eq!(total_responses(&app, &f, a), 4);
}

/// Columns a line takes in a terminal: a Chinese character (or full-width sign) two.
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| if u32::from(c) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

#[test]
fn a_chinese_locale_gets_every_word_in_chinese_and_tables_that_line_up() {
    let app = TestApp::spawn();
    let f = field(&app);
    let a = open_survey(&app, &f, &f.departments);
    let zh = |args: &[&str]| f.cli.run_in("zh_CN.UTF-8", args, None);

    let pull = zh(&["pull"]);
    pull.expect_code(0);
    assert!(
        pull.stdout.contains("已获取问卷：开放的问卷 1 个"),
        "{pull:#?}"
    );
    let file = write(&f.cli, "two.csv", &paper_csv(a, 2, None));
    let import = zh(&["import", file.to_str().unwrap()]);
    import.expect_code(0);
    assert!(import.stdout.contains("份纸质答卷"), "{import:#?}");

    let status = zh(&["status"]);
    status.expect_code(0);
    assert!(status.stdout.contains("有 2 份内容待上传"), "{status:#?}");
    // the count sits under its heading although the survey's name is Chinese
    let lines: Vec<&str> = status.stdout.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.contains("待上传") && l.contains("已删除"))
        .expect("the table's heading");
    let end_of =
        |line: &str, text: &str| columns(&line[..line.find(text).unwrap()]) + columns(text);
    let row = lines[heading + 1];
    assert!(row.contains(&format!("问卷 {a}")), "{status:#?}");
    let count_end = {
        let (label, rest) = row.split_once("  ").expect("two columns");
        let count = rest.trim_start().split(' ').next().unwrap();
        columns(label) + 2 + (rest.len() - rest.trim_start().len()) + columns(count)
    };
    assert_eq!(end_of(lines[heading], "待上传"), count_end, "{status:#?}");

    let push = zh(&["push"]);
    push.expect_code(0);
    assert!(
        push.stdout.contains("已上传 1 批：服务器收下答卷 2 份"),
        "{push:#?}"
    );
    assert!(push.stderr.contains("份已收下"), "{push:#?}");
    assert!(
        !push.all().contains("batch") && !push.all().contains("stored"),
        "no English: {push:#?}"
    );

    // an error of this computer, and the server's own words with the client's advice
    let unknown = zh(&["collect", "nosuchslug"]);
    unknown.expect_code(1);
    assert!(
        unknown.stderr.contains("本机缓存的问卷中没有“nosuchslug”"),
        "{unknown:#?}"
    );
    let refused = f
        .cli
        .run_in("zh_CN.UTF-8", &["survey", "publish", "999999"], None);
    refused.expect_code(1);
    assert!(
        refused.stderr.contains("服务器答复：") && refused.stderr.contains("canvass survey list"),
        "{refused:#?}"
    );
    // --lang wins over the locale
    let status = f
        .cli
        .run_in("zh_CN.UTF-8", &["status", "--lang", "en"], None);
    assert!(status.stdout.contains("Local store:"), "{status:#?}");
}

#[test]
fn a_question_mark_is_help_at_every_prompt() {
    let app = TestApp::spawn();
    let f = field(&app);
    let a = open_survey(&app, &f, &f.departments);
    f.cli.run(&["pull"], None).expect_code(0);
    // the unit, then a question: ? each time, then stop
    let run = f
        .cli
        .run(&["collect", &a.to_string()], Some("?\n1\n?\n\n?\n!q\n"));
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("Type the number in the list, the unit's id in brackets or its exact name"),
        "{run:#?}"
    );
    assert!(run.stdout.contains("goes back a question"), "{run:#?}");
    // the discard question
    let file = write(&f.cli, "one.csv", &paper_csv(a, 1, None));
    f.cli
        .run(&["import", file.to_str().unwrap()], None)
        .expect_code(0);
    let run = f.cli.run(&["discard", "1"], Some("?\nn\n"));
    run.expect_code(1);
    assert!(run.stdout.contains("Type y and Enter"), "{run:#?}");
    assert!(run.stdout.contains("Item 1 was kept."), "{run:#?}");
}

#[test]
fn pull_names_the_villages_with_fewest_answers_and_status_adds_the_officers_own_queue() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let f = field(&app);
    let admin = app.admin_token();
    app.create_unit(&admin, "西村", "village", Some(f.township));
    let east = app.create_unit(&admin, "北村", "village", Some(f.township));
    let survey = open_survey(&app, &f, &f.departments);
    let (_, body) = app.call(
        "GET",
        &format!("/api/v1/surveys/{survey}"),
        Some(&f.organiser),
        None,
    );
    let slug = body["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    for _ in 0..6 {
        let (status, answer) = app.call(
            "POST",
            &format!("/api/v1/public/surveys/{slug}/responses"),
            None,
            Some(&json!({
                "version": 1, "target_unit_id": f.departments[0], "respondent_unit_id": east,
                "answers": {"visit_purpose": "enquiry", "overall": "satisfied", "attitude": "satisfied",
                            "efficiency": "satisfied", "score": 9}
            })),
        );
        assert_eq!(status, 201, "{answer}");
    }

    let pull = f.cli.run(&["pull"], None);
    pull.expect_code(0);
    assert!(
        pull.stdout
            .contains("2 of 3 villages and communities in your area have no answer sheet yet"),
        "{pull:#?}"
    );
    let lines: Vec<&str> = pull.stdout.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.contains("Fewest first"))
        .expect("the fewest villages");
    assert!(lines[heading + 1].contains("VILLAGE"), "{pull:#?}");
    assert!(
        lines[heading + 4].contains("北村") && lines[heading + 4].trim_end().ends_with('6'),
        "the village with answers last: {pull:#?}"
    );

    // one answer for 西村 collected offline, not sent yet
    let run = f.cli.run(
        &[
            "collect",
            &survey.to_string(),
            "--target",
            "县人社局",
            "--village",
            "西村",
            "--lang",
            "en",
        ],
        Some("3\n1\n1\n1\n\n\n\n"),
    );
    run.expect_code(0);
    let status = f.cli.run(&["status"], None);
    status.expect_code(0);
    assert!(status.stdout.contains("YOURS, NOT SENT"), "{status:#?}");
    let row = status
        .stdout
        .lines()
        .find(|l| l.contains("西村"))
        .expect("西村 in the status");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells, ["西村", "0", "1"], "{status:#?}");

    let zh = f.cli.run_in("zh_CN.UTF-8", &["status"], None);
    zh.expect_code(0);
    assert!(zh.stdout.contains("您未上传"), "{zh:#?}");
}
