//! Rectification (整改, DOMAIN.md "Rectification"): publishing a closed survey's results makes
//! an item of the rectification ledger (整改台账) for every unit the rectification rule picks,
//! in the same transaction; organisers add items by hand (a unit after a survey, a flagged
//! official after a round), set due dates, accept a report or send it back with a reason; the
//! unit's own leaders write the report, with files attached. Every step is kept with who and
//! when, and written to the audit log.
//!
//! Who may do what: everyone but field officers reads the items of units in their subtree;
//! organisers and administrators manage them; a report is written only by a leader's account
//! of the item's own unit.

use std::collections::HashMap;

use base64::Engine as _;
use canvass_protocol::accounts::Role;
use canvass_protocol::calendar::{day_of, Day};
use canvass_protocol::forms::Localized;
use canvass_protocol::i18n::Message;
use canvass_protocol::rectification::{
    AttachmentInfo, CreateItem, EventKind, Finding, ItemEvent, ItemStatus, LedgerCounts,
    NewAttachment, PublishedResults, RectificationDetail, RectificationItem, SendBack, SetDue,
    ShortQuestion, WriteReport,
};
use canvass_protocol::rounds::RoundStatus;
use canvass_protocol::stats::RectificationRule;
use canvass_protocol::surveys::SurveyResults;
use canvass_protocol::{msg, ErrorCode};

use super::auth::{Action, Caller};
use super::error::{Error, Field, Kind, Thing};
use super::units::visible_unit;
use super::{audit, rounds, surveys};
use crate::db::rectification::{self as store, ItemFilter, ItemRow, NewItem};
use crate::db::units::UnitRow;
use crate::db::{self, DbConnection, StoreError};

/// Largest file attached to a report, in bytes (5 MB).
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// Most files one report carries.
pub const MAX_ATTACHMENTS: usize = 3;
/// Longest report, reason or note, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// Longest file name kept, in characters (a longer one is cut).
pub const MAX_FILE_NAME_CHARS: usize = 120;
/// Largest body of a report sent as JSON: every file at its largest in base64, and the text.
pub const MAX_REPORT_JSON_BYTES: usize =
    MAX_ATTACHMENTS * (MAX_ATTACHMENT_BYTES.div_ceil(3) * 4 + 4096) + 64 * 1024;

/// A file sent with a report, its content decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub file_name: String,
    pub content: Vec<u8>,
}

/// The media type a file's first bytes say it is, among those a report may carry: PDF, JPEG,
/// PNG, and the Office Open XML workbook and document (a ZIP holding `xl/` or `word/`).
#[must_use]
pub fn sniff(content: &[u8]) -> Option<&'static str> {
    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }
    if content.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if content.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if content.starts_with(b"PK\x03\x04") && contains(content, b"[Content_Types].xml") {
        if contains(content, b"xl/workbook") {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        } else if contains(content, b"word/document") {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else {
            None
        }
    } else {
        None
    }
}

/// A file name as it is kept: no path, no control characters or characters a download name
/// cannot hold, at most [`MAX_FILE_NAME_CHARS`].
#[must_use]
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// The status an item shows on `today` (`YYYY-MM-DD`, UTC+8): its stored one, or `overdue` for
/// an open or returned item whose due date has passed (the due day itself is not overdue).
#[must_use]
pub fn shown_status(stored: &str, due_on: Option<&str>, today: &str) -> ItemStatus {
    let status = match stored {
        "reported" => ItemStatus::Reported,
        "returned" => ItemStatus::Returned,
        "closed" => ItemStatus::Closed,
        _ => ItemStatus::Open,
    };
    let late = due_on.is_some_and(|due| due < today);
    if late && matches!(status, ItemStatus::Open | ItemStatus::Returned) {
        ItemStatus::Overdue
    } else {
        status
    }
}

