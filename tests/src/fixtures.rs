//! The small county most tests start from, built through the API of any server (in-process
//! or a child process).

use serde_json::{json, Value};

use crate::server::Api;

/// The window-service survey of docs/examples, the form most tests answer.
pub const WINDOW_FORM: &str = include_str!("../../docs/examples/survey-window-service.json");

pub const ORGANISER_PASSWORD: &str = "organiser-password";
pub const OFFICER_PASSWORD: &str = "officer-password";

/// 清河县 with two county departments, the township 东山镇 with the village 东山村, an
/// organiser at the county (`organiser`) and a field officer of the township (`officer`).
pub struct County {
    pub root: i64,
    pub departments: Vec<i64>,
    pub township: i64,
    pub village: i64,
    /// The organiser's token.
    pub organiser: String,
}

/// Builds the county as `admin_token`.
#[must_use]
pub fn county(api: &Api, admin_token: &str) -> County {
    let root = api.create_unit(admin_token, "清河县", "county", None);
    let departments = ["县市场监督管理局", "县人社局"]
        .iter()
        .map(|name| api.create_unit(admin_token, name, "department", Some(root)))
        .collect();
    let township = api.create_unit(admin_token, "东山镇", "township", Some(root));
    let village = api.create_unit(admin_token, "东山村", "village", Some(township));
    api.create_account(
        admin_token,
        "organiser",
        ORGANISER_PASSWORD,
        "organiser",
        root,
    );
    api.create_account(
        admin_token,
        "officer",
        OFFICER_PASSWORD,
        "officer",
        township,
    );
    County {
        root,
        departments,
        township,
        village,
        organiser: api.login("organiser", ORGANISER_PASSWORD),
    }
}

/// Creates the window-service survey of the county's departments and publishes it; its id.
#[must_use]
pub fn open_window_survey(api: &Api, county: &County) -> i64 {
    let definition: Value = serde_json::from_str(WINDOW_FORM).expect("the example form is JSON");
    let (status, survey) = api.call(
        "POST",
        "/api/v1/surveys",
        Some(&county.organiser),
        Some(&json!({"definition": definition, "targets": county.departments, "unit_id": county.root})),
    );
    assert_eq!(status, 201, "{survey}");
    let id = survey["id"].as_i64().expect("a survey id");
    let (status, body) = api.call(
        "POST",
        &format!("/api/v1/surveys/{id}/publish"),
        Some(&county.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    id
}

/// A complete, valid answer set of the window-service survey with the given overall rating
/// (and a reason when it is `dissatisfied`, which the form then requires).
#[must_use]
pub fn window_answers(overall: &str) -> Value {
    let mut answers = json!({
        "visit_purpose": "enquiry",
        "overall": overall,
        "attitude": "satisfied",
        "efficiency": "basically_satisfied",
        "score": 8
    });
    if overall == "dissatisfied" {
        answers["dissatisfied_reasons"] = json!(["long_wait"]);
    }
    answers
}

/// The slug at the end of a public link (`…/s/{slug}`, `…/b/{slug}`).
#[must_use]
pub fn link_slug(url: &Value) -> String {
    url.as_str()
        .expect("a link")
        .rsplit('/')
        .next()
        .expect("a slug")
        .to_string()
}

/// The slug of survey `id`'s public page, read as `token`.
#[must_use]
pub fn survey_slug(api: &Api, token: &str, id: i64) -> String {
    let (status, survey) = api.call("GET", &format!("/api/v1/surveys/{id}"), Some(token), None);
    assert_eq!(status, 200, "{survey}");
    link_slug(&survey["public_url"])
}

/// An open appraisal round of the county's township: its id, its ballot page's slug and its
/// officials' ids.
pub struct Round {
    pub id: i64,
    pub slug: String,
    pub officials: Vec<i64>,
}

/// Creates 东山镇's officials 王建国 (党委书记, the team's principal leader) and 李明 (镇长), a
/// round grading them and their team with one elector group, `cadres`, and opens it.
#[must_use]
pub fn open_round(api: &Api, county: &County) -> Round {
    let names = [("王建国", "党委书记"), ("李明", "镇长")];
    let officials: Vec<i64> = names
        .iter()
        .map(|(name, position)| {
            let (status, body) = api.call(
                "POST",
                "/api/v1/officials",
                Some(&county.organiser),
                Some(&json!({"unit_id": county.township, "name": name, "position": position})),
            );
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().expect("an official id")
        })
        .collect();
    let subjects: Vec<Value> = names
        .iter()
        .zip(&officials)
        .map(
            |((name, position), id)| json!({"official_id": id, "name": name, "position": position}),
        )
        .collect();
    let definition = json!({
        "period": "2026年度",
        "series": {"id": "dongshan-annual", "name": "东山镇领导班子年度民主测评"},
        "officials": subjects,
        "team": {"name": "东山镇领导班子", "principal_leader": officials[0]},
        "elector_groups": [{"id": "cadres", "label": "干部", "weight": 1.0}]
    });
    let (status, round) = api.call(
        "POST",
        "/api/v1/rounds",
        Some(&county.organiser),
        Some(&json!({"definition": definition, "unit_id": county.township})),
    );
    assert_eq!(status, 201, "{round}");
    let id = round["id"].as_i64().expect("a round id");
    let (status, body) = api.call(
        "POST",
        &format!("/api/v1/rounds/{id}/open"),
        Some(&county.organiser),
        None,
    );
    assert_eq!(status, 200, "{body}");
    Round {
        id,
        slug: link_slug(&round["ballot_url"]),
        officials,
    }
}

/// Generates `count` ballot codes of `group` for the round, as the county's organiser.
#[must_use]
pub fn ballot_codes(
    api: &Api,
    county: &County,
    round: i64,
    group: &str,
    count: u32,
) -> Vec<String> {
    let (status, body) = api.call(
        "POST",
        &format!("/api/v1/rounds/{round}/codes"),
        Some(&county.organiser),
        Some(&json!({"elector_group": group, "count": count})),
    );
    assert_eq!(status, 201, "{body}");
    body["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|code| code.as_str().expect("a code").to_string())
        .collect()
}
