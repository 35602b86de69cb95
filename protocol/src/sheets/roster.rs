//! The roster of officials (干部名册): name, post, unit, team and order, one official a row,
//! from an XLSX or CSV file with Chinese or English headers in any order.

use std::collections::HashMap;

use super::headers::{short_text, Field, Headers};
use super::lookup::{UnitLookup, UnitMatch};
use super::table::read_table;
use super::{ProblemCode, SheetProblem};
use crate::msg;

/// The longest name, post or team accepted, in characters (as for officials created one by
/// one).
pub const ROSTER_TEXT_MAX_CHARS: usize = 100;

/// One official of the roster, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    /// The row as Excel numbers it.
    pub row: u32,
    /// 姓名.
    pub name: String,
    /// 职务: the post, e.g. 镇长.
    pub post: String,
    /// The unit the 单位 cell names, resolved by the caller's lookup.
    pub unit_id: i64,
    /// The 单位 cell as written.
    pub unit: String,
    /// 班子: the leadership team, e.g. 东山镇党政领导班子; `None` when left empty.
    pub team: Option<String>,
    /// 排序: the official's place in the roster order (ballot papers list officials in it);
    /// `None` when left empty.
    pub order: Option<u32>,
}

/// What a roster import found: the officials of every row without an error, and every
/// problem in file order. Store nothing unless no problem is an error.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterImport {
    /// The rows that are fine, in file order.
    pub rows: Vec<RosterRow>,
    /// Every problem, in file order.
    pub problems: Vec<SheetProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Name,
    Post,
    Unit,
    Team,
    Order,
}

const FIELDS: &[Field<Key>] = &[
    Field {
        key: Key::Name,
        aliases: &["姓名", "名字", "name", "full name"],
        zh: "姓名",
        en: "name",
        required: true,
    },
    Field {
        key: Key::Post,
        aliases: &["职务", "现任职务", "职位", "post", "position", "title"],
        zh: "职务",
        en: "post",
        required: true,
    },
    Field {
        key: Key::Unit,
        aliases: &["单位", "所在单位", "工作单位", "单位名称", "unit"],
        zh: "单位",
        en: "unit",
        required: true,
    },
    Field {
        key: Key::Team,
        aliases: &["班子", "领导班子", "所在班子", "team"],
        zh: "班子",
        en: "team",
        required: false,
    },
    Field {
        key: Key::Order,
        aliases: &["排序", "序号", "顺序", "order", "sort order", "no."],
        zh: "排序",
        en: "order",
        required: false,
    },
];

/// Reads a roster from XLSX (its first sheet with rows) or CSV (UTF-8 with or without BOM, or
/// GBK) bytes. Units are resolved by `units`: a name, or a path such as `东山镇/新村` where a
/// name is used twice. Reports every problem at once: a missing column, an empty name, post
/// or unit, a unit that does not exist or is ambiguous, an order that is not a whole number,
/// the same person twice in one unit, a column that is not read (a warning).
#[must_use]
pub fn import_roster(bytes: &[u8], units: &impl UnitLookup) -> RosterImport {
    let sheet = match read_table(bytes) {
        Ok(sheet) => sheet,
        Err(problem) => {
            return RosterImport {
                rows: Vec::new(),
                problems: vec![problem],
            }
        }
    };
    let mut problems = Vec::new();
    let headers = Headers::read(&sheet, FIELDS, &mut problems);
    if !(headers.has(Key::Name) && headers.has(Key::Post) && headers.has(Key::Unit)) {
        return RosterImport {
            rows: Vec::new(),
            problems,
        };
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, i64), u32> = HashMap::new();
    for row in sheet.data_rows() {
        let before = problems.len();
        let name = short_text(
            &headers,
            row,
            Key::Name,
            ROSTER_TEXT_MAX_CHARS,
            true,
            &mut problems,
        );
        let post = short_text(
            &headers,
            row,
            Key::Post,
            ROSTER_TEXT_MAX_CHARS,
            true,
            &mut problems,
        );
        let team = short_text(
            &headers,
            row,
            Key::Team,
            ROSTER_TEXT_MAX_CHARS,
            false,
            &mut problems,
        );
        let unit_text = headers.text(row, Key::Unit);
        let unit_id = match &unit_text {
            None => {
                problems.push(headers.problem(
                    row.number,
                    Key::Unit,
                    SheetProblem::error(ProblemCode::MissingValue, msg!("sheet-cell-empty")),
                ));
                None
            }
            Some(text) => match units.find(text) {
                UnitMatch::Found(unit) => Some(unit.id),
                other => {
                    problems.push(headers.problem(
                        row.number,
                        Key::Unit,
                        unit_problem(text, &other),
                    ));
                    None
                }
            },
        };
        let order = match headers.cell(row, Key::Order) {
            None => None,
            Some(cell) if cell.is_empty() => None,
            Some(cell) => {
                let order = cell
                    .number()
                    .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n));
                if order.is_none() {
                    problems.push(headers.problem(
                        row.number,
                        Key::Order,
                        SheetProblem::error(
                            ProblemCode::InvalidValue,
                            msg!("sheet-order-not-a-number"),
                        ),
                    ));
                }
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                order.map(|n| n as u32)
            }
        };
        if let (Some(name), Some(unit_id)) = (&name, unit_id) {
            if let Some(first) = seen.get(&(name.clone(), unit_id)) {
                problems.push(headers.problem(
                    row.number,
                    Key::Name,
                    SheetProblem::error(
                        ProblemCode::DuplicatePerson,
                        msg!("sheet-duplicate-person", name = name.clone(), row = *first),
                    ),
                ));
            } else {
                seen.insert((name.clone(), unit_id), row.number);
            }
        }
        if problems[before..].iter().any(SheetProblem::is_error) {
            continue;
        }
        if let (Some(name), Some(post), Some(unit_id), Some(unit)) =
            (name, post, unit_id, unit_text)
        {
            rows.push(RosterRow {
                row: row.number,
                name,
                post,
                unit_id,
                unit,
                team,
                order,
            });
        }
    }
    RosterImport { rows, problems }
}

/// The problem of a unit cell that does not name exactly one unit.
pub(crate) fn unit_problem(text: &str, found: &UnitMatch) -> SheetProblem {
    match found {
        UnitMatch::Ambiguous(paths) => SheetProblem::error(
            ProblemCode::AmbiguousUnit,
            msg!(
                "sheet-unit-ambiguous",
                unit = text,
                paths = paths.join(", ")
            ),
        ),
        _ => SheetProblem::error(
            ProblemCode::UnknownUnit,
            msg!("sheet-unit-unknown", unit = text),
        ),
    }
}

#[cfg(test)]
mod tests;
