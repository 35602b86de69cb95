//! Web sessions of the dashboards: the sign-in page, the session cookie holding a short-lived
//! session token, the [`Session`] extractor that turns the cookie into a [`Caller`], CSRF
//! tokens for every form that changes something, and sign-out.
//!
//! The cookie is `HttpOnly`, `SameSite=Lax`, `Secure` when the request came over HTTPS or the
//! public address is `https://`, and limited to `Path=/dashboard`: the JSON API never reads
//! it (it stays bearer-only), so a cookie cannot be used against the API from another site.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use canvass_protocol::accounts::Role;
use canvass_protocol::auth::TokenKind;
use canvass_protocol::forms::Lang;
use canvass_protocol::ErrorCode;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use askama::Template;
use canvass_protocol::i18n;

use super::page::{render, Words};
use super::page_lang;
use crate::domain::auth::{self, Attempt, Caller};
use crate::domain::error::{Error, Kind};
use crate::http::error::status as status_of;
use crate::http::request::client_address;
use crate::http::AppState;

/// Name of the session cookie.
pub const COOKIE: &str = "canvass_session";
/// The cookie is sent only to the dashboards.
pub const COOKIE_PATH: &str = "/dashboard";
/// Name of the hidden form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// Largest sign-in form body accepted.
const MAX_LOGIN_BYTES: usize = 4096;

/// A signed-in dashboard user: the caller (with its scope), the page language and the CSRF
/// token of this session.
pub struct Session {
    pub caller: Caller,
    pub lang: Lang,
    /// `?lang=..` to append to links when the language was chosen in the address, else empty.
    pub lang_query: String,
    pub csrf: String,
}

impl Session {
    /// Refuses (403 page) a form post whose CSRF token is missing or wrong, or that another
    /// site sent.
    pub fn check_csrf(&self, req: &HttpRequest, sent: Option<&str>) -> Result<(), WebError> {
        let ok = same_origin(req)
            && sent.is_some_and(|s| constant_time_eq(s.as_bytes(), self.csrf.as_bytes()));
        if ok {
            Ok(())
        } else {
            Err(WebError::words(
                StatusCode::FORBIDDEN,
                self.lang,
                "page-refused-csrf-heading",
                "page-refused-csrf",
            ))
        }
    }

    /// A dashboard link: `path` with the chosen language kept.
    #[must_use]
    pub fn link(&self, path: &str) -> String {
        if self.lang_query.is_empty() {
            path.to_string()
        } else if path.contains('?') {
            format!("{path}&{}", &self.lang_query[1..])
        } else {
            format!("{path}{}", self.lang_query)
        }
    }
}

/// A dashboard request that could not be served: to the sign-in page, or a page with a status
/// and a message (never any figure).
#[derive(Debug)]
pub enum WebError {
    /// No valid session: back to `/login` (and forget the cookie).
    SignIn { lang_query: String },
    /// A page with a heading and a message.
    Page {
        status: StatusCode,
        lang: Lang,
        heading: String,
        message: String,
    },
}

impl WebError {
    /// A message page.
    #[must_use]
    pub fn page(status: StatusCode, lang: Lang, heading: &str, message: &str) -> Self {
        WebError::Page {
            status,
            lang,
            heading: heading.to_string(),
            message: message.to_string(),
        }
    }

    /// A message page whose heading and message are catalogue ids.
    #[must_use]
    pub fn words(status: StatusCode, lang: Lang, heading: &str, message: &str) -> Self {
        WebError::Page {
            status,
            lang,
            heading: i18n::tr(lang, heading),
            message: i18n::tr(lang, message),
        }
    }

    /// The page for an error: its status and a message in the page language that says what
    /// went wrong without repeating any figure.
    #[must_use]
    pub fn from_error(lang: Lang, e: &Error) -> Self {
        if e.kind() == Kind::Unauthenticated {
            return WebError::SignIn {
                lang_query: String::new(),
            };
        }
        let (heading, message) = match e.code() {
            ErrorCode::OutOfScope => ("page-refused-scope-heading", "page-refused-scope"),
            ErrorCode::Forbidden | ErrorCode::AccountDisabled => {
                ("page-refused-role-heading", "page-refused-role")
            }
            ErrorCode::ResultsNotPublished => (
                "page-refused-unpublished-heading",
                "page-refused-unpublished",
            ),
            ErrorCode::NotFound | ErrorCode::RouteNotFound | ErrorCode::InvalidId => {
                ("page-refused-not-found-heading", "page-refused-not-found")
            }
            _ if e.is_server_fault() => ("page-refused-fault-heading", "page-try-later"),
            _ => {
                return WebError::Page {
                    status: status_of(e.kind()),
                    lang,
                    heading: i18n::tr(lang, "page-refused-other-heading"),
                    message: error_text(lang, e),
                }
            }
        };
        WebError::words(status_of(e.kind()), lang, heading, message)
    }
}

/// Turns an error into its page in `lang`: for `.map_err` after a call into the domain.
pub fn page_error(lang: Lang) -> impl FnOnce(Error) -> WebError {
    move |e| WebError::from_error(lang, &e)
}

