//! Connections: the database URL (which picks the backend, and never shows a password), one
//! connection type over SQLite and PostgreSQL, each SQLite connection's settings, the r2d2
//! manager that keeps a connection failure's real cause, and the pool.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use super::error::one_line;
use super::migrations::run_migrations;
use super::DbOpenError;

/// A connection to either backend; queries written once against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// How long a SQLite connection waits for a lock held by another one before it gives up.
pub(super) const BUSY_TIMEOUT_MS: u32 = 10_000;

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl DbConnection {
    /// The engine behind this connection.
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Sqlite(_) => Backend::Sqlite,
            DbConnection::Pg(_) => Backend::Postgres,
        }
    }
}

/// A database URL, parsed once: the backend and what to hand to its driver.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// For SQLite a file path (or `:memory:`); for PostgreSQL the full URL.
    target: String,
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", redact_url(&self.target))
    }
}

impl DatabaseUrl {
    /// Parses `sqlite://path`, `sqlite:path`, a plain path, or `postgres://` / `postgresql://`.
    pub fn parse(url: &str) -> Result<Self, DbOpenError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(DbOpenError::Empty);
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_string(),
            });
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(DbOpenError::Empty);
            }
            return Ok(Self {
                backend: Backend::Sqlite,
                target: path.to_string(),
            });
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(DbOpenError::UnknownScheme {
                scheme: scheme.to_string(),
            });
        }
        if let Some((scheme, _)) = url.split_once(':') {
            // A Windows drive letter is the only colon a plain path may carry.
            if scheme.len() > 1 && scheme.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(DbOpenError::UnknownScheme {
                    scheme: scheme.to_string(),
                });
            }
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: url.to_string(),
        })
    }

    /// What may be shown to people: the URL without its password.
    #[must_use]
    pub fn display(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => redact_url(&self.target),
        }
    }

    /// The SQLite database file, or `None` for PostgreSQL.
    #[must_use]
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        (self.backend == Backend::Sqlite).then(|| std::path::Path::new(&self.target))
    }

    /// The URL without any password, everything else kept (query string included), so that it
    /// names the same database in a command an operator runs, who gives the password to the
    /// tool some other way (`PGPASSWORD`, `~/.pgpass`).
    #[must_use]
    pub fn without_password(&self) -> String {
        let (base, query) = self
            .target
            .split_once('?')
            .map_or((self.target.as_str(), None), |(b, q)| (b, Some(q)));
        let mut out = replace_password(base, None);
        let kept: Vec<&str> = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter(|param| !param.starts_with("password="))
            .collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
        out
    }

    /// Opens one connection, set up for canvass; the error names the cause in one line.
    pub fn connect(&self) -> Result<DbConnection, DbOpenError> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(&self.target).map_err(|e| DbOpenError::Sqlite {
                        path: self.target.clone(),
                        reason: one_line(&e.to_string()),
                    })?;
                // busy_timeout first: switching to WAL takes a lock, and a connection opened
                // while another one writes must wait for it rather than fail as "locked".
                // WAL lets readers run beside the one writer. FULL syncs the log at every
                // commit, so an acknowledged answer survives a power cut too (NORMAL would
                // only survive a crash of the process); group commit (`commit.rs`) shares one
                // sync among many submissions.
                // The log is checkpointed by a thread of its own (`Checkpointer`); a commit
                // checkpoints only once the log holds 40,000 pages (about 160 MiB). Under a
                // steady stream of writes that commit's checkpoint is what lets the log start
                // again from the beginning of its file, and it holds up every write meanwhile,
                // so it should be rare; a log file is cut back to 256 MiB, above that size, so
                // that it is not cut and grown again at every start (what cutting and growing
                // cost is in docs/performance.md, on `journal_size_limit`).
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; \
                     PRAGMA wal_autocheckpoint = 40000; PRAGMA journal_size_limit = 268435456;",
                ))
                .map_err(|e| DbOpenError::Sqlite {
                    path: self.target.clone(),
                    reason: one_line(&e.to_string()),
                })?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(DbConnection::Pg)
                .map_err(|e| DbOpenError::Postgres {
                    url: redact_url(&self.target),
                    reason: postgres_reason(&e.to_string()),
                }),
        }
    }
}

