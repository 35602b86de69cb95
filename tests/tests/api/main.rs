//! API and end-to-end tests of the foundation: sign-in, tokens, units, accounts, errors,
//! OpenAPI, health, and the server binary's start-up. Every test gets its own database, on
//! SQLite or on the PostgreSQL server named by `CANVASS_TEST_DATABASE_URL`.

mod accounts;
mod anomaly_flags;
mod audit;
mod auth;
mod bad_input;
mod binary;
mod browser;
mod console;
mod coverage;
mod dashboard;
mod errors;
mod exports;
mod field_app;
mod imports;
mod integrity;
mod linking;
mod metrics;
mod openapi;
mod openapi_responses;
mod posters;
mod print;
mod rectification;
mod rounds;
mod rounds_editor;
mod survey_codes;
mod survey_form;
mod surveys;
mod surveys_editor;
mod sync;
mod tally_sheets;
mod trends;
mod units;
