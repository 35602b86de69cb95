//! What the JSON wire format needs beyond serde's defaults: objects that refuse a key given
//! twice, where serde keeps the last value silently.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, Visitor};
use serde::Deserialize;

/// A map key as it was written on the wire, so a repeated key can be named in the error.
pub(crate) trait WireName {
    fn wire_name(&self) -> &str;
}

impl WireName for String {
    fn wire_name(&self) -> &str {
        self
    }
}

/// Deserialises a JSON object into a map, refusing a key given twice: a tally with
/// `"excellent"` twice must not lose a count, and an answer set with `"overall"` twice must not
/// keep whichever came last.
///
/// The refusal is raised while the repeated key's value is read, so a deserializer that tracks
/// paths (the server's) names the field as `answers.overall`; its message is
/// ``duplicate key `overall` ``, which the server answers with the code `duplicate_key`.
pub(crate) fn unique_keys<'de, D, K, V>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + WireName,
    V: Deserialize<'de>,
{
    struct UniqueKeys<K, V>(PhantomData<(K, V)>);

    impl<'de, K, V> Visitor<'de> for UniqueKeys<K, V>
    where
        K: Deserialize<'de> + Ord + WireName,
        V: Deserialize<'de>,
    {
        type Value = BTreeMap<K, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object without repeated keys")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<K>()? {
                if out.contains_key(&key) {
                    let never = map.next_value_seed(Repeated(key.wire_name()))?;
                    match never {}
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_map(UniqueKeys(PhantomData))
}

/// Reads the value of a repeated key as an error naming the key.
struct Repeated<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for Repeated<'_> {
    type Value = Infallible;

    fn deserialize<D: Deserializer<'de>>(self, _: D) -> Result<Infallible, D::Error> {
        Err(D::Error::custom(format_args!("duplicate key `{}`", self.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Body {
        #[serde(deserialize_with = "unique_keys")]
        answers: BTreeMap<String, u32>,
    }

    #[test]
    fn a_repeated_key_is_refused_at_its_own_path() {
        let text = r#"{"answers": {"overall": 1, "visits": 2, "overall": 3}}"#;
        let mut de = serde_json::Deserializer::from_str(text);
        let err = serde_path_to_error::deserialize::<_, Body>(&mut de).unwrap_err();
        assert_eq!(err.path().to_string(), "answers.overall");
        assert!(
            err.inner()
                .to_string()
                .starts_with("duplicate key `overall`"),
            "{err}"
        );
        let body: Body = serde_json::from_str(r#"{"answers": {"a": 1, "b": 2}}"#).unwrap();
        assert_eq!(body.answers.len(), 2);
    }
}
