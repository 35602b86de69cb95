//! The corpus: one workbook per case, each with the exact problems it must give, as
//! (code, severity, sheet, row, column). Valid forms first, then each unsupported feature, then
//! each malformed shape.

use super::*;
use ProblemCode as C;

fn error<'a>(code: ProblemCode, sheet: &'a str, row: u32, column: &'a str) -> Expected<'a> {
    (code, Severity::Error, Some(sheet), Some(row), Some(column))
}

fn warning<'a>(sheet: &'a str, row: u32, column: &'a str) -> Expected<'a> {
    (
        ProblemCode::Ignored,
        Severity::Warning,
        Some(sheet),
        Some(row),
        Some(column),
    )
}

fn survey(rows_: &[&[&str]]) -> (&'static str, Vec<Vec<V<'static>>>) {
    ("survey", rows(rows_))
}

fn choices(rows_: &[&[&str]]) -> (&'static str, Vec<Vec<V<'static>>>) {
    ("choices", rows(rows_))
}

const YES_NO: &[&[&str]] = &[
    &["list_name", "name", "label"],
    &["yes_no", "yes", "是"],
    &["yes_no", "no", "否"],
];

// ---- valid forms ---------------------------------------------------------------------------

#[test]
fn the_settings_sheet_may_put_the_survey_in_a_series_with_its_period() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["rating", "overall", "总体评价"],
        ]),
        (
            "settings",
            rows(&[
                &["form_title", "series", "period"],
                &["窗口满意度", " 窗口服务季度测评 ", "2026年第一季度"],
            ]),
        ),
    ]);
    let import = expect_problems(&bytes, &[]);
    assert_eq!(import.series.as_deref(), Some("窗口服务季度测评"));
    assert_eq!(import.period.as_deref(), Some("2026年第一季度"));
    let without = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["rating", "overall", "总体评价"],
        ]),
        (
            "settings",
            rows(&[&["form_title", "series"], &["窗口满意度", ""]]),
        ),
    ]);
    let import = expect_problems(&without, &[]);
    assert_eq!((import.series, import.period), (None, None));
}

