//! The organiser's console over HTTP, as a clerk's browser drives it: units (tree, add, retire,
//! import with a preview), accounts (create, disable, reset a password, change one's own) and
//! officials (roster import, edit). Bad files and bad rows store nothing; a leader gets 403;
//! an organiser of one township cannot reach another's units.

use canvass_tests::TestApp;
use reqwest::blocking::Client;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;

/// A clerk's browser: no redirects followed, the session cookie and CSRF token kept.
pub struct Clerk {
    client: Client,
    base: String,
    cookie: String,
    pub csrf: String,
}

/// An answer: status, `Location` and body text.
pub struct Answer {
    pub status: u16,
    pub location: String,
    pub text: String,
}

impl Clerk {
    /// Signs in through `/login`; panics unless it succeeds. Returns the clerk and where the
    /// sign-in led.
    pub fn sign_in(app: &TestApp, username: &str, password: &str) -> (Self, String) {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap();
        let response = client
            .post(format!("{}/login", app.address))
            .form(&[("username", username), ("password", password)])
            .send()
            .unwrap();
        assert_eq!(response.status(), 303, "sign-in as {username}");
        let location = response.headers()[LOCATION].to_str().unwrap().to_string();
        let cookie = response.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let mut clerk = Self {
            client,
            base: app.address.clone(),
            cookie,
            csrf: String::new(),
        };
        let page = clerk.get("/dashboard/password");
        let start = page
            .text
            .find("name=\"csrf\" value=\"")
            .expect("a CSRF field")
            + 19;
        clerk.csrf = page.text[start..start + 64].to_string();
        (clerk, location)
    }

    fn finish(response: reqwest::blocking::Response) -> Answer {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        Answer {
            status: response.status().as_u16(),
            location,
            text: response.text().unwrap(),
        }
    }

    pub fn get(&self, path: &str) -> Answer {
        Self::finish(
            self.client
                .get(format!("{}{path}", self.base))
                .header(COOKIE, &self.cookie)
                .send()
                .unwrap(),
        )
    }

    /// Posts a form, the CSRF token added.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        Self::finish(
            self.client
                .post(format!("{}{path}", self.base))
                .header(COOKIE, &self.cookie)
                .form(&all)
                .send()
                .unwrap(),
        )
    }

    /// Posts a form as a forged page would: the session cookie, but no CSRF token.
    pub fn post_without_token(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        Self::finish(
            self.client
                .post(format!("{}{path}", self.base))
                .header(COOKIE, &self.cookie)
                .form(fields)
                .send()
                .unwrap(),
        )
    }

    /// Uploads `bytes` as the form's `file`, the CSRF token added.
    pub fn upload(&self, path: &str, name: &str, bytes: &[u8]) -> Answer {
        let boundary = "canvass-test-boundary-7d41";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
                self.csrf
            )
            .as_bytes(),
        );
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        Self::finish(
            self.client
                .post(format!("{}{path}", self.base))
                .header(COOKIE, &self.cookie)
                .header(
                    CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body)
                .send()
                .unwrap(),
        )
    }
}

/// The value of the hidden `data` field of a preview's confirmation form.
pub fn confirm_data(html: &str) -> String {
    let start = html
        .find("name=\"data\" value=\"")
        .expect("a confirmation form")
        + 19;
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_string()
}

