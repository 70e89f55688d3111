#!/usr/bin/env python3
"""Migrations keep the upgrade rule of docs/MIGRATIONS.md: expand, then contract.

Every migration has a SQLite and a PostgreSQL version of the same name, each with `up.sql` and
`down.sql`. A migration newer than those already landed (`LANDED`, grandfathered by name) only
adds to the schema, so that the release before it keeps working on the migrated database while
a rolling upgrade replaces its processes. Refused in its `up.sql`, unless the migration says it
is a contract (its `up.sql` starts with a `-- contract: <why the old shape is no longer read>`
line):

- any `DROP` (a table, a column, an index an old query or `ON CONFLICT` relies on, a default
  old inserts rely on, a `NOT NULL` old readers rely on) and any `RENAME`;
- `ALTER COLUMN … SET NOT NULL`, `ALTER COLUMN … TYPE` / `SET DATA TYPE`;
- `ADD COLUMN … NOT NULL` without a `DEFAULT` (the old release's inserts do not name it);
- `ADD CONSTRAINT`, `CREATE UNIQUE INDEX` (they may refuse what the old release writes);
- `DELETE`, `TRUNCATE` (rows the old release reads).

A statement on a table the same migration creates is exempt: no release reads it yet.

On PostgreSQL, an index on an existing table is built `CONCURRENTLY` (a plain `CREATE INDEX`
blocks the table's writes while it builds), in a migration of that one statement whose
`metadata.toml` says `run_in_transaction = false` (PostgreSQL builds it concurrently only
outside a transaction, and runs a string of several statements as one) — or the migration's
leading comments say why a short lock is fine: `-- lock: <why>`.

`python3 scripts/check-migrations.py` checks `persistence/migrations/`; exit status 1 and each
problem printed when there are any. `--self-test` runs its own examples.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "persistence", "migrations")
BACKENDS = ("sqlite", "postgres")

# The migrations that landed before the rule was checked (issue #32): kept as they are.
LANDED = {
    "2026-11-26-000001_initial",
    "2026-11-26-000002_list_indexes",
    "2026-11-26-000003_outbox_webhook_index",
    "2026-11-26-000004_membership_indexes",
    "2026-11-27-000005_security",
    "2026-11-27-000006_idempotent_outcomes",
    "2026-11-27-000007_people_over_time",
    "2026-11-28-000008_invitation_message",
    "2026-11-28-000009_webhooks",
    "2026-11-28-000010_invitation_delivery",
    "2026-11-28-000011_account_webhooks",
    "2026-11-29-000012_outbox_unsent_index",
    "2026-12-06-000013_account_logins_version",
    "2026-12-06-000014_code_attempts",
    "2026-12-06-000015_users_logins",
    "2026-12-06-000016_webhook_owners",
    "2026-12-06-000017_sessions",
    "2026-12-06-000018_password_resets",
    "2026-12-07-000019_rate_buckets",
    "2026-12-07-000020_account_seats",
    "2026-12-07-000021_locales",
    "2026-12-07-000022_join_links",
    "2026-12-07-000023_invitation_approvals",
    "2026-12-07-000024_access_that_ends",
    "2026-12-07-000025_access_reviews",
    "2026-12-07-000026_access_reminders",
    "2026-12-07-000027_two_factor",
    "2026-12-07-000028_retention",
}

CONTRACT = re.compile(r"^--\s*contract:\s*\S")
LOCK = re.compile(r"^--\s*lock:\s*\S")
NAME = r'"?([A-Za-z_][A-Za-z0-9_]*)"?'


def statements(sql):
    """The statements of `sql`, comments left out and string literals emptied, each on one
    line in upper case."""
    out, current, i = [], [], 0
    while i < len(sql):
        c = sql[i]
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = len(sql) if end < 0 else end + 2
        elif c == "'":
            end = i + 1
            while end < len(sql):
                if sql[end] == "'" and sql.startswith("''", end):
                    end += 2
                elif sql[end] == "'":
                    break
                else:
                    end += 1
            current.append("''")
            i = end + 1
        elif c == ";":
            out.append("".join(current))
            current = []
            i += 1
        else:
            current.append(c)
            i += 1
    out.append("".join(current))
    return [" ".join(s.split()).upper() for s in out if s.strip()]


def leading_comments(sql):
    """The comment lines `sql` starts with."""
    lines = []
    for line in sql.splitlines():
        if line.strip().startswith("--"):
            lines.append(line.strip())
        elif line.strip():
            break
    return lines


def created_tables(stmts):
    made = set()
    for s in stmts:
        m = re.match(r"CREATE (?:TEMP |TEMPORARY )?TABLE (?:IF NOT EXISTS )?" + NAME, s)
        if m:
            made.add(m.group(1))
    return made


def target(stmt):
    """The table a statement changes, when it names one."""
    for pattern in (
        r"ALTER TABLE (?:IF EXISTS )?(?:ONLY )?" + NAME,
        r"CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?(?:" + NAME + r" )?ON (?:ONLY )?" + NAME,
        r"DELETE FROM (?:ONLY )?" + NAME,
        r"TRUNCATE (?:TABLE )?(?:ONLY )?" + NAME,
        r"DROP TABLE (?:IF EXISTS )?" + NAME,
    ):
        m = re.match(pattern, stmt)
        if m:
            return [g for g in m.groups() if g][-1]
    return None


def destructive(stmt):
    """Why `stmt` may break the release before it, or None."""
    checks = [
        (r"\bDROP\b", "drops something"),
        (r"\bRENAME\b", "renames something"),
        (r"\bALTER (?:COLUMN )?\S+ SET NOT NULL\b", "makes a column NOT NULL"),
        (r"\bALTER (?:COLUMN )?\S+ (?:SET DATA )?TYPE\b", "changes a column's type"),
        (r"\bADD CONSTRAINT\b", "adds a constraint"),
        (r"^CREATE UNIQUE INDEX\b", "adds a unique index"),
        (r"^DELETE\b", "deletes rows"),
        (r"^TRUNCATE\b", "deletes rows"),
    ]
    for pattern, why in checks:
        if re.search(pattern, stmt):
            return why
    if stmt.startswith("ALTER TABLE"):
        # Each `ADD [COLUMN] name type …` clause of the statement.
        for clause in re.split(r",\s*(?=ADD\b)", stmt):
            m = re.search(r"\bADD (?:COLUMN )?(?:IF NOT EXISTS )?(.*)$", clause)
            if not m or re.match(r"(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)\b", m.group(1)):
                continue
            if re.search(r"\bNOT NULL\b", m.group(1)) and not re.search(r"\bDEFAULT\b", m.group(1)):
                return "adds a NOT NULL column without a DEFAULT"
    return None


def check_up(backend, name, up, metadata):
    """The problems of one migration's `up.sql` (a new one: not in LANDED)."""
    problems = []
    heads = leading_comments(up)
    is_contract = bool(up.lstrip().splitlines()) and CONTRACT.match(up.lstrip().splitlines()[0])
    stmts = statements(up)
    made = created_tables(stmts)
    for s in stmts:
        if target(s) in made:
            continue
        why = destructive(s)
        if why and not is_contract:
            problems.append(
                f"{backend}/{name}/up.sql: {why} ({s[:80]}): an expand migration only adds; a "
                "contract migration starts with `-- contract: <why the old shape is no longer "
                "read>` (docs/MIGRATIONS.md)"
            )
        if backend == "postgres" and re.match(r"CREATE (UNIQUE )?INDEX\b", s):
            concurrent = " CONCURRENTLY " in f" {s} "
            if not concurrent and not any(LOCK.match(h) for h in heads):
                problems.append(
                    f"postgres/{name}/up.sql: an index on an existing table built without "
                    f"CONCURRENTLY blocks its writes ({s[:80]}): build it CONCURRENTLY, or say "
                    "why a short lock is fine in a leading `-- lock: <why>` comment"
                )
            if concurrent:
                alone = len(stmts) == 1
                no_tx = metadata is not None and re.search(
                    r"^\s*run_in_transaction\s*=\s*false\s*$", metadata, re.M
                )
                if not (alone and no_tx):
                    problems.append(
                        f"postgres/{name}: CREATE INDEX CONCURRENTLY runs only outside a "
                        "transaction: the migration holds that one statement and its "
                        "metadata.toml says `run_in_transaction = false`"
                    )
    return problems


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def check(root, landed=LANDED):
    """Every problem of the migrations under `root`."""
    problems = []
    names = {}
    for backend in BACKENDS:
        folder = os.path.join(root, backend)
        names[backend] = set(
            n for n in os.listdir(folder) if os.path.isdir(os.path.join(folder, n))
        ) if os.path.isdir(folder) else set()
    for backend in BACKENDS:
        for other in BACKENDS:
            for name in sorted(names[backend] - names[other]):
                problems.append(
                    f"{backend}/{name} has no {other} version: a migration is a pair of the "
                    "same name under persistence/migrations/{sqlite,postgres}/"
                )
    for name in sorted(landed - names["sqlite"] - names["postgres"]):
        problems.append(f"{name} is listed as landed but is not there: update LANDED")
    for backend in BACKENDS:
        for name in sorted(names[backend]):
            folder = os.path.join(root, backend, name)
            up = read(os.path.join(folder, "up.sql"))
            for part in ("up.sql", "down.sql"):
                if not os.path.isfile(os.path.join(folder, part)):
                    problems.append(f"{backend}/{name} has no {part}")
            if up is None or name in landed:
                continue
            problems += check_up(backend, name, up, read(os.path.join(folder, "metadata.toml")))
    return problems


