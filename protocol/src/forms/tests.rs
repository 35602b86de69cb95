//! Tests of the form model and answer validation as a whole: definition checks, every answer
//! error, skip-logic chains, limits, property tests, and the documented examples and schema.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::error::ErrorCode;

mod definitions;
mod docs;
mod properties;
mod validation;

fn form(json: Value) -> FormDefinition {
    let form: FormDefinition = serde_json::from_value(json).expect("fixture parses");
    if let Err(errors) = form.validate() {
        panic!("fixture is invalid: {errors:#?}");
    }
    form
}

fn zh(text: &str) -> Value {
    json!({ "zh-CN": text })
}

/// A form exercising every question type and skip logic chains on options and on numbers.
fn fixture() -> FormDefinition {
    form(json!({
        "title": {"zh-CN": "窗口服务满意度", "en": "Window service"},
        "questions": [
            {"id": "overall", "label": zh("总体评价"), "required": true, "type": "rating"},
            {"id": "reasons", "label": zh("不满意原因"), "required": true,
             "show_if": {"question": "overall", "equals": "dissatisfied"},
             "type": "multiple_choice", "min": 1, "max": 2, "options": [
                {"id": "long_wait", "label": zh("等候时间长")},
                {"id": "rude_staff", "label": zh("态度生硬")},
                {"id": "other", "label": zh("其他")}]},
            {"id": "other_reason", "label": zh("其他原因"), "required": true,
             "show_if": {"question": "reasons", "equals": "other"},
             "type": "short_text", "max_length": 10},
            {"id": "channel", "label": zh("办理渠道"), "type": "single_choice", "options": [
                {"id": "window", "label": zh("窗口")},
                {"id": "online", "label": zh("网上")}]},
            {"id": "visits", "label": zh("跑了几次"), "type": "number",
             "min": 1, "max": 20, "integer": true},
            {"id": "amount", "label": zh("金额"), "type": "number", "min": -5.5, "max": 100},
            {"id": "score", "label": zh("打分"), "type": "score_0_10"},
            {"id": "low_reason", "label": zh("低分原因"), "required": true,
             "show_if": {"question": "score", "any_of": [0, 1, 2]}, "type": "long_text"},
            {"id": "name", "label": zh("称呼"), "type": "short_text"},
            {"id": "comment", "label": zh("意见建议"), "type": "long_text"}
        ]
    }))
}

fn answers(json: Value) -> AnswerSet {
    serde_json::from_value(json).expect("answer fixture parses")
}

/// The (question, code) pairs of a failed validation, in order.
fn codes(form: &FormDefinition, set: &AnswerSet) -> Vec<(String, ErrorCode)> {
    match validate_answers(form, set) {
        Ok(valid) => panic!("expected errors, got {valid:?}"),
        Err(errors) => errors
            .iter()
            .map(|e| (e.question.clone(), e.code()))
            .collect(),
    }
}

fn one_error(form: &FormDefinition, set: &AnswerSet) -> AnswerError {
    let mut errors = validate_answers(form, set).expect_err("expected an error");
    assert_eq!(errors.len(), 1, "expected exactly one error: {errors:#?}");
    errors.remove(0)
}

fn valid(form: &FormDefinition, set: &AnswerSet) -> ValidatedAnswers {
    match validate_answers(form, set) {
        Ok(valid) => valid,
        Err(errors) => panic!("expected valid answers, got {errors:#?}"),
    }
}

/// The documented examples, as (file name, text); every `survey-*.json` in docs/examples is
/// listed here (a test checks the directory).
const EXAMPLES: &[(&str, &str)] = &[
    (
        "survey-window-service.json",
        include_str!("../../../docs/examples/survey-window-service.json"),
    ),
    (
        "survey-window-service.answers.json",
        include_str!("../../../docs/examples/survey-window-service.answers.json"),
    ),
    (
        "survey-village-services.json",
        include_str!("../../../docs/examples/survey-village-services.json"),
    ),
    (
        "survey-village-services.answers.json",
        include_str!("../../../docs/examples/survey-village-services.answers.json"),
    ),
];

const FORMS_MD: &str = include_str!("../../../docs/forms.md");
const FORMS_SCHEMA: &str = include_str!("../../../docs/forms.schema.json");

/// The example forms, parsed and validated.
fn example_forms() -> Vec<(&'static str, FormDefinition)> {
    EXAMPLES
        .iter()
        .filter(|(name, _)| !name.ends_with(".answers.json"))
        .map(|(name, text)| {
            let form = FormDefinition::from_json(text)
                .unwrap_or_else(|errors| panic!("{name} is not a valid form: {errors:#?}"));
            (*name, form)
        })
        .collect()
}
