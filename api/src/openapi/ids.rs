//! Ids in the document: each says what it names (`x-extranet-id: user`, so a generated client
//! can tell an invitation's id from a user's), each path parameter says where to get one,
//! and OpenAPI `links` lead from the operations that return an id to those that take it.

use super::exact::{at, operations_mut};
use serde_json::{json, Map, Value};

/// What a path parameter other than `{id}` names. A path parameter declared as a uuid
/// (rather than as an id type, whose schema says what it names) is named here: by its name,
/// or for `{id}` by its collection.
const PARAMETERS: &[(&str, &str)] = &[
    ("user_id", "user"),
    ("workgroup_id", "workgroup"),
    ("delivery_id", "webhook_delivery"),
];

/// What `{id}` names under each collection.
const COLLECTIONS: &[(&str, &str)] = &[
    ("/v1/users/", "user"),
    ("/v1/workgroups/", "workgroup"),
    ("/v1/invitations/", "invitation"),
    ("/v1/api-tokens/", "api_token"),
    ("/v1/webhooks/", "webhook"),
];

/// Where to find an id of each kind, for the parameters' descriptions.
const WHERE: &[(&str, &str)] = &[
    ("user", "`id` of a user in `GET /v1/users` (`user.id` of a sign-up or an accepted invitation)"),
    ("workgroup", "`id` of a workgroup in `GET /v1/workgroups` or from `POST /v1/workgroups`"),
    ("invitation", "`id` of an invitation in `GET /v1/invitations` or in `results[].invitation` of `POST /v1/invitations`"),
    ("api_token", "`id` of an API token in `GET /v1/api-tokens` or from `POST /v1/api-tokens`"),
    ("webhook", "`id` of a webhook in `GET /v1/webhooks` or from `POST /v1/webhooks`"),
    ("webhook_delivery", "`id` of a delivery in `GET /v1/webhooks/{id}/deliveries`"),
];

use domain::ids::ID_EXTENSION as EXTENSION;

/// Tags the path parameters' ids, says where to get one, and adds links.
pub fn apply(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            for p in at(op, &["parameters"])
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
                .filter(|p| p["schema"]["format"] == "uuid")
            {
                let name = p["name"].as_str().unwrap_or_default();
                let named = if name == "id" {
                    COLLECTIONS
                } else {
                    PARAMETERS
                };
                let key = if name == "id" { path.as_str() } else { name };
                let entity = p["schema"][EXTENSION]
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| {
                        named
                            .iter()
                            .find(|(n, _)| {
                                if name == "id" {
                                    key.starts_with(n)
                                } else {
                                    key == *n
                                }
                            })
                            .map(|(_, e)| (*e).to_owned())
                    });
                let Some(entity) = entity else { continue };
                p["schema"][EXTENSION] = json!(entity);
                if p["in"] == "path" {
                    if let Some((_, how)) = WHERE.iter().find(|(e, _)| *e == entity) {
                        p["description"] =
                            json!(format!("The {}: {how}.", entity.replace('_', " ")));
                    }
                }
            }
        }
    }
    links(doc);
}

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

/// Links from every operation that makes something (its 201 or 202 body) to every operation whose
/// path parameters it can all fill.
fn links(doc: &mut Value) {
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
