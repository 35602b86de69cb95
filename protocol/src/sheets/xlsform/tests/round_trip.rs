//! Any valid form written as XLSForm reads back as the same form.

use proptest::prelude::*;

use super::*;
use crate::forms::{
    ChoiceOption, Condition, ConditionValue, Localized, OptionId, Question, QuestionId,
    QuestionKind, Scale, ScaleId, ScaleOption, ShowIf,
};

fn examples() -> Vec<(String, FormDefinition)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples");
    let mut forms = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("survey-") && !name.ends_with(".answers.json") {
            let text = std::fs::read_to_string(&path).unwrap();
            forms.push((name, FormDefinition::from_json(&text).unwrap()));
        }
    }
    forms.sort_by(|a, b| a.0.cmp(&b.0));
    forms
}

#[track_caller]
fn round_trip(form: &FormDefinition) {
    let bytes = export_xlsform(form).unwrap();
    let import = import_xlsform(&bytes);
    assert!(
        import.problems.is_empty(),
        "{:#?}",
        import
            .problems
            .iter()
            .map(|p| p.render(Lang::En))
            .collect::<Vec<_>>()
    );
    assert_eq!(import.form.as_ref(), Some(form));
}

#[test]
fn the_documented_example_forms_round_trip() {
    let forms = examples();
    assert_eq!(forms.len(), 2);
    for (_, form) in &forms {
        round_trip(form);
    }
}

#[test]
fn an_any_of_with_one_value_comes_back_as_equals() {
    let (_, mut form) = examples().remove(1);
    let q = form
        .questions
        .iter()
        .position(|q| {
            matches!(
                q.show_if.as_ref().map(|s| &s.condition),
                Some(Condition::Equals(_))
            )
        })
        .unwrap();
    let expected = form.clone();
    let show_if = form.questions[q].show_if.as_mut().unwrap();
    let Condition::Equals(value) = show_if.condition.clone() else {
        unreachable!()
    };
    show_if.condition = Condition::AnyOf(vec![value]);
    let import = import_xlsform(&export_xlsform(&form).unwrap());
    assert_eq!(import.form, Some(expected));
}

fn slug(prefix: &'static str) -> impl Strategy<Value = String> {
    "[a-z0-9_]{0,8}".prop_map(move |s| format!("{prefix}{s}"))
}

fn text() -> impl Strategy<Value = String> {
    // Chinese, Latin letters, quotes, a line break; no surrounding whitespace (cells are trimmed).
    "[满意度测评村镇a-zA-Z0-9'\"=<>&]{1,6}( [a-z满意\n]{0,3}[a-z满意])?"
}

fn localized() -> impl Strategy<Value = Localized> {
    (text(), proptest::option::of(text())).prop_map(|(zh_cn, en)| Localized { zh_cn, en })
}

fn options(min: usize) -> impl Strategy<Value = Vec<ChoiceOption>> {
    proptest::collection::btree_map(slug("o"), localized(), min..6).prop_map(|m| {
        m.into_iter()
            .map(|(id, label)| ChoiceOption {
                id: OptionId::parse(&id).unwrap(),
                label,
            })
            .collect()
    })
}

