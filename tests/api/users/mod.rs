//! The account's users (rules 5, 6, 8): lists, dismissal and reinstatement, transfer to the intranet, no way back, what an account sees of someone it dismissed.

mod basics;
mod dismissed_logins;
mod no_way_back;
mod transfers;
