//! Demo data: a small, realistic county so a newcomer sees something at once.

use canvass_protocol::accounts::Role;
use canvass_protocol::units::UnitKind;
use diesel::prelude::*;

use crate::db::accounts::{self, NewAccount};
use crate::db::{self, secrets, units, DbConnection, StoreError};
use crate::domain::auth;

/// Marker kept in the database once the demo has been seeded.
const DEMO_MARKER: &str = "demo_seeded";

/// A demo account and the password to print for it.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub unit: &'static str,
}

/// The fixed demo accounts besides `admin` (whose password follows the normal first-start rule).
pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        username: "organiser",
        password: "organiser-demo",
        role: Role::Organiser,
        unit: "清河县",
    },
    DemoLogin {
        username: "leader",
        password: "leader-demo-1",
        role: Role::Leader,
        unit: "清河县",
    },
    DemoLogin {
        username: "leader.dongshan",
        password: "leader-demo-2",
        role: Role::Leader,
        unit: "东山镇",
    },
    DemoLogin {
        username: "officer",
        password: "officer-demo",
        role: Role::Officer,
        unit: "东山镇",
    },
];

/// Why the demo could not be seeded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already holds units that are not the demo's; demo data goes only into an empty database (point CANVASS_DATABASE_URL at a new file)")]
    NotEmpty,
    #[error("cannot seed the demo: {0}")]
    Store(#[from] StoreError),
    #[error("cannot seed the demo: {0}")]
    Other(String),
}

/// What [`seed`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seeded {
    /// Seeded now; a few unused ballot codes of the open round, to try the ballot page (only
    /// hashes are stored, so they can be shown this once).
    Now { ballot_codes: Vec<String> },
    /// The demo was already there.
    Already,
}

/// Seeds the demo county unless it is already there.
pub fn seed(conn: &mut DbConnection) -> Result<Seeded, DemoError> {
    if secrets::get_or_create(conn, DEMO_MARKER, String::new)? == "yes" {
        return Ok(Seeded::Already);
    }
    if units::any(conn)? {
        return Err(DemoError::NotEmpty);
    }
    let now = db::now();
    conn.transaction::<Vec<String>, DemoError, _>(|conn| {
        let county = units::insert(conn, None, UnitKind::County, "清河县", false, now)?;
        let mut by_name = vec![("清河县", county.clone())];
        let mut villages = Vec::new();
        let townships = [
            (
                "东山镇",
                [("东山村", UnitKind::Village), ("桃园村", UnitKind::Village)],
            ),
            (
                "西河乡",
                [("西河村", UnitKind::Village), ("柳湾村", UnitKind::Village)],
            ),
            (
                "南岭镇",
                [
                    ("南岭村", UnitKind::Village),
                    ("石桥社区", UnitKind::Community),
                ],
            ),
        ];
        for (township, children) in townships {
            let t = units::insert(
                conn,
                Some(&county),
                UnitKind::Township,
                township,
                false,
                now,
            )?;
            for (name, kind) in children {
                villages.push(units::insert(conn, Some(&t), kind, name, false, now)?.id);
            }
            by_name.push((township, t));
        }
        let mut departments = Vec::new();
        for department in [
            "县政务服务中心",
            "县人力资源和社会保障局",
            "县市场监督管理局",
            "县不动产登记中心",
        ] {
            let unit = units::insert(
                conn,
                Some(&county),
                UnitKind::Department,
                department,
                true,
                now,
            )?;
            departments.push(unit.id);
        }
        let mut organiser = None;
        for login in DEMO_LOGINS {
            let unit = by_name
                .iter()
                .find(|(name, _)| *name == login.unit)
                .map(|(_, u)| u.id)
                .ok_or_else(|| DemoError::Other(format!("no demo unit {}", login.unit)))?;
            let hash =
                auth::hash_password(login.password).map_err(|e| DemoError::Other(e.to_string()))?;
            let account = accounts::insert(
                conn,
                &NewAccount {
                    username: login.username,
                    display_name: login.username,
                    password_hash: &hash,
                    role: login.role,
                    unit_id: Some(unit),
                },
                now,
            )?;
            if login.role == Role::Organiser {
                organiser = Some(account.id);
            }
        }
        let organiser = organiser.ok_or_else(|| DemoError::Other("no demo organiser".into()))?;
        seed_survey(conn, county.id, &departments, &villages, organiser, now)?;
        let dongshan = by_name
            .iter()
            .find(|(name, _)| *name == "东山镇")
            .map(|(_, u)| u.clone())
            .ok_or_else(|| DemoError::Other("no demo township".into()))?;
        let ballot_codes = seed_rounds(conn, &dongshan, organiser, now)?;
        diesel::update(db::schema::server_secrets::table.find(DEMO_MARKER))
            .set(db::schema::server_secrets::value.eq("yes"))
            .execute(conn)?;
        Ok(ballot_codes)
    })
    .map(|ballot_codes| Seeded::Now { ballot_codes })
}

