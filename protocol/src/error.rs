//! The error envelope every canvass API answers with, and the stable codes it carries.
//!
//! Codes are part of the public contract: clients branch on them, so a code is never renamed
//! or reused for another meaning. Add new ones; do not change old ones.

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::i18n::{Lang, Message};

/// Declares [`ErrorCode`] with its wire strings in one place, so the enum, its serde form and
/// [`ErrorCode::ALL`] cannot drift apart.
macro_rules! error_codes {
    ($($(#[doc = $doc:expr])* $variant:ident = $wire:literal,)*) => {
        /// A stable, machine-readable error code, serialised in snake_case.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $wire)] $variant,)*
            /// A code this build does not know, from a newer server: a client reads it as this
            /// and shows the answer's message. A server never sends it.
            #[serde(rename = "unrecognised", other)]
            Unrecognised,
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The snake_case wire form of the code.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                    ErrorCode::Unrecognised => "unrecognised",
                }
            }
        }
    };
}

error_codes! {
    /// The body is not well-formed JSON.
    MalformedJson = "malformed_json",
    /// A field has the wrong JSON type (a string where a number belongs, ...).
    InvalidType = "invalid_type",
    /// The body names a field the endpoint does not know.
    UnknownField = "unknown_field",
    /// A required field is absent.
    MissingField = "missing_field",
    /// A field is present and well-typed but its value is not acceptable.
    InvalidValue = "invalid_value",
    /// A JSON object names one key twice (a question of an answer set, a grade of a tally):
    /// refused rather than keeping whichever value came last. The field is the repeated key's
    /// path (`answers.overall`).
    DuplicateKey = "duplicate_key",
    /// A string holds a character the databases cannot store (NUL, U+0000; see
    /// [`crate::text::is_storable`]); the field names the string.
    UnstorableText = "unstorable_text",
    /// The body is larger than the endpoint accepts.
    PayloadTooLarge = "payload_too_large",
    /// The body is not `application/json` where JSON is required.
    UnsupportedMediaType = "unsupported_media_type",
    /// An id in the path or query string is not a valid id.
    InvalidId = "invalid_id",
    /// The query string could not be understood.
    InvalidQuery = "invalid_query",
    /// No route matches the path.
    RouteNotFound = "route_not_found",
    /// The route exists but not for this HTTP method.
    MethodNotAllowed = "method_not_allowed",
    /// No credentials were sent.
    Unauthenticated = "unauthenticated",
    /// The username or password is wrong (deliberately not saying which).
    InvalidCredentials = "invalid_credentials",
    /// Too many failed sign-ins for this account or address; retry later.
    TooManyAttempts = "too_many_attempts",
    /// The token is malformed, forged, signed with another key or uses another algorithm.
    InvalidToken = "invalid_token",
    /// The token has expired; sign in again.
    TokenExpired = "token_expired",
    /// The device token was revoked (signed out or withdrawn by an administrator).
    TokenRevoked = "token_revoked",
    /// The account is disabled.
    AccountDisabled = "account_disabled",
    /// The account's role may not do this.
    Forbidden = "forbidden",
    /// The object lies outside the account's unit subtree.
    OutOfScope = "out_of_scope",
    /// The object does not exist.
    NotFound = "not_found",
    /// The username is already taken.
    UsernameTaken = "username_taken",
    /// A unit of this kind cannot be placed under that parent.
    InvalidParent = "invalid_parent",
    /// The unit still has child units, accounts or instruments and cannot be deleted.
    UnitInUse = "unit_in_use",
    /// The request conflicts with the current state of the object.
    Conflict = "conflict",
    /// Something failed on the server; the details are in the server log, not here.
    InternalError = "internal_error",
    /// The server cannot reach its database or is shutting down.
    ServiceUnavailable = "service_unavailable",

    // --- surveys: lifecycle and submission ------------------------------------------------
    /// The form definition is not valid; `errors` lists every problem with its field.
    InvalidDefinition = "invalid_definition",
    /// The survey is a draft or its answering window has not begun.
    SurveyNotOpen = "survey_not_open",
    /// The survey is closed or its answering window has ended.
    SurveyClosed = "survey_closed",
    /// The survey takes one answer per survey code, and none was sent.
    SurveyCodeRequired = "survey_code_required",
    /// No such survey code was issued for this survey and target unit (or village).
    SurveyCodeInvalid = "survey_code_invalid",
    /// The survey code has already been used for an answer.
    SurveyCodeUsed = "survey_code_used",
    /// The answers name a version that does not exist or was never published.
    VersionNotPublished = "version_not_published",
    /// The target unit is not one of the survey's targets.
    WrongTarget = "wrong_target",
    /// The change is not allowed once the survey is published or has answers.
    AlreadyPublished = "already_published",
    /// There is no draft version to publish.
    NothingToPublish = "nothing_to_publish",
    /// Too many submissions from one address in a short time; retry later.
    RateLimited = "rate_limited",

    // --- appraisal rounds: lifecycle, codes and casting (server) ----------------------------
    /// The round is not open for ballots (a draft, closed or published).
    RoundNotOpen = "round_not_open",
    /// The round's state does not allow this change (e.g. editing after it opened).
    RoundStateConflict = "round_state_conflict",
    /// No such ballot code was issued.
    BallotCodeUnknown = "ballot_code_unknown",
    /// The ballot code has already cast its ballot.
    BallotCodeUsed = "ballot_code_used",
    /// The ballot code belongs to another round.
    BallotCodeOtherRound = "ballot_code_other_round",
    /// A tally sheet for this station exists; correct it instead.
    TallySheetExists = "tally_sheet_exists",
    /// Results are not published yet.
    ResultsNotPublished = "results_not_published",

    // --- rectification (server) ---------------------------------------------------------------
    /// Results can be published only once the survey is closed.
    SurveyNotClosed = "survey_not_closed",
    /// The survey's results are published already.
    ResultsAlreadyPublished = "results_already_published",
    /// The rectification item is accepted and closed: nothing more can be added to it.
    RectificationClosed = "rectification_closed",
    /// The item's report waits for the organiser: no second report before it is sent back.
    RectificationAwaitingReview = "rectification_awaiting_review",
    /// The item has no report waiting for the organiser to accept or send back.
    RectificationNotReported = "rectification_not_reported",
    /// The unit (or official) already has an item for this survey (or round).
    RectificationExists = "rectification_exists",
    /// An attachment is not a PDF, JPEG, PNG, XLSX or DOCX file (recognised by its content).
    AttachmentType = "attachment_type",

    // --- field sync (server) -----------------------------------------------------------------
    /// The client speaks a sync protocol version this server does not (or sent none): upgrade
    /// the client.
    ProtocolUnsupported = "protocol_unsupported",
    /// A batch with this id was already stored with other content: a batch id is never reused.
    BatchConflict = "batch_conflict",
    /// At least one item of the batch is invalid; nothing of the batch was stored. `errors`
    /// lists every problem with its field `items[i]....`.
    BatchRefused = "batch_refused",
    /// The batch has no items or more than the server accepts in one batch.
    BatchSize = "batch_size",
    /// A field item's collection day is not a `YYYY-MM-DD` date, or lies in the future.
    InvalidDay = "invalid_day",

    // Codes of the survey form model and answer validation (protocol::forms) go below.
    /// Two questions, two options of one question or two options of one scale share an id.
    DuplicateId = "duplicate_id",
    /// A rating question names a scale that is neither built in nor defined by the form.
    UnknownScale = "unknown_scale",
    /// A question's skip logic names no earlier question, a text question, or a value that
    /// question cannot take.
    InvalidShowIf = "invalid_show_if",
    /// A bound or limit is impossible: min above max, a text limit above 2,000 characters, a
    /// score outside 0-100, a fractional bound on a whole-number question.
    InvalidLimits = "invalid_limits",
    /// An answer names a question the form does not have.
    UnknownQuestion = "unknown_question",
    /// An answer names an option the question does not offer.
    InvalidOption = "invalid_option",
    /// A number lies outside the question's range, or is fractional where whole numbers are
    /// required.
    OutOfRange = "out_of_range",
    /// A text answer is longer than the question allows (at most 2,000 characters).
    TextTooLong = "text_too_long",
    /// A required question that is shown has no answer.
    RequiredAnswerMissing = "required_answer_missing",
    /// A question hidden by skip logic has an answer.
    HiddenQuestionAnswered = "hidden_question_answered",
    /// An answer has the wrong JSON shape for its question, repeats an option, or picks too
    /// few or too many options.
    InvalidAnswer = "invalid_answer",

    // Codes of appraisal rounds, ballots and tally sheets (protocol::appraisal) go below.
    /// A round definition lists neither officials nor a team.
    RoundHasNoSubjects = "round_has_no_subjects",
    /// A round definition has no elector group.
    RoundHasNoElectorGroups = "round_has_no_elector_groups",
    /// An official is listed twice in a round, or a ballot or tally sheet has two entries for
    /// one subject.
    DuplicateSubject = "duplicate_subject",
    /// Two elector groups of a round share an id.
    DuplicateElectorGroup = "duplicate_elector_group",
    /// A round lists a dimension twice.
    DuplicateDimension = "duplicate_dimension",
    /// Two flag rules of a round share an id.
    DuplicateFlagRule = "duplicate_flag_rule",
    /// An elector group's weight is not a finite number greater than 0.
    InvalidGroupWeight = "invalid_group_weight",
    /// A ballot or tally sheet names an elector group the round does not have.
    UnknownElectorGroup = "unknown_elector_group",
    /// A ballot, tally sheet or team names an official (or the team) the round does not grade.
    UnknownSubject = "unknown_subject",
    /// A grade from the other scale: a team grade for an official or the reverse.
    GradeNotOnScale = "grade_not_on_scale",
    /// A dimension the round does not grade, or a dimension for the team (graded as a whole).
    DimensionNotInRound = "dimension_not_in_round",
    /// A tally sheet records more ballots returned than issued: that station's vote is void.
    TallyReturnedExceedsIssued = "tally_returned_exceeds_issued",
    /// On a tally sheet, valid + invalid ballots differ from the ballots returned.
    TallyValidInvalidMismatch = "tally_valid_invalid_mismatch",
    /// On a tally sheet, a subject's grades plus abstentions differ from the valid ballots.
    TallySubjectSumMismatch = "tally_subject_sum_mismatch",
    /// A tally sheet has no counts for one of the round's subjects.
    TallySubjectMissing = "tally_subject_missing",
    /// A tally sheet has no counts for one of the round's dimensions of an official.
    TallyDimensionMissing = "tally_dimension_missing",
    /// A tally sheet records more marks of a grade than a validity rule lets its valid ballots
    /// hold (more 优秀 than quota × valid ballots).
    TallyExceedsValidityRule = "tally_exceeds_validity_rule",
    /// A ballot code, without spaces and dashes, is not 12 characters long.
    BallotCodeWrongLength = "ballot_code_wrong_length",
    /// A ballot code contains a character never used in codes (0, O, 1, I, punctuation...).
    BallotCodeInvalidCharacter = "ballot_code_invalid_character",
    /// A ballot code's check character does not match: it was mistyped.
    BallotCodeCheckMismatch = "ballot_code_check_mismatch",
}

