//! Display languages and texts given in Simplified Chinese and, optionally, English.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A language the product speaks. Simplified Chinese is the default and the fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
pub enum Lang {
    /// Simplified Chinese, `zh-CN`.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English, `en`.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Every language, the default first.
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The language tag used on the wire and as the key in [`Localized`].
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Maps a BCP 47 tag to a language by its primary subtag (`zh`, `zh-Hans-CN`, `en-GB`, ...),
    /// case-insensitively; `None` for any other language.
    #[must_use]
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") {
            Some(Lang::ZhCn)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the language from an `Accept-Language` header value: the supported language with
    /// the highest quality, the earlier one on a tie, and zh-CN when none is supported.
    #[must_use]
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_tag) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .filter(|q| q.is_finite() && *q > 0.0);
            if let Some(q) = quality {
                if best.is_none_or(|(_, b)| q > b) {
                    best = Some((lang, q));
                }
            }
        }
        best.map_or(Lang::ZhCn, |(lang, _)| lang)
    }
}

/// A text in Simplified Chinese (required) and English (optional):
/// `{"zh-CN": "满意", "en": "Satisfied"}`.
///
/// [`FormDefinition::validate`](super::FormDefinition::validate) requires the zh-CN text and,
/// when given, the English text to contain something other than whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// The Simplified Chinese text, shown by default and when no translation exists.
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    /// The English text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Localized {
    /// A text in both languages.
    #[must_use]
    pub fn new(zh_cn: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh_cn: zh_cn.into(),
            en: Some(en.into()),
        }
    }

    /// A text in Simplified Chinese only.
    #[must_use]
    pub fn zh(zh_cn: impl Into<String>) -> Self {
        Self {
            zh_cn: zh_cn.into(),
            en: None,
        }
    }

    /// The text in `lang`, falling back to Simplified Chinese when there is no translation.
    #[must_use]
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => self.en.as_deref().unwrap_or(&self.zh_cn),
            Lang::ZhCn => &self.zh_cn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_falls_back_to_chinese() {
        let both = Localized::new("满意", "Satisfied");
        assert_eq!(both.get(Lang::ZhCn), "满意");
        assert_eq!(both.get(Lang::En), "Satisfied");
        let zh = Localized::zh("不了解");
        assert_eq!(zh.get(Lang::En), "不了解");
    }

    #[test]
    fn localized_uses_language_tags_as_keys() {
        let json = serde_json::json!({"zh-CN": "满意", "en": "Satisfied"});
        let text: Localized = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&text).unwrap(), json);
        let zh_only = serde_json::to_value(Localized::zh("满意")).unwrap();
        assert_eq!(zh_only, serde_json::json!({"zh-CN": "满意"}));
        assert!(serde_json::from_value::<Localized>(serde_json::json!({"en": "x"})).is_err());
        assert!(
            serde_json::from_value::<Localized>(serde_json::json!({"zh-CN": "x", "fr": "y"}))
                .is_err()
        );
    }

    #[test]
    fn language_tags_map_by_primary_subtag() {
        assert_eq!(Lang::from_tag("zh"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_tag("zh-Hans-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_tag("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(Lang::negotiate("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En);
        assert_eq!(Lang::negotiate("fr, en;q=0.5, zh;q=0.7"), Lang::ZhCn);
        assert_eq!(Lang::negotiate("en;q=0, zh;q=0.1"), Lang::ZhCn);
        assert_eq!(Lang::negotiate("en;q=0"), Lang::ZhCn);
        assert_eq!(Lang::negotiate("de, fr"), Lang::ZhCn);
        assert_eq!(Lang::negotiate(""), Lang::ZhCn);
        assert_eq!(Lang::negotiate("en;q=abc, zh;q=0.2"), Lang::ZhCn);
        assert_eq!(Lang::negotiate("en-GB"), Lang::En);
    }
}
