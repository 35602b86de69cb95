//! Spreadsheets of a given size, made in code: what the benchmark (`bench --only imports`) and
//! the timing example import, so that both measure the same files.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use rust_xlsxwriter::Workbook;

use super::xlsform::{export_xlsform, import_xlsform};
use super::{import_roster, UnitIndex};
use crate::forms::{
    ChoiceOption, Condition, ConditionValue, FormDefinition, Localized, OptionId, Question,
    QuestionId, QuestionKind, Scale, ScaleId, ScaleOption, ShowIf,
};
use crate::units::{Unit, UnitKind};

/// A county of 20 townships with 10 villages each (221 units), as the API lists them.
#[must_use]
pub fn county_units() -> Vec<Unit> {
    let mut units = vec![Unit {
        id: 1,
        parent_id: None,
        kind: UnitKind::County,
        name: "东山县".into(),
        window_unit: false,
        path: vec![1],
        retired: false,
        population: None,
    }];
    for t in 0..20_i64 {
        let township = 2 + t * 11;
        units.push(Unit {
            id: township,
            parent_id: Some(1),
            kind: UnitKind::Township,
            name: format!("第{}镇", t + 1),
            window_unit: false,
            path: vec![1, township],
            retired: false,
            population: None,
        });
        for v in 1..=10 {
            units.push(Unit {
                id: township + v,
                parent_id: Some(township),
                kind: UnitKind::Village,
                name: format!("第{}镇{}村", t + 1, v),
                window_unit: false,
                path: vec![1, township, township + v],
                retired: false,
                population: None,
            });
        }
    }
    units
}

/// A roster of `rows` officials over the units of [`county_units`], as an XLSX workbook with
/// Chinese headers; every row is valid.
#[must_use]
pub fn roster_workbook(rows: usize) -> Vec<u8> {
    let units = county_units();
    let posts = [
        "党委书记",
        "镇长",
        "副书记",
        "副镇长",
        "组织委员",
        "村党支部书记",
        "村委会主任",
    ];
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, header) in (0u16..).zip(["姓名", "职务", "单位", "班子", "排序"]) {
        sheet.write_string(0, c, header).expect("a cell");
    }
    for (r, i) in (1u32..).zip(0..rows) {
        let unit = &units[1 + i % (units.len() - 1)];
        sheet
            .write_string(r, 0, format!("干部{i:05}"))
            .expect("a cell");
        sheet
            .write_string(r, 1, posts[i % posts.len()])
            .expect("a cell");
        sheet.write_string(r, 2, &unit.name).expect("a cell");
        sheet
            .write_string(r, 3, format!("{}领导班子", unit.name))
            .expect("a cell");
        sheet.write_number(r, 4, f64::from(r)).expect("a cell");
    }
    book.save_to_buffer().expect("a workbook")
}

/// A valid form of `questions` questions (at most 200) cycling through every question type,
/// with skip rules and a custom scale.
#[must_use]
pub fn form(questions: usize) -> FormDefinition {
    let id = |s: String| OptionId::parse(&s).expect("an id");
    let options = |n: usize| -> Vec<ChoiceOption> {
        (0..n)
            .map(|k| ChoiceOption {
                id: id(format!("o{k}")),
                label: Localized::new(format!("选项{k}"), format!("Option {k}")),
            })
            .collect()
    };
    let mut list = Vec::with_capacity(questions);
    for i in 0..questions {
        let kind = match i % 8 {
            0 => QuestionKind::SingleChoice {
                options: options(5),
            },
            1 => QuestionKind::MultipleChoice {
                options: options(6),
                min: Some(1),
                max: Some(3),
            },
            2 => QuestionKind::Rating {
                scale: ScaleId::satisfaction(),
            },
            3 => QuestionKind::Rating {
                scale: ScaleId::parse("five").expect("an id"),
            },
            4 => QuestionKind::Score0To10 {
                low_label: Some(Localized::zh("很差")),
                high_label: Some(Localized::zh("很好")),
            },
            5 => QuestionKind::Number {
                min: Some(0.0),
                max: Some(100.0),
                integer: true,
                unit: Some(Localized::zh("次")),
            },
            6 => QuestionKind::ShortText {
                max_length: Some(100),
            },
            _ => QuestionKind::LongText { max_length: None },
        };
        let show_if = (i % 8 == 6).then(|| ShowIf {
            question: QuestionId::parse(&format!("q{}", i - 6)).expect("an id"),
            condition: Condition::AnyOf(vec![
                ConditionValue::Option(id("o1".into())),
                ConditionValue::Option(id("o2".into())),
            ]),
        });
        list.push(Question {
            id: QuestionId::parse(&format!("q{i}")).expect("an id"),
            label: Localized::new(
                format!("第{}题:您对这项服务是否满意?", i + 1),
                format!("Question {}", i + 1),
            ),
            help: (i % 3 == 0).then(|| Localized::zh("请根据实际感受填写")),
            required: i % 2 == 0,
            show_if,
            kind,
        });
    }
    let scale_option = |k: &str, zh: &str, score: Option<f64>, satisfied| ScaleOption {
        id: id(k.into()),
        label: Localized::zh(zh),
        score,
        satisfied,
    };
    let five = Scale {
        label: Some(Localized::new("五级满意度", "Five-point")),
        options: vec![
            scale_option("very", "非常满意", Some(100.0), true),
            scale_option("fair", "满意", Some(80.0), true),
            scale_option("neutral", "一般", Some(60.0), false),
            scale_option("bad", "不满意", Some(0.0), false),
            scale_option("dont_know", "不了解", None, false),
        ],
    };
    FormDefinition {
        title: Localized::new("县直部门窗口服务群众满意度测评", "Window service survey"),
        description: Some(Localized::zh("本问卷匿名填写。")),
        questions: list,
        scales: [(ScaleId::parse("five").expect("an id"), five)]
            .into_iter()
            .collect(),
    }
}

