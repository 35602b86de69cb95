//! The dashboards over HTTP: sign-in and the session cookie, scope, CSRF, and disclosure
//! control on pages and exports, checked against the JSON API's figures.

use std::io::Read;

use canvass_tests::fixtures::{window_answers as answers, WINDOW_FORM};
use canvass_tests::TestApp;
use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, COOKIE, LOCATION, SET_COOKIE};
use serde_json::{json, Value};

/// A browser-like client of the dashboards: no redirects followed, the session cookie kept.
pub struct Web {
    client: Client,
    base: String,
    cookie: Option<String>,
}

/// An answer: status, headers and body.
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Page {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn location(&self) -> String {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }

    /// The id at the end of the address a redirect leads to (`/dashboard/surveys/7` → 7).
    pub fn location_id(&self) -> i64 {
        self.location().rsplit('/').next().unwrap().parse().unwrap()
    }
}

impl Web {
    pub fn new(app: &TestApp) -> Self {
        Self {
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
            base: app.address.clone(),
            cookie: None,
        }
    }

    /// Signs in through `/login`; panics unless it succeeds.
    pub fn signed_in(app: &TestApp, username: &str, password: &str) -> Self {
        let mut web = Self::new(app);
        let page = web.post("/login", &[("username", username), ("password", password)]);
        assert_eq!(page.status, 303, "sign-in as {username}: {}", page.text());
        assert_eq!(page.location(), "/dashboard");
        let set = page.headers.get(SET_COOKIE).unwrap().to_str().unwrap();
        web.cookie = Some(set.split(';').next().unwrap().to_string());
        web
    }

    fn finish(response: reqwest::blocking::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().unwrap().to_vec();
        Page {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str) -> Page {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            request = request.header(COOKIE, c);
        }
        Self::finish(request.send().unwrap())
    }

    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_with(path, fields, &[])
    }

    pub fn post_with(&self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Page {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        if let Some(c) = &self.cookie {
            request = request.header(COOKIE, c);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::finish(request.send().unwrap())
    }

    /// The CSRF token of this session, read from a page's forms.
    pub fn csrf(&self) -> String {
        let html = self.get("/dashboard").text();
        let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
        html[start..start + 64].to_string()
    }
}

/// The figures every test starts from.
pub struct Scene {
    pub app: TestApp,
    pub organiser: String,
    /// A survey of 东山镇 rating three villages: 6 satisfied answers for 东山村 (hidden as the
    /// complement), 7 basically satisfied for 南坡村 (shown), 4 dissatisfied for 北岭村
    /// (hidden: below 5).
    pub east_survey: i64,
    /// A survey of 西山镇, out of the east leader's scope.
    pub west_survey: i64,
    pub east_targets: [i64; 3],
    /// 东山镇.
    pub east: i64,
}

pub const LEADER_PASSWORD: &str = "leader-password";

fn create_survey(
    app: &TestApp,
    token: &str,
    owner: i64,
    targets: &[i64],
    title: &str,
) -> (i64, String) {
    let mut definition: Value = serde_json::from_str(WINDOW_FORM).unwrap();
    definition["title"] = json!({"zh-CN": title, "en": title});
    let (status, survey) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(token),
        Some(&json!({"definition": definition, "targets": targets, "unit_id": owner})),
    );
    assert_eq!(status, 201, "{survey}");
    let id = survey["id"].as_i64().unwrap();
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/surveys/{id}/publish"),
        Some(token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let slug = survey["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    (id, slug)
}

fn submit(app: &TestApp, slug: &str, target: i64, overall: &str, times: usize) {
    for _ in 0..times {
        let (status, body) = app.call(
            "POST",
            &format!("/api/v1/public/surveys/{slug}/responses"),
            None,
            Some(&json!({"version": 1, "target_unit_id": target, "answers": answers(overall)})),
        );
        assert_eq!(status, 201, "{body}");
    }
}

pub fn scene() -> Scene {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let east = app.create_unit(&admin, "东山镇", "township", Some(county));
    let west = app.create_unit(&admin, "西山镇", "township", Some(county));
    let east_targets = [
        app.create_unit(&admin, "东山村", "village", Some(east)),
        app.create_unit(&admin, "南坡村", "village", Some(east)),
        app.create_unit(&admin, "北岭村", "village", Some(east)),
    ];
    let west_village = app.create_unit(&admin, "西山村", "village", Some(west));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    app.create_account(&admin, "east", LEADER_PASSWORD, "leader", east);
    app.create_account(&admin, "west", LEADER_PASSWORD, "leader", west);
    app.create_account(&admin, "officer", "officer-password", "officer", east);
    let organiser = app.login("organiser", "organiser-password");
    let (east_survey, east_slug) = create_survey(
        &app,
        &organiser,
        east,
        &east_targets,
        "东山镇村务服务满意度测评",
    );
    submit(&app, &east_slug, east_targets[0], "satisfied", 6);
    submit(&app, &east_slug, east_targets[1], "basically_satisfied", 7);
    submit(&app, &east_slug, east_targets[2], "dissatisfied", 4);
    let (west_survey, west_slug) =
        create_survey(&app, &organiser, west, &[west_village], "西山镇保密测评");
    submit(&app, &west_slug, west_village, "satisfied", 9);
    Scene {
        app,
        organiser,
        east_survey,
        west_survey,
        east_targets,
        east,
    }
}

/// The text of every worksheet of an XLSX file.
pub fn xlsx_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut all = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        if name.starts_with("xl/worksheets/") || name == "xl/sharedStrings.xml" {
            file.read_to_string(&mut all).unwrap();
        }
    }
    all
}

