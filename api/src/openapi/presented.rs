//! The document as people read it in Swagger UI: each operation's summary one plain line (the
//! whole first paragraph, with its markup, opens the description instead, so nothing is lost),
//! a parameter that may be left out shown as its type (not "stringnull"), and the person's
//! bearer token offered before an integrator's API token, each saying where it comes from.

use super::exact::operations_mut;
use serde_json::{Map, Value};

/// What the person's token is, where it comes from, and how Swagger UI gets one.
pub const BEARER_DESCRIPTION: &str = "A person's access token (a JWT): \
`access_token` of `POST /v1/auth/login`, of `POST /v1/accounts/confirm` (a new account's \
administrator) or of `POST /v1/invitations/accept`. It lives an hour by default \
(`EXTRANET_TOKEN_TTL_SECONDS`); `POST /v1/auth/refresh` gives a new pair. In Swagger UI: \
try out `POST /v1/auth/login`, copy `access_token` from its answer, and paste it here.";

/// The longest summary kept whole; a longer first clause is cut at a word.
const SUMMARY_CHARS: usize = 100;

pub fn apply(doc: &mut Value) {
    for op in operations_mut(doc) {
        plain_summary(op);
        if let Some(parameters) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for parameter in parameters {
                if let Some(schema) = parameter.get_mut("schema") {
                    not_nullable(schema);
                }
            }
        }
    }
    bearer_first(doc);
}

/// The summary's first clause, plain; the summary itself opens the description.
fn plain_summary(op: &mut Value) {
    let Some(summary) = op["summary"].as_str().map(str::to_owned) else {
        return;
    };
    let plain = first_clause(&summary);
    if plain == summary {
        return;
    }
    let description = match op["description"].as_str() {
        Some(rest) if !rest.trim().is_empty() => format!("{summary}\n\n{rest}"),
        _ => summary,
    };
    op["summary"] = Value::String(plain);
    op["description"] = Value::String(description);
}

/// Up to the first `. `, `: `, `; ` or ` — ` outside brackets and code, without markup, on one
/// line, at most [`SUMMARY_CHARS`] characters.
pub fn first_clause(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = flat.chars().collect();
    let (mut depth, mut code) = (0i32, false);
    let mut end = chars.len();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '`' => code = !code,
            '(' | '[' if !code => depth += 1,
            ')' | ']' if !code => depth -= 1,
            '.' | ':' | ';' if !code && depth == 0 && chars.get(i + 1) == Some(&' ') => {
                end = i;
                break;
            }
            '—' if !code && depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let clause: String = chars[..end].iter().collect();
    let plain = clause.replace(['`'], "").replace("**", "");
    let plain = plain.trim().trim_end_matches('.').trim();
    if plain.chars().count() <= SUMMARY_CHARS {
        return plain.to_owned();
    }
    let cut: String = plain.chars().take(SUMMARY_CHARS).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', ' ']))
}

/// `type: [X, "null"]` → `type: X`: a parameter left out is absent, never null.
fn not_nullable(schema: &mut Value) {
    let Some(types) = schema["type"].as_array() else {
        return;
    };
    let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    if let [only] = kept.as_slice() {
        schema["type"] = only.clone();
    }
}

/// The security schemes with `bearer` first (Swagger UI's Authorize dialog lists them in the
/// document's order), and its description.
fn bearer_first(doc: &mut Value) {
    let Some(schemes) = doc
        .pointer_mut("/components/securitySchemes")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut ordered = Map::new();
    if let Some(mut bearer) = schemes.remove("bearer") {
        bearer["description"] = Value::String(BEARER_DESCRIPTION.to_owned());
        ordered.insert("bearer".to_owned(), bearer);
    }
    ordered.append(schemes);
    *schemes = ordered;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_its_first_clause_plain() {
        assert_eq!(
            first_clause("Sign up: a confirmation code goes to the admin's login"),
            "Sign up"
        );
        assert_eq!(
            first_clause("Your API tokens, newest first (administrators: every token). More."),
            "Your API tokens, newest first (administrators: every token)"
        );
        assert_eq!(
            first_clause("Move the account to another plan (administrators). Refused with 409\n`user_limit_below_usage`"),
            "Move the account to another plan (administrators)"
        );
        assert_eq!(
            first_clause("Add a user as the group's `invite_policy` allows (`owner`; admins)."),
            "Add a user as the group's invite_policy allows (owner; admins)"
        );
        assert_eq!(first_clause("Liveness"), "Liveness");
        let long = first_clause(&"word ".repeat(40));
        assert!(
            long.ends_with('…') && long.chars().count() <= SUMMARY_CHARS + 1,
            "{long}"
        );
    }
}
