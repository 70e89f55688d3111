//! What operators rely on: backups and restores, the schema check before an upgrade, an upgrade with the previous release beside the new one, metrics, several processes on one database (and three behind haproxy), crashes and stops under load, a database outage, SMTP over TLS, development keys that survive a restart, the development inbox and clock.

mod backups;
mod balancer;
mod crashes;
mod db_outage;
mod dev_secret;
mod dev_tools;
mod metrics;
mod processes;
mod schema_check;
mod smtp_tls;
mod upgrade;
