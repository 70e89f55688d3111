#!/usr/bin/env bash
# The PostgreSQL server's own ceiling for the bench, in the same run: pgbench's TPC-B-like
# transaction (scale 1: one branch row that every transaction updates, like an account row
# every invitation of one account touches) from 16 clients for 10 s, on a database of its own.
set -euo pipefail
server=${1:-postgres://postgres@127.0.0.1:5432}
server=${server%/}
db=extranet_pgbench_$$
if ! command -v pgbench >/dev/null; then
  echo "pgbench is not installed (Debian: postgresql-contrib / postgresql-client): no ceiling"
  exit 0
fi
psql "$server/postgres" -qc "CREATE DATABASE $db"
trap 'psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
pgbench -q -i -s 1 "$server/$db" >/dev/null 2>&1
echo "pgbench ceiling (TPC-B-like, scale 1, 16 clients, 10 s):"
pgbench -c 16 -j 2 -T 10 "$server/$db" 2>/dev/null | grep -E "^(tps|latency average)"
