//! `canvass pull` and `canvass push`: the field sync protocol from the client's side.
//!
//! Pull fetches the manifest with a conditional request and replaces the cached copy. Push
//! sends the queue in batches; every batch is stored (id and exact bytes) before it is first
//! sent, sent again unchanged after a network error or a 5xx, acknowledged once the server
//! answers with a receipt (a duplicate receipt included), and on a refusal its bad items are
//! set aside and the rest go out again under a new id. A push killed at any point leaves the
//! store in a state the next push continues from.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::{self, Write as _};
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use canvass_protocol::sync::{Manifest, Receipt, MAX_BATCH_BYTES, MAX_BATCH_ITEMS};
use canvass_protocol::{ErrorCode, ErrorDetail};
use rand::Rng;

use crate::api::{ApiClient, ClientError, ManifestFetch};
use crate::dates::{format_moment, now_secs};
use crate::error::CliError;
use crate::store::{LocalStore, PendingBatch, StoreError};

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

impl fmt::Display for PullOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PullOutcome::NotModified { pulled_at } => write!(
                f,
                "The forms cached here are up to date (the server reports no change since {}).",
                format_moment(*pulled_at)
            ),
            PullOutcome::Updated(m) => {
                write!(
                    f,
                    "Pulled the forms: {} open survey(s), {} appraisal round(s), {} unit(s), {} \
                     official(s).",
                    m.surveys.len(),
                    m.rounds.len(),
                    m.units.len(),
                    m.officials.len()
                )?;
                for s in &m.surveys {
                    let versions: Vec<String> =
                        s.versions.iter().map(|v| v.version.to_string()).collect();
                    write!(
                        f,
                        "\n  survey {}  {}  (version {}; {} target(s))",
                        s.survey.id,
                        s.survey.title.zh_cn,
                        versions.join(", "),
                        s.survey.targets.len()
                    )?;
                }
                for r in &m.rounds {
                    write!(
                        f,
                        "\n  round {}  {} {}  ({})",
                        r.id,
                        r.period,
                        r.series_name,
                        r.status.as_str()
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// Refuses to mix servers: the store belongs to the server of its first pull while it holds
/// anything not yet sent.
fn check_server(store: &LocalStore, server: &str) -> Result<(), CliError> {
    match store.server()? {
        Some(bound) if bound != server && store.has_unsent_work()? => {
            Err(CliError::Input(format!(
                "the answers kept on this computer belong to {bound}, but you are signed in to \
             {server}. Nothing was sent. Sign in to {bound} (`canvass login --server {bound}`) and \
             push them first, or discard them."
            )))
        }
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
                body: "Not Modified to a request without If-None-Match".into(),
            })),
        },
        ManifestFetch::Fresh { manifest, etag } => {
            if let Err(bound) = store.bind_server(&server)? {
                return Err(CliError::Input(format!(
                    "the answers kept on this computer belong to {bound}; push or discard them \
                     before pulling from {server}."
                )));
            }
            store.save_manifest(&manifest, etag.as_deref(), now_secs())?;
            Ok(PullOutcome::Updated(manifest))
        }
    }
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

