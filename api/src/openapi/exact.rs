//! What the handlers' attributes cannot say about the shapes the server takes and sends,
//! written into the document so that a client generated from it refuses what the server
//! refuses and expects what the server sends. Each edit is here because utoipa cannot say it:
//! - "exactly one of" and "at most one of" field pairs ([`EXCLUSIVE`]), and the rules beside
//!   them (an extranet invitation names a workgroup, a login is an email or a phone, a member
//!   is added as `member` or `moderator`): a `oneOf`/`anyOf` beside an object's `properties`,
//!   which utoipa's `Object` has no room for; the domain's parse functions refuse the rest;
//! - in responses, an `Option` field is sent (as `null` when empty), so it is `required`:
//!   utoipa takes every `Option` for optional (but the fields some API tokens may not read,
//!   `crate::scopes::WITHHELD`);
//! - a tagged union (`MeView` by `kind`, a batch row by `outcome`) has a `discriminator`:
//!   utoipa gives one only to `#[serde(untagged)]` enums of named types;
//! - the words a string can be (`plan`, from the configured plans; `token_type` and the
//!   other one-word `&'static str` fields, as utoipa's field attributes have no `enum`; the
//!   problem `code` of each status, from `crate::problem::CODES`, as one `Problem` serves all);
//! - `Retry-After` on 429 and 503: utoipa's `Header` has no `required`.
//!
//! What every operation answers is added in utoipa's model instead ([`every_operation`]).
//!
//! The document is edited as JSON: the edits are structural, and utoipa's typed model makes
//! them long-winded. [`super::complete`] applies them; a test checks each one took.

use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Pairs of request fields of which exactly one, or at most one, may be given.
pub const EXCLUSIVE: &[(&str, [&str; 2], Need)] = &[
    ("InviteeBody", ["email", "phone"], Need::ExactlyOne),
    ("AdminBody", ["email", "phone"], Need::ExactlyOne),
    ("JoinRequestBody", ["email", "phone"], Need::ExactlyOne),
    (
        "InvitationBatchBody",
        ["workgroup_id", "workgroup"],
        Need::AtMostOne,
    ),
    ("ExternalDomainsBody", ["allow", "deny"], Need::AtMostOne),
    (
        "LoginChangeBody",
        ["new_email", "new_phone"],
        Need::ExactlyOne,
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    ExactlyOne,
    AtMostOne,
}

/// Fixed words a string property can be: schema, property, values.
fn fixed_words(plans: &[String]) -> Vec<(&'static str, &'static str, Vec<String>)> {
    let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        ("SignUpBody", "plan", plans.to_vec()),
        ("PlanBody", "plan", plans.to_vec()),
        ("AccountView", "plan", plans.to_vec()),
        ("UsageView", "plan", plans.to_vec()),
        ("TokenPair", "token_type", words(&["Bearer"])),
        ("SignUpResponse", "token_type", words(&["Bearer"])),
        ("AcceptResponse", "token_type", words(&["Bearer"])),
        ("MembershipInvitationView", "status", words(&["invited"])),
        ("SignUpStarted", "status", words(&["confirmation_sent"])),
        (
            "SecondFactorChallenge",
            "status",
            words(&["second_factor_required"]),
        ),
        ("TwoFactorSecret", "algorithm", words(&["SHA1"])),
        (
            "LoginChangeStarted",
            "status",
            words(&["confirmation_sent"]),
        ),
        ("Health", "status", words(&["ok"])),
        ("Readiness", "status", words(&["ready"])),
        ("Readiness", "database", words(&["sqlite", "postgres"])),
    ]
}

/// Where the document is published and what the server is configured with.
#[derive(Debug, Clone)]
pub struct Published {
    /// Where the API answers: the `servers` block (Swagger UI's "Try it out" goes there).
    pub server_url: String,
    /// The plans' names, for the `plan` enums.
    pub plans: Vec<String>,
}

/// Applies every edit; returns what found nothing to edit (a test requires none).
pub fn apply(doc: &mut Value, published: &Published) -> Vec<String> {
    let mut missed = Vec::new();
    doc["servers"] = json!([{"url": published.server_url, "description": "This server"}]);
    tagged_unions(doc, &mut missed);
    let (requests, responses) = reach(doc);
    for name in responses.difference(&requests) {
        if let Some(s) = doc["components"]["schemas"].get_mut(name) {
            always_sent(name, s);
        }
    }
    for (schema, pair, need) in EXCLUSIVE {
        exclusive(doc, schema, *pair, *need, &mut missed);
    }
    extranet_names_a_workgroup(doc, &mut missed);
    logins(doc, &mut missed);
    new_member_role(doc, &mut missed);
    at_least_one_field(doc, &mut missed);
    for (schema, property, values) in fixed_words(&published.plans) {
        match at(
            doc,
            &["components", "schemas", schema, "properties", property],
        ) {
            Some(p) => p["enum"] = json!(values),
            None => missed.push(format!("{schema}.{property}")),
        }
    }
    problem_codes(doc);
    retry_after(doc);
    missed
}

