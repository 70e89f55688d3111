//! Workgroup membership and visibility (rules 2–3): who may do what to a workgroup and its
//! members, membership invitations, roles, and what external users see.

use crate::helpers::{assert_problem, assert_refused, json_of, Person, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn members(page: &Value) -> Vec<(String, String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user_id"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn ids(page: &Value, key: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.pointer(key).and_then(Value::as_str).unwrap().to_owned())
        .collect()
}

/// Creates the workgroup `body` describes, with `owner` as its owner; returns its id.
async fn owned_group(app: &TestApp, owner: &Person, body: Value) -> String {
    let (status, group) = app
        .json(Method::POST, "/v1/workgroups", &owner.token, Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    group["id"].as_str().unwrap().to_owned()
}

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

#[tokio::test]
async fn an_external_user_joins_a_second_extranet_group_by_membership_invitation() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "basic").await;
    let first = app
        .workgroup(&admin.token, "First client project", true)
        .await;
    let second = app
        .workgroup(&admin.token, "Second client project", true)
        .await;
    let phone = "+14155550101";
    let external = app
        .join(&admin.token, "extranet", Some(&first), phone)
        .await;
    let usage_before = app.seats(&admin.token).await;

    let (status, added) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{second}/members"),
            &admin.token,
            Some(json!({"user_id": external.id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(
        (&added["user_id"], &added["role"], &added["status"]),
        (&json!(external.id), &json!("member"), &json!("invited"))
    );
    assert_eq!(added["user"]["type"], "extranet");
    // The person is told, on the channel of its login; no seat is taken by an existing user.
    let texts = app.sms.wait_for(phone, 2).await;
    assert!(
        texts[1]["text"]
            .as_str()
            .unwrap()
            .contains("Second client project"),
        "{texts:?}"
    );
    assert_eq!(app.seats(&admin.token).await, usage_before);

    // Not a member yet: the group stays out of sight, the invitation is in its list.
    assert_problem(
        app.get(&format!("/v1/workgroups/{second}"), &external.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let (status, invitations) = app
        .json(
            Method::GET,
            "/v1/me/workgroup-invitations",
            &external.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&invitations, "/workgroup/id"), [second.as_str()]);
    let invitation = &invitations["items"][0];
    assert_eq!(invitation["workgroup"]["name"], "Second client project");
    assert_eq!(invitation["role"], "member");
    assert_eq!(invitation["invited_by"], json!(admin.user_id));
    assert_eq!(invitation["inviter_name"], "Ada Lovelace");
    assert_eq!(invitations["next_cursor"], Value::Null);

    // A pending external membership keeps the group extranet.
    let switch_off = || {
        let (app, path) = (&app, format!("/v1/workgroups/{second}"));
        let token = admin.token.clone();
        async move {
            app.call(
                Method::PATCH,
                &path,
                Some(&token),
                Some(json!({"allow_external": false})),
            )
            .await
        }
    };
    let problem = assert_problem(
        switch_off().await,
        StatusCode::CONFLICT,
        "workgroup_has_external_members",
    )
    .await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("1 external invitation"));

    let (status, accepted) = app
        .json(
            Method::POST,
            &format!("/v1/me/workgroup-invitations/{second}/accept"),
            &external.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "active");
    let (_, invitations) = app
        .json(
            Method::GET,
            "/v1/me/workgroup-invitations",
            &external.token,
            None,
        )
        .await;
    assert_eq!(invitations["items"], json!([]));
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{second}"),
            &external.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = app
        .json(Method::GET, "/v1/workgroups", &external.token, None)
        .await;
    assert_eq!(ids(&mine, "/id"), [second.clone(), first.clone()]);
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{second}/members?status=active"),
            &admin.token,
            None,
        )
        .await;
    assert!(members(&list).contains(&(external.id.clone(), "member".into(), "active".into())));

    let problem = assert_problem(
        switch_off().await,
        StatusCode::CONFLICT,
        "workgroup_has_external_members",
    )
    .await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("1 external member"));
    // Answered once: there is nothing left to accept.
    assert_problem(
        app.post(
            &format!("/v1/me/workgroup-invitations/{second}/accept"),
            Some(&external.token),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.assert_audited(&["membership.invited", "membership.accepted"]);
}

#[tokio::test]
async fn invite_policies_decide_who_adds_members() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let a = &admin.token;
    let owner = app.join(a, "intranet", None, "+14155550101").await;
    let moderator = app.join(a, "intranet", None, "+14155550102").await;
    let member = app.join(a, "intranet", None, "+14155550103").await;
    let candidate = app.join(a, "intranet", None, "+14155550104").await;
    let g = owned_group(&app, &owner, json!({"name": "Team", "kind": "group"})).await;
    app.add_and_accept(&owner.token, &g, &moderator, "moderator")
        .await;
    app.add_and_accept(&owner.token, &g, &member, "member")
        .await;

    let add = |by: String| {
        let (app, g, candidate) = (&app, &g, &candidate);
        async move {
            app.json(
                Method::POST,
                &format!("/v1/workgroups/{g}/members"),
                &by,
                Some(json!({"user_id": candidate.id})),
            )
            .await
        }
    };
    let withdraw = || {
        let (app, path) = (&app, format!("/v1/workgroups/{g}/members/{}", candidate.id));
        let token = owner.token.clone();
        async move { app.json(Method::DELETE, &path, &token, None).await }
    };
    // (policy, who, allowed): Bitrix24's K, E and A.
    let cases = [
        ("members", &member, true),
        ("moderators", &member, false),
        ("moderators", &moderator, true),
        ("owner", &moderator, false),
        ("owner", &owner, true),
    ];
    for (policy, who, allowed) in cases {
        let (status, body) = app
            .json(
                Method::PATCH,
                &format!("/v1/workgroups/{g}"),
                &owner.token,
                Some(json!({"invite_policy": policy})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = add(who.token.clone()).await;
        if allowed {
            assert_eq!(status, StatusCode::CREATED, "{policy}: {body}");
            assert_eq!(withdraw().await.0, StatusCode::NO_CONTENT);
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{policy}: {body}");
            assert_eq!(body["code"], "workgroup_policy_forbids");
            assert!(body["detail"].as_str().unwrap().contains(policy));
        }
    }
    // Bitrix24's quirk does not exist here: where only moderators may add people, a plain
    // member cannot bring a new person into the group by inviting them to the account either,
    // and nothing is created.
    app.json(
        Method::PATCH,
        "/v1/account",
        a,
        Some(json!({"who_can_invite": "employees"})),
    )
    .await;
    app.json(
        Method::PATCH,
        &format!("/v1/workgroups/{g}"),
        &owner.token,
        Some(json!({"invite_policy": "moderators"})),
    )
    .await;
    let usage = app.usage(a).await;
    let (status, body) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &member.token,
            Some(json!({"type": "intranet", "workgroup_id": g,
                        "invitees": [{"phone": "+14155550190", "first_name": "N", "last_name": "P"}]})),
        )
        .await;
    assert_refused(
        status,
        &body,
        StatusCode::FORBIDDEN,
        "workgroup_policy_forbids",
    );
    assert_eq!(app.usage(a).await, usage);
    let (_, invitations) = app
        .json(Method::GET, "/v1/invitations?q=4155550190", a, None)
        .await;
    assert_eq!(invitations["items"], json!([]));

    // Administrators always may, whatever the policy; the same person twice is a conflict.
    let (status, _) = add(a.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = add(a.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "membership_invitation_pending");
    // A plain member does not appoint moderators, even where members may add people.
    app.json(
        Method::PATCH,
        &format!("/v1/workgroups/{g}"),
        &owner.token,
        Some(json!({"invite_policy": "members"})),
    )
    .await;
    let newcomer = app.join(a, "intranet", None, "+14155550105").await;
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{g}/members"),
            &member.token,
            Some(json!({"user_id": newcomer.id, "role": "moderator"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], "workgroup_moderator_required");
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{g}/members"),
            &owner.token,
            Some(json!({"user_id": newcomer.id, "role": "owner"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "role");
    assert_eq!(body["errors"][0]["code"], "owner_by_transfer_only");
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{g}/members"),
            &owner.token,
            Some(json!({"user_id": "not-an-id"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "user_id");
}

#[tokio::test]
async fn external_users_only_join_extranet_groups_and_only_pick_users_they_see() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let a = &admin.token;
    let shared = app.workgroup(a, "Shared", true).await;
    let second = app.workgroup(a, "Second", true).await;
    let internal = app.workgroup(a, "Internal", false).await;
    let external = app.join(a, "extranet", Some(&shared), "+14155550101").await;
    app.add_and_accept(a, &second, &external, "member").await;
    let colleague = app.join(a, "intranet", None, "+14155550102").await;
    app.add_and_accept(a, &shared, &colleague, "member").await;
    let stranger = app.join(a, "intranet", None, "+14155550103").await;

    // An external user into an intranet group: refused, and nothing is written.
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{internal}/members"),
            a,
            Some(json!({"user_id": external.id})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "workgroup_not_extranet");
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{internal}/members"),
            a,
            None,
        )
        .await;
    assert_eq!(members(&list).len(), 1);

    // The external member (policy `members`) adds a colleague it shares a group with…
    let add = |group: &str, user: &Person| {
        let (app, path) = (&app, format!("/v1/workgroups/{group}/members"));
        let (token, body) = (external.token.clone(), json!({"user_id": user.id}));
        async move { app.json(Method::POST, &path, &token, Some(body)).await }
    };
    let (status, body) = add(&second, &colleague).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "invited");
    // …but not someone it cannot see, nor into a group it is not in: both do not exist for it.
    let (status, body) = add(&second, &stranger).await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(body["detail"], "user not found");
    let (status, body) = add(&internal, &colleague).await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(body["detail"], "workgroup not found");
    // It never invites new people into the account.
    let (status, body) = app
        .json(
            Method::POST,
            "/v1/invitations",
            &external.token,
            Some(json!({"type": "extranet", "workgroup_id": second,
                        "invitees": [{"phone": "+14155550199", "first_name": "N", "last_name": "P"}]})),
        )
        .await;
    assert_refused(
        status,
        &body,
        StatusCode::FORBIDDEN,
        "extranet_user_cannot_invite",
    );

    // What it sees: its groups' active members and itself; pending invitations stay hidden.
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{second}/members"),
            &external.token,
            None,
        )
        .await;
    assert!(members(&list)
        .iter()
        .all(|(_, _, status)| status == "active"));
    assert!(!members(&list).iter().any(|(id, _, _)| *id == colleague.id));
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{second}/members"),
            a,
            None,
        )
        .await;
    assert!(members(&list).contains(&(colleague.id.clone(), "member".into(), "invited".into())));
    let (_, users) = app
        .json(Method::GET, "/v1/users", &external.token, None)
        .await;
    let mut seen = ids(&users, "/id");
    seen.sort();
    let mut expected = vec![
        admin.user_id.clone(),
        external.id.clone(),
        colleague.id.clone(),
    ];
    expected.sort();
    assert_eq!(seen, expected);
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/v1/users/{}", stranger.id),
            &external.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn roles_change_and_the_owner_hands_over_before_leaving() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let a = &admin.token;
    let owner = app.join(a, "intranet", None, "+14155550101").await;
    let moderator = app.join(a, "intranet", None, "+14155550102").await;
    let heir = app.join(a, "intranet", None, "+14155550103").await;
    let g = owned_group(
        &app,
        &owner,
        json!({"name": "Team", "kind": "group", "allow_external": true}),
    )
    .await;
    let external = app.join(a, "extranet", Some(&g), "+14155550104").await;
    app.add_and_accept(&owner.token, &g, &moderator, "moderator")
        .await;
    app.add_and_accept(&owner.token, &g, &heir, "member").await;
    let member = |user: &Person| format!("/v1/workgroups/{g}/members/{}", user.id);
    let patch = |by: &str, user: &Person, role: &str| {
        let (app, path) = (&app, member(user));
        let (token, body) = (by.to_owned(), json!({"role": role}));
        async move { app.json(Method::PATCH, &path, &token, Some(body)).await }
    };

    // The owner is not demoted nor removed until someone else owns the group.
    let (status, body) = patch(&moderator.token, &owner, "member").await;
    assert_refused(
        status,
        &body,
        StatusCode::CONFLICT,
        "owner_must_be_replaced",
    );
    let (status, body) = app.json(Method::DELETE, &member(&owner), a, None).await;
    assert_refused(
        status,
        &body,
        StatusCode::CONFLICT,
        "owner_must_be_replaced",
    );
    // Moderators change roles, but only the owner or an admin hands ownership over…
    let (status, body) = patch(&moderator.token, &heir, "moderator").await;
    assert_eq!(
        (status, &body["role"]),
        (StatusCode::OK, &json!("moderator"))
    );
    let (status, body) = patch(&moderator.token, &heir, "owner").await;
    assert_refused(
        status,
        &body,
        StatusCode::FORBIDDEN,
        "workgroup_owner_required",
    );
    // …to an active employee.
    let (status, body) = patch(&owner.token, &external, "owner").await;
    assert_refused(
        status,
        &body,
        StatusCode::CONFLICT,
        "owner_must_be_employee",
    );
    let (status, body) = patch(&owner.token, &heir, "owner").await;
    assert_eq!(
        (status, &body["role"]),
        (StatusCode::OK, &json!("owner")),
        "{body}"
    );
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}/members?role=owner"),
            a,
            None,
        )
        .await;
    assert_eq!(
        members(&list),
        [(heir.id.clone(), "owner".into(), "active".into())]
    );
    let (_, list) = app
        .json(Method::GET, &format!("/v1/workgroups/{g}/members"), a, None)
        .await;
    assert!(members(&list).contains(&(owner.id.clone(), "moderator".into(), "active".into())));

    // The former owner may now leave; a member may leave; a plain member removes nobody.
    let (status, body) = app
        .json(Method::DELETE, &member(&external), &external.token, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = app
        .json(Method::DELETE, &member(&owner), &owner.token, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}"),
            &external.token,
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "it left: the group is out of its sight"
    );
    let (status, body) = app.json(Method::DELETE, &member(&owner), a, None).await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(body["detail"], "member not found");
    app.assert_audited(&[
        "membership.role_changed",
        "workgroup.owner_changed",
        "membership.left",
    ]);
}

#[tokio::test]
async fn membership_invitations_are_declined_withdrawn_and_asked_again() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let a = &admin.token;
    let person = app.join(a, "intranet", None, "+14155550101").await;
    let groups = [
        app.workgroup(a, "One", false).await,
        app.workgroup(a, "Two", false).await,
        app.workgroup(a, "Three", false).await,
    ];
    for g in &groups {
        let (status, body) = app
            .json(
                Method::POST,
                &format!("/v1/workgroups/{g}/members"),
                a,
                Some(json!({"user_id": person.id})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Pages of two, newest group first, every invitation once.
    let mut seen = Vec::new();
    let mut path = "/v1/me/workgroup-invitations?limit=2".to_owned();
    loop {
        let (status, page) = app.json(Method::GET, &path, &person.token, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page["items"].as_array().unwrap().len() <= 2);
        seen.extend(ids(&page, "/workgroup/id"));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/me/workgroup-invitations?limit=2&cursor={c}"),
            None => break,
        }
    }
    let mut newest_first = groups.to_vec();
    newest_first.reverse();
    assert_eq!(seen, newest_first);

    let answer = |g: &str, what: &str| {
        let (app, path) = (&app, format!("/v1/me/workgroup-invitations/{g}/{what}"));
        let token = person.token.clone();
        async move { app.json(Method::POST, &path, &token, None).await }
    };
    // Declined: gone from both lists, and it may be asked again.
    assert_eq!(
        answer(&groups[0], "decline").await.0,
        StatusCode::NO_CONTENT
    );
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{}/members", groups[0]),
            a,
            None,
        )
        .await;
    assert!(!members(&list).iter().any(|(id, _, _)| *id == person.id));
    let (status, _) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{}/members", groups[0]),
            a,
            Some(json!({"user_id": person.id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Withdrawn by an admin: nothing left to answer.
    let (status, _) = app
        .json(
            Method::DELETE,
            &format!("/v1/workgroups/{}/members/{}", groups[1], person.id),
            a,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = answer(&groups[1], "accept").await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    // Someone else's invitation is not the caller's to answer.
    let (status, _) = app
        .json(
            Method::POST,
            &format!("/v1/me/workgroup-invitations/{}/accept", groups[2]),
            a,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(answer(&groups[2], "accept").await.0, StatusCode::OK);
    // An admin adding itself to a group joins at once.
    let own = app.workgroup(&person.token, "Person's", false).await;
    let (status, body) = app
        .json(
            Method::POST,
            &format!("/v1/workgroups/{own}/members"),
            a,
            Some(json!({"user_id": admin.user_id})),
        )
        .await;
    assert_eq!(
        (status, &body["status"]),
        (StatusCode::CREATED, &json!("active")),
        "{body}"
    );
    app.assert_audited(&[
        "membership.declined",
        "membership.invitation_withdrawn",
        "membership.accepted",
        "membership.joined",
    ]);
}

#[tokio::test]
async fn adding_a_member_is_idempotent_with_a_key() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let person = app
        .join(&admin.token, "intranet", None, "+14155550101")
        .await;
    let g = app.workgroup(&admin.token, "Team", false).await;
    let send = || {
        app.client
            .post(app.url(&format!("/v1/workgroups/{g}/members")))
            .bearer_auth(&admin.token)
            .header("Idempotency-Key", "add-person-1")
            .json(&json!({"user_id": person.id}))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = json_of(first).await.1;
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(json_of(again).await.1, first);
    let (_, list) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}/members?status=invited"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(members(&list).len(), 1);
    // One message to the person (after the invitation's), not two.
    app.sms.wait_for("+14155550101", 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let to_person = app
        .sms
        .inbox
        .all()
        .into_iter()
        .filter(|m| m["to"] == "+14155550101")
        .count();
    assert_eq!(to_person, 2);
}

#[tokio::test]
async fn members_lists_page_with_cursors_and_filters() {
    let app = TestApp::spawn().await;
    let admin = app.sign_up("ada@agency.example", "standard").await;
    let g = app.workgroup(&admin.token, "Team", false).await;
    let mut everyone = vec![admin.user_id.clone()];
    for n in 0..4 {
        let person = app
            .join(&admin.token, "intranet", None, &format!("+1415555020{n}"))
            .await;
        let (status, _) = app
            .json(
                Method::POST,
                &format!("/v1/workgroups/{g}/members"),
                &admin.token,
                Some(json!({"user_id": person.id})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        everyone.push(person.id);
    }
    let mut seen = Vec::new();
    let mut path = format!("/v1/workgroups/{g}/members?limit=2");
    loop {
        let (status, page) = app.json(Method::GET, &path, &admin.token, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(members(&page).into_iter().map(|m| m.0));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/workgroups/{g}/members?limit=2&cursor={c}"),
            None => break,
        }
    }
    everyone.sort();
    everyone.reverse();
    assert_eq!(seen, everyone, "newest user first, each once");
    let (_, invited) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}/members?status=invited"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(members(&invited).len(), 4);
    let (status, body) = app
        .json(
            Method::GET,
            &format!("/v1/workgroups/{g}/members?role=boss"),
            &admin.token,
            None,
        )
        .await;
    assert_refused(status, &body, StatusCode::BAD_REQUEST, "invalid_parameter");
}
