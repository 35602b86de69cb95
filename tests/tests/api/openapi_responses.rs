//! The served OpenAPI document against what the server really answers: every operation in it is
//! called at least once with a success and once with an error, and each JSON answer is
//! validated against the schema the document gives for its status (an error status the
//! operation does not list must still be an `ErrorBody`).

use std::collections::BTreeSet;

use base64::Engine as _;
use canvass_tests::fixtures::{county, link_slug, window_answers, OFFICER_PASSWORD};
use canvass_tests::TestApp;
use serde_json::{json, Value};

/// Operations with no error a client can cause, and why.
const NO_ERROR_CASE: &[(&str, &str, &str)] = &[(
    "get",
    "/healthz",
    "it fails only when the database cannot be reached",
)];

struct Checker<'a> {
    app: &'a TestApp,
    doc: Value,
    problems: Vec<String>,
    /// (method, path template, whether the answer was a success)
    seen: BTreeSet<(String, String, bool)>,
}

impl<'a> Checker<'a> {
    fn new(app: &'a TestApp) -> Self {
        let (status, doc) = app.call("GET", "/api/openapi.json", None, None);
        assert_eq!(status, 200);
        Self {
            app,
            doc,
            problems: Vec::new(),
            seen: BTreeSet::new(),
        }
    }

    /// Calls `method concrete` (an instance of the document's `template`) and checks the answer
    /// against the document; returns its status and JSON.
    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        method: &str,
        template: &str,
        concrete: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> (u16, Value) {
        let verb = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let mut request = self.app.client.request(verb, self.app.url(concrete));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().expect("request");
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let text = response.text().expect("body");
        let value = if kind.starts_with("application/json") {
            match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => {
                    self.problems
                        .push(format!("{method} {template} {status}: not JSON: {e}"));
                    Value::Null
                }
            }
        } else {
            Value::Null
        };
        let success = (200..300).contains(&status);
        self.seen
            .insert((method.to_string(), template.to_string(), success));
        self.check(method, template, status, &kind, &value, &text);
        (status, value)
    }

    fn check(
        &mut self,
        method: &str,
        template: &str,
        status: u16,
        kind: &str,
        value: &Value,
        text: &str,
    ) {
        let at = format!("{method} {template} {status}");
        if status >= 500 {
            self.problems.push(format!("{at}: a server fault: {text}"));
            return;
        }
        let Some(operation) = self.doc["paths"][template].get(method).cloned() else {
            self.problems.push(format!("{at}: not in the document"));
            return;
        };
        let declared = operation["responses"].get(status.to_string()).cloned();
        let schema = match &declared {
            Some(response) => {
                let content = &response["content"];
                if content.is_null() {
                    if !text.is_empty() {
                        self.problems
                            .push(format!("{at}: the document declares no body, got {kind}"));
                    }
                    return;
                }
                match content.get("application/json") {
                    Some(json) => json["schema"].clone(),
                    None => {
                        let declared_kinds: Vec<&String> =
                            content.as_object().unwrap().keys().collect();
                        if !declared_kinds.iter().any(|k| kind.starts_with(k.as_str())) {
                            self.problems.push(format!(
                                "{at}: answered {kind}, the document says {declared_kinds:?}"
                            ));
                        }
                        return;
                    }
                }
            }
            None if status >= 400 => json!({"$ref": "#/components/schemas/ErrorBody"}),
            None => {
                self.problems
                    .push(format!("{at}: a success status the document does not list"));
                return;
            }
        };
        if !kind.starts_with("application/json") {
            self.problems
                .push(format!("{at}: answered {kind}, the document says JSON"));
            return;
        }
        let mut rooted = match schema {
            Value::Object(map) => map,
            other => {
                self.problems
                    .push(format!("{at}: a schema that is not an object: {other}"));
                return;
            }
        };
        rooted.insert("components".into(), self.doc["components"].clone());
        let rooted = Value::Object(rooted);
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&rooted)
        {
            Ok(v) => v,
            Err(e) => {
                self.problems
                    .push(format!("{at}: the document's schema does not compile: {e}"));
                return;
            }
        };
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(5)
            .collect();
        if !errors.is_empty() {
            self.problems
                .push(format!("{at}: {}\n    answer: {value}", errors.join("; ")));
        }
    }

    /// Every operation of the document answered at least one success and one error.
    fn untried(&self) -> Vec<String> {
        let mut missing = Vec::new();
        for (path, operations) in self.doc["paths"].as_object().unwrap() {
            for method in operations.as_object().unwrap().keys() {
                for success in [true, false] {
                    let exempt = !success
                        && NO_ERROR_CASE
                            .iter()
                            .any(|(m, p, _)| m == method && p == path);
                    if !exempt && !self.seen.contains(&(method.clone(), path.clone(), success)) {
                        let case = if success { "success" } else { "error" };
                        missing.push(format!("{method} {path}: no {case} tried"));
                    }
                }
            }
        }
        missing
    }
}

