//! What each API token scope grants of data, in the document: the response fields of each
//! class (`crate::scopes::WITHHELD`) are marked `x-extranet-scope` and say they are left out for
//! a token without it; each webhook event names the scope a token needs to subscribe to it
//! (`x-extranet-event-scopes`, from `domain::webhook::EventType::reads`).

use super::exact::at;
use crate::scopes;

/// Writes into the document (as JSON) what each scope grants of data: each withheld field's
/// scope, and each event's; returns what it found nothing to edit in.
pub fn apply(doc: &mut serde_json::Value) -> Vec<String> {
    use serde_json::json;
    let mut missed = Vec::new();
    for (schema, property, scope) in scopes::WITHHELD {
        let Some(p) = at(
            doc,
            &["components", "schemas", schema, "properties", property],
        ) else {
            missed.push(format!("{schema}.{property}"));
            continue;
        };
        let said = p["description"].as_str().unwrap_or_default().to_owned();
        let added = format!(
            "Left out (not `null`: that would say there is none) for an API token without `{scope}`."
        );
        p["description"] = json!(if said.is_empty() {
            added
        } else {
            format!("{said}\n\n{added}")
        });
        p[scopes::FIELD_EXTENSION] = json!(scope.as_str());
    }
    let events: serde_json::Map<String, serde_json::Value> =
        domain::webhook::EventType::subscribable()
            .map(|e| {
                (
                    e.as_str().to_owned(),
                    json!(e.reads().map(|s| [s.as_str()])),
                )
            })
            .collect();
    match at(doc, &["components", "schemas", "SubscribableEvent"]) {
        Some(schema) => {
            schema[scopes::EVENT_EXTENSION] = serde_json::Value::Object(events);
        }
        None => missed.push("SubscribableEvent".into()),
    }
    missed
}
