//! Survey posters over HTTP: one A4 poster per target unit with the unit's own link, printed
//! by the organisers within their scope, refused for a draft whose links do not work yet.

use canvass_tests::fixtures::{
    county, open_window_survey, County, ORGANISER_PASSWORD, WINDOW_FORM,
};
use canvass_tests::TestApp;
use serde_json::{json, Value};

use crate::dashboard::Web;

/// The county with its window-service survey of two departments published, a draft survey,
/// an organiser of another township and a leader of the county.
struct Hall {
    app: TestApp,
    county: County,
    survey: i64,
    draft: i64,
}

fn hall() -> Hall {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = county(&app, &admin);
    let west = app.create_unit(&admin, "西山镇", "township", Some(county.root));
    app.create_account(
        &admin,
        "west-organiser",
        ORGANISER_PASSWORD,
        "organiser",
        west,
    );
    app.create_account(
        &admin,
        "county-leader",
        ORGANISER_PASSWORD,
        "leader",
        county.root,
    );
    let survey = open_window_survey(&app, &county);
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let (status, draft) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&county.organiser),
        Some(&json!({"definition": definition, "targets": county.departments, "unit_id": county.root})),
    );
    assert_eq!(status, 201, "{draft}");
    Hall {
        survey,
        draft: draft["id"].as_i64().unwrap(),
        county,
        app,
    }
}

