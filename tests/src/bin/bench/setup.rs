//! Setting a county up through the API: units, accounts, the survey and the round the
//! scenarios send to, and the bodies they send.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

/// A blocking client for set-up and the sequential measurements.
/// The passwords of the accounts the bench sets up.
pub const ADMIN_PASSWORD: &str = "bench-admin-password";
pub const ORGANISER_PASSWORD: &str = "bench-organiser-password";
pub const OFFICER_PASSWORD: &str = "bench-officer-password";

pub struct Api {
    pub base: String,
    pub client: reqwest::blocking::Client,
}

impl Api {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_string(),
            client: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(600))
                .build()
                .expect("an HTTP client"),
        }
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Result<Value> {
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send()?;
        let status = response.status();
        let value: Value = response.json().unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{path} answered {status}: {value}");
        }
        Ok(value)
    }

    pub fn get(&self, path: &str, token: &str) -> Result<(u16, usize)> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()?;
        let status = response.status().as_u16();
        Ok((status, response.bytes()?.len()))
    }

    /// Downloads `path` chunk by chunk; its size and number of lines.
    pub fn download(&self, path: &str, token: &str) -> Result<(usize, usize)> {
        use std::io::Read;
        let mut response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()?;
        if !response.status().is_success() {
            bail!("{path} answered {}", response.status());
        }
        let mut buffer = vec![0_u8; 1 << 16];
        let (mut bytes, mut lines) = (0, 0);
        loop {
            let n = response.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            bytes += n;
            #[allow(clippy::naive_bytecount)] // 64 KiB at a time: fast enough
            let newlines = buffer[..n].iter().filter(|&&b| b == b'\n').count();
            lines += newlines;
        }
        Ok((bytes, lines))
    }

    pub fn login(&self, username: &str, password: &str) -> Result<String> {
        let body = self.call(
            "POST",
            "/api/v1/auth/login",
            None,
            &json!({"username": username, "password": password}),
        )?;
        body["token"]
            .as_str()
            .map(ToString::to_string)
            .ok_or_else(|| anyhow!("no token in {body}"))
    }
}

/// What the scenarios run against: a county, the benchmark form on two surveys (one loaded
/// over HTTP, one seeded), and two appraisal rounds of 7 subjects.
pub struct Setup {
    pub organiser: String,
    pub targets: Vec<i64>,
    pub villages: Vec<i64>,
    pub load_survey: i64,
    pub load_survey_slug: String,
    pub seeded_survey: i64,
    pub officials: Vec<i64>,
    /// (id, slug)
    pub load_round: (i64, String),
    pub seeded_round: (i64, String),
}

/// The benchmark form: 10 questions, 5 rating, 3 number, 2 text.
pub fn bench_form() -> Value {
    let mut questions = Vec::new();
    for (i, topic) in ["overall", "attitude", "speed", "openness", "fairness"]
        .iter()
        .enumerate()
    {
        questions.push(json!({
            "id": format!("r{}", i + 1),
            "label": {"zh-CN": format!("评价 {topic}"), "en": format!("Rate {topic}")},
            "required": true,
            "type": "rating"
        }));
    }
    for (i, (min, max)) in [(1, 20), (0, 120), (0, 10_000)].iter().enumerate() {
        questions.push(json!({
            "id": format!("n{}", i + 1),
            "label": {"zh-CN": format!("数字 {}", i + 1), "en": format!("Number {}", i + 1)},
            "type": "number",
            "min": min,
            "max": max,
            "integer": true
        }));
    }
    questions.push(json!({"id": "t1", "label": {"zh-CN": "意见", "en": "Comments"}, "type": "short_text", "max_length": 200}));
    questions.push(
        json!({"id": "t2", "label": {"zh-CN": "建议", "en": "Suggestions"}, "type": "long_text"}),
    );
    json!({
        "title": {"zh-CN": "性能测试问卷", "en": "Benchmark survey"},
        "questions": questions
    })
}