def self_test():
    import tempfile

    def problems_of(up, backend="postgres", metadata=None):
        return check_up(backend, "x", up, metadata)

    # Expanding is fine: a table, nullable columns, a column with a default, an index built
    # concurrently alone and outside a transaction, a backfill.
    assert problems_of("CREATE TABLE erasures (id TEXT PRIMARY KEY NOT NULL, at TIMESTAMP NOT NULL);\n"
                       "CREATE UNIQUE INDEX erasures_at ON erasures (at);\n"
                       "ALTER TABLE erasures ADD CONSTRAINT c CHECK (at IS NOT NULL);") == []
    assert problems_of("ALTER TABLE users ADD COLUMN erased_at TIMESTAMP;\n"
                       "ALTER TABLE users ADD COLUMN n INTEGER NOT NULL DEFAULT 0;\n"
                       "UPDATE users SET n = 1 WHERE erased_at IS NULL;") == []
    assert problems_of("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_erased ON users (erased_at);",
                       metadata="run_in_transaction = false\n") == []
    assert problems_of("-- lock: the table holds one row per account\n"
                       "CREATE INDEX accounts_plan ON accounts (plan);") == []
    assert problems_of("CREATE INDEX accounts_plan ON accounts (plan);", backend="sqlite") == []
    # Words in comments and strings are not statements.
    assert problems_of("-- we will DROP the old column later\n"
                       "UPDATE users SET note = 'DROP TABLE users; RENAME' WHERE id = 'a''b';") == []

    # Contracting is refused without its line.
    for up in (
        "DROP TABLE old_things;",
        "ALTER TABLE users DROP COLUMN legacy;",
        "ALTER TABLE users DROP legacy;",
        "DROP INDEX users_login;",
        "ALTER TABLE users ALTER COLUMN note DROP DEFAULT;",
        "ALTER TABLE users RENAME COLUMN a TO b;",
        "ALTER TABLE users RENAME TO people;",
        "ALTER TABLE users ALTER COLUMN note SET NOT NULL;",
        "ALTER TABLE users ALTER COLUMN note TYPE BIGINT;",
        "ALTER TABLE users ALTER note SET DATA TYPE BIGINT;",
        "ALTER TABLE users ADD COLUMN must TEXT NOT NULL;",
        "alter table users add must text not null;",
        "ALTER TABLE users ADD COLUMN a TEXT, ADD COLUMN b TEXT NOT NULL;",
        "ALTER TABLE users ADD CONSTRAINT one_login UNIQUE (login);",
        "DELETE FROM sessions;",
        "TRUNCATE sessions;",
    ):
        found = problems_of(up, backend="sqlite")
        assert len(found) == 1 and "contract" in found[0], (up, found)
        assert problems_of("-- contract: release 41 no longer reads it\n" + up, backend="sqlite") == [], up
    # The line must be the first one, and say why.
    assert problems_of("-- contract:\nDROP TABLE t;", backend="sqlite")
    assert problems_of("-- why\n-- contract: later\nDROP TABLE t;", backend="sqlite")
    # A NOT NULL column with a default (PostgreSQL fills it without rewriting the table).
    assert problems_of("ALTER TABLE users ADD COLUMN must TEXT NOT NULL DEFAULT 'x';") == []
    # SQLite's way to reshape a table drops the old one: a contract.
    assert problems_of("CREATE TABLE users_new (id TEXT);\nINSERT INTO users_new SELECT id FROM users;\n"
                       "DROP TABLE users;\nALTER TABLE users_new RENAME TO users;", backend="sqlite")

    # PostgreSQL indexes on existing tables.
    found = problems_of("CREATE INDEX users_erased ON users (erased_at);")
    assert len(found) == 1 and "CONCURRENTLY" in found[0], found
    found = problems_of("CREATE UNIQUE INDEX users_erased ON users (erased_at);")
    assert len(found) == 2, found
    found = problems_of("CREATE INDEX CONCURRENTLY users_erased ON users (erased_at);")
    assert len(found) == 1 and "run_in_transaction" in found[0], found
    found = problems_of("CREATE INDEX CONCURRENTLY a ON users (x);\nCREATE INDEX CONCURRENTLY b ON users (y);",
                        metadata="run_in_transaction = false")
    assert found and "one statement" in found[0], found

    # The folders: pairs, both files, the landed list.
    with tempfile.TemporaryDirectory() as root:
        def write(backend, name, part, text):
            os.makedirs(os.path.join(root, backend, name), exist_ok=True)
            with open(os.path.join(root, backend, name, part), "w") as f:
                f.write(text)

        for b in BACKENDS:
            write(b, "2026-01-01-000001_old", "up.sql", "DROP TABLE t;")
            write(b, "2026-01-01-000001_old", "down.sql", "")
        assert check(root, {"2026-01-01-000001_old"}) == []
        assert len(check(root, set())) == 2
        assert any("not there" in p for p in check(root, {"2026-01-01-000001_old", "gone"}))
        write("sqlite", "2026-01-02-000002_new", "up.sql", "ALTER TABLE t ADD COLUMN c TEXT;")
        found = check(root, {"2026-01-01-000001_old"})
        assert len(found) == 2 and "no postgres version" in found[0] and "no down.sql" in found[1], found
        write("sqlite", "2026-01-02-000002_new", "down.sql", "")
        write("postgres", "2026-01-02-000002_new", "up.sql", "ALTER TABLE t ADD COLUMN c TEXT;")
        write("postgres", "2026-01-02-000002_new", "down.sql", "")
        assert check(root, {"2026-01-01-000001_old"}) == []
    print("check-migrations: self-test ok")


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        return 0
    problems = check(ROOT)
    for p in problems:
        print(p)
    if problems:
        return 1
    new = sorted(
        n for n in os.listdir(os.path.join(ROOT, "postgres")) if n not in LANDED
    )
    print(
        f"migrations: ok ({len(LANDED)} landed before the rule; checked since: "
        f"{', '.join(new) if new else 'none'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