/// Whether an error may go away by itself: the network, a 5xx, an overloaded server.
fn retryable(e: &ClientError) -> bool {
    match e {
        ClientError::Unreachable { .. } => true,
        ClientError::Api { status, code, .. } => {
            *status >= 500 || *status == 408 || *code == ErrorCode::RateLimited
        }
        ClientError::Unexpected { status, .. } => *status >= 500 || *status == 408,
        ClientError::BadServerUrl(_) => false,
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
}

impl Default for PushOptions {
    fn default() -> Self {
        Self {
            keep: false,
            batch_items: DEFAULT_BATCH_ITEMS,
            batch_bytes: MAX_BATCH_BYTES,
            retry: RetryPolicy::default(),
            in_flight: DEFAULT_IN_FLIGHT,
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

impl fmt::Display for PushReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.batches == 0 && self.set_aside.is_empty() && self.error.is_none() {
            return f.write_str("Nothing to push: the queue is empty.");
        }
        write!(
            f,
            "Pushed {} batch(es): the server stored {} answer set(s) and {} tally sheet(s).",
            self.batches, self.survey_responses, self.tally_sheets
        )?;
        if self.duplicates > 0 {
            write!(
                f,
                " {} batch(es) had been stored before and were confirmed again.",
                self.duplicates
            )?;
        }
        if !self.set_aside.is_empty() {
            write!(
                f,
                "\n{} item(s) were refused and set aside: {}. See `canvass status`, then `canvass \
                 fix ITEM` or `canvass discard ITEM`.",
                self.set_aside.len(),
                self.set_aside
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        Ok(())
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

/// The refused items of a `422 batch_refused`: position in the batch → problems, with fields
/// made relative to the item (`items[3].answers.q1` → `answers.q1`).
#[must_use]
pub fn refused_items(
    error: &ErrorDetail,
    errors: &[ErrorDetail],
) -> BTreeMap<usize, Vec<ErrorDetail>> {
    let mut out: BTreeMap<usize, Vec<ErrorDetail>> = BTreeMap::new();
    for detail in std::iter::once(error).chain(errors) {
        let Some(field) = &detail.field else { continue };
        let Some(rest) = field.strip_prefix("items[") else {
            continue;
        };
        let Some((index, tail)) = rest.split_once(']') else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        let tail = tail.trim_start_matches('.');
        let relative = ErrorDetail {
            code: detail.code,
            message: detail.message.clone(),
            field: (!tail.is_empty()).then(|| tail.to_string()),
        };
        let list = out.entry(index).or_default();
        if !list.contains(&relative) {
            list.push(relative);
        }
    }
    out
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
    let _lock = store.lock_push()?.ok_or_else(|| {
        CliError::Input(
            "another `canvass push` is running on this computer; wait for it to finish.".into(),
        )
    })?;
    let counts = store.counts()?;
    let to_send: u64 = counts.iter().map(|c| c.queued + c.batched).sum();
    if to_send == 0 {
        return Ok(());
    }
    match store.server()? {
        Some(bound) if bound == server => {}
        Some(bound) => {
            return Err(CliError::Input(format!(
                "the answers kept on this computer belong to {bound}, but you are signed in to \
                 {server}. Nothing was sent. Sign in to {bound} (`canvass login --server {bound}`) \
                 and push again."
            )))
        }
        None => {
            return Err(CliError::Input(
                "this computer's store does not record which server its answers belong to. \
                 Run `canvass pull` first."
                    .into(),
            ))
        }
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
            while stop.is_none() && window.len() < depth {
                let next = match ready.take() {
                    Some(next) => Some(next),
                    None => next_batch(store, &window, batch_items)?,
                };
                let Some((batch, resumed)) = next else { break };
                window.push_back(Flight::launch(
                    scope, store, client, batch, resumed, 1, progress,
                )?);
            }
            if stop.is_none() && ready.is_none() && window.len() == depth {
                ready = next_batch(store, &window, batch_items)?;
            }
            let Some(flight) = window.pop_front() else {
                return stop.map_or(Ok(()), Err);
            };
            let (batch, resumed, attempt, result) = flight.land();
            let error = match result {
                Ok(receipt) => {
                    if receipt.batch_id != batch.batch_id {
                        stop.get_or_insert(CliError::Client(ClientError::Unexpected {
                            status: 200,
                            body: format!(
                                "a receipt for batch {} when batch {} was sent",
                                receipt.batch_id, batch.batch_id
                            ),
                        }));
                        continue;
                    }
                    // sent before the landed batch is acknowledged: the server goes on storing
                    // while this computer records what it stored
                    if let Some((next, resumed)) = ready.take().filter(|_| stop.is_none()) {
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
                    continue;
                }
                // once the push is stopping, a batch that may pass later stays saved as it is
                Err(e) if retryable(&e) && attempt < attempts && stop.is_none() => {
                    let mut delay = options.retry.delay(attempt - 1, &mut rng);
                    if let ClientError::Api {
                        retry_after: Some(s),
                        ..
                    } = &e
                    {
                        delay = delay.max(Duration::from_secs(*s).min(options.retry.max));
                    }
                    progress.event(PushEvent::Retrying {
                        batch_id: &batch.batch_id,
                        reason: short_reason(&e),
                        delay,
                    });
                    sleep(delay);
                    window.push_front(Flight::launch(
                        scope,
                        store,
                        client,
                        batch,
                        resumed,
                        attempt + 1,
                        progress,
                    )?);
                    continue;
                }
                Err(e) => e,
            };
            match error {
                ClientError::Api {
                    status: 422,
                    code: ErrorCode::BatchRefused,
                    message,
                    field,
                    errors,
                    retry_after,
                } => {
                    let lead = ErrorDetail {
                        code: ErrorCode::BatchRefused,
                        message: message.clone(),
                        field: field.clone(),
                    };
                    let refused: BTreeMap<usize, Vec<ErrorDetail>> = refused_items(&lead, &errors)
                        .into_iter()
                        .filter(|(i, _)| *i < batch.item_count)
                        .collect();
                    if refused.is_empty() {
                        store.unbatch(&batch.batch_id)?;
                        stop.get_or_insert(CliError::Client(ClientError::Api {
                            status: 422,
                            code: ErrorCode::BatchRefused,
                            message,
                            field,
                            errors,
                            retry_after,
                        }));
                        continue;
                    }
                    let set_aside = store.refuse(&batch.batch_id, &refused)?;
                    progress.event(PushEvent::Refused {
                        batch_id: &batch.batch_id,
                        items: batch.item_count,
                        set_aside: set_aside.len(),
                    });
                    report.set_aside.extend(set_aside);
                }
                e @ ClientError::Api { status: 413, .. } => {
                    if batch.item_count <= 1 {
                        let mut only = BTreeMap::new();
                        only.insert(
                            0,
                            vec![ErrorDetail {
                                code: ErrorCode::PayloadTooLarge,
                                message: e.to_string(),
                                field: None,
                            }],
                        );
                        report
                            .set_aside
                            .extend(store.refuse(&batch.batch_id, &only)?);
                    } else {
                        store.unbatch(&batch.batch_id)?;
                        batch_items = batch_items.min((batch.item_count / 2).max(1));
                    }
                }
                e @ ClientError::Api {
                    status: 400 | 404 | 405 | 415 | 422,
                    ..
                } => {
                    // refused as a whole, nothing stored: a later push builds the batch anew
                    // instead of sending bytes the server will never take
                    store.unbatch(&batch.batch_id)?;
                    stop.get_or_insert(e.into());
                }
                e => {
                    let keep_note = if e.is_token_refused()
                        || matches!(
                            e.code(),
                            Some(
                                ErrorCode::AccountDisabled
                                    | ErrorCode::ProtocolUnsupported
                                    | ErrorCode::BatchConflict
                            )
                        ) {
                        String::new()
                    } else {
                        format!(
                            "\nThe batch ({} items) is saved on this computer and will be sent \
                             first, unchanged, by the next `canvass push`.",
                            batch.item_count
                        )
                    };
                    stop.get_or_insert(CliError::Push {
                        cause: e,
                        note: keep_note,
                    });
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

// --- progress display -------------------------------------------------------------------------

/// The progress of a push on standard error: a bar when it is a terminal, otherwise one plain
/// line per batch.
pub struct ConsoleProgress {
    bar: Option<indicatif::ProgressBar>,
}

impl ConsoleProgress {
    /// A bar if standard error is a terminal, plain lines otherwise.
    #[must_use]
    pub fn new() -> Self {
        Self {
            bar: std::io::stderr().is_terminal().then(|| {
                let bar = indicatif::ProgressBar::new(0);
                if let Ok(style) =
                    indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} items  {msg}")
                {
                    bar.set_style(style);
                }
                bar
            }),
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }
}

impl Default for ConsoleProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for ConsoleProgress {
    fn event(&mut self, event: PushEvent<'_>) {
        match event {
            PushEvent::Start { items } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(items);
                }
            }
            PushEvent::Sending {
                batch_id,
                items,
                attempt,
                resumed,
            } => {
                let note = if resumed && attempt == 1 {
                    " (left by an interrupted push, sent again unchanged)"
                } else {
                    ""
                };
                match &self.bar {
                    Some(bar) => {
                        bar.set_message(format!("sending batch {batch_id} (attempt {attempt})"));
                    }
                    None => eprintln!(
                        "sending batch {batch_id}: {items} items, attempt {attempt}{note}"
                    ),
                }
            }
            PushEvent::Retrying {
                batch_id,
                reason,
                delay,
            } => self.line(&format!(
                "batch {batch_id}: {reason}; trying again in {:.1} s",
                delay.as_secs_f64()
            )),
            PushEvent::Acknowledged {
                batch_id,
                items,
                duplicate,
            } => {
                let what = if duplicate {
                    "already stored, confirmed again"
                } else {
                    "stored"
                };
                match &self.bar {
                    Some(bar) => bar.inc(items as u64),
                    None => eprintln!("batch {batch_id}: {items} items {what}"),
                }
            }
            PushEvent::Refused {
                batch_id,
                items,
                set_aside,
            } => {
                if let Some(bar) = &self.bar {
                    bar.inc(set_aside as u64);
                }
                self.line(&format!(
                    "batch {batch_id} refused: {set_aside} of its {items} items set aside; the \
                     rest go out again in a new batch"
                ));
            }
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Whether `dir` holds a store file at all (`status` before the first pull).
#[must_use]
pub fn store_exists(dir: &Path) -> bool {
    dir.join(crate::store::STORE_FILE).exists()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::response;
    use crate::store::ItemState;
    use canvass_protocol::sync::Batch;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Mutex};

    #[test]
    fn delays_double_up_to_the_cap_and_lose_at_most_half_to_jitter() {
        let policy = RetryPolicy::default();
        let mut rng = rand::thread_rng();
        for _ in 0..200 {
            for attempt in 0..12 {
                let full = Duration::from_millis(500 * (1u64 << attempt)).min(policy.max);
                let d = policy.delay(attempt, &mut rng);
                assert!(d <= full && d >= full / 2, "attempt {attempt}: {d:?}");
            }
        }
        assert!(policy.delay(100, &mut rng) <= Duration::from_secs(30));
        let total: Duration = (0..policy.attempts - 1)
            .map(|a| policy.base.saturating_mul(1 << a).min(policy.max))
            .sum();
        assert!(total < Duration::from_secs(90), "bounded: {total:?}");
    }

    #[test]
    fn batch_ids_are_fresh_32_character_hex() {
        let a = new_batch_id();
        assert!(canvass_protocol::sync::valid_batch_id(&a), "{a}");
        assert_ne!(a, new_batch_id());
    }

    #[test]
    fn refused_fields_name_the_items_by_position() {
        let lead = ErrorDetail {
            code: ErrorCode::BatchRefused,
            message: "refused".into(),
            field: None,
        };
        let errors = vec![
            ErrorDetail {
                code: ErrorCode::InvalidOption,
                message: "bad".into(),
                field: Some("items[3].answers.q1".into()),
            },
            ErrorDetail {
                code: ErrorCode::SurveyClosed,
                message: "closed".into(),
                field: Some("items[0]".into()),
            },
            ErrorDetail {
                code: ErrorCode::InvalidValue,
                message: "x".into(),
                field: Some("batch_id".into()),
            },
        ];
        let refused = refused_items(&lead, &errors);
        assert_eq!(refused.keys().copied().collect::<Vec<_>>(), [0, 3]);
        assert_eq!(refused[&3][0].field.as_deref(), Some("answers.q1"));
        assert_eq!(refused[&0][0].field, None);
    }

    /// A scripted HTTP server: answers each request with the next (status, body) and records
    /// every request body.
    struct FakeServer {
        address: String,
        bodies: Arc<Mutex<Vec<Vec<u8>>>>,
    }

    fn fake_server(script: Vec<(u16, String)>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        std::thread::spawn(move || {
            for (status, body) in script {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0usize;
                let mut protocol = false;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    protocol |= lower.starts_with("canvass-protocol: 1");
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                }
                let mut request = vec![0; length];
                reader.read_exact(&mut request).unwrap();
                assert!(protocol, "every sync request names the protocol");
                seen.lock().unwrap().push(request);
                let mut stream = stream;
                if status == 0 {
                    // drop the connection without answering
                    continue;
                }
                write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
            }
        });
        FakeServer { address, bodies }
    }

    #[derive(Default)]
    struct Events(Vec<String>);

    impl Progress for Events {
        fn event(&mut self, event: PushEvent<'_>) {
            self.0.push(match event {
                PushEvent::Start { items } => format!("start {items}"),
                PushEvent::Sending {
                    items,
                    attempt,
                    resumed,
                    ..
                } => {
                    format!(
                        "send {items} #{attempt}{}",
                        if resumed { " resumed" } else { "" }
                    )
                }
                PushEvent::Retrying { .. } => "retry".into(),
                PushEvent::Acknowledged {
                    items, duplicate, ..
                } => format!("ack {items} {duplicate}"),
                PushEvent::Refused { set_aside, .. } => format!("refused {set_aside}"),
            });
        }
    }

    fn store_with(dir: &Path, server: &str, n: usize) -> LocalStore {
        let mut store = LocalStore::open_in(dir).unwrap();
        assert_eq!(store.bind_server(server).unwrap(), Ok(()));
        for i in 0..n {
            store.add_item(&response(3, &format!("a{i}"))).unwrap();
        }
        store
    }

    fn options() -> PushOptions {
        PushOptions {
            retry: RetryPolicy {
                base: Duration::from_millis(1),
                max: Duration::from_millis(4),
                attempts: 3,
            },
            // the scripted servers answer in the order they are asked
            in_flight: 1,
            ..PushOptions::default()
        }
    }

    /// A server answering receipts for whatever batch id it is sent.
    fn echo_server(script: Vec<(u16, &'static str)>) -> FakeServer {
        // responses are templates; {ID} is replaced per request by the handler below
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        std::thread::spawn(move || {
            for (status, template) in script {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let request = read_request(&stream);
                seen.lock().unwrap().push(request.clone());
                if status != 0 {
                    answer(stream, status, template, &request);
                }
            }
        });
        FakeServer { address, bodies }
    }

    /// The body of the one request on `stream`.
    fn read_request(stream: &TcpStream) -> Vec<u8> {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let mut request = vec![0; length];
        reader.read_exact(&mut request).unwrap();
        request
    }

    /// Answers a batch request with `template`, its {ID} and {N} filled in from the batch.
    fn answer(mut stream: TcpStream, status: u16, template: &str, request: &[u8]) {
        let batch: Batch = serde_json::from_slice(request).unwrap();
        let body = template
            .replace("{ID}", &batch.batch_id)
            .replace("{N}", &batch.items.len().to_string());
        write!(
            stream,
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
    }

    /// A server that answers nothing until two batch requests have arrived together, then
    /// the first to arrive with `first` and the second with `second`. A push that sends one
    /// batch at a time gets no answer at all (the server gives up after 20 s).
    fn paired_server(first: (u16, &'static str), second: (u16, &'static str)) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            let mut waiting = Vec::new();
            while waiting.len() < 2 && std::time::Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        let request = read_request(&stream);
                        seen.lock().unwrap().push(request.clone());
                        waiting.push((stream, request));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            if waiting.len() < 2 {
                return;
            }
            for ((stream, request), (status, template)) in waiting.into_iter().zip([first, second])
            {
                answer(stream, status, template, &request);
            }
        });
        FakeServer { address, bodies }
    }

    const RECEIPT: &str = r#"{"batch_id":"{ID}","received_at":1,"survey_responses":{N},"tally_sheets":0,"duplicate":false}"#;
    const DUPLICATE: &str = r#"{"batch_id":"{ID}","received_at":1,"survey_responses":{N},"tally_sheets":0,"duplicate":true}"#;

    /// Pushes 4 items in 2 batches, both in flight at once, to `server`.
    fn push_two_at_once(server: &FakeServer, dir: &Path) -> (PushReport, LocalStore) {
        let mut store = store_with(dir, &server.address, 4);
        let client = ApiClient::new(&server.address).unwrap().with_token("t");
        let options = PushOptions {
            batch_items: 2,
            in_flight: 2,
            ..options()
        };
        let report = push(
            &mut store,
            &client,
            options,
            &mut Events::default(),
            &mut |_| {},
        );
        (report, store)
    }

    #[test]
    fn two_batches_travel_at_once_and_both_are_acknowledged() {
        let server = paired_server((201, RECEIPT), (201, RECEIPT));
        let dir = tempfile::tempdir().unwrap();
        let (report, store) = push_two_at_once(&server, dir.path());
        assert!(report.error.is_none(), "{:?}", report.error);
        assert_eq!((report.batches, report.survey_responses), (2, 4));
        assert_eq!(server.bodies.lock().unwrap().len(), 2);
        assert!(store.pending_batch().unwrap().is_none());
        assert_eq!(store.acknowledged_batches().unwrap(), 2);
        assert!(store.items_in(ItemState::Queued).unwrap().is_empty());
    }

    #[test]
    fn a_batch_that_fails_beside_a_stored_one_stays_saved_and_the_other_is_acknowledged() {
        let server = paired_server(
            (
                409,
                r#"{"error":{"code":"batch_conflict","message":"other content"}}"#,
            ),
            (201, RECEIPT),
        );
        let dir = tempfile::tempdir().unwrap();
        let (report, store) = push_two_at_once(&server, dir.path());
        assert!(
            matches!(&report.error, Some(CliError::Push { cause, .. }) if cause.code() == Some(ErrorCode::BatchConflict)),
            "{:?}",
            report.error
        );
        assert_eq!((report.batches, report.survey_responses), (1, 2));
        assert_eq!(store.acknowledged_batches().unwrap(), 1);
        let kept = store
            .pending_batch()
            .unwrap()
            .expect("the refused batch stays saved");
        assert_eq!(kept.item_count, 2);
        // nothing new went out after the error
        assert_eq!(server.bodies.lock().unwrap().len(), 2);
    }

    #[test]
    fn network_errors_and_5xx_are_retried_with_the_same_id_and_bytes() {
        let server = echo_server(vec![
            (0, ""),
            (
                503,
                r#"{"error":{"code":"service_unavailable","message":"db down"}}"#,
            ),
            (201, RECEIPT),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with(dir.path(), &server.address, 3);
        let client = ApiClient::new(&server.address).unwrap().with_token("t");
        let mut events = Events::default();
        let mut slept = Vec::new();
        let report = push(&mut store, &client, options(), &mut events, &mut |d| {
            slept.push(d);
        });
        assert!(!report.failed(), "{:?}", report.error);
        assert_eq!(report.survey_responses, 3);
        let bodies = server.bodies.lock().unwrap();
        assert_eq!(bodies.len(), 3);
        assert!(
            bodies.iter().all(|b| *b == bodies[0]),
            "same bytes every time"
        );
        assert_eq!(slept.len(), 2);
        assert_eq!(
            events.0,
            [
                "start 3",
                "send 3 #1",
                "retry",
                "send 3 #2",
                "retry",
                "send 3 #3",
                "ack 3 false"
            ]
        );
        assert!(store.items_in(ItemState::Queued).unwrap().is_empty());
        assert_eq!(store.counts().unwrap()[0].sent, 3);
    }

    #[test]
    fn a_pending_batch_survives_a_failed_push_and_goes_out_first_unchanged() {
        let server = echo_server(vec![
            (0, ""),
            (0, ""),
            (0, ""),
            (200, DUPLICATE),
            (201, RECEIPT),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with(dir.path(), &server.address, 2);
        let client = ApiClient::new(&server.address).unwrap().with_token("t");
        let report = push(
            &mut store,
            &client,
            options(),
            &mut Events::default(),
            &mut |_| {},
        );
        let error = report.error.as_ref().expect("fails after the last attempt");
        assert!(error.to_string().contains("will be sent first"), "{error}");
        let pending = store.pending_batch().unwrap().expect("kept");
        assert_eq!(pending.attempts, 3);
        drop(store);

        // a later push (the store reopened) sends the old batch first, byte for byte, and the
        // answers collected since in a new one
        let mut store = LocalStore::open_in(dir.path()).unwrap();
        store.add_item(&response(3, "later")).unwrap();
        let mut events = Events::default();
        let report = push(&mut store, &client, options(), &mut events, &mut |_| {});
        assert!(!report.failed(), "{:?}", report.error);
        assert_eq!(report.duplicates, 1);
        assert_eq!(report.survey_responses, 3);
        let bodies = server.bodies.lock().unwrap();
        assert_eq!(bodies.len(), 5);
        assert!(
            bodies[..4].iter().all(|b| *b == pending.body),
            "the stored bytes, unchanged"
        );
        // the new batch was made while the old one was on its way, and goes out as soon as
        // the old one is answered, before it is acknowledged in the store
        assert_eq!(
            events.0,
            [
                "start 3",
                "send 2 #1 resumed",
                "send 1 #1",
                "ack 2 true",
                "ack 1 false"
            ]
        );
    }

    #[test]
    fn the_batch_made_ahead_of_a_push_that_stops_is_kept_and_sent_first_next_time() {
        let disabled =
            r#"{"error":{"code":"account_disabled","message":"this account is disabled"}}"#;
        let server = echo_server(vec![
            (403, disabled),
            (201, RECEIPT),
            (201, RECEIPT),
            (201, RECEIPT),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with(dir.path(), &server.address, 3);
        let client = ApiClient::new(&server.address).unwrap().with_token("t");
        let one_each = || PushOptions {
            batch_items: 1,
            ..options()
        };
        let mut events = Events::default();
        let report = push(&mut store, &client, one_each(), &mut events, &mut |_| {});
        assert!(report.failed());
        // the second batch was made (id and bytes saved) while the first was on its way, and
        // not sent once the first was refused
        assert_eq!(events.0, ["start 3", "send 1 #1"]);
        assert_eq!(server.bodies.lock().unwrap().len(), 1);
        let kept: Vec<String> = store
            .pending_batches()
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(kept.len(), 2, "the refused batch and the one made ahead");
        drop(store);

        let mut store = LocalStore::open_in(dir.path()).unwrap();
        let mut events = Events::default();
        let report = push(&mut store, &client, one_each(), &mut events, &mut |_| {});
        assert!(!report.failed(), "{:?}", report.error);
        assert_eq!(report.survey_responses, 3);
        let sent: Vec<String> = server.bodies.lock().unwrap()[1..]
            .iter()
            .map(|b| serde_json::from_slice::<Batch>(b).unwrap().batch_id)
            .collect();
        assert_eq!(sent[..2], kept[..], "both kept batches first, in order");
        assert!(!kept.contains(&sent[2]), "the last answer in a new batch");
        assert_eq!(
            events.0,
            [
                "start 3",
                "send 1 #1 resumed",
                "send 1 #1 resumed",
                "ack 1 false",
                "send 1 #1",
                "ack 1 false",
                "ack 1 false"
            ]
        );
        assert_eq!(store.pending_batches().unwrap(), []);
    }

    #[test]
    fn a_receipt_for_another_batch_stops_the_push_before_the_batch_made_ahead_goes_out() {
        let other = r#"{"batch_id":"00000000000000000000000000000000","received_at":1,"survey_responses":1,"tally_sheets":0,"duplicate":false}"#;
        let server = echo_server(vec![(201, other)]);
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with(dir.path(), &server.address, 2);
        let client = ApiClient::new(&server.address).unwrap().with_token("t");
        let options = PushOptions {
            batch_items: 1,
            ..options()
        };
        let mut events = Events::default();
        let report = push(&mut store, &client, options, &mut events, &mut |_| {});
        let error = report
            .error
            .as_ref()
            .expect("an unexpected receipt stops the push");
        assert!(error.to_string().contains("a receipt for batch"), "{error}");
        assert_eq!(events.0, ["start 2", "send 1 #1"]);
        assert_eq!(
            server.bodies.lock().unwrap().len(),
            1,
            "nothing new went out"
        );
        assert_eq!(
            store.pending_batches().unwrap().len(),
            2,
            "both kept, unacknowledged"
        );
    }

    #[test]
    fn a_refused_batch_sets_its_bad_items_aside_and_the_rest_go_out_under_a_new_id() {
        let refusal = r#"{"error":{"code":"batch_refused","message":"1 item refused"},"errors":[{"code":"survey_closed","message":"survey 3 is closed","field":"items[1]"}]}"#;
        let server = echo_server(vec![(422, refusal), (201, RECEIPT)]);
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with(dir.path(), &server.address, 3);
        let client = ApiClient::new(&server.address).unwrap().with_token("t");
        let mut events = Events::default();
        let report = push(&mut store, &client, options(), &mut events, &mut |_| {});
        assert!(!report.failed(), "{:?}", report.error);
        assert_eq!(report.set_aside.len(), 1);
        assert_eq!(report.survey_responses, 2);
        let bodies = server.bodies.lock().unwrap();
        let first: Batch = serde_json::from_slice(&bodies[0]).unwrap();
        let second: Batch = serde_json::from_slice(&bodies[1]).unwrap();
        assert_ne!(first.batch_id, second.batch_id, "a new id for the rest");
        assert_eq!(second.items.len(), 2);
        assert_eq!(second.items[0], first.items[0]);
        assert_eq!(second.items[1], first.items[2]);
        let aside = store.items_in(ItemState::Attention).unwrap();
        assert_eq!(aside.len(), 1);
        assert_eq!(aside[0].problems[0].code, ErrorCode::SurveyClosed);
        assert_eq!(
            events.0,
            [
                "start 3",
                "send 3 #1",
                "refused 1",
                "send 2 #1",
                "ack 2 false"
            ]
        );
    }

    #[test]
    fn revoked_tokens_stop_the_push_and_keep_the_batch() {
        let server = fake_server(vec![(
            401,
            r#"{"error":{"code":"token_revoked","message":"revoked"}}"#.into(),
        )]);
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with(dir.path(), &server.address, 1);
        let client = ApiClient::new(&server.address).unwrap().with_token("t");
        let report = push(
            &mut store,
            &client,
            options(),
            &mut Events::default(),
            &mut |_| {},
        );
        let error = report.error.expect("stops");
        assert!(error.to_string().contains("canvass login"), "{error}");
        assert!(store.pending_batch().unwrap().is_some());
        assert_eq!(server.bodies.lock().unwrap().len(), 1, "not retried");
    }

    #[test]
    fn a_store_refuses_to_push_to_another_server() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with(dir.path(), "http://127.0.0.1:9", 1);
        let client = ApiClient::new("http://127.0.0.1:1")
            .unwrap()
            .with_token("t");
        let report = push(
            &mut store,
            &client,
            options(),
            &mut Events::default(),
            &mut |_| {},
        );
        let error = report.error.expect("refused");
        assert!(
            error.to_string().contains("belong to http://127.0.0.1:9"),
            "{error}"
        );
        assert!(store.pending_batch().unwrap().is_none(), "nothing batched");
    }
}