#[test]
fn every_supported_type_imports_into_the_form_it_means() {
    let bytes = workbook(&[
        survey(&[
            &[
                "type",
                "name",
                "label",
                "hint",
                "required",
                "relevant",
                "constraint",
                "appearance",
                "parameters",
                "unit",
                "low_label",
                "high_label",
            ],
            &["note", "intro", "本问卷匿名填写。"],
            &["select_one purpose", "purpose", "您办理的事项", "", "yes"],
            &["rating", "overall", "总体评价", "", "yes"],
            &[
                "select_multiple reasons",
                "reasons",
                "不满意的原因",
                "可多选",
                "yes",
                "${overall} = 'dissatisfied'",
                "count-selected(.) <= 2",
            ],
            &[
                "text",
                "other_reason",
                "其他原因",
                "",
                "",
                "selected(${reasons}, 'other')",
                "string-length(.) <= 100",
            ],
            &["rating five", "attitude", "服务态度"],
            &[
                "score_0_10",
                "score",
                "请打分",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "很差",
                "很好",
            ],
            &[
                "range",
                "recommend",
                "推荐程度",
                "",
                "",
                "",
                "",
                "",
                "start=0 end=10 step=1",
            ],
            &[
                "integer",
                "trips",
                "跑了几次",
                "",
                "",
                "${score} = 0 or ${score} = 1",
                ". >= 1 and . <= 20",
                "",
                "",
                "次",
            ],
            &[
                "decimal", "cost", "花费", "", "", "", ". >= 0", "", "", "元",
            ],
            &["text", "comment", "意见建议", "", "", "", "", "multiline"],
        ]),
        choices(&[
            &["list_name", "name", "label", "score", "satisfied"],
            &["purpose", "licence", "证照办理"],
            &["purpose", "enquiry", "政策咨询"],
            &["reasons", "long_wait", "等候时间长"],
            &["reasons", "other", "其他"],
            &["five", "very", "非常满意", "100", "yes"],
            &["five", "fair", "一般", "60"],
            &["five", "bad", "不满意", "0"],
            &["five", "dont_know", "不了解"],
        ]),
        settings(),
    ]);
    let form = expect_form(&bytes);
    let expected = FormDefinition::from_json(r#"{
        "title": {"zh-CN": "窗口服务满意度测评"},
        "description": {"zh-CN": "本问卷匿名填写。"},
        "scales": {"five": {"options": [
            {"id": "very", "label": {"zh-CN": "非常满意"}, "score": 100, "satisfied": true},
            {"id": "fair", "label": {"zh-CN": "一般"}, "score": 60},
            {"id": "bad", "label": {"zh-CN": "不满意"}, "score": 0},
            {"id": "dont_know", "label": {"zh-CN": "不了解"}}]}},
        "questions": [
            {"id": "purpose", "label": {"zh-CN": "您办理的事项"}, "required": true, "type": "single_choice",
             "options": [{"id": "licence", "label": {"zh-CN": "证照办理"}}, {"id": "enquiry", "label": {"zh-CN": "政策咨询"}}]},
            {"id": "overall", "label": {"zh-CN": "总体评价"}, "required": true, "type": "rating"},
            {"id": "reasons", "label": {"zh-CN": "不满意的原因"}, "help": {"zh-CN": "可多选"}, "required": true,
             "show_if": {"question": "overall", "equals": "dissatisfied"}, "type": "multiple_choice", "max": 2,
             "options": [{"id": "long_wait", "label": {"zh-CN": "等候时间长"}}, {"id": "other", "label": {"zh-CN": "其他"}}]},
            {"id": "other_reason", "label": {"zh-CN": "其他原因"}, "show_if": {"question": "reasons", "equals": "other"},
             "type": "short_text", "max_length": 100},
            {"id": "attitude", "label": {"zh-CN": "服务态度"}, "type": "rating", "scale": "five"},
            {"id": "score", "label": {"zh-CN": "请打分"}, "type": "score_0_10",
             "low_label": {"zh-CN": "很差"}, "high_label": {"zh-CN": "很好"}},
            {"id": "recommend", "label": {"zh-CN": "推荐程度"}, "type": "score_0_10"},
            {"id": "trips", "label": {"zh-CN": "跑了几次"}, "show_if": {"question": "score", "any_of": [0, 1]},
             "type": "number", "integer": true, "min": 1, "max": 20, "unit": {"zh-CN": "次"}},
            {"id": "cost", "label": {"zh-CN": "花费"}, "type": "number", "min": 0, "unit": {"zh-CN": "元"}},
            {"id": "comment", "label": {"zh-CN": "意见建议"}, "type": "long_text"}
        ]}"#).unwrap();
    assert_eq!(form, expected);
}

#[test]
fn a_kobo_export_imports_with_its_device_fields_left_out() {
    let bytes = workbook(&[
        (
            "survey",
            vec![
                vec![
                    "type".into(),
                    "name".into(),
                    "label::English (en)".into(),
                    "label::Chinese (zh)".into(),
                    "required".into(),
                ],
                vec!["start".into(), "start".into()],
                vec!["end".into(), "end".into()],
                vec!["deviceid".into(), "deviceid".into()],
                vec![
                    "select_one yes_no".into(),
                    "satisfied".into(),
                    "Are you satisfied?".into(),
                    "您满意吗?".into(),
                    V::B(true),
                ],
            ],
        ),
        choices(&[
            &[
                "list name",
                "name",
                "label::English (en)",
                "label::Chinese (zh)",
            ],
            &["yes_no", "yes", "Yes", "是"],
            &["yes_no", "no", "No", "否"],
        ]),
        (
            "settings",
            rows(&[
                &["form_title", "form_id", "version"],
                &["窗口满意度", "window", "2024010101"],
            ]),
        ),
    ]);
    let import = expect_problems(
        &bytes,
        &[
            warning("survey", 2, "A"),
            warning("survey", 3, "A"),
            warning("survey", 4, "A"),
        ],
    );
    let form = import.form.unwrap();
    assert_eq!(form.questions.len(), 1);
    assert!(form.questions[0].required);
    assert_eq!(
        form.questions[0].label,
        crate::forms::Localized::new("您满意吗?", "Are you satisfied?")
    );
    assert_eq!(
        import.problems[2].render(Lang::ZhCn),
        "工作表“survey”第 4 行 A 列(type):不会记录“deviceid”:为了匿名,canvass 从不记录作答时间、设备或作答人。"
    );
}

