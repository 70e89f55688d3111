#!/usr/bin/env python3
"""Spec fuzzing: schemathesis against the server and its own document (`make test-fuzz`).

Starts the debug `extranet` binary on a fresh SQLite file and a free port, creates real
fixtures through the API (an account, its admin's bearer token, an API token with every scope,
an extranet workgroup, invitations pending and accepted, an employee, webhooks, …), then runs
schemathesis twice, authenticated with the bearer token and with the API token: every check,
every phase (examples, coverage, fuzzing, stateful links). Each run gets a fresh server and its
own fixtures, so nothing one run consumes (an accepted invitation, a revoked token) is missing
from the other.

`hooks.py` records each operation's statuses; an operation counts as *reached* when some
answer was not 401, 403 or 404, i.e. the request got past authentication, authorisation and
the lookup of its ids. The run fails on any schemathesis failure and names every operation
never reached. Operations that destroy what the run depends on get throwaway ids of their own
(see `OPERATIONS` below), so they are reached too.

Usage: tests/fuzz/run.py [--bin PATH] [--only bearer|api_token] [--max-examples N]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PASSWORD = "correct horse battery"
SCOPES = [
    "invitations:read", "invitations:write", "users:read", "users:write", "users:export",
    "workgroups:read", "workgroups:write", "account:read", "account:write",
    "audit:read", "webhooks:write",
]


def free_port() -> int:
    """A port nothing listens on now, outside the kernel's ephemeral range (from which outgoing
    connections take their local ports, and so could take this one before the server binds
    it)."""
    import random
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    start, end = (10000, low) if low > 11000 else (high + 1, 65535)
    for _ in range(1000):
        port = random.randrange(start, end)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver(BaseHTTPRequestHandler):
    """A webhook receiver on loopback that answers 204 to every delivery."""

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Server:
    """The server under test: its own directory, database, port and console."""

    def __init__(self, binary: Path):
        self.dir = Path(tempfile.mkdtemp(prefix="extranet-fuzz-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.console = self.dir / "console.log"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", ""),
            "EXTRANET_BIND": f"127.0.0.1:{self.port}",
            "EXTRANET_PUBLIC_URL": self.url,
            "DATABASE_URL": f"sqlite://{self.dir}/extranet.db",
            "EXTRANET_EMAIL": "console",
            "EXTRANET_SMS": "console",
            "EXTRANET_JWT_SECRET": "fuzz-test-secret-0123456789abcdef0123456789",
            "EXTRANET_LOG": "warn",
            # The fuzzer sends thousands of requests from one address within minutes: the
            # public endpoints' rate limit, the login throttle and the sending quotas would
            # answer most of them 429 and hide the rest of the server from it; so would the
            # wait between two resends of an invitation.
            "EXTRANET_PUBLIC_RATE_PER_SECOND": "100000",
            "EXTRANET_PUBLIC_BURST": "100000",
            "EXTRANET_LOGIN_FAILURE_BURST": "100000",
            "EXTRANET_RESEND_INTERVAL_SECONDS": "0",
            "EXTRANET_QUOTA_EMAIL_PER_HOUR": "0",
            "EXTRANET_QUOTA_SMS_PER_HOUR": "0",
            "EXTRANET_QUOTA_PER_RECIPIENT_PER_DAY": "0",
            # The fixtures' webhooks post to a receiver on this machine.
            "EXTRANET_WEBHOOK_ALLOW_LOOPBACK": "true",
            # The document's example host, so that its example webhook is one the server takes.
            "EXTRANET_WEBHOOK_RESOLVE": "crm.example.com=127.0.0.1",
            "EXTRANET_WEBHOOK_TIMEOUT_MS": "2000",
        }
        self.out = open(self.console, "wb")
        self.err = open(self.dir / "server.log", "wb")
        self.proc = subprocess.Popen(
            [str(binary), "serve"], cwd=self.dir, env=env, stdout=self.out, stderr=self.err
        )
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited at start:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.time() > deadline:
                self.stop()
                raise SystemExit("the server was not ready within 30 s")
            time.sleep(0.1)

    def log(self) -> str:
        return (self.dir / "server.log").read_text(errors="replace")[-5000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        self.err.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def call(self, method: str, path: str, body=None, token: str | None = None, want=None):
        headers = {"accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        if token:
            headers["authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        value = json.loads(text) if text else None
        if want is not None and status != want:
            raise SystemExit(f"fixture: {method} {path} answered {status}, not {want}: {text}")
        return value

    def message(self, to: str, key: str, nth: int = 0) -> str:
        """The `key` (`code` or `link`) of the nth console message to `to`."""
        deadline = time.time() + 15
        while time.time() < deadline:
            found = []
            for line in self.console.read_text(errors="replace").splitlines():
                try:
                    m = json.loads(line)
                except ValueError:
                    continue
                if isinstance(m, dict) and m.get("to") == to and m.get(key):
                    found.append(m[key])
            if len(found) > nth:
                return found[nth]
            time.sleep(0.05)
        raise SystemExit(f"fixture: no message with {key} to {to}")


def invite(s: Server, token: str, body: dict) -> dict:
    out = s.call("POST", "/v1/invitations", body, token, want=201)
    return out


def link_token(s: Server, to: str, nth: int = 0) -> str:
    return s.message(to, "link", nth).split("#token=", 1)[1]


def fixtures(s: Server, hook_url: str) -> dict:
    """An account and everything its operations need an id of; returns ids and tokens."""
    admin = "ada@acme.example"
    s.call("POST", "/v1/accounts", {
        "name": "Acme Web Agency", "plan": "free",
        "admin": {"email": admin, "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"},
    }, want=202)
    signed = s.call("POST", "/v1/accounts/confirm",
                    {"login": admin, "code": s.message(admin, "code")}, want=201)
    bearer = signed["access_token"]
    me = s.call("GET", "/v1/me", token=bearer, want=200)
    ada_id = me["user"]["id"] if "user" in me else me["id"]
    f: dict = {"admin_login": admin, "bearer": bearer, "ada_id": ada_id}
    # A second sign-up, waiting for its code: the fuzzer confirms it (once).
    pending = "pending.signup@acme.example"
    s.call("POST", "/v1/accounts", {
        "name": "Second Agency",
        "admin": {"email": pending, "password": PASSWORD, "first_name": "Bo", "last_name": "Ng"},
    }, want=202)
    f["pending_signup"] = (pending, s.message(pending, "code"))

    f["api_token"] = s.call("POST", "/v1/api-tokens",
                            {"name": "fuzz", "scopes": SCOPES}, bearer, want=201)["token"]
    tokens = s.call("POST", "/v1/api-tokens", {"name": "throwaway", "scopes": ["users:read"]},
                    bearer, want=201)
    f["throwaway_api_token_id"] = tokens["id"]

    group = s.call("POST", "/v1/workgroups",
                   {"name": "Client website", "kind": "project", "allow_external": True},
                   bearer, want=201)["id"]
    f["workgroup_id"] = group

    def extranet(email):
        return invite(s, bearer, {"type": "extranet", "workgroup_id": group, "invitees": [
            {"email": email, "first_name": "Ann", "last_name": "Lee"}]})["results"][0]["invitation"]

    f["pending_invitation_id"] = extranet("pending@client.example")["id"]
    f["revoke_invitation_id"] = extranet("revoke@client.example")["id"]
    extranet("lookup@client.example")
    f["lookup_token"] = link_token(s, "lookup@client.example")
    extranet("accept@client.example")
    f["accept_token"] = link_token(s, "accept@client.example")
    extranet("decline@client.example")
    f["decline_token"] = link_token(s, "decline@client.example")

    # An external user (accepted invitation), with its own network profile.
    extranet("ext@client.example")
    accepted = s.call("POST", "/v1/invitations/accept",
                      {"token": link_token(s, "ext@client.example"), "password": PASSWORD},
                      want=201)
    f["external_id"] = accepted["user"]["id"]
    # Sessions. The external user is the one the fuzzer logs in (each login opens a session,
    # and a profile keeps 100: Ada's, whose session the run uses, must not give way), and a
    # session of theirs is the one it refreshes (once; then each refresh is a reuse). A second
    # session of Ada's is the one it ends by id.
    f["session_login"] = "ext@client.example"
    f["refresh_token"] = s.call("POST", "/v1/auth/login",
                                {"login": f["session_login"], "password": PASSWORD},
                                want=200)["refresh_token"]
    # A logout ends the caller's session: another of theirs, not the run's (once; then 401).
    f["logout_token"] = s.call("POST", "/v1/auth/login",
                               {"login": f["session_login"], "password": PASSWORD},
                               want=200)["access_token"]
    second = s.call("POST", "/v1/auth/login", {"login": admin, "password": PASSWORD}, want=200)
    sessions = s.call("GET", "/v1/me/sessions", token=second["access_token"], want=200)
    f["throwaway_session_id"] = next(x["id"] for x in sessions["items"] if x["current"])
    # A second external user, to be removed from the workgroup.
    extranet("leaving@client.example")
    leaving = s.call("POST", "/v1/invitations/accept",
                     {"token": link_token(s, "leaving@client.example"), "password": PASSWORD},
                     want=201)
    f["leaving_id"] = leaving["user"]["id"]
    # "Sign out everywhere else" ends this person's other sessions (with the run's token it
    # would end Ada's second one before it is ended by id).
    f["sign_out_elsewhere_token"] = leaving["access_token"]

    # An employee, made admin, who asks Ada into two workgroups (one to accept, one to decline).
    invite(s, bearer, {"type": "intranet", "invitees": [
        {"email": "eve@acme.example", "first_name": "Eve", "last_name": "Moss"}]})
    employee = s.call("POST", "/v1/invitations/accept",
                      {"token": link_token(s, "eve@acme.example"), "password": PASSWORD},
                      want=201)
    f["employee_id"] = employee["user"]["id"]
    eve = employee["access_token"]
    for name in ("to_accept", "to_decline"):
        g = s.call("POST", "/v1/workgroups", {"name": f"Eve's {name}", "kind": "project"},
                   eve, want=201)["id"]
        s.call("POST", f"/v1/workgroups/{g}/members", {"user_id": ada_id}, eve, want=201)
        f[f"membership_{name}"] = g
    # Eve's invitations wait for an administrator's approval for a while: two held ones, to
    # approve and to reject.
    s.call("PATCH", "/v1/account", {"who_can_invite": "employees_with_approval"}, bearer, want=200)
    for name in ("approve", "reject"):
        held = invite(s, eve, {"type": "intranet", "invitees": [
            {"email": f"{name}@acme.example", "first_name": "Held", "last_name": "Back"}]})
        f[f"{name}_invitation_id"] = held["results"][0]["invitation"]["id"]
    s.call("PATCH", "/v1/account", {"who_can_invite": "admins"}, bearer, want=200)

    # Join links: one that needs approval (to look up, ask through, confirm), one to revoke;
    # two requests waiting through it, to approve and to reject; a code waiting to confirm.
    def join_link(approval):
        made = s.call("POST", f"/v1/workgroups/{group}/join-links", {"approval": approval},
                      bearer, want=201)
        return made["id"], made["url"].split("#code=", 1)[1]

    f["join_link_id"], f["join_code"] = join_link("required")
    f["revoke_join_link_id"], _ = join_link("none")

    def ask_to_join(email):
        s.call("POST", "/v1/join-links/request", {"code": f["join_code"], "email": email,
                                                  "first_name": "Jo", "last_name": "Iner"}, want=202)
        return s.message(email, "code")

    for email in ("approve.join@client.example", "reject.join@client.example"):
        s.call("POST", "/v1/join-links/confirm", {
            "code": f["join_code"], "login": email, "confirmation_code": ask_to_join(email),
            "password": PASSWORD}, want=202)
    waiting = s.call("GET", f"/v1/workgroups/{group}/join-requests", token=bearer, want=200)
    by_login = {r["login"]: r["id"] for r in waiting["items"]}
    f["approve_join_request_id"] = by_login["approve.join@client.example"]
    f["reject_join_request_id"] = by_login["reject.join@client.example"]
    f["join_confirmation"] = ("joiner@client.example", ask_to_join("joiner@client.example"))
    # Access reviews: one of the workgroup (about its external users), to read and answer; one
    # of the account, to cancel.
    due = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).isoformat()
    f["access_review_id"] = s.call("POST", "/v1/access-reviews", {
        "workgroup_id": group, "due_at": due, "on_no_answer": "keep"}, bearer, want=201)["id"]
    f["cancel_access_review_id"] = s.call("POST", "/v1/access-reviews", {
        "due_at": due, "on_no_answer": "keep"}, bearer, want=201)["id"]
    # Webhooks: one to fuzz, one to delete; a ping makes a delivery to redeliver.
    def webhook():
        return s.call("POST", "/v1/webhooks",
                      {"url": hook_url, "events": ["invitation.created"]}, bearer, want=201)["id"]

    f["webhook_id"] = webhook()
    f["delete_webhook_id"] = webhook()
    # A login change of Ada's profile, waiting for its code.
    s.call("POST", "/v1/network/profile/login-change",
           {"new_email": "ada.new@acme.example", "current_password": PASSWORD}, bearer, want=202)
    f["login_change_code"] = s.message("ada.new@acme.example", "code")
    ping = s.call("POST", f"/v1/webhooks/{f['webhook_id']}/ping", token=bearer)
    f["delivery_id"] = (ping or {}).get("id") or (ping or {}).get("delivery", {}).get("id")
    if not f["delivery_id"]:
        deliveries = s.call("GET", f"/v1/webhooks/{f['webhook_id']}/deliveries", token=bearer,
                            want=200)
        f["delivery_id"] = deliveries["items"][0]["id"]
    return f


# What the revoked stay as (see `operations`): the check off in every phase, the stateful one
# (where a DELETE and a GET meet) included.
NO_USE_AFTER_FREE = {"use_after_free": {"enabled": False}}
KEPT_AFTER_DELETE = {"checks": NO_USE_AFTER_FREE, "phases": {"stateful": {"checks": NO_USE_AFTER_FREE}}}


def operations(f: dict, bearer_run: bool) -> list[dict]:
    """schemathesis' `[[operations]]`: the ids and secrets each operation is given."""

    def op(operation_id: str, **parameters) -> dict:
        return {"include-operation-id": operation_id, "parameters": parameters}

    return [
        # Ids of things that exist; those the operation destroys are throwaway ones.
        op("get_user", **{"path.id": f["external_id"]}),
        op("patch_user", **{"path.id": f["employee_id"]}),
        op("dismiss_user", **{"path.id": f["employee_id"]}),
        op("reinstate_user", **{"path.id": f["employee_id"]}),
        op("transfer_to_intranet", **{"path.id": f["external_id"]}),
        op("transfer_to_extranet", **{"path.id": f["employee_id"]}),
        op("get_workgroup", **{"path.id": f["workgroup_id"]}),
        op("patch_workgroup", **{"path.id": f["workgroup_id"]}),
        op("list_members", **{"path.id": f["workgroup_id"]}),
        op("add_member", **{"path.id": f["workgroup_id"], "body.user_id": f["employee_id"]}),
        op("patch_member", **{"path.id": f["workgroup_id"], "path.user_id": f["external_id"]}),
        op("remove_member", **{"path.id": f["workgroup_id"], "path.user_id": f["leaving_id"]}),
        op("accept_workgroup_invitation", **{"path.workgroup_id": f["membership_to_accept"]}),
        op("decline_workgroup_invitation", **{"path.workgroup_id": f["membership_to_decline"]}),
        op("get_invitation", **{"path.id": f["pending_invitation_id"]}),
        op("resend_invitation", **{"path.id": f["pending_invitation_id"]}),
        op("revoke_invitation", **{"path.id": f["revoke_invitation_id"]}),
        op("approve_invitation", **{"path.id": f["approve_invitation_id"]}),
        op("reject_invitation", **{"path.id": f["reject_invitation_id"]}),
        op("lookup_invitation", **{"body.token": f["lookup_token"]}),
        op("accept_invitation", **{"body.token": f["accept_token"]}),
        op("decline_invitation", **{"body.token": f["decline_token"]}),
        # `DELETE` revokes an API token, which stays readable with its `revoked_at` (API.md:
        # an integrator's and an auditor's record of it), so "deleted resource still
        # available" is the contract here, not a fault.
        dict(op("get_api_token", **{"path.id": f["throwaway_api_token_id"]}), **KEPT_AFTER_DELETE),
        dict(op("revoke_api_token", **{"path.id": f["throwaway_api_token_id"]}), **KEPT_AFTER_DELETE),
        op("login", **{"body.login": f["session_login"], "body.password": PASSWORD}),
        op("refresh", **{"body.refresh_token": f["refresh_token"]}),
        op("end_session", **{"path.id": f["throwaway_session_id"]}),
    ] + [
        # The bearer run's only: the API-token run must see its own token refused (403).
        {"include-operation-id": operation_id, "headers": {"Authorization": f"Bearer {token}"}}
        for operation_id, token in (("logout", f["logout_token"]),
                                    ("end_other_sessions", f["sign_out_elsewhere_token"]))
        if bearer_run
    ] + [
        op("request_login_change", **{"body.current_password": PASSWORD}),
        op("confirm_sign_up", **{"body.login": f["pending_signup"][0],
                                 "body.code": f["pending_signup"][1]}),
        op("confirm_login_change", **{"body.code": f["login_change_code"]}),
        op("get_webhook", **{"path.id": f["webhook_id"]}),
        op("patch_webhook", **{"path.id": f["webhook_id"]}),
        op("delete_webhook", **{"path.id": f["delete_webhook_id"]}),
        op("ping_webhook", **{"path.id": f["webhook_id"]}),
        op("list_deliveries", **{"path.id": f["webhook_id"]}),
        op("redeliver", **{"path.id": f["webhook_id"], "path.delivery_id": f["delivery_id"]}),
        op("create_join_link", **{"path.id": f["workgroup_id"]}),
        op("list_join_links", **{"path.id": f["workgroup_id"]}),
        op("revoke_join_link", **{"path.id": f["workgroup_id"],
                                  "path.link_id": f["revoke_join_link_id"]}),
        op("list_join_requests", **{"path.id": f["workgroup_id"]}),
        op("approve_join_request", **{"path.id": f["workgroup_id"],
                                      "path.request_id": f["approve_join_request_id"]}),
        op("reject_join_request", **{"path.id": f["workgroup_id"],
                                     "path.request_id": f["reject_join_request_id"]}),
        op("lookup_join_link", **{"body.code": f["join_code"]}),
        # A cancelled review stays readable, with its `cancelled_at` (as a revoked API token).
        op("create_access_review", **{"body.workgroup_id": f["workgroup_id"]}),
        dict(op("get_access_review", **{"path.id": f["access_review_id"]}), **KEPT_AFTER_DELETE),
        dict(op("list_access_review_items", **{"path.id": f["access_review_id"]}),
             **KEPT_AFTER_DELETE),
        dict(op("decide_access_review_item", **{"path.id": f["access_review_id"],
                                                "path.user_id": f["external_id"]}),
             **KEPT_AFTER_DELETE),
        dict(op("cancel_access_review", **{"path.id": f["cancel_access_review_id"]}),
             **KEPT_AFTER_DELETE),
        op("request_to_join", **{"body.code": f["join_code"]}),
        op("confirm_join", **{"body.code": f["join_code"],
                              "body.login": f["join_confirmation"][0],
                              "body.confirmation_code": f["join_confirmation"][1]}),
    ]


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def config(token: str, f: dict, args) -> str:
    lines = [
        "# Written by tests/fuzz/run.py for one run; see there.",
        # One worker: with two, hypothesis describes strategies (ast.parse) on two threads at
        # once, which CPython 3.11 answers with "AST constructor recursion depth mismatch".
        "workers = 1",
        f"seed = {args.seed}",
        "",
        # Either security scheme of the document, with this run's token: an operation open to
        # both takes either; one closed to API tokens lists `bearer` only, and gets the API
        # token in the API-token run (it must answer 403).
        "[auth.openapi.bearer]",
        f"bearer = {json.dumps(token)}",
        "[auth.openapi.api_token]",
        f"bearer = {json.dumps(token)}",
        "",
        "[generation]",
        f"max-examples = {args.max_examples}",
        "",
        "[checks]",
        "enabled = true",
        "",
        "[phases.stateful]",
        f"max-steps = {args.max_steps}",
    ]
    for operation in operations(f, token == f["bearer"]):
        lines += ["", "[[operations]]"]
        lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in operation.items()]
    return "\n".join(lines) + "\n"


