//! Browser tests: Debian's headless chromium through chromedriver. They need the packages
//! `chromium` and `chromium-driver`, which `.ci/run` installs; `cargo test` lists them as
//! ignored with that reason, and `cargo test -- --include-ignored` runs them.

use canvass_tests::webdriver::{Browser, DESKTOP, PHONE};
use canvass_tests::TestApp;
use serde_json::{json, Value};

const WINDOW_FORM: &str = include_str!("../../../docs/examples/survey-window-service.json");

fn published_survey() -> (TestApp, String, i64, String) {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let department = app.create_unit(&admin, "县市场监督管理局", "department", Some(county));
    let other = app.create_unit(&admin, "县人社局", "department", Some(county));
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    app.create_unit(&admin, "东山村", "village", Some(east));
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&admin),
        Some(&json!({"definition": definition, "targets": [department, other], "unit_id": county})),
    );
    assert_eq!(status, 201, "{survey}");
    let id = survey["id"].as_i64().unwrap();
    assert_eq!(
        app.call(
            "POST",
            &format!("/api/v1/surveys/{id}/publish"),
            Some(&admin),
            None
        )
        .0,
        200
    );
    let url = app.url(&format!(
        "/s/{}",
        survey["public_url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
    ));
    (app, admin, id, url)
}

