//! Answer validation: every error code, skip logic, limits, normalisation, helpers.

use super::*;

#[test]
fn a_complete_answer_set_validates_and_is_normalised() {
    let form = fixture();
    let set = answers(json!({
        "overall": "dissatisfied",
        "reasons": ["other", "long_wait"],
        "other_reason": "  太慢  ",
        "channel": "window",
        "visits": 3,
        "amount": -0.0,
        "score": 2,
        "low_reason": "排队\r\n两小时",
        "name": "",
        "comment": null
    }));
    let result = valid(&form, &set);
    let ids: Vec<&str> = result.iter().map(|(q, _)| q.as_str()).collect();
    assert_eq!(
        ids,
        [
            "overall",
            "reasons",
            "other_reason",
            "channel",
            "visits",
            "amount",
            "score",
            "low_reason"
        ]
    );
    assert_eq!(
        result.get("reasons"),
        Some(&Answer::Choices(vec![
            OptionId::parse("long_wait").unwrap(),
            OptionId::parse("other").unwrap()
        ]))
    );
    assert_eq!(
        result.get("other_reason"),
        Some(&Answer::Text("太慢".into()))
    );
    assert_eq!(
        result.get("low_reason"),
        Some(&Answer::Text("排队\n两小时".into()))
    );
    assert_eq!(result.get("score"), Some(&Answer::Score(2)));
    match result.get("amount") {
        Some(Answer::Number(n)) => assert!(n.is_sign_positive() && *n == 0.0),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        result.get("overall"),
        Some(&Answer::Rating {
            option: OptionId::parse("dissatisfied").unwrap(),
            score: Some(0.0)
        })
    );
    assert_eq!(result.get("name"), None);
    assert_eq!(result.get("comment"), None);
    let canonical = result.to_answer_set();
    assert_eq!(valid(&form, &canonical), result);
    assert_eq!(
        serde_json::to_value(&result).unwrap(),
        serde_json::to_value(&canonical).unwrap()
    );
}

#[test]
fn only_the_required_visible_question_is_needed() {
    let form = fixture();
    let result = valid(&form, &answers(json!({"overall": "satisfied"})));
    assert_eq!(result.len(), 1);
    assert!(!result.is_empty());
}

#[test]
fn an_empty_answer_set_validates_when_nothing_is_required() {
    let form = form(json!({"title": zh("t"), "questions": [
        {"id": "comment", "label": zh("意见"), "type": "long_text"}]}));
    let result = valid(&form, &AnswerSet::new());
    assert!(result.is_empty());
}

#[test]
fn unknown_questions_are_reported_by_their_key() {
    let form = fixture();
    let set = answers(json!({"overall": "satisfied", "bogus": "x", "Not A Slug!": null}));
    assert_eq!(
        codes(&form, &set),
        [
            ("Not A Slug!".to_owned(), ErrorCode::UnknownQuestion),
            ("bogus".to_owned(), ErrorCode::UnknownQuestion)
        ]
    );
}

#[test]
fn options_outside_the_list_are_invalid_options() {
    let form = fixture();
    let cases = [
        (
            json!({"overall": "very_satisfied"}),
            "overall",
            "very_satisfied",
        ),
        (json!({"overall": "Satisfied"}), "overall", "Satisfied"),
        (
            json!({"overall": "satisfied", "channel": "phone"}),
            "channel",
            "phone",
        ),
        (
            json!({"overall": "dissatisfied", "reasons": ["long_wait", "queue"]}),
            "reasons",
            "queue",
        ),
        (
            json!({"overall": "dissatisfied", "reasons": [""]}),
            "reasons",
            "",
        ),
    ];
    for (set, question, option) in cases {
        let error = one_error(&form, &answers(set));
        assert_eq!(error.code(), ErrorCode::InvalidOption);
        assert_eq!(error.field(), question);
        assert_eq!(
            error.problem,
            AnswerProblem::InvalidOption {
                option: option.to_owned()
            }
        );
    }
}