/// The r2d2 manager: opens connections with [`DatabaseUrl::connect`], so a pool error keeps the
/// real cause (diesel's derived manager reports every failure as an invalid URL).
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = DbOpenError;

    fn connect(&self) -> Result<DbConnection, DbOpenError> {
        self.url.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbOpenError> {
        conn.batch_execute("SELECT 1")
            .map_err(|e| DbOpenError::Postgres {
                url: self.url.display(),
                reason: one_line(&e.to_string()),
            })
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// The shared pool of connections.
pub type Pool = r2d2::Pool<Manager>;
/// A connection borrowed from the [`Pool`].
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Opens the database named by `url`: connects once (so a wrong URL or password fails here
/// with its real cause), runs the migrations, and builds the pool.
pub fn open(url: &str, pool_size: u32) -> Result<(Pool, Backend), DbOpenError> {
    let url = DatabaseUrl::parse(url)?;
    let mut first = url.connect()?;
    run_migrations(&mut first)?;
    drop(first);
    let backend = url.backend;
    let pool = r2d2::Pool::builder()
        .max_size(pool_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .test_on_check_out(false)
        .build_unchecked(Manager { url });
    Ok((pool, backend))
}

/// A URL with any password replaced by `***` and any query string (which may carry one) cut.
#[must_use]
pub fn redact_url(url: &str) -> String {
    let url = url.split_once('?').map_or(url, |(base, _)| base);
    replace_password(url, Some("***"))
}

/// `url` (without its query string) with the password of its user part replaced by `with`, or
/// removed with its colon when `with` is `None`; a URL without a password is returned as it is.
fn replace_password(url: &str, with: Option<&str>) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    let Some((user, _)) = userinfo.split_once(':') else {
        return url.to_string();
    };
    match with {
        Some(with) => format!("{scheme}://{user}:{with}@{host}{tail}"),
        None => format!("{scheme}://{user}@{host}{tail}"),
    }
}

/// libpq's messages are long and multi-line; this names the cause first.
fn postgres_reason(message: &str) -> String {
    let flat = one_line(message);
    let lower = flat.to_lowercase();
    let cause = if lower.contains("connection refused") {
        "connection refused (is PostgreSQL running, and on that host and port?)"
    } else if lower.contains("password authentication failed") {
        "bad password (password authentication failed)"
    } else if lower.contains("no password supplied") {
        "bad password (the server wants a password and none was given)"
    } else if lower.contains("does not exist") && lower.contains("database") {
        "the database does not exist"
    } else if lower.contains("role") && lower.contains("does not exist") {
        "the user (role) does not exist"
    } else if lower.contains("could not translate host name")
        || lower.contains("name or service not known")
    {
        "unknown host"
    } else if lower.contains("timeout") || lower.contains("timed out") {
        "connection timed out"
    } else if lower.contains("invalid")
        && (lower.contains("uri") || lower.contains("connection option"))
    {
        "the URL is malformed"
    } else {
        return flat;
    };
    format!("{cause}: {flat}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://canvass.db").unwrap().backend,
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:x.db").unwrap().backend,
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("/var/lib/canvass.db").unwrap().backend,
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("data/canvass.db").unwrap().backend,
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@localhost/canvass")
                .unwrap()
                .backend,
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@localhost/canvass")
                .unwrap()
                .backend,
            Backend::Postgres
        );
    }

    #[test]
    fn unknown_schemes_are_named() {
        let err = DatabaseUrl::parse("mysql://root@localhost/canvass").unwrap_err();
        assert!(err.to_string().contains("\"mysql\""), "{err}");
        let err = DatabaseUrl::parse("redis:localhost").unwrap_err();
        assert!(err.to_string().contains("\"redis\""), "{err}");
        assert!(DatabaseUrl::parse("  ").is_err());
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://canvass:s3cret@db:5432/canvass"),
            "postgres://canvass:***@db:5432/canvass"
        );
        assert_eq!(
            redact_url("postgres://db/canvass?password=x"),
            "postgres://db/canvass"
        );
        assert_eq!(
            redact_url("postgres://u@db/c?password=x"),
            "postgres://u@db/c"
        );
    }

    #[test]
    fn a_url_for_a_command_keeps_everything_but_the_password() {
        let url = |s: &str| DatabaseUrl::parse(s).unwrap().without_password();
        assert_eq!(
            url("postgres://canvass:s3cret@db:5432/canvass?sslmode=disable&password=x"),
            "postgres://canvass@db:5432/canvass?sslmode=disable"
        );
        assert_eq!(
            url("postgres://canvass@localhost/canvass?host=/var/run/postgresql"),
            "postgres://canvass@localhost/canvass?host=/var/run/postgresql"
        );
        assert_eq!(url("postgres://db/c?password=x"), "postgres://db/c");
    }

    #[test]
    fn libpq_causes_are_named_first() {
        assert!(postgres_reason("connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\tIs the server running")
            .starts_with("connection refused"));
        assert!(
            postgres_reason("FATAL:  password authentication failed for user \"x\"")
                .starts_with("bad password")
        );
    }

    #[test]
    fn sqlite_file_is_created_and_migrated() {
        let dir = std::env::temp_dir().join(format!("canvass-db-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let (pool, backend) = open(&format!("sqlite://{}", path.display()), 2).unwrap();
        assert_eq!(backend, Backend::Sqlite);
        assert!(path.exists());
        let mut conn = pool.get().unwrap();
        conn.batch_execute("SELECT count(*) FROM units").unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }
}
