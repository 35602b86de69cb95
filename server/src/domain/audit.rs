//! The audit log: every action of an organiser or administrator (units, accounts, officials,
//! survey and round definitions and their publication, opening and closing, ballot codes, tally
//! sheets, answer exports, sign-ins) appended with who, what, when and the object, in a
//! hash-chained log (`db::audit`) that `canvass-server audit verify` checks. It never records
//! an answer, a ballot, a code or anything about a respondent: only account names and the ids
//! of organisers' objects. A sign-in is appended by `auth` itself, which has no `Caller` yet.
//!
//! Organisers and administrators read the entries of their subtree's accounts (administrators
//! without a unit read every entry) a page at a time, newest first, filtered by action,
//! account and day, each said in the reader's language, with the state of the whole chain; and
//! export them. The chain's head is what printed pages carry ([`chain_head`]).

use std::collections::HashMap;

use canvass_protocol::accounts::Role;
use canvass_protocol::audit::{short_head, AuditChain, AuditEntry, AuditLog};
use canvass_protocol::calendar::Day;
use canvass_protocol::forms::FormDefinition;
use canvass_protocol::i18n::{self, Lang, Message};
use canvass_protocol::rounds::RoundDefinition;
use canvass_protocol::{msg, ErrorCode};

use super::auth::{Action, Caller};
use super::error::{Error, Field, Kind, Problem};
use crate::db::{self, audit as store, DbConnection, StoreError};

pub use store::Verification;

/// Every action the log records, with the catalogue id (`audit.ftl`) that says it.
pub const ACTIONS: &[(&str, &str)] = &[
    ("sign_in", "audit-action-sign-in"),
    ("unit.create", "audit-action-unit-create"),
    ("unit.update", "audit-action-unit-update"),
    ("unit.delete", "audit-action-unit-delete"),
    ("unit.import", "audit-action-unit-import"),
    ("account.create", "audit-action-account-create"),
    ("account.update", "audit-action-account-update"),
    (
        "account.reset_password",
        "audit-action-account-reset-password",
    ),
    (
        "account.change_password",
        "audit-action-account-change-password",
    ),
    ("device.revoke", "audit-action-device-revoke"),
    ("official.create", "audit-action-official-create"),
    ("official.update", "audit-action-official-update"),
    ("official.import", "audit-action-official-import"),
    ("survey.create", "audit-action-survey-create"),
    ("survey.update", "audit-action-survey-update"),
    ("survey.publish", "audit-action-survey-publish"),
    ("survey.open", "audit-action-survey-open"),
    ("survey.close", "audit-action-survey-close"),
    (
        "survey.publish_results",
        "audit-action-survey-publish-results",
    ),
    ("rectification.create", "audit-action-rectification-create"),
    (
        "rectification.set_due",
        "audit-action-rectification-set-due",
    ),
    ("rectification.report", "audit-action-rectification-report"),
    ("rectification.return", "audit-action-rectification-return"),
    ("rectification.accept", "audit-action-rectification-accept"),
    ("rectification.export", "audit-action-rectification-export"),
    (
        "survey.print_questionnaire",
        "audit-action-survey-print-questionnaire",
    ),
    (
        "survey.export_answers",
        "audit-action-survey-export-answers",
    ),
    (
        "survey.export_results",
        "audit-action-survey-export-results",
    ),
    (
        "survey_codes.generate",
        "audit-action-survey-codes-generate",
    ),
    (
        "survey_codes.print_slips",
        "audit-action-survey-codes-print-slips",
    ),
    ("round.create", "audit-action-round-create"),
    ("round.update", "audit-action-round-update"),
    ("round.draft", "audit-action-round-draft"),
    ("round.open", "audit-action-round-open"),
    ("round.closed", "audit-action-round-closed"),
    ("round.published", "audit-action-round-published"),
    ("round.set_stations", "audit-action-round-set-stations"),
    ("round.print_ballot", "audit-action-round-print-ballot"),
    (
        "round.print_tally_sheet",
        "audit-action-round-print-tally-sheet",
    ),
    ("round.export_results", "audit-action-round-export-results"),
    (
        "ballot_codes.generate",
        "audit-action-ballot-codes-generate",
    ),
    ("tally_sheet.enter", "audit-action-tally-sheet-enter"),
    ("tally_sheet.correct", "audit-action-tally-sheet-correct"),
    ("audit.export", "audit-action-audit-export"),
];