/// The schema lists the wire strings of [`ErrorCode::ALL`], what a server sends. utoipa's
/// derive would publish the Rust names (`NotFound`): it reads `rename` only from a literal
/// token, and the macro above hands it the wire string wrapped in an invisible group.
impl PartialSchema for ErrorCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A stable, machine-readable error code (docs/api.md says when each is sent). A \
                 client may meet a code added after it was built and then shows the answer's \
                 message.",
            ))
            .enum_values(Some(ErrorCode::ALL.iter().map(|code| code.as_str())))
            .into()
    }
}

impl ToSchema for ErrorCode {}

impl ErrorCode {
    /// The code's default message (`error-` and the code in kebab-case), for an answer that has
    /// nothing more particular to say.
    #[must_use]
    pub fn message(self) -> crate::i18n::Message {
        crate::i18n::Message::dynamic(format!("error-{}", self.as_str().replace('_', "-")))
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The detail of one error: its code, a human message and, where one field is at fault, its
/// path (`password`, `questions[2].options[0]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// One problem a check of the protocol found (a form definition, a round, a ballot, a tally
/// sheet): its code, the path of the field at fault as clients branch on it
/// (`subjects[3].counts`), and a message that names the field by the label the reader knows
/// (the official's name, the question's label), rendered where the reader's language is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The stable code.
    pub code: ErrorCode,
    /// The path of the field at fault; empty for the document as a whole.
    pub field: String,
    /// What is wrong.
    pub message: Message,
}

impl Problem {
    /// A problem with the field at `field`.
    #[must_use]
    pub fn new(code: ErrorCode, field: impl Into<String>, message: Message) -> Self {
        Self {
            code,
            field: field.into(),
            message,
        }
    }

