//! The audit log: organisers' and administrators' actions are recorded with who, what and the
//! object, in a hash chain that `canvass-server audit verify` checks, naming the first entry
//! someone changed; never a ballot code or anything about a respondent.

use canvass_tests::binaries::run_server_to_exit;
use canvass_tests::fixtures::{
    ballot_codes, county, open_round, open_window_survey, survey_slug, window_answers,
};
use canvass_tests::{inspect, TestApp};
use diesel::{Connection, RunQueryDsl};
use serde_json::json;

/// Runs one statement on the test database, as someone with access to it could.
fn tamper(url: &str, sql: &str) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut conn = diesel::SqliteConnection::establish(path).unwrap();
        diesel::sql_query(sql).execute(&mut conn).unwrap();
    } else {
        let mut conn = diesel::PgConnection::establish(url).unwrap();
        diesel::sql_query(sql).execute(&mut conn).unwrap();
    }
}

fn verify(url: &str) -> canvass_server::db::audit::Verification {
    let (pool, _) = canvass_server::db::open(url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    canvass_server::db::audit::verify(&mut conn).unwrap()
}

#[test]
fn organisers_actions_are_chained_and_a_changed_entry_is_named() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let c = county(&app, &admin);
    let survey = open_window_survey(&app, &c);
    let slug = survey_slug(&app, &c.organiser, survey);
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/public/surveys/{slug}/responses"),
        None,
        Some(&json!({"version": 1, "target_unit_id": c.departments[0], "answers": window_answers("satisfied")})),
    );
    assert_eq!(status, 201);
    let round = open_round(&app, &c);
    let codes = ballot_codes(&app, &c, round.id, "cadres", 3);
    let (status, _) = app.call(
        "GET",
        &format!("/api/v1/surveys/{survey}/answers.csv"),
        Some(&c.organiser),
        None,
    );
    assert_eq!(status, 200);
    for step in ["close", "publish"] {
        let (status, body) = app.call(
            "POST",
            &format!("/api/v1/rounds/{}/{step}", round.id),
            Some(&c.organiser),
            None,
        );
        assert_eq!(status, 200, "{body}");
    }

    let url = app.db.url();
    let actions: Vec<String> = inspect::strings(
        url,
        "SELECT actor || ' ' || action || ' ' || object AS v FROM audit_log ORDER BY id",
    )
    .into_iter()
    .flatten()
    .collect();
    for expected in [
        "admin sign_in account:1",
        "admin unit.create unit:",
        "admin account.create account:",
        "organiser survey.create survey:",
        "organiser survey.publish survey:",
        "organiser official.create official:",
        "organiser round.create round:",
        "organiser round.open round:",
        "organiser ballot_codes.generate round:",
        "organiser survey.export_answers survey:",
        "organiser round.closed round:",
        "organiser round.published round:",
    ] {
        assert!(
            actions.iter().any(|a| a.starts_with(expected)),
            "{expected} not in {actions:#?}"
        );
    }
    let everything = actions.join("\n");
    for code in &codes {
        assert!(!everything.contains(code.as_str()), "a code was logged");
    }
    assert!(
        !actions.iter().any(|a| a.contains("response")),
        "no answer is logged: {actions:#?}"
    );

    let holds = verify(url);
    assert_eq!(holds.first_broken, None);
    assert_eq!(holds.entries, actions.len() as u64);
    let database = [("CANVASS_DATABASE_URL", url)];
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) =
        run_server_to_exit(&["audit", "verify", "--lang", "en"], &database, dir.path());
    assert!(ok, "{out}{err}");
    assert!(out.contains(&format!("{} entries", actions.len())), "{out}");

    tamper(url, "UPDATE audit_log SET actor = 'someone' WHERE id = 3");
    let broken = verify(url);
    assert_eq!(broken.first_broken.map(|b| b.0), Some(3));
    let (ok, out, err) =
        run_server_to_exit(&["audit", "verify", "--lang", "en"], &database, dir.path());
    assert!(!ok, "{out}{err}");
    assert!(err.contains("entry 3 does not hold"), "{err}");
    assert!(err.contains("changed after it was written"), "{err}");

    tamper(url, "UPDATE audit_log SET actor = 'admin' WHERE id = 3");
    tamper(url, "DELETE FROM audit_log WHERE id = 5");
    assert_eq!(verify(url).first_broken.map(|b| b.0), Some(6));
}

/// The audit log as JSON for `token`, with `query`.
fn audit_json(app: &TestApp, token: &str, query: &str) -> (u16, serde_json::Value) {
    app.call("GET", &format!("/api/v1/audit{query}"), Some(token), None)
}

/// One column of the entries of an audit page (`actor`, `action`, ...).
fn column(log: &serde_json::Value, name: &str) -> Vec<String> {
    log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[name].as_str().unwrap().to_string())
        .collect()
}

fn actors(log: &serde_json::Value) -> Vec<String> {
    column(log, "actor")
}

