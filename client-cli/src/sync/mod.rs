//! `canvass pull` and `canvass push`: the field sync protocol from the client's side.
//!
//! Pull fetches the manifest with a conditional request and replaces the cached copy. Push
//! sends the queue in batches; every batch is stored (id and exact bytes) before it is first
//! sent, sent again unchanged after a network error or a 5xx, acknowledged once the server
//! answers with a receipt (a duplicate receipt included), and on a refusal its bad items are
//! set aside and the rest go out again under a new id. A push killed at any point leaves the
//! store in a state the next push continues from.

mod decide;
mod progress;

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::{tr, Message};
use canvass_protocol::sync::{FieldCoverage, Manifest, Receipt, MAX_BATCH_BYTES, MAX_BATCH_ITEMS};
use canvass_protocol::{msg, t, ErrorCode, ErrorDetail};
use rand::Rng;

use crate::api::{ApiClient, ClientError, ManifestFetch};
use crate::dates::{format_moment, now_secs};
use crate::error::{CliError, EXIT_FAILURE, EXIT_OK};
use crate::store::{LocalStore, PendingBatch, StoreError};
use crate::table::{Align, Table};

pub use decide::{
    decide, next_step, refused_items, retryable, Answer, Decision, Landed, Step, Window,
};
pub use progress::ConsoleProgress;

/// Items per batch unless told otherwise.
pub const DEFAULT_BATCH_ITEMS: usize = 500;

/// Batches on their way to the server at once unless told otherwise: while the server stores
/// one, the next one travels and is checked.
pub const DEFAULT_IN_FLIGHT: usize = 2;

/// The most batches on their way at once.
pub const MAX_IN_FLIGHT: usize = 4;

/// The environment variable giving the first retry delay in milliseconds (default 500).
pub const RETRY_BASE_ENV: &str = "CANVASS_RETRY_BASE_MS";

// --- pull -----------------------------------------------------------------------------------

/// What `canvass pull` did.
#[derive(Debug)]
pub enum PullOutcome {
    /// The server said nothing changed since the last pull.
    NotModified { pulled_at: i64 },
    /// A new manifest is cached.
    Updated(Box<Manifest>),
}

impl PullOutcome {
    /// What the pull did, in `lang`: the counts, then the surveys and rounds as a table.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        match self {
            PullOutcome::NotModified { pulled_at } => t!(
                lang,
                "cli-pull-up-to-date",
                since = format_moment(*pulled_at)
            ),
            PullOutcome::Updated(m) => {
                let mut out = t!(
                    lang,
                    "cli-pull-done",
                    surveys = m.surveys.len(),
                    rounds = m.rounds.len(),
                    units = m.units.len(),
                    officials = m.officials.len()
                );
                if m.surveys.is_empty() && m.rounds.is_empty() {
                    return out;
                }
                let mut table = Table::new(vec![
                    (String::new(), Align::Left),
                    (tr(lang, "cli-pull-col-id"), Align::Right),
                    (tr(lang, "cli-pull-col-name"), Align::Left),
                    (tr(lang, "cli-pull-col-detail"), Align::Left),
                ]);
                for s in &m.surveys {
                    let versions: Vec<String> =
                        s.versions.iter().map(|v| v.version.to_string()).collect();
                    table.row(vec![
                        tr(lang, "cli-pull-survey"),
                        s.survey.id.to_string(),
                        s.survey.title.get(lang).to_string(),
                        t!(
                            lang,
                            "cli-pull-survey-detail",
                            versions = versions.join(", "),
                            targets = s.survey.targets.len()
                        ),
                    ]);
                }
                for r in &m.rounds {
                    table.row(vec![
                        tr(lang, "cli-pull-round"),
                        r.id.to_string(),
                        format!("{} {}", r.period, r.series_name),
                        round_status(r.status).render(lang),
                    ]);
                }
                out.push('\n');
                out.push_str(&indent(&table.render(), "  "));
                out
            }
        }
    }
}

/// A round's status in the reader's words.
#[must_use]
pub fn round_status(status: canvass_protocol::rounds::RoundStatus) -> Message {
    use canvass_protocol::rounds::RoundStatus;
    match status {
        RoundStatus::Draft => msg!("cli-round-status-draft"),
        RoundStatus::Open => msg!("cli-round-status-open"),
        RoundStatus::Closed => msg!("cli-round-status-closed"),
        RoundStatus::Published => msg!("cli-round-status-published"),
    }
}