/// An XLSX file of one sheet holding `rows`.
pub fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            if let Ok(n) = cell.parse::<f64>() {
                sheet.write_number(r, c, n).unwrap();
            } else {
                sheet.write_string(r, c, *cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A county (清河县) with two townships, an organiser of the county, an organiser of 东山镇
/// and a leader of the county.
pub struct Setup {
    pub app: TestApp,
    pub admin: String,
    pub county: i64,
    pub east: i64,
    pub west: i64,
}

pub const PASSWORD: &str = "console-test-pw";

pub fn county() -> Setup {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let west = app.create_unit(&admin, "西河乡", "township", Some(county));
    app.create_account(&admin, "org.county", PASSWORD, "organiser", county);
    app.create_account(&admin, "org.east", PASSWORD, "organiser", east);
    app.create_account(&admin, "leader.county", PASSWORD, "leader", county);
    Setup {
        app,
        admin,
        county,
        east,
        west,
    }
}

fn units(c: &Setup) -> Vec<Value> {
    let (status, body) = c.app.call("GET", "/api/v1/units", Some(&c.admin), None);
    assert_eq!(status, 200);
    body.as_array().unwrap().clone()
}

fn unit_named(c: &Setup, name: &str) -> Option<Value> {
    units(c).into_iter().find(|u| u["name"] == name)
}

#[test]
fn an_organiser_sees_the_tree_adds_a_unit_and_every_problem_shows_beside_its_field() {
    let c = county();
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let page = clerk.get("/dashboard/units");
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("东山镇") && page.text.contains("西河乡"));

    let east = c.east.to_string();
    let added = clerk.post(
        "/dashboard/units",
        &[
            ("name", "东山村"),
            ("kind", "village"),
            ("parent_id", &east),
        ],
    );
    assert_eq!(added.status, 200, "{}", added.text);
    assert!(added.text.contains("已添加“东山村”"), "{}", added.text);
    assert_eq!(unit_named(&c, "东山村").unwrap()["parent_id"], c.east);

    // an empty name and a village under the county: both problems at once, nothing stored
    let county = c.county.to_string();
    let refused = clerk.post(
        "/dashboard/units?lang=en",
        &[("name", " "), ("kind", "village"), ("parent_id", &county)],
    );
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.text.contains("Please fix the problems"),
        "{}",
        refused.text
    );
    assert_eq!(
        refused.text.matches("class=\"err\"").count(),
        2,
        "{}",
        refused.text
    );
    assert_eq!(units(&c).len(), 4);
}

#[test]
fn retiring_a_unit_asks_first_keeps_it_and_it_can_no_longer_be_targeted() {
    let c = county();
    let village = c
        .app
        .create_unit(&c.admin, "东山村", "village", Some(c.east));
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let path = format!("/dashboard/units/{village}");

    let ask = clerk.post(&path, &[("action", "retire")]);
    assert_eq!(ask.status, 200);
    assert!(ask.text.contains("撤销“东山村”?"), "{}", ask.text);
    assert_eq!(unit_named(&c, "东山村").unwrap()["retired"], false);

    // a township with a village that is not retired cannot be retired
    let township = clerk.post(
        &format!("/dashboard/units/{}", c.east),
        &[("action", "retire"), ("confirm", "yes")],
    );
    assert_eq!(township.status, 409, "{}", township.text);
    assert!(township.text.contains("请先撤销它们"), "{}", township.text);

    let done = clerk.post(&path, &[("action", "retire"), ("confirm", "yes")]);
    assert_eq!(done.status, 200, "{}", done.text);
    assert!(done.text.contains("已撤销“东山村”"), "{}", done.text);
    assert_eq!(unit_named(&c, "东山村").unwrap()["retired"], true);

    // nothing new under it, and no survey may target it
    let (status, body) = c.app.call(
        "POST",
        "/api/v1/units",
        Some(&c.admin),
        Some(&serde_json::json!({"name": "新组", "kind": "village", "parent_id": village})),
    );
    assert_eq!(status, 422, "{body}");
    let mut definition: Value = serde_json::from_str(canvass_tests::fixtures::WINDOW_FORM).unwrap();
    definition["title"] = serde_json::json!({"zh-CN": "测评", "en": "Survey"});
    let (status, body) = c.app.call(
        "POST",
        "/api/v1/surveys",
        Some(&c.admin),
        Some(
            &serde_json::json!({"definition": definition, "targets": [village], "unit_id": c.east}),
        ),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("已撤销"), "{body}");

    let back = clerk.post(&path, &[("action", "restore")]);
    assert_eq!(back.status, 200);
    assert_eq!(unit_named(&c, "东山村").unwrap()["retired"], false);
}

