//! The domain's error: what went wrong in the domain's words ([`Kind`]), the stable
//! [`ErrorCode`] clients branch on, a catalogue [`Message`] rendered in the reader's language
//! where it is known, the field at fault with the label its reader knows, and every problem
//! when there are several. Never an HTTP status: each edge maps a [`Kind`] to its own answer.

use std::fmt;

use canvass_protocol::i18n::{Arg, Lang, Message};
use canvass_protocol::{msg, ErrorBody, ErrorCode, ErrorDetail};

use crate::db::StoreError;

/// What went wrong, in the domain's words: the edges decide how each is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request cannot be read as what it claims to be: malformed JSON, an id that is not
    /// one, a batch whose own fields are wrong.
    Malformed,
    /// Well-formed, but a value is not acceptable.
    Invalid,
    /// The object does not exist.
    NotFound,
    /// It conflicts with the current state of the object.
    Conflict,
    /// The caller's role or account may not do this.
    Forbidden,
    /// The object lies outside the caller's unit subtree.
    OutOfScope,
    /// No valid sign-in.
    Unauthenticated,
    /// Too many attempts from one account or address; try again in `retry_after` seconds.
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Larger than accepted.
    TooLarge,
    /// Sent in a format this does not take.
    UnsupportedFormat,
    /// The client speaks an older protocol than the server.
    Outdated,
    /// The database cannot be reached right now.
    Unavailable,
    /// Something failed on the server; the cause is in the log, never in the answer.
    Internal,
}

impl Kind {
    /// Whether the server, not the request, is at fault.
    #[must_use]
    pub const fn is_server_fault(self) -> bool {
        matches!(self, Kind::Unavailable | Kind::Internal)
    }
}

/// The field at fault: its machine path (`definition.officials[3]`) and, where the domain knows
/// one, the label its reader knows (the official's name, the question's label). A message whose
/// field has a label names the field by it, so a page need not say it again.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The path, as the wire's `field`.
    pub path: String,
    /// The label the reader knows the field by, when there is one.
    pub label: Option<Arg>,
}

impl Field {
    /// A field known by its path only.
    #[must_use]
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            label: None,
        }
    }

    /// A field with the label its reader knows it by.
    #[must_use]
    pub fn labelled(path: impl Into<String>, label: impl Into<Arg>) -> Self {
        Self {
            path: path.into(),
            label: Some(label.into()),
        }
    }

    /// The same field seen from an enclosing object: `items[3]` and `survey_id` give
    /// `items[3].survey_id`.
    #[must_use]
    pub fn under(mut self, prefix: &str) -> Self {
        if !prefix.is_empty() {
            self.path = if self.path.is_empty() {
                prefix.to_owned()
            } else {
                format!("{prefix}.{}", self.path)
            };
        }
        self
    }
}

impl From<&str> for Field {
    fn from(path: &str) -> Self {
        Field::new(path)
    }
}

impl From<String> for Field {
    fn from(path: String) -> Self {
        Field::new(path)
    }
}

/// One problem of a request: its code, its message and the field at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The stable code.
    pub code: ErrorCode,
    /// What is wrong, to render in the reader's language.
    pub message: Message,
    /// The field at fault, if one is.
    pub field: Option<Field>,
}

impl Problem {
    /// A problem with no field.
    #[must_use]
    pub fn new(code: ErrorCode, message: Message) -> Self {
        Self {
            code,
            message,
            field: None,
        }
    }

    /// Names the field at fault.
    #[must_use]
    pub fn at(mut self, field: impl Into<Field>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// A problem found by a check of `canvass_protocol` (whose message names what it concerns
    /// by the name its reader knows), its field under `prefix`, with that name as the field's
    /// label when the caller knows it.
    #[must_use]
    pub fn checked(
        problem: canvass_protocol::error::Problem,
        prefix: &str,
        label: Option<Arg>,
    ) -> Self {
        Self {
            code: problem.code,
            message: problem.message,
            field: Some(
                Field {
                    path: problem.field,
                    label,
                }
                .under(prefix),
            ),
        }
    }

    /// The problem as the wire carries it, its message in `lang`.
    #[must_use]
    pub fn to_detail(&self, lang: Lang) -> ErrorDetail {
        ErrorDetail {
            code: self.code,
            message: self.message.render(lang),
            field: self.field.as_ref().map(|f| f.path.clone()),
        }
    }
}

/// Something the domain looked for and did not find, as a message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    /// Any object: the store's own "not found".
    Object,
    Unit,
    Account,
    Device,
    Survey,
    SurveyVersion,
    Round,
    Official,
    Page,
    /// A survey or round series.
    Series,
    RectificationItem,
    Attachment,
}