/// On every operation, in utoipa's model: 503 on each `/v1/` one (each reads or writes the
/// database, and says so when it does not answer: `service_unavailable`, with `Retry-After`);
/// `Idempotent-Replayed` on the successes of those that take an `Idempotency-Key`.
pub fn every_operation(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{schema, Header, Ref, RefOr};
    let word = schema::ObjectBuilder::new()
        .schema_type(schema::Type::String)
        .enum_values(Some(["true"]));
    let replayed = Header::builder()
        .schema(word)
        .description(Some(
            "`true` when this is the stored answer to an earlier request with the same \
             `Idempotency-Key` (nothing was done again).",
        ))
        .build();
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            let responses = &mut op.responses.responses;
            if path.starts_with("/v1/") {
                responses
                    .entry("503".into())
                    .or_insert_with(|| Ref::from_response_name("ServiceUnavailable").into());
            }
            let mut params = op.parameters.iter().flatten();
            if !params.any(|p| p.name == crate::idempotency::HEADER) {
                continue;
            }
            for (_, response) in responses.iter_mut().filter(|(s, _)| s.starts_with('2')) {
                if let RefOr::T(response) = response {
                    let header = replayed.clone();
                    response
                        .headers
                        .insert("Idempotent-Replayed".into(), header);
                }
            }
        }
    }
}

/// The value at `path` inside `value`, if there is one (indexing a `Value` mutably would
/// insert `null`s where nothing was).
pub fn at<'a>(value: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, key| v.get_mut(*key))
}

/// Every operation of the document, to edit.
pub fn operations_mut(doc: &mut Value) -> impl Iterator<Item = &mut Value> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
}

/// Schemas reachable from request bodies and parameters, and from responses.
pub fn reach(doc: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut requests = BTreeSet::new();
    let mut responses = BTreeSet::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            refs(doc, &op["requestBody"], &mut requests);
            refs(doc, &op["responses"], &mut responses);
        }
    }
    (requests, responses)
}

/// Every schema `value` refers to, directly or through others.
fn refs(doc: &Value, value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    if into.insert(name.to_owned()) {
                        refs(doc, &doc["components"]["schemas"][name], into);
                    }
                } else if let Some(name) = r.strip_prefix("#/components/responses/") {
                    refs(doc, &doc["components"]["responses"][name], into);
                }
            }
            map.values().for_each(|v| refs(doc, v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(doc, v, into)),
        _ => {}
    }
}

/// Runs `f` on the object schemas `schema` is made of: its `allOf` parts' inline objects,
/// and itself.
fn each_object(schema: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    let Value::Object(map) = schema else {
        return;
    };
    if let Some(Value::Array(parts)) = map.get_mut("allOf") {
        for part in parts.iter_mut() {
            if let Value::Object(p) = part {
                if p.contains_key("properties") {
                    f(p);
                }
            }
        }
    }
    if map.contains_key("properties") {
        f(map);
    }
}

/// A response schema: a property that may be `null` is sent (as `null` when empty), as the
/// non-`Option` ones utoipa already requires are; one the server leaves out when it has
/// nothing to say is `#[serde(skip_serializing_if)]` and `#[schema(nullable = false)]` on its
/// type. Inline objects inside (a property that is itself an object) are sent whole too.
fn always_sent(name: &str, schema: &mut Value) {
    each_object(schema, &mut |object| {
        let null = json!({"type": "null"});
        let required: Vec<Value> = object
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(p, s)| {
                let nullable = s["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("null")))
                    || s["oneOf"].as_array().is_some_and(|o| o.contains(&null));
                let already = object
                    .get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|r| r.contains(&json!(p)));
                (nullable || already) && !crate::scopes::is_withheld(name, p)
            })
            .map(|(p, _)| json!(p))
            .collect();
        if !required.is_empty() {
            object.insert("required".into(), Value::Array(required));
        }
        if let Some(Value::Object(props)) = object.get_mut("properties") {
            for (prop, value) in props.iter_mut() {
                if value.get("properties").is_some() {
                    always_sent(&format!("{name}.{prop}"), value);
                }
            }
        }
    });
}