#[test]
fn the_audit_page_shows_its_subtree_newest_first_filtered_and_exports_defused_cells() {
    use crate::console::{county, Clerk, PASSWORD};
    let c = county();
    let org_county = c.app.login("org.county", PASSWORD);
    let org_east = c.app.login("org.east", PASSWORD);
    let formula = "=HYPERLINK(\"http://x\")";
    c.app
        .create_unit(&org_county, formula, "department", Some(c.county));
    c.app
        .create_unit(&org_east, "东山村", "village", Some(c.east));

    // the township's organiser sees the township's accounts only; the county's sees both
    let (status, east_log) = audit_json(&c.app, &org_east, "");
    assert_eq!(status, 200, "{east_log}");
    let seen = actors(&east_log);
    assert!(
        !seen.is_empty() && seen.iter().all(|a| a == "org.east"),
        "{seen:?}"
    );
    let (_, county_log) = audit_json(&c.app, &org_county, "");
    let seen = actors(&county_log);
    assert!(seen.contains(&"org.east".to_string()) && seen.contains(&"org.county".to_string()));
    assert!(
        !seen.contains(&"admin".to_string()),
        "the admin has no unit: {seen:?}"
    );
    let (_, admin_log) = audit_json(&c.app, &c.admin, "");
    assert!(actors(&admin_log).contains(&"admin".to_string()));
    let ids: Vec<i64> = county_log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    assert_eq!(county_log["chain"]["holds"], true);

    // filters: action, account, days
    let (_, created) = audit_json(&c.app, &org_county, "?action=unit.create&actor=org.east");
    let entries = created["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{created}");
    assert_eq!(entries[0]["object_name"], "东山村");
    assert_eq!(entries[0]["action"], "unit.create");
    let (_, future) = audit_json(&c.app, &org_county, "?from=2099-01-01");
    assert_eq!(future["total"], 0);
    let (status, refused) =
        audit_json(&c.app, &org_county, "?action=round.explode&from=2026-02-30");
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["code"], "invalid_value");

    // the page, in the reader's language, with the chain's state on top
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let page = clerk.get("/dashboard/audit?lang=en&action=unit.create");
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("The log holds"), "{}", page.text);
    assert!(page.text.contains("Created a unit"));
    assert!(page.text.contains("东山村"));
    assert!(page.text.contains("HYPERLINK"));
    let (east_clerk, _) = Clerk::sign_in(&c.app, "org.east", PASSWORD);
    let east_page = east_clerk.get("/dashboard/audit?lang=en");
    assert!(east_page.text.contains("东山村"));
    assert!(
        !east_page.text.contains("HYPERLINK"),
        "another township's entry"
    );
    let bad = clerk.get("/dashboard/audit?lang=en&from=2026-1-5");
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains("YYYY-MM-DD, for example"), "{}", bad.text);

    // the export: the one CSV writer, every cell defused, and itself recorded
    let csv = clerk.get("/dashboard/audit/export.csv?lang=en&action=unit.create");
    assert_eq!(csv.status, 200);
    assert!(csv.text.starts_with('\u{feff}'));
    assert!(csv.text.contains("Entry hash"), "{}", csv.text);
    assert!(
        csv.text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{}",
        csv.text
    );
    let (_, exported) = audit_json(&c.app, &org_county, "?action=audit.export");
    assert_eq!(actors(&exported), ["org.county"]);

    // leaders and officers are refused
    let leader = c.app.login("leader.county", PASSWORD);
    let (status, body) = audit_json(&c.app, &leader, "");
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "forbidden");
    let (leader_clerk, _) = Clerk::sign_in(&c.app, "leader.county", PASSWORD);
    assert_eq!(leader_clerk.get("/dashboard/audit").status, 403);
    assert_eq!(leader_clerk.get("/dashboard/audit/export.csv").status, 403);
}

#[test]
fn an_entry_changed_in_the_database_shows_on_the_audit_page_where_the_chain_breaks() {
    use crate::console::{county, Clerk, PASSWORD};
    let c = county();
    let org = c.app.login("org.county", PASSWORD);
    c.app.create_unit(&org, "南湖村", "village", Some(c.west));
    let (_, before) = audit_json(&c.app, &org, "");
    let entries = before["chain"]["entries"].as_i64().unwrap();
    assert_eq!(before["chain"]["verified_up_to"], entries);

    tamper(
        c.app.db.url(),
        "UPDATE audit_log SET actor = 'nobody' WHERE id = 2",
    );
    let (status, after) = audit_json(&c.app, &org, "");
    assert_eq!(status, 200);
    assert_eq!(after["chain"]["holds"], false);
    assert_eq!(after["chain"]["broken_at"], 2);
    assert_eq!(after["chain"]["verified_up_to"], 1);
    let (clerk, _) = Clerk::sign_in(&c.app, "org.county", PASSWORD);
    let page = clerk.get("/dashboard/audit?lang=en");
    assert!(page.text.contains("entry 2 does not hold"), "{}", page.text);
    assert!(page.text.contains("Entries 1 to 1 hold"));
}