/// Entries on a full page.
pub const PAGE_SIZE: u32 = 50;
/// The highest page number asked for that is taken seriously.
const MAX_PAGE: u32 = 1_000_000;
/// The longest account name a filter may hold, in characters.
const MAX_ACTOR_CHARS: usize = 64;

/// The catalogue id that says `action`, `None` for an action this build does not know.
#[must_use]
pub fn action_id(action: &str) -> Option<&'static str> {
    ACTIONS
        .iter()
        .find(|(a, _)| *a == action)
        .map(|(_, id)| *id)
}

/// `action` in the reader's language (as stored when this build does not know it).
#[must_use]
pub fn action_words(lang: Lang, action: &str) -> String {
    action_id(action).map_or_else(|| action.to_owned(), |id| i18n::tr(lang, id))
}

/// Records that `caller` did `action` (`round.open`) to `object` (`round:12`).
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    action: &str,
    object: &str,
) -> Result<(), Error> {
    append(
        conn,
        Some(caller.account.id),
        &caller.account.username,
        action,
        object,
    )
}

/// Appends an action of the operator on the server's command line (`canvass-server admin`),
/// who signs in as no account.
pub fn record_operator(conn: &mut DbConnection, action: &str, object: &str) -> Result<(), Error> {
    append(conn, None, "canvass-server", action, object)
}

fn append(
    conn: &mut DbConnection,
    actor_id: Option<i64>,
    actor: &str,
    action: &str,
    object: &str,
) -> Result<(), Error> {
    store::append(
        conn,
        &store::NewEntry {
            actor_id,
            actor,
            action,
            object,
        },
        db::now(),
    )?;
    Ok(())
}

/// Checks the whole chain: how many entries, its head, and the first entry that does not hold.
pub fn verify(conn: &mut DbConnection) -> Result<Verification, Error> {
    Ok(store::verify(conn)?)
}

/// What a reader asks of the log, as written in a query string or a form; [`Query::parse`]
/// checks it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// One action (`round.open`); empty or absent: every action.
    pub action: Option<String>,
    /// One account name.
    pub actor: Option<String>,
    /// The first day, `YYYY-MM-DD`, in the users' calendar.
    pub from: Option<String>,
    /// The last day, included.
    pub to: Option<String>,
    /// The page, from 1.
    pub page: Option<String>,
}

/// A checked [`Query`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub from: Option<Day>,
    pub to: Option<Day>,
    pub page: u32,
}

