# The two commands a newcomer needs: `make run` and `make test`. CI runs `make ci`.
SHELL := /bin/bash
CARGO ?= cargo
# The PostgreSQL server the tests create their databases on (one per test, dropped after).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432

.PHONY: run bench bench-ab test test-setup test-build test-deps test-unit test-sqlite test-postgres test-postgres-required test-postgres-or-skip test-upgrade test-web test-web-client test-web-session test-web-lint test-web-browser test-web-dev test-web-locales test-web-join test-web-two-factor test-web-readme test-web-recipe test-fuzz lint openapi openapi-check ci build

## run: the server on SQLite (./data/extranet.db), Swagger UI at http://127.0.0.1:8080/docs
run:
	$(CARGO) run -p api --bin extranet -- serve

build:
	$(CARGO) build --workspace --all-targets

# Each stage of `make test` and `make ci` is timed (scripts/stages.sh): the table at the end says
# what the suite costs, and which stage failed.
STAGES := ./scripts/stages.sh
TEST_STAGES := $(STAGES) run setup $(MAKE) --no-print-directory test-setup \
	&& $(STAGES) run build $(MAKE) --no-print-directory test-build \
	&& $(STAGES) run unit $(MAKE) --no-print-directory test-unit \
	&& $(STAGES) run "HTTP on SQLite" $(MAKE) --no-print-directory test-sqlite \
	&& $(STAGES) run web $(MAKE) --no-print-directory test-web \
	&& $(STAGES) run fuzz $(MAKE) --no-print-directory test-fuzz

## test: every test — unit tests; the black-box suite once on SQLite and, when PostgreSQL
## answers, once on it and through an upgrade from the previous release; what a browser, a typed client, a linter and a fuzzer make of the
## server and its document — then what each stage took
test:
	@$(STAGES) reset; \
	$(TEST_STAGES) \
	&& $(MAKE) --no-print-directory test-postgres-or-skip; \
	rc=$$?; $(STAGES) report; exit $$rc

## test-setup: what the tests need besides the code, installed when missing: a real SMTP
## server (aiosmtpd, PyPI), Debian's chromium, faketime and haproxy (the balancer in front of
## three servers on PostgreSQL), npm's packages for tests/web, and schemathesis in a
## virtualenv (tests/fuzz)
test-setup:
	@$(MAKE) --no-print-directory $(WEB_DEPS) $(FUZZ_VENV)/.installed
	@python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
	@test -x /usr/bin/chromium -a -x /usr/bin/faketime -a -x /usr/sbin/haproxy || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium faketime haproxy; }

## test-build: the `extranet` binary (the process, crash, browser and fuzz tests start it) and
## every test binary, built once for both backends (the same command line, so the same
## features: the PostgreSQL run builds nothing again)
test-build:
	$(CARGO) build -p api --bin extranet
	$(CARGO) test --workspace --no-run

# What the HTTP suite needs besides its own binary.
test-deps:
	@python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
	$(CARGO) build -p api --bin extranet

## test-unit: the crates' own tests (domain rules and their properties, persistence, api)
test-unit:
	$(CARGO) test --workspace --lib --bins
	$(CARGO) test --workspace --doc

## test-sqlite: the HTTP suite on SQLite
test-sqlite: test-deps
	@echo "== tests: the HTTP suite on SQLite"
	$(CARGO) test --workspace --test api

## test-postgres: the HTTP suite on PostgreSQL (with haproxy in front of three servers)
test-postgres: test-deps
	@test -x /usr/sbin/haproxy || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy; }
	@echo "== tests: the HTTP suite on PostgreSQL ($(TEST_POSTGRES_URL))"
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(CARGO) test --workspace --test api

## test-postgres-required: as test-postgres, but fails when PostgreSQL does not answer
test-postgres-required:
	@(exec 3<>/dev/tcp/$(PG_HOST)/$(PG_PORT)) 2>/dev/null || { echo "PostgreSQL is required but not reachable at $(PG_HOST):$(PG_PORT)"; exit 1; }
	@$(STAGES) run "HTTP on PostgreSQL" $(MAKE) --no-print-directory test-postgres

## test-upgrade: an upgrade with no downtime (docs/MIGRATIONS.md): the previous release (main
## before this checkout's migrations came, built from the history into its own target directory)
## serves three processes behind haproxy on PostgreSQL under load, this checkout's `extranet
## migrate` runs under them, a rolling restart replaces them by this checkout's; no request
## fails, nothing is lost or sent twice. Fails on a shallow clone or without PostgreSQL.
test-upgrade:
	@./scripts/test-upgrade.sh

