//! The rounds editor: a round set up from the console's form, no JSON. A [`RoundDraft`] is the
//! form as typed; [`definition_of`] turns it into a [`RoundDefinition`] against the roster,
//! every problem at once under the form's own field names; [`create`] and [`update`] store it
//! through the same checks as the JSON API (`POST` and `PATCH /api/v1/rounds`).

use std::collections::{BTreeMap, BTreeSet};

use canvass_protocol::rounds::{
    CreateRound, Dimension, ElectorGroup, FlagRule, Grade, Official, OfficialSubject, Round,
    RoundDefinition, RoundInfo, RoundStatus, Series, TeamSubject, ValidityRule,
};
use canvass_protocol::units::Unit;
use canvass_protocol::{msg, ErrorCode};

use super::{index_in, manages_rounds, officials, parse_dimension, status, visible_round};
use crate::db::units::UnitRow;
use crate::db::{self, DbConnection};
use crate::domain::auth::{Action, Caller};
use crate::domain::error::{Error, Field, Kind, Problem};
use crate::domain::new_slug;
use crate::domain::units;

/// The flag rules the editor offers: the two county rule sets of the domain, none, or the
/// round's own rules (set through the API) kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagPreset {
    /// [`FlagRule::defaults`]: the rules of the source documents.
    Documents,
    /// [`FlagRule::warning_and_removal`]: the other county's warning talk and removal.
    WarningAndRemoval,
    /// No flags.
    None,
    /// The round's own rules, which match no preset, unchanged.
    Kept,
}

impl FlagPreset {
    /// The presets every round may take, in the order the form offers them.
    pub const OFFERED: [FlagPreset; 3] = [
        FlagPreset::Documents,
        FlagPreset::WarningAndRemoval,
        FlagPreset::None,
    ];

    /// The form's value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            FlagPreset::Documents => "documents",
            FlagPreset::WarningAndRemoval => "warning_removal",
            FlagPreset::None => "none",
            FlagPreset::Kept => "kept",
        }
    }

    /// The preset a form's value names.
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        [
            FlagPreset::Documents,
            FlagPreset::WarningAndRemoval,
            FlagPreset::None,
            FlagPreset::Kept,
        ]
        .into_iter()
        .find(|p| p.as_str() == value)
    }

    /// The preset `rules` are, or [`FlagPreset::Kept`] when they are none of them.
    #[must_use]
    pub fn of(rules: &[FlagRule]) -> Self {
        if rules == FlagRule::defaults().as_slice() {
            FlagPreset::Documents
        } else if rules == FlagRule::warning_and_removal().as_slice() {
            FlagPreset::WarningAndRemoval
        } else if rules.is_empty() {
            FlagPreset::None
        } else {
            FlagPreset::Kept
        }
    }

    /// The rules of the preset; `None` for [`FlagPreset::Kept`].
    #[must_use]
    pub fn rules(self) -> Option<Vec<FlagRule>> {
        match self {
            FlagPreset::Documents => Some(FlagRule::defaults()),
            FlagPreset::WarningAndRemoval => Some(FlagRule::warning_and_removal()),
            FlagPreset::None => Some(Vec::new()),
            FlagPreset::Kept => None,
        }
    }
}

/// One elector group as typed: its id (kept hidden in the form; empty for a new group, which
/// gets one), its label and its weight.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupDraft {
    pub id: String,
    pub label: String,
    pub weight: String,
}

impl GroupDraft {
    /// Whether the row was left empty (a row offered for a new group, or one cleared to remove
    /// the group).
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.label.trim().is_empty() && self.weight.trim().is_empty()
    }
}