#[test]
fn a_unit_list_is_previewed_with_every_bad_row_marked_and_stored_all_or_nothing() {
    let c = county();
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let bad = xlsx(&[
        &["名称", "类型", "上级单位", "窗口单位"],
        &["东山村", "村", "东山镇", "否"],
        &["", "村", "东山镇", ""],
        &["南坡村", "村", "南山镇", ""],
        &["县民政局", "县直部门", "清河县", "也许"],
    ]);
    let preview = clerk.upload("/dashboard/units/import", "units.xlsx", &bad);
    assert_eq!(preview.status, 422, "{}", preview.text);
    assert!(preview.text.contains("共 3 个问题"), "{}", preview.text);
    assert_eq!(
        preview.text.matches("<td class=\"bad\"").count(),
        3,
        "{}",
        preview.text
    );
    assert!(
        !preview.text.contains("name=\"data\""),
        "no confirmation of a bad file"
    );
    assert_eq!(units(&c).len(), 3, "the preview stored nothing");

    // a bad file sent straight to the confirmation stores nothing either
    let forced = clerk.upload("/dashboard/units/import/confirm", "units.xlsx", &bad);
    assert_eq!(forced.status, 422);
    assert_eq!(units(&c).len(), 3);

    let unreadable = clerk.upload(
        "/dashboard/units/import",
        "units.xlsx",
        b"PK\x03\x04 not a zip",
    );
    assert_eq!(unreadable.status, 422);
    assert!(
        unreadable.text.contains("无法读取该文件"),
        "{}",
        unreadable.text
    );

    let good = xlsx(&[
        &["名称", "类型", "上级单位", "窗口单位"],
        &["东山村", "村", "东山镇", "否"],
        &["南坡村", "村", "东山镇", ""],
        &["县民政局", "县直部门", "清河县", "是"],
        &["东山镇", "乡镇", "清河县", ""],
    ]);
    let preview = clerk.upload("/dashboard/units/import?lang=en", "units.xlsx", &good);
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert!(
        preview.text.contains("Confirming adds 3 units"),
        "{}",
        preview.text
    );
    let data = confirm_data(&preview.text);
    let stored = clerk.post("/dashboard/units/import/confirm", &[("data", &data)]);
    assert_eq!(stored.status, 200, "{}", stored.text);
    assert!(stored.text.contains("新增 3 个"), "{}", stored.text);
    assert_eq!(units(&c).len(), 6);
    assert_eq!(unit_named(&c, "县民政局").unwrap()["window_unit"], true);
    // the same list again creates nothing twice
    let again = clerk.post("/dashboard/units/import/confirm", &[("data", &data)]);
    assert_eq!(again.status, 200);
    assert_eq!(units(&c).len(), 6);
}

#[test]
fn a_township_organiser_cannot_reach_another_townships_units_and_a_leader_gets_403() {
    let c = county();
    let (east, _) = Clerk::sign_in(&c.app, "org.east", PASSWORD);
    let page = east.get("/dashboard/units");
    assert_eq!(page.status, 200);
    assert!(!page.text.contains("西河乡"), "{}", page.text);
    let other = east.get(&format!("/dashboard/units/{}", c.west));
    assert_eq!(other.status, 404);
    let changed = east.post(
        &format!("/dashboard/units/{}", c.west),
        &[("action", "rename"), ("name", "改名乡")],
    );
    assert_eq!(changed.status, 403, "{}", changed.text);
    // a unit list naming another township's parent finds no such unit
    let list = xlsx(&[&["名称", "类型", "上级单位"], &["西河村", "村", "西河乡"]]);
    let preview = east.upload("/dashboard/units/import", "u.xlsx", &list);
    assert_eq!(preview.status, 422);
    assert!(unit_named(&c, "改名乡").is_none() && unit_named(&c, "西河村").is_none());

    let (leader, _) = Clerk::sign_in(&c.app, "leader.county", PASSWORD);
    for path in ["/dashboard/units", "/dashboard/units/import"] {
        assert_eq!(leader.get(path).status, 403, "{path}");
    }
    let tried = leader.post(
        "/dashboard/units",
        &[
            ("name", "新村"),
            ("kind", "village"),
            ("parent_id", &c.east.to_string()),
        ],
    );
    assert_eq!(tried.status, 403);
    let upload = leader.upload(
        "/dashboard/units/import/confirm",
        "u.xlsx",
        &xlsx(&[&["名称", "类型", "上级单位"], &["新村", "村", "东山镇"]]),
    );
    assert_eq!(upload.status, 403);
    assert_eq!(units(&c).len(), 3);
}