impl From<diesel::result::Error> for DemoError {
    fn from(e: diesel::result::Error) -> Self {
        DemoError::Store(e.into())
    }
}

/// The demo survey's questionnaire: the window-service example of docs/forms.md.
const DEMO_SURVEY: &str = include_str!("../../docs/examples/survey-window-service.json");

/// How satisfied each demo department's visitors are: weights of 满意, 基本满意, 不满意, 不了解.
const PROFILES: [[u32; 4]; 4] = [
    [60, 25, 8, 7],
    [45, 30, 18, 7],
    [35, 30, 28, 7],
    [50, 30, 12, 8],
];

const COMMENTS: &[&str] = &[
    "希望增加自助办理机。",
    "工作人员态度很好,办事效率高。",
    "中午窗口不开放,来回跑了两次。",
    "材料清单能不能一次说清楚?",
    "排队时间太长,建议网上预约。",
    "办事指南张贴得很清楚,谢谢。",
    "希望周末也能办理。",
];

/// One open survey of the four departments with a few hundred generated answers spread over
/// the last three weeks, so results, rankings and coverage show at first start.
fn seed_survey(
    conn: &mut DbConnection,
    county: i64,
    departments: &[i64],
    villages: &[i64],
    organiser: i64,
    now: i64,
) -> Result<(), DemoError> {
    use canvass_protocol::forms::{validate_answers, FormDefinition};
    use canvass_protocol::surveys::Channel;
    use rand::{Rng, SeedableRng};
    use serde_json::{json, Value};

    let definition = FormDefinition::from_json(DEMO_SURVEY)
        .map_err(|e| DemoError::Other(format!("the demo survey is not valid: {e:?}")))?;
    let targets: Vec<(i64, String)> = departments
        .iter()
        .map(|&d| (d, crate::domain::new_slug()))
        .collect();
    let slug = crate::domain::new_slug();
    let id = crate::db::surveys::insert(
        conn,
        &crate::db::surveys::NewSurvey {
            requires_codes: false,
            unit_id: county,
            slug: &slug,
            min_group_size: 5,
            comment_min_group_size: 10,
            opens_at: None,
            closes_at: None,
            created_by: organiser,
            definition: DEMO_SURVEY,
            targets: &targets,
            series: None,
            period: None,
        },
        now,
    )?;
    crate::db::surveys::publish_version(conn, id, 1, 5, now)?;
    crate::db::surveys::set_status(conn, id, "open", now)?;

    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let ratings = [
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "dont_know",
    ];
    for (index, &department) in departments.iter().enumerate() {
        let profile = PROFILES[index % PROFILES.len()];
        let answers_for_department = 60 + 15 * index;
        for _ in 0..answers_for_department {
            let pick = |rng: &mut rand::rngs::StdRng| {
                let total: u32 = profile.iter().sum();
                let mut roll = rng.gen_range(0..total);
                for (i, weight) in profile.iter().enumerate() {
                    if roll < *weight {
                        return ratings[i];
                    }
                    roll -= weight;
                }
                ratings[0]
            };
            let overall = pick(&mut rng);
            let purpose = ["licence", "complaint", "enquiry", "other"][rng.gen_range(0..4)];
            let mut answers = json!({
                "visit_purpose": purpose,
                "overall": overall,
                "attitude": pick(&mut rng),
                "efficiency": pick(&mut rng),
                "score": match overall { "satisfied" => rng.gen_range(7..=10), "dissatisfied" => rng.gen_range(0..=5), _ => rng.gen_range(4..=9) },
            });
            if rng.gen_bool(0.8) {
                answers["transparency"] = Value::from(pick(&mut rng));
            }
            if overall == "dissatisfied" {
                let reasons = ["long_wait", "repeated_trips", "rude_staff", "other"];
                let first = reasons[rng.gen_range(0..reasons.len())];
                answers["dissatisfied_reasons"] = json!([first]);
                if first == "other" {
                    answers["other_reason"] = Value::from("午休时间无人值班");
                }
            }
            if matches!(purpose, "licence" | "complaint") {
                answers["trips"] = Value::from(rng.gen_range(1..=4));
            }
            if rng.gen_bool(0.25) {
                answers["comment"] = Value::from(COMMENTS[rng.gen_range(0..COMMENTS.len())]);
            }
            let answers =
                serde_json::from_value(answers).map_err(|e| DemoError::Other(e.to_string()))?;
            let validated = validate_answers(&definition, &answers).map_err(|e| {
                DemoError::Other(format!("a generated demo answer is not valid: {e:?}"))
            })?;
            let stored = crate::domain::surveys::Stored {
                survey_id: id,
                version: 1,
                target_unit_id: department,
                respondent_unit_id: rng
                    .gen_bool(0.85)
                    .then(|| villages[rng.gen_range(0..villages.len())]),
                channel: if rng.gen_bool(0.7) {
                    Channel::Web
                } else {
                    Channel::Field
                },
                day: canvass_protocol::calendar::day_of(now - rng.gen_range(0..21) * 86_400),
            };
            crate::domain::surveys::record(conn, &stored, &validated)?;
        }
    }
    Ok(())
}

