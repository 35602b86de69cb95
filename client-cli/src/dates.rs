//! Moments on the command line and on screen: RFC 3339 timestamps and plain dates, read and
//! shown in the users' calendar (China Standard Time, UTC+8: `canvass_protocol::calendar`, the
//! calendar the server uses for answer days), converted to the seconds since the Unix epoch
//! that the API exchanges.

use std::fmt;

use canvass_protocol::calendar::{self, Day, SECS_PER_DAY};
use canvass_protocol::forms::Lang;
use canvass_protocol::{msg, t};

/// Which end of a day a plain date (`YYYY-MM-DD`) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayBound {
    /// The first moment of the day, 00:00 UTC+8: for a window that opens on that day.
    Start,
    /// The first moment after the day, 00:00 UTC+8 the next day: for a window that closes at
    /// the end of that day (the server accepts answers strictly before `closes_at`).
    End,
}

/// A moment that could not be read, with what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    input: String,
    reason: DateProblem,
}

/// What is wrong with a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateProblem {
    NotADate,
    NoT,
    NoOffset,
    NotAClock,
    NotAnOffset,
}

impl DateError {
    /// The problem in `lang`, with the forms that are accepted.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        let reason = match self.reason {
            DateProblem::NotADate => msg!("cli-date-not-a-date"),
            DateProblem::NoT => msg!("cli-date-no-t"),
            DateProblem::NoOffset => msg!("cli-date-no-offset"),
            DateProblem::NotAClock => msg!("cli-date-not-a-clock"),
            DateProblem::NotAnOffset => msg!("cli-date-not-an-offset"),
        };
        t!(
            lang,
            "cli-date-error",
            input = self.input.as_str(),
            reason = reason
        )
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

impl std::error::Error for DateError {}

/// Reads `YYYY-MM-DD` (a day in UTC+8, taken at `bound`) or an RFC 3339 timestamp
/// (`2025-06-01T08:30:00+08:00`, `2025-06-01T00:30:00Z`, fractional seconds ignored) and
/// returns seconds since the Unix epoch.
pub fn parse_moment(input: &str, bound: DayBound) -> Result<i64, DateError> {
    let text = input.trim();
    let fail = |reason| DateError {
        input: input.to_string(),
        reason,
    };
    let bytes = text.as_bytes();
    if bytes.len() < 10 || !text.is_char_boundary(10) {
        return Err(fail(DateProblem::NotADate));
    }
    let day = Day::parse(&text[..10]).ok_or_else(|| fail(DateProblem::NotADate))?;
    if bytes.len() == 10 {
        return Ok(match bound {
            DayBound::Start => day.start(),
            DayBound::End => day.plus(1).start(),
        });
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') {
        return Err(fail(DateProblem::NoT));
    }
    let rest = &text[11..];
    let (clock, offset) = split_offset(rest).ok_or_else(|| fail(DateProblem::NoOffset))?;
    let seconds = parse_clock(clock).ok_or_else(|| fail(DateProblem::NotAClock))?;
    let offset = parse_offset(offset).ok_or_else(|| fail(DateProblem::NotAnOffset))?;
    Ok(day.days() * SECS_PER_DAY + seconds - offset)
}

/// Today in the users' calendar (UTC+8), `YYYY-MM-DD`: the day a field answer is recorded with.
#[must_use]
pub fn today() -> String {
    calendar::day_of(now_secs())
}

/// Seconds since the Unix epoch, now.
#[must_use]
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Shows a moment as an RFC 3339 timestamp in UTC+8, e.g. `2025-06-01T08:30:00+08:00`.
#[must_use]
pub fn format_moment(epoch_secs: i64) -> String {
    let day = Day::of(epoch_secs);
    let secs = epoch_secs - day.start();
    format!(
        "{day}T{:02}:{:02}:{:02}+08:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `HH:MM:SS` or `HH:MM:SS.fff` (fraction dropped), or `HH:MM` → seconds into the day.
fn parse_clock(s: &str) -> Option<i64> {
    let (main, fraction) = s.split_once('.').unwrap_or((s, ""));
    if !fraction.bytes().all(|c| c.is_ascii_digit()) || (s.contains('.') && fraction.is_empty()) {
        return None;
    }
    let parts: Vec<&str> = main.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m] if fraction.is_empty() => (*h, *m, "00"),
        [h, m, sec] => (*h, *m, *sec),
        _ => return None,
    };
    if h.len() != 2 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let (h, m, sec) = (digits(h)?, digits(m)?, digits(sec)?);
    // 60 admits a leap second as RFC 3339 does; it lands on the next second
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(h * 3600 + m * 60 + sec)
}

