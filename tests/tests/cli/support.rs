//! Running the real `canvass` binary with a private configuration directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use canvass_tests::binaries::binary;
use canvass_tests::{TestApp, ADMIN_PASSWORD};
use serde_json::Value;

/// What a run of `canvass` produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the whole output unless the run exited with `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code; output: {self:#?}");
        self
    }

    /// Standard output and standard error together.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// One computer running `canvass`: a configuration directory of its own.
pub struct Cli {
    home: tempfile::TempDir,
}

impl Cli {
    pub fn new() -> Self {
        Self {
            home: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// `CANVASS_CONFIG_DIR`: a directory that does not exist until `canvass` creates it.
    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join("config").join("canvass")
    }

    /// `CANVASS_DATA_DIR`: where this computer's local store lives.
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data").join("canvass")
    }

    pub fn credentials_path(&self) -> PathBuf {
        self.config_dir().join("credentials.json")
    }

    /// A scratch directory for input files.
    pub fn scratch(&self) -> &Path {
        self.home.path()
    }

    /// The stored credentials, if any.
    pub fn credentials(&self) -> Option<Value> {
        let text = std::fs::read_to_string(self.credentials_path()).ok()?;
        Some(serde_json::from_str(&text).expect("the credentials file is JSON"))
    }

    /// The stored token; panics when nobody is signed in.
    pub fn token(&self) -> String {
        self.credentials().expect("signed in")["token"]
            .as_str()
            .expect("a token")
            .to_string()
    }

    /// Runs `canvass args...`, with `stdin` as standard input (empty when `None`).
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Run {
        self.run_in("en_US.UTF-8", args, stdin)
    }

    /// Runs `canvass args...` under the locale `lang` (`LANG`), e.g. `zh_CN.UTF-8`.
    pub fn run_in(&self, lang: &str, args: &[&str], stdin: Option<&str>) -> Run {
        let mut command = self.command(args);
        command.env("LANG", lang);
        let mut child = command.spawn().expect("start canvass");
        {
            let mut input = child.stdin.take().expect("stdin");
            if let Some(text) = stdin {
                input.write_all(text.as_bytes()).expect("write stdin");
            }
        }
        let output = child.wait_with_output().expect("canvass runs");
        Run {
            code: output.status.code().expect("canvass exited normally"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `canvass args...` ready to spawn: this computer's directories, no inherited
    /// `CANVASS_*` variables, fast retries, piped standard streams, and an English locale (the
    /// tests read English words; a test of the Chinese words passes `--lang zh` or sets the
    /// locale itself).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(binary("canvass"));
        for (key, _) in std::env::vars() {
            if key.starts_with("CANVASS_") || key.starts_with("LC_") || key == "LANG" {
                command.env_remove(key);
            }
        }
        command
            .args(args)
            .env("LANG", "en_US.UTF-8")
            .env("CANVASS_CONFIG_DIR", self.config_dir())
            .env("CANVASS_DATA_DIR", self.data_dir())
            .env("CANVASS_RETRY_BASE_MS", "10")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// `canvass login` with the password on standard input.
    pub fn login(&self, app: &TestApp, username: &str, password: &str) -> Run {
        self.login_at(&app.address, username, password)
    }

    /// `canvass login` to the server at `address`.
    pub fn login_at(&self, address: &str, username: &str, password: &str) -> Run {
        self.run(
            &[
                "login",
                "--server",
                address,
                "--username",
                username,
                "--password-stdin",
                "--device-name",
                "test laptop",
            ],
            Some(&format!("{password}\n")),
        )
    }

    /// Signs in as the installation's `admin`; panics on failure.
    pub fn login_admin(&self, app: &TestApp) {
        self.login(app, "admin", ADMIN_PASSWORD).expect_code(0);
    }
}
