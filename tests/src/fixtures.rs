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
