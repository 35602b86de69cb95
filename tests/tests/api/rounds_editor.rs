//! The rounds editor of the console over HTTP, as a clerk's browser drives it: a 民主测评 round
//! set up from a form with the officials ticked on the roster, every problem of a bad form
//! beside its field with nothing stored, a draft changed with the same form and an open one
//! not, an organiser of one township kept out of another's, and the ballot previewed as its
//! electors will see it.

use canvass_tests::webdriver::{Browser, PHONE};
use serde_json::{json, Value};

use crate::console::{county, Clerk, Setup, PASSWORD};

/// The roster: 周建军 and 王芳 of 东山镇's team (in that order), 赵六 of 西河乡.
struct Roster {
    zhou: i64,
    wang: i64,
    zhao: i64,
}

fn official(c: &Setup, unit: i64, name: &str, post: &str, order: Option<u32>) -> i64 {
    let (status, body) = c.app.call(
        "POST",
        "/api/v1/officials",
        Some(&c.admin),
        Some(&json!({"unit_id": unit, "name": name, "position": post})),
    );
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    if let Some(order) = order {
        let (status, body) = c.app.call(
            "PATCH",
            &format!("/api/v1/officials/{id}"),
            Some(&c.admin),
            Some(&json!({"team": "东山镇党政领导班子", "order": order})),
        );
        assert_eq!(status, 200, "{body}");
    }
    id
}

fn roster(c: &Setup) -> Roster {
    // added out of roster order: the ballot follows the order, not the ids
    let wang = official(c, c.east, "王芳", "镇长", Some(2));
    let zhou = official(c, c.east, "周建军", "党委书记", Some(1));
    let zhao = official(c, c.west, "赵六", "乡长", None);
    Roster { zhou, wang, zhao }
}

fn rounds(c: &Setup) -> Vec<Value> {
    let (status, body) = c.app.call("GET", "/api/v1/rounds", Some(&c.admin), None);
    assert_eq!(status, 200);
    body.as_array().unwrap().clone()
}