# The PostgreSQL run of `make test`, then the upgrade test: skipped, and said so, when PostgreSQL
# does not answer.
test-postgres-or-skip:
	@if (exec 3<>/dev/tcp/$(PG_HOST)/$(PG_PORT)) 2>/dev/null; then \
		$(STAGES) run "HTTP on PostgreSQL" $(MAKE) --no-print-directory test-postgres \
		&& $(STAGES) run upgrade $(MAKE) --no-print-directory test-upgrade; \
	else \
		echo "PostgreSQL is not reachable at $(PG_HOST):$(PG_PORT): the PostgreSQL run and the upgrade test were SKIPPED"; \
		$(STAGES) skip "HTTP on PostgreSQL" "not reachable at $(PG_HOST):$(PG_PORT)"; \
		$(STAGES) skip upgrade "PostgreSQL not reachable at $(PG_HOST):$(PG_PORT)"; \
	fi

## test-web: the typed client, the spec's linter and the browser tests (tests/web; npm's
## packages pinned in its package-lock.json, Debian's chromium)
test-web: test-web-client test-web-session test-web-recipe test-web-lint test-web-browser test-web-dev test-web-locales test-web-join test-web-two-factor test-web-readme

WEB_DEPS := tests/web/node_modules/.package-lock.json
$(WEB_DEPS): tests/web/package-lock.json
	cd tests/web && npm ci --no-audit --no-fund

## test-web-client: types generated from openapi.yaml (openapi-typescript); a typed program
## compiles with tsc --strict, and every request in client/refused.ts fails to compile
test-web-client: $(WEB_DEPS)
	cd tests/web && node typegen.mjs && npx tsc -p client && echo "typed client: program.ts compiles; every refused request in refused.ts is a compile error"

## test-web-session: the typed client's session wrapper (client/session.ts) compiled and run
## against a server whose access tokens live a second: refresh on 401 and retry once, one
## refresh for requests refused together, nothing after a logout
test-web-session: $(WEB_DEPS)
	$(CARGO) build -p api --bin extranet
	EXTRANET_BIN="$${CARGO_TARGET_DIR:-target}/debug/extranet" node tests/web/session-client.mjs

## test-web-recipe: README's recipe for frontend teams (openapi-typescript + openapi-fetch, refresh
## on 401, branching on `code`), extracted as written, compiled with tsc --strict and run
## against a server whose access tokens live a second
test-web-recipe: $(WEB_DEPS)
	$(CARGO) build -p api --bin extranet
	cd tests/web && node typegen.mjs
	EXTRANET_BIN="$${CARGO_TARGET_DIR:-target}/debug/extranet" node tests/web/readme-recipe.mjs

## test-web-lint: @redocly/cli lint, recommended rules, no errors or warnings; and YAML 1.1
## readers (js-yaml's default schema) read openapi.yaml as YAML 1.2 readers do
test-web-lint: $(WEB_DEPS)
	cd tests/web && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx redocly lint
	node tests/web/yaml-readers.mjs

## test-web-readme: README's walkthrough, run as written against a fresh server
test-web-readme:
	$(CARGO) build -p api --bin extranet
	EXTRANET_BIN="$${CARGO_TARGET_DIR:-target}/debug/extranet" ./scripts/readme-walkthrough.sh

## test-web-dev: the development inbox and clock in chromium: a sign-up code and an invitation
## link read in /dev/inbox, the link followed to /accept, the clock moved 8 days and the link
## expired; none of it on a server listening on every address
test-web-dev: $(WEB_DEPS)
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	$(CARGO) build -p api --bin extranet
	EXTRANET_BIN="$${CARGO_TARGET_DIR:-target}/debug/extranet" node tests/web/dev-inbox.mjs

## test-web-locales: the pages' languages in chromium: /accept in German by Accept-Language and
## by the invitation's own language, the language switcher (by keyboard, keeping the token),
## /reset-password in French by ?lang=fr
test-web-locales: $(WEB_DEPS)
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	$(CARGO) build -p api --bin extranet
	EXTRANET_BIN="$${CARGO_TARGET_DIR:-target}/debug/extranet" node tests/web/locales.mjs

## test-web-join: the join page in chromium: a join link opened at /join, the code read from the
## console delivery, a password → signed in; the waiting message for a link that needs approval;
## German by Accept-Language and the switcher to French keeping the link; a dead link
test-web-join: $(WEB_DEPS)
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	$(CARGO) build -p api --bin extranet
	EXTRANET_BIN="$${CARGO_TARGET_DIR:-target}/debug/extranet" node tests/web/join.mjs

## test-web-two-factor: two-step authentication in chromium, the codes computed by the script
## from each profile's secret (RFC 6238): Swagger UI's "Try it out" logs in (202, a challenge),
## answers the challenge with a code, authorizes, and GET /v1/me is 200; the accept page and
## the join page ask an existing profile with two-step on for its code (a wrong one told, too
## many → the wait, a recovery code); the reset-password page says two-step stays on
test-web-two-factor: $(WEB_DEPS)
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	$(CARGO) build -p api --bin extranet
	EXTRANET_BIN="$${CARGO_TARGET_DIR:-target}/debug/extranet" node tests/web/two-factor.mjs