fn fills_the_form_fixes_an_error_and_submits(viewport: (u32, u32), name: &str) {
    let (app, admin, id, url) = published_survey();
    let browser = Browser::start(viewport);
    browser.goto(&url);
    assert_eq!(
        browser.script("return document.documentElement.lang", &[]),
        "zh-CN"
    );
    let fits = browser.script(
        "return document.documentElement.scrollWidth <= window.innerWidth",
        &[],
    );
    assert_eq!(fits, true, "no sideways scrolling at {viewport:?}");
    browser.screenshot(&format!("{name}-1-empty"));

    browser.click("input[name=_target]");
    browser.click("input[name=visit_purpose][value=licence]");
    browser.click("input[name=overall][value=satisfied]");
    browser.click("input[name=attitude][value=basically_satisfied]");
    // efficiency (required) left out, and a number out of range
    browser.type_into("input[name=trips]", "99");
    browser.type_into("textarea[name=comment]", "希望增加自助办理机");
    browser.click("button[type=submit]");
    browser.wait_for_text("#e-efficiency", "必答");

    assert!(
        browser.url().starts_with(&url),
        "stays on the form: {}",
        browser.url()
    );
    let missing = browser.text("#e-efficiency");
    assert!(missing.contains("必答"), "{missing}");
    let range = browser.text("#e-trips");
    assert!(range.contains('1') && range.contains("20"), "{range}");
    assert_eq!(
        browser.property("input[name=overall][value=satisfied]", "checked"),
        true,
        "answers are kept"
    );
    assert_eq!(browser.property("input[name=trips]", "value"), "99");
    assert_eq!(
        browser.property("textarea[name=comment]", "value"),
        "希望增加自助办理机"
    );
    browser.screenshot(&format!("{name}-2-errors"));
    let (_, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&admin),
        None,
    );
    assert_eq!(results["total_responses"]["value"], 0.0);

    browser.click("input[name=efficiency][value=satisfied]");
    browser.type_into("input[name=trips]", "2");
    browser.click("button[type=submit]");
    browser.wait_for_text("h1", "谢谢");
    assert!(browser.url().contains("/thanks"), "{}", browser.url());
    browser.screenshot(&format!("{name}-3-thanks"));
    let (_, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&admin),
        None,
    );
    assert_eq!(results["total_responses"]["value"], 1.0);
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn a_respondent_on_a_phone_fills_the_form_fixes_an_error_and_submits() {
    fills_the_form_fixes_an_error_and_submits(PHONE, "survey-form-phone");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn a_respondent_on_a_desktop_fills_the_form_fixes_an_error_and_submits() {
    fills_the_form_fixes_an_error_and_submits(DESKTOP, "survey-form-desktop");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn the_form_switches_to_english() {
    let (_app, _, _, url) = published_survey();
    let browser = Browser::start(PHONE);
    browser.goto(&url);
    browser.click("a.lang");
    browser.wait_until("the English page", |b| b.url().contains("lang=en"));
    assert_eq!(
        browser.script("return document.documentElement.lang", &[]),
        "en"
    );
    assert!(browser
        .source()
        .contains("What did you come to the window for?"));
    browser.screenshot("survey-form-english");
}

/// An open round of two officials and the team, one code of the cadres; returns the app, the
/// admin's token, the round's id, the code, the ballot page's address and the officials.
fn open_round() -> (TestApp, String, i64, String, String, Vec<i64>) {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let township = app.create_unit(&admin, "青山镇", "township", Some(county));
    let officials: Vec<i64> = [("王建国", "党委书记"), ("李明", "镇长")]
        .iter()
        .map(|(name, position)| {
            app.call(
                "POST",
                "/api/v1/officials",
                Some(&admin),
                Some(&json!({"unit_id": township, "name": name, "position": position})),
            )
            .1["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    let definition = json!({
        "period": "2026年度",
        "series": {"id": "qs", "name": "青山镇领导班子民主测评"},
        "officials": [
            {"official_id": officials[0], "name": "王建国", "position": "党委书记"},
            {"official_id": officials[1], "name": "李明", "position": "镇长"}
        ],
        "team": {"name": "青山镇领导班子", "principal_leader": officials[0]},
        "elector_groups": [{"id": "cadres", "label": "干部", "weight": 1.0}]
    });
    let (status, round) = app.call(
        "POST",
        "/api/v1/rounds",
        Some(&admin),
        Some(&json!({"definition": definition, "unit_id": township})),
    );
    assert_eq!(status, 201, "{round}");
    let id = round["id"].as_i64().unwrap();
    assert_eq!(
        app.call(
            "POST",
            &format!("/api/v1/rounds/{id}/open"),
            Some(&admin),
            None
        )
        .0,
        200
    );
    let (_, generated) = app.call(
        "POST",
        &format!("/api/v1/rounds/{id}/codes"),
        Some(&admin),
        Some(&json!({"elector_group": "cadres", "count": 1})),
    );
    let code = generated["codes"][0].as_str().unwrap().to_string();
    let url = round["ballot_url"].as_str().unwrap().to_string();

    (app, admin, id, code, url, officials)
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn an_elector_on_a_phone_enters_a_code_grades_everyone_and_votes_once() {
    let (app, admin, id, code, url, officials) = open_round();
    let browser = Browser::start(PHONE);
    browser.goto(&url);
    assert_eq!(
        browser.script(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            &[]
        ),
        true
    );
    browser.screenshot("ballot-phone-1-code");
    // a mistyped code gets its own message
    let mut wrong: Vec<char> = code.chars().collect();
    wrong[0] = if wrong[0] == 'A' { 'B' } else { 'A' };
    browser.type_into("input[name=code]", &wrong.into_iter().collect::<String>());
    browser.click("button[type=submit]");
    browser.wait_for_text("#e-code", "输错");
    browser.type_into("input[name=code]", &code.to_lowercase());
    browser.click("button[type=submit]");
    browser.screenshot("ballot-phone-2-ballot");
    browser.click(&format!("input[name=g_{}][value=excellent]", officials[0]));
    browser.click(&format!("input[name=g_{}][value=competent]", officials[1]));
    browser.click("input[name=g_team][value=good]");
    browser.click("button[type=submit]");
    browser.wait_for_text("h1", "投票成功");
    browser.screenshot("ballot-phone-3-done");
    let (_, report) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&admin),
        None,
    );
    assert_eq!(
        report["results"]["subjects"][0]["overall"]["pooled"]["counts"]["excellent"], 1,
        "{report}"
    );
    // the same code cannot vote again
    browser.goto(&url);
    browser.type_into("input[name=code]", &code);
    browser.click("button[type=submit]");
    browser.wait_for_text("#e-code", "已经投过");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn an_elector_whose_tampered_ballot_is_refused_keeps_an_unspent_code() {
    let (app, admin, id, code, url, officials) = open_round();
    let browser = Browser::start(PHONE);
    browser.goto(&format!("{url}?lang=en"));
    browser.type_into("input[name=code]", &code);
    browser.click("button[type=submit]");
    browser.click(&format!("input[name=g_{}][value=excellent]", officials[0]));
    // a mark for an official who is not in the round, as a tampered page would send
    browser.script(
        "const f = document.querySelector('form'); const i = document.createElement('input'); \
         i.type = 'hidden'; i.name = 'g_999999'; i.value = 'competent'; f.appendChild(i); \
         return true",
        &[],
    );
    browser.click("button[type=submit]");
    browser.wait_for_text("#e-ballot", "code has not been used");
    assert_eq!(
        browser.script(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            &[]
        ),
        true
    );
    browser.screenshot("ballot-phone-refused");
    assert_eq!(
        browser.property(
            &format!("input[name=g_{}][value=excellent]", officials[0]),
            "checked"
        ),
        true,
        "the marks are kept"
    );
    let (_, report) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&admin),
        None,
    );
    assert_eq!(
        report["turnout"]["groups"][0]["codes_used"], 0,
        "the code is unspent: {report}"
    );
    // the same code votes once the ballot is right
    browser.click(&format!("input[name=g_{}][value=competent]", officials[1]));
    browser.click("button[type=submit]");
    browser.wait_for_text("h1", "Thank you");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn a_respondent_whose_form_is_sent_twice_is_counted_once() {
    let (app, admin, id, url) = published_survey();
    let browser = Browser::start(PHONE);
    let fill = |browser: &Browser| {
        browser.click("input[name=_target]");
        browser.click("input[name=visit_purpose][value=licence]");
        browser.click("input[name=overall][value=satisfied]");
        browser.click("input[name=attitude][value=satisfied]");
        browser.click("input[name=efficiency][value=satisfied]");
    };
    browser.goto(&url);
    let key = browser.property("input[name=_key]", "value");
    let key = key.as_str().unwrap().to_string();
    assert!(key.len() >= 16, "{key}");
    fill(&browser);
    browser.click("button[type=submit]");
    browser.wait_for_text("h1", "谢谢");
    // the same form sent again, as a retry after a lost reply sends it
    browser.goto(&url);
    browser.script(
        "document.querySelector('input[name=_key]').value = arguments[0]; return true",
        &[json!(key)],
    );
    fill(&browser);
    browser.click("button[type=submit]");
    browser.wait_for_text("h1", "谢谢");
    browser.screenshot("survey-form-phone-sent-twice");
    let (_, results) = app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&admin),
        None,
    );
    assert_eq!(results["total_responses"]["value"], 1.0, "stored once");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn an_organiser_on_a_phone_imports_a_roster_after_its_preview() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    app.create_unit(&admin, "东山镇", "township", Some(county));
    app.create_account(&admin, "zuzhibu", "zuzhibu-password", "organiser", county);
    let dir = tempfile::tempdir().unwrap();
    let roster = |name: &str, rows: &[&[&str]]| {
        let path = dir.path().join(name);
        std::fs::write(&path, crate::console::xlsx(rows)).unwrap();
        path.to_string_lossy().into_owned()
    };
    let header: &[&str] = &["姓名", "职务", "单位", "班子", "排序"];
    let bad = roster(
        "名册-有错.xlsx",
        &[
            header,
            &["周建军", "党委书记", "东山镇", "东山镇党政领导班子", "1"],
            &["王芳", "镇长", "南山镇", "东山镇党政领导班子", "2"],
        ],
    );
    let good = roster(
        "名册.xlsx",
        &[
            header,
            &["周建军", "党委书记", "东山镇", "东山镇党政领导班子", "1"],
            &["王芳", "镇长", "东山镇", "东山镇党政领导班子", "2"],
        ],
    );

    let browser = Browser::start(PHONE);
    browser.goto(&app.url("/login"));
    browser.type_into("#username", "zuzhibu");
    browser.type_into("#password", "zuzhibu-password");
    browser.click("form button[type=submit]");
    browser.wait_until("the overview", |b| b.url().ends_with("/dashboard"));
    browser.goto(&app.url("/dashboard/officials/import"));
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    assert_eq!(
        browser.script(fits, &[]),
        true,
        "the upload page fits 360 px"
    );
    browser.screenshot("console-roster-1-upload");

    browser.type_into("#file", &bad);
    browser.click("form[enctype] button");
    browser.wait_for_text("main", "共 1 个问题");
    assert_eq!(browser.count("td.bad"), 1);
    assert_eq!(
        browser.count("#confirm"),
        0,
        "no confirmation of a bad file"
    );
    assert_eq!(browser.script(fits, &[]), true, "the preview fits 360 px");
    browser.screenshot("console-roster-2-preview-errors");

    browser.goto(&app.url("/dashboard/officials/import"));
    browser.type_into("#file", &good);
    browser.click("form[enctype] button");
    browser.wait_for_text("main", "确认后将新增 2 名干部");
    browser.screenshot("console-roster-3-preview");
    browser.click("#confirm");
    browser.wait_for_text("main", "干部名册已导入");
    assert!(browser.source().contains("东山镇党政领导班子"));
    assert_eq!(browser.script(fits, &[]), true, "the roster fits 360 px");
    browser.screenshot("console-roster-4-imported");

    let (_, officials) = app.call("GET", "/api/v1/officials", Some(&admin), None);
    assert_eq!(officials.as_array().unwrap().len(), 2);
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn a_leader_on_a_phone_follows_a_survey_series_and_picks_a_unit() {
    let s = crate::trends::scene();
    let browser = Browser::start(PHONE);
    browser.goto(&s.app.url("/login"));
    browser.type_into("#username", "leader");
    browser.type_into("#password", "leader-password");
    browser.click("form button[type=submit]");
    browser.wait_until("the overview", |b| b.url().ends_with("/dashboard"));
    browser.click("nav.dash a[href='/dashboard/trends']");
    browser.wait_for_text("main", crate::trends::SERIES);
    browser.click("main li a");
    browser.wait_for_text("main", "整改单位下一期是否改进");
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    assert_eq!(
        browser.script(fits, &[]),
        true,
        "the trend page fits 360 px"
    );
    let chart_width = "return document.querySelector('svg.chart').getBoundingClientRect().width <= window.innerWidth";
    assert_eq!(
        browser.script(chart_width, &[]),
        true,
        "the chart fits 360 px"
    );
    browser.screenshot("trends-1-series");
    browser.click("#latest + div table tbody tr:first-child a");
    browser.wait_for_text("#unit", "甲局");
    assert_eq!(browser.script(fits, &[]), true);
    assert!(
        browser.text("main").contains("隐藏*"),
        "the hidden units stay hidden"
    );
    browser.screenshot("trends-2-unit");
}
