//! The message catalogue: every word a person reads, in Simplified Chinese and English, kept in
//! Fluent files (`protocol/locales/<lang>/<area>.ftl`) and shared by the server and the client.
//!
//! A message is named by a kebab-case id with its area, the file's name, as prefix
//! (`error-not-found` in `error.ftl`). Code that knows the reader's language formats a message at once with
//! [`tr`] or [`t!`](crate::t); code that does not (the server's domain layer) builds a
//! [`Message`], which the edge renders in the reader's language.
//!
//! What must hold, checked by the tests below: every id exists in both languages with the same
//! variables, and every file parses. An id that is missing at run time renders as the id
//! itself, so a gap shows on the page instead of failing the request.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{LazyLock, Mutex, PoisonError};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use crate::forms::Lang;

/// The catalogue's files: `(area, zh-CN text, en text)`. An area is one file per language.
macro_rules! catalogue_files {
    ($($area:literal),* $(,)?) => {
        &[$((
            $area,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/zh-CN/", $area, ".ftl")),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en/", $area, ".ftl")),
        )),*]
    };
}

/// Every file of the catalogue. Add an area here when you add its two files.
pub const FILES: &[(&str, &str, &str)] = catalogue_files![
    "common",
    "error",
    "form",
    "round",
    "cli",
    "sheet",
    "server",
    "page",
    "dashboard",
    "console",
    "print",
    "export",
    "coverage",
    "field",
    "audit",
    "trends",
    "rectification",
];

struct Catalogue {
    zh_cn: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id = lang
        .as_str()
        .parse()
        .expect("the language tags of Lang are valid");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around variables: the texts go into HTML, terminals and CSV
    // cells, where the invisible marks only get in the way.
    bundle.set_use_isolating(false);
    for (area, zh_cn, en) in FILES {
        let text = match lang {
            Lang::ZhCn => zh_cn,
            Lang::En => en,
        };
        let resource = FluentResource::try_new((*text).to_owned()).unwrap_or_else(|(_, errors)| {
            panic!(
                "locales/{}/{area}.ftl does not parse: {errors:?}",
                lang.as_str()
            )
        });
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("locales/{}/{area}.ftl: {errors:?}", lang.as_str()));
    }
    bundle
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue {
    zh_cn: bundle(Lang::ZhCn),
    en: bundle(Lang::En),
});

impl Catalogue {
    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::ZhCn => &self.zh_cn,
            Lang::En => &self.en,
        }
    }
}

