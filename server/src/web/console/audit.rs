//! The audit log in the console (`/dashboard/audit`): the entries of the reader's subtree,
//! newest first, fifty a page, filtered by action, account and day, each saying who did what
//! to which object and when in the reader's language; the state of the whole hash chain at the
//! top; and the filtered entries as CSV (`/dashboard/audit/export.csv`). Organisers and
//! administrators only: leaders and field officers get the refusal page (403).

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use canvass_protocol::audit::{AuditChain, AuditEntry, AuditLog};
use canvass_protocol::forms::Lang;
use canvass_protocol::i18n::tr;
use canvass_protocol::msg;

use super::units::Choice;
use super::FieldErrors;
use crate::domain::audit::{self, Query, ACTIONS};
use crate::domain::error::Kind;
use crate::domain::exports::csv::Csv;
use crate::http::error::status;
use crate::http::AppState;
use crate::web::frame::Nav;
use crate::web::page::{render, Words};
use crate::web::session::{page_error, Session, WebError};

/// The filters a page was asked for, as written, so that the form shows them again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub action: String,
    pub actor: String,
    pub from: String,
    pub to: String,
}

impl Filters {
    /// The filters of a query string (its other parameters ignored).
    #[must_use]
    pub fn of(params: &HashMap<String, String>) -> (Self, Option<String>) {
        let get = |k: &str| {
            params
                .get(k)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        (
            Self {
                action: get("action"),
                actor: get("actor"),
                from: get("from"),
                to: get("to"),
            },
            params.get("page").cloned(),
        )
    }

    /// The domain's query for these filters and `page`.
    #[must_use]
    pub fn query(&self, page: Option<String>) -> Query {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        Query {
            action: some(&self.action),
            actor: some(&self.actor),
            from: some(&self.from),
            to: some(&self.to),
            page,
        }
    }

    /// The query string of these filters and `page` (with `lang` when the page has one),
    /// `?` included; empty filters are left out.
    #[must_use]
    pub fn query_string(&self, page: Option<u32>, lang: Option<&str>) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("action", &self.action),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.is_empty() {
                out.append_pair(k, v);
            }
        }
        if let Some(page) = page.filter(|p| *p > 1) {
            out.append_pair("page", &page.to_string());
        }
        if let Some(lang) = lang {
            out.append_pair("lang", lang);
        }
        let query = out.finish();
        if query.is_empty() {
            query
        } else {
            format!("?{query}")
        }
    }
}

/// One entry as a row of the page's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub entry: i64,
    pub time: String,
    pub actor: String,
    pub what: String,
    pub object_kind: String,
    pub object_name: String,
    pub details: String,
}

/// What the audit page shows, built by [`view`] from the domain's page of the log.
#[derive(Debug, Clone)]
pub struct View {
    /// The chain's state in words.
    pub chain: String,
    /// Whether every entry of the chain holds.
    pub holds: bool,
    pub rows: Vec<Row>,
    /// The action filter's choices, the asked one selected.
    pub actions: Vec<Choice>,
    pub filters: Filters,
    /// "Page 1 of 3 (120 entries)".
    pub pages: String,
    /// Links to the newer and the older page, when there are such pages.
    pub newer: Option<String>,
    pub older: Option<String>,
    /// The export of the filtered entries.
    pub export: String,
    /// The page without filters.
    pub clear: String,
    /// The language to keep when the form is sent, when the page was asked for in one.
    pub lang: Option<&'static str>,
}

/// The chain's state in words: verified up to which entry, or broken at which and why.
#[must_use]
pub fn chain_words(lang: Lang, chain: &AuditChain) -> String {
    match chain.broken_at {
        None => msg!(
            "audit-chain-holds",
            entries = chain.entries,
            head = chain.head_short.as_str()
        )
        .render(lang),
        Some(entry) => msg!(
            "audit-chain-broken",
            entry = entry,
            why = chain.broken_why.clone().unwrap_or_default(),
            verified = chain.verified_up_to
        )
        .render(lang),
    }
}

