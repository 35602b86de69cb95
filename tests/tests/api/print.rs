//! The paper meeting kit over HTTP: the ballot paper, the blank tally sheet and the paper
//! questionnaire, printed by the organisers within their scope and nobody else.

use canvass_tests::fixtures::{county, ORGANISER_PASSWORD, WINDOW_FORM};
use canvass_tests::TestApp;
use serde_json::{json, Value};

use crate::dashboard::Web;

/// The county, a round of 东山镇 with two elector groups, dimensions, the team and the
/// excellent quota, and a survey of the county's departments; with an organiser and a leader
/// of another township and a leader of 东山镇.
pub struct Kit {
    pub app: TestApp,
    pub round: i64,
    pub survey: i64,
}

pub fn kit() -> Kit {
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
        "east-leader",
        ORGANISER_PASSWORD,
        "leader",
        county.township,
    );
    let names = [
        ("王建国", "党委书记"),
        ("李明", "党委副书记、镇长"),
        ("张丽", "副镇长"),
    ];
    let officials: Vec<Value> = names
        .iter()
        .map(|(name, position)| {
            let (status, body) = app.call(
                "POST",
                "/api/v1/officials",
                Some(&county.organiser),
                Some(&json!({"unit_id": county.township, "name": name, "position": position})),
            );
            assert_eq!(status, 201, "{body}");
            json!({"official_id": body["id"], "name": name, "position": position})
        })
        .collect();
    let definition = json!({
        "period": "2026年度",
        "series": {"id": "dongshan-annual", "name": "东山镇领导班子年度民主测评"},
        "officials": officials,
        "team": {"name": "东山镇领导班子"},
        "dimensions": ["integrity", "ability"],
        "elector_groups": [
            {"id": "cadres", "label": "中层干部", "weight": 0.6},
            {"id": "public_reps", "label": "群众代表", "weight": 0.4}
        ],
        "validity_rules": [{"kind": "max_grade_count", "grade": "excellent", "max": 1}]
    });
    let (status, round) = app.call(
        "POST",
        "/api/v1/rounds",
        Some(&county.organiser),
        Some(&json!({"definition": definition, "unit_id": county.township})),
    );
    assert_eq!(status, 201, "{round}");
    let definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&county.organiser),
        Some(&json!({"definition": definition, "targets": county.departments, "unit_id": county.root})),
    );
    assert_eq!(status, 201, "{survey}");
    Kit {
        round: round["id"].as_i64().unwrap(),
        survey: survey["id"].as_i64().unwrap(),
        app,
    }
}

#[test]
fn an_organiser_prints_identical_ballot_papers_with_the_officials_in_roster_order() {
    let k = kit();
    let web = Web::signed_in(&k.app, "organiser", ORGANISER_PASSWORD);
    let path = format!("/dashboard/rounds/{}/print/ballot?group=cadres", k.round);
    let first = web.get(&path);
    assert_eq!(first.status, 200, "{}", first.text());
    let csp = first.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    let html = first.text();
    let at = |name: &str| {
        html.find(name)
            .unwrap_or_else(|| panic!("{name} in {html}"))
    };
    assert!(
        at("王建国") < at("李明") && at("李明") < at("张丽"),
        "roster order"
    );
    for words in [
        "中层干部",
        "优秀",
        "称职",
        "基本称职",
        "不称职",
        "德",
        "能",
        "东山镇领导班子",
        "较好",
    ] {
        assert!(html.contains(words), "{words}");
    }
    assert!(html.contains("“优秀”不超过 1 名,超过作废。"));
    assert!(!html.contains("<nav"), "no navigation on paper");
    assert!(html.contains("id=\"print\""));
    let second = web.get(&path);
    assert_eq!(first.body, second.body, "two prints are the same page");
    let en = web.get(&format!("{path}&lang=en")).text();
    assert!(en.contains("At most 1 marked “excellent”; a ballot with more is invalid."));
}

#[test]
fn a_ballot_paper_without_a_known_elector_group_names_the_groups() {
    let k = kit();
    let web = Web::signed_in(&k.app, "organiser", ORGANISER_PASSWORD);
    for query in ["", "?group=", "?group=nobody"] {
        let page = web.get(&format!(
            "/dashboard/rounds/{}/print/ballot{query}",
            k.round
        ));
        assert_eq!(page.status, 422, "{query}: {}", page.text());
        let text = page.text();
        assert!(
            text.contains("投票人类别")
                && text.contains("中层干部 (cadres)")
                && text.contains("群众代表 (public_reps)"),
            "{text}"
        );
    }
}