/// What the results of a survey found about unit `unit_id`: its score, rate, place and the
/// rating questions where it scored below the question's score over every target shown. A
/// figure hidden from leaders by disclosure control is left out, so the finding shows no more
/// than the results do; `by_rule` records the rule's threshold.
#[must_use]
pub fn survey_finding(results: &SurveyResults, unit_id: i64, by_rule: bool) -> Finding {
    let shown =
        |f: &canvass_protocol::surveys::Figure| f.hidden.is_none().then_some(f.value).flatten();
    let Some(target) = results.targets.iter().find(|t| t.unit_id == unit_id) else {
        return Finding::default();
    };
    let mut questions = Vec::new();
    for question in &target.questions {
        let Some(score) = question.composite_score.as_ref().and_then(shown) else {
            continue;
        };
        // the question's score over every target that shows it, weighted by its answers
        let (mut sum, mut n) = (0.0, 0_u64);
        for other in &results.targets {
            if let Some(q) = other.questions.iter().find(|q| q.id == question.id) {
                if let (Some(s), Some(count)) = (
                    q.composite_score.as_ref().and_then(shown),
                    q.composite_score
                        .as_ref()
                        .filter(|f| f.hidden.is_none())
                        .and_then(|f| f.n),
                ) {
                    #[allow(clippy::cast_precision_loss)] // counts stay far below 2^53
                    {
                        sum += s * count as f64;
                    }
                    n += count;
                }
            }
        }
        if n == 0 {
            continue;
        }
        #[allow(clippy::cast_precision_loss)] // counts stay far below 2^53
        let survey_score = sum / n as f64;
        if score < survey_score - 1e-9 {
            questions.push(ShortQuestion {
                id: question.id.clone(),
                label: question.label.clone(),
                score,
                survey_score,
                answered: question
                    .answered
                    .n
                    .filter(|_| question.answered.hidden.is_none()),
            });
        }
    }
    Finding {
        note: None,
        composite_score: shown(&target.composite_score),
        satisfaction_rate: shown(&target.satisfaction_rate),
        rank: target.rank,
        ranked: u32::try_from(results.ranking.len()).ok(),
        responses: target
            .responses
            .n
            .filter(|_| target.responses.hidden.is_none()),
        rectify_below_score: by_rule.then_some(results.rectify_below_score),
        questions,
        flags: Vec::new(),
    }
}

/// Whether a role manages rectification items.
#[must_use]
pub fn manages(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Organiser)
}

fn require_manager(caller: &Caller) -> Result<(), Error> {
    caller.require(manages(caller.role()), Action::ManageRectification)
}

fn require_reader(caller: &Caller) -> Result<(), Error> {
    caller.require(caller.role() != Role::Officer, Action::ReadRectification)
}

/// Loads item `id` and its unit, if the caller may read it: `not_found`, `forbidden` for a
/// field officer, `out_of_scope` for a unit outside the caller's subtree.
fn visible_item(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<(ItemRow, UnitRow), Error> {
    let row = match store::find_item(conn, id) {
        Ok(row) => row,
        Err(StoreError::NotFound) => return Err(Error::not_found(Thing::RectificationItem)),
        Err(e) => return Err(e.into()),
    };
    require_reader(caller)?;
    let unit = visible_unit(conn, caller, row.unit_id)?;
    Ok((row, unit))
}

fn today() -> String {
    day_of(db::now())
}

/// The names an item shows beside its ids, looked up once per list.
#[derive(Default)]
struct Names {
    units: HashMap<i64, String>,
    surveys: HashMap<i64, Localized>,
    rounds: HashMap<i64, String>,
    officials: HashMap<i64, String>,
}

impl Names {
    fn unit(&mut self, conn: &mut DbConnection, id: i64) -> Result<String, Error> {
        if let Some(name) = self.units.get(&id) {
            return Ok(name.clone());
        }
        let name = db::units::find(conn, id)?.name;
        self.units.insert(id, name.clone());
        Ok(name)
    }

    fn survey(&mut self, conn: &mut DbConnection, id: i64) -> Result<Localized, Error> {
        if let Some(title) = self.surveys.get(&id) {
            return Ok(title.clone());
        }
        let row = db::surveys::find(conn, id)?;
        let versions = db::surveys::versions(conn, id)?;
        let shown = row
            .current_version
            .and_then(|cv| versions.iter().find(|v| v.version == cv))
            .or(versions.last())
            .ok_or_else(|| Error::internal(&"a survey without versions"))?;
        let title = surveys::stored_definition(&shown.definition)?.title;
        self.surveys.insert(id, title.clone());
        Ok(title)
    }

    fn round(&mut self, conn: &mut DbConnection, id: i64) -> Result<String, Error> {
        if let Some(name) = self.rounds.get(&id) {
            return Ok(name.clone());
        }
        let info = rounds::round_info(&db::rounds::find_round(conn, id)?, "")?;
        let name = format!("{} {}", info.series_name, info.period);
        self.rounds.insert(id, name.clone());
        Ok(name)
    }

    fn official(&mut self, conn: &mut DbConnection, id: i64) -> Result<String, Error> {
        if let Some(name) = self.officials.get(&id) {
            return Ok(name.clone());
        }
        let name = db::rounds::find_official(conn, id)?.name;
        self.officials.insert(id, name.clone());
        Ok(name)
    }
}

fn to_api(
    conn: &mut DbConnection,
    names: &mut Names,
    row: &ItemRow,
    today: &str,
) -> Result<RectificationItem, Error> {
    let finding: Finding = serde_json::from_str(&row.finding).map_err(|e| Error::internal(&e))?;
    Ok(RectificationItem {
        id: row.id,
        unit_id: row.unit_id,
        unit_name: names.unit(conn, row.unit_id)?,
        survey_id: row.survey_id,
        survey_title: row.survey_id.map(|id| names.survey(conn, id)).transpose()?,
        round_id: row.round_id,
        round_name: row.round_id.map(|id| names.round(conn, id)).transpose()?,
        official_id: row.official_id,
        official_name: row
            .official_id
            .map(|id| names.official(conn, id))
            .transpose()?,
        by_rule: row.by_rule,
        finding,
        due_on: row.due_on.clone(),
        status: shown_status(&row.status, row.due_on.as_deref(), today),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn detail(conn: &mut DbConnection, id: i64) -> Result<RectificationDetail, Error> {
    let row = store::find_item(conn, id)?;
    let item = to_api(conn, &mut Names::default(), &row, &today())?;
    let mut files: HashMap<i64, Vec<AttachmentInfo>> = HashMap::new();
    for a in store::attachments(conn, id)? {
        files.entry(a.event_id).or_default().push(AttachmentInfo {
            id: a.id,
            file_name: a.file_name,
            media_type: a.media_type,
            size: u64::try_from(a.size).unwrap_or(0),
        });
    }
    let events = store::events(conn, id)?
        .into_iter()
        .map(|e| {
            let kind = EventKind::parse(&e.kind).unwrap_or(EventKind::Created);
            let (text, due_on) = match kind {
                EventKind::DueSet => (None, e.body),
                _ => (e.body, None),
            };
            ItemEvent {
                id: e.id,
                kind,
                actor: e.actor,
                at: e.at,
                text,
                due_on,
                attachments: files.remove(&e.id).unwrap_or_default(),
            }
        })
        .collect();
    Ok(RectificationDetail { item, events })
}

/// A required text of a step: trimmed, not empty (`missing_field` naming `label`), at most
/// [`MAX_TEXT_CHARS`].
fn required_text(text: &str, field: &str, label: Message) -> Result<String, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::new(
            Kind::Invalid,
            ErrorCode::MissingField,
            msg!("error-missing-field", field = label.clone()),
        )
        .at(Field::labelled(field, label)));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::invalid(
            Field::labelled(field, label.clone()),
            msg!(
                "error-rectification-text-too-long",
                field = label,
                max = MAX_TEXT_CHARS
            ),
        ));
    }
    Ok(text.to_string())
}

