use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{ErrorCode, ErrorDetail, Problem};
use crate::i18n::{Lang, Message};
use crate::msg;

/// The symbols of a ballot code: digits and capital letters without 0, O, 1 and I, which are
/// read one for the other. 32 symbols, 5 bits each.
pub const BALLOT_CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

const LENGTH: usize = 12;
const RANDOM: usize = 11;
const GROUP: usize = 4;

/// Multiplication in GF(32) = GF(2)[x] / (x⁵ + x² + 1).
const fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
    }
    product
}

/// The weight of each position: α^(i+1) for the random symbols, 1 for the check symbol, where
/// α = x generates GF(32)'s 31 non-zero elements, so all twelve weights differ and none is 0.
const WEIGHTS: [u8; LENGTH] = {
    let mut w = [1u8; LENGTH];
    let mut power = 1u8;
    let mut i = 0;
    while i < RANDOM {
        power = gf_mul(power, 2);
        w[i] = power;
        i += 1;
    }
    w
};

fn value_of(symbol: u8) -> Option<u8> {
    BALLOT_CODE_ALPHABET
        .iter()
        .position(|&s| s == symbol)
        .and_then(|v| u8::try_from(v).ok())
}

/// `Σ weightᵢ · valueᵢ` over GF(32): 0 for a correct code.
fn syndrome(values: &[u8; LENGTH]) -> u8 {
    values
        .iter()
        .zip(WEIGHTS)
        .fold(0, |acc, (&v, w)| acc ^ gf_mul(v, w))
}

/// A one-time ballot code (选票码): 11 random symbols (55 bits) and a check symbol, shown as
/// `ABCD-EFGH-JKLM`.
///
/// The check symbol makes `Σ wᵢ · vᵢ = 0` in GF(32) with distinct non-zero weights, so every
/// single mistyped symbol and every swap of two different symbols (adjacent or not) is caught
/// as a typo before the code is looked up. (Luhn mod 32 would miss swapping `2` and `Z`.)
///
/// `Debug` does not show the code: codes must never reach a log.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct BallotCode([u8; LENGTH]);

/// Why a typed ballot code is not a code. `Display` gives the message in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message().render(Lang::En))]
pub enum BallotCodeError {
    /// After dropping spaces and dashes, not 12 symbols.
    WrongLength { found: usize },
    /// A character that is never part of a code; `position` counts symbols from 1.
    InvalidCharacter { character: char, position: usize },
    /// Well-formed, but the check symbol does not match: a typo.
    CheckMismatch,
}

impl BallotCodeError {
    /// The stable error code.
    #[must_use]
    pub const fn code(&self) -> ErrorCode {
        match self {
            BallotCodeError::WrongLength { .. } => ErrorCode::BallotCodeWrongLength,
            BallotCodeError::InvalidCharacter { .. } => ErrorCode::BallotCodeInvalidCharacter,
            BallotCodeError::CheckMismatch => ErrorCode::BallotCodeCheckMismatch,
        }
    }

    /// What is wrong, for the elector who typed the code: which character, how many, or a
    /// typo. A character read for another (0 for O, 1 for I) gets a hint.
    #[must_use]
    pub fn message(&self) -> Message {
        match *self {
            BallotCodeError::WrongLength { found } => {
                msg!("round-code-wrong-length", found = found)
            }
            BallotCodeError::InvalidCharacter {
                character,
                position,
            } => {
                let character = character.to_string();
                match character.as_str() {
                    "0" | "o" | "O" => msg!(
                        "round-code-no-zero",
                        character = character,
                        position = position
                    ),
                    "1" | "i" | "I" => msg!(
                        "round-code-no-one",
                        character = character,
                        position = position
                    ),
                    _ => msg!(
                        "round-code-invalid-character",
                        character = character,
                        position = position
                    ),
                }
            }
            BallotCodeError::CheckMismatch => msg!("round-code-typo"),
        }
    }

    /// The error naming `field`, with its message to render in the reader's language.
    #[must_use]
    pub fn to_problem(&self, field: &str) -> Problem {
        Problem::new(self.code(), field, self.message())
    }

    /// The error as an API detail naming `field`, with the message in English.
    #[must_use]
    pub fn to_detail(&self, field: &str) -> ErrorDetail {
        self.to_problem(field).to_detail(Lang::En)
    }
}

/// Folds full-width forms (as a Chinese input method types them) to ASCII; `None` for
/// separators, which are dropped.
fn normalise(c: char) -> Option<char> {
    let c = match u32::from(c) {
        0xFF01..=0xFF5E => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '_')
    {
        None
    } else {
        Some(c.to_ascii_uppercase())
    }
}

impl BallotCode {
    /// Random bytes a code is made from: 7 (56 bits, of which 55 are used).
    pub const RANDOM_BYTES: usize = 7;