#[test]
#[allow(clippy::too_many_lines)]
fn every_route_answers_what_the_openapi_document_says_on_success_and_on_error() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let c = county(&app, &admin);
    let org = c.organiser.clone();
    let mut k = Checker::new(&app);
    let none: &[(&str, &str)] = &[];

    // health and sign-in
    k.call("get", "/healthz", "/healthz", None, none, None);
    let login = "/api/v1/auth/login";
    k.call(
        "post",
        login,
        login,
        None,
        none,
        Some(&json!({"username": "officer", "password": OFFICER_PASSWORD})),
    );
    k.call(
        "post",
        login,
        login,
        None,
        none,
        Some(&json!({"username": "officer", "password": "wrong-password"})),
    );
    let (_, device) = k.call(
        "post",
        login,
        login,
        None,
        none,
        Some(
            &json!({"username": "officer", "password": OFFICER_PASSWORD, "device_name": "laptop"}),
        ),
    );
    let device_token = device["token"].as_str().unwrap().to_string();
    let device_id = device["device_id"].as_str().unwrap().to_string();
    let officer_id = device["account"]["id"].as_i64().unwrap();
    let me = "/api/v1/auth/me";
    k.call("get", me, me, Some(&org), none, None);
    k.call("get", me, me, None, none, None);
    let spare = app.login("organiser", canvass_tests::fixtures::ORGANISER_PASSWORD);
    let logout = "/api/v1/auth/logout";
    k.call("post", logout, logout, Some(&spare), none, None);
    k.call("post", logout, logout, None, none, None);

    // units
    let units = "/api/v1/units";
    let (_, unit) = k.call(
        "post",
        units,
        units,
        Some(&org),
        none,
        Some(&json!({"name": "西山镇", "kind": "township", "parent_id": c.root})),
    );
    let west = unit["id"].as_i64().unwrap();
    k.call(
        "post",
        units,
        units,
        Some(&org),
        none,
        Some(&json!({"name": "", "kind": "township", "parent_id": c.root})),
    );
    k.call("get", units, units, Some(&org), none, None);
    k.call("get", units, "/api/v1/units?kind=village", None, none, None);
    // imports: a dry run answers its report (here: a file it cannot read), a refusal its code
    for import in ["/api/v1/units/import", "/api/v1/officials/import"] {
        let file = json!("not a spreadsheet");
        let dry = format!("{import}?dry_run=true");
        k.call("post", import, &dry, Some(&org), none, Some(&file));
        k.call("post", import, import, Some(&org), none, Some(&file));
        k.call("post", import, import, None, none, Some(&file));
    }
    let unit_path = "/api/v1/units/{id}";
    k.call(
        "get",
        unit_path,
        &format!("/api/v1/units/{west}"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        unit_path,
        "/api/v1/units/999999",
        Some(&org),
        none,
        None,
    );
    k.call(
        "patch",
        unit_path,
        &format!("/api/v1/units/{west}"),
        Some(&org),
        none,
        Some(&json!({"name": "西山乡"})),
    );
    k.call(
        "patch",
        unit_path,
        "/api/v1/units/999999",
        Some(&org),
        none,
        Some(&json!({"name": "西山乡"})),
    );
    k.call(
        "delete",
        unit_path,
        &format!("/api/v1/units/{}", c.township),
        Some(&org),
        none,
        None,
    );
    k.call(
        "delete",
        unit_path,
        &format!("/api/v1/units/{west}"),
        Some(&org),
        none,
        None,
    );

    // accounts
    let accounts = "/api/v1/accounts";
    let (_, account) = k.call("post", accounts, accounts, Some(&admin), none, Some(&json!({"username": "leader", "password": "leader-password", "role": "leader", "unit_id": c.root})));
    let leader = account["id"].as_i64().unwrap();
    k.call("post", accounts, accounts, Some(&admin), none, Some(&json!({"username": "leader", "password": "leader-password", "role": "leader", "unit_id": c.root})));
    k.call("get", accounts, accounts, Some(&admin), none, None);
    k.call("get", accounts, accounts, None, none, None);
    let account_path = "/api/v1/accounts/{id}";
    k.call(
        "get",
        account_path,
        &format!("/api/v1/accounts/{leader}"),
        Some(&admin),
        none,
        None,
    );
    k.call(
        "get",
        account_path,
        "/api/v1/accounts/999999",
        Some(&admin),
        none,
        None,
    );
    k.call(
        "patch",
        account_path,
        &format!("/api/v1/accounts/{leader}"),
        Some(&admin),
        none,
        Some(&json!({"display_name": "李伟"})),
    );
    k.call(
        "patch",
        account_path,
        "/api/v1/accounts/999999",
        Some(&admin),
        none,
        Some(&json!({"display_name": "李伟"})),
    );
    // a temporary password: made at creation without one, and by a reset
    let (_, temporary) = k.call(
        "post",
        accounts,
        accounts,
        Some(&admin),
        none,
        Some(&json!({"username": "clerk", "role": "officer", "unit_id": c.root})),
    );
    assert!(temporary["temporary_password"].is_string(), "{temporary}");
    let reset = "/api/v1/accounts/{id}/reset-password";
    k.call(
        "post",
        reset,
        &format!("/api/v1/accounts/{leader}/reset-password"),
        Some(&admin),
        none,
        None,
    );
    k.call(
        "post",
        reset,
        "/api/v1/accounts/999999/reset-password",
        Some(&admin),
        none,
        None,
    );
    let devices = "/api/v1/accounts/{id}/devices";
    k.call(
        "get",
        devices,
        &format!("/api/v1/accounts/{officer_id}/devices"),
        Some(&device_token),
        none,
        None,
    );
    k.call(
        "get",
        devices,
        "/api/v1/accounts/999999/devices",
        Some(&admin),
        none,
        None,
    );
    let password = "/api/v1/auth/password";
    k.call(
        "post",
        password,
        password,
        Some(&org),
        none,
        Some(&json!({"current_password": "wrong-password", "new_password": "a-new-password"})),
    );

    // surveys
    let definition: Value = serde_json::from_str(canvass_tests::fixtures::WINDOW_FORM).unwrap();
    let surveys = "/api/v1/surveys";
    let (_, survey) = k.call(
        "post",
        surveys,
        surveys,
        Some(&org),
        none,
        Some(
            &json!({"definition": definition, "targets": [c.departments[0]], "unit_id": c.root,
                     "series": "窗口服务 季度", "period": "2026年第四季度"}),
        ),
    );
    let survey_id = survey["id"].as_i64().unwrap();
    k.call(
        "post",
        surveys,
        surveys,
        Some(&org),
        none,
        Some(&json!({"definition": {"title": "x"}, "targets": [], "unit_id": c.root})),
    );
    k.call("get", surveys, surveys, Some(&org), none, None);
    k.call("get", surveys, surveys, None, none, None);
    let survey_path = "/api/v1/surveys/{id}";
    let this_survey = format!("/api/v1/surveys/{survey_id}");
    k.call("get", survey_path, &this_survey, Some(&org), none, None);
    k.call(
        "get",
        survey_path,
        "/api/v1/surveys/999999",
        Some(&org),
        none,
        None,
    );
    k.call(
        "patch",
        survey_path,
        &this_survey,
        Some(&org),
        none,
        Some(&json!({"min_group_size": 6})),
    );
    k.call(
        "patch",
        survey_path,
        "/api/v1/surveys/999999",
        Some(&org),
        none,
        Some(&json!({"min_group_size": 6})),
    );
    let publish = "/api/v1/surveys/{id}/publish";
    k.call(
        "post",
        publish,
        &format!("{this_survey}/publish"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "post",
        publish,
        &format!("{this_survey}/publish"),
        Some(&org),
        none,
        None,
    );
    let close = "/api/v1/surveys/{id}/close";
    k.call(
        "post",
        close,
        &format!("{this_survey}/close"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "post",
        close,
        "/api/v1/surveys/999999/close",
        Some(&org),
        none,
        None,
    );
    let open = "/api/v1/surveys/{id}/open";
    k.call(
        "post",
        open,
        &format!("{this_survey}/open"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "post",
        open,
        "/api/v1/surveys/999999/open",
        Some(&org),
        none,
        None,
    );
    let version = "/api/v1/surveys/{id}/versions/{version}";
    k.call(
        "get",
        version,
        &format!("{this_survey}/versions/1"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        version,
        &format!("{this_survey}/versions/99"),
        Some(&org),
        none,
        None,
    );
    let slug = link_slug(&survey["public_url"]);
    let public = "/api/v1/public/surveys/{slug}";
    k.call(
        "get",
        public,
        &format!("/api/v1/public/surveys/{slug}"),
        None,
        none,
        None,
    );
    k.call(
        "get",
        public,
        "/api/v1/public/surveys/no-such-survey",
        None,
        none,
        None,
    );
    let responses = "/api/v1/public/surveys/{slug}/responses";
    let answer = json!({"version": 1, "target_unit_id": c.departments[0], "answers": window_answers("satisfied")});
    k.call(
        "post",
        responses,
        &format!("/api/v1/public/surveys/{slug}/responses"),
        None,
        none,
        Some(&answer),
    );
    k.call("post", responses, &format!("/api/v1/public/surveys/{slug}/responses"), None, none, Some(&json!({"version": 1, "target_unit_id": c.departments[0], "answers": {"overall": "nonsense"}})));
    // a burst of identical answers, so the results carry an anomaly flag to check; a different
    // answer after it goes through the writer once the flag is stored
    for _ in 0..5 {
        let (status, _) = app.call(
            "POST",
            &format!("/api/v1/public/surveys/{slug}/responses"),
            None,
            Some(&answer),
        );
        assert_eq!(status, 201);
    }
    let (status, _) = app.call("POST", &format!("/api/v1/public/surveys/{slug}/responses"), None, Some(&json!({"version": 1, "target_unit_id": c.departments[0], "answers": window_answers("dissatisfied")})));
    assert_eq!(status, 201);
    let csv = "/api/v1/surveys/{id}/answers.csv";
    k.call(
        "get",
        csv,
        &format!("{this_survey}/answers.csv"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        csv,
        "/api/v1/surveys/999999/answers.csv",
        Some(&org),
        none,
        None,
    );
    let results = "/api/v1/surveys/{id}/results";
    let (_, with_flags) = k.call(
        "get",
        results,
        &format!("{this_survey}/results"),
        Some(&org),
        none,
        None,
    );
    assert_eq!(with_flags["flags"][0]["kind"], "burst", "{with_flags}");
    k.call(
        "get",
        results,
        "/api/v1/surveys/999999/results",
        Some(&org),
        none,
        None,
    );
    let coverage = "/api/v1/surveys/{id}/coverage";
    k.call(
        "get",
        coverage,
        &format!("{this_survey}/coverage"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        coverage,
        "/api/v1/surveys/999999/coverage",
        Some(&org),
        none,
        None,
    );
    // survey codes, of a draft that requires them
    let (_, with_codes) = k.call(
        "post",
        surveys,
        surveys,
        Some(&org),
        none,
        Some(&json!({"definition": definition, "targets": [c.departments[0]], "unit_id": c.root, "requires_codes": true})),
    );
    let code_survey = format!("/api/v1/surveys/{}", with_codes["id"].as_i64().unwrap());
    for route in ["/api/v1/surveys/{id}/codes", "/api/v1/surveys/{id}/slips"] {
        let at = format!("{code_survey}/{}", route.rsplit('/').next().unwrap());
        let good = json!({"target_unit_id": c.departments[0], "count": 2});
        k.call("post", route, &at, Some(&org), none, Some(&good));
        let bad = json!({"target_unit_id": c.departments[0], "count": 0});
        k.call("post", route, &at, Some(&org), none, Some(&bad));
    }
    let code_counts = "/api/v1/surveys/{id}/codes";
    k.call(
        "get",
        code_counts,
        &format!("{code_survey}/codes"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        code_counts,
        &format!("{code_survey}/codes"),
        None,
        none,
        None,
    );

    // officials and rounds
    let officials = "/api/v1/officials";
    let mut ids = Vec::new();
    for (name, position) in [("王建国", "党委书记"), ("李明", "镇长")] {
        let (_, official) = k.call(
            "post",
            officials,
            officials,
            Some(&org),
            none,
            Some(&json!({"unit_id": c.township, "name": name, "position": position})),
        );
        ids.push(official["id"].as_i64().unwrap());
    }
    k.call(
        "post",
        officials,
        officials,
        Some(&org),
        none,
        Some(&json!({"unit_id": c.township, "name": "", "position": "镇长"})),
    );
    k.call("get", officials, officials, Some(&org), none, None);
    k.call("get", officials, officials, None, none, None);
    let official_path = "/api/v1/officials/{id}";
    k.call(
        "patch",
        official_path,
        &format!("/api/v1/officials/{}", ids[1]),
        Some(&org),
        none,
        Some(&json!({"position": "镇长"})),
    );
    k.call(
        "patch",
        official_path,
        "/api/v1/officials/999999",
        Some(&org),
        none,
        Some(&json!({"position": "镇长"})),
    );
    let round_definition = json!({
        "period": "2026年度",
        "series": {"id": "dongshan-annual", "name": "东山镇领导班子年度民主测评"},
        "officials": [
            {"official_id": ids[0], "name": "王建国", "position": "党委书记"},
            {"official_id": ids[1], "name": "李明", "position": "镇长"}
        ],
        "team": {"name": "东山镇领导班子", "principal_leader": ids[0]},
        "elector_groups": [{"id": "cadres", "label": "干部", "weight": 1.0}]
    });
    let rounds = "/api/v1/rounds";
    let (_, round) = k.call(
        "post",
        rounds,
        rounds,
        Some(&org),
        none,
        Some(&json!({"definition": round_definition, "unit_id": c.township})),
    );
    let round_id = round["id"].as_i64().unwrap();
    let ballot_slug = link_slug(&round["ballot_url"]);
    k.call("post", rounds, rounds, Some(&org), none, Some(&json!({"definition": {"period": "", "series": {"id": "s", "name": "s"}, "officials": [], "elector_groups": []}, "unit_id": c.township})));
    k.call("get", rounds, rounds, Some(&org), none, None);
    k.call("get", rounds, rounds, None, none, None);
    let round_path = "/api/v1/rounds/{id}";
    let this_round = format!("/api/v1/rounds/{round_id}");
    k.call("get", round_path, &this_round, Some(&org), none, None);
    k.call(
        "get",
        round_path,
        "/api/v1/rounds/999999",
        Some(&org),
        none,
        None,
    );
    k.call(
        "patch",
        round_path,
        &this_round,
        Some(&org),
        none,
        Some(&json!({"definition": round_definition})),
    );
    k.call(
        "patch",
        round_path,
        "/api/v1/rounds/999999",
        Some(&org),
        none,
        Some(&json!({"definition": round_definition})),
    );
    let codes = "/api/v1/rounds/{id}/codes";
    let (_, generated) = k.call(
        "post",
        codes,
        &format!("{this_round}/codes"),
        Some(&org),
        none,
        Some(&json!({"elector_group": "cadres", "count": 3})),
    );
    let code = generated["codes"][0].as_str().unwrap().to_string();
    k.call(
        "post",
        codes,
        &format!("{this_round}/codes"),
        Some(&org),
        none,
        Some(&json!({"elector_group": "nobody", "count": 3})),
    );
    let slips = "/api/v1/rounds/{id}/slips";
    k.call(
        "post",
        slips,
        &format!("{this_round}/slips"),
        Some(&org),
        none,
        Some(&json!({"elector_group": "cadres", "count": 2})),
    );
    k.call(
        "post",
        slips,
        &format!("{this_round}/slips"),
        Some(&org),
        none,
        Some(&json!({"elector_group": "nobody", "count": 2})),
    );
    let round_open = "/api/v1/rounds/{id}/open";
    k.call(
        "post",
        round_open,
        &format!("{this_round}/open"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "post",
        round_open,
        &format!("{this_round}/open"),
        Some(&org),
        none,
        None,
    );
    let ballots = "/api/v1/public/rounds/{slug}/ballots";
    let marks = json!([
        {"subject": {"official": ids[0]}, "grade": "excellent"},
        {"subject": {"official": ids[1]}, "grade": "competent"},
        {"subject": "team", "grade": "good"}
    ]);
    let this_ballots = format!("/api/v1/public/rounds/{ballot_slug}/ballots");
    k.call(
        "post",
        ballots,
        &this_ballots,
        None,
        none,
        Some(&json!({"code": code, "ballot": {"elector_group": "", "marks": marks}})),
    );
    k.call(
        "post",
        ballots,
        &this_ballots,
        None,
        none,
        Some(&json!({"code": code, "ballot": {"elector_group": "", "marks": marks}})),
    );
    let sheet = json!({
        "station": "第一会场", "elector_group": "cadres",
        "issued": 10, "returned": 10, "valid": 10, "invalid": 0,
        "subjects": [
            {"subject": {"official": ids[0]}, "counts": {"excellent": 5, "competent": 5}, "abstentions": 0},
            {"subject": {"official": ids[1]}, "counts": {"excellent": 2, "competent": 8}, "abstentions": 0},
            {"subject": "team", "counts": {"good": 10}, "abstentions": 0}
        ]
    });
    let sheets = "/api/v1/rounds/{id}/tally-sheets";
    let this_sheets = format!("{this_round}/tally-sheets");
    k.call("post", sheets, &this_sheets, Some(&org), none, Some(&sheet));
    k.call("post", sheets, &this_sheets, Some(&org), none, Some(&sheet));
    k.call("put", sheets, &this_sheets, Some(&org), none, Some(&sheet));
    let mut bad = sheet.clone();
    bad["valid"] = json!(9);
    k.call("put", sheets, &this_sheets, Some(&org), none, Some(&bad));
    k.call("get", sheets, &this_sheets, Some(&org), none, None);
    k.call(
        "get",
        sheets,
        "/api/v1/rounds/999999/tally-sheets",
        Some(&org),
        none,
        None,
    );
    let round_results = "/api/v1/rounds/{id}/results";
    k.call(
        "get",
        round_results,
        &format!("{this_round}/results"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        round_results,
        "/api/v1/rounds/999999/results",
        Some(&org),
        none,
        None,
    );

    // the audit log
    let audit = "/api/v1/audit";
    k.call("get", audit, audit, Some(&org), none, None);
    k.call(
        "get",
        audit,
        "/api/v1/audit?from=2026-13-01",
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        audit,
        "/api/v1/audit?colour=red",
        Some(&org),
        none,
        None,
    );

    // field sync
    let protocol = [("Canvass-Protocol", "1")];
    let manifest = "/api/v1/sync/manifest";
    k.call(
        "get",
        manifest,
        manifest,
        Some(&device_token),
        &protocol,
        None,
    );
    k.call("get", manifest, manifest, Some(&device_token), none, None);
    let field_coverage = "/api/v1/sync/coverage";
    k.call(
        "get",
        field_coverage,
        field_coverage,
        Some(&device_token),
        &protocol,
        None,
    );
    k.call(
        "get",
        field_coverage,
        field_coverage,
        Some(&device_token),
        none,
        None,
    );
    let batches = "/api/v1/sync/batches";
    let item = json!({
        "kind": "survey_response", "survey_id": survey_id, "version": 1,
        "target_unit_id": c.departments[0], "respondent_unit_id": c.village,
        "channel": "field", "collected_on": "2026-11-20", "answers": window_answers("satisfied")
    });
    k.call(
        "post",
        batches,
        batches,
        Some(&device_token),
        &protocol,
        Some(&json!({"batch_id": format!("{:032x}", 1), "items": [item]})),
    );
    k.call(
        "post",
        batches,
        batches,
        Some(&device_token),
        &protocol,
        Some(&json!({"batch_id": format!("{:032x}", 2), "items": []})),
    );

    // the round's end, and what only works once
    let round_close = "/api/v1/rounds/{id}/close";
    k.call(
        "post",
        round_close,
        &format!("{this_round}/close"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "post",
        round_close,
        &format!("{this_round}/close"),
        Some(&org),
        none,
        None,
    );
    let round_publish = "/api/v1/rounds/{id}/publish";
    k.call(
        "post",
        round_publish,
        &format!("{this_round}/publish"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "post",
        round_publish,
        &format!("{this_round}/publish"),
        Some(&org),
        none,
        None,
    );
    // trends: the series, a survey series (its name percent-encoded) and a round series
    let trends = "/api/v1/trends";
    k.call("get", trends, trends, Some(&org), none, None);
    k.call("get", trends, trends, None, none, None);
    let survey_trend = "/api/v1/trends/surveys/{series}";
    k.call(
        "get",
        survey_trend,
        "/api/v1/trends/surveys/%E7%AA%97%E5%8F%A3%E6%9C%8D%E5%8A%A1%20%E5%AD%A3%E5%BA%A6",
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        survey_trend,
        "/api/v1/trends/surveys/no-such-series",
        Some(&org),
        none,
        None,
    );
    let round_trend = "/api/v1/trends/rounds/{series}";
    k.call(
        "get",
        round_trend,
        "/api/v1/trends/rounds/dongshan-annual",
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        round_trend,
        "/api/v1/trends/rounds/no-such-series",
        Some(&org),
        none,
        None,
    );
    let device_path = "/api/v1/accounts/{id}/devices/{device_id}";
    k.call(
        "delete",
        device_path,
        &format!("/api/v1/accounts/{officer_id}/devices/no-such-device"),
        Some(&admin),
        none,
        None,
    );
    k.call(
        "delete",
        device_path,
        &format!("/api/v1/accounts/{officer_id}/devices/{device_id}"),
        Some(&admin),
        none,
        None,
    );
    let officer_token = app.login("officer", OFFICER_PASSWORD);
    k.call(
        "post",
        password,
        password,
        Some(&officer_token),
        none,
        Some(&json!({"current_password": OFFICER_PASSWORD, "new_password": "a-new-password"})),
    );

    // rectification: the survey's results, an item by hand through its whole cycle
    let publish_results = "/api/v1/surveys/{id}/results/publish";
    k.call(
        "post",
        publish_results,
        &format!("{this_survey}/results/publish"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "post",
        close,
        &format!("{this_survey}/close"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "post",
        publish_results,
        &format!("{this_survey}/results/publish"),
        Some(&org),
        none,
        None,
    );
    let ledger = "/api/v1/rectification";
    // by hand, on a second survey closed with no answers (the first one's only target was
    // picked by the rule when its results were published)
    let (status, second) = app.call(
        "POST",
        "/api/v1/surveys",
        Some(&org),
        Some(&json!({"definition": definition, "targets": [c.departments[1]], "unit_id": c.root})),
    );
    assert_eq!(status, 201, "{second}");
    let second_id = second["id"].as_i64().unwrap();
    for step in ["publish", "close"] {
        let (status, body) = app.call(
            "POST",
            &format!("/api/v1/surveys/{second_id}/{step}"),
            Some(&org),
            None,
        );
        assert_eq!(status, 200, "{step}: {body}");
    }
    let by_hand = c.departments[1];
    k.call(
        "post",
        ledger,
        ledger,
        Some(&org),
        none,
        Some(&json!({"survey_id": second_id, "unit_id": by_hand})),
    );
    let (_, created) = k.call(
        "post",
        ledger,
        ledger,
        Some(&org),
        none,
        Some(&json!({"survey_id": second_id, "unit_id": by_hand, "note": "窗口等候时间长。"})),
    );
    let item_id = created["item"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{created}"));
    let this_item = format!("/api/v1/rectification/{item_id}");
    k.call("get", ledger, ledger, Some(&org), none, None);
    k.call(
        "get",
        ledger,
        "/api/v1/rectification?status=late",
        Some(&org),
        none,
        None,
    );
    let counts = "/api/v1/rectification/counts";
    k.call("get", counts, counts, Some(&org), none, None);
    k.call("get", counts, counts, None, none, None);
    let item_path = "/api/v1/rectification/{id}";
    k.call("get", item_path, &this_item, Some(&org), none, None);
    k.call(
        "get",
        item_path,
        "/api/v1/rectification/999999",
        Some(&org),
        none,
        None,
    );
    let due = "/api/v1/rectification/{id}/due";
    let due_at = format!("{this_item}/due");
    k.call(
        "put",
        due,
        &due_at,
        Some(&org),
        none,
        Some(&json!({"due_on": "2099-12-31"})),
    );
    k.call(
        "put",
        due,
        &due_at,
        Some(&org),
        none,
        Some(&json!({"due_on": "2000-01-01"})),
    );
    let accept = "/api/v1/rectification/{id}/accept";
    k.call(
        "post",
        accept,
        &format!("{this_item}/accept"),
        Some(&org),
        none,
        None,
    );
    app.create_account(
        &admin,
        "department",
        "department-password",
        "leader",
        by_hand,
    );
    let department = app.login("department", "department-password");
    let report = "/api/v1/rectification/{id}/report";
    let report_at = format!("{this_item}/report");
    let pdf = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4\n%%EOF\n");
    k.call("post", report, &report_at, Some(&department), none, Some(&json!({"text": "x", "attachments": [{"file_name": "a.exe", "content_base64": "TVqQAAMAAAAEAAAA"}]})));
    let (_, reported) = k.call("post", report, &report_at, Some(&department), none, Some(&json!({"text": "已整改。", "attachments": [{"file_name": "整改报告.pdf", "content_base64": pdf}]})));
    let attachment_id = reported["events"][2]["attachments"][0]["id"]
        .as_i64()
        .unwrap();
    let attachment = "/api/v1/rectification/{id}/attachments/{attachment_id}";
    k.call(
        "get",
        attachment,
        &format!("{this_item}/attachments/{attachment_id}"),
        Some(&org),
        none,
        None,
    );
    k.call(
        "get",
        attachment,
        &format!("{this_item}/attachments/999999"),
        Some(&org),
        none,
        None,
    );
    let send_back = "/api/v1/rectification/{id}/return";
    let send_back_at = format!("{this_item}/return");
    k.call(
        "post",
        send_back,
        &send_back_at,
        Some(&org),
        none,
        Some(&json!({})),
    );
    k.call(
        "post",
        send_back,
        &send_back_at,
        Some(&org),
        none,
        Some(&json!({"reason": "请补充回访记录。"})),
    );
    k.call(
        "post",
        report,
        &report_at,
        Some(&department),
        none,
        Some(&json!({"text": "已回访。"})),
    );
    k.call(
        "post",
        accept,
        &format!("{this_item}/accept"),
        Some(&org),
        none,
        None,
    );

    // and the check itself finds a body that does not fit
    let before = k.problems.len();
    k.check(
        "get",
        me,
        200,
        "application/json",
        &json!({"id": "one"}),
        "{}",
    );
    k.check(
        "get",
        me,
        401,
        "application/json",
        &json!({"error": 1}),
        "{}",
    );
    assert_eq!(k.problems.len(), before + 2, "{:?}", &k.problems[before..]);
    k.problems.truncate(before);

    let mut problems = k.problems.clone();
    problems.extend(k.untried());
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
