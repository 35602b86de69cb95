//! The application state every handler shares: the pool, the writer and group commit, the
//! settings, the token keys and the per-address limits, and running work on a pooled connection.

use std::sync::Arc;

use actix_web::web;
use actix_web::HttpRequest;
use canvass_protocol::rounds::{GenerateCodes, RoundInfo};
use canvass_protocol::surveys::GenerateSurveyCodes;
use canvass_protocol::ErrorCode;

use crate::db::{Backend, DbConnection, Pool, StoreError};
use crate::domain::auth::{Caller, SignInRules, TokenKeys};
use crate::domain::error::Error;
use crate::domain::{ballot_codes, survey_codes};
use crate::http::ratelimit::RateLimiter;
use crate::settings::Settings;

/// Shared application state, cloned into every worker.
pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
    pub settings: Arc<Settings>,
    pub keys: TokenKeys,
    /// Base URL the public sees, without a trailing slash.
    pub public_url: String,
    /// Per-address limit on public submissions.
    pub submissions: RateLimiter,
    /// Per-address limit on refused ballot codes (unknown, mistyped, another round's): a room
    /// of electors behind one address votes freely, guessing codes does not.
    pub code_attempts: RateLimiter,
    /// Server secret keying the ballot-code hashes.
    pub code_pepper: String,
    /// The writer that stores public answers and ballots in shared transactions.
    pub commit: crate::commit::GroupCommit,
    /// The connection the group commits and field batches write through (SQLite).
    pub writer: crate::db::Writer,
    /// SQLite's write-ahead log checkpoints, off the request path (none on PostgreSQL).
    pub checkpoints: Option<crate::db::Checkpointer>,
    /// What `/metrics` shows.
    pub metrics: crate::http::metrics::Metrics,
}

impl AppState {
    /// `rate_limited` when the client address has had too many ballot codes refused in the
    /// current minute; counts nothing.
    pub fn check_code_attempts(&self, req: &HttpRequest) -> Result<(), Error> {
        let Some(addr) = super::request::client_ip(req, self.settings.trust_forwarded_for) else {
            return Ok(());
        };
        self.code_attempts
            .peek(addr, crate::db::now())
            .map_err(rate_limited)
    }

    /// Counts `outcome` against the address's refused-code allowance when it refused the code
    /// itself (never issued, mistyped, or another round's).
    pub fn count_refused_code<T>(&self, req: &HttpRequest, outcome: &Result<T, Error>) {
        let refused = outcome.as_ref().err().is_some_and(|e| {
            matches!(
                e.code(),
                ErrorCode::BallotCodeUnknown
                    | ErrorCode::BallotCodeCheckMismatch
                    | ErrorCode::BallotCodeInvalidCharacter
                    | ErrorCode::BallotCodeWrongLength
                    | ErrorCode::BallotCodeOtherRound
            )
        });
        if let (true, Some(addr)) = (
            refused,
            super::request::client_ip(req, self.settings.trust_forwarded_for),
        ) {
            let _ = self.code_attempts.check(addr, crate::db::now());
        }
    }

    /// Counts a public submission against the client address's allowance; `rate_limited`
    /// when it is spent.
    pub fn check_submission_rate(&self, req: &HttpRequest) -> Result<(), Error> {
        let Some(addr) = super::request::client_ip(req, self.settings.trust_forwarded_for) else {
            return Ok(());
        };
        self.submissions
            .check(addr, crate::db::now())
            .map_err(rate_limited)
    }

    /// How signing in is limited and how long its tokens last.
    #[must_use]
    pub fn sign_in_rules(&self) -> SignInRules {
        SignInRules {
            free_attempts_per_account: self.settings.login_free_attempts_per_account,
            free_attempts_per_address: self.settings.login_free_attempts_per_address,
            session_ttl_secs: self.settings.session_ttl_secs,
            device_token_ttl_days: self.settings.device_token_ttl_days,
        }
    }

    /// Whether the database answers a query now (a connection from the pool, `SELECT 1`).
    pub async fn database_answers(&self) -> bool {
        use diesel::connection::SimpleConnection;
        let pool = self.pool.clone();
        web::block(move || {
            pool.get()
                .ok()
                .is_some_and(|mut conn| conn.batch_execute("SELECT 1").is_ok())
        })
        .await
        .unwrap_or(false)
    }

    /// Generates the ballot codes `request` asks for in round `round_id`, for `caller`: the
    /// round and the codes, which the API answers as JSON and the pages as printable slips.
    pub async fn generate_codes(
        &self,
        caller: Caller,
        round_id: i64,
        request: &GenerateCodes,
    ) -> Result<(RoundInfo, Vec<String>), Error> {
        let base = self.public_url.clone();
        let pepper = self.code_pepper.clone();
        let (group, count) = (request.elector_group.clone(), request.count);
        self.db(move |conn| {
            ballot_codes::generate(conn, &caller, round_id, (&group, count), &pepper, &base)
        })
        .await
    }

    /// Generates the survey codes `request` asks for in survey `survey_id`, for `caller`
    /// (`printed`: for slips, which the audit log records too).
    pub async fn generate_survey_codes(
        &self,
        caller: Caller,
        survey_id: i64,
        request: GenerateSurveyCodes,
        printed: bool,
    ) -> Result<survey_codes::IssuedCodes, Error> {
        let base = self.public_url.clone();
        let pepper = self.code_pepper.clone();
        self.db(move |conn| {
            survey_codes::generate(
                conn,
                &caller,
                survey_id,
                &request,
                (&pepper, &base),
                printed,
            )
        })
        .await
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, off the async executor.
    pub async fn db<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, Error> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get().map_err(|e| Error::from(StoreError::Pool(e)))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| Error::internal(&e))?
    }
}

fn rate_limited(wait: u64) -> Error {
    Error::rate_limited(ErrorCode::RateLimited, wait)
}
