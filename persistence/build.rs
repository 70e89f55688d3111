//! Builds the crate again when a migration is added or changed: `embed_migrations!` reads
//! `migrations/` at compile time, and cargo watches only the files it read, not a new folder
//! beside them (a binary built after a migration was added would not carry it).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
