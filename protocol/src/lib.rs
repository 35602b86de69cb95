//! canvass-protocol: everything the server and the offline client must agree on, with no I/O.
//!
//! Wire types of the JSON API, the stable error codes, the survey form model with its answer
//! validation, and the appraisal rules. The crate is pure (no database, HTTP or async runtime),
//! so the field client validates answers with exactly the code the server runs.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod error;
pub mod forms;
pub mod i18n;
mod json;
pub mod rectification;
pub mod rounds;
pub mod sheets;
pub mod stats;
pub mod surveys;
pub mod sync;
pub mod text;
pub mod trends;
pub mod units;

pub use error::{ErrorBody, ErrorCode, ErrorDetail};
