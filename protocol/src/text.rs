//! Text the databases can store: the one rule every free text of the protocol is held to
//! (answers, labels of a form or a round, station names), and that the server applies to every
//! string it is sent before anything is written.

/// Whether both databases store `text` as it is: it holds no NUL character (U+0000).
///
/// PostgreSQL refuses NUL in `text` outright (`invalid byte sequence for encoding "UTF8":
/// 0x00`), failing the whole statement, and SQLite keeps it but many of its functions stop at
/// it, so the two backends would not even agree on what was stored. Every other character is
/// stored as it is by both: a Rust string is well-formed UTF-8 and cannot hold a lone
/// surrogate, PostgreSQL (in a UTF8 database) and SQLite accept every other Unicode scalar
/// value, noncharacters such as U+FFFF included, and JSON kept in text columns escapes control
/// characters.
///
/// ```
/// use canvass_protocol::text::is_storable;
///
/// assert!(is_storable("第一会场\n\t\u{FFFF}"));
/// assert!(!is_storable("a\u{0}b"));
/// ```
#[must_use]
pub fn is_storable(text: &str) -> bool {
    !text.contains('\0')
}
