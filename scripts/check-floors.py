#!/usr/bin/env python3
"""The persistence crate's floors hold: a module uses only its own floor and those below it,
and a use case never uses another use case.

The floors, lowest first, are the folders of `persistence/src`: base < tables < shared <
use_cases (see `persistence/src/lib.rs`). Every module path a file names (`crate::a::b`,
`super::x`, `self::y`, as `scripts/check-module-cycles.py` reads them, comments left out) is
resolved to the deepest module that exists as a file; naming a module on a higher floor, or
a use case naming another one, is a violation. So is naming one of the paths the crate root
keeps for callers outside the crate (`crate::invite`, `crate::models`, …): inside the crate a
module names the floor it uses.

And every query of a table is in that table's module: a table of `base/schema.rs` is named
(`schema::<table>`, imported or inline; `schema::*` names them all) only by
`tables/<table>.rs` (or the files of `tables/<table>/`). Anywhere else in the crate — `base`,
`shared`, `use_cases`, another table's module — and in the `api` crate, naming it is a
violation, but for the pairs of `JOINS`: a table's module that reads another table inside
its own query (a join, or a subquery), each with the reason. Exit status 1 and each
violation printed when there are any.
"""

import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "persistence", "src")
FLOORS = ["base", "tables", "shared", "use_cases"]

spec = importlib.util.spec_from_file_location(
    "module_cycles", os.path.join(HERE, "check-module-cycles.py")
)
cycles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cycles)