#[test]
fn a_group_is_flattened_with_a_warning() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["begin group", "services", "服务"],
            &["integer", "trips", "跑了几次"],
            &["end group"],
            &["text", "comment", "意见"],
        ]),
        settings(),
    ]);
    let import = expect_problems(&bytes, &[warning("survey", 2, "A")]);
    let ids: Vec<String> = import
        .form
        .unwrap()
        .questions
        .iter()
        .map(|q| q.id.to_string())
        .collect();
    assert_eq!(ids, ["trips", "comment"]);
}

#[test]
fn an_english_default_language_makes_plain_columns_english() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "label::中文"],
            &["integer", "age", "Age", "年龄"],
        ]),
        (
            "settings",
            rows(&[
                &["form_title", "form_title::Chinese (zh)", "default_language"],
                &["Window survey", "窗口满意度", "English (en)"],
            ]),
        ),
    ]);
    let form = expect_form(&bytes);
    assert_eq!(
        form.title,
        crate::forms::Localized::new("窗口满意度", "Window survey")
    );
    assert_eq!(
        form.questions[0].label,
        crate::forms::Localized::new("年龄", "Age")
    );
}

#[test]
fn unused_lists_and_scores_of_choice_lists_give_warnings() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["select_one yes_no", "agree", "同意吗"],
        ]),
        choices(&[
            &["list_name", "name", "label", "score"],
            &["yes_no", "yes", "是", "100"],
            &["yes_no", "no", "否", "0"],
            &["spare", "a", "甲"],
        ]),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[warning("choices", 2, "D"), warning("choices", 4, "A")],
    );
}

// ---- unsupported features ------------------------------------------------------------------

#[test]
fn unsupported_types_are_named() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "calculation"],
            &["geopoint", "location", "位置"],
            &["image", "photo", "照片"],
            &["date", "visited", "日期"],
            &["calculate", "total", "", "${a} + 1"],
            &["integer", "age", "年龄"],
        ]),
        settings(),
    ]);
    let import = expect_problems(
        &bytes,
        &[
            error(C::UnsupportedFeature, "survey", 1, "D"),
            error(C::UnsupportedType, "survey", 2, "A"),
            error(C::UnsupportedType, "survey", 3, "A"),
            error(C::UnsupportedType, "survey", 4, "A"),
            error(C::UnsupportedType, "survey", 5, "A"),
        ],
    );
    assert_eq!(
        import.problems[1].render(Lang::En),
        "sheet “survey”, row 2, column A (type): canvass does not have the question type “geopoint”. The supported types are listed in docs/forms.md, section XLSForm."
    );
}

#[test]
fn a_repeat_is_refused() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["begin repeat", "members", "家庭成员"],
            &["integer", "age", "年龄"],
            &["end repeat"],
        ]),
        settings(),
    ]);
    expect_problems(&bytes, &[error(C::UnsupportedFeature, "survey", 2, "A")]);
}

#[test]
fn a_choice_filter_and_its_filter_column_are_refused() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "choice_filter"],
            &["select_one towns", "town", "乡镇"],
            &["select_one villages", "village", "村", "town = ${town}"],
        ]),
        choices(&[
            &["list_name", "name", "label", "town"],
            &["towns", "dongshan", "东山镇"],
            &["towns", "xishan", "西山镇"],
            &["villages", "a", "甲村", "dongshan"],
            &["villages", "b", "乙村", "xishan"],
        ]),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            error(C::UnsupportedFeature, "survey", 1, "D"),
            error(C::UnknownColumn, "choices", 1, "D"),
        ],
    );
}

