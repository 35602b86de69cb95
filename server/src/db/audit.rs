//! The audit log's storage: entries appended one after the other, each holding the hash of the
//! one before it and its own hash over both, and the check of the whole chain.
//!
//! An entry's hash is SHA-256 over the previous entry's hash and the entry's fields (its id
//! included), so changing, removing, inserting or reordering an entry breaks the chain at that
//! entry or the next. Entries are appended under a lock (SQLite's write lock; a transaction lock
//! on PostgreSQL), so every server on one database extends the same chain.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::schema::audit_log;
use super::{DbConnection, StoreError};

/// The hash the first entry points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The key of the PostgreSQL transaction lock that orders appends.
const APPEND_LOCK: i64 = 0x6361_6e76_6175_6469; // "canvaudi"

/// What an entry says; the chain adds its id, time and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry<'a> {
    /// The account that acted (`None`: the server itself, or a sign-in by an unknown name).
    pub actor_id: Option<i64>,
    /// Its username, as it was then.
    pub actor: &'a str,
    /// What was done: `round.open`, `account.update`, `sign_in` …
    pub action: &'a str,
    /// What it was done to: `round:12`, `unit:4` …
    pub object: &'a str,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct EntryRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry with these fields after `prev_hash`.
#[must_use]
pub fn entry_hash(prev_hash: &str, id: i64, at: i64, entry: &NewEntry<'_>) -> String {
    let mut hasher = Sha256::new();
    let actor_id = entry.actor_id.map_or_else(String::new, |a| a.to_string());
    // each field ends with a NUL, which no stored text holds, so fields cannot run together
    for field in [
        prev_hash,
        &id.to_string(),
        &at.to_string(),
        &actor_id,
        entry.actor,
        entry.action,
        entry.object,
    ] {
        hasher.update(field.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// Appends `entry` at `now` to the chain; its id.
pub fn append(conn: &mut DbConnection, entry: &NewEntry<'_>, now: i64) -> Result<i64, StoreError> {
    crate::db::write_transaction(conn, |conn| {
        if let DbConnection::Pg(pg) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<diesel::sql_types::BigInt, _>(APPEND_LOCK)
                .execute(pg)?;
        }
        let last = audit_log::table
            .select(diesel::dsl::max(audit_log::id))
            .get_result::<Option<i64>>(conn)?;
        let (id, prev_hash) = match last {
            Some(last) => (
                last + 1,
                audit_log::table
                    .find(last)
                    .select(audit_log::hash)
                    .get_result::<String>(conn)?,
            ),
            None => (1, GENESIS.to_string()),
        };
        let hash = entry_hash(&prev_hash, id, now, entry);
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::id.eq(id),
                audit_log::at.eq(now),
                audit_log::actor_id.eq(entry.actor_id),
                audit_log::actor.eq(entry.actor),
                audit_log::action.eq(entry.action),
                audit_log::object.eq(entry.object),
                audit_log::prev_hash.eq(&prev_hash),
                audit_log::hash.eq(&hash),
            ))
            .execute(conn)?;
        Ok(id)
    })
}

/// Which entries a reader asks for; every condition that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only entries of accounts whose unit lies in the subtree with this path; `None`: every
    /// entry, the server's own and unknown names' included.
    pub scope: Option<String>,
    /// Only this action (`round.open`).
    pub action: Option<String>,
    /// Only this account name.
    pub actor: Option<String>,
    /// Only entries at or after this moment (seconds since the epoch).
    pub from: Option<i64>,
    /// Only entries before this moment.
    pub until: Option<i64>,
}

type Backend = <DbConnection as diesel::Connection>::Backend;

fn filtered(filter: &Filter) -> audit_log::BoxedQuery<'static, Backend> {
    use super::schema::{accounts, units};
    let mut query = audit_log::table.into_boxed();
    if let Some(path) = &filter.scope {
        query = query.filter(
            audit_log::actor_id.eq_any(
                accounts::table
                    .inner_join(units::table)
                    .filter(units::path.like(format!("{path}%")))
                    .select(accounts::id.nullable()),
            ),
        );
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_log::actor.eq(actor.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::at.lt(until));
    }
    query
}

/// How many entries `filter` picks.
pub fn count(conn: &mut DbConnection, filter: &Filter) -> Result<i64, StoreError> {
    Ok(filtered(filter).count().get_result(conn)?)
}