/// The 东山镇 team: seven officials, the first the principal leader.
const TEAM: [(&str, &str); 7] = [
    ("赵志远", "党委书记"),
    ("钱海涛", "党委副书记、镇长"),
    ("孙丽华", "党委副书记"),
    ("周建军", "副镇长"),
    ("吴晓敏", "副镇长"),
    ("郑国强", "纪委书记"),
    ("王秀英", "组织委员"),
];

/// Last year's round (closed and published) and this year's (open) for the 东山镇 team, with
/// codes, cast ballots and one paper sheet, shaped so that flags and the comparison show: 周建军
/// draws at least 20% 不称职 in both years, 吴晓敏 a third of 基本称职/不称职 this year, and the
/// team is judged 一般 twice (flagging the principal leader).
fn seed_rounds(
    conn: &mut DbConnection,
    township: &units::UnitRow,
    organiser: i64,
    now: i64,
) -> Result<Vec<String>, DemoError> {
    use canvass_protocol::rounds::{Ballot, Mark, SubjectRef, TallySheet};
    use rand::{Rng, SeedableRng};
    use serde_json::json;

    let mut official_ids = Vec::new();
    for (name, position) in TEAM {
        official_ids
            .push(crate::db::rounds::insert_official(conn, township.id, name, position, now)?.id);
    }
    let pepper = secrets::get_or_create(conn, crate::domain::ballot_codes::CODE_PEPPER, || {
        crate::domain::new_slug() + &crate::domain::new_slug() + &crate::domain::new_slug()
    })?;
    let definition = |period: &str| {
        json!({
            "period": period,
            "series": {"id": "dongshan-leadership-annual", "name": "东山镇领导班子和领导干部年度民主测评"},
            "officials": official_ids.iter().zip(TEAM).map(|(id, (name, position))| json!({"official_id": id, "name": name, "position": position})).collect::<Vec<_>>(),
            "team": {"name": "东山镇领导班子", "principal_leader": official_ids[0]},
            "elector_groups": [
                {"id": "county_leaders", "label": "县领导", "weight": 0.3},
                {"id": "team_members", "label": "班子成员", "weight": 0.2},
                {"id": "cadres", "label": "中层干部和站所负责人", "weight": 0.3},
                {"id": "public_reps", "label": "村(社区)干部和群众代表", "weight": 0.2}
            ],
            "validity_rules": [{"kind": "max_grade_count", "grade": "excellent", "max": 2}],
            "disclosure": {"counts": 5, "comments": 10}
        })
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let groups = ["county_leaders", "team_members", "cadres", "public_reps"];
    let mut spare = Vec::new();
    for (year, period, ballots_per_group, final_status) in [
        (0, "2025年度", 12_u32, "published"),
        (1, "2026年度", 9, "open"),
    ] {
        let json_definition = definition(period).to_string();
        let slug = crate::domain::new_slug();
        let round_id = crate::db::rounds::insert_round(
            conn,
            &crate::db::rounds::NewRound {
                unit_id: township.id,
                series_id: "dongshan-leadership-annual",
                period,
                definition: &json_definition,
                slug: &slug,
                created_by: organiser,
            },
            now - (1 - year) * 365 * 86_400,
        )?;
        crate::db::rounds::set_status(conn, round_id, "open", now)?;
        let row = crate::db::rounds::find_round(conn, round_id)?;
        for group in groups {
            let codes = crate::domain::ballot_codes::issue_codes(
                conn,
                round_id,
                group,
                ballots_per_group + 3,
                &pepper,
            )
            .map_err(|e| DemoError::Other(e.to_string()))?;
            if year == 1 && group == "public_reps" {
                spare.extend(codes.iter().skip(ballots_per_group as usize).cloned());
            }
            for code in codes.iter().take(ballots_per_group as usize) {
                let team_grade = ["average", "average", "fairly_good"][rng.gen_range(0..3)];
                let marks = official_ids
                    .iter()
                    .enumerate()
                    .map(|(i, &id)| {
                        let roll: u32 = rng.gen_range(0..100);
                        let grade = match i {
                            // 周建军: about a quarter incompetent every year
                            3 => [
                                "competent",
                                "basically_competent",
                                "incompetent",
                                "incompetent",
                            ][rng.gen_range(0..4)],
                            // 吴晓敏: this year about half lower grades
                            4 if year == 1 => [
                                "competent",
                                "basically_competent",
                                "incompetent",
                                "basically_competent",
                            ][rng.gen_range(0..4)],
                            _ if roll < 30 => "excellent",
                            _ if roll < 90 => "competent",
                            _ => "basically_competent",
                        };
                        let grade = if grade == "excellent" && i > 1 {
                            "competent"
                        } else {
                            grade
                        };
                        Mark {
                            subject: SubjectRef::Official(id),
                            grade: canvass_protocol::rounds::Grade::parse(grade),
                            dimensions: std::collections::BTreeMap::new(),
                        }
                    })
                    .chain(std::iter::once(Mark {
                        subject: SubjectRef::Team,
                        grade: canvass_protocol::rounds::Grade::parse(team_grade),
                        dimensions: std::collections::BTreeMap::new(),
                    }))
                    .collect();
                let ballot = Ballot {
                    elector_group: String::new(),
                    marks,
                };
                crate::domain::ballot_codes::cast(conn, &row, code, &ballot, &pepper)
                    .map_err(|e| DemoError::Other(e.to_string()))?;
            }
        }
        if year == 1 {
            let subjects: Vec<serde_json::Value> = official_ids
                .iter()
                .map(|id| json!({"subject": {"official": id}, "counts": {"excellent": 2, "competent": 12, "basically_competent": 3, "incompetent": 1}, "abstentions": 0}))
                .chain(std::iter::once(json!({"subject": "team", "counts": {"good": 4, "fairly_good": 6, "average": 8}, "abstentions": 0})))
                .collect();
            let sheet: TallySheet = serde_json::from_value(json!({
                "station": "第一会场", "elector_group": "public_reps",
                "issued": 20, "returned": 19, "valid": 18, "invalid": 1, "subjects": subjects
            }))
            .map_err(|e| DemoError::Other(e.to_string()))?;
            crate::db::rounds::insert_sheet(
                conn,
                &crate::db::rounds::NewSheet {
                    round_id,
                    station: "第一会场",
                    group: "public_reps",
                    sheet: &serde_json::to_string(&sheet)
                        .map_err(|e| DemoError::Other(e.to_string()))?,
                    void: false,
                    entered_by: organiser,
                },
                None,
                now,
            )?;
        }
        crate::db::rounds::set_status(conn, round_id, final_status, now)?;
    }
    Ok(spare)
}
