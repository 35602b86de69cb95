//! Server settings: one [`Settings`] struct, read in layers by figment: the struct's defaults,
//! then an optional TOML file (`--config FILE` or `CANVASS_CONFIG`), then `CANVASS_*`
//! environment variables; a later layer wins.
//!
//! A setting's TOML key is its field name and its variable is `CANVASS_` and the field name in
//! capitals. Both come from the struct itself (see [`setting_names`]), so a new field is a new
//! key, a new variable and a new candidate for the "did you mean" of an unknown variable.
//!
//! One value is built at start and passed down explicitly; nothing reads the environment later.
//! Secrets have their own types ([`Secret`], [`SecretUrl`]) that never show the secret in
//! `Debug` or `Display`, so logging the settings cannot leak one.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::de::{Error as _, Visitor};
use serde::{Deserialize, Deserializer};

/// The prefix of every setting's environment variable.
const ENV_PREFIX: &str = "CANVASS_";

/// The variable naming the settings file; `--config` wins over it.
pub const CONFIG_ENV: &str = "CANVASS_CONFIG";

/// `CANVASS_*` variables that other canvass programs read, never the server: the field client
/// `canvass` (server address, its directories, retry delay) and the browser tests. They are
/// not reported as unknown, since one shell may well set them next to the server's.
const OTHER_PROGRAMS_VARS: &[&str] = &[
    "CANVASS_SERVER",
    "CANVASS_CONFIG_DIR",
    "CANVASS_DATA_DIR",
    "CANVASS_RETRY_BASE_MS",
    "CANVASS_CHROMIUM",
    "CANVASS_CHROMEDRIVER",
];

/// Prefixes of the variables the tests and CI read (`CANVASS_TEST_DATABASE_URL`,
/// `CANVASS_CI_PG_URL`); not reported as unknown either.
const OTHER_PROGRAMS_PREFIXES: &[&str] = &["CANVASS_TEST_", "CANVASS_CI_"];

/// The name figment gives the environment layer; an error's value came from the environment
/// when its metadata carries this name.
const ENV_LAYER: &str = "`CANVASS_*` environment variables";

/// The longest interval between two mixes of the ballots (an hour).
pub const MAX_BALLOT_MIX_INTERVAL_MS: u64 = 3_600_000;