/// Formats message `id` in `lang` with `args`; the id itself when the catalogue lacks it.
#[must_use]
pub fn format(lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> String {
    let bundle = CATALOGUE.bundle(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_owned();
    };
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned()
}

/// Message `id` in `lang`, for a message without variables.
#[must_use]
pub fn tr(lang: Lang, id: &str) -> String {
    format(lang, id, None)
}

/// Message `id` in `lang`, formatted once and kept for the life of the program: for the fixed
/// words of the product (a grade's or a unit kind's name) that callers hold as `&'static str`.
/// Only for ids written in the code, without variables, so what is kept is bounded by the
/// catalogue's size.
#[must_use]
pub fn tr_static(lang: Lang, id: &'static str) -> &'static str {
    type Kept = BTreeMap<(&'static str, &'static str), &'static str>;
    static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(Mutex::default);
    let mut kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    kept.entry((lang.as_str(), id))
        .or_insert_with(|| Box::leak(tr(lang, id).into_boxed_str()))
}

/// Every message whose id starts with one of `prefixes`, in `lang`, with each variable left
/// as the placeholder `{name}`: the words a script in the browser fills in itself (the field
/// app). Ids in catalogue order of [`inventory`].
#[must_use]
pub fn templates(lang: Lang, prefixes: &[&str]) -> BTreeMap<String, String> {
    inventory(lang)
        .into_iter()
        .filter(|(id, _)| prefixes.iter().any(|p| id.starts_with(p)))
        .map(|(id, vars)| {
            let mut args = FluentArgs::with_capacity(vars.len());
            for var in &vars {
                args.set(var.clone(), FluentValue::from(format!("{{{var}}}")));
            }
            let text = format(lang, &id, Some(&args));
            (id, text)
        })
        .collect()
}

/// Whether the catalogue has message `id` (in Simplified Chinese, which every id must have).
#[must_use]
pub fn has(id: &str) -> bool {
    CATALOGUE.zh_cn.has_message(id)
}

/// A message whose reader's language is not known yet: its id and its arguments. Rendered
/// with [`Message::render`] where the language is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    id: Cow<'static, str>,
    args: Vec<(&'static str, Arg)>,
}

/// One argument of a [`Message`].
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text shown as it is.
    Text(String),
    /// A number, shown in the reader's language's way.
    Number(f64),
    /// A text given in both languages (a question's label, a unit's name in English): the
    /// reader's language is picked when the message is rendered.
    Localized {
        /// The Simplified Chinese text.
        zh_cn: String,
        /// The English text, where there is one; the Chinese otherwise.
        en: Option<String>,
    },
    /// Another message, rendered in the same language (a grade's name inside a sentence).
    Message(Box<Message>),
}

impl Arg {
    /// A name in Simplified Chinese with its English form where there is one (an official's
    /// name in a round definition): the reader's language is picked when rendered.
    #[must_use]
    pub fn localized(zh_cn: impl Into<String>, en: Option<String>) -> Self {
        Arg::Localized {
            zh_cn: zh_cn.into(),
            en,
        }
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(value.clone())
    }
}

impl From<Message> for Arg {
    fn from(value: Message) -> Self {
        Arg::Message(Box::new(value))
    }
}

impl From<&crate::forms::Localized> for Arg {
    fn from(value: &crate::forms::Localized) -> Self {
        Arg::Localized {
            zh_cn: value.get(Lang::ZhCn).to_owned(),
            en: Some(value.get(Lang::En).to_owned()),
        }
    }
}

macro_rules! number_args {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Arg {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn from(value: $ty) -> Self {
                Arg::Number(value as f64)
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64, f64);

impl Message {
    /// A message without arguments.
    #[must_use]
    pub const fn new(id: &'static str) -> Self {
        Self {
            id: Cow::Borrowed(id),
            args: Vec::new(),
        }
    }

    /// A message whose id is made at run time (`error-` and an error code's wire name).
    #[must_use]
    pub fn dynamic(id: String) -> Self {
        Self {
            id: Cow::Owned(id),
            args: Vec::new(),
        }
    }

    /// Adds argument `name`.
    #[must_use]
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The message's id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The argument `name`, if the message has it.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The message in `lang`.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        if self.args.is_empty() {
            return tr(lang, &self.id);
        }
        let mut args = FluentArgs::with_capacity(self.args.len());
        for (name, value) in &self.args {
            let value: FluentValue<'_> = match value {
                Arg::Text(text) => text.as_str().into(),
                Arg::Number(n) => (*n).into(),
                Arg::Localized { zh_cn, en } => match (lang, en) {
                    (Lang::En, Some(en)) if !en.is_empty() => en.as_str().into(),
                    _ => zh_cn.as_str().into(),
                },
                Arg::Message(inner) => inner.render(lang).into(),
            };
            args.set(*name, value);
        }
        format(lang, &self.id, Some(&args))
    }
}

impl fmt::Display for Message {
    /// The message in Simplified Chinese, the product's default language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::ZhCn))
    }
}

/// Builds a [`Message`]: `msg!("error-not-found")`, `msg!("error-missing-field", field = "name")`.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Message::new($id)$(.arg(stringify!($name), $value))*
    };
}

/// Names the values of a fieldless enum from the catalogue, one message id per variant:
/// `name()` gives the name as a [`Message`], `label(lang)`, `label_zh()` and `label_en()` as
/// text. For the product's fixed words (grades, dimensions, unit kinds), which are not data.
macro_rules! catalogue_names {
    ($ty:ty { $($variant:ident => $id:literal),+ $(,)? }) => {
        impl $ty {
            /// The id of the name in the message catalogue.
            const fn message_id(self) -> &'static str {
                match self {
                    $(Self::$variant => $id,)+
                }
            }

            /// The name, to render in the reader's language.
            #[must_use]
            pub const fn name(self) -> $crate::i18n::Message {
                $crate::i18n::Message::new(self.message_id())
            }

            /// The name in `lang`.
            #[must_use]
            pub fn label(self, lang: $crate::i18n::Lang) -> &'static str {
                $crate::i18n::tr_static(lang, self.message_id())
            }

            /// The name in Simplified Chinese.
            #[must_use]
            pub fn label_zh(self) -> &'static str {
                self.label($crate::i18n::Lang::ZhCn)
            }

            /// The name in English.
            #[must_use]
            pub fn label_en(self) -> &'static str {
                self.label($crate::i18n::Lang::En)
            }
        }
    };
}
pub(crate) use catalogue_names;

/// Formats a message in a known language at once: `t!(lang, "error-missing-field", field = "name")`.
#[macro_export]
macro_rules! t {
    ($lang:expr, $id:literal) => {
        $crate::i18n::tr($lang, $id)
    };
    ($lang:expr, $id:literal $(, $name:ident = $value:expr)+ $(,)?) => {
        $crate::msg!($id $(, $name = $value)+).render($lang)
    };
}