/// A good form for a round of 东山镇, as the browser posts it.
fn good_form(c: &Setup, r: &Roster) -> Vec<(String, String)> {
    [
        ("unit", c.east.to_string()),
        ("series", String::new()),
        ("series_name", "东山镇领导班子年度测评".into()),
        ("period", "2026年度".into()),
        ("officials", r.wang.to_string()),
        ("officials", r.zhou.to_string()),
        ("team", "1".into()),
        ("team_name", String::new()),
        ("principal_leader", r.zhou.to_string()),
        ("dimensions", "integrity".into()),
        ("dimensions", "ability".into()),
        ("group_id_0", String::new()),
        ("group_label_0", "县领导".into()),
        ("group_weight_0", "0.4".into()),
        ("group_id_1", String::new()),
        ("group_label_1", "群众代表".into()),
        ("group_weight_1", String::new()),
        ("group_id_2", String::new()),
        ("group_label_2", String::new()),
        ("group_weight_2", String::new()),
        ("quota", "1".into()),
        ("flags", "warning_removal".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn post(clerk: &Clerk, path: &str, form: &[(String, String)]) -> crate::console::Answer {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    clerk.post(path, &fields)
}

fn with(form: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = form.iter().filter(|(k, _)| k != key).cloned().collect();
    form.push((key.into(), value.into()));
    form
}

fn round_id(location: &str) -> i64 {
    location
        .trim_start_matches("/dashboard/rounds/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("a round's page: {location}"))
}

#[test]
fn a_clerk_sets_up_a_round_from_the_form_and_lands_on_its_page() {
    let c = county();
    let r = roster(&c);
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let overview = clerk.get("/dashboard");
    assert!(
        overview.text.contains("href=\"/dashboard/rounds\""),
        "the console's navigation links the rounds"
    );
    assert!(
        overview.text.contains("href=\"/dashboard/rounds/new\""),
        "the overview offers a new round"
    );
    let leader = Clerk::sign_in(&c.app, "leader.county", PASSWORD)
        .0
        .get("/dashboard");
    assert!(
        !leader.text.contains("/dashboard/rounds/new"),
        "not to a leader"
    );
    let form = clerk.get("/dashboard/rounds/new");
    assert_eq!(form.status, 200, "{}", form.text);
    for name in ["周建军", "王芳", "赵六", "东山镇党政领导班子", "文件规定"] {
        assert!(form.text.contains(name), "{name} offered: {}", form.text);
    }

    let created = post(&clerk, "/dashboard/rounds/new", &good_form(&c, &r));
    assert_eq!(created.status, 303, "{}", created.text);
    let id = round_id(&created.location);
    let page = clerk.get(&created.location);
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("东山镇领导班子年度测评 2026年度"),
        "{}",
        page.text
    );
    assert!(page.text.contains("已保存测评草稿"), "it says what it did");
    assert!(page
        .text
        .contains(&format!("href=\"/dashboard/rounds/{id}/edit\"")));
    assert!(page
        .text
        .contains(&format!("href=\"/dashboard/rounds/{id}/ballot\"")));

    let (status, round) = c
        .app
        .call("GET", &format!("/api/v1/rounds/{id}"), Some(&c.admin), None);
    assert_eq!(status, 200);
    assert_eq!(round["status"], "draft");
    assert_eq!(round["unit_id"], c.east);
    let d = &round["definition"];
    assert_eq!(d["period"], "2026年度");
    assert_eq!(d["series"]["name"], "东山镇领导班子年度测评");
    let officials: Vec<&str> = d["officials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(officials, ["周建军", "王芳"], "in roster order");
    assert_eq!(
        d["team"],
        json!({"name": "东山镇党政领导班子", "principal_leader": r.zhou})
    );
    assert_eq!(d["dimensions"], json!(["integrity", "ability"]));
    assert_eq!(
        d["elector_groups"],
        json!([
            {"id": "g1", "label": "县领导", "weight": 0.4},
            {"id": "g2", "label": "群众代表", "weight": 1.0}
        ])
    );
    assert_eq!(
        d["validity_rules"],
        json!([{"kind": "max_grade_count", "grade": "excellent", "max": 1}])
    );
    let rules: Vec<&str> = d["flag_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["warning_talk", "removal"]);

    let list = clerk.get("/dashboard/rounds");
    assert_eq!(list.status, 200);
    assert!(
        list.text.contains(&format!("/dashboard/rounds/{id}/edit")),
        "{}",
        list.text
    );

    // the ballot as electors will see it: the same page, no code, no vote
    let preview = clerk.get(&format!("/dashboard/rounds/{id}/ballot?group=g2"));
    assert_eq!(preview.status, 200, "{}", preview.text);
    for words in [
        "预览",
        "群众代表",
        "周建军",
        "党委书记",
        "德",
        "能",
        "每张票最多评1个“优秀”",
    ] {
        assert!(preview.text.contains(words), "{words}: {}", preview.text);
    }
    assert!(preview.text.contains("disabled"), "no vote from a preview");
    assert!(!preview.text.contains("method=\"post\" action=\"/b/"));
    assert!(preview.text.find("周建军") < preview.text.find("王芳"));

    let english = clerk.get("/dashboard/rounds/new?lang=en");
    assert!(english.text.contains("Elector groups"), "{}", english.text);
}

fn problems_of(text: &str) -> usize {
    text.matches("class=\"err\"").count()
}

#[test]
fn every_problem_of_the_form_shows_beside_its_field_and_nothing_is_stored() {
    let c = county();
    let r = roster(&c);
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let good = good_form(&c, &r);

    // no officials and no team
    let mut form: Vec<(String, String)> = good
        .iter()
        .filter(|(k, _)| k != "officials" && k != "team" && k != "principal_leader" && k != "quota")
        .cloned()
        .collect();
    form.push(("quota".into(), String::new()));
    let answer = post(&clerk, "/dashboard/rounds/new", &form);
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert!(
        answer.text.contains("测评至少要有一位被测评的干部"),
        "{}",
        answer.text
    );
    assert!(answer
        .text
        .contains("<fieldset id=\"officials\" class=\"has-err\">"));

    // many problems at once, each beside its field, what was typed kept
    let long = "长".repeat(201);
    let mut form = with(&good, "quota", "3");
    form = with(&form, "period", "2026\u{0}年度");
    form.push(("officials".into(), "999999".into()));
    form = with(&form, "group_id_0", "a");
    form = with(&form, "group_id_1", "a");
    form = with(&form, "group_label_1", &long);
    form = with(&form, "group_weight_0", "很重");
    let answer = post(&clerk, "/dashboard/rounds/new", &form);
    assert_eq!(answer.status, 422, "{}", answer.text);
    let text = &answer.text;
    for words in [
        "所选干部不在干部名册中",
        "优秀名额应为 1 到 2 之间的整数",
        "不能含有无法保存的空字符",
        "“县领导”的权重必须是大于0的数",
        "与前面的类别重复",
        "应为1到200个字",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert_eq!(
        problems_of(text),
        5,
        "officials, period, two groups, quota: {text}"
    );
    assert!(text.contains(&long), "the long label kept as typed");
    assert!(text.contains("value=\"很重\""), "the weight kept as typed");
    assert!(
        text.contains("<div class=\"group has-err\" id=\"group-1\">"),
        "{text}"
    );
    assert!(
        text.contains("id=\"quota\" name=\"quota\" value=\"3\""),
        "{text}"
    );

    // in English, for an English page
    let answer = post(
        &clerk,
        "/dashboard/rounds/new?lang=en",
        &with(&good, "quota", "0"),
    );
    assert_eq!(answer.status, 422);
    assert!(
        answer.text.contains("must be a whole number from 1 to 2"),
        "{}",
        answer.text
    );

    // an unknown flag preset, dimension or series
    let mut form = with(&good, "flags", "lenient");
    form.push(("dimensions".into(), "charm".into()));
    form = with(&form, "series", "s-nowhere");
    let answer = post(&clerk, "/dashboard/rounds/new", &form);
    assert_eq!(answer.status, 422);
    for words in [
        "请从列出的预警规则中选择一种",
        "测评维度只能从",
        "请从列表中选择测评系列",
    ] {
        assert!(answer.text.contains(words), "{words}: {}", answer.text);
    }

    // an official outside the owning unit
    let mut form = good.clone();
    form.push(("officials".into(), r.zhao.to_string()));
    let answer = post(&clerk, "/dashboard/rounds/new", &form);
    assert!(
        answer.status == 403 || answer.status == 422,
        "{}",
        answer.status
    );
    assert!(answer.text.contains("赵六"), "{}", answer.text);

    assert!(rounds(&c).is_empty(), "nothing stored");
}

#[test]
fn an_organiser_cannot_set_up_or_change_a_round_outside_their_township() {
    let c = county();
    let r = roster(&c);
    let (county_clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let created = post(&county_clerk, "/dashboard/rounds/new", &good_form(&c, &r));
    assert_eq!(created.status, 303, "{}", created.text);
    let id = round_id(&created.location);

    // 东山镇's organiser asks for a round of 西河乡
    let (east, _) = Clerk::sign_in(&c.app, "org.east", PASSWORD);
    let mut form = with(&good_form(&c, &r), "unit", &c.west.to_string());
    form = with(&form, "officials", &r.zhao.to_string());
    let answer = post(&east, "/dashboard/rounds/new", &form);
    assert_eq!(answer.status, 403, "{}", answer.text);
    assert_eq!(rounds(&c).len(), 1, "nothing stored");
    // and cannot see 赵六 on the roster
    let form_page = east.get("/dashboard/rounds/new");
    assert!(!form_page.text.contains("赵六"));

    // a round of the county is out of 东山镇's reach, but 东山镇's own one is not
    let (status, county_round) = c.app.call(
        "POST",
        "/api/v1/rounds",
        Some(&c.admin),
        Some(&json!({"unit_id": c.county, "definition": {
            "period": "2026年度",
            "series": {"id": "county", "name": "县直年度测评"},
            "officials": [{"official_id": r.zhao, "name": "赵六", "position": "乡长"}],
            "elector_groups": [{"id": "all", "label": "全体", "weight": 1}]
        }})),
    );
    assert_eq!(status, 201, "{county_round}");
    let county_id = county_round["id"].as_i64().unwrap();
    assert_eq!(
        east.get(&format!("/dashboard/rounds/{county_id}/edit"))
            .status,
        403
    );
    let answer = post(
        &east,
        &format!("/dashboard/rounds/{county_id}/edit"),
        &good_form(&c, &r),
    );
    assert_eq!(answer.status, 403);
    assert_eq!(
        east.get(&format!("/dashboard/rounds/{county_id}/ballot"))
            .status,
        403
    );
    assert_eq!(
        east.get(&format!("/dashboard/rounds/{id}/edit")).status,
        200
    );

    // a forged form, without the session's CSRF token, changes nothing
    let form = good_form(&c, &r);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let forged = county_clerk.post_without_token("/dashboard/rounds/new", &fields);
    assert_eq!(forged.status, 403, "{}", forged.text);
    let forged = county_clerk.post_without_token(&format!("/dashboard/rounds/{id}/edit"), &fields);
    assert_eq!(forged.status, 403);

    // a leader sets nothing up
    let (leader, _) = Clerk::sign_in(&c.app, "leader.county", PASSWORD);
    assert_eq!(leader.get("/dashboard/rounds/new").status, 403);
    assert_eq!(leader.get("/dashboard/rounds").status, 403);
    assert_eq!(
        post(&leader, "/dashboard/rounds/new", &good_form(&c, &r)).status,
        403
    );
    assert_eq!(rounds(&c).len(), 2);
}

#[test]
fn a_draft_is_changed_with_the_same_form_and_an_open_round_is_not() {
    let c = county();
    let r = roster(&c);
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let created = post(&clerk, "/dashboard/rounds/new", &good_form(&c, &r));
    assert_eq!(created.status, 303, "{}", created.text);
    let id = round_id(&created.location);
    let edit = format!("/dashboard/rounds/{id}/edit");

    let page = clerk.get(&edit);
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("value=\"2026年度\""), "{}", page.text);
    assert!(
        page.text.contains("name=\"group_id_1\" value=\"g2\""),
        "{}",
        page.text
    );
    assert!(page
        .text
        .contains(&format!("/dashboard/rounds/{id}/ballot")));

    // the series stays, a group is removed by clearing it, another added, no quota
    let (_, round) = c
        .app
        .call("GET", &format!("/api/v1/rounds/{id}"), Some(&c.admin), None);
    let series = round["series_id"].as_str().unwrap().to_string();
    let form: Vec<(String, String)> = [
        ("series", series.as_str()),
        ("series_name", ""),
        ("period", "2026年度(补测)"),
        ("officials", &r.zhou.to_string()),
        ("dimensions", "honesty"),
        ("group_id_0", "g1"),
        ("group_label_0", ""),
        ("group_weight_0", ""),
        ("group_id_1", "g2"),
        ("group_label_1", "群众代表"),
        ("group_weight_1", "2"),
        ("group_id_2", ""),
        ("group_label_2", "中层干部"),
        ("group_weight_2", "1.5"),
        ("quota", ""),
        ("flags", "none"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let saved = post(&clerk, &edit, &form);
    assert_eq!(saved.status, 303, "{}", saved.text);
    assert_eq!(round_id(&saved.location), id);
    assert!(clerk
        .get(&saved.location)
        .text
        .contains("已保存对测评草稿的修改"));
    let (_, round) = c
        .app
        .call("GET", &format!("/api/v1/rounds/{id}"), Some(&c.admin), None);
    let d = &round["definition"];
    assert_eq!(round["series_id"], series.as_str());
    assert_eq!(d["period"], "2026年度(补测)");
    assert_eq!(d["officials"].as_array().unwrap().len(), 1);
    assert_eq!(d["team"], Value::Null);
    assert_eq!(d["dimensions"], json!(["honesty"]));
    assert_eq!(
        d["elector_groups"],
        json!([
            {"id": "g2", "label": "群众代表", "weight": 2.0},
            {"id": "g3", "label": "中层干部", "weight": 1.5}
        ]),
        "a new group never takes the id of one removed (its codes would vote in it)"
    );
    assert_eq!(d.get("validity_rules"), None);
    assert_eq!(d["flag_rules"], json!([]));

    // a bad change is refused whole
    let answer = post(&clerk, &edit, &with(&form, "quota", "9"));
    assert_eq!(answer.status, 422);
    assert!(
        answer.text.contains("优秀名额应为 1 到 1 之间的整数"),
        "{}",
        answer.text
    );
    let (_, again) = c
        .app
        .call("GET", &format!("/api/v1/rounds/{id}"), Some(&c.admin), None);
    assert_eq!(again["definition"], round["definition"], "nothing stored");

    // once open, the definition stays
    let (status, _) = c.app.call(
        "POST",
        &format!("/api/v1/rounds/{id}/open"),
        Some(&c.admin),
        None,
    );
    assert_eq!(status, 200);
    let page = clerk.get(&edit);
    assert_eq!(page.status, 409, "{}", page.text);
    assert!(
        page.text.contains("测评只能在草稿状态下修改"),
        "{}",
        page.text
    );
    let answer = post(&clerk, &edit, &with(&form, "period", "2027年度"));
    assert_eq!(answer.status, 409, "{}", answer.text);
    let (_, after) = c
        .app
        .call("GET", &format!("/api/v1/rounds/{id}"), Some(&c.admin), None);
    assert_eq!(after["definition"], round["definition"]);
    let list = clerk.get("/dashboard/rounds");
    assert!(
        !list.text.contains(&edit),
        "no change offered for an open round"
    );
    let page = clerk.get(&format!("/dashboard/rounds/{id}"));
    assert!(!page.text.contains(&edit), "nor on its page");
    assert_eq!(
        clerk.get(&format!("/dashboard/rounds/{id}/ballot")).status,
        200
    );
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn browser_a_clerk_on_a_phone_sets_up_a_round_from_the_roster() {
    let c = county();
    let r = roster(&c);
    let browser = Browser::start(PHONE);
    browser.goto(&c.app.url("/login"));
    browser.type_into("#username", "org.county");
    browser.type_into("#password", PASSWORD);
    browser.click("form button[type=submit]");
    browser.wait_until("the overview", |b| b.url().ends_with("/dashboard"));
    browser.click("a[href='/dashboard/rounds']");
    browser.wait_until("the rounds", |b| b.url().ends_with("/dashboard/rounds"));
    browser.click("#new-round");
    browser.wait_until("the editor", |b| b.url().ends_with("/dashboard/rounds/new"));
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    assert_eq!(browser.script(fits, &[]), true, "the editor fits 360 px");

    // a first try with a mistake: a weight that is no number
    browser.type_into("#series_name", "东山镇领导班子年度测评");
    browser.type_into("#period", "2026年度");
    browser.click(&format!("input[name=officials][value='{}']", r.zhou));
    browser.click(&format!("input[name=officials][value='{}']", r.wang));
    browser.click("#team");
    browser.click("input[name=dimensions][value=integrity]");
    browser.type_into("#group_label_0", "县领导");
    browser.type_into("#group_weight_0", "很重");
    browser.type_into("#group_label_1", "群众代表");
    browser.type_into("#quota", "1");
    browser.screenshot("rounds-editor-1-form");
    browser.click("#editor button[type=submit]");
    browser.wait_for_text("main", "权重必须是大于0的数");
    assert_eq!(browser.count("#group-0.has-err"), 1);
    assert_eq!(
        browser.script(fits, &[]),
        true,
        "the refused form fits 360 px"
    );
    browser.screenshot("rounds-editor-2-refused");

    // what was typed is still there: fix the weight only
    browser.script("document.getElementById('group_weight_0').value = ''", &[]);
    browser.type_into("#group_weight_0", "0.4");
    browser.click("#editor button[type=submit]");
    browser.wait_until("the round's page", |b| {
        let url = b.url();
        url.contains("/dashboard/rounds/") && !url.ends_with("/new")
    });
    browser.wait_for_text("main", "东山镇领导班子年度测评 2026年度");
    assert_eq!(
        browser.script(fits, &[]),
        true,
        "the round's page fits 360 px"
    );
    browser.screenshot("rounds-editor-3-round");

    let list = rounds(&c);
    assert_eq!(list.len(), 1);
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["definition"]["elector_groups"][0]["weight"], 0.4);
    assert!(
        browser.text("main").contains("已保存测评草稿"),
        "it says what it did"
    );
    browser.click(&format!("#setup a[href='/dashboard/rounds/{id}/ballot']"));
    browser.wait_for_text("main", "预览");
    assert_eq!(browser.script(fits, &[]), true, "the preview fits 360 px");
    browser.screenshot("rounds-editor-4-ballot-preview");
}