fn row(e: &AuditEntry) -> Row {
    Row {
        entry: e.entry,
        time: e.time.clone(),
        actor: e.actor.clone(),
        what: e.what.clone(),
        object_kind: e.object_kind.clone(),
        object_name: e.object_name.clone(),
        details: e.details.clone(),
    }
}

/// The page's data: `log` (a page of the entries, or `None` when the filters were refused, and
/// then `chain` alone) with `filters`, its links under `path` keeping the page's `lang`.
#[must_use]
pub fn view(
    lang: Lang,
    explicit_lang: bool,
    path: &str,
    filters: Filters,
    log: &AuditLog,
    refused: bool,
) -> View {
    let keep = explicit_lang.then(|| lang.as_str());
    let link = |page: Option<u32>| format!("{path}{}", filters.query_string(page, keep));
    let (rows, newer, older, pages) = if refused {
        (Vec::new(), None, None, String::new())
    } else {
        (
            log.entries.iter().map(row).collect(),
            (log.page > 1).then(|| link(Some(log.page - 1))),
            (log.page < log.pages).then(|| link(Some(log.page + 1))),
            msg!(
                "audit-pages",
                page = log.page,
                pages = log.pages,
                total = log.total
            )
            .render(lang),
        )
    };
    View {
        chain: chain_words(lang, &log.chain),
        holds: log.chain.holds,
        rows,
        actions: ACTIONS
            .iter()
            .map(|(action, id)| Choice {
                value: (*action).to_owned(),
                label: tr(lang, id),
                selected: *action == filters.action,
            })
            .collect(),
        newer,
        older,
        pages,
        export: format!("{path}/export.csv{}", filters.query_string(None, keep)),
        clear: format!("{path}{}", Filters::default().query_string(None, keep)),
        lang: keep,
        filters,
    }
}

/// The audit page (`templates/console/audit.html`).
#[derive(Template)]
#[template(path = "console/audit.html")]
pub struct AuditPage {
    pub w: Words,
    pub nav: Nav,
    pub v: View,
    pub errors: FieldErrors,
}

/// The audit log of the reader's subtree.
#[get("/dashboard/audit")]
pub async fn audit_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let (filters, page) = Filters::of(&params);
    let query = filters.query(page);
    let caller = session.caller.clone();
    let asked = query.clone();
    let outcome = state
        .db(move |conn| match audit::page(conn, &caller, &asked, lang) {
            Err(e) if e.kind() == Kind::Invalid => {
                // the filters are refused: the chain's state still shows, with no entries
                let log = audit::page(conn, &caller, &Query::default(), lang)?;
                Ok((log, Some(e)))
            }
            other => other.map(|log| (log, None)),
        })
        .await
        .map_err(page_error(lang))?;
    let (log, refused) = outcome;
    let (code, errors) = match &refused {
        Some(e) => (
            status(e.kind()),
            FieldErrors::of(lang, e, &["action", "actor", "from", "to", "page"]),
        ),
        None => (StatusCode::OK, FieldErrors::default()),
    };
    let page = AuditPage {
        w: Words::new(lang),
        nav: Nav::new(&session, &req),
        v: view(
            lang,
            !session.lang_query.is_empty(),
            "/dashboard/audit",
            filters,
            &log,
            refused.is_some(),
        ),
        errors,
    };
    Ok(render(code, &page))
}

/// The CSV of `entries` with its header, in `lang`, through the one CSV writer (every cell
/// defused).
#[must_use]
pub fn csv(lang: Lang, entries: &[AuditEntry]) -> Vec<u8> {
    let mut out = Csv::file();
    out.row(audit::export_header(lang));
    for e in entries {
        out.row(audit::export_row(e));
    }
    out.into_bytes()
}

