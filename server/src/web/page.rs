//! What every page shares: the words of its language ([`Words`]), rendering a template to an
//! answer, and the page skeleton (`templates/base.html`). Templates escape what they show;
//! nothing is escaped by hand.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::i18n::{self, Lang, Message};

/// What every page template has to speak the reader's language: `{{ w.t("page-…") }}` for a
/// word of the catalogue, `{{ w.m(message) }}` for a [`Message`] the domain made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// The page's language.
    pub lang: Lang,
}

impl Words {
    /// The words of `lang`.
    #[must_use]
    pub const fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// Catalogue message `id`, without variables.
    #[must_use]
    pub fn t(&self, id: &str) -> String {
        i18n::tr(self.lang, id)
    }

    /// A message made elsewhere, in the page's language.
    #[must_use]
    pub fn m(&self, message: &Message) -> String {
        message.render(self.lang)
    }

    /// The page's language tag, for `<html lang>`.
    #[must_use]
    pub const fn tag(&self) -> &'static str {
        self.lang.as_str()
    }
}

/// A template rendered to HTML. Rendering writes to a `String`, which cannot fail, and the
/// templates call nothing fallible; an error is a bug, answered by an empty page and logged.
#[must_use]
pub fn render_html(template: &impl Template) -> String {
    template.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "a page template failed to render");
        String::new()
    })
}

/// A template as an HTML answer with the given status.
#[must_use]
pub fn render(status: StatusCode, template: &impl Template) -> HttpResponse {
    html_response(status, render_html(template))
}

/// An HTML answer with the given status; never cached (forms carry a respondent's answers).
#[must_use]
pub fn html_response(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"))
        .body(html)
}

/// A page with a heading and one message; see `templates/message.html`.
#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    w: Words,
    heading: &'a str,
    message: &'a str,
}

/// A page with a heading and one message.
#[must_use]
pub fn message_page(status: StatusCode, lang: Lang, heading: &str, message: &str) -> HttpResponse {
    render(
        status,
        &MessagePage {
            w: Words::new(lang),
            heading,
            message,
        },
    )
}

/// The page answering a request refused before its handler ran (an address holding text the
/// databases cannot store): the error's status and message in the page's language.
#[must_use]
pub fn refused_page(req: &HttpRequest, error: &crate::domain::error::Error) -> HttpResponse {
    let lang = super::page_lang(req);
    let w = Words::new(lang);
    message_page(
        crate::http::error::status(error.kind()),
        lang,
        &w.t("page-refused-heading"),
        &w.m(error.message()),
    )
}