/// A due date: a real `YYYY-MM-DD` day, not before `today`.
pub fn checked_due(text: &str, today: &str) -> Result<String, Error> {
    let field = || Field::labelled("due_on", msg!("rectification-field-due"));
    let day = Day::parse(text.trim())
        .ok_or_else(|| Error::invalid(field(), msg!("error-due-date-invalid")))?
        .to_string();
    if day.as_str() < today {
        return Err(Error::invalid(
            field(),
            msg!("error-due-date-past", day = day.as_str()),
        ));
    }
    Ok(day)
}

/// Decodes the files of a report sent as JSON (base64): each must decode, hold something, be
/// at most [`MAX_ATTACHMENT_BYTES`] and be one of the types [`sniff`] knows; at most
/// [`MAX_ATTACHMENTS`].
pub fn decode_attachments(files: &[NewAttachment]) -> Result<Vec<Upload>, Error> {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = clean_file_name(&f.file_name);
            let content = base64::engine::general_purpose::STANDARD
                .decode(f.content_base64.trim())
                .map_err(|_| {
                    Error::invalid(
                        Field::labelled(format!("attachments[{i}]"), name.as_str()),
                        msg!("error-attachment-unreadable", file = name.as_str()),
                    )
                })?;
            Ok(Upload {
                file_name: name,
                content,
            })
        })
        .collect()
}

/// Checks the files of a report; returns each with its media type.
fn checked_uploads(uploads: Vec<Upload>) -> Result<Vec<(Upload, &'static str)>, Error> {
    if uploads.len() > MAX_ATTACHMENTS {
        return Err(Error::invalid(
            Field::labelled("attachments", msg!("rectification-field-attachments")),
            msg!("error-attachment-too-many", max = MAX_ATTACHMENTS),
        ));
    }
    uploads
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            let field = Field::labelled(format!("attachments[{i}]"), u.file_name.as_str());
            if u.content.is_empty() {
                return Err(Error::invalid(
                    field,
                    msg!("error-attachment-empty", file = u.file_name.as_str()),
                ));
            }
            if u.content.len() > MAX_ATTACHMENT_BYTES {
                return Err(Error::new(
                    Kind::TooLarge,
                    ErrorCode::PayloadTooLarge,
                    msg!(
                        "error-attachment-too-large",
                        file = u.file_name.as_str(),
                        limit = MAX_ATTACHMENT_BYTES / (1024 * 1024)
                    ),
                )
                .at(field));
            }
            let Some(media_type) = sniff(&u.content) else {
                return Err(Error::new(
                    Kind::UnsupportedFormat,
                    ErrorCode::AttachmentType,
                    msg!("error-attachment-type-of", file = u.file_name.as_str()),
                )
                .at(field));
            };
            Ok((u, media_type))
        })
        .collect()
}

