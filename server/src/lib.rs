//! canvass-server: the REST API, the public forms and the dashboards of canvass, on SQLite or
//! PostgreSQL. `main.rs` only parses the command line; everything else lives here so tests can
//! start the same application in-process.

pub mod auth;
pub mod bootstrap;
pub mod cli;
pub mod commit;
pub mod db;
pub mod demo;
pub mod error;
pub mod extract;
pub mod ratelimit;
pub mod rounds;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod state;
pub mod surveys;
pub mod sync;
pub mod web;
