use std::sync::{Arc, Barrier};

use canvass_tests::{inspect, TestApp};
use serde_json::{json, Value};

struct Setup {
    organiser: String,
    township: i64,
    officials: Vec<i64>,
}

fn setup(app: &TestApp) -> Setup {
    let admin = app.admin_token();
    let county = app.create_unit(&admin, "清河县", "county", None);
    let township = app.create_unit(&admin, "青山镇", "township", Some(county));
    app.create_account(
        &admin,
        "organiser",
        "organiser-password",
        "organiser",
        county,
    );
    let organiser = app.login("organiser", "organiser-password");
    let officials = [("王建国", "党委书记"), ("李明", "镇长"), ("张丽", "副镇长")]
        .iter()
        .map(|(name, position)| {
            let (status, body) = app.call(
                "POST",
                "/api/v1/officials",
                Some(&organiser),
                Some(&json!({"unit_id": township, "name": name, "position": position})),
            );
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().unwrap()
        })
        .collect();
    Setup {
        organiser,
        township,
        officials,
    }
}

fn definition(s: &Setup, period: &str) -> Value {
    json!({
        "period": period,
        "series": {"id": "qingshan-annual", "name": "青山镇领导班子年度民主测评"},
        "officials": [
            {"official_id": s.officials[0], "name": "王建国", "position": "党委书记"},
            {"official_id": s.officials[1], "name": "李明", "position": "镇长"},
            {"official_id": s.officials[2], "name": "张丽", "position": "副镇长"}
        ],
        "team": {"name": "青山镇领导班子", "principal_leader": s.officials[0]},
        "elector_groups": [
            {"id": "cadres", "label": "干部", "weight": 0.6},
            {"id": "public", "label": "群众代表", "weight": 0.4}
        ],
        "validity_rules": [{"kind": "max_grade_count", "grade": "excellent", "max": 1}],
        "flag_rules": [
            {"id": "lower_third", "label": "基本称职和不称职票达到三分之一", "applies_to": "official",
             "condition": {"kind": "share", "grades": ["basically_competent", "incompetent"], "comparison": "at_least", "threshold": "1/3", "basis": "votes"},
             "consecutive_rounds": 1},
            {"id": "incompetent_two_rounds", "label": "连续两年不称职票达到20%", "applies_to": "official",
             "condition": {"kind": "share", "grades": ["incompetent"], "comparison": "at_least", "threshold": "20%", "basis": "votes"},
             "consecutive_rounds": 2}
        ],
        "disclosure": {"counts": 5, "comments": 10}
    })
}

fn create_round(app: &TestApp, s: &Setup, period: &str) -> Value {
    let (status, round) = app.call(
        "POST",
        "/api/v1/rounds",
        Some(&s.organiser),
        Some(&json!({"definition": definition(s, period), "unit_id": s.township})),
    );
    assert_eq!(status, 201, "{round}");
    round
}

fn act(app: &TestApp, s: &Setup, id: i64, action: &str) {
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rounds/{id}/{action}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(status, 200, "{action}: {body}");
}

