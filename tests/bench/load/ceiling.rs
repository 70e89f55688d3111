//! The storage's ceiling: the rows one single invitation with an `Idempotency-Key` writes —
//! the invitation, its outbox message, its audit event, the idempotency record, then the seat
//! counter and the two sending counters (the hot rows, locked until the commit, late as the
//! API takes them) — written through `persistence::Database::write` (the
//! same writer thread and group commit on SQLite, the same pool on PostgreSQL) by as many
//! threads as the server has clients, without HTTP, JSON parsing, JWT, the domain's decisions
//! or the reads a request makes. The invitation endpoint's rate is reported as a share of it.

use crate::phase::Outcome;
use chrono::Utc;
use diesel::prelude::*;
use hdrhistogram::Histogram;
use persistence::schema::{
    account_seats, audit_events, idempotency_keys, invitations, outbox, sending_counters,
};
use persistence::{Database, DbConnection, PoolOptions, StoreError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Who the rows belong to: the bench's account, its admin and workgroup, already stored.
#[derive(Clone)]
pub struct Owner {
    pub account: String,
    pub inviter: String,
    pub group: String,
}

/// Writes invitation rows from `clients` threads for `seconds` on the database at `url` (the
/// server using it must have stopped).
pub fn run(url: &str, owner: &Owner, clients: usize, seconds: u64) -> Outcome {
    let db = Database::connect(
        url,
        &PoolOptions {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let serial = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (db, owner, serial) = (db.clone(), owner.clone(), serial.clone());
            std::thread::spawn(move || {
                let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
                let (mut ok, mut failed) = (0, 0);
                while Instant::now() < deadline {
                    let n = serial.fetch_add(1, Ordering::Relaxed);
                    let owner = owner.clone();
                    let t = Instant::now();
                    match db.write(move |conn| write_rows(conn, &owner, n)) {
                        Ok(()) => ok += 1,
                        Err(e) => {
                            failed += 1;
                            if failed <= 3 {
                                eprintln!("storage ceiling: {e}");
                            }
                        }
                    }
                    h.record(t.elapsed().as_micros() as u64).unwrap();
                }
                (h, ok, failed)
            })
        })
        .collect();
    let mut out = Outcome::default();
    for t in threads {
        let (h, ok, failed) = t.join().unwrap();
        out.add(h, ok, failed);
    }
    out
}

fn write_rows(conn: &mut DbConnection, owner: &Owner, n: u64) -> Result<(), StoreError> {
    let now = Utc::now().naive_utc();
    let id = uuid::Uuid::now_v7().to_string();
    let email = format!("ceiling{n}@load.example");
    let token_hash = format!("{:064x}", u128::from(n as u32) * 0x9e37_79b9_7f4a_7c15);
    diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(&id),
            invitations::account_id.eq(&owner.account),
            invitations::invitation_type.eq("extranet"),
            invitations::status.eq("pending"),
            invitations::email.eq(Some(&email)),
            invitations::login.eq(&email),
            invitations::first_name.eq("Load"),
            invitations::last_name.eq("Test"),
            invitations::workgroup_id.eq(Some(&owner.group)),
            invitations::invited_by.eq(&owner.inviter),
            invitations::token_hash.eq(&token_hash),
            invitations::expires_at.eq(now + chrono::Duration::days(7)),
            invitations::sent_count.eq(1),
            invitations::last_sent_at.eq(now),
            invitations::created_at.eq(now),
            invitations::updated_at.eq(now),
            invitations::sent_by.eq(Some(&owner.inviter)),
        ))
        .execute(conn)?;
    // A message of the size the API's is: the notice with its sealed token.
    let payload = serde_json::json!({"kind": "invitation", "account": "Bench",
        "inviter": "Bench Admin", "workgroup": "Bench", "invitation_id": id,
        "first_name": "Load", "last_name": "Test", "expires_at": now.to_string(),
        "sealed_token": "x".repeat(120)})
    .to_string();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(uuid::Uuid::now_v7().to_string()),
            outbox::account_id.eq(Some(&owner.account)),
            outbox::channel.eq("email"),
            outbox::recipient.eq(&email),
            outbox::payload.eq(payload),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(uuid::Uuid::now_v7().to_string()),
            audit_events::account_id.eq(Some(&owner.account)),
            audit_events::actor_user_id.eq(Some(&owner.inviter)),
            audit_events::action.eq("invitation.created"),
            audit_events::subject_type.eq("invitation"),
            audit_events::subject_id.eq(&id),
            audit_events::details.eq(serde_json::json!({"type": "extranet", "login": email,
                "workgroup_id": owner.group})
            .to_string()),
            audit_events::created_at.eq(now),
        ))
        .execute(conn)?;
    // An outcome of the size the API stores: the invitation as JSON.
    let outcome = serde_json::json!({"rows": [{"Invited": {"id": id, "email": email,
        "first_name": "Load", "last_name": "Test", "workgroup_id": owner.group,
        "invited_by": owner.inviter, "expires_at": now.to_string(), "created_at": now.to_string(),
        "status": "Pending", "invitation_type": "Extranet", "sent_count": 1}}]})
    .to_string();
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::caller.eq(format!("user:{}", owner.inviter)),
            idempotency_keys::idempotency_key.eq(format!("ceiling-{n}")),
            idempotency_keys::request_hash.eq(&token_hash),
            idempotency_keys::outcome.eq(outcome),
            idempotency_keys::created_at.eq(now),
        ))
        .execute(conn)?;
    // The seat counter late, as the API takes it (the account's lock is held from here).
    diesel::update(account_seats::table.find(&owner.account))
        .set(account_seats::pending_invitations.eq(account_seats::pending_invitations + 1))
        .execute(conn)?;
    // The sending counters: one upsert each on SQLite (cached statements), one upsert of both
    // rows on PostgreSQL (one round trip), as the API counts them.
    let window = now.date().and_hms_opt(0, 0, 0).unwrap();
    let counters = [
        format!("account:{}:email", owner.account),
        format!("recipient:{email}"),
    ];
    let row = |counter: &String| {
        (
            sending_counters::counter.eq(counter.clone()),
            sending_counters::window_start.eq(window),
            sending_counters::used.eq(1),
        )
    };
    match conn {
        DbConnection::Sqlite(c) => {
            for counter in &counters {
                diesel::insert_into(sending_counters::table)
                    .values(row(counter))
                    .on_conflict((sending_counters::counter, sending_counters::window_start))
                    .do_update()
                    .set(sending_counters::used.eq(sending_counters::used + 1))
                    .execute(c)?;
            }
        }
        DbConnection::Pg(c) => {
            diesel::insert_into(sending_counters::table)
                .values(counters.iter().map(row).collect::<Vec<_>>())
                .on_conflict((sending_counters::counter, sending_counters::window_start))
                .do_update()
                .set(sending_counters::used.eq(sending_counters::used + 1))
                .execute(c)?;
        }
    }
    Ok(())
}
