//! The push loop's decisions, as pure functions over plain values: what to do next with the
//! window of batches on their way ([`next_step`]), and what to do with a batch once the server
//! answered or the transport failed ([`decide`]). The loop in [`super::push`] only carries them
//! out (stores, sends, sleeps, reports), so every rule of the field sync protocol the client
//! keeps is here, and tested by table below.

use std::collections::BTreeMap;
use std::time::Duration;

use canvass_protocol::{ErrorCode, ErrorDetail};

use crate::api::ClientError;

/// Where the window of batches on their way stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Batches sent and not yet answered.
    pub in_flight: usize,
    /// How many may be on their way at once.
    pub depth: usize,
    /// The push is stopping on an error: nothing new goes out, the batches on their way are
    /// still answered and recorded.
    pub stopping: bool,
    /// A batch is made (given its id and bytes, saved) and waits for a free place.
    pub ready: bool,
    /// The last try to make a batch found nothing queued, and nothing was answered since.
    pub queue_empty: bool,
}

/// What the push loop does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Send the batch made ahead, or make the next one (a pending batch left by an earlier
    /// push first) and send it.
    Send,
    /// Every place is taken: make the next batch now, so it goes out the moment one is
    /// answered.
    MakeAhead,
    /// Wait for the oldest batch on its way.
    Land,
    /// Nothing is on its way and nothing more goes out: the push is over.
    Finish,
}

/// The next step of the push loop.
#[must_use]
pub fn next_step(w: Window) -> Step {
    let more = w.ready || !w.queue_empty;
    if !w.stopping && w.in_flight < w.depth && more {
        Step::Send
    } else if !w.stopping && w.in_flight == w.depth && !w.ready && !w.queue_empty {
        Step::MakeAhead
    } else if w.in_flight > 0 {
        Step::Land
    } else {
        Step::Finish
    }
}

/// One batch that came back, and what the push knows about it.
#[derive(Debug, Clone, Copy)]
pub struct Landed<'a> {
    /// The id the batch was sent under.
    pub batch_id: &'a str,
    /// Its items.
    pub items: usize,
    /// This send's number, from 1.
    pub attempt: u32,
    /// Sends allowed in all, the first included.
    pub attempts: u32,
    /// The push is stopping on another batch's error.
    pub stopping: bool,
    /// The current limit of items per batch.
    pub batch_items: usize,
    /// The backoff before the next attempt (with jitter), were it retried.
    pub backoff: Duration,
    /// The longest wait, whatever the server asks.
    pub max_delay: Duration,
}

/// The server's answer to a batch, or why there is none.
#[derive(Debug, Clone, Copy)]
pub enum Answer<'a> {
    /// `201` or `200`: a receipt naming this batch id.
    Receipt { batch_id: &'a str },
    /// An error answer, or no answer at all.
    Failed(&'a ClientError),
}

/// What becomes of a batch that came back.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The server stored it (a duplicate included): record the receipt, deleting its answers.
    /// With `send_ahead`, the batch made ahead goes out first, so the server goes on storing
    /// while this computer records.
    Record { send_ahead: bool },
    /// The receipt names another batch: stop, nothing recorded, the batch stays saved.
    StopOnForeignReceipt,
    /// It may pass: send the same id and bytes again after `wait`, as attempt `attempt`.
    Resend { attempt: u32, wait: Duration },
    /// Refused whole for the items at these positions (nothing stored): set them aside with
    /// their problems, queue the rest again for a new batch.
    SetAside(BTreeMap<usize, Vec<ErrorDetail>>),
    /// A single item too large for the server: set it aside, `payload_too_large`.
    SetAsideTooLarge,
    /// Too large for the server: queue its items again, in batches of at most `batch_items`.
    Split { batch_items: usize },
    /// Refused as a whole, nothing stored, and sending the same bytes again will not help:
    /// queue its items again (a later push builds the batch anew) and stop.
    DropAndStop,
    /// Stop and keep the batch saved as it is; with `resent_next_push`, the officer is told
    /// the next push sends it first, unchanged (not when a sign-in, an account, an upgrade or
    /// a conflict must be dealt with first).
    KeepAndStop { resent_next_push: bool },
}