def run(label: str, binary: Path, args) -> tuple[bool, str]:
    httpd = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = Server(binary)
    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{label}-"))
    try:
        f = fixtures(server, f"http://127.0.0.1:{httpd.server_address[1]}/hook")
        token = f["bearer"] if label == "bearer" else f["api_token"]
        (work / "schemathesis.toml").write_text(config(token, f, args))
        record = ROOT / "target" / "fuzz" / f"statuses-{label}.json"
        record.unlink(missing_ok=True)
        env = dict(os.environ, FUZZ_RECORD=str(record), PYTHONPATH=str(HERE), PYTHONDONTWRITEBYTECODE="1",
                   SCHEMATHESIS_HOOKS="hooks")
        report = ROOT / "target" / "fuzz" / f"report-{label}"
        shutil.rmtree(report, ignore_errors=True)
        started = time.time()
        cmd = [
            str(Path(sys.executable).parent / "schemathesis"),
            "--config-file", str(work / "schemathesis.toml"),
            # Every check is on by the file's `[checks] enabled = true`, not by `--checks all`:
            # a check named on the command line would override an operation's exception.
            "run", f"{server.url}/openapi.json",
            "--report", "junit,ndjson", "--report-dir", str(report),
            "--max-failures", "1000",
        ]
        out_path = ROOT / "target" / "fuzz" / f"schemathesis-{label}.txt"
        with open(out_path, "wb") as out:
            code = subprocess.run(cmd, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=args.timeout).returncode
        elapsed = time.time() - started
        text = out_path.read_text(errors="replace")
        statuses = json.loads(record.read_text()) if record.exists() else {}
        accepted_file = record.with_name(record.stem + "-accepted.json")
        accepted = json.loads(accepted_file.read_text()) if accepted_file.exists() else {}
        if accepted:
            # Failures that hooks.py's `filter_failure` dropped, each for a reason it states.
            print(f"accepted refusals ({label}): " + ", ".join(f"{c} {n}" for c, n in sorted(accepted.items())))
        return summarize(label, text, code, statuses, elapsed, server, out_path)
    finally:
        server.stop()
        httpd.shutdown()
        shutil.rmtree(work, ignore_errors=True)


