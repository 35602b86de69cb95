//! The documentation stays true: the examples parse and validate, appear verbatim in
//! docs/forms.md, conform to docs/forms.schema.json, and the schema agrees with serde.

use super::*;

#[test]
fn every_survey_example_in_docs_is_checked_here() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("docs/examples exists")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name.starts_with("survey-")
                && std::path::Path::new(name)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = EXAMPLES
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn example_forms_are_valid_and_their_answers_validate() {
    let forms = example_forms();
    assert_eq!(forms.len(), 2);
    for (name, form) in &forms {
        let answers_name = name.replace(".json", ".answers.json");
        let (_, text) = EXAMPLES
            .iter()
            .find(|(n, _)| *n == answers_name)
            .unwrap_or_else(|| panic!("{name} has no example answers"));
        let set: AnswerSet = serde_json::from_str(text).unwrap();
        let result = valid(form, &set);
        assert!(result.len() >= 8, "{answers_name} exercises most questions");
        let round_trip: FormDefinition =
            serde_json::from_value(serde_json::to_value(form).unwrap()).unwrap();
        assert_eq!(&round_trip, form);
    }
}

#[test]
fn example_forms_cover_every_question_type_skip_logic_and_a_custom_scale() {
    let forms = example_forms();
    let questions = || forms.iter().flat_map(|(_, f)| f.questions.iter());
    let mut types: Vec<&str> = questions().map(|q| q.kind.type_name()).collect();
    types.sort_unstable();
    types.dedup();
    assert_eq!(
        types,
        [
            "long_text",
            "multiple_choice",
            "number",
            "rating",
            "score_0_10",
            "short_text",
            "single_choice"
        ]
    );
    assert!(questions().filter(|q| q.show_if.is_some()).count() >= 4);
    assert!(forms.iter().any(|(_, f)| !f.scales.is_empty()));
    for (name, form) in &forms {
        assert!((8..=10).contains(&form.questions.len()), "{name}");
        for question in &form.questions {
            assert!(
                question.label.en.is_some(),
                "{name}: {} lacks English",
                question.id
            );
        }
    }
}

#[test]
fn example_window_survey_skip_logic_behaves_as_documented() {
    let forms = example_forms();
    let form = &forms[0].1;
    let satisfied = answers(json!({"visit_purpose": "enquiry", "overall": "satisfied",
        "attitude": "satisfied", "efficiency": "satisfied"}));
    valid(form, &satisfied);
    let mut dissatisfied = satisfied.clone();
    dissatisfied.insert("overall", "dissatisfied");
    let error = one_error(form, &dissatisfied);
    assert_eq!(
        (error.field(), error.code()),
        ("dissatisfied_reasons", ErrorCode::RequiredAnswerMissing)
    );
    let mut enquiry_trips = satisfied.clone();
    enquiry_trips.insert("trips", 2);
    let error = one_error(form, &enquiry_trips);
    assert_eq!(
        (error.field(), error.code()),
        ("trips", ErrorCode::HiddenQuestionAnswered)
    );
}

#[test]
fn forms_md_shows_every_example_verbatim() {
    let blocks: Vec<String> = FORMS_MD
        .split("```json\n")
        .skip(1)
        .filter_map(|rest| {
            rest.split_once("\n```")
                .map(|(block, _)| block.trim().to_owned())
        })
        .collect();
    for (name, text) in EXAMPLES {
        assert!(
            blocks.iter().any(|b| b == text.trim()),
            "docs/forms.md does not show docs/examples/{name} verbatim"
        );
    }
    for block in &blocks {
        serde_json::from_str::<Value>(block).unwrap_or_else(|e| {
            panic!("a JSON block of docs/forms.md does not parse: {e}\n{block}")
        });
    }
}

#[test]
fn forms_md_documents_every_forms_error_code_and_the_builtin_scale() {
    for code in [
        ErrorCode::DuplicateId,
        ErrorCode::UnknownScale,
        ErrorCode::InvalidShowIf,
        ErrorCode::InvalidLimits,
        ErrorCode::InvalidValue,
        ErrorCode::UnknownQuestion,
        ErrorCode::InvalidOption,
        ErrorCode::OutOfRange,
        ErrorCode::TextTooLong,
        ErrorCode::RequiredAnswerMissing,
        ErrorCode::HiddenQuestionAnswered,
        ErrorCode::InvalidAnswer,
        ErrorCode::UnstorableText,
    ] {
        assert!(
            FORMS_MD.contains(&format!("`{}`", code.as_str())),
            "docs/forms.md does not mention `{code}`"
        );
    }
    for option in &Scale::satisfaction().options {
        assert!(
            FORMS_MD.contains(&format!("`{}`", option.id)),
            "{}",
            option.id
        );
        assert!(
            FORMS_MD.contains(&option.label.zh_cn),
            "{}",
            option.label.zh_cn
        );
    }
}

