//! `/metrics` over HTTP: a latency histogram per route pattern (Prometheus buckets) and the
//! error answers counted by their stable code; nothing of what was answered, sent or typed.

use canvass_tests::fixtures::{county, open_window_survey, survey_slug, window_answers};
use canvass_tests::TestApp;
use serde_json::json;

fn metrics(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.text().unwrap()
}

/// The value of the sample line that starts with `series ` (its labels included).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.parse().unwrap())
}

#[test]
fn metrics_hold_latency_histograms_by_route_and_errors_by_code_and_nothing_about_answers() {
    let app = TestApp::spawn_with(|s| s.submissions_per_minute = 0);
    let admin = app.admin_token();
    let c = county(&app, &admin);
    let survey = open_window_survey(&app, &c);
    let slug = survey_slug(&app, &c.organiser, survey);
    let submit = format!("/api/v1/public/surveys/{slug}/responses");
    let mut answers = window_answers("dissatisfied");
    answers["comment"] = json!("窗口排队太久-独特的评论");
    for _ in 0..3 {
        let (status, body) = app.call(
            "POST",
            &submit,
            None,
            Some(&json!({"version": 1, "target_unit_id": c.departments[0], "answers": answers})),
        );
        assert_eq!(status, 201, "{body}");
    }
    let (status, _) = app.call(
        "POST",
        &submit,
        None,
        Some(&json!({"version": 1, "target_unit_id": c.village, "answers": answers})),
    );
    assert_eq!(status, 422);
    for _ in 0..2 {
        let (status, _) = app.call("GET", "/api/v1/surveys/424242", Some(&c.organiser), None);
        assert_eq!(status, 404);
    }
    let (status, _) = app.call("GET", "/api/v1/surveys", None, None);
    assert_eq!(status, 401);

    let text = metrics(&app);
    assert!(
        text.contains("# TYPE canvass_http_request_duration_seconds histogram\n"),
        "{text}"
    );
    let route = "method=\"POST\",route=\"/api/v1/public/surveys/{slug}/responses\"";
    let bucket = |le: &str| {
        sample(
            &text,
            &format!("canvass_http_request_duration_seconds_bucket{{{route},le=\"{le}\"}}"),
        )
        .unwrap_or_else(|| panic!("bucket {le} in {text}"))
    };
    let les = [
        "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf",
    ];
    let counts: Vec<f64> = les.iter().map(|le| bucket(le)).collect();
    assert!(
        counts.windows(2).all(|w| w[0] <= w[1]),
        "cumulative: {counts:?}"
    );
    assert!(
        (counts[les.len() - 1] - 4.0).abs() < f64::EPSILON,
        "{counts:?}"
    );
    let count = sample(
        &text,
        &format!("canvass_http_request_duration_seconds_count{{{route}}}"),
    );
    assert_eq!(count, Some(4.0));
    let sum = sample(
        &text,
        &format!("canvass_http_request_duration_seconds_sum{{{route}}}"),
    )
    .unwrap();
    assert!(sum > 0.0, "{sum}");
    assert_eq!(
        sample(&text, "canvass_http_errors_total{code=\"wrong_target\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "canvass_http_errors_total{code=\"not_found\"}"),
        Some(2.0)
    );
    assert_eq!(
        sample(&text, "canvass_http_errors_total{code=\"unauthenticated\"}"),
        Some(1.0)
    );
    for secret in [
        slug.as_str(),
        "424242",
        "独特的评论",
        "dissatisfied",
        "target_unit_id",
    ] {
        assert!(!text.contains(secret), "{secret} in the metrics");
    }
    // every sample is a number, every series named canvass_…
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        assert!(line.starts_with("canvass_"), "{line}");
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
}