#[test]
fn values_of_the_wrong_shape_are_invalid_answers() {
    let form = fixture();
    let cases = [
        (json!({"overall": 1}), "overall", Expected::Option),
        (
            json!({"overall": ["satisfied"]}),
            "overall",
            Expected::Option,
        ),
        (json!({"overall": true}), "overall", Expected::Option),
        (
            json!({"overall": "satisfied", "channel": {"id": "window"}}),
            "channel",
            Expected::Option,
        ),
        (
            json!({"overall": "dissatisfied", "reasons": "long_wait"}),
            "reasons",
            Expected::Options,
        ),
        (
            json!({"overall": "dissatisfied", "reasons": [1, 2]}),
            "reasons",
            Expected::Options,
        ),
        (
            json!({"overall": "satisfied", "visits": "3"}),
            "visits",
            Expected::Number,
        ),
        (
            json!({"overall": "satisfied", "score": [5]}),
            "score",
            Expected::Number,
        ),
        (
            json!({"overall": "satisfied", "score": false}),
            "score",
            Expected::Number,
        ),
        (
            json!({"overall": "satisfied", "comment": 42}),
            "comment",
            Expected::Text,
        ),
        (
            json!({"overall": "satisfied", "comment": ["a", "b"]}),
            "comment",
            Expected::Text,
        ),
    ];
    for (set, question, expected) in cases {
        let error = one_error(&form, &answers(set.clone()));
        assert_eq!(error.code(), ErrorCode::InvalidAnswer, "{set}");
        assert_eq!(error.field(), question);
        assert_eq!(
            error.problem,
            AnswerProblem::WrongShape { expected },
            "{set}"
        );
    }
}

#[test]
fn not_a_finite_number_is_an_invalid_answer() {
    let form = fixture();
    for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for question in ["visits", "amount", "score"] {
            let mut set = answers(json!({"overall": "satisfied"}));
            set.insert(question, n);
            let error = one_error(&form, &set);
            assert_eq!(error.code(), ErrorCode::InvalidAnswer);
            assert_eq!(
                error.problem,
                AnswerProblem::WrongShape {
                    expected: Expected::Number
                }
            );
        }
    }
}

#[test]
fn selection_counts_must_respect_min_and_max() {
    let form = fixture();
    let too_many = json!({"overall": "dissatisfied", "reasons": ["long_wait", "rude_staff", "other"],
        "other_reason": "x"});
    let error = one_error(&form, &answers(too_many));
    assert_eq!(error.code(), ErrorCode::InvalidAnswer);
    assert_eq!(error.problem, AnswerProblem::TooManyChosen { max: 2 });
    let two = json!({"overall": "dissatisfied", "reasons": ["long_wait", "rude_staff"]});
    valid(&form, &answers(two));

    let min_two = form_with(
        json!({"id": "pick", "label": zh("选"), "type": "multiple_choice",
        "min": 2, "options": [{"id": "a", "label": zh("甲")}, {"id": "b", "label": zh("乙")}]}),
    );
    let error = one_error(&min_two, &answers(json!({"pick": ["a"]})));
    assert_eq!(error.problem, AnswerProblem::TooFewChosen { min: 2 });
    assert_eq!(error.code(), ErrorCode::InvalidAnswer);
    valid(&min_two, &answers(json!({"pick": ["b", "a"]})));
    valid(&min_two, &answers(json!({"pick": []})));
}

#[test]
fn repeating_an_option_is_an_invalid_answer() {
    let form = fixture();
    let set = answers(json!({"overall": "dissatisfied", "reasons": ["long_wait", "long_wait"]}));
    let error = one_error(&form, &set);
    assert_eq!(error.code(), ErrorCode::InvalidAnswer);
    assert_eq!(
        error.problem,
        AnswerProblem::DuplicateOption {
            option: "long_wait".into()
        }
    );
}

fn form_with(question: Value) -> FormDefinition {
    form(json!({"title": zh("t"), "questions": [question]}))
}