fn codes(app: &TestApp, s: &Setup, id: i64, group: &str, count: u32) -> Vec<String> {
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rounds/{id}/codes"),
        Some(&s.organiser),
        Some(&json!({"elector_group": group, "count": count})),
    );
    assert_eq!(status, 201, "{body}");
    body["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

fn slug(round: &Value) -> String {
    round["ballot_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

/// Marks: official grades in order, then the team's.
fn marks(s: &Setup, grades: [&str; 3], team: &str) -> Value {
    let mut list: Vec<Value> = s
        .officials
        .iter()
        .zip(grades)
        .map(|(id, g)| {
            if g.is_empty() {
                json!({"subject": {"official": id}})
            } else {
                json!({"subject": {"official": id}, "grade": g})
            }
        })
        .collect();
    list.push(json!({"subject": "team", "grade": team}));
    json!(list)
}

fn cast(app: &TestApp, round_slug: &str, code: &str, marks: &Value) -> (u16, Value) {
    app.call(
        "POST",
        &format!("/api/v1/public/rounds/{round_slug}/ballots"),
        None,
        Some(&json!({"code": code, "ballot": {"elector_group": "", "marks": marks}})),
    )
}

fn mistype(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    chars[0] = if chars[0] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

#[test]
fn a_code_casts_exactly_one_ballot_and_each_bad_code_gets_its_own_answer() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    assert_eq!(round["status"], "draft");
    let issued = codes(&app, &s, id, "cadres", 3);
    assert!(
        issued
            .iter()
            .all(|c| c.len() == 14 && c.chars().nth(4) == Some('-')),
        "{issued:?}"
    );
    let ballot_slug = slug(&round);
    let good = marks(&s, ["excellent", "competent", ""], "good");

    let (status, body) = cast(&app, &ballot_slug, &issued[0], &good);
    assert_eq!(status, 409, "not open yet: {body}");
    assert_eq!(body["error"]["code"], "round_not_open");
    act(&app, &s, id, "open");

    let (status, body) = cast(&app, &ballot_slug, &issued[0], &good);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body, json!({"valid": true}), "no receipt");
    let (status, body) = cast(&app, &ballot_slug, &issued[0], &good);
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "ballot_code_used");
    let (status, body) = cast(&app, &ballot_slug, &mistype(&issued[1]), &good);
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "ballot_code_check_mismatch");
    let (status, body) = cast(&app, &ballot_slug, "2345-6789-ABC", &good);
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "ballot_code_wrong_length");
    // a well-formed code nobody issued: find one whose check symbol is right
    let other_round = create_round(&app, &s, "2026年度补充");
    let other_id = other_round["id"].as_i64().unwrap();
    let foreign = codes(&app, &s, other_id, "cadres", 1);
    let (status, body) = cast(&app, &ballot_slug, &foreign[0], &good);
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "ballot_code_other_round");
    // lower case and spaces are forgiven
    let (status, body) = cast(
        &app,
        &ballot_slug,
        &issued[1].to_lowercase().replace('-', " "),
        &good,
    );
    assert_eq!(status, 201, "{body}");

    act(&app, &s, id, "close");
    let (status, body) = cast(&app, &ballot_slug, &issued[2], &good);
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "round_not_open");
}

#[test]
fn bad_ballots_are_refused_and_a_quota_breach_is_stored_as_invalid() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    act(&app, &s, id, "open");
    let issued = codes(&app, &s, id, "public", 6);
    let ballot_slug = slug(&round);
    let mut wrong_scale = marks(&s, ["competent", "competent", "competent"], "good");
    wrong_scale[0]["grade"] = json!("good");
    let mut unknown_subject = marks(&s, ["competent", "competent", "competent"], "good");
    unknown_subject[1]["subject"] = json!({"official": 999_999});
    let mut twice = marks(&s, ["competent", "competent", "competent"], "good");
    twice[2]["subject"] = twice[1]["subject"].clone();
    for (marks, code) in [
        (wrong_scale, "grade_not_on_scale"),
        (unknown_subject, "unknown_subject"),
        (twice, "duplicate_subject"),
    ] {
        let (status, body) = cast(&app, &ballot_slug, &issued[0], &marks);
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(
            body["error"]["field"]
                .as_str()
                .unwrap()
                .starts_with("ballot."),
            "{body}"
        );
    }
    // the code was not spent by the refusals
    let too_many_excellent = marks(&s, ["excellent", "excellent", "competent"], "good");
    let (status, body) = cast(&app, &ballot_slug, &issued[0], &too_many_excellent);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["valid"], false, "废票: stored and counted as invalid");
    let (_, report) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&s.organiser),
        None,
    );
    let public = report["results"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["elector_group"] == "public")
        .unwrap()
        .clone();
    assert_eq!(
        (public["valid"].as_u64(), public["invalid"].as_u64()),
        (Some(0), Some(1)),
        "{public}"
    );
    assert_eq!(report["turnout"]["groups"][1]["codes_used"], 1);
    assert_eq!(report["turnout"]["groups"][1]["codes_issued"], 6);
}

