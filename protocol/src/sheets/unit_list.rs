//! The unit list: name, kind, parent, window unit and an optional code, one unit a row, from an
//! XLSX or CSV file with Chinese or English headers in any order. Rows may come in any order:
//! parents are found within the file or among the units that already exist.

use std::collections::HashMap;

use super::headers::{short_text, Field, Headers};
use super::lookup::{split_path, UnitIndex, UnitLookup, UnitMatch, UnitRef};
use super::roster::unit_problem;
use super::table::read_table;
use super::{parse_yes_no, ProblemCode, SheetProblem};
use crate::i18n::Arg;
use crate::msg;
use crate::units::{UnitKind, UNIT_NAME_MAX_CHARS};

/// The longest unit code accepted, in characters.
pub const UNIT_CODE_MAX_CHARS: usize = 50;

/// Where a unit of the list goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitParent {
    /// At the root: a county.
    Root,
    /// Under a unit that already exists.
    Existing(i64),
    /// Under the unit of another row of the file (by its row number), which comes earlier in
    /// [`UnitListImport::rows`].
    Row(u32),
}

/// One unit of the list, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitListRow {
    /// The row as Excel numbers it.
    pub row: u32,
    /// 名称.
    pub name: String,
    /// 类型.
    pub kind: UnitKind,
    /// 上级单位, resolved.
    pub parent: UnitParent,
    /// 窗口单位.
    pub window_unit: bool,
    /// 代码, where given.
    pub code: Option<String>,
    /// The unit that already exists with this name and kind under the same parent: the row
    /// describes it again (to create nothing, or to update its window flag).
    pub existing: Option<i64>,
}

/// What a unit list import found: the units of every row without an error, parents before
/// their children, and every problem in file order. Store nothing unless no problem is an
/// error.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitListImport {
    /// The rows that are fine, each after the row of its parent.
    pub rows: Vec<UnitListRow>,
    /// Every problem, in file order.
    pub problems: Vec<SheetProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Name,
    Kind,
    Parent,
    Window,
    Code,
}

const FIELDS: &[Field<Key>] = &[
    Field {
        key: Key::Name,
        aliases: &["名称", "单位名称", "单位", "name", "unit"],
        zh: "名称",
        en: "name",
        required: true,
    },
    Field {
        key: Key::Kind,
        aliases: &["类型", "单位类型", "层级", "kind", "type"],
        zh: "类型",
        en: "kind",
        required: true,
    },
    Field {
        key: Key::Parent,
        aliases: &["上级单位", "上级", "所属单位", "parent", "parent unit"],
        zh: "上级单位",
        en: "parent",
        required: true,
    },
    Field {
        key: Key::Window,
        aliases: &["窗口单位", "是否窗口单位", "窗口", "window unit", "window"],
        zh: "窗口单位",
        en: "window unit",
        required: false,
    },
    Field {
        key: Key::Code,
        aliases: &["代码", "编码", "单位代码", "单位编码", "code"],
        zh: "代码",
        en: "code",
        required: false,
    },
];

/// Reads a unit kind as clerks write it: 县 (also 区, 县级市), 乡镇 (乡, 镇, 街道), 县直部门
/// (部门, 县直单位), 村 (行政村), 社区 (居委会), or the English and storage names (`county`,
/// `township`, `town`, `department`, `village`, `community`).
#[must_use]
pub fn parse_unit_kind(text: &str) -> Option<UnitKind> {
    let text = text.trim().to_lowercase();
    UnitKind::parse(&text).or(match text.as_str() {
        "县" | "区" | "县区" | "县(区)" | "县(市、区)" | "县级市" => {
            Some(UnitKind::County)
        }
        "乡镇" | "乡" | "镇" | "街道" | "乡镇(街道)" | "town" => Some(UnitKind::Township),
        "县直部门" | "部门" | "县直单位" | "县直" => Some(UnitKind::Department),
        "村" | "行政村" => Some(UnitKind::Village),
        "社区" | "居委会" => Some(UnitKind::Community),
        _ => None,
    })
}

fn kind_arg(kind: UnitKind) -> Arg {
    Arg::Localized {
        zh_cn: kind.label_zh().to_owned(),
        en: Some(kind.as_str().to_owned()),
    }
}

/// A row as read, before its parent is resolved.
struct Entry {
    row: u32,
    name: Option<String>,
    kind: Option<UnitKind>,
    parent_text: Option<String>,
    window_unit: bool,
    code: Option<String>,
}