#[test]
fn numbers_must_lie_within_bounds_inclusive() {
    let form = fixture();
    let check = |question: &str, value: f64| {
        let mut set = answers(json!({"overall": "satisfied"}));
        set.insert(question, value);
        validate_answers(&form, &set).map_err(|e| e[0].problem.clone())
    };
    assert!(check("visits", 1.0).is_ok());
    assert!(check("visits", 20.0).is_ok());
    assert_eq!(
        check("visits", 0.0).unwrap_err(),
        AnswerProblem::OutOfRange {
            min: Some(1.0),
            max: Some(20.0)
        }
    );
    assert!(check("visits", 21.0).is_err());
    assert_eq!(check("visits", 2.5).unwrap_err(), AnswerProblem::NotInteger);
    assert!(check("amount", -5.5).is_ok());
    assert!(check("amount", 99.99).is_ok());
    assert!(check("amount", 100.0).is_ok());
    assert!(check("amount", -5.500_001).is_err());
    assert!(check("amount", 100.000_001).is_err());
    let scores = form_with(json!({"id": "score", "label": zh("打分"), "type": "score_0_10"}));
    let score = |value: f64| {
        let mut set = AnswerSet::new();
        set.insert("score", value);
        validate_answers(&scores, &set).map_err(|e| e[0].problem.clone())
    };
    for n in 0..=10 {
        assert_eq!(
            score(f64::from(n)).unwrap().get("score"),
            Some(&Answer::Score(u8::try_from(n).unwrap()))
        );
    }
    assert!(score(-0.0).is_ok());
    for bad in [-1.0, 11.0, 10.5, -0.5] {
        assert!(
            matches!(score(bad), Err(AnswerProblem::OutOfRange { .. })),
            "{bad}"
        );
    }
    assert_eq!(score(7.5).unwrap_err(), AnswerProblem::NotInteger);
    for problem in [check("visits", 0.0), score(7.5), check("visits", 2.5)] {
        assert_eq!(problem.unwrap_err().code(), ErrorCode::OutOfRange);
    }
}

#[test]
fn unbounded_numbers_take_any_finite_value() {
    let form = form_with(json!({"id": "n", "label": zh("数"), "type": "number"}));
    for n in [f64::MIN, -1.0, 0.0, 0.1, 1e300, f64::MAX] {
        let mut set = AnswerSet::new();
        set.insert("n", n);
        assert_eq!(valid(&form, &set).get("n"), Some(&Answer::Number(n)));
    }
}

#[test]
fn text_limits_count_characters_not_bytes() {
    let form = form_with(json!({"id": "c", "label": zh("意见"), "type": "long_text"}));
    let at_limit = "满".repeat(MAX_TEXT_CHARS);
    assert_eq!(at_limit.len(), 3 * MAX_TEXT_CHARS);
    let mut set = AnswerSet::new();
    set.insert("c", at_limit.as_str());
    valid(&form, &set);
    set.insert("c", format!("{at_limit}意"));
    let error = one_error(&form, &set);
    assert_eq!(error.code(), ErrorCode::TextTooLong);
    assert_eq!(
        error.problem,
        AnswerProblem::TextTooLong {
            max: 2000,
            length: 2001
        }
    );
    set.insert("c", "a".repeat(2001));
    assert_eq!(one_error(&form, &set).code(), ErrorCode::TextTooLong);
    set.insert("c", format!("\u{3000} \n{at_limit}\r\n "));
    valid(&form, &set);
    let lines = "满\r\n".repeat(1000);
    set.insert("c", lines.as_str());
    assert_eq!(lines.chars().count(), 3000);
    valid(&form, &set);
}

#[test]
fn short_texts_default_to_200_characters_and_honour_their_own_limit() {
    let form = fixture();
    let mut set = answers(json!({"overall": "satisfied"}));
    set.insert("name", "名".repeat(200));
    valid(&form, &set);
    set.insert("name", "名".repeat(201));
    assert_eq!(
        one_error(&form, &set).problem,
        AnswerProblem::TextTooLong {
            max: 200,
            length: 201
        }
    );
    let mut set = answers(json!({"overall": "dissatisfied", "reasons": ["other"]}));
    set.insert("other_reason", "一二三四五六七八九十");
    valid(&form, &set);
    set.insert("other_reason", "一二三四五六七八九十一");
    assert_eq!(one_error(&form, &set).code(), ErrorCode::TextTooLong);
}

