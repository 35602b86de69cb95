//! What one client may hold of the server: a request body must arrive within
//! `request_body_timeout_ms` of its head (the head's own limit is actix's
//! `client_request_timeout`, set from `request_head_timeout_ms` in `startup`), and one address
//! may hold at most `max_connections_per_address` connections at once. Without them a client
//! sending a byte of its body now and then held a connection, and a worker's slot, for ever.
//!
//! The connection counts are kept in memory only, per address, for as long as a connection is
//! open; nothing about them is logged or stored.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::dev::{Extensions, Payload, ServiceRequest};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpMessage;
use futures_util::Stream;

/// Gives the body of `req` (when it has one) `timeout` to arrive in full: past it, reading the
/// body fails, the request is answered with a 4xx and its connection closed (actix closes a
/// connection whose request body was not read to its end).
pub fn limit_body_time(req: &mut ServiceRequest, timeout: Duration) {
    if timeout.is_zero() {
        return;
    }
    let headers = req.headers();
    let has_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > 0);
    if !has_body {
        return;
    }
    let inner = req.take_payload();
    let stream: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(Deadline {
        inner,
        sleep: Box::pin(actix_web::rt::time::sleep(timeout)),
    });
    req.set_payload(Payload::from(stream));
}

/// A request body that fails once its deadline has passed.
struct Deadline {
    inner: Payload,
    sleep: Pin<Box<actix_web::rt::time::Sleep>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        if self.sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body did not arrive in time",
            )))));
        }
        Poll::Pending
    }
}

/// The open connections per client address, shared by every worker.
#[derive(Clone, Default)]
pub struct ConnectionCap {
    most: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl ConnectionCap {
    /// A cap of `most` connections per address; 0 switches it off.
    #[must_use]
    pub fn new(most: usize) -> Self {
        Self {
            most,
            open: Arc::default(),
        }
    }

    /// For `HttpServer::on_connect`: counts the new connection `conn` (a TCP stream) for its
    /// peer's address for as long as it stays open, and shuts it down at once when the address
    /// already holds the most it may.
    pub fn on_connect(&self, conn: &dyn std::any::Any, data: &mut Extensions) {
        if self.most == 0 {
            return;
        }
        let Some(stream) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() else {
            return;
        };
        let Ok(peer) = stream.peer_addr() else {
            return;
        };
        let ip = peer.ip();
        let count = {
            let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
            let count = open.entry(ip).or_insert(0);
            *count += 1;
            *count
        };
        // dropped with the connection's data, when the connection ends
        data.insert(Counted {
            cap: self.clone(),
            ip,
        });
        if count > self.most {
            // reading and writing end now: the dispatcher sees the connection closed
            let _ = socket2::SockRef::from(stream).shutdown(std::net::Shutdown::Both);
        }
    }

    /// The connections `ip` holds open now.
    #[must_use]
    pub fn open(&self, ip: IpAddr) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&ip)
            .copied()
            .unwrap_or(0)
    }
}

/// One open connection of an address, counted until it is dropped.
struct Counted {
    cap: ConnectionCap,
    ip: IpAddr,
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut open = self.cap.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}
