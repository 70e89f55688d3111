#!/usr/bin/env bash
# Dependencies point one way: api -> persistence -> domain. The domain crate sees no database,
# HTTP, async runtime or HTTP client; persistence sees no HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
check() {
  local pkg=$1; shift
  local deps
  deps=$(cargo tree -p "$pkg" -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
  for bad in "$@"; do
    if grep -qx "$bad" <<<"$deps"; then
      echo "layering: $pkg depends on $bad"
      fail=1
    fi
  done
}
check domain diesel diesel_migrations libsqlite3-sys pq-sys actix-web actix-rt tokio reqwest utoipa persistence api
check persistence actix-web actix-rt tokio reqwest utoipa api
if [ "$fail" -ne 0 ]; then exit 1; fi
echo "layering: ok (domain <- persistence <- api)"
