//! Storage: one connection type over SQLite and PostgreSQL, chosen at run time by the URL, its
//! pool and migrations, the one writer connection and the durability invariant it keeps, and
//! the queries of each entity. Code outside `db` names everything through this module
//! (`crate::db::Writer`, `crate::db::StoreError`, `crate::db::now` …); by concern:
//!
//! * `connection.rs`: [`DatabaseUrl`] (passwords redacted), [`Backend`], [`DbConnection`], each
//!   SQLite connection's settings, the r2d2 [`Manager`], [`Pool`] and [`open`];
//! * `migrations.rs`: the embedded migrations of both backends and [`run_migrations`];
//! * `backup.rs`: [`backup::backup`] and [`backup::restore`] of a SQLite database, consistent
//!   while a server serves from it and never half-written;
//! * `writer.rs`: [`write_transaction`], the kept writer connection [`Writer`], [`Pending`]
//!   (the log sync) and the [`Checkpointer`]; its header states the durability invariant;
//! * `mixer.rs`: the [`Mixer`], which rewrites the ballots and codes stored since it last
//!   looked (PostgreSQL) or empties the log (SQLite), so that the storage soon no longer tells
//!   which code cast which ballot;
//! * `bulk.rs`: multi-row inserts and counter upserts ([`insert_rows`], [`add_counts`]), one
//!   statement shape per backend;
//! * `error.rs`: [`StoreError`] and [`DbOpenError`];
//! * `schema.rs`: diesel's definition of every table, checked against the migrations of both
//!   backends by the `schema` test (`tests/tests/schema`);
//! * one module per entity: [`units`], [`accounts`], [`secrets`], [`throttle`], [`surveys`],
//!   [`rounds`] (and a round's station setup, [`round_stations`]), [`sync`], [`audit`] (the
//!   hash-chained record of organisers' actions), [`rectification`] (the rectification ledger
//!   and the surveys whose results are published).

/// Makes our own statements runnable and cached by their text: a query id that is not static
/// sends diesel's statement cache to the SQL text (as long as the fragment never calls
/// `unsafe_to_cache_prepared`).
macro_rules! cached_by_text {
    ($($ty:ty),+) => {$(
        impl diesel::query_builder::QueryId for $ty {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }

        impl<Conn> diesel::RunQueryDsl<Conn> for $ty {}
    )+};
}

mod bulk;
mod connection;
mod error;
mod migrations;
pub mod mixer;
#[cfg(test)]
mod test_support;
mod writer;

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod rectification;
pub mod round_stations;
pub mod rounds;
pub mod schema;
pub mod secrets;
pub mod submission_keys;
pub mod survey_codes;
pub mod surveys;
pub mod sync;
pub mod throttle;
pub mod units;

pub use bulk::{add_counts, insert_rows, Param};
pub use connection::{
    open, redact_url, Backend, DatabaseUrl, DbConnection, Manager, Pool, PooledConn,
};
pub use error::{DbOpenError, StoreError};
pub use migrations::{run_migrations, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
pub use mixer::Mixer;
pub use writer::{
    write_transaction, Checkpointer, Pending, SqliteWriters, Writer, WriterTurn, WRITER_IDLE,
};

/// The current time in whole seconds since the Unix epoch.
#[must_use]
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
