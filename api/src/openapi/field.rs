//! A field's schema built from its type's, for `#[schema(schema_with = …)]`.
//!
//! utoipa's derive writes a field declared as a type of its own (`value_type`) without the
//! field's `example`, and a field given by `schema_with` without its doc comment. A field
//! whose type states its schema but that has an example of its own (`first_name`: `Ada` in a
//! sign-up, `Ann` in an invitation), or a limit its type cannot carry (a list's length, a
//! message's), is declared with a small function that builds its schema here: the type's,
//! with the field's example, description and bounds.

use serde_json::Value;
use utoipa::openapi::schema::{AllOfBuilder, Array, Schema, SchemaType, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// A field's schema.
pub struct Field(Schema);

impl Field {
    /// A field of type `T`, as `T` states its schema.
    pub fn of<T: PartialSchema>() -> Self {
        match T::schema() {
            RefOr::T(schema) => Self(schema),
            RefOr::Ref(r) => Self(Schema::AllOf(AllOfBuilder::new().item(r).build())),
        }
    }

    /// A list of `items`.
    pub fn list(items: impl Into<RefOr<Schema>>) -> Self {
        Self(Schema::Array(Array::new(items)))
    }

    /// A list of `T`s, each a reference to `T`'s component (which a schema of the type that
    /// has the field does not register: `schema_with` hides the field's type from utoipa).
    pub fn list_of<T: ToSchema>() -> Self {
        Self::list(Ref::from_schema_name(T::name()))
    }

    /// A string that is one of `words` (some of a closed set's words: those an answer shows).
    pub fn words<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        Self(Schema::Object(
            utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(words))
                .build(),
        ))
    }

    /// A string matching `pattern`.
    pub fn pattern(mut self, pattern: &str) -> Self {
        if let Schema::Object(o) = &mut self.0 {
            o.pattern = Some(pattern.to_owned());
        }
        self
    }

    /// With the field's own example.
    #[allow(deprecated)]
    pub fn example(mut self, example: impl Into<Value>) -> Self {
        match &mut self.0 {
            Schema::Object(o) => o.example = Some(example.into()),
            Schema::Array(a) => a.example = Some(example.into()),
            _ => {}
        }
        self
    }

    /// With the field's description.
    pub fn about(mut self, description: &str) -> Self {
        match &mut self.0 {
            Schema::Object(o) => o.description = Some(description.to_owned()),
            Schema::Array(a) => a.description = Some(description.to_owned()),
            _ => {}
        }
        self
    }

    /// `null` too: an `Option` that serde reads from an absent field or a `null`.
    pub fn or_null(mut self) -> Self {
        let with_null = |t: &SchemaType| match t {
            SchemaType::Type(t) => SchemaType::from_iter([t.clone(), Type::Null]),
            other => other.clone(),
        };
        match &mut self.0 {
            Schema::Object(o) => o.schema_type = with_null(&o.schema_type),
            Schema::Array(a) => a.schema_type = with_null(&a.schema_type),
            _ => {}
        }
        self
    }

    /// At most `max` characters.
    pub fn max_chars(mut self, max: usize) -> Self {
        if let Schema::Object(o) = &mut self.0 {
            o.max_length = Some(max);
        }
        self
    }

    /// `min..=max` of a number.
    pub fn range(mut self, min: impl Into<utoipa::Number>, max: impl Into<utoipa::Number>) -> Self {
        if let Schema::Object(o) = &mut self.0 {
            o.minimum = Some(min.into());
            o.maximum = Some(max.into());
        }
        self
    }

    /// A list of `min` entries or more, and at most `max` when it says.
    pub fn items(mut self, min: Option<usize>, max: Option<usize>) -> Self {
        if let Schema::Array(a) = &mut self.0 {
            a.min_items = min;
            a.max_items = max;
        }
        self
    }
}

impl From<Field> for RefOr<Schema> {
    fn from(field: Field) -> Self {
        RefOr::T(field.0)
    }
}
