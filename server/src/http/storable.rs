//! Text the databases cannot store ([`canvass_protocol::text::is_storable`]: a NUL, U+0000),
//! refused once at the edge, before a handler runs or anything is read or written: in the
//! decoded path and query string of every request, and in every string and key of a JSON body.
//! PostgreSQL fails a whole statement on a NUL, so one such string reaching a shared
//! transaction (a group commit) would fail everybody's answers with it.
//!
//! A NUL can reach a URI only percent-encoded (`%00`: the HTTP parser refuses a raw one), and a
//! JSON text only as the escape `\u0000` (a raw control character is not well-formed JSON), so
//! both checks scan bytes and cost nothing on a clean request.

use actix_web::http::Uri;
use canvass_protocol::ErrorCode;
use serde_json::Value;

use crate::domain::error::{Error, Kind};

/// `unstorable_text` (400) when the path or the query string of `uri` decodes to a NUL.
pub fn check_uri(uri: &Uri) -> Result<(), Error> {
    let path = uri.path();
    let query = uri.query().unwrap_or("");
    if has_encoded_nul(path) || has_encoded_nul(query) {
        return Err(Error::new(
            Kind::Malformed,
            ErrorCode::UnstorableText,
            ErrorCode::UnstorableText.message(),
        ));
    }
    Ok(())
}

fn has_encoded_nul(text: &str) -> bool {
    text.as_bytes().windows(3).any(|w| w == b"%00")
}

/// `unstorable_text` (422) at the field of the first string or key of a well-formed JSON
/// `body` that holds a NUL.
pub fn check_json(body: &[u8]) -> Result<(), Error> {
    if !has_escaped_nul(body) {
        return Ok(());
    }
    let path = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|value| nul_path(&value, String::new()));
    let error = Error::new(
        Kind::Invalid,
        ErrorCode::UnstorableText,
        ErrorCode::UnstorableText.message(),
    );
    Err(match path {
        Some(path) if !path.is_empty() => error.at(path),
        _ => error,
    })
}

/// Whether `body` holds the escape `\u0000` (preceded by an even number of backslashes, so
/// that `\\u0000`, a backslash and the text `u0000`, is not one).
fn has_escaped_nul(body: &[u8]) -> bool {
    const ESCAPE: &[u8] = b"\\u0000";
    body.windows(ESCAPE.len())
        .enumerate()
        .filter(|(_, w)| *w == ESCAPE)
        .any(|(at, _)| {
            let backslashes = body[..at].iter().rev().take_while(|b| **b == b'\\').count();
            backslashes % 2 == 0
        })
}

/// The path of the first string or key holding a NUL, written as the other body errors write
/// theirs (`definition.questions[2].label`); `""` for the whole body.
fn nul_path(value: &Value, here: String) -> Option<String> {
    match value {
        Value::String(s) => s.contains('\0').then_some(here),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, format!("{here}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let path = if here.is_empty() {
                key.clone()
            } else {
                format!("{here}.{key}")
            };
            if key.contains('\0') {
                Some(path)
            } else {
                nul_path(item, path)
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(body: &str) -> Option<String> {
        check_json(body.as_bytes())
            .err()
            .map(|e| e.field().map_or_else(String::new, |f| f.path.clone()))
    }

    #[test]
    fn a_nul_is_found_at_its_field_and_an_escaped_backslash_is_not_one() {
        assert_eq!(field(r#"{"a":"x"}"#), None);
        assert_eq!(field(r#"{"a":"x\u0000"}"#), Some("a".into()));
        assert_eq!(field(r#"{"a":"x\\u0000"}"#), None);
        assert_eq!(field(r#"{"a":"x\\\u0000"}"#), Some("a".into()));
        assert_eq!(
            field(r#"{"a":[{"b":1},{"c":"\u0000"}]}"#),
            Some("a[1].c".into())
        );
        assert_eq!(field(r#"{"a":{"k\u0000":1}}"#), Some("a.k\0".into()));
        assert_eq!(field(r#""\u0000""#), Some(String::new()));
    }

    #[test]
    fn a_percent_encoded_nul_in_the_path_or_query_is_refused() {
        for uri in ["/s/a%00b", "/s/x?lang=%00", "/a?b=%000"] {
            let uri: Uri = uri.parse().unwrap();
            assert_eq!(
                check_uri(&uri).unwrap_err().code(),
                ErrorCode::UnstorableText
            );
        }
        for uri in ["/s/a%2500b", "/s/x?lang=en&a=%20%30%30", "/"] {
            let uri: Uri = uri.parse().unwrap();
            assert!(check_uri(&uri).is_ok(), "{uri}");
        }
    }
}