def document_operations(server: Server) -> dict[str, dict]:
    doc = server.call("GET", "/openapi.json")
    ops = {}
    for path, item in doc["paths"].items():
        for method, o in item.items():
            if method in {"get", "put", "post", "patch", "delete"}:
                schemes = {k for req in (o.get("security") or doc.get("security") or []) for k in req}
                ops[f"{method.upper()} {path}"] = {"schemes": schemes}
    return ops


def summarize(label, text, code, statuses, elapsed, server, out_path) -> tuple[bool, str]:
    ops = document_operations(server)
    # An operation closed to API tokens (the document lists only `bearer` for it) answers an
    # API token 403 by design; that refusal is what the API-token run must see there.
    closed = {k for k, o in ops.items() if label == "api_token" and o["schemes"] and "api_token" not in o["schemes"]}
    reached, refused, missing, wrong_closed = [], [], [], []
    for key in ops:
        seen = {int(s) for s in statuses.get(key, {})}
        if key in closed:
            # 401 is the `ignored_auth` check's request without the token.
            (refused if 403 in seen and seen <= {401, 403} else wrong_closed).append(key)
        elif seen - {401, 403, 404}:
            reached.append(key)
        else:
            missing.append(key)
    cases = sum(sum(v.values()) for v in statuses.values())
    m = re.search(r"(\d+) generated", text)
    generated = int(m.group(1)) if m else cases
    failures = re.search(r"(\d+) failures?\b", text.split("SUMMARY")[-1]) if "SUMMARY" in text else None
    nfail = int(failures.group(1)) if failures else (0 if code == 0 else -1)
    open_ops = len(ops) - len(closed)
    line = (f"schemathesis: {generated} cases, {nfail if nfail >= 0 else '?'} failures, "
            f"{len(reached)}/{open_ops} operations reached ({label})"
            + (f", {len(refused)}/{len(closed)} closed to API tokens answered 403" if closed else "")
            + f", {elapsed:.0f} s")
    ok = code == 0 and not missing and not wrong_closed
    if not ok:
        print(text[-20000:])
        if missing:
            print(f"never reached ({label}): " + ", ".join(sorted(missing)))
            for k in sorted(missing):
                print(f"  {k}: {statuses.get(k, {})}")
        if wrong_closed:
            print(f"closed to API tokens but not answered 403 ({label}): " + ", ".join(sorted(wrong_closed)))
            for k in sorted(wrong_closed):
                print(f"  {k}: {statuses.get(k, {})}")
        print(f"(full output: {out_path})")
    return ok, line


