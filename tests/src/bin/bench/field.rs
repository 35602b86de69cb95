//! Field sync with the real `canvass` client: answer sets queued with `canvass import`, then
//! `canvass push` timed until the server has stored them all.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::setup::{Setup, OFFICER_PASSWORD};

/// Queues `answers` answer sets in the real client's local store (`canvass import`, not timed)
/// and times `canvass push` until the server has stored every one.
pub fn field_sync(
    bins: &Path,
    url: &str,
    setup: &Setup,
    answers: usize,
    work: &Path,
) -> Result<Duration> {
    let home = work.join("field-client");
    let canvass = |args: &[&str], stdin: Option<&str>| -> Result<String> {
        let mut command = Command::new(bins.join("canvass"));
        for (key, _) in std::env::vars() {
            if key.starts_with("CANVASS_") {
                command.env_remove(key);
            }
        }
        // the bench reads the client's summary, so the client speaks English
        let mut child = command
            .args(["--lang", "en"])
            .args(args)
            .env("CANVASS_CONFIG_DIR", home.join("config"))
            .env("CANVASS_DATA_DIR", home.join("data"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("start canvass")?;
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .context("stdin")?
                .write_all(text.as_bytes())?;
        }
        drop(child.stdin.take());
        let output = child.wait_with_output()?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if !output.status.success() {
            bail!("canvass {args:?} failed: {text}");
        }
        Ok(text)
    };
    canvass(
        &[
            "login",
            "--server",
            url,
            "--username",
            "officer",
            "--password-stdin",
            "--device-name",
            "bench laptop",
        ],
        Some(&format!("{OFFICER_PASSWORD}\n")),
    )?;
    canvass(&["pull"], None)?;
    let mut csv = String::from("target,village,r1,r2,r3,r4,r5,n1,n2,n3,t1,t2\n");
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    for _ in 0..answers {
        let a = Setup::answers(&mut rng);
        let _ = write!(
            csv,
            "{},{}",
            setup.targets[rng.gen_range(0..setup.targets.len())],
            setup.villages[rng.gen_range(0..setup.villages.len())]
        );
        for q in ["r1", "r2", "r3", "r4", "r5", "n1", "n2", "n3", "t1", "t2"] {
            let cell = match &a[q] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            let _ = write!(csv, ",\"{}\"", cell.replace('"', "\"\""));
        }
        csv.push('\n');
    }
    let file = work.join("field-answers.csv");
    std::fs::write(&file, csv)?;
    let started = Instant::now();
    canvass(
        &[
            "import",
            file.to_str().context("a UTF-8 path")?,
            "--survey",
            &setup.load_survey.to_string(),
        ],
        None,
    )?;
    eprintln!(
        "bench: queued {answers} answer sets with `canvass import` in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let out = canvass(&["push"], None)?.replace(['\u{2068}', '\u{2069}'], "");
    let elapsed = started.elapsed();
    if !out.contains(&format!("the server stored {answers} answer sets")) {
        bail!("canvass push did not store every answer: {out}");
    }
    Ok(elapsed)
}
