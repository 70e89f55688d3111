//! Who may do what to a workgroup and its members (rules 2–3): every role on every action, as
//! one table.

use crate::support::helpers::{Person, TestApp};
use crate::support::requests::owned_group;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The actions of the permissions table, each with the codes its refusals carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    ViewGroup,
    ListMembers,
    EditGroup,
    SwitchAllowExternalOff,
    AddMember,
    ChangeRole,
    RemoveMember,
    ListUsers,
    ViewUser,
    ListInvitations,
    ViewUsage,
}

impl Action {
    fn forbidden_code(self) -> &'static str {
        match self {
            Self::EditGroup
            | Self::SwitchAllowExternalOff
            | Self::ChangeRole
            | Self::RemoveMember => "workgroup_moderator_required",
            Self::AddMember => "workgroup_policy_forbids",
            _ => "intranet_user_required",
        }
    }

    fn expected_code(self, status: u16) -> Option<&'static str> {
        match status {
            401 => Some("invalid_token"),
            403 => Some(self.forbidden_code()),
            404 => Some("not_found"),
            409 => Some("workgroup_has_external_members"),
            _ => None,
        }
    }
}

/// Everyone of the table, in one account, around one extranet workgroup `G` whose invite
/// policy is `moderators`.
struct World {
    app: TestApp,
    admin: Person,
    group: String,
    /// Employee, not in `G`: the one added by "add member".
    newcomer: Person,
    /// Employee, member of `G`: the one whose role changes and who is removed.
    subject: Person,
    /// Employee, not in `G` and sharing no workgroup with external users: "view a user".
    loner: Person,
}

