// A small integrator's program, typed by the client generated from openapi.yaml
// (`api.d.ts`, made by ../typegen.mjs). `make test` compiles it with `tsc --strict`: the
// generated types must accept what the server accepts and say what it sends.
import { client } from "./typed-fetch";
import type { components } from "./api";

type Problem = components["schemas"]["Problem"];
type ProblemCode = Problem["code"];

const api = client("http://127.0.0.1:8080");

/** A problem's stable code, for a program to branch on. */
function codeOf(problem: Problem): ProblemCode {
  return problem.code;
}

export async function walkthrough(codeFromConsole: () => Promise<string>, tokenFromLink: () => Promise<string>) {
  // Sign up: a confirmation code goes to the admin's login.
  const started = await api("post", "/v1/accounts", {
    body: {
      name: "Acme Web Agency",
      plan: "basic",
      admin: { email: "ada@acme.example", password: "correct horse battery", first_name: "Ada", last_name: "Lovelace" },
    },
  });
  if (started.error) {
    const code: ProblemCode = codeOf(started.error);
    if (code === "login_taken") return;
    throw new Error(started.error.detail);
  }
  const confirmed = await api("post", "/v1/accounts/confirm", {
    body: { login: "ada@acme.example", code: await codeFromConsole() },
  });
  if (!confirmed.data) throw new Error(confirmed.error.detail);
  const bearer: "Bearer" = confirmed.data.token_type;
  const headers = { Authorization: `${bearer} ${confirmed.data.access_token}` };
  const accountId = confirmed.data.account.id;
  const adminId = confirmed.data.user.id;

  // Invite two people into a new extranet project, safe to retry with the same key.
  const invited = await api("post", "/v1/invitations", {
    headers: { ...headers, "Idempotency-Key": "walkthrough-1" },
    body: {
      type: "extranet",
      workgroup: { name: "Client website", kind: "project" },
      message: "Welcome aboard",
      invitees: [
        { email: "ann@client.example", first_name: "Ann", last_name: "Lee" },
        { phone: "+14155550101", first_name: "Bo", last_name: "Ng" },
      ],
    },
  });
  if (invited.error) {
    if (invited.error.code === "user_limit_reached") {
      console.log(`needed ${invited.error.needed ?? 0}, available ${invited.error.available ?? 0}`);
    }
    // Every problem of every row at once, each with its row's index.
    for (const field of invited.error.errors ?? []) console.log(field.index ?? "-", field.field, field.code, field.message);
    return;
  }
  const workgroupId = invited.data.workgroup?.id;
  for (const row of invited.data.results) {
    // The outcome says what a row carries.
    if (row.outcome === "invited") {
      const status:
        | "pending"
        | "awaiting_approval"
        | "accepted"
        | "declined"
        | "revoked"
        | "rejected"
        | "expired" = row.invitation.status;
      const delivery = row.invitation.delivery;
      // `delivery: "none"` answers the link to deliver; by default it is sent.
      console.log(row.index, row.invitation.id, status, delivery?.state ?? "not recorded", row.link ?? "sent");
      await api("post", "/v1/invitations/{id}/resend", { headers, params: { path: { id: row.invitation.id } } });
    } else if (row.outcome === "workgroup_invitation") {
      console.log(row.index, row.membership.user_id, row.membership.status);
    } else if (row.outcome === "already_invited") {
      console.log(row.index, "already invited:", row.invitation.id);
    } else {
      console.log(row.index, "skipped:", row.code, row.detail, row.invitation_id ?? "");
    }
  }
  if (workgroupId) {
    const group = await api("get", "/v1/workgroups/{id}", { headers, params: { path: { id: workgroupId } } });
    console.log(group.data?.allow_external, group.data?.description ?? "(no description)");
  }

  // The invitee's side: what the link shows, then accepting it.
  const token = await tokenFromLink();
  const shown = await api("post", "/v1/invitations/lookup", { body: { token } });
  if (shown.data) console.log(shown.data.account.name, shown.data.workgroup?.name, shown.data.profile_exists);
  const accepted = await api("post", "/v1/invitations/accept", {
    body: { token, password: "another good password", first_name: "Ann" },
  });
  if (accepted.error) {
    const code: ProblemCode = accepted.error.code;
    if (code === "invitation_expired" || code === "not_found") console.log("ask for a new link");
    return;
  }
  const external = accepted.data.user;
  const type: "extranet" | "intranet" = external.type;
  console.log(type, external.id, external.email ?? external.phone);

  // The caller: a user of an account (kind "user") or a network profile (kind "profile").
  const me = await api("get", "/v1/me", { headers: { Authorization: `Bearer ${accepted.data.access_token}` } });
  if (me.data?.kind === "user") console.log(me.data.id, me.data.is_admin);
  if (me.data?.kind === "profile") console.log(me.data.accounts.length);

  // Lists: cursor pages.
  const users = await api("get", "/v1/users", { headers, params: { query: { type: "extranet", limit: 50 } } });
  const next: string | null | undefined = users.data?.next_cursor;
  console.log(users.data?.items.map((u) => u.id), next);
  await api("get", "/v1/users/{id}", { headers, params: { path: { id: adminId } } });
  await api("put", "/v1/account/plan", { headers, body: { plan: "standard" } });
  await api("patch", "/v1/account", { headers, body: { external_domains: { allow: ["client.example"] } } });
  await api("patch", "/v1/account", { headers, body: { external_domains: { deny: ["rival.example"] } } });
  console.log(accountId);
}

/** Logs in. With two-step authentication on, the password is answered 202 with a challenge and
 *  no token: the challenge goes back with the authenticator app's code (or a recovery code). */
export async function logIn(login: string, password: string, codeFromApp: () => Promise<string>) {
  const first = await api("post", "/v1/auth/login", { body: { login, password } });
  if (first.error) {
    const code: ProblemCode = first.error.code;
    throw new Error(code === "rate_limited" ? "wait, then try again" : first.error.detail);
  }
  if (!("challenge" in first.data)) return first.data;
  const { challenge, expires_in } = first.data;
  console.log(`a second factor is asked; the challenge lasts ${expires_in} s`);
  const second = await api("post", "/v1/auth/login/second-factor", { body: { challenge, code: await codeFromApp() } });
  if (second.error) {
    if (second.error.code === "invalid_code") throw new Error("that code is not right, or was used already");
    throw new Error(second.error.detail);
  }
  const pair: { access_token: string; two_factor_enrollment_required: boolean } = second.data;
  return pair;
}