#[test]
fn fifty_concurrent_redemptions_of_one_code_cast_one_ballot() {
    let app = TestApp::spawn_with(|c| {
        c.submissions_per_minute = 0;
        c.workers = 4;
        c.db_pool_size = 8;
    });
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    act(&app, &s, id, "open");
    let code = codes(&app, &s, id, "cadres", 1).remove(0);
    let url = app.url(&format!("/api/v1/public/rounds/{}/ballots", slug(&round)));
    let body = json!({"code": code, "ballot": {"elector_group": "", "marks": marks(&s, ["competent", "competent", "competent"], "good")}});
    let barrier = Arc::new(Barrier::new(50));
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let (barrier, url, body) = (barrier.clone(), url.clone(), body.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                barrier.wait();
                client
                    .post(url)
                    .json(&body)
                    .send()
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let stored = inspect::strings(
        app.db.url(),
        "SELECT CAST(COUNT(*) AS TEXT) AS v FROM ballots",
    );
    assert_eq!(stored, vec![Some("1".to_string())]);
    let (_, report) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(report["results"]["groups"][0]["valid"], 1);
}

#[test]
fn nothing_links_a_code_to_its_ballot_or_records_when_it_was_used() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    act(&app, &s, id, "open");
    let issued = codes(&app, &s, id, "cadres", 4);
    for code in &issued[..3] {
        assert_eq!(
            cast(
                &app,
                &slug(&round),
                code,
                &marks(&s, ["competent", "excellent", ""], "good")
            )
            .0,
            201
        );
    }
    let url = app.db.url();
    let mut code_columns = inspect::columns(url, "ballot_codes");
    code_columns.sort();
    assert_eq!(
        code_columns,
        [
            "code_hash",
            "elector_group",
            "instrument",
            "round_id",
            "used"
        ],
        "no time, no ballot reference"
    );
    let mut ballot_columns = inspect::columns(url, "ballots");
    ballot_columns.sort();
    assert_eq!(
        ballot_columns,
        ["elector_group", "id", "marks", "round_id", "valid"],
        "no time, account, code or sequence"
    );
    for id in inspect::strings(url, "SELECT id AS v FROM ballots")
        .into_iter()
        .flatten()
    {
        assert!(
            id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
    }
    // the codes themselves are stored nowhere, in any form a reader could use
    for (table, column, value) in inspect::every_value(url) {
        for code in &issued {
            assert!(
                !value.contains(code.as_str()) && !value.contains(&code.replace('-', "")),
                "{table}.{column} holds a code"
            );
        }
    }
    if url.starts_with("sqlite://") {
        for table in ["ballot_codes", "ballots"] {
            let sql = inspect::strings(
                url,
                &format!("SELECT sql AS v FROM sqlite_master WHERE name = '{table}'"),
            );
            assert!(
                sql[0].as_deref().unwrap().contains("WITHOUT ROWID"),
                "{table} keeps no hidden row order"
            );
        }
    }
}

fn sheet(
    s: &Setup,
    station: &str,
    issued: u64,
    returned: u64,
    valid: u64,
    invalid: u64,
    official_counts: [u64; 4],
) -> Value {
    let [excellent, competent, basic, incompetent] = official_counts;
    let abstain = valid.saturating_sub(excellent + competent + basic + incompetent);
    let mut subjects: Vec<Value> = s
        .officials
        .iter()
        .map(|id| json!({"subject": {"official": id}, "counts": {"excellent": excellent, "competent": competent, "basically_competent": basic, "incompetent": incompetent}, "abstentions": abstain}))
        .collect();
    subjects.push(json!({"subject": "team", "counts": {"good": valid}, "abstentions": 0}));
    json!({"station": station, "elector_group": "public", "issued": issued, "returned": returned, "valid": valid, "invalid": invalid, "subjects": subjects})
}

#[test]
fn tally_sheets_are_checked_entered_once_and_corrected_visibly() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    let path = format!("/api/v1/rounds/{id}/tally-sheets");
    let (status, body) = app.call(
        "POST",
        &path,
        Some(&s.organiser),
        Some(&sheet(&s, "第一会场", 20, 19, 18, 1, [3, 10, 4, 1])),
    );
    assert_eq!(status, 409, "not during a draft: {body}");
    act(&app, &s, id, "open");

    let (status, body) = app.call(
        "POST",
        &path,
        Some(&s.organiser),
        Some(&sheet(&s, "第一会场", 20, 19, 18, 1, [3, 10, 4, 1])),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["outcome"], "counted");
    let (status, body) = app.call(
        "POST",
        &path,
        Some(&s.organiser),
        Some(&sheet(&s, "第一会场", 20, 19, 18, 1, [3, 10, 4, 1])),
    );
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "tally_sheet_exists");

    // valid + invalid ≠ returned, and grades + abstentions ≠ valid
    let mut wrong = sheet(&s, "第二会场", 20, 19, 17, 1, [3, 10, 4, 1]);
    wrong["subjects"][0]["abstentions"] = json!(5);
    let (status, body) = app.call("POST", &path, Some(&s.organiser), Some(&wrong));
    assert_eq!(status, 422, "{body}");
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"tally_valid_invalid_mismatch")
            && codes.contains(&"tally_subject_sum_mismatch"),
        "{body}"
    );

    // more returned than issued: the station's vote is void, recorded as such
    let (status, body) = app.call(
        "POST",
        &path,
        Some(&s.organiser),
        Some(&sheet(&s, "第三会场", 10, 12, 12, 0, [0, 12, 0, 0])),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["outcome"], "void");

    // a correction replaces the sheet and keeps the old one with who and when
    let (status, body) = app.call(
        "PUT",
        &path,
        Some(&s.organiser),
        Some(&sheet(&s, "第一会场", 20, 19, 18, 1, [2, 11, 4, 1])),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["replaced"].as_array().unwrap().len(), 1);
    assert_eq!(body["replaced"][0]["entered_by"], "organiser");
    assert_eq!(
        body["replaced"][0]["sheet"]["subjects"][0]["counts"]["excellent"],
        3
    );
    let (status, _) = app.call(
        "PUT",
        &path,
        Some(&s.organiser),
        Some(&sheet(&s, "第九会场", 20, 19, 18, 1, [2, 11, 4, 1])),
    );
    assert_eq!(status, 404, "nothing to correct");

    let (_, report) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&s.organiser),
        None,
    );
    let first = &report["results"]["subjects"][0]["overall"]["pooled"]["counts"];
    assert_eq!(
        first["excellent"], 2,
        "the corrected sheet counts, the void one does not: {first}"
    );
    assert_eq!(first["competent"], 11);
    let stations = report["turnout"]["stations"].as_array().unwrap();
    assert_eq!(stations.len(), 2);
    assert!(stations
        .iter()
        .any(|st| st["station"] == "第三会场" && st["outcome"] == "void"));
    assert!(stations
        .iter()
        .any(|st| st["station"] == "第一会场" && st["corrected"] == true));
}

