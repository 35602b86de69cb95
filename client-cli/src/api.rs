//! A blocking client for the canvass JSON API: every request the client makes, as a typed
//! function over the `protocol` types (accounts, surveys, rounds, ballot codes, the field sync),
//! and error answers turned into messages an officer can act on.

use std::fmt;
use std::time::Duration;

use canvass_protocol::accounts::{
    Account, CreateAccount, CreatedAccount, TemporaryPassword, UpdateAccount,
};
use canvass_protocol::auth::{Health, LoginRequest, LoginResponse};
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::Message;
use canvass_protocol::rounds::{CreateRound, GenerateCodes, GeneratedCodes, RoundInfo};
use canvass_protocol::sheets::ImportReport;
use canvass_protocol::surveys::{CreateSurvey, Survey, SurveyVersion};
use canvass_protocol::sync::{FieldCoverage, Manifest, Receipt, PROTOCOL_HEADER, PROTOCOL_VERSION};
use canvass_protocol::units::{CreateUnit, Unit};
use canvass_protocol::{msg, t, ErrorBody, ErrorCode, ErrorDetail};

/// The longest piece of an unexpected answer quoted back to the user.
const QUOTED_BODY_CHARS: usize = 300;

/// What went wrong talking to the server; [`ClientError::render`] words it for the person at
/// the keyboard, with what to do next.
#[derive(Debug, Clone)]
pub enum ClientError {
    /// The server address is not an `http://` or `https://` URL.
    BadServerUrl(String),
    /// No answer from the server: network down, wrong address, server stopped.
    Unreachable { url: String, reason: String },
    /// The server answered with an error body.
    Api {
        status: u16,
        code: ErrorCode,
        /// The server's own message.
        message: String,
        /// The field at fault, when one is.
        field: Option<String>,
        /// Every problem, when the server listed several (an invalid form definition).
        errors: Vec<ErrorDetail>,
        /// Seconds to wait, from `Retry-After`, on `too_many_attempts` and `rate_limited`.
        retry_after: Option<u64>,
    },
    /// The server answered with something that is not the canvass API.
    Unexpected { status: u16, body: String },
}

impl ClientError {
    /// The server's error code, when it answered with one.
    #[must_use]
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the server refused the token itself (revoked, expired, unknown, missing): the
    /// stored sign-in is of no more use and `canvass login` is the remedy.
    #[must_use]
    pub fn is_token_refused(&self) -> bool {
        matches!(
            self.code(),
            Some(
                ErrorCode::TokenRevoked
                    | ErrorCode::TokenExpired
                    | ErrorCode::InvalidToken
                    | ErrorCode::Unauthenticated
            )
        )
    }

    /// Whether the server was never reached, so it knows nothing of the request.
    #[must_use]
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ClientError::Unreachable { .. })
    }
}