/// The temporary password a page shows once.
fn temporary_password(html: &str) -> String {
    let needle = "id=\"temporary-password\">";
    let start = html.find(needle).expect("a temporary password") + needle.len();
    let end = html[start..].find('<').unwrap() + start;
    html[start..end].to_string()
}

fn account_id(c: &Setup, username: &str) -> i64 {
    let (_, list) = c.app.call("GET", "/api/v1/accounts", Some(&c.admin), None);
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == username)
        .map(|a| a["id"].as_i64().unwrap())
        .expect("the account")
}

fn api_login(c: &Setup, username: &str, password: &str) -> (u16, Value) {
    c.app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&serde_json::json!({"username": username, "password": password})),
    )
}

#[test]
fn a_new_account_gets_a_temporary_password_that_must_be_changed_at_the_first_sign_in() {
    let c = county();
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let east = c.east.to_string();
    let created = clerk.post(
        "/dashboard/accounts",
        &[
            ("username", "li.wei"),
            ("display_name", "李伟"),
            ("role", "leader"),
            ("unit_id", &east),
        ],
    );
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(
        created.text.contains("已新建账号“li.wei”"),
        "{}",
        created.text
    );
    let temporary = temporary_password(&created.text);
    assert_eq!(temporary.len(), 14, "{temporary}");
    let (_, me) = api_login(&c, "li.wei", &temporary);
    assert_eq!(me["account"]["must_change_password"], true, "{me}");

    // the sign-in leads to the password page, and every other page too
    let (leader, first) = Clerk::sign_in(&c.app, "li.wei", &temporary);
    assert_eq!(first, "/dashboard");
    let overview = leader.get("/dashboard?lang=en");
    assert_eq!(overview.status, 303);
    assert_eq!(overview.location, "/dashboard/password?lang=en");
    let page = leader.get("/dashboard/password");
    assert!(page.text.contains("您正在使用临时密码"), "{}", page.text);

    // every problem at once, beside its field
    let refused = leader.post(
        "/dashboard/password",
        &[
            ("current_password", &temporary),
            ("new_password", "short"),
            ("repeat_password", "other"),
        ],
    );
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.text.contains("密码至少要有10个字符"),
        "{}",
        refused.text
    );
    assert!(
        refused.text.contains("两次输入的新密码不一致"),
        "{}",
        refused.text
    );
    let wrong = leader.post(
        "/dashboard/password",
        &[
            ("current_password", "not-the-password"),
            ("new_password", "my-own-password"),
            ("repeat_password", "my-own-password"),
        ],
    );
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert!(wrong.text.contains("当前密码不正确"), "{}", wrong.text);

    let changed = leader.post(
        "/dashboard/password",
        &[
            ("current_password", &temporary),
            ("new_password", "my-own-password"),
            ("repeat_password", "my-own-password"),
        ],
    );
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert!(changed.text.contains("密码已修改"), "{}", changed.text);
    assert_eq!(api_login(&c, "li.wei", &temporary).0, 401);
    let (again, _) = Clerk::sign_in(&c.app, "li.wei", "my-own-password");
    assert_eq!(again.get("/dashboard").status, 200);
}

