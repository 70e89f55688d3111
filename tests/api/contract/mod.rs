//! The contract: the OpenAPI document, problem+json errors, request ids, the schema, what fuzzing found.

mod errors;
mod fuzz_findings;
mod openapi;
mod request_ids;
mod schema;
