//! canvass-server: the REST API, the public forms and the dashboards of canvass, on SQLite or
//! PostgreSQL. `main.rs` only parses the command line; everything else lives here so tests can
//! start the same application in-process.

pub mod bootstrap;
pub mod cli;
pub mod commit;
pub mod db;
pub mod demo;
pub mod domain;
pub mod http;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod web;
