//! The committed YAML read alike by YAML 1.1 readers.
//!
//! serde_norway writes YAML 1.2, in which an unquoted `2026-11-28T09:30:00Z` (or `yes`, `0777`,
//! `1:20`) is a string. YAML 1.1 readers — PyYAML, js-yaml's default schema, and so the tools
//! built on them — resolve such plain scalars to dates, booleans and numbers, and read another
//! document than the server serves. Every plain scalar one of YAML 1.1's implicit types would
//! take is quoted here; [`quote`] then reads its output back and refuses any change of meaning.

use regex::Regex;

/// YAML 1.1's implicit types for plain scalars (as PyYAML resolves them, with the spec's
/// `y`/`n`): a plain scalar that matches one is not read as a string.
const YAML11_NOT_A_STRING: [&str; 8] = [
    // bool
    r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
    // null, merge, value
    r"~|null|Null|NULL|<<|=",
    // int: binary, octal, decimal, hexadecimal, sexagesimal
    r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+",
    r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
    // float
    r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?",
    r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
    // timestamp
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?",
];

/// A line holding one plain scalar as a mapping's value or a sequence's entry, as
/// serde_norway writes them: the indentation, `- `s and a key, then the scalar.
const PLAIN_VALUE: &str =
    r#"^(\s*(?:- )*(?:(?:[^\s'"\-?:][^:]*|'[^']*'|"[^"]*"):\s)?)([^\s'"|>\[{!&*#].*)$"#;

/// The two patterns, compiled (once per document written: it is not on any request's way).
struct Patterns {
    not_a_string: Regex,
    plain_value: Regex,
}

impl Patterns {
    fn new() -> Result<Self, String> {
        let not_a_string = format!("^(?:{})$", YAML11_NOT_A_STRING.join("|"));
        Ok(Self {
            not_a_string: Regex::new(&not_a_string).map_err(|e| e.to_string())?,
            plain_value: Regex::new(PLAIN_VALUE).map_err(|e| e.to_string())?,
        })
    }
}

/// Whether a YAML 1.1 reader takes the plain scalar `s` for something other than a string.
#[cfg(test)]
fn yaml11_reads_otherwise(s: &str) -> bool {
    Patterns::new().is_ok_and(|p| p.not_a_string.is_match(s))
}

/// Whether YAML 1.2 (serde_norway) reads the plain scalar `s` as a string: a number, a
/// boolean or a null it writes plain is one for every reader, and stays so.
fn yaml12_reads_a_string(s: &str) -> bool {
    matches!(
        serde_norway::from_str::<serde_norway::Value>(s),
        Ok(serde_norway::Value::String(_))
    )
}

/// `yaml` (serde_norway's output) with every plain scalar that YAML 1.1 would not read as a
/// string single-quoted; an error if that changed what a YAML 1.2 reader reads.
pub fn quote(yaml: &str) -> Result<String, String> {
    let patterns = Patterns::new()?;
    let mut out = String::with_capacity(yaml.len() + 1024);
    for line in yaml.lines() {
        match patterns.plain_value.captures(line) {
            Some(c) if patterns.not_a_string.is_match(&c[2]) && yaml12_reads_a_string(&c[2]) => {
                out.push_str(&c[1]);
                out.push('\'');
                out.push_str(&c[2]);
                out.push('\'');
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    let before: serde_norway::Value = serde_norway::from_str(yaml).map_err(|e| e.to_string())?;
    let after: serde_norway::Value = serde_norway::from_str(&out).map_err(|e| e.to_string())?;
    if before == after {
        Ok(out)
    } else {
        Err("quoting the YAML 1.1 look-alikes changed the document".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_yaml_1_1_reads_as_another_type_is_recognised() {
        for s in [
            "2026-11-28T09:30:00Z",
            "2026-11-28",
            "2026-1-2 3:04:05.5 +01:00",
            "yes",
            "Off",
            "y",
            "~",
            "0777",
            "1:20",
            "1_000",
            "0x1F",
            ".inf",
            "1.5",
            "<<",
        ] {
            assert!(yaml11_reads_otherwise(s), "{s}");
        }
        for s in [
            "ada@acme.example",
            "2026-11-28T09:30:00Z is the instant",
            "yesterday",
            "+14155550101 ",
            "v1",
            "invitation.created",
        ] {
            assert!(!yaml11_reads_otherwise(s), "{s}");
        }
    }

    #[test]
    fn look_alikes_are_quoted_wherever_a_plain_scalar_stands() {
        let value = serde_json::json!({
            "created_at": "2026-11-28T09:30:00Z",
            "answer": "yes",
            "list": ["2026-11-28", "plain", {"at": "1:20", "text": "a: b"}],
            "nested": {"deeper": {"mode": "0777"}},
            "numbers": [1, 1.5, true, null],
            "said": "It is 2026-11-28T09:30:00Z",
        });
        let yaml = serde_norway::to_string(&value).unwrap();
        let quoted = quote(&yaml).unwrap();
        for expected in [
            "created_at: '2026-11-28T09:30:00Z'",
            "answer: 'yes'",
            "- '2026-11-28'",
            "at: '1:20'",
            "mode: '0777'",
            "said: It is 2026-11-28T09:30:00Z",
            "- plain",
            "- 1.5",
            "- true",
            "- null",
        ] {
            assert!(quoted.contains(expected), "{expected} in\n{quoted}");
        }
        let read: serde_json::Value = serde_norway::from_str(&quoted).unwrap();
        assert_eq!(read, value);
    }
}