/// Whether an error may go away by itself: the network, a 5xx, an overloaded server.
#[must_use]
pub fn retryable(e: &ClientError) -> bool {
    match e {
        ClientError::Unreachable { .. } => true,
        ClientError::Api { status, code, .. } => {
            *status >= 500 || *status == 408 || *code == ErrorCode::RateLimited
        }
        ClientError::Unexpected { status, .. } => *status >= 500 || *status == 408,
        ClientError::BadServerUrl(_) => false,
    }
}

/// What to do with a batch that came back with `answer`.
#[must_use]
pub fn decide(batch: &Landed<'_>, answer: Answer<'_>) -> Decision {
    let e = match answer {
        Answer::Receipt { batch_id } if batch_id != batch.batch_id => {
            return Decision::StopOnForeignReceipt
        }
        Answer::Receipt { .. } => {
            return Decision::Record {
                send_ahead: !batch.stopping,
            }
        }
        Answer::Failed(e) => e,
    };
    // once the push is stopping, a batch that may pass later stays saved as it is
    if retryable(e) && batch.attempt < batch.attempts && !batch.stopping {
        let asked = match e {
            ClientError::Api {
                retry_after: Some(s),
                ..
            } => Duration::from_secs(*s).min(batch.max_delay),
            _ => Duration::ZERO,
        };
        return Decision::Resend {
            attempt: batch.attempt + 1,
            wait: batch.backoff.max(asked),
        };
    }
    match e {
        ClientError::Api {
            status: 422,
            code: ErrorCode::BatchRefused,
            message,
            field,
            errors,
            ..
        } => {
            let lead = ErrorDetail {
                code: ErrorCode::BatchRefused,
                message: message.clone(),
                field: field.clone(),
            };
            let refused: BTreeMap<usize, Vec<ErrorDetail>> = refused_items(&lead, errors)
                .into_iter()
                .filter(|(i, _)| *i < batch.items)
                .collect();
            if refused.is_empty() {
                Decision::DropAndStop
            } else {
                Decision::SetAside(refused)
            }
        }
        ClientError::Api { status: 413, .. } if batch.items <= 1 => Decision::SetAsideTooLarge,
        ClientError::Api { status: 413, .. } => Decision::Split {
            batch_items: batch.batch_items.min((batch.items / 2).max(1)),
        },
        ClientError::Api {
            status: 400 | 404 | 405 | 415 | 422,
            ..
        } => Decision::DropAndStop,
        e => Decision::KeepAndStop {
            resent_next_push: !(e.is_token_refused()
                || matches!(
                    e.code(),
                    Some(
                        ErrorCode::AccountDisabled
                            | ErrorCode::ProtocolUnsupported
                            | ErrorCode::BatchConflict
                    )
                )),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_filled_then_made_ahead_then_landed_then_finished() {
        let w = |in_flight, stopping, ready, queue_empty| Window {
            in_flight,
            depth: 2,
            stopping,
            ready,
            queue_empty,
        };
        // (window: in flight, stopping, ready, queue empty) → step
        #[rustfmt::skip]
        let table = [
            (w(0, false, false, false), Step::Send, "a free place, maybe more queued"),
            (w(1, false, false, false), Step::Send, "one place left"),
            (w(1, false, true, true), Step::Send, "the batch made ahead fills a place"),
            (w(2, false, false, false), Step::MakeAhead, "full: make the next one now"),
            (w(2, false, true, false), Step::Land, "full and one ready: wait"),
            (w(2, false, false, true), Step::Land, "full, nothing more queued"),
            (w(1, false, false, true), Step::Land, "nothing more to send: wait"),
            (w(0, false, false, true), Step::Finish, "all answered, queue empty"),
            (w(1, true, false, false), Step::Land, "stopping: nothing new goes out"),
            (w(2, true, false, false), Step::Land, "stopping: no batch made ahead"),
            (w(0, true, true, false), Step::Finish, "stopping: the one made ahead stays saved"),
        ];
        for (window, step, why) in table {
            assert_eq!(next_step(window), step, "{why}: {window:?}");
        }
    }

    fn api(status: u16, code: ErrorCode) -> ClientError {
        api_with(status, code, Vec::new(), None)
    }

    fn api_with(
        status: u16,
        code: ErrorCode,
        errors: Vec<ErrorDetail>,
        retry_after: Option<u64>,
    ) -> ClientError {
        ClientError::Api {
            status,
            code,
            message: "m".into(),
            field: None,
            errors,
            retry_after,
        }
    }

    fn detail(code: ErrorCode, field: &str) -> ErrorDetail {
        ErrorDetail {
            code,
            message: "m".into(),
            field: Some(field.into()),
        }
    }

    #[test]
    fn every_answer_to_a_batch_has_its_decision() {
        const ID: &str = "0123456789abcdef0123456789abcdef";
        const OTHER: &str = "fedcba9876543210fedcba9876543210";
        let backoff = Duration::from_millis(700);
        let landed = Landed {
            batch_id: ID,
            items: 4,
            attempt: 1,
            attempts: 3,
            stopping: false,
            batch_items: 500,
            backoff,
            max_delay: Duration::from_secs(30),
        };
        let last = Landed {
            attempt: 3,
            ..landed
        };
        let stopping = Landed {
            stopping: true,
            ..landed
        };
        let single = Landed { items: 1, ..landed };
        let unreachable = ClientError::Unreachable {
            url: "http://x".into(),
            reason: "connection refused".into(),
        };
        let busy = api_with(429, ErrorCode::RateLimited, Vec::new(), Some(5));
        let too_long = api_with(503, ErrorCode::ServiceUnavailable, Vec::new(), Some(3600));
        let gateway = ClientError::Unexpected {
            status: 502,
            body: "<html>".into(),
        };
        let refused = api_with(
            422,
            ErrorCode::BatchRefused,
            vec![
                detail(ErrorCode::InvalidOption, "items[2].answers.q1"),
                detail(ErrorCode::SurveyClosed, "items[0].survey_id"),
                detail(ErrorCode::InvalidOption, "items[9].answers.q1"),
            ],
            None,
        );
        let refused_none = api_with(
            422,
            ErrorCode::BatchRefused,
            vec![detail(ErrorCode::InvalidValue, "batch_id")],
            None,
        );
        let aside = |positions: &[(usize, ErrorCode, Option<&str>)]| {
            let mut map: BTreeMap<usize, Vec<ErrorDetail>> = BTreeMap::new();
            for (i, code, field) in positions {
                map.entry(*i).or_default().push(ErrorDetail {
                    code: *code,
                    message: "m".into(),
                    field: field.map(Into::into),
                });
            }
            Decision::SetAside(map)
        };
        let keep = |resent_next_push| Decision::KeepAndStop { resent_next_push };
        let resend = |wait| Decision::Resend { attempt: 2, wait };

        // (batch, answer) → decision, and why
        #[rustfmt::skip]
        let table: Vec<(Landed<'_>, Result<&str, ClientError>, Decision, &str)> = vec![
            (landed, Ok(ID), Decision::Record { send_ahead: true }, "stored: record, send the next"),
            (stopping, Ok(ID), Decision::Record { send_ahead: false }, "stored while stopping: record only"),
            (landed, Ok(OTHER), Decision::StopOnForeignReceipt, "a receipt for another batch"),
            (landed, Err(unreachable.clone()), resend(backoff), "no answer: the same bytes again"),
            (landed, Err(api(500, ErrorCode::InternalError)), resend(backoff), "5xx: again"),
            (landed, Err(api(408, ErrorCode::Unrecognised)), resend(backoff), "408: again"),
            (landed, Err(gateway), resend(backoff), "a proxy's 502: again"),
            (landed, Err(busy), resend(Duration::from_secs(5)), "Retry-After longer than the backoff"),
            (landed, Err(too_long), resend(Duration::from_secs(30)), "Retry-After capped"),
            (last, Err(unreachable.clone()), keep(true), "no answer after the last attempt: kept for the next push"),
            (stopping, Err(unreachable), keep(true), "no answer while stopping: kept as it is"),
            (landed, Err(refused), aside(&[(0, ErrorCode::SurveyClosed, Some("survey_id")), (2, ErrorCode::InvalidOption, Some("answers.q1"))]), "refused items set aside, positions beyond the batch ignored"),
            (landed, Err(refused_none), Decision::DropAndStop, "refused with no item named"),
            (landed, Err(api(413, ErrorCode::PayloadTooLarge)), Decision::Split { batch_items: 2 }, "too large: halve the batches"),
            (single, Err(api(413, ErrorCode::PayloadTooLarge)), Decision::SetAsideTooLarge, "one item too large: set aside"),
            (Landed { batch_items: 1, items: 2, ..landed }, Err(api(413, ErrorCode::PayloadTooLarge)), Decision::Split { batch_items: 1 }, "too large: never below one item"),
            (landed, Err(api(400, ErrorCode::MalformedJson)), Decision::DropAndStop, "unreadable: built anew next time"),
            (landed, Err(api(400, ErrorCode::BatchSize)), Decision::DropAndStop, "batch size"),
            (landed, Err(api(404, ErrorCode::RouteNotFound)), Decision::DropAndStop, "no sync route"),
            (landed, Err(api(405, ErrorCode::MethodNotAllowed)), Decision::DropAndStop, "method"),
            (landed, Err(api(415, ErrorCode::UnsupportedMediaType)), Decision::DropAndStop, "media type"),
            (landed, Err(api(422, ErrorCode::InvalidValue)), Decision::DropAndStop, "422 other than batch_refused"),
            (landed, Err(api(401, ErrorCode::TokenRevoked)), keep(false), "sign in again first"),
            (landed, Err(api(401, ErrorCode::TokenExpired)), keep(false), "expired"),
            (landed, Err(api(401, ErrorCode::InvalidToken)), keep(false), "unknown token"),
            (landed, Err(api(401, ErrorCode::Unauthenticated)), keep(false), "no token"),
            (landed, Err(api(403, ErrorCode::AccountDisabled)), keep(false), "account disabled"),
            (landed, Err(api(426, ErrorCode::ProtocolUnsupported)), keep(false), "upgrade first"),
            (landed, Err(api(409, ErrorCode::BatchConflict)), keep(false), "a conflict: tell the administrator"),
            (landed, Err(api(403, ErrorCode::Forbidden)), keep(true), "forbidden: kept"),
            (landed, Err(ClientError::Unexpected { status: 200, body: "x".into() }), keep(true), "not the canvass API"),
            (landed, Err(ClientError::BadServerUrl("x".into())), keep(true), "a bad address is never retried"),
        ];
        for (batch, answer, expected, why) in &table {
            let answer = match answer {
                Ok(batch_id) => Answer::Receipt { batch_id },
                Err(e) => Answer::Failed(e),
            };
            assert_eq!(&decide(batch, answer), expected, "{why}");
        }
    }

    #[test]
    fn refused_fields_name_the_items_by_position() {
        let lead = ErrorDetail {
            code: ErrorCode::BatchRefused,
            message: "refused".into(),
            field: None,
        };
        let errors = vec![
            detail(ErrorCode::InvalidOption, "items[3].answers.q1"),
            detail(ErrorCode::SurveyClosed, "items[0]"),
            detail(ErrorCode::SurveyClosed, "items[0]"),
            detail(ErrorCode::InvalidValue, "batch_id"),
            detail(ErrorCode::InvalidValue, "items[x]"),
        ];
        let refused = refused_items(&lead, &errors);
        assert_eq!(refused.keys().copied().collect::<Vec<_>>(), [0, 3]);
        assert_eq!(refused[&3][0].field.as_deref(), Some("answers.q1"));
        assert_eq!(refused[&0].len(), 1, "the same problem once");
        assert_eq!(refused[&0][0].field, None);
    }
}