pub const RATINGS: [&str; 4] = [
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "dont_know",
];
pub const OFFICIAL_GRADES: [&str; 4] = [
    "excellent",
    "competent",
    "basically_competent",
    "incompetent",
];
pub const TEAM_GRADES: [&str; 4] = ["good", "fairly_good", "average", "poor"];

impl Setup {
    pub fn create(api: &Api) -> Result<Self> {
        let admin = api.login("admin", ADMIN_PASSWORD)?;
        let unit = |name: &str, kind: &str, parent: Option<i64>| -> Result<i64> {
            let body = api.call(
                "POST",
                "/api/v1/units",
                Some(&admin),
                &json!({"name": name, "kind": kind, "parent_id": parent}),
            )?;
            body["id"].as_i64().context("a unit id")
        };
        let county = unit("清河县", "county", None)?;
        let targets = ["县市场监督管理局", "县人社局", "县政务服务中心", "县医保局"]
            .iter()
            .map(|name| unit(name, "department", Some(county)))
            .collect::<Result<Vec<_>>>()?;
        let township = unit("东山镇", "township", Some(county))?;
        let villages = ["东山村", "西山村", "南山社区"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                unit(
                    name,
                    if i == 2 { "community" } else { "village" },
                    Some(township),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        for (username, password, role, unit) in [
            ("organiser", ORGANISER_PASSWORD, "organiser", county),
            ("officer", OFFICER_PASSWORD, "officer", township),
        ] {
            api.call(
                "POST",
                "/api/v1/accounts",
                Some(&admin),
                &json!({"username": username, "display_name": username, "password": password, "role": role, "unit_id": unit}),
            )?;
        }
        let organiser = api.login("organiser", ORGANISER_PASSWORD)?;
        let survey = |()| -> Result<(i64, String)> {
            let body = api.call(
                "POST",
                "/api/v1/surveys",
                Some(&organiser),
                &json!({"definition": bench_form(), "targets": targets, "unit_id": county}),
            )?;
            let id = body["id"].as_i64().context("a survey id")?;
            let body = api.call(
                "POST",
                &format!("/api/v1/surveys/{id}/publish"),
                Some(&organiser),
                &Value::Null,
            )?;
            let slug = body["public_url"]
                .as_str()
                .and_then(|u| u.rsplit('/').next())
                .context("a public link")?
                .to_string();
            Ok((id, slug))
        };
        let (load_survey, load_survey_slug) = survey(())?;
        let (seeded_survey, _) = survey(())?;
        let officials = ["王建国", "李明", "张丽", "陈志强", "刘芳", "赵强"]
            .iter()
            .map(|name| {
                let body = api.call(
                    "POST",
                    "/api/v1/officials",
                    Some(&organiser),
                    &json!({"unit_id": township, "name": name, "position": "班子成员"}),
                )?;
                body["id"].as_i64().context("an official id")
            })
            .collect::<Result<Vec<_>>>()?;
        let round = |period: &str| -> Result<(i64, String)> {
            let subjects: Vec<Value> = officials
                .iter()
                .map(|id| json!({"official_id": id, "name": format!("#{id}"), "position": "班子成员"}))
                .collect();
            let definition = json!({
                "period": period,
                "series": {"id": format!("bench-{period}"), "name": "东山镇领导班子年度民主测评"},
                "officials": subjects,
                "team": {"name": "东山镇领导班子", "principal_leader": officials[0]},
                "elector_groups": [{"id": "public", "label": "群众代表", "weight": 1.0}],
                "validity_rules": [{"kind": "max_grade_count", "grade": "excellent", "max": 2}],
                "flag_rules": [
                    {"id": "lower_third", "label": "基本称职和不称职票达到三分之一", "applies_to": "official",
                     "condition": {"kind": "share", "grades": ["basically_competent", "incompetent"], "comparison": "at_least", "threshold": "1/3", "basis": "votes"},
                     "consecutive_rounds": 1}
                ],
                "disclosure": {"counts": 5, "comments": 10}
            });
            let body = api.call(
                "POST",
                "/api/v1/rounds",
                Some(&organiser),
                &json!({"definition": definition, "unit_id": township}),
            )?;
            let id = body["id"].as_i64().context("a round id")?;
            let slug = body["ballot_url"]
                .as_str()
                .and_then(|u| u.rsplit('/').next())
                .context("a ballot link")?
                .to_string();
            api.call(
                "POST",
                &format!("/api/v1/rounds/{id}/open"),
                Some(&organiser),
                &Value::Null,
            )?;
            Ok((id, slug))
        };
        let load_round = round("2026")?;
        let seeded_round = round("2025")?;
        Ok(Self {
            organiser,
            targets,
            villages,
            load_survey,
            load_survey_slug,
            seeded_survey,
            officials,
            load_round,
            seeded_round,
        })
    }

    pub fn generate_codes(
        &self,
        api: &Api,
        round: &(i64, String),
        count: usize,
    ) -> Result<Vec<String>> {
        let mut codes = Vec::with_capacity(count);
        while codes.len() < count {
            let n = (count - codes.len()).min(2000);
            let body = api.call(
                "POST",
                &format!("/api/v1/rounds/{}/codes", round.0),
                Some(&self.organiser),
                &json!({"elector_group": "public", "count": n}),
            )?;
            let list = body["codes"].as_array().context("codes")?;
            codes.extend(list.iter().filter_map(|c| c.as_str().map(String::from)));
        }
        Ok(codes)
    }

    /// A random ballot: 6 officials and the team; mostly valid, sometimes over the quota of
    /// two "excellent" (stored as 废票, as a real meeting has).
    pub fn marks(&self, rng: &mut impl Rng) -> Value {
        let mut marks: Vec<Value> = self
            .officials
            .iter()
            .map(|id| {
                if rng.gen_ratio(1, 20) {
                    json!({"subject": {"official": id}})
                } else {
                    let grade = OFFICIAL_GRADES[rng.gen_range(0..4)];
                    json!({"subject": {"official": id}, "grade": grade})
                }
            })
            .collect();
        marks.push(json!({"subject": "team", "grade": TEAM_GRADES[rng.gen_range(0..4)]}));
        json!(marks)
    }

    /// A random answer set: every rating, the numbers, and text from one respondent in ten
    /// (most people leave comment boxes empty).
    pub fn answers(rng: &mut impl Rng) -> Value {
        let mut answers = serde_json::Map::new();
        for i in 1..=5 {
            answers.insert(format!("r{i}"), json!(RATINGS[rng.gen_range(0..4)]));
        }
        answers.insert("n1".into(), json!(rng.gen_range(1..=20)));
        answers.insert("n2".into(), json!(rng.gen_range(0..=120)));
        answers.insert("n3".into(), json!(rng.gen_range(0..=10_000)));
        if rng.gen_ratio(1, 10) {
            answers.insert("t1".into(), json!("窗口排队时间太长,希望增加工作人员"));
            answers.insert(
                "t2".into(),
                json!("建议在网上公布办事指南和收费标准,让群众少跑腿。"),
            );
        }
        Value::Object(answers)
    }

    pub fn submission(&self, rng: &mut impl Rng) -> Value {
        json!({
            "version": 1,
            "target_unit_id": self.targets[rng.gen_range(0..self.targets.len())],
            "respondent_unit_id": self.villages[rng.gen_range(0..self.villages.len())],
            "answers": Self::answers(rng)
        })
    }
}

pub fn submission_bodies(setup: &Setup, n: usize) -> Vec<Vec<u8>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    (0..n)
        .map(|_| serde_json::to_vec(&setup.submission(&mut rng)).expect("JSON"))
        .collect()
}
