//! Form definitions: shape (serde) and the checks of `FormDefinition::validate`.

use super::*;

fn problems(json: Value) -> Vec<(String, ErrorCode)> {
    let form: FormDefinition = serde_json::from_value(json).expect("shape is fine");
    match form.validate() {
        Ok(()) => panic!("expected the definition to be refused"),
        Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

fn problem(json: Value) -> (String, ErrorCode) {
    let mut all = problems(json);
    assert_eq!(all.len(), 1, "expected exactly one problem: {all:?}");
    all.remove(0)
}

fn single(questions: Value) -> Value {
    json!({"title": zh("测评"), "questions": questions})
}

fn choice(id: &str) -> Value {
    json!({"id": id, "label": zh("选项")})
}

fn pick(id: &str) -> Value {
    json!({"id": id, "label": zh("题"), "type": "single_choice",
           "options": [choice("a"), choice("b")]})
}

#[test]
fn definitions_round_trip_through_json() {
    let form = fixture();
    let json = serde_json::to_value(&form).unwrap();
    let back: FormDefinition = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, form);
    assert_eq!(json["questions"][0]["type"], "rating");
    assert_eq!(json["questions"][0]["scale"], "satisfaction");
    assert_eq!(
        json["questions"][1]["show_if"],
        json!({"question": "overall", "equals": "dissatisfied"})
    );
    assert_eq!(
        json["questions"][7]["show_if"],
        json!({"question": "score", "any_of": [0.0, 1.0, 2.0]})
    );
}

#[test]
fn a_rating_question_defaults_to_the_satisfaction_scale() {
    let form = form(single(
        json!([{"id": "q", "label": zh("评价"), "type": "rating"}]),
    ));
    assert_eq!(
        form.questions[0].kind,
        QuestionKind::Rating {
            scale: ScaleId::satisfaction()
        }
    );
    assert!(!form.questions[0].required);
    assert_eq!(form.scale("satisfaction"), Some(Scale::satisfaction()));
}

#[test]
fn unknown_fields_and_wrong_shapes_are_refused_when_parsing() {
    let refused = [
        json!({"title": zh("t"), "questions": [pick("q")], "min_group_size": 5}),
        single(json!([{"id": "q", "label": zh("题"), "requird": true, "type": "long_text"}])),
        single(json!([{"id": "q", "label": zh("题"), "type": "score_0_10", "options": []}])),
        single(
            json!([{"id": "q", "label": zh("题"), "type": "long_text", "max_length": 100, "min": 1}]),
        ),
        single(json!([{"id": "q", "label": zh("题"), "type": "essay"}])),
        single(json!([{"id": "q", "label": zh("题")}])),
        single(json!([{"id": "Q1", "label": zh("题"), "type": "long_text"}])),
        single(json!([{"id": "q", "label": "题", "type": "long_text"}])),
        single(
            json!([{"id": "q", "label": zh("题"), "type": "single_choice",
            "options": [{"id": "a", "label": zh("甲"), "score": 1}, choice("b")]}]),
        ),
        single(
            json!([pick("a"), {"id": "q", "label": zh("题"), "type": "long_text",
            "show_if": {"question": "a"}}]),
        ),
        single(
            json!([pick("a"), {"id": "q", "label": zh("题"), "type": "long_text",
            "show_if": {"question": "a", "equals": "a", "any_of": ["b"]}}]),
        ),
        single(
            json!([pick("a"), {"id": "q", "label": zh("题"), "type": "long_text",
            "show_if": {"question": "a", "equals": "Not a slug"}}]),
        ),
        single(json!([{"id": "q", "label": zh("题"), "type": "long_text", "max_length": -1}])),
        json!({"title": zh("t"), "questions": [pick("q")], "scales": {"Bad": {"options": []}}}),
    ];
    for json in refused {
        assert!(
            serde_json::from_value::<FormDefinition>(json.clone()).is_err(),
            "accepted {json}"
        );
    }
}

#[test]
fn from_json_separates_malformed_json_from_bad_shapes_and_bad_content() {
    let malformed = FormDefinition::from_json("{\"title\": ").unwrap_err();
    assert_eq!(malformed[0].code, ErrorCode::MalformedJson);
    let shape = FormDefinition::from_json("{\"title\": {\"zh-CN\": \"t\"}}").unwrap_err();
    assert_eq!(shape[0].code, ErrorCode::InvalidValue);
    assert!(
        shape[0].message.contains("questions"),
        "{}",
        shape[0].message
    );
    let content = FormDefinition::from_json("{\"title\": {\"zh-CN\": \"t\"}, \"questions\": []}")
        .unwrap_err();
    assert_eq!(content[0].field, "questions");
    let ok =
        FormDefinition::from_json(&serde_json::to_string(&single(json!([pick("q")]))).unwrap());
    assert!(ok.is_ok());
}

#[test]
fn a_form_has_between_one_and_two_hundred_questions() {
    assert_eq!(
        problem(single(json!([]))),
        ("questions".to_owned(), ErrorCode::InvalidValue)
    );
    let many: Vec<Value> = (0..=MAX_QUESTIONS)
        .map(|i| pick(&format!("q{i}")))
        .collect();
    assert_eq!(
        problem(single(Value::Array(many))),
        ("questions".to_owned(), ErrorCode::InvalidValue)
    );
    let enough: Vec<Value> = (0..MAX_QUESTIONS).map(|i| pick(&format!("q{i}"))).collect();
    form(single(Value::Array(enough)));
}

#[test]
fn ids_are_unique_per_form_and_per_option_list() {
    assert_eq!(
        problem(single(json!([pick("q"), pick("q")]))),
        ("questions[1].id".to_owned(), ErrorCode::DuplicateId)
    );
    assert_eq!(
        problem(single(
            json!([{"id": "q", "label": zh("题"), "type": "multiple_choice",
            "options": [choice("a"), choice("b"), choice("a")]}])
        )),
        (
            "questions[0].options[2].id".to_owned(),
            ErrorCode::DuplicateId
        )
    );
    assert_eq!(
        problem(
            json!({"title": zh("t"), "questions": [pick("q")], "scales": {"five": {"options": [
            {"id": "good", "label": zh("好"), "score": 100},
            {"id": "good", "label": zh("差"), "score": 0}]}}})
        ),
        (
            "scales.five.options[1].id".to_owned(),
            ErrorCode::DuplicateId
        )
    );
}

#[test]
fn option_lists_have_sane_lengths() {
    assert_eq!(
        problem(single(
            json!([{"id": "q", "label": zh("题"), "type": "single_choice",
            "options": [choice("a")]}])
        )),
        ("questions[0].options".to_owned(), ErrorCode::InvalidValue)
    );
    assert_eq!(
        problem(single(
            json!([{"id": "q", "label": zh("题"), "type": "multiple_choice",
            "options": []}])
        )),
        ("questions[0].options".to_owned(), ErrorCode::InvalidValue)
    );
    form(single(
        json!([{"id": "agree", "label": zh("同意"), "type": "multiple_choice",
        "options": [choice("yes")]}]),
    ));
    let options: Vec<Value> = (0..=MAX_OPTIONS)
        .map(|i| choice(&format!("o{i}")))
        .collect();
    assert_eq!(
        problem(single(
            json!([{"id": "q", "label": zh("题"), "type": "single_choice",
            "options": options}])
        )),
        ("questions[0].options".to_owned(), ErrorCode::InvalidValue)
    );
}

#[test]
fn labels_are_present_and_within_limits() {
    let label = |text: Value| single(json!([{"id": "q", "label": text, "type": "long_text"}]));
    assert_eq!(
        problem(label(zh(""))),
        (
            "questions[0].label.zh-CN".to_owned(),
            ErrorCode::InvalidValue
        )
    );
    assert_eq!(
        problem(label(zh(" \u{3000}"))),
        (
            "questions[0].label.zh-CN".to_owned(),
            ErrorCode::InvalidValue
        )
    );
    assert_eq!(
        problem(label(json!({"zh-CN": "题", "en": ""}))),
        ("questions[0].label.en".to_owned(), ErrorCode::InvalidValue)
    );
    assert_eq!(
        problem(label(json!({"zh-CN": "题", "en": "a\u{0}b"}))),
        (
            "questions[0].label.en".to_owned(),
            ErrorCode::UnstorableText
        )
    );
    assert_eq!(
        problem(label(zh("\u{0}"))),
        (
            "questions[0].label.zh-CN".to_owned(),
            ErrorCode::UnstorableText
        )
    );
    form(label(zh(&"题".repeat(MAX_LABEL_CHARS))));
    assert_eq!(
        problem(label(zh(&"题".repeat(MAX_LABEL_CHARS + 1)))),
        (
            "questions[0].label.zh-CN".to_owned(),
            ErrorCode::InvalidValue
        )
    );
    assert_eq!(
        problem(json!({"title": zh(&"标".repeat(MAX_TITLE_CHARS + 1)), "questions": [pick("q")]})),
        ("title.zh-CN".to_owned(), ErrorCode::InvalidValue)
    );
    assert_eq!(
        problem(json!({"title": zh("t"), "description": zh(""), "questions": [pick("q")]})),
        ("description.zh-CN".to_owned(), ErrorCode::InvalidValue)
    );
    assert_eq!(
        problem(single(
            json!([{"id": "q", "label": zh("题"), "help": zh(""), "type": "long_text"}])
        )),
        (
            "questions[0].help.zh-CN".to_owned(),
            ErrorCode::InvalidValue
        )
    );
    assert_eq!(
        problem(single(
            json!([{"id": "q", "label": zh("题"), "type": "single_choice",
            "options": [choice("a"), {"id": "b", "label": zh("")}]}])
        )),
        (
            "questions[0].options[1].label.zh-CN".to_owned(),
            ErrorCode::InvalidValue
        )
    );
}

#[test]
fn text_limits_lie_between_one_and_two_thousand() {
    for kind in ["short_text", "long_text"] {
        for limit in [1, 2000] {
            form(single(
                json!([{"id": "q", "label": zh("题"), "type": kind, "max_length": limit}]),
            ));
        }
        for limit in [0, 2001, u32::MAX] {
            assert_eq!(
                problem(single(
                    json!([{"id": "q", "label": zh("题"), "type": kind, "max_length": limit}])
                )),
                (
                    "questions[0].max_length".to_owned(),
                    ErrorCode::InvalidLimits
                )
            );
        }
    }
}

#[test]
fn multiple_choice_bounds_fit_the_options() {
    let multi = |min: Value, max: Value| {
        single(
            json!([{"id": "q", "label": zh("题"), "type": "multiple_choice",
            "options": [choice("a"), choice("b"), choice("c")], "min": min, "max": max}]),
        )
    };
    form(multi(json!(1), json!(3)));
    form(multi(json!(2), json!(2)));
    form(multi(Value::Null, json!(1)));
    assert_eq!(
        problem(multi(json!(0), Value::Null)),
        ("questions[0].min".to_owned(), ErrorCode::InvalidLimits)
    );
    assert_eq!(
        problem(multi(json!(4), Value::Null)),
        ("questions[0].min".to_owned(), ErrorCode::InvalidLimits)
    );
    assert_eq!(
        problem(multi(Value::Null, json!(4))),
        ("questions[0].max".to_owned(), ErrorCode::InvalidLimits)
    );
    assert_eq!(
        problem(multi(Value::Null, json!(0))),
        ("questions[0].max".to_owned(), ErrorCode::InvalidLimits)
    );
    assert_eq!(
        problem(multi(json!(3), json!(2))),
        ("questions[0].max".to_owned(), ErrorCode::InvalidLimits)
    );
}

#[test]
fn number_bounds_are_ordered_finite_and_whole_for_integers() {
    let number = |min: f64, max: f64, integer: bool| {
        let mut form: FormDefinition = serde_json::from_value(single(json!([
            {"id": "n", "label": zh("数"), "type": "number"}])))
        .unwrap();
        form.questions[0].kind = QuestionKind::Number {
            min: Some(min),
            max: Some(max),
            integer,
            unit: None,
        };
        form.validate()
            .map_err(|e| e.into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>())
    };
    assert!(number(1.0, 1.0, true).is_ok());
    assert!(number(-0.5, 0.5, false).is_ok());
    assert_eq!(
        number(2.0, 1.0, false).unwrap_err(),
        [("questions[0].max".to_owned(), ErrorCode::InvalidLimits)]
    );
    assert_eq!(
        number(0.5, 1.0, true).unwrap_err(),
        [("questions[0].min".to_owned(), ErrorCode::InvalidLimits)]
    );
    assert_eq!(
        number(f64::NAN, 1.0, false).unwrap_err(),
        [("questions[0].min".to_owned(), ErrorCode::InvalidLimits)]
    );
    assert_eq!(
        number(f64::NEG_INFINITY, f64::INFINITY, false).unwrap_err(),
        [
            ("questions[0].min".to_owned(), ErrorCode::InvalidLimits),
            ("questions[0].max".to_owned(), ErrorCode::InvalidLimits)
        ]
    );
}

#[test]
fn rating_questions_need_a_known_scale() {
    assert_eq!(
        problem(single(
            json!([{"id": "q", "label": zh("题"), "type": "rating", "scale": "five_point"}])
        )),
        ("questions[0].scale".to_owned(), ErrorCode::UnknownScale)
    );
}

fn five_point(options: Value) -> Value {
    json!({"title": zh("t"), "scales": {"five_point": {"options": options}},
           "questions": [{"id": "q", "label": zh("题"), "type": "rating", "scale": "five_point"}]})
}

#[test]
fn custom_scales_are_checked() {
    let good = form(five_point(json!([
        {"id": "good", "label": zh("好"), "score": 100, "satisfied": true},
        {"id": "bad", "label": zh("差"), "score": 0},
        {"id": "dont_know", "label": zh("不了解")}])));
    assert!(good.scale("five_point").is_some());
    assert_eq!(good.scale_of("q"), good.scale("five_point"));
    assert_eq!(good.scale_of("nope"), None);
    assert_eq!(fixture().scale_of("overall"), Some(Scale::satisfaction()));
    assert_eq!(fixture().scale_of("channel"), None);
    assert_eq!(
        problem(five_point(
            json!([{"id": "good", "label": zh("好"), "score": 100}])
        )),
        (
            "scales.five_point.options".to_owned(),
            ErrorCode::InvalidValue
        )
    );
    assert_eq!(
        problem(five_point(json!([
            {"id": "good", "label": zh("好"), "score": 101},
            {"id": "bad", "label": zh("差"), "score": 0}]))),
        (
            "scales.five_point.options[0].score".to_owned(),
            ErrorCode::InvalidLimits
        )
    );
    assert_eq!(
        problem(five_point(json!([
            {"id": "good", "label": zh("好"), "score": -1},
            {"id": "bad", "label": zh("差"), "score": 0}]))),
        (
            "scales.five_point.options[0].score".to_owned(),
            ErrorCode::InvalidLimits
        )
    );
    assert_eq!(
        problem(five_point(json!([
            {"id": "good", "label": zh("好"), "score": 100},
            {"id": "dont_know", "label": zh("不了解"), "satisfied": true}]))),
        (
            "scales.five_point.options[1].satisfied".to_owned(),
            ErrorCode::InvalidValue
        )
    );
    assert_eq!(
        problem(five_point(json!([
            {"id": "a", "label": zh("甲")},
            {"id": "b", "label": zh("乙")}]))),
        (
            "scales.five_point.options".to_owned(),
            ErrorCode::InvalidValue
        )
    );
    let reserved = json!({"title": zh("t"), "questions": [pick("q")], "scales": {"satisfaction": {
        "options": [{"id": "a", "label": zh("甲"), "score": 1}, {"id": "b", "label": zh("乙"), "score": 0}]}}});
    assert_eq!(
        problem(reserved),
        ("scales.satisfaction".to_owned(), ErrorCode::InvalidValue)
    );
}

fn gated(show_if: Value) -> Value {
    single(json!([
        {"id": "overall", "label": zh("总体"), "type": "rating"},
        {"id": "score", "label": zh("打分"), "type": "score_0_10"},
        {"id": "count", "label": zh("次数"), "type": "number", "min": 1, "max": 5, "integer": true},
        {"id": "note", "label": zh("备注"), "type": "short_text"},
        {"id": "multi", "label": zh("多选"), "type": "multiple_choice", "options": [choice("a"), choice("b")]},
        {"id": "q", "label": zh("追问"), "type": "long_text", "show_if": show_if},
        {"id": "later", "label": zh("后题"), "type": "single_choice", "options": [choice("a"), choice("b")]}
    ]))
}

#[test]
fn skip_logic_may_depend_on_any_earlier_non_text_question() {
    for show_if in [
        json!({"question": "overall", "equals": "dissatisfied"}),
        json!({"question": "overall", "any_of": ["dissatisfied", "dont_know"]}),
        json!({"question": "score", "any_of": [0, 1, 2, 3]}),
        json!({"question": "score", "equals": 10}),
        json!({"question": "count", "equals": 5}),
        json!({"question": "multi", "equals": "b"}),
    ] {
        form(gated(show_if));
    }
}

#[test]
fn skip_logic_must_point_to_an_earlier_question_and_a_possible_value() {
    let cases = [
        (
            json!({"question": "later", "equals": "a"}),
            "questions[5].show_if.question",
        ),
        (
            json!({"question": "q", "equals": "a"}),
            "questions[5].show_if.question",
        ),
        (
            json!({"question": "nowhere", "equals": "a"}),
            "questions[5].show_if.question",
        ),
        (
            json!({"question": "note", "equals": "a"}),
            "questions[5].show_if.question",
        ),
        (
            json!({"question": "overall", "equals": "very_satisfied"}),
            "questions[5].show_if.equals",
        ),
        (
            json!({"question": "overall", "equals": 1}),
            "questions[5].show_if.equals",
        ),
        (
            json!({"question": "overall", "any_of": []}),
            "questions[5].show_if.any_of",
        ),
        (
            json!({"question": "overall", "any_of": ["satisfied", "nope"]}),
            "questions[5].show_if.any_of[1]",
        ),
        (
            json!({"question": "overall", "any_of": ["satisfied", "satisfied"]}),
            "questions[5].show_if.any_of[1]",
        ),
        (
            json!({"question": "score", "equals": 11}),
            "questions[5].show_if.equals",
        ),
        (
            json!({"question": "score", "equals": 2.5}),
            "questions[5].show_if.equals",
        ),
        (
            json!({"question": "score", "equals": "a"}),
            "questions[5].show_if.equals",
        ),
        (
            json!({"question": "count", "any_of": [0]}),
            "questions[5].show_if.any_of[0]",
        ),
        (
            json!({"question": "count", "any_of": [1.5]}),
            "questions[5].show_if.any_of[0]",
        ),
        (
            json!({"question": "multi", "equals": "c"}),
            "questions[5].show_if.equals",
        ),
    ];
    for (show_if, field) in cases {
        assert_eq!(
            problem(gated(show_if.clone())),
            (field.to_owned(), ErrorCode::InvalidShowIf),
            "{show_if}"
        );
    }
}

#[test]
fn skip_logic_problems_name_the_question_by_its_label_in_both_languages() {
    let rendered = |show_if: Value| {
        let form: FormDefinition = serde_json::from_value(gated(show_if)).unwrap();
        let mut problems = form.check().expect_err("refused");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problem = problems.remove(0);
        (
            problem.message.render(Lang::ZhCn),
            problem.message.render(Lang::En),
        )
    };
    let (zh, en) = rendered(json!({"question": "later", "equals": "a"}));
    assert_eq!(zh, "跳题条件引用的题目“后题”不在本题之前。");
    assert_eq!(
        en,
        "show_if refers to \"后题\", which is not an earlier question"
    );
    let (zh, en) = rendered(json!({"question": "score", "equals": 11}));
    assert_eq!(zh, "题目“打分”不可能取值 11:超出了该题的取值范围。");
    assert_eq!(
        en,
        "question \"打分\" cannot take the value 11: it is outside the question's range"
    );
    let (zh, _) = rendered(json!({"question": "note", "equals": "a"}));
    assert_eq!(zh, "跳题条件不能取决于文字题“备注”。");
}

#[test]
fn validate_gives_the_problems_of_check_in_english() {
    let form: FormDefinition = serde_json::from_value(json!({"title": zh(" "), "questions": [
        pick("q"), pick("q")]}))
    .unwrap();
    let problems = form.check().unwrap_err();
    let errors = form.validate().unwrap_err();
    assert_eq!(problems.len(), errors.len());
    for (problem, error) in problems.iter().zip(&errors) {
        assert_eq!((&problem.field, problem.code), (&error.field, error.code));
        assert_eq!(problem.message.render(Lang::En), error.message);
    }
    assert_eq!(errors[0].message, "the text must not be empty");
    assert_eq!(problems[0].message.render(Lang::ZhCn), "文字不能为空。");
    assert_eq!(
        problems[1].message.render(Lang::ZhCn),
        "题目“题”的编号“q”与前面的题目重复。"
    );
}

#[test]
fn every_problem_of_a_definition_is_reported() {
    let all = problems(json!({"title": zh(""), "questions": [
        pick("q"), pick("q"),
        {"id": "r", "label": zh("题"), "type": "rating", "scale": "missing"},
        {"id": "t", "label": zh("题"), "type": "short_text", "max_length": 5000,
         "show_if": {"question": "zzz", "equals": "a"}}]}));
    assert_eq!(
        all,
        [
            ("title.zh-CN".to_owned(), ErrorCode::InvalidValue),
            ("questions[1].id".to_owned(), ErrorCode::DuplicateId),
            ("questions[2].scale".to_owned(), ErrorCode::UnknownScale),
            (
                "questions[3].max_length".to_owned(),
                ErrorCode::InvalidLimits
            ),
            (
                "questions[3].show_if.question".to_owned(),
                ErrorCode::InvalidShowIf
            ),
        ]
    );
}

#[test]
fn field_errors_become_api_details() {
    let error = FormDefinition::from_json("{\"title\": {\"zh-CN\": \"t\"}, \"questions\": []}")
        .unwrap_err()
        .remove(0);
    let detail: crate::error::ErrorDetail = error.into();
    assert_eq!(detail.field.as_deref(), Some("questions"));
    let whole = FormDefinition::from_json("[").unwrap_err().remove(0);
    let detail: crate::error::ErrorDetail = whole.into();
    assert_eq!(detail.field, None);
}

#[test]
fn the_openapi_schemas_render() {
    use utoipa::PartialSchema;
    for schema in [
        FormDefinition::schema(),
        AnswerSet::schema(),
        AnswerValue::schema(),
        ShowIf::schema(),
        QuestionId::schema(),
        RatingSummary::schema(),
    ] {
        let json = serde_json::to_value(schema).unwrap();
        assert!(json.is_object(), "{json}");
    }
    let slug = serde_json::to_value(OptionId::schema()).unwrap();
    assert_eq!(slug["pattern"], SLUG_PATTERN);
}

#[test]
fn every_schema_a_form_definition_refers_to_is_collected_with_it() {
    use utoipa::{PartialSchema, ToSchema};
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner) {
                        ("$ref", Value::String(target)) => out.push(target.clone()),
                        _ => refs(inner, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|inner| refs(inner, out)),
            _ => {}
        }
    }
    let mut schemas = vec![(
        FormDefinition::name().into_owned(),
        FormDefinition::schema(),
    )];
    FormDefinition::schemas(&mut schemas);
    let names: Vec<&str> = schemas.iter().map(|(name, _)| name.as_str()).collect();
    assert!(names.contains(&"ConditionValue"), "{names:?}");
    let mut found = Vec::new();
    for (_, schema) in &schemas {
        refs(&serde_json::to_value(schema).unwrap(), &mut found);
    }
    for target in found {
        let name = target.strip_prefix("#/components/schemas/").unwrap_or("");
        assert!(
            names.contains(&name),
            "{target} is not collected: {names:?}"
        );
    }
}
