//! Server settings: defaults, then an optional TOML file, then `CANVASS_*` environment variables.
//!
//! One [`Settings`] value is built at start and passed down explicitly; nothing reads the
//! environment later. Secrets are redacted in `Debug`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Everything the server can be configured with. See `docs/configuration.md`.
#[derive(Clone)]
pub struct Settings {
    /// `sqlite://path`, a plain file path, or `postgres://...`.
    pub database_url: String,
    pub host: String,
    pub port: u16,
    /// Password for the `admin` account created on first start; generated when absent.
    pub admin_password: Option<String>,
    /// HMAC key for signing tokens; when absent one is generated and kept in the database, so
    /// every server on the same database shares it.
    pub jwt_secret: Option<String>,
    /// Lifetime of a browser/script session token, in seconds.
    pub session_ttl_secs: i64,
    /// Lifetime of a field client's device token, in days.
    pub device_token_ttl_days: i64,
    /// Largest JSON body accepted on ordinary API routes, in bytes.
    pub max_json_bytes: usize,
    /// Connections in the database pool.
    pub db_pool_size: u32,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// The address the public sees (for links printed on slips and shown in the API);
    /// defaults to `http://HOST:PORT`.
    pub public_url: Option<String>,
    /// `tracing` filter, e.g. `info` or `canvass_server=debug,info`.
    pub log: String,
    /// Failed sign-ins allowed per account before each further attempt is delayed.
    pub login_free_attempts_per_account: i64,
    /// Failed sign-ins allowed per client address before each further attempt is delayed.
    pub login_free_attempts_per_address: i64,
    /// Take the client address for sign-in throttling from `X-Forwarded-For` (only behind a
    /// proxy that sets it; otherwise a client could claim any address).
    pub trust_forwarded_for: bool,
    /// Public submissions (web form and JSON) accepted per client address per minute; 0 = no
    /// limit.
    pub submissions_per_minute: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://canvass.db".into(),
            host: "127.0.0.1".into(),
            port: 8080,
            admin_password: None,
            jwt_secret: None,
            session_ttl_secs: 3600,
            device_token_ttl_days: 90,
            max_json_bytes: 256 * 1024,
            db_pool_size: 8,
            workers: 0,
            public_url: None,
            log: "info".into(),
            login_free_attempts_per_account: 5,
            login_free_attempts_per_address: 20,
            trust_forwarded_for: false,
            submissions_per_minute: 60,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redact = |s: &Option<String>| s.as_ref().map(|_| "<redacted>");
        f.debug_struct("Settings")
            .field("database_url", &crate::db::redact_url(&self.database_url))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("admin_password", &redact(&self.admin_password))
            .field("jwt_secret", &redact(&self.jwt_secret))
            .field("session_ttl_secs", &self.session_ttl_secs)
            .field("device_token_ttl_days", &self.device_token_ttl_days)
            .field("max_json_bytes", &self.max_json_bytes)
            .field("db_pool_size", &self.db_pool_size)
            .field("workers", &self.workers)
            .field("public_url", &self.public_url)
            .field("log", &self.log)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("submissions_per_minute", &self.submissions_per_minute)
            .finish_non_exhaustive()
    }
}

/// A setting that could not be read; the message names the setting and the source.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the settings file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the settings file {path} is not valid: {message}")]
    ParseFile { path: PathBuf, message: String },
    #[error("{name}={value:?} is not valid: {reason}")]
    BadEnv {
        name: String,
        value: String,
        reason: String,
    },
    #[error("{0}")]
    Invalid(String),
}

/// The TOML file's shape: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    admin_password: Option<String>,
    jwt_secret: Option<String>,
    session_ttl_secs: Option<i64>,
    device_token_ttl_days: Option<i64>,
    max_json_bytes: Option<usize>,
    db_pool_size: Option<u32>,
    workers: Option<usize>,
    public_url: Option<String>,
    log: Option<String>,
    login_free_attempts_per_account: Option<i64>,
    login_free_attempts_per_address: Option<i64>,
    trust_forwarded_for: Option<bool>,
    submissions_per_minute: Option<u32>,
}

/// Applies one source of optional values over the settings; the same list serves the file
/// and the environment, so the two cannot drift apart.
macro_rules! apply {
    ($settings:expr, $source:expr, [$($field:ident),* $(,)?], [$($opt:ident),* $(,)?]) => {{
        $(if let Some(v) = $source.$field { $settings.$field = v; })*
        $(if let Some(v) = $source.$opt { $settings.$opt = Some(v); })*
    }};
}