#[tokio::test]
async fn permissions_of_every_role_on_every_workgroup_action() {
    let app = TestApp::spawn().await;
    let signed = app.sign_up("ada@agency.example", "standard").await;
    let admin = Person {
        id: signed.user_id.clone(),
        token: signed.token.clone(),
    };
    let a = &admin.token;
    let owner = app.join(a, "intranet", None, "+14155550101").await;
    let g = owned_group(
        &app,
        &owner,
        json!({"name": "Client site", "kind": "project",
                        "allow_external": true, "invite_policy": "moderators"}),
    )
    .await;
    let other_group = app.workgroup(a, "Other client", true).await;

    let moderator = app.join(a, "intranet", None, "+14155550102").await;
    app.add_and_accept(&owner.token, &g, &moderator, "moderator")
        .await;
    let member = app.join(a, "intranet", None, "+14155550103").await;
    app.add_and_accept(&owner.token, &g, &member, "member")
        .await;
    let external = app.join(a, "extranet", Some(&g), "+14155550104").await;
    let non_member = app.join(a, "intranet", None, "+14155550105").await;
    let other_external = app
        .join(a, "extranet", Some(&other_group), "+14155550106")
        .await;
    let dismissed = app.join(a, "intranet", None, "+14155550107").await;
    app.add_and_accept(&owner.token, &g, &dismissed, "member")
        .await;
    let subject = app.join(a, "intranet", None, "+14155550108").await;
    app.add_and_accept(&owner.token, &g, &subject, "member")
        .await;
    let newcomer = app.join(a, "intranet", None, "+14155550109").await;
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/users/{}/dismiss", dismissed.id),
            a,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "dismissed");

    let world = World {
        app,
        admin,
        group: g,
        newcomer,
        subject,
        loner: non_member.clone(),
    };
    let roles: [(&str, &Person); 8] = [
        ("admin", &world.admin),
        ("owner", &owner),
        ("moderator", &moderator),
        ("intranet member", &member),
        ("extranet member", &external),
        ("intranet non-member", &non_member),
        ("extranet, other group", &other_external),
        ("dismissed", &dismissed),
    ];
    use Action::*;
    #[rustfmt::skip]
    let table: [(Action, [u16; 8]); 11] = [
        //                        admin owner  mod  member ext  non-mem other dismissed
        (ViewGroup,              [200,  200,  200,  200,  200,  200,  404,  401]),
        (ListMembers,            [200,  200,  200,  200,  200,  200,  404,  401]),
        (EditGroup,              [200,  200,  200,  403,  403,  403,  404,  401]),
        (SwitchAllowExternalOff, [409,  409,  409,  403,  403,  403,  404,  401]),
        (AddMember,              [201,  201,  201,  403,  403,  403,  404,  401]),
        (ChangeRole,             [200,  200,  200,  403,  403,  403,  404,  401]),
        (RemoveMember,           [204,  204,  204,  403,  403,  403,  404,  401]),
        (ListUsers,              [200,  200,  200,  200,  200,  200,  200,  401]),
        (ViewUser,               [200,  200,  200,  200,  404,  200,  404,  401]),
        (ListInvitations,        [200,  200,  200,  200,  403,  200,  403,  401]),
        (ViewUsage,              [200,  200,  200,  200,  403,  200,  403,  401]),
    ];
    let mut mismatches = Vec::new();
    for (action, expected) in table {
        for ((role, person), want) in roles.iter().zip(expected) {
            let (status, body) = world.attempt(action, person).await;
            let code = body["code"].as_str().map(str::to_owned);
            let want_code = action.expected_code(want);
            if status.as_u16() != want || code.as_deref() != want_code {
                mismatches.push(format!(
                    "{action:?} by {role}: expected {want} {want_code:?}, got {} {code:?} ({body})",
                    status.as_u16()
                ));
            }
            if status.is_success() {
                world.undo(action).await;
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

impl World {
    /// `person` attempts `action`; the status and body it got.
    async fn attempt(&self, action: Action, person: &Person) -> (StatusCode, Value) {
        let g = &self.group;
        let t = &person.token;
        let app = &self.app;
        let member_path = format!("/v1/workgroups/{g}/members/{}", self.subject.id);
        match action {
            Action::ViewGroup => {
                app.json(Method::GET, &format!("/v1/workgroups/{g}"), t, None)
                    .await
            }
            Action::ListMembers => {
                app.json(Method::GET, &format!("/v1/workgroups/{g}/members"), t, None)
                    .await
            }
            Action::EditGroup => {
                app.json(
                    Method::PATCH,
                    &format!("/v1/workgroups/{g}"),
                    t,
                    Some(json!({"description": "Edited"})),
                )
                .await
            }
            Action::SwitchAllowExternalOff => {
                app.json(
                    Method::PATCH,
                    &format!("/v1/workgroups/{g}"),
                    t,
                    Some(json!({"allow_external": false})),
                )
                .await
            }
            Action::AddMember => {
                app.json(
                    Method::POST,
                    &format!("/v1/workgroups/{g}/members"),
                    t,
                    Some(json!({"user_id": self.newcomer.id})),
                )
                .await
            }
            Action::ChangeRole => {
                app.json(
                    Method::PATCH,
                    &member_path,
                    t,
                    Some(json!({"role": "moderator"})),
                )
                .await
            }
            Action::RemoveMember => app.json(Method::DELETE, &member_path, t, None).await,
            Action::ListUsers => app.json(Method::GET, "/v1/users", t, None).await,
            Action::ViewUser => {
                app.json(
                    Method::GET,
                    &format!("/v1/users/{}", self.loner.id),
                    t,
                    None,
                )
                .await
            }
            Action::ListInvitations => app.json(Method::GET, "/v1/invitations", t, None).await,
            Action::ViewUsage => app.json(Method::GET, "/v1/account/usage", t, None).await,
        }
    }

    /// Puts back what a successful attempt changed, so that every row starts alike.
    async fn undo(&self, action: Action) {
        let g = &self.group;
        let a = &self.admin.token;
        let app = &self.app;
        let done = match action {
            Action::AddMember => {
                app.json(
                    Method::DELETE,
                    &format!("/v1/workgroups/{g}/members/{}", self.newcomer.id),
                    a,
                    None,
                )
                .await
            }
            Action::ChangeRole => {
                app.json(
                    Method::PATCH,
                    &format!("/v1/workgroups/{g}/members/{}", self.subject.id),
                    a,
                    Some(json!({"role": "member"})),
                )
                .await
            }
            Action::RemoveMember => {
                app.add_and_accept(a, g, &self.subject, "member").await;
                return;
            }
            _ => return,
        };
        assert!(done.0.is_success(), "undo {action:?}: {}", done.1);
    }
}