#[test]
fn printing_the_paper_kit_and_setting_stations_are_recorded_and_results_carry_the_head() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let c = county(&app, &admin);
    let round = open_round(&app, &c);
    let survey = open_window_survey(&app, &c);
    let (clerk, _) = crate::console::Clerk::sign_in(
        &app,
        "organiser",
        canvass_tests::fixtures::ORGANISER_PASSWORD,
    );
    for path in [
        format!("/dashboard/rounds/{}/print/ballot?group=cadres", round.id),
        format!("/dashboard/rounds/{}/print/tally", round.id),
        format!("/dashboard/surveys/{survey}/print"),
    ] {
        assert_eq!(clerk.get(&path).status, 200, "{path}");
    }
    let stations = clerk.post(
        &format!("/dashboard/rounds/{}/stations", round.id),
        &[("expected", "4")],
    );
    assert_eq!(stations.status, 303, "{}", stations.text);
    let (_, log) = audit_json(&app, &c.organiser, "");
    let actions = column(&log, "action");
    for expected in [
        "round.print_ballot",
        "round.print_tally_sheet",
        "survey.print_questionnaire",
        "round.set_stations",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} not in {actions:?}"
        );
    }
    let head = log["chain"]["head_short"].as_str().unwrap().to_string();
    let entries = log["chain"]["entries"].as_u64().unwrap();
    let page = clerk
        .get(&format!("/dashboard/rounds/{}?lang=en", round.id))
        .text;
    assert!(
        page.contains(&format!("Audit log: entry {entries}, head {head}")),
        "{page}"
    );

    // the blank tally sheet carries the head as it was once its printing was recorded; the
    // ballot paper and the questionnaire carry nothing that differs between two printings
    let tally = clerk
        .get(&format!(
            "/dashboard/rounds/{}/print/tally?lang=en",
            round.id
        ))
        .text;
    let (_, log) = audit_json(&app, &c.organiser, "");
    let head = log["chain"]["head_short"].as_str().unwrap();
    let entries = log["chain"]["entries"].as_u64().unwrap();
    assert!(
        tally.contains(&format!("Audit log: entry {entries}, head {head}")),
        "{tally}"
    );
    let ballot = clerk
        .get(&format!(
            "/dashboard/rounds/{}/print/ballot?group=cadres&lang=en",
            round.id
        ))
        .text;
    assert!(!ballot.contains("Audit log"), "{ballot}");

    // results exports are recorded once answered; a table that does not exist is not
    for (path, status) in [
        (
            format!("/dashboard/surveys/{survey}/export.csv?table=0"),
            200,
        ),
        (
            format!("/dashboard/surveys/{survey}/export.csv?table=9"),
            404,
        ),
        (format!("/dashboard/rounds/{}/export.xlsx", round.id), 200),
    ] {
        assert_eq!(clerk.get(&path).status, status, "{path}");
    }
    let (_, log) = audit_json(&app, &c.organiser, "");
    let actions = column(&log, "action");
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(count("survey.export_results"), 1, "{actions:?}");
    assert_eq!(count("round.export_results"), 1, "{actions:?}");
}

#[test]
fn metrics_are_served_to_the_machine_itself_in_the_text_format_and_to_others_with_the_token() {
    let app = TestApp::spawn_with(|s| {
        s.submissions_per_minute = 0;
        s.metrics_token = Some("a-long-metrics-token".into());
    });
    let admin = app.admin_token();
    let c = county(&app, &admin);
    let survey = open_window_survey(&app, &c);
    let slug = survey_slug(&app, &c.organiser, survey);
    let (status, _) = app.call(
        "POST",
        &format!("/api/v1/public/surveys/{slug}/responses"),
        None,
        Some(&json!({"version": 1, "target_unit_id": c.departments[0], "answers": window_answers("satisfied")})),
    );
    assert_eq!(status, 201);
    let get = |headers: &[(&str, &str)]| {
        let mut request = app.client.get(app.url("/metrics"));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, kind, response.text().unwrap())
    };
    let (status, kind, text) = get(&[]);
    assert_eq!(status, 200, "{text}");
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    assert!(text.contains(
        "canvass_http_requests_total{method=\"POST\",route=\"/api/v1/public/surveys/{slug}/responses\",status=\"2xx\"} 1"
    ), "{text}");
    assert!(text.contains("canvass_answers_stored_total 1\n"), "{text}");
    assert!(!text.contains(&slug), "a path is never a label");
    let audit_line = text
        .lines()
        .find(|l| l.starts_with("canvass_audit_entries "))
        .unwrap();
    assert!(
        audit_line
            .split(' ')
            .nth(1)
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 3
    );
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (name, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
        assert!(name.starts_with("canvass_"), "{line}");
    }

    // through a proxy, only with the token
    let (status, _, body) = get(&[("X-Forwarded-For", "203.0.113.9")]);
    assert_eq!(status, 403);
    assert!(body.contains("\"forbidden\""), "{body}");
    let (status, _, _) = get(&[
        ("X-Forwarded-For", "203.0.113.9"),
        ("Authorization", "Bearer a-long-metrics-token"),
    ]);
    assert_eq!(status, 200);
    let (status, _, _) = get(&[("Authorization", "Bearer wrong-token-of-length")]);
    assert_eq!(
        status, 403,
        "a wrong token is refused even from the machine itself"
    );
}