#[test]
fn flags_comparison_and_leaders_view_follow_the_series() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    // last year: 李明 gets 2 of 9 incompetent (22%)
    let last = create_round(&app, &s, "2025年度");
    let last_id = last["id"].as_i64().unwrap();
    act(&app, &s, last_id, "open");
    let last_codes = codes(&app, &s, last_id, "cadres", 9);
    for (i, code) in last_codes.iter().enumerate() {
        let li = if i < 2 { "incompetent" } else { "competent" };
        assert_eq!(
            cast(
                &app,
                &slug(&last),
                code,
                &marks(&s, ["competent", li, "competent"], "good")
            )
            .0,
            201
        );
    }
    act(&app, &s, last_id, "close");
    act(&app, &s, last_id, "publish");

    // this year: 李明 2 of 9 incompetent again (both rounds ≥ 20%: flagged); 张丽 3 of 9
    // basically competent (exactly 1/3: flagged); 王建国 2 of 9 (not flagged)
    let this = create_round(&app, &s, "2026年度");
    let this_id = this["id"].as_i64().unwrap();
    act(&app, &s, this_id, "open");
    let this_codes = codes(&app, &s, this_id, "cadres", 9);
    for (i, code) in this_codes.iter().enumerate() {
        let wang = if i < 2 {
            "basically_competent"
        } else {
            "competent"
        };
        let li = if i < 2 { "incompetent" } else { "competent" };
        let zhang = if i < 3 {
            "basically_competent"
        } else {
            "competent"
        };
        assert_eq!(
            cast(
                &app,
                &slug(&this),
                code,
                &marks(&s, [wang, li, zhang], "fairly_good")
            )
            .0,
            201
        );
    }
    let (status, report) = app.call(
        "GET",
        &format!("/api/v1/rounds/{this_id}/results"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(status, 200, "{report}");
    let flagged = |rule: &str| -> Vec<i64> {
        report["flags"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"]["id"] == rule)
            .map(|f| f["subject"]["official"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        flagged("lower_third"),
        vec![s.officials[2]],
        "{}",
        report["flags"]
    );
    assert_eq!(
        flagged("incompetent_two_rounds"),
        vec![s.officials[1]],
        "{}",
        report["flags"]
    );
    let evidence = report["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"]["id"] == "incompetent_two_rounds")
        .unwrap()["evidence"]
        .clone();
    assert_eq!(
        evidence.as_array().unwrap().len(),
        2,
        "the numbers of both rounds: {evidence}"
    );
    assert_eq!(report["previous"]["round_id"], last_id);
    assert_eq!(report["previous"]["period"], "2025年度");
    assert_eq!(
        report["results"]["subjects"][3]["overall"]["result_grade"],
        "fairly_good"
    );

    // leaders: nothing before publication, then small groups hidden
    let admin = app.admin_token();
    app.create_account(&admin, "leader", "leader-password", "leader", s.township);
    let leader = app.login("leader", "leader-password");
    let (status, body) = app.call(
        "GET",
        &format!("/api/v1/rounds/{this_id}/results"),
        Some(&leader),
        None,
    );
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "results_not_published");
    let public_codes = codes(&app, &s, this_id, "public", 3);
    for code in &public_codes {
        assert_eq!(
            cast(
                &app,
                &slug(&this),
                code,
                &marks(&s, ["competent", "competent", "competent"], "good")
            )
            .0,
            201
        );
    }
    act(&app, &s, this_id, "close");
    act(&app, &s, this_id, "publish");
    let (status, seen) = app.call(
        "GET",
        &format!("/api/v1/rounds/{this_id}/results"),
        Some(&leader),
        None,
    );
    assert_eq!(status, 200, "{seen}");
    assert!(!seen["exact"].as_bool().unwrap());
    let hidden: Vec<&str> = seen["hidden_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["elector_group"].as_str().unwrap())
        .collect();
    assert!(
        hidden.contains(&"public"),
        "3 public ballots are below 5: {hidden:?}"
    );
    assert!(hidden.len() >= 2, "a complement is hidden too, or the pooled counts would give the small group away: {hidden:?}");
    for subject in seen["results"]["subjects"].as_array().unwrap() {
        for g in subject["overall"]["by_group"].as_array().unwrap() {
            assert!(!hidden.contains(&g["elector_group"].as_str().unwrap()));
        }
    }
    for g in seen["turnout"]["groups"].as_array().unwrap() {
        assert!(
            !hidden.contains(&g["elector_group"].as_str().unwrap()),
            "turnout would count a hidden group: {g}"
        );
    }
    for h in seen["hidden_groups"].as_array().unwrap() {
        assert_eq!(
            h["reason"],
            json!({"kind": "withheld"}),
            "no size, and no telling the small group from its complement"
        );
    }
}

#[test]
fn a_room_behind_one_address_votes_freely_but_guessing_codes_is_slowed_down() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 3);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    act(&app, &s, id, "open");
    let issued = codes(&app, &s, id, "cadres", 8);
    for code in &issued[..5] {
        let (status, body) = cast(
            &app,
            &slug(&round),
            code,
            &marks(&s, ["competent", "competent", "competent"], "good"),
        );
        assert_eq!(status, 201, "valid codes are not limited: {body}");
    }
    for code in &issued[5..8] {
        let mut typo: Vec<char> = code.chars().collect();
        typo[2] = if typo[2] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        let (status, body) = cast(
            &app,
            &slug(&round),
            &typo,
            &marks(&s, ["competent", "competent", "competent"], "good"),
        );
        assert_eq!(status, 422, "{body}");
    }
    let (status, body) = cast(
        &app,
        &slug(&round),
        &issued[5],
        &marks(&s, ["competent", "competent", "competent"], "good"),
    );
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (429, Some("rate_limited")),
        "three refused codes spend the minute's allowance"
    );
}