/// The filtered entries of the reader's subtree as CSV (the export is itself recorded).
#[get("/dashboard/audit/export.csv")]
pub async fn audit_csv(
    state: web::Data<AppState>,
    session: Session,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let lang = session.lang;
    let (filters, _) = Filters::of(&params);
    let query = filters.query(None);
    let caller = session.caller.clone();
    let entries = state
        .db(move |conn| audit::export(conn, &caller, &query, lang))
        .await
        .map_err(page_error(lang))?;
    let day = canvass_protocol::calendar::Day::of(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0)),
    );
    let title: String = form_urlencoded::byte_serialize(
        format!("{}-{day}.csv", tr(lang, "audit-export-name")).as_bytes(),
    )
    .collect();
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"audit-log-{day}.csv\"; filename*=UTF-8''{title}"),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(csv(lang, &entries)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_protocol::audit::AuditChain;

    fn log(page: u32, pages: u32, broken: Option<i64>) -> AuditLog {
        AuditLog {
            chain: AuditChain {
                entries: 7,
                holds: broken.is_none(),
                verified_up_to: broken.map_or(7, |b| b - 1),
                broken_at: broken,
                broken_why: broken.map(|_| "its content was changed".into()),
                head: "ab".repeat(32),
                head_short: "abababababab".into(),
            },
            entries: vec![AuditEntry {
                entry: 7,
                at: 0,
                time: "1970-01-01 08:00".into(),
                actor: "organiser".into(),
                action: "round.open".into(),
                what: "Opened a round for voting".into(),
                object: "round:3".into(),
                object_kind: "Appraisal round".into(),
                object_name: "Township 2026".into(),
                details: String::new(),
                hash: "cd".repeat(32),
            }],
            total: 120,
            page,
            pages,
            page_size: 50,
        }
    }

    #[test]
    fn the_page_says_how_far_the_chain_holds_and_links_pages_with_their_filters() {
        let filters = Filters {
            action: "round.open".into(),
            actor: "li wei".into(),
            ..Filters::default()
        };
        let v = view(
            Lang::En,
            true,
            "/dashboard/audit",
            filters,
            &log(2, 3, None),
            false,
        );
        assert!(v.holds);
        assert!(v.chain.contains("all 7 entries"), "{}", v.chain);
        assert!(v.chain.contains("abababababab"));
        assert_eq!(
            v.newer.as_deref(),
            Some("/dashboard/audit?action=round.open&actor=li+wei&lang=en")
        );
        assert_eq!(
            v.older.as_deref(),
            Some("/dashboard/audit?action=round.open&actor=li+wei&page=3&lang=en")
        );
        assert_eq!(
            v.export,
            "/dashboard/audit/export.csv?action=round.open&actor=li+wei&lang=en"
        );
        assert_eq!(v.clear, "/dashboard/audit?lang=en");
        assert_eq!(v.pages, "Page 2 of 3 (120 entries)");
        assert!(v
            .actions
            .iter()
            .any(|c| c.selected && c.value == "round.open"));
        assert_eq!(v.rows.len(), 1);
    }

    #[test]
    fn a_broken_chain_names_its_entry_and_refused_filters_show_no_entries() {
        let v = view(
            Lang::ZhCn,
            false,
            "/dashboard/audit",
            Filters::default(),
            &log(1, 1, Some(3)),
            true,
        );
        assert!(!v.holds);
        assert!(v.chain.contains("第 3 条"), "{}", v.chain);
        assert!(v.rows.is_empty());
        assert_eq!((v.newer, v.older), (None, None));
        assert_eq!(v.clear, "/dashboard/audit");
    }

    #[test]
    fn the_export_defuses_every_cell() {
        let mut entries = log(1, 1, None).entries;
        entries[0].object_name = "=HYPERLINK(\"http://x\")".into();
        let text = String::from_utf8(csv(Lang::En, &entries)).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
        assert!(text.lines().next().unwrap().contains("Entry hash"));
    }
}
