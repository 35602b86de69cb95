//! The hashed submission keys of public answers (`submission_keys`): claimed by the answer
//! they came with, in its transaction, released when it is refused, swept once a retry can no
//! longer come. What a key is and why it links no answer to anyone: `domain::submissions`.

use diesel::prelude::*;

use super::schema::submission_keys;
use super::{DbConnection, StoreError};

/// Claims `hash` until `expires_at`: one insert that does nothing when the key is there
/// already. Whether it was new (a key seen before is a retry).
pub fn claim(conn: &mut DbConnection, hash: &str, expires_at: i64) -> Result<bool, StoreError> {
    let row = (
        submission_keys::key_hash.eq(hash),
        submission_keys::expires_at.eq(expires_at),
    );
    // on each backend's connection itself: `ON CONFLICT` does not compile on the enum, and
    // SQLite's statement cache finds the statement by its type
    let inserted = match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(submission_keys::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConnection::Pg(c) => diesel::insert_into(submission_keys::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(inserted == 1)
}

/// Gives `hash` up again: the answer that claimed it was refused, so a corrected answer sent
/// with the same key is stored.
pub fn release(conn: &mut DbConnection, hash: &str) -> Result<(), StoreError> {
    diesel::delete(submission_keys::table.filter(submission_keys::key_hash.eq(hash)))
        .execute(conn)?;
    Ok(())
}

/// Deletes the keys expired at `now`; how many.
pub fn sweep(conn: &mut DbConnection, now: i64) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(submission_keys::table.filter(submission_keys::expires_at.le(now)))
            .execute(conn)?,
    )
}
