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

/// The schema version this binary brings: the version of its latest migration, as diesel
/// records it in `__diesel_schema_migrations` (`20261201000001`). Both backends have the same
/// migrations under the same names.
#[must_use]
pub fn latest_version() -> String {
    sqlite_migrations()
        .iter()
        .map(|m| m.name().version().to_string())
        .max()
        .unwrap_or_default()
}

/// The name of this binary's migration of `version` (`2026-12-01-000001_one_tree_per_answer`),
/// if it has one.
#[must_use]
pub fn migration_name(version: &str) -> Option<String> {
    sqlite_migrations()
        .iter()
        .find(|m| m.name().version().to_string() == version)
        .map(|m| m.name().to_string())
}

fn sqlite_migrations() -> Vec<Box<dyn diesel::migration::Migration<diesel::sqlite::Sqlite>>> {
    // embedded at build time: listing them cannot fail
    diesel::migration::MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The migration folders of one backend: diesel orders and records them by the part of the
    /// name before the first `_`, so two with the same version would run only one of them.
    fn folders(backend: &str) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("the migrations folder")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_migration_has_its_own_version_and_both_backends_the_same_list() {
        for backend in ["sqlite", "postgres"] {
            let names = folders(backend);
            let versions: BTreeSet<&str> = names
                .iter()
                .map(|n| n.split('_').next().unwrap_or(n))
                .collect();
            assert_eq!(
                versions.len(),
                names.len(),
                "two {backend} migrations share a version: {names:?}"
            );
        }
        assert_eq!(folders("sqlite"), folders("postgres"));
    }
}
