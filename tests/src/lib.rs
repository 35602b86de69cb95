//! Test support for canvass: a fresh database per test (SQLite by default, PostgreSQL when
//! `CANVASS_TEST_DATABASE_URL` names a server), the server started in-process on port 0, and
//! the real binaries started as child processes.

pub mod binaries;
pub mod database;
pub mod fixtures;
pub mod linking;
pub mod proxy;
pub mod server;
pub mod webdriver;

pub use database::{inspect, TestDb};
pub use server::{Api, TestApp, ADMIN_PASSWORD};