CRATE_PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
SCHEMA = os.path.join(SRC, "base", "schema.rs")
API_SRC = os.path.join(HERE, "..", "api", "src")
TABLE_DEF = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*\(", re.M)
SCHEMA_PATH = re.compile(r"\bschema::(\{[^}]*\}|\*|[a-z_][a-z0-9_]*)")

# The table modules that name another table in their own queries: (module's table, table it
# reads) -> why. Each is one query that returns the module's rows and needs the other table
# for a condition or a column; a query that returns another table's rows goes to that table.
JOINS = {
    ("sessions", "users"): "every access token's request reads its session with its user's "
    "standing in one statement",
    ("sessions", "accounts"): "… and with the account's two-step policy (rule 13), in the same "
    "statement",
    ("sessions", "two_factors"): "… and whether the profile has a second factor on, in the same "
    "statement",
    ("accounts", "invitations"): "an account read with its earliest pending invitation's "
    "expiry, to tell whether it holds overdue ones (a subquery)",
    ("accounts", "users"): "a batch reads its account with its inviter's name, and the earliest "
    "end of an active user's access (subqueries)",
    ("accounts", "memberships"): "an account read with the earliest end of a membership, to "
    "tell whether the sweep has ended ones to record (a subquery)",
    ("accounts", "access_reviews"): "an account read with the earliest due instant of its open "
    "access reviews, to tell whether one is due to apply (a subquery)",
    ("access_reviews", "memberships"): "an employee lists the access reviews of the workgroups "
    "it owns or moderates (a subquery)",
    ("access_review_items", "users"): "an access review's item is shown with the user it is "
    "about (joined)",
    ("access_review_items", "identities"): "an access review's item is shown with its "
    "person's names (joined)",
    ("accounts", "identities"): "a batch reads its account with its inviter's name (a "
    "subquery)",
    ("accounts", "account_seats"): "an account is read with its seat counters and the "
    "version of what batches decide on (joined), and the seats held summed by plan",
    ("account_seats", "users"): "`lock_of_identity` locks the accounts a person is a user of "
    "(a subquery)",
    ("accounts", "webhooks"): "`recount_webhooks` counts the account's active webhooks into "
    "its row (a subquery)",
    ("api_tokens", "users"): "a token's standing is its creator's (joined)",
    ("api_tokens", "webhooks"): "the retention sweep keeps a dead token a webhook was made "
    "through, in the statement that picks the batch (a subquery), so kept ones never fill it",
    ("invitations", "users"): "a login's pending invitations in the accounts where its "
    "person is an active user (a subquery)",
    ("memberships", "identities"): "a member is shown with its person's names (joined)",
    ("memberships", "users"): "a member is shown as the user it is (joined)",
    ("users", "identities"): "a user is shown with its person's names and logins (joined)",
    ("users", "accounts"): "a person's profile lists its users with their accounts' names "
    "(joined)",
    ("users", "memberships"): "what an external user sees of others: those sharing a "
    "workgroup (a subquery); and rule 6's lookup of a login's holder reads its membership of "
    "the target workgroup (`users::login_states`, a statement of its own: `memberships` uses "
    "`users`, so it cannot be called from here without a module cycle)",
    ("users", "invitations"): "rule 6's lookup of a free login reads its pending invitation "
    "(`users::login_states`, a statement of its own, with its membership lookup)",
    ("webhooks", "users"): "whoever answers for a webhook: its creator's standing",
    ("workgroups", "memberships"): "a workgroup with the caller's standing in it, the ones an "
    "external user is in, and those a user is asked into (joined)",
}


def floor_of(module):
    return module[0] if module and module[0] in FLOORS else None


def name(module):
    return "::".join(module) or "(crate root)"


def violations():
    modules = cycles.modules_of(SRC)
    found = []
    for module, path in sorted(modules.items()):
        floor = floor_of(module)
        if floor is None:
            continue  # the crate root: it declares the floors and keeps callers' paths
        with open(path, encoding="utf-8") as f:
            text = f.read()
        rel = os.path.relpath(path, os.path.join(SRC, "..", ".."))
        for first in sorted(set(CRATE_PATH.findall(cycles.strip_comments(text)))):
            if first not in FLOORS:
                found.append(
                    f"{rel}: names `crate::{first}`, a path kept for callers outside the "
                    f"crate; name the floor's module instead"
                )
        targets = {cycles.deepest(ref, modules) for ref in cycles.references(module, text)}
        for target in sorted(t for t in targets if t is not None):
            if target == module:
                continue
            to = floor_of(target)
            if to is None:
                continue
            if FLOORS.index(to) > FLOORS.index(floor):
                found.append(
                    f"{rel}: `{name(module)}` ({floor}) uses `{name(target)}` ({to}), a "
                    f"higher floor; a module uses only its own floor and those below "
                    f"({' < '.join(FLOORS)})"
                )
            elif floor == to == "use_cases":
                related = target[: len(module)] == module or module[: len(target)] == target
                if not related:
                    found.append(
                        f"{rel}: use case `{name(module)}` uses use case `{name(target)}`; "
                        f"use cases never use each other (move what they share down to "
                        f"`shared` or `tables`)"
                    )
    return found


def tables():
    with open(SCHEMA, encoding="utf-8") as f:
        text = f.read()
    return [m.group(1) for m in re.finditer(r"table!\s*\{\s*([a-z_][a-z0-9_]*)\s*\(", text)]


def tables_named(text, known):
    """The tables a file names through `schema::…`, comments left out."""
    named = set()
    for item in SCHEMA_PATH.findall(cycles.strip_comments(text)):
        if item == "*":
            named.update(known)
            continue
        for name in item.strip("{}").split(","):
            name = name.strip().split("::")[0].split(" as ")[0].strip()
            if name == "*":
                named.update(known)
            elif name in known:
                named.add(name)
    return named


def table_violations():
    """Every file outside `tables/<table>` that names the table, but the `JOINS`."""
    known = tables()
    found = []
    used = set()
    files = []
    for root in (SRC, API_SRC):
        for dirpath, _, names in os.walk(root):
            files += [os.path.join(dirpath, n) for n in names if n.endswith(".rs")]
    for path in sorted(files):
        if os.path.samefile(path, SCHEMA):
            continue
        with open(path, encoding="utf-8") as f:
            named = tables_named(f.read(), known)
        rel = os.path.relpath(path, os.path.join(SRC, "..", ".."))
        parts = os.path.relpath(path, SRC).split(os.sep)
        own = None
        if parts[0] == "tables" and len(parts) > 1:
            own = parts[1][: -len(".rs")] if parts[1].endswith(".rs") else parts[1]
        for table in sorted(named):
            if table == own:
                continue
            if (own, table) in JOINS:
                used.add((own, table))
                continue
            where = f"`tables/{own}`" if own in known else "a module outside `tables/`"
            found.append(
                f"{rel}: {where} names the table `{table}`; every query of `{table}` is in "
                f"`tables/{table}` — add a named finder or write there and call it "
                f"(a join another table's module needs is listed in `JOINS`, with its reason)"
            )
    for own, table in sorted(JOINS):
        if own not in known or table not in known:
            found.append(f"scripts/check-floors.py: `JOINS` names ({own}, {table}), not tables")
        elif (own, table) not in used:
            found.append(
                f"scripts/check-floors.py: `JOINS` allows `tables/{own}` to name `{table}`, "
                f"which it no longer does; drop the entry"
            )
    return found


def main():
    found = violations() + table_violations()
    for line in found:
        print("floor violation: " + line)
    if found:
        sys.exit(1)
    print(
        "floors: persistence keeps "
        + " < ".join(FLOORS)
        + ", use cases apart, every table's queries in its module"
    )


if __name__ == "__main__":
    main()