#[test]
fn text_is_trimmed_and_stripped_of_control_characters() {
    assert_eq!(
        normalise_text("  a\r\nb\rc\u{0}\u{7}\td \u{3000}"),
        "a\nb\nc\td"
    );
    assert_eq!(normalise_text("\u{200b}"), "\u{200b}");
    let form = fixture();
    // NUL is refused rather than dropped (a_nul_character_in_any_answer_is_refused_not_dropped)
    let set = answers(json!({"overall": "satisfied", "comment": "\u{1}\u{1b}  \r\n"}));
    assert_eq!(valid(&form, &set).get("comment"), None);
}

#[test]
fn missing_required_answers_are_reported_whatever_blank_form_they_take() {
    let form = fixture();
    for blank in [
        json!({}),
        json!({"overall": null}),
        json!({"overall": ""}),
        json!({"overall": "  "}),
        json!({"overall": []}),
    ] {
        let error = one_error(&form, &answers(blank.clone()));
        assert_eq!(error.code(), ErrorCode::RequiredAnswerMissing, "{blank}");
        assert_eq!(error.field(), "overall");
    }
}

#[test]
fn a_hidden_required_question_is_not_required() {
    let form = fixture();
    let result = valid(&form, &answers(json!({"overall": "basically_satisfied"})));
    assert_eq!(result.get("reasons"), None);
    let result = valid(&form, &answers(json!({"overall": "satisfied", "score": 7})));
    assert_eq!(result.get("low_reason"), None);
}

#[test]
fn shown_required_questions_follow_the_chain() {
    let form = fixture();
    let error = one_error(&form, &answers(json!({"overall": "dissatisfied"})));
    assert_eq!(
        (error.field(), error.code()),
        ("reasons", ErrorCode::RequiredAnswerMissing)
    );
    let error = one_error(
        &form,
        &answers(json!({"overall": "dissatisfied", "reasons": ["rude_staff", "other"]})),
    );
    assert_eq!(
        (error.field(), error.code()),
        ("other_reason", ErrorCode::RequiredAnswerMissing)
    );
    let error = one_error(&form, &answers(json!({"overall": "satisfied", "score": 0})));
    assert_eq!(
        (error.field(), error.code()),
        ("low_reason", ErrorCode::RequiredAnswerMissing)
    );
}

#[test]
fn answering_a_hidden_question_is_refused() {
    let form = fixture();
    let error = one_error(
        &form,
        &answers(json!({"overall": "satisfied", "reasons": ["long_wait"]})),
    );
    assert_eq!(error.code(), ErrorCode::HiddenQuestionAnswered);
    assert_eq!(error.field(), "reasons");
    assert_eq!(
        error.problem,
        AnswerProblem::HiddenQuestionAnswered {
            depends_on: QuestionId::parse("overall").unwrap()
        }
    );
    let error = one_error(
        &form,
        &answers(json!({"overall": "satisfied", "score": 3, "low_reason": "x"})),
    );
    assert_eq!(
        (error.field(), error.code()),
        ("low_reason", ErrorCode::HiddenQuestionAnswered)
    );
}

#[test]
fn a_question_below_a_hidden_link_of_the_chain_is_hidden() {
    let form = fixture();
    let set = answers(json!({"overall": "satisfied", "other_reason": "x"}));
    let error = one_error(&form, &set);
    assert_eq!(
        (error.field(), error.code()),
        ("other_reason", ErrorCode::HiddenQuestionAnswered)
    );
    let set = answers(json!({"overall": "satisfied", "reasons": ["other"], "other_reason": "x"}));
    assert_eq!(
        codes(&form, &set),
        [
            ("reasons".to_owned(), ErrorCode::HiddenQuestionAnswered),
            ("other_reason".to_owned(), ErrorCode::HiddenQuestionAnswered)
        ]
    );
    let set =
        answers(json!({"overall": "dissatisfied", "reasons": ["long_wait"], "other_reason": "x"}));
    assert_eq!(one_error(&form, &set).field(), "other_reason");
}

#[test]
fn blank_values_for_hidden_questions_are_fine() {
    let form = fixture();
    let set = answers(
        json!({"overall": "satisfied", "reasons": [], "other_reason": "",
        "low_reason": null, "score": 9}),
    );
    valid(&form, &set);
}

