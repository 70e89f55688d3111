#!/usr/bin/env bash
# One idea a file: no Rust source file reaches 600 lines (tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=600
big=$(git ls-files '*.rs' | xargs wc -l | awk -v limit="$limit" '$2 != "total" && $1 >= limit {print "  " $2 ": " $1 " lines"}')
if [ -n "$big" ]; then
  echo "files of $limit lines or more:"
  echo "$big"
  exit 1
fi
largest=$(git ls-files '*.rs' | xargs wc -l | grep -v ' total$' | sort -n | tail -1)
echo "file sizes: ok (largest:$largest)"