/// Up to `limit` entries that `filter` picks, newest first, after skipping `offset`.
pub fn list(
    conn: &mut DbConnection,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> Result<Vec<EntryRow>, StoreError> {
    Ok(filtered(filter)
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .select(EntryRow::as_select())
        .load(conn)?)
}

/// The latest entry's number and hash (the chain's head), `None` for an empty log. Read as
/// stored, not verified: [`verify`] says whether the chain up to it holds.
pub fn head(conn: &mut DbConnection) -> Result<Option<(i64, String)>, StoreError> {
    let last = audit_log::table
        .select(diesel::dsl::max(audit_log::id))
        .get_result::<Option<i64>>(conn)?;
    match last {
        Some(id) => Ok(Some((
            id,
            audit_log::table
                .find(id)
                .select(audit_log::hash)
                .get_result::<String>(conn)?,
        ))),
        None => Ok(None),
    }
}

/// What a check of the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries read.
    pub entries: u64,
    /// The hash of the last entry (the chain's head), [`GENESIS`] for an empty log.
    pub head: String,
    /// The first entry that does not hold: its id and why (a message id of `server.ftl`).
    pub first_broken: Option<(i64, &'static str)>,
}

/// Checks the whole chain in order: each entry's ids follow one another, it points back to the
/// hash of the one before, and its own hash is that of its fields.
pub fn verify(conn: &mut DbConnection) -> Result<Verification, StoreError> {
    let rows = audit_log::table
        .order(audit_log::id.asc())
        .select(EntryRow::as_select())
        .load(conn)?;
    Ok(verify_rows(&rows))
}

/// The check of [`verify`] on rows already read, in id order.
#[must_use]
pub fn verify_rows(rows: &[EntryRow]) -> Verification {
    let mut head = GENESIS.to_string();
    let mut entries = 0;
    for (expected_id, row) in (1_i64..).zip(rows) {
        entries += 1;
        let broken = if row.id != expected_id {
            Some("server-audit-why-moved")
        } else if row.prev_hash != head {
            Some("server-audit-why-link")
        } else if row.hash
            != entry_hash(
                &row.prev_hash,
                row.id,
                row.at,
                &NewEntry {
                    actor_id: row.actor_id,
                    actor: &row.actor,
                    action: &row.action,
                    object: &row.object,
                },
            )
        {
            Some("server-audit-why-changed")
        } else {
            None
        };
        if let Some(why) = broken {
            return Verification {
                entries,
                head: rows.last().map_or(head, |r| r.hash.clone()),
                first_broken: Some((row.id, why)),
            };
        }
        head.clone_from(&row.hash);
    }
    Verification {
        entries,
        head,
        first_broken: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<EntryRow> {
        let mut rows = Vec::new();
        let mut prev = GENESIS.to_string();
        for id in 1..=n {
            let entry = NewEntry {
                actor_id: Some(1),
                actor: "organiser",
                action: "round.open",
                object: "round:1",
            };
            let hash = entry_hash(&prev, id, 1000 + id, &entry);
            rows.push(EntryRow {
                id,
                at: 1000 + id,
                actor_id: Some(1),
                actor: "organiser".into(),
                action: "round.open".into(),
                object: "round:1".into(),
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        rows
    }

    #[test]
    fn an_untouched_chain_holds_and_each_kind_of_tampering_is_found_at_its_entry() {
        let rows = chain(10);
        let ok = verify_rows(&rows);
        assert_eq!((ok.entries, ok.first_broken), (10, None));
        assert_eq!(ok.head, rows[9].hash);

        let mut edited = rows.clone();
        edited[4].action = "round.close".into();
        assert_eq!(verify_rows(&edited).first_broken.unwrap().0, 5);

        let mut removed = rows.clone();
        removed.remove(6);
        assert_eq!(verify_rows(&removed).first_broken.unwrap().0, 8);

        let mut rehashed = rows.clone();
        rehashed[2].at += 1;
        let fields = NewEntry {
            actor_id: rehashed[2].actor_id,
            actor: "organiser",
            action: "round.open",
            object: "round:1",
        };
        rehashed[2].hash = entry_hash(&rehashed[2].prev_hash, 3, rehashed[2].at, &fields);
        assert_eq!(
            verify_rows(&rehashed).first_broken.unwrap().0,
            4,
            "a rewritten hash breaks the next link"
        );
        assert_eq!(verify_rows(&[]).head, GENESIS);
    }

    #[test]
    fn ten_thousand_entries_verify_quickly() {
        let rows = chain(10_000);
        let started = std::time::Instant::now();
        assert_eq!(verify_rows(&rows).first_broken, None);
        // a debug build is far slower than the release build the figure is for
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