/// `text` with every line after `prefix`.
pub(crate) fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| format!("{prefix}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Refuses to mix servers: the store belongs to the server of its first pull while it holds
/// anything not yet sent.
fn check_server(store: &LocalStore, server: &str) -> Result<(), CliError> {
    match store.server()? {
        Some(bound) if bound != server && store.has_unsent_work()? => Err(CliError::Input(msg!(
            "cli-error-other-server",
            bound = bound,
            server = server
        ))),
        _ => Ok(()),
    }
}

/// Fetches the manifest (conditionally, when one is cached from this server) and caches it.
pub fn pull(store: &mut LocalStore, client: &ApiClient) -> Result<PullOutcome, CliError> {
    let server = client.base().to_string();
    check_server(store, &server)?;
    let same_server = store.server()?.as_deref() == Some(server.as_str());
    let cached = if same_server { store.manifest()? } else { None };
    let etag = cached.as_ref().and_then(|c| c.etag.clone());
    match client.fetch_manifest(etag.as_deref())? {
        ManifestFetch::NotModified => match cached {
            Some(cached) => {
                store.touch_manifest(now_secs())?;
                Ok(PullOutcome::NotModified {
                    pulled_at: cached.pulled_at,
                })
            }
            None => Err(CliError::Client(ClientError::Unexpected {
                status: 304,
                body: String::new(),
            })),
        },
        ManifestFetch::Fresh { manifest, etag } => {
            if let Err(bound) = store.bind_server(&server)? {
                return Err(CliError::Input(msg!(
                    "cli-error-other-server",
                    bound = bound,
                    server = server
                )));
            }
            store.save_manifest(&manifest, etag.as_deref(), now_secs())?;
            Ok(PullOutcome::Updated(manifest))
        }
    }
}

/// Fetches the field coverage (the villages of the officer's area and their answer counts on
/// the server) and caches it for `canvass status`.
pub fn pull_coverage(
    store: &mut LocalStore,
    client: &ApiClient,
) -> Result<FieldCoverage, CliError> {
    let coverage = client.fetch_coverage()?;
    store.save_coverage(&coverage, now_secs())?;
    Ok(coverage)
}

// --- retries --------------------------------------------------------------------------------

/// When to try sending a batch again: exponential backoff with jitter, bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay before the first retry (before jitter).
    pub base: Duration,
    /// The longest delay.
    pub max: Duration,
    /// Attempts in all, the first included.
    pub attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(500),
            max: Duration::from_secs(30),
            attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// The default policy with the base delay from `CANVASS_RETRY_BASE_MS` when set (tests
    /// make it small); the longest delay stays 60 times the base, at most 30 s.
    #[must_use]
    pub fn from_env() -> Self {
        let mut policy = Self::default();
        if let Some(ms) = std::env::var(RETRY_BASE_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            policy.base = Duration::from_millis(ms);
            policy.max = Duration::from_millis(ms.saturating_mul(60)).min(policy.max);
        }
        policy
    }

    /// The delay after failed attempt number `attempt` (0 for the first): the base doubled
    /// per attempt, capped at `max`, then a random part of it taken off (between none and
    /// half), so that many clients coming back together spread out.
    #[must_use]
    pub fn delay(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(30)).unwrap_or(u32::MAX);
        let full = self.base.saturating_mul(factor).min(self.max);
        full.mul_f64(rng.gen_range(0.5..=1.0))
    }
}

// --- push -----------------------------------------------------------------------------------

/// How `canvass push` runs.
#[derive(Debug, Clone, Copy)]
pub struct PushOptions {
    /// Keep the answers on this computer after the server stored them.
    pub keep: bool,
    /// Items per batch, 1 to [`MAX_BATCH_ITEMS`].
    pub batch_items: usize,
    /// Bytes per batch body, at most [`MAX_BATCH_BYTES`].
    pub batch_bytes: usize,
    pub retry: RetryPolicy,
    /// Batches on their way at once, 1 to [`MAX_IN_FLIGHT`].
    pub in_flight: usize,
    /// The language of the reasons recorded for items set aside here.
    pub lang: Lang,
}

