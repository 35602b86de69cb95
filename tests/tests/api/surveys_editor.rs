//! The survey editor of the console over HTTP, as a clerk's browser drives it: a survey set up
//! from each template with no JSON (the form posted back as the page offers it), questions and
//! options added, moved and removed with plain buttons, every problem of a bad form beside its
//! field with nothing stored, a draft changed and a published survey given a new version, the
//! units rated fixed once answered (409), an organiser of one township kept out of another's,
//! a forged form refused, and the survey previewed as respondents see it.

use canvass_tests::webdriver::{Browser, PHONE};
use serde_json::{json, Value};

use crate::console::{county, Clerk, Setup, PASSWORD};

/// The text of an HTML attribute value or element as written by the templates, unescaped.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn has_flag(tag: &str, name: &str) -> bool {
    tag.split([' ', '>']).any(|part| part == name)
}

/// The fields the editor's form (`#editor`) posts as a browser would, without its CSRF token
/// and its buttons: text and hidden inputs, ticked boxes, textareas, chosen options.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let start = html.find("id=\"editor\"").expect("the editor's form");
    let end = html[start..].find("</form>").unwrap() + start;
    let form = &html[start..end];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let close = rest.find('>').unwrap();
        let tag = &rest[..=close];
        if tag.starts_with("<input ") {
            let kind = attr(tag, "type").unwrap_or_default();
            let name = attr(tag, "name").unwrap_or_default();
            let value = attr(tag, "value").unwrap_or_default();
            let sent = match kind.as_str() {
                "hidden" | "text" => name != "csrf",
                "checkbox" | "radio" => has_flag(tag, "checked"),
                _ => false,
            };
            if sent {
                fields.push((name, value));
            }
        } else if tag.starts_with("<textarea ") {
            let text_end = rest.find("</textarea>").unwrap();
            let name = attr(tag, "name").unwrap_or_default();
            fields.push((name, unescape(&rest[close + 1..text_end])));
        } else if tag.starts_with("<select ") {
            let select_end = rest.find("</select>").unwrap();
            let options = &rest[close + 1..select_end];
            let name = attr(tag, "name").unwrap_or_default();
            let mut chosen = None;
            let mut first = None;
            for option in options.split("<option ").skip(1) {
                let option = format!(" {}", &option[..option.find('>').unwrap_or(option.len())]);
                let value = attr(&option, "value").unwrap_or_default();
                first.get_or_insert_with(|| value.clone());
                if has_flag(&option, "selected") {
                    chosen = Some(value);
                }
            }
            if let Some(value) = chosen.or(first) {
                fields.push((name, value));
            }
        }
        rest = &rest[close + 1..];
    }
    fields
}

fn set(form: &mut Vec<(String, String)>, key: &str, value: &str) {
    form.retain(|(k, _)| k != key);
    form.push((key.into(), value.into()));
}

fn post(clerk: &Clerk, path: &str, form: &[(String, String)], op: &str) -> crate::console::Answer {
    let mut fields: Vec<(&str, &str)> =
        form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.push(("op", op));
    clerk.post(path, &fields)
}

fn surveys(c: &Setup) -> Vec<Value> {
    let (status, body) = c.app.call("GET", "/api/v1/surveys", Some(&c.admin), None);
    assert_eq!(status, 200);
    body.as_array().unwrap().clone()
}

fn version(c: &Setup, id: i64, v: i64) -> Value {
    let (status, body) = c.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/versions/{v}"),
        Some(&c.admin),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["definition"].clone()
}

