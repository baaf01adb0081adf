#!/usr/bin/env bash
# PostgreSQL over TLS with sslmode=verify-full: a throwaway cluster with ssl=on and a test CA
# (openssl CLI), reached through gatehouse-admin (the same libpq connection code as the
# server, worker and kiosk). Plain TCP is refused by pg_hba, so a success proves TLS.
#   pg_tls_test.sh GATEHOUSE_ADMIN
set -euo pipefail
admin=$1
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
work=$(mktemp -d /tmp/gh-pgtls-XXXXXX)
chmod 755 "$work"
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$work"

# Test CA, a server certificate for "localhost" signed by it, and an unrelated CA.
ossl() { openssl "$@" 2>/dev/null; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=gatehouse-test-ca \
  -keyout ca.key -out ca.pem
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=rogue-ca \
  -keyout rogue.key -out rogue.pem
ossl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost -keyout server.key -out server.csr
printf 'subjectAltName=DNS:localhost\n' >san.ext
ossl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem
[ -s server.pem ] || fail "openssl could not make the test certificates"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
[ ${#as_pg[@]} -gt 0 ] && chown postgres "$work"  # initdb and the server log write here
# Passwords everywhere (scram-sha-256), as scripts/pg-cluster: the owner's is in a pgpass file
# that every client names with passfile=.
od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >pw
(umask 077 && echo "*:*:*:postgres:$(cat pw)" >pgpass)
[ ${#as_pg[@]} -gt 0 ] && chown postgres pw
"${as_pg[@]}" "$bin/initdb" -D "$work/data" -A scram-sha-256 --pwfile="$work/pw" -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >initdb.log 2>&1 \
  || { cat initdb.log; fail initdb; }
rm -f pw
cp server.pem server.key data/
[ ${#as_pg[@]} -gt 0 ] && chown postgres data/server.pem data/server.key
chmod 600 data/server.key
cat >data/pg_hba.conf <<'HBA'
local   all all                scram-sha-256
hostssl all all 127.0.0.1/32   scram-sha-256
host    all all 127.0.0.1/32   reject
HBA
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 30 -o "-k $work -p $port \
  -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=server.pem -c ssl_key_file=server.key -c fsync=off" start >/dev/null \
  || { cat server.log; fail "cluster start"; }
psql "host=$work port=$port user=postgres dbname=postgres passfile=$work/pgpass" -qAt -c "CREATE DATABASE gatehouse" >/dev/null

pf="passfile=$work/pgpass"
url="postgresql://postgres@localhost:$port/gatehouse?sslmode=verify-full&sslrootcert=$work/ca.pem&$pf"
out=$("$admin" --database-url "$url" migrate 2>&1) || fail "verify-full with the right CA: $out"
grep -q 'applied' <<<"$out" || fail "migrate over TLS: $out"
"$admin" --database-url "$url" status >/dev/null || fail "status over TLS"
echo "ok   verify-full with the test CA: migrated over TLS"

out=$("$admin" --database-url "postgresql://postgres@localhost:$port/gatehouse?sslmode=disable&$pf" status 2>&1) \
  && fail "plain TCP accepted: $out"
grep -q 'connection_lost' <<<"$out" || fail "plain TCP: unexpected error: $out"
echo "ok   plain TCP refused"

out=$("$admin" --database-url "postgresql://postgres@localhost:$port/gatehouse?sslmode=verify-full&sslrootcert=$work/rogue.pem&$pf" status 2>&1) \
  && fail "a certificate from another CA accepted"
grep -qi 'certificate verify failed' <<<"$out" || fail "wrong CA: unexpected error: $out"
echo "ok   a server certificate from another CA is refused"

out=$("$admin" --database-url "postgresql://postgres@127.0.0.1:$port/gatehouse?sslmode=verify-full&sslrootcert=$work/ca.pem&$pf" status 2>&1) \
  && fail "a certificate for another host name accepted"
grep -qi 'does not match host name' <<<"$out" || fail "host name mismatch: unexpected error: $out"
echo "ok   a certificate for another host name is refused"

out=$(env -u PGPASSWORD "$admin" --database-url "postgresql://postgres@localhost:$port/gatehouse?sslmode=verify-full&sslrootcert=$work/ca.pem&passfile=/nonexistent" status 2>&1) \
  && fail "the owner reached over TLS without a password: $out"
grep -qi 'password' <<<"$out" || fail "no password: unexpected error: $out"
echo "ok   the owner without its password is refused, even over verified TLS"