#[test]
fn disabling_and_resetting_ask_first_and_stay_within_scope() {
    let c = county();
    let leader = account_id(&c, "leader.county");
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let path = format!("/dashboard/accounts/{leader}");
    assert_eq!(clerk.get(&path).status, 200);

    let ask = clerk.post(&path, &[("action", "disable")]);
    assert_eq!(ask.status, 200);
    assert!(
        ask.text.contains("停用账号“leader.county”?"),
        "{}",
        ask.text
    );
    assert_eq!(
        api_login(&c, "leader.county", PASSWORD).0,
        200,
        "nothing yet"
    );
    let done = clerk.post(&path, &[("action", "disable"), ("confirm", "yes")]);
    assert!(
        done.text.contains("已停用账号“leader.county”"),
        "{}",
        done.text
    );
    assert_eq!(api_login(&c, "leader.county", PASSWORD).0, 401);
    let enabled = clerk.post(&path, &[("action", "enable")]);
    assert!(enabled.text.contains("已启用账号"), "{}", enabled.text);
    assert_eq!(api_login(&c, "leader.county", PASSWORD).0, 200);

    let ask = clerk.post(&path, &[("action", "reset")]);
    assert!(
        ask.text.contains("重置“leader.county”的密码?"),
        "{}",
        ask.text
    );
    assert_eq!(
        api_login(&c, "leader.county", PASSWORD).0,
        200,
        "nothing yet"
    );
    let reset = clerk.post(&path, &[("action", "reset"), ("confirm", "yes")]);
    assert_eq!(reset.status, 200, "{}", reset.text);
    let temporary = temporary_password(&reset.text);
    assert_eq!(api_login(&c, "leader.county", PASSWORD).0, 401);
    assert_eq!(api_login(&c, "leader.county", &temporary).0, 200);

    // a device is revoked from the account's page
    let (status, device) = c.app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&serde_json::json!({"username": "org.east", "password": PASSWORD, "device_name": "笔记本"})),
    );
    assert_eq!(status, 200);
    let device_id = device["device_id"].as_str().unwrap().to_string();
    let east_org = account_id(&c, "org.east");
    let revoked = clerk.post(
        &format!("/dashboard/accounts/{east_org}"),
        &[("action", "revoke"), ("device_id", &device_id)],
    );
    assert!(revoked.text.contains("已注销该设备"), "{}", revoked.text);
    let token = device["token"].as_str().unwrap();
    assert_eq!(
        c.app.call("GET", "/api/v1/auth/me", Some(token), None).0,
        401
    );

    // a township's organiser reaches neither the county's leader nor the administrator
    let (east, _) = Clerk::sign_in(&c.app, "org.east", PASSWORD);
    assert_eq!(east.get(&path).status, 404);
    let tried = east.post(&path, &[("action", "disable"), ("confirm", "yes")]);
    assert_eq!(tried.status, 403, "{}", tried.text);
    let tried = east.post(
        "/dashboard/accounts/1",
        &[("action", "reset"), ("confirm", "yes")],
    );
    assert_eq!(tried.status, 403, "{}", tried.text);
    assert_eq!(api_login(&c, "leader.county", &temporary).0, 200);
    let west = c.west.to_string();
    let outside = east.post(
        "/dashboard/accounts",
        &[
            ("username", "wang.fang"),
            ("role", "leader"),
            ("unit_id", &west),
        ],
    );
    assert_eq!(outside.status, 403, "{}", outside.text);
    let above = clerk.post(
        "/dashboard/accounts",
        &[
            ("username", "new.admin"),
            ("role", "admin"),
            ("unit_id", &west),
        ],
    );
    assert_eq!(above.status, 403, "{}", above.text);

    // a bad username and no unit: both at once, nothing stored
    let bad = clerk.post(
        "/dashboard/accounts?lang=en",
        &[
            ("username", "Wang Fang"),
            ("role", "leader"),
            ("unit_id", ""),
        ],
    );
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert!(bad.text.contains("Choose the account"), "{}", bad.text);
    let bad = clerk.post(
        "/dashboard/accounts?lang=en",
        &[
            ("username", "Wang Fang"),
            ("role", "leader"),
            ("unit_id", &west),
        ],
    );
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert!(bad.text.contains("lowercase"), "{}", bad.text);
    let (_, list) = c.app.call("GET", "/api/v1/accounts", Some(&c.admin), None);
    assert_eq!(list.as_array().unwrap().len(), 4);
}