/// A round as the editor's form holds it, every value as typed so that a refused form shows
/// again as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundDraft {
    /// The owning unit's id (a new round only); empty for the caller's own unit.
    pub unit: String,
    /// The id of an existing series; empty for a new one named `series_name`.
    pub series: String,
    pub series_name: String,
    pub period: String,
    /// The ids of the officials graded, from the roster.
    pub officials: Vec<String>,
    /// Whether the leadership team is graded as a whole.
    pub team: bool,
    /// The team's name; empty for the roster team the officials share.
    pub team_name: String,
    /// The id of the team's principal leader (主要领导), or empty.
    pub principal_leader: String,
    /// The dimensions graded (`integrity`, ...).
    pub dimensions: Vec<String>,
    pub groups: Vec<GroupDraft>,
    /// The 优秀 quota: at most this many 优秀 on a ballot; empty for none.
    pub quota: String,
    /// The [`FlagPreset`] chosen.
    pub flags: String,
}

impl RoundDraft {
    /// The form of a new round: the caller's unit, the source documents' flag rules.
    #[must_use]
    pub fn new() -> Self {
        Self {
            flags: FlagPreset::Documents.as_str().into(),
            ..Self::default()
        }
    }

    /// The form of an existing round, as its definition holds it.
    #[must_use]
    pub fn of(info: &RoundInfo) -> Self {
        let d = &info.definition;
        Self {
            unit: info.unit_id.to_string(),
            series: d.series.id.clone(),
            series_name: d.series.name.clone(),
            period: d.period.clone(),
            officials: d
                .officials
                .iter()
                .map(|o| o.official_id.to_string())
                .collect(),
            team: d.team.is_some(),
            team_name: d.team.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
            principal_leader: d
                .team
                .as_ref()
                .and_then(|t| t.principal_leader)
                .map(|id| id.to_string())
                .unwrap_or_default(),
            dimensions: d.dimensions.iter().map(|x| x.as_str().into()).collect(),
            groups: d
                .elector_groups
                .iter()
                .map(|g| GroupDraft {
                    id: g.id.clone(),
                    label: g.label.clone(),
                    weight: g.weight.to_string(),
                })
                .collect(),
            quota: quota_of(d).map(|q| q.to_string()).unwrap_or_default(),
            flags: FlagPreset::of(&d.flag_rules).as_str().into(),
        }
    }
}

/// The 优秀 quota of a definition, if it has one.
#[must_use]
pub fn quota_of(definition: &RoundDefinition) -> Option<u32> {
    definition.validity_rules.iter().find_map(|r| match r {
        ValidityRule::MaxGradeCount {
            grade: Grade::Excellent,
            max,
        } => Some(*max),
        ValidityRule::MaxGradeCount { .. } => None,
    })
}

/// What the editor offers to choose from, all within the caller's subtree.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// The roster, in roster order (by team, then order, then name).
    pub roster: Vec<Official>,
    /// The units that may own a round (not retired), root first.
    pub units: Vec<Unit>,
    /// The series of the rounds already set up: id and name, by name.
    pub series: Vec<(String, String)>,
}

/// What the editor offers the caller (admins and organisers only).
pub fn choices(conn: &mut DbConnection, caller: &Caller) -> Result<Choices, Error> {
    caller.require(manages_rounds(caller.role()), Action::ManageRounds)?;
    let roster = officials::console_roster(conn, caller)?;
    let units = db::units::subtree(conn, caller.scope_path(), None)?
        .iter()
        .filter(|u| u.retired_at.is_none())
        .map(UnitRow::to_api)
        .collect();
    let mut series = BTreeMap::new();
    for row in db::rounds::rounds_in(conn, caller.scope_path())? {
        if let Ok(round) = super::stored_round(&row) {
            let s = &round.definition().series;
            series.entry(s.id.clone()).or_insert_with(|| s.name.clone());
        }
    }
    let mut series: Vec<(String, String)> = series.into_iter().collect();
    series.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    Ok(Choices {
        roster,
        units,
        series,
    })
}

/// The rounds of the caller's subtree for the console (admins and organisers only), newest
/// first.
pub fn console_rounds(
    conn: &mut DbConnection,
    caller: &Caller,
    base_url: &str,
) -> Result<Vec<RoundInfo>, Error> {
    caller.require(manages_rounds(caller.role()), Action::ManageRounds)?;
    super::list(conn, caller, base_url)
}