fn survey_id(location: &str) -> i64 {
    location
        .trim_start_matches("/dashboard/surveys/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("a survey's page: {location}"))
}

/// The county of the console tests with two window units of the county, a department that
/// is not one, and a village of 东山镇.
struct Units {
    market: i64,
    social: i64,
    village: i64,
}

fn units(c: &Setup) -> Units {
    let unit = |name: &str, kind: &str, parent: i64, window: bool| {
        let (status, body) = c.app.call(
            "POST",
            "/api/v1/units",
            Some(&c.admin),
            Some(&json!({"name": name, "kind": kind, "parent_id": parent, "window_unit": window})),
        );
        assert_eq!(status, 201, "{body}");
        body["id"].as_i64().unwrap()
    };
    let market = unit("县市场监督管理局", "department", c.county, true);
    let social = unit("县人社局", "department", c.county, true);
    unit("县档案馆", "department", c.county, false);
    let village = unit("东山村", "village", c.east, false);
    Units {
        market,
        social,
        village,
    }
}

#[test]
fn a_clerk_sets_up_a_survey_from_each_template_and_previews_it() {
    let c = county();
    let u = units(&c);
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let overview = clerk.get("/dashboard");
    assert!(
        overview.text.contains("href=\"/dashboard/surveys/new\""),
        "the overview offers a new survey"
    );
    let choose = clerk.get("/dashboard/surveys/new");
    assert_eq!(choose.status, 200, "{}", choose.text);
    for words in [
        "窗口单位群众满意度测评",
        "村务工作群众满意度测评",
        "空白问卷",
    ] {
        assert!(choose.text.contains(words), "{words}: {}", choose.text);
    }

    // the window units' survey: as the template gives it, its window units ticked
    let page = clerk.get("/dashboard/surveys/new?template=window");
    assert_eq!(page.status, 200, "{}", page.text);
    let form = form_fields(&page.text);
    let ticked: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "targets")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(ticked, [u.market.to_string(), u.social.to_string()]);
    let created = post(&clerk, "/dashboard/surveys/new", &form, "save");
    assert_eq!(created.status, 303, "{}", created.text);
    let id = survey_id(&created.location);
    let landed = clerk.get(&created.location);
    assert!(
        landed.text.contains("问卷已保存为草稿"),
        "it says what it did"
    );
    assert!(landed
        .text
        .contains(&format!("href=\"/dashboard/surveys/{id}/edit\"")));
    let definition = version(&c, id, 1);
    assert_eq!(definition["title"]["zh-CN"], "窗口单位服务群众满意度测评");
    assert_eq!(definition["questions"].as_array().unwrap().len(), 8);
    assert_eq!(
        definition["questions"][6]["show_if"],
        json!({"question": "overall", "equals": "dissatisfied"})
    );
    let preview = clerk.get(&format!("/dashboard/surveys/{id}/preview"));
    assert_eq!(preview.status, 200);
    for words in ["工作人员的服务态度", "县市场监督管理局", "基本满意"] {
        assert!(preview.text.contains(words), "{words}: {}", preview.text);
    }

    // the village affairs survey of one village, owned by 东山镇
    let page = clerk.get("/dashboard/surveys/new?template=village&lang=en");
    let mut form = form_fields(&page.text);
    set(&mut form, "unit", &c.east.to_string());
    set(&mut form, "targets", &u.village.to_string());
    let created = post(&clerk, "/dashboard/surveys/new", &form, "save");
    assert_eq!(created.status, 303, "{}", created.text);
    let village_survey = survey_id(&created.location);
    let (_, s) = c.app.call(
        "GET",
        &format!("/api/v1/surveys/{village_survey}"),
        Some(&c.admin),
        None,
    );
    assert_eq!(s["unit_id"], c.east);
    assert_eq!(s["targets"][0]["name"], "东山村");

    // the blank form: one question typed in, a second added as a choice with three options,
    // shown only after one answer to the first, then moved above and back again
    let page = clerk.get("/dashboard/surveys/new?template=blank");
    let mut form = form_fields(&page.text);
    set(&mut form, "title_zh", "东山镇便民服务站满意度调查");
    set(&mut form, "q0_label_zh", "您对便民服务站是否满意?");
    set(&mut form, "targets", &c.east.to_string());
    let added = post(&clerk, "/dashboard/surveys/new", &form, "add");
    assert_eq!(added.status, 200, "{}", added.text);
    assert!(surveys(&c).len() == 2, "a button stores nothing");
    let mut form = form_fields(&added.text);
    assert!(
        form.contains(&("title_zh".into(), "东山镇便民服务站满意度调查".into())),
        "kept"
    );
    set(&mut form, "q1_type", "single_choice");
    set(&mut form, "q1_label_zh", "主要问题");
    let shown = post(&clerk, "/dashboard/surveys/new", &form, "refresh");
    let mut form = form_fields(&shown.text);
    set(&mut form, "q1_o0_zh", "排队久");
    set(&mut form, "q1_o1_zh", "态度差");
    let more = post(&clerk, "/dashboard/surveys/new", &form, "add_option:1");
    let mut form = form_fields(&more.text);
    set(&mut form, "q1_o2_zh", "其他");
    set(&mut form, "q1_required", "1");
    form.push(("q1_show_if".into(), "q1:dissatisfied".into()));
    let moved = post(&clerk, "/dashboard/surveys/new", &form, "up:1");
    assert!(
        moved.text.find("主要问题") < moved.text.find("您对便民服务站是否满意"),
        "moved up"
    );
    let form = form_fields(&moved.text);
    let back = post(&clerk, "/dashboard/surveys/new", &form, "down:0");
    let form = form_fields(&back.text);
    let created = post(&clerk, "/dashboard/surveys/new", &form, "save");
    assert_eq!(created.status, 303, "{}", created.text);
    let blank = survey_id(&created.location);
    let d = version(&c, blank, 1);
    assert_eq!(
        d["questions"],
        json!([
            {"id": "q1", "label": {"zh-CN": "您对便民服务站是否满意?"}, "required": false, "type": "rating", "scale": "satisfaction"},
            {"id": "q2", "label": {"zh-CN": "主要问题"}, "required": true,
             "show_if": {"question": "q1", "equals": "dissatisfied"},
             "type": "single_choice", "options": [
                {"id": "o1", "label": {"zh-CN": "排队久"}},
                {"id": "o2", "label": {"zh-CN": "态度差"}},
                {"id": "o3", "label": {"zh-CN": "其他"}}]}
        ])
    );
}

