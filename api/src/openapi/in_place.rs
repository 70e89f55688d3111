//! Value types written where they are used.
//!
//! A value type states its own schema (`PartialSchema`): an id is a uuid string that says what
//! it names (`x-extranet-id`), a name has its length and pattern, all from the domain's
//! constants. utoipa writes a field of such a type as a `$ref` to a component, and an
//! optional one as a `oneOf` with `null`; the document shows it in place instead, as a field
//! of a primitive type is shown: the type's schema, with the field's description, `null`
//! among its types when it is optional. A value type is a component that is a plain string
//! (no `enum`: words such as `Role` stay components).

use std::collections::BTreeMap;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ArrayItems, Object, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

const PREFIX: &str = "#/components/schemas/";

/// Writes every value type in place, and drops its component.
pub fn apply(api: &mut OpenApi) {
    let Some(components) = api.components.as_mut() else {
        return;
    };
    let values: BTreeMap<String, Object> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            RefOr::T(Schema::Object(o))
                if o.schema_type == SchemaType::new(Type::String) && o.enum_values.is_none() =>
            {
                Some((format!("{PREFIX}{name}"), o.clone()))
            }
            _ => None,
        })
        .collect();
    components
        .schemas
        .retain(|name, _| !values.contains_key(&format!("{PREFIX}{name}")));
    for schema in components.schemas.values_mut() {
        place(schema, &values);
    }
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            operation(op, &values);
        }
    }
}

fn operation(op: &mut Operation, values: &BTreeMap<String, Object>) {
    for p in op.parameters.iter_mut().flatten() {
        if let Some(schema) = p.schema.as_mut() {
            place(schema, values);
        }
    }
    let bodies = op
        .request_body
        .iter_mut()
        .flat_map(|b| b.content.values_mut())
        .chain(
            op.responses
                .responses
                .values_mut()
                .filter_map(|r| match r {
                    RefOr::T(r) => Some(r),
                    RefOr::Ref(_) => None,
                })
                .flat_map(|r| r.content.values_mut()),
        );
    for content in bodies {
        if let Some(schema) = content.schema.as_mut() {
            place(schema, values);
        }
    }
}

/// `schema` with the value types it uses in place.
fn place(schema: &mut RefOr<Schema>, values: &BTreeMap<String, Object>) {
    if let Some(object) = in_place(schema, values) {
        *schema = RefOr::T(Schema::Object(object));
        return;
    }
    match schema {
        RefOr::T(Schema::Object(o)) => o.properties.values_mut().for_each(|p| place(p, values)),
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                place(items, values);
            }
        }
        RefOr::T(Schema::OneOf(o)) => o.items.iter_mut().for_each(|i| place(i, values)),
        RefOr::T(Schema::AllOf(o)) => o.items.iter_mut().for_each(|i| place(i, values)),
        RefOr::T(Schema::AnyOf(o)) => o.items.iter_mut().for_each(|i| place(i, values)),
        _ => {}
    }
}

/// The value type `schema` stands for, with the field's description: for a `$ref` to one, or
/// a `oneOf` of `null` and a `$ref` to one (then `null` is among its types).
fn in_place(schema: &RefOr<Schema>, values: &BTreeMap<String, Object>) -> Option<Object> {
    let of = |r: &RefOr<Schema>| match r {
        RefOr::Ref(r) => values.get(&r.ref_location).map(|o| {
            let mut o = o.clone();
            o.description = Some(r.description.clone()).filter(|d| !d.is_empty());
            o
        }),
        RefOr::T(_) => None,
    };
    match schema {
        RefOr::Ref(_) => of(schema),
        RefOr::T(Schema::OneOf(one_of)) => match one_of.items.as_slice() {
            [RefOr::T(Schema::Object(null)), value]
                if null.schema_type == SchemaType::new(Type::Null) =>
            {
                let mut o = of(value)?;
                o.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
                o.description = o.description.or_else(|| one_of.description.clone());
                Some(o)
            }
            _ => None,
        },
        RefOr::T(_) => None,
    }
}