fn given(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

impl Query {
    /// The query checked: a known action, an account name of at most 64 characters, real days
    /// with the first not after the last, a page from 1; every problem at once, each on its
    /// field.
    pub fn parse(&self) -> Result<Checked, Error> {
        let mut problems = Vec::new();
        let mut checked = Checked {
            page: 1,
            ..Checked::default()
        };
        if let Some(action) = given(self.action.as_ref()) {
            if action_id(action).is_some() {
                checked.action = Some(action.to_owned());
            } else {
                problems.push(problem(
                    "action",
                    "audit-filter-action",
                    msg!("audit-error-action"),
                ));
            }
        }
        if let Some(actor) = given(self.actor.as_ref()) {
            if actor.chars().count() <= MAX_ACTOR_CHARS {
                checked.actor = Some(actor.to_owned());
            } else {
                problems.push(problem(
                    "actor",
                    "audit-filter-actor",
                    msg!("audit-error-actor", max = MAX_ACTOR_CHARS),
                ));
            }
        }
        for (field, label, value, into) in [
            ("from", "audit-filter-from", &self.from, &mut checked.from),
            ("to", "audit-filter-to", &self.to, &mut checked.to),
        ] {
            if let Some(text) = given(value.as_ref()) {
                match Day::parse(text) {
                    Some(day) => *into = Some(day),
                    None => problems.push(problem(field, label, msg!("audit-error-day"))),
                }
            }
        }
        if let (Some(from), Some(to)) = (checked.from, checked.to) {
            if from > to {
                problems.push(problem(
                    "to",
                    "audit-filter-to",
                    msg!("audit-error-days-order"),
                ));
            }
        }
        if let Some(page) = given(self.page.as_ref()) {
            match page.parse::<u32>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => checked.page = n,
                _ => problems.push(problem(
                    "page",
                    "audit-filter-page",
                    msg!("audit-error-page"),
                )),
            }
        }
        if problems.is_empty() {
            Ok(checked)
        } else {
            Err(Error::many(Kind::Invalid, problems, || {
                Error::internal(&"no problem")
            }))
        }
    }
}

fn problem(field: &str, label: &'static str, message: Message) -> Problem {
    Problem::new(ErrorCode::InvalidValue, message).at(Field::labelled(field, Message::new(label)))
}

/// The first moment of `day` in the users' calendar, in seconds since the epoch.
const fn start_of(day: Day) -> i64 {
    day.start()
}

/// A moment as `YYYY-MM-DD HH:MM` in the users' calendar.
#[must_use]
pub fn time_text(at: i64) -> String {
    let day = Day::of(at);
    let (y, m, d) = day.ymd();
    let secs = at - start_of(day);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Whether the caller may read the log: administrators and organisers.
fn may_read(caller: &Caller) -> Result<(), Error> {
    caller.require(
        matches!(caller.role(), Role::Admin | Role::Organiser),
        Action::ReadAuditLog,
    )
}

fn store_filter(caller: &Caller, checked: &Checked) -> store::Filter {
    store::Filter {
        scope: caller.scope_path().map(str::to_owned),
        action: checked.action.clone(),
        actor: checked.actor.clone(),
        from: checked.from.map(start_of),
        until: checked.to.map(|d| start_of(d.plus(1))),
    }
}

/// The chain's state in the reader's language.
fn chain_state(lang: Lang, v: &Verification) -> AuditChain {
    let broken_at = v.first_broken.map(|(id, _)| id);
    let entries = i64::try_from(v.entries).unwrap_or(i64::MAX);
    AuditChain {
        entries: v.entries,
        holds: broken_at.is_none(),
        verified_up_to: broken_at.map_or(entries, |b| b - 1),
        broken_at,
        broken_why: v.first_broken.map(|(_, why)| i18n::tr(lang, why)),
        head: v.head.clone(),
        head_short: short_head(&v.head),
    }
}

/// One page of the entries the caller may read that `query` picks, newest first, with the
/// state of the whole chain (administrators and organisers only).
pub fn page(
    conn: &mut DbConnection,
    caller: &Caller,
    query: &Query,
    lang: Lang,
) -> Result<AuditLog, Error> {
    may_read(caller)?;
    let checked = query.parse()?;
    let filter = store_filter(caller, &checked);
    let total = u64::try_from(store::count(conn, &filter)?).unwrap_or(0);
    let pages = u32::try_from(total.div_ceil(u64::from(PAGE_SIZE)))
        .unwrap_or(u32::MAX)
        .max(1);
    let offset = i64::from(checked.page - 1) * i64::from(PAGE_SIZE);
    let rows = store::list(conn, &filter, offset, i64::from(PAGE_SIZE))?;
    let chain = chain_state(lang, &store::verify(conn)?);
    let mut names = Names {
        lang,
        found: HashMap::new(),
    };
    let entries = rows
        .iter()
        .map(|row| entry(conn, &mut names, lang, row))
        .collect::<Result<_, _>>()?;
    Ok(AuditLog {
        chain,
        entries,
        total,
        page: checked.page,
        pages,
        page_size: PAGE_SIZE,
    })
}

/// Every entry the caller may read that `query` picks (its page ignored), newest first, for
/// an export; the export itself is recorded.
pub fn export(
    conn: &mut DbConnection,
    caller: &Caller,
    query: &Query,
    lang: Lang,
) -> Result<Vec<AuditEntry>, Error> {
    may_read(caller)?;
    let checked = query.parse()?;
    let filter = store_filter(caller, &checked);
    record(
        conn,
        caller,
        "audit.export",
        &format!("account:{}", caller.account.id),
    )?;
    let rows = store::list(conn, &filter, 0, i64::MAX)?;
    let mut names = Names {
        lang,
        found: HashMap::new(),
    };
    rows.iter()
        .map(|row| entry(conn, &mut names, lang, row))
        .collect()
}

/// The columns of an audit export, in the reader's language.
#[must_use]
pub fn export_header(lang: Lang) -> Vec<String> {
    [
        "audit-column-entry",
        "audit-column-time",
        "audit-column-actor",
        "audit-column-what",
        "audit-column-object-kind",
        "audit-column-object",
        "audit-column-details",
        "audit-column-hash",
    ]
    .iter()
    .map(|id| i18n::tr(lang, id))
    .collect()
}

/// An entry as a row of [`export_header`]'s columns.
#[must_use]
pub fn export_row(e: &AuditEntry) -> [String; 8] {
    [
        e.entry.to_string(),
        e.time.clone(),
        e.actor.clone(),
        e.what.clone(),
        e.object_kind.clone(),
        e.object_name.clone(),
        e.details.clone(),
        e.hash.clone(),
    ]
}

/// The chain's head as printed pages carry it, so that a printed page can be matched to the
/// log: the latest entry's number and hash. Read as stored; `canvass-server audit verify` and
/// the audit page say whether the chain up to it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// The latest entry's number (0 for an empty log).
    pub entry: i64,
    /// Its hash ([`store::GENESIS`] for an empty log).
    pub hash: String,
    /// The hash's short form.
    pub short: String,
}

