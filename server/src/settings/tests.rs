use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

/// A settings file with `text` in a directory of its own.
fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("canvass.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn error(file: Option<&Path>, pairs: &[(&str, &str)]) -> String {
    Settings::load(file, env(pairs)).unwrap_err().to_string()
}

#[test]
fn nothing_set_gives_the_defaults_which_need_no_configuration() {
    let s = Settings::load(None, env(&[])).unwrap();
    assert_eq!(format!("{s:?}"), format!("{:?}", Settings::default()));
    assert_eq!(s.host, "127.0.0.1");
    assert_eq!(s.port, 8080);
    assert_eq!(s.database_url.expose(), "sqlite://canvass.db");
    assert_eq!(s.session_ttl_secs, 3600);
    assert_eq!(s.max_json_bytes, 256 * 1024);
    assert!(s.admin_password.is_none() && s.jwt_secret.is_none() && s.public_url.is_none());
    assert!(!s.trust_forwarded_for);
    assert_eq!(s.submissions_per_minute, 60);
}

#[test]
fn the_environment_overrides_the_file_which_overrides_the_defaults() {
    let (_dir, path) = file("port = 9000\nhost = \"0.0.0.0\"\nworkers = 3\n");
    let s = Settings::load(
        Some(&path),
        env(&[("CANVASS_PORT", "9100"), ("CANVASS_LOG", "warn")]),
    )
    .unwrap();
    assert_eq!(s.port, 9100, "environment over file");
    assert_eq!(s.host, "0.0.0.0", "file over default");
    assert_eq!(s.workers, 3, "file over default");
    assert_eq!(s.log, "warn", "environment over default");
    assert_eq!(s.db_pool_size, 8, "default where nothing is set");
}

#[test]
fn canvass_config_names_the_file_and_the_command_line_option_wins_over_it() {
    let (_dir, from_env) = file("port = 9001\n");
    let (_dir2, from_option) = file("port = 9002\n");
    let config = from_env.to_str().unwrap();
    let s = Settings::load(None, env(&[("CANVASS_CONFIG", config)])).unwrap();
    assert_eq!(s.port, 9001);
    let s = Settings::load(Some(&from_option), env(&[("CANVASS_CONFIG", config)])).unwrap();
    assert_eq!(s.port, 9002);
}

