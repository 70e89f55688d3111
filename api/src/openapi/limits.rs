//! The limits the server enforces on requests, written into the OpenAPI document from the
//! constants that enforce them.
//!
//! utoipa's `#[schema(max_length = …)]` and `#[param(…)]` take number literals only (utoipa-gen
//! 5 reads a literal token, not a path to a constant), so a limit declared there would be a
//! second copy of the domain's number, free to drift from it. Instead, this table is built from
//! the constants themselves and applied to the generated document; [`apply`] says which
//! entries found nothing, and a test requires that to be none, so renaming a field cannot
//! silently drop its limit. The checks themselves stay where they are: the domain's parse
//! functions, `crate::pagination` and `crate::idempotency`.

use crate::idempotency;
use crate::pagination::{CURSOR_PATTERN, MAX_LIMIT};
use crate::routes::accounts::{AccountPatch, AdminBody, ConfirmBody};
use crate::routes::api_tokens::NewApiTokenBody;
use crate::routes::audit::{ACTION_PATTERN, MAX_ACTION_CHARS};
use crate::routes::invitations::{InlineWorkgroup, InvitationBatchBody, InviteeBody};
use crate::routes::invitee::AcceptBody;
use crate::routes::network::{LoginChangeBody, LoginChangeConfirmBody};
use crate::routes::webhooks::{NewWebhookBody, WebhookPatch};
use crate::routes::workgroups::{NewWorkgroupBody, WorkgroupPatch};
use crate::views::ExternalDomainsBody;
use domain::account::{AccountSettings, ExternalDomains};
use domain::invitation::{MAX_INVITEES, MAX_MESSAGE_CHARS};
use domain::login::{Email, DOMAIN_PATTERN};
use domain::names::{PersonName, MAX_SEARCH_CHARS, TEXT_PATTERN};
use domain::sign_up::CODE_DIGITS;
use domain::webhook;
use domain::workgroup::{WorkgroupName, MAX_DESCRIPTION_CHARS};
use std::borrow::Cow;
use std::ops::{RangeFrom, RangeInclusive, RangeToInclusive};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi, RefOr, Schema};
use utoipa::ToSchema;

use crate::idempotency::{KEY_PATTERN, MAX_KEY_CHARS as IDEMPOTENCY_KEY_MAX_CHARS};