impl ChainHead {
    /// "Audit log: entry 123, head 3f9a1c0b7e2d", in `lang` (by reference: templates pass
    /// their fields so).
    #[must_use]
    #[allow(clippy::trivially_copy_pass_by_ref)]
    pub fn words(&self, lang: &Lang) -> String {
        let lang = *lang;
        msg!(
            "audit-chain-head",
            entry = self.entry,
            head = self.short.as_str()
        )
        .render(lang)
    }
}

/// The chain's head now.
pub fn chain_head(conn: &mut DbConnection) -> Result<ChainHead, Error> {
    let (entry, hash) = store::head(conn)?.unwrap_or((0, store::GENESIS.to_owned()));
    Ok(ChainHead {
        entry,
        short: short_head(&hash),
        hash,
    })
}

/// The current names of the objects an export or a page names, each looked up once, in the
/// reader's language where a name has two.
struct Names {
    lang: Lang,
    found: HashMap<(String, i64), Option<String>>,
}

impl Names {
    fn get(
        &mut self,
        conn: &mut DbConnection,
        kind: &str,
        id: i64,
    ) -> Result<Option<String>, Error> {
        let key = (kind.to_owned(), id);
        if let Some(name) = self.found.get(&key) {
            return Ok(name.clone());
        }
        let found = match lookup(conn, self.lang, kind, id) {
            Ok(name) => name,
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        self.found.insert(key, found.clone());
        Ok(found)
    }
}

fn lookup(
    conn: &mut DbConnection,
    lang: Lang,
    kind: &str,
    id: i64,
) -> Result<Option<String>, StoreError> {
    Ok(match kind {
        "unit" => Some(db::units::find(conn, id)?.name),
        "account" => Some(db::accounts::find(conn, id)?.username),
        "official" => Some(db::rounds::find_official(conn, id)?.name),
        // read here rather than through `rounds` and `surveys`, which record into the log
        "round" => {
            let row = db::rounds::find_round(conn, id)?;
            serde_json::from_str::<RoundDefinition>(&row.definition)
                .ok()
                .map(|d| format!("{} {}", d.series.name, d.period))
        }
        "survey" => {
            let row = db::surveys::find(conn, id)?;
            let versions = db::surveys::versions(conn, id)?;
            row.current_version
                .and_then(|cv| versions.iter().find(|v| v.version == cv))
                .or(versions.last())
                .and_then(|v| serde_json::from_str::<FormDefinition>(&v.definition).ok())
                .map(|d| d.title.get(lang).to_owned())
        }
        // a rectification item, by the unit that rectifies
        "rectification" => {
            let item = db::rectification::find_item(conn, id)?;
            Some(db::units::find(conn, item.unit_id)?.name)
        }
        _ => None,
    })
}

/// The catalogue id naming a kind of object.
fn object_kind_id(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "unit" => "audit-object-unit",
        "units" => "audit-object-units",
        "account" => "audit-object-account",
        "official" => "audit-object-official",
        "officials" => "audit-object-officials",
        "round" => "audit-object-round",
        "survey" => "audit-object-survey",
        "rectification" => "audit-object-rectification",
        _ => return None,
    })
}

