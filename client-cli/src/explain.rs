//! Plain-words explanations of the reasons the server gives for refusing a collected item, each
//! with what the officer can do about it.

use canvass_protocol::ErrorCode;

/// What a refusal code means for an item the officer collected, and the next step.
#[must_use]
pub fn explain_item(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::SurveyClosed => {
            "the survey was closed on the server; these answers can no longer be counted; ask \
             the organiser or discard them."
        }
        ErrorCode::SurveyNotOpen => {
            "the survey is not open on the server (not yet opened, or outside its answering \
             window). Ask the organiser to open it, then run `canvass push` again; or discard \
             the item."
        }
        ErrorCode::VersionNotPublished => {
            "the form version these answers were given on is no longer accepted (it was \
             withdrawn). Run `canvass pull`, then `canvass fix ITEM` to answer on the current \
             version, or discard the item."
        }
        ErrorCode::WrongTarget => {
            "the unit rated is not one of the survey's targets (any more). Run `canvass pull`, \
             then `canvass fix ITEM` and choose a target from the list."
        }
        ErrorCode::NotFound => {
            "the survey, round or unit no longer exists on the server. Ask the organiser; if it \
             was deleted on purpose, discard the item."
        }
        ErrorCode::OutOfScope | ErrorCode::Forbidden => {
            "your account may not submit for that survey, round or unit (it is outside the units \
             your account covers). Ask the organiser; if the item belongs to someone else's \
             units, sign in with that account or discard it."
        }
        ErrorCode::RoundNotOpen => {
            "the appraisal round does not take tally sheets now (it is still a draft or its \
             results are published). Ask the organiser; or discard the sheet."
        }
        ErrorCode::TallySheetExists => {
            "a tally sheet for this polling station and elector group is already on the server. \
             A correction is made by the organiser on the server, visibly; if this one is a \
             second copy, discard it."
        }
        ErrorCode::InvalidDay => {
            "the collection day is not acceptable to the server (not a real date, or in the \
             future). Run `canvass fix ITEM` and give the right day."
        }
        ErrorCode::UnknownQuestion
        | ErrorCode::InvalidOption
        | ErrorCode::InvalidAnswer
        | ErrorCode::OutOfRange
        | ErrorCode::TextTooLong
        | ErrorCode::RequiredAnswerMissing
        | ErrorCode::HiddenQuestionAnswered => {
            "an answer does not fit the form the server holds (the form probably changed since \
             it was collected). Run `canvass pull`, then `canvass fix ITEM` to correct the \
             answers."
        }
        ErrorCode::UnknownElectorGroup
        | ErrorCode::UnknownSubject
        | ErrorCode::DuplicateSubject
        | ErrorCode::GradeNotOnScale
        | ErrorCode::DimensionNotInRound
        | ErrorCode::TallySubjectMissing
        | ErrorCode::TallyDimensionMissing => {
            "the tally sheet does not fit the round as the server holds it (the round probably \
             changed). Run `canvass pull`, then `canvass fix ITEM` to enter the sheet again."
        }
        ErrorCode::TallyValidInvalidMismatch
        | ErrorCode::TallySubjectSumMismatch
        | ErrorCode::TallyExceedsValidityRule => {
            "the counts on the tally sheet do not add up. Check the paper sheet, then run \
             `canvass fix ITEM` to correct the counts."
        }
        ErrorCode::PayloadTooLarge => {
            "the item is too large to send. Run `canvass fix ITEM` to shorten its texts, or \
             discard it."
        }
        ErrorCode::InvalidValue
        | ErrorCode::InvalidType
        | ErrorCode::MissingField
        | ErrorCode::UnknownField => {
            "the server could not read the item. Run `canvass fix ITEM` to enter it again; if \
             that does not help, upgrade canvass or tell the administrator."
        }
        _ => {
            "the server refused the item. Read the server's reason below, then fix or discard \
             it."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_says_what_to_do_next() {
        for &code in ErrorCode::ALL {
            let text = explain_item(code);
            assert!(
                text.contains("canvass") || text.contains("discard") || text.contains("organiser"),
                "{code}: {text}"
            );
        }
        assert!(explain_item(ErrorCode::SurveyClosed).starts_with("the survey was closed"));
    }
}
