//! The schema's history: the migrations of each backend, embedded at build time, and the
//! runner that applies the pending ones when the database is opened.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::error::one_line;
use super::{DbConnection, DbOpenError};

/// Migrations for each backend, embedded at build time (`build.rs` re-runs on changes).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
/// See [`SQLITE_MIGRATIONS`].
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Runs every pending migration of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> Result<(), DbOpenError> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| DbOpenError::Migration(one_line(&e.to_string())))
}