/// Round `id` for the editor: one the caller manages, still a draft (a round that opened keeps
/// its definition: `round_state_conflict`).
pub fn editable(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    base_url: &str,
) -> Result<RoundInfo, Error> {
    let row = visible_round(conn, caller, id)?;
    caller.require(manages_rounds(caller.role()), Action::ManageRounds)?;
    if status(&row) != RoundStatus::Draft {
        return Err(super::state_conflict(msg!(
            "error-round-changed-after-draft"
        )));
    }
    super::round_info(&row, base_url)
}

/// Round `id` as its electors' ballot shows it, for those who set it up: any status.
pub fn ballot_preview(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<(RoundInfo, Round), Error> {
    let row = visible_round(conn, caller, id)?;
    caller.require(manages_rounds(caller.role()), Action::ManageRounds)?;
    Ok((super::round_info(&row, "")?, super::stored_round(&row)?))
}

/// Where the roster stands for a round owned by one unit: which officials of the caller's
/// roster lie in the owner's subtree, and the owner's name.
pub struct Owner<'a> {
    pub name: &'a str,
    /// Whether an official of the roster may be graded in the owner's round.
    pub holds: &'a dyn Fn(&Official) -> bool,
}

/// A definition path of `canvass_protocol::rounds` (or of the JSON API, under `definition.`)
/// as the editor's form field: `elector_groups[1].weight` is `groups[3].weight` when the form's
/// fourth row holds the second group (`rows` maps one to the other).
#[must_use]
pub fn form_field(path: &str, rows: &[usize]) -> String {
    let path = path.strip_prefix("definition.").unwrap_or(path);
    if let Some(i) = index_in(path, "elector_groups") {
        let rest = path.split_once(']').map_or("", |(_, rest)| rest);
        let row = rows.get(i).copied().unwrap_or(i);
        return format!("groups[{row}]{rest}");
    }
    let head = path.split(['.', '[']).next().unwrap_or_default();
    let field = match head {
        "series" if path == "series.id" => "series",
        "series" => "series_name",
        "team" if path.starts_with("team.principal_leader") => "principal_leader",
        "team" => "team_name",
        "officials" => "officials",
        "elector_groups" => "groups",
        "validity_rules" => "quota",
        "flag_rules" => "flags",
        "dimensions" => "dimensions",
        "unit_id" => "unit",
        "period" => "period",
        _ => return path.to_owned(),
    };
    field.to_owned()
}

fn on_form(problem: Problem, rows: &[usize]) -> Problem {
    Problem {
        field: problem.field.map(|f| Field {
            path: form_field(&f.path, rows),
            label: f.label,
        }),
        ..problem
    }
}

/// An error of the JSON API's create or update, its fields named as the form names them.
fn error_on_form(e: Error, rows: &[usize]) -> Error {
    if e.problems().is_empty() {
        match e.field().cloned() {
            Some(field) => {
                let path = form_field(&field.path, rows);
                e.at(Field {
                    path,
                    label: field.label,
                })
            }
            None => e,
        }
    } else {
        let kind = e.kind();
        let problems = e.details().into_iter().map(|p| on_form(p, rows)).collect();
        Error::many(kind, problems, || e)
    }
}

/// A new group's id: `g1`, `g2`, ... the first not taken.
fn new_group_id(taken: &BTreeSet<String>) -> String {
    // one of the first `taken.len() + 1` is free
    (1..=taken.len() + 1)
        .map(|n| format!("g{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_default()
}

/// A weight as typed: empty is 1; otherwise a finite number above 0.
fn weight_of(typed: &str) -> Option<f64> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Some(1.0);
    }
    typed
        .parse::<f64>()
        .ok()
        .filter(|w| w.is_finite() && *w > 0.0)
}