/// Everything the server can be configured with. `docs/configuration.md` lists each setting
/// with its variable and default; a test keeps that page complete.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH`, `sqlite:PATH`, a plain file path, or `postgres://USER:PASSWORD@HOST/NAME`;
    /// the scheme is checked when the database is opened.
    pub database_url: SecretUrl,
    /// Address to listen on; `0.0.0.0` for every interface.
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Password of the `admin` account created at the first start; generated and printed once
    /// when absent, ignored once an administrator exists.
    pub admin_password: Option<Secret>,
    /// HMAC key signing tokens, at least 32 characters; when absent one is generated and kept
    /// in the database, so every server on the same database shares it.
    pub jwt_secret: Option<Secret>,
    /// Lifetime of a browser or script session token, in seconds; at least 60.
    pub session_ttl_secs: i64,
    /// Lifetime of a field client's device token, in days; at least 1.
    pub device_token_ttl_days: i64,
    /// Largest JSON body accepted on ordinary API routes, in bytes; at least 1024.
    pub max_json_bytes: usize,
    /// Connections in the database pool of this process; at least 1.
    pub db_pool_size: u32,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// The address people use to reach the server (printed links, QR codes); when absent
    /// `http://HOST:PORT`. Set it behind a proxy.
    pub public_url: Option<String>,
    /// `tracing` filter, e.g. `info` or `canvass_server=debug,info`.
    pub log: String,
    /// How log lines are written to standard error: `text` for people, `json` for a log
    /// collector (one object a line). What is logged is the same in both.
    pub log_format: LogFormat,
    /// Failed sign-ins for one username before each further attempt is delayed; at least 1.
    pub login_free_attempts_per_account: i64,
    /// Failed sign-ins from one client address before each further attempt is delayed; at
    /// least 1.
    pub login_free_attempts_per_address: i64,
    /// Take the client address from `X-Forwarded-For`; only behind a proxy that sets it, since
    /// a client could otherwise claim any address.
    pub trust_forwarded_for: bool,
    /// Public submissions accepted per client address per minute (for ballots only refused
    /// codes count); 0 switches the limit off.
    pub submissions_per_minute: u32,
    /// How often, in milliseconds, the ballots and codes stored since the last look are mixed
    /// so that the storage no longer tells which code cast which ballot (`db::mixer`); from
    /// 100 to 3,600,000.
    pub ballot_mix_interval_ms: u64,
    /// How long a client has to send a request's head (its line and headers), in milliseconds;
    /// at least 100. Past it the request is answered 408 and the connection closed.
    pub request_head_timeout_ms: u64,
    /// How long a client has to send a request's whole body once its head has arrived, in
    /// milliseconds; at least 100. Past it the request is refused and the connection closed.
    pub request_body_timeout_ms: u64,
    /// Connections one client address may hold open at once; a further one is closed as soon
    /// as it is accepted. 0 switches the cap off.
    pub max_connections_per_address: usize,
    /// A survey's target unit whose composite score is below this must rectify (整改) whatever
    /// its place (besides the bottom three of seven or more units, or else the lowest one);
    /// from 0 to 100.
    pub rectification_below_score: f64,
    /// A bearer token (at least 16 characters) that lets `/metrics` be read from any address;
    /// without it `/metrics` answers only requests from the loopback address that did not come
    /// through a proxy.
    pub metrics_token: Option<Secret>,
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
            log_format: LogFormat::Text,
            login_free_attempts_per_account: 5,
            login_free_attempts_per_address: 20,
            trust_forwarded_for: false,
            submissions_per_minute: 60,
            ballot_mix_interval_ms: 2000,
            request_head_timeout_ms: 10_000,
            request_body_timeout_ms: 60_000,
            max_connections_per_address: 256,
            rectification_below_score: canvass_protocol::stats::DEFAULT_RECTIFY_BELOW_SCORE,
            metrics_token: None,
        }
    }
}

/// How log lines are written ([`Settings::log_format`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for people to read.
    #[default]
    Text,
    /// One JSON object a line: `timestamp`, `level`, `target`, `message` and the event's fields.
    Json,
}

/// A secret setting (a password, a signing key, a database URL with its password): `Debug` and
/// `Display` show only what `S` lets through, `[redacted]` by default. The value is read only
/// through [`Secret::expose`], so every use of it can be found.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<S: Shown = Nothing>(String, PhantomData<S>);

/// A URL that may carry a password (`postgres://user:password@host/name`), shown with the
/// password masked and any query string cut, as [`crate::db::redact_url`] does.
pub type SecretUrl = Secret<UrlWithoutPassword>;

/// What a [`Secret`] shows of itself in `Debug` and `Display`.
pub trait Shown {
    /// The text shown for `secret`.
    fn shown(secret: &str) -> Cow<'_, str>;
}

/// Shows nothing of the secret: `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub enum Nothing {}

impl Shown for Nothing {
    fn shown(_: &str) -> Cow<'_, str> {
        Cow::Borrowed("[redacted]")
    }
}

/// Shows a URL without its password and query string.
#[derive(Clone, PartialEq, Eq)]
pub enum UrlWithoutPassword {}

impl Shown for UrlWithoutPassword {
    fn shown(url: &str) -> Cow<'_, str> {
        Cow::Owned(crate::db::redact_url(url))
    }
}

impl<S: Shown> Secret<S> {
    /// The secret itself, for the one place that needs it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl<S: Shown> From<String> for Secret<S> {
    fn from(value: String) -> Self {
        Self(value, PhantomData)
    }
}

impl<S: Shown> From<&str> for Secret<S> {
    fn from(value: &str) -> Self {
        Self(value.to_string(), PhantomData)
    }
}

impl<S: Shown> std::fmt::Debug for Secret<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&S::shown(&self.0))
    }
}

