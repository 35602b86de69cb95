//! The users' calendar: China Standard Time (UTC+8), the one calendar in which the server and
//! the field client tell which day a moment falls on, which week a day belongs to, and whether
//! a collection day lies in the future.
//!
//! A [`Day`] is a proleptic Gregorian date counted in days since 1970-01-01. Its text form is
//! `YYYY-MM-DD`, the only time a stored answer keeps. The arithmetic is Howard Hinnant's
//! civil-date algorithms, exact for every `i64` day a moment can fall on.

use std::fmt;

/// Offset of the users' calendar from UTC, in seconds (China Standard Time, UTC+8, no daylight
/// saving).
pub const OFFSET_SECS: i64 = 8 * 3600;

/// Seconds in a day.
pub const SECS_PER_DAY: i64 = 86_400;

/// How far a collection day may lie ahead of the checker's own calendar and still count as
/// "not in the future": one day. The clock of the laptop that dated an answer, the clock of the
/// server that checks it, and the calendar of the officer who typed the day from a paper form
/// need not agree to the minute; within a day they are taken to agree. The server and the
/// client apply this same tolerance ([`not_in_future`]), so the client never accepts a day the
/// server will refuse.
pub const FUTURE_TOLERANCE_SECS: i64 = SECS_PER_DAY;

/// One calendar day, as days since 1970-01-01. Ordered as the calendar is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

impl Day {
    /// The day `days` days after 1970-01-01 (before it when negative).
    #[must_use]
    pub const fn from_days(days: i64) -> Self {
        Self(days)
    }

    /// Days since 1970-01-01.
    #[must_use]
    pub const fn days(self) -> i64 {
        self.0
    }

    /// The day a moment (seconds since the Unix epoch) falls on in UTC+8.
    #[must_use]
    pub const fn of(epoch_secs: i64) -> Self {
        Self(
            epoch_secs
                .saturating_add(OFFSET_SECS)
                .div_euclid(SECS_PER_DAY),
        )
    }

    /// The day of a year, month (1–12) and day of the month, or `None` when there is no such
    /// date (`2026-02-29`, month 13).
    #[must_use]
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil
        let (month, day) = (i64::from(month), i64::from(day));
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Self(era * 146_097 + doe - 719_468))
    }

    /// Reads a day written `YYYY-MM-DD` (four-digit year, two-digit month and day, ASCII
    /// digits only); `None` when the text is not exactly that or names no real date.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let digits = &b[range];
            digits
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
        };
        Self::from_ymd(i64::from(number(0..4)?), number(5..7)?, number(8..10)?)
    }

    /// Year, month (1–12) and day of the month.
    #[must_use]
    pub fn ymd(self) -> (i64, u32, u32) {
        // Howard Hinnant's civil_from_days
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        // both are small by construction: 1..=12 and 1..=31
        let small = |n: i64| u32::try_from(n).unwrap_or(1);
        (year, small(month), small(day))
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> i64 {
        self.ymd().0
    }

    /// The day after `n` days (before, when `n` is negative).
    #[must_use]
    pub const fn plus(self, n: i64) -> Self {
        Self(self.0 + n)
    }

    /// The day of the week, 1 for Monday to 7 for Sunday (ISO 8601).
    #[must_use]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub const fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (4); the remainder is in 0..7, so the cast is exact
        (self.0 + 3).rem_euclid(7) as u32 + 1
    }

    /// The Monday of this day's ISO week: the day the week is named by in weekly trends.
    #[must_use]
    pub const fn monday(self) -> Self {
        Self(self.0 - (self.0 + 3).rem_euclid(7))
    }

    /// The first moment of the day, 00:00 UTC+8, in seconds since the Unix epoch.
    #[must_use]
    pub const fn start(self) -> i64 {
        self.0 * SECS_PER_DAY - OFFSET_SECS
    }
}

