//! The file's rows: `email` and/or `phone`, `first_name`, `last_name` columns under a header
//! line (RFC 4180 quoting, read by the `csv` crate), each checked as the server checks an
//! invitee (`domain::login`, `domain::names`), so that a bad row is reported without a request
//! and never holds up the good ones.

use domain::login::Login;
use domain::names::PersonName;
use serde::Serialize;
use std::path::Path;

/// One person to invite, as the batch's `invitees` take them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitee {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
}

/// Why a row was not invited: a code, as the API's problems have, and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: String,
    pub detail: String,
}

impl Problem {
    pub fn new(code: &str, detail: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            detail: detail.into(),
        }
    }
}

/// A data row of the file (the header is not counted: the first row is 1).
#[derive(Debug, Clone)]
pub struct Row {
    pub number: usize,
    /// The email or phone as written (for the results file).
    pub login: String,
    pub invitee: Result<Invitee, Problem>,
}

/// Where each column is, by its header (any case, any order; other columns are ignored and
/// named in `ignored`).
struct Columns {
    email: Option<usize>,
    phone: Option<usize>,
    first_name: usize,
    last_name: usize,
    ignored: Vec<String>,
}

fn columns(header: &csv::StringRecord) -> Result<Columns, String> {
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (email, phone) = (find("email"), find("phone"));
    if email.is_none() && phone.is_none() {
        return Err("the header line must name an `email` or a `phone` column (or both)".into());
    }
    let required = |name: &str| {
        find(name).ok_or_else(|| format!("the header line must name a `{name}` column"))
    };
    let known = ["email", "phone", "first_name", "last_name"];
    Ok(Columns {
        email,
        phone,
        first_name: required("first_name")?,
        last_name: required("last_name")?,
        ignored: header
            .iter()
            .filter(|h| !known.iter().any(|k| h.trim().eq_ignore_ascii_case(k)))
            .map(str::to_owned)
            .collect(),
    })
}

/// One record checked: the invitee, or why not.
fn invitee(record: &csv::StringRecord, columns: &Columns) -> Result<Invitee, Problem> {
    let field = |at: Option<usize>| {
        at.and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let (email, phone) = (field(columns.email), field(columns.phone));
    let first = field(Some(columns.first_name)).unwrap_or_default();
    let last = field(Some(columns.last_name)).unwrap_or_default();
    Login::from_email_or_phone(email.as_deref(), phone.as_deref())
        .map_err(|e| Problem::new(e.code, field_message(&e.field, &e.message)))?;
    for (name, value) in [("first_name", &first), ("last_name", &last)] {
        PersonName::parse(value)
            .map_err(|e| Problem::new(e.code, field_message(name, &e.message)))?;
    }
    Ok(Invitee {
        email,
        phone,
        first_name: first,
        last_name: last,
    })
}

fn field_message(field: &str, message: &str) -> String {
    if field.is_empty() {
        message.to_owned()
    } else {
        format!("{field}: {message}")
    }
}

/// Every data row of the file at `path`, checked; `Err` when the file cannot be read or its
/// header names no usable columns. Also the names of the columns left out.
pub fn read(path: &Path) -> Result<(Vec<Row>, Vec<String>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let header = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    let columns = columns(&header).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let number = i + 1;
        let row = match record {
            Ok(record) if record.len() != header.len() => Row {
                number,
                login: String::new(),
                invitee: Err(Problem::new(
                    "csv_row",
                    format!(
                        "{} fields where the header has {}",
                        record.len(),
                        header.len()
                    ),
                )),
            },
            Ok(record) => {
                let login = [columns.email, columns.phone]
                    .into_iter()
                    .flatten()
                    .filter_map(|c| record.get(c))
                    .map(str::trim)
                    .find(|v| !v.is_empty())
                    .unwrap_or_default()
                    .to_owned();
                Row {
                    number,
                    login,
                    invitee: invitee(&record, &columns),
                }
            }
            Err(e) => Row {
                number,
                login: String::new(),
                invitee: Err(Problem::new("csv_row", e.to_string())),
            },
        };
        rows.push(row);
    }
    Ok((rows, columns.ignored))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(text: &str) -> Result<Vec<Row>, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join("people.csv");
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        read(&path).map(|(rows, _)| rows)
    }

    #[test]
    fn rows_are_read_by_their_header_and_checked_one_by_one() {
        let rows = rows_of(
            "Last_Name,first_name,email,phone,company\n\
             Lee,Ann,ann@client.example,,Client\n\
             \"Ray, Jr.\",Cy,,+1 415 555 0101,\n\
             Ng,Bo,not-an-email,,\n\
             Ng,,bo@client.example,,\n\
             Ng,Bo,bo@client.example,+14155550102,\n\
             short,row\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 6);
        let ann = rows[0].invitee.as_ref().unwrap();
        assert_eq!(
            (ann.email.as_deref(), ann.first_name.as_str()),
            (Some("ann@client.example"), "Ann")
        );
        let cy = rows[1].invitee.as_ref().unwrap();
        assert_eq!(
            (cy.phone.as_deref(), cy.last_name.as_str()),
            (Some("+1 415 555 0101"), "Ray, Jr.")
        );
        assert_eq!(rows[1].number, 2);
        let codes: Vec<_> = rows[2..]
            .iter()
            .map(|r| r.invitee.as_ref().unwrap_err().code.clone())
            .collect();
        assert_eq!(codes[3], "csv_row");
        assert!(codes[..3].iter().all(|c| !c.is_empty()), "{codes:?}");
        assert!(rows[3]
            .invitee
            .as_ref()
            .unwrap_err()
            .detail
            .contains("first_name"));
    }

    #[test]
    fn a_header_without_logins_or_names_is_refused() {
        assert!(rows_of("name,company\nAnn,Client\n").is_err());
        assert!(rows_of("email,first_name\nann@client.example,Ann\n").is_err());
    }
}