fn problems_of(text: &str) -> usize {
    text.matches("class=\"err\"").count()
}

#[test]
fn every_problem_of_the_form_shows_beside_its_field_and_nothing_is_stored() {
    let c = county();
    let u = units(&c);
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let page = clerk.get("/dashboard/surveys/new?template=window");
    let good = form_fields(&page.text);

    let mut form = good.clone();
    set(&mut form, "title_zh", "");
    set(&mut form, "q1_label_zh", "总体\u{0}评价");
    set(&mut form, "q0_o1_zh", "");
    set(&mut form, "q6_max", "九");
    set(&mut form, "q7_max_length", "5000");
    set(&mut form, "q2_show_if", "comment:x");
    set(&mut form, "q3_type", "drawing");
    form.retain(|(k, _)| k != "targets");
    let answer = post(&clerk, "/dashboard/surveys/new", &form, "save");
    assert_eq!(answer.status, 422, "{}", answer.text);
    let text = &answer.text;
    assert_eq!(
        problems_of(text),
        7,
        "title, label, option, skip rule, type, two limits (the targets are checked once the questionnaire holds): {text}"
    );
    for words in [
        "请修改",
        "应填写不小于0的整数",
        "请从列表中选择题型",
        "无法保存的字符",
        "不在本题之前",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert!(text.contains("value=\"九\""), "kept as typed");
    assert!(
        text.contains("<div class=\"q has-err\" id=\"question_6\">"),
        "{text}"
    );
    assert!(surveys(&c).is_empty(), "nothing stored");

    // the units rated: none, a retired one, one outside the owner
    let mut form = good.clone();
    form.retain(|(k, _)| k != "targets");
    let answer = post(&clerk, "/dashboard/surveys/new?lang=en", &form, "save");
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert!(answer
        .text
        .contains("<fieldset id=\"targets\" class=\"has-err\">"));
    let mut form = good.clone();
    set(&mut form, "unit", &c.west.to_string());
    set(&mut form, "targets", &u.village.to_string());
    let answer = post(&clerk, "/dashboard/surveys/new", &form, "save");
    assert_eq!(answer.status, 403, "{}", answer.text);
    assert!(answer.text.contains("东山村"), "{}", answer.text);
    let mut form = good.clone();
    set(&mut form, "targets", "东山村");
    let answer = post(&clerk, "/dashboard/surveys/new", &form, "save");
    assert_eq!(answer.status, 422);
    assert!(answer.text.contains("请在单位列表中勾选测评对象"));

    // a rating scale of the survey's own with a bad score, and a forged id
    let mut form = good.clone();
    let scale = post(&clerk, "/dashboard/surveys/new", &form, "add_scale");
    form = form_fields(&scale.text);
    set(&mut form, "s0_label_zh", "四级");
    set(&mut form, "s0_o0_zh", "好");
    set(&mut form, "s0_o0_score", "120");
    set(&mut form, "s0_o1_zh", "差");
    set(&mut form, "s0_o1_score", "零");
    set(&mut form, "q4_scale", "scale1");
    set(&mut form, "q5_id", "Bad Id");
    let answer = post(&clerk, "/dashboard/surveys/new?lang=en", &form, "save");
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert!(answer.text.contains("Must be a number."), "{}", answer.text);
    assert!(
        answer.text.contains("An id in the form is not valid"),
        "{}",
        answer.text
    );
    assert!(surveys(&c).is_empty(), "nothing stored");
}

#[test]
fn a_draft_is_changed_a_published_survey_gets_a_new_version_and_answered_targets_stay() {
    let c = county();
    let u = units(&c);
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let page = clerk.get("/dashboard/surveys/new?template=window");
    let created = post(
        &clerk,
        "/dashboard/surveys/new",
        &form_fields(&page.text),
        "save",
    );
    let id = survey_id(&created.location);
    let edit = format!("/dashboard/surveys/{id}/edit");

    // the draft: a question removed
    let page = clerk.get(&edit);
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("第1版"), "{}", page.text);
    let form = form_fields(&page.text);
    let removed = post(&clerk, &edit, &form, "remove:5");
    let saved = post(&clerk, &edit, &form_fields(&removed.text), "save");
    assert_eq!(saved.status, 303, "{}", saved.text);
    assert!(clerk
        .get(&saved.location)
        .text
        .contains("修改已保存为草稿版本"));
    let d = version(&c, id, 1);
    assert_eq!(d["questions"].as_array().unwrap().len(), 7);
    assert!(!d.to_string().contains("integrity"));

    // published: saving starts version 2, version 1 stays
    let (status, _) = c.app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/publish"),
        Some(&c.admin),
        None,
    );
    assert_eq!(status, 200);
    let page = clerk.get(&edit);
    assert!(page.text.contains("第2版草稿"), "{}", page.text);
    let mut form = form_fields(&page.text);
    set(&mut form, "q1_label_zh", "您对窗口服务的总体评价");
    let saved = post(&clerk, &edit, &form, "save");
    assert_eq!(saved.status, 303, "{}", saved.text);
    assert_eq!(
        version(&c, id, 2)["questions"][1]["label"]["zh-CN"],
        "您对窗口服务的总体评价"
    );
    assert_eq!(
        version(&c, id, 1)["questions"][1]["label"]["zh-CN"],
        "您对该单位窗口服务的总体评价"
    );
    let preview = clerk.get(&format!("/dashboard/surveys/{id}/preview"));
    assert!(
        preview.text.contains("您对窗口服务的总体评价"),
        "the preview shows the draft"
    );

    // once answered, the units rated stay: 409 beside them, nothing stored
    let (_, survey) = c.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}"),
        Some(&c.admin),
        None,
    );
    let slug = survey["targets"][0]["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let (status, body) = c.app.call(
        "POST",
        &format!("/api/v1/public/surveys/{slug}/responses"),
        None,
        Some(
            &json!({"version": 1, "target_unit_id": u.market, "answers": {
            "overall": "satisfied", "attitude": "satisfied", "efficiency": "satisfied"}}),
        ),
    );
    assert_eq!(status, 201, "{body}");
    let page = clerk.get(&edit);
    let mut form = form_fields(&page.text);
    form.retain(|(k, v)| !(k == "targets" && *v == u.social.to_string()));
    set(&mut form, "q1_label_zh", "改过的题目");
    let answer = post(&clerk, &edit, &form, "save");
    assert_eq!(answer.status, 409, "{}", answer.text);
    assert!(
        answer
            .text
            .contains("<fieldset id=\"targets\" class=\"has-err\">"),
        "{}",
        answer.text
    );
    assert!(
        answer.text.contains("value=\"改过的题目\""),
        "kept as typed"
    );
    assert_eq!(
        version(&c, id, 2)["questions"][1]["label"]["zh-CN"],
        "您对窗口服务的总体评价"
    );
    // with the targets as they are, the questionnaire still changes
    let mut form = form_fields(&page.text);
    set(&mut form, "q1_label_zh", "改过的题目");
    assert_eq!(post(&clerk, &edit, &form, "save").status, 303);
    assert_eq!(
        version(&c, id, 2)["questions"][1]["label"]["zh-CN"],
        "改过的题目"
    );
}

