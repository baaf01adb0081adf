#!/usr/bin/env bash
# scripts/demo's control verbs on the built tree: --no-wait says what keeps running, a second
# run sees it, status and stop work, `visitor` makes another visitor arrive, the portal listens
# on 127.0.0.1 only. Own state folder and a free port, so it never meets a developer's demo.
#   demo_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
export GATEHOUSE_DEMO_BUILD_DIR=$2
export GATEHOUSE_DEMO_STATE
GATEHOUSE_DEMO_STATE=$(mktemp -d /tmp/gh-demo-XXXXXX)
chmod 755 "$GATEHOUSE_DEMO_STATE"
export GATEHOUSE_DEMO_PORT
GATEHOUSE_DEMO_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
unset DISPLAY WAYLAND_DISPLAY GATEHOUSE_DATABASE_URL GATEHOUSE_DEMO_ADDRESS
demo="$src/scripts/demo"
cleanup() { "$demo" stop >/dev/null 2>&1 || true; rm -rf "$GATEHOUSE_DEMO_STATE"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$demo" --no-build --no-wait 2>&1) || { echo "$out"; fail "demo start"; }
grep -q 'Still running after this command' <<<"$out" || { echo "$out"; fail "--no-wait did not say what keeps running"; }
grep -q 'scripts/demo stop' <<<"$out" || fail "--no-wait did not say how to stop"
grep -q 'gatehouse-porta' <<<"$out" || { echo "$out"; fail "--no-wait did not list the portal"; }

for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$GATEHOUSE_DEMO_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$GATEHOUSE_DEMO_PORT/healthz" | grep -q '"ok"' || fail "demo portal not healthy"
listen=$(ss -Hltn "sport = :$GATEHOUSE_DEMO_PORT" | awk '{print $4}')
[ "$listen" = "127.0.0.1:$GATEHOUSE_DEMO_PORT" ] || fail "portal listens on '$listen', not 127.0.0.1 only"

curl -fsS "http://127.0.0.1:$GATEHOUSE_DEMO_PORT/demo/mail" | grep -q 'Demo mailbox' || fail "no demo mailbox page"
"$demo" status >"$GATEHOUSE_DEMO_STATE/status.txt" || fail "status while running: exit $?"
grep -q 'gatehouse-porta' "$GATEHOUSE_DEMO_STATE/status.txt" || fail "status does not list the portal"
before=$(cat "$GATEHOUSE_DEMO_STATE/demo.pids")
again=$("$demo" --no-build --no-wait 2>&1) || fail "second run: exit $?"
grep -q 'already running' <<<"$again" || { echo "$again"; fail "second run did not see the running demo"; }
[ "$(cat "$GATEHOUSE_DEMO_STATE/demo.pids")" = "$before" ] || fail "second run started new processes"

# The newcomer's loop: the scripted offscreen visitor waits for A-101, the resident lets them in
# from the phone page's API, the kiosk prints the badge and opens the gate (gh.gate_event).
api=http://127.0.0.1:$GATEHOUSE_DEMO_PORT
jar=$GATEHOUSE_DEMO_STATE/cookies
json_field() { python3 -c "import sys, json; d = json.load(sys.stdin); print($1)"; }
curl -fsS -c "$jar" -H 'content-type: application/json' \
  -d '{"email":"a-101@harbour.example","password":"gatehouse-demo"}' "$api/api/login" >"$GATEHOUSE_DEMO_STATE/me.json" \
  || fail "resident sign-in"
csrf=$(json_field 'd["csrf"]' <"$GATEHOUSE_DEMO_STATE/me.json")
pending=""
for _ in $(seq 1200); do  # the scripted visitor needs ~30 s to reach the waiting screen on a loaded machine
  pending=$(curl -fsS -b "$jar" "$api/api/visits/pending" | json_field '" ".join(v["id"] for v in d["visits"])')
  [ -n "$pending" ] && break
  sleep 0.1
done
[ -n "$pending" ] || fail "the scripted visitor never asked A-101"
curl -fsS -b "$jar" -H 'content-type: application/json' -H "x-csrf-token: $csrf" -d '{"approve":true}' \
  "$api/api/visits/${pending%% *}/decide" >/dev/null || fail "resident approval"
db="postgresql://postgres@/gatehouse?host=$GATEHOUSE_DEMO_STATE/pg&port=54320"
opened=0
for _ in $(seq 1200); do
  opened=$(psql "$db" -qAt -c "SELECT count(*) FROM gh.gate_event WHERE visit_id = '${pending%% *}' AND reason = 'walk_in'")
  [ "$opened" -ge 1 ] && break
  sleep 0.1
done
[ "$opened" -ge 1 ] || fail "the gate did not open after the resident let the visitor in"
ls "$GATEHOUSE_DEMO_STATE"/kiosk-demo/badges/badge-"${pending%% *}".pdf >/dev/null || fail "no badge printed"

visit=$("$demo" visitor 2 2>&1) || { echo "$visit"; fail "demo visitor"; }
grep -q 'pending' <<<"$visit" || fail "visitor did not arrive: $visit"

pids=$(awk '$1 != "cluster" {print $1}' "$GATEHOUSE_DEMO_STATE/demo.pids")
"$demo" stop >/dev/null
set +e
"$demo" status >/dev/null
code=$?
set -e
[ "$code" = 3 ] || fail "status after stop: exit $code, want 3"
for p in $pids; do
  if grep -q gatehouse "/proc/$p/cmdline" 2>/dev/null; then fail "pid $p still running after stop"; fi
done
echo "demo control verbs work"
