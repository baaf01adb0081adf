#!/usr/bin/env bash
# Builds the Debian packages, checks their contents and lintian, installs them with
# `apt-get install ./*.deb`, runs the installed programs (server, worker, admin, kiosk offscreen,
# console offscreen) against the test cluster, then purges them.
#   packages_test.sh BUILD_DIR PG_CLUSTER_DIR          (as root, like scripts/setup)
# The install is real (apt, dpkg, maintainer scripts, system users) but lands in a copy-on-write
# view of this machine: an overlay of / in a private mount namespace, whose writes go to a tmpfs
# that vanishes with the test. The host gets no users, no /etc files and no packages, even if
# the test is killed (decision 0700).
set -euo pipefail
bin=$1 pgdir=$2
[ "$(id -u)" = 0 ] || { echo "FAIL: packages_test.sh installs packages: run it as root (as scripts/setup)" >&2; exit 1; }
if [ "${GH_PKG_NAMESPACE:-}" != 1 ]; then  # everything below runs in a private mount namespace
  exec unshare --mount --propagation private env GH_PKG_NAMESPACE=1 bash "$0" "$@"
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  psql "$cluster/postgres?host=$pgdir&port=54329" -qAt -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  [ -n "${root:-}" ] && umount -R -l "$root" 2>/dev/null
  umount -l "$work/overlay" 2>/dev/null
  rm -rf --one-file-system "$work"
}
cluster="postgresql://postgres@"
db="gh_pkg_$$"
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "cpack -G DEB"
cpack --config "$bin/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail cpack; }
server=$work/deb/gatehouse-server_0.1.0_amd64.deb
kiosk=$work/deb/gatehouse-kiosk_0.1.0_amd64.deb
console=$work/deb/gatehouse-console_0.1.0_amd64.deb
for d in "$server" "$kiosk" "$console"; do [ -f "$d" ] || fail "no $(basename "$d")"; done

step "contents"
has() {  # has DEB PATH...: every path is in the package
  local list; list=$(dpkg-deb -c "$1" | awk '{print $6}')
  local deb=$1; shift
  for p in "$@"; do grep -qx "./$p" <<<"$list" || fail "$(basename "$deb") lacks /$p"; done
}
has "$server" usr/bin/gatehouse-portal usr/bin/gatehouse-worker usr/bin/gatehouse-admin \
  usr/share/gatehouse/web/index.html usr/share/gatehouse/web/app.js \
  lib/systemd/system/gatehouse-server.service lib/systemd/system/gatehouse-worker.service \
  lib/systemd/system/gatehouse-backup.service lib/systemd/system/gatehouse-backup.timer \
  etc/gatehouse/portal.toml etc/gatehouse/worker.toml etc/gatehouse/backup.env \
  usr/share/doc/gatehouse-server/copyright usr/share/doc/gatehouse-server/changelog.gz
has "$kiosk" usr/bin/gatehouse-kiosk usr/bin/gatehouse-devices usr/share/gatehouse/assets/lang/en.json \
  usr/share/gatehouse/assets/sim/checkin/frame_000.jpg usr/share/gatehouse/kiosk-session \
  lib/systemd/system/gatehouse-kiosk.service etc/gatehouse/kiosk.toml etc/gatehouse/kiosk-appliance.env
has "$console" usr/bin/gatehouse-console usr/share/gatehouse/assets/lang/console/en.json etc/gatehouse/console.toml
for d in "$server" "$kiosk" "$console"; do
  dpkg-deb -c "$d" | awk '{print $6}' | grep -E '^\./(usr/local|home|work|tmp)' && fail "$(basename "$d"): files outside FHS paths"
  # Every file under /etc is a conffile (an upgrade keeps the operator's edits).
  etc=$(dpkg-deb -c "$d" | awk '{print $6}' | grep -E '^\./etc/.*[^/]$' | sed 's|^\.||' | sort)
  conf=$(dpkg-deb --ctrl-tarfile "$d" | tar -xO ./conffiles | sort)
  [ "$etc" = "$conf" ] || fail "$(basename "$d"): conffiles '$conf' != /etc files '$etc'"
done
dpkg-deb -f "$server" Depends | grep -q 'libpq5' || fail "server Depends lacks libpq5 (shlibdeps)"
dpkg-deb -f "$kiosk" Depends | grep -q 'libsdl2' || fail "kiosk Depends lacks libsdl2 (shlibdeps)"
dpkg-deb -f "$server" Depends | grep -q 'adduser' || fail "server Depends lacks adduser (postinst)"

