use canvass_tests::binaries::{run_server_to_exit, ServerProcess};
use canvass_tests::TestDb;
use serde_json::{json, Value};

fn get(url: &str) -> (u16, Value) {
    let response = reqwest::blocking::get(url).unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

fn login(url: &str, username: &str, password: &str) -> u16 {
    reqwest::blocking::Client::new()
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn an_unknown_database_scheme_is_a_one_line_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = run_server_to_exit(
        &[],
        &[("CANVASS_DATABASE_URL", "mysql://root@localhost/canvass")],
        dir.path(),
    );
    assert!(!ok);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("unknown database URL scheme \"mysql\""),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unreachable_postgres_is_a_one_line_error_saying_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = run_server_to_exit(
        &[],
        &[(
            "CANVASS_DATABASE_URL",
            "postgres://canvass:secret-pw@127.0.0.1:1/canvass",
        )],
        dir.path(),
    );
    assert!(!ok);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("connection refused"), "{stderr}");
    assert!(
        !stderr.contains("secret-pw"),
        "the password must not be printed: {stderr}"
    );
}

#[test]
fn a_bad_setting_is_a_one_line_error_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = run_server_to_exit(&[], &[("CANVASS_PORT", "eighty")], dir.path());
    assert!(!ok);
    assert!(stderr.contains("CANVASS_PORT"), "{stderr}");
}

#[test]
fn a_mistyped_variable_is_warned_about_on_stderr_with_the_closest_setting() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = run_server_to_exit(
        &["migrate"],
        &[("CANVASS_PROT", "9000"), ("CANVASS_TEST_DATABASE_URL", "x")],
        dir.path(),
    );
    assert!(ok, "an unknown variable does not stop the server: {stderr}");
    assert!(stderr.contains("did you mean CANVASS_PORT?"), "{stderr}");
    assert_eq!(
        stderr.matches("is not a canvass setting").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn the_first_start_creates_admin_with_a_generated_password_shown_once() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let envs = [("CANVASS_DATABASE_URL", db.url())];
    let server = ServerProcess::start(&[], &envs, dir.path());
    let line = server
        .banner
        .iter()
        .find(|l| l.contains("admin / "))
        .unwrap_or_else(|| panic!("no generated password in {:?}", server.banner));
    let password = line.split("admin / ").nth(1).unwrap().trim().to_string();
    assert!(password.len() >= 16);
    assert_eq!(login(&server.url, "admin", &password), 200);
    let (status, health) = get(&format!("{}/healthz", server.url));
    assert_eq!(status, 200);
    assert_eq!(health["database"], "ok");
    drop(server);

    let again = ServerProcess::start(&[], &envs, dir.path());
    assert!(
        !again.banner.iter().any(|l| l.contains(&password)),
        "shown only once"
    );
    assert_eq!(
        login(&again.url, "admin", &password),
        200,
        "the password survives restarts"
    );
}

#[test]
fn the_admin_password_can_be_set_by_the_environment() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        &[],
        &[
            ("CANVASS_DATABASE_URL", db.url()),
            ("CANVASS_ADMIN_PASSWORD", "from-the-environment"),
        ],
        dir.path(),
    );
    assert_eq!(login(&server.url, "admin", "from-the-environment"), 200);
}

#[test]
fn the_default_database_is_a_sqlite_file_in_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        &[],
        &[("CANVASS_ADMIN_PASSWORD", "default-db-password")],
        dir.path(),
    );
    assert!(dir.path().join("canvass.db").exists());
    let (_, health) = get(&format!("{}/healthz", server.url));
    assert_eq!(health["backend"], "sqlite");
}

