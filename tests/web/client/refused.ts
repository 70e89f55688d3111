// Requests the server refuses: the generated types refuse them too. `make test` compiles this
// file with `tsc --strict`; every `@ts-expect-error` must meet an error, or the build fails.
import { client } from "./typed-fetch";
import type { components } from "./api";

type UserId = components["schemas"]["UserView"]["id"];
type InvitationId = components["schemas"]["InvitationView"]["id"];

const api = client("http://127.0.0.1:8080");
const headers = { Authorization: "Bearer x" };

export async function refused(invitationId: InvitationId, userId: UserId, workgroupId: components["schemas"]["WorkgroupView"]["id"]) {
  const ann = { first_name: "Ann", last_name: "Lee" };

  // 1. Both an existing workgroup and a new one.
  // @ts-expect-error workgroup_id and workgroup are exclusive
  await api("post", "/v1/invitations", { headers, body: { type: "extranet", workgroup_id: workgroupId, workgroup: { name: "New" }, invitees: [{ email: "ann@client.example", ...ann }] } });

  // 2. An invitee with neither email nor phone.
  // @ts-expect-error an invitee needs exactly one of email and phone
  await api("post", "/v1/invitations", { headers, body: { type: "extranet", workgroup_id: workgroupId, invitees: [{ ...ann }] } });

  // 3. An invitee with both.
  // @ts-expect-error an invitee needs exactly one of email and phone
  await api("post", "/v1/invitations", { headers, body: { type: "extranet", workgroup_id: workgroupId, invitees: [{ email: "ann@client.example", phone: "+14155550101", ...ann }] } });

  // 4. No invitee at all.
  // @ts-expect-error 1 to 100 invitees
  await api("post", "/v1/invitations", { headers, body: { type: "extranet", workgroup_id: workgroupId, invitees: [] } });

  // 4b. A way of handling conflicts, or of delivering, the server does not know.
  // @ts-expect-error on_conflict is refuse or skip
  await api("post", "/v1/invitations", { headers, body: { type: "extranet", workgroup_id: workgroupId, on_conflict: "ignore", invitees: [{ email: "ann@client.example", ...ann }] } });
  // @ts-expect-error delivery is send or none
  await api("post", "/v1/invitations", { headers, body: { type: "extranet", workgroup_id: workgroupId, delivery: "whatsapp", invitees: [{ email: "ann@client.example", ...ann }] } });

  // 5. A plan that does not exist.
  // @ts-expect-error plans are free, basic, standard, professional, enterprise
  await api("put", "/v1/account/plan", { headers, body: { plan: "platinum" } });

  // 6. A page larger than the server gives.
  // @ts-expect-error limit is 1 to 200
  await api("get", "/v1/users", { headers, params: { query: { limit: 500 } } });

  // 7. A page of nothing.
  // @ts-expect-error limit is 1 to 200
  await api("get", "/v1/invitations", { headers, params: { query: { limit: 0 } } });

  // 8. An invitation's id where a user's goes.
  // @ts-expect-error ids are not interchangeable
  await api("get", "/v1/users/{id}", { headers, params: { path: { id: invitationId } } });

  // 9. A user's id where an invitation's goes.
  // @ts-expect-error ids are not interchangeable
  await api("post", "/v1/invitations/{id}/revoke", { headers, params: { path: { id: userId } } });

  // 10. Allowed and denied domains at once.
  // @ts-expect-error external_domains is allow or deny, not both
  await api("patch", "/v1/account", { headers, body: { external_domains: { allow: ["a.example"], deny: ["b.example"] } } });

  // 11. A user's type written directly.
  // @ts-expect-error a user's type is never written: transfer-to-intranet
  await api("patch", "/v1/users/{id}", { headers, params: { path: { id: userId } }, body: { type: "intranet" } });

  // 12. An invitation of a kind that does not exist.
  // @ts-expect-error type is extranet or intranet
  await api("post", "/v1/invitations", { headers, body: { type: "guest", workgroup_id: workgroupId, invitees: [{ email: "ann@client.example", ...ann }] } });

  // 13. A sign-up whose admin has both logins.
  // @ts-expect-error the admin's login is an email or a phone
  await api("post", "/v1/accounts", { body: { name: "Acme", admin: { email: "ada@acme.example", phone: "+14155550101", password: "correct horse battery", first_name: "Ada", last_name: "L" } } });

  // 14. A webhook for an event that does not exist.
  // @ts-expect-error events are the subscribable ones
  await api("post", "/v1/webhooks", { headers, body: { url: "https://hooks.example/x", events: ["invitation.exploded"] } });

  // 15. A workgroup of an unknown kind.
  // @ts-expect-error kind is group or project
  await api("post", "/v1/workgroups", { headers, body: { name: "Site", kind: "team" } });

  // 16. An account's id given to the server: never client-writable.
  // @ts-expect-error account_id is not a field of a workgroup change
  await api("patch", "/v1/workgroups/{id}", { headers, params: { path: { id: workgroupId } }, body: { account_id: "x" } });

  // 17. A login's answer taken for a token pair: with two-step authentication on it is a 202
  // challenge, which carries no token.
  const login = await api("post", "/v1/auth/login", { body: { login: "ada@acme.example", password: "correct horse battery" } });
  // @ts-expect-error the answer may be a challenge: narrow it first ("challenge" in data)
  if (login.data) console.log(login.data.access_token);
}