impl Default for PushOptions {
    fn default() -> Self {
        Self {
            keep: false,
            batch_items: DEFAULT_BATCH_ITEMS,
            batch_bytes: MAX_BATCH_BYTES,
            retry: RetryPolicy::default(),
            in_flight: DEFAULT_IN_FLIGHT,
            lang: Lang::default(),
        }
    }
}

/// What happened during a push, for the progress display.
#[derive(Debug, Clone)]
pub enum PushEvent<'a> {
    /// Starting: this many items to send (pending batch included).
    Start { items: u64 },
    /// A batch goes out (`attempt` from 1).
    Sending {
        batch_id: &'a str,
        items: usize,
        attempt: u32,
        resumed: bool,
    },
    /// It failed for a reason that may pass; the next attempt follows after `delay`.
    Retrying {
        batch_id: &'a str,
        reason: String,
        delay: Duration,
    },
    /// Stored by the server.
    Acknowledged {
        batch_id: &'a str,
        items: usize,
        duplicate: bool,
    },
    /// Refused; `set_aside` items need attention, the rest go out again.
    Refused {
        batch_id: &'a str,
        items: usize,
        set_aside: usize,
    },
}

/// Receives push events (a progress bar, log lines, a test's list).
pub trait Progress {
    fn event(&mut self, event: PushEvent<'_>);
    /// The push is over.
    fn finish(&mut self) {}
}

/// What a push achieved, and why it stopped early if it did.
#[derive(Debug, Default)]
pub struct PushReport {
    pub batches: usize,
    /// Batches the server had already stored (a retry after a lost answer).
    pub duplicates: usize,
    pub survey_responses: usize,
    pub tally_sheets: usize,
    /// Local ids of the items the server refused in this push.
    pub set_aside: Vec<i64>,
    /// Why the push stopped before the queue was empty.
    pub error: Option<CliError>,
}

impl PushReport {
    /// Whether the push stopped on an error.
    #[must_use]
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }
}

impl PushReport {
    /// The summary in `lang`: what the server stored, and the items it refused.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        if self.batches == 0 && self.set_aside.is_empty() && self.error.is_none() {
            return tr(lang, "cli-push-nothing");
        }
        let mut out = t!(
            lang,
            "cli-push-done",
            batches = self.batches,
            responses = self.survey_responses,
            sheets = self.tally_sheets
        );
        if self.duplicates > 0 {
            out.push_str(&t!(lang, "cli-push-duplicates", batches = self.duplicates));
        }
        if !self.set_aside.is_empty() {
            out.push('\n');
            out.push_str(&t!(
                lang,
                "cli-push-set-aside",
                count = self.set_aside.len(),
                items = self
                    .set_aside
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out
    }

    /// The exit code: [`EXIT_FAILURE`] when the push stopped on an error or the server refused
    /// items (they need the officer), [`EXIT_OK`] otherwise.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        if self.error.is_some() || !self.set_aside.is_empty() {
            EXIT_FAILURE
        } else {
            EXIT_OK
        }
    }
}

fn short_reason(e: &ClientError) -> String {
    match e {
        ClientError::Unreachable { reason, .. } => reason.clone(),
        ClientError::Api { status, code, .. } => format!("HTTP {status} {code}"),
        ClientError::Unexpected { status, .. } => format!("HTTP {status}"),
        ClientError::BadServerUrl(url) => url.clone(),
    }
}

