//! The languages the product writes in, and which one each message and page is written in.
//! The words themselves are in the catalogues (`domain/locales/<locale>/*.ftl`, read by
//! [`crate::catalogue`]); the API's problem+json stays English (it is for programs).

use serde::{Deserialize, Serialize};

/// A language messages and pages are written in (a BCP 47 tag).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    #[strum(serialize = "en")]
    En,
    #[serde(rename = "de")]
    #[strum(serialize = "de")]
    De,
    #[serde(rename = "es")]
    #[strum(serialize = "es")]
    Es,
    #[serde(rename = "fr")]
    #[strum(serialize = "fr")]
    Fr,
    #[serde(rename = "pt-BR")]
    #[strum(serialize = "pt-BR")]
    PtBr,
    #[serde(rename = "ru")]
    #[strum(serialize = "ru")]
    Ru,
}

/// At most this many bytes of an `Accept-Language` header are read (browsers send well under
/// a hundred); the rest is ignored, so a huge header costs nothing.
pub const MAX_ACCEPT_LANGUAGE: usize = 1024;

impl Locale {
    pub const ALL: &'static [Self] = <Self as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The locale with exactly this tag (`pt-BR`, not `pt-br`).
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// The locale a language range (`de-AT`, `PT`, `fr-CA`) stands for: by its primary
    /// subtag, any case; Portuguese of any region is written as Brazilian Portuguese.
    pub fn of_language(range: &str) -> Option<Self> {
        let primary = range.split('-').next()?;
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "de" => Some(Self::De),
            "es" => Some(Self::Es),
            "fr" => Some(Self::Fr),
            "pt" => Some(Self::PtBr),
            "ru" => Some(Self::Ru),
            _ => None,
        }
    }

    /// The locale an `Accept-Language` header asks for (RFC 9110 §12.5.4): the range of the
    /// highest weight that names one of ours, the first of equal weights; `q=0` is "not
    /// this"; `*` names none in particular; a malformed range or weight is skipped; past
    /// [`MAX_ACCEPT_LANGUAGE`] bytes nothing is read.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut end = accept_language.len().min(MAX_ACCEPT_LANGUAGE);
        while !accept_language.is_char_boundary(end) {
            end -= 1;
        }
        let mut best: Option<(u16, Self)> = None;
        for part in accept_language[..end].split(',') {
            let Some((range, weight)) = language_range(part) else {
                continue;
            };
            let Some(locale) = Self::of_language(range) else {
                continue;
            };
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, locale));
            }
        }
        best.map(|(_, locale)| locale)
    }
}

/// One element of an `Accept-Language` list: its range and its weight in thousandths, or
/// `None` when malformed (or `*`).
fn language_range(part: &str) -> Option<(&str, u16)> {
    let mut pieces = part.split(';');
    let range = pieces.next()?.trim();
    let well_formed = !range.is_empty()
        && range.split('-').enumerate().all(|(i, sub)| {
            (1..=8).contains(&sub.len())
                && if i == 0 {
                    sub.chars().all(|c| c.is_ascii_alphabetic())
                } else {
                    sub.chars().all(|c| c.is_ascii_alphanumeric())
                }
        });
    if !well_formed {
        return None;
    }
    let mut weight = 1000;
    for param in pieces {
        let (name, value) = param.trim().split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("q") {
            return None;
        }
        weight = qvalue(value.trim())?;
    }
    Some((range, weight))
}

/// A weight (`0`, `0.5`, `1.000`) in thousandths, or `None` when it is not one.
fn qvalue(s: &str) -> Option<u16> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    if fraction.len() > 3 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The language of an invitation's message: the one its inviter chose for it, else the
/// account's.
pub fn for_invitation(invitation: Option<Locale>, account: Locale) -> Locale {
    invitation.unwrap_or(account)
}

/// The language of a message to a person who has a profile (a membership invitation, a login
/// or password notice, a reset code): the one they chose, else their account's (when the
/// message is about one), else the language of the request that caused it, else English. A
/// reset code's request may be a stranger's: its header only picks among our fixed texts.
pub fn for_person(
    profile: Option<Locale>,
    account: Option<Locale>,
    request: Option<Locale>,
) -> Locale {
    profile.or(account).or(request).unwrap_or_default()
}

/// The language of a sign-up's code, and the new account's: the one the sign-up asked for,
/// else its request's, else English.
pub fn for_sign_up(chosen: Option<Locale>, request: Option<Locale>) -> Locale {
    chosen.or(request).unwrap_or_default()
}