#[test]
fn an_accounts_role_and_unit_are_changed_on_its_page_within_scope() {
    let c = county();
    let leader = account_id(&c, "leader.county");
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let path = format!("/dashboard/accounts/{leader}");
    let page = clerk.get(&path);
    assert!(page.text.contains("角色和单位"), "{}", page.text);
    assert!(
        page.text.contains("<option value=\"leader\" selected>"),
        "the account's own role is chosen: {}",
        page.text
    );

    let east = c.east.to_string();
    let moved = clerk.post(
        &path,
        &[
            ("action", "assign"),
            ("role", "officer"),
            ("unit_id", &east),
        ],
    );
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert!(
        moved.text.contains("的角色和单位已按下方所示调整"),
        "{}",
        moved.text
    );
    let (_, account) = c.app.call(
        "GET",
        &format!("/api/v1/accounts/{leader}"),
        Some(&c.admin),
        None,
    );
    assert_eq!(account["role"], "officer", "{account}");
    assert_eq!(account["unit_id"], c.east, "{account}");

    // a forged role or unit is refused with a code and changes nothing
    for (role, unit) in [("emperor", east.as_str()), ("leader", "abc")] {
        let refused = clerk.post(
            &path,
            &[("action", "assign"), ("role", role), ("unit_id", unit)],
        );
        assert_eq!(refused.status, 422, "{role} {unit}: {}", refused.text);
    }
    // a township's organiser cannot move an account to a unit outside its township
    let (east_clerk, _) = Clerk::sign_in(&c.app, "org.east", PASSWORD);
    let west = c.west.to_string();
    let refused = east_clerk.post(
        &path,
        &[
            ("action", "assign"),
            ("role", "officer"),
            ("unit_id", &west),
        ],
    );
    assert!(
        refused.status == 403 || refused.status == 404,
        "{}: {}",
        refused.status,
        refused.text
    );
    let (_, account) = c.app.call(
        "GET",
        &format!("/api/v1/accounts/{leader}"),
        Some(&c.admin),
        None,
    );
    assert_eq!(account["role"], "officer", "unchanged: {account}");
    assert_eq!(account["unit_id"], c.east, "unchanged: {account}");
}

#[test]
fn a_leader_gets_403_on_the_accounts_pages() {
    let c = county();
    let (leader, _) = Clerk::sign_in(&c.app, "leader.county", PASSWORD);
    assert_eq!(leader.get("/dashboard/accounts").status, 403);
    let org = account_id(&c, "org.east");
    assert_eq!(
        leader.get(&format!("/dashboard/accounts/{org}")).status,
        403
    );
    let tried = leader.post(
        &format!("/dashboard/accounts/{org}"),
        &[("action", "disable"), ("confirm", "yes")],
    );
    assert_eq!(tried.status, 403);
    let created = leader.post(
        "/dashboard/accounts",
        &[
            ("username", "x.y.z"),
            ("role", "leader"),
            ("unit_id", &c.east.to_string()),
        ],
    );
    assert_eq!(created.status, 403);
    assert_eq!(api_login(&c, "org.east", PASSWORD).0, 200);
    // the leader changes their own password
    let page = leader.get("/dashboard/password");
    assert_eq!(page.status, 200);
    assert!(
        !page.text.contains("/dashboard/units"),
        "no console in a leader's navigation"
    );
}

