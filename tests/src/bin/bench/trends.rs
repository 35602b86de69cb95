//! The trends scenario: a survey series of many periods, each survey rating the same many
//! units, with its answers stored through the server's own storage code (as the results
//! scenario seeds them); then the series' trend read over HTTP, as JSON and as the page.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use canvass_protocol::surveys::{Channel, SubmitResponse};
use canvass_server::db::{self, DbConnection};
use diesel::Connection;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::setup::{bench_form, Api, Setup, ADMIN_PASSWORD, ORGANISER_PASSWORD};
use crate::traffic::percentiles;

/// The series' name.
const SERIES: &str = "bench-trend";

/// How big the series is.
pub struct TrendSizes {
    pub periods: usize,
    pub units: usize,
    /// Answer sets over the whole series, spread evenly over its periods.
    pub answers: usize,
}

/// What the scenario measured: seeding, then the trend's JSON and page per request.
pub struct TrendRun {
    pub seeding: Duration,
    pub json: Vec<Duration>,
    pub page: Vec<Duration>,
    pub json_bytes: usize,
}

impl TrendRun {
    pub fn json_latency(&mut self) -> String {
        percentiles(&mut self.json)
    }

    pub fn page_latency(&mut self) -> String {
        percentiles(&mut self.page)
    }
}

/// Sets the series up through the API (`units` departments under the county, `periods`
/// published surveys of the benchmark form rating them all), stores the answers through the
/// storage code, then reads `GET /api/v1/trends/surveys/{series}` and the trend page
/// `requests` times each as the organiser.
pub fn trends(
    api: &Api,
    database_url: &str,
    setup: &Setup,
    sizes: &TrendSizes,
    requests: usize,
) -> Result<TrendRun> {
    let admin = api.login("admin", ADMIN_PASSWORD)?;
    let county = api.call(
        "GET",
        &format!("/api/v1/units/{}", setup.targets[0]),
        Some(&admin),
        &Value::Null,
    )?["parent_id"]
        .as_i64()
        .context("the county")?;
    let units = (0..sizes.units)
        .map(|i| {
            let body = api.call(
                "POST",
                "/api/v1/units",
                Some(&admin),
                &json!({"name": format!("趋势单位{i:03}"), "kind": "department", "parent_id": county}),
            )?;
            body["id"].as_i64().context("a unit id")
        })
        .collect::<Result<Vec<_>>>()?;
    let mut surveys = Vec::with_capacity(sizes.periods);
    for period in 0..sizes.periods {
        let body = api.call(
            "POST",
            "/api/v1/surveys",
            Some(&setup.organiser),
            &json!({"definition": bench_form(), "targets": units, "unit_id": county,
                    "series": SERIES, "period": format!("P{:02}", period + 1)}),
        )?;
        let id = body["id"].as_i64().context("a survey id")?;
        api.call(
            "POST",
            &format!("/api/v1/surveys/{id}/publish"),
            Some(&setup.organiser),
            &Value::Null,
        )?;
        surveys.push(id);
    }
    let seeding = seed(database_url, setup, &surveys, &units, sizes.answers)?;
    eprintln!(
        "bench: seeded {} answers over {} periods of {} units in {:.1} s",
        sizes.answers,
        sizes.periods,
        sizes.units,
        seeding.as_secs_f64()
    );

    let organiser = api.login("organiser", ORGANISER_PASSWORD)?;
    let path = format!("/api/v1/trends/surveys/{SERIES}");
    let mut json = Vec::with_capacity(requests);
    let mut json_bytes = 0;
    for _ in 0..requests {
        let started = Instant::now();
        let (status, bytes) = api.get(&path, &organiser)?;
        json.push(started.elapsed());
        if status != 200 {
            bail!("{path} answered {status}");
        }
        json_bytes = bytes;
    }
    let cookie = page_cookie(api)?;
    let page_path = format!("/dashboard/trends/surveys/{SERIES}");
    let mut page = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        let response = api
            .client
            .get(format!("{}{page_path}", api.base))
            .header("cookie", &cookie)
            .send()?;
        let status = response.status();
        let body = response.bytes()?;
        page.push(started.elapsed());
        if !status.is_success() || body.is_empty() {
            bail!("{page_path} answered {status}");
        }
    }
    Ok(TrendRun {
        seeding,
        json,
        page,
        json_bytes,
    })
}

/// Signs the organiser in at `/login` and answers the session cookie the pages read.
fn page_cookie(api: &Api) -> Result<String> {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = client
        .post(format!("{}/login", api.base))
        .form(&[("username", "organiser"), ("password", ORGANISER_PASSWORD)])
        .send()?;
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("a session cookie from /login")?;
    Ok(cookie.to_string())
}

/// Stores `n` answer sets spread evenly over `surveys`, each for a random unit of `units`,
/// through `SurveyContext::prepare` and `record_into` (the same rows and tallies as over
/// HTTP), 10,000 per transaction.
fn seed(
    database_url: &str,
    setup: &Setup,
    surveys: &[i64],
    units: &[i64],
    n: usize,
) -> Result<Duration> {
    use canvass_protocol::calendar::day_of;
    use canvass_server::db::surveys::TallyDelta;
    use canvass_server::domain::surveys::{self, SurveyContext};
    const CHUNK: usize = 10_000;
    let started = Instant::now();
    let (pool, _) = db::open(database_url, 1).map_err(|e| anyhow!("{e}"))?;
    let mut conn = pool.get()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(19);
    let mut bodies: Vec<SubmitResponse> = (0..256)
        .map(|_| serde_json::from_value(setup.submission(&mut rng)))
        .collect::<Result<_, _>>()?;
    let day = day_of(db::now());
    let per_survey = n / surveys.len().max(1);
    for (k, &survey) in surveys.iter().enumerate() {
        let row = db::surveys::find(&mut conn, survey)?;
        let mut context = SurveyContext::new(row);
        let count = if k + 1 == surveys.len() {
            n - per_survey * k
        } else {
            per_survey
        };
        let mut done = 0;
        while done < count {
            let chunk = CHUNK.min(count - done);
            (*conn).transaction(|conn: &mut DbConnection| {
                let mut delta = TallyDelta::default();
                for _ in 0..chunk {
                    let i = rng.gen_range(0..bodies.len());
                    bodies[i].target_unit_id = units[rng.gen_range(0..units.len())];
                    let (stored, validated) = context
                        .prepare(conn, None, &bodies[i], Channel::Web, day.clone())
                        .map_err(|e| anyhow!("{e:?}"))?;
                    surveys::record_into(conn, &stored, &validated, &mut delta)?;
                }
                delta.write(conn)?;
                Ok::<_, anyhow::Error>(())
            })?;
            done += chunk;
        }
    }
    Ok(started.elapsed())
}
