//! Roster imports: Chinese and English headers in any order, XLSX and CSV in UTF-8 with or
//! without BOM and in GBK, and every kind of bad cell.

use super::*;
use crate::sheets::lookup::tests::county;
use crate::sheets::testing::{at, csv, rows, summary, workbook, xlsx, V};
use crate::sheets::{Severity, UnitRef};
use ProblemCode as C;

const ROSTER: &[&[&str]] = &[
    &["单位", "姓名", "排序", "职务", "班子"],
    &["东山镇", "周建军", "1", "党委书记", "东山镇党政领导班子"],
    &["东山镇", "李秀英", "2", "镇长", "东山镇党政领导班子"],
    &["东山镇/新村", "王强", "", "村委会主任", ""],
];

fn expected_rows() -> Vec<RosterRow> {
    let row =
        |row, name: &str, post: &str, unit_id, unit: &str, team: Option<&str>, order| RosterRow {
            row,
            name: name.into(),
            post: post.into(),
            unit_id,
            unit: unit.into(),
            team: team.map(Into::into),
            order,
        };
    vec![
        row(
            2,
            "周建军",
            "党委书记",
            2,
            "东山镇",
            Some("东山镇党政领导班子"),
            Some(1),
        ),
        row(
            3,
            "李秀英",
            "镇长",
            2,
            "东山镇",
            Some("东山镇党政领导班子"),
            Some(2),
        ),
        row(4, "王强", "村委会主任", 4, "东山镇/新村", None, None),
    ]
}

#[test]
fn a_roster_with_chinese_headers_in_any_order_imports() {
    let import = import_roster(&xlsx(ROSTER), &county());
    assert_eq!(import.problems, []);
    assert_eq!(import.rows, expected_rows());
}

#[test]
fn numbers_in_excel_cells_are_orders() {
    let bytes = workbook(&[(
        "名册",
        vec![
            vec!["姓名".into(), "职务".into(), "单位".into(), "排序".into()],
            vec![
                "周建军".into(),
                "党委书记".into(),
                "东山镇".into(),
                V::N(3.0),
            ],
        ],
    )]);
    let import = import_roster(&bytes, &county());
    assert_eq!(import.problems, []);
    assert_eq!(import.rows[0].order, Some(3));
}

#[test]
fn csv_in_utf8_with_or_without_bom_and_in_gbk_imports_the_same() {
    let text = csv(ROSTER);
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend_from_slice(text.as_bytes());
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    for bytes in [text.as_bytes(), &with_bom, &gbk] {
        let import = import_roster(bytes, &county());
        assert_eq!(import.problems, []);
        assert_eq!(import.rows, expected_rows());
    }
}

#[test]
fn english_headers_are_recognised() {
    let table: &[&[&str]] = &[
        &["Name", "Post", "Unit", "Team", "Order"],
        &["Zhou Jianjun", "Party secretary", "东山镇", "", "1"],
    ];
    let import = import_roster(csv(table).as_bytes(), &county());
    assert_eq!(import.problems, []);
    assert_eq!(import.rows[0].post, "Party secretary");
}

#[test]
fn every_bad_cell_is_reported_at_once_and_good_rows_still_read() {
    let long = "长".repeat(101);
    let table: &[&[&str]] = &[
        &["姓名", "职务", "单位", "排序", "性别"],
        &["", "镇长", "东山镇", "1", "男"],
        &["周建军", "", "南山镇", "第一", "男"],
        &["李秀英", "镇长", "新村", "1.5", "女"],
        &[&long, "副镇长", "东山镇", "", ""],
        &["王强", "副镇长", "东山镇", "3", ""],
        &["王强", "武装部长", "东山镇", "4", ""],
        &["赵敏", "组织委员", "西山镇", "5", ""],
    ];
    let import = import_roster(&xlsx(table), &county());
    let s = Some("Sheet1");
    assert_eq!(
        summary(&import.problems),
        [
            (C::Ignored, Severity::Warning, s, Some(1), Some("E")),
            at(C::MissingValue, s, 2, "A"),
            at(C::MissingValue, s, 3, "B"),
            at(C::UnknownUnit, s, 3, "C"),
            at(C::InvalidValue, s, 3, "D"),
            at(C::AmbiguousUnit, s, 4, "C"),
            at(C::InvalidValue, s, 4, "D"),
            at(C::InvalidValue, s, 5, "A"),
            at(C::DuplicatePerson, s, 7, "A"),
        ]
    );
    let rows: Vec<u32> = import.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, [6, 8]);
    assert_eq!(
        import.problems[3].render(Lang::ZhCn),
        "工作表“Sheet1”第 3 行 C 列(单位):没有名为“南山镇”的单位。"
    );
    assert_eq!(
        import.problems[5].message.render(Lang::En),
        "Several units are named “新村” (东山县/东山镇/新村, 东山县/西山镇/新村): write the unit above it too, such as “东山镇/新村”."
    );
    assert_eq!(
        import.problems[8].message.render(Lang::ZhCn),
        "“王强”在同一单位中已出现在第 6 行。"
    );
}

use crate::forms::Lang;

#[test]
fn a_missing_column_stops_before_the_rows() {
    let table: &[&[&str]] = &[&["姓名", "单位"], &["周建军", "东山镇"]];
    let import = import_roster(csv(table).as_bytes(), &county());
    assert_eq!(
        summary(&import.problems),
        [(C::MissingColumn, Severity::Error, None, Some(1), None)]
    );
    assert_eq!(
        import.problems[0].message.render(Lang::ZhCn),
        "缺少“职务”列。"
    );
    assert_eq!(
        import.problems[0].message.render(Lang::En),
        "The column “post” is missing."
    );
    assert!(import.rows.is_empty());
}

#[test]
fn two_name_columns_are_one_too_many() {
    let table: &[&[&str]] = &[
        &["姓名", "职务", "单位", "名字"],
        &["周建军", "镇长", "东山镇", "周"],
    ];
    let import = import_roster(csv(table).as_bytes(), &county());
    assert_eq!(
        summary(&import.problems),
        [at(C::DuplicateColumn, None, 1, "D")]
    );
}

#[test]
fn a_closure_resolves_units() {
    let lookup = |name: &str| match name {
        "东山镇" => UnitMatch::Found(UnitRef {
            id: 42,
            kind: crate::units::UnitKind::Township,
        }),
        _ => UnitMatch::NotFound,
    };
    let import = import_roster(csv(&ROSTER[..3]).as_bytes(), &lookup);
    assert_eq!(import.problems, []);
    assert!(import.rows.iter().all(|r| r.unit_id == 42));
}

#[test]
fn a_file_that_is_no_table_is_unreadable() {
    let import = import_roster(&[0xFF, 0xFE, 0xFF], &county());
    assert_eq!(
        summary(&import.problems),
        [(C::UnreadableFile, Severity::Error, None, None, None)]
    );
    let _ = rows;
}