    /// Makes a code from random bytes the caller draws from a cryptographic generator; the
    /// crate has no randomness of its own.
    #[must_use]
    pub fn from_random_bytes(bytes: &[u8; Self::RANDOM_BYTES]) -> Self {
        let mut wide = [0u8; 8];
        wide[1..].copy_from_slice(bytes);
        let bits = u64::from_be_bytes(wide) >> 1;
        let mut values = [0u8; LENGTH];
        for (i, v) in values.iter_mut().take(RANDOM).enumerate() {
            *v = u8::try_from((bits >> (5 * (RANDOM - 1 - i))) & 0x1F).unwrap_or(0);
        }
        values[RANDOM] = syndrome(&values);
        Self::from_values(&values)
    }

    fn from_values(values: &[u8; LENGTH]) -> Self {
        Self(values.map(|v| BALLOT_CODE_ALPHABET[usize::from(v)]))
    }

    /// Reads a code as typed: case, spaces, dashes and full-width characters do not matter.
    pub fn parse(input: &str) -> Result<Self, BallotCodeError> {
        let mut values = [0u8; LENGTH];
        let mut found = 0;
        for (typed, c) in input.chars().filter_map(|t| normalise(t).map(|c| (t, c))) {
            found += 1;
            let value = u8::try_from(c).ok().and_then(value_of).ok_or(
                BallotCodeError::InvalidCharacter {
                    character: typed,
                    position: found,
                },
            )?;
            if let Some(slot) = values.get_mut(found - 1) {
                *slot = value;
            }
        }
        if found != LENGTH {
            return Err(BallotCodeError::WrongLength { found });
        }
        if syndrome(&values) != 0 {
            return Err(BallotCodeError::CheckMismatch);
        }
        Ok(Self::from_values(&values))
    }

    /// The normalised code, 12 symbols without dashes: what the server hashes and stores, so
    /// the same code typed any way hashes the same.
    #[must_use]
    pub fn hash_input(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for BallotCode {
    /// Grouped by four: `ABCD-EFGH-JKLM`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chunk) in self.hash_input().as_bytes().chunks(GROUP).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(chunk).unwrap_or_default())?;
        }
        Ok(())
    }
}

impl fmt::Debug for BallotCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BallotCode(<redacted>)")
    }
}

impl FromStr for BallotCode {
    type Err = BallotCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for BallotCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BallotCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for BallotCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A one-time ballot code: 12 symbols of 23456789ABCDEFGHJKLMNPQRSTUVWXYZ, \
                 usually grouped by four with dashes; case, spaces and dashes are ignored.",
            ))
            .examples(["7KQM-3XPA-WZ4C"])
            .into()
    }
}

impl utoipa::ToSchema for BallotCode {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample_codes() -> Vec<BallotCode> {
        let mut codes: Vec<BallotCode> = (0u8..40)
            .map(|i| {
                let b = i.wrapping_mul(37);
                BallotCode::from_random_bytes(&[
                    b,
                    b ^ 0x5A,
                    i,
                    0xFF - b,
                    b.rotate_left(3),
                    i ^ 0xC3,
                    b,
                ])
            })
            .collect();
        codes.push(BallotCode::from_random_bytes(&[0; 7]));
        codes.push(BallotCode::from_random_bytes(&[0xFF; 7]));
        codes
    }

    fn symbols(code: &BallotCode) -> Vec<u8> {
        code.hash_input().bytes().collect()
    }

    fn reparse(symbols: &[u8]) -> Result<BallotCode, BallotCodeError> {
        BallotCode::parse(std::str::from_utf8(symbols).unwrap())
    }

    #[test]
    fn the_alphabet_has_32_distinct_unambiguous_symbols() {
        let set: std::collections::BTreeSet<_> = BALLOT_CODE_ALPHABET.iter().collect();
        assert_eq!(set.len(), 32);
        for c in b"01OI" {
            assert!(!set.contains(c));
        }
    }

    #[test]
    fn the_weights_are_distinct_and_non_zero() {
        let mut powers = std::collections::BTreeSet::new();
        let mut p = 1u8;
        for _ in 0..31 {
            assert!(powers.insert(p), "2 generates GF(32)*");
            p = gf_mul(p, 2);
        }
        assert_eq!(p, 1);
        let set: std::collections::BTreeSet<_> = WEIGHTS.iter().collect();
        assert_eq!(set.len(), LENGTH);
        assert!(!set.contains(&0));
    }