#[test]
fn or_other_is_refused() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["select_one yes_no or_other", "agree", "同意吗"],
        ]),
        choices(YES_NO),
        settings(),
    ]);
    expect_problems(&bytes, &[error(C::UnsupportedType, "survey", 2, "A")]);
}

#[test]
fn a_complex_relevant_is_refused_by_name() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "relevant"],
            &["integer", "age", "年龄"],
            &["select_one yes_no", "agree", "同意吗"],
            &["text", "why", "为什么", "${age} > 60 and ${agree} = 'no'"],
        ]),
        choices(YES_NO),
        settings(),
    ]);
    let import = expect_problems(&bytes, &[error(C::UnsupportedRelevant, "survey", 4, "D")]);
    assert!(import.problems[0]
        .render(Lang::ZhCn)
        .contains("${age} > 60 and ${agree} = 'no'"));
}

#[test]
fn a_constraint_other_than_bounds_is_refused() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "constraint"],
            &["text", "phone", "电话", "regex(., '^[0-9]{11}$')"],
            &["rating", "overall", "总体评价", ". != 'dont_know'"],
        ]),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            error(C::UnsupportedConstraint, "survey", 2, "D"),
            error(C::UnsupportedConstraint, "survey", 3, "D"),
        ],
    );
}

#[test]
fn a_note_between_questions_is_refused() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["integer", "age", "年龄"],
            &["note", "part2", "第二部分"],
            &["text", "comment", "意见"],
        ]),
        settings(),
    ]);
    expect_problems(&bytes, &[error(C::UnsupportedFeature, "survey", 3, "A")]);
}

#[test]
fn a_group_with_a_condition_conditional_required_and_parameters_are_refused() {
    let bytes = workbook(&[
        survey(&[
            &[
                "type",
                "name",
                "label",
                "required",
                "relevant",
                "parameters",
            ],
            &[
                "select_one yes_no",
                "agree",
                "同意吗",
                "",
                "",
                "randomize=true",
            ],
            &["begin group", "more", "更多", "", "${agree} = 'no'"],
            &["text", "why", "为什么", "${agree} = 'no'"],
            &["end group"],
        ]),
        choices(YES_NO),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            error(C::UnsupportedFeature, "survey", 2, "F"),
            error(C::UnsupportedFeature, "survey", 3, "E"),
            error(C::UnsupportedFeature, "survey", 4, "D"),
        ],
    );
}

#[test]
fn a_multiple_choice_compared_with_equals_must_use_selected() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "relevant"],
            &["select_multiple yes_no", "picked", "选择"],
            &["text", "why", "为什么", "${picked} = 'no'"],
        ]),
        choices(YES_NO),
        settings(),
    ]);
    expect_problems(&bytes, &[error(C::UnsupportedRelevant, "survey", 3, "D")]);
}

// ---- malformed shapes ----------------------------------------------------------------------

#[test]
fn a_file_that_is_no_workbook_is_unreadable() {
    let import = import_xlsform(b"type,name,label\ninteger,age,Age\n");
    assert_eq!(
        summary(&import.problems),
        [(C::UnreadableFile, Severity::Error, None, None, None)]
    );
}

#[test]
fn a_workbook_without_a_survey_sheet() {
    let bytes = workbook(&[("Sheet1", rows(&[&["题目"], &["年龄"]])), settings()]);
    expect_problems(
        &bytes,
        &[(C::MissingSheet, Severity::Error, None, None, None)],
    );
}

#[test]
fn a_workbook_without_settings_or_a_title() {
    let question: &[&[&str]] = &[&["type", "name", "label"], &["integer", "age", "年龄"]];
    expect_problems(
        &workbook(&[survey(question)]),
        &[(C::MissingSheet, Severity::Error, None, None, None)],
    );
    let bytes = workbook(&[
        survey(question),
        ("settings", rows(&[&["form_title", "version"], &["", "1"]])),
    ]);
    expect_problems(&bytes, &[error(C::MissingValue, "settings", 2, "A")]);
}

