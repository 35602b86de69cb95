//! The field officers' offline web app at `/field`: its shell page, its scripts, style, web app
//! manifest and service worker, all embedded in the binary (no build step). The app speaks the
//! field sync protocol of docs/sync-protocol.md, as the `canvass` client does; see
//! docs/field-app.md. The shell's data comes from [`shell_page`].

use std::collections::BTreeMap;
use std::sync::LazyLock;

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::forms::{Lang, Scale};
use canvass_protocol::i18n;
use sha2::{Digest, Sha256};

use super::page::{message_page, render_html, Words};
use super::page_lang;

/// The catalogue messages the app's script reads: its own words, the answer checks' messages,
/// and the names of grades and dimensions on tally sheets.
pub const WORD_PREFIXES: &[&str] = &["field-", "form-answer-", "round-grade-", "round-dimension-"];

/// What the shell may load: its own scripts, style, manifest and worker, and the API of the
/// same origin; nothing from elsewhere.
const SHELL_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The service worker; the server fills in its cache version.
const SERVICE_WORKER: &str = include_str!("../../assets/field/sw.js");

/// The app's files under `/field/`: name, content type, bytes. The service worker is served
/// apart ([`service_worker`]).
pub const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/field/app.js"),
    ),
    (
        "forms.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/field/forms.js"),
    ),
    (
        "store.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/field/store.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/field/app.css"),
    ),
    (
        "manifest.webmanifest",
        "application/manifest+json",
        include_str!("../../assets/field/manifest.webmanifest"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("../../assets/field/icon.svg"),
    ),
];

/// The shell page (`templates/field/shell.html`).
#[derive(Template)]
#[template(path = "field/shell.html")]
pub struct ShellPage {
    pub w: Words,
    /// The words of both languages for the script, as JSON: `{"zh-CN": {id: text}, "en": …}`,
    /// variables left as `{name}`.
    pub words: String,
    /// The built-in rating scales, as JSON keyed by id.
    pub scales: String,
}

/// The words the app's script shows, in both languages (it switches language offline).
#[must_use]
pub fn words() -> BTreeMap<&'static str, BTreeMap<String, String>> {
    Lang::ALL
        .iter()
        .map(|&lang| (lang.as_str(), i18n::templates(lang, WORD_PREFIXES)))
        .collect()
}

/// The shell page's data in `lang`.
#[must_use]
pub fn shell_page(lang: Lang) -> ShellPage {
    static WORDS: LazyLock<String> =
        LazyLock::new(|| serde_json::to_string(&words()).unwrap_or_default());
    static SCALES: LazyLock<String> = LazyLock::new(|| {
        serde_json::to_string(&BTreeMap::from([("satisfaction", Scale::satisfaction())]))
            .unwrap_or_default()
    });
    ShellPage {
        w: Words::new(lang),
        words: WORDS.clone(),
        scales: SCALES.clone(),
    }
}

/// The service worker's cache version: a hash of every file of the app and of the message
/// catalogue, so that any change to them replaces the cached shell.
fn version() -> &'static str {
    static VERSION: LazyLock<String> = LazyLock::new(|| {
        let mut hash = Sha256::new();
        for (name, _, body) in ASSETS {
            hash.update(name.as_bytes());
            hash.update(body.as_bytes());
        }
        hash.update(SERVICE_WORKER.as_bytes());
        hash.update(include_str!("../../templates/field/shell.html").as_bytes());
        for (area, zh, en) in i18n::FILES {
            hash.update(area.as_bytes());
            hash.update(zh.as_bytes());
            hash.update(en.as_bytes());
        }
        hex::encode(&hash.finalize()[..8])
    });
    &VERSION
}

/// The service worker's script with its cache version filled in.
#[must_use]
pub fn service_worker() -> String {
    SERVICE_WORKER.replace("__VERSION__", version())
}

/// The shell: the page the app runs in.
#[get("/field")]
pub async fn shell(req: HttpRequest) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        // nothing personal in it: the service worker keeps it, revalidated when online
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("Content-Security-Policy", SHELL_CSP))
        .body(render_html(&shell_page(page_lang(&req))))
}

/// The app's scripts, style, manifest, icon and service worker.
#[get("/field/{name}")]
pub async fn asset(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
    let name = name.into_inner();
    if name == "sw.js" {
        return HttpResponse::Ok()
            .content_type("text/javascript; charset=utf-8")
            .insert_header(("Cache-Control", "no-cache"))
            // the worker at /field/sw.js looks after /field itself too
            .insert_header(("Service-Worker-Allowed", "/field"))
            .body(service_worker());
    }
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header(("Cache-Control", "no-cache"))
            .body(*body),
        None => {
            let w = Words::new(page_lang(&req));
            message_page(
                StatusCode::NOT_FOUND,
                w.lang,
                &w.t("field-not-found-heading"),
                &w.t("field-not-found"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn the_shell_carries_the_words_of_both_languages_and_the_built_in_scale() {
        let page = shell_page(Lang::En);
        let words: BTreeMap<String, BTreeMap<String, String>> =
            serde_json::from_str(&page.words).unwrap();
        assert_eq!(words["en"]["field-push"], i18n::tr(Lang::En, "field-push"));
        assert_eq!(
            words["zh-CN"]["field-push"],
            i18n::tr(Lang::ZhCn, "field-push")
        );
        assert_eq!(words["en"]["form-answer-too-many"], "Choose at most {max}.");
        assert_eq!(words["en"].len(), words["zh-CN"].len());
        let scales: serde_json::Value = serde_json::from_str(&page.scales).unwrap();
        assert_eq!(scales["satisfaction"]["options"][0]["id"], "satisfied");
        let html = render_html(&page);
        assert!(html.contains("lang=\"en\""), "{html}");
        assert!(html.contains("/field/app.js"));
        assert!(!html.contains("data-words=\"{\"zh"), "the JSON is escaped");
    }

    #[test]
    fn the_worker_caches_every_file_of_the_shell_under_a_version_of_them() {
        let sw = service_worker();
        assert!(!sw.contains("__VERSION__"));
        assert!(sw.contains(version()));
        for (name, _, _) in ASSETS {
            assert!(sw.contains(&format!("'/field/{name}'")), "{name}");
        }
    }

    /// The budget: the shell and its code under 100 KB compressed.
    #[test]
    fn the_shell_and_its_code_stay_under_100_kb_gzipped() {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut raw = 0;
        for lang in Lang::ALL {
            let html = render_html(&shell_page(lang));
            raw += html.len();
            gzip.write_all(html.as_bytes()).unwrap();
        }
        for (_, _, body) in ASSETS {
            raw += body.len();
            gzip.write_all(body.as_bytes()).unwrap();
        }
        let sw = service_worker();
        raw += sw.len();
        gzip.write_all(sw.as_bytes()).unwrap();
        let compressed = gzip.finish().unwrap().len();
        assert!(
            compressed < 100 * 1024,
            "{compressed} bytes compressed ({raw} raw)"
        );
    }
}
