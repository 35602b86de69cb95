//! The organiser's console: the pages a county organisation department's clerk sets the
//! county up with (units, accounts, officials, appraisal rounds and one's own password), inside the signed-in
//! frame. What every console page shares lives here: reading a posted form or an uploaded
//! file, errors beside their fields, the preview of an uploaded spreadsheet with every bad row
//! and cell marked, and the confirmation of a destructive action.

pub mod accounts;
pub mod audit;
pub mod officials;
pub mod rounds;
pub mod surveys;
pub mod units;

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest};
use askama::Template;
use base64::Engine;
use canvass_protocol::forms::Lang;
use canvass_protocol::sheets::{read_table, SheetProblem};
use futures_util::StreamExt;

use super::frame::Nav;
use super::page::Words;
use super::session::{Session, WebError, CSRF_FIELD};
use crate::domain::error::Error;

/// Largest spreadsheet a clerk may upload.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// Largest form body read (a confirmation carries the file again, in base64).
const MAX_BODY_BYTES: usize = 4 * MAX_FILE_BYTES;

/// A posted form: its fields by name (a multipart upload's file among them).
#[derive(Debug, Default)]
pub struct Posted {
    fields: Vec<(String, Vec<u8>)>,
}

impl Posted {
    /// Reads the request body (URL-encoded or `multipart/form-data`) up to a limit, and checks
    /// its CSRF token; a body too large, malformed or without the session's token is refused.
    pub async fn read(
        session: &Session,
        req: &HttpRequest,
        mut payload: web::Payload,
    ) -> Result<Self, WebError> {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| too_large(session.lang))?;
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(too_large(session.lang));
            }
            body.extend_from_slice(&chunk);
        }
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let fields = if content_type.starts_with("multipart/form-data") {
            super::multipart::parts(content_type, &body).unwrap_or_default()
        } else {
            form_urlencoded::parse(&body)
                .map(|(k, v)| (k.into_owned(), v.into_owned().into_bytes()))
                .collect()
        };
        let posted = Self { fields };
        session.check_csrf(req, posted.get(CSRF_FIELD).as_deref())?;
        Ok(posted)
    }

    /// The text of field `name` (the first, when repeated), trimmed.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| String::from_utf8_lossy(v).trim().to_owned())
    }

    /// The texts of every field `name` (a list of ticked checkboxes), trimmed, in the order
    /// sent.
    #[must_use]
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| String::from_utf8_lossy(v).trim().to_owned())
            .collect()
    }

    /// Every field's texts by name, trimmed, in the order sent: one look-up per field for a
    /// form of many fields.
    #[must_use]
    pub fn fields_by_name(&self) -> HashMap<String, Vec<String>> {
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in &self.fields {
            by_name
                .entry(k.clone())
                .or_default()
                .push(String::from_utf8_lossy(v).trim().to_owned());
        }
        by_name
    }

    /// The text of field `name`, empty when absent.
    #[must_use]
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default()
    }

    /// The text of field `name` as written (not trimmed): passwords.
    #[must_use]
    pub fn raw(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default()
    }

    /// Whether a checkbox `name` was ticked.
    #[must_use]
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| !v.is_empty())
    }

    /// Field `name` as a positive id.
    #[must_use]
    pub fn id(&self, name: &str) -> Option<i64> {
        self.get(name)
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|id| *id > 0)
    }

    /// The uploaded file: the `file` part of a multipart form, else the base64 `data` field a
    /// preview's confirmation carries. `None` when neither holds anything.
    #[must_use]
    pub fn file(&self) -> Option<Vec<u8>> {
        let uploaded = self
            .fields
            .iter()
            .find(|(k, _)| k == "file")
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty());
        uploaded.or_else(|| {
            self.get("data").and_then(|d| {
                base64::engine::general_purpose::STANDARD
                    .decode(d.as_bytes())
                    .ok()
            })
        })
    }
}

fn too_large(lang: Lang) -> WebError {
    WebError::page(
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        lang,
        &Words::new(lang).t("console-file-too-large-heading"),
        &Words::new(lang).t("console-file-too-large"),
    )
}

/// The problems of a request, rendered in the page's language, by the form field they belong
/// to, so that each shows beside its field; those of no field show at the top.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    by_field: HashMap<String, Vec<String>>,
    /// Problems that belong to no field of the form.
    pub general: Vec<String>,
}