fn object(id: i64) -> String {
    format!("rectification:{id}")
}

/// Stores a new item with its `created` step (and `due_set`, when it has a due date), and
/// writes it to the audit log; in the caller's transaction. Returns its id.
fn insert(
    conn: &mut DbConnection,
    caller: &Caller,
    new: &NewItem<'_>,
    now: i64,
) -> Result<i64, Error> {
    let id = store::insert_item(conn, new, now)?;
    store::insert_event(
        conn,
        id,
        EventKind::Created.as_str(),
        caller.account.id,
        now,
        None,
    )?;
    if let Some(due) = new.due_on {
        store::insert_event(
            conn,
            id,
            EventKind::DueSet.as_str(),
            caller.account.id,
            now,
            Some(due),
        )?;
    }
    audit::record(conn, caller, "rectification.create", &object(id))?;
    Ok(id)
}

/// Publishes the results of closed survey `survey_id` (organisers and admins in scope): in one
/// transaction, records when and by whom, and makes an item for every unit `rule` picks.
pub fn publish_results(
    conn: &mut DbConnection,
    caller: &Caller,
    survey_id: i64,
    rule: RectificationRule,
) -> Result<PublishedResults, Error> {
    let row = surveys::visible_survey(conn, caller, survey_id)?;
    surveys::check_manage(conn, caller, &row)?;
    if row.status != "closed" {
        return Err(Error::conflict(
            ErrorCode::SurveyNotClosed,
            ErrorCode::SurveyNotClosed.message(),
        ));
    }
    let now = db::now();
    let ids = db::write_transaction(conn, |conn| {
        if store::results_published(conn, survey_id)?.is_some() {
            return Err(Error::conflict(
                ErrorCode::ResultsAlreadyPublished,
                ErrorCode::ResultsAlreadyPublished.message(),
            ));
        }
        let results = surveys::results(conn, caller, survey_id, rule)?;
        store::mark_results_published(conn, survey_id, caller.account.id, now)?;
        let mut ids = Vec::new();
        for picked in &results.rectification {
            let finding = survey_finding(&results, picked.unit_id, true);
            let json = serde_json::to_string(&finding).map_err(|e| Error::internal(&e))?;
            ids.push(insert(
                conn,
                caller,
                &NewItem {
                    unit_id: picked.unit_id,
                    survey_id: Some(survey_id),
                    round_id: None,
                    official_id: None,
                    by_rule: true,
                    finding: &json,
                    due_on: None,
                    created_by: caller.account.id,
                },
                now,
            )?);
        }
        audit::record(
            conn,
            caller,
            "survey.publish_results",
            &format!("survey:{survey_id}"),
        )?;
        Ok::<_, Error>(ids)
    })?;
    tracing::info!(
        survey = survey_id,
        items = ids.len(),
        by = caller.account.id,
        "survey results published"
    );
    let today = today();
    let mut names = Names::default();
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        let row = store::find_item(conn, id)?;
        items.push(to_api(conn, &mut names, &row, &today)?);
    }
    Ok(PublishedResults {
        survey_id,
        published_at: now,
        items,
    })
}

