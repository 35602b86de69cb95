//! `/metrics` in the Prometheus text format: requests by route and status class with their
//! time, a latency histogram per route, errors by their stable code, public answers and ballots
//! stored, commit groups, field batches, audit entries and how long write transactions waited
//! for their turn. Nothing about an answer, a ballot, a code, a client address or an account: a
//! route is counted by its pattern (`/api/v1/rounds/{id}`), never by the path a client sent,
//! and an error by its code (`survey_code_used`), never by its message or field.
//!
//! Who may read it (`docs/deployment.md`): requests from the loopback address that did not
//! come through a proxy, and, when `metrics_token` is set, any request that carries it as a
//! bearer token.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use canvass_protocol::{msg, ErrorCode};

use crate::domain::error::{Error, Kind};
use crate::http::{ApiError, AppState};

/// The counters of one route and status class.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct RouteCounts {
    requests: u64,
    micros: u64,
}

/// The upper bounds of the latency histogram's buckets, in seconds (Prometheus' defaults).
pub const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// One route's latency histogram: how many requests took at most each bucket's bound (not
/// cumulated here), those slower than the last, and their total time.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Histogram {
    buckets: [u64; LATENCY_BUCKETS.len()],
    slower: u64,
    micros: u64,
}

impl Histogram {
    fn observe(&mut self, took: Duration) {
        let secs = took.as_secs_f64();
        match LATENCY_BUCKETS.iter().position(|le| secs <= *le) {
            Some(i) => self.buckets[i] += 1,
            None => self.slower += 1,
        }
        self.micros += u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
    }

    fn count(&self) -> u64 {
        self.buckets.iter().sum::<u64>() + self.slower
    }
}

/// What this process has counted since it started.
#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, route pattern, status class) → counts.
    requests: Mutex<BTreeMap<(String, String, &'static str), RouteCounts>>,
    /// (method, route pattern) → latency histogram.
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    /// Error answers by their stable code.
    errors: Mutex<BTreeMap<&'static str, u64>>,
    batches_stored: AtomicU64,
    batches_duplicate: AtomicU64,
}

