//! The value types as the OpenAPI document shows them (feature `openapi`, used by `api`):
//! each type's schema says what its `parse` takes, from the same constants, so that a field
//! declared as the type (`#[schema(value_type = …)]`) carries its limits with it.
//!
//! A type with an example gives it to every field of its type: utoipa writes a field of a
//! type of its own without the field's `example`.

use crate::api_token::TokenName;
use crate::login::{Email, PHONE_PATTERN};
use crate::names::{AccountName, PersonName, TEXT_PATTERN};
use crate::password::Password;
use crate::sign_up::{ConfirmationCode, CODE_DIGITS};
use crate::webhook::{Secret, WebhookUrl, SECRET_MAX_CHARS, SECRET_MIN_CHARS, SECRET_PATTERN};
use crate::workgroup::WorkgroupName;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// A string of `min..=max` characters matching `pattern`.
fn text(min: usize, max: usize, pattern: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(Some(pattern))
}

/// `b` with `example`, as utoipa's derive writes a field's (OpenAPI 3.1 also has `examples`).
#[allow(deprecated)]
fn example(b: ObjectBuilder, example: &str) -> ObjectBuilder {
    b.example(Some(example.into()))
}

/// Value types and their schemas.
macro_rules! schemas {
    ($($type:ty => $schema:expr;)*) => {$(
        impl PartialSchema for $type {
            fn schema() -> RefOr<Schema> {
                $schema.into()
            }
        }

        impl ToSchema for $type {}
    )*};
}

schemas! {
    // Names are trimmed before they are counted: the limits are on what is left.
    AccountName => example(text(1, AccountName::MAX_CHARS, TEXT_PATTERN), "Acme Web Agency");
    TokenName => example(text(1, TokenName::MAX_CHARS, TEXT_PATTERN), "CRM sync");
    Password => example(
        text(Password::MIN_CHARS, Password::MAX_CHARS, Password::PATTERN),
        "correct horse battery",
    );
    PersonName => text(1, PersonName::MAX_CHARS, TEXT_PATTERN);
    WorkgroupName => text(1, WorkgroupName::MAX_CHARS, TEXT_PATTERN);
    // An address `Email::parse` reads: the format says what, the length how much.
    Email => ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(Email::MAX_LEN));
    crate::login::Phone => ObjectBuilder::new().schema_type(Type::String).pattern(Some(PHONE_PATTERN));
    WebhookUrl => text(1, crate::webhook::MAX_URL_CHARS, crate::webhook::URL_PATTERN);
    // The digits alone: what a person types between them is forgiven, but not asked for.
    ConfirmationCode => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!("^[0-9]{{{CODE_DIGITS}}}$")));
    Secret => text(SECRET_MIN_CHARS, SECRET_MAX_CHARS, SECRET_PATTERN);
}

/// A login: an email address or a phone number, as `Login::parse` reads them.
impl PartialSchema for crate::login::Login {
    fn schema() -> RefOr<Schema> {
        use utoipa::openapi::schema::AnyOfBuilder;
        #[allow(deprecated)]
        let any = AnyOfBuilder::new()
            .item(Email::schema())
            .item(crate::login::Phone::schema())
            .description(Some("An email address, or a phone number in E.164 form."))
            .example(Some("ann@client.example".into()));
        Schema::AnyOf(any.build()).into()
    }
}

impl ToSchema for crate::login::Login {}
