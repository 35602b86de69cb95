//! What the storage layer reports: [`DbOpenError`] when the database cannot be opened,
//! [`StoreError`] when a query, the pool or the log sync fails. Both keep the real cause.

/// Why the database could not be opened; one line, naming the cause.
#[derive(Debug, thiserror::Error)]
pub enum DbOpenError {
    #[error("unknown database URL scheme {scheme:?}: use sqlite://PATH (or a plain file path) or postgres://USER@HOST/NAME")]
    UnknownScheme { scheme: String },
    #[error("the database URL is empty")]
    Empty,
    #[error("cannot open the SQLite database {path}: {reason}")]
    Sqlite { path: String, reason: String },
    #[error("cannot connect to PostgreSQL at {url}: {reason}")]
    Postgres { url: String, reason: String },
    #[error("cannot migrate the database: {0}")]
    Migration(String),
}

/// What the store layer reports: never shown to clients as such.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("database query: {0}")]
    Query(diesel::result::Error),
    /// Syncing the write-ahead log failed: what was committed may not survive a power cut.
    #[error("syncing the database log: {0}")]
    Sync(String),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::UniqueViolation(info.message().to_string())
            }
            other => StoreError::Query(other),
        }
    }
}

/// A message on one line: whitespace (libpq's line breaks and tabs) folded into single spaces.
pub(super) fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