fn target(results: &Value, unit: i64) -> &Value {
    results["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["unit_id"] == unit)
        .unwrap()
}

/// The east survey's status as the API reports it to the organiser.
fn east_status(s: &Scene) -> Value {
    s.app
        .call(
            "GET",
            &format!("/api/v1/surveys/{}", s.east_survey),
            Some(&s.organiser),
            None,
        )
        .1["status"]
        .clone()
}

#[test]
fn signing_in_sets_an_http_only_session_cookie_that_only_the_dashboards_accept() {
    let s = scene();
    let anonymous = Web::new(&s.app);
    let page = anonymous.get("/dashboard");
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/login");
    let login = anonymous.get("/login?lang=en");
    assert_eq!(login.status, 200);
    assert!(login.text().contains("lang=\"en\""));

    let wrong = anonymous.post("/login", &[("username", "east"), ("password", "nope")]);
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.text().contains("用户名或密码错误"),
        "{}",
        wrong.text()
    );
    assert!(wrong.headers.get(SET_COOKIE).is_none());

    let ok = anonymous.post(
        "/login",
        &[("username", "east"), ("password", LEADER_PASSWORD)],
    );
    assert_eq!(ok.status, 303);
    let cookie = ok
        .headers
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("canvass_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/dashboard"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

    // the JSON API stays bearer-only: the cookie is no sign-in there
    let token = cookie.split(';').next().unwrap().to_string();
    let api = s
        .app
        .client
        .get(s.app.url("/api/v1/auth/me"))
        .header(COOKIE, &token)
        .send()
        .unwrap();
    assert_eq!(api.status(), 401);

    let web = Web::signed_in(&s.app, "east", LEADER_PASSWORD);
    assert_eq!(web.get("/dashboard").status, 200);
    let csrf = web.csrf();
    let out = web.post("/dashboard/logout", &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/login");
    let cleared = out.headers.get(SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // a forged or garbled cookie is no session
    let mut forged = Web::new(&s.app);
    forged.cookie = Some("canvass_session=eyJhbGciOiJub25lIn0.e30.".into());
    assert_eq!(forged.get("/dashboard").status, 303);

    // field officers have no dashboards
    let officer = anonymous.post(
        "/login",
        &[("username", "officer"), ("password", "officer-password")],
    );
    assert_eq!(officer.status, 403);
    assert!(officer.headers.get(SET_COOKIE).is_none());
}

#[test]
fn a_leader_sees_the_apis_figures_and_nothing_of_a_group_of_four() {
    let s = scene();
    let leader_token = s.app.login("east", LEADER_PASSWORD);
    let (status, api) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{}/results", s.east_survey),
        Some(&leader_token),
        None,
    );
    assert_eq!(status, 200);
    let shown = target(&api, s.east_targets[1]);
    let shown_score = shown["composite_score"]["value"].as_f64().unwrap();
    let shown_rate = shown["satisfaction_rate"]["value"].as_f64().unwrap();
    assert!(target(&api, s.east_targets[2])["composite_score"]
        .get("value")
        .is_none());
    // the exact scores of the two hidden villages, as the organiser sees them
    let (_, exact) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{}/results", s.east_survey),
        Some(&s.organiser),
        None,
    );
    let small_score = target(&exact, s.east_targets[2])["composite_score"]["value"]
        .as_f64()
        .unwrap();
    let complement_score = target(&exact, s.east_targets[0])["composite_score"]["value"]
        .as_f64()
        .unwrap();
    let secret = |v: f64| format!("{v:.2}");

    let web = Web::signed_in(&s.app, "east", LEADER_PASSWORD);
    let overview = web.get("/dashboard");
    assert_eq!(overview.status, 200);
    let overview = overview.text();
    assert!(overview.contains("东山镇村务服务满意度测评"));
    assert!(
        !overview.contains("西山镇保密测评"),
        "another township's survey is listed"
    );

    let page = web.get(&format!("/dashboard/surveys/{}", s.east_survey));
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains(&format!("{shown_score:.2}")),
        "the shown score"
    );
    assert!(
        html.contains(&format!("{:.1}%", shown_rate * 100.0)),
        "the shown rate"
    );
    assert!(
        html.matches("隐藏:人数不足,或可据此推算出人数不足的数")
            .count()
            >= 2,
        "a hidden cell and its complement say why, alike"
    );
    assert!(
        !html.contains("隐藏:不足5人") && !html.contains("防止推算出其他隐藏数"),
        "a leader is not told which hidden cell is the small one"
    );
    assert!(
        html.contains("<svg class=\"chart\""),
        "charts are inline SVG"
    );
    assert!(html.contains("role=\"img\""));
    assert!(!html.contains("<script"), "no JavaScript");
    for hidden in [small_score, complement_score] {
        assert!(
            !html.contains(&secret(hidden)),
            "hidden score {hidden} on the page"
        );
    }

    // exports say the same, and hide the same
    for table in 0..5 {
        let csv = web.get(&format!(
            "/dashboard/surveys/{}/export.csv?table={table}",
            s.east_survey
        ));
        assert_eq!(csv.status, 200);
        assert!(csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = csv.text();
        for hidden in [small_score, complement_score] {
            assert!(
                !text.contains(&secret(hidden)),
                "hidden score in CSV table {table}"
            );
        }
        if table == 0 {
            assert!(text.contains(&format!("{shown_score:.2}")), "{text}");
            assert!(
                text.contains("隐藏:人数不足,或可据此推算出人数不足的数"),
                "{text}"
            );
            let small_row = text.lines().find(|l| l.starts_with("北岭村")).unwrap();
            assert!(
                !small_row.contains(",4,"),
                "the count of four leaks: {small_row}"
            );
        }
    }
    let xlsx = web.get(&format!("/dashboard/surveys/{}/export.xlsx", s.east_survey));
    assert_eq!(xlsx.status, 200);
    let sheets = xlsx_text(&xlsx.body);
    assert!(sheets.contains("隐藏:人数不足,或可据此推算出人数不足的数"));
    let truncated = |v: f64| format!("{:.2}", (v * 100.0).floor() / 100.0);
    assert!(
        sheets.contains(&truncated(shown_score)),
        "the shown score in XLSX"
    );
    for hidden in [small_score, complement_score] {
        assert!(
            !sheets.contains(&truncated(hidden)) && !sheets.contains(&secret(hidden)),
            "hidden score {hidden} in XLSX"
        );
    }

    // leaders cannot download every answer
    assert_eq!(
        web.get(&format!("/dashboard/surveys/{}/answers.csv", s.east_survey))
            .status,
        403
    );
}

#[test]
fn the_organiser_sees_exact_figures_marked_and_can_export_every_answer() {
    let s = scene();
    let web = Web::signed_in(&s.app, "organiser", "organiser-password");
    let (_, exact) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{}/results", s.east_survey),
        Some(&s.organiser),
        None,
    );
    let small_score = target(&exact, s.east_targets[2])["composite_score"]["value"]
        .as_f64()
        .unwrap();
    let html = web
        .get(&format!("/dashboard/surveys/{}", s.east_survey))
        .text();
    assert!(html.contains(&format!("{small_score:.2}")));
    assert!(
        html.contains("领导看到:隐藏:不足5人"),
        "exact figures are marked"
    );
    let csv = web
        .get(&format!("/dashboard/surveys/{}/export.csv", s.east_survey))
        .text();
    assert!(csv.contains(&format!("{small_score:.2}")));
    assert!(csv.contains("领导看到:"));

    let answers = web.get(&format!("/dashboard/surveys/{}/answers.csv", s.east_survey));
    assert_eq!(answers.status, 200);
    let text = answers.text();
    let (_, _, api_csv) = s.app.send(
        "GET",
        &format!("/api/v1/surveys/{}/answers.csv", s.east_survey),
        Some(&s.organiser),
        &[],
        None,
    );
    assert_eq!(text.lines().count(), 1 + 6 + 7 + 4);
    assert_eq!(Value::String(text), api_csv, "the same export as the API");
}