impl Settings {
    /// Loads the settings: defaults, then `file` (or `CANVASS_CONFIG`) when given, then the
    /// `CANVASS_*` variables of `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let env: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("CANVASS_"))
            .collect();
        let mut settings = Settings::default();
        let file = file.map(Path::to_path_buf).or_else(|| {
            env.iter()
                .find(|(k, _)| k == "CANVASS_CONFIG")
                .map(|(_, v)| PathBuf::from(v))
        });
        if let Some(path) = file {
            let text =
                std::fs::read_to_string(&path).map_err(|source| SettingsError::ReadFile {
                    path: path.clone(),
                    source,
                })?;
            let parsed: FileSettings =
                toml::from_str(&text).map_err(|e| SettingsError::ParseFile {
                    path: path.clone(),
                    message: e.message().to_string(),
                })?;
            apply!(
                settings,
                parsed,
                [
                    database_url,
                    host,
                    port,
                    session_ttl_secs,
                    device_token_ttl_days,
                    max_json_bytes,
                    db_pool_size,
                    workers,
                    log,
                    login_free_attempts_per_account,
                    login_free_attempts_per_address,
                    trust_forwarded_for,
                    submissions_per_minute
                ],
                [admin_password, jwt_secret, public_url]
            );
        }
        let from_env = env_settings(&env)?;
        apply!(
            settings,
            from_env,
            [
                database_url,
                host,
                port,
                session_ttl_secs,
                device_token_ttl_days,
                max_json_bytes,
                db_pool_size,
                workers,
                log,
                login_free_attempts_per_account,
                login_free_attempts_per_address,
                trust_forwarded_for,
                submissions_per_minute
            ],
            [admin_password, jwt_secret, public_url]
        );
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), SettingsError> {
        if self.session_ttl_secs < 60 {
            return Err(SettingsError::Invalid(
                "session_ttl_secs must be at least 60".into(),
            ));
        }
        if self.device_token_ttl_days < 1 {
            return Err(SettingsError::Invalid(
                "device_token_ttl_days must be at least 1".into(),
            ));
        }
        if self.max_json_bytes < 1024 {
            return Err(SettingsError::Invalid(
                "max_json_bytes must be at least 1024".into(),
            ));
        }
        if self.db_pool_size == 0 {
            return Err(SettingsError::Invalid(
                "db_pool_size must be at least 1".into(),
            ));
        }
        if let Some(secret) = &self.jwt_secret {
            if secret.len() < 32 {
                return Err(SettingsError::Invalid(
                    "jwt_secret must have at least 32 characters".into(),
                ));
            }
        }
        if self.login_free_attempts_per_account < 1 || self.login_free_attempts_per_address < 1 {
            return Err(SettingsError::Invalid(
                "login_free_attempts_per_* must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The base URL printed for people and put into links.
    #[must_use]
    pub fn public_base_url(&self, bound_port: u16) -> String {
        self.public_url.clone().map_or_else(
            || format!("http://{}:{bound_port}", self.host),
            |u| u.trim_end_matches('/').to_string(),
        )
    }
}

/// The names of every environment variable the server reads (besides `CANVASS_CONFIG`).
pub const ENV_VARS: &[&str] = &[
    "CANVASS_DATABASE_URL",
    "CANVASS_HOST",
    "CANVASS_PORT",
    "CANVASS_ADMIN_PASSWORD",
    "CANVASS_JWT_SECRET",
    "CANVASS_SESSION_TTL_SECS",
    "CANVASS_DEVICE_TOKEN_TTL_DAYS",
    "CANVASS_MAX_JSON_BYTES",
    "CANVASS_DB_POOL_SIZE",
    "CANVASS_WORKERS",
    "CANVASS_PUBLIC_URL",
    "CANVASS_LOG",
    "CANVASS_LOGIN_FREE_ATTEMPTS_PER_ACCOUNT",
    "CANVASS_LOGIN_FREE_ATTEMPTS_PER_ADDRESS",
    "CANVASS_TRUST_FORWARDED_FOR",
    "CANVASS_SUBMISSIONS_PER_MINUTE",
];

fn env_settings(env: &[(String, String)]) -> Result<FileSettings, SettingsError> {
    fn parse<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, SettingsError>
    where
        T::Err: std::fmt::Display,
    {
        value
            .trim()
            .parse()
            .map_err(|e: T::Err| SettingsError::BadEnv {
                name: name.into(),
                value: value.into(),
                reason: e.to_string(),
            })
    }
    let mut out = FileSettings::default();
    for (name, value) in env {
        match name.as_str() {
            "CANVASS_DATABASE_URL" => out.database_url = Some(value.clone()),
            "CANVASS_HOST" => out.host = Some(value.clone()),
            "CANVASS_PORT" => out.port = Some(parse(name, value)?),
            "CANVASS_ADMIN_PASSWORD" => out.admin_password = Some(value.clone()),
            "CANVASS_JWT_SECRET" => out.jwt_secret = Some(value.clone()),
            "CANVASS_SESSION_TTL_SECS" => out.session_ttl_secs = Some(parse(name, value)?),
            "CANVASS_DEVICE_TOKEN_TTL_DAYS" => {
                out.device_token_ttl_days = Some(parse(name, value)?);
            }
            "CANVASS_MAX_JSON_BYTES" => out.max_json_bytes = Some(parse(name, value)?),
            "CANVASS_DB_POOL_SIZE" => out.db_pool_size = Some(parse(name, value)?),
            "CANVASS_WORKERS" => out.workers = Some(parse(name, value)?),
            "CANVASS_PUBLIC_URL" => out.public_url = Some(value.clone()),
            "CANVASS_LOG" => out.log = Some(value.clone()),
            "CANVASS_LOGIN_FREE_ATTEMPTS_PER_ACCOUNT" => {
                out.login_free_attempts_per_account = Some(parse(name, value)?);
            }
            "CANVASS_LOGIN_FREE_ATTEMPTS_PER_ADDRESS" => {
                out.login_free_attempts_per_address = Some(parse(name, value)?);
            }
            "CANVASS_TRUST_FORWARDED_FOR" => out.trust_forwarded_for = Some(parse(name, value)?),
            "CANVASS_SUBMISSIONS_PER_MINUTE" => {
                out.submissions_per_minute = Some(parse(name, value)?);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `CANVASS_*` variables that are set but mean nothing to the server (likely typos).
#[must_use]
pub fn unknown_env_vars(env: impl IntoIterator<Item = (String, String)>) -> Vec<String> {
    env.into_iter()
        .map(|(k, _)| k)
        .filter(|k| {
            k.starts_with("CANVASS_")
                && k != "CANVASS_CONFIG"
                && !k.starts_with("CANVASS_TEST_")
                && !ENV_VARS.contains(&k.as_str())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn defaults_need_no_configuration() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(s.host, "127.0.0.1");
        assert_eq!(s.port, 8080);
        assert_eq!(s.database_url, "sqlite://canvass.db");
    }

    #[test]
    fn environment_overrides_file_which_overrides_defaults() {
        let dir = tempfile_dir();
        let path = dir.join("canvass.toml");
        std::fs::write(&path, "port = 9000\nhost = \"0.0.0.0\"\n").unwrap();
        let s = Settings::load(Some(&path), env(&[("CANVASS_PORT", "9100")])).unwrap();
        assert_eq!(s.port, 9100);
        assert_eq!(s.host, "0.0.0.0");
    }

    #[test]
    fn a_bad_number_names_the_variable() {
        let err = Settings::load(None, env(&[("CANVASS_PORT", "eighty")])).unwrap_err();
        assert!(err.to_string().contains("CANVASS_PORT"), "{err}");
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = tempfile_dir();
        let path = dir.join("bad.toml");
        std::fs::write(&path, "prot = 9000\n").unwrap();
        let err = Settings::load(Some(&path), env(&[])).unwrap_err();
        assert!(err.to_string().contains("prot"), "{err}");
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let s = Settings::load(
            None,
            env(&[
                ("CANVASS_ADMIN_PASSWORD", "hunter2hunter2"),
                ("CANVASS_DATABASE_URL", "postgres://u:topsecret@db/canvass"),
            ]),
        )
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("topsecret"), "{shown}");
    }

    #[test]
    fn typos_in_variable_names_are_reported() {
        let unknown = unknown_env_vars(env(&[("CANVASS_PROT", "1"), ("CANVASS_PORT", "2")]));
        assert_eq!(unknown, vec!["CANVASS_PROT".to_string()]);
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("canvass-settings-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
