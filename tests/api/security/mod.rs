//! Nothing a stranger starts costs someone else; what one request may make the server do; slow clients; the OWASP API Top 10 matrix (`owasp`).

mod limits;
mod owasp;
mod slow_clients;
mod strangers;
