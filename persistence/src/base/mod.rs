//! The base floor: what every storage module stands on and nothing that knows a table's rows —
//! connections and the writer (`db`), the schema, the error, the text of typed values (`keys`),
//! pages, the request a use case runs for (`request`), and the configured limits.

pub mod db;
pub mod error;
pub(crate) mod keys;
pub mod limits;
pub mod operations;
pub mod page;
pub mod request;
pub mod schema;
