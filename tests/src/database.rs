//! One fresh database per test, dropped afterwards.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;

/// The environment variable naming a PostgreSQL server for the tests, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`. Unset: SQLite.
pub const PG_ENV: &str = "CANVASS_TEST_DATABASE_URL";

/// A database that exists for one test.
pub struct TestDb {
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// Creates a fresh, empty database on the backend the environment selects.
    ///
    /// # Panics
    /// When `CANVASS_TEST_DATABASE_URL` is set but the server cannot be reached: a run meant
    /// for PostgreSQL must not quietly fall back to SQLite.
    #[must_use]
    pub fn new() -> Self {
        match std::env::var(PG_ENV) {
            Ok(admin_url) if !admin_url.trim().is_empty() => Self::postgres(admin_url.trim()),
            _ => Self::sqlite(),
        }
    }

    fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("canvass.db").display());
        Self {
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    fn postgres(admin_url: &str) -> Self {
        let name = format!("canvass_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(admin_url).unwrap_or_else(|e| {
            panic!("{PG_ENV} is set but PostgreSQL cannot be reached at {admin_url}: {e}")
        });
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the test database");
        Self {
            url: replace_database(admin_url, &name),
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_string(),
                name,
            },
        }
    }

    /// The URL to hand to the server as `CANVASS_DATABASE_URL`.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether this is a PostgreSQL database.
    #[must_use]
    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// `postgres://user@host:port/old?x` → `postgres://user@host:port/new?x`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database("postgresql://u:p@h/db?sslmode=disable", "t1"),
            "postgresql://u:p@h/t1?sslmode=disable"
        );
    }
}

/// Reading a test database directly, to check what the server stored (and did not store).
pub mod inspect {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::Text;
    use diesel::{Connection, QueryableByName, RunQueryDsl};

    #[derive(QueryableByName)]
    struct One {
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        v: Option<String>,
    }

    /// Runs `sql`, which selects one column named `v` (cast to text), and returns the values.
    ///
    /// # Panics
    /// When the database cannot be opened or the query fails.
    #[must_use]
    pub fn strings(url: &str, sql: &str) -> Vec<Option<String>> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let mut conn =
                diesel::SqliteConnection::establish(path).expect("open the SQLite test database");
            conn.batch_execute("PRAGMA busy_timeout = 10000")
                .expect("busy timeout");
            diesel::sql_query(sql)
                .load::<One>(&mut conn)
                .expect("query")
                .into_iter()
                .map(|r| r.v)
                .collect()
        } else {
            let mut conn =
                diesel::PgConnection::establish(url).expect("open the PostgreSQL test database");
            diesel::sql_query(sql)
                .load::<One>(&mut conn)
                .expect("query")
                .into_iter()
                .map(|r| r.v)
                .collect()
        }
    }

    /// Runs one statement that changes the database (what time would change, for a test).
    ///
    /// # Panics
    /// When the database cannot be opened or the statement fails.
    pub fn execute(url: &str, sql: &str) {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let mut conn =
                diesel::SqliteConnection::establish(path).expect("open the SQLite test database");
            conn.batch_execute("PRAGMA busy_timeout = 10000")
                .expect("busy timeout");
            conn.batch_execute(sql).expect("statement");
        } else {
            let mut conn =
                diesel::PgConnection::establish(url).expect("open the PostgreSQL test database");
            conn.batch_execute(sql).expect("statement");
        }
    }

    /// The tables of the database.
    #[must_use]
    pub fn tables(url: &str) -> Vec<String> {
        let sql = if url.starts_with("sqlite://") {
            "SELECT name AS v FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        } else {
            "SELECT table_name::text AS v FROM information_schema.tables WHERE table_schema = 'public'"
        };
        strings(url, sql).into_iter().flatten().collect()
    }

    /// The columns of a table.
    #[must_use]
    pub fn columns(url: &str, table: &str) -> Vec<String> {
        let sql = if url.starts_with("sqlite://") {
            format!("SELECT name AS v FROM pragma_table_info('{table}')")
        } else {
            format!("SELECT column_name::text AS v FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position")
        };
        strings(url, &sql).into_iter().flatten().collect()
    }

    /// Every value of every column of every table, as text.
    #[must_use]
    pub fn every_value(url: &str) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for table in tables(url) {
            for column in columns(url, &table) {
                let sql = format!("SELECT CAST(\"{column}\" AS TEXT) AS v FROM \"{table}\"");
                for v in strings(url, &sql).into_iter().flatten() {
                    out.push((table.clone(), column.clone(), v));
                }
            }
        }
        out
    }
}
