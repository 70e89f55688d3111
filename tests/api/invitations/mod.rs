//! Inviting new people (rules 1, 3, 4, 6, 7): batches, delivery, the lifecycle, tokens that outlived their invitation, every later step under today's rules, searches, approvals (and their races).

mod approval_races;
pub mod approvals;
mod batches;
mod dead_tokens;
mod delivery;
mod later_steps;
mod lifecycle;
mod searches;
mod seed_story;
mod your_way;