/// Adds an item by hand (organisers and admins in scope): for a unit rated by a closed survey,
/// or for an official flagged in a round whose results are published.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    body: &CreateItem,
    rule: RectificationRule,
) -> Result<RectificationDetail, Error> {
    require_manager(caller)?;
    let note = required_text(&body.note, "note", msg!("rectification-field-note"))?;
    let today = today();
    let due = body
        .due_on
        .as_deref()
        .map(|d| checked_due(d, &today))
        .transpose()?;
    let (unit_id, survey_id, round_id, official_id, mut finding) = match (
        body.survey_id,
        body.unit_id,
        body.round_id,
        body.official_id,
    ) {
        (Some(survey_id), Some(unit_id), None, None) => {
            let row =
                surveys::visible_survey(conn, caller, survey_id).map_err(|e| e.at("survey_id"))?;
            surveys::check_manage(conn, caller, &row)?;
            if row.status != "closed" {
                return Err(Error::conflict(
                    ErrorCode::SurveyNotClosed,
                    msg!("error-rectification-survey-open"),
                ));
            }
            let unit = visible_unit(conn, caller, unit_id).map_err(|e| e.at("unit_id"))?;
            if !db::surveys::targets(conn, survey_id)?
                .iter()
                .any(|t| t.unit_id == unit_id)
            {
                return Err(Error::invalid(
                    Field::labelled("unit_id", unit.name.as_str()),
                    msg!("error-rectification-not-target", unit = unit.name.as_str()),
                ));
            }
            if store::survey_item_exists(conn, survey_id, unit_id)? {
                return Err(Error::conflict(
                    ErrorCode::RectificationExists,
                    msg!("error-rectification-exists", unit = unit.name.as_str()),
                ));
            }
            let results = surveys::results(conn, caller, survey_id, rule)?;
            let finding = survey_finding(&results, unit_id, false);
            (unit_id, Some(survey_id), None, None, finding)
        }
        (None, None, Some(round_id), Some(official_id)) => {
            let row =
                rounds::visible_round(conn, caller, round_id).map_err(|e| e.at("round_id"))?;
            caller.require(
                rounds::manages_rounds(caller.role()),
                Action::ManageRectification,
            )?;
            if rounds::round_info(&row, "")?.status != RoundStatus::Published {
                return Err(Error::conflict(
                    ErrorCode::RoundStateConflict,
                    msg!("error-rectification-round-unpublished"),
                ));
            }
            let official = match db::rounds::find_official(conn, official_id) {
                Ok(o) => o,
                Err(StoreError::NotFound) => {
                    return Err(Error::not_found(Thing::Official).at("official_id"))
                }
                Err(e) => return Err(e.into()),
            };
            visible_unit(conn, caller, official.unit_id).map_err(|e| e.at("official_id"))?;
            let report = rounds::report(conn, caller, round_id, "")?;
            let flags: Vec<String> = report
                .flags
                .iter()
                .filter(|f| f.flagged_official == Some(official_id))
                .map(|f| f.rule.label.clone())
                .collect();
            if flags.is_empty() {
                return Err(Error::invalid(
                    Field::labelled("official_id", official.name.as_str()),
                    msg!(
                        "error-rectification-not-flagged",
                        official = official.name.as_str()
                    ),
                ));
            }
            if store::round_item_exists(conn, round_id, official_id)? {
                return Err(Error::conflict(
                    ErrorCode::RectificationExists,
                    msg!("error-rectification-exists", unit = official.name.as_str()),
                ));
            }
            let finding = Finding {
                flags,
                ..Finding::default()
            };
            (
                official.unit_id,
                None,
                Some(round_id),
                Some(official_id),
                finding,
            )
        }
        _ => {
            return Err(Error::invalid(
                "survey_id",
                msg!("error-rectification-source"),
            ))
        }
    };
    finding.note = Some(note);
    let json = serde_json::to_string(&finding).map_err(|e| Error::internal(&e))?;
    let now = db::now();
    let id = db::write_transaction(conn, |conn| {
        insert(
            conn,
            caller,
            &NewItem {
                unit_id,
                survey_id,
                round_id,
                official_id,
                by_rule: false,
                finding: &json,
                due_on: due.as_deref(),
                created_by: caller.account.id,
            },
            now,
        )
    })?;
    detail(conn, id)
}

/// What the ledger is narrowed to, as the query string says it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerQuery {
    pub status: Option<String>,
    pub survey_id: Option<String>,
    pub round_id: Option<String>,
    pub unit_id: Option<String>,
}

/// A checked [`LedgerQuery`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LedgerFilter {
    pub status: Option<ItemStatus>,
    pub stored: ItemFilterIds,
}

/// The ids a ledger may be narrowed to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ItemFilterIds {
    pub survey_id: Option<i64>,
    pub round_id: Option<i64>,
    pub unit_id: Option<i64>,
}

impl LedgerQuery {
    /// Checks the filters: a known status, ids that are ids (`invalid_value` naming the
    /// filter otherwise); empty ones are no filter.
    pub fn check(&self) -> Result<LedgerFilter, Error> {
        let id = |field: &str, raw: &Option<String>| -> Result<Option<i64>, Error> {
            match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => s
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Some)
                    .ok_or_else(|| Error::invalid(field, msg!("error-invalid-filter", value = s))),
            }
        };
        let status = match self
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => Some(ItemStatus::parse(s).ok_or_else(|| {
                Error::invalid("status", msg!("error-invalid-filter", value = s))
            })?),
        };
        Ok(LedgerFilter {
            status,
            stored: ItemFilterIds {
                survey_id: id("survey_id", &self.survey_id)?,
                round_id: id("round_id", &self.round_id)?,
                unit_id: id("unit_id", &self.unit_id)?,
            },
        })
    }
}

