use super::*;
use crate::ids::{AccountId, IdentityId};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap()
}

fn user(user_type: UserType, is_admin: bool) -> AccountUser {
    AccountUser::as_recorded(
        IdentityId(Uuid::now_v7()),
        AccountId(Uuid::now_v7()),
        UserId(Uuid::now_v7()),
        user_type,
        is_admin,
    )
}

fn group() -> ReviewScope {
    ReviewScope::Workgroup(WorkgroupId(Uuid::now_v7()))
}

fn role(role: Option<Role>) -> Standing {
    Standing { role }
}

fn review(scope: ReviewScope, on_no_answer: ReviewDecision) -> ReviewFacts {
    ReviewFacts {
        id: AccessReviewId(Uuid::now_v7()),
        scope,
        status: ReviewStatus::Open,
        due_at: now() + Duration::days(7),
        on_no_answer,
        every_days: None,
    }
}

fn request(due_at: DateTime<Utc>, every_days: Option<i64>) -> NewReviewRequest {
    NewReviewRequest {
        workgroup_id: None,
        due_at,
        on_no_answer: ReviewDecision::Remove,
        every_days,
    }
}

fn codes(e: DomainError) -> Vec<(String, &'static str)> {
    e.field_errors()
        .iter()
        .map(|f| (f.field.clone(), f.code))
        .collect()
}

#[test]
fn a_review_is_due_ahead_within_a_year_and_recurs_within_one() {
    let ok = NewReview::parse(request(now() + Duration::days(30), Some(90)), now()).unwrap();
    assert_eq!(ok.scope, ReviewScope::Account);
    assert_eq!(ok.every_days, Some(90));
    let bounds = NewReview::parse(
        request(now() + Duration::days(i64::from(MAX_DUE_DAYS)), Some(365)),
        now(),
    );
    assert!(bounds.is_ok());
    let past = NewReview::parse(request(now(), Some(0)), now()).unwrap_err();
    assert_eq!(
        codes(past),
        vec![
            ("due_at".to_owned(), "not_in_the_future"),
            ("every_days".to_owned(), "out_of_range")
        ]
    );
    let far = NewReview::parse(request(now() + Duration::days(366), Some(366)), now()).unwrap_err();
    assert_eq!(
        codes(far),
        vec![
            ("due_at".to_owned(), "out_of_range"),
            ("every_days".to_owned(), "out_of_range")
        ]
    );
    let negative = NewReview::parse(request(now() + Duration::days(1), Some(-1)), now());
    assert_eq!(negative.unwrap_err().code(), "validation_failed");
}

#[test]
fn administrators_start_reviews_of_extranet_workgroups_one_open_at_a_time() {
    assert!(may_start_review(&user(UserType::Intranet, true)).is_ok());
    assert_eq!(
        may_start_review(&user(UserType::Intranet, false)),
        Err(DomainError::AdminRequired)
    );
    assert_eq!(
        may_start_review(&user(UserType::Extranet, false)),
        Err(DomainError::AdminRequired)
    );
    assert!(decide_start(None, None).is_ok());
    assert!(decide_start(Some(true), None).is_ok());
    assert_eq!(
        decide_start(Some(false), None),
        Err(DomainError::WorkgroupNotExtranet)
    );
    let open = AccessReviewId(Uuid::now_v7());
    assert_eq!(
        decide_start(Some(true), Some(open)).unwrap_err().code(),
        "access_review_open"
    );
}

#[test]
fn reviewers_are_the_workgroups_owner_and_moderators_and_administrators() {
    let admin = user(UserType::Intranet, true);
    let employee = user(UserType::Intranet, false);
    let external = user(UserType::Extranet, false);
    let wg = group();
    assert!(may_review(&admin, wg, role(None)).is_ok());
    assert!(may_review(&admin, ReviewScope::Account, role(None)).is_ok());
    for r in [Role::Owner, Role::Moderator] {
        assert!(may_review(&employee, wg, role(Some(r))).is_ok());
    }
    // Not a reviewer: the review is not visible, so it does not exist.
    let unseen = Err(DomainError::NotFound("access review"));
    assert_eq!(may_review(&employee, wg, role(Some(Role::Member))), unseen);
    assert_eq!(may_review(&employee, wg, role(None)), unseen);
    assert_eq!(
        may_review(&employee, ReviewScope::Account, role(Some(Role::Owner))),
        unseen
    );
    // External users are the reviewed, never reviewers, whatever their role.
    assert_eq!(
        may_review(&external, wg, role(Some(Role::Moderator))),
        Err(DomainError::IntranetUserRequired)
    );
    assert_eq!(listed_reviews(&admin), Ok(ListedReviews::All));
    assert_eq!(
        listed_reviews(&employee),
        Ok(ListedReviews::OfWorkgroupsModeratedBy(employee.user_id))
    );
    assert_eq!(
        listed_reviews(&external),
        Err(DomainError::IntranetUserRequired)
    );
}