/// The definition `draft` describes, checked as `canvass_protocol::rounds` checks every round,
/// against `roster` (the caller's, in roster order) and `series` (those already set up), for a
/// round owned by `owner`; `previous` is the definition an edit replaces, whose scores,
/// thresholds and other validity rules it keeps. Every problem at once, each under its form
/// field; with the definition, the form row of each elector group.
///
/// # Errors
/// Every problem of the form, each naming its field.
pub fn definition_of(
    draft: &RoundDraft,
    roster: &[Official],
    series: &[(String, String)],
    owner: &Owner<'_>,
    previous: Option<&RoundDefinition>,
) -> Result<(RoundDefinition, Vec<usize>), Vec<Problem>> {
    let mut problems = Vec::new();
    let invalid = |field: &str, message| Problem::new(ErrorCode::InvalidValue, message).at(field);

    // the series: one already set up, or a new one named here
    let series = if draft.series.is_empty() {
        Series {
            id: format!("s-{}", new_slug()),
            name: draft.series_name.trim().to_owned(),
        }
    } else if let Some((id, name)) = series.iter().find(|(id, _)| *id == draft.series) {
        Series {
            id: id.clone(),
            name: name.clone(),
        }
    } else {
        problems.push(invalid("series", msg!("error-round-series-unknown")));
        Series {
            id: "unknown".into(),
            name: "unknown".into(),
        }
    };

    // the officials, in roster order
    let mut chosen = BTreeSet::new();
    for typed in &draft.officials {
        match typed.trim().parse::<i64>() {
            Ok(id) if roster.iter().any(|o| o.id == id) => {
                chosen.insert(id);
            }
            _ => problems.push(
                Problem::new(
                    ErrorCode::UnknownSubject,
                    msg!("error-round-official-unknown"),
                )
                .at("officials"),
            ),
        }
    }
    let mut subjects = Vec::new();
    for o in roster.iter().filter(|o| chosen.contains(&o.id)) {
        if !(owner.holds)(o) {
            problems.push(
                Problem::new(
                    ErrorCode::OutOfScope,
                    msg!(
                        "error-official-outside-owner",
                        name = o.name.as_str(),
                        owner = owner.name
                    ),
                )
                .at(Field::labelled("officials", o.name.as_str())),
            );
        }
        subjects.push(OfficialSubject {
            official_id: o.id,
            name: o.name.clone(),
            position: o.position.clone(),
        });
    }

    // the team, named as typed or as the roster names the officials' team
    let team = draft.team.then(|| {
        let shared = roster
            .iter()
            .filter(|o| chosen.contains(&o.id))
            .find_map(|o| o.team.clone())
            .unwrap_or_default();
        let name = match draft.team_name.trim() {
            "" => shared,
            typed => typed.to_owned(),
        };
        let principal_leader = match draft.principal_leader.trim() {
            "" => None,
            typed => match typed.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    problems.push(invalid(
                        "principal_leader",
                        msg!("error-round-official-unknown"),
                    ));
                    None
                }
            },
        };
        TeamSubject {
            name,
            principal_leader,
        }
    });

    // dimensions, in the customary order
    let mut dimensions = BTreeSet::new();
    for typed in &draft.dimensions {
        match parse_dimension(typed.trim()) {
            Some(d) => {
                dimensions.insert(d);
            }
            None => problems.push(invalid("dimensions", msg!("error-round-dimension-unknown"))),
        }
    }
    let dimensions: Vec<Dimension> = Dimension::ALL
        .into_iter()
        .filter(|d| dimensions.contains(d))
        .collect();

    // elector groups: every row not left blank, a new one given an id
    let mut taken: BTreeSet<String> = draft
        .groups
        .iter()
        .map(|g| g.id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    let mut groups = Vec::new();
    let mut rows = Vec::new();
    for (row, g) in draft.groups.iter().enumerate() {
        if g.is_blank() && g.id.trim().is_empty() {
            continue;
        }
        if g.is_blank() {
            // a group cleared: removed
            continue;
        }
        let id = match g.id.trim() {
            "" => {
                let id = new_group_id(&taken);
                taken.insert(id.clone());
                id
            }
            id => id.to_owned(),
        };
        let label = g.label.trim().to_owned();
        let weight = weight_of(&g.weight).unwrap_or_else(|| {
            problems.push(
                Problem::new(
                    ErrorCode::InvalidGroupWeight,
                    msg!("round-def-weight", group = label.as_str()),
                )
                .at(Field::labelled(
                    format!("groups[{row}].weight"),
                    label.as_str(),
                )),
            );
            1.0
        });
        groups.push(ElectorGroup { id, label, weight });
        rows.push(row);
    }

    // the 优秀 quota, between 1 and the number of officials
    let mut validity_rules: Vec<ValidityRule> = previous
        .map(|p| p.validity_rules.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|r| {
            !matches!(
                r,
                ValidityRule::MaxGradeCount {
                    grade: Grade::Excellent,
                    ..
                }
            )
        })
        .collect();
    let quota = draft.quota.trim();
    if !quota.is_empty() {
        let most = u32::try_from(subjects.len()).unwrap_or(u32::MAX);
        match quota.parse::<u32>() {
            Ok(max) if (1..=most).contains(&max) => {
                validity_rules.insert(
                    0,
                    ValidityRule::MaxGradeCount {
                        grade: Grade::Excellent,
                        max,
                    },
                );
            }
            _ if most == 0 => {
                problems.push(invalid("quota", msg!("error-round-quota-no-officials")));
            }
            _ => problems.push(invalid("quota", msg!("error-round-quota", max = most))),
        }
    }

    // flag rules from a preset, or the round's own kept
    let flag_rules = match FlagPreset::parse(draft.flags.trim()).map(|p| (p, p.rules())) {
        Some((_, Some(rules))) => rules,
        Some((FlagPreset::Kept, None)) if previous.is_some() => {
            previous.map(|p| p.flag_rules.clone()).unwrap_or_default()
        }
        _ => {
            problems.push(invalid("flags", msg!("error-round-flags-unknown")));
            Vec::new()
        }
    };

    let definition = RoundDefinition {
        period: draft.period.trim().to_owned(),
        series,
        officials: subjects,
        team,
        dimensions,
        elector_groups: groups,
        validity_rules,
        grade_scores: previous.map(|p| p.grade_scores.clone()).unwrap_or_default(),
        flag_rules,
        disclosure: previous.map(|p| p.disclosure).unwrap_or_default(),
    };
    if let Err(found) = Round::check(definition.clone()) {
        for p in found {
            let label = super::definition_label(&definition, &p.field);
            problems.push(on_form(Problem::checked(p, "", label), &rows));
        }
    }
    if problems.is_empty() {
        Ok((definition, rows))
    } else {
        Err(problems)
    }
}