impl Entry {
    /// The last name of the parent cell: the parent's own name.
    fn parent_name(&self) -> Option<&str> {
        self.parent_text
            .as_deref()
            .and_then(|t| split_path(t).last().copied())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Resolved {
    Root,
    Existing(UnitRef),
    Row(usize),
    Failed,
}

/// Reads a unit list from XLSX (its first sheet with rows) or CSV (UTF-8 with or without BOM,
/// or GBK) bytes. A parent is named by its name, by a path (`东山镇/新村`) where a name is used
/// twice, or by its code; it is looked for among the rows of the file first, then among the
/// `existing` units. Reports every problem at once: a missing column, an empty name, an unknown
/// kind, an unknown or ambiguous parent, a cycle, a kind that may not stand under its parent
/// (the tree is county → township or department → village or community), the same unit twice,
/// a code used twice, a window cell that is not yes or no, a column that is not read (a
/// warning).
#[must_use]
pub fn import_unit_list(bytes: &[u8], existing: &UnitIndex) -> UnitListImport {
    let sheet = match read_table(bytes) {
        Ok(sheet) => sheet,
        Err(problem) => {
            return UnitListImport {
                rows: Vec::new(),
                problems: vec![problem],
            }
        }
    };
    let mut problems = Vec::new();
    let headers = Headers::read(&sheet, FIELDS, &mut problems);
    if !(headers.has(Key::Name) && headers.has(Key::Kind) && headers.has(Key::Parent)) {
        return UnitListImport {
            rows: Vec::new(),
            problems,
        };
    }
    let error = |problems: &mut Vec<SheetProblem>, row: u32, key: Key, code, message| {
        problems.push(headers.problem(row, key, SheetProblem::error(code, message)));
    };

    let mut entries = Vec::new();
    let mut codes: HashMap<String, u32> = HashMap::new();
    for row in sheet.data_rows() {
        let name = short_text(
            &headers,
            row,
            Key::Name,
            UNIT_NAME_MAX_CHARS,
            true,
            &mut problems,
        )
        .filter(|name| {
            // A name with a path separator could not be told from a path.
            let plain = split_path(name).len() == 1;
            if !plain {
                error(
                    &mut problems,
                    row.number,
                    Key::Name,
                    ProblemCode::InvalidValue,
                    msg!("sheet-name-has-slash"),
                );
            }
            plain
        });
        let kind = match headers.text(row, Key::Kind) {
            None => {
                error(
                    &mut problems,
                    row.number,
                    Key::Kind,
                    ProblemCode::MissingValue,
                    msg!("sheet-cell-empty"),
                );
                None
            }
            Some(text) => {
                let kind = parse_unit_kind(&text);
                if kind.is_none() {
                    error(
                        &mut problems,
                        row.number,
                        Key::Kind,
                        ProblemCode::InvalidValue,
                        msg!("sheet-kind-unknown", kind = text),
                    );
                }
                kind
            }
        };
        let window_unit = match headers.cell(row, Key::Window) {
            Some(cell) if !cell.is_empty() => parse_yes_no(cell).unwrap_or_else(|| {
                error(
                    &mut problems,
                    row.number,
                    Key::Window,
                    ProblemCode::InvalidValue,
                    msg!("sheet-not-yes-no"),
                );
                false
            }),
            _ => false,
        };
        let code = short_text(
            &headers,
            row,
            Key::Code,
            UNIT_CODE_MAX_CHARS,
            false,
            &mut problems,
        );
        if let Some(code) = &code {
            if let Some(first) = codes.get(code) {
                error(
                    &mut problems,
                    row.number,
                    Key::Code,
                    ProblemCode::DuplicateUnit,
                    msg!("sheet-duplicate-code", code = code.clone(), row = *first),
                );
            } else {
                codes.insert(code.clone(), row.number);
            }
        }
        entries.push(Entry {
            row: row.number,
            name,
            kind,
            parent_text: headers.text(row, Key::Parent),
            window_unit,
            code,
        });
    }

    // Parents: within the file first (by code, then by name or path), then existing units.
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if let Some(name) = &entry.name {
            by_name.entry(name.as_str()).or_default().push(i);
        }
    }
    let mut resolved = Vec::with_capacity(entries.len());
    for entry in &entries {
        let Some(text) = &entry.parent_text else {
            resolved.push(Resolved::Root);
            continue;
        };
        let by_code: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.code.as_deref() == Some(text.as_str()))
            .map(|(i, _)| i)
            .collect();
        let path = split_path(text);
        let in_file: Vec<usize> = if by_code.is_empty() {
            path.split_last()
                .map(|(name, ancestors)| {
                    by_name
                        .get(name)
                        .into_iter()
                        .flatten()
                        .copied()
                        .filter(|&i| {
                            ancestors
                                .last()
                                .is_none_or(|a| entries[i].parent_name() == Some(a))
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            by_code
        };
        let found = match in_file.as_slice() {
            [i] => Resolved::Row(*i),
            [] => match existing.find(text) {
                UnitMatch::Found(unit) => Resolved::Existing(unit),
                other => {
                    problems.push(headers.problem(
                        entry.row,
                        Key::Parent,
                        unit_problem(text, &other),
                    ));
                    Resolved::Failed
                }
            },
            many => {
                let paths = many
                    .iter()
                    .map(|&i| match (&entries[i].parent_text, &entries[i].name) {
                        (Some(p), Some(n)) => {
                            format!("{}/{n}", split_path(p).last().unwrap_or(&""))
                        }
                        (_, n) => n.clone().unwrap_or_default(),
                    })
                    .collect();
                problems.push(headers.problem(
                    entry.row,
                    Key::Parent,
                    unit_problem(text, &UnitMatch::Ambiguous(paths)),
                ));
                Resolved::Failed
            }
        };
        resolved.push(found);
    }

    // Cycles: follow each chain of in-file parents once.
    let mut state = vec![0u8; entries.len()]; // 0 new, 1 on the current chain, 2 done
    let mut in_cycle = vec![false; entries.len()];
    for start in 0..entries.len() {
        let mut chain = Vec::new();
        let mut at = start;
        loop {
            if state[at] == 1 {
                if let Some(pos) = chain.iter().position(|&i| i == at) {
                    for &i in &chain[pos..] {
                        in_cycle[i] = true;
                    }
                }
            }
            if state[at] != 0 {
                break;
            }
            state[at] = 1;
            chain.push(at);
            match resolved[at] {
                Resolved::Row(next) => at = next,
                _ => break,
            }
        }
        for i in chain {
            state[i] = 2;
        }
    }
    for (i, entry) in entries.iter().enumerate() {
        if in_cycle[i] {
            let name = entry.name.clone().unwrap_or_default();
            error(
                &mut problems,
                entry.row,
                Key::Parent,
                ProblemCode::Cycle,
                msg!("sheet-parent-cycle", unit = name),
            );
            resolved[i] = Resolved::Failed;
        }
    }

    // Kinds under their parents, and the same unit twice.
    let mut seen: HashMap<(String, Resolved), u32> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let parent_kind = match resolved[i] {
            Resolved::Root => Some(None),
            Resolved::Existing(unit) => Some(Some(unit.kind)),
            Resolved::Row(j) => entries[j].kind.map(Some),
            Resolved::Failed => None,
        };
        if let (Some(kind), Some(parent_kind)) = (entry.kind, parent_kind) {
            if !kind.may_stand_under(parent_kind) {
                let message = match parent_kind {
                    None => msg!("sheet-kind-needs-parent", kind = kind_arg(kind)),
                    Some(parent) => msg!(
                        "sheet-kind-not-allowed",
                        kind = kind_arg(kind),
                        parent = kind_arg(parent)
                    ),
                };
                error(
                    &mut problems,
                    entry.row,
                    Key::Kind,
                    ProblemCode::KindNotAllowed,
                    message,
                );
            }
        }
        if let (Some(name), true) = (&entry.name, resolved[i] != Resolved::Failed) {
            if let Some(first) = seen.get(&(name.clone(), resolved[i])) {
                error(
                    &mut problems,
                    entry.row,
                    Key::Name,
                    ProblemCode::DuplicateUnit,
                    msg!("sheet-duplicate-unit", unit = name.clone(), row = *first),
                );
            } else {
                seen.insert((name.clone(), resolved[i]), entry.row);
            }
        }
    }

    // Parents before children, and the units that already exist.
    let order = parents_first(&resolved);
    let mut existing_ids: Vec<Option<i64>> = vec![None; entries.len()];
    for &i in &order {
        let entry = &entries[i];
        let parent_id = match resolved[i] {
            Resolved::Root => Some(None),
            Resolved::Existing(unit) => Some(Some(unit.id)),
            Resolved::Row(j) => existing_ids[j].map(Some),
            Resolved::Failed => None,
        };
        let (Some(parent_id), Some(name)) = (parent_id, &entry.name) else {
            continue;
        };
        if let Some(unit) = existing.child(parent_id, name) {
            existing_ids[i] = Some(unit.id);
            if entry.kind.is_some_and(|k| k != unit.kind) {
                error(
                    &mut problems,
                    entry.row,
                    Key::Kind,
                    ProblemCode::InvalidValue,
                    msg!("sheet-unit-exists-other-kind", kind = kind_arg(unit.kind)),
                );
            }
        }
    }

    problems.sort_by_key(|p| (p.row, p.column.as_ref().map(|c| c.index)));
    let has_error = |row: u32| problems.iter().any(|p| p.row == Some(row) && p.is_error());
    let rows = order
        .into_iter()
        .filter(|&i| !has_error(entries[i].row))
        .filter_map(|i| {
            let entry = &entries[i];
            let parent = match resolved[i] {
                Resolved::Root => UnitParent::Root,
                Resolved::Existing(unit) => UnitParent::Existing(unit.id),
                Resolved::Row(j) => UnitParent::Row(entries[j].row),
                Resolved::Failed => return None,
            };
            Some(UnitListRow {
                row: entry.row,
                name: entry.name.clone()?,
                kind: entry.kind?,
                parent,
                window_unit: entry.window_unit,
                code: entry.code.clone(),
                existing: existing_ids[i],
            })
        })
        .collect();
    UnitListImport { rows, problems }
}

/// The rows in an order where every row comes after its in-file parent (rows in a cycle last).
fn parents_first(resolved: &[Resolved]) -> Vec<usize> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); resolved.len()];
    let mut order = Vec::with_capacity(resolved.len());
    for (i, r) in resolved.iter().enumerate() {
        match r {
            Resolved::Row(j) => children[*j].push(i),
            _ => order.push(i),
        }
    }
    let mut next = 0;
    while next < order.len() {
        let i = order[next];
        order.extend(children[i].iter().copied());
        next += 1;
    }
    order
}

#[cfg(test)]
mod tests;