#[test]
fn a_township_leader_cannot_open_another_townships_pages_or_exports() {
    let s = scene();
    let web = Web::signed_in(&s.app, "east", LEADER_PASSWORD);
    for path in [
        format!("/dashboard/surveys/{}", s.west_survey),
        format!("/dashboard/surveys/{}/export.csv", s.west_survey),
        format!("/dashboard/surveys/{}/export.csv?table=2", s.west_survey),
        format!("/dashboard/surveys/{}/export.xlsx", s.west_survey),
        format!("/dashboard/surveys/{}/answers.csv", s.west_survey),
        format!("/dashboard/surveys/{}/preview", s.west_survey),
    ] {
        let page = web.get(&path);
        assert_eq!(page.status, 403, "{path}");
        let text = page.text();
        assert!(!text.contains("西山"), "{path} names the survey: {text}");
        assert!(!text.contains("<table"), "{path} shows a table: {text}");
    }
    // the west leader does see it
    let west = Web::signed_in(&s.app, "west", LEADER_PASSWORD);
    let page = west.get(&format!("/dashboard/surveys/{}", s.west_survey));
    assert_eq!(page.status, 200);
    assert!(page.text().contains("西山镇保密测评"));
    assert_eq!(west.get("/dashboard/surveys/999999").status, 404);
    assert_eq!(west.get("/dashboard/surveys/abc").status, 404);
}