fn invalid_form(problems: Vec<Problem>) -> Error {
    Error::many(Kind::Invalid, problems, Error::internal_logged)
}

/// Which officials of `roster` lie in `owner`'s subtree.
fn holding(
    conn: &mut DbConnection,
    caller: &Caller,
    owner: &UnitRow,
) -> Result<BTreeSet<i64>, Error> {
    let paths: BTreeMap<i64, String> = db::units::subtree(conn, caller.scope_path(), None)?
        .into_iter()
        .map(|u| (u.id, u.path))
        .collect();
    Ok(officials::console_roster(conn, caller)?
        .into_iter()
        .filter(|o| {
            paths
                .get(&o.unit_id)
                .is_some_and(|p| owner.contains_path(p))
        })
        .map(|o| o.id)
        .collect())
}

/// Creates a draft round from the editor's form, owned by the unit chosen (else the caller's),
/// through the JSON API's own create: every problem of the form at once, nothing stored unless
/// there is none.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    draft: &RoundDraft,
    base_url: &str,
) -> Result<RoundInfo, Error> {
    let choices = choices(conn, caller)?;
    let requested = match draft.unit.trim() {
        "" => None,
        typed => Some(
            typed
                .parse::<i64>()
                .map_err(|_| Error::invalid("unit", msg!("error-round-owner-missing")))?,
        ),
    };
    let owner = units::owner(conn, caller, requested, msg!("error-round-owner-missing"))
        .map_err(|e| error_on_form(e, &[]))?;
    let held = holding(conn, caller, &owner)?;
    let holds = |o: &Official| held.contains(&o.id);
    let (definition, rows) = definition_of(
        draft,
        &choices.roster,
        &choices.series,
        &Owner {
            name: &owner.name,
            holds: &holds,
        },
        None,
    )
    .map_err(invalid_form)?;
    let body = CreateRound {
        definition,
        unit_id: Some(owner.id),
    };
    super::create(conn, caller, &body, base_url).map_err(|e| error_on_form(e, &rows))
}

