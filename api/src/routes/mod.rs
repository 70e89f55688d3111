//! The HTTP routes, registered once for the server and for the OpenAPI document.
//!
//! A request body's fields are checked by the domain's parse functions, which the handlers
//! call; the limits those enforce reach the document on the fields' types (the value types'
//! schemas, `crate::openapi::field` for a field's own example or bound).

pub mod accept_page;
pub mod access_reviews;
pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod dev;
pub mod erasure;
pub mod health;
pub mod invitation_approvals;
pub mod invitations;
pub mod invitee;
pub mod join;
pub mod join_links;
pub mod join_page;
pub mod members;
pub mod metrics;
pub mod network;
pub mod pages;
pub mod passwords;
pub mod personal_data;
pub mod reset_password_page;
pub mod sessions;
pub mod two_factor;
pub mod users;
pub mod webhooks;
pub mod workgroups;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .service(accounts::sign_up)
        .service(accounts::confirm_sign_up)
        .service(auth::login)
        .service(auth::second_factor)
        .service(auth::refresh)
        .service(auth::logout)
        .service(passwords::request_password_reset)
        .service(passwords::confirm_password_reset)
        .service(reset_password_page::page)
        .service(sessions::list_sessions)
        .service(sessions::end_other_sessions)
        .service(sessions::end_session)
        .service(users::me)
        .service(accounts::get_account)
        .service(accounts::patch_account)
        .service(accounts::put_plan)
        .service(accounts::usage)
        .service(users::list_users)
        .service(users::get_user)
        .service(workgroups::create_workgroup)
        .service(workgroups::list_workgroups)
        .service(workgroups::get_workgroup)
        .service(workgroups::patch_workgroup)
        .service(users::patch_user)
        .service(users::dismiss_user)
        .service(users::reinstate_user)
        .service(users::transfer_to_intranet)
        .service(users::transfer_to_extranet)
        .service(erasure::erase_user)
        .service(personal_data::export_user)
        .service(members::list_members)
        .service(members::add_member)
        .service(members::patch_member)
        .service(members::remove_member)
        .service(members::my_workgroup_invitations)
        .service(members::accept_workgroup_invitation)
        .service(members::decline_workgroup_invitation)
        .service(invitations::create_invitations)
        .service(invitations::list_invitations)
        .service(accept_page::page)
        .service(invitee::lookup_invitation)
        .service(invitee::accept_invitation)
        .service(invitee::decline_invitation)
        .service(invitations::get_invitation)
        .service(invitations::resend_invitation)
        .service(invitations::revoke_invitation)
        .service(invitation_approvals::approve_invitation)
        .service(invitation_approvals::reject_invitation)
        .service(api_tokens::create_api_token)
        .service(api_tokens::list_api_tokens)
        .service(api_tokens::get_api_token)
        .service(api_tokens::revoke_api_token)
        .service(audit::list_audit_events)
        .service(network::get_profile)
        .service(network::patch_profile)
        .service(network::request_login_change)
        .service(network::confirm_login_change)
        .service(passwords::change_password)
        .service(two_factor::get_two_factor)
        .service(two_factor::start_two_factor)
        .service(two_factor::confirm_two_factor)
        .service(two_factor::disable_two_factor)
        .service(two_factor::renew_recovery_codes)
        .service(erasure::request_erasure_code)
        .service(erasure::erase_profile)
        .service(personal_data::export_profile)
        .service(webhooks::create_webhook)
        .service(webhooks::list_webhooks)
        .service(webhooks::get_webhook)
        .service(webhooks::patch_webhook)
        .service(webhooks::delete_webhook)
        .service(webhooks::ping_webhook)
        .service(webhooks::list_deliveries)
        .service(webhooks::redeliver)
        .service(join_page::page)
        .service(join::lookup_join_link)
        .service(join::request_to_join)
        .service(join::confirm_join)
        .service(join_links::create_join_link)
        .service(join_links::list_join_links)
        .service(join_links::revoke_join_link)
        .service(join_links::list_join_requests)
        .service(join_links::approve_join_request)
        .service(join_links::reject_join_request)
        .service(access_reviews::create_access_review)
        .service(access_reviews::list_access_reviews)
        .service(access_reviews::get_access_review)
        .service(access_reviews::list_access_review_items)
        .service(access_reviews::decide_access_review_item)
        .service(access_reviews::cancel_access_review);
}