#[test]
fn the_operator_resets_a_password_from_the_command_line() {
    let c = county();
    let url = c.app.db.url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let (ok, stdout, stderr) = canvass_tests::binaries::run_server_to_exit(
        &["admin", "reset-password", "admin", "--lang", "en"],
        &[("CANVASS_DATABASE_URL", &url)],
        dir.path(),
    );
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("The account admin has a temporary password"),
        "{stdout}"
    );
    let temporary = stdout.lines().nth(1).unwrap().trim().to_string();
    assert_eq!(api_login(&c, "admin", canvass_tests::ADMIN_PASSWORD).0, 401);
    let (status, body) = api_login(&c, "admin", &temporary);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["account"]["must_change_password"], true);

    let (ok, _, stderr) = canvass_tests::binaries::run_server_to_exit(
        &["admin", "reset-password", "nobody", "--lang", "en"],
        &[("CANVASS_DATABASE_URL", &url)],
        dir.path(),
    );
    assert!(!ok);
    assert!(
        stderr.contains("no account with the username nobody"),
        "{stderr}"
    );
    assert!(
        audit_entries(&c)
            .iter()
            .any(|e| e.starts_with("canvass-server account.reset_password account:")),
        "the operator's reset is in the audit log: {:#?}",
        audit_entries(&c)
    );
}

/// The audit log as `actor action object`, oldest first.
fn audit_entries(c: &Setup) -> Vec<String> {
    canvass_tests::inspect::strings(
        c.app.db.url(),
        "SELECT actor || ' ' || action || ' ' || object AS v FROM audit_log ORDER BY id",
    )
    .into_iter()
    .flatten()
    .collect()
}

fn officials(c: &Setup) -> Vec<Value> {
    let (status, body) = c.app.call("GET", "/api/v1/officials", Some(&c.admin), None);
    assert_eq!(status, 200);
    body.as_array().unwrap().clone()
}

#[test]
fn a_roster_is_previewed_with_every_bad_row_and_cell_marked_and_stored_all_or_nothing() {
    let c = county();
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let bad = xlsx(&[
        &["姓名", "职务", "单位", "班子", "排序"],
        &["周建军", "党委书记", "东山镇", "东山镇党政领导班子", "1"],
        &["", "镇长", "东山镇", "东山镇党政领导班子", "2"],
        &["李梅", "副镇长", "南山镇", "东山镇党政领导班子", "第三"],
    ]);
    let preview = clerk.upload("/dashboard/officials/import", "名册.xlsx", &bad);
    assert_eq!(preview.status, 422, "{}", preview.text);
    assert!(preview.text.contains("共 3 个问题"), "{}", preview.text);
    assert_eq!(
        preview.text.matches("<td class=\"bad\"").count(),
        3,
        "{}",
        preview.text
    );
    let forced = clerk.upload("/dashboard/officials/import/confirm", "名册.xlsx", &bad);
    assert_eq!(forced.status, 422);
    assert!(officials(&c).is_empty(), "nothing half-written");

    // a CSV as Excel saves it: a byte-order mark, columns in another order
    let csv = "\u{feff}排序,姓名,职务,单位,班子\r\n1,周建军,党委书记,东山镇,东山镇党政领导班子\r\n2,王芳,镇长,东山镇,东山镇党政领导班子\r\n,李强,局长,清河县,\r\n";
    let preview = clerk.upload(
        "/dashboard/officials/import?lang=en",
        "roster.csv",
        csv.as_bytes(),
    );
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert!(
        preview.text.contains("Confirming adds 3 officials"),
        "{}",
        preview.text
    );
    let data = confirm_data(&preview.text);
    let stored = clerk.post("/dashboard/officials/import/confirm", &[("data", &data)]);
    assert_eq!(stored.status, 200, "{}", stored.text);
    assert!(stored.text.contains("新增 3 名"), "{}", stored.text);
    assert!(
        stored.text.contains("东山镇党政领导班子"),
        "{}",
        stored.text
    );
    let list = officials(&c);
    assert_eq!(list.len(), 3);
    let zhou = list.iter().find(|o| o["name"] == "周建军").unwrap();
    assert_eq!(zhou["team"], "东山镇党政领导班子");
    assert_eq!(zhou["order"], 1);
    let again = clerk.post("/dashboard/officials/import/confirm", &[("data", &data)]);
    assert!(again.text.contains("3 名不变"), "{}", again.text);
    assert_eq!(officials(&c).len(), 3);
    let imports: Vec<String> = audit_entries(&c)
        .into_iter()
        .filter(|e| e.contains("official.import"))
        .collect();
    assert_eq!(
        imports,
        vec!["org.county official.import officials:3".to_string(); 2],
        "each stored import is in the audit log, a refused one is not"
    );
}