step "maintainer scripts start and migrate nothing"
for d in "$server" "$kiosk"; do
  dpkg-deb --ctrl-tarfile "$d" | tar -xO ./postinst >"$work/postinst"
  sh -n "$work/postinst" || fail "$(basename "$d") postinst: syntax"
  grep -Eq 'systemctl (start|enable|restart)|deb-systemd-invoke|gatehouse-admin (--[a-z-]+ [^ ]+ )?migrate *$' \
    <(grep -v '^ *echo' "$work/postinst") && fail "$(basename "$d") postinst starts or migrates something"
done
dpkg-deb --ctrl-tarfile "$server" | tar -xO ./postinst | grep -q 'migration 0[0-9]*' || fail "postinst names no migration"

step "lintian"
# Allowed, with the reason in docs/OPERATIONS.md: no-manual-page (each program's --help is its
# reference; man pages are planned). Anything else, warning or error, fails.
lintian --tag-display-limit 0 "$server" "$kiosk" "$console" >"$work/lintian.log" 2>&1 || true
grep -E '^[EW]: ' "$work/lintian.log" | grep -v ' no-manual-page ' && { cat "$work/lintian.log"; fail lintian; }
grep -q '^E: ' "$work/lintian.log" && fail "lintian errors"

step "apt-get install ./*.deb into a copy-on-write view of this machine"
host_state() { getent passwd gatehouse gatehouse-kiosk || true; ls -d /usr/bin/gatehouse-* /etc/gatehouse 2>/dev/null || true; }
host_before=$(host_state)
mkdir -p "$work/overlay"
mount -t tmpfs gatehouse-pkg-test "$work/overlay"
mkdir -p "$work/overlay/upper" "$work/overlay/work" "$work/overlay/root"
root=$work/overlay/root
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/overlay/upper,workdir=$work/overlay/work" "$root"
for d in /proc /sys /dev; do mount --rbind "$d" "$root$d"; done
for d in "$work" "$pgdir"; do mkdir -p "$root$d" && mount --bind "$d" "$root$d"; done
in_root() { chroot "$root" "$@"; }
in_root sh -c "cd '$work/deb' && DEBIAN_FRONTEND=noninteractive apt-get install -y ./*.deb" \
  >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install"; }
for p in gatehouse-server gatehouse-kiosk gatehouse-console; do
  in_root dpkg-query -W -f='${Status}' "$p" | grep -qx 'install ok installed' || fail "$p not installed"
done
in_root getent passwd gatehouse >/dev/null || fail "postinst created no gatehouse user"
in_root getent passwd gatehouse-kiosk >/dev/null || fail "postinst created no gatehouse-kiosk user"
[ "$(in_root stat -c %U /var/lib/gatehouse)" = gatehouse ] || fail "/var/lib/gatehouse not owned by gatehouse"
[ "$(host_state)" = "$host_before" ] || fail "the install leaked into this machine"
# A marker only the installed page has: the server must serve /usr/share/gatehouse/web.
echo '<!-- installed-web-root -->' >>"$root/usr/share/gatehouse/web/index.html"

step "database from the fixture template"
owner="$cluster/$db?host=$pgdir&port=54329"
# The server and the worker get their passwords as their units do: a db-password credential
# ($CREDENTIALS_DIRECTORY, read into PGPASSWORD); the kiosk through the cluster's pgpass file.
server="postgresql://gatehouse_server@/$db?host=$pgdir&port=54329"  # the portal
worker="postgresql://gatehouse_worker@/$db?host=$pgdir&port=54329"
kurl="postgresql://gatehouse_kiosk@/$db?host=$pgdir&port=54329&passfile=$pgdir/pgpass"
for unit in server worker; do
  mkdir -p "$work/creds/$unit" && chmod 700 "$work/creds/$unit"
  sed -n "s/^\*:\*:\*:gatehouse_$unit://p" "$pgdir/pgpass" >"$work/creds/$unit/db-password"
  chmod 600 "$work/creds/$unit/db-password"
  [ -s "$work/creds/$unit/db-password" ] || fail "no password for gatehouse_$unit in $pgdir/pgpass"
done
psql "$cluster/postgres?host=$pgdir&port=54329" -qAt -c "CREATE DATABASE $db TEMPLATE gatehouse_template"
in_root /usr/bin/gatehouse-admin --database-url "$owner" status >"$work/status.log" || { cat "$work/status.log"; fail "installed admin: migrations not all applied"; }
in_root /usr/bin/gatehouse-admin --database-url "$owner" seed-demo --env-file "$work/demo.env" \
  --signing-key-file "$work/signing-keys" >/dev/null