/// A status's class: `2xx`, `4xx` …
#[must_use]
pub fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    /// Counts one answered request of `route` (the pattern it matched; `unmatched` for none)
    /// and, when it answered an error with a stable code, the code.
    pub fn request(
        &self,
        (method, route): (&str, &str),
        status: u16,
        code: Option<ErrorCode>,
        took: Duration,
    ) {
        {
            let mut requests = self
                .requests
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let counts = requests
                .entry((method.to_owned(), route.to_owned(), status_class(status)))
                .or_default();
            counts.requests += 1;
            counts.micros += u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        }
        self.latency
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry((method.to_owned(), route.to_owned()))
            .or_default()
            .observe(took);
        if let Some(code) = code {
            *self
                .errors
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .entry(code.as_str())
                .or_default() += 1;
        }
    }

    /// Counts one field batch: stored, or acknowledged again as a duplicate.
    pub fn batch(&self, duplicate: bool) {
        let counter = if duplicate {
            &self.batches_duplicate
        } else {
            &self.batches_stored
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// What the text format shows besides the request counts, read when it is asked for.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Gauges {
    pub answers_stored: u64,
    pub ballots_stored: u64,
    pub commit_groups: u64,
    pub commit_items: u64,
    pub writer_waits: u64,
    pub writer_wait_micros: u64,
    pub audit_entries: i64,
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value escaped as the text format wants (`\`, `"` and line feeds).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[allow(clippy::cast_precision_loss)]
fn seconds(micros: u64) -> f64 {
    micros as f64 / 1_000_000.0
}

impl Metrics {
    /// Everything counted, with `gauges`, in the Prometheus text format (version 0.0.4).
    #[must_use]
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        let requests = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        family(
            &mut out,
            "canvass_http_requests_total",
            "counter",
            "Requests answered, by method, route pattern and status class.",
        );
        for ((method, route, class), c) in &requests {
            let _ = writeln!(
                out,
                "canvass_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{class}\"}} {}",
                label(method),
                label(route),
                c.requests
            );
        }
        family(
            &mut out,
            "canvass_http_request_seconds_total",
            "counter",
            "Time spent answering requests, by method, route pattern and status class.",
        );
        for ((method, route, class), c) in &requests {
            let _ = writeln!(
                out,
                "canvass_http_request_seconds_total{{method=\"{}\",route=\"{}\",status=\"{class}\"}} {}",
                label(method),
                label(route),
                seconds(c.micros)
            );
        }
        self.render_latency(&mut out);
        family(
            &mut out,
            "canvass_http_errors_total",
            "counter",
            "Error answers, by their stable error code.",
        );
        let errors = self
            .errors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        for (code, n) in &errors {
            let _ = writeln!(
                out,
                "canvass_http_errors_total{{code=\"{}\"}} {n}",
                label(code)
            );
        }
        for (name, help, value) in [
            (
                "canvass_answers_stored_total",
                "Public survey answer sets stored (web form and JSON).",
                gauges.answers_stored,
            ),
            (
                "canvass_ballots_stored_total",
                "Ballots stored (ballot page and JSON).",
                gauges.ballots_stored,
            ),
            (
                "canvass_commit_groups_total",
                "Transactions the public answers and ballots were stored in (group commit).",
                gauges.commit_groups,
            ),
            (
                "canvass_commit_group_items_total",
                "Answers and ballots those transactions held; divided by the groups, the mean group size.",
                gauges.commit_items,
            ),
            (
                "canvass_sync_batches_stored_total",
                "Field batches stored.",
                self.batches_stored.load(Ordering::Relaxed),
            ),
            (
                "canvass_sync_batches_duplicate_total",
                "Field batches sent again and acknowledged as duplicates.",
                self.batches_duplicate.load(Ordering::Relaxed),
            ),
            (
                "canvass_db_writer_waits_total",
                "SQLite write transactions of this process that queued for their turn.",
                gauges.writer_waits,
            ),
        ] {
            family(&mut out, name, "counter", help);
            let _ = writeln!(out, "{name} {value}");
        }
        family(
            &mut out,
            "canvass_db_writer_wait_seconds_total",
            "counter",
            "Time SQLite write transactions of this process waited for their turn.",
        );
        let _ = writeln!(
            out,
            "canvass_db_writer_wait_seconds_total {}",
            seconds(gauges.writer_wait_micros)
        );
        family(
            &mut out,
            "canvass_audit_entries",
            "gauge",
            "Entries in the audit log (the number of its latest entry).",
        );
        let _ = writeln!(out, "canvass_audit_entries {}", gauges.audit_entries);
        out
    }
}

impl Metrics {
    /// The latency histograms, one per method and route pattern, buckets cumulated.
    fn render_latency(&self, out: &mut String) {
        let latency = self
            .latency
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        family(
            out,
            "canvass_http_request_duration_seconds",
            "histogram",
            "How long requests took to answer, by method and route pattern.",
        );
        for ((method, route), h) in &latency {
            let (method, route) = (label(method), label(route));
            let mut cumulated = 0;
            for (le, n) in LATENCY_BUCKETS.iter().zip(h.buckets) {
                cumulated += n;
                let _ = writeln!(
                    out,
                    "canvass_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"{le}\"}} {cumulated}"
                );
            }
            let _ = writeln!(
                out,
                "canvass_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"+Inf\"}} {}",
                h.count()
            );
            let _ = writeln!(
                out,
                "canvass_http_request_duration_seconds_sum{{method=\"{method}\",route=\"{route}\"}} {}",
                seconds(h.micros)
            );
            let _ = writeln!(
                out,
                "canvass_http_request_duration_seconds_count{{method=\"{method}\",route=\"{route}\"}} {}",
                h.count()
            );
        }
    }
}

/// The stable code of an error answer, as the JSON error answers record it in the response's
/// extensions (`http::error::json_answer`); `None` for any other answer.
#[must_use]
pub fn error_code(response: &HttpResponse) -> Option<ErrorCode> {
    response.extensions().get::<ErrorCode>().copied()
}

/// Whether `req` may read the metrics: from the loopback address and not through a proxy, or
/// with the configured token.
#[must_use]
pub fn allowed(req: &HttpRequest, token: Option<&str>) -> bool {
    if let Some(token) = token {
        let sent = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(sent) = sent {
            return same_secret(sent.as_bytes(), token.as_bytes());
        }
    }
    let proxied = req.headers().contains_key("x-forwarded-for")
        || req.headers().contains_key(header::FORWARDED);
    !proxied && req.peer_addr().is_some_and(|a| a.ip().is_loopback())
}

/// Whether two secrets are equal, in a time that does not depend on where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    // comparing digests keeps the time independent of the secrets' lengths too
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    a.iter().zip(b.iter()).fold(0_u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// The metrics, for those [`allowed`] to read them; others get 403 `forbidden`.
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let token = state
        .settings
        .metrics_token
        .as_ref()
        .map(|t: &crate::settings::Secret| t.expose());
    if !allowed(&req, token) {
        return Err(ApiError(Error::new(
            Kind::Forbidden,
            ErrorCode::Forbidden,
            msg!("error-metrics-refused"),
        )));
    }
    let audit_entries = state
        .db(|conn| Ok(crate::domain::audit::chain_head(conn)?.entry))
        .await?;
    let commit = state.commit.stats();
    let (writer_waits, writer_wait_micros) = crate::db::SqliteWriters::waited();
    let gauges = Gauges {
        answers_stored: commit.answers,
        ballots_stored: commit.ballots,
        commit_groups: commit.groups,
        commit_items: commit.items,
        writer_waits,
        writer_wait_micros,
        audit_entries,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(state.metrics.render(&gauges)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_counts_routes_by_pattern_and_class() {
        let m = Metrics::default();
        let round = ("GET", "/api/v1/rounds/{id}");
        m.request(round, 200, None, Duration::from_millis(3));
        m.request(round, 204, None, Duration::from_millis(1));
        m.request(
            round,
            404,
            Some(ErrorCode::NotFound),
            Duration::from_millis(1),
        );
        m.request(round, 200, None, Duration::from_secs(12));
        let cast = ("POST", "/api/v1/public/rounds/{slug}/ballots");
        m.request(
            cast,
            409,
            Some(ErrorCode::BallotCodeUsed),
            Duration::from_millis(40),
        );
        m.batch(false);
        m.batch(true);
        m.batch(true);
        let text = m.render(&Gauges {
            audit_entries: 12,
            ..Gauges::default()
        });
        assert!(text.contains(
            "canvass_http_requests_total{method=\"GET\",route=\"/api/v1/rounds/{id}\",status=\"2xx\"} 3"
        ), "{text}");
        assert!(text.contains("status=\"4xx\"} 1"));
        assert!(text.contains("canvass_http_request_seconds_total{method=\"GET\",route=\"/api/v1/rounds/{id}\",status=\"2xx\"} 12.004"));
        assert!(text.contains("# TYPE canvass_http_request_duration_seconds histogram\n"));
        let bucket = |route: &str, le: &str| {
            format!("canvass_http_request_duration_seconds_bucket{{method=\"GET\",route=\"{route}\",le=\"{le}\"}} ")
        };
        let rounds = "/api/v1/rounds/{id}";
        for (le, n) in [("0.005", 3), ("0.01", 3), ("10", 3), ("+Inf", 4)] {
            assert!(
                text.contains(&format!("{}{n}\n", bucket(rounds, le))),
                "{le}: {text}"
            );
        }
        assert!(text.contains("canvass_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/rounds/{id}\"} 4\n"));
        assert!(text.contains("canvass_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/public/rounds/{slug}/ballots\",le=\"0.025\"} 0\n"));
        assert!(text.contains("canvass_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/public/rounds/{slug}/ballots\",le=\"0.05\"} 1\n"));
        assert!(text.contains("canvass_http_errors_total{code=\"not_found\"} 1\n"));
        assert!(text.contains("canvass_http_errors_total{code=\"ballot_code_used\"} 1\n"));
        assert!(text.contains("canvass_sync_batches_stored_total 1\n"));
        assert!(text.contains("canvass_sync_batches_duplicate_total 2\n"));
        assert!(text.contains("canvass_audit_entries 12\n"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(status_class(503), "5xx");
    }
}
