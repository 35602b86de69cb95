//! The binaries and the servers the bench starts: the real canvass-server, and the
//! fixed-body actix-web server whose rate is the ceiling the others are read against.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::setup::ADMIN_PASSWORD;

/// Builds the server and client binaries of this profile next to this one; their directory.
pub fn build_binaries() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe.parent().context("the bench's directory")?.to_path_buf();
    let target = dir.parent().context("the target directory")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        // the whole workspace, as docs/performance.md builds it: another package selection
        // unifies dependency features differently and would rebuild the server on every run
        .args(["build", "--quiet", "--workspace", "--bins"])
        .arg("--target-dir")
        .arg(target)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    if dir.ends_with("release") {
        command.arg("--release");
    }
    let status = command.status().context("run cargo build")?;
    if !status.success() {
        bail!("building canvass-server and canvass failed");
    }
    Ok(dir)
}

/// The `canvass-server` child process; killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub addr: String,
}

impl Server {
    pub fn start(binary: &Path, database_url: &str, dir: &Path) -> Result<Self> {
        let mut command = Command::new(binary);
        for (key, _) in std::env::vars() {
            if key.starts_with("CANVASS_") {
                command.env_remove(key);
            }
        }
        let mut child = command
            .current_dir(dir)
            .env("CANVASS_DATABASE_URL", database_url)
            .env("CANVASS_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("CANVASS_PORT", "0")
            .env("CANVASS_LOG", "warn")
            // every load client shares 127.0.0.1, so the per-address limit is off
            .env("CANVASS_SUBMISSIONS_PER_MINUTE", "0")
            // and so is the per-address connection cap: 256 load clients and the scenario
            // before them would share it
            .env("CANVASS_MAX_CONNECTIONS_PER_ADDRESS", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("start canvass-server")?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .context("canvass-server exited before serving")??;
            if let Some(rest) = line.split("serving on ").nth(1) {
                break rest.trim().to_string();
            }
        };
        // keep draining the banner so the server never blocks on a full pipe
        std::thread::spawn(move || for _ in lines.by_ref() {});
        let addr = url.trim_start_matches("http://").to_string();
        Ok(Self { child, url, addr })
    }

    pub fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// Starts a new peak-memory measurement (Linux: writing 5 to `clear_refs` resets VmHWM).
    pub fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    /// The peak resident set since the last reset, in KiB.
    pub fn peak_kib(&self) -> u64 {
        self.status_kib("VmHWM:").max(self.status_kib("VmRSS:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An actix-web server in this process answering every POST with a fixed body: what the
/// machine can do with HTTP alone.
pub struct FixedServer {
    pub addr: String,
    pub handle: actix_web::dev::ServerHandle,
}

impl FixedServer {
    pub fn start() -> Result<Self> {
        use actix_web::{web, App, HttpResponse, HttpServer};
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?.to_string();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(|| {
                    App::new().route(
                        "/fixed",
                        web::post().to(|_body: web::Bytes| async {
                            HttpResponse::Created()
                                .content_type("application/json")
                                .body(r#"{"accepted":true}"#)
                        }),
                    )
                })
                .listen(listener)
                .expect("listen")
                .run();
                tx.send(server.handle()).expect("send the handle");
                let _ = server.await;
            });
        });
        let handle = rx.recv()?;
        Ok(Self { addr, handle })
    }
}

impl Drop for FixedServer {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}