fn kind() -> impl Strategy<Value = QuestionKind> {
    prop_oneof![
        options(2).prop_map(|options| QuestionKind::SingleChoice { options }),
        options(1).prop_flat_map(|options| {
            let n = u32::try_from(options.len()).unwrap();
            (
                Just(options),
                proptest::option::of(1..=n),
                proptest::option::of(1..=n),
            )
                .prop_map(|(options, a, b)| {
                    let (min, max) = match (a, b) {
                        (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
                        other => other,
                    };
                    QuestionKind::MultipleChoice { options, min, max }
                })
        }),
        prop_oneof![Just("satisfaction"), Just("five")].prop_map(|s| QuestionKind::Rating {
            scale: ScaleId::parse(s).unwrap()
        }),
        (
            proptest::option::of(localized()),
            proptest::option::of(localized())
        )
            .prop_map(|(low_label, high_label)| QuestionKind::Score0To10 {
                low_label,
                high_label
            }),
        (
            any::<bool>(),
            proptest::option::of(-1000i32..1000),
            0i32..500,
            proptest::option::of(localized())
        )
            .prop_map(|(integer, min, span, unit)| {
                let scale = if integer { 1.0 } else { 0.25 };
                let min = min.map(|m| f64::from(m) * scale);
                let max = min.map(|m| m + f64::from(span) * scale);
                QuestionKind::Number {
                    min,
                    max,
                    integer,
                    unit,
                }
            }),
        proptest::option::of(1u32..=2000)
            .prop_map(|max_length| QuestionKind::ShortText { max_length }),
        proptest::option::of(1u32..=2000)
            .prop_map(|max_length| QuestionKind::LongText { max_length }),
    ]
}

fn question() -> impl Strategy<Value = Question> {
    (
        slug("q"),
        localized(),
        proptest::option::of(localized()),
        any::<bool>(),
        kind(),
    )
        .prop_map(|(id, label, help, required, kind)| Question {
            id: QuestionId::parse(&id).unwrap(),
            label,
            help,
            required,
            show_if: None,
            kind,
        })
}

fn five_point() -> Scale {
    let option = |id: &str, zh: &str, score: Option<f64>, satisfied| ScaleOption {
        id: OptionId::parse(id).unwrap(),
        label: Localized::zh(zh),
        score,
        satisfied,
    };
    Scale {
        label: Some(Localized::new("五级", "Five")),
        options: vec![
            option("very", "非常满意", Some(100.0), true),
            option("fair", "一般", Some(62.5), false),
            option("bad", "不满意", Some(0.0), false),
            option("dont_know", "不了解", None, false),
        ],
    }
}

/// Adds a skip rule to every third question that has an earlier question it can depend on.
fn with_skip_rules(mut form: FormDefinition) -> FormDefinition {
    for i in (2..form.questions.len()).step_by(3) {
        let earlier = form.questions[..i].iter().find_map(|q| {
            let values: Vec<ConditionValue> = match &q.kind {
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options, .. } => options
                    .iter()
                    .take(2)
                    .map(|o| ConditionValue::Option(o.id.clone()))
                    .collect(),
                QuestionKind::Score0To10 { .. } => {
                    vec![ConditionValue::Number(0.0), ConditionValue::Number(10.0)]
                }
                _ => return None,
            };
            Some((q.id.clone(), values))
        });
        if let Some((question, mut values)) = earlier {
            let condition = if values.len() == 1 || i % 2 == 0 {
                Condition::Equals(values.remove(0))
            } else {
                Condition::AnyOf(values)
            };
            form.questions[i].show_if = Some(ShowIf {
                question,
                condition,
            });
        }
    }
    form
}

fn form() -> impl Strategy<Value = FormDefinition> {
    (
        localized(),
        proptest::option::of(localized()),
        proptest::collection::vec(question(), 1..12),
    )
        .prop_map(|(title, description, questions)| {
            let mut seen = std::collections::HashSet::new();
            let questions: Vec<Question> = questions
                .into_iter()
                .filter(|q| seen.insert(q.id.clone()))
                .collect();
            let mut scales = std::collections::BTreeMap::new();
            scales.insert(ScaleId::parse("five").unwrap(), five_point());
            with_skip_rules(FormDefinition {
                title,
                description,
                questions,
                scales,
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_forms_round_trip(form in form()) {
        prop_assume!(form.validate().is_ok());
        round_trip(&form);
    }
}

#[test]
fn a_surveys_series_and_period_go_out_in_the_settings_sheet_and_come_back() {
    let form: FormDefinition = serde_json::from_value(serde_json::json!({
        "title": {"zh-CN": "窗口服务满意度", "en": "Window service"},
        "questions": [{"id": "overall", "type": "rating", "label": {"zh-CN": "总体", "en": "Overall"}}]
    }))
    .unwrap();
    let bytes = export_xlsform_in_series(
        &form,
        Some("县直部门窗口服务满意度测评"),
        Some("2026年第三季度"),
    )
    .unwrap();
    let import = import_xlsform(&bytes);
    assert!(import.problems.is_empty());
    assert_eq!(import.form.as_ref(), Some(&form));
    assert_eq!(import.series.as_deref(), Some("县直部门窗口服务满意度测评"));
    assert_eq!(import.period.as_deref(), Some("2026年第三季度"));
    // without them, no such columns
    let import = import_xlsform(&export_xlsform(&form).unwrap());
    assert_eq!((import.series, import.period), (None, None));
}
