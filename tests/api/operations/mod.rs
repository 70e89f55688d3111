//! What operators rely on: metrics, several processes on one database, crashes and stops under load, a database outage, SMTP over TLS.

mod crashes;
mod db_outage;
mod metrics;
mod processes;
mod smtp_tls;
