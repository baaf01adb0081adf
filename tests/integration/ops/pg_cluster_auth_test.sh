#!/usr/bin/env bash
# scripts/pg-cluster asks for passwords (issue 9, decision 0320): a private cluster with TCP on a
# free port, migrated; every app role needs its own password, the owner is reachable only
# through peer on the socket, and gatehouse_app cannot log in at all.
#   pg_cluster_auth_test.sh SOURCE_DIR GATEHOUSE_ADMIN
set -euo pipefail
src=$1 admin=$2
dir=$(mktemp -d /tmp/gh-pgauth-XXXXXX)
cleanup() { "$src/scripts/pg-cluster" stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
unset PGPASSWORD PGPASSFILE
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GATEHOUSE_PG_LISTEN=127.0.0.1 "$src/scripts/pg-cluster" start "$dir" "$port" >/dev/null
owner=$("$src/scripts/pg-cluster" url "$dir")
psql "$owner" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE gatehouse"
"$admin" --database-url "$("$src/scripts/pg-cluster" url "$dir" postgres gatehouse)" migrate >/dev/null
"$src/scripts/pg-cluster" passwords "$dir"
echo "ok   owner through peer, migrated, passwords set"

[ "$(stat -c %a "$dir")" = 700 ] || fail "socket directory mode $(stat -c %a "$dir"), not 700"
[ "$(stat -c %a "$dir/pgpass")" = 600 ] || fail "pgpass mode $(stat -c %a "$dir/pgpass"), not 600"
grep -Ev '^\s*(#|$)' "$dir/data/pg_hba.conf" | grep -qw trust && fail "pg_hba.conf trusts someone"
for role in gatehouse_server gatehouse_worker gatehouse_kiosk; do
  grep -q "^\*:\*:\*:$role:[0-9a-f]\{48\}$" "$dir/pgpass" || fail "no generated password for $role"
done
echo "ok   socket dir 0700, pgpass 0600, no trust, a password per app role"

# connects ROLE CONNINFO-EXTRA: exit status of one query as ROLE over the socket.
connects() { psql "host=$dir port=$port dbname=gatehouse user=$1 $2" -qAt -c "SELECT 1" >/dev/null 2>&1; }
password_of() { sed -n "s/^\*:\*:\*:$1://p" "$dir/pgpass"; }
for role in gatehouse_server gatehouse_worker gatehouse_kiosk; do
  connects "$role" "passfile=$dir/pgpass" || fail "$role cannot connect with its password"
  connects "$role" "passfile=/nonexistent" && fail "$role connected without a password"
  psql "host=127.0.0.1 port=$port dbname=gatehouse user=$role passfile=$dir/pgpass" -qAt -c "SELECT 1" >/dev/null \
    || fail "$role cannot connect over TCP with its password"
done
echo "ok   each app role needs its password, on the socket and over TCP"

kiosk_pw=$(password_of gatehouse_kiosk)
for role in gatehouse_server gatehouse_worker; do
  connects "$role" "password=$kiosk_pw passfile=/nonexistent" && fail "the kiosk's password logged in as $role"
done
psql "host=127.0.0.1 port=$port dbname=gatehouse user=postgres password=$kiosk_pw" -c "SELECT 1" >/dev/null 2>&1 \
  && fail "the kiosk's password logged in as the owner over TCP"
out=$(psql "host=$dir port=$port dbname=gatehouse user=gatehouse_app password=$kiosk_pw" -c "SELECT 1" 2>&1) \
  && fail "gatehouse_app logged in"
grep -q 'password authentication failed\|not permitted to log in' <<<"$out" || fail "gatehouse_app: $out"
echo "ok   the kiosk's password is no other role's; gatehouse_app cannot log in"

out=$(psql "host=127.0.0.1 port=$port dbname=gatehouse user=postgres passfile=/nonexistent" -c "SELECT 1" 2>&1) \
  && fail "the owner was reached over TCP without a password"
grep -qi 'password' <<<"$out" || fail "owner over TCP: unexpected error: $out"
out=$(psql "host=127.0.0.1 port=$port dbname=gatehouse user=postgres passfile=$dir/pgpass" -c "SELECT 1" 2>&1) \
  && fail "the owner was reached over TCP with the pgpass file"
echo "ok   the owner cannot be reached over TCP without a password"

# A restart keeps the passwords: clients already holding them stay valid.
before=$(cat "$dir/pgpass")
"$src/scripts/pg-cluster" stop "$dir" && "$src/scripts/pg-cluster" start "$dir" >/dev/null
"$src/scripts/pg-cluster" passwords "$dir"
[ "$(cat "$dir/pgpass")" = "$before" ] || fail "passwords changed on restart"
connects gatehouse_server "passfile=$dir/pgpass" || fail "server after restart"
echo "ok   restart and passwords again keep each role's password"