/// The catalogue id saying one detail of an object.
fn detail_id(key: &str) -> Option<&'static str> {
    Some(match key {
        "version" => "audit-detail-version",
        "group" => "audit-detail-group",
        "count" => "audit-detail-count",
        "station" => "audit-detail-station",
        "device" => "audit-detail-device",
        "stations" => "audit-detail-stations",
        "codes" => "audit-detail-survey-codes",
        "unit" => "audit-detail-unit",
        "village" => "audit-detail-village",
        _ => return None,
    })
}

fn entry(
    conn: &mut DbConnection,
    names: &mut Names,
    lang: Lang,
    row: &store::EntryRow,
) -> Result<AuditEntry, Error> {
    let mut parts = row
        .object
        .split('/')
        .map(|p| p.split_once(':').unwrap_or((p, "")));
    let (kind, value) = parts.next().unwrap_or(("", ""));
    let object_kind = object_kind_id(kind).map_or_else(|| kind.to_owned(), |id| i18n::tr(lang, id));
    let object_name = match (kind, value.parse::<i64>()) {
        ("units" | "officials", Ok(n)) => msg!("audit-object-how-many", count = n).render(lang),
        (_, Ok(id)) => match names.get(conn, kind, id)? {
            Some(name) => name,
            None => msg!("audit-object-number", id = id).render(lang),
        },
        _ => value.to_owned(),
    };
    let mut shown = Vec::new();
    for (key, value) in parts {
        // a unit or village detail (survey codes' scope) is named like an object
        let value = match (key, value.parse::<i64>()) {
            ("unit" | "village", Ok(id)) => names
                .get(conn, "unit", id)?
                .unwrap_or_else(|| msg!("audit-object-number", id = id).render(lang)),
            _ => value.to_owned(),
        };
        shown.push(match detail_id(key) {
            Some(id) => Message::new(id).arg("value", value).render(lang),
            None => format!("{key}: {value}"),
        });
    }
    let details = shown.join(i18n::tr_static(lang, "audit-list-separator"));
    Ok(AuditEntry {
        entry: row.id,
        at: row.at,
        time: time_text(row.at),
        actor: row.actor.clone(),
        action: row.action.clone(),
        what: action_words(lang, &row.action),
        object: row.object.clone(),
        object_kind,
        object_name,
        details,
        hash: row.hash.clone(),
    })
}