#[test]
fn an_invalid_controlling_answer_gives_one_error_not_a_cascade() {
    let form = fixture();
    let error = one_error(&form, &answers(json!({"overall": "bogus"})));
    assert_eq!(error.code(), ErrorCode::InvalidOption);
    let error = one_error(
        &form,
        &answers(json!({"overall": "bogus", "reasons": ["other"]})),
    );
    assert_eq!(error.field(), "overall");
    assert_eq!(
        codes(
            &form,
            &answers(json!({"overall": "bogus", "reasons": ["nope"]}))
        ),
        [
            ("overall".to_owned(), ErrorCode::InvalidOption),
            ("reasons".to_owned(), ErrorCode::InvalidOption)
        ]
    );
    let error = one_error(
        &form,
        &answers(json!({"overall": "satisfied", "score": 11, "low_reason": "x"})),
    );
    assert_eq!(error.field(), "score");
}

#[test]
fn every_problem_is_reported_at_once_in_form_order() {
    let form = fixture();
    let set = answers(json!({
        "zzz": 1,
        "comment": "长".repeat(2001),
        "score": 12,
        "visits": 0,
        "channel": "phone",
        "reasons": ["nope"],
        "aaa": "x"
    }));
    assert_eq!(
        codes(&form, &set),
        [
            ("overall".to_owned(), ErrorCode::RequiredAnswerMissing),
            ("reasons".to_owned(), ErrorCode::InvalidOption),
            ("channel".to_owned(), ErrorCode::InvalidOption),
            ("visits".to_owned(), ErrorCode::OutOfRange),
            ("score".to_owned(), ErrorCode::OutOfRange),
            ("comment".to_owned(), ErrorCode::TextTooLong),
            ("aaa".to_owned(), ErrorCode::UnknownQuestion),
            ("zzz".to_owned(), ErrorCode::UnknownQuestion),
        ]
    );
    let set = answers(json!({"overall": "satisfied", "reasons": ["x"], "visits": 0}));
    assert_eq!(
        codes(&form, &set),
        [
            ("reasons".to_owned(), ErrorCode::HiddenQuestionAnswered),
            ("visits".to_owned(), ErrorCode::OutOfRange)
        ]
    );
}

#[test]
fn number_conditions_compare_values() {
    let form = form(json!({"title": zh("t"), "questions": [
        {"id": "n", "label": zh("数"), "type": "number"},
        {"id": "why", "label": zh("为何"), "required": true,
         "show_if": {"question": "n", "any_of": [0, 2.5]}, "type": "short_text"}]}));
    for (n, shown) in [
        (0.0, true),
        (-0.0, true),
        (2.5, true),
        (1.0, false),
        (2.500_001, false),
    ] {
        let mut set = AnswerSet::new();
        set.insert("n", n);
        let outcome = validate_answers(&form, &set);
        assert_eq!(outcome.is_err(), shown, "{n}");
    }
}

#[test]
fn multiple_choice_conditions_hold_when_any_listed_option_is_picked() {
    let form = form(json!({"title": zh("t"), "questions": [
        {"id": "m", "label": zh("多选"), "type": "multiple_choice", "options": [
            {"id": "a", "label": zh("甲")}, {"id": "b", "label": zh("乙")}, {"id": "c", "label": zh("丙")}]},
        {"id": "x", "label": zh("追问"), "required": true,
         "show_if": {"question": "m", "any_of": ["a", "c"]}, "type": "score_0_10"}]}));
    let shown = |picked: Value| {
        let set = answers(json!({ "m": picked }));
        form.shown_questions(&set).iter().any(|q| q.id == "x")
    };
    assert!(shown(json!(["a"])));
    assert!(shown(json!(["b", "c"])));
    assert!(!shown(json!(["b"])));
    assert!(!shown(json!([])));
}