/// Every limit the document shows. A minimum of 1 is the parse functions' `required` for a
/// blank value; they trim names and addresses before counting, so the limits are on what is
/// left.
pub fn all() -> Vec<Entry> {
    let person_name = || chars(1..=PersonName::MAX_CHARS);
    let workgroup_name = || chars(1..=WorkgroupName::MAX_CHARS);
    let subscribable = domain::webhook::EventType::subscribable().count();
    let text = || Limit::Pattern(TEXT_PATTERN.into());
    // Each entry of a domain list.
    let domain_name = || Limit::Pattern(DOMAIN_PATTERN.into());
    vec![
        // Sign-up and the account.
        property::<AdminBody>("email", chars(..=Email::MAX_LEN)),
        property::<AdminBody>("email", Limit::Format("email")),
        property::<AdminBody>("first_name", person_name()),
        property::<AdminBody>("first_name", text()),
        property::<AdminBody>("last_name", person_name()),
        property::<AdminBody>("last_name", text()),
        property::<ConfirmBody>("code", Limit::Pattern(format!("^[0-9]{{{CODE_DIGITS}}}$"))),
        property::<AccountPatch>(
            "invitation_ttl_hours",
            range(1..=AccountSettings::MAX_TTL_HOURS),
        ),
        property::<ExternalDomainsBody>("allow", items(..=ExternalDomains::MAX_DOMAINS)),
        property::<ExternalDomainsBody>("deny", items(..=ExternalDomains::MAX_DOMAINS)),
        property::<ExternalDomainsBody>("allow", domain_name()),
        property::<ExternalDomainsBody>("deny", domain_name()),
        // Workgroups.
        property::<NewWorkgroupBody>("name", workgroup_name()),
        property::<NewWorkgroupBody>("name", text()),
        property::<NewWorkgroupBody>("description", chars(..=MAX_DESCRIPTION_CHARS)),
        property::<WorkgroupPatch>("name", workgroup_name()),
        property::<WorkgroupPatch>("name", text()),
        property::<WorkgroupPatch>("description", chars(..=MAX_DESCRIPTION_CHARS)),
        // Invitations.
        property::<InvitationBatchBody>("message", chars(..=MAX_MESSAGE_CHARS)),
        property::<InvitationBatchBody>("invitees", items(1..=MAX_INVITEES)),
        property::<InlineWorkgroup>("name", workgroup_name()),
        property::<InlineWorkgroup>("name", text()),
        property::<InviteeBody>("email", chars(..=Email::MAX_LEN)),
        property::<InviteeBody>("email", Limit::Format("email")),
        property::<InviteeBody>("first_name", person_name()),
        property::<InviteeBody>("first_name", text()),
        property::<InviteeBody>("last_name", person_name()),
        property::<InviteeBody>("last_name", text()),
        // Accepting: a new profile's password meets the policy, and so does an existing
        // profile's, which met it when it was chosen.
        property::<AcceptBody>("first_name", person_name()),
        property::<AcceptBody>("first_name", text()),
        property::<AcceptBody>("last_name", person_name()),
        property::<AcceptBody>("last_name", text()),
        // API tokens and the network profile.
        property::<NewApiTokenBody>("scopes", items(1..)),
        property::<LoginChangeBody>("new_email", chars(..=Email::MAX_LEN)),
        property::<LoginChangeBody>("new_email", Limit::Format("email")),
        // Webhooks.
        property::<NewWebhookBody>("url", chars(1..=webhook::MAX_URL_CHARS)),
        property::<NewWebhookBody>("url", Limit::Pattern(webhook::URL_PATTERN.into())),
        property::<NewWebhookBody>("events", items(1..=subscribable)),
        property::<WebhookPatch>("url", chars(1..=webhook::MAX_URL_CHARS)),
        property::<WebhookPatch>("url", Limit::Pattern(webhook::URL_PATTERN.into())),
        property::<WebhookPatch>("events", items(1..=subscribable)),
        property::<LoginChangeConfirmBody>(
            "code",
            Limit::Pattern(format!("^[0-9]{{{CODE_DIGITS}}}$")),
        ),
        // Parameters, on every operation that takes them.
        parameter(ParameterIn::Query, "q", chars(..=MAX_SEARCH_CHARS)),
        parameter(ParameterIn::Query, "limit", range(1..=MAX_LIMIT)),
        parameter(
            ParameterIn::Query,
            "cursor",
            Limit::Pattern(CURSOR_PATTERN.to_owned()),
        ),
        parameter(
            ParameterIn::Query,
            "action",
            chars(1..=MAX_ACTION_CHARS as usize),
        ),
        parameter(
            ParameterIn::Query,
            "action",
            Limit::Pattern(ACTION_PATTERN.to_owned()),
        ),
        parameter(
            ParameterIn::Header,
            idempotency::HEADER,
            chars(1..=IDEMPOTENCY_KEY_MAX_CHARS),
        ),
        parameter(
            ParameterIn::Header,
            idempotency::HEADER,
            Limit::Pattern(KEY_PATTERN.to_owned()),
        ),
    ]
}

/// A limit as JSON Schema words it; absent bounds are left as they were.
#[derive(Debug, Clone, PartialEq)]
pub enum Limit {
    /// `minLength`, `maxLength`: characters of a string.
    Chars {
        min: Option<usize>,
        max: Option<usize>,
    },
    /// `minItems`, `maxItems`: entries of an array.
    Items {
        min: Option<usize>,
        max: Option<usize>,
    },
    /// `minimum`, `maximum` of an integer.
    Range { min: Option<u32>, max: Option<u32> },
    /// `pattern`: what the whole string matches.
    Pattern(String),
    /// `format`: `email` for an address the domain's `Email::parse` reads.
    Format(&'static str),
}

/// Where a limit goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A property of a component schema.
    Property {
        schema: Cow<'static, str>,
        property: &'static str,
    },
    /// The parameter of this name and place, on every operation that has one.
    Parameter {
        place: &'static str,
        name: &'static str,
    },
}

