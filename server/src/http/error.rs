//! The one place where a [`domain::Error`](Error) becomes an HTTP answer: the status of each
//! [`Kind`], the JSON body of the API with its messages in the request's language, and the
//! status a page answers with. 5xx answers say nothing internal: their cause was logged where
//! the error was made.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use canvass_protocol::i18n::Lang;

use crate::domain::error::{Error, Kind};

/// The HTTP status of an error of `kind`.
#[must_use]
pub const fn status(kind: Kind) -> StatusCode {
    match kind {
        Kind::Malformed => StatusCode::BAD_REQUEST,
        Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::Conflict => StatusCode::CONFLICT,
        Kind::Forbidden | Kind::OutOfScope => StatusCode::FORBIDDEN,
        Kind::Unauthenticated => StatusCode::UNAUTHORIZED,
        Kind::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Kind::UnsupportedFormat => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Kind::Outdated => StatusCode::UPGRADE_REQUIRED,
        Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error answer of the JSON API: `{"error": {"code", "message", "field"?}, "errors"?}`,
/// with the status of its kind, never cached. Its messages are in Simplified Chinese until
/// [`localise_errors`] renders them in the language the request asks for.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl ApiError {
    /// The stable code.
    #[must_use]
    pub fn code(&self) -> canvass_protocol::ErrorCode {
        self.0.code()
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        status(self.0.kind())
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError(Error::internal(&e))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        json_answer(&self.0, Lang::ZhCn)
    }
}

/// The JSON answer of `error`, its messages in `lang`.
#[must_use]
pub fn json_answer(error: &Error, lang: Lang) -> HttpResponse {
    let mut response = HttpResponse::build(status(error.kind()));
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    if let Kind::RateLimited { retry_after } = error.kind() {
        response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
    }
    let mut answer = response.json(error.to_body(lang));
    // for `/metrics`, which counts errors by code (and nothing else of them)
    answer.extensions_mut().insert(error.code());
    answer
}

/// Renders the JSON error answer of a request in the language its `Accept-Language` asks for
/// (Simplified Chinese by default, as answered already). Every other answer passes untouched;
/// the language is read only for an error.
pub fn localise_errors<B: MessageBody>(
    response: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B>> {
    let localised = response
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .and_then(|e| {
            let lang = super::request::accept_language(response.request());
            (lang != Lang::ZhCn).then(|| json_answer(&e.0, lang))
        });
    match localised {
        Some(answer) => response.into_response(answer).map_into_right_body(),
        None => response.map_into_left_body(),
    }
}
