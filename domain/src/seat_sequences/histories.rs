//! Known histories: the model is not vacuous — each moves the counters as a person would
//! count them.

use super::{Account, Step};
use crate::enums::{InvitationStatus, UserStatus};

/// The model is not vacuous: a history that fills the account, accepts, dismisses, reinstates
/// and transfers moves the counters as a person would count them.
#[test]
fn a_known_history_moves_the_seats_as_expected() {
    let mut account = Account::new(4);
    account.run(&Step::Invite {
        people: vec![1, 2],
        extranet: true,
        skip: false,
        by_employee: false,
        ends_in: None,
    });
    account.run(&Step::Invite {
        people: vec![3],
        extranet: false,
        skip: false,
        by_employee: false,
        ends_in: None,
    });
    assert_eq!(account.counters.pending_invitations, 3);
    // Full: 1 admin + 3 pending.
    account.run(&Step::Invite {
        people: vec![4],
        extranet: true,
        skip: false,
        by_employee: false,
        ends_in: None,
    });
    assert_eq!(account.counters.used(), 4);
    account.run(&Step::Accept(0));
    assert_eq!(
        (
            account.counters.active_extranet,
            account.counters.pending_invitations
        ),
        (1, 2)
    );
    account.run(&Step::Dismiss(1));
    assert_eq!(account.users[1].status, UserStatus::Dismissed);
    assert_eq!(account.counters.used(), 3);
    account.run(&Step::Invite {
        people: vec![5],
        extranet: true,
        skip: true,
        by_employee: false,
        ends_in: None,
    });
    assert_eq!(account.counters.used(), 4);
    // No free seat to reinstate into.
    account.run(&Step::Reinstate(1));
    assert_eq!(account.users[1].status, UserStatus::Dismissed);
    // A lifetime passes: the three pending invitations expire and free their seats.
    account.run(&Step::Wait {
        minutes: 7 * 24 * 60 + 1,
    });
    assert_eq!(account.counters.used(), 1);
    account.run(&Step::Reinstate(1));
    account.run(&Step::Transfer(1));
    assert_eq!(
        (
            account.counters.active_intranet,
            account.counters.active_extranet
        ),
        (2, 0)
    );
    assert_eq!(account.counters, account.recount());
}

/// Held invitations hold their seats: an employee's batch waits, an approval keeps its seat,
/// a rejection frees it, and one that expired while it waited takes a seat again when
/// approved, if one is free.
#[test]
fn held_invitations_hold_their_seats_until_rejected_or_expired() {
    let mut account = Account::new(4);
    // person3 joins as an employee.
    account.run(&Step::Invite {
        people: vec![3],
        extranet: false,
        skip: false,
        by_employee: false,
        ends_in: None,
    });
    account.run(&Step::Accept(0));
    assert_eq!(account.counters.active_intranet, 2);
    account.run(&Step::Invite {
        people: vec![1, 2],
        extranet: true,
        skip: false,
        by_employee: true,
        ends_in: None,
    });
    let held = |a: &Account| {
        a.invitations
            .iter()
            .filter(|i| i.facts.status == InvitationStatus::AwaitingApproval)
            .count()
    };
    assert_eq!(held(&account), 2);
    assert_eq!(account.counters.used(), 4);
    // Full: nothing more fits, held or not.
    account.run(&Step::Invite {
        people: vec![4],
        extranet: true,
        skip: false,
        by_employee: false,
        ends_in: None,
    });
    assert_eq!(account.invitations.len(), 3);
    // Not accepted while held; approved, it is.
    account.run(&Step::Accept(1));
    assert_eq!(account.counters.active_extranet, 0);
    account.run(&Step::Approve(1));
    assert_eq!(
        account.invitations[1].facts.status,
        InvitationStatus::Pending
    );
    assert_eq!(account.counters.used(), 4);
    account.run(&Step::Reject(2));
    assert_eq!(
        account.invitations[2].facts.status,
        InvitationStatus::Rejected
    );
    assert_eq!(account.counters.used(), 3);
    // Another held one expires while it waits; its seat is free, and taken again on approval.
    account.run(&Step::Invite {
        people: vec![5],
        extranet: true,
        skip: false,
        by_employee: true,
        ends_in: None,
    });
    account.run(&Step::Wait {
        minutes: 7 * 24 * 60 + 1,
    });
    assert_eq!(
        account.invitations[3].facts.status,
        InvitationStatus::Expired
    );
    let before = account.counters.used();
    account.run(&Step::Approve(3));
    assert_eq!(
        account.invitations[3].facts.status,
        InvitationStatus::Pending
    );
    assert_eq!(account.counters.used(), before + 1);
    assert_eq!(account.counters, account.recount());
}

/// Issue #30: an end of access frees its seat when it comes; moved later, it waits; a
/// reinstatement after it takes the seat back with no end.
#[test]
fn an_end_of_access_frees_its_seat_when_it_comes() {
    let mut account = Account::new(3);
    account.run(&Step::Invite {
        people: vec![1, 2],
        extranet: true,
        skip: false,
        by_employee: false,
        ends_in: Some(3 * 24 * 60),
    });
    account.run(&Step::Accept(0));
    account.run(&Step::Accept(1));
    assert_eq!(account.counters.active_extranet, 2);
    assert!(account.users[1].access_expires_at.is_some());
    // Full: a third person cannot be invited.
    account.run(&Step::Invite {
        people: vec![3],
        extranet: true,
        skip: false,
        by_employee: false,
        ends_in: None,
    });
    assert_eq!(account.counters.pending_invitations, 0);
    // The first one's end is moved days later; the second one's is cleared.
    account.run(&Step::SetEnd {
        user: 1,
        minutes: Some(10 * 24 * 60),
    });
    account.run(&Step::SetEnd {
        user: 2,
        minutes: None,
    });
    account.run(&Step::Wait {
        minutes: 7 * 24 * 60 + 1,
    });
    assert_eq!(account.counters.active_extranet, 2, "neither end has come");
    account.run(&Step::SetEnd {
        user: 2,
        minutes: Some(1),
    });
    account.run(&Step::Wait { minutes: 2 });
    assert_eq!(account.users[2].status, UserStatus::Dismissed);
    assert_eq!(account.counters.active_extranet, 1);
    assert_eq!(account.counters, account.recount());
    account.run(&Step::Reinstate(2));
    assert_eq!(account.users[2].status, UserStatus::Active);
    assert_eq!(account.users[2].access_expires_at, None);
    assert_eq!(account.counters, account.recount());
}
