#!/usr/bin/env bash
# check-sql-home must refuse each kind of statement planted in a scanned folder and accept the
# allow-listed SQLite files and a clean tree.
set -euo pipefail
scan="$1"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/portal/src" "$root/kiosk/services/src" "$root/console/core/src" "$root/core/src"
echo 'int f() { return 0; }' >"$root/portal/src/clean.cpp"
echo 'auto q = "SELECT value FROM cache";' >"$root/kiosk/services/src/outbox.cpp"
echo 'auto q = "DELETE FROM onsite";' >"$root/console/core/src/local_cache.cpp"
"$scan" "$root" >/dev/null || { echo "a clean tree with allow-listed SQLite was refused"; exit 1; }
for stmt in 'c.exec("x")' '"SELECT id FROM gh.visit"' '"INSERT INTO gh.report"' \
  '"UPDATE gh.person SET"' '"DELETE FROM gh.session"'; do
  for dir in portal/src console/core/src core/src; do
    echo "auto q = $stmt;" >"$root/$dir/planted.cpp"
    if "$scan" "$root" 2>/dev/null; then
      echo "not caught: $stmt in $dir"
      exit 1
    fi
    rm "$root/$dir/planted.cpp"
  done
done
echo "plant_and_scan: every planted statement caught"
