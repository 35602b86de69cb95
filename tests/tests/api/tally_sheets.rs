//! The sheet-entry page: the stations entered so far with their status, corrections opened
//! from that list and filled in, every problem beside its field with the official named, and
//! what was saved.

use canvass_tests::fixtures::ORGANISER_PASSWORD;

use crate::dashboard::{Page, Web};
use crate::print::{kit, Kit};

/// An organiser signed in, the kit's round open.
fn desk() -> (Kit, Web, String) {
    let k = kit();
    let token = k.app.login("organiser", ORGANISER_PASSWORD);
    let (status, body) = k.app.call(
        "POST",
        &format!("/api/v1/rounds/{}/open", k.round),
        Some(&token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let web = Web::signed_in(&k.app, "organiser", ORGANISER_PASSWORD);
    let csrf = web.csrf();
    (k, web, csrf)
}

/// A sheet that adds up: every official competent on every aspect, the team good.
fn sheet(
    station: &str,
    issued: u32,
    returned: u32,
    valid: u32,
    invalid: u32,
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("station", station.to_string()),
        ("elector_group", "cadres".into()),
        ("issued", issued.to_string()),
        ("returned", returned.to_string()),
        ("valid", valid.to_string()),
        ("invalid", invalid.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for i in 0..3 {
        for aspect in ["", "_integrity", "_ability"] {
            fields.push((format!("s{i}{aspect}_competent"), valid.to_string()));
        }
    }
    fields.push(("s3_good".into(), valid.to_string()));
    fields
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(field) => field.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

fn post(web: &Web, k: &Kit, csrf: &str, fields: &[(String, String)]) -> Page {
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf)];
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    web.post(&format!("/dashboard/rounds/{}/sheet", k.round), &all)
}

/// The markup from the element with `id` to the first closing `div`, `fieldset` or `table`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id} in {html}"));
    let rest = &html[start..];
    let end = ["</div>", "</fieldset>", "</table>"]
        .iter()
        .filter_map(|close| rest.find(close))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn a_sheet_that_does_not_add_up_names_every_official_beside_its_numbers_and_keeps_them() {
    let (k, web, csrf) = desk();
    let mut fields = sheet("第一会场", 40, 38, 36, 2);
    set(&mut fields, "s0_competent", "35");
    set(&mut fields, "s1_ability_competent", "30");
    set(&mut fields, "s2_abstain", "abc");
    set(&mut fields, "s2_integrity_excellent", "-1");
    // numbers that are not whole numbers: every one named, by official and grade
    let page = post(&web, &k, &csrf, &fields);
    assert_eq!(page.status, 422, "{}", page.text());
    let html = page.text();
    let problems = section(&html, "problems");
    assert!(
        problems.contains("张丽 · 弃权: 请填写不小于0的整数"),
        "{problems}"
    );
    assert!(
        problems.contains("张丽 · 德 · 优秀: 请填写不小于0的整数"),
        "{problems}"
    );
    assert!(html.contains("value=\"abc\""), "what was typed is kept");
    assert!(section(&html, "f-s2").contains("请填写不小于0的整数"));

    // sums that do not match: every official named, beside their numbers
    set(&mut fields, "s2_abstain", "0");
    set(&mut fields, "s2_integrity_excellent", "0");
    let page = post(&web, &k, &csrf, &fields);
    assert_eq!(page.status, 422, "{}", page.text());
    let html = page.text();
    let problems = section(&html, "problems");
    assert!(
        problems.contains("王建国") && problems.contains("李明"),
        "{problems}"
    );
    let wang = section(&html, "f-s0");
    assert!(
        wang.contains("class=\"err\"") && wang.contains("王建国") && wang.contains("36"),
        "{wang}"
    );
    let li = section(&html, "f-s1_ability");
    assert!(li.contains("class=\"err\"") && li.contains("李明"), "{li}");
    assert!(
        !section(&html, "f-s2").contains("class=\"err\""),
        "张丽 adds up"
    );
    assert!(html.contains("value=\"第一会场\"") && html.contains("value=\"35\""));
    assert!(!html.contains("id=\"stations\""), "nothing saved");
    let english = web.post(
        &format!("/dashboard/rounds/{}/sheet?lang=en", k.round),
        &std::iter::once(("csrf", csrf.as_str()))
            .chain(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .collect::<Vec<_>>(),
    );
    assert_eq!(english.status, 422);
    assert!(english.text().contains("The sheet was not saved"));
}

#[test]
fn a_saved_sheet_is_listed_said_and_corrected_from_the_list() {
    let (k, web, csrf) = desk();
    let path = format!("/dashboard/rounds/{}/sheet", k.round);
    let empty = web.get(&path).text();
    assert!(empty.contains("还没有录入任何计票单"));
    let saved = post(&web, &k, &csrf, &sheet("第一会场", 40, 38, 36, 2));
    assert_eq!(saved.status, 303, "{}", saved.text());
    let location = saved.location();
    assert!(location.contains("saved="), "{location}");
    let html = web.get(&location).text();
    let said = section(&html, "saved");
    assert!(
        said.contains("已保存“第一会场”(中层干部)的计票单:发出 40,收回 38,有效 36,废票 2。"),
        "{said}"
    );
    let stations = section(&html, "stations");
    assert!(
        stations.contains("第一会场")
            && stations.contains("已录入")
            && stations.contains("organiser"),
        "{stations}"
    );
    assert!(section(&html, "progress").contains("已录入: 1"));

    // entering the same station again is refused beside the station
    let again = post(&web, &k, &csrf, &sheet("第一会场", 40, 38, 36, 2));
    assert_eq!(again.status, 409, "{}", again.text());
    assert!(section(&again.text(), "f-station").contains("第一会场"));

    // the correction opens from the list, filled in
    let start = html.find("?station=").unwrap();
    let href =
        &html[html[..start].rfind('"').unwrap() + 1..start + html[start..].find('"').unwrap()];
    let form = web.get(&href.replace("&amp;", "&"));
    assert_eq!(form.status, 200, "{href}");
    let form = form.text();
    assert!(
        form.contains("name=\"correct\" value=\"1\" checked"),
        "{form}"
    );
    assert!(form.contains("value=\"第一会场\"") && form.contains("name=\"returned\" value=\"38\""));
    assert!(form.contains("name=\"s0_integrity_competent\" value=\"36\""));
    let mut fields = sheet("第一会场", 40, 39, 37, 2);
    fields.push(("correct".into(), "1".into()));
    let corrected = post(&web, &k, &csrf, &fields);
    assert_eq!(corrected.status, 303, "{}", corrected.text());
    let html = web.get(&corrected.location()).text();
    assert!(section(&html, "saved").contains("它替换了之前录入的计票单"));
    assert!(section(&html, "stations").contains("已更正"));

    // more returned than issued: saved, void, and said so
    let void = post(&web, &k, &csrf, &sheet("第二会场", 10, 12, 12, 0));
    assert_eq!(void.status, 303, "{}", void.text());
    let html = web.get(&void.location()).text();
    assert!(section(&html, "saved").contains("该投票点的投票作废"));
    assert!(section(&html, "stations").contains("作废"));
    let progress = section(&html, "progress");
    assert!(
        progress.contains("已录入: 2")
            && progress.contains("已更正: 1")
            && progress.contains("作废: 1"),
        "{progress}"
    );
    let en = web.get(&format!("{path}?lang=en")).text();
    assert!(en.contains("corrected") && en.contains("void"));
}

#[test]
fn the_sheet_page_is_the_organisers_only() {
    let (k, web, _) = desk();
    let path = format!("/dashboard/rounds/{}/sheet", k.round);
    assert_eq!(web.get(&format!("{path}?station=nowhere")).status, 404);
    let leader = Web::signed_in(&k.app, "east-leader", ORGANISER_PASSWORD);
    assert_eq!(leader.get(&path).status, 403);
    let west = Web::signed_in(&k.app, "west-organiser", ORGANISER_PASSWORD);
    assert!(matches!(west.get(&path).status, 403 | 404));
}

#[test]
fn the_round_counts_the_stations_expected_against_those_entered() {
    let (k, web, csrf) = desk();
    let path = format!("/dashboard/rounds/{}/sheet", k.round);
    let stations = format!("/dashboard/rounds/{}/stations", k.round);
    assert!(section(&web.get(&path).text(), "progress").contains("应录入的投票点数: 未设定"));
    for bad in ["0", "abc", "", "1001"] {
        let page = web.post(&stations, &[("csrf", &csrf), ("expected", bad)]);
        assert_eq!(page.status, 422, "{bad}: {}", page.text());
        let html = page.text();
        assert!(
            section(&html, "f-expected").contains("须为 1 至 1000 之间的整数"),
            "{html}"
        );
        assert!(html.contains(&format!("name=\"expected\" value=\"{bad}\"")));
    }
    let saved = web.post(&stations, &[("csrf", &csrf), ("expected", "3")]);
    assert_eq!(saved.status, 303, "{}", saved.text());
    let html = web.get(&saved.location()).text();
    assert!(
        section(&html, "saved").contains("应录入 3 个投票点"),
        "{html}"
    );
    assert_eq!(
        post(&web, &k, &csrf, &sheet("第一会场", 40, 38, 36, 2)).status,
        303
    );
    let progress_text = web.get(&path).text();
    let progress = section(&progress_text, "progress");
    assert!(
        progress.contains("应录入的投票点数: 3") && progress.contains("已录入: 1"),
        "{progress}"
    );
    let refused = web.post(&stations, &[("expected", "4")]);
    assert_eq!(refused.status, 403, "no CSRF token");
    let leader = Web::signed_in(&k.app, "east-leader", ORGANISER_PASSWORD);
    let csrf = leader.csrf();
    assert_eq!(
        leader
            .post(&stations, &[("csrf", &csrf), ("expected", "4")])
            .status,
        403
    );
    assert!(web.get(&path).text().contains("应录入的投票点数: 3"));
}

/// The sheet page in Debian's headless chromium at a phone and a desktop width.
mod browser_tally_sheets {
    use canvass_tests::fixtures::ORGANISER_PASSWORD;
    use canvass_tests::webdriver::{Browser, DESKTOP, PHONE};
    use serde_json::Value;

    use super::desk;

    fn enters_fixes_and_corrects_a_sheet(viewport: (u32, u32), name: &str) {
        let (k, _, _) = desk();
        let browser = Browser::start(viewport);
        browser.goto(&k.app.url("/login"));
        browser.type_into("#username", "organiser");
        browser.type_into("#password", ORGANISER_PASSWORD);
        browser.click("button[type=submit]");
        browser.wait_for_text("h1", "看板总览");
        browser.goto(&k.app.url(&format!("/dashboard/rounds/{}/sheet", k.round)));
        browser.wait_for_text("h1", "录入计票单");
        browser.type_into("#expected", "2");
        browser.click("#f-expected button");
        browser.wait_for_text("#saved", "应录入 2 个投票点");

        browser.type_into("#station", "第一会场");
        for (field, value) in [
            ("issued", "5"),
            ("returned", "5"),
            ("valid", "1"),
            ("invalid", "5"),
        ] {
            browser.type_into(&format!("input[name={field}]"), value);
        }
        browser.click("form[action*='/sheet'] button[type=submit]");
        browser.wait_for_text("#problems", "王建国");
        let problems = browser.text("#problems");
        for official in ["王建国", "李明", "张丽", "东山镇领导班子"] {
            assert!(problems.contains(official), "{official} in {problems}");
        }
        assert!(
            browser.text("#f-s1").contains("李明"),
            "beside 李明's numbers"
        );
        assert_eq!(browser.property("#station", "value"), "第一会场", "kept");
        let fits = browser.script(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            &[],
        );
        assert_eq!(fits, Value::Bool(true), "the sheet page fits {viewport:?}");
        browser.screenshot(&format!("{name}-1-problems"));

        browser.type_into("input[name=valid]", "0");
        browser.click("form[action*='/sheet'] button[type=submit]");
        browser.wait_for_text("#saved", "已保存“第一会场”");
        assert!(browser.text("#stations").contains("已录入"));
        assert!(browser.text("#progress").contains("应录入的投票点数: 2"));
        browser.screenshot(&format!("{name}-2-saved"));

        browser.click("#stations a");
        browser.wait_for_text("h1", "更正计票单");
        assert_eq!(
            browser.property("input[name=issued]", "value"),
            "5",
            "filled in"
        );
        assert_eq!(browser.property("input[name=correct]", "checked"), true);
        browser.type_into("input[name=issued]", "6");
        browser.click("form[action*='/sheet'] button[type=submit]");
        browser.wait_for_text("#saved", "替换");
        assert!(browser.text("#stations").contains("已更正"));
        browser.screenshot(&format!("{name}-3-corrected"));
    }

    #[test]
    #[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
    fn browser_an_organiser_on_a_phone_enters_fixes_and_corrects_a_tally_sheet() {
        enters_fixes_and_corrects_a_sheet(PHONE, "tally-sheet-phone");
    }

    #[test]
    #[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
    fn browser_an_organiser_on_a_desktop_enters_fixes_and_corrects_a_tally_sheet() {
        enters_fixes_and_corrects_a_sheet(DESKTOP, "tally-sheet-desktop");
    }
}