impl Thing {
    /// The message saying there is no such thing.
    #[must_use]
    pub fn missing(self) -> Message {
        match self {
            Thing::Object => msg!("error-not-found"),
            Thing::Unit => msg!("error-no-such-unit"),
            Thing::Account => msg!("error-no-such-account"),
            Thing::Device => msg!("error-no-such-device"),
            Thing::Survey => msg!("error-no-such-survey"),
            Thing::SurveyVersion => msg!("error-no-such-survey-version"),
            Thing::Round => msg!("error-no-such-round"),
            Thing::Official => msg!("error-no-such-official"),
            Thing::Page => msg!("error-no-such-page"),
            Thing::Series => msg!("trends-error-no-such-series"),
            Thing::RectificationItem => msg!("error-no-such-rectification-item"),
            Thing::Attachment => msg!("error-no-such-attachment"),
        }
    }
}

/// An error of the domain. Built where it happens, answered once at the edge that serves the
/// request (`crate::http` for the API and the pages). Boxed, so that a `Result` of the domain
/// costs no more than its value.
#[derive(Debug, Clone)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    kind: Kind,
    code: ErrorCode,
    message: Message,
    field: Option<Field>,
    problems: Vec<Problem>,
}

/// A result of the domain.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with `code` and `message`.
    #[must_use]
    pub fn new(kind: Kind, code: ErrorCode, message: Message) -> Self {
        Self(Box::new(Inner {
            kind,
            code,
            message,
            field: None,
            problems: Vec::new(),
        }))
    }

    /// `invalid_value` naming `field`.
    #[must_use]
    pub fn invalid(field: impl Into<Field>, message: Message) -> Self {
        Self::new(Kind::Invalid, ErrorCode::InvalidValue, message).at(field)
    }

    /// `not_found`: there is no such `thing`.
    #[must_use]
    pub fn not_found(thing: Thing) -> Self {
        Self::new(Kind::NotFound, ErrorCode::NotFound, thing.missing())
    }

    /// `forbidden`: the caller's role may not do this.
    #[must_use]
    pub fn forbidden(message: Message) -> Self {
        Self::new(Kind::Forbidden, ErrorCode::Forbidden, message)
    }

    /// `out_of_scope`: the object lies outside the caller's unit subtree.
    #[must_use]
    pub fn out_of_scope() -> Self {
        Self::new(
            Kind::OutOfScope,
            ErrorCode::OutOfScope,
            ErrorCode::OutOfScope.message(),
        )
    }

    /// A conflict with the object's current state, with `code`.
    #[must_use]
    pub fn conflict(code: ErrorCode, message: Message) -> Self {
        Self::new(Kind::Conflict, code, message)
    }

    /// No valid sign-in, with `code`.
    #[must_use]
    pub fn unauthenticated(code: ErrorCode) -> Self {
        Self::new(Kind::Unauthenticated, code, code.message())
    }

    /// Too many attempts: `code`'s message with the seconds to wait.
    #[must_use]
    pub fn rate_limited(code: ErrorCode, retry_after: u64) -> Self {
        let message = match code {
            ErrorCode::TooManyAttempts => {
                msg!("error-too-many-attempts-wait", seconds = retry_after)
            }
            _ => msg!("error-rate-limited-wait", seconds = retry_after),
        };
        Self::new(Kind::RateLimited { retry_after }, code, message)
    }

    /// `internal_error`; `cause` goes to the log, the answer says nothing of it.
    #[must_use]
    pub fn internal(cause: &dyn fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::internal_logged()
    }

    /// `internal_error` for a cause logged already: one failure that fails many requests is
    /// logged once, not once per request.
    #[must_use]
    pub fn internal_logged() -> Self {
        Self::new(
            Kind::Internal,
            ErrorCode::InternalError,
            ErrorCode::InternalError.message(),
        )
    }

    /// `service_unavailable`; `cause` goes to the log.
    #[must_use]
    pub fn unavailable(cause: &dyn fmt::Display) -> Self {
        tracing::error!(error = %cause, "service unavailable");
        Self::new(
            Kind::Unavailable,
            ErrorCode::ServiceUnavailable,
            ErrorCode::ServiceUnavailable.message(),
        )
    }

    /// An error of `kind` that is one problem.
    #[must_use]
    pub fn of(kind: Kind, problem: Problem) -> Self {
        Self(Box::new(Inner {
            kind,
            code: problem.code,
            message: problem.message,
            field: problem.field,
            problems: Vec::new(),
        }))
    }

    /// Several problems of one request: the first is the error, and all are listed when there
    /// are more than one. With none, `fallback`.
    #[must_use]
    pub fn many(kind: Kind, problems: Vec<Problem>, fallback: impl FnOnce() -> Error) -> Self {
        let Some(first) = problems.first().cloned() else {
            return fallback();
        };
        let error = Self::of(kind, first);
        if problems.len() > 1 {
            error.listing(problems)
        } else {
            error
        }
    }

    /// An error of its own (`batch_refused`) listing every problem that caused it.
    #[must_use]
    pub fn listing(mut self, problems: Vec<Problem>) -> Self {
        self.0.problems = problems;
        self
    }

    /// Names the field at fault.
    #[must_use]
    pub fn at(mut self, field: impl Into<Field>) -> Self {
        self.0.field = Some(field.into());
        self
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.0.kind
    }

    /// Whether the server, not the request, is at fault.
    #[must_use]
    pub fn is_server_fault(&self) -> bool {
        self.0.kind.is_server_fault()
    }

    /// The stable code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &Message {
        &self.0.message
    }

    /// The field at fault.
    #[must_use]
    pub fn field(&self) -> Option<&Field> {
        self.0.field.as_ref()
    }

    /// The problems listed beside the error (empty unless there are several).
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        &self.0.problems
    }

    /// Every problem the error reports: the listed ones, or the error itself.
    #[must_use]
    pub fn details(&self) -> Vec<Problem> {
        if self.0.problems.is_empty() {
            vec![Problem {
                code: self.0.code,
                message: self.0.message.clone(),
                field: self.0.field.clone(),
            }]
        } else {
            self.0.problems.clone()
        }
    }

    /// The wire's error body, every message in `lang`.
    #[must_use]
    pub fn to_body(&self, lang: Lang) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.0.code,
                message: self.0.message.render(lang),
                field: self.0.field.as_ref().map(|f| f.path.clone()),
            },
            errors: self.0.problems.iter().map(|p| p.to_detail(lang)).collect(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message.render(Lang::En))
    }
}