#[test]
fn a_form_post_without_the_csrf_token_is_refused() {
    let s = scene();
    let web = Web::signed_in(&s.app, "organiser", "organiser-password");
    let path = format!("/dashboard/surveys/{}/status", s.east_survey);
    let status = east_status;
    let missing = web.post(&path, &[("action", "close")]);
    assert_eq!(missing.status, 403);
    assert!(missing.text().contains("请求被拒绝"));
    let wrong = web.post(&path, &[("action", "close"), ("csrf", &"0".repeat(64))]);
    assert_eq!(wrong.status, 403);
    let csrf = web.csrf();
    // another session's token is no good either
    let other = Web::signed_in(&s.app, "organiser", "organiser-password");
    assert_ne!(other.csrf(), csrf);
    assert_eq!(
        other
            .post(&path, &[("action", "close"), ("csrf", &csrf)])
            .status,
        403
    );
    // nor is the right token sent from another site
    let cross = web.post_with(
        &path,
        &[("action", "close"), ("csrf", &csrf)],
        &[
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
    );
    assert_eq!(cross.status, 403);
    assert_eq!(status(&s), "open");
    let ok = web.post(
        &path,
        &[("action", "close"), ("csrf", &csrf), ("confirm", "yes")],
    );
    assert_eq!(ok.status, 303, "{}", ok.text());
    assert_eq!(status(&s), "closed");
    // sign-out without the token does nothing
    assert_eq!(web.post("/dashboard/logout", &[]).status, 403);
    assert_eq!(web.get("/dashboard").status, 200);
}

#[test]
fn a_status_button_asks_for_a_confirmation_that_says_what_will_happen() {
    let s = scene();
    let web = Web::signed_in(&s.app, "organiser", "organiser-password");
    let csrf = web.csrf();
    let id = s.east_survey;
    let page = web.get(&format!("/dashboard/surveys/{id}")).text();
    assert!(page.contains(&format!(
        "<form class=\"inline\" method=\"post\" action=\"/dashboard/surveys/{id}/status\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button type=\"submit\" name=\"action\" value=\"close\">结束测评</button></form>"
    )), "{page}");
    assert!(page.contains(&format!("href=\"/dashboard/surveys/{id}/print\"")));
    let status = || east_status(&s);
    let path = format!("/dashboard/surveys/{id}/status");
    let asked = web.post(&path, &[("action", "close"), ("csrf", &csrf)]);
    assert_eq!(asked.status, 200, "{}", asked.text());
    let asked = asked.text();
    assert!(
        asked.contains("<h1>结束“东山镇村务服务满意度测评”?</h1>"),
        "{asked}"
    );
    assert!(asked.contains("公开链接将不再接收答卷。以后可以重新开放。"));
    assert!(asked.contains(&format!("<form method=\"post\" action=\"{path}\">")));
    assert!(asked.contains("<input type=\"hidden\" name=\"action\" value=\"close\"><button type=\"submit\" id=\"confirm\">结束测评</button>"));
    assert!(asked.contains(&format!(
        "<a href=\"/dashboard/surveys/{id}\">取消,返回</a>"
    )));
    assert_eq!(status(), "open", "nothing happens before the confirmation");
    // in English when the page is
    let english = web
        .post(
            &format!("{path}?lang=en"),
            &[("action", "close"), ("csrf", &csrf)],
        )
        .text();
    assert!(
        english.contains("Close “东山镇村务服务满意度测评”?"),
        "{english}"
    );
    assert!(english.contains("The public link takes no more answers."));
    // a leader is refused outright, confirmed or not
    let leader = Web::signed_in(&s.app, "east", LEADER_PASSWORD);
    let leader_csrf = leader.csrf();
    for confirm in ["no", "yes"] {
        let refused = leader.post(
            &path,
            &[
                ("action", "close"),
                ("csrf", &leader_csrf),
                ("confirm", confirm),
            ],
        );
        assert_eq!(refused.status, 403, "{}", refused.text());
    }
    // an unknown step is refused as before, without a confirmation page
    assert_eq!(
        web.post(&path, &[("action", "delete"), ("csrf", &csrf)])
            .status,
        422
    );
    assert_eq!(status(), "open");
    let done = web.post(
        &path,
        &[("action", "close"), ("csrf", &csrf), ("confirm", "yes")],
    );
    assert_eq!(done.status, 303);
    assert_eq!(status(), "closed");
    // a closed survey offers to open it again, and that asks too
    let page = web.get(&format!("/dashboard/surveys/{id}")).text();
    assert!(page.contains("value=\"open\">重新开放</button>"), "{page}");
    let asked = web
        .post(&path, &[("action", "open"), ("csrf", &csrf)])
        .text();
    assert!(asked.contains("公开链接将重新接收答卷。"), "{asked}");
    assert_eq!(status(), "closed");
}

#[test]
fn organisers_upload_preview_and_publish_a_survey_and_run_a_round_from_the_pages() {
    let s = scene();
    let east = s.east;
    let web = Web::signed_in(&s.app, "organiser", "organiser-password");
    let csrf = web.csrf();
    let upload = |fields: Vec<(&str, String)>, file: Option<&str>| {
        upload_file(
            &web,
            "",
            &fields,
            file.map(|f| ("definition.json", f.as_bytes())),
        )
    };
    assert_eq!(web.get("/dashboard/new").status, 200);
    // a broken definition comes back with the problem named
    let bad = upload(
        vec![
            ("csrf", csrf.clone()),
            ("kind", "survey".into()),
            ("unit_id", east.to_string()),
            ("text", "{\"title\": 1}".into()),
        ],
        None,
    );
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(bad.text().contains("title"));
    let created = upload(
        vec![
            ("csrf", csrf.clone()),
            ("kind", "survey".into()),
            ("unit_id", east.to_string()),
            ("targets", s.east_targets[0].to_string()),
        ],
        Some(WINDOW_FORM),
    );
    assert_eq!(created.status, 303, "{}", created.text());
    let id = created.location_id();
    let preview = web.get(&format!("/dashboard/surveys/{id}/preview"));
    assert_eq!(preview.status, 200);
    let preview = preview.text();
    assert!(preview.contains("预览") && preview.contains("name=\"overall\""));
    assert!(
        !preview.contains("<form"),
        "nothing can be sent from a preview"
    );
    // the survey's page offers to publish the draft; the button asks for a confirmation first
    let page = web.get(&format!("/dashboard/surveys/{id}")).text();
    assert!(
        page.contains(
            "<button type=\"submit\" name=\"action\" value=\"publish\">发布新版本</button>"
        ),
        "{page}"
    );
    let asked = web.post(
        &format!("/dashboard/surveys/{id}/status"),
        &[("action", "publish"), ("csrf", &csrf)],
    );
    assert_eq!(asked.status, 200, "{}", asked.text());
    let asked = asked.text();
    assert!(
        asked.contains("第1版将成为群众在公开链接上填写的问卷"),
        "{asked}"
    );
    assert!(
        asked.contains("name=\"confirm\" value=\"yes\"") && asked.contains("value=\"publish\"")
    );
    let (_, survey) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(
        survey["status"], "draft",
        "nothing happens before the confirmation"
    );
    let publish = web.post(
        &format!("/dashboard/surveys/{id}/status"),
        &[("action", "publish"), ("csrf", &csrf), ("confirm", "yes")],
    );
    assert_eq!(publish.status, 303);
    let (_, survey) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(survey["status"], "open");
    assert_eq!(survey["current_version"], 1);

    // a round: upload, open, slips, a tally sheet, close, publish
    let official = s.app.call(
        "POST",
        "/api/v1/officials",
        Some(&s.organiser),
        Some(&json!({"unit_id": east, "name": "王建国", "position": "党委书记"})),
    );
    let official = official.1["id"].as_i64().unwrap();
    let definition = json!({
        "period": "2026",
        "series": {"id": "dongshan-annual", "name": "东山镇领导班子年度民主测评"},
        "officials": [{"official_id": official, "name": "王建国", "position": "党委书记"}],
        "elector_groups": [{"id": "cadres", "label": "干部", "weight": 1.0}],
        "disclosure": {"counts": 5, "comments": 10}
    });
    let created = upload(
        vec![
            ("csrf", csrf.clone()),
            ("kind", "round".into()),
            ("unit_id", east.to_string()),
            ("text", definition.to_string()),
        ],
        None,
    );
    assert_eq!(created.status, 303, "{}", created.text());
    let round: i64 = created.location_id();
    let act = |action: &str| {
        let page = web.post(
            &format!("/dashboard/rounds/{round}/status"),
            &[("action", action), ("csrf", &csrf), ("confirm", "yes")],
        );
        assert_eq!(page.status, 303, "{action}: {}", page.text());
    };
    act("open");
    let slips = web.post(
        &format!("/dashboard/rounds/{round}/slips"),
        &[("elector_group", "cadres"), ("count", "3"), ("csrf", &csrf)],
    );
    assert_eq!(slips.status, 201);
    assert_eq!(slips.text().matches("class=\"slip\"").count(), 3);
    let turnout = web.get(&format!("/dashboard/rounds/{round}/turnout"));
    assert_eq!(turnout.status, 200);
    assert!(turnout.headers.get("refresh").is_some());
    let live = turnout.text();
    assert!(live.contains("0 / 3"), "codes used / issued");
    assert!(live.contains("0.0%"), "and in percent: {live}");
    assert!(live.contains("<td>干部</td>"), "the group by its name");
    assert!(!live.contains(">cadres<"), "not its id");
    let sheet = web.get(&format!("/dashboard/rounds/{round}/sheet"));
    assert_eq!(sheet.status, 200);
    let grades = [
        ("s0_excellent", "2"),
        ("s0_competent", "2"),
        ("s0_basically_competent", "1"),
        ("s0_incompetent", "1"),
        ("s0_abstain", "0"),
    ];
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("station", "第一会场"),
        ("elector_group", "cadres"),
        ("issued", "7"),
        ("returned", "7"),
        ("valid", "7"),
        ("invalid", "0"),
    ];
    fields.extend(grades);
    // the grades add up to 6, not the 7 valid ballots: refused, numbers kept
    let refused = web.post(&format!("/dashboard/rounds/{round}/sheet"), &fields);
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(refused.text().contains("value=\"第一会场\""));
    fields[5] = ("valid", "6");
    fields[6] = ("invalid", "1");
    let entered = web.post(&format!("/dashboard/rounds/{round}/sheet"), &fields);
    assert_eq!(entered.status, 303, "{}", entered.text());
    // closing asks first, in the reader's language, and names the round
    let asked = web.post(
        &format!("/dashboard/rounds/{round}/status?lang=en"),
        &[("action", "close"), ("csrf", &csrf)],
    );
    assert_eq!(asked.status, 200, "{}", asked.text());
    let asked = asked.text();
    assert!(
        asked.contains("Close voting in “东山镇领导班子年度民主测评 2026”?")
            && asked.contains("No ballot code can vote any more"),
        "{asked}"
    );
    assert!(asked.contains(">Close voting</button>"), "{asked}");
    let (_, info) = s.app.call(
        "GET",
        &format!("/api/v1/rounds/{round}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(
        info["status"], "open",
        "nothing happens before the confirmation"
    );
    act("close");

    let leader = Web::signed_in(&s.app, "east", LEADER_PASSWORD);
    let early = leader.get(&format!("/dashboard/rounds/{round}"));
    assert_eq!(early.status, 403);
    assert!(early.text().contains("结果尚未公布"));
    assert!(!early.text().contains("王建国"));
    act("publish");
    let page = leader.get(&format!("/dashboard/rounds/{round}"));
    assert_eq!(page.status, 200);
    let html = page.text();
    let leader_token = s.app.login("east", LEADER_PASSWORD);
    let (_, report) = s.app.call(
        "GET",
        &format!("/api/v1/rounds/{round}/results"),
        Some(&leader_token),
        None,
    );
    // the page opens with one ranking table of the officials: share of 优秀+称职 and flags
    let ranking = html.find("id=\"ranking\"").expect("a ranking table");
    let table = &html[ranking..ranking + html[ranking..].find("</table>").unwrap()];
    assert!(table.contains("王建国"), "{table}");
    assert!(table.contains("66.7%"), "2 + 2 of 6 graded votes: {table}");
    assert!(table.contains("⚑"), "the flag is in the table: {table}");
    assert!(
        ranking < html.find("class=\"flag\"").unwrap() && ranking < html.find("<details").unwrap(),
        "the ranking comes before the details"
    );
    let turnout = &html[html.find("id=\"turnout\"").unwrap()..];
    assert!(turnout.contains("<td>干部</td>") && turnout.contains("100.0%"));
    // 2 basically competent + incompetent of 6 graded votes: the default one-third rule flags
    assert_eq!(report["flags"].as_array().unwrap().len(), 1, "{report}");
    assert!(html.contains("2/6"), "the flag's numbers");
    assert!(html.contains("王建国"));
    let score = report["results"]["subjects"][0]["overall"]["score"]
        .as_f64()
        .unwrap();
    assert!(html.contains(&format!("{score:.2}")));
    let csv = leader
        .get(&format!("/dashboard/rounds/{round}/export.csv"))
        .text();
    assert!(
        csv.contains("王建国") && csv.contains(&format!("{score:.2}")),
        "{csv}"
    );
    let xlsx = leader.get(&format!("/dashboard/rounds/{round}/export.xlsx"));
    assert_eq!(xlsx.status, 200);
    assert!(xlsx_text(&xlsx.body).contains("王建国"));
}

/// The dashboards in Debian's headless chromium at a phone and a desktop viewport.
mod browser_dashboard {
    use canvass_tests::webdriver::{Browser, DESKTOP, PHONE};
    use serde_json::Value;

    use super::{east_status, scene, target, LEADER_PASSWORD};

    fn signs_in_opens_every_page_and_shows_the_apis_figures(viewport: (u32, u32), name: &str) {
        let s = scene();
        let leader_token = s.app.login("east", LEADER_PASSWORD);
        let (_, api) = s.app.call(
            "GET",
            &format!("/api/v1/surveys/{}/results", s.east_survey),
            Some(&leader_token),
            None,
        );
        let shown_score = target(&api, s.east_targets[1])["composite_score"]["value"]
            .as_f64()
            .unwrap();
        let browser = Browser::start(viewport);
        browser.goto(&s.app.url("/dashboard"));
        browser.wait_for_text("h1", "登录");
        browser.screenshot(&format!("{name}-1-login"));
        browser.type_into("#username", "east");
        browser.type_into("#password", LEADER_PASSWORD);
        browser.click("button[type=submit]");
        browser.wait_for_text("h1", "看板总览");
        let fits = |b: &Browser| {
            b.script(
                "return document.documentElement.scrollWidth <= window.innerWidth",
                &[],
            )
        };
        assert_eq!(
            fits(&browser),
            Value::Bool(true),
            "overview fits {viewport:?}"
        );
        assert!(browser.source().contains("东山镇村务服务满意度测评"));
        browser.screenshot(&format!("{name}-2-overview"));

        browser.click("td a");
        browser.wait_for_text("h1", "东山镇村务服务满意度测评");
        assert_eq!(
            fits(&browser),
            Value::Bool(true),
            "survey page fits {viewport:?}"
        );
        let page = browser.source();
        assert!(
            page.contains(&format!("{shown_score:.2}")),
            "the API's score"
        );
        assert!(page.contains("隐藏:人数不足,或可据此推算出人数不足的数"));
        assert!(browser.count("svg.chart") >= 2, "charts drawn");
        browser.screenshot(&format!("{name}-3-survey"));

        // English, kept across links
        browser.click("a[hreflang=en]");
        browser.wait_for_text("h2", "Summary");
        let page = browser.source();
        assert!(
            page.contains("with fewer than 5 answer sheets shows none of its figures"),
            "the rule is stated"
        );
        assert!(
            page.contains("hidden: too few answers, or it would reveal a figure that has too few"),
            "a hidden cell says why, in English"
        );
        browser.screenshot(&format!("{name}-4-survey-en"));

        // another township's page: refused, nothing shown
        browser.goto(&s.app.url(&format!("/dashboard/surveys/{}", s.west_survey)));
        browser.wait_for_text("h1", "无权查看");
        assert!(!browser.source().contains("西山镇保密测评"));
        browser.screenshot(&format!("{name}-5-out-of-scope"));

        browser.goto(&s.app.url("/dashboard"));
        browser.wait_for_text("h1", "看板总览");
        browser.click("nav .linkbtn");
        browser.wait_for_text("h1", "登录");
        browser.goto(&s.app.url("/dashboard"));
        browser.wait_for_text("h1", "登录");
    }

    #[test]
    #[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
    fn browser_an_organiser_on_a_phone_closes_a_survey_only_after_confirming() {
        let s = scene();
        let status = || east_status(&s);
        let browser = Browser::start(PHONE);
        browser.goto(&s.app.url("/dashboard"));
        browser.wait_for_text("h1", "登录");
        browser.type_into("#username", "organiser");
        browser.type_into("#password", "organiser-password");
        browser.click("button[type=submit]");
        browser.wait_for_text("h1", "看板总览");
        browser.goto(&s.app.url(&format!("/dashboard/surveys/{}", s.east_survey)));
        browser.wait_for_text("h1", "东山镇村务服务满意度测评");
        browser.click("button[value=close]");
        browser.wait_for_text("h1", "结束“东山镇村务服务满意度测评”?");
        assert!(browser.source().contains("公开链接将不再接收答卷"));
        browser.screenshot("organiser-phone-confirm-close");
        // cancel: back on the survey's page, nothing changed
        browser.click("div.dash p a");
        // (the confirmation's heading holds the title too: wait for the survey page's buttons)
        browser.wait_until("the survey's page", |b| {
            b.count("#confirm") == 0 && b.count("button[value=close]") == 1
        });
        assert_eq!(status(), "open");
        // confirm: closed, and the page offers to open it again
        browser.click("button[value=close]");
        browser.wait_for_text("h1", "结束“东山镇村务服务满意度测评”?");
        browser.click("#confirm");
        browser.wait_until("the survey's page, closed", |b| {
            b.count("#confirm") == 0 && b.count("button[value=open]") == 1
        });
        assert_eq!(status(), "closed");
    }

    #[test]
    #[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
    fn a_leader_uses_the_dashboards_on_a_phone() {
        signs_in_opens_every_page_and_shows_the_apis_figures(PHONE, "dashboard-phone");
    }

    #[test]
    #[ignore = "needs Debian's chromium and chromium-driver (installed by .ci/run); run with --include-ignored"]
    fn a_leader_uses_the_dashboards_on_a_desktop() {
        signs_in_opens_every_page_and_shows_the_apis_figures(DESKTOP, "dashboard-desktop");
    }
}

/// A survey of five villages of 东山镇, every one with enough answer sheets to be shown:
/// composite scores 86.67, 84.44, 73.33, 56.67 and 53.33 (the form's other two ratings are
/// fixed at satisfied and basically satisfied).
fn five_village_survey(s: &Scene) -> (i64, Vec<i64>) {
    let admin = s.app.admin_token();
    let villages: Vec<i64> = ["甲村", "乙村", "丙村", "丁村", "戊村"]
        .iter()
        .map(|name| s.app.create_unit(&admin, name, "village", Some(s.east)))
        .collect();
    let (id, slug) = create_survey(
        &s.app,
        &s.organiser,
        s.east,
        &villages,
        "东山镇五村满意度测评",
    );
    let plan: [&[(&str, usize)]; 5] = [
        &[("satisfied", 6)],
        &[("satisfied", 5), ("basically_satisfied", 1)],
        &[("basically_satisfied", 6)],
        &[("dissatisfied", 5), ("basically_satisfied", 1)],
        &[("dissatisfied", 6)],
    ];
    for (village, answers) in villages.iter().zip(plan) {
        for (overall, times) in answers {
            submit(&s.app, &slug, *village, overall, *times);
        }
    }
    (id, villages)
}

#[test]
fn the_units_to_rectify_follow_the_rule_for_few_units_and_the_page_says_it() {
    let s = scene();
    let (id, villages) = five_village_survey(&s);
    let token = s.app.login("east", LEADER_PASSWORD);
    let (status, api) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&token),
        None,
    );
    assert_eq!(status, 200, "{api}");
    let rectified: Vec<i64> = api["rectification"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["unit_id"].as_i64().unwrap())
        .collect();
    // five units: not the bottom three, but the lowest one and every one under 60
    assert_eq!(rectified, [villages[3], villages[4]], "{api}");
    assert_eq!(api["rectify_below_score"], 60.0);

    let web = Web::signed_in(&s.app, "east", LEADER_PASSWORD);
    let html = web.get(&format!("/dashboard/surveys/{id}")).text();
    let list = &html[html.find("class=\"rank bottom\"").unwrap()..];
    let list = &list[..list.find("</ul>").unwrap()];
    assert!(list.contains("丁村") && list.contains("戊村"), "{list}");
    assert!(
        !list.contains("丙村") && !list.contains("乙村"),
        "a unit ranked third of five is not rectified: {list}"
    );
    assert!(
        html.contains("参与排名的单位达到7个时为后三名,不足7个时为最后一名")
            && html.contains("综合得分低于60分"),
        "the rule is stated"
    );
    let overview = web.get("/dashboard").text();
    assert!(
        overview.contains("综合得分低于60分"),
        "the overview states the rule"
    );
    let english = web.get(&format!("/dashboard/surveys/{id}?lang=en")).text();
    assert!(english.contains("the bottom three places when at least 7 units are ranked"));
}

