//! Failed sign-in counters, per account name and per client address, kept in the database so
//! that several servers behind one load balancer slow down the same attacker.
//!
//! After `free` failures within the window, each further attempt must wait `2^(n - free)`
//! seconds after the last failure, capped at [`MAX_DELAY_SECS`]; the wait is counted in whole
//! seconds and is over only once that many whole seconds have passed, so that a wait of one
//! second is never over at the turn of the clock's second. Counters older than
//! [`WINDOW_SECS`] start again from zero. A success clears the account's counter.
//!
//! An attempt is counted before its password is checked ([`reserve`], one transaction over
//! every key it is counted under), so that attempts sent at once cannot all see the same count:
//! of 100 simultaneous guesses exactly the free ones are checked. An attempt refused because it
//! came too early counts as a failure too, so guessing faster than the wait only lengthens it.

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
    (last_failure + delay + 1 - now).max(0)
}

/// Counts one attempt under each of `keys` (a key and its free attempts) in one transaction,
/// before its password is checked: `Ok(0)` when every key may try now, else the longest wait
/// in seconds (the attempt is counted as a failure all the same). Concurrent attempts under a
/// key are counted one after the other: SQLite's write lock, and on PostgreSQL a transaction
/// lock per key, taken in the keys' order.
pub fn reserve(conn: &mut DbConnection, keys: &[(&str, i64)], now: i64) -> Result<i64, StoreError> {
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    crate::db::write_transaction(conn, |conn| {
        if let DbConnection::Pg(pg) = conn {
            for (key, _) in &keys {
                diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                    .bind::<diesel::sql_types::Text, _>(*key)
                    .execute(pg)?;
            }
        }
        let mut wait = 0;
        for (key, free) in &keys {
            let row = login_throttle::table
                .find(*key)
                .select((login_throttle::failures, login_throttle::last_failure))
                .get_result::<(i32, i64)>(conn)
                .optional()?;
            if let Some((failures, last)) = row {
                wait = wait.max(remaining_wait(i64::from(failures), last, *free, now));
            }
            count_failure(conn, key, row, now)?;
        }
        Ok(wait)
    })
}

/// Takes back one attempt [`reserve`] counted under `key` (a sign-in that succeeded, for a key
/// that a success does not clear).
pub fn release(conn: &mut DbConnection, key: &str) -> Result<(), StoreError> {
    diesel::update(
        login_throttle::table
            .find(key)
            .filter(login_throttle::failures.gt(0)),
    )
    .set(login_throttle::failures.eq(login_throttle::failures - 1))
    .execute(conn)?;
    Ok(())
}

/// Adds one failure at `now` to `key`, whose row (failures, last failure) is `row`.
fn count_failure(
    conn: &mut DbConnection,
    key: &str,
    row: Option<(i32, i64)>,
    now: i64,
) -> Result<(), diesel::result::Error> {
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
}

/// Counts one failure for `key`.
pub fn record_failure(conn: &mut DbConnection, key: &str, now: i64) -> Result<(), StoreError> {
    crate::db::write_transaction(conn, |conn| {
        let row = login_throttle::table
            .find(key)
            .select((login_throttle::failures, login_throttle::last_failure))
            .get_result::<(i32, i64)>(conn)
            .optional()?;
        count_failure(conn, key, row, now)?;
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
        assert_eq!(remaining_wait(5, 1000, 5, 1000), 2);
        assert_eq!(
            remaining_wait(5, 1000, 5, 1001),
            1,
            "not over at the next second"
        );
        assert_eq!(remaining_wait(5, 1000, 5, 1002), 0);
        assert_eq!(remaining_wait(6, 1000, 5, 1000), 3);
        assert_eq!(remaining_wait(8, 1000, 5, 1000), 9);
        assert_eq!(remaining_wait(8, 1000, 5, 1005), 4);
        assert_eq!(remaining_wait(40, 1000, 5, 1000), MAX_DELAY_SECS + 1);
    }

    #[test]
    fn old_failures_are_forgotten() {
        assert_eq!(remaining_wait(40, 1000, 5, 1000 + WINDOW_SECS), 0);
    }
}
