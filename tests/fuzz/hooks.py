"""schemathesis hooks of tests/fuzz/run.py.

- `after_call` records, per operation of the document, how many answers of each status it got,
  into the JSON file named by FUZZ_RECORD (written at exit): run.py reads it to prove that
  every operation was reached.
- `before_call` makes every well-formed `Idempotency-Key` unique to its request, as a client
  does (a new key for a new request): the fuzzer draws short keys and reuses them with other
  bodies, which the server refuses (422 `idempotency_key_reused`) before reading the body.
- `filter_failure` drops the few "schema-valid request rejected" (ST202) failures that no
  schema can prevent, each named below by operation and problem code, with its reason. Every
  other failure, and these same refusals with any other code, fail the run.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import re
import threading
from collections import defaultdict

import schemathesis

_lock = threading.Lock()
_statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
# Per operation, how often each refusal (status and problem code) came: for reading a run.
_refusals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
# How many failures `filter_failure` dropped, by the code that made them an accepted refusal.
_accepted: dict[str, int] = defaultdict(int)


_sent = itertools.count()
_WELL_FORMED_KEY = re.compile(r"^[!-~]{1,240}$")  # the header's pattern, with room for a suffix


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() == "idempotency-key" and isinstance(value, str) and _WELL_FORMED_KEY.match(value):
            headers[name] = f"{value}~{next(_sent)}"


@schemathesis.hook
def after_call(context, case, response):
    key = f"{case.operation.method.upper()} {case.operation.path}"
    # A request with a method the document does not declare (the coverage phase's
    # unsupported-method probes) is not a call of the operation.
    if case.method.upper() != case.operation.method.upper():
        return
    refusals = []
    if response.status_code >= 400:
        refusals = [f"{response.status_code} {c}" for c in sorted(_codes(response))]
    with _lock:
        _statuses[key][response.status_code] += 1
        for r in refusals:
            _refusals[key][r] += 1


# Refusals of schema-valid requests that are the product's required behaviour, not a gap in
# the document: (operation, the problem's `code` or a field error's `code`) -> why.
ACCEPTED_REFUSALS = {
    ("POST /v1/accounts/confirm", "invalid_code"):
        "the code is a one-time secret sent by email or text message: which six digits are "
        "right is not something a schema can say",
    ("POST /v1/network/profile/login-change/confirm", "invalid_code"):
        "as for the sign-up: a one-time code sent to the new login",
    ("POST /v1/auth/password-reset/confirm", "invalid_code"):
        "as for the sign-up: a one-time code sent to the login",
    ("POST /v1/network/profile/erase", "invalid_code"):
        "as for the sign-up: a one-time code sent to the profile's login to confirm its erasure",
    ("POST /v1/api-tokens", "in_the_past"):
        "`expires_at` must be in the future: a fact about the clock, not the shape",
    ("POST /v1/api-tokens", "too_far"):
        "a token lives at most 730 days from now: a bound that moves with the clock",
    ("POST /v1/invitations", "duplicate_invitee"):
        "no two rows of a batch may name the same login (compared once normalised: case, "
        "blanks, a phone's punctuation); JSON Schema's uniqueItems compares whole rows only",
    ("POST /v1/invitations", "domain_not_allowed"):
        "the account's own list of allowed (or denied) email domains decides which external "
        "invitees it takes; the fuzzer sets that list itself through PATCH /v1/account",
    ("POST /v1/join-links/confirm", "invalid_code"):
        "as for the sign-up: a one-time code sent to the login that asked to join",
    ("POST /v1/workgroups/{id}/join-links", "in_the_past"):
        "as for API tokens: a link's `expires_at` must be in the future",
    ("POST /v1/join-links/request", "domain_not_allowed"):
        "a join link's `allowed_domains`, and the account's own domain rules, decide which "
        "addresses may ask to join through it; the fuzzer sets the account's list itself through "
        "PATCH /v1/account",
    ("POST /v1/access-reviews", "not_in_the_future"):
        "as for API tokens: a review's `due_at` must be in the future",
    ("POST /v1/access-reviews", "out_of_range"):
        "a review is due at most 365 days from now: a bound that moves with the clock",
    ("POST /v1/access-reviews", "access_review_open"):
        "one review of a scope is open at a time: the fuzzer's workgroup has one already",
    # Issue #30: an end of access or of a membership is later than now (the clock) and within
    # the strictest `max_external_access_days` of the person's workgroups (the account's state);
    # only an external user's access ends (the user's type, or the batch's `type`: a relation
    # between two fields); an open-ended access is refused under a maximum.
    ("POST /v1/invitations", "not_in_the_future"):
        "an end of access must be later than now: a fact about the clock",
    ("POST /v1/invitations", "beyond_maximum"):
        "an end of access lies within the workgroup's `max_external_access_days`: its state",
    ("POST /v1/invitations", "external_users_only"):
        "`access_expires_at` goes with `type: extranet` only: a relation between two fields",
    ("PATCH /v1/users/{id}", "not_in_the_future"):
        "as for invitations: an end of access must be later than now",
    ("PATCH /v1/users/{id}", "beyond_maximum"):
        "as for invitations: within the user's workgroups' maximum",
    ("PATCH /v1/users/{id}", "required"):
        "an open-ended access (`null`) is refused where a workgroup of the user's has a maximum",
    ("PATCH /v1/users/{id}", "external_users_only"):
        "only an external user's access ends: the user's type decides",
    ("POST /v1/users/{id}/reinstate", "not_in_the_future"):
        "as for invitations: an end of access must be later than now",
    ("POST /v1/users/{id}/reinstate", "beyond_maximum"):
        "as for invitations: within the user's workgroups' maximum",
    ("POST /v1/users/{id}/reinstate", "required"):
        "an ended access needs a new end where a workgroup of the user's has a maximum",
    ("POST /v1/users/{id}/reinstate", "external_users_only"):
        "only an external user's access ends: the user's type decides",
    ("POST /v1/workgroups/{id}/members", "not_in_the_future"):
        "a membership's `expires_at` must be later than now: a fact about the clock",
    ("PATCH /v1/workgroups/{id}/members/{user_id}", "not_in_the_future"):
        "as for adding a member: a membership's end must be later than now",
    ("PATCH /v1/workgroups/{id}/members/{user_id}", "owner_membership"):
        "the owner's membership does not end: which member is the owner is the group's state",
    ("POST /v1/invitations", "out_of_range"):
        "an end of access lies at most 3650 days from now: a bound that moves with the clock",
    ("PATCH /v1/users/{id}", "out_of_range"):
        "as for invitations: at most 3650 days from now",
    ("POST /v1/users/{id}/reinstate", "out_of_range"):
        "as for invitations: at most 3650 days from now",
    ("POST /v1/workgroups/{id}/members", "out_of_range"):
        "as for invitations: a membership ends at most 3650 days from now",
    ("PATCH /v1/workgroups/{id}/members/{user_id}", "out_of_range"):
        "as for invitations: a membership ends at most 3650 days from now",
    ("GET /v1/audit-events", "before_since"):
        "`until` must be later than `since`: a relation between two parameters, which OpenAPI "
        "cannot state of query parameters",
    ("POST /v1/webhooks", "webhook_url_not_allowed"):
        "a webhook URL's host is resolved when it is given, and refused when it resolves to "
        "nothing (or to an address webhooks may not reach, the SSRF rules): the fuzzer's "
        "made-up host names resolve to nothing",
    ("PATCH /v1/webhooks/{id}", "webhook_url_not_allowed"):
        "as for POST /v1/webhooks",
}
# Any operation that takes an `Idempotency-Key`: the same key with another request is refused
# 422 `idempotency_key_reused`, as the IETF Idempotency-Key draft requires. `before_call` gives
# each request a key of its own, but not the requests schemathesis sends again, changed, from
# inside a check (without calling the hook), with the key they were first sent with.
ACCEPTED_EVERYWHERE = {"idempotency_key_reused"}


def _problem(response) -> tuple[str | None, set[str]]:
    """A problem's code and its field errors' codes (nothing when the body is not one)."""
    try:
        body = response.json()
    except Exception:  # noqa: BLE001 (not JSON: nothing to recognise)
        return None, set()
    if not isinstance(body, dict):
        return None, set()
    fields = {e.get("code") for e in body.get("errors") or [] if isinstance(e, dict)}
    code = body.get("code")
    return (code if isinstance(code, str) else None), {f for f in fields if isinstance(f, str)}


def _codes(response) -> set[str]:
    """Every code a refusal names: the problem's and its fields'."""
    code, fields = _problem(response)
    return fields | ({code} if code else set())


def _reasons(response) -> set[str]:
    """Why a problem was refused: its field errors' codes when it has any, else its code."""
    code, fields = _problem(response)
    return fields or ({code} if code else set())


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """False (drop it) only for a refusal of a schema-valid request every reason of which is
    listed above for its operation."""
    if getattr(failure, "code", None) != "ST202" or response is None:
        return True
    key = f"{case.operation.method.upper()} {case.operation.path}"
    reasons = _reasons(response)
    if not reasons or not all(
        r in ACCEPTED_EVERYWHERE or (key, r) in ACCEPTED_REFUSALS for r in reasons
    ):
        return True
    with _lock:
        for r in reasons:
            _accepted[r] += 1
    return False


def _write():
    path = os.environ.get("FUZZ_RECORD")
    if path:
        with open(path, "w") as f:
            json.dump(_statuses, f)
        with open(path.removesuffix(".json") + "-accepted.json", "w") as f:
            json.dump(_accepted, f, sort_keys=True)
        with open(path.removesuffix(".json") + "-refusals.json", "w") as f:
            json.dump(_refusals, f, indent=1, sort_keys=True)


atexit.register(_write)
