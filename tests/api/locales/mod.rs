//! Six languages (issue #28 item 6): which language each message is written in — the
//! invitation's, the account's, the person's, the request's — and that the API's own answers
//! stay English.

mod messages;
