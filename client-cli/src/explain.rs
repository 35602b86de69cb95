//! Plain-words explanations of the reasons the server gives for refusing a collected item, each
//! with what the officer can do about it.

use canvass_protocol::i18n::Message;
use canvass_protocol::{msg, ErrorCode};

/// What a refusal code means for an item the officer collected, and the next step.
#[must_use]
pub fn explain_item(code: ErrorCode) -> Message {
    match code {
        ErrorCode::SurveyClosed => msg!("cli-item-survey-closed"),
        ErrorCode::SurveyNotOpen => msg!("cli-item-survey-not-open"),
        ErrorCode::VersionNotPublished => msg!("cli-item-version-not-published"),
        ErrorCode::WrongTarget => msg!("cli-item-wrong-target"),
        ErrorCode::NotFound => msg!("cli-item-not-found"),
        ErrorCode::OutOfScope | ErrorCode::Forbidden => msg!("cli-item-out-of-scope"),
        ErrorCode::RoundNotOpen | ErrorCode::RoundStateConflict => msg!("cli-item-round-not-open"),
        ErrorCode::TallySheetExists => msg!("cli-item-tally-sheet-exists"),
        ErrorCode::InvalidDay => msg!("cli-item-invalid-day"),
        ErrorCode::UnknownQuestion
        | ErrorCode::InvalidOption
        | ErrorCode::InvalidAnswer
        | ErrorCode::OutOfRange
        | ErrorCode::TextTooLong
        | ErrorCode::RequiredAnswerMissing
        | ErrorCode::HiddenQuestionAnswered => msg!("cli-item-answers-do-not-fit"),
        ErrorCode::UnknownElectorGroup
        | ErrorCode::UnknownSubject
        | ErrorCode::DuplicateSubject
        | ErrorCode::GradeNotOnScale
        | ErrorCode::DimensionNotInRound
        | ErrorCode::TallySubjectMissing
        | ErrorCode::TallyDimensionMissing => msg!("cli-item-sheet-does-not-fit"),
        ErrorCode::TallyValidInvalidMismatch
        | ErrorCode::TallySubjectSumMismatch
        | ErrorCode::TallyExceedsValidityRule => msg!("cli-item-counts-do-not-add-up"),
        ErrorCode::PayloadTooLarge => msg!("cli-item-too-large"),
        ErrorCode::InvalidValue
        | ErrorCode::InvalidType
        | ErrorCode::MissingField
        | ErrorCode::UnknownField => msg!("cli-item-unreadable"),
        _ => msg!("cli-item-refused"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_protocol::forms::Lang;

    #[test]
    fn every_refusal_says_what_to_do_next_in_both_languages() {
        for &code in ErrorCode::ALL {
            let en = explain_item(code).render(Lang::En);
            assert!(
                en.contains("canvass") || en.contains("discard") || en.contains("organiser"),
                "{code}: {en}"
            );
            let zh = explain_item(code).render(Lang::ZhCn);
            assert!(
                zh.contains("canvass") || zh.contains("删除") || zh.contains("组织"),
                "{code}: {zh}"
            );
        }
        assert!(explain_item(ErrorCode::SurveyClosed)
            .render(Lang::En)
            .starts_with("The survey was closed"));
    }
}
