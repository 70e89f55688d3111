use super::*;
use crate::ids::UserId;
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap()
}

fn subject(user_type: UserType, status: UserStatus) -> Subject {
    Subject {
        user_id: UserId(Uuid::now_v7()),
        user_type,
        status,
        is_admin: false,
    }
}

#[test]
fn the_end_is_exact_to_the_instant() {
    let end = now();
    assert!(!has_ended(Some(end), end - Duration::milliseconds(1)));
    assert!(has_ended(Some(end), end));
    assert!(!has_ended(None, end + Duration::days(10_000)));
    assert_eq!(
        status_at(UserStatus::Active, Some(end), end),
        UserStatus::Dismissed
    );
    assert_eq!(
        status_at(UserStatus::Active, Some(end), end - Duration::seconds(1)),
        UserStatus::Active
    );
}

#[test]
fn an_end_must_be_ahead_and_within_the_maximum() {
    let field = "access_expires_at";
    assert_eq!(
        check_end(field, Some(now()), None, now()).unwrap_err().code,
        "not_in_the_future"
    );
    let day_30 = now() + Duration::days(30);
    assert_eq!(
        check_end(field, Some(day_30), Some(30), now()),
        Ok(Some(day_30))
    );
    let over = check_end(field, Some(day_30 + Duration::seconds(1)), Some(30), now()).unwrap_err();
    assert_eq!(over.code, "beyond_maximum");
    assert!(over.message.contains("30 days"), "{}", over.message);
    // Open-ended access passes no maximum.
    assert_eq!(
        check_end(field, None, Some(30), now()).unwrap_err().code,
        "required"
    );
    assert_eq!(check_end(field, None, None, now()), Ok(None));
    let far = now() + Duration::days(i64::from(MAX_ACCESS_DAYS) + 1);
    assert_eq!(
        check_end(field, Some(far), None, now()).unwrap_err().code,
        "out_of_range"
    );
}

#[test]
fn the_default_is_shortened_to_the_maximum() {
    assert_eq!(default_end(None, None, now()), None);
    assert_eq!(
        default_end(Some(90), None, now()),
        Some(now() + Duration::days(90))
    );
    assert_eq!(
        default_end(Some(90), Some(30), now()),
        Some(now() + Duration::days(30))
    );
    assert_eq!(
        default_end(None, Some(30), now()),
        Some(now() + Duration::days(30))
    );
    // A given end wins over the default, checked.
    let given = now() + Duration::days(3);
    assert_eq!(
        new_person_end("f", Some(given), Some(90), None, now()),
        Ok(Some(given))
    );
    assert_eq!(strictest([None, Some(40), Some(30)]), Some(30));
    assert_eq!(strictest([None, None]), None);
}

#[test]
fn days_are_one_to_ten_years() {
    assert_eq!(parse_days(1), Ok(1));
    assert_eq!(parse_days(3650), Ok(3650));
    assert!(parse_days(0).is_err());
    assert!(parse_days(3651).is_err());
    assert!(parse_days(-5).is_err());
}

#[test]
fn only_an_active_external_users_access_is_changed() {
    let later = Some(now() + Duration::days(10));
    let ext = subject(UserType::Extranet, UserStatus::Active);
    assert_eq!(decide_access_change(&ext, later, None, now()), Ok(later));
    assert_eq!(decide_access_change(&ext, None, None, now()), Ok(None));
    let emp = subject(UserType::Intranet, UserStatus::Active);
    assert!(matches!(
        decide_access_change(&emp, later, None, now()),
        Err(DomainError::Invalid(_))
    ));
    let gone = subject(UserType::Extranet, UserStatus::Dismissed);
    assert_eq!(
        decide_access_change(&gone, later, None, now()),
        Err(DomainError::AlreadyDismissed)
    );
}

#[test]
fn reinstating_after_the_end_needs_a_new_one_only_under_a_maximum() {
    let past = Some(now() - Duration::days(1));
    let ahead = Some(now() + Duration::days(5));
    let ext = UserType::Extranet;
    assert_eq!(reinstated_end(ext, past, None, None, now()), Ok(None));
    assert!(reinstated_end(ext, past, None, Some(30), now()).is_err());
    assert_eq!(reinstated_end(ext, past, ahead, Some(30), now()), Ok(ahead));
    assert_eq!(reinstated_end(ext, ahead, None, Some(30), now()), Ok(ahead));
    assert_eq!(
        reinstated_end(UserType::Intranet, None, None, Some(30), now()),
        Ok(None)
    );
    assert!(reinstated_end(UserType::Intranet, None, ahead, None, now()).is_err());
}

#[test]
fn the_sweep_frees_the_seat_once() {
    let end = Some(now());
    let ext = subject(UserType::Extranet, UserStatus::Active);
    assert_eq!(
        decide_access_expiry(&ext, end, now()),
        Some(SeatChange {
            active_extranet: -1,
            ..SeatChange::default()
        })
    );
    assert_eq!(
        decide_access_expiry(&ext, end, now() - Duration::seconds(1)),
        None
    );
    let gone = subject(UserType::Extranet, UserStatus::Dismissed);
    assert_eq!(decide_access_expiry(&gone, end, now()), None);
}