    #[test]
    fn every_nonzero_change_at_any_position_or_pair_moves_the_check() {
        // The check is linear: a substitution at i changes the syndrome by wᵢ·d, a swap of
        // positions i and j by (wᵢ + wⱼ)·d, where d ≠ 0 is the difference of the symbols.
        // Exhausting i, j and d proves the property for every code at once.
        for d in 1u8..32 {
            for (i, &wi) in WEIGHTS.iter().enumerate() {
                assert_ne!(gf_mul(wi, d), 0);
                for &wj in &WEIGHTS[i + 1..] {
                    assert_ne!(gf_mul(wi ^ wj, d), 0);
                }
            }
        }
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        for code in sample_codes() {
            let original = symbols(&code);
            for position in 0..LENGTH {
                for &other in BALLOT_CODE_ALPHABET
                    .iter()
                    .filter(|&&s| s != original[position])
                {
                    let mut typo = original.clone();
                    typo[position] = other;
                    assert_eq!(
                        reparse(&typo),
                        Err(BallotCodeError::CheckMismatch),
                        "{code}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_transposition_is_caught_adjacent_or_not() {
        for code in sample_codes() {
            let original = symbols(&code);
            for i in 0..LENGTH {
                for j in (i + 1)..LENGTH {
                    if original[i] != original[j] {
                        let mut swapped = original.clone();
                        swapped.swap(i, j);
                        assert_eq!(reparse(&swapped), Err(BallotCodeError::CheckMismatch));
                    }
                }
            }
        }
    }

    #[test]
    fn codes_are_grouped_and_read_back_however_typed() {
        let code = BallotCode::from_random_bytes(&[0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE]);
        let shown = code.to_string();
        assert_eq!(shown.len(), 14);
        assert_eq!(shown.matches('-').count(), 2);
        assert_eq!(code.hash_input(), shown.replace('-', ""));
        let lower = shown.to_lowercase().replace('-', " ");
        assert_eq!(BallotCode::parse(&lower), Ok(code));
        let full_width: String = shown
            .chars()
            .map(|c| {
                if c == '-' {
                    '－'
                } else {
                    char::from_u32(u32::from(c) + 0xFEE0).unwrap()
                }
            })
            .collect();
        assert_eq!(BallotCode::parse(&full_width), Ok(code));
        assert_eq!(BallotCode::parse(&format!("  {shown}\n")), Ok(code));
        assert_eq!(format!("{code:?}"), "BallotCode(<redacted>)");
        let json = serde_json::to_value(code).unwrap();
        assert_eq!(json, serde_json::Value::String(shown));
        assert_eq!(serde_json::from_value::<BallotCode>(json).unwrap(), code);
    }

    #[test]
    fn parse_errors_say_what_is_wrong() {
        let code = BallotCode::from_random_bytes(&[1, 2, 3, 4, 5, 6, 7]).to_string();
        assert_eq!(
            BallotCode::parse(&code[..13]),
            Err(BallotCodeError::WrongLength { found: 11 })
        );
        assert_eq!(
            BallotCode::parse(&format!("{code}2")),
            Err(BallotCodeError::WrongLength { found: 13 })
        );
        assert_eq!(
            BallotCode::parse(""),
            Err(BallotCodeError::WrongLength { found: 0 })
        );
        let with_o = format!("{}o{}", &code[..5], &code[6..]);
        let err = BallotCode::parse(&with_o).unwrap_err();
        assert_eq!(
            err,
            BallotCodeError::InvalidCharacter {
                character: 'o',
                position: 5
            }
        );
        assert_eq!(err.code(), ErrorCode::BallotCodeInvalidCharacter);
        assert!(err.to_string().contains("no 0 or O"), "{err}");
        assert_eq!(
            BallotCode::parse("ABCD-EFGH-JKL中"),
            Err(BallotCodeError::InvalidCharacter {
                character: '中',
                position: 12
            })
        );
        assert_eq!(
            err.message().render(Lang::ZhCn),
            "第5位的“o”不会出现在测评码中:测评码里没有数字0和字母O。"
        );
        assert_eq!(
            BallotCodeError::WrongLength { found: 11 }
                .message()
                .render(Lang::ZhCn),
            "测评码共12位,这里有11位。"
        );
        let detail = BallotCodeError::CheckMismatch.to_detail("code");
        assert_eq!(detail.code, ErrorCode::BallotCodeCheckMismatch);
        assert_eq!(detail.field.as_deref(), Some("code"));
    }

    proptest! {
        #[test]
        fn every_generated_code_parses_back(bytes in any::<[u8; 7]>()) {
            let code = BallotCode::from_random_bytes(&bytes);
            prop_assert_eq!(BallotCode::parse(&code.to_string()), Ok(code));
            prop_assert!(code.hash_input().bytes().all(|b| BALLOT_CODE_ALPHABET.contains(&b)));
        }

        #[test]
        fn distinct_bytes_give_distinct_codes(a in any::<[u8; 7]>(), b in any::<[u8; 7]>()) {
            let (x, y) = (u64::from_be_bytes([0, a[0], a[1], a[2], a[3], a[4], a[5], a[6]]) >> 1,
                          u64::from_be_bytes([0, b[0], b[1], b[2], b[3], b[4], b[5], b[6]]) >> 1);
            prop_assert_eq!(x == y, BallotCode::from_random_bytes(&a) == BallotCode::from_random_bytes(&b));
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = BallotCode::parse(&s);
        }
    }
}