#[test]
fn the_demo_seeds_a_county_and_prints_working_logins() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        &["--demo"],
        &[
            ("CANVASS_DATABASE_URL", db.url()),
            ("CANVASS_ADMIN_PASSWORD", "demo-admin-password"),
        ],
        dir.path(),
    );
    let banner = server.banner.join("\n");
    assert!(banner.contains("organiser / organiser-demo"), "{banner}");
    assert!(banner.contains("officer / officer-demo"), "{banner}");
    assert_eq!(
        login(&server.url, "admin", "demo-admin-password"),
        200,
        "the demo honours CANVASS_ADMIN_PASSWORD"
    );
    let client = reqwest::blocking::Client::new();
    let token: Value = client
        .post(format!("{}/api/v1/auth/login", server.url))
        .json(&json!({"username": "organiser", "password": "organiser-demo"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let units: Value = client
        .get(format!("{}/api/v1/units", server.url))
        .bearer_auth(token["token"].as_str().unwrap())
        .send()
        .unwrap()
        .json()
        .unwrap();
    let units = units.as_array().unwrap();
    let count = |kind: &str| units.iter().filter(|u| u["kind"] == kind).count();
    assert_eq!(count("county"), 1);
    assert_eq!(count("township"), 3);
    assert_eq!(count("department"), 4);
    assert_eq!(count("village") + count("community"), 6);

    // an open survey of the four departments with a few hundred answers
    let token = token["token"].as_str().unwrap();
    let surveys: Value = client
        .get(format!("{}/api/v1/surveys", server.url))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(surveys.as_array().unwrap().len(), 1, "{surveys}");
    assert_eq!(surveys[0]["status"], "open");
    assert_eq!(surveys[0]["targets"].as_array().unwrap().len(), 4);
    let public_url = surveys[0]["public_url"].as_str().unwrap();
    assert!(
        banner.contains(public_url),
        "the banner shows the survey link: {banner}"
    );
    let results: Value = client
        .get(format!(
            "{}/api/v1/surveys/{}/results",
            server.url, surveys[0]["id"]
        ))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        results["total_responses"]["value"].as_f64().unwrap() >= 200.0,
        "{}",
        results["total_responses"]
    );
    assert_eq!(results["ranking"].as_array().unwrap().len(), 4);
    assert!(!results["villages"].as_array().unwrap().is_empty());
    // a leader sees the hiding rule at work: an option few respondents chose is hidden
    let leader: Value = client
        .post(format!("{}/api/v1/auth/login", server.url))
        .json(&json!({"username": "leader", "password": "leader-demo-1"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let seen: Value = client
        .get(format!(
            "{}/api/v1/surveys/{}/results",
            server.url, surveys[0]["id"]
        ))
        .bearer_auth(leader["token"].as_str().unwrap())
        .send()
        .unwrap()
        .json()
        .unwrap();
    let hidden_options = seen["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["questions"].as_array().unwrap())
        .flat_map(|q| q["options"].as_array().unwrap())
        .filter(|o| o["count"]["hidden"]["kind"] == "withheld")
        .count();
    assert!(hidden_options >= 1, "the demo shows a hidden cell");
    let form = reqwest::blocking::get(public_url).unwrap();
    assert_eq!(form.status(), 200);

    // last year's published round and this year's open one, with flags and a comparison
    let rounds: Value = client
        .get(format!("{}/api/v1/rounds", server.url))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let rounds = rounds.as_array().unwrap();
    assert_eq!(rounds.len(), 2, "{rounds:?}");
    let open = rounds
        .iter()
        .find(|r| r["status"] == "open")
        .expect("an open round");
    assert!(rounds.iter().any(|r| r["status"] == "published"));
    assert_eq!(open["definition"]["officials"].as_array().unwrap().len(), 7);
    let report: Value = client
        .get(format!(
            "{}/api/v1/rounds/{}/results",
            server.url, open["id"]
        ))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        !report["flags"].as_array().unwrap().is_empty(),
        "{}",
        report["flags"]
    );
    assert!(report["previous"]["round_id"].is_i64());
    assert_eq!(report["turnout"]["stations"].as_array().unwrap().len(), 1);
    // the banner offers unused codes, and one of them votes
    let codes_line = banner
        .lines()
        .find(|l| l.contains("unused ballot codes"))
        .expect("codes in the banner");
    let code = codes_line.rsplit(' ').next().unwrap();
    let ballot_slug = open["ballot_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let marks: Vec<Value> = open["definition"]["officials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| json!({"subject": {"official": o["official_id"]}, "grade": "competent"}))
        .chain(std::iter::once(json!({"subject": "team", "grade": "good"})))
        .collect();
    let cast = client
        .post(format!(
            "{}/api/v1/public/rounds/{ballot_slug}/ballots",
            server.url
        ))
        .json(&json!({"code": code, "ballot": {"elector_group": "", "marks": marks}}))
        .send()
        .unwrap();
    assert_eq!(cast.status(), 201);
    drop(server);

    // starting the demo again keeps the data and does not duplicate it
    let again = ServerProcess::start(&["demo"], &[("CANVASS_DATABASE_URL", db.url())], dir.path());
    assert!(again.banner.join("\n").contains("already present"));
    let token: Value = client
        .post(format!("{}/api/v1/auth/login", again.url))
        .json(&json!({"username": "organiser", "password": "organiser-demo"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let surveys: Value = client
        .get(format!("{}/api/v1/surveys", again.url))
        .bearer_auth(token["token"].as_str().unwrap())
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(surveys.as_array().unwrap().len(), 1, "not seeded twice");
}
