//! The catalogues: every word the product writes to people, one Fluent file per language and
//! purpose (`domain/locales/<locale>/messages.ftl` for emails and texts, `pages.ftl` for the
//! server's pages), compiled in. Fluent, because a language's grammar lives in its own file:
//! plural forms (CLDR's rules: Russian's three, English's "1 minute"/"15 minutes") and other
//! selectors are written by the translator, not coded. Read once, shared by every thread.

use crate::locale::Locale;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Which file of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Book {
    /// Emails and text messages.
    Messages,
    /// The strings of the server's pages (`/accept`, `/reset-password`, `/dev/inbox`).
    Pages,
}

/// The catalogue files' text, by locale: (messages, pages).
fn sources(locale: Locale) -> (&'static str, &'static str) {
    match locale {
        Locale::En => (
            include_str!("../locales/en/messages.ftl"),
            include_str!("../locales/en/pages.ftl"),
        ),
        Locale::De => (
            include_str!("../locales/de/messages.ftl"),
            include_str!("../locales/de/pages.ftl"),
        ),
        Locale::Es => (
            include_str!("../locales/es/messages.ftl"),
            include_str!("../locales/es/pages.ftl"),
        ),
        Locale::Fr => (
            include_str!("../locales/fr/messages.ftl"),
            include_str!("../locales/fr/pages.ftl"),
        ),
        Locale::PtBr => (
            include_str!("../locales/pt-BR/messages.ftl"),
            include_str!("../locales/pt-BR/pages.ftl"),
        ),
        Locale::Ru => (
            include_str!("../locales/ru/messages.ftl"),
            include_str!("../locales/ru/pages.ftl"),
        ),
    }
}

/// One file, ready to format, with what a check needs to know of it.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    /// Each message's id and the variables its value names directly (in order of appearance).
    messages: Vec<(String, Vec<String>)>,
    /// What was wrong with the file (a test requires none).
    #[cfg_attr(not(test), allow(dead_code))]
    problems: Vec<String>,
}

impl Catalogue {
    fn new(locale: Locale, source: &str) -> Self {
        let mut problems = Vec::new();
        let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(res, errs)| {
            problems.extend(errs.iter().map(|e| format!("{e:?}")));
            res
        });
        let messages = resource
            .entries()
            .filter_map(|entry| match entry {
                ast::Entry::Message(m) => {
                    let mut vars = Vec::new();
                    if let Some(p) = &m.value {
                        variables(p, &mut vars);
                    }
                    Some((m.id.name.to_owned(), vars))
                }
                _ => None,
            })
            .collect();
        let tag = locale.as_str().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![tag]);
        // Plain text (emails, texts, `textContent`): no Unicode isolation marks around values.
        bundle.set_use_isolating(false);
        if let Err(errs) = bundle.add_resource(resource) {
            problems.extend(errs.iter().map(|e| format!("{e:?}")));
        }
        Self {
            bundle,
            messages,
            problems,
        }
    }

    /// The message `id` with `args`, or `None` when there is no such message. Fluent's
    /// complaints (a missing variable) are collected into `problems`.
    fn format(
        &self,
        id: &str,
        args: &FluentArgs<'_>,
        problems: &mut Vec<String>,
    ) -> Option<String> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(args), &mut errors)
            .into_owned();
        problems.extend(errors.iter().map(|e| format!("{id}: {e:?}")));
        Some(text)
    }
}

/// The variables a pattern names, selectors' variants included.
fn variables(pattern: &ast::Pattern<&str>, out: &mut Vec<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, out: &mut Vec<String>) {
    let inline = |e: &ast::InlineExpression<&str>, out: &mut Vec<String>| {
        if let ast::InlineExpression::VariableReference { id } = e {
            if !out.iter().any(|v| v == id.name) {
                out.push(id.name.to_owned());
            }
        }
    };
    match expression {
        ast::Expression::Inline(e) => match e {
            ast::InlineExpression::Placeable { expression } => {
                expression_variables(expression, out)
            }
            e => inline(e, out),
        },
        ast::Expression::Select { selector, variants } => {
            inline(selector, out);
            for v in variants {
                variables(&v.value, out);
            }
        }
    }
}

/// Every language's two catalogues, read once.
static CATALOGUES: LazyLock<Vec<(Locale, Catalogue, Catalogue)>> = LazyLock::new(|| {
    Locale::ALL
        .iter()
        .map(|&l| {
            let (messages, pages) = sources(l);
            (l, Catalogue::new(l, messages), Catalogue::new(l, pages))
        })
        .collect()
});