/// The items of the caller's subtree, newest first, narrowed by `filter`.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    filter: LedgerFilter,
) -> Result<Vec<RectificationItem>, Error> {
    require_reader(caller)?;
    let rows = store::items_in(
        conn,
        caller.scope_path(),
        ItemFilter {
            survey_id: filter.stored.survey_id,
            round_id: filter.stored.round_id,
            unit_id: filter.stored.unit_id,
        },
    )?;
    let today = today();
    let mut names = Names::default();
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        if let Some(wanted) = filter.status {
            if shown_status(&row.status, row.due_on.as_deref(), &today) != wanted {
                continue;
            }
        }
        out.push(to_api(conn, &mut names, row, &today)?);
    }
    Ok(out)
}

/// How many items of the caller's subtree stand where.
pub fn counts(conn: &mut DbConnection, caller: &Caller) -> Result<LedgerCounts, Error> {
    require_reader(caller)?;
    let today = today();
    let mut counts = LedgerCounts::default();
    for row in store::items_in(conn, caller.scope_path(), ItemFilter::default())? {
        match shown_status(&row.status, row.due_on.as_deref(), &today) {
            ItemStatus::Open | ItemStatus::Returned => counts.open += 1,
            ItemStatus::Overdue => {
                counts.open += 1;
                counts.overdue += 1;
            }
            ItemStatus::Reported => {
                counts.open += 1;
                counts.reported += 1;
            }
            ItemStatus::Closed => counts.closed += 1,
        }
    }
    Ok(counts)
}

/// One item with its history.
pub fn get(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<RectificationDetail, Error> {
    visible_item(conn, caller, id)?;
    detail(conn, id)
}

/// What the caller may do to an item now, for the pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allowed {
    pub set_due: bool,
    pub report: bool,
    pub review: bool,
}

/// What `caller` may do to `item` now.
#[must_use]
pub fn allowed(caller: &Caller, item: &RectificationItem) -> Allowed {
    let manager = manages(caller.role());
    let own = caller.role() == Role::Leader && caller.account.unit_id == Some(item.unit_id);
    Allowed {
        set_due: manager && item.status != ItemStatus::Closed,
        report: own
            && matches!(
                item.status,
                ItemStatus::Open | ItemStatus::Returned | ItemStatus::Overdue
            ),
        review: manager && item.status == ItemStatus::Reported,
    }
}

fn closed() -> Error {
    Error::conflict(
        ErrorCode::RectificationClosed,
        ErrorCode::RectificationClosed.message(),
    )
}

/// Sets or changes item `id`'s due date (organisers and admins in scope).
pub fn set_due(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    body: &SetDue,
) -> Result<RectificationDetail, Error> {
    let (row, _) = visible_item(conn, caller, id)?;
    require_manager(caller)?;
    if row.status == "closed" {
        return Err(closed());
    }
    let due = checked_due(&body.due_on, &today())?;
    let now = db::now();
    db::write_transaction(conn, |conn| {
        if !store::set_due(conn, id, &due, now)? {
            return Err(closed());
        }
        store::insert_event(
            conn,
            id,
            EventKind::DueSet.as_str(),
            caller.account.id,
            now,
            Some(&due),
        )?;
        audit::record(conn, caller, "rectification.set_due", &object(id))
    })?;
    detail(conn, id)
}

/// The refusal of a step on an item whose stored status is `stored` and is not one the step
/// starts from.
fn wrong_state(stored: &str) -> Error {
    match stored {
        "closed" => closed(),
        "reported" => Error::conflict(
            ErrorCode::RectificationAwaitingReview,
            ErrorCode::RectificationAwaitingReview.message(),
        ),
        _ => Error::conflict(
            ErrorCode::RectificationNotReported,
            ErrorCode::RectificationNotReported.message(),
        ),
    }
}

/// Writes the unit's report on item `id` (a leader's account of the item's own unit), with its
/// files: the item is then `reported`. Refused on a closed item and while a report waits.
pub fn report(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    text: &str,
    uploads: Vec<Upload>,
) -> Result<RectificationDetail, Error> {
    let (row, unit) = visible_item(conn, caller, id)?;
    if caller.role() != Role::Leader {
        caller.require(false, Action::WriteRectificationReport)?;
    }
    if caller.account.unit_id != Some(row.unit_id) {
        return Err(Error::forbidden(msg!(
            "error-rectification-not-own-unit",
            unit = unit.name.as_str()
        )));
    }
    if !matches!(row.status.as_str(), "open" | "returned") {
        return Err(wrong_state(&row.status));
    }
    let text = required_text(text, "text", msg!("rectification-field-report"))?;
    let files = checked_uploads(uploads)?;
    let now = db::now();
    db::write_transaction(conn, |conn| {
        if !store::move_status(conn, id, &["open", "returned"], "reported", now)? {
            return Err(wrong_state(&store::find_item(conn, id)?.status));
        }
        let event = store::insert_event(
            conn,
            id,
            EventKind::Reported.as_str(),
            caller.account.id,
            now,
            Some(&text),
        )?;
        for (upload, media_type) in &files {
            store::insert_attachment(
                conn,
                id,
                event,
                &upload.file_name,
                media_type,
                &upload.content,
            )?;
        }
        audit::record(conn, caller, "rectification.report", &object(id))
    })?;
    detail(conn, id)
}

