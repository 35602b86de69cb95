//! Slug identifiers of questions, options and scales: `^[a-z][a-z0-9_]{0,63}$`.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

/// The pattern every question, option and scale id matches, as ECMA-262 for JSON Schema.
pub const SLUG_PATTERN: &str = "^[a-z][a-z0-9_]{0,63}$";

/// The longest id, in bytes (all ids are ASCII).
pub const MAX_SLUG_LEN: usize = 64;

/// Why a string is not a valid id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    /// The string is empty.
    #[error("an id must not be empty")]
    Empty,
    /// The string is longer than [`MAX_SLUG_LEN`].
    #[error("an id has at most 64 characters")]
    TooLong,
    /// The string does not start with a lowercase ASCII letter.
    #[error("an id starts with a lowercase letter a-z")]
    BadStart,
    /// The string contains something other than `a-z`, `0-9` and `_`.
    #[error("an id contains only lowercase letters a-z, digits and underscores")]
    BadCharacter,
}

/// Checks `s` against [`SLUG_PATTERN`].
pub fn check_slug(s: &str) -> Result<(), SlugError> {
    let mut bytes = s.bytes();
    match bytes.next() {
        None => return Err(SlugError::Empty),
        Some(b) if !b.is_ascii_lowercase() => return Err(SlugError::BadStart),
        Some(_) => {}
    }
    if s.len() > MAX_SLUG_LEN {
        return Err(SlugError::TooLong);
    }
    if bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        Ok(())
    } else {
        Err(SlugError::BadCharacter)
    }
}

macro_rules! slug_id {
    ($(#[doc = $doc:expr])* $name:ident) => {
        $(#[doc = $doc])*
        ///
        /// Always matches [`SLUG_PATTERN`]; it can only be built through [`check_slug`].
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses an id, refusing anything that does not match [`SLUG_PATTERN`].
            pub fn parse(s: &str) -> Result<Self, SlugError> {
                check_slug(s)?;
                Ok(Self(s.to_owned()))
            }

            /// The id as a string slice.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = SlugError;

            fn try_from(s: String) -> Result<Self, SlugError> {
                check_slug(&s)?;
                Ok(Self(s))
            }
        }

        impl FromStr for $name {
            type Err = SlugError;

            fn from_str(s: &str) -> Result<Self, SlugError> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(SLUG_PATTERN))
                    .max_length(Some(MAX_SLUG_LEN))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

slug_id! {
    /// The id of a question, unique within its form; answers are keyed by it.
    QuestionId
}

slug_id! {
    /// The id of an option of a choice question or of a rating scale, unique within its list;
    /// answers name options by it and tallies count per option id.
    OptionId
}

slug_id! {
    /// The id of a rating scale: [`SATISFACTION_SCALE_ID`](super::SATISFACTION_SCALE_ID) for the
    /// built-in one, or a key of the form's `scales`.
    ScaleId
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_pattern() {
        for ok in ["a", "q1", "service_attitude", &"a".repeat(64)] {
            assert!(QuestionId::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(QuestionId::parse(""), Err(SlugError::Empty));
        assert_eq!(QuestionId::parse("1a"), Err(SlugError::BadStart));
        assert_eq!(QuestionId::parse("_a"), Err(SlugError::BadStart));
        assert_eq!(QuestionId::parse("Abc"), Err(SlugError::BadStart));
        assert_eq!(QuestionId::parse("a-b"), Err(SlugError::BadCharacter));
        assert_eq!(QuestionId::parse("aB"), Err(SlugError::BadCharacter));
        assert_eq!(QuestionId::parse("a 1"), Err(SlugError::BadCharacter));
        assert_eq!(QuestionId::parse("满意"), Err(SlugError::BadStart));
        assert_eq!(QuestionId::parse("a满"), Err(SlugError::BadCharacter));
        assert_eq!(QuestionId::parse(&"a".repeat(65)), Err(SlugError::TooLong));
    }

    #[test]
    fn slugs_deserialize_only_when_valid() {
        let id: OptionId = serde_json::from_str("\"dont_know\"").unwrap();
        assert_eq!(id, "dont_know");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"dont_know\"");
        assert!(serde_json::from_str::<OptionId>("\"Dont know\"").is_err());
        assert!(serde_json::from_str::<OptionId>("3").is_err());
    }
}
