//! The load generator: a minimal HTTP/1.1 keep-alive client on a two-thread tokio runtime,
//! a fixed number of requests per run, over loopback only.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The outcome of one load run.
pub struct Run {
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
    /// Status → count of answers other than the expected one.
    pub unexpected: HashMap<u16, usize>,
}

impl Run {
    #[allow(clippy::cast_precision_loss)]
    pub fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    pub fn latency(&self) -> String {
        percentiles(&mut self.latencies.clone())
    }

    pub fn check(&self, what: &str) -> Result<()> {
        if self.unexpected.is_empty() {
            Ok(())
        } else {
            bail!("{what}: unexpected answers {:?}", self.unexpected)
        }
    }
}

pub fn percentiles(times: &mut [Duration]) -> String {
    times.sort_unstable();
    let at = |p: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
        times[i].as_secs_f64() * 1000.0
    };
    if times.is_empty() {
        return String::new();
    }
    format!("p50 {:.2} ms, p99 {:.2} ms", at(0.50), at(0.99))
}

/// Sends `requests` POSTs to `path` from `clients` keep-alive connections, each body taken in
/// turn from `bodies`.
pub fn load(
    addr: &str,
    path: &str,
    clients: usize,
    requests: usize,
    bodies: &[Vec<u8>],
    expect: fn(usize) -> u16,
) -> Result<Run> {
    let prepared: Vec<Vec<u8>> = bodies.iter().map(|b| http_request(addr, path, b)).collect();
    run_load(addr, clients, requests, Arc::new(prepared), expect)
}

/// Sends each of `bodies` once (every ballot needs its own code).
pub fn load_unique(addr: &str, path: &str, clients: usize, bodies: &[Vec<u8>]) -> Result<Run> {
    let prepared: Vec<Vec<u8>> = bodies.iter().map(|b| http_request(addr, path, b)).collect();
    run_load(addr, clients, bodies.len(), Arc::new(prepared), |_| 201)
}

pub fn http_request(addr: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

pub fn run_load(
    addr: &str,
    clients: usize,
    requests: usize,
    prepared: Arc<Vec<Vec<u8>>>,
    expect: fn(usize) -> u16,
) -> Result<Run> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let addr = addr.to_string();
    runtime.block_on(async move {
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(clients);
        for _ in 0..clients {
            let (next, prepared, addr) = (next.clone(), prepared.clone(), addr.clone());
            tasks.push(tokio::spawn(async move {
                let mut stream = tokio::net::TcpStream::connect(&addr).await?;
                stream.set_nodelay(true)?;
                let mut buffer = Vec::with_capacity(4096);
                let mut latencies = Vec::new();
                let mut unexpected: HashMap<u16, usize> = HashMap::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    let request = &prepared[i % prepared.len()];
                    let sent = Instant::now();
                    stream.write_all(request).await?;
                    let status = read_response(&mut stream, &mut buffer).await?;
                    latencies.push(sent.elapsed());
                    if status != expect(i) {
                        *unexpected.entry(status).or_default() += 1;
                    }
                }
                Ok::<_, anyhow::Error>((latencies, unexpected))
            }));
        }
        let mut run = Run {
            elapsed: Duration::ZERO,
            latencies: Vec::with_capacity(requests),
            unexpected: HashMap::new(),
        };
        for task in tasks {
            let (latencies, unexpected) = task.await??;
            run.latencies.extend(latencies);
            for (status, n) in unexpected {
                *run.unexpected.entry(status).or_default() += n;
            }
        }
        run.elapsed = started.elapsed();
        Ok(run)
    })
}

/// Reads one HTTP/1.1 response with a `Content-Length`; its status.
pub async fn read_response(
    stream: &mut tokio::net::TcpStream,
    buffer: &mut Vec<u8>,
) -> Result<u16> {
    buffer.clear();
    let mut chunk = [0_u8; 4096];
    let header_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            bail!("the server closed the connection");
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buffer[..header_end])?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("a status line")?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            bail!("the server closed the connection");
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Ok(status)
}