impl std::error::Error for Error {}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::not_found(Thing::Object),
            StoreError::UniqueViolation(_) => {
                Error::conflict(ErrorCode::Conflict, ErrorCode::Conflict.message())
            }
            StoreError::Pool(e) => Error::unavailable(&e),
            StoreError::Query(e) => Error::internal(&e),
            StoreError::Sync(e) => Error::internal(&e),
        }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_problems_are_listed_and_one_is_not() {
        let one = Error::many(
            Kind::Invalid,
            vec![Problem::new(ErrorCode::DuplicateId, msg!("error-duplicate-id")).at("a")],
            || unreachable!(),
        );
        assert_eq!(
            (one.code(), one.problems().len()),
            (ErrorCode::DuplicateId, 0)
        );
        assert_eq!(one.field().map(|f| f.path.as_str()), Some("a"));
        let two = Error::many(
            Kind::Invalid,
            vec![
                Problem::new(ErrorCode::DuplicateId, msg!("error-duplicate-id")).at("a"),
                Problem::new(ErrorCode::UnknownScale, msg!("error-unknown-scale")).at("b"),
            ],
            || unreachable!(),
        );
        let body = two.to_body(Lang::En);
        assert_eq!(body.error.field.as_deref(), Some("a"));
        assert_eq!(body.errors.len(), 2);
    }

    #[test]
    fn a_protocol_problem_keeps_its_message_and_goes_under_its_prefix() {
        let problem = Problem::checked(
            canvass_protocol::error::Problem::new(
                ErrorCode::DuplicateSubject,
                "officials[1].official_id",
                msg!("error-duplicate-subject"),
            ),
            "definition",
            Some(Arg::from("周建军")),
        );
        assert_eq!(problem.message.render(Lang::ZhCn), "有干部被重复列出。");
        let field = problem.field.unwrap();
        assert_eq!(field.path, "definition.officials[1].official_id");
        assert_eq!(field.label, Some(Arg::from("周建军")));
        let whole = Problem::checked(
            canvass_protocol::error::Problem::new(
                ErrorCode::InvalidValue,
                "",
                msg!("error-not-found"),
            ),
            "sheet",
            None,
        );
        assert_eq!(whole.to_detail(Lang::En).field.as_deref(), Some("sheet"));
    }

    #[test]
    fn a_field_under_a_prefix_keeps_its_label() {
        let field = Field::labelled("survey_id", "问卷").under("items[3]");
        assert_eq!(field.path, "items[3].survey_id");
        assert_eq!(field.label, Some(Arg::Text("问卷".into())));
        assert_eq!(Field::new("").under("items[0]").path, "items[0]");
    }
}
