use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::unique_keys;
use crate::i18n::{catalogue_names, Message};
use crate::json::WireName;
use crate::msg;

/// A grade an elector gives. Officials and the team are graded on different scales; one enum
/// holds both so that a grade given on the wrong scale is reported as such, with its field,
/// rather than as an unreadable body.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 优秀
    Excellent,
    /// 称职
    Competent,
    /// 基本称职
    BasicallyCompetent,
    /// 不称职
    Incompetent,
    /// 好
    Good,
    /// 较好
    FairlyGood,
    /// 一般
    Average,
    /// 差
    Poor,
}

impl Grade {
    /// Every grade: the official scale, then the team scale, each best first.
    pub const ALL: [Grade; 8] = [
        Grade::Excellent,
        Grade::Competent,
        Grade::BasicallyCompetent,
        Grade::Incompetent,
        Grade::Good,
        Grade::FairlyGood,
        Grade::Average,
        Grade::Poor,
    ];

    /// The scale the grade belongs to.
    #[must_use]
    pub const fn scale(self) -> Scale {
        match self {
            Grade::Excellent
            | Grade::Competent
            | Grade::BasicallyCompetent
            | Grade::Incompetent => Scale::Official,
            Grade::Good | Grade::FairlyGood | Grade::Average | Grade::Poor => Scale::Team,
        }
    }

    /// The wire form (`basically_competent`, ...).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Competent => "competent",
            Grade::BasicallyCompetent => "basically_competent",
            Grade::Incompetent => "incompetent",
            Grade::Good => "good",
            Grade::FairlyGood => "fairly_good",
            Grade::Average => "average",
            Grade::Poor => "poor",
        }
    }

    /// Parses the wire form; `None` for anything else.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// The default score of the grade for the composite score: 100, 80, 60, 0 from best to
    /// worst on either scale. A round may override it (`grade_scores`).
    #[must_use]
    pub const fn default_score(self) -> f64 {
        match self {
            Grade::Excellent | Grade::Good => 100.0,
            Grade::Competent | Grade::FairlyGood => 80.0,
            Grade::BasicallyCompetent | Grade::Average => 60.0,
            Grade::Incompetent | Grade::Poor => 0.0,
        }
    }
}

catalogue_names!(Grade {
    Excellent => "round-grade-excellent",
    Competent => "round-grade-competent",
    BasicallyCompetent => "round-grade-basically-competent",
    Incompetent => "round-grade-incompetent",
    Good => "round-grade-good",
    FairlyGood => "round-grade-fairly-good",
    Average => "round-grade-average",
    Poor => "round-grade-poor",
});

impl WireName for Grade {
    fn wire_name(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.label_zh(), self.as_str())
    }
}

/// A grading scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 优秀 / 称职 / 基本称职 / 不称职, for officials.
    Official,
    /// 好 / 较好 / 一般 / 差, for the leadership team.
    Team,
}

impl Scale {
    /// The grades of the scale, best first.
    #[must_use]
    pub const fn grades(self) -> [Grade; 4] {
        match self {
            Scale::Official => [
                Grade::Excellent,
                Grade::Competent,
                Grade::BasicallyCompetent,
                Grade::Incompetent,
            ],
            Scale::Team => [Grade::Good, Grade::FairlyGood, Grade::Average, Grade::Poor],
        }
    }

    /// The wire form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Scale::Official => "official",
            Scale::Team => "team",
        }
    }

    /// Says that `grade` is not on this scale, naming the scale's grades.
    #[must_use]
    pub fn refuses(self, grade: Grade) -> Message {
        match self {
            Scale::Official => msg!("round-grade-not-on-official-scale", grade = grade.name()),
            Scale::Team => msg!("round-grade-not-on-team-scale", grade = grade.name()),
        }
    }
}

/// What is graded: an official (领导干部) or the leadership team as a whole (领导班子).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Official,
    Team,
}

impl SubjectKind {
    /// The scale this kind of subject is graded on.
    #[must_use]
    pub const fn scale(self) -> Scale {
        match self {
            SubjectKind::Official => Scale::Official,
            SubjectKind::Team => Scale::Team,
        }
    }
}

