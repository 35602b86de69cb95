//! canvass-cli: the field officer's and organiser's client. This library holds the logic (the
//! API client, the stored sign-in, the survey commands; the local store and the sync engine as
//! they arrive) so tests can drive it without a terminal; `main.rs` is only the command line.

pub mod accounts;
pub mod api;
pub mod attention;
pub mod catalog;
pub mod collect;
pub mod command_line;
pub mod coverage;
pub mod credentials;
pub mod dates;
pub mod error;
pub mod explain;
pub mod files;
pub mod import;
pub mod interview;
pub mod prompt;
pub mod rounds;
pub mod session;
pub mod sheet_import;
pub mod status;
pub mod store;
pub mod survey_file;
pub mod surveys;
pub mod sync;
pub mod table;
pub mod tally;
#[cfg(test)]
mod test_http;
pub mod units;

pub use api::{ApiClient, ClientError, SurveyAction};
pub use credentials::{CredentialStore, Credentials, CredentialsError};
pub use error::{CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