#[test]
fn leaders_learn_nothing_of_an_earlier_round_whose_results_are_not_published() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let last = create_round(&app, &s, "2025年度");
    let last_id = last["id"].as_i64().unwrap();
    act(&app, &s, last_id, "open");
    for code in codes(&app, &s, last_id, "cadres", 6) {
        assert_eq!(
            cast(
                &app,
                &slug(&last),
                &code,
                &marks(&s, ["competent", "incompetent", "competent"], "good")
            )
            .0,
            201
        );
    }
    act(&app, &s, last_id, "close"); // closed, never published
    let this = create_round(&app, &s, "2026年度");
    let this_id = this["id"].as_i64().unwrap();
    act(&app, &s, this_id, "open");
    for code in codes(&app, &s, this_id, "cadres", 6) {
        assert_eq!(
            cast(
                &app,
                &slug(&this),
                &code,
                &marks(&s, ["competent", "incompetent", "competent"], "good")
            )
            .0,
            201
        );
    }
    act(&app, &s, this_id, "close");
    act(&app, &s, this_id, "publish");
    let (_, organiser_view) = app.call(
        "GET",
        &format!("/api/v1/rounds/{this_id}/results"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(
        organiser_view["previous"]["round_id"], last_id,
        "the organiser compares with every earlier round"
    );
    let two_rounds = |report: &Value| {
        report["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"]["id"] == "incompetent_two_rounds")
    };
    assert!(two_rounds(&organiser_view), "{}", organiser_view["flags"]);

    let admin = app.admin_token();
    app.create_account(&admin, "leader", "leader-password", "leader", s.township);
    let leader = app.login("leader", "leader-password");
    let (status, seen) = app.call(
        "GET",
        &format!("/api/v1/rounds/{this_id}/results"),
        Some(&leader),
        None,
    );
    assert_eq!(status, 200, "{seen}");
    assert_eq!(
        seen["previous"],
        Value::Null,
        "the unpublished round is not compared with: {seen}"
    );
    assert!(
        !two_rounds(&seen),
        "no flag rests on unpublished figures: {}",
        seen["flags"]
    );
}