impl ClientError {
    /// The failure in `lang`: the server's own message (it words it in the language the
    /// request asked for) with its code and status, every problem it listed, then this
    /// client's advice on what to do next.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        match self {
            ClientError::BadServerUrl(url) => t!(lang, "cli-error-bad-server-url", url = url),
            ClientError::Unreachable { url, reason } => {
                t!(lang, "cli-error-unreachable", url = url, reason = reason)
            }
            ClientError::Api {
                status,
                code,
                message,
                field,
                errors,
                retry_after,
            } => {
                let message = if message.trim().is_empty() {
                    code.message().render(lang)
                } else {
                    message.clone()
                };
                let said = match field {
                    Some(field) => format!("{field}: {message}"),
                    None => message,
                };
                let mut out = t!(
                    lang,
                    "cli-error-server-said",
                    message = said,
                    code = code.as_str(),
                    status = status.to_string()
                );
                for e in errors {
                    out.push_str("\n  - ");
                    out.push_str(&detail_line(e));
                }
                if let Some(advice) = advice(*code, *retry_after) {
                    out.push('\n');
                    out.push_str(&advice.render(lang));
                }
                out
            }
            ClientError::Unexpected { status, body } => t!(
                lang,
                "cli-error-unexpected",
                status = status.to_string(),
                body = format!("{body:?}")
            ),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

impl std::error::Error for ClientError {}

/// One problem the server or a local check listed: `field: message [code]`.
#[must_use]
pub fn detail_line(e: &ErrorDetail) -> String {
    match &e.field {
        Some(field) if !field.is_empty() => format!("{field}: {} [{}]", e.message, e.code),
        _ => format!("{} [{}]", e.message, e.code),
    }
}

/// This client's advice for an error code: what the officer does next. `None` where the
/// server's message says all there is.
fn advice(code: ErrorCode, retry_after: Option<u64>) -> Option<Message> {
    let wait = || match retry_after {
        None => msg!("cli-wait-a-while"),
        Some(s) if s < 120 => msg!("cli-wait-seconds", seconds = s),
        Some(s) => msg!("cli-wait-minutes", minutes = s.div_ceil(60)),
    };
    Some(match code {
        ErrorCode::InvalidCredentials => msg!("cli-advice-invalid-credentials"),
        ErrorCode::TooManyAttempts => msg!("cli-advice-too-many-attempts", wait = wait()),
        ErrorCode::RateLimited => msg!("cli-advice-rate-limited", wait = wait()),
        ErrorCode::Unauthenticated => msg!("cli-advice-unauthenticated"),
        ErrorCode::InvalidToken => msg!("cli-advice-invalid-token"),
        ErrorCode::TokenExpired => msg!("cli-advice-token-expired"),
        ErrorCode::TokenRevoked => msg!("cli-advice-token-revoked"),
        ErrorCode::AccountDisabled => msg!("cli-advice-account-disabled"),
        ErrorCode::Forbidden => msg!("cli-advice-forbidden"),
        ErrorCode::OutOfScope => msg!("cli-advice-out-of-scope"),
        ErrorCode::NotFound => msg!("cli-advice-not-found"),
        ErrorCode::RouteNotFound | ErrorCode::MethodNotAllowed => {
            msg!("cli-advice-upgrade-server")
        }
        ErrorCode::ServiceUnavailable => msg!("cli-advice-service-unavailable"),
        ErrorCode::InternalError => msg!("cli-advice-internal-error"),
        ErrorCode::ProtocolUnsupported => msg!("cli-advice-protocol-unsupported"),
        ErrorCode::BatchConflict => msg!("cli-advice-batch-conflict"),
        ErrorCode::BatchSize | ErrorCode::MalformedJson => msg!("cli-advice-client-defect"),
        ErrorCode::InvalidDefinition => msg!("cli-advice-invalid-definition"),
        ErrorCode::RoundStateConflict => msg!("cli-advice-round-state"),
        ErrorCode::AlreadyPublished | ErrorCode::NothingToPublish => {
            msg!("cli-advice-survey-state")
        }
        _ => return None,
    })
}

/// A connection to one canvass server. Every request the client makes is built here, as a
/// typed function over the `protocol` types; each carries `Accept-Language` in the reader's
/// language, so the server words its messages as the client does.
pub struct ApiClient {
    base: String,
    http: reqwest::blocking::Client,
    token: Option<String>,
    lang: Lang,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base", &self.base)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

/// The answer to a conditional manifest request.
#[derive(Debug)]
pub enum ManifestFetch {
    /// `304`: the cached manifest is current.
    NotModified,
    /// `200`: a new manifest and its entity tag.
    Fresh {
        manifest: Box<Manifest>,
        etag: Option<String>,
    },
}

impl ApiClient {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8080`), asking for answers in
    /// Simplified Chinese until [`ApiClient::with_lang`] says otherwise.
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let base = normalise_server(base)?;
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("canvass-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Unreachable {
                url: base.clone(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            base,
            http,
            token: None,
            lang: Lang::default(),
        })
    }

    /// Uses `token` for the requests that need one.
    #[must_use]
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Asks the server to word its messages in `lang` (`Accept-Language`).
    #[must_use]
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// The server's base address, without a trailing slash.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET /healthz`: whether the server is up and reaches its database.
    pub fn health(&self) -> Result<Health, ClientError> {
        let response = self.send(self.http.get(self.url("/healthz")))?;
        // 503 still carries a Health body: the server is up, its database is not
        let status = response.status().as_u16();
        let text = response.text().unwrap_or_default();
        serde_json::from_str(&text).map_err(|_| ClientError::Unexpected {
            status,
            body: quote(&text),
        })
    }