## test-web-browser: Swagger UI at /docs, the accept page at /accept, the reset-password page
## at /reset-password and pages on other origins calling the API (CORS), in Debian's chromium
## (playwright-core drives it; no browser is downloaded; `faketime` runs a second server eight
## days ahead for an expired link); screenshots in target/browser/
test-web-browser: $(WEB_DEPS)
	@test -x /usr/bin/chromium -a -x /usr/bin/faketime || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium faketime; }
	$(CARGO) build -p api --bin extranet
	EXTRANET_BIN="$${CARGO_TARGET_DIR:-target}/debug/extranet" node tests/web/browser.mjs

## test-fuzz: schemathesis (PyPI, pinned with hashes in tests/fuzz/requirements.txt, in a
## virtualenv under target/fuzz) against a fresh server and its own document, authenticated
## with a bearer token and again with an API token: every check, every phase (stateful links
## too), every operation reached with real ids; 0 failures (tests/fuzz/run.py says how)
FUZZ_VENV := target/fuzz/venv
$(FUZZ_VENV)/.installed: tests/fuzz/requirements.txt
	rm -rf $(FUZZ_VENV)
	python3 -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r tests/fuzz/requirements.txt
	touch $@

test-fuzz: $(FUZZ_VENV)/.installed
	$(CARGO) build -p api --bin extranet
	$(FUZZ_VENV)/bin/python tests/fuzz/run.py --bin "$${CARGO_TARGET_DIR:-target}/debug/extranet"

## lint: formatting, clippy (warnings are errors), the one-way layering of the crates, no
## module cycles inside them, the persistence crate's floors (a floor never uses a higher one,
## a use case never another), no source file of 600 lines or more, and migrations that keep
## the upgrade rule (docs/MIGRATIONS.md: expand only, unless a contract says why; both backends)
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	./scripts/check-layering.sh
	./scripts/check-module-cycles.py
	./scripts/check-floors.py
	./scripts/check-file-sizes.sh
	./scripts/check-migrations.py --self-test
	./scripts/check-migrations.py

## openapi: regenerate openapi.yaml from the code
openapi:
	$(CARGO) run -q -p api --bin extranet -- openapi --output openapi.yaml

## openapi-check: fail when the committed openapi.yaml differs from what the code generates
openapi-check:
	@$(CARGO) run -q -p api --bin extranet -- openapi | diff -u openapi.yaml - \
		|| { echo "openapi.yaml is stale: run 'make openapi' and commit it"; exit 1; }

## bench: the invitation path (single and 100-invitee batches) and list endpoints under load
## (release build), on SQLite with 10 k stored — beside the framework's and the storage's
## ceilings and the better-auth peer, all in the same run — then with 1 M stored, then a
## several-minute soak, then on PostgreSQL with pgbench's ceiling; numbers go to BENCHMARKS.md
BENCH_SECONDS ?= 15
SOAK_SECONDS ?= 180
bench:
	$(CARGO) build --release -p api --bin extranet
	$(CARGO) build --release -p extranet-tests --example load
	peer=$$(./scripts/bench-peer.sh); \
	./target/release/examples/load --seed 10000 --seconds $(BENCH_SECONDS) --ceilings $${peer:+--peer $$peer}
	./target/release/examples/load --seed 1000000 --seconds $(BENCH_SECONDS)
	./target/release/examples/load --seed 10000 --seconds 10 --soak $(SOAK_SECONDS)
	@if (exec 3<>/dev/tcp/$(PG_HOST)/$(PG_PORT)) 2>/dev/null; then \
		./target/release/examples/load --seed 10000 --seconds $(BENCH_SECONDS) --ceilings --postgres $(TEST_POSTGRES_URL) && \
		./scripts/pgbench-ceiling.sh $(TEST_POSTGRES_URL); \
	else \
		echo "PostgreSQL is not reachable at $(PG_HOST):$(PG_PORT): its bench was SKIPPED"; \
	fi

## bench-ab: BASE=<commit>'s release build and this checkout's, alternated in one run
## (single invitations on SQLite and, when reachable, PostgreSQL; ROUNDS=2)
bench-ab:
	./scripts/bench-ab.sh

## ci: lint, every test with the PostgreSQL run required, the upgrade from the previous
## release, and the OpenAPI drift check, then what each stage took
ci:
	@$(STAGES) reset; \
	$(STAGES) run lint $(MAKE) --no-print-directory lint \
	&& $(TEST_STAGES) \
	&& $(MAKE) --no-print-directory test-postgres-required \
	&& $(STAGES) run upgrade $(MAKE) --no-print-directory test-upgrade \
	&& $(STAGES) run "openapi.yaml drift" $(MAKE) --no-print-directory openapi-check; \
	rc=$$?; $(STAGES) report; exit $$rc
