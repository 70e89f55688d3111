//! An example on every request body and success response that has none of its own, made
//! from the schema: each property's own `example` where it has one, else a value of its
//! type and format. The linter (`@redocly/cli`, in `make test`) checks every example against
//! its schema, so a field whose made-up value would be refused (a pattern, a length) gets an
//! `example` of its own in the code.

use super::exact::{at, operations_mut};
use serde_json::{json, Map, Value};

const ID: &str = "0192b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";
const TIME: &str = "2026-11-28T09:30:00Z";

/// Puts an example on every JSON request body and 2xx response without one.
pub fn apply(doc: &mut Value) {
    let snapshot = doc.clone();
    for op in operations_mut(doc) {
        if let Some(media) =
            at(op, &["requestBody", "content", "application/json"]).and_then(Value::as_object_mut)
        {
            fill(&snapshot, media, Side::Request);
        }
        let Some(responses) = op["responses"].as_object_mut() else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            if !status.starts_with('2') {
                continue;
            }
            if let Some(media) =
                at(response, &["content", "application/json"]).and_then(Value::as_object_mut)
            {
                fill(&snapshot, media, Side::Response);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Only what a request needs, plus fields with examples.
    Request,
    /// Everything the server sends.
    Response,
}

fn fill(doc: &Value, media: &mut Map<String, Value>, side: Side) {
    if media.contains_key("example") || media.contains_key("examples") {
        return;
    }
    if let Some(schema) = media.get("schema") {
        let example = of(doc, schema, side, 0);
        media.insert("example".into(), example);
    }
}

/// An example of `schema`.
fn of(doc: &Value, schema: &Value, side: Side, depth: usize) -> Value {
    if depth > 40 {
        return Value::Null;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return of(doc, &doc["components"]["schemas"][name], side, depth + 1);
    }
    if let Some(e) = schema.get("example") {
        return e.clone();
    }
    if let Some(v) = schema["enum"].get(0) {
        return v.clone();
    }
    if let Some(alts) = schema["oneOf"].as_array() {
        let given = alts.iter().find(|a| a["type"] != "null");
        return match (given, object(doc, schema, side, depth)) {
            (Some(alt), Some(mut base)) => {
                choose(doc, &mut base, alt, side, depth);
                base
            }
            (Some(alt), None) => of(doc, alt, side, depth + 1),
            (None, _) => Value::Null,
        };
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut out = Value::Object(Map::new());
        for part in parts {
            match part["oneOf"].as_array().and_then(|alts| alts.first()) {
                // The choice between exclusive fields (see `super::exact`): its first.
                Some(alt) if part.get("properties").is_none() => {
                    choose(doc, &mut out, alt, side, depth)
                }
                _ => {
                    if let (Value::Object(o), Some(out)) =
                        (of(doc, part, side, depth + 1), out.as_object_mut())
                    {
                        out.extend(o);
                    }
                }
            }
        }
        return out;
    }
    if let Some(o) = object(doc, schema, side, depth) {
        return o;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let Some(t) = types.iter().find(|t| **t != "null") else {
        return Value::Null;
    };
    match *t {
        "array" => {
            let item = of(doc, &schema["items"], side, depth + 1);
            if item.is_null() {
                json!([])
            } else {
                json!([item])
            }
        }
        "integer" | "number" => json!(schema["minimum"].as_u64().unwrap_or(1).max(1)),
        "boolean" => json!(false),
        "object" => json!({}),
        "string" => json!(match schema["format"].as_str() {
            Some("uuid") => ID,
            Some("date-time") => TIME,
            Some("email") => "ann@client.example",
            Some("uri") => "https://hooks.example.com/extranet",
            _ => "text",
        }),
        _ => Value::Null,
    }
}

/// `base` as `alt`, one of a choice of fields, has it: its fields given, those it leaves out
/// (`type: null`) gone.
fn choose(doc: &Value, base: &mut Value, alt: &Value, side: Side, depth: usize) {
    let Some(b) = base.as_object_mut() else {
        return;
    };
    for (k, p) in alt["properties"].as_object().into_iter().flatten() {
        if p["type"] == "null" {
            b.remove(k);
        } else {
            b.insert(k.clone(), of(doc, p, side, depth + 1));
        }
    }
}

/// An object's example, when `schema` has properties: every property for a response, the
/// required ones and those with an example for a request.
fn object(doc: &Value, schema: &Value, side: Side, depth: usize) -> Option<Value> {
    let props = schema["properties"].as_object()?;
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out = Map::new();
    for (name, prop) in props {
        let wanted = side == Side::Response
            || required.contains(&name.as_str())
            || prop.get("example").is_some_and(|e| !e.is_null());
        if wanted && prop["type"] != "null" {
            out.insert(name.clone(), of(doc, prop, side, depth + 1));
        }
    }
    Some(Value::Object(out))
}
