//! The audit log: every action of an organiser or administrator (units, accounts, officials,
//! survey and round definitions and their publication, opening and closing, ballot codes, tally
//! sheets, answer exports, sign-ins) appended with who, what, when and the object, in a
//! hash-chained log (`db::audit`) that `canvass-server audit verify` checks. It never records
//! an answer, a ballot, a code or anything about a respondent: only account names and the ids
//! of organisers' objects. A sign-in is appended by `auth` itself, which has no `Caller` yet.

use super::auth::Caller;
use super::error::Error;
use crate::db::{self, audit as store, DbConnection};

pub use store::Verification;

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