#[test]
fn one_official_is_edited_with_every_problem_beside_its_field() {
    let c = county();
    let (status, created) = c.app.call(
        "POST",
        "/api/v1/officials",
        Some(&c.admin),
        Some(&serde_json::json!({"unit_id": c.east, "name": "周建军", "position": "党委书记"})),
    );
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let path = format!("/dashboard/officials/{id}");
    assert_eq!(clerk.get(&path).status, 200);
    let long = "长".repeat(101);
    let refused = clerk.post(
        &path,
        &[
            ("name", ""),
            ("post", "镇长"),
            ("team", &long),
            ("order", "1"),
            ("active", "1"),
        ],
    );
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.text.matches("<span class=\"err\">").count(),
        2,
        "{}",
        refused.text
    );
    assert_eq!(
        officials(&c)[0]["position"],
        "党委书记",
        "nothing half-written"
    );
    let saved = clerk.post(
        &path,
        &[
            ("name", "周建军"),
            ("post", "镇长"),
            ("team", "东山镇党政领导班子"),
            ("order", "2"),
            ("active", "1"),
        ],
    );
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert!(saved.text.contains("已保存“周建军”"), "{}", saved.text);
    let o = &officials(&c)[0];
    assert_eq!(
        (o["position"].as_str(), o["order"].as_i64()),
        (Some("镇长"), Some(2))
    );

    // another township's organiser and a leader cannot
    let (east, _) = Clerk::sign_in(&c.app, "org.east", PASSWORD);
    let (status, west_official) = c.app.call(
        "POST",
        "/api/v1/officials",
        Some(&c.admin),
        Some(&serde_json::json!({"unit_id": c.west, "name": "赵六", "position": "乡长"})),
    );
    assert_eq!(status, 201);
    let west_path = format!("/dashboard/officials/{}", west_official["id"]);
    assert_eq!(east.get(&west_path).status, 403);
    let tried = east.post(
        &west_path,
        &[("name", "改名"), ("post", "乡长"), ("active", "1")],
    );
    assert_eq!(tried.status, 403);
    let (leader, _) = Clerk::sign_in(&c.app, "leader.county", PASSWORD);
    assert_eq!(leader.get("/dashboard/officials").status, 403);
    assert_eq!(leader.get("/dashboard/officials/import").status, 403);
    let upload = leader.upload(
        "/dashboard/officials/import/confirm",
        "r.csv",
        "姓名,职务,单位\r\n钱七,镇长,东山镇\r\n".as_bytes(),
    );
    assert_eq!(upload.status, 403);
    let roster = east.upload(
        "/dashboard/officials/import",
        "r.csv",
        "姓名,职务,单位\r\n钱七,乡长,西河乡\r\n".as_bytes(),
    );
    assert_eq!(
        roster.status, 422,
        "another township's unit is unknown here"
    );
    assert_eq!(officials(&c).len(), 2);
}