#[test]
fn an_organiser_prints_a_tally_sheet_with_every_count_rule_and_signature() {
    let k = kit();
    let web = Web::signed_in(&k.app, "organiser", ORGANISER_PASSWORD);
    let blank = web.get(&format!("/dashboard/rounds/{}/print/tally", k.round));
    assert_eq!(blank.status, 200, "{}", blank.text());
    let html = blank.text();
    for words in [
        "发出票数",
        "收回票数",
        "有效票数",
        "废票数",
        "弃权",
        "合计",
        "王建国",
        "张丽",
        "中层干部",
        "群众代表",
        "收回票数不得多于发出票数",
        "有效票数 + 废票数 = 收回票数",
        "计票人",
        "监票人",
    ] {
        assert!(html.contains(words), "{words}");
    }
    let one = web
        .get(&format!(
            "/dashboard/rounds/{}/print/tally?group=public_reps&lang=en",
            k.round
        ))
        .text();
    assert!(one.contains("Elector group: 群众代表"), "{one}");
    assert!(one.contains("Supervisor (signature)"));
    let unknown = web.get(&format!(
        "/dashboard/rounds/{}/print/tally?group=x",
        k.round
    ));
    assert_eq!(unknown.status, 422);
}

#[test]
fn an_organiser_prints_the_questionnaire_with_its_skip_rules_in_words() {
    let k = kit();
    let web = Web::signed_in(&k.app, "organiser", ORGANISER_PASSWORD);
    let page = web.get(&format!("/dashboard/surveys/{}/print", k.survey));
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(
        html.contains("县市场监督管理局") && html.contains("县人社局"),
        "the targets"
    );
    assert!(html.contains("时回答本题,否则跳过"), "skip rules in words");
    assert!(html.contains("第 1 版"));
    assert!(html.contains("class=\"box\""));
}

#[test]
fn only_organisers_within_scope_print() {
    let k = kit();
    let paths = [
        format!("/dashboard/rounds/{}/print/ballot?group=cadres", k.round),
        format!("/dashboard/rounds/{}/print/tally", k.round),
        format!("/dashboard/surveys/{}/print", k.survey),
    ];
    let west = Web::signed_in(&k.app, "west-organiser", ORGANISER_PASSWORD);
    let leader = Web::signed_in(&k.app, "east-leader", ORGANISER_PASSWORD);
    let nobody = Web::new(&k.app);
    for path in &paths {
        let page = west.get(path);
        assert!(matches!(page.status, 403 | 404), "{path}: {}", page.status);
        assert!(
            !page.text().contains("王建国") && !page.text().contains("窗口"),
            "{path}"
        );
        assert_eq!(leader.get(path).status, 403, "{path}");
        let page = nobody.get(path);
        assert_eq!(page.status, 303, "{path}");
        assert!(page.location().starts_with("/login"), "{path}");
    }
    let organiser = Web::signed_in(&k.app, "organiser", ORGANISER_PASSWORD);
    assert_eq!(
        organiser.get("/dashboard/rounds/9999/print/tally").status,
        404
    );
    assert_eq!(organiser.get("/dashboard/surveys/x/print").status, 404);
}

/// The printables in Debian's headless chromium: each printed to PDF, its pages counted and
/// its text read back; screenshots at a phone and a desktop width.
mod browser_print {
    use canvass_tests::fixtures::ORGANISER_PASSWORD;
    use canvass_tests::webdriver::{Browser, DESKTOP, PHONE};
    use serde_json::Value;

    use super::kit;

    /// `text` without the layout's runs of spaces and line breaks, so words a table cell
    /// wrapped can be found.
    fn squeezed(text: &str) -> String {
        text.split_whitespace().collect()
    }