/// The language of one of the server's pages: `?lang=`, else the browser's, else English.
pub fn for_page(query: Option<Locale>, request: Option<Locale>) -> Locale {
    query.or(request).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tags_are_the_six_exactly() {
        let tags: Vec<_> = Locale::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(tags, ["en", "de", "es", "fr", "pt-BR", "ru"]);
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.as_str()), Some(*l));
            let json = serde_json::to_string(l).unwrap();
            assert_eq!(json, format!("\"{}\"", l.as_str()));
            assert_eq!(serde_json::from_str::<Locale>(&json).unwrap(), *l);
        }
        assert_eq!(Locale::parse("pt"), None);
        assert!(serde_json::from_str::<Locale>("\"klingon\"").is_err());
    }

    #[test]
    fn a_header_is_read_by_weight_then_order() {
        let n = Locale::negotiate;
        assert_eq!(n("de-AT,de;q=0.9,en;q=0.8"), Some(Locale::De));
        assert_eq!(n("en;q=0.5, fr"), Some(Locale::Fr));
        assert_eq!(n("pt-PT"), Some(Locale::PtBr));
        assert_eq!(n("pt"), Some(Locale::PtBr));
        assert_eq!(n("PT-br"), Some(Locale::PtBr));
        assert_eq!(n("ja, ru;q=0.1"), Some(Locale::Ru));
        assert_eq!(n("es;q=1, fr;q=1"), Some(Locale::Es));
        assert_eq!(n("*"), None);
        assert_eq!(n("de;q=0"), None);
        assert_eq!(n("de;q=0, fr;q=0.001"), Some(Locale::Fr));
        assert_eq!(n("ja, zh"), None);
        assert_eq!(n(""), None);
        // Malformed parts are skipped, the rest read.
        assert_eq!(n("de;q=2, fr;q=abc, e$;q=1, ru;Q=0.3"), Some(Locale::Ru));
        assert_eq!(n("de;level=1, es"), Some(Locale::Es));
        assert_eq!(n("toolongtag-x, fr"), Some(Locale::Fr));
        // Past the bound nothing is read.
        let long = format!("{}, de", "x-yz, ".repeat(300));
        assert_eq!(n(&long), None);
    }

    #[test]
    fn who_speaks_first() {
        use Locale::*;
        assert_eq!(for_invitation(Some(De), Fr), De);
        assert_eq!(for_invitation(None, Fr), Fr);
        assert_eq!(for_person(Some(Ru), Some(De), Some(Fr)), Ru);
        assert_eq!(for_person(None, Some(De), Some(Fr)), De);
        assert_eq!(for_person(None, None, Some(Fr)), Fr);
        assert_eq!(for_person(None, None, None), En);
        assert_eq!(for_sign_up(Some(Es), Some(Fr)), Es);
        assert_eq!(for_sign_up(None, Some(Fr)), Fr);
        assert_eq!(for_sign_up(None, None), En);
        assert_eq!(for_page(Some(PtBr), Some(De)), PtBr);
        assert_eq!(for_page(None, Some(De)), De);
        assert_eq!(for_page(None, None), En);
    }

    fn language() -> impl Strategy<Value = (String, Locale)> {
        prop_oneof![
            Just(("en".to_owned(), Locale::En)),
            Just(("de".to_owned(), Locale::De)),
            Just(("es".to_owned(), Locale::Es)),
            Just(("fr".to_owned(), Locale::Fr)),
            Just(("pt".to_owned(), Locale::PtBr)),
            Just(("ru".to_owned(), Locale::Ru)),
        ]
    }

    /// A range of one of our languages: any case, with or without a region.
    fn our_range() -> impl Strategy<Value = (String, Locale)> {
        (
            language(),
            proptest::option::of("[A-Za-z0-9]{1,8}"),
            any::<bool>(),
        )
            .prop_map(|((lang, locale), region, upper)| {
                let lang = if upper { lang.to_uppercase() } else { lang };
                let range = match region {
                    Some(r) => format!("{lang}-{r}"),
                    None => lang,
                };
                (range, locale)
            })
    }

    proptest! {
        #[test]
        fn any_text_is_read_without_panicking(s in "\\PC{0,300}") {
            let _ = Locale::negotiate(&s);
        }

        #[test]
        fn the_heaviest_of_our_ranges_wins(
            ranges in proptest::collection::vec((our_range(), 0u16..=1000), 1..6),
            noise in proptest::collection::vec("[a-z]{2,3}(;q=0\\.[0-9])?|\\*|[^,]{0,12}", 0..4),
        ) {
            let mut parts: Vec<String> = ranges
                .iter()
                .map(|((range, _), w)| format!("{range};q={}.{:03}", w / 1000, w % 1000))
                .collect();
            // Foreign or malformed parts never win over ours, and ours come first.
            parts.extend(noise.into_iter().filter(|p| Locale::of_language(p.split(';').next().unwrap_or("").trim()).is_none()));
            let header = parts.join(", ");
            let best = ranges.iter().map(|(_, w)| *w).max().unwrap_or(0);
            let expected = ranges
                .iter()
                .find(|(_, w)| *w == best && best > 0)
                .map(|((_, locale), _)| *locale);
            prop_assert_eq!(Locale::negotiate(&header), expected);
            // Case never matters.
            prop_assert_eq!(Locale::negotiate(&header.to_uppercase()), expected);
        }

        #[test]
        fn a_refused_language_is_never_chosen((range, _) in our_range()) {
            prop_assert_eq!(Locale::negotiate(&format!("{range};q=0")), None);
            prop_assert_eq!(Locale::negotiate(&format!("{range};q=0.000, *")), None);
        }
    }
}