#[test]
fn a_station_where_every_ballot_is_identical_is_flagged_for_review() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    act(&app, &s, id, "open");
    for code in codes(&app, &s, id, "cadres", 6) {
        assert_eq!(
            cast(
                &app,
                &slug(&round),
                &code,
                &marks(&s, ["excellent", "competent", "competent"], "good")
            )
            .0,
            201
        );
    }
    let (_, report) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&s.organiser),
        None,
    );
    let anomalies = report["anomalies"].as_array().unwrap();
    assert_eq!(anomalies.len(), 1, "{anomalies:?}");
    assert_eq!(anomalies[0]["station"], "electronic: cadres");
    assert_eq!(anomalies[0]["detail"]["ballots"], 6);
}

#[test]
fn rounds_are_out_of_reach_outside_the_scope() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    let admin = app.admin_token();
    let (_, me) = app.call("GET", "/api/v1/auth/me", Some(&s.organiser), None);
    let county = me["unit_id"].as_i64().unwrap();
    let other = app.create_unit(&admin, "西河乡", "township", Some(county));
    app.create_account(&admin, "org.west", "org-west-password", "organiser", other);
    let west = app.login("org.west", "org-west-password");
    for (method, path) in [
        ("GET", format!("/api/v1/rounds/{id}")),
        ("GET", format!("/api/v1/rounds/{id}/results")),
        ("POST", format!("/api/v1/rounds/{id}/open")),
    ] {
        let (status, body) = app.call(method, &path, Some(&west), None);
        assert_eq!(status, 403, "{method} {path}: {body}");
        assert_eq!(body["error"]["code"], "out_of_scope");
    }
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rounds/{id}/codes"),
        Some(&west),
        Some(&json!({"elector_group": "cadres", "count": 5})),
    );
    assert_eq!(status, 403, "{body}");
    // a round naming an official of another township is refused
    let mut foreign = definition(&s, "2027年度");
    foreign["officials"][0]["official_id"] = json!(s.officials[0]);
    let (status, body) = app.call(
        "POST",
        "/api/v1/rounds",
        Some(&west),
        Some(&json!({"definition": foreign, "unit_id": other})),
    );
    assert_eq!(status, 403, "{body}");
}

#[test]
fn printable_slips_carry_working_codes_and_a_qr_code_of_the_ballot_page() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    let response = app
        .client
        .post(app.url(&format!("/api/v1/rounds/{id}/slips")))
        .bearer_auth(&s.organiser)
        .json(&json!({"elector_group": "public", "count": 12}))
        .send()
        .unwrap();
    assert_eq!(response.status(), 201);
    let html = response.text().unwrap();
    assert!(html.contains("size:A4"));
    assert!(html.contains("<symbol id=\"qr\""));
    assert_eq!(html.matches("class=\"slip\"").count(), 12);
    assert!(html.contains(round["ballot_url"].as_str().unwrap()));
    assert!(html.contains("任何人(包括系统管理员)都无法知道"));
    let code = html
        .split("<div class=\"code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    act(&app, &s, id, "open");
    assert_eq!(
        cast(
            &app,
            &slug(&round),
            &code,
            &marks(&s, ["competent", "competent", "competent"], "good")
        )
        .0,
        201
    );
}