impl<S: Shown> std::fmt::Display for Secret<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&S::shown(&self.0))
    }
}

impl<'de, S: Shown> Deserialize<'de> for Secret<S> {
    /// Text only; the error for anything else does not repeat the value.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)
            .map(Self::from)
            .map_err(|_| {
                D::Error::custom("expected text (the value is not shown: it may be secret)")
            })
    }
}

/// Why the settings could not be read; one line that names the variable or the file and key,
/// and what is expected.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the settings file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the settings file {path} is not valid TOML (line {line}): {message}")]
    ParseFile {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("the settings file {path} has an unknown key `{key}`{}", did_you_mean(suggestion.as_deref()))]
    UnknownKey {
        path: PathBuf,
        key: String,
        suggestion: Option<String>,
    },
    /// `setting` names where the value came from: `CANVASS_PORT="eighty"` or
    /// `` `port` in /etc/canvass.toml ``.
    #[error("{setting} is not valid: {reason}")]
    Invalid { setting: String, reason: String },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

impl Settings {
    /// Who must rectify after a survey ([`Settings::rectification_below_score`]).
    #[must_use]
    pub fn rectification(&self) -> canvass_protocol::stats::RectificationRule {
        canvass_protocol::stats::RectificationRule {
            below_score: self.rectification_below_score,
        }
    }

    /// Loads the settings: defaults, then `file` (or the file named by `CANVASS_CONFIG`) when
    /// given, then the `CANVASS_*` variables of `env`; then checks the values' ranges.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let env: Vec<(String, String)> = env
            .into_iter()
            .filter(|(name, _)| name.starts_with(ENV_PREFIX))
            .collect();
        let file = file.map(Path::to_path_buf).or_else(|| {
            env.iter()
                .find(|(name, _)| name == CONFIG_ENV)
                .map(|(_, value)| PathBuf::from(value))
        });
        let mut figment = Figment::new();
        if let Some(path) = &file {
            figment = figment.merge(file_layer(path)?);
        }
        let layers = Layers {
            figment: figment.merge(EnvLayer::new(&env)),
            file,
            env,
        };
        // Lossy: the environment layer holds text, and `"8080"` or `"true"` must read as a
        // number or a boolean where the field is one.
        let settings: Self = layers
            .figment
            .extract_lossy()
            .map_err(|e| layers.explain(&e))?;
        settings.check(&layers)?;
        Ok(settings)
    }

    fn check(&self, layers: &Layers) -> Result<(), SettingsError> {
        let at_least = |key: &str, value: i128, min: i128| {
            if value < min {
                Err(layers.invalid(key, true, format!("must be at least {min}")))
            } else {
                Ok(())
            }
        };
        let wide = |n: usize| i128::try_from(n).unwrap_or(i128::MAX);
        at_least("session_ttl_secs", self.session_ttl_secs.into(), 60)?;
        at_least(
            "device_token_ttl_days",
            self.device_token_ttl_days.into(),
            1,
        )?;
        at_least("max_json_bytes", wide(self.max_json_bytes), 1024)?;
        at_least("db_pool_size", self.db_pool_size.into(), 1)?;
        at_least(
            "login_free_attempts_per_account",
            self.login_free_attempts_per_account.into(),
            1,
        )?;
        at_least(
            "login_free_attempts_per_address",
            self.login_free_attempts_per_address.into(),
            1,
        )?;
        at_least(
            "ballot_mix_interval_ms",
            self.ballot_mix_interval_ms.into(),
            100,
        )?;
        at_least(
            "request_head_timeout_ms",
            self.request_head_timeout_ms.into(),
            100,
        )?;
        at_least(
            "request_body_timeout_ms",
            self.request_body_timeout_ms.into(),
            100,
        )?;
        if self.ballot_mix_interval_ms > MAX_BALLOT_MIX_INTERVAL_MS {
            return Err(layers.invalid(
                "ballot_mix_interval_ms",
                true,
                format!("must be at most {MAX_BALLOT_MIX_INTERVAL_MS}"),
            ));
        }
        if !(0.0..=100.0).contains(&self.rectification_below_score) {
            return Err(layers.invalid(
                "rectification_below_score",
                true,
                "must be from 0 to 100".into(),
            ));
        }
        if let Some(token) = &self.metrics_token {
            if token.expose().chars().count() < 16 {
                return Err(layers.invalid(
                    "metrics_token",
                    false,
                    "must have at least 16 characters".into(),
                ));
            }
        }
        if let Some(secret) = &self.jwt_secret {
            if secret.expose().len() < 32 {
                return Err(layers.invalid(
                    "jwt_secret",
                    false,
                    "must have at least 32 characters".into(),
                ));
            }
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

/// Reads the TOML file; a missing file or bad TOML is an error of its own, naming the file (and
/// the line), before figment sees the keys.
fn file_layer(path: &Path) -> Result<figment::providers::Data<Toml>, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::ReadFile {
        path: path.to_path_buf(),
        source,
    })?;
    if let Err(e) = toml::from_str::<toml::Table>(&text) {
        let line = e
            .span()
            .map_or(1, |span| text[..span.start].matches('\n').count() + 1);
        return Err(SettingsError::ParseFile {
            path: path.to_path_buf(),
            line,
            message: e.message().split_whitespace().collect::<Vec<_>>().join(" "),
        });
    }
    Ok(Toml::string(&text))
}