/// The ids of every message of one language, with the variables each uses: what the tests
/// compare between the languages and against the code.
#[must_use]
pub fn inventory(lang: Lang) -> BTreeMap<String, Vec<String>> {
    use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

    fn variables(pattern: &Pattern<&str>, out: &mut Vec<String>) {
        for element in &pattern.elements {
            if let PatternElement::Placeable { expression } = element {
                expression_variables(expression, out);
            }
        }
    }
    fn expression_variables(expression: &Expression<&str>, out: &mut Vec<String>) {
        match expression {
            Expression::Inline(inline) => inline_variables(inline, out),
            Expression::Select { selector, variants } => {
                inline_variables(selector, out);
                for variant in variants {
                    variables(&variant.value, out);
                }
            }
        }
    }
    fn inline_variables(inline: &InlineExpression<&str>, out: &mut Vec<String>) {
        match inline {
            InlineExpression::VariableReference { id } => out.push(id.name.to_owned()),
            InlineExpression::FunctionReference { arguments, .. } => {
                for arg in &arguments.positional {
                    inline_variables(arg, out);
                }
            }
            InlineExpression::Placeable { expression } => expression_variables(expression, out),
            _ => {}
        }
    }

    let mut out = BTreeMap::new();
    for (area, zh_cn, en) in FILES {
        let text = match lang {
            Lang::ZhCn => zh_cn,
            Lang::En => en,
        };
        let resource = fluent_syntax::parser::parse(*text)
            .unwrap_or_else(|(_, errors)| panic!("{area}.ftl does not parse: {errors:?}"));
        for entry in resource.body {
            if let Entry::Message(message) = entry {
                let mut vars = Vec::new();
                if let Some(value) = &message.value {
                    variables(value, &mut vars);
                }
                vars.sort();
                vars.dedup();
                assert!(
                    out.insert(message.id.name.to_owned(), vars).is_none(),
                    "message {} is defined twice in {}",
                    message.id.name,
                    lang.as_str()
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_both_languages_with_the_same_variables() {
        let zh = inventory(Lang::ZhCn);
        let en = inventory(Lang::En);
        let only_zh: Vec<_> = zh.keys().filter(|id| !en.contains_key(*id)).collect();
        let only_en: Vec<_> = en.keys().filter(|id| !zh.contains_key(*id)).collect();
        assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
        for (id, vars) in &zh {
            assert_eq!(vars, &en[id], "message {id} uses other variables in en");
        }
    }

    #[test]
    fn templates_leave_their_variables_as_placeholders() {
        let words = templates(Lang::En, &["form-answer-"]);
        assert_eq!(
            words["form-answer-too-many"], "Choose at most {max}.",
            "{words:?}"
        );
        assert!(words.keys().all(|id| id.starts_with("form-answer-")));
        let zh = templates(Lang::ZhCn, &["form-answer-"]);
        assert_eq!(zh.len(), words.len());
    }

    #[test]
    fn every_message_id_has_its_file_as_prefix() {
        for (area, zh_cn, en) in FILES {
            for text in [zh_cn, en] {
                let resource = fluent_syntax::parser::parse(*text).expect("parses");
                for entry in resource.body {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        assert!(
                            m.id.name.starts_with(&format!("{area}-")),
                            "{} in {area}.ftl does not start with {area}-",
                            m.id.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_error_code_has_its_message() {
        for &code in crate::ErrorCode::ALL {
            assert!(
                has(code.message().id()),
                "no message {}",
                code.message().id()
            );
        }
    }

    #[test]
    fn a_message_renders_its_arguments_in_the_readers_language() {
        let message = crate::msg!("error-missing-field", field = "周建军");
        assert_eq!(message.render(Lang::ZhCn), "缺少“周建军”。");
        assert_eq!(message.render(Lang::En), "周建军 is missing.");
        let localized = crate::msg!(
            "error-missing-field",
            field = Arg::Localized {
                zh_cn: "周建军".into(),
                en: Some("Zhou Jianjun".into())
            }
        );
        assert_eq!(localized.render(Lang::En), "Zhou Jianjun is missing.");
        assert_eq!(localized.render(Lang::ZhCn), "缺少“周建军”。");
        let nested = crate::msg!(
            "common-field-and-message",
            field = "周建军",
            message = crate::msg!("error-ballot-code-used")
        );
        assert_eq!(
            nested.render(Lang::En),
            "周建军: This ballot code has already been used."
        );
        assert_eq!(
            crate::t!(Lang::En, "error-invalid-type", field = "weight"),
            "weight has the wrong type."
        );
        assert_eq!(tr(Lang::ZhCn, "error-not-found"), "找不到该对象。");
    }

    #[test]
    fn a_missing_message_renders_as_its_id() {
        let id = format!("common-{}", "no-such-message");
        assert_eq!(tr(Lang::En, &id), id);
        assert!(!has(&id));
        assert!(has("error-not-found"));
    }
}