/// Posts the ballot page's form; returns the status and the page.
fn post_ballot_page(app: &TestApp, round_slug: &str, fields: &[(String, String)]) -> (u16, String) {
    let response = app
        .client
        .post(app.url(&format!("/b/{round_slug}/cast")))
        .form(fields)
        .send()
        .unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

#[test]
fn the_ballot_page_keeps_the_marks_and_the_code_when_a_mark_cannot_be_read() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    act(&app, &s, id, "open");
    let code = codes(&app, &s, id, "cadres", 1).remove(0);
    let [wang, li, zhang] = [s.officials[0], s.officials[1], s.officials[2]];
    let mut fields: Vec<(String, String)> = [
        ("code".to_string(), code.clone()),
        ("group_label".to_string(), "干部".to_string()),
        ("g_team".to_string(), "good".to_string()),
        (format!("g_{wang}"), "excellent".to_string()),
        (format!("g_{li}"), "splendid".to_string()),
        (format!("g_{zhang}"), "competent".to_string()),
    ]
    .into();
    let (status, page) = post_ballot_page(&app, &slug(&round), &fields);
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("无法识别") && page.contains("测评码尚未使用"),
        "{page}"
    );
    assert!(
        page.contains(&format!("name=\"g_{wang}\" value=\"excellent\" checked")),
        "the readable marks are kept: {page}"
    );
    assert!(
        page.contains("name=\"g_team\" value=\"good\" checked"),
        "{page}"
    );
    assert!(
        page.contains(&format!("value=\"{code}\"")),
        "the code is kept for the next try"
    );

    // a grade from the team's scale for an official: the marks do not fit the round
    fields[4].1 = "good".to_string();
    let (status, page) = post_ballot_page(&app, &slug(&round), &fields);
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("测评码尚未使用"), "{page}");

    fields[4].1 = "competent".to_string();
    let (status, page) = post_ballot_page(&app, &slug(&round), &fields);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("投票成功"), "{page}");
    let (status, page) = post_ballot_page(&app, &slug(&round), &fields);
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("已经投过"), "{page}");
}

/// The ballot page refuses exactly what the JSON API refuses, in the page's language, and
/// leaves the code unspent: a mark for an official not in the round, for a dimension the round
/// does not grade, the same official twice, a grade that is no grade. A quota breach is stored
/// as an invalid ballot, as the API stores it.
#[test]
fn the_ballot_page_refuses_what_the_api_refuses_and_leaves_the_code_unspent() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    act(&app, &s, id, "open");
    let issued = codes(&app, &s, id, "cadres", 2);
    let code = issued[0].clone();
    let [wang, li, zhang] = [s.officials[0], s.officials[1], s.officials[2]];
    let good: Vec<(String, String)> = [
        ("code".to_string(), code.clone()),
        ("group_label".to_string(), "干部".to_string()),
        (format!("g_{wang}"), "competent".to_string()),
        (format!("g_{li}"), "competent".to_string()),
        (format!("g_{zhang}"), "competent".to_string()),
        ("g_team".to_string(), "good".to_string()),
    ]
    .into();
    let with = |extra: (String, String)| {
        let mut fields = good.clone();
        fields.push(extra);
        fields
    };
    let stranger = with(("g_999999".to_string(), "competent".to_string()));
    let dimension = with((format!("d_{wang}_ability"), "competent".to_string()));
    let twice = with((format!("g_{li}"), "excellent".to_string()));
    let no_grade = with(("g_team".to_string(), "splendid".to_string()));
    for (fields, says, lang) in [
        (&stranger, "999999", "zh-CN"),
        (&dimension, "does not grade", "en"),
        (&twice, "李明", "zh-CN"),
        (&twice, "graded twice", "en"),
        (&no_grade, "无法识别", "zh-CN"),
    ] {
        let response = app
            .client
            .post(app.url(&format!("/b/{}/cast?lang={lang}", slug(&round))))
            .form(fields)
            .send()
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().unwrap();
        assert!(page.contains(says), "{says}: {page}");
        let unspent = if lang == "en" {
            "code has not been used"
        } else {
            "测评码尚未使用"
        };
        assert!(page.contains(unspent), "{page}");
        assert!(
            page.contains(&format!("value=\"{code}\"")),
            "the code is kept for the next try"
        );
    }
    // the same official twice is marked beside the official too
    let (_, page) = post_ballot_page(&app, &slug(&round), &twice);
    assert!(page.contains(&format!("id=\"e-{li}\"")), "{page}");

    // the code still works, through the API
    let (status, body) = cast(
        &app,
        &slug(&round),
        &code,
        &marks(&s, ["competent", "competent", "competent"], "good"),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["valid"], true);

    // a quota breach on the page is stored as an invalid ballot, as the API stores it
    let mut breach = good.clone();
    breach[0].1 = issued[1].clone();
    breach[2].1 = "excellent".to_string();
    breach[3].1 = "excellent".to_string();
    let (status, page) = post_ballot_page(&app, &slug(&round), &breach);
    assert_eq!(status, 200, "{page}");
    let (_, report) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&s.organiser),
        None,
    );
    let cadres = report["results"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["elector_group"] == "cadres")
        .unwrap()
        .clone();
    assert_eq!(
        (cadres["valid"].as_u64(), cadres["invalid"].as_u64()),
        (Some(1), Some(1)),
        "{cadres}"
    );
}