fn catalogue(locale: Locale, book: Book) -> Option<&'static Catalogue> {
    CATALOGUES
        .iter()
        .find(|(l, _, _)| *l == locale)
        .map(|(_, messages, pages)| match book {
            Book::Messages => messages,
            Book::Pages => pages,
        })
}

/// An argument of a message: text, or a number (which selects plural forms).
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    Number(i64),
}

fn fluent_args<'a>(args: &[(&'a str, Arg<'a>)]) -> FluentArgs<'a> {
    let mut out = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(s) => out.set(*name, FluentValue::from(*s)),
            Arg::Number(n) => out.set(*name, FluentValue::from(*n)),
        }
    }
    out
}

/// The message `id` of `book` in `locale` with `args`; English when the language lacks it (a
/// test requires every language to have every message), and the id itself when English does.
pub fn text(locale: Locale, book: Book, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let args = fluent_args(args);
    let mut ignored = Vec::new();
    [locale, Locale::En]
        .iter()
        .find_map(|&l| catalogue(l, book)?.format(id, &args, &mut ignored))
        .unwrap_or_else(|| id.to_owned())
}

/// One string of a page, as its script receives it (JSON): text, or — for a message that is
/// one choice by a number (`{ $seconds -> [one] … *[other] … }`) — its forms by CLDR plural
/// category, which the script picks with the browser's `Intl.PluralRules` for the number.
/// Variables are left as `{name}` for the script to fill in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum PageString {
    Text(String),
    Plural {
        /// The variable that chooses.
        on: String,
        /// The form for each category the language's file names.
        forms: BTreeMap<String, String>,
        /// The category of the default form.
        other: String,
    },
}