/// One limit on one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub target: Target,
    pub limit: Limit,
}

/// A bound as JSON Schema has them, inclusive: `a..=b`, or `..=b` for a maximum only.
pub trait Inclusive<T> {
    fn bounds(self) -> (Option<T>, Option<T>);
}

impl<T> Inclusive<T> for RangeInclusive<T> {
    fn bounds(self) -> (Option<T>, Option<T>) {
        let (min, max) = self.into_inner();
        (Some(min), Some(max))
    }
}

impl<T> Inclusive<T> for RangeFrom<T> {
    fn bounds(self) -> (Option<T>, Option<T>) {
        (Some(self.start), None)
    }
}

impl<T> Inclusive<T> for RangeToInclusive<T> {
    fn bounds(self) -> (Option<T>, Option<T>) {
        (None, Some(self.end))
    }
}

fn chars(r: impl Inclusive<usize>) -> Limit {
    let (min, max) = r.bounds();
    Limit::Chars { min, max }
}

fn items(r: impl Inclusive<usize>) -> Limit {
    let (min, max) = r.bounds();
    Limit::Items { min, max }
}

fn range(r: impl Inclusive<u32>) -> Limit {
    let (min, max) = r.bounds();
    Limit::Range { min, max }
}

fn property<T: ToSchema>(property: &'static str, limit: Limit) -> Entry {
    Entry {
        target: Target::Property {
            schema: T::name(),
            property,
        },
        limit,
    }
}

fn parameter(place: ParameterIn, name: &'static str, limit: Limit) -> Entry {
    Entry {
        target: Target::Parameter {
            place: place_name(&place),
            name,
        },
        limit,
    }
}

/// Writes every entry of [`all`] into `doc`; returns the entries that found no target (or a
/// target of the wrong type), which a correct table never has.
pub fn apply(doc: &mut OpenApi) -> Vec<Entry> {
    all()
        .into_iter()
        .filter(|entry| !apply_one(doc, entry))
        .collect()
}

fn apply_one(doc: &mut OpenApi, entry: &Entry) -> bool {
    match &entry.target {
        Target::Property { schema, property } => doc
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut(schema.as_ref()))
            .and_then(|s| match s {
                RefOr::T(Schema::Object(object)) => object.properties.get_mut(*property),
                _ => None,
            })
            .is_some_and(|p| limit(p, &entry.limit)),
        Target::Parameter { place, name } => {
            let mut found = 0;
            let mut all_fit = true;
            for item in doc.paths.paths.values_mut() {
                let operations = [
                    &mut item.get,
                    &mut item.put,
                    &mut item.post,
                    &mut item.delete,
                    &mut item.options,
                    &mut item.head,
                    &mut item.patch,
                    &mut item.trace,
                ];
                for op in operations.into_iter().flatten() {
                    for schema in parameter_schemas(op, place, name) {
                        found += 1;
                        all_fit &= limit(schema, &entry.limit);
                    }
                }
            }
            found > 0 && all_fit
        }
    }
}

fn parameter_schemas<'a>(
    op: &'a mut Operation,
    place: &'a str,
    name: &'a str,
) -> impl Iterator<Item = &'a mut RefOr<Schema>> + 'a {
    op.parameters
        .iter_mut()
        .flatten()
        .filter(move |p| p.name == name && place_name(&p.parameter_in) == place)
        .filter_map(|p| p.schema.as_mut())
}

fn place_name(p: &ParameterIn) -> &'static str {
    match p {
        ParameterIn::Query => "query",
        ParameterIn::Path => "path",
        ParameterIn::Header => "header",
        ParameterIn::Cookie => "cookie",
    }
}

