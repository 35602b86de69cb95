//! Units of the organisation tree: county → township or county department → village or
//! community. Every account is scoped to one unit and sees only its subtree.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::i18n::catalogue_names;

/// The kind of a unit, which fixes where it may stand in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 县: the root of a tree.
    County,
    /// 乡镇: under a county.
    Township,
    /// 县直部门: a county department, under a county.
    Department,
    /// 村: under a township.
    Village,
    /// 社区: under a township.
    Community,
}

impl UnitKind {
    /// Every kind, root first.
    pub const ALL: [UnitKind; 5] = [
        UnitKind::County,
        UnitKind::Township,
        UnitKind::Department,
        UnitKind::Village,
        UnitKind::Community,
    ];

    /// The wire and storage form (`county`, `township`, ...).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            UnitKind::County => "county",
            UnitKind::Township => "township",
            UnitKind::Department => "department",
            UnitKind::Village => "village",
            UnitKind::Community => "community",
        }
    }

    /// Parses the storage form; `None` for anything else.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a unit of this kind may be placed under `parent` (`None` = the root).
    #[must_use]
    pub fn may_stand_under(self, parent: Option<UnitKind>) -> bool {
        matches!(
            (parent, self),
            (None, UnitKind::County)
                | (
                    Some(UnitKind::County),
                    UnitKind::Township | UnitKind::Department
                )
                | (
                    Some(UnitKind::Township),
                    UnitKind::Village | UnitKind::Community
                )
        )
    }
}

catalogue_names!(UnitKind {
    County => "common-unit-county",
    Township => "common-unit-township",
    Department => "common-unit-department",
    Village => "common-unit-village",
    Community => "common-unit-community",
});

/// A unit as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    /// `None` only for a root (county).
    pub parent_id: Option<i64>,
    pub kind: UnitKind,
    pub name: String,
    /// A window unit (窗口单位) serves the public directly: the usual survey target.
    pub window_unit: bool,
    /// Ids from the root down to and including this unit.
    pub path: Vec<i64>,
    /// A retired unit stays in results but takes no new survey, official or unit below it.
    #[serde(default)]
    pub retired: bool,
    /// How many people live in the unit, when known (a village's residents): anomaly flags
    /// compare a village's share of a survey's answers with its share of the people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
}

/// Body of `POST /api/v1/units`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnit {
    /// 1 to 100 characters after trimming.
    pub name: String,
    pub kind: UnitKind,
    /// Required for every kind but a county.
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub window_unit: bool,
}

/// Body of `PATCH /api/v1/units/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUnit {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub window_unit: Option<bool>,
    /// Moves the unit (and its subtree) under another parent within the caller's scope.
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// `true` retires the unit (it has no units below it that are not retired); `false`
    /// brings it back.
    #[serde(default)]
    pub retired: Option<bool>,
    /// How many people live in the unit; `0` forgets it.
    #[serde(default)]
    pub population: Option<u64>,
}

/// Longest unit name accepted, in characters.
pub const UNIT_NAME_MAX_CHARS: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn tree_shape_follows_the_organisation() {
        assert!(UnitKind::County.may_stand_under(None));
        assert!(!UnitKind::Township.may_stand_under(None));
        assert!(UnitKind::Department.may_stand_under(Some(UnitKind::County)));
        assert!(UnitKind::Village.may_stand_under(Some(UnitKind::Township)));
        assert!(!UnitKind::Village.may_stand_under(Some(UnitKind::County)));
        assert!(!UnitKind::County.may_stand_under(Some(UnitKind::County)));
        assert!(!UnitKind::Community.may_stand_under(Some(UnitKind::Department)));
    }

    #[test]
    fn kinds_round_trip_through_their_storage_form() {
        for kind in UnitKind::ALL {
            assert_eq!(UnitKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::String(kind.as_str().into())
            );
        }
        assert_eq!(UnitKind::parse("province"), None);
    }

    #[test]
    fn kinds_are_named_from_the_catalogue() {
        let zh: Vec<&str> = UnitKind::ALL.iter().map(|k| k.label_zh()).collect();
        assert_eq!(zh, ["县", "乡镇", "县直部门", "村", "社区"]);
        assert_eq!(UnitKind::Department.label(Lang::En), "county department");
    }
}
