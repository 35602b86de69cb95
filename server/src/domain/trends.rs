//! Trends across periods: the series the caller can follow. The trends themselves are built
//! by `surveys::trends` and `rounds::trends`, beside the results they compare.

use canvass_protocol::trends::TrendSeries;

use super::auth::Caller;
use super::error::Error;
use crate::db::DbConnection;

pub use super::rounds::trends::round_trend;
pub use super::surveys::trends::survey_trend;

/// The survey series and round series in the caller's subtree.
pub fn series(conn: &mut DbConnection, caller: &Caller) -> Result<TrendSeries, Error> {
    Ok(TrendSeries {
        surveys: super::surveys::trends::series_list(conn, caller)?,
        rounds: super::rounds::trends::series_list(conn, caller)?,
    })
}