/// [`report`] of a body sent as JSON, its files in base64.
pub fn report_json(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    body: &WriteReport,
) -> Result<RectificationDetail, Error> {
    let uploads = decode_attachments(&body.attachments)?;
    report(conn, caller, id, &body.text, uploads)
}

/// Accepts the report waiting on item `id` (organisers and admins in scope): the item is
/// closed.
pub fn accept(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<RectificationDetail, Error> {
    visible_item(conn, caller, id)?;
    require_manager(caller)?;
    let now = db::now();
    db::write_transaction(conn, |conn| {
        if !store::move_status(conn, id, &["reported"], "closed", now)? {
            return Err(wrong_state(&store::find_item(conn, id)?.status));
        }
        store::insert_event(
            conn,
            id,
            EventKind::Accepted.as_str(),
            caller.account.id,
            now,
            None,
        )?;
        audit::record(conn, caller, "rectification.accept", &object(id))
    })?;
    detail(conn, id)
}

/// Sends the report waiting on item `id` back with a reason (organisers and admins in scope):
/// the unit writes again.
pub fn send_back(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
    body: &SendBack,
) -> Result<RectificationDetail, Error> {
    visible_item(conn, caller, id)?;
    require_manager(caller)?;
    let reason = required_text(&body.reason, "reason", msg!("rectification-field-reason"))?;
    let now = db::now();
    db::write_transaction(conn, |conn| {
        if !store::move_status(conn, id, &["reported"], "returned", now)? {
            return Err(wrong_state(&store::find_item(conn, id)?.status));
        }
        store::insert_event(
            conn,
            id,
            EventKind::Returned.as_str(),
            caller.account.id,
            now,
            Some(&reason),
        )?;
        audit::record(conn, caller, "rectification.return", &object(id))
    })?;
    detail(conn, id)
}

/// A file attached to item `item_id`, for those who may read the item: name, type, content.
pub fn attachment(
    conn: &mut DbConnection,
    caller: &Caller,
    item_id: i64,
    id: i64,
) -> Result<(String, String, Vec<u8>), Error> {
    visible_item(conn, caller, item_id)?;
    store::attachment_content(conn, item_id, id)?.ok_or_else(|| Error::not_found(Thing::Attachment))
}

/// Records that `caller` exported the ledger (once it is known to be answered).
pub fn ledger_exported(conn: &mut DbConnection, caller: &Caller) -> Result<(), Error> {
    audit::record(conn, caller, "rectification.export", "rectification:ledger")
}

/// When survey `survey_id`'s results were published.
pub fn results_published(conn: &mut DbConnection, survey_id: i64) -> Result<Option<i64>, Error> {
    Ok(store::results_published(conn, survey_id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results of three units on one rating question: 东山镇 scores 90 on 10 answers, 西山镇
    /// 70 on 8, 南山镇 40 on 6, whose question count is hidden from leaders (a complement).
    fn results() -> SurveyResults {
        let figure = |value: f64, n: u32| serde_json::json!({"value": value, "n": n});
        let target = |id: i64, name: &str, score: f64, n: u32, hidden: bool| {
            let mut answered = figure(f64::from(n), n);
            if hidden {
                answered["hidden"] = serde_json::json!({"kind": "complementary"});
            }
            serde_json::json!({
                "unit_id": id, "name": name, "responses": figure(f64::from(n), n),
                "satisfaction_rate": figure(0.5, n), "composite_score": figure(score, n),
                "rank": null,
                "questions": [{"id": "overall", "label": {"zh-CN": "总体评价"}, "kind": "rating",
                    "answered": answered, "options": [], "composite_score": figure(score, n)}],
                "comments": {"items": []}
            })
        };
        let mut r: SurveyResults = serde_json::from_value(serde_json::json!({
            "survey_id": 1, "title": {"zh-CN": "测评"}, "status": "closed", "min_group_size": 5,
            "comment_min_group_size": 10, "exact": true, "version": 1,
            "total_responses": figure(24.0, 24),
            "targets": [target(1, "东山镇", 90.0, 10, false), target(2, "西山镇", 70.0, 8, false),
                        target(3, "南山镇", 40.0, 6, true)],
            "ranking": [], "top": [], "bottom": [], "villages": []
        }))
        .unwrap();
        r.targets[2].rank = Some(3);
        r.ranking = vec![
            canvass_protocol::surveys::RankedTarget {
                rank: 1,
                unit_id: 1,
                name: "东山镇".into(),
                composite_score: 90.0,
                n: 10,
                responses: 10,
            };
            3
        ];
        r
    }

    #[test]
    fn a_finding_names_the_questions_below_the_surveys_score_and_hides_what_leaders_do_not_see() {
        let r = results();
        let south = survey_finding(&r, 3, true);
        assert_eq!(south.composite_score, Some(40.0));
        assert_eq!((south.rank, south.ranked), (Some(3), Some(3)));
        assert_eq!(south.responses, Some(6));
        assert_eq!(south.rectify_below_score, Some(60.0));
        assert_eq!(south.questions.len(), 1);
        let q = &south.questions[0];
        assert_eq!(q.id, "overall");
        // over every unit that shows it: (90 × 10 + 70 × 8 + 40 × 6) / 24
        assert!(
            (q.survey_score - 1700.0 / 24.0).abs() < 1e-9,
            "{}",
            q.survey_score
        );
        assert_eq!(q.answered, None, "a count hidden from leaders is left out");
        // a unit above the survey's score on every question fell short nowhere
        let east = survey_finding(&r, 1, false);
        assert!(east.questions.is_empty());
        assert_eq!(east.rectify_below_score, None);
        assert_eq!(survey_finding(&r, 99, true), Finding::default());
    }

    #[test]
    fn files_are_recognised_by_their_content_not_their_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some("image/png")
        );
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml";
        assert_eq!(
            sniff(docx),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        let xlsx = b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml";
        assert_eq!(
            sniff(xlsx),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert_eq!(sniff(b"PK\x03\x04 a plain zip"), None);
        assert_eq!(sniff(b"MZ\x90\x00 an executable"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn file_names_lose_their_path_and_unsafe_characters() {
        assert_eq!(clean_file_name("C:\\报告\\整改报告.pdf"), "整改报告.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b<c>.png"), "a_b_c_.png");
        assert_eq!(clean_file_name("  \u{7} "), "file");
        assert_eq!(clean_file_name(&"长".repeat(300)).chars().count(), 120);
    }

    #[test]
    fn an_item_is_overdue_only_while_the_unit_owes_a_report_past_its_day() {
        let today = "2026-12-08";
        assert_eq!(shown_status("open", None, today), ItemStatus::Open);
        assert_eq!(
            shown_status("open", Some("2026-12-08"), today),
            ItemStatus::Open
        );
        assert_eq!(
            shown_status("open", Some("2026-12-07"), today),
            ItemStatus::Overdue
        );
        assert_eq!(
            shown_status("returned", Some("2026-12-01"), today),
            ItemStatus::Overdue
        );
        assert_eq!(
            shown_status("reported", Some("2026-12-01"), today),
            ItemStatus::Reported
        );
        assert_eq!(
            shown_status("closed", Some("2026-12-01"), today),
            ItemStatus::Closed
        );
    }

    #[test]
    fn a_due_date_is_a_real_day_not_in_the_past() {
        assert_eq!(
            checked_due("2026-12-31", "2026-12-08").unwrap(),
            "2026-12-31"
        );
        assert_eq!(
            checked_due("2026-12-08", "2026-12-08").unwrap(),
            "2026-12-08"
        );
        for bad in ["2026-12-07", "2026-02-30", "31.12.2026", ""] {
            let e = checked_due(bad, "2026-12-08").unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidValue, "{bad}");
            assert_eq!(e.field().unwrap().path, "due_on");
        }
    }

    #[test]
    fn bad_uploads_are_refused_with_their_own_codes() {
        let pdf = |n: usize| {
            let mut v = b"%PDF-1.4".to_vec();
            v.resize(n, b' ');
            v
        };
        let upload = |name: &str, content: Vec<u8>| Upload {
            file_name: name.into(),
            content,
        };
        let ok = checked_uploads(vec![upload("a.pdf", pdf(100))]).unwrap();
        assert_eq!(ok[0].1, "application/pdf");
        let big = checked_uploads(vec![upload("a.pdf", pdf(MAX_ATTACHMENT_BYTES + 1))]);
        assert_eq!(big.unwrap_err().code(), ErrorCode::PayloadTooLarge);
        let exe = checked_uploads(vec![upload("a.pdf", b"MZ....".to_vec())]).unwrap_err();
        assert_eq!(exe.code(), ErrorCode::AttachmentType);
        assert_eq!(exe.field().unwrap().path, "attachments[0]");
        let many = checked_uploads((0..4).map(|_| upload("a.pdf", pdf(10))).collect());
        assert_eq!(many.unwrap_err().code(), ErrorCode::InvalidValue);
        let unreadable = decode_attachments(&[NewAttachment {
            file_name: "a.pdf".into(),
            content_base64: "not base64!".into(),
        }]);
        assert_eq!(unreadable.unwrap_err().code(), ErrorCode::InvalidValue);
    }
}