/// The messages of an error in `lang` (every problem, named by its field's label or path), for a
/// page.
#[must_use]
pub fn error_text(lang: Lang, e: &Error) -> String {
    e.details()
        .iter()
        .map(|p| match &p.field {
            // a message that names its field by its label says it already
            Some(f) if f.label.is_none() && !f.path.is_empty() => {
                canvass_protocol::t!(
                    lang,
                    "common-field-and-message",
                    field = f.path.as_str(),
                    message = p.message.render(lang)
                )
            }
            _ => p.message.render(lang),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl fmt::Display for WebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebError::SignIn { .. } => f.write_str("sign in first"),
            WebError::Page {
                status, heading, ..
            } => write!(f, "{status}: {heading}"),
        }
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignIn { .. } => StatusCode::SEE_OTHER,
            WebError::Page { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            WebError::SignIn { lang_query } => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/login{lang_query}")))
                .insert_header((header::SET_COOKIE, clear_cookie()))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish(),
            WebError::Page {
                status,
                lang,
                heading,
                message,
            } => render(
                *status,
                &Refused {
                    w: Words::new(*lang),
                    heading,
                    message,
                },
            ),
        }
    }
}

impl FromRequest for Session {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let lang = page_lang(req);
        let lang_query = lang_query(req);
        let token = cookie(req, COOKIE);
        Box::pin(async move {
            let sign_in = || WebError::SignIn {
                lang_query: lang_query.clone(),
            };
            let state = state.ok_or_else(sign_in)?;
            let token = token.ok_or_else(sign_in)?;
            let claims = state.keys.verify(&token).map_err(|_| sign_in())?;
            if claims.kind != TokenKind::Session {
                return Err(sign_in());
            }
            let caller = match state.db(move |conn| auth::authenticate(conn, claims)).await {
                Ok(caller) => caller,
                Err(e) if e.is_server_fault() => return Err(WebError::from_error(lang, &e)),
                Err(_) => return Err(sign_in()),
            };
            if caller.role() == Role::Officer {
                return Err(WebError::words(
                    StatusCode::FORBIDDEN,
                    lang,
                    "page-refused-officer-heading",
                    "page-refused-officer",
                ));
            }
            let csrf = csrf_token(&state.code_pepper, &token);
            Ok(Session {
                caller,
                lang,
                lang_query,
                csrf,
            })
        })
    }
}

/// `?lang=..` when the address chose the language, so links keep it; else empty.
#[must_use]
pub fn lang_query(req: &HttpRequest) -> String {
    req.query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::from_tag)
        .map_or_else(String::new, |l| format!("?lang={}", l.as_str()))
}

/// The value of cookie `name`, if the request carries it.
fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_string())
        .filter(|v| !v.is_empty())
}

