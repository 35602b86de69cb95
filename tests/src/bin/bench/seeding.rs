//! Storing many answers and ballots through the server's own storage code (for the results
//! and export figures), and the raw-insert ceiling of the storage.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use canvass_protocol::rounds::Ballot;
use canvass_protocol::surveys::{Channel, SubmitResponse};
use canvass_server::db::{self, DbConnection};
use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl};
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::setup::Setup;

/// Stores `n` answer sets in the seeded survey and casts `n` ballots in the seeded round
/// through the server's own storage code (`SurveyContext::prepare`, `record_into`,
/// `issue_codes`, `plan_cast`, `apply_cast`), 10,000 per transaction: fast, and the same rows
/// and tallies as over HTTP.
pub fn seed(database_url: &str, setup: &Setup, n: usize) -> Result<Duration> {
    use canvass_protocol::calendar::day_of;
    use canvass_server::db::rounds::RoundDelta;
    use canvass_server::db::surveys::TallyDelta;
    use canvass_server::domain::surveys::{self, SurveyContext};
    use canvass_server::domain::{ballot_codes, rounds};
    const CHUNK: usize = 10_000;
    let started = Instant::now();
    let (pool, _) = db::open(database_url, 1).map_err(|e| anyhow!("{e}"))?;
    let mut conn = pool.get()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(13);
    let bodies: Vec<SubmitResponse> = (0..256)
        .map(|_| serde_json::from_value(setup.submission(&mut rng)))
        .collect::<Result<_, _>>()?;
    let row = db::surveys::find(&mut conn, setup.seeded_survey)?;
    let mut context = SurveyContext::new(row);
    let now = db::now();
    let mut done = 0;
    while done < n {
        let count = CHUNK.min(n - done);
        (*conn).transaction(|conn: &mut DbConnection| {
            let mut delta = TallyDelta::default();
            for i in 0..count {
                let body = &bodies[rng.gen_range(0..bodies.len())];
                // answers spread over the last 30 days
                let day = day_of(now - i64::try_from(i % 30).unwrap_or(0) * 86_400);
                let (stored, validated) = context
                    .prepare(conn, None, body, Channel::Web, day)
                    .map_err(|e| anyhow!("{e:?}"))?;
                surveys::record_into(conn, &stored, &validated, &mut delta)?;
            }
            delta.write(conn)?;
            Ok::<_, anyhow::Error>(())
        })?;
        done += count;
    }

    let pepper = db::secrets::get_or_create(&mut conn, ballot_codes::CODE_PEPPER, String::new)?;
    let row = db::rounds::find_round(&mut conn, setup.seeded_round.0)?;
    let round = rounds::stored_round(&row).map_err(|e| anyhow!("{e:?}"))?;
    let ballots: Vec<Ballot> = (0..256)
        .map(|_| {
            serde_json::from_value(json!({"elector_group": "", "marks": setup.marks(&mut rng)}))
        })
        .collect::<Result<_, _>>()?;
    let mut done = 0;
    while done < n {
        let count = CHUNK.min(n - done);
        (*conn).transaction(|conn: &mut DbConnection| {
            let mut codes = Vec::with_capacity(count);
            while codes.len() < count {
                let k = u32::try_from((count - codes.len()).min(2000)).unwrap_or(2000);
                codes.extend(
                    ballot_codes::issue_codes(conn, row.id, "public", k, &pepper)
                        .map_err(|e| anyhow!("{e:?}"))?,
                );
            }
            let mut delta = RoundDelta::default();
            for code in &codes {
                let ballot = &ballots[rng.gen_range(0..ballots.len())];
                let plan = ballot_codes::plan_cast(conn, &row, &round, code, ballot, &pepper)
                    .map_err(|e| anyhow!("{e:?}"))?;
                ballot_codes::apply_cast(conn, row.id, &plan, &mut delta)
                    .map_err(|e| anyhow!("{e:?}"))?;
            }
            delta.write(conn)?;
            Ok::<_, anyhow::Error>(())
        })?;
        done += count;
    }
    Ok(started.elapsed())
}

// ---- the storage ceiling ----------------------------------------------------------------------

/// Inserts `n` response rows (and their comment rows) like the submissions' into a fresh
/// SQLite file with the same schema and settings (WAL, synchronous=FULL), 1,000 per
/// transaction, with plain prepared statements and no HTTP or validation; rows per second.
pub fn raw_sqlite_inserts(setup: &Setup, n: usize, work: &Path) -> Result<f64> {
    use diesel::sql_types::{BigInt, Integer, Nullable, Text};
    let path = work.join("raw.db");
    let (pool, _) =
        db::open(&format!("sqlite://{}", path.display()), 1).map_err(|e| anyhow!("{e}"))?;
    let mut conn = pool.get()?;
    conn.batch_execute("PRAGMA synchronous = FULL")?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    let rows: Vec<(i64, i64, String)> = (0..n)
        .map(|_| {
            (
                setup.targets[rng.gen_range(0..setup.targets.len())],
                setup.villages[rng.gen_range(0..setup.villages.len())],
                Setup::answers(&mut rng).to_string(),
            )
        })
        .collect();
    let day = canvass_protocol::calendar::day_of(db::now());
    let started = Instant::now();
    for chunk in rows.chunks(1000) {
        (*conn).transaction(|conn: &mut DbConnection| {
            for (target, village, answers) in chunk {
                diesel::sql_query(
                    "INSERT INTO survey_responses (id, survey_id, version, target_unit_id, respondent_unit_id, channel, day, answers) \
                     VALUES ($1, $2, $3, $4, $5, 'web', $6, $7)",
                )
                .bind::<Text, _>(uuid::Uuid::new_v4().simple().to_string())
                .bind::<BigInt, _>(1_i64)
                .bind::<Integer, _>(1)
                .bind::<BigInt, _>(target)
                .bind::<Nullable<BigInt>, _>(Some(*village))
                .bind::<Text, _>(&day)
                .bind::<Text, _>(answers)
                .execute(conn)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    #[allow(clippy::cast_precision_loss)]
    Ok(n as f64 / started.elapsed().as_secs_f64())
}