#[test]
fn shown_questions_drive_what_a_client_asks_next() {
    let form = fixture();
    let ids = |set: Value| -> Vec<String> {
        form.shown_questions(&answers(set))
            .iter()
            .map(|q| q.id.to_string())
            .collect()
    };
    let always = [
        "overall", "channel", "visits", "amount", "score", "name", "comment",
    ];
    assert_eq!(ids(json!({})), always);
    assert_eq!(ids(json!({"overall": "satisfied", "score": 5})), always);
    assert_eq!(
        ids(json!({"overall": "dissatisfied", "reasons": ["other"], "score": 1})),
        [
            "overall",
            "reasons",
            "other_reason",
            "channel",
            "visits",
            "amount",
            "score",
            "low_reason",
            "name",
            "comment"
        ]
    );
    assert!(ids(json!({"overall": "bogus"})).contains(&"reasons".to_owned()));
}

#[test]
fn messages_exist_in_both_languages() {
    let problems = [
        AnswerProblem::UnknownQuestion,
        AnswerProblem::InvalidOption { option: "x".into() },
        AnswerProblem::WrongShape {
            expected: Expected::Option,
        },
        AnswerProblem::WrongShape {
            expected: Expected::Options,
        },
        AnswerProblem::WrongShape {
            expected: Expected::Number,
        },
        AnswerProblem::WrongShape {
            expected: Expected::Text,
        },
        AnswerProblem::DuplicateOption { option: "x".into() },
        AnswerProblem::TooFewChosen { min: 2 },
        AnswerProblem::TooManyChosen { max: 3 },
        AnswerProblem::OutOfRange {
            min: Some(1.0),
            max: Some(20.0),
        },
        AnswerProblem::OutOfRange {
            min: Some(0.5),
            max: None,
        },
        AnswerProblem::OutOfRange {
            min: None,
            max: Some(9.0),
        },
        AnswerProblem::OutOfRange {
            min: None,
            max: None,
        },
        AnswerProblem::NotInteger,
        AnswerProblem::TextTooLong {
            max: 2000,
            length: 2001,
        },
        AnswerProblem::RequiredAnswerMissing,
        AnswerProblem::HiddenQuestionAnswered {
            depends_on: QuestionId::parse("q").unwrap(),
        },
        AnswerProblem::UnstorableText,
    ];
    let mut seen_codes = std::collections::HashSet::new();
    for problem in problems {
        seen_codes.insert(problem.code());
        let zh = problem.message(Lang::ZhCn);
        let en = problem.message(Lang::En);
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{zh}"
        );
        assert!(en.is_ascii(), "{en}");
        assert_ne!(zh, en);
    }
    assert_eq!(seen_codes.len(), 8);
    let message = AnswerProblem::OutOfRange {
        min: Some(1.0),
        max: Some(20.0),
    }
    .message(Lang::ZhCn);
    assert_eq!(message, "请输入1到20之间的数。");
}

#[test]
fn messages_quote_at_most_a_short_piece_of_what_was_sent() {
    let long = "x".repeat(10_000);
    let problem = AnswerProblem::InvalidOption { option: long };
    let message = problem.message(Lang::En);
    assert!(message.chars().count() < 100, "{message}");
    assert!(message.contains(&format!("{}…", "x".repeat(32))));
}

#[test]
fn errors_become_api_details_naming_the_question() {
    let form = fixture();
    let error = one_error(&form, &answers(json!({})));
    let detail = error.to_detail(Lang::ZhCn);
    assert_eq!(
        serde_json::to_value(&detail).unwrap(),
        json!({"code": "required_answer_missing", "message": "此题为必答题。", "field": "overall"})
    );
    assert_eq!(
        error.to_string(),
        "overall: This question must be answered."
    );
}

#[test]
fn validated_answers_give_tally_keys_numbers_scores_and_texts() {
    let form = fixture();
    let set = answers(json!({
        "overall": "dissatisfied", "reasons": ["rude_staff", "long_wait"],
        "channel": "online", "visits": 4, "amount": 12.5, "score": 10, "comment": "好"
    }));
    let result = valid(&form, &set);
    let keys: Vec<(&str, &str)> = result
        .tally_keys()
        .map(|k| (k.question.as_str(), k.option))
        .collect();
    assert_eq!(
        keys,
        [
            ("overall", "dissatisfied"),
            ("reasons", "long_wait"),
            ("reasons", "rude_staff"),
            ("channel", "online"),
            ("score", "10")
        ]
    );
    let numbers: Vec<(&str, f64)> = result
        .numeric_values()
        .map(|(q, n)| (q.as_str(), n))
        .collect();
    assert_eq!(
        numbers,
        [("visits", 4.0), ("amount", 12.5), ("score", 10.0)]
    );
    let ratings: Vec<(&str, &str, Option<f64>)> = result
        .rating_scores()
        .map(|r| (r.question.as_str(), r.option.as_str(), r.score))
        .collect();
    assert_eq!(ratings, [("overall", "dissatisfied", Some(0.0))]);
    let texts: Vec<(&str, &str)> = result.texts().map(|(q, t)| (q.as_str(), t)).collect();
    assert_eq!(texts, [("comment", "好")]);
}

