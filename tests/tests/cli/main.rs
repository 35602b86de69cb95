//! End-to-end tests of the `canvass` command line: the real binary, run as a child process
//! with its own configuration directory, against the server started in-process on a fresh
//! database (SQLite, or PostgreSQL when `CANVASS_TEST_DATABASE_URL` is set).

mod accounts;
mod faults;
mod field;
mod imports;
mod rounds;
mod session;
mod support;
mod surveys;
mod units;
