//! Accounts: sign-up (proved by a code), plans and settings.

mod sign_up_and_plans;
mod sign_up_proof;
