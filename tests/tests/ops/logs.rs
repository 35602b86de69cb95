use std::io::Read;

use canvass_tests::binaries::ServerProcess;
use canvass_tests::TestDb;
use serde_json::{json, Value};

#[test]
fn json_logs_are_one_object_a_line_and_a_request_line_holds_method_path_status_and_time_only() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(
        &[],
        &[
            ("CANVASS_DATABASE_URL", db.url()),
            ("CANVASS_ADMIN_PASSWORD", "json-logs-password"),
            ("CANVASS_LOG", "info"),
            ("CANVASS_LOG_FORMAT", "json"),
        ],
        dir.path(),
    );
    let client = reqwest::blocking::Client::new();
    let health = client
        .get(format!("{}/healthz?token=query-secret", server.url))
        .header("X-Forwarded-For", "203.0.113.7")
        .send()
        .unwrap();
    assert_eq!(health.status(), 200);
    let login = client
        .post(format!("{}/api/v1/auth/login", server.url))
        .json(&json!({"username": "admin", "password": "json-logs-password"}))
        .send()
        .unwrap();
    assert_eq!(login.status(), 200);
    let token = login.json::<Value>().unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    // the access line is written once the answer is sent; give it a moment
    std::thread::sleep(std::time::Duration::from_millis(300));
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let mut log = String::new();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();

    let lines: Vec<Value> = log
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
        })
        .collect();
    assert!(lines.iter().all(Value::is_object), "{log}");
    let requests: Vec<&Value> = lines.iter().filter(|l| l["message"] == "request").collect();
    let health = requests
        .iter()
        .find(|l| l["path"] == "/healthz")
        .unwrap_or_else(|| panic!("no request line for /healthz in {log}"));
    assert_eq!(health["method"], "GET");
    assert_eq!(health["status"], 200);
    assert_eq!(health["level"], "INFO");
    assert!(health["ms"].is_u64(), "{health}");
    assert!(health["timestamp"].is_string(), "{health}");
    let mut keys: Vec<&str> = health
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "level",
            "message",
            "method",
            "ms",
            "path",
            "status",
            "target",
            "timestamp"
        ]
    );
    assert!(
        requests
            .iter()
            .any(|l| l["path"] == "/api/v1/auth/login" && l["status"] == 200),
        "{log}"
    );
    for secret in ["query-secret", "203.0.113.7", "json-logs-password", &token] {
        assert!(!log.contains(secret), "the log holds {secret}: {log}");
    }
}