impl FieldErrors {
    /// Every problem of `e`, under the field its path starts with when the form has that
    /// field (`fields`), else among the general ones.
    #[must_use]
    pub fn of(lang: Lang, e: &Error, fields: &[&str]) -> Self {
        let mut out = Self::default();
        for problem in e.details() {
            let text = problem.message.render(lang);
            let field = problem.field.as_ref().map(|f| {
                f.path
                    .split(['.', '['])
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
            match field {
                Some(f) if fields.contains(&f.as_str()) => {
                    out.by_field.entry(f).or_default().push(text);
                }
                _ => out.general.push(text),
            }
        }
        out
    }

    /// One problem of field `field`.
    pub fn add(&mut self, field: &str, text: String) {
        self.by_field
            .entry(field.to_owned())
            .or_default()
            .push(text);
    }

    /// The problems of `field`, joined; empty when it has none.
    #[must_use]
    pub fn on(&self, field: &str) -> String {
        self.by_field
            .get(field)
            .map(|v| v.join(" "))
            .unwrap_or_default()
    }

    /// Whether there is any problem.
    #[must_use]
    pub fn any(&self) -> bool {
        !self.general.is_empty() || !self.by_field.is_empty()
    }

    /// How many problems in all.
    #[must_use]
    pub fn count(&self) -> usize {
        self.general.len() + self.by_field.values().map(Vec::len).sum::<usize>()
    }
}

/// One cell of a preview table.
#[derive(Debug, Clone)]
pub struct PreviewCell {
    pub text: String,
    /// What is wrong with it, in the page's language; empty when nothing is.
    pub problem: String,
}

/// One row of a preview table.
#[derive(Debug, Clone)]
pub struct PreviewRow {
    /// The row as Excel numbers it.
    pub number: u32,
    pub cells: Vec<PreviewCell>,
    /// What is wrong with the row as a whole.
    pub problem: String,
    /// What storing it does, in words (empty for a bad row).
    pub status: String,
}

impl PreviewRow {
    /// Whether anything in the row is wrong.
    #[must_use]
    pub fn bad(&self) -> bool {
        !self.problem.is_empty() || self.cells.iter().any(|c| !c.problem.is_empty())
    }
}

/// An uploaded spreadsheet as the clerk sees it before anything is stored: its rows with
/// every bad row and cell marked, every problem listed, and the file kept for the
/// confirmation.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    /// The header row's cells.
    pub header: Vec<String>,
    pub rows: Vec<PreviewRow>,
    /// Every problem in file order, each with its place, in the page's language.
    pub problems: Vec<String>,
    /// Whether any problem stops the import.
    pub blocked: bool,
    /// "3 problems", in the page's language.
    pub count: String,
    /// The file, in base64, for the confirmation form.
    pub data: String,
}

impl Preview {
    /// The preview of `bytes` with `problems`, each row's status from `status`.
    #[must_use]
    pub fn new(
        lang: Lang,
        bytes: &[u8],
        problems: &[SheetProblem],
        status: impl Fn(u32) -> String,
    ) -> Self {
        let mut preview = Preview {
            problems: problems.iter().map(|p| p.render(lang)).collect(),
            blocked: canvass_protocol::sheets::has_errors(problems),
            count: canvass_protocol::sheets::count_message(problems.len()).render(lang),
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
            ..Preview::default()
        };
        let Ok(sheet) = read_table(bytes) else {
            return preview;
        };
        let width = sheet.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        if let Some(header) = sheet.header() {
            preview.header = (0..width)
                .map(|i| {
                    header
                        .cell(i)
                        .text()
                        .map(std::borrow::Cow::into_owned)
                        .unwrap_or_default()
                })
                .collect();
        }
        for row in sheet.data_rows() {
            let here: Vec<&SheetProblem> = problems
                .iter()
                .filter(|p| p.row == Some(row.number))
                .collect();
            let cells = (0..width)
                .map(|i| PreviewCell {
                    text: row
                        .cell(i)
                        .text()
                        .map(std::borrow::Cow::into_owned)
                        .unwrap_or_default(),
                    problem: here
                        .iter()
                        .filter(|p| {
                            p.column
                                .as_ref()
                                .is_some_and(|c| usize::try_from(c.index).ok() == Some(i))
                        })
                        .map(|p| p.message.render(lang))
                        .collect::<Vec<_>>()
                        .join(" "),
                })
                .collect();
            let problem = here
                .iter()
                .filter(|p| p.column.is_none())
                .map(|p| p.message.render(lang))
                .collect::<Vec<_>>()
                .join(" ");
            let mut shown = PreviewRow {
                number: row.number,
                cells,
                problem,
                status: String::new(),
            };
            if !shown.bad() {
                shown.status = status(row.number);
            }
            preview.rows.push(shown);
        }
        preview
    }
}

/// The preview page of an uploaded spreadsheet (`templates/console/preview.html`).
#[derive(Template)]
#[template(path = "console/preview.html")]
pub struct PreviewPage {
    pub w: Words,
    pub nav: Nav,
    pub heading: String,
    /// What confirming stores, in words.
    pub summary: String,
    pub preview: Preview,
    /// Where the confirmation posts.
    pub confirm: String,
    /// Where to upload another file.
    pub back: String,
}

/// The confirmation of a destructive action (`templates/console/confirm.html`): what will
/// happen, and a form that posts the same action again with `confirm=yes`.
#[derive(Template)]
#[template(path = "console/confirm.html")]
pub struct ConfirmPage {
    pub w: Words,
    pub nav: Nav,
    pub heading: String,
    /// What will happen, in words.
    pub what: String,
    /// Where the confirmation posts.
    pub action: String,
    /// The hidden fields to post again (besides the CSRF token and `confirm`).
    pub fields: Vec<(String, String)>,
    /// The confirm button's words.
    pub button: String,
    /// Where "cancel" leads.
    pub cancel: String,
}

/// Whether a posted destructive action carries its confirmation.
#[must_use]
pub fn confirmed(posted: &Posted) -> bool {
    posted.get("confirm").as_deref() == Some("yes")
}