/// The CSRF token of a session: an HMAC of its token under a key derived from a server secret,
/// so it needs no storage, changes with every sign-in and cannot be made without the secret.
fn csrf_token(secret: &str, session_token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(format!("canvass-csrf\0{secret}").as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(session_token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a form post came from this site: refused when the browser says it is cross-site, or
/// the `Origin` names another host. (Old browsers send neither, and with no referrer the
/// `Origin` is `null`; the CSRF token still holds.)
#[must_use]
pub fn same_origin(req: &HttpRequest) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return false;
    }
    // pages send no referrer, so browsers send `Origin: null` with their forms
    match headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
    {
        None => true,
        Some(origin) => {
            let host = origin.split_once("://").map_or(origin, |(_, h)| h);
            headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
        }
    }
}

fn secure(req: &HttpRequest, state: &AppState) -> bool {
    req.connection_info().scheme() == "https" || state.public_url.starts_with("https://")
}

fn session_cookie(token: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path={COOKIE_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

fn clear_cookie() -> String {
    format!("{COOKIE}=; Path={COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax")
}

/// The value of field `name` in a form body.
#[must_use]
pub fn form_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A dashboard request refused (`templates/session/refused.html`).
#[derive(Template)]
#[template(path = "session/refused.html")]
struct Refused<'a> {
    w: Words,
    heading: &'a str,
    message: &'a str,
}

/// The sign-in page (`templates/session/login.html`).
#[derive(Template, Debug)]
#[template(path = "session/login.html")]
pub struct LoginPage {
    pub w: Words,
    /// The same page in the other language.
    pub other_lang_href: String,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    /// Where the form posts (keeping the language chosen in the address).
    pub action: String,
    /// The username typed, shown again after a refusal.
    pub username: String,
    /// Why the last attempt was refused.
    pub error: Option<String>,
}

/// The sign-in page's data: in `lang`, the form posting to `/login` with `lang_query`, the
/// `username` typed and the reason of a refusal.
#[must_use]
pub fn login_page(
    lang: Lang,
    lang_query: &str,
    username: &str,
    error: Option<String>,
) -> LoginPage {
    let other = other_lang(lang);
    LoginPage {
        w: Words::new(lang),
        other_lang_href: format!("/login?lang={}", other.as_str()),
        other_lang: other.as_str(),
        other_lang_name: i18n::tr_static(other, "common-language-name"),
        action: format!("/login{lang_query}"),
        username: username.to_string(),
        error,
    }
}

/// The language a page offers to switch to.
#[must_use]
pub const fn other_lang(lang: Lang) -> Lang {
    match lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    }
}

/// The sign-in page.
#[get("/login")]
pub async fn show_login(req: HttpRequest) -> HttpResponse {
    let lang = page_lang(&req);
    render(
        StatusCode::OK,
        &login_page(lang, &lang_query(&req), "", None),
    )
}

/// Signs in with a password through the same throttled logic as the API, sets the session
/// cookie and goes to the overview; a refusal shows the form again with the reason.
#[post("/login")]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let lang = page_lang(&req);
    let query = lang_query(&req);
    let again = |status: StatusCode, username: &str, message: String| {
        render(status, &login_page(lang, &query, username, Some(message)))
    };
    if body.len() > MAX_LOGIN_BYTES || !same_origin(&req) {
        return again(
            StatusCode::FORBIDDEN,
            "",
            i18n::tr(lang, "page-sign-in-refused"),
        );
    }
    let username = form_value(&body, "username").unwrap_or_default();
    let password = form_value(&body, "password").unwrap_or_default();
    let address = client_address(&req, state.settings.trust_forwarded_for);
    let rules = state.sign_in_rules();
    let keys = state.keys.clone();
    let name = username.clone();
    let outcome = state
        .db(move |conn| {
            auth::password_login(
                conn,
                &rules,
                &keys,
                &Attempt {
                    username: &name,
                    password: &password,
                    address: &address,
                    device_name: None,
                },
            )
        })
        .await;
    match outcome {
        Ok(signed_in) if signed_in.account.role == Role::Officer => again(
            StatusCode::FORBIDDEN,
            &username,
            i18n::tr(lang, "page-sign-in-officer"),
        ),
        Ok(signed_in) => {
            // a random id per browser session, so two sign-ins in the same second still get
            // different tokens (and CSRF tokens); session tokens are not looked up by it
            let token = state.keys.verify(&signed_in.token).and_then(|mut claims| {
                claims.jti = Some(uuid::Uuid::new_v4().simple().to_string());
                state.keys.sign(&claims)
            });
            let Ok(token) = token else {
                return again(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &username,
                    i18n::tr(lang, "page-try-later"),
                );
            };
            let max_age = (signed_in.expires_at - crate::domain::now()).max(0);
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/dashboard{query}")))
                .insert_header((
                    header::SET_COOKIE,
                    session_cookie(&token, max_age, secure(&req, &state)),
                ))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish()
        }
        Err(e) => {
            let message = match e.code() {
                ErrorCode::InvalidCredentials => i18n::tr(lang, "page-sign-in-wrong"),
                ErrorCode::AccountDisabled => i18n::tr(lang, "page-sign-in-disabled"),
                ErrorCode::TooManyAttempts => e.message().render(lang),
                _ => i18n::tr(lang, "page-try-later"),
            };
            again(status_of(e.kind()), &username, message)
        }
    }
}

/// Signs out: forgets the session cookie (after checking the CSRF token) and goes back to the
/// sign-in page.
#[post("/dashboard/logout")]
pub async fn logout(
    session: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    session.check_csrf(&req, form_value(&body, CSRF_FIELD).as_deref())?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/login{}", session.lang_query)))
        .insert_header((header::SET_COOKIE, clear_cookie()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::page::render_html;

    #[test]
    fn csrf_tokens_differ_per_session_and_per_secret() {
        let a = csrf_token("secret", "token-a");
        assert_eq!(a, csrf_token("secret", "token-a"));
        assert_ne!(a, csrf_token("secret", "token-b"));
        assert_ne!(a, csrf_token("other", "token-a"));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn the_sign_in_page_speaks_its_language_and_escapes_what_was_typed() {
        let page = login_page(Lang::En, "?lang=en", "<b>x", Some("wrong".into()));
        assert_eq!(page.action, "/login?lang=en");
        assert_eq!(page.other_lang, "zh-CN");
        let html = render_html(&page);
        assert!(html.contains("Sign in to the dashboards"), "{html}");
        assert!(
            html.contains("value=\"&#60;b&#62;x\"") || html.contains("value=\"&lt;b&gt;x\""),
            "{html}"
        );
        assert!(html.contains("role=\"alert\">wrong<"), "{html}");
        let zh = render_html(&login_page(Lang::ZhCn, "", "", None));
        assert!(
            zh.contains("登录看板") && zh.contains("lang=\"zh-CN\""),
            "{zh}"
        );
        assert!(!zh.contains("role=\"alert\""));
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_on_https() {
        let c = session_cookie("abc", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("; Secure"));
        assert!(c.contains("Path=/dashboard"));
        assert!(!session_cookie("abc", 60, false).contains("Secure"));
    }
}
