//! Reminders that an external user's access ends (issue #30): 7 days and 1 day before the end,
//! to the user (email, or SMS for a phone) and to whoever invited them, each in their language,
//! exactly once per end date — however often the upkeep runs, and when two run at once —; an
//! extension re-arms them; an inviter no longer there is not told, and the user is told to ask
//! an administrator; a reminder a sending quota held back is sent at a later run.

use crate::support::drain::outbox_drained;
use crate::support::helpers::*;
use crate::support::metrics::{scrape, Scrape};
use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;

const ANN: &str = "ann@client.example";
const ADA: &str = "ada@acme.example";

/// Sets the end of `user`'s access as `admin` (`PATCH /v1/users/{id}`).
async fn set_end(app: &TestApp, admin: &str, user: &str, end: DateTime<Utc>) {
    let (status, body) = patch(
        app,
        &format!("/v1/users/{user}"),
        admin,
        json!({"access_expires_at": end.to_rfc3339()}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Every reminder that reached `to` (an email address or a phone number) once the outbox is
/// drained: `(subject, text)` of its emails, `("", text)` of its texts. Reminders are the
/// messages that give a time in UTC; no other message does.
async fn reminders(app: &TestApp, to: &str) -> Vec<(String, String)> {
    outbox_drained(app).await;
    let mails = app.mail.inbox.all().into_iter().filter(|m| {
        m["to"]
            .as_array()
            .is_some_and(|a| a.iter().any(|r| r == to))
    });
    let texts = app.sms.inbox.all().into_iter().filter(|m| m["to"] == to);
    mails
        .map(|m| {
            let body = m["body"].as_str().unwrap().replace("\r\n", "\n");
            (m["subject"].as_str().unwrap().to_owned(), body)
        })
        .chain(texts.map(|m| (String::new(), m["text"].as_str().unwrap().to_owned())))
        .filter(|(_, text)| text.contains(" UTC"))
        .collect()
}

/// How `end` is written in the reminders.
fn written(end: DateTime<Utc>) -> String {
    end.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Ada's account, a workgroup, and Ann, an external user Ada invited by email into it; Ada's
/// token and Ann's user id.
async fn ann_invited_by_ada(app: &TestApp) -> (SignedUp, String) {
    let ada = app.sign_up(ADA, "free").await;
    let group = app.workgroup(&ada.token, "Client site", true).await;
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&ada.token),
            invite_body(&group, ANN),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, accepted) = app.accept(&app.email_token(ANN, 0).await).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    let ann = accepted["user"]["id"].as_str().unwrap().to_owned();
    (ada, ann)
}

#[tokio::test]
async fn reminders_go_7_days_and_1_day_before_once_each_and_an_extension_re_arms_them() {
    let app = TestApp::spawn().await;
    let (ada, ann) = ann_invited_by_ada(&app).await;
    let end = app.clock.now() + Duration::days(10);
    set_end(&app, &ada.token, &ann, end).await;

    // Ten days ahead: nothing yet.
    app.run_upkeep().await;
    assert_eq!(reminders(&app, ANN).await, []);
    assert_eq!(reminders(&app, ADA).await, []);

    // Seven days before (less a moment): one reminder to each.
    app.clock.advance(Duration::days(3));
    app.run_upkeep().await;
    let to_ann = reminders(&app, ANN).await;
    assert_eq!(to_ann.len(), 1, "{to_ann:?}");
    let (subject, text) = &to_ann[0];
    assert_eq!(
        subject,
        &format!("Your access to Account of {ADA} ends within a week")
    );
    assert!(text.starts_with("Hello Ann,\n\n"), "{text}");
    assert!(
        text.contains(&format!("ends on {}", written(end))),
        "{text}"
    );
    assert!(text.contains("ask Ada Lovelace, who invited you"), "{text}");
    let to_ada = reminders(&app, ADA).await;
    assert_eq!(to_ada.len(), 1, "{to_ada:?}");
    let (subject, text) = &to_ada[0];
    assert_eq!(
        subject,
        &format!("The access of Ann Lee ({ANN}) ends within a week")
    );
    assert!(text.contains(&written(end)), "{text}");

    // The upkeep runs every minute: nothing more.
    app.run_upkeep().await;
    app.clock.advance(Duration::hours(6));
    app.run_upkeep().await;
    assert_eq!(reminders(&app, ANN).await.len(), 1);
    assert_eq!(reminders(&app, ADA).await.len(), 1);

    // Within a day of the end: the 1-day reminder, once.
    app.clock
        .advance(end - app.clock.now() - Duration::hours(23));
    app.run_upkeep().await;
    app.run_upkeep().await;
    let to_ann = reminders(&app, ANN).await;
    assert_eq!(to_ann.len(), 2, "{to_ann:?}");
    assert_eq!(
        to_ann[1].0,
        format!("Your access to Account of {ADA} ends within a day")
    );
    let to_ada = reminders(&app, ADA).await;
    assert_eq!(to_ada.len(), 2, "{to_ada:?}");
    assert_eq!(
        to_ada[1].0,
        format!("The access of Ann Lee ({ANN}) ends within a day")
    );

    // Extended by 30 days: nothing at once, then each reminder again for the new end.
    let ada_token = admin_token(&app, ADA, &ada.account_id).await;
    let extended = end + Duration::days(30);
    set_end(&app, &ada_token, &ann, extended).await;
    app.run_upkeep().await;
    assert_eq!(reminders(&app, ANN).await.len(), 2);
    app.clock
        .advance(extended - app.clock.now() - Duration::days(7) + Duration::minutes(1));
    app.run_upkeep().await;
    app.run_upkeep().await;
    let to_ann = reminders(&app, ANN).await;
    assert_eq!(to_ann.len(), 3, "{to_ann:?}");
    assert!(to_ann[2].0.ends_with("ends within a week"), "{to_ann:?}");
    assert!(to_ann[2].1.contains(&written(extended)), "{to_ann:?}");
    assert_eq!(reminders(&app, ADA).await.len(), 3);

    // Counted: four 7-day and two 1-day messages queued, none held back.
    let scraped = scrape(&app).await;
    let count = |reminder: &str, outcome: &str| {
        scraped.get(
            "extranet_access_reminders_total",
            &[("outcome", outcome), ("reminder", reminder)],
        )
    };
    assert_eq!(count("seven_days", "queued"), 4.0);
    assert_eq!(count("one_day", "queued"), 2.0);
    assert_eq!(count("seven_days", "held_back"), 0.0);

    // Once the access has ended, nothing more.
    app.clock.advance(Duration::days(8));
    app.run_upkeep().await;
    assert_eq!(reminders(&app, ANN).await.len(), 3);
    assert_eq!(reminders(&app, ADA).await.len(), 3);
}

#[tokio::test]
async fn a_phone_user_gets_a_text_in_their_language_and_the_inviter_an_email_in_theirs() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up(ADA, "free").await;
    let group = app.workgroup(&ada.token, "Kundenportal", true).await;
    let phone = "+14155550123";
    let pat = app.join(&ada.token, "extranet", Some(&group), phone).await;
    let (status, profile) = patch(
        &app,
        "/v1/network/profile",
        &pat.token,
        json!({"locale": "de"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    let end = app.clock.now() + Duration::days(5);
    set_end(&app, &ada.token, &pat.id, end).await;

    app.run_upkeep().await;
    let to_pat = reminders(&app, phone).await;
    assert_eq!(to_pat.len(), 1, "{to_pat:?}");
    let text = &to_pat[0].1;
    assert_eq!(
        text,
        &format!(
            "Ihr Zugang zu Account of {ADA} bei Extranet endet am {}. Für mehr Zeit fragen Sie \
             Ada Lovelace oder einen Administrator.",
            written(end)
        )
    );
    // Ada chose no language: her account's, English.
    let to_ada = reminders(&app, ADA).await;
    assert_eq!(to_ada.len(), 1, "{to_ada:?}");
    assert_eq!(
        to_ada[0].0,
        format!("The access of Pat {phone} ({phone}) ends within a week")
    );
}

#[tokio::test]
async fn an_inviter_no_longer_there_is_not_told_and_the_user_is_sent_to_an_administrator() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up(ADA, "free").await;
    let group = app.workgroup(&ada.token, "Client site", true).await;
    // Bob, an employee and administrator, invites Ann; then he leaves.
    let bob_phone = "+14155550160";
    let bob = app.join(&ada.token, "intranet", None, bob_phone).await;
    let (status, body) = app
        .json(
            Method::PATCH,
            &format!("/v1/users/{}", bob.id),
            &ada.token,
            Some(json!({"is_admin": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&bob.token),
            invite_body(&group, ANN),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, accepted) = app.accept(&app.email_token(ANN, 0).await).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    let ann = accepted["user"]["id"].as_str().unwrap();
    app.dismiss(&ada.token, &bob.id).await;

    let end = app.clock.now() + Duration::hours(20);
    set_end(&app, &ada.token, ann, end).await;
    app.run_upkeep().await;
    let to_ann = reminders(&app, ANN).await;
    // Within a day of the end: the 1-day reminder alone, never a 7-day one after it.
    assert_eq!(to_ann.len(), 1, "{to_ann:?}");
    assert!(to_ann[0].0.ends_with("ends within a day"), "{to_ann:?}");
    assert!(
        to_ann[0].1.contains(&format!(
            "ask an administrator of Account of {ADA} to extend it"
        )),
        "{to_ann:?}"
    );
    assert!(!to_ann[0].1.contains(bob_phone), "{to_ann:?}");
    assert_eq!(reminders(&app, bob_phone).await, []);
    assert_eq!(reminders(&app, ADA).await, []);
    app.run_upkeep().await;
    assert_eq!(reminders(&app, ANN).await.len(), 1);
}

#[tokio::test]
async fn two_upkeeps_at_once_send_each_reminder_once() {
    let app = TestApp::spawn().await;
    let (ada, ann) = ann_invited_by_ada(&app).await;
    set_end(&app, &ada.token, &ann, app.clock.now() + Duration::days(6)).await;
    tokio::join!(app.run_upkeep(), app.run_upkeep(), app.run_upkeep());
    assert_eq!(reminders(&app, ANN).await.len(), 1);
    assert_eq!(reminders(&app, ADA).await.len(), 1);
}

#[tokio::test]
async fn a_reminder_a_quota_held_back_is_sent_at_a_later_run_and_the_other_is_not_repeated() {
    // Three emails an hour for the account.
    let app = TestApp::spawn_with(|c| c.quota_email_per_hour = 3).await;
    app.at_the_start_of_an_hour();
    let (ada, ann) = ann_invited_by_ada(&app).await;
    set_end(&app, &ada.token, &ann, app.clock.now() + Duration::days(6)).await;
    // The hour's second email: one more leaves room for the user's reminder only.
    let group = app.workgroup(&ada.token, "Other", true).await;
    let (status, body) = json_of(
        app.post(
            "/v1/invitations",
            Some(&ada.token),
            invite_body(&group, "bea@client.example"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let held = |s: &Scrape| {
        s.get(
            "extranet_access_reminders_total",
            &[("outcome", "held_back"), ("reminder", "seven_days")],
        )
    };

    // The user's goes; the inviter's is held back, and again at the next run.
    app.run_upkeep().await;
    app.run_upkeep().await;
    assert_eq!(reminders(&app, ANN).await.len(), 1);
    assert_eq!(reminders(&app, ADA).await, []);
    assert_eq!(held(&scrape(&app).await), 2.0);

    // A new hour: the inviter's goes, and the user's is not sent again.
    app.clock.advance(Duration::hours(1));
    app.run_upkeep().await;
    app.run_upkeep().await;
    assert_eq!(reminders(&app, ANN).await.len(), 1);
    assert_eq!(reminders(&app, ADA).await.len(), 1);
    assert_eq!(held(&scrape(&app).await), 2.0);
}

#[tokio::test]
async fn an_end_given_at_invitation_is_reminded_of_after_acceptance() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up(ADA, "free").await;
    let group = app.workgroup(&ada.token, "Client site", true).await;
    let end = app.clock.now() + Duration::days(3);
    let mut body = invite_body(&group, ANN);
    body["access_expires_at"] = json!(end.to_rfc3339());
    let (status, created) =
        json_of(app.post("/v1/invitations", Some(&ada.token), body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    // Not yet a user: nobody to remind.
    app.run_upkeep().await;
    assert_eq!(reminders(&app, ANN).await, []);
    let (status, accepted) = app.accept(&app.email_token(ANN, 0).await).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    app.run_upkeep().await;
    let to_ann = reminders(&app, ANN).await;
    assert_eq!(to_ann.len(), 1, "{to_ann:?}");
    assert!(to_ann[0].1.contains(&written(end)), "{to_ann:?}");
    assert_eq!(reminders(&app, ADA).await.len(), 1);
}
