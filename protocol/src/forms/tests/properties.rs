//! Property tests: generated valid answers validate; arbitrary input never panics.

use super::*;
use proptest::collection::vec as vec_of;
use proptest::sample::{select, subsequence};

fn all_forms() -> Vec<FormDefinition> {
    let mut forms = vec![fixture()];
    forms.extend(example_forms().into_iter().map(|(_, form)| form));
    forms
}

fn text_of_at_most(limit: usize) -> BoxedStrategy<String> {
    let body = limit.saturating_sub(1);
    let pool = vec!['满', '意', '度', 'a', 'Z', '7', ' ', '\n', '。', '😀'];
    (
        select(vec!['好', 'x', '差', '9']),
        prop_oneof![
            vec_of(select(pool.clone()), 0..=body.min(20)),
            vec_of(select(pool), body..=body),
        ],
    )
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect())
        .boxed()
}

fn valid_value(form: &FormDefinition, question: &Question) -> BoxedStrategy<AnswerValue> {
    match &question.kind {
        QuestionKind::SingleChoice { options } => {
            let ids: Vec<String> = options.iter().map(|o| o.id.to_string()).collect();
            select(ids).prop_map(AnswerValue::Text).boxed()
        }
        QuestionKind::Rating { scale } => {
            let scale = form.scale(scale.as_str()).expect("valid form");
            let ids: Vec<String> = scale.options.iter().map(|o| o.id.to_string()).collect();
            select(ids).prop_map(AnswerValue::Text).boxed()
        }
        QuestionKind::MultipleChoice { options, min, max } => {
            let ids: Vec<String> = options.iter().map(|o| o.id.to_string()).collect();
            let lo = min.map_or(1, |m| m as usize);
            let hi = max.map_or(ids.len(), |m| m as usize);
            subsequence(ids, lo..=hi)
                .prop_shuffle()
                .prop_map(AnswerValue::Choices)
                .boxed()
        }
        QuestionKind::Score0To10 { .. } => (0..=10i32).prop_map(AnswerValue::from).boxed(),
        QuestionKind::Number {
            min, max, integer, ..
        } => {
            let lo = min.unwrap_or(-1e9);
            let hi = max.unwrap_or(1e9);
            if *integer {
                #[allow(clippy::cast_possible_truncation)]
                let range = (lo as i64)..=(hi as i64);
                #[allow(clippy::cast_precision_loss)]
                range.prop_map(|n| AnswerValue::Number(n as f64)).boxed()
            } else {
                (lo..=hi).prop_map(AnswerValue::Number).boxed()
            }
        }
        QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => {
            text_of_at_most(question.kind.max_text_chars().unwrap_or(1))
                .prop_map(AnswerValue::Text)
                .boxed()
        }
    }
}

/// A form and an answer set that follows its skip logic and answers every shown required
/// question, each optional shown question with some probability.
fn form_and_valid_answers() -> impl Strategy<Value = (FormDefinition, AnswerSet)> {
    select(all_forms()).prop_flat_map(|form| {
        let per_question: Vec<_> = form
            .questions
            .iter()
            .map(|q| (valid_value(&form, q), any::<bool>()))
            .collect();
        (Just(form), per_question).prop_map(|(form, choices)| {
            let mut set = AnswerSet::new();
            for (question, (value, answer_optional)) in form.questions.iter().zip(choices) {
                let shown = form
                    .shown_questions(&set)
                    .iter()
                    .any(|q| q.id == question.id);
                if shown && (question.required || answer_optional) {
                    set.insert(question.id.to_string(), value);
                }
            }
            (form, set)
        })
    })
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let strings = prop_oneof![
        select(vec![
            "satisfied",
            "dissatisfied",
            "dont_know",
            "other",
            "clinic",
            "long_wait",
            "licence",
            "a",
            "",
            " ",
            "\u{0}",
            "满意",
        ])
        .prop_map(str::to_owned),
        ".{0,30}",
        (1usize..3000).prop_map(|n| "长".repeat(n)),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        (-3i32..15).prop_map(Value::from),
        strings.prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            vec_of(inner.clone(), 0..6).prop_map(Value::Array),
            vec_of(("[a-z]{1,3}", inner), 0..4)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn arbitrary_answers(form: &FormDefinition) -> impl Strategy<Value = AnswerSet> {
    let mut keys: Vec<String> = form.questions.iter().map(|q| q.id.to_string()).collect();
    keys.extend(["bogus".to_owned(), "Q1".to_owned(), String::new()]);
    vec_of((select(keys), arbitrary_json()), 0..14).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| (k, AnswerValue::from(v)))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn answers_that_follow_the_form_always_validate((form, set) in form_and_valid_answers()) {
        let result = validate_answers(&form, &set);
        prop_assert!(result.is_ok(), "{:#?}", result);
        let result = result.unwrap();
        for (question, _) in set.iter() {
            prop_assert!(result.get(question).is_some(), "{} was dropped", question);
        }
        prop_assert_eq!(result.len(), set.len());
        let again = validate_answers(&form, &result.to_answer_set());
        prop_assert_eq!(again.as_ref(), Ok(&result));
        let json = serde_json::to_string(&result).unwrap();
        let reparsed: AnswerSet = serde_json::from_str(&json).unwrap();
        prop_assert!(validate_answers(&form, &reparsed).is_ok());
    }

    #[test]
    fn validation_never_panics_and_names_a_question_for_every_error(
        (form, set) in select(all_forms()).prop_flat_map(|f| {
            let answers = arbitrary_answers(&f);
            (Just(f), answers)
        })
    ) {
        match validate_answers(&form, &set) {
            Ok(result) => {
                prop_assert_eq!(validate_answers(&form, &result.to_answer_set()), Ok(result));
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in &errors {
                    let known = form.question(&error.question).is_some();
                    let sent = set.get(&error.question).is_some();
                    prop_assert!(known || sent, "{} is neither a question nor a key", error.question);
                    prop_assert_eq!(error.code() == ErrorCode::UnknownQuestion, !known);
                    prop_assert!(!error.message(Lang::ZhCn).is_empty());
                    prop_assert!(!error.message(Lang::En).is_empty());
                }
                let mut fields: Vec<&str> = errors.iter().map(AnswerError::field).collect();
                fields.sort_unstable();
                fields.dedup();
                prop_assert_eq!(fields.len(), errors.len(), "one error per question at most");
            }
        }
    }

    #[test]
    fn form_posts_never_panic(
        fields in vec_of((
            select(vec!["overall", "reasons", "visits", "score", "comment", "x", ""]),
            ".{0,12}",
        ), 0..12)
    ) {
        let form = fixture();
        let set = AnswerSet::from_form_fields(&form, fields);
        let _ = validate_answers(&form, &set);
    }

    #[test]
    fn finite_numbers_read_back_from_their_text(n in any::<f64>().prop_filter("finite", |n| n.is_finite())) {
        prop_assert_eq!(parse_form_number(&n.to_string()), Some(n));
    }
}
