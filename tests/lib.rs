//! Black-box tests live in `api/` and the load generator in `bench/`; this library holds what
//! both stand on: haproxy in front of server processes (`haproxy`).

pub mod haproxy;
