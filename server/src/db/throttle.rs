//! Failed sign-in counters, per account name and per client address, kept in the database so
//! that several servers behind one load balancer slow down the same attacker.
//!
//! After `free` failures within the window, each further attempt must wait `2^(n - free)`
//! seconds after the last failure, capped at [`MAX_DELAY_SECS`]. Counters older than
//! [`WINDOW_SECS`] start again from zero. A success clears the account's counter.

use diesel::prelude::*;

use super::schema::login_throttle;
use super::{DbConnection, StoreError};

/// Failures older than this are forgotten.
pub const WINDOW_SECS: i64 = 15 * 60;
/// The longest wait imposed between two attempts.
pub const MAX_DELAY_SECS: i64 = 15 * 60;

/// How long a key must still wait before its next attempt, in seconds (0: go ahead).
pub fn wait_secs(
    conn: &mut DbConnection,
    key: &str,
    free: i64,
    now: i64,
) -> Result<i64, StoreError> {
    let row = login_throttle::table
        .find(key)
        .select((login_throttle::failures, login_throttle::last_failure))
        .get_result::<(i32, i64)>(conn)
        .optional()?;
    Ok(row.map_or(0, |(failures, last)| {
        remaining_wait(i64::from(failures), last, free, now)
    }))
}

/// The pure rule behind [`wait_secs`].
#[must_use]
pub fn remaining_wait(failures: i64, last_failure: i64, free: i64, now: i64) -> i64 {
    if now - last_failure >= WINDOW_SECS || failures < free {
        return 0;
    }
    let exponent = u32::try_from((failures - free).min(20)).unwrap_or(20);
    let delay = 2_i64.pow(exponent).min(MAX_DELAY_SECS);
    (last_failure + delay - now).max(0)
}

/// Counts one failure for `key`.
pub fn record_failure(conn: &mut DbConnection, key: &str, now: i64) -> Result<(), StoreError> {
    crate::db::write_transaction(conn, |conn| {
        let row = login_throttle::table
            .find(key)
            .select((login_throttle::failures, login_throttle::last_failure))
            .get_result::<(i32, i64)>(conn)
            .optional()?;
        match row {
            Some((failures, last)) => {
                let failures = if now - last >= WINDOW_SECS {
                    1
                } else {
                    failures.saturating_add(1)
                };
                diesel::update(login_throttle::table.find(key))
                    .set((
                        login_throttle::failures.eq(failures),
                        login_throttle::last_failure.eq(now),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(login_throttle::table)
                    .values((
                        login_throttle::key.eq(key),
                        login_throttle::failures.eq(1),
                        login_throttle::last_failure.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// Forgets the failures of `key` (after a successful sign-in).
pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), StoreError> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_attempts_cost_nothing() {
        assert_eq!(remaining_wait(4, 1000, 5, 1000), 0);
    }

    #[test]
    fn each_failure_past_the_free_ones_doubles_the_wait() {
        assert_eq!(remaining_wait(5, 1000, 5, 1000), 1);
        assert_eq!(remaining_wait(6, 1000, 5, 1000), 2);
        assert_eq!(remaining_wait(8, 1000, 5, 1000), 8);
        assert_eq!(remaining_wait(8, 1000, 5, 1005), 3);
        assert_eq!(remaining_wait(40, 1000, 5, 1000), MAX_DELAY_SECS);
    }

    #[test]
    fn old_failures_are_forgotten() {
        assert_eq!(remaining_wait(40, 1000, 5, 1000 + WINDOW_SECS), 0);
    }
}
