//! Unit lists and rosters imported through the JSON API: a dry run answers every bad row and
//! cell and stores nothing; an import stores the whole file or, with any error, nothing.

use canvass_protocol::sheets::{ImportAction, ImportReport};
use canvass_tests::fixtures::{county, County, ORGANISER_PASSWORD};
use canvass_tests::TestApp;
use serde_json::Value;

use crate::console::xlsx;

fn setup() -> (TestApp, County, String) {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = county(&app, &admin);
    app.create_account(
        &admin,
        "county-leader",
        ORGANISER_PASSWORD,
        "leader",
        county.root,
    );
    let leader = app.login("county-leader", ORGANISER_PASSWORD);
    (app, county, leader)
}

fn upload(app: &TestApp, path: &str, token: &str, lang: &str, file: Vec<u8>) -> (u16, Value) {
    let (status, _, body) = app.send(
        "POST",
        path,
        Some(token),
        &[("Accept-Language", lang)],
        Some(file),
    );
    (status, body)
}

fn report(body: &Value) -> ImportReport {
    serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn unit_count(app: &TestApp, token: &str) -> usize {
    let (status, body) = app.call("GET", "/api/v1/units", Some(token), None);
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().len()
}

fn official_count(app: &TestApp, token: &str) -> usize {
    let (status, body) = app.call("GET", "/api/v1/officials", Some(token), None);
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().len()
}

#[test]
fn a_unit_list_dry_run_lists_every_bad_row_and_cell_and_stores_nothing() {
    let (app, c, _) = setup();
    let before = unit_count(&app, &c.organiser);
    let bad = xlsx(&[
        &["名称", "类型", "上级单位", "窗口单位"],
        &["东山村", "村", "东山镇", "否"],
        &["", "村", "东山镇", ""],
        &["南坡村", "村", "南山镇", ""],
        &["县民政局", "县直部门", "清河县", "也许"],
    ]);
    let (status, body) = upload(
        &app,
        "/api/v1/units/import?dry_run=true",
        &c.organiser,
        "zh-CN",
        bad.clone(),
    );
    assert_eq!(status, 200, "{body}");
    let preview = report(&body);
    assert!(!preview.stored);
    assert_eq!(preview.error, None);
    let places: Vec<(Option<u32>, Option<&str>)> = preview
        .problems
        .iter()
        .map(|p| (p.row, p.column.as_deref()))
        .collect();
    assert_eq!(
        places,
        [
            (Some(3), Some("A")),
            (Some(4), Some("C")),
            (Some(5), Some("D"))
        ],
        "{body}"
    );
    assert_eq!(unit_count(&app, &c.organiser), before);

    let (status, body) = upload(&app, "/api/v1/units/import", &c.organiser, "en", bad);
    assert_eq!(status, 422, "{body}");
    let refused = report(&body);
    assert!(!refused.stored);
    assert_eq!(body["error"]["code"], "invalid_value");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("3 problems"),
        "{body}"
    );
    assert_eq!(refused.problems.len(), 3);
    assert_eq!(
        unit_count(&app, &c.organiser),
        before,
        "nothing half-written"
    );
}

#[test]
fn a_clean_unit_list_is_previewed_then_stored_whole() {
    let (app, c, _) = setup();
    let before = unit_count(&app, &c.organiser);
    let good = xlsx(&[
        &["名称", "类型", "上级单位", "窗口单位"],
        &["东山村", "村", "东山镇", ""],
        &["南坡村", "村", "东山镇", ""],
        &["县民政局", "县直部门", "清河县", "是"],
    ]);
    let (status, body) = upload(
        &app,
        "/api/v1/units/import?dry_run=true",
        &c.organiser,
        "zh-CN",
        good.clone(),
    );
    assert_eq!(status, 200, "{body}");
    let preview = report(&body);
    assert!(preview.problems.is_empty(), "{body}");
    assert_eq!((preview.created, preview.unchanged), (2, 1), "{body}");
    assert_eq!(preview.rows[0].action, ImportAction::Unchanged);
    assert_eq!(unit_count(&app, &c.organiser), before);
    let (status, body) = upload(&app, "/api/v1/units/import", &c.organiser, "zh-CN", good);
    assert_eq!(status, 200, "{body}");
    assert!(report(&body).stored);
    assert_eq!(unit_count(&app, &c.organiser), before + 2);
}

#[test]
fn a_roster_is_previewed_with_its_problems_then_stored() {
    let (app, c, _) = setup();
    let csv = "\u{feff}排序,姓名,职务,单位,班子\r\n1,周建军,党委书记,东山镇,东山镇党政领导班子\r\n2,王芳,镇长,东山镇,东山镇党政领导班子\r\n3,李强,局长,北山镇,\r\n";
    let (status, body) = upload(
        &app,
        "/api/v1/officials/import?dry_run=true",
        &c.organiser,
        "zh-CN",
        csv.as_bytes().to_vec(),
    );
    assert_eq!(status, 200, "{body}");
    let preview = report(&body);
    assert_eq!(preview.problems.len(), 1, "{body}");
    assert_eq!(preview.problems[0].row, Some(4));
    assert_eq!(preview.problems[0].column.as_deref(), Some("D"));
    assert!(preview.problems[0].message.contains("北山镇"), "{body}");
    let (status, body) = upload(
        &app,
        "/api/v1/officials/import",
        &c.organiser,
        "zh-CN",
        csv.as_bytes().to_vec(),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        official_count(&app, &c.organiser),
        0,
        "nothing half-written"
    );

    let good = csv.replace("北山镇", "清河县");
    let (status, body) = upload(
        &app,
        "/api/v1/officials/import",
        &c.organiser,
        "zh-CN",
        good.as_bytes().to_vec(),
    );
    assert_eq!(status, 200, "{body}");
    let stored = report(&body);
    assert!(stored.stored);
    assert_eq!(stored.created, 3);
    let names: Vec<&str> = stored.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["周建军", "王芳", "李强"]);
    assert_eq!(official_count(&app, &c.organiser), 3);
}

#[test]
fn imports_are_refused_to_leaders_and_strangers_and_to_a_bad_query() {
    let (app, c, leader) = setup();
    let file = xlsx(&[&["名称", "类型", "上级单位"], &["新村", "村", "东山镇"]]);
    for path in ["/api/v1/units/import", "/api/v1/officials/import"] {
        let (status, body) = upload(&app, path, &leader, "zh-CN", file.clone());
        assert_eq!(status, 403, "{path}: {body}");
        assert_eq!(body["error"]["code"], "forbidden", "{body}");
        let (status, _, body) = app.send("POST", path, None, &[], Some(file.clone()));
        assert_eq!(status, 401, "{path}: {body}");
        let (status, body) = upload(
            &app,
            &format!("{path}?dry_run=maybe"),
            &c.organiser,
            "zh-CN",
            file.clone(),
        );
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["code"], "invalid_query", "{body}");
        let (status, body) = upload(
            &app,
            &format!("{path}?dry_run=true"),
            &c.organiser,
            "zh-CN",
            vec![0; 3 * 1024 * 1024],
        );
        assert_eq!(status, 413, "{path}: {body}");
        assert_eq!(body["error"]["code"], "payload_too_large");
    }
    let (status, body) = upload(
        &app,
        "/api/v1/units/import?dry_run=true",
        &c.organiser,
        "zh-CN",
        b"PK\x03\x04 not a zip".to_vec(),
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        report(&body).problems[0].message.contains("无法读取该文件"),
        "{body}"
    );
}