/// A new batch id: 32 random lowercase hexadecimal characters (128 bits).
#[must_use]
pub fn new_batch_id() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    bytes.iter().fold(String::with_capacity(32), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Sends everything queued (a batch left pending by an interrupted push first) and records
/// each answer. Stops at the first problem that needs the officer (sign in again, upgrade,
/// no network after every retry), leaving the store ready for the next push; the report says
/// what was done and why it stopped.
pub fn push(
    store: &mut LocalStore,
    client: &ApiClient,
    options: PushOptions,
    progress: &mut dyn Progress,
    sleep: &mut dyn FnMut(Duration),
) -> PushReport {
    let mut report = PushReport::default();
    if let Err(e) = push_inner(store, client, options, progress, sleep, &mut report) {
        report.error = Some(e);
    }
    progress.finish();
    // deleted answers must not linger in the write-ahead log
    let _ = store.checkpoint();
    report
}

fn push_inner(
    store: &mut LocalStore,
    client: &ApiClient,
    options: PushOptions,
    progress: &mut dyn Progress,
    sleep: &mut dyn FnMut(Duration),
    report: &mut PushReport,
) -> Result<(), CliError> {
    let server = client.base().to_string();
    let _lock = store
        .lock_push()?
        .ok_or_else(|| CliError::Input(msg!("cli-error-push-running")))?;
    let counts = store.counts()?;
    let to_send: u64 = counts.iter().map(|c| c.queued + c.batched).sum();
    if to_send == 0 {
        return Ok(());
    }
    match store.server()? {
        Some(bound) if bound == server => {}
        Some(bound) => {
            return Err(CliError::Input(msg!(
                "cli-error-other-server",
                bound = bound,
                server = server
            )))
        }
        None => return Err(CliError::Input(msg!("cli-error-no-server"))),
    }
    progress.event(PushEvent::Start { items: to_send });
    let mut batch_items = options.batch_items.clamp(1, MAX_BATCH_ITEMS);
    let batch_bytes = options.batch_bytes.clamp(1024, MAX_BATCH_BYTES);
    let depth = options.in_flight.clamp(1, MAX_IN_FLIGHT);
    let attempts = options.retry.attempts.max(1);
    let mut rng = rand::thread_rng();
    std::thread::scope(|scope| {
        let mut window: VecDeque<Flight<'_>> = VecDeque::new();
        // the first error that ends the push: nothing new goes out after it, and the batches
        // already on their way are still answered and acknowledged
        let mut stop: Option<CliError> = None;
        // the batch that goes out next, made (given its id and bytes, saved) while the others
        // are on their way, so that a free place in the window is filled at once
        let mut ready: Option<(PendingBatch, bool)> = None;
        let mut queue_empty = false;
        let next_batch = |store: &mut LocalStore,
                          window: &VecDeque<Flight<'_>>,
                          batch_items: usize|
         -> Result<Option<(PendingBatch, bool)>, StoreError> {
            let flying: Vec<&str> = window.iter().map(|f| f.batch.batch_id.as_str()).collect();
            Ok(match store.pending_batch_except(&flying)? {
                Some(batch) => Some((batch, true)),
                None => store
                    .create_batch(&new_batch_id(), batch_items, batch_bytes)?
                    .map(|batch| (batch, false)),
            })
        };
        loop {
            let state = Window {
                in_flight: window.len(),
                depth,
                stopping: stop.is_some(),
                ready: ready.is_some(),
                queue_empty,
            };
            match next_step(state) {
                Step::Send => {
                    let next = match ready.take() {
                        Some(next) => Some(next),
                        None => next_batch(store, &window, batch_items)?,
                    };
                    match next {
                        Some((batch, resumed)) => window.push_back(Flight::launch(
                            scope, store, client, batch, resumed, 1, progress,
                        )?),
                        None => queue_empty = true,
                    }
                    continue;
                }
                Step::MakeAhead => {
                    ready = next_batch(store, &window, batch_items)?;
                    queue_empty = ready.is_none();
                    continue;
                }
                Step::Finish => return stop.map_or(Ok(()), Err),
                Step::Land => {}
            }
            let Some(flight) = window.pop_front() else {
                return stop.map_or(Ok(()), Err);
            };
            let (batch, resumed, attempt, result) = flight.land();
            // an answer may have queued items again (a refusal): look for a batch afresh
            queue_empty = false;
            let landed = Landed {
                batch_id: &batch.batch_id,
                items: batch.item_count,
                attempt,
                attempts,
                stopping: stop.is_some(),
                batch_items,
                backoff: options.retry.delay(attempt - 1, &mut rng),
                max_delay: options.retry.max,
            };
            let answer = match &result {
                Ok(receipt) => Answer::Receipt {
                    batch_id: &receipt.batch_id,
                },
                Err(e) => Answer::Failed(e),
            };
            match decide(&landed, answer) {
                Decision::Record { send_ahead } => {
                    let Ok(receipt) = result else {
                        unreachable!("a receipt is recorded")
                    };
                    // sent before the landed batch is acknowledged: the server goes on storing
                    // while this computer records what it stored
                    if let Some((next, resumed)) = ready.take().filter(|_| send_ahead) {
                        window.push_back(Flight::launch(
                            scope, store, client, next, resumed, 1, progress,
                        )?);
                    }
                    let done = store.acknowledge(&batch.batch_id, &receipt, options.keep)?;
                    report.batches += 1;
                    report.duplicates += usize::from(receipt.duplicate);
                    report.survey_responses += done.survey_responses;
                    report.tally_sheets += done.tally_sheets;
                    progress.event(PushEvent::Acknowledged {
                        batch_id: &batch.batch_id,
                        items: batch.item_count,
                        duplicate: receipt.duplicate,
                    });
                }
                Decision::StopOnForeignReceipt => {
                    let received = result.map(|r| r.batch_id).unwrap_or_default();
                    stop.get_or_insert(CliError::Input(msg!(
                        "cli-error-foreign-receipt",
                        received = received,
                        sent = batch.batch_id.as_str()
                    )));
                }
                Decision::Resend { attempt, wait } => {
                    if let Err(e) = &result {
                        progress.event(PushEvent::Retrying {
                            batch_id: &batch.batch_id,
                            reason: short_reason(e),
                            delay: wait,
                        });
                    }
                    sleep(wait);
                    window.push_front(Flight::launch(
                        scope, store, client, batch, resumed, attempt, progress,
                    )?);
                }
                Decision::SetAside(refused) => {
                    let set_aside = store.refuse(&batch.batch_id, &refused)?;
                    progress.event(PushEvent::Refused {
                        batch_id: &batch.batch_id,
                        items: batch.item_count,
                        set_aside: set_aside.len(),
                    });
                    report.set_aside.extend(set_aside);
                }
                Decision::SetAsideTooLarge => {
                    let message = result
                        .err()
                        .map(|e| e.render(options.lang))
                        .unwrap_or_default();
                    let only = BTreeMap::from([(
                        0,
                        vec![ErrorDetail {
                            code: ErrorCode::PayloadTooLarge,
                            message,
                            field: None,
                        }],
                    )]);
                    report
                        .set_aside
                        .extend(store.refuse(&batch.batch_id, &only)?);
                }
                Decision::Split {
                    batch_items: smaller,
                } => {
                    store.unbatch(&batch.batch_id)?;
                    batch_items = smaller;
                }
                Decision::DropAndStop => {
                    store.unbatch(&batch.batch_id)?;
                    if let Err(e) = result {
                        stop.get_or_insert(e.into());
                    }
                }
                Decision::KeepAndStop { resent_next_push } => {
                    let note = resent_next_push
                        .then(|| msg!("cli-push-batch-kept", items = batch.item_count));
                    if let Err(cause) = result {
                        stop.get_or_insert(CliError::Push {
                            cause: Box::new(cause),
                            note,
                        });
                    }
                }
            }
        }
    })
}

/// One batch on its way to the server: a thread of its own waits for the answer while the
/// push prepares, sends and acknowledges others.
struct Flight<'scope> {
    batch: PendingBatch,
    resumed: bool,
    /// This send's number, from 1.
    attempt: u32,
    answer: std::thread::ScopedJoinHandle<'scope, Result<Receipt, ClientError>>,
}