impl fmt::Display for Day {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day (`YYYY-MM-DD`, UTC+8) a moment falls on: the day a field answer is recorded with.
#[must_use]
pub fn day_of(epoch_secs: i64) -> String {
    Day::of(epoch_secs).to_string()
}

/// The Monday (`YYYY-MM-DD`) of the ISO week of a day written `YYYY-MM-DD`, or `None` when the
/// text is not a real date.
#[must_use]
pub fn week_of(day: &str) -> Option<String> {
    Day::parse(day).map(|d| d.monday().to_string())
}

/// The last day that is not in the future at `now` (seconds since the Unix epoch), allowing
/// [`FUTURE_TOLERANCE_SECS`] for clocks that disagree: tomorrow in UTC+8.
#[must_use]
pub const fn latest_day(now: i64) -> Day {
    Day::of(now.saturating_add(FUTURE_TOLERANCE_SECS))
}

/// Whether `day` (`YYYY-MM-DD`) is a real date and not in the future at `now`, within the
/// shared tolerance: the check the server makes of every collection day and the client of
/// every day typed in or read from a file.
#[must_use]
pub fn not_in_future(day: &str, now: i64) -> bool {
    Day::parse(day).is_some_and(|day| day <= latest_day(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_moment_falls_on_its_day_in_china_standard_time() {
        assert_eq!(day_of(0), "1970-01-01");
        // 2025-05-31T16:00:00Z is already 2025-06-01 in UTC+8
        assert_eq!(day_of(1_748_707_200), "2025-06-01");
        assert_eq!(day_of(1_748_707_199), "2025-05-31");
        // 2026-11-21 16:00 UTC is 2026-11-22 00:00 in Beijing
        assert_eq!(day_of(1_795_276_800), "2026-11-22");
        assert_eq!(day_of(1_795_276_799), "2026-11-21");
        assert_eq!(day_of(951_782_400), "2000-02-29");
        assert_eq!(day_of(-OFFSET_SECS - 1), "1969-12-31");
        assert_eq!(Day::parse("2025-06-01").unwrap().start(), 1_748_707_200);
    }

    #[test]
    fn a_day_belongs_to_the_week_starting_on_its_monday() {
        assert_eq!(week_of("1970-01-01").as_deref(), Some("1969-12-29"));
        assert_eq!(week_of("2026-11-22").as_deref(), Some("2026-11-16"));
        assert_eq!(week_of("2026-11-16").as_deref(), Some("2026-11-16"));
        assert_eq!(week_of("2000-03-01").as_deref(), Some("2000-02-28"));
        assert_eq!(week_of("2024-13-01"), None);
        assert_eq!(week_of("garbage"), None);
        assert_eq!(Day::parse("2026-11-22").unwrap().weekday(), 7);
        assert_eq!(Day::parse("2026-11-16").unwrap().weekday(), 1);
    }

    #[test]
    fn only_real_dates_written_yyyy_mm_dd_are_days() {
        for good in [
            "2026-11-22",
            "2024-02-29",
            "2000-02-29",
            "0001-01-01",
            "9999-12-31",
        ] {
            assert_eq!(
                Day::parse(good).map(|d| d.to_string()).as_deref(),
                Some(good)
            );
        }
        for bad in [
            "",
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-11-00",
            "2026-1-01",
            "2026-11-22T10:00",
            "+026-11-22",
            "2026/11/22",
            "2026-11-2一",
            "２０２６-11-22",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_day_ahead_is_tolerated_and_two_are_not() {
        // 2026-11-22 10:00 in Beijing
        let now = Day::parse("2026-11-22").unwrap().start() + 10 * 3600;
        assert!(not_in_future("2026-11-21", now));
        assert!(not_in_future("2026-11-22", now));
        assert!(not_in_future("2026-11-23", now));
        assert!(!not_in_future("2026-11-24", now));
        assert!(!not_in_future("2026-11-31", now), "not a date");
        assert_eq!(latest_day(now).to_string(), "2026-11-23");
    }

    /// Days from about 5,000 BC to AD 5,000: every day a clock can plausibly show and more.
    fn days() -> impl Strategy<Value = i64> {
        -2_500_000i64..1_200_000
    }

    proptest! {
        #[test]
        fn a_day_written_out_reads_back_as_itself(n in 0i64..2_932_897) {
            // 1970-01-01 .. 9999-12-31: the days with a four-digit year
            let day = Day::from_days(n - 719_162);
            prop_assert_eq!(Day::parse(&day.to_string()), Some(day));
        }

        #[test]
        fn year_month_and_day_name_the_day_they_came_from(n in days()) {
            let day = Day::from_days(n);
            let (y, m, d) = day.ymd();
            prop_assert!((1..=12).contains(&m));
            prop_assert!(d >= 1 && d <= days_in_month(y, m));
            prop_assert_eq!(Day::from_ymd(y, m, d), Some(day));
            // the next day is the next date of the calendar
            let (y2, m2, d2) = day.plus(1).ymd();
            let expected = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
            prop_assert_eq!((y2, m2, d2), expected);
        }

        #[test]
        fn every_second_of_a_day_falls_on_that_day(n in days(), second in 0i64..SECS_PER_DAY) {
            let day = Day::from_days(n);
            prop_assert_eq!(Day::of(day.start() + second), day);
            prop_assert_eq!(Day::of(day.start() - 1), day.plus(-1));
        }

        #[test]
        fn a_week_starts_on_the_monday_at_most_six_days_before(n in days()) {
            let day = Day::from_days(n);
            let monday = day.monday();
            prop_assert_eq!(monday.weekday(), 1);
            prop_assert!(monday <= day && day.days() - monday.days() < 7);
            prop_assert_eq!(day.days() - monday.days(), i64::from(day.weekday()) - 1);
        }

        #[test]
        fn the_future_begins_the_day_after_tomorrow(now in -10_000_000_000i64..10_000_000_000) {
            let today = Day::of(now);
            prop_assert!(not_in_future(&today.to_string(), now));
            prop_assert!(not_in_future(&today.plus(1).to_string(), now));
            prop_assert!(!not_in_future(&today.plus(2).to_string(), now));
        }
    }
}