/// Sets `l` on `schema`; false when the schema is not of a type `l` applies to.
fn limit(schema: &mut RefOr<Schema>, l: &Limit) -> bool {
    match (schema, l) {
        (RefOr::T(Schema::Object(o)), Limit::Chars { min, max }) => {
            o.min_length = min.or(o.min_length);
            o.max_length = max.or(o.max_length);
            true
        }
        (RefOr::T(Schema::Object(o)), Limit::Range { min, max }) => {
            o.minimum = min.map(Into::into).or(o.minimum.take());
            o.maximum = max.map(Into::into).or(o.maximum.take());
            true
        }
        (RefOr::T(Schema::Object(o)), Limit::Format(f)) => {
            o.format = Some(utoipa::openapi::SchemaFormat::Custom((*f).to_owned()));
            true
        }
        (RefOr::T(Schema::Object(o)), Limit::Pattern(p)) => {
            o.pattern = Some(p.clone());
            true
        }
        (RefOr::T(Schema::Array(a)), Limit::Items { min, max }) => {
            a.min_items = min.or(a.min_items);
            a.max_items = max.or(a.max_items);
            true
        }
        // A string limit on a list of strings is on each of them.
        (RefOr::T(Schema::Array(a)), Limit::Chars { .. } | Limit::Pattern(_)) => match &mut a.items
        {
            utoipa::openapi::schema::ArrayItems::RefOrSchema(items) => limit(items, l),
            utoipa::openapi::schema::ArrayItems::False => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idempotency::IdempotencyHeader;
    use actix_web::dev::Payload;
    use actix_web::test::TestRequest;
    use actix_web::FromRequest;
    use domain::login::PHONE_PATTERN;
    use serde_json::{json, Value};

    #[test]
    fn every_limit_finds_its_field_or_parameter() {
        let mut doc = super::super::operations();
        assert_eq!(apply(&mut doc), Vec::<Entry>::new());
    }

    /// The keywords `limit` sets, as the document shows them.
    fn keywords(limit: &Limit) -> Value {
        let mut out = serde_json::Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(v) = value {
                out.insert(key.to_owned(), v);
            }
        };
        match limit {
            Limit::Chars { min, max } => {
                put("minLength", min.map(Value::from));
                put("maxLength", max.map(Value::from));
            }
            Limit::Items { min, max } => {
                put("minItems", min.map(Value::from));
                put("maxItems", max.map(Value::from));
            }
            Limit::Range { min, max } => {
                put("minimum", min.map(Value::from));
                put("maximum", max.map(Value::from));
            }
            Limit::Pattern(p) => put("pattern", Some(json!(p))),
            Limit::Format(f) => put("format", Some(json!(f))),
        }
        Value::Object(out)
    }

    #[test]
    fn the_document_shows_every_limit() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        for entry in all() {
            let schemas: Vec<&Value> = match &entry.target {
                Target::Property { schema, property } => {
                    // An object with exclusive fields is the first part of an `allOf`.
                    let s = &doc["components"]["schemas"][schema.as_ref()];
                    let object = if s["allOf"].is_array() {
                        &s["allOf"][0]
                    } else {
                        s
                    };
                    let property = &object["properties"][*property];
                    // A string limit on a list of strings is on each of them.
                    let on_items = property["items"].is_object()
                        && matches!(entry.limit, Limit::Chars { .. } | Limit::Pattern(_));
                    vec![if on_items {
                        &property["items"]
                    } else {
                        property
                    }]
                }
                Target::Parameter { place, name } => doc["paths"]
                    .as_object()
                    .unwrap()
                    .values()
                    .flat_map(|item| item.as_object().unwrap().values())
                    .flat_map(|op| op["parameters"].as_array().into_iter().flatten())
                    .filter(|p| p["in"] == *place && p["name"] == *name)
                    .map(|p| &p["schema"])
                    .collect(),
            };
            assert!(!schemas.is_empty(), "{entry:?}");
            for schema in schemas {
                for (key, value) in keywords(&entry.limit).as_object().unwrap() {
                    assert_eq!(&schema[key], value, "{entry:?}");
                }
            }
        }
    }

    /// The patterns written for the document take what the domain's parse functions take, and
    /// refuse what they refuse (the password's, with a look-ahead, is beyond the `regex`
    /// crate: `Password::parse`'s own tests hold the rule).
    #[test]
    fn the_text_domain_and_webhook_url_patterns_take_what_the_domain_takes() {
        let text = regex::Regex::new(TEXT_PATTERN).unwrap();
        for input in ["Ann", " Ann Lee ", "Zoë", "0", "a\u{a0}b", "\u{2003}x"] {
            assert!(text.is_match(input), "{input:?}");
            assert!(PersonName::parse(input).is_ok(), "{input:?}");
        }
        for input in [
            "", " ", "\t\n", "\u{3000}", "a\u{0}b", "a\u{7f}", "a\u{85}b", "a\nb",
        ] {
            assert!(!text.is_match(input), "{input:?}");
            assert!(PersonName::parse(input).is_err(), "{input:?}");
        }
        let domain = regex::Regex::new(DOMAIN_PATTERN).unwrap();
        let parses = |d: &str| ExternalDomains::parse(Some(&[d.to_owned()]), None).is_ok();
        for input in [
            "client.example",
            " @Client.Example ",
            "a-b.co",
            "x.y.zz",
            "@@a.bc",
        ] {
            assert!(domain.is_match(input), "{input:?}");
            assert!(parses(input), "{input:?}");
        }
        for input in [
            "", "example", "-a.com", "a-.com", "a..com", "a.c", "a.c0m", "a b.com",
        ] {
            assert!(!domain.is_match(input), "{input:?}");
            assert!(!parses(input), "{input:?}");
        }
        let url = regex::Regex::new(webhook::URL_PATTERN).unwrap();
        for input in [
            "https://crm.example.com/hooks/extranet",
            "HTTP://a.b:8080/x?y=1",
            "http://localhost",
        ] {
            assert!(url.is_match(input), "{input:?}");
            assert!(webhook::WebhookUrl::parse(input, true).is_ok(), "{input:?}");
        }
        for input in [
            "crm.example.com",
            "ftp://a.b/",
            "https://user:pw@a.b/",
            "https://a.b/#x",
            "http://",
            "/relative",
        ] {
            assert!(!url.is_match(input), "{input:?}");
            assert!(
                webhook::WebhookUrl::parse(input, true).is_err(),
                "{input:?}"
            );
        }
    }

    #[test]
    fn the_phone_pattern_takes_what_the_domain_takes() {
        let pattern = regex::Regex::new(PHONE_PATTERN).unwrap();
        for input in [
            "+14155550101",
            " +1 (415) 555-01.01 ",
            "(+44) 20 7946 0958",
            "+12345678",
            "+123456789012345",
            "\t+1-415-555-0101\t",
            "+0123456789",
            "+1234567",
            "+1234567890123456",
            "14155550101",
            "+1415555010a",
            "++14155550101",
            "+1 415 555 0101 x",
            "",
            "+",
        ] {
            assert_eq!(
                pattern.is_match(input),
                domain::login::Phone::parse(input).is_ok(),
                "{input:?}"
            );
        }
    }

    fn key_accepted(value: &str) -> bool {
        let req = TestRequest::default()
            .insert_header((idempotency::HEADER, value))
            .to_http_request();
        IdempotencyHeader::from_request(&req, &mut Payload::None)
            .into_inner()
            .is_ok()
    }

    #[test]
    fn the_idempotency_key_limits_are_the_ones_the_header_enforces() {
        assert!(key_accepted(&"k".repeat(IDEMPOTENCY_KEY_MAX_CHARS)));
        assert!(!key_accepted(&"k".repeat(IDEMPOTENCY_KEY_MAX_CHARS + 1)));
        assert!(!key_accepted(""));
        // `[!-~]`: every character from `!` to `~` is allowed; space, tab and the like are not.
        let visible: String = ('!'..='~').collect();
        assert!(key_accepted(&visible));
        assert!(!key_accepted("a b"));
        assert!(!key_accepted("a\tb"));
    }
}