/// A login typed into one field (logging in, confirming a sign-up) is an email address or a
/// phone number, as `Login::parse` reads it: a client generated from the document refuses
/// anything else, as the server does (422 `invalid_login`).
fn logins(doc: &mut Value, missed: &mut Vec<String>) {
    for schema in ["ConfirmBody", "LoginBody"] {
        match at(
            doc,
            &["components", "schemas", schema, "properties", "login"],
        ) {
            Some(Value::Object(login)) => {
                login.insert(
                    "anyOf".into(),
                    json!([
                        {"format": "email", "maxLength": domain::login::Email::MAX_LEN},
                        {"pattern": domain::login::PHONE_PATTERN},
                    ]),
                );
            }
            _ => missed.push(format!("{schema}.login")),
        }
    }
}

/// A member is added as `member` or `moderator`: ownership only changes hands
/// (`owner_by_transfer_only`), through the member's role.
fn new_member_role(doc: &mut Value, missed: &mut Vec<String>) {
    let role = at(
        doc,
        &[
            "components",
            "schemas",
            "NewMemberBody",
            "properties",
            "role",
            "oneOf",
        ],
    )
    .and_then(Value::as_array_mut)
    .and_then(|alternatives| {
        alternatives.iter_mut().find(|a| {
            a.get("$ref")
                .is_some_and(|r| r == "#/components/schemas/Role")
        })
    });
    match role {
        Some(Value::Object(role)) => {
            role.remove("$ref");
            role.insert("type".into(), json!("string"));
            role.insert("enum".into(), json!(["member", "moderator"]));
        }
        _ => missed.push("NewMemberBody.role".into()),
    }
}

/// The changes whose fields are each optional but not all at once (an empty body is 422
/// `required`, nothing to change): `minProperties: 1`, which utoipa does not write.
fn at_least_one_field(doc: &mut Value, missed: &mut Vec<String>) {
    for schema in ["UserPatch", "MemberPatch"] {
        match at(doc, &["components", "schemas", schema]) {
            Some(Value::Object(object)) => {
                object.insert("minProperties".into(), json!(1));
            }
            _ => missed.push(format!("{schema}: at least one field")),
        }
    }
}

/// Rule 1: an extranet invitation names a workgroup or creates one; only an intranet one may
/// leave both `workgroup_id` and `workgroup` out. The pair's third alternative says so.
fn extranet_names_a_workgroup(doc: &mut Value, missed: &mut Vec<String>) {
    let neither = at(
        doc,
        &["components", "schemas", "InvitationBatchBody", "allOf"],
    )
    .and_then(Value::as_array_mut)
    .and_then(|parts| parts.iter_mut().find_map(|p| p.get_mut("oneOf")))
    .and_then(Value::as_array_mut)
    .and_then(|alternatives| alternatives.get_mut(2));
    match neither {
        Some(Value::Object(neither)) => {
            neither.insert("required".into(), json!(["type"]));
            if let Some(Value::Object(props)) = neither.get_mut("properties") {
                props.insert("type".into(), json!({"const": "intranet"}));
            }
        }
        _ => missed.push("InvitationBatchBody: extranet names a workgroup".into()),
    }
}

/// `oneOf` alternatives for a pair of fields, beside the object's schema in an `allOf`: each
/// alternative requires one and leaves the other out (absent or `null`, as serde reads an
/// `Option`); with [`Need::AtMostOne`], a third leaves both out.
fn exclusive(
    doc: &mut Value,
    schema: &str,
    [a, b]: [&str; 2],
    need: Need,
    missed: &mut Vec<String>,
) {
    let Some(s) = at(doc, &["components", "schemas", schema]) else {
        missed.push(format!("{schema}: {a} | {b}"));
        return;
    };
    let (Some(pa), Some(pb)) = (
        s["properties"].get(a).cloned(),
        s["properties"].get(b).cloned(),
    ) else {
        missed.push(format!("{schema}: {a} | {b}"));
        return;
    };
    let absent = json!({"type": "null"});
    // `minProperties: 1` is what `required` implies; it also tells linters that compare the
    // alternatives' properties that they have more to go on.
    let mut alternatives = vec![
        json!({"type": "object", "required": [a], "minProperties": 1, "properties": {a: non_null(&pa), b: absent}}),
        json!({"type": "object", "required": [b], "minProperties": 1, "properties": {b: non_null(&pb), a: absent}}),
    ];
    if need == Need::AtMostOne {
        alternatives.push(json!({"type": "object", "properties": {a: absent, b: absent}}));
    }
    // The object as it was, and the choice: `allOf` keeps them apart, so that the object's
    // `additionalProperties` sees all its properties.
    let object = s.take();
    let mut whole = Map::new();
    if let Some(d) = object.get("description") {
        whole.insert("description".into(), d.clone());
    }
    whole.insert("allOf".into(), json!([object, {"oneOf": alternatives}]));
    *s = Value::Object(whole);
}