/// [`form`] written as an XLSForm workbook.
#[must_use]
pub fn xlsform_workbook(questions: usize) -> Vec<u8> {
    export_xlsform(&form(questions)).expect("a valid form writes")
}

/// One timed import of [`timed_imports`].
#[derive(Debug, Clone)]
pub struct Timing {
    /// What was imported.
    pub what: &'static str,
    /// The median of the runs.
    pub median: Duration,
    /// The slowest run.
    pub max: Duration,
}

/// Imports a 5,000-row roster (XLSX and CSV) and a 200-question XLSForm `runs` times each and
/// times them: the figures of `docs/performance.md`. Panics when an import finds a problem.
#[must_use]
pub fn timed_imports(runs: usize) -> Vec<Timing> {
    let units = UnitIndex::new(&county_units());
    let roster = roster_workbook(5000);
    let roster_csv = roster_csv(5000);
    let xlsform = xlsform_workbook(200);
    let time = |what, f: &dyn Fn() -> bool| {
        let mut runs: Vec<Duration> = (0..runs.max(1))
            .map(|_| {
                let started = Instant::now();
                assert!(f(), "{what}: the sample import found problems");
                started.elapsed()
            })
            .collect();
        runs.sort();
        Timing {
            what,
            median: runs[runs.len() / 2],
            max: runs[runs.len() - 1],
        }
    };
    vec![
        time("import a 5,000-row roster (XLSX)", &|| {
            import_roster(&roster, &units).problems.is_empty()
        }),
        time("import a 5,000-row roster (CSV, GBK)", &|| {
            import_roster(&roster_csv, &units).problems.is_empty()
        }),
        time("import a 200-question XLSForm", &|| {
            import_xlsform(&xlsform).problems.is_empty()
        }),
        time("export a 200-question form as XLSForm", &|| {
            export_xlsform(&form(200)).is_ok()
        }),
    ]
}

/// [`roster_workbook`]'s table as CSV in GBK, as Excel on a Chinese Windows saves it.
#[must_use]
pub fn roster_csv(rows: usize) -> Vec<u8> {
    let units = county_units();
    let mut text = String::from("姓名,职务,单位,班子,排序\r\n");
    for i in 0..rows {
        let unit = &units[1 + i % (units.len() - 1)];
        let _ = write!(
            text,
            "干部{i:05},镇长,{0},{0}领导班子,{1}\r\n",
            unit.name,
            i + 1
        );
    }
    encoding_rs::GBK.encode(&text).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_samples_import_without_a_problem() {
        let units = UnitIndex::new(&county_units());
        let roster = import_roster(&roster_workbook(300), &units);
        assert_eq!(roster.problems, []);
        assert_eq!(roster.rows.len(), 300);
        let csv = import_roster(&roster_csv(300), &units);
        assert_eq!(csv.problems, []);
        assert_eq!(csv.rows.len(), 300);
        let form = form(200);
        assert_eq!(form.validate(), Ok(()));
        let import = import_xlsform(&xlsform_workbook(200));
        assert_eq!(import.problems, []);
        assert_eq!(import.form, Some(form));
    }
}