    /// The problem as the API reports it, with the message in `lang`.
    #[must_use]
    pub fn to_detail(&self, lang: Lang) -> ErrorDetail {
        ErrorDetail {
            code: self.code,
            message: self.message.render(lang),
            field: (!self.field.is_empty()).then(|| self.field.clone()),
        }
    }

    /// Every problem as the API reports it, in `lang`.
    #[must_use]
    pub fn details(problems: &[Problem], lang: Lang) -> Vec<ErrorDetail> {
        problems.iter().map(|p| p.to_detail(lang)).collect()
    }
}

/// The body of every error answer: `{"error": {"code", "message", "field"?}}`, plus, where one
/// request has several problems (a form with several wrong answers), `errors` listing each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// The first (or only) problem.
    pub error: ErrorDetail,
    /// Every problem, when there are several; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorDetail>,
}

impl ErrorBody {
    /// Builds an error body without a field.
    #[must_use]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code,
                message: message.into(),
                field: None,
            },
            errors: Vec::new(),
        }
    }

    /// Builds an error body listing several problems; the first becomes `error`.
    ///
    /// # Panics
    /// When `details` is empty.
    #[must_use]
    pub fn many(details: Vec<ErrorDetail>) -> Self {
        let error = details.first().cloned().expect("at least one problem");
        Self {
            error,
            errors: if details.len() > 1 {
                details
            } else {
                Vec::new()
            },
        }
    }

    /// Builds an error body naming the field at fault.
    #[must_use]
    pub fn with_field(
        code: ErrorCode,
        message: impl Into<String>,
        field: impl Into<String>,
    ) -> Self {
        Self {
            error: ErrorDetail {
                code,
                message: message.into(),
                field: Some(field.into()),
            },
            errors: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serialises_to_its_wire_string_and_back() {
        for &code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
    }

    #[test]
    fn wire_strings_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for &code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{s} is not snake_case"
            );
        }
    }

    #[test]
    fn the_schema_lists_the_wire_strings() {
        let schema = serde_json::to_value(ErrorCode::schema()).unwrap();
        let listed: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let wire: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, wire);
        assert_eq!(schema["type"], "string");
    }

    #[test]
    fn a_code_from_a_newer_server_still_reads_with_its_message() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"some_future_code","message":"explained","field":"x"}}"#,
        )
        .unwrap();
        assert_eq!(body.error.code, ErrorCode::Unrecognised);
        assert_eq!(body.error.message, "explained");
        assert!(!ErrorCode::ALL.contains(&ErrorCode::Unrecognised));
    }

    #[test]
    fn error_body_omits_absent_field() {
        let body = ErrorBody::new(ErrorCode::NotFound, "no such unit");
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "not_found", "message": "no such unit"}})
        );
    }
}