#[test]
fn selects_without_a_choices_sheet_give_one_problem() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["select_one yes_no", "agree", "同意吗"],
            &["select_multiple reasons", "reasons", "原因"],
        ]),
        settings(),
    ]);
    let import = expect_problems(
        &bytes,
        &[(C::MissingSheet, Severity::Error, None, None, None)],
    );
    assert!(import.problems[0].render(Lang::En).contains("row 2"));
}

#[test]
fn misspelt_types_are_unknown() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["selectone yes_no", "agree", "同意吗"],
            &["interger", "age", "年龄"],
            &["select_one", "town", "乡镇"],
        ]),
        choices(YES_NO),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            error(C::UnknownType, "survey", 2, "A"),
            error(C::UnknownType, "survey", 3, "A"),
            error(C::InvalidValue, "survey", 4, "A"),
            warning("choices", 2, "A"),
        ],
    );
}

#[test]
fn a_duplicate_question_name_names_the_first_row() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["integer", "age", "年龄"],
            &["decimal", "age", "年纪"],
        ]),
        settings(),
    ]);
    let import = expect_problems(&bytes, &[error(C::DuplicateName, "survey", 3, "B")]);
    assert_eq!(
        import.problems[0].message.render(Lang::ZhCn),
        "题目名称“age”与第 2 行重复,每道题的名称必须不同。"
    );
}

#[test]
fn a_missing_choice_list() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["select_one agree_list", "agree", "同意吗"],
        ]),
        choices(YES_NO),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            error(C::MissingList, "survey", 2, "A"),
            warning("choices", 2, "A"),
        ],
    );
}

#[test]
fn label_columns_in_other_languages_are_refused() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label::Chinese (zh)", "label::French (fr)"],
            &["integer", "age", "年龄", "Âge"],
        ]),
        settings(),
    ]);
    expect_problems(&bytes, &[error(C::UnsupportedLanguage, "survey", 1, "D")]);
}

#[test]
fn english_labels_alone_are_not_enough() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label::English (en)"],
            &["integer", "age", "Age"],
        ]),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[(
            C::MissingColumn,
            Severity::Error,
            Some("survey"),
            Some(1),
            None,
        )],
    );
}

#[test]
fn an_empty_label_and_an_english_only_label() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "label::English (en)"],
            &["integer", "age", "", ""],
            &["integer", "trips", "", "Trips"],
        ]),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            error(C::MissingValue, "survey", 2, "C"),
            error(C::MissingValue, "survey", 3, "C"),
        ],
    );
}

#[test]
fn a_relevant_referring_to_a_later_or_unknown_question() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "relevant"],
            &["text", "why", "为什么", "${agree} = 'no'"],
            &["select_one yes_no", "agree", "同意吗"],
            &["text", "what", "什么", "${nothing} = 'no'"],
            &["text", "who", "谁", "${why} = 'x'"],
        ]),
        choices(YES_NO),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            error(C::InvalidRelevant, "survey", 2, "D"),
            error(C::InvalidRelevant, "survey", 4, "D"),
            error(C::InvalidRelevant, "survey", 5, "D"),
        ],
    );
}

#[test]
fn a_relevant_value_the_question_cannot_take() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "relevant"],
            &["select_one yes_no", "agree", "同意吗"],
            &["score_0_10", "score", "打分"],
            &["text", "why", "为什么", "${agree} = 'maybe'"],
            &["text", "low", "低分原因", "${score} = 11"],
        ]),
        choices(YES_NO),
        settings(),
    ]);
    let import = expect_problems(
        &bytes,
        &[
            error(C::InvalidRelevant, "survey", 4, "D"),
            error(C::InvalidRelevant, "survey", 5, "D"),
        ],
    );
    assert_eq!(
        import.problems[1].message.render(Lang::En),
        "“11” is not an answer “score” can have."
    );
}

#[test]
fn names_that_are_not_ids() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["integer", "Age-1", "年龄"],
            &["select_one towns", "town", "乡镇"],
        ]),
        choices(&[
            &["list_name", "name", "label"],
            &["towns", "1", "东山镇"],
            &["towns", "xishan", "西山镇"],
        ]),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            error(C::InvalidName, "survey", 2, "B"),
            error(C::InvalidName, "choices", 2, "B"),
        ],
    );
}

