#!/usr/bin/env bash
# Runs README's walkthrough as written (the ```sh blocks between <!-- walkthrough --> and
# <!-- /walkthrough -->, but `make run`) against a fresh server on a free port, started the
# way `make run` starts it (console delivery, its stdout in extranet-console.log), then checks
# what the reader is told to expect.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${EXTRANET_BIN:-$root/target/debug/extranet}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac # the walkthrough runs in a directory of its own
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cd "$dir"
EXTRANET_BIND=127.0.0.1:$port EXTRANET_PUBLIC_URL=http://127.0.0.1:$port \
  DATABASE_URL=sqlite://$dir/extranet.db "$bin" serve >extranet-console.log 2>server.log &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
sed -n '/^<!-- walkthrough -->$/,/^<!-- \/walkthrough -->$/p' "$root/README.md" \
  | awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0 } on' \
  | grep -v '^make run' >walkthrough.sh
API=http://127.0.0.1:$port bash -euo pipefail walkthrough.sh >walkthrough.out 2>&1 || {
  cat walkthrough.out server.log; echo "walkthrough: a command failed"; exit 1; }
expect() {
  grep -q -- "$1" walkthrough.out || { cat walkthrough.out; echo "walkthrough: no \`$1\` in what it printed"; exit 1; }
}
expect '"status":"confirmation_sent"'
expect '"outcome":"invited"'
expect '"profile_exists":false'
expect '"token_type":"Bearer"'
expect '"type":"extranet","status":"active"'
expect 'ann@client.example'
expect '^201$'
expect '^+14155550101$'
echo "ok - README walkthrough: $(grep -c . walkthrough.sh) lines run as written; sign-up, invitation, accept, the integrator's batch (201)"
