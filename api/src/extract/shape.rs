//! Reading a JSON body into its request type the way the OpenAPI document describes it, and
//! why a well-formed body does not fit, told by the kind of serde error rather than by its
//! English wording.
//!
//! A body is read into [`Json`], a tree that keeps every object's keys in the order they were
//! written, and from there into the request type through [`TreeDeserializer`], whose error
//! type, [`ShapeError`], records which `serde::de::Error` constructor made it (a
//! `serde_json::Error` says only "data error"); its wording is serde_json's. Where serde_json
//! reads more than JSON Schema allows, or less, the tree reads as the schema does: a struct is
//! an object only (serde_json also takes an array of its fields in order), and an integer may
//! be written with a zero fraction (`72.0` is an `integer` in JSON Schema).

use serde::de::value::{MapAccessDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserialize, Deserializer, Expected, IntoDeserializer, Unexpected, Visitor};
use std::fmt::{self, Display};
use std::marker::PhantomData;

/// Which `serde::de::Error` constructor refused the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeKind {
    MissingField(&'static str),
    UnknownField(String),
    UnknownVariant,
    InvalidType,
    InvalidValue,
    InvalidLength,
    DuplicateField,
    /// A `Deserialize` impl's own refusal, such as a UUID that does not parse.
    Custom,
}

/// A refusal of the body's shape: its kind, and serde_json's wording of it.
#[derive(Debug)]
pub struct ShapeError {
    pub kind: ShapeKind,
    pub message: String,
}

impl ShapeError {
    /// `wording` is the `serde_json::Error` the same constructor makes: it has no position, so
    /// it prints as the bare message.
    fn new(kind: ShapeKind, wording: serde_json::Error) -> Self {
        Self {
            kind,
            message: wording.to_string(),
        }
    }
}

impl Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShapeError {}

impl de::Error for ShapeError {
    fn custom<T: Display>(msg: T) -> Self {
        Self::new(ShapeKind::Custom, serde_json::Error::custom(msg))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Self::new(
            ShapeKind::InvalidType,
            serde_json::Error::invalid_type(unexp, exp),
        )
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Self::new(
            ShapeKind::InvalidValue,
            serde_json::Error::invalid_value(unexp, exp),
        )
    }

    fn invalid_length(len: usize, exp: &dyn Expected) -> Self {
        Self::new(
            ShapeKind::InvalidLength,
            serde_json::Error::invalid_length(len, exp),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::new(
            ShapeKind::UnknownVariant,
            serde_json::Error::unknown_variant(variant, expected),
        )
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::new(
            ShapeKind::UnknownField(field.to_owned()),
            serde_json::Error::unknown_field(field, expected),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(
            ShapeKind::MissingField(field),
            serde_json::Error::missing_field(field),
        )
    }

    fn duplicate_field(field: &'static str) -> Self {
        Self::new(
            ShapeKind::DuplicateField,
            serde_json::Error::duplicate_field(field),
        )
    }
}

/// A JSON document whose objects keep their keys in the order they were written (a
/// `serde_json::Value` sorts them, and would meet a different first error).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// serde_json reads a number without sign or fraction as `u64`, one with a sign as `i64`,
    /// and the rest as `f64`; the tree keeps which, so the request type sees the same.
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Self::Null => Unexpected::Unit,
            Self::Bool(b) => Unexpected::Bool(*b),
            Self::Unsigned(n) => Unexpected::Unsigned(*n),
            Self::Signed(n) => Unexpected::Signed(*n),
            Self::Float(n) => Unexpected::Float(*n),
            Self::String(s) => Unexpected::Str(s),
            Self::Array(_) => Unexpected::Seq,
            Self::Object(_) => Unexpected::Map,
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct JsonVisitor;

        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }

            fn visit_none<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }

            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Bool(v))
            }

            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(Json::Unsigned(v))
            }

            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Signed(v))
            }

            fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
                Ok(Json::Float(v))
            }

            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::String(v.to_owned()))
            }

            fn visit_string<E>(self, v: String) -> Result<Json, E> {
                Ok(Json::String(v))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Json::Object(entries))
            }
        }

        d.deserialize_any(JsonVisitor)
    }
}

impl<'de, E: de::Error> IntoDeserializer<'de, E> for Json {
    type Deserializer = TreeDeserializer<E>;

    fn into_deserializer(self) -> TreeDeserializer<E> {
        TreeDeserializer {
            json: self,
            error: PhantomData,
        }
    }
}

/// Deserialises from a [`Json`] tree the way serde_json does from text, with the error type
/// `E`.
pub struct TreeDeserializer<E> {
    json: Json,
    error: PhantomData<fn() -> E>,
}

impl<'de, E: de::Error> Deserializer<'de> for TreeDeserializer<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.json {
            Json::Null => visitor.visit_unit(),
            Json::Bool(b) => visitor.visit_bool(b),
            Json::Unsigned(n) => visitor.visit_u64(n),
            Json::Signed(n) => visitor.visit_i64(n),
            Json::Float(n) => visitor.visit_f64(n),
            Json::String(s) => visitor.visit_string(s),
            Json::Array(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Json::Object(entries) => {
                let mut map = MapDeserializer::new(entries.into_iter());
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    /// `null` is `None`, as in serde_json; so `#[serde(default)]` fields and the double
    /// option of [`super::present`] read the same.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.json {
            Json::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// A variant is a string (`"project"`) or an object of one entry, as in serde_json.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.json {
            Json::String(s) => visitor.visit_enum(s.into_deserializer()),
            Json::Object(entries) => visitor.visit_enum(MapAccessDeserializer::new(
                MapDeserializer::new(entries.into_iter()),
            )),
            other => Err(E::invalid_type(other.unexpected(), &"a variant name")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    /// A struct is an object, as its schema says; never an array of its fields.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.json {
            Json::Array(_) => Err(E::invalid_type(Unexpected::Seq, &visitor)),
            _ => self.deserialize_any(visitor),
        }
    }

    integers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// Integer types read a number with a zero fraction (`72.0`) as that integer; the type's own
/// range check follows.
macro_rules! integers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
                self.integral().deserialize_any(visitor)
            }
        )*
    };
}
use integers;

impl<E> TreeDeserializer<E> {
    /// A float with no fraction, within the range of 64-bit integers, as that integer.
    fn integral(self) -> Self {
        let json = match self.json {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Json::Float(n) if n.fract() == 0.0 && (0.0..1.8e19).contains(&n) => {
                Json::Unsigned(n as u64)
            }
            #[allow(clippy::cast_possible_truncation)]
            Json::Float(n) if n.fract() == 0.0 && (-9.2e18..0.0).contains(&n) => {
                Json::Signed(n as i64)
            }
            other => other,
        };
        Self {
            json,
            error: PhantomData,
        }
    }
}
