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
