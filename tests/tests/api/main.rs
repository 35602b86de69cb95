//! API and end-to-end tests of the foundation: sign-in, tokens, units, accounts, errors,
//! OpenAPI, health, and the server binary's start-up. Every test gets its own database, on
//! SQLite or on the PostgreSQL server named by `CANVASS_TEST_DATABASE_URL`.

mod accounts;
mod audit;
mod auth;
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
mod openapi;
mod openapi_responses;
mod posters;
mod print;
mod rounds;
mod rounds_editor;
mod survey_form;
mod surveys;
mod surveys_editor;
mod sync;
mod tally_sheets;
mod units;