#[test]
fn a_draft_cannot_drop_an_elector_group_whose_codes_are_printed() {
    let app = TestApp::spawn();
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    let mut definition = definition(&s, "2026年度");
    definition["elector_groups"] = json!([{"id": "cadres", "label": "干部", "weight": 1.0}]);
    // before any code: the group may go
    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/rounds/{id}"),
        Some(&s.organiser),
        Some(&json!({"definition": definition})),
    );
    assert_eq!(status, 200, "{body}");
    let mut both = definition.clone();
    both["elector_groups"] = json!([{"id": "cadres", "label": "干部", "weight": 0.5}, {"id": "public", "label": "群众代表", "weight": 0.5}]);
    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/rounds/{id}"),
        Some(&s.organiser),
        Some(&json!({"definition": both})),
    );
    assert_eq!(status, 200, "{body}");
    codes(&app, &s, id, "public", 2);
    let (status, body) = app.call(
        "PATCH",
        &format!("/api/v1/rounds/{id}"),
        Some(&s.organiser),
        Some(&json!({"definition": definition})),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "round_state_conflict");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("public"));
    let (_, stored) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(
        stored["definition"]["elector_groups"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "nothing changed"
    );
}

#[test]
fn closing_a_round_rewrites_its_codes_and_ballots_so_storage_links_neither() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    act(&app, &s, id, "open");
    let grades = [
        "excellent",
        "competent",
        "basically_competent",
        "incompetent",
        "competent",
        "competent",
    ];
    for (code, grade) in codes(&app, &s, id, "cadres", 6).iter().zip(grades) {
        assert_eq!(
            cast(
                &app,
                &slug(&round),
                code,
                &marks(&s, [grade, "competent", "competent"], "good")
            )
            .0,
            201
        );
    }
    let (_, before) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&s.organiser),
        None,
    );
    act(&app, &s, id, "close");
    let (_, after) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(
        before["results"], after["results"],
        "the rewrite changes no figure"
    );
    let count = |sql: &str| inspect::strings(app.db.url(), sql)[0].clone().unwrap();
    assert_eq!(
        count(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM ballots WHERE round_id = {id}"
        )),
        "6"
    );
    assert_eq!(
        count(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS v FROM ballot_codes WHERE round_id = {id} AND used"
        )),
        "6"
    );
    if app.db.is_postgres() {
        // every row of the round now carries the transaction id of the close
        let distinct = count(&format!(
            "SELECT CAST(COUNT(DISTINCT x) AS TEXT) AS v FROM (
                SELECT xmin::text AS x FROM ballots WHERE round_id = {id}
                UNION ALL SELECT xmin::text FROM ballot_codes WHERE round_id = {id}
                UNION ALL SELECT xmin::text FROM round_tallies WHERE round_id = {id}
                UNION ALL SELECT xmin::text FROM round_ballot_counts WHERE round_id = {id}) AS t"
        ));
        assert_eq!(distinct, "1");
    }
}

#[test]
fn a_period_holding_nul_and_a_station_of_four_billion_ballots_are_refused_and_nothing_stored() {
    let app = TestApp::spawn_with(|c| c.submissions_per_minute = 0);
    let s = setup(&app);
    let (status, body) = app.call(
        "POST",
        "/api/v1/rounds",
        Some(&s.organiser),
        Some(&json!({"definition": definition(&s, "2026\u{0}年度"), "unit_id": s.township})),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "unstorable_text", "{body}");
    assert_eq!(body["error"]["field"], "definition.period", "{body}");

    let round = create_round(&app, &s, "2026年度");
    let id = round["id"].as_i64().unwrap();
    act(&app, &s, id, "open");
    let huge = u64::from(u32::MAX);
    let (status, body) = app.call(
        "POST",
        &format!("/api/v1/rounds/{id}/tally-sheets"),
        Some(&s.organiser),
        Some(&sheet(&s, "第一会场", huge, huge, huge, 0, [0, 0, 0, 0])),
    );
    assert_eq!(status, 422, "{body}");
    let refused: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["code"].as_str().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    for field in ["issued", "returned", "valid", "subjects[0].abstentions"] {
        assert!(
            refused.contains(&("invalid_value", field)),
            "{field}: {refused:?}"
        );
    }
    let (_, report) = app.call(
        "GET",
        &format!("/api/v1/rounds/{id}/results"),
        Some(&s.organiser),
        None,
    );
    assert_eq!(report["turnout"]["stations"], json!([]), "{report}");
}
