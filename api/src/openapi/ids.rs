//! Ids in the document: each says what it names (`x-extranet-id: user`, so a generated client
//! can tell an invitation's id from a user's), each path parameter says where to get one,
//! and OpenAPI `links` lead from the operations that return an id to those that take it.

use super::exact::{at, operations_mut};
use serde_json::{json, Map, Value};

/// What the `id` of a view names.
const VIEWS: &[(&str, &str)] = &[
    ("AccountView", "account"),
    ("LookupAccount", "account"),
    ("UserView", "user"),
    ("InvitationView", "invitation"),
    ("LookupInvitation", "invitation"),
    ("WorkgroupView", "workgroup"),
    ("LookupWorkgroup", "workgroup"),
    ("ApiTokenView", "api_token"),
    ("WebhookView", "webhook"),
    ("WebhookDeliveryView", "webhook_delivery"),
    ("AuditEventView", "audit_event"),
    ("ProfileView", "profile"),
];

/// What a field or parameter called `<x>_id` (or this) names.
const FIELDS: &[(&str, &str)] = &[
    ("account_id", "account"),
    ("user_id", "user"),
    ("actor_id", "user"),
    ("invited_by", "user"),
    ("accepted_user_id", "user"),
    ("invitation_id", "invitation"),
    ("workgroup_id", "workgroup"),
    ("api_token_id", "api_token"),
    ("token_id", "api_token"),
    ("webhook_id", "webhook"),
    ("delivery_id", "webhook_delivery"),
    ("event_id", "audit_event"),
    ("identity_id", "profile"),
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

pub const EXTENSION: &str = "x-extranet-id";

fn field_names(name: &str) -> Option<&'static str> {
    FIELDS.iter().find(|(f, _)| *f == name).map(|(_, e)| *e)
}

/// Tags ids in schemas and parameters, describes path parameters, and adds links.
pub fn apply(doc: &mut Value) {
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for (name, schema) in schemas.iter_mut() {
            let view = VIEWS.iter().find(|(v, _)| v == name).map(|(_, e)| *e);
            tag_schema(schema, view);
        }
    }
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
                let name = p["name"].as_str().unwrap_or_default().to_owned();
                let entity = if name == "id" {
                    COLLECTIONS
                        .iter()
                        .find(|(prefix, _)| path.starts_with(prefix))
                        .map(|(_, e)| *e)
                } else {
                    field_names(&name)
                };
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

/// Tags the uuid properties of `schema` (recursively through inline objects and `allOf`).
fn tag_schema(schema: &mut Value, view: Option<&str>) {
    if let Some(Value::Array(parts)) = schema.get_mut("allOf") {
        for part in parts {
            tag_schema(part, None);
        }
    }
    let Some(Value::Object(props)) = schema.get_mut("properties") else {
        return;
    };
    for (name, prop) in props.iter_mut() {
        let entity = if name == "id" {
            view
        } else {
            field_names(name)
        };
        if let Some(entity) = entity {
            tag_uuid(prop, entity);
        } else if prop.get("properties").is_some() {
            tag_schema(prop, None);
        }
    }
}

fn tag_uuid(prop: &mut Value, entity: &str) {
    if prop["format"] == "uuid" {
        prop[EXTENSION] = json!(entity);
    }
    if let Some(Value::Array(alts)) = prop.get_mut("oneOf") {
        for alt in alts {
            tag_uuid(alt, entity);
        }
    }
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
        let view = VIEWS.iter().find(|(v, _)| *v == name).map(|(_, e)| *e);
        if let Some(entity) = view {
            out.push((entity.to_owned(), format!("{pointer}/id")));
        }
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
                if name != "id" {
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