/// The `CANVASS_*` layer: each variable named after a setting, with its text as it is.
///
/// figment's own `Env` provider is not used because it reads a value as a figment literal:
/// `"x"` loses its quotes, `[x]` becomes a list, `0012345678` the number 12345678, so a
/// password or key of that shape would change or be refused. Numbers and booleans are read
/// from the text by [`Figment::extract_lossy`] instead.
struct EnvLayer(Dict);

impl EnvLayer {
    fn new(env: &[(String, String)]) -> Self {
        Self(
            env.iter()
                .filter_map(|(name, value)| match classify(name) {
                    EnvVar::Setting(key) => Some((key.to_string(), Value::from(value.clone()))),
                    _ => None,
                })
                .collect(),
        )
    }
}

impl Provider for EnvLayer {
    fn metadata(&self) -> Metadata {
        Metadata::named(ENV_LAYER)
            .interpolater(|_: &Profile, keys: &[&str]| env_var(&keys.join("_")))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.0.clone()))
    }
}

/// The layers one load read, kept to say where a bad value came from.
struct Layers {
    figment: Figment,
    file: Option<PathBuf>,
    env: Vec<(String, String)>,
}

impl Layers {
    /// An error for the setting `key`, named by where its value came from: the variable (and
    /// its value, when `show_value`) or the key and the file.
    fn invalid(&self, key: &str, show_value: bool, reason: String) -> SettingsError {
        debug_assert!(setting_names().contains(&key), "{key} is not a setting");
        let from_env = self
            .figment
            .find_metadata(key)
            .is_some_and(|metadata| metadata.name == ENV_LAYER);
        let setting = match (&self.file, from_env) {
            (_, true) => {
                let var = env_var(key);
                match self.env.iter().find(|(name, _)| *name == var) {
                    Some((_, value)) if show_value => format!("{var}={value:?}"),
                    _ => var,
                }
            }
            (Some(path), false) => format!("`{key}` in {}", path.display()),
            (None, false) => format!("`{key}`"),
        };
        SettingsError::Invalid { setting, reason }
    }

    /// The one-line explanation of what figment refused.
    fn explain(&self, error: &figment::Error) -> SettingsError {
        use figment::error::Kind;
        match (&error.kind, &self.file) {
            (Kind::UnknownField(key, _), Some(path)) => SettingsError::UnknownKey {
                path: path.clone(),
                key: key.clone(),
                suggestion: closest(key, setting_names().iter().copied()).map(str::to_string),
            },
            (Kind::InvalidType(_, expected) | Kind::InvalidValue(_, expected), _)
                if !error.path.is_empty() =>
            {
                self.invalid(
                    &error.path.join("."),
                    true,
                    format!("expected {}", in_words(expected)),
                )
            }
            (Kind::UnknownVariant(_, expected), _) if !error.path.is_empty() => self.invalid(
                &error.path.join("."),
                true,
                format!("expected {}", expected.join(" or ")),
            ),
            (kind, _) if !error.path.is_empty() => {
                self.invalid(&error.path.join("."), true, kind.to_string())
            }
            (kind, _) => SettingsError::Invalid {
                setting: "the settings".into(),
                reason: kind.to_string(),
            },
        }
    }
}