    /// Signs in; with `device_name` the server issues a long-lived device token.
    pub fn login(
        &self,
        username: &str,
        password: &str,
        device_name: Option<&str>,
    ) -> Result<LoginResponse, ClientError> {
        let body = LoginRequest {
            username: username.into(),
            password: password.into(),
            device_name: device_name.map(Into::into),
        };
        let request = self.http.post(self.url("/api/v1/auth/login")).json(&body);
        Self::parse(self.send(request)?)
    }

    /// `POST /api/v1/auth/logout`: revokes the device token this client uses.
    pub fn logout(&self) -> Result<(), ClientError> {
        let request = self.http.post(self.url("/api/v1/auth/logout"));
        Self::parse_empty(self.send(request)?)
    }

    /// `GET /api/v1/auth/me`: the signed-in account; fails when the token is refused.
    pub fn me(&self) -> Result<Account, ClientError> {
        Self::parse(self.send(self.http.get(self.url("/api/v1/auth/me")))?)
    }

    /// `GET /api/v1/accounts`: the accounts of the account's subtree.
    pub fn list_accounts(&self) -> Result<Vec<Account>, ClientError> {
        Self::parse(self.send(self.http.get(self.url("/api/v1/accounts")))?)
    }

    /// `POST /api/v1/accounts`: creates an account (without a password: with a temporary one,
    /// answered once).
    pub fn create_account(&self, body: &CreateAccount) -> Result<CreatedAccount, ClientError> {
        let request = self.http.post(self.url("/api/v1/accounts")).json(body);
        Self::parse(self.send(request)?)
    }

    /// `PATCH /api/v1/accounts/{id}`: changes an account (disabled, role, unit, ...).
    pub fn update_account(&self, id: i64, body: &UpdateAccount) -> Result<Account, ClientError> {
        let path = format!("/api/v1/accounts/{id}");
        Self::parse(self.send(self.http.patch(self.url(&path)).json(body))?)
    }

    /// `POST /api/v1/accounts/{id}/reset-password`: a temporary password, answered once.
    pub fn reset_password(&self, id: i64) -> Result<TemporaryPassword, ClientError> {
        let path = format!("/api/v1/accounts/{id}/reset-password");
        Self::parse(self.send(self.http.post(self.url(&path)))?)
    }

    /// `GET /api/v1/units`: the units of the account's subtree, root first.
    pub fn list_units(&self) -> Result<Vec<Unit>, ClientError> {
        Self::parse(self.send(self.http.get(self.url("/api/v1/units")))?)
    }

    /// `POST /api/v1/units`: adds a unit.
    pub fn create_unit(&self, unit: &CreateUnit) -> Result<Unit, ClientError> {
        let request = self.http.post(self.url("/api/v1/units")).json(unit);
        Self::parse(self.send(request)?)
    }

    /// `GET /api/v1/surveys`: the surveys of the account's units.
    pub fn list_surveys(&self) -> Result<Vec<Survey>, ClientError> {
        Self::parse(self.send(self.http.get(self.url("/api/v1/surveys")))?)
    }

    /// `POST /api/v1/surveys`: creates a draft survey.
    pub fn create_survey(&self, survey: &CreateSurvey) -> Result<Survey, ClientError> {
        let request = self.http.post(self.url("/api/v1/surveys")).json(survey);
        Self::parse(self.send(request)?)
    }

    /// `GET /api/v1/surveys/{id}`: one survey.
    pub fn get_survey(&self, id: i64) -> Result<Survey, ClientError> {
        let path = format!("/api/v1/surveys/{id}");
        Self::parse(self.send(self.http.get(self.url(&path)))?)
    }

    /// `GET /api/v1/surveys/{id}/versions/{version}`: one version of a survey's form.
    pub fn survey_version(&self, id: i64, version: i32) -> Result<SurveyVersion, ClientError> {
        let path = format!("/api/v1/surveys/{id}/versions/{version}");
        Self::parse(self.send(self.http.get(self.url(&path)))?)
    }

    /// `POST /api/v1/surveys/{id}/{action}` for a lifecycle action.
    pub fn survey_action(&self, id: i64, action: SurveyAction) -> Result<Survey, ClientError> {
        let path = format!("/api/v1/surveys/{id}/{}", action.as_str());
        Self::parse(self.send(self.http.post(self.url(&path)))?)
    }

    /// `GET /api/v1/rounds`: the appraisal rounds of the account's units.
    pub fn list_rounds(&self) -> Result<Vec<RoundInfo>, ClientError> {
        Self::parse(self.send(self.http.get(self.url("/api/v1/rounds")))?)
    }