#[test]
fn every_count_on_a_survey_page_counts_answer_sheets_and_says_so() {
    let s = scene();
    let (id, _) = five_village_survey(&s);
    let token = s.app.login("east", LEADER_PASSWORD);
    let (_, api) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&token),
        None,
    );
    let first = &api["ranking"][0];
    // the API's n counts the ratings the score rests on; the page shows answer sheets
    assert_eq!(first["n"], 18);
    assert_eq!(first["responses"], 6);
    let web = Web::signed_in(&s.app, "east", LEADER_PASSWORD);
    let html = web.get(&format!("/dashboard/surveys/{id}")).text();
    assert!(!html.contains("n=18") && !html.contains("n=6"), "no bare n");
    assert!(
        html.contains("第1名,综合得分86.67,答卷6份"),
        "the place says what it counts"
    );
    assert!(html.contains("本页所有人数都是答卷份数"));
    let english = web.get(&format!("/dashboard/surveys/{id}?lang=en")).text();
    assert!(english.contains("place 1, score 86.67, 6 answer sheets"));
    assert!(english.contains("Every count on this page counts answer sheets"));
}

#[test]
fn an_option_chosen_on_fewer_sheets_than_the_threshold_is_hidden_as_the_page_says() {
    let s = scene();
    let (id, villages) = five_village_survey(&s);
    let token = s.app.login("east", LEADER_PASSWORD);
    let (_, api) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&token),
        None,
    );
    // 乙村: 5 satisfied and 1 basically satisfied answers to `overall`
    let overall = target(&api, villages[1])["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "overall")
        .unwrap()
        .clone();
    let option = |id: &str| {
        overall["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .unwrap()
            .clone()
    };
    for id in ["basically_satisfied", "satisfied"] {
        let o = option(id);
        assert!(o["count"].get("value").is_none(), "{id} shown: {o}");
        assert_eq!(o["count"]["hidden"]["kind"], "withheld", "{o}");
        assert!(o["share"].get("value").is_none(), "{id}'s share shown: {o}");
    }
    assert_eq!(
        option("dissatisfied")["count"]["value"],
        0.0,
        "an empty cell is shown"
    );
    // the organiser sees the exact counts, marked
    let (_, exact) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}/results"),
        Some(&s.organiser),
        None,
    );
    let exact_overall = target(&exact, villages[1])["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "overall")
        .unwrap()
        .clone();
    let small = exact_overall["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "basically_satisfied")
        .unwrap()
        .clone();
    assert_eq!(small["count"]["value"], 1.0);
    assert_eq!(small["count"]["hidden"]["kind"], "below_threshold");

    let web = Web::signed_in(&s.app, "east", LEADER_PASSWORD);
    let html = web.get(&format!("/dashboard/surveys/{id}")).text();
    assert!(html.contains("某个选项有1份至不足5份答卷选择的,不显示其人数和占比"));
    let section = &html[html.find("id=\"t").unwrap()..];
    let second = &section[section.find("乙村").unwrap()..];
    let second = &second[..second.find("</details>").unwrap()];
    assert!(
        !second.contains("<td class=\"n\">1</td>"),
        "the option chosen once shows its count: {second}"
    );
    assert!(second.contains("隐藏*"));
}

#[test]
fn exports_are_named_by_title_and_day_every_table_is_linked_and_an_unknown_table_is_404() {
    let s = scene();
    let web = Web::signed_in(&s.app, "east", LEADER_PASSWORD);
    let id = s.east_survey;
    let html = web.get(&format!("/dashboard/surveys/{id}")).text();
    for table in 0..5 {
        assert!(
            html.contains(&format!(
                "/dashboard/surveys/{id}/export.csv?table={table}\""
            )),
            "table {table} is linked"
        );
    }
    assert!(html.contains(&format!("/dashboard/surveys/{id}/export.xlsx\"")));

    let csv = web.get(&format!("/dashboard/surveys/{id}/export.csv?table=1"));
    assert_eq!(csv.status, 200);
    let disposition = csv.headers["content-disposition"].to_str().unwrap();
    let day = canvass_protocol::calendar::day_of(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap(),
    );
    assert!(
        disposition.contains(&format!("filename=\"survey-{id}-1-{day}.csv\"")),
        "an ASCII fallback: {disposition}"
    );
    let encoded: String = format!("东山镇村务服务满意度测评-分项统计-{day}.csv")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{encoded}")),
        "named by title, table and day: {disposition}"
    );

    for bad in ["9", "5"] {
        let page = web.get(&format!("/dashboard/surveys/{id}/export.csv?table={bad}"));
        assert_eq!(page.status, 404, "table {bad}");
        let body: Value = serde_json::from_slice(&page.body).unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{body}");
        assert_eq!(body["error"]["field"], "table", "{body}");
    }
    let page = web.get(&format!("/dashboard/surveys/{id}/export.csv?table=x"));
    assert_eq!(page.status, 422);
    let body: Value = serde_json::from_slice(&page.body).unwrap();
    assert_eq!(body["error"]["code"], "invalid_value", "{body}");

    // the leader's files carry nothing meant for the organiser
    let xlsx = web.get(&format!("/dashboard/surveys/{id}/export.xlsx"));
    let disposition = xlsx.headers["content-disposition"].to_str().unwrap();
    assert!(disposition.contains(&format!("filename=\"survey-{id}-tables-{day}.xlsx\"")));
    let sheets = xlsx_text(&xlsx.body);
    assert!(sheets.contains("隐藏的格子写明隐藏原因"));
    assert!(
        !sheets.contains("领导看不到") && !sheets.contains("领导看到"),
        "{sheets}"
    );
    let summary = web
        .get(&format!("/dashboard/surveys/{id}/export.csv?table=0"))
        .text();
    assert!(
        !summary.lines().next().unwrap().contains("说明"),
        "no organiser's note column: {summary}"
    );
    // the organiser's workbook keeps its note
    let organiser = Web::signed_in(&s.app, "organiser", "organiser-password");
    let sheets = xlsx_text(
        &organiser
            .get(&format!("/dashboard/surveys/{id}/export.xlsx"))
            .body,
    );
    assert!(sheets.contains("标黄的精确数字领导看不到"));
}

