use canvass_protocol::ErrorCode;
use canvass_tests::TestApp;
use serde_json::Value;

/// Every route the foundation serves, as (method, OpenAPI path).
const ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/auth/me"),
    ("post", "/api/v1/auth/password"),
    ("get", "/api/v1/units"),
    ("post", "/api/v1/units"),
    ("get", "/api/v1/units/{id}"),
    ("patch", "/api/v1/units/{id}"),
    ("delete", "/api/v1/units/{id}"),
    ("get", "/api/v1/accounts"),
    ("post", "/api/v1/accounts"),
    ("get", "/api/v1/accounts/{id}"),
    ("patch", "/api/v1/accounts/{id}"),
    ("get", "/api/v1/accounts/{id}/devices"),
    ("delete", "/api/v1/accounts/{id}/devices/{device_id}"),
    ("get", "/api/v1/surveys"),
    ("post", "/api/v1/surveys"),
    ("get", "/api/v1/surveys/{id}"),
    ("patch", "/api/v1/surveys/{id}"),
    ("post", "/api/v1/surveys/{id}/publish"),
    ("post", "/api/v1/surveys/{id}/open"),
    ("post", "/api/v1/surveys/{id}/close"),
    ("get", "/api/v1/surveys/{id}/versions/{version}"),
    ("get", "/api/v1/surveys/{id}/results"),
    ("get", "/api/v1/public/surveys/{slug}"),
    ("post", "/api/v1/public/surveys/{slug}/responses"),
    ("get", "/api/v1/officials"),
    ("post", "/api/v1/officials"),
    ("patch", "/api/v1/officials/{id}"),
    ("get", "/api/v1/rounds"),
    ("post", "/api/v1/rounds"),
    ("get", "/api/v1/rounds/{id}"),
    ("patch", "/api/v1/rounds/{id}"),
    ("post", "/api/v1/rounds/{id}/open"),
    ("post", "/api/v1/rounds/{id}/close"),
    ("post", "/api/v1/rounds/{id}/publish"),
    ("post", "/api/v1/rounds/{id}/codes"),
    ("post", "/api/v1/rounds/{id}/slips"),
    ("post", "/api/v1/rounds/{id}/tally-sheets"),
    ("put", "/api/v1/rounds/{id}/tally-sheets"),
    ("get", "/api/v1/rounds/{id}/tally-sheets"),
    ("get", "/api/v1/rounds/{id}/results"),
    ("post", "/api/v1/public/rounds/{slug}/ballots"),
    ("post", "/api/v1/surveys/{id}/results/publish"),
    ("get", "/api/v1/rectification"),
    ("post", "/api/v1/rectification"),
    ("get", "/api/v1/rectification/counts"),
    ("get", "/api/v1/rectification/{id}"),
    ("put", "/api/v1/rectification/{id}/due"),
    ("post", "/api/v1/rectification/{id}/report"),
    ("post", "/api/v1/rectification/{id}/accept"),
    ("post", "/api/v1/rectification/{id}/return"),
    (
        "get",
        "/api/v1/rectification/{id}/attachments/{attachment_id}",
    ),
    ("get", "/api/v1/sync/manifest"),
    ("post", "/api/v1/sync/batches"),
];

#[test]
fn the_openapi_document_covers_every_route_and_only_served_ones() {
    let app = TestApp::spawn();
    let (status, doc) = app.call("GET", "/api/openapi.json", None, None);
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} missing from the document"
        );
    }
    // and every documented operation is really served (not a 404 route_not_found)
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let concrete = path
                .replace("{id}", "1")
                .replace("{device_id}", "d")
                .replace("{version}", "1")
                .replace("{slug}", "s");
            let (status, body) = app.call(&method.to_uppercase(), &concrete, None, None);
            assert!(
                !(status == 404 && body["error"]["code"] == "route_not_found"),
                "{method} {path} is documented but not served"
            );
        }
    }
    assert!(doc["components"]["schemas"]["ErrorCode"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn healthz_reports_the_database() {
    let app = TestApp::spawn();
    let (status, body) = app.call("GET", "/healthz", None, None);
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    let expected = if app.db.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["backend"], expected);
    let _: Value = body;
}

/// Every `$ref` in `value`, with the JSON path where it stands.
fn refs<'v>(value: &'v Value, at: &str, out: &mut Vec<(String, &'v str)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => out.push((at.to_owned(), target)),
                    _ => refs(inner, &format!("{at}/{key}"), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                refs(inner, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_schema_the_document_refers_to_is_in_it() {
    let app = TestApp::spawn();
    let (status, doc) = app.call("GET", "/api/openapi.json", None, None);
    assert_eq!(status, 200);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut found = Vec::new();
    refs(&doc, "", &mut found);
    assert!(found.len() > 50, "the document refers to its schemas");
    let dangling: Vec<String> = found
        .iter()
        .filter(|(_, target)| {
            target
                .strip_prefix("#/components/schemas/")
                .is_none_or(|name| !schemas.contains_key(name))
        })
        .map(|(at, target)| format!("{at} -> {target}"))
        .collect();
    assert!(
        dangling.is_empty(),
        "dangling references:\n{}",
        dangling.join("\n")
    );
}

#[test]
fn the_error_code_schema_lists_the_codes_a_server_sends() {
    let app = TestApp::spawn();
    let (_, doc) = app.call("GET", "/api/openapi.json", None, None);
    let listed: Vec<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("ErrorCode is an enum of strings")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let wire: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, wire);
    // and an answer's code is one of them
    let (status, body) = app.call("GET", "/api/v1/units/1", None, None);
    assert_eq!(status, 401);
    let sent = body["error"]["code"].as_str().unwrap();
    assert!(listed.contains(&sent), "{sent} is not in the document");
}