    /// `POST /api/v1/rounds`: creates a draft round.
    pub fn create_round(&self, round: &CreateRound) -> Result<RoundInfo, ClientError> {
        let request = self.http.post(self.url("/api/v1/rounds")).json(round);
        Self::parse(self.send(request)?)
    }

    /// `POST /api/v1/rounds/{id}/{action}` for a lifecycle action.
    pub fn round_action(&self, id: i64, action: RoundAction) -> Result<RoundInfo, ClientError> {
        let path = format!("/api/v1/rounds/{id}/{}", action.as_str());
        Self::parse(self.send(self.http.post(self.url(&path)))?)
    }

    /// `POST /api/v1/rounds/{id}/codes`: one-time ballot codes, shown this once.
    pub fn generate_codes(
        &self,
        id: i64,
        body: &GenerateCodes,
    ) -> Result<GeneratedCodes, ClientError> {
        let path = format!("/api/v1/rounds/{id}/codes");
        Self::parse(self.send(self.http.post(self.url(&path)).json(body))?)
    }

    /// `POST /api/v1/rounds/{id}/slips`: one-time ballot codes on printable A4 slips (an HTML
    /// page); the codes are only on the page.
    pub fn ballot_slips(&self, id: i64, body: &GenerateCodes) -> Result<String, ClientError> {
        let path = format!("/api/v1/rounds/{id}/slips");
        let response = self.send(self.http.post(self.url(&path)).json(body))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(Self::error(response));
        }
        response.text().map_err(|e| ClientError::Unreachable {
            url: self.base.clone(),
            reason: root_cause(&e),
        })
    }

    /// `POST /api/v1/units/import` or `/officials/import` with the file's bytes: with
    /// `dry_run`, the preview; without, the import (all or nothing). A file the server refused
    /// for its problems (422 with the report) comes back as its report, `stored` false.
    pub fn import_sheet(
        &self,
        kind: SheetKind,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<ImportReport, ClientError> {
        let query = if dry_run { "?dry_run=true" } else { "" };
        let path = format!("/api/v1/{}/import{query}", kind.as_str());
        let request = self
            .http
            .post(self.url(&path))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes.to_vec());
        let response = self.send(request)?;
        if response.status() != reqwest::StatusCode::UNPROCESSABLE_ENTITY {
            return Self::parse(response);
        }
        let text = response.text().unwrap_or_default();
        match serde_json::from_str::<ImportReport>(&text) {
            Ok(report) => Ok(report),
            Err(_) => Err(Self::error_of(422, None, &text)),
        }
    }

    /// `GET /api/v1/sync/manifest`, with `If-None-Match` when a tag is known.
    pub fn fetch_manifest(&self, etag: Option<&str>) -> Result<ManifestFetch, ClientError> {
        let mut request = self
            .http
            .get(self.url("/api/v1/sync/manifest"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string());
        if let Some(etag) = etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        let response = self.send(request)?;
        if response.status() == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(ManifestFetch::NotModified);
        }
        let etag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(ToString::to_string);
        let manifest: Manifest = Self::parse(response)?;
        Ok(ManifestFetch::Fresh {
            manifest: Box::new(manifest),
            etag,
        })
    }

