//! OpenAPI `links` from the operations that return an id to those that take it. Each id says
//! what it names (`x-extranet-id`, from its type: `domain::ids`), and each path parameter
//! where to get one (`crate::extract::path`); a link fills a parameter with an id of its
//! kind.

use super::exact::operations_mut;
use serde_json::{json, Map, Value};

use domain::ids::ID_EXTENSION as EXTENSION;

/// Where, in what an operation answers, an id of each kind is: `(entity, JSON pointer)`.
fn ids_in(
    doc: &Value,
    schema: &Value,
    pointer: &str,
    depth: usize,
    out: &mut Vec<(String, String)>,
) {
    if depth > 4 {
        return;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return ids_in(
            doc,
            &doc["components"]["schemas"][name],
            pointer,
            depth + 1,
            out,
        );
    }
    for key in ["allOf", "oneOf"] {
        if let Some(parts) = schema[key].as_array() {
            let given = parts.iter().filter(|p| p["type"] != "null");
            let parts: Vec<&Value> = if key == "oneOf" {
                given.take(1).collect()
            } else {
                given.collect()
            };
            for part in parts {
                ids_in(doc, part, pointer, depth, out);
            }
        }
    }
    if let Some(items) = schema.get("items") {
        ids_in(doc, items, &format!("{pointer}/0"), depth + 1, out);
    }
    if let Some(props) = schema["properties"].as_object() {
        for (name, prop) in props {
            let here = format!("{pointer}/{name}");
            if let Some(entity) = prop[EXTENSION].as_str() {
                // An id that may be `null` is not one to go on with.
                let always = !prop["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("null")));
                if always {
                    out.push((entity.to_owned(), here));
                }
                continue;
            }
            ids_in(doc, prop, &here, depth + 1, out);
        }
    }
}

/// Adds links from every operation that makes something (its 201 or 202 body) to every
/// operation whose path parameters it can all fill.
pub fn apply(doc: &mut Value) {
    // Targets: operationId → [(parameter, entity)].
    let mut targets: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let params: Vec<(String, String)> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| {
                    Some((
                        p["name"].as_str()?.to_owned(),
                        p["schema"][EXTENSION].as_str()?.to_owned(),
                    ))
                })
                .collect();
            if let (Some(id), false) = (op["operationId"].as_str(), params.is_empty()) {
                targets.push((id.to_owned(), params));
            }
        }
    }
    let snapshot = doc.clone();
    for op in operations_mut(doc) {
        let own = op["operationId"].as_str().unwrap_or_default().to_owned();
        let Some(responses) = op["responses"].as_object_mut() else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            // From what was just made: its id is what the caller goes on with.
            if status != "201" && status != "202" {
                continue;
            }
            let mut found = Vec::new();
            ids_in(
                &snapshot,
                &response["content"]["application/json"]["schema"],
                "",
                0,
                &mut found,
            );
            if found.is_empty() {
                continue;
            }
            let mut links = Map::new();
            for (target, params) in &targets {
                if *target == own {
                    continue;
                }
                let filled: Option<Map<String, Value>> = params
                    .iter()
                    .map(|(name, entity)| {
                        let (_, at) = found.iter().find(|(e, _)| e == entity)?;
                        Some((name.clone(), json!(format!("$response.body#{at}"))))
                    })
                    .collect();
                if let Some(parameters) = filled {
                    links.insert(
                        target.clone(),
                        json!({"operationId": target, "parameters": parameters}),
                    );
                }
            }
            if !links.is_empty() {
                response["links"] = Value::Object(links);
            }
        }
    }
}
