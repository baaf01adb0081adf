#!/usr/bin/env bash
# History search on a generated million-visit estate: timing of the console's searches
# (gh.console_search_visits as a guard, RLS on) and their EXPLAIN ANALYZE plans.
#   tests/bench/console/history_bench.sh [BUILD_DIR] [VISITS]
# Uses a private cluster in BUILD_DIR/bench-pg-console (started and stopped here).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-$root/build/dev}
visits=${2:-1000000}
dir="$build/bench-pg-console"
"$root/scripts/pg-cluster" stop "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
"$root/scripts/pg-cluster" start "$dir" 54339 >/dev/null
trap '"$root/scripts/pg-cluster" stop "$dir" >/dev/null 2>&1 || true' EXIT
super=$("$root/scripts/pg-cluster" url "$dir")
psql "$super" -qAt -c "CREATE DATABASE gh_bench"
url=${super/\/postgres\?/\/gh_bench?}
"$build/backend-client/gatehouse-admin" --database-url "$url" migrate >/dev/null
"$root/scripts/pg-cluster" passwords "$dir"
"$build/backend-client/gatehouse-admin" --database-url "$url" seed-demo --signing-key-file "$(mktemp -u)" >/dev/null

echo "# generating $visits visits"
start=$(date +%s.%N)
psql "$url" -qAt -v ON_ERROR_STOP=1 -v n="$visits" <<'SQL'
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
-- Generated history is not live traffic: skip the per-row audit + NOTIFY triggers while loading.
SET session_replication_role = replica;
-- Bulk load: building the trigram index once afterwards is far faster than a million GIN inserts.
DROP INDEX gh.visitor_name_trgm_idx;
CREATE TEMP TABLE before AS SELECT coalesce(max(id), 0) AS max_id FROM gh.visitor;
-- Names from 200 given names x 500 surnames, so a name search matches a realistic few hundred.
CREATE TEMP TABLE given AS SELECT g, (ARRAY['Anna','Boris','Chen','Dmitri','Elena','Fatima','George','Hana','Igor','Julia'])[1 + g % 10] || g AS name FROM generate_series(0, 199) g;
CREATE TEMP TABLE surname AS SELECT s, (ARRAY['Smith','Ivanov','Garcia','Müller','Kowalski','Nguyen','Okafor','Rossi','Tanaka','Petrova'])[1 + s % 10] || s AS name FROM generate_series(0, 499) s;
WITH e AS (SELECT id FROM gh.estate WHERE name = 'Harbour View'),
ins AS (
  INSERT INTO gh.visitor (estate_id, full_name, phone)
  SELECT (SELECT id FROM e), gv.name || ' ' || sn.name, '+44 20 7946 ' || lpad((i % 10000)::text, 4, '0')
    FROM generate_series(1, :n) i
    JOIN given gv ON gv.g = (i::bigint * 7919) % 200
    JOIN surname sn ON sn.s = (i::bigint * 104729) % 500
  RETURNING id)
SELECT count(*) FROM ins;
WITH u AS (SELECT array_agg(id ORDER BY id) AS ids FROM gh.unit WHERE estate_id = (SELECT id FROM gh.estate WHERE name = 'Harbour View')),
     k AS (SELECT array_agg(id ORDER BY id) AS ids FROM gh.kiosk WHERE estate_id = (SELECT id FROM gh.estate WHERE name = 'Harbour View'))
INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, purpose, kiosk_id, status, requested_at, decided_at,
                      decision_channel, entered_at, exited_at)
SELECT gen_random_uuid(), vr.estate_id, u.ids[1 + vr.id % 40], vr.id, 'Visit', k.ids[1 + vr.id % 3], 'checked_out',
       now() - make_interval(secs => (vr.id * 97 % (730 * 86400))),
       now() - make_interval(secs => (vr.id * 97 % (730 * 86400)) - 40),
       'resident', now() - make_interval(secs => (vr.id * 97 % (730 * 86400)) - 60),
       now() - make_interval(secs => (vr.id * 97 % (730 * 86400)) - 3600)
  FROM gh.visitor vr, u, k
 WHERE vr.estate_id = (SELECT id FROM gh.estate WHERE name = 'Harbour View') AND vr.phone LIKE '+44 20 7946 %'
   AND vr.id > (SELECT max_id FROM before);