#[test]
fn answers_change_until_the_due_instant_exactly() {
    let moderator = user(UserType::Intranet, false);
    let r = review(group(), ReviewDecision::Remove);
    let standing = role(Some(Role::Moderator));
    let just_before = r.due_at - Duration::milliseconds(1);
    assert!(decide_answer(&moderator, &r, standing, true, just_before).is_ok());
    assert_eq!(
        decide_answer(&moderator, &r, standing, true, r.due_at)
            .unwrap_err()
            .code(),
        "review_closed"
    );
    assert!(r.is_due(r.due_at));
    assert!(!r.is_due(just_before));
    assert_eq!(
        decide_answer(&moderator, &r, standing, false, now()),
        Err(DomainError::NotFound("access review item"))
    );
    // Who may answer is told before anything about the review.
    assert_eq!(
        decide_answer(&moderator, &r, role(Some(Role::Member)), false, r.due_at),
        Err(DomainError::NotFound("access review"))
    );
    for status in [ReviewStatus::Applied, ReviewStatus::Cancelled] {
        let closed = ReviewFacts { status, ..r };
        assert_eq!(
            decide_answer(&moderator, &closed, standing, true, now())
                .unwrap_err()
                .code(),
            "review_closed"
        );
        assert!(!closed.is_due(r.due_at));
    }
}

#[test]
fn administrators_cancel_an_open_review_before_it_is_due() {
    let admin = user(UserType::Intranet, true);
    let moderator = user(UserType::Intranet, false);
    let r = review(group(), ReviewDecision::Keep);
    assert_eq!(
        decide_cancel(&admin, &r, role(None), now()),
        Ok(Cancel::Now)
    );
    assert_eq!(
        decide_cancel(&moderator, &r, role(Some(Role::Owner)), now()),
        Err(DomainError::AdminRequired)
    );
    let cancelled = ReviewFacts {
        status: ReviewStatus::Cancelled,
        ..r
    };
    assert_eq!(
        decide_cancel(&admin, &cancelled, role(None), r.due_at),
        Ok(Cancel::Already)
    );
    assert_eq!(
        decide_cancel(&admin, &r, role(None), r.due_at)
            .unwrap_err()
            .code(),
        "review_closed"
    );
}

fn item(decision: Option<ReviewDecision>, in_scope: u32, elsewhere: u32) -> ItemFacts {
    ItemFacts {
        decision,
        user_type: UserType::Extranet,
        status: UserStatus::Active,
        in_scope,
        active_elsewhere: elsewhere,
    }
}

#[test]
fn removal_leaves_the_workgroup_and_the_last_one_left_dismisses() {
    use ReviewDecision::{Keep, Remove};
    let remove_by_default = review(group(), Remove);
    let kept = decide_item(&remove_by_default, &item(Some(Keep), 1, 0));
    assert_eq!(
        (kept.outcome, kept.leaves, kept.dismissal),
        (ReviewOutcome::Kept, false, None)
    );
    let removed = decide_item(&remove_by_default, &item(Some(Remove), 1, 2));
    assert_eq!(
        (removed.outcome, removed.leaves, removed.dismissal),
        (ReviewOutcome::Removed, true, None)
    );
    let unanswered = decide_item(&remove_by_default, &item(None, 1, 0));
    assert_eq!(unanswered.outcome, ReviewOutcome::Dismissed);
    assert!(unanswered.leaves);
    assert_eq!(
        unanswered.dismissal,
        Some(SeatChange {
            active_extranet: -1,
            ..SeatChange::default()
        })
    );
    let keep_by_default = review(group(), Keep);
    assert_eq!(
        decide_item(&keep_by_default, &item(None, 1, 0)).outcome,
        ReviewOutcome::Kept
    );
    assert_eq!(
        decide_item(&keep_by_default, &item(Some(Remove), 1, 0)).outcome,
        ReviewOutcome::Dismissed
    );
}

#[test]
fn an_account_wide_removal_takes_every_workgroup_and_dismisses() {
    let r = review(ReviewScope::Account, ReviewDecision::Remove);
    for (in_scope, elsewhere) in [(0, 0), (3, 0)] {
        let applied = decide_item(&r, &item(None, in_scope, elsewhere));
        assert_eq!(applied.outcome, ReviewOutcome::Dismissed);
        assert!(applied.leaves);
        assert!(applied.dismissal.is_some());
    }
    assert_eq!(
        decide_item(&r, &item(Some(ReviewDecision::Keep), 2, 0)).outcome,
        ReviewOutcome::Kept
    );
}

#[test]
fn someone_no_longer_in_scope_is_left_as_they_are() {
    let r = review(group(), ReviewDecision::Remove);
    let gone = [
        item(None, 0, 1),
        ItemFacts {
            status: UserStatus::Dismissed,
            ..item(None, 1, 0)
        },
        ItemFacts {
            user_type: UserType::Intranet,
            ..item(None, 1, 0)
        },
    ];
    for i in gone {
        let applied = decide_item(&r, &i);
        assert_eq!(
            (applied.outcome, applied.leaves, applied.dismissal),
            (ReviewOutcome::Unchanged, false, None),
            "{i:?}"
        );
    }
}

#[test]
fn a_recurring_review_follows_its_period_without_making_up_missed_ones() {
    let r = ReviewFacts {
        every_days: Some(30),
        ..review(group(), ReviewDecision::Keep)
    };
    let at_due = r.due_at;
    assert_eq!(
        next_due(&r, Some(true), at_due),
        Some(at_due + Duration::days(30))
    );
    assert_eq!(
        next_due(&r, None, at_due + Duration::days(75)),
        Some(at_due + Duration::days(90))
    );
    assert_eq!(
        next_due(&r, Some(true), at_due + Duration::days(30)),
        Some(at_due + Duration::days(60))
    );
    assert_eq!(next_due(&r, Some(false), at_due), None);
    assert_eq!(
        next_due(&review(group(), ReviewDecision::Keep), Some(true), at_due),
        None
    );
}