/// Splits `08:30:00+08:00` into the clock and the offset (`Z`, `+08:00`, `-05:00`).
fn split_offset(s: &str) -> Option<(&str, &str)> {
    if let Some(clock) = s.strip_suffix(['Z', 'z']) {
        return Some((clock, "Z"));
    }
    let at = s.rfind(['+', '-'])?;
    Some((&s[..at], &s[at..]))
}

/// `Z` → 0, `+08:00` → 28 800, `-05:30` → −19 800.
fn parse_offset(s: &str) -> Option<i64> {
    if s == "Z" {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = s[1..].split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m) = (digits(h)?, digits(m)?);
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_collection_day() {
        assert!(canvass_protocol::sync::valid_day(&today()));
    }

    #[test]
    fn a_plain_date_is_a_day_in_china_standard_time() {
        // 2025-06-01T00:00:00+08:00 = 2025-05-31T16:00:00Z
        assert_eq!(
            parse_moment("2025-06-01", DayBound::Start),
            Ok(1_748_707_200)
        );
        assert_eq!(
            parse_moment("2025-06-01", DayBound::End),
            Ok(1_748_707_200 + 86_400)
        );
    }

    #[test]
    fn rfc3339_timestamps_honour_their_offset() {
        let utc = parse_moment("2025-05-31T16:00:00Z", DayBound::Start).unwrap();
        assert_eq!(utc, 1_748_707_200);
        assert_eq!(
            parse_moment("2025-06-01T00:00:00+08:00", DayBound::End),
            Ok(utc)
        );
        assert_eq!(
            parse_moment("2025-05-31t11:00:00-05:00", DayBound::Start),
            Ok(utc)
        );
        assert_eq!(
            parse_moment("2025-05-31 16:00:00.999Z", DayBound::Start),
            Ok(utc)
        );
        assert_eq!(parse_moment("1970-01-01T00:00:00Z", DayBound::Start), Ok(0));
        assert_eq!(
            parse_moment("1969-12-31T23:59:59Z", DayBound::Start),
            Ok(-1)
        );
    }

    #[test]
    fn impossible_dates_and_times_are_refused_with_a_hint() {
        for bad in [
            "",
            "2025-6-1",
            "2025-02-29",
            "2024-13-01",
            "2025-04-31",
            "01/06/2025",
            "2025-06-01T25:00:00Z",
            "2025-06-01T08:00:00",
            "2025-06-01T08:00:00+8",
            "2025-06-01T08:00:00.Z",
            "2025-06-01X08:00:00Z",
            "tomorrow",
            "2025-06-0一",
            "2025-06-01T08:00:00+08:0〇",
        ] {
            let err = parse_moment(bad, DayBound::Start).unwrap_err();
            assert!(err.render(Lang::En).contains("YYYY-MM-DD"), "{bad}: {err}");
            assert!(
                err.render(Lang::ZhCn).contains("YYYY-MM-DD"),
                "{bad}: {err}"
            );
        }
        assert!(parse_moment("2024-02-29", DayBound::Start).is_ok());
        assert!(parse_moment("2000-02-29", DayBound::Start).is_ok());
        assert!(parse_moment("1900-02-29", DayBound::Start).is_err());
    }

    #[test]
    fn moments_are_shown_in_china_standard_time_and_read_back() {
        assert_eq!(format_moment(1_748_707_200), "2025-06-01T00:00:00+08:00");
        assert_eq!(format_moment(0), "1970-01-01T08:00:00+08:00");
        for t in [-86_401, -1, 0, 1_748_707_200, 1_748_739_599, 4_102_444_800] {
            assert_eq!(
                parse_moment(&format_moment(t), DayBound::Start),
                Ok(t),
                "{t}"
            );
        }
    }
}
