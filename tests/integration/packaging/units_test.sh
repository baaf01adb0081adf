#!/usr/bin/env bash
# Every unit passes `systemd-analyze verify` with no message, and every service rates <= 2.5
# ("OK") in `systemd-analyze security --offline=yes`.
#   units_test.sh PACKAGING_DIR
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# verify checks that ExecStart programs exist: stand-ins at the same paths under $work, and
# unit copies that differ only in that prefix.
mkdir -p "$work/usr/bin" "$work/usr/share/gatehouse" "$work/units"
for b in gatehouse-portal gatehouse-worker gatehouse-admin gatehouse-kiosk; do
  printf '#!/bin/sh\n' >"$work/usr/bin/$b"
  chmod +x "$work/usr/bin/$b"
done
cp "$src/kiosk-session" "$work/usr/share/gatehouse/"
for unit in "$src"/systemd/*; do
  sed -e "s|/usr/bin/gatehouse-|$work/usr/bin/gatehouse-|g" \
      -e "s|/usr/share/gatehouse/|$work/usr/share/gatehouse/|g" "$unit" >"$work/units/$(basename "$unit")"
done
cd "$work/units"
for unit in *; do
  # verify exits 0 on unknown keys and bad values (it only prints them), so any output fails.
  out=$(systemd-analyze verify "./$unit" 2>&1) || { echo "FAIL verify $unit (exit $?)"; fail=1; }
  if [ -n "$out" ]; then echo "FAIL verify $unit:"; echo "$out"; fail=1; else echo "ok   verify $unit"; fi
done

for unit in "$src"/systemd/*.service; do
  name=$(basename "$unit")
  line=$(systemd-analyze security --offline=yes "$unit" 2>&1 | grep 'Overall exposure level') || true
  score=$(sed -n 's/.*: \([0-9.]*\) .*/\1/p' <<<"$line")
  if [ -z "$score" ]; then echo "FAIL security $name: no score"; fail=1; continue; fi
  if awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }'; then
    echo "ok   security $name $score"
  else
    echo "FAIL security $name $score > 2.5"; fail=1
  fi
done

# A unit that verify must reject, so a silent verify cannot pass this test by accident.
printf '[Service]\nExecStart=/bin/true\nTyp=notify\n' >"$work/broken.service"
[ -n "$(systemd-analyze verify "$work/broken.service" 2>&1)" ] || { echo "FAIL verify accepted a typo"; fail=1; }
sh -n "$src/kiosk-session" || fail=1
exit $fail