/// What serde calls the types of the settings, in the words of someone setting them.
fn in_words(expected: &str) -> &str {
    match expected {
        "u16" => "a whole number from 0 to 65535",
        "u32" => "a whole number from 0 to 4294967295",
        "u64" | "usize" => "a whole number, 0 or more",
        "i64" => "a whole number",
        "a boolean" => "true or false",
        "a string" => "text",
        other => other,
    }
}

/// The environment variable of the setting `key`.
fn env_var(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase())
}

/// What a `CANVASS_*` variable is to the server.
#[derive(Debug, PartialEq, Eq)]
enum EnvVar {
    /// The variable of this setting.
    Setting(&'static str),
    /// Read by the server but not a setting (`CANVASS_CONFIG`), or read by another program.
    NotASetting,
    /// Meaningless to every canvass program: likely a typo.
    Unknown,
}

fn classify(name: &str) -> EnvVar {
    let rest = name.strip_prefix(ENV_PREFIX).unwrap_or(name);
    if let Some(key) = setting_names()
        .iter()
        .find(|key| key.to_ascii_uppercase() == rest)
    {
        EnvVar::Setting(key)
    } else if name == CONFIG_ENV
        || OTHER_PROGRAMS_VARS.contains(&name)
        || OTHER_PROGRAMS_PREFIXES.iter().any(|p| name.starts_with(p))
    {
        EnvVar::NotASetting
    } else {
        EnvVar::Unknown
    }
}

/// A `CANVASS_*` variable that is set but means nothing to canvass, with the closest real
/// variable when one is near enough to be the intended one.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownVariable {
    pub name: String,
    pub suggestion: Option<String>,
}

impl std::fmt::Display for UnknownVariable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is set but is not a canvass setting", self.name)?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, "; did you mean {suggestion}?")?;
        }
        f.write_str(" (see docs/configuration.md)")
    }
}

/// The `CANVASS_*` variables in `env` that no canvass program reads (likely typos), each with
/// the closest setting's variable (or `CANVASS_CONFIG`).
#[must_use]
pub fn unknown_env_vars(env: impl IntoIterator<Item = (String, String)>) -> Vec<UnknownVariable> {
    let known: Vec<String> = setting_names()
        .iter()
        .map(|key| env_var(key))
        .chain([CONFIG_ENV.to_string()])
        .collect();
    env.into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with(ENV_PREFIX) && classify(name) == EnvVar::Unknown)
        .map(|name| {
            let rest = &name[ENV_PREFIX.len()..];
            let suggestion = closest(rest, known.iter().map(|k| &k[ENV_PREFIX.len()..]))
                .map(|s| format!("{ENV_PREFIX}{s}"));
            UnknownVariable { name, suggestion }
        })
        .collect()
}

/// The candidate nearest to `name` by edit distance (swapping two neighbours is one edit), if
/// it is near enough to be a typo of it: at most a third of the candidate's length, and at
/// least two edits allowed.
fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::osa_distance(name, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Every setting's name (its TOML key), read from the derived `Deserialize`: serde hands a
/// struct's field names to `deserialize_struct`, so this list cannot drift from the struct.
#[must_use]
fn setting_names() -> &'static [&'static str] {
    struct FieldNames<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for FieldNames<'_> {
        type Error = serde::de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(Self::Error::custom("only the field names are read"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(Self::Error::custom("only the field names are read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut names: &'static [&'static str] = &[];
    let _ = Settings::deserialize(FieldNames(&mut names));
    names
}

#[cfg(test)]
mod tests;