-- Same definition as migration 0200.
CREATE INDEX visitor_name_trgm_idx ON gh.visitor USING gin (lower(full_name) gin_trgm_ops);
ANALYZE;
SQL
echo "# generated in $(echo "$(date +%s.%N) - $start" | bc) s: $(psql "$url" -qAt -c 'SELECT count(*) FROM gh.visit') visits"

guard=$(psql "$url" -qAt -c "SELECT id FROM gh.person WHERE email = 'guard1@harbour.example'")
kiosk=$(psql "$url" -qAt -c "SELECT id FROM gh.kiosk WHERE name = 'Building A lobby'")
rare=$(psql "$url" -qAt -c "SELECT lower(full_name) FROM gh.visitor WHERE id = (SELECT max(id) - 12345 FROM gh.visitor)")
app=${url/postgres@/gatehouse_server@}  # the server acting for the guard (password: passfile=)
declare -A searches=(
  [latest_100]="NULL, NULL, NULL, NULL, NULL, NULL, 100"
  [name_substring]="'ivanov13', NULL, NULL, NULL, NULL, NULL, 100"
  [name_rare]="'$rare', NULL, NULL, NULL, NULL, NULL, 100"
  [unit]="NULL, 'B-210', NULL, NULL, NULL, NULL, 100"
  [date_range_week]="NULL, NULL, now() - interval '400 days', now() - interval '393 days', NULL, NULL, 100"
  [kiosk_and_status]="NULL, NULL, NULL, NULL, $kiosk, 'checked_out', 100"
  [name_unit_range]="'smith', 'A-101', now() - interval '365 days', now(), NULL, NULL, 100"
)
printf '\n| search | rows | median ms | max ms (of 7) |\n|---|---|---|---|\n'
for name in latest_100 name_substring name_rare unit date_range_week kiosk_and_status name_unit_range; do
  args=${searches[$name]}
  times=()
  for i in 1 2 3 4 5 6 7; do
    out=$(psql "$app" -qAt -c "BEGIN; SET LOCAL gatehouse.person_id = '$guard';" -c '\timing on' \
      -c "SELECT count(*) FROM gh.console_search_visits($args);" -c "COMMIT;" 2>&1)
    rows=$(echo "$out" | sed -n 1p)
    times+=("$(echo "$out" | grep -o 'Time: [0-9.]*' | head -1 | awk '{print $2}')")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  printf '| %s | %s | %s | %s |\n' "$name" "$rows" "$(echo "$sorted" | sed -n 4p)" "$(echo "$sorted" | tail -1)"
done

echo
estate=$(psql "$url" -qAt -c "SELECT id FROM gh.estate WHERE name = 'Harbour View'")
echo "# EXPLAIN ANALYZE of what console_search_visits runs for name_substring (rare name: matches first)"
psql "$url" -qAt -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)
  WITH m AS MATERIALIZED (SELECT id, full_name FROM gh.visitor WHERE estate_id = $estate AND lower(full_name) LIKE '%ivanov13%')
  SELECT v.id, m.full_name, u.label, k.name
  FROM m JOIN gh.visit v ON v.visitor_id = m.id JOIN gh.unit u ON u.id = v.unit_id LEFT JOIN gh.kiosk k ON k.id = v.kiosk_id
 WHERE v.estate_id = $estate ORDER BY v.requested_at DESC LIMIT 100"
echo "# EXPLAIN ANALYZE for name_unit_range (common name: newest visits first, filtered)"
psql "$url" -qAt -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)
  SELECT v.id, vr.full_name, u.label, k.name
  FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id JOIN gh.unit u ON u.id = v.unit_id
  LEFT JOIN gh.kiosk k ON k.id = v.kiosk_id
 WHERE v.estate_id = $estate AND lower(vr.full_name) LIKE '%smith%' AND lower(u.label) = 'a-101'
   AND v.requested_at >= now() - interval '365 days' AND v.requested_at < now()
 ORDER BY v.requested_at DESC LIMIT 100"
echo "# EXPLAIN ANALYZE for kiosk_and_status"
psql "$url" -qAt -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT v.id FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id
 WHERE v.estate_id = $estate AND v.kiosk_id = $kiosk AND v.status = 'checked_out' ORDER BY v.requested_at DESC LIMIT 100"