    /// `GET /api/v1/sync/coverage`: the villages of the officer's area with their answer counts
    /// on the server, per survey of the manifest.
    pub fn fetch_coverage(&self) -> Result<FieldCoverage, ClientError> {
        let request = self
            .http
            .get(self.url("/api/v1/sync/coverage"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string());
        Self::parse(self.send(request)?)
    }

    /// `POST /api/v1/sync/batches` with exactly `body`; the receipt of a stored (201) or
    /// already-stored (200, duplicate) batch.
    pub fn post_batch(&self, body: &[u8]) -> Result<Receipt, ClientError> {
        let request = self
            .http
            .post(self.url("/api/v1/sync/batches"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        Self::parse(self.send(request)?)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(
        &self,
        mut request: reqwest::blocking::RequestBuilder,
    ) -> Result<reqwest::blocking::Response, ClientError> {
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        request
            .header(reqwest::header::ACCEPT_LANGUAGE, self.lang.as_str())
            .send()
            .map_err(|e| ClientError::Unreachable {
                url: self.base.clone(),
                reason: root_cause(&e),
            })
    }

    fn parse<T: serde::de::DeserializeOwned>(
        response: reqwest::blocking::Response,
    ) -> Result<T, ClientError> {
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(Self::error(response));
        }
        let text = response.text().unwrap_or_default();
        serde_json::from_str(&text).map_err(|_| ClientError::Unexpected {
            status,
            body: quote(&text),
        })
    }

    fn parse_empty(response: reqwest::blocking::Response) -> Result<(), ClientError> {
        if response.status().is_success() {
            Ok(())
        } else {
            Err(Self::error(response))
        }
    }

    fn error(response: reqwest::blocking::Response) -> ClientError {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let text = response.text().unwrap_or_default();
        Self::error_of(status, retry_after, &text)
    }

    fn error_of(status: u16, retry_after: Option<u64>, text: &str) -> ClientError {
        match serde_json::from_str::<ErrorBody>(text) {
            Ok(body) => ClientError::Api {
                status,
                code: body.error.code,
                message: body.error.message,
                field: body.error.field,
                errors: body.errors,
                retry_after,
            },
            Err(_) => ClientError::Unexpected {
                status,
                body: quote(text),
            },
        }
    }
}

/// What a spreadsheet import carries: a unit list or a roster of officials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Units,
    Officials,
}

impl SheetKind {
    /// The collection in the route's path.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SheetKind::Units => "units",
            SheetKind::Officials => "officials",
        }
    }
}

/// A survey lifecycle action (`POST /api/v1/surveys/{id}/<action>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyAction {
    /// Publish the draft version; a draft survey opens.
    Publish,
    /// Stop accepting answers.
    Close,
    /// Accept answers again after closing.
    Open,
}

impl SurveyAction {
    /// The last path segment.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SurveyAction::Publish => "publish",
            SurveyAction::Close => "close",
            SurveyAction::Open => "open",
        }
    }
}

/// A round lifecycle action (`POST /api/v1/rounds/{id}/<action>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundAction {
    /// Start voting (from a draft, or again after closing).
    Open,
    /// End voting; tally sheets may still be entered.
    Close,
    /// Make the results final and visible to leaders.
    Publish,
}

impl RoundAction {
    /// The last path segment.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            RoundAction::Open => "open",
            RoundAction::Close => "close",
            RoundAction::Publish => "publish",
        }
    }
}

/// Checks a server address and puts it in the one form that is stored and compared: trimmed,
/// without trailing slashes.
pub fn normalise_server(base: &str) -> Result<String, ClientError> {
    let base = base.trim().trim_end_matches('/').to_string();
    let rest = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(base),
        _ => Err(ClientError::BadServerUrl(base)),
    }
}