#[test]
fn every_variable_of_every_setting_is_read() {
    let s = Settings::load(
        None,
        env(&[
            ("CANVASS_DATABASE_URL", "postgres://u:pw@db/canvass"),
            ("CANVASS_HOST", "0.0.0.0"),
            ("CANVASS_PORT", " 9000 "),
            ("CANVASS_ADMIN_PASSWORD", "a-long-password"),
            ("CANVASS_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
            ("CANVASS_SESSION_TTL_SECS", "120"),
            ("CANVASS_DEVICE_TOKEN_TTL_DAYS", "7"),
            ("CANVASS_MAX_JSON_BYTES", "4096"),
            ("CANVASS_DB_POOL_SIZE", "2"),
            ("CANVASS_WORKERS", "4"),
            ("CANVASS_PUBLIC_URL", "https://canvass.example/"),
            ("CANVASS_LOG", "debug"),
            ("CANVASS_LOG_FORMAT", "json"),
            ("CANVASS_LOGIN_FREE_ATTEMPTS_PER_ACCOUNT", "3"),
            ("CANVASS_LOGIN_FREE_ATTEMPTS_PER_ADDRESS", "30"),
            ("CANVASS_TRUST_FORWARDED_FOR", "true"),
            ("CANVASS_SUBMISSIONS_PER_MINUTE", "0"),
            ("CANVASS_BALLOT_MIX_INTERVAL_MS", "500"),
            ("CANVASS_RECTIFICATION_BELOW_SCORE", "55.5"),
            ("CANVASS_METRICS_TOKEN", "a-metrics-token-0123"),
        ]),
    )
    .unwrap();
    assert_eq!(s.database_url.expose(), "postgres://u:pw@db/canvass");
    assert_eq!((s.host.as_str(), s.port), ("0.0.0.0", 9000));
    assert_eq!(
        s.admin_password.as_ref().unwrap().expose(),
        "a-long-password"
    );
    assert_eq!(
        s.jwt_secret.as_ref().unwrap().expose(),
        "0123456789abcdef0123456789abcdef"
    );
    assert_eq!((s.session_ttl_secs, s.device_token_ttl_days), (120, 7));
    assert_eq!((s.max_json_bytes, s.db_pool_size, s.workers), (4096, 2, 4));
    assert_eq!(s.public_base_url(9000), "https://canvass.example");
    assert_eq!((s.log.as_str(), s.log_format), ("debug", LogFormat::Json));
    assert_eq!(
        (
            s.login_free_attempts_per_account,
            s.login_free_attempts_per_address
        ),
        (3, 30)
    );
    assert!(s.trust_forwarded_for);
    assert_eq!(s.submissions_per_minute, 0);
    assert_eq!(s.ballot_mix_interval_ms, 500);
    assert!((s.rectification_below_score - 55.5).abs() < f64::EPSILON);
    assert_eq!(
        s.metrics_token.as_ref().unwrap().expose(),
        "a-metrics-token-0123"
    );
    assert_eq!(setting_names().len(), 23, "a new setting needs a line here");
}

#[test]
fn text_settings_keep_their_text_exactly_even_when_it_looks_like_a_number_or_a_list() {
    for password in [
        "0012345678",
        "\"quoted password\"",
        "[not-a-list]",
        "true",
        " spaced ",
    ] {
        let s = Settings::load(None, env(&[("CANVASS_ADMIN_PASSWORD", password)])).unwrap();
        assert_eq!(s.admin_password.unwrap().expose(), password);
    }
    let s = Settings::load(None, env(&[("CANVASS_LOG", "0")])).unwrap();
    assert_eq!(s.log, "0");
}

#[test]
fn a_bad_value_in_the_environment_names_the_variable_its_value_and_what_is_expected() {
    let whole_port = "expected a whole number from 0 to 65535";
    for (var, value, reason) in [
        ("CANVASS_PORT", "eighty", whole_port),
        ("CANVASS_PORT", "70000", whole_port),
        (
            "CANVASS_TRUST_FORWARDED_FOR",
            "maybe",
            "expected true or false",
        ),
        ("CANVASS_SESSION_TTL_SECS", "30", "must be at least 60"),
        ("CANVASS_LOG_FORMAT", "xml", "expected text or json"),
        (
            "CANVASS_LOGIN_FREE_ATTEMPTS_PER_ADDRESS",
            "0",
            "must be at least 1",
        ),
        (
            "CANVASS_BALLOT_MIX_INTERVAL_MS",
            "50",
            "must be at least 100",
        ),
        (
            "CANVASS_BALLOT_MIX_INTERVAL_MS",
            "3600001",
            "must be at most 3600000",
        ),
    ] {
        assert_eq!(
            error(None, &[(var, value)]),
            format!("{var}={value:?} is not valid: {reason}")
        );
    }
}

#[test]
fn a_bad_value_or_key_in_the_file_names_the_key_and_the_file() {
    for (text, expected) in [
        (
            "port = \"eighty\"\n",
            "`port` in FILE is not valid: expected a whole number from 0 to 65535",
        ),
        (
            "db_pool_size = 0\n",
            "`db_pool_size` in FILE is not valid: must be at least 1",
        ),
        (
            "prot = 9000\n",
            "the settings file FILE has an unknown key `prot`; did you mean `port`?",
        ),
        (
            "host = \"0.0.0.0\"\nport = \n",
            "the settings file FILE is not valid TOML (line 2): invalid string expected `\"`, `'`",
        ),
    ] {
        let (_dir, path) = file(text);
        let expected = expected.replace("FILE", &path.display().to_string());
        assert_eq!(error(Some(&path), &[]), expected);
    }
}

#[test]
fn a_value_the_environment_overrides_is_not_blamed_on_the_file() {
    let (_dir, path) = file("session_ttl_secs = 7200\n");
    let message = error(Some(&path), &[("CANVASS_SESSION_TTL_SECS", "10")]);
    assert!(
        message.starts_with("CANVASS_SESSION_TTL_SECS="),
        "{message}"
    );
}

#[test]
fn a_bad_secret_is_refused_without_showing_it() {
    let message = error(None, &[("CANVASS_JWT_SECRET", "too-short-to-sign")]);
    assert_eq!(
        message,
        "CANVASS_JWT_SECRET is not valid: must have at least 32 characters"
    );
    let (_dir, path) = file("jwt_secret = 1234567890\n");
    let message = error(Some(&path), &[]);
    assert!(message.starts_with("`jwt_secret` in "), "{message}");
    assert!(!message.contains("1234567890"), "{message}");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.toml");
    let message = error(Some(&missing), &[]);
    let start = format!("cannot read the settings file {}: ", missing.display());
    assert!(message.starts_with(&start), "{message}");
}

#[test]
fn secrets_are_redacted_in_debug_and_display() {
    let s = Settings::load(
        None,
        env(&[
            ("CANVASS_ADMIN_PASSWORD", "hunter2hunter2"),
            ("CANVASS_JWT_SECRET", "signing-key-signing-key-signing-key"),
            (
                "CANVASS_DATABASE_URL",
                "postgres://u:topsecret@db/canvass?password=also",
            ),
        ]),
    )
    .unwrap();
    let shown = format!("{s:?}");
    for secret in ["hunter2", "signing-key", "topsecret", "also"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(
        shown.contains("admin_password: Some([redacted])"),
        "{shown}"
    );
    assert!(shown.contains("postgres://u:***@db/canvass"), "{shown}");
    let password = s.admin_password.unwrap();
    assert_eq!(password.to_string(), "[redacted]");
    assert_eq!(s.database_url.to_string(), "postgres://u:***@db/canvass");
}

#[test]
fn an_unknown_variable_is_reported_with_the_closest_real_name() {
    let unknown = unknown_env_vars(env(&[
        ("CANVASS_PROT", "1"),
        ("CANVASS_PORT", "2"),
        ("CANVASS_CONFG", "x.toml"),
        ("CANVASS_SUBMISIONS_PER_MINUTE", "0"),
        ("CANVASS_SOMETHING_ELSE", "1"),
        ("PATH", "/usr/bin"),
    ]));
    let found: Vec<(&str, Option<&str>)> = unknown
        .iter()
        .map(|u| (u.name.as_str(), u.suggestion.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            ("CANVASS_PROT", Some("CANVASS_PORT")),
            ("CANVASS_CONFG", Some("CANVASS_CONFIG")),
            (
                "CANVASS_SUBMISIONS_PER_MINUTE",
                Some("CANVASS_SUBMISSIONS_PER_MINUTE")
            ),
            ("CANVASS_SOMETHING_ELSE", None),
        ]
    );
    assert_eq!(
        unknown[0].to_string(),
        "CANVASS_PROT is set but is not a canvass setting; did you mean CANVASS_PORT? \
         (see docs/configuration.md)"
    );
}

#[test]
fn an_unknown_variable_does_not_stop_the_server() {
    let s = Settings::load(None, env(&[("CANVASS_PROT", "eighty")])).unwrap();
    assert_eq!(s.port, 8080);
}

#[test]
fn variables_of_the_client_the_tests_and_ci_are_not_reported() {
    let vars: Vec<(String, String)> = [
        "CANVASS_CONFIG",
        "CANVASS_TEST_DATABASE_URL",
        "CANVASS_CI_PG_URL",
        "CANVASS_CHROMIUM",
        "CANVASS_CHROMEDRIVER",
        "CANVASS_SERVER",
        "CANVASS_CONFIG_DIR",
        "CANVASS_DATA_DIR",
        "CANVASS_RETRY_BASE_MS",
    ]
    .iter()
    .map(|name| ((*name).to_string(), "x".to_string()))
    .collect();
    assert_eq!(unknown_env_vars(vars), []);
}

#[test]
fn the_configuration_page_lists_every_setting_with_its_variable() {
    let page = include_str!("../../../docs/configuration.md");
    for key in setting_names() {
        let row = format!("| `{key}` | `{}` |", env_var(key));
        assert!(page.contains(&row), "docs/configuration.md lacks {row}");
    }
}

#[test]
fn a_short_metrics_token_is_refused() {
    let e = Settings::load(None, env(&[("CANVASS_METRICS_TOKEN", "short")])).unwrap_err();
    assert!(e.to_string().contains("CANVASS_METRICS_TOKEN"), "{e}");
    assert!(e.to_string().contains("at least 16 characters"), "{e}");
    assert!(
        !e.to_string().contains("short"),
        "a secret is never shown: {e}"
    );
}
