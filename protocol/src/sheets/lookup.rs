//! Finding units by the names clerks write in spreadsheets: a name (`东山镇`) or, where a name
//! is used twice, a path from an ancestor (`东山镇/新村`).

use std::collections::HashMap;

use crate::units::{Unit, UnitKind};

/// A unit a spreadsheet cell names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitRef {
    /// Its id.
    pub id: i64,
    /// Its kind.
    pub kind: UnitKind,
}

/// What a unit name in a cell resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitMatch {
    /// Exactly one unit.
    Found(UnitRef),
    /// No unit has that name (or path).
    NotFound,
    /// Several units have that name: their paths, so the clerk can write one of them.
    Ambiguous(Vec<String>),
}

/// Resolves the unit names of a spreadsheet. Implemented by [`UnitIndex`] and by any closure
/// `Fn(&str) -> UnitMatch`, so a caller can resolve against whatever it has.
pub trait UnitLookup {
    /// The unit a cell names: a name, or a path of names separated by `/`.
    fn find(&self, name: &str) -> UnitMatch;
}

impl<F: Fn(&str) -> UnitMatch> UnitLookup for F {
    fn find(&self, name: &str) -> UnitMatch {
        self(name)
    }
}

/// Splits a unit path (`东山县/东山镇/新村`, also with `／`, `>` or `＞`) into trimmed names.
#[must_use]
pub fn split_path(text: &str) -> Vec<&str> {
    text.split(['/', '／', '>', '＞'])
        .map(|s| s.trim_matches(|c: char| c.is_whitespace()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The units the caller may use, indexed by name: what [`import_roster`](super::roster) and
/// [`import_unit_list`](super::unit_list) resolve names against.
#[derive(Debug, Clone, Default)]
pub struct UnitIndex {
    units: Vec<Unit>,
    by_id: HashMap<i64, usize>,
    by_name: HashMap<String, Vec<usize>>,
}

impl UnitIndex {
    /// Indexes `units` (a subtree as the API lists it; parents outside it are simply unknown).
    #[must_use]
    pub fn new(units: &[Unit]) -> Self {
        let mut index = UnitIndex {
            units: units.to_vec(),
            ..UnitIndex::default()
        };
        for (i, unit) in index.units.iter().enumerate() {
            index.by_id.insert(unit.id, i);
            index
                .by_name
                .entry(unit.name.trim().to_owned())
                .or_default()
                .push(i);
        }
        index
    }

    /// The unit with this id.
    #[must_use]
    pub fn get(&self, id: i64) -> Option<&Unit> {
        self.by_id.get(&id).map(|&i| &self.units[i])
    }

    /// The child of `parent` (`None`: a root) named `name`.
    #[must_use]
    pub fn child(&self, parent: Option<i64>, name: &str) -> Option<&Unit> {
        self.by_name
            .get(name.trim())?
            .iter()
            .map(|&i| &self.units[i])
            .find(|u| u.parent_id == parent)
    }

    /// The unit's path of names from the highest known ancestor: `东山县/东山镇/新村`.
    #[must_use]
    pub fn path(&self, id: i64) -> String {
        let mut names = Vec::new();
        let mut next = Some(id);
        while let Some(unit) = next.and_then(|id| self.get(id)) {
            names.push(unit.name.as_str());
            next = unit.parent_id;
            if names.len() > self.units.len() {
                break;
            }
        }
        names.reverse();
        names.join("/")
    }

    /// Whether the unit's ancestors, nearest first, are named `names` (nearest last).
    fn ancestors_match(&self, unit: &Unit, names: &[&str]) -> bool {
        let mut parent = unit.parent_id;
        for name in names.iter().rev() {
            match parent.and_then(|id| self.get(id)) {
                Some(p) if p.name.trim() == *name => parent = p.parent_id,
                _ => return false,
            }
        }
        true
    }
}

impl UnitLookup for UnitIndex {
    fn find(&self, text: &str) -> UnitMatch {
        let path = split_path(text);
        let Some((name, ancestors)) = path.split_last() else {
            return UnitMatch::NotFound;
        };
        let found: Vec<&Unit> = self
            .by_name
            .get(*name)
            .into_iter()
            .flatten()
            .map(|&i| &self.units[i])
            .filter(|u| self.ancestors_match(u, ancestors))
            .collect();
        match found.as_slice() {
            [] => UnitMatch::NotFound,
            [unit] => UnitMatch::Found(UnitRef {
                id: unit.id,
                kind: unit.kind,
            }),
            many => UnitMatch::Ambiguous(many.iter().map(|u| self.path(u.id)).collect()),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn unit(id: i64, parent_id: Option<i64>, kind: UnitKind, name: &str) -> Unit {
        Unit {
            id,
            parent_id,
            kind,
            name: name.to_owned(),
            window_unit: false,
            path: Vec::new(),
            retired: false,
            population: None,
        }
    }

    /// 东山县 with 东山镇 and 西山镇, each with a village named 新村, and 县民政局.
    pub(crate) fn county() -> UnitIndex {
        UnitIndex::new(&[
            unit(1, None, UnitKind::County, "东山县"),
            unit(2, Some(1), UnitKind::Township, "东山镇"),
            unit(3, Some(1), UnitKind::Township, "西山镇"),
            unit(4, Some(2), UnitKind::Village, "新村"),
            unit(5, Some(3), UnitKind::Village, "新村"),
            unit(6, Some(1), UnitKind::Department, "县民政局"),
        ])
    }

    #[test]
    fn names_and_paths_find_units() {
        let index = county();
        let found = |id, kind| UnitMatch::Found(UnitRef { id, kind });
        assert_eq!(index.find("东山镇"), found(2, UnitKind::Township));
        assert_eq!(index.find(" 东山镇 / 新村 "), found(4, UnitKind::Village));
        assert_eq!(
            index.find("东山县／西山镇／新村"),
            found(5, UnitKind::Village)
        );
        assert_eq!(
            index.find("新村"),
            UnitMatch::Ambiguous(vec![
                "东山县/东山镇/新村".into(),
                "东山县/西山镇/新村".into()
            ])
        );
        assert_eq!(index.find("南山镇"), UnitMatch::NotFound);
        assert_eq!(index.find("西山镇/东山镇"), UnitMatch::NotFound);
        assert_eq!(index.child(Some(2), "新村").map(|u| u.id), Some(4));
    }

    #[test]
    fn a_closure_is_a_lookup() {
        let lookup = |name: &str| {
            if name == "东山镇" {
                UnitMatch::Found(UnitRef {
                    id: 7,
                    kind: UnitKind::Township,
                })
            } else {
                UnitMatch::NotFound
            }
        };
        assert_eq!(
            lookup.find("东山镇"),
            UnitMatch::Found(UnitRef {
                id: 7,
                kind: UnitKind::Township
            })
        );
    }
}
