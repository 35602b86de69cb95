//! Unit list imports: rows in any order, parents in the file or among existing units, and
//! every kind of bad cell.

use super::*;
use crate::forms::Lang;
use crate::sheets::lookup::tests::county;
use crate::sheets::testing::{at, csv, summary, xlsx};
use crate::sheets::Severity;
use ProblemCode as C;

/// Row, name, kind, parent, window unit, existing id.
type Got<'a> = (u32, &'a str, UnitKind, UnitParent, bool, Option<i64>);

#[test]
fn a_list_in_any_order_comes_out_parents_first() {
    let table: &[&[&str]] = &[
        &["名称", "类型", "上级单位", "窗口单位", "代码"],
        &["南山村", "村", "南山镇", "否", "NS01"],
        &["南山镇", "乡镇", "东山县", "", "NS"],
        &["县行政审批服务局", "县直部门", "东山县", "是", ""],
        &["南山社区", "社区", "NS", "", ""],
        &["东山镇", "乡镇", "东山县", "", ""],
    ];
    let import = import_unit_list(&xlsx(table), &county());
    assert_eq!(import.problems, []);
    let got: Vec<Got<'_>> = import
        .rows
        .iter()
        .map(|r| {
            (
                r.row,
                r.name.as_str(),
                r.kind,
                r.parent,
                r.window_unit,
                r.existing,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                3,
                "南山镇",
                UnitKind::Township,
                UnitParent::Existing(1),
                false,
                None
            ),
            (
                4,
                "县行政审批服务局",
                UnitKind::Department,
                UnitParent::Existing(1),
                true,
                None
            ),
            (
                6,
                "东山镇",
                UnitKind::Township,
                UnitParent::Existing(1),
                false,
                Some(2)
            ),
            (
                2,
                "南山村",
                UnitKind::Village,
                UnitParent::Row(3),
                false,
                None
            ),
            (
                5,
                "南山社区",
                UnitKind::Community,
                UnitParent::Row(3),
                false,
                None
            ),
        ]
    );
    assert_eq!(import.rows[3].code.as_deref(), Some("NS01"));
}

#[test]
fn a_new_county_with_english_headers_in_gbk_csv() {
    let table: &[&[&str]] = &[
        &["Name", "Kind", "Parent", "Window unit"],
        &["西河县", "county", "", "no"],
        &["西河镇", "township", "西河县", "no"],
        &["西河县/西河镇/河口村", "village", "西河县/西河镇", "no"],
    ];
    let text = csv(table);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let import = import_unit_list(&gbk, &county());
    assert_eq!(
        summary(&import.problems),
        [at(C::InvalidValue, None, 4, "A")]
    );
    let table: &[&[&str]] = &[
        &["Name", "Kind", "Parent", "Window unit"],
        &["西河县", "county", "", "no"],
        &["西河镇", "township", "西河县", "no"],
        &["河口村", "village", "西河县/西河镇", "no"],
    ];
    let import = import_unit_list(csv(table).as_bytes(), &county());
    assert_eq!(import.problems, []);
    let parents: Vec<UnitParent> = import.rows.iter().map(|r| r.parent).collect();
    assert_eq!(
        parents,
        [UnitParent::Root, UnitParent::Row(2), UnitParent::Row(3)]
    );
}

#[test]
fn every_bad_cell_is_reported_at_once() {
    let table: &[&[&str]] = &[
        &["名称", "类型", "上级单位", "窗口单位", "代码"],
        &["甲村", "自然村", "东山镇", "", ""],
        &["乙村", "村", "南山镇", "", ""],
        &["丙村", "村", "新村", "", ""],
        &["丁镇", "乡镇", "戊镇", "", ""],
        &["戊镇", "乡镇", "丁镇", "", ""],
        &["己村", "村", "东山县", "", ""],
        &["庚镇", "乡镇", "", "", ""],
        &["辛村", "村", "东山镇", "可能", "X1"],
        &["辛村", "村", "东山镇", "", "X1"],
        &["", "村", "东山镇", "", ""],
        &["县民政局", "乡镇", "东山县", "", ""],
    ];
    let import = import_unit_list(&xlsx(table), &county());
    let s = Some("Sheet1");
    assert_eq!(
        summary(&import.problems),
        [
            at(C::InvalidValue, s, 2, "B"),
            at(C::UnknownUnit, s, 3, "C"),
            at(C::AmbiguousUnit, s, 4, "C"),
            at(C::Cycle, s, 5, "C"),
            at(C::Cycle, s, 6, "C"),
            at(C::KindNotAllowed, s, 7, "B"),
            at(C::KindNotAllowed, s, 8, "B"),
            at(C::InvalidValue, s, 9, "D"),
            at(C::DuplicateUnit, s, 10, "A"),
            at(C::DuplicateUnit, s, 10, "E"),
            at(C::MissingValue, s, 11, "A"),
            at(C::InvalidValue, s, 12, "B"),
        ]
    );
    assert_eq!(
        import.problems[5].message.render(Lang::ZhCn),
        "村不能设在县之下。单位层级为:县 → 乡镇或县直部门 → 村或社区。"
    );
    assert_eq!(
        import.problems[5].message.render(Lang::En),
        "A village cannot stand under a county. The tree is county → township or department → village or community."
    );
    assert_eq!(
        import.problems[6].message.render(Lang::En),
        "A township needs a parent unit; only a county has none."
    );
    assert_eq!(
        import.problems[11].message.render(Lang::ZhCn),
        "该单位已存在,类型为县直部门。"
    );
    assert!(import.rows.is_empty());
}

#[test]
fn a_missing_parent_column_stops_before_the_rows() {
    let table: &[&[&str]] = &[&["名称", "类型"], &["南山镇", "乡镇"]];
    let import = import_unit_list(csv(table).as_bytes(), &county());
    assert_eq!(
        summary(&import.problems),
        [(C::MissingColumn, Severity::Error, None, Some(1), None)]
    );
}

#[test]
fn kinds_are_read_as_clerks_write_them() {
    for (text, kind) in [
        ("县", UnitKind::County),
        ("街道", UnitKind::Township),
        ("镇", UnitKind::Township),
        ("Town", UnitKind::Township),
        ("县直部门", UnitKind::Department),
        ("行政村", UnitKind::Village),
        ("community", UnitKind::Community),
    ] {
        assert_eq!(parse_unit_kind(text), Some(kind), "{text}");
    }
    assert_eq!(parse_unit_kind("省"), None);
}