/// Every string of the pages in `locale`, by id.
pub fn page_strings(locale: Locale) -> BTreeMap<String, PageString> {
    let Some(pages) = catalogue(locale, Book::Pages) else {
        return BTreeMap::new();
    };
    let mut ignored = Vec::new();
    pages
        .messages
        .iter()
        .filter_map(|(id, vars)| {
            let slots: Vec<(String, String)> = vars
                .iter()
                .map(|v| (v.clone(), format!("{{{v}}}")))
                .collect();
            let mut args = FluentArgs::new();
            for (name, slot) in &slots {
                args.set(name.as_str(), FluentValue::from(slot.as_str()));
            }
            let pattern = pages.bundle.get_message(id)?.value()?;
            if let [ast::PatternElement::Placeable {
                expression:
                    ast::Expression::Select {
                        selector: ast::InlineExpression::VariableReference { id: on },
                        variants,
                    },
            }] = pattern.elements.as_slice()
            {
                let mut forms = BTreeMap::new();
                let mut other = String::new();
                for v in variants {
                    let key = match &v.key {
                        ast::VariantKey::Identifier { name } => name.to_string(),
                        ast::VariantKey::NumberLiteral { value } => value.to_string(),
                    };
                    let mut errors = Vec::new();
                    let text = pages
                        .bundle
                        .format_pattern(&v.value, Some(&args), &mut errors)
                        .into_owned();
                    if v.default {
                        other = key.clone();
                    }
                    forms.insert(key, text);
                }
                let plural = PageString::Plural {
                    on: on.name.to_owned(),
                    forms,
                    other,
                };
                return Some((id.clone(), plural));
            }
            pages
                .format(id, &args, &mut ignored)
                .map(|text| (id.clone(), PageString::Text(text)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(locale: Locale, book: Book) -> Vec<&'static str> {
        catalogue(locale, book)
            .unwrap()
            .messages
            .iter()
            .map(|(id, _)| id.as_str())
            .collect()
    }

    #[test]
    fn every_file_reads_without_a_problem() {
        for &l in Locale::ALL {
            for book in [Book::Messages, Book::Pages] {
                let c = catalogue(l, book).unwrap();
                assert!(c.problems.is_empty(), "{l} {book:?}: {:?}", c.problems);
                assert!(!c.messages.is_empty(), "{l} {book:?} is empty");
            }
        }
    }

    #[test]
    fn every_message_is_in_every_language_and_no_other() {
        for book in [Book::Messages, Book::Pages] {
            let mut english = ids(Locale::En, book);
            english.sort_unstable();
            for &l in Locale::ALL {
                let mut theirs = ids(l, book);
                theirs.sort_unstable();
                let missing: Vec<_> = english.iter().filter(|id| !theirs.contains(id)).collect();
                let extra: Vec<_> = theirs.iter().filter(|id| !english.contains(id)).collect();
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "{l} {book:?}: missing {missing:?}, not in English {extra:?}"
                );
                let mut unique = theirs.clone();
                unique.dedup();
                assert_eq!(unique.len(), theirs.len(), "{l} {book:?}: an id twice");
            }
        }
    }

    /// A sample value for each variable a message may name.
    fn sample(name: &str) -> Arg<'static> {
        match name {
            "minutes" | "count" | "seconds" | "min" | "max" => Arg::Number(15),
            "link" | "page" => Arg::Text("http://127.0.0.1:8080/x#token=SAMPLE"),
            other => Arg::Text(match other {
                "inviter" => "Ada Lovelace",
                "account" => "Acme",
                "workgroup" => "Client site",
                "first_name" => "Ann",
                "code" => "048213",
                "new_login" => "new@home.example",
                _ => "SAMPLE",
            }),
        }
    }

    #[test]
    fn every_message_formats_and_carries_what_english_carries() {
        for book in [Book::Messages, Book::Pages] {
            let english = catalogue(Locale::En, book).unwrap();
            for (id, vars) in &english.messages {
                let args: Vec<(&str, Arg<'_>)> =
                    vars.iter().map(|v| (v.as_str(), sample(v))).collect();
                let fargs = fluent_args(&args);
                for &l in Locale::ALL {
                    let c = catalogue(l, book).unwrap();
                    let mut problems = Vec::new();
                    let text = c.format(id, &fargs, &mut problems).unwrap();
                    assert!(problems.is_empty(), "{l} {id}: {problems:?}");
                    assert!(!text.trim().is_empty(), "{l} {id} is empty");
                    for (name, value) in &args {
                        let shown = match value {
                            Arg::Text(s) => s.to_string(),
                            Arg::Number(n) => n.to_string(),
                        };
                        assert!(text.contains(&shown), "{l} {id} leaves out ${name}: {text}");
                    }
                    // Its own variables are English's: nothing it names goes unfilled.
                    let theirs = &c.messages.iter().find(|(i, _)| i == id).unwrap().1;
                    assert!(
                        theirs.iter().all(|v| vars.contains(v)),
                        "{l} {id} names {theirs:?}, English {vars:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn plural_forms_are_the_languages_own() {
        let expiry = |l, n| {
            text(
                l,
                Book::Messages,
                "sign-up-code-email-expiry",
                &[("minutes", Arg::Number(n))],
            )
        };
        assert!(expiry(Locale::Ru, 1).starts_with("Код действует 1 минуту."));
        assert!(expiry(Locale::Ru, 2).starts_with("Код действует 2 минуты."));
        assert!(expiry(Locale::Ru, 5).starts_with("Код действует 5 минут."));
        assert!(expiry(Locale::Ru, 21).starts_with("Код действует 21 минуту."));
        assert!(expiry(Locale::Ru, 15).starts_with("Код действует 15 минут."));
        assert!(expiry(Locale::En, 1).starts_with("It expires in 1 minute."));
        assert!(expiry(Locale::En, 15).starts_with("It expires in 15 minutes."));
        assert!(expiry(Locale::De, 1).contains("1 Minute lang"));
    }

    #[test]
    fn page_strings_leave_their_variables_for_the_page() {
        for &l in Locale::ALL {
            let strings = page_strings(l);
            assert_eq!(strings.len(), ids(Locale::En, Book::Pages).len(), "{l}");
            assert!(strings.values().all(|s| match s {
                PageString::Text(t) => !t.contains('\u{2068}'),
                PageString::Plural { forms, other, .. } => forms.contains_key(other),
            }));
        }
    }

    #[test]
    fn a_page_gets_a_number_choice_as_its_forms() {
        let ru = page_strings(Locale::Ru);
        let Some(PageString::Plural { on, forms, other }) = ru.get("wait-seconds") else {
            panic!("wait-seconds is a plural: {:?}", ru.get("wait-seconds"));
        };
        assert_eq!(on, "seconds");
        assert_eq!(
            forms.keys().collect::<Vec<_>>(),
            ["few", "many", "one", "other"]
        );
        assert_eq!(forms["few"], "{seconds} секунды");
        assert!(forms.contains_key(other));
        let en = page_strings(Locale::En);
        assert_eq!(
            en.get("accept-invited-to"),
            Some(&PageString::Text("You are invited to {account}".into()))
        );
    }

    #[test]
    fn no_isolation_marks_in_plain_text() {
        let s = text(
            Locale::De,
            Book::Messages,
            "invitation-subject",
            &[
                ("inviter", Arg::Text("Ada")),
                ("account", Arg::Text("Acme")),
            ],
        );
        assert_eq!(s, "Ada lädt Sie zu Acme ein");
    }
}