    fn prints_every_paper(viewport: (u32, u32), name: &str) {
        let k = kit();
        let browser = Browser::start(viewport);
        browser.goto(&k.app.url("/login"));
        browser.type_into("#username", "organiser");
        browser.type_into("#password", ORGANISER_PASSWORD);
        browser.click("button[type=submit]");
        browser.wait_for_text("h1", "看板总览");
        let fits = |b: &Browser| {
            b.script(
                "return document.documentElement.scrollWidth <= window.innerWidth",
                &[],
            )
        };

        let ballot = k.app.url(&format!(
            "/dashboard/rounds/{}/print/ballot?group=cadres",
            k.round
        ));
        browser.goto(&ballot);
        browser.wait_for_text("h1", "东山镇领导班子年度民主测评");
        assert_eq!(
            fits(&browser),
            Value::Bool(true),
            "the ballot paper fits {viewport:?}"
        );
        browser.screenshot(&format!("{name}-ballot"));
        let first = browser.print_pdf(&format!("{name}-ballot"));
        assert_eq!(first.pages, 1, "{}", first.text);
        let text = squeezed(&first.text);
        for words in [
            "民主测评票",
            "中层干部",
            "王建国",
            "李明",
            "张丽",
            "基本称职",
            "东山镇领导班子",
            "不超过1名,超过作废。",
        ] {
            assert!(text.contains(words), "{words} in {}", first.text);
        }
        assert!(!text.contains("打印"), "the print button is not printed");
        browser.goto(&ballot);
        let second = browser.print_pdf(&format!("{name}-ballot-again"));
        assert_eq!(
            first.text, second.text,
            "two ballot papers cannot be told apart"
        );

        browser.goto(
            &k.app
                .url(&format!("/dashboard/rounds/{}/print/tally", k.round)),
        );
        browser.wait_for_text("h1", "东山镇领导班子年度民主测评");
        browser.screenshot(&format!("{name}-tally"));
        let tally = browser.print_pdf(&format!("{name}-tally"));
        assert_eq!(tally.pages, 1, "{}", tally.text);
        let text = squeezed(&tally.text);
        for words in [
            "计票单",
            "发出票数",
            "收回票数",
            "有效票数",
            "废票数",
            "弃权",
            "张丽",
            "收回票数不得多于发出票数",
            "计票人",
            "监票人",
        ] {
            assert!(text.contains(words), "{words} in {}", tally.text);
        }

        browser.goto(
            &k.app
                .url(&format!("/dashboard/surveys/{}/print?lang=en", k.survey)),
        );
        browser.wait_for_text("h1", "window service");
        assert_eq!(
            fits(&browser),
            Value::Bool(true),
            "the questionnaire fits {viewport:?}"
        );
        browser.screenshot(&format!("{name}-questionnaire-en"));
        let questionnaire = browser.print_pdf(&format!("{name}-questionnaire-en"));
        assert!(
            (1..=3).contains(&questionnaire.pages),
            "{}",
            questionnaire.pages
        );
        let text = squeezed(&questionnaire.text);
        for words in [
            "Whatdidyoucometothewindowfor?",
            "otherwiseskipit.",
            "Thankyoufortakingpart.",
        ] {
            assert!(text.contains(words), "{words} in {}", questionnaire.text);
        }

        // twelve code slips from the round's page: ten to a page
        let status = k.app.call(
            "POST",
            &format!("/api/v1/rounds/{}/open", k.round),
            Some(&k.app.login("organiser", ORGANISER_PASSWORD)),
            None,
        );
        assert_eq!(status.0, 200, "{}", status.1);
        browser.goto(&k.app.url(&format!("/dashboard/rounds/{}", k.round)));
        browser.type_into("#count", "12");
        browser.click("form[action$='/slips'] button[type=submit]");
        browser.wait_until("the slips", |b| b.count(".slip") == 12);
        browser.screenshot(&format!("{name}-slips"));
        let codes = browser.script(
            "return Array.from(document.querySelectorAll('.code')).map(e => e.textContent)",
            &[],
        );
        let slips = browser.print_pdf(&format!("{name}-slips"));
        assert_eq!(slips.pages, 2, "{}", slips.text);
        for code in codes.as_array().unwrap() {
            assert!(
                slips.text.contains(code.as_str().unwrap()),
                "{code} in {}",
                slips.text
            );
        }
    }

    #[test]
    #[ignore = "needs Debian's chromium, chromium-driver and poppler-utils (installed by .ci/run); run with --include-ignored"]
    fn browser_an_organiser_on_a_phone_prints_the_paper_meeting_kit() {
        prints_every_paper(PHONE, "print-phone");
    }

    #[test]
    #[ignore = "needs Debian's chromium, chromium-driver and poppler-utils (installed by .ci/run); run with --include-ignored"]
    fn browser_an_organiser_on_a_desktop_prints_the_paper_meeting_kit() {
        prints_every_paper(DESKTOP, "print-desktop");
    }
}
