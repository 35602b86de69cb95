//! Rounds of democratic appraisal (民主测评): round definitions, grades, ballots and their
//! validity, paper tally sheets, one-time ballot codes, results with weighting and ranking, flag
//! rules over consecutive rounds, suspicious-station checks, and the round types the API
//! exchanges ([`api`]). Described in `docs/rounds.md`.

mod anomaly;
mod api;
mod ballot;
mod code;
mod flags;
mod grades;
mod results;
mod round;
mod tally;

use crate::error::{ErrorCode, ErrorDetail, Problem};
use crate::i18n::{Lang, Message};
use crate::json::unique_keys;

pub use anomaly::{identical_ballots, identical_tally, IdenticalBallots, IDENTICAL_BALLOTS_MIN};
pub use api::*;
pub use ballot::{
    check_ballot, validate_ballot, Ballot, BallotOutcome, CastBallot, CastGrades, Mark,
};
pub use code::{BallotCode, BallotCodeError, BALLOT_CODE_ALPHABET};
pub use flags::{evaluate_flags, Flag, Measurement, RoundEvidence};
pub use grades::{Dimension, Grade, GradeTally, Scale, SubjectKind};
pub use results::{
    compute_results, CountsError, GradeResult, GroupBallots, GroupCounts, GroupGrades, RoundCounts,
    RoundResults, SubjectCounts, SubjectResult,
};
pub use round::{
    Basis, Comparison, Condition, ElectorGroup, FlagRule, Fraction, OfficialSubject, Round,
    RoundDefinition, Series, SubjectRef, TeamSubject, ValidityRule, MAX_CONSECUTIVE_ROUNDS,
    MAX_ELECTOR_GROUPS, MAX_OFFICIALS, MAX_RULES, MAX_TEXT_CHARS,
};
pub use tally::{
    check_tally, check_tally_sheet, CountedTally, SubjectTally, TallyOutcome, TallySheet,
};

fn problem(code: ErrorCode, field: impl Into<String>, message: Message) -> Problem {
    Problem::new(code, field, message)
}

/// Each problem's field with its message in Simplified Chinese and in English, for tests.
#[cfg(test)]
fn rendered(problems: &[Problem]) -> Vec<(&str, String, String)> {
    problems
        .iter()
        .map(|p| {
            (
                p.field.as_str(),
                p.message.render(Lang::ZhCn),
                p.message.render(Lang::En),
            )
        })
        .collect()
}

/// The problems as the API has reported them so far: messages in English. The domain layer
/// renders the problems themselves in the reader's language instead.
fn in_english(problems: Vec<Problem>) -> Vec<ErrorDetail> {
    Problem::details(&problems, Lang::En)
}

/// Whether `s` is an identifier: 1 to 64 of `a-z 0-9 _ -`, starting with a letter or digit.
fn is_identifier(s: &str) -> bool {
    s.len() <= 64
        && s.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}