def committed_document_reads_as_served(binary: Path) -> tuple[bool, str]:
    """openapi.yaml, read by PyYAML (a YAML 1.1 reader, as schemathesis and many generators
    read YAML), is the document the server serves, but for `servers`: no unquoted timestamp or
    other YAML 1.1 look-alike turns a string into a date, a boolean or a number."""
    import yaml  # schemathesis' own dependency, pinned in requirements.txt

    server = Server(binary)
    try:
        served = server.call("GET", "/openapi.json")
    finally:
        server.stop()
    committed = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    served.pop("servers", None)
    committed.pop("servers", None)
    # Through JSON: a date PyYAML made is not JSON, and says where it is.
    committed = json.loads(json.dumps(committed, default=lambda v: f"<{type(v).__name__} {v}>"))
    if committed == served:
        return True, "openapi.yaml: read by PyYAML (YAML 1.1), the document the server serves"
    differences = []

    def walk(a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                walk(a.get(k), b.get(k), f"{path}/{k}")
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{path}/{i}")
        elif a != b:
            differences.append(f"{path}: {a!r} (openapi.yaml) != {b!r} (served)")

    walk(committed, served, "")
    return False, "openapi.yaml read by PyYAML (YAML 1.1) is not the served document:\n  " + "\n  ".join(
        differences[:20])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.environ.get("EXTRANET_BIN") or str(
        Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug" / "extranet"))
    parser.add_argument("--only", choices=["bearer", "api_token"])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 25)))
    parser.add_argument("--max-steps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 14)))
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    binary = Path(args.bin).resolve()
    (ROOT / "target" / "fuzz").mkdir(parents=True, exist_ok=True)
    results = [committed_document_reads_as_served(binary)]
    results += [run(label, binary, args) for label in (["bearer", "api_token"] if not args.only else [args.only])]
    for _, line in results:
        print(line)
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
