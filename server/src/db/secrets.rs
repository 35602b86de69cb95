//! Server-wide secrets kept in the database, so every server on one database shares them.

use diesel::prelude::*;

use super::schema::server_secrets;
use super::{DbConnection, StoreError};

/// Returns the secret called `name`, creating it with `generate` the first time. Two servers
/// starting at once both end up with the value that was stored first.
pub fn get_or_create(
    conn: &mut DbConnection,
    name: &str,
    generate: impl FnOnce() -> String,
) -> Result<String, StoreError> {
    let existing = server_secrets::table
        .find(name)
        .select(server_secrets::value)
        .get_result::<String>(conn)
        .optional()?;
    if let Some(value) = existing {
        return Ok(value);
    }
    let inserted = diesel::insert_into(server_secrets::table)
        .values((
            server_secrets::name.eq(name),
            server_secrets::value.eq(generate()),
        ))
        .execute(conn);
    match inserted {
        Ok(_)
        | Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(server_secrets::table
        .find(name)
        .select(server_secrets::value)
        .get_result::<String>(conn)?)
}
