//! The real `canvass-server` and `canvass` binaries, built once per test process and started
//! as child processes.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The directory holding the workspace's binaries for the profile these tests were built with.
fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable");
    // target/<profile>/deps/<test> → target/<profile>
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("the target directory")
        .to_path_buf()
}

/// Builds the binaries (a no-op when fresh) and returns the path of `name`.
///
/// # Panics
/// When the build fails.
#[must_use]
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = Command::new(cargo);
        command.args([
            "build",
            "--quiet",
            "-p",
            "canvass-server",
            "-p",
            "canvass-cli",
            "--bins",
        ]);
        if bin_dir().ends_with("release") {
            command.arg("--release");
        }
        let status = command.status().expect("run cargo build");
        assert!(status.success(), "building the binaries failed");
    });
    let path = bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} was not built", path.display());
    path
}

/// A `canvass-server` child process, killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub url: String,
    /// Everything printed on standard output up to the "serving on" line.
    pub banner: Vec<String>,
}

impl ServerProcess {
    /// Starts the server binary with `args` and `envs` (no inherited `CANVASS_*`), on port 0,
    /// and waits until it prints the address it serves on.
    ///
    /// # Panics
    /// When the server exits or does not report its address within 60 seconds.
    #[must_use]
    pub fn start(args: &[&str], envs: &[(&str, &str)], dir: &std::path::Path) -> Self {
        let mut command = Command::new(binary("canvass-server"));
        command
            .args(args)
            .current_dir(dir)
            .env("CANVASS_PORT", "0")
            .env("CANVASS_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, _) in std::env::vars() {
            if key.starts_with("CANVASS_") {
                command.env_remove(key);
            }
        }
        command.env("CANVASS_PORT", "0").env("CANVASS_LOG", "warn");
        for (k, v) in envs {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("start canvass-server");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut banner = Vec::new();
        let mut url = None;
        while Instant::now() < deadline {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    if url.is_none() {
                        if let Some(rest) = line.split("serving on ").nth(1) {
                            url = Some(rest.trim().to_string());
                        }
                    }
                    banner.push(line);
                    // the banner ends with an empty line or the login hint; keep reading briefly
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if url.is_some() {
                        break;
                    }
                    if let Ok(Some(status)) = child.try_wait() {
                        let mut err = String::new();
                        if let Some(mut stderr) = child.stderr.take() {
                            let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
                        }
                        panic!("canvass-server exited with {status}: {err}");
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let url =
            url.unwrap_or_else(|| panic!("canvass-server did not report its address: {banner:?}"));
        Self { child, url, banner }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the server binary to completion (for commands that exit, or failures at start) and
/// returns exit success, stdout and stderr.
#[must_use]
pub fn run_server_to_exit(
    args: &[&str],
    envs: &[(&str, &str)],
    dir: &std::path::Path,
) -> (bool, String, String) {
    let mut command = Command::new(binary("canvass-server"));
    command.args(args).current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("CANVASS_") {
            command.env_remove(key);
        }
    }
    command.env("CANVASS_PORT", "0").env("CANVASS_LOG", "warn");
    for (k, v) in envs {
        command.env(k, v);
    }
    let output = command.output().expect("run canvass-server");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