/// The target units of `survey` with their own public links, as the API gives them.
fn targets(h: &Hall, survey: i64) -> Vec<(String, String)> {
    let (status, body) = h.app.call(
        "GET",
        &format!("/api/v1/surveys/{survey}"),
        Some(&h.county.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["public_url"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_organiser_prints_a_poster_per_target_unit_with_its_own_link() {
    let h = hall();
    let web = Web::signed_in(&h.app, "organiser", ORGANISER_PASSWORD);
    let path = format!("/dashboard/surveys/{}/print/posters", h.survey);
    let page = web.get(&path);
    assert_eq!(page.status, 200, "{}", page.text());
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    let html = page.text();
    let targets = targets(&h, h.survey);
    assert_eq!(targets.len(), 2);
    assert_eq!(html.matches("<section class=\"poster\"").count(), 2);
    assert_eq!(html.matches("<svg class=\"qr\"").count(), 2);
    for (name, url) in &targets {
        assert!(html.contains(&format!("{name}的服务满意吗")), "{name}");
        assert!(html.contains(url.as_str()), "{url} in {html}");
    }
    let (_, survey) = h.app.call(
        "GET",
        &format!("/api/v1/surveys/{}", h.survey),
        Some(&h.county.organiser),
        None,
    );
    let own = survey["public_url"].as_str().unwrap();
    assert!(
        !html.contains(own),
        "a poster carries its unit's link, not the survey's"
    );
    for words in [
        "县市场监督管理局窗口服务群众满意度测评",
        "匿名评价,放心作答",
        "不需要填写姓名",
        "不少于 5 份答卷",
    ] {
        assert!(html.contains(words), "{words}");
    }
    assert!(!html.contains("<nav"), "no navigation on paper");
    assert!(html.contains("id=\"print\""));
    let en = web.get(&format!("{path}?lang=en")).text();
    assert!(en.contains("public satisfaction with window service"));
    assert!(en.contains("How satisfied are you with the service of 县人社局?"));
    assert!(en.contains("Results are only shown for groups of at least 5 answers"));
}

#[test]
fn a_draft_survey_has_no_posters_while_its_links_do_not_work() {
    let h = hall();
    let web = Web::signed_in(&h.app, "organiser", ORGANISER_PASSWORD);
    let page = web.get(&format!("/dashboard/surveys/{}/print/posters", h.draft));
    assert_eq!(page.status, 409, "{}", page.text());
    let text = page.text();
    assert!(text.contains("该测评仍是草稿"), "{text}");
    assert!(!text.contains("class=\"poster\""));
    let en = web.get(&format!(
        "/dashboard/surveys/{}/print/posters?lang=en",
        h.draft
    ));
    assert_eq!(en.status, 409);
    assert!(en.text().contains("publish it, then print its posters"));

    // the survey pages link the posters only once the links work
    let draft_page = web.get(&format!("/dashboard/surveys/{}", h.draft)).text();
    assert!(!draft_page.contains("/print/posters"), "{draft_page}");
    let open_page = web.get(&format!("/dashboard/surveys/{}", h.survey)).text();
    assert!(
        open_page.contains(&format!("/dashboard/surveys/{}/print/posters", h.survey)),
        "{open_page}"
    );
}

#[test]
fn a_closed_survey_still_prints_its_posters() {
    let h = hall();
    let (status, body) = h.app.call(
        "POST",
        &format!("/api/v1/surveys/{}/close", h.survey),
        Some(&h.county.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let web = Web::signed_in(&h.app, "organiser", ORGANISER_PASSWORD);
    let page = web.get(&format!("/dashboard/surveys/{}/print/posters", h.survey));
    assert_eq!(page.status, 200, "{}", page.text());
}

#[test]
fn only_organisers_within_scope_print_posters() {
    let h = hall();
    let path = format!("/dashboard/surveys/{}/print/posters", h.survey);
    let west = Web::signed_in(&h.app, "west-organiser", ORGANISER_PASSWORD);
    let page = west.get(&path);
    assert!(matches!(page.status, 403 | 404), "{}", page.status);
    assert!(!page.text().contains("县人社局"));
    let leader = Web::signed_in(&h.app, "county-leader", ORGANISER_PASSWORD);
    let page = leader.get(&path);
    assert_eq!(page.status, 403, "{}", page.text());
    assert!(!page.text().contains("/s/"));
    let nobody = Web::new(&h.app).get(&path);
    assert_eq!(nobody.status, 303);
    assert!(nobody.location().starts_with("/login"));
}

#[test]
fn posters_of_a_survey_that_does_not_exist_are_not_found() {
    let h = hall();
    let web = Web::signed_in(&h.app, "organiser", ORGANISER_PASSWORD);
    for id in ["9999", "0", "-1", "x", "1.5", "99999999999999999999"] {
        let page = web.get(&format!("/dashboard/surveys/{id}/print/posters"));
        assert_eq!(page.status, 404, "{id}: {}", page.text());
    }
}

/// The posters in Debian's headless chromium: printed to PDF, a page per target unit, the
/// text read back.
mod browser_posters {
    use canvass_tests::fixtures::ORGANISER_PASSWORD;
    use canvass_tests::webdriver::{Browser, DESKTOP, PHONE};
    use serde_json::Value;

    use super::{hall, targets};

    fn squeezed(text: &str) -> String {
        text.split_whitespace().collect()
    }

    fn prints_the_posters(viewport: (u32, u32), name: &str) {
        let h = hall();
        let browser = Browser::start(viewport);
        browser.goto(&h.app.url("/login"));
        browser.type_into("#username", "organiser");
        browser.type_into("#password", ORGANISER_PASSWORD);
        browser.click("button[type=submit]");
        browser.wait_for_text("h1", "看板总览");
        browser.goto(
            &h.app
                .url(&format!("/dashboard/surveys/{}/print/posters", h.survey)),
        );
        browser.wait_for_text("h1", "窗口服务群众满意度测评");
        assert_eq!(
            browser.script(
                "return document.documentElement.scrollWidth <= window.innerWidth",
                &[],
            ),
            Value::Bool(true),
            "the posters fit {viewport:?}"
        );
        browser.screenshot(&format!("{name}-posters"));
        let printed = browser.print_pdf(&format!("{name}-posters"));
        let targets = targets(&h, h.survey);
        assert_eq!(
            printed.pages,
            targets.len(),
            "a page per target unit: {}",
            printed.text
        );
        let text = squeezed(&printed.text);
        for (unit, url) in &targets {
            assert!(
                text.contains(&format!("您对{unit}的服务满意吗")),
                "{unit} in {}",
                printed.text
            );
            assert!(text.contains(url.as_str()), "{url} in {}", printed.text);
        }
        assert_eq!(
            text.matches("匿名评价,放心作答").count(),
            targets.len(),
            "every poster says how anonymity is kept"
        );
        assert!(!text.contains("打印"), "the print button is not printed");
    }

    #[test]
    #[ignore = "needs Debian's chromium, chromium-driver and poppler-utils (installed by .ci/run); run with --include-ignored"]
    fn browser_an_organiser_on_a_phone_prints_the_survey_posters() {
        prints_the_posters(PHONE, "posters-phone");
    }

    #[test]
    #[ignore = "needs Debian's chromium, chromium-driver and poppler-utils (installed by .ci/run); run with --include-ignored"]
    fn browser_an_organiser_on_a_desktop_prints_the_survey_posters() {
        prints_the_posters(DESKTOP, "posters-desktop");
    }
}
