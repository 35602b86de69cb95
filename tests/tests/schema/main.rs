//! `server/src/db/schema.rs` against the migrations: a fresh database on the backend under test
//! (SQLite, or PostgreSQL when `CANVASS_TEST_DATABASE_URL` names a server), migrated to the
//! latest version, has exactly the tables and columns that `schema.rs` defines, each column of a
//! type `schema.rs` can read and write and with the same nullability, each table with the same
//! primary key, and each foreign key (but one into its own table) has its `joinable!`. CI runs
//! the suite on both backends, so `schema.rs` holds for both. The failure lists every
//! difference, one a line.

mod compare;
mod database;
mod schema_rs;

use canvass_server::db;
use canvass_tests::TestDb;

/// The file under test, read when this test is built (so a change rebuilds it).
const SCHEMA_RS: &str = include_str!("../../../server/src/db/schema.rs");

#[test]
fn schema_rs_defines_exactly_the_tables_and_columns_the_migrations_create() {
    let test_db = TestDb::new();
    let (pool, backend) = db::open(test_db.url(), 1).expect("open and migrate a fresh database");
    let mut conn = pool.get().expect("a connection");
    let database = database::read(&mut conn, backend);
    let code = schema_rs::read(SCHEMA_RS);
    let differences = compare::differences(backend, &code, &database);
    assert!(
        differences.is_empty(),
        "server/src/db/schema.rs and the migrations of {} differ:\n  {}",
        backend.as_str(),
        differences.join("\n  ")
    );
}