#[test]
fn a_duplicate_choice_name_in_one_list() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["select_one yes_no", "agree", "同意吗"],
        ]),
        choices(&[
            &["list_name", "name", "label"],
            &["yes_no", "yes", "是"],
            &["yes_no", "yes", "对"],
        ]),
        settings(),
    ]);
    expect_problems(&bytes, &[error(C::DuplicateName, "choices", 3, "B")]);
}

#[test]
fn a_misspelt_column_is_unknown() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "requird"],
            &["integer", "age", "年龄", "yes"],
        ]),
        settings(),
    ]);
    expect_problems(&bytes, &[error(C::UnknownColumn, "survey", 1, "D")]);
}

#[test]
fn form_rules_are_mapped_back_to_their_cells() {
    let long = "长".repeat(501);
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label", "constraint"],
            &["select_one one", "only", "只有一个选项"],
            &["select_one yes_no", "agree", "同意吗"],
            &["integer", "age", "年龄", ". >= 10 and . <= 1"],
        ]),
        choices(&[
            &["list_name", "name", "label"],
            &["one", "a", "甲"],
            &["yes_no", "yes", &long],
            &["yes_no", "no", "否"],
        ]),
        settings(),
    ]);
    let import = expect_problems(
        &bytes,
        &[
            error(C::FormRule, "survey", 2, "A"),
            error(C::InvalidLimits, "survey", 4, "D"),
            error(C::InvalidValue, "choices", 3, "C"),
        ],
    );
    assert_eq!(
        import.problems[0].message.render(Lang::ZhCn),
        "有 1 个选项,应为 2 到 50 个。"
    );
    assert_eq!(
        import.problems[2].message.render(Lang::En),
        "The text is too long: at most 500 characters."
    );
}

#[test]
fn rating_scales_need_scores_in_range_and_satisfied_only_when_scored() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["rating five", "attitude", "态度"],
            &["rating plain", "speed", "速度"],
        ]),
        choices(&[
            &["list_name", "name", "label", "score", "satisfied"],
            &["five", "good", "好", "150", "yes"],
            &["five", "unknown", "不了解", "", "yes"],
            &["plain", "a", "甲"],
            &["plain", "b", "乙"],
        ]),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            error(C::InvalidLimits, "choices", 2, "D"),
            error(C::FormRule, "choices", 3, "E"),
            error(C::InvalidValue, "choices", 4, "D"),
        ],
    );
}

#[test]
fn an_unbalanced_group() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["begin group", "a", "甲"],
            &["integer", "age", "年龄"],
            &["end repeat"],
        ]),
        settings(),
    ]);
    expect_problems(
        &bytes,
        &[
            warning("survey", 2, "A"),
            error(C::UnbalancedGroup, "survey", 2, "A"),
            error(C::UnbalancedGroup, "survey", 4, "A"),
        ],
    );
}

#[test]
fn three_mistakes_give_three_problems_in_file_order() {
    let bytes = workbook(&[
        survey(&[
            &["type", "name", "label"],
            &["integr", "age", "年龄"],
            &["text", "comment", ""],
            &["decimal", "age", "金额"],
        ]),
        settings(),
    ]);
    let import = expect_problems(
        &bytes,
        &[
            error(C::UnknownType, "survey", 2, "A"),
            error(C::MissingValue, "survey", 3, "C"),
            error(C::DuplicateName, "survey", 4, "B"),
        ],
    );
    assert_eq!(
        import.problems[1].render(Lang::ZhCn),
        "工作表“survey”第 3 行 C 列(label):此处不能为空,请填写中文。"
    );
    assert_eq!(
        import.problems[1].render(Lang::En),
        "sheet “survey”, row 3, column C (label): This cannot be empty: fill in the Chinese text."
    );
    let detail = import.problems[1].detail(Lang::En);
    assert_eq!(
        serde_json::to_value(&detail).unwrap(),
        serde_json::json!({"severity": "error", "code": "missing_value", "sheet": "survey", "row": 3,
            "column": "C", "header": "label", "message": "This cannot be empty: fill in the Chinese text."})
    );
}