# shellcheck disable=SC1091
. "$work/demo.env"

step "installed server: /healthz"
CREDENTIALS_DIRECTORY=$work/creds/server GATEHOUSE_SIGNING_KEY_FILE=$work/signing-keys GATEHOUSE_DATABASE_URL=$server chroot "$root" /usr/bin/gatehouse-portal --config /etc/gatehouse/portal.toml \
  --port 0 --no-access-log >"$work/portal.log" 2>&1 &
pids+=($!)
url=""
for _ in $(seq 600); do  # up to 60 s on a loaded machine; polls the log, not a fixed sleep
  url=$(sed -n 's|^Gatehouse resident portal: \(http://[^ ]*\)/$|\1|p' "$work/portal.log")
  [ -n "$url" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/portal.log"; fail "server exited"; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/portal.log"; fail "server did not start"; }
health=$(curl -fsS "$url/healthz") || fail "/healthz not 200: $health"
grep -q '"status":"ok"' <<<"$health" || fail "unhealthy: $health"
curl -fsS "$url/" | grep -q 'installed-web-root' || fail "server did not serve the installed web root"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/demo/mail")" = 404 ] || fail "/demo/mail exists without a demo mail sink"

step "installed worker: one pass"
in_root /usr/bin/gatehouse-worker --config /etc/gatehouse/worker.toml --database-url "$worker" --once \
  >/dev/null 2>&1 && fail "the installed worker connected without its password"
CREDENTIALS_DIRECTORY=$work/creds/worker in_root /usr/bin/gatehouse-worker --config /etc/gatehouse/worker.toml \
  --database-url "$worker" --once | grep -q '^escalated ' || fail "worker pass"

step "installed kiosk: one scripted visit, offscreen"
sed -e "s|^kiosk_id = .*|kiosk_id = $GATEHOUSE_DEMO_KIOSK1_ID|" -e "s|^token = .*|token = \"$GATEHOUSE_DEMO_KIOSK1_TOKEN\"|" \
  "$root/etc/gatehouse/kiosk.toml" >"$work/kiosk.toml"
cat >"$work/visit.txt" <<'SCRIPT'
wait-screen welcome 60
tap welcome.walk_in
wait-screen find_resident
type a-101
tap unit.A-101
wait-screen visitor_details
type olga smirnova
tap details.phone
type 7900555
tap purpose.guest
tap details.next
wait-screen photo
wait-frames 15
tap photo.take
wait-screen photo_review
tap review.use
wait-screen awaiting_approval 60
tap waiting.cancel
wait-screen welcome 60
SCRIPT
cancelled() {
  psql "$owner" -qAt -c "SELECT count(*) FROM gh.visit WHERE kiosk_id = $GATEHOUSE_DEMO_KIOSK1_ID AND status = 'cancelled'"
}
before=$(cancelled)
SDL_VIDEODRIVER=offscreen timeout 240 chroot "$root" /usr/bin/gatehouse-kiosk --offscreen --config "$work/kiosk.toml" \
  --database-url "$kurl" --outbox "$work/outbox.sqlite" --badge-dir "$work/badges" \
  --script "$work/visit.txt" --size 1280x800 >"$work/kiosk.log" 2>&1 || { tail -30 "$work/kiosk.log"; fail "kiosk visit"; }
after=$(cancelled)
[ "$after" -eq $((before + 1)) ] || fail "kiosk visit not recorded as cancelled ($before -> $after)"

step "installed console: offscreen, translations from /usr/share/gatehouse"
printf 'wait-frames 3\n' >"$work/console.txt"
SDL_VIDEODRIVER=offscreen timeout 120 chroot "$root" /usr/bin/gatehouse-console --config /etc/gatehouse/console.toml \
  --offscreen --server-url http://127.0.0.1:9 --script "$work/console.txt" >"$work/console.log" 2>&1 \
  || { tail -20 "$work/console.log"; fail "console"; }
step "apt-get purge removes everything the packages and their scripts made"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
pids=()
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y gatehouse-server gatehouse-kiosk gatehouse-console \
  >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "apt-get purge"; }
for f in /usr/bin/gatehouse-portal /usr/bin/gatehouse-kiosk /usr/bin/gatehouse-console /etc/gatehouse/portal.toml \
  /lib/systemd/system/gatehouse-server.service; do
  [ ! -e "$root$f" ] || fail "purge left $f"
done
[ "$(host_state)" = "$host_before" ] || fail "the test changed this machine"
echo "all package checks passed"
