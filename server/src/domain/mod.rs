//! Every rule and access check of canvass: who may see and do what, what a survey, a round, a
//! ballot code, a tally sheet or a field batch must satisfy, and what is stored. It depends only
//! on the storage (`crate::db`) and `canvass_protocol`, never on HTTP: it answers with
//! [`Error`], whose [`Kind`] each edge maps to its own answer.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod ballot_codes;
pub mod error;
pub mod exports;
pub mod printables;
pub mod rectification;
pub mod rounds;
pub mod submissions;
pub mod survey_codes;
pub mod surveys;
pub mod sync;
pub mod tally_sheets;
pub mod trends;
pub mod units;

pub use error::{Error, Field, Kind, Problem, Thing};

/// The current time in seconds since 1970: the clock every rule reads.
pub use crate::db::now;

/// A short random link id: 8 characters without look-alikes (about 41 bits), for the public
/// links of surveys and rounds.
#[must_use]
pub fn new_slug() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..8)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_and_unambiguous() {
        let slug = new_slug();
        assert_eq!(slug.len(), 8);
        assert!(slug.chars().all(|c| !"0o1il".contains(c)));
        assert_ne!(new_slug(), new_slug());
    }
}