#[test]
fn dont_know_ratings_carry_no_score() {
    let form = fixture();
    let result = valid(&form, &answers(json!({"overall": "dont_know"})));
    let rating = result.rating_scores().next().unwrap();
    assert_eq!(rating.score, None);
    assert_eq!(
        result.tally_keys().next().map(|k| k.option),
        Some("dont_know")
    );
}

#[test]
fn form_posts_become_answer_sets() {
    let form = fixture();
    let fields = [
        ("csrf", "token"),
        ("overall", "dissatisfied"),
        ("reasons", ""),
        ("reasons", "long_wait"),
        ("reasons", "other"),
        ("other_reason", "太慢"),
        ("visits", "３"),
        ("amount", " 12.5 "),
        ("score", "七"),
        ("name", ""),
        ("comment", "好\r\n"),
    ];
    let set = AnswerSet::from_form_fields(&form, fields);
    assert_eq!(set.get("csrf"), None);
    assert_eq!(set.get("name"), None);
    assert_eq!(
        set.get("reasons"),
        Some(&AnswerValue::from(vec!["long_wait", "other"]))
    );
    assert_eq!(set.get("visits"), Some(&AnswerValue::Number(3.0)));
    assert_eq!(set.get("amount"), Some(&AnswerValue::Number(12.5)));
    assert_eq!(set.get("score"), Some(&AnswerValue::Text("七".into())));
    let error = one_error(&form, &set);
    assert_eq!(error.field(), "score");
    assert_eq!(error.message(Lang::ZhCn), "请输入数字。");

    let one_reason = AnswerSet::from_form_fields(
        &form,
        vec![
            ("overall".to_owned(), "dissatisfied".to_owned()),
            ("reasons".to_owned(), "rude_staff".to_owned()),
        ],
    );
    assert_eq!(
        one_reason.get("reasons"),
        Some(&AnswerValue::from(vec!["rude_staff"]))
    );
    valid(&form, &one_reason);

    let forged = AnswerSet::from_form_fields(
        &form,
        [("overall", "satisfied"), ("overall", "dissatisfied")],
    );
    assert_eq!(
        one_error(&form, &forged).problem,
        AnswerProblem::WrongShape {
            expected: Expected::Option
        }
    );
    let nan = AnswerSet::from_form_fields(&form, [("overall", "satisfied"), ("amount", "NaN")]);
    assert_eq!(nan.get("amount"), Some(&AnswerValue::Text("NaN".into())));
    assert_eq!(one_error(&form, &nan).code(), ErrorCode::InvalidAnswer);
}

#[test]
fn a_nul_character_in_any_answer_is_refused_not_dropped() {
    let form = fixture();
    for (question, value) in [
        ("comment", json!("好\u{0}")),
        ("name", json!("\u{0}")),
        ("channel", json!("window\u{0}")),
        ("reasons", json!(["long_wait", "\u{0}"])),
    ] {
        let mut set = answers(json!({"overall": "satisfied"}));
        set.insert(question, AnswerValue::from(value.clone()));
        let error = one_error(&form, &set);
        assert_eq!(
            (error.field(), error.code()),
            (question, ErrorCode::UnstorableText),
            "{value}"
        );
        assert_eq!(
            error.message(Lang::ZhCn),
            "回答里有无法保存的字符(空字符),请删去后再提交。"
        );
    }
    // other control characters are still dropped from text, as before
    let set = answers(json!({"overall": "satisfied", "comment": "好\u{7}"}));
    assert_eq!(
        valid(&form, &set).get("comment"),
        Some(&Answer::Text("好".into()))
    );
}