/// Replaces draft round `id`'s definition with the editor's form, through the JSON API's own
/// update: only a draft, every problem at once, nothing stored unless there is none.
pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    draft: &RoundDraft,
    base_url: &str,
) -> Result<RoundInfo, Error> {
    let current = editable(conn, caller, id, base_url)?;
    let choices = choices(conn, caller)?;
    let owner = db::units::find(conn, current.unit_id)?;
    let held = holding(conn, caller, &owner)?;
    let holds = |o: &Official| held.contains(&o.id);
    let (definition, rows) = definition_of(
        draft,
        &choices.roster,
        &choices.series,
        &Owner {
            name: &owner.name,
            holds: &holds,
        },
        Some(&current.definition),
    )
    .map_err(invalid_form)?;
    super::update(conn, caller, id, &definition, base_url).map_err(|e| error_on_form(e, &rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_protocol::i18n::Lang;

    fn official(id: i64, name: &str, team: Option<&str>) -> Official {
        Official {
            id,
            unit_id: 1,
            name: name.into(),
            position: "镇长".into(),
            active: true,
            team: team.map(Into::into),
            order: None,
        }
    }

    fn roster() -> Vec<Official> {
        vec![
            official(7, "周建军", Some("东山镇党政领导班子")),
            official(8, "王芳", Some("东山镇党政领导班子")),
            official(9, "李强", None),
        ]
    }

    fn draft() -> RoundDraft {
        RoundDraft {
            series_name: "东山镇班子年度测评".into(),
            period: "2026年度".into(),
            officials: vec!["8".into(), "7".into()],
            team: true,
            principal_leader: "7".into(),
            dimensions: vec!["ability".into(), "integrity".into()],
            groups: vec![
                GroupDraft {
                    id: String::new(),
                    label: "县领导".into(),
                    weight: "0.3".into(),
                },
                GroupDraft::default(),
                GroupDraft {
                    id: String::new(),
                    label: "群众代表".into(),
                    weight: String::new(),
                },
            ],
            quota: "1".into(),
            flags: "warning_removal".into(),
            ..RoundDraft::new()
        }
    }

    fn build(
        d: &RoundDraft,
        holds: &dyn Fn(&Official) -> bool,
    ) -> Result<(RoundDefinition, Vec<usize>), Vec<Problem>> {
        definition_of(
            d,
            &roster(),
            &[("s-old".into(), "旧系列".into())],
            &Owner {
                name: "东山镇",
                holds,
            },
            None,
        )
    }

    fn fields(problems: &[Problem]) -> Vec<String> {
        problems
            .iter()
            .map(|p| p.field.as_ref().map(|f| f.path.clone()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_form_becomes_a_definition_in_roster_order() {
        let (d, rows) = build(&draft(), &|_| true).unwrap();
        let names: Vec<&str> = d.officials.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            ["周建军", "王芳"],
            "roster order, not the order ticked"
        );
        let team = d.team.clone().unwrap();
        assert_eq!(team.name, "东山镇党政领导班子", "the roster's team");
        assert_eq!(team.principal_leader, Some(7));
        assert_eq!(d.dimensions, [Dimension::Integrity, Dimension::Ability]);
        let groups: Vec<(&str, &str, f64)> = d
            .elector_groups
            .iter()
            .map(|g| (g.id.as_str(), g.label.as_str(), g.weight))
            .collect();
        assert_eq!(groups, [("g1", "县领导", 0.3), ("g2", "群众代表", 1.0)]);
        assert_eq!(rows, [0, 2], "the blank row is skipped");
        assert_eq!(quota_of(&d), Some(1));
        assert_eq!(d.flag_rules, FlagRule::warning_and_removal());
        assert!(d.series.id.starts_with("s-"));
        assert_eq!(RoundDraft::of(&info(d.clone())).flags, "warning_removal");
    }

    fn info(definition: RoundDefinition) -> RoundInfo {
        RoundInfo {
            id: 1,
            unit_id: 1,
            series_id: definition.series.id.clone(),
            series_name: definition.series.name.clone(),
            period: definition.period.clone(),
            status: RoundStatus::Draft,
            ballot_url: String::new(),
            min_group_size: 5,
            definition,
            created_at: 0,
        }
    }

    #[test]
    fn a_round_read_back_into_the_form_gives_the_same_definition() {
        let (d, _) = build(&draft(), &|_| true).unwrap();
        let again = RoundDraft::of(&info(d.clone()));
        let series = [(d.series.id.clone(), d.series.name.clone())];
        let (d2, _) = definition_of(
            &again,
            &roster(),
            &series,
            &Owner {
                name: "东山镇",
                holds: &|_| true,
            },
            Some(&d),
        )
        .unwrap();
        assert_eq!(d2, d);
    }

    #[test]
    fn every_problem_of_the_form_is_named_by_its_field() {
        let mut d = draft();
        d.period = "\u{0}".into();
        d.series = "s-nowhere".into();
        d.officials = vec!["7".into(), "99".into(), "x".into()];
        d.principal_leader = "8".into();
        d.dimensions = vec!["charm".into()];
        d.groups = vec![
            GroupDraft {
                id: "a".into(),
                label: "县领导".into(),
                weight: "heavy".into(),
            },
            GroupDraft::default(),
            GroupDraft {
                id: "a".into(),
                label: "x".repeat(201),
                weight: "0".into(),
            },
        ];
        d.quota = "2".into();
        d.flags = "kept".into();
        let problems = build(&d, &|o| o.id != 7).unwrap_err();
        assert_eq!(
            fields(&problems),
            [
                "series",
                "officials",
                "officials",
                "officials",
                "dimensions",
                "groups[0].weight",
                "groups[2].weight",
                "quota",
                "flags",
                "period",
                "principal_leader",
                "groups[2].id",
                "groups[2].label",
            ]
        );
        let quota = problems
            .iter()
            .find(|p| p.field.as_ref().unwrap().path == "quota");
        assert!(quota
            .unwrap()
            .message
            .render(Lang::En)
            .contains("from 1 to 1"));
        assert!(quota.unwrap().message.render(Lang::ZhCn).contains("1 到 1"));
    }

    #[test]
    fn api_paths_become_form_fields() {
        assert_eq!(
            form_field("definition.elector_groups[1].weight", &[0, 3]),
            "groups[3].weight"
        );
        assert_eq!(
            form_field("definition.officials[0].official_id", &[]),
            "officials"
        );
        assert_eq!(form_field("series.name", &[]), "series_name");
        assert_eq!(form_field("team.principal_leader", &[]), "principal_leader");
        assert_eq!(form_field("unit_id", &[]), "unit");
        assert_eq!(
            form_field("definition.disclosure.counts", &[]),
            "disclosure.counts"
        );
    }

    #[test]
    fn presets_are_recognised_from_their_rules() {
        for p in FlagPreset::OFFERED {
            assert_eq!(FlagPreset::of(&p.rules().unwrap()), p);
            assert_eq!(FlagPreset::parse(p.as_str()), Some(p));
        }
        let mut own = FlagRule::defaults();
        own.pop();
        assert_eq!(FlagPreset::of(&own), FlagPreset::Kept);
    }
}