/// A small JSON Schema (draft 2020-12) checker covering exactly the keywords
/// docs/forms.schema.json uses; it panics on any other keyword so the schema cannot outgrow it.
struct SchemaChecker {
    root: Value,
}

impl SchemaChecker {
    fn check(&self, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
        let Some(object) = schema.as_object() else {
            return match schema {
                Value::Bool(true) => Ok(()),
                Value::Bool(false) => Err(format!("{path}: not allowed")),
                _ => panic!("bad schema at {path}"),
            };
        };
        for (keyword, arg) in object {
            match keyword.as_str() {
                "$schema" | "$id" | "title" | "description" | "default" | "$defs" => {}
                "$ref" => {
                    let pointer = arg.as_str().unwrap().trim_start_matches('#');
                    let target = self.root.pointer(pointer).expect("$ref resolves");
                    self.check(target, value, path)?;
                }
                "type" => {
                    let types: Vec<&str> = match arg {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                        _ => panic!("bad type"),
                    };
                    let ok = types.iter().any(|t| match *t {
                        "object" => value.is_object(),
                        "array" => value.is_array(),
                        "string" => value.is_string(),
                        "number" => value.is_number(),
                        "integer" => value.is_i64() || value.is_u64(),
                        "boolean" => value.is_boolean(),
                        "null" => value.is_null(),
                        other => panic!("unknown type {other}"),
                    });
                    if !ok {
                        return Err(format!("{path}: not of type {arg}"));
                    }
                }
                "const" => {
                    if value != arg {
                        return Err(format!("{path}: not {arg}"));
                    }
                }
                "required" => {
                    if let Some(o) = value.as_object() {
                        for key in arg.as_array().unwrap() {
                            if !o.contains_key(key.as_str().unwrap()) {
                                return Err(format!("{path}: missing {key}"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Some(o) = value.as_object() {
                        for (key, sub) in arg.as_object().unwrap() {
                            if let Some(v) = o.get(key) {
                                self.check(sub, v, &format!("{path}.{key}"))?;
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Some(o) = value.as_object() {
                        let declared = object.get("properties").and_then(Value::as_object);
                        for (key, v) in o {
                            if declared.is_none_or(|d| !d.contains_key(key)) {
                                self.check(arg, v, &format!("{path}.{key}"))?;
                            }
                        }
                    }
                }
                "propertyNames" => {
                    if let Some(o) = value.as_object() {
                        for key in o.keys() {
                            self.check(arg, &Value::String(key.clone()), &format!("{path}.{key}"))?;
                        }
                    }
                }
                "maxProperties" => {
                    if value
                        .as_object()
                        .is_some_and(|o| o.len() as u64 > arg.as_u64().unwrap())
                    {
                        return Err(format!("{path}: too many properties"));
                    }
                }
                "items" => {
                    if let Some(a) = value.as_array() {
                        for (i, v) in a.iter().enumerate() {
                            self.check(arg, v, &format!("{path}[{i}]"))?;
                        }
                    }
                }
                "minItems" | "maxItems" => {
                    if let Some(a) = value.as_array() {
                        let limit = arg.as_u64().unwrap();
                        let len = a.len() as u64;
                        if (keyword == "minItems" && len < limit)
                            || (keyword == "maxItems" && len > limit)
                        {
                            return Err(format!("{path}: {keyword} {limit}"));
                        }
                    }
                }
                "minLength" | "maxLength" => {
                    if let Some(s) = value.as_str() {
                        let limit = arg.as_u64().unwrap();
                        let len = s.chars().count() as u64;
                        if (keyword == "minLength" && len < limit)
                            || (keyword == "maxLength" && len > limit)
                        {
                            return Err(format!("{path}: {keyword} {limit}"));
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let Some(n) = value.as_f64() {
                        let limit = arg.as_f64().unwrap();
                        if (keyword == "minimum" && n < limit)
                            || (keyword == "maximum" && n > limit)
                        {
                            return Err(format!("{path}: {keyword} {limit}"));
                        }
                    }
                }
                "pattern" => {
                    assert_eq!(arg, SLUG_PATTERN, "the checker only knows the slug pattern");
                    if let Some(s) = value.as_str() {
                        if check_slug(s).is_err() {
                            return Err(format!("{path}: {s:?} is not a slug"));
                        }
                    }
                }
                "oneOf" => {
                    let matching = arg
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|sub| self.check(sub, value, path).is_ok())
                        .count();
                    if matching != 1 {
                        return Err(format!("{path}: matches {matching} of oneOf"));
                    }
                }
                other => panic!("the schema checker does not know the keyword {other}"),
            }
        }
        Ok(())
    }
}

fn schema() -> SchemaChecker {
    SchemaChecker {
        root: serde_json::from_str(FORMS_SCHEMA).expect("docs/forms.schema.json parses"),
    }
}

#[test]
fn the_schema_is_draft_2020_12_and_accepts_the_example_forms() {
    let checker = schema();
    assert_eq!(
        checker.root["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    for (name, text) in EXAMPLES
        .iter()
        .filter(|(n, _)| !n.ends_with(".answers.json"))
    {
        let value: Value = serde_json::from_str(text).unwrap();
        if let Err(e) = checker.check(&checker.root, &value, "") {
            panic!("{name} does not conform to docs/forms.schema.json: {e}");
        }
    }
    let fixture = serde_json::to_value(fixture()).unwrap();
    checker.check(&checker.root, &fixture, "").unwrap();
}

#[test]
fn the_schema_and_serde_refuse_the_same_shapes() {
    let checker = schema();
    let base = || {
        json!({"title": zh("t"), "questions": [
            {"id": "q", "label": zh("题"), "type": "single_choice",
             "options": [{"id": "a", "label": zh("甲")}, {"id": "b", "label": zh("乙")}]}]})
    };
    let with = |pointer: &str, value: Option<Value>| {
        let mut document = base();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let object = document
            .pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap();
        match value {
            Some(value) => object.insert(key.to_owned(), value),
            None => object.remove(key),
        };
        document
    };
    let question = |json: Value| {
        let mut document = base();
        document["questions"][0] = json;
        document
    };
    let refused = [
        with("/extra", Some(json!(1))),
        with("/title", None),
        with("/title", Some(json!("t"))),
        with("/title", Some(json!({"en": "t"}))),
        with("/title/fr", Some(json!("t"))),
        with("/questions/0/id", Some(json!("Q"))),
        with("/questions/0/type", Some(json!("essay"))),
        with("/questions/0/typo", Some(json!(true))),
        with("/questions/0/required", Some(json!("yes"))),
        with("/questions/0/options/0/score", Some(json!(1))),
        with("/questions/0/max_length", Some(json!(10))),
        with("/questions/0/options", None),
        with("/questions/0/show_if", Some(json!({"question": "x"}))),
        with(
            "/questions/0/show_if",
            Some(json!({"question": "x", "equals": "a", "any_of": ["a"]})),
        ),
        with(
            "/questions/0/show_if",
            Some(json!({"question": "x", "equals": "a", "not": 1})),
        ),
        with(
            "/questions/0/show_if",
            Some(json!({"question": "x", "equals": true})),
        ),
        question(json!({"id": "q", "label": zh("题"), "type": "score_0_10", "min": 1})),
        question(json!({"id": "q", "label": zh("题"), "type": "number", "integer": 1})),
        question(json!({"id": "q", "label": zh("题"), "type": "long_text", "max_length": -1})),
        question(json!({"id": "q", "label": zh("题"), "type": "rating", "scale": "Five"})),
        with("/scales", Some(json!({"Five": {"options": []}}))),
        with(
            "/scales",
            Some(json!({"five": {"options": [{"id": "a", "label": zh("甲"), "score": "high"}]}})),
        ),
        with(
            "/scales",
            Some(json!({"five": {"options": [{"id": "a", "label": zh("甲"), "weight": 1}]}})),
        ),
    ];
    for (i, value) in refused.iter().enumerate() {
        assert!(
            serde_json::from_value::<FormDefinition>(value.clone()).is_err(),
            "case {i}: serde accepted {value}"
        );
        assert!(
            checker.check(&checker.root, value, "").is_err(),
            "case {i}: the schema accepted {value}"
        );
    }
    checker.check(&checker.root, &base(), "").unwrap();
}