fn quote(text: &str) -> String {
    let mut quoted: String = text.chars().take(QUOTED_BODY_CHARS).collect();
    if text.chars().count() > QUOTED_BODY_CHARS {
        quoted.push('…');
    }
    quoted
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: ErrorCode, message: &str) -> ClientError {
        ClientError::Api {
            status: 400,
            code,
            message: message.into(),
            field: None,
            errors: Vec::new(),
            retry_after: None,
        }
    }

    #[test]
    fn server_urls_must_be_http() {
        assert!(matches!(
            ApiClient::new("ftp://x"),
            Err(ClientError::BadServerUrl(_))
        ));
        assert!(matches!(
            ApiClient::new("http://"),
            Err(ClientError::BadServerUrl(_))
        ));
        assert_eq!(
            ApiClient::new(" http://127.0.0.1:8080/ ").unwrap().base(),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn an_unreachable_server_says_what_to_do() {
        let client = ApiClient::new("http://127.0.0.1:1").unwrap();
        let err = client.health().unwrap_err();
        assert!(err.is_unreachable(), "{err}");
        assert!(err.render(Lang::En).contains("Check the network"), "{err}");
    }

    #[test]
    fn refused_tokens_are_explained_in_plain_words() {
        let revoked = api(ErrorCode::TokenRevoked, "the token was revoked");
        assert!(revoked.is_token_refused());
        let shown = revoked.render(Lang::En);
        assert!(
            shown.contains("This device was signed out (token revoked)"),
            "{shown}"
        );
        assert!(
            shown.contains("the token was revoked"),
            "the server's words: {shown}"
        );
        assert!(shown.contains("canvass login"), "{shown}");
        assert!(api(ErrorCode::TokenExpired, "")
            .render(Lang::En)
            .contains("expired"));
        assert!(api(ErrorCode::AccountDisabled, "")
            .render(Lang::En)
            .contains("administrator"));
        let zh = revoked.render(Lang::ZhCn);
        assert!(zh.contains("canvass login") && zh.contains("注销"), "{zh}");
        assert!(!api(ErrorCode::AccountDisabled, "").is_token_refused());
    }

    #[test]
    fn permission_errors_say_the_account_cannot_do_this() {
        for code in [ErrorCode::Forbidden, ErrorCode::OutOfScope] {
            let shown = api(code, "organisers only").render(Lang::En);
            assert!(
                shown.contains("Your account cannot do this for that unit"),
                "{shown}"
            );
            assert!(shown.contains("organisers only"), "{shown}");
        }
    }

    #[test]
    fn every_listed_problem_is_shown_with_its_field() {
        let err = ClientError::Api {
            status: 422,
            code: ErrorCode::InvalidDefinition,
            message: "2 problems".into(),
            field: None,
            errors: vec![
                ErrorDetail {
                    code: ErrorCode::DuplicateId,
                    message: "the id is used twice".into(),
                    field: Some("questions[1].id".into()),
                },
                ErrorDetail {
                    code: ErrorCode::InvalidValue,
                    message: "empty".into(),
                    field: None,
                },
            ],
            retry_after: None,
        };
        let shown = err.render(Lang::En);
        assert!(
            shown.contains("questions[1].id: the id is used twice [duplicate_id]"),
            "{shown}"
        );
        assert!(shown.contains("- empty [invalid_value]"), "{shown}");
    }

    #[test]
    fn waiting_times_come_from_retry_after() {
        let err = ClientError::Api {
            status: 429,
            code: ErrorCode::TooManyAttempts,
            message: String::new(),
            field: None,
            errors: Vec::new(),
            retry_after: Some(300),
        };
        assert!(err.render(Lang::En).contains("Wait 5 minutes"), "{err}");
    }

    /// A server that records the head of each of `n` requests and refuses each with
    /// `token_revoked`.
    fn recording_server(n: usize) -> (String, std::sync::mpsc::Receiver<String>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let (heads, received) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for _ in 0..n {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let (head, _) = crate::test_http::read_request(&stream);
                heads.send(head).unwrap();
                let body = r#"{"error":{"code":"token_revoked","message":"revoked"}}"#;
                crate::test_http::respond(&stream, 401, body);
            }
        });
        (address, received)
    }

    #[test]
    fn every_request_asks_for_the_readers_language() {
        let (address, heads) = recording_server(8);
        let client = ApiClient::new(&address)
            .unwrap()
            .with_token("t")
            .with_lang(Lang::En);
        let codes = GenerateCodes {
            elector_group: "public".into(),
            count: 1,
        };
        assert!(client.me().is_err());
        assert!(client.list_surveys().is_err());
        assert!(client.survey_action(1, SurveyAction::Close).is_err());
        assert!(client.list_rounds().is_err());
        assert!(client.round_action(1, RoundAction::Open).is_err());
        assert!(client.ballot_slips(1, &codes).is_err());
        assert!(client.fetch_manifest(Some("\"x\"")).is_err());
        assert!(client.post_batch(b"{}").is_err());
        let heads: Vec<String> = heads.iter().take(8).collect();
        assert_eq!(heads.len(), 8);
        for head in &heads {
            assert!(head.contains("accept-language: en\r\n"), "{head}");
            assert!(head.contains("authorization: bearer t\r\n"), "{head}");
        }
        for sync in &heads[6..] {
            assert!(sync.contains("canvass-protocol: 1\r\n"), "{sync}");
        }
        assert!(heads[6].contains("if-none-match: \"x\""), "{}", heads[6]);

        let (address, heads) = recording_server(1);
        assert!(ApiClient::new(&address).unwrap().health().is_err());
        assert!(heads.recv().unwrap().contains("accept-language: zh-cn\r\n"));
    }

    #[test]
    fn long_unexpected_bodies_are_cut_short() {
        let quoted = quote(&"x".repeat(1000));
        assert_eq!(quoted.chars().count(), QUOTED_BODY_CHARS + 1);
    }
}
