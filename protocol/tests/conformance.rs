//! The conformance corpora run against `protocol`: answer sets (`tests/conformance/answers.json`)
//! against `validate_answers`, tally sheets (`tests/conformance/tally_sheets.json`) against
//! `check_tally`. The field app's browser test runs the same files against its script, so the
//! checks on the phone and on the server cannot drift apart.

use canvass_protocol::forms::{validate_answers, AnswerSet, FormDefinition};
use canvass_protocol::rounds::{check_tally, Round, RoundDefinition, TallySheet};
use serde_json::Value;

/// The corpora, shared with the browser test (tests/tests/api/field_app.rs).
const CORPUS: &str = include_str!("conformance/answers.json");
const SHEETS: &str = include_str!("conformance/tally_sheets.json");

/// JSON values equal as the wire reads them: numbers by value (`2` and `2.0` alike).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn every_case_of_the_conformance_corpus_gets_its_expected_problems() {
    let corpus: Value = serde_json::from_str(CORPUS).expect("the corpus is JSON");
    let cases = corpus["cases"].as_array().expect("cases");
    assert!(cases.len() >= 20, "a corpus worth the name");
    for case in cases {
        let name = case["name"].as_str().expect("a name");
        let form: FormDefinition =
            serde_json::from_value(corpus["forms"][case["form"].as_str().expect("a form")].clone())
                .unwrap_or_else(|e| panic!("{name}: the form does not parse: {e}"));
        form.validate()
            .unwrap_or_else(|e| panic!("{name}: the form is invalid: {e:?}"));
        let answers: AnswerSet = serde_json::from_value(case["answers"].clone())
            .unwrap_or_else(|e| panic!("{name}: the answers do not parse: {e}"));
        let expected: Vec<(String, String)> = case["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| {
                (
                    p["field"].as_str().unwrap().to_string(),
                    p["code"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        match validate_answers(&form, &answers) {
            Ok(valid) => {
                assert!(
                    expected.is_empty(),
                    "{name}: accepted, expected {expected:?}"
                );
                if let Some(want) = case.get("valid") {
                    let got = serde_json::to_value(&valid).unwrap();
                    assert!(same(&got, want), "{name}: kept {got}, expected {want}");
                }
            }
            Err(errors) => {
                let got: Vec<(String, String)> = errors
                    .iter()
                    .map(|e| (e.field().to_string(), e.code().as_str().to_string()))
                    .collect();
                assert_eq!(got, expected, "{name}");
            }
        }
    }
}

#[test]
fn every_tally_sheet_of_the_conformance_corpus_gets_its_expected_problems() {
    let corpus: Value = serde_json::from_str(SHEETS).expect("the corpus is JSON");
    let cases = corpus["cases"].as_array().expect("cases");
    assert!(cases.len() >= 8, "a corpus worth the name");
    for case in cases {
        let name = case["name"].as_str().expect("a name");
        let definition: RoundDefinition = serde_json::from_value(
            corpus["rounds"][case["round"].as_str().expect("a round")].clone(),
        )
        .unwrap_or_else(|e| panic!("{name}: the round does not parse: {e}"));
        let round = Round::new(definition)
            .unwrap_or_else(|e| panic!("{name}: the round is invalid: {e:?}"));
        let sheet: TallySheet = serde_json::from_value(case["sheet"].clone())
            .unwrap_or_else(|e| panic!("{name}: the sheet does not parse: {e}"));
        let expected: Vec<(String, String)> = case["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| {
                (
                    p["field"].as_str().unwrap().to_string(),
                    p["code"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let got: Vec<(String, String)> = match check_tally(&round, &sheet) {
            Ok(_) => vec![],
            Err(problems) => problems
                .iter()
                .map(|p| (p.field.clone(), p.code.as_str().to_string()))
                .collect(),
        };
        assert_eq!(got, expected, "{name}");
    }
}
