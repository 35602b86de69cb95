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