/// `schema` without `null` among its types: the alternative that gives the field.
pub fn non_null(schema: &Value) -> Value {
    let mut s = schema.clone();
    if let Some(Value::Array(types)) = s.get("type").cloned() {
        let kept: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        s["type"] = match kept.as_slice() {
            [one] => one.clone(),
            _ => Value::Array(kept),
        };
    }
    if let Some(Value::Array(alts)) = s.get("oneOf").cloned() {
        let kept: Vec<Value> = alts.into_iter().filter(|t| t["type"] != "null").collect();
        if let [one] = kept.as_slice() {
            let mut one = one.clone();
            if let (Some(d), Some(o)) = (schema.get("description"), one.as_object_mut()) {
                o.entry("description").or_insert_with(|| d.clone());
            }
            return one;
        }
    }
    s
}

/// A `oneOf` whose alternatives are serde's internally tagged variants (an `allOf` of a
/// schema and an object with the tag, or an object with the tag among its properties)
/// becomes a `oneOf` of named schemas with a `discriminator` on the tag (which utoipa requires
/// already: serde always writes it).
fn tagged_unions(doc: &mut Value, missed: &mut Vec<String>) {
    let unions: [(&str, &str, &[&str]); 2] = [
        ("MeView", "kind", &["MeUser", "MeProfile"]),
        (
            "BatchResultView",
            "outcome",
            &[
                "InvitedResult",
                "WorkgroupInvitationResult",
                "SkippedResult",
                "AlreadyInvitedResult",
            ],
        ),
    ];
    for (union, tag, names) in unions {
        let Some(Value::Array(alts)) = doc["components"]["schemas"][union].get("oneOf").cloned()
        else {
            missed.push(format!("{union}: oneOf"));
            continue;
        };
        if alts.len() != names.len() {
            missed.push(format!(
                "{union}: {} variants, {} names for them",
                alts.len(),
                names.len()
            ));
            continue;
        }
        let mut one_of = Vec::new();
        let mut mapping = Map::new();
        for (alt, name) in alts.into_iter().zip(names.iter().copied()) {
            let Some(word) = tag_of(&alt, tag) else {
                missed.push(format!("{union}: {name}'s {tag}"));
                continue;
            };
            doc["components"]["schemas"][name] = alt;
            let r = format!("#/components/schemas/{name}");
            mapping.insert(word, Value::String(r.clone()));
            one_of.push(json!({"$ref": r}));
        }
        let s = &mut doc["components"]["schemas"][union];
        s["oneOf"] = Value::Array(one_of);
        s["discriminator"] = json!({"propertyName": tag, "mapping": mapping});
    }
}

/// The one word `alt` gives its `tag`.
fn tag_of(alt: &Value, tag: &str) -> Option<String> {
    let direct = alt["properties"][tag]["enum"][0].as_str();
    let in_parts = alt["allOf"].as_array().and_then(|parts| {
        parts
            .iter()
            .find_map(|p| p["properties"][tag]["enum"][0].as_str())
    });
    direct.or(in_parts).map(str::to_owned)
}

/// `Problem.code` lists every code; each error response lists the codes of its status.
fn problem_codes(doc: &mut Value) {
    // A code some refusals answer with two statuses (`batch_refused`: 409 or 422) is one word.
    let mut all: Vec<&str> = Vec::new();
    for code in crate::problem::CODES
        .iter()
        .flat_map(|(_, codes)| codes.iter().copied())
    {
        if !all.contains(&code) {
            all.push(code);
        }
    }
    doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"] = json!(all);
    let Some(responses) = doc["components"]["responses"].as_object_mut() else {
        return;
    };
    for response in responses.values_mut() {
        let Some(content) =
            at(response, &["content", "application/problem+json"]).and_then(Value::as_object_mut)
        else {
            continue;
        };
        let status = content
            .get("example")
            .and_then(|e| e["status"].as_u64())
            .unwrap_or_default();
        let Some((_, codes)) = crate::problem::CODES
            .iter()
            .find(|(s, _)| u64::from(*s) == status)
        else {
            continue;
        };
        content.insert(
            "schema".into(),
            json!({"allOf": [
                {"$ref": "#/components/schemas/Problem"},
                {"type": "object", "properties": {"code": {"type": "string", "enum": codes}}}
            ]}),
        );
    }
}

/// `Retry-After` on every 429 and 503 (here: utoipa's `Header` has no `required`).
fn retry_after(doc: &mut Value) {
    for (response, wait) in [("TooManyRequests", 30), ("ServiceUnavailable", 1)] {
        doc["components"]["responses"][response]["headers"] = json!({"Retry-After": {
            "description": "Seconds to wait before trying again.",
            "required": true,
            "schema": {"type": "integer", "minimum": 1, "example": wait}
        }});
    }
}