/// Posts the upload form of `/dashboard/new` as a browser does (multipart), with `file` as
/// the chosen file.
pub(crate) fn upload_file(
    web: &Web,
    query: &str,
    fields: &[(&str, String)],
    file: Option<(&str, &[u8])>,
) -> Page {
    let boundary = "canvass-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    let response = web
        .client
        .post(format!("{}/dashboard/new{query}", web.base))
        .header(COOKIE, web.cookie.clone().unwrap())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .unwrap();
    Web::finish(response)
}

#[test]
fn an_xlsform_workbook_uploaded_on_the_page_becomes_a_draft_survey_or_every_problem_is_listed() {
    let s = scene();
    let web = Web::signed_in(&s.app, "organiser", "organiser-password");
    let csrf = web.csrf();
    let form = web.get("/dashboard/new").text();
    assert!(
        form.contains(".xlsx"),
        "the file input takes workbooks: {form}"
    );
    let fields = |kind: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("kind", kind.to_string()),
            ("unit_id", s.east.to_string()),
            ("targets", s.east_targets[0].to_string()),
        ]
    };
    // a workbook with an unknown question type and no settings sheet: nothing is created and
    // every problem is listed with its sheet, row and column, in the reader's language
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("survey").unwrap();
    for (r, row) in [
        ["type", "name", "label"],
        ["integer", "age", "年龄"],
        ["colour", "favourite", "喜欢的颜色"],
    ]
    .iter()
    .enumerate()
    {
        for (c, cell) in row.iter().enumerate() {
            sheet
                .write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *cell)
                .unwrap();
        }
    }
    let bad = book.save_to_buffer().unwrap();
    let (_, before) = s
        .app
        .call("GET", "/api/v1/surveys", Some(&s.organiser), None);
    let refused = upload_file(&web, "", &fields("survey"), Some(("form.xlsx", &bad)));
    assert_eq!(refused.status, 422, "{}", refused.text());
    let html = refused.text();
    assert!(
        html.contains("XLSForm 工作簿无法使用,未创建任何测评。"),
        "{html}"
    );
    assert!(
        html.contains(
            "<li>工作表“survey”第 3 行 A 列(type):无法识别题型“colour”。请检查拼写。</li>"
        ),
        "{html}"
    );
    assert!(
        html.contains("“settings”"),
        "the missing sheet is named: {html}"
    );
    assert!(
        !html.contains("PK\u{3}\u{4}"),
        "the workbook is not put back into the page"
    );
    let english = upload_file(
        &web,
        "?lang=en",
        &fields("survey"),
        Some(("form.xlsx", &bad)),
    );
    assert_eq!(english.status, 422);
    let english = english.text();
    assert!(
        english.contains("<li>sheet “survey”, row 3, column A (type): The question type “colour” is not recognised. Check its spelling.</li>"),
        "{english}"
    );
    let (_, after) = s
        .app
        .call("GET", "/api/v1/surveys", Some(&s.organiser), None);
    assert_eq!(before, after, "nothing was created");
    // a round cannot come from a workbook
    let round = upload_file(&web, "", &fields("round"), Some(("form.xlsx", &bad)));
    assert_eq!(round.status, 422);
    assert!(round.text().contains("民主测评不能从 XLSForm 工作簿读取"));
    // a good workbook becomes a draft survey with its questions
    let good = canvass_protocol::sheets::samples::xlsform_workbook(3);
    let created = upload_file(&web, "", &fields("survey"), Some(("form.xlsx", &good)));
    assert_eq!(created.status, 303, "{}", created.text());
    let id: i64 = created.location_id();
    let (status, survey) = s.app.call(
        "GET",
        &format!("/api/v1/surveys/{id}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(survey["status"], "draft");
    assert_eq!(survey["draft_version"], 1);
    let preview = web.get(&format!("/dashboard/surveys/{id}/preview"));
    assert_eq!(preview.status, 200);
}

#[test]
fn an_xlsform_workbook_with_ignored_columns_and_rows_says_so_once_the_survey_is_created() {
    let s = scene();
    let web = Web::signed_in(&s.app, "organiser", "organiser-password");
    let fields = vec![
        ("csrf", web.csrf()),
        ("kind", "survey".to_string()),
        ("unit_id", s.east.to_string()),
        ("targets", s.east_targets[0].to_string()),
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let rows: [(&str, &[&[&str]]); 2] = [
        (
            "survey",
            &[
                &["type", "name", "label", "required", "constraint_message"],
                &["start", "start", "", "", ""],
                &["rating", "overall", "总体评价", "yes", "请选择一项"],
            ],
        ),
        ("settings", &[&["form_title"], &["东山镇服务测评"]]),
    ];
    for (name, table) in rows {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        for (r, row) in table.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet
                    .write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *cell)
                    .unwrap();
            }
        }
    }
    let workbook = book.save_to_buffer().unwrap();
    let created = upload_file(&web, "", &fields, Some(("form.xlsx", &workbook)));
    assert_eq!(
        created.status,
        200,
        "the notes are shown: {}",
        created.text()
    );
    let html = created.text();
    assert!(html.contains("测评草稿已创建。文件中有 2 处"), "{html}");
    assert!(html.contains("第 2 行"), "the ignored row is named: {html}");
    assert!(
        html.contains("constraint_message"),
        "the ignored column is named: {html}"
    );
    let (_, list) = s
        .app
        .call("GET", "/api/v1/surveys", Some(&s.organiser), None);
    let survey = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["title"]["zh-CN"] == "东山镇服务测评")
        .expect("the survey is created")
        .clone();
    let id = survey["id"].as_i64().unwrap();
    assert!(
        html.contains(&format!("href=\"/dashboard/surveys/{id}\"")),
        "the way to the survey: {html}"
    );
    let english = upload_file(&web, "?lang=en", &fields, Some(("form.xlsx", &workbook)));
    assert_eq!(english.status, 200);
    assert!(english.text().contains("2 things in the file were ignored"));
}