#[test]
fn an_organiser_cannot_set_up_or_change_a_survey_outside_their_township_nor_a_forged_form() {
    let c = county();
    let u = units(&c);
    let (county_clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let page = county_clerk.get("/dashboard/surveys/new?template=window");
    let form = form_fields(&page.text);
    let created = post(&county_clerk, "/dashboard/surveys/new", &form, "save");
    assert_eq!(created.status, 303);
    let id = survey_id(&created.location);

    let (east, _) = Clerk::sign_in(&c.app, "org.east", PASSWORD);
    assert_eq!(
        east.get(&format!("/dashboard/surveys/{id}/edit")).status,
        403
    );
    assert_eq!(
        post(
            &east,
            &format!("/dashboard/surveys/{id}/edit"),
            &form,
            "save"
        )
        .status,
        403
    );
    let page = east.get("/dashboard/surveys/new?template=village");
    assert!(
        !page.text.contains("西河乡"),
        "another township is not offered"
    );
    let mut form = form_fields(&page.text);
    set(&mut form, "targets", &c.west.to_string());
    let answer = post(&east, "/dashboard/surveys/new", &form, "save");
    assert!(
        answer.status == 403 || answer.status == 404,
        "{}",
        answer.status
    );
    set(&mut form, "targets", &u.village.to_string());
    set(&mut form, "unit", &c.county.to_string());
    let answer = post(&east, "/dashboard/surveys/new", &form, "save");
    assert!(
        answer.status == 403 || answer.status == 404,
        "{}",
        answer.status
    );
    assert_eq!(surveys(&c).len(), 1, "nothing stored");

    // a forged form, without the session's CSRF token, changes nothing
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        county_clerk
            .post_without_token("/dashboard/surveys/new", &fields)
            .status,
        403
    );
    assert_eq!(
        county_clerk
            .post_without_token(&format!("/dashboard/surveys/{id}/edit"), &fields)
            .status,
        403
    );
    // a leader sets nothing up
    let (leader, _) = Clerk::sign_in(&c.app, "leader.county", PASSWORD);
    assert_eq!(leader.get("/dashboard/surveys/new").status, 403);
    assert_eq!(
        leader.get(&format!("/dashboard/surveys/{id}/edit")).status,
        403
    );
    assert_eq!(
        post(&leader, "/dashboard/surveys/new", &form, "save").status,
        403
    );
    assert_eq!(surveys(&c).len(), 1);
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
fn browser_a_clerk_on_a_phone_builds_a_survey_from_the_template_and_previews_it() {
    let c = county();
    units(&c);
    let browser = Browser::start(PHONE);
    browser.goto(&c.app.url("/login"));
    browser.type_into("#username", "org.county");
    browser.type_into("#password", PASSWORD);
    browser.click("form button[type=submit]");
    browser.wait_until("the overview", |b| b.url().ends_with("/dashboard"));
    browser.click("#new_survey");
    browser.wait_until("the templates", |b| {
        b.url().ends_with("/dashboard/surveys/new")
    });
    browser.click("a[href='/dashboard/surveys/new?template=window']");
    browser.wait_for_text("main", "第8题");
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    assert_eq!(browser.script(fits, &[]), true, "the editor fits 360 px");
    browser.screenshot("survey-editor-1-template");

    // a question added at the end, a mistake left in it: no label
    browser.click("#add_question");
    browser.wait_until("the new question", |b| b.count("#question_8") == 1);
    browser.click("#save");
    browser.wait_for_text("main", "请修改");
    assert_eq!(browser.count("#question_8.has-err"), 1);
    assert_eq!(
        browser.script(fits, &[]),
        true,
        "the refused form fits 360 px"
    );
    browser.screenshot("survey-editor-2-refused");
    browser.type_into("#q8_label_zh", "您对窗口环境是否满意?");
    browser.click("#save");
    browser.wait_until("the survey's page", |b| b.url().contains("done=created"));
    browser.wait_for_text("main", "问卷已保存为草稿");
    browser.screenshot("survey-editor-3-saved");
    browser.click("a[href$='/preview']");
    browser.wait_for_text("main", "您对窗口环境是否满意?");
    assert_eq!(browser.script(fits, &[]), true, "the preview fits 360 px");
    browser.screenshot("survey-editor-4-preview");
    assert_eq!(surveys(&c).len(), 1);
}