/// An optional aspect an official is graded on separately (德能勤绩廉), on the official scale.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// 德
    Integrity,
    /// 能
    Ability,
    /// 勤
    Diligence,
    /// 绩
    Performance,
    /// 廉
    Honesty,
}

impl Dimension {
    /// Every dimension in the customary order 德能勤绩廉.
    pub const ALL: [Dimension; 5] = [
        Dimension::Integrity,
        Dimension::Ability,
        Dimension::Diligence,
        Dimension::Performance,
        Dimension::Honesty,
    ];

    /// The wire form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Dimension::Integrity => "integrity",
            Dimension::Ability => "ability",
            Dimension::Diligence => "diligence",
            Dimension::Performance => "performance",
            Dimension::Honesty => "honesty",
        }
    }
}

catalogue_names!(Dimension {
    Integrity => "round-dimension-integrity",
    Ability => "round-dimension-ability",
    Diligence => "round-dimension-diligence",
    Performance => "round-dimension-performance",
    Honesty => "round-dimension-honesty",
});

impl WireName for Dimension {
    fn wire_name(&self) -> &str {
        self.as_str()
    }
}

/// How the electors of one group (or all) graded one subject on one aspect: the count of each
/// grade, and the abstentions (弃权). Every valid ballot is either graded or an abstention, so
/// `graded() + abstentions` is the number of valid ballots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeTally {
    /// Count per grade; a grade absent from the object counted 0.
    #[serde(deserialize_with = "unique_keys")]
    pub counts: BTreeMap<Grade, u64>,
    pub abstentions: u64,
}

impl GradeTally {
    /// All grades of `scale` at 0, no abstentions.
    #[must_use]
    pub fn zero(scale: Scale) -> Self {
        Self {
            counts: scale.grades().into_iter().map(|g| (g, 0)).collect(),
            abstentions: 0,
        }
    }

    /// The count of `grade`.
    #[must_use]
    pub fn count(&self, grade: Grade) -> u64 {
        self.counts.get(&grade).copied().unwrap_or(0)
    }

    /// The votes that gave a grade (abstentions left out).
    #[must_use]
    pub fn graded(&self) -> u64 {
        self.counts.values().fold(0, |a, &b| a.saturating_add(b))
    }

    /// Records `n` votes of `grade`, or `n` abstentions for `None`.
    pub fn add(&mut self, grade: Option<Grade>, n: u64) {
        let slot = match grade {
            Some(g) => self.counts.entry(g).or_insert(0),
            None => &mut self.abstentions,
        };
        *slot = slot.saturating_add(n);
    }

    /// Adds another tally into this one.
    pub fn merge(&mut self, other: &GradeTally) {
        for (&g, &n) in &other.counts {
            self.add(Some(g), n);
        }
        self.add(None, other.abstentions);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_round_trip_and_know_their_scale() {
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.as_str()), Some(g));
            assert_eq!(serde_json::to_value(g).unwrap(), g.as_str());
            assert!(g.scale().grades().contains(&g));
        }
        assert_eq!(Grade::BasicallyCompetent.label_zh(), "基本称职");
        assert_eq!(Grade::Poor.scale(), Scale::Team);
        assert_eq!(Grade::parse("great"), None);
    }

    #[test]
    fn dimensions_follow_the_customary_order() {
        let zh: String = Dimension::ALL.iter().map(|d| d.label_zh()).collect();
        assert_eq!(zh, "德能勤绩廉");
    }

    #[test]
    fn a_tally_refuses_a_grade_given_twice() {
        let err = serde_json::from_str::<GradeTally>(
            r#"{"counts": {"excellent": 3, "excellent": 4}, "abstentions": 0}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("duplicate key `excellent`"),
            "{err}"
        );
        let ok: GradeTally =
            serde_json::from_str(r#"{"counts": {"excellent": 3}, "abstentions": 1}"#).unwrap();
        assert_eq!(
            (ok.count(Grade::Excellent), ok.count(Grade::Competent)),
            (3, 0)
        );
        assert_eq!(ok.graded(), 3);
    }
}