impl<'scope> Flight<'scope> {
    /// Counts the attempt in the store, then sends the batch's exact bytes.
    fn launch<'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        store: &mut LocalStore,
        client: &'env ApiClient,
        batch: PendingBatch,
        resumed: bool,
        attempt: u32,
        progress: &mut dyn Progress,
    ) -> Result<Self, StoreError> {
        store.record_attempt(&batch.batch_id)?;
        progress.event(PushEvent::Sending {
            batch_id: &batch.batch_id,
            items: batch.item_count,
            attempt,
            resumed,
        });
        let body = batch.body.clone();
        let answer = scope.spawn(move || client.post_batch(&body));
        Ok(Self {
            batch,
            resumed,
            attempt,
            answer,
        })
    }

    /// Waits for the server's answer.
    fn land(self) -> (PendingBatch, bool, u32, Result<Receipt, ClientError>) {
        let result = self.answer.join().unwrap_or_else(|_| {
            Err(ClientError::Unexpected {
                status: 0,
                body: "the thread sending the batch stopped".into(),
            })
        });
        (self.batch, self.resumed, self.attempt, result)
    }
}

/// Whether `dir` holds a store file at all (`status` before the first pull).
#[must_use]
pub fn store_exists(dir: &Path) -> bool {
    dir.join(crate::store::STORE_FILE).exists()
}

#[cfg(test)]
mod tests;
