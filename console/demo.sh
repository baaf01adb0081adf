# Console part of the demo, meant to be sourced by scripts/demo (or scripts/demo.d/services) with
# $build, $worker_url, $state and the pids array set. Starts gatehouse-worker in the background and
# prints how to open the console (or opens it when DEMO_CONSOLE=1 and a display is available).
CREDENTIALS_DIRECTORY=${worker_creds:-} "$build/console/worker/gatehouse-worker" --config "$root/config/console.toml" --database-url "$worker_url" \
  >"$state/logs/worker.log" 2>&1 &
pids+=($!)
# The console talks to the portal (the server) only; staff sign in with password and TOTP. The
# demo guard's TOTP is enrolled once per demo database (its otpauth URI and QR in a file).
totp_file=$state/guard1-totp.txt
if ((reset)) || [[ ! -s "$totp_file" ]]; then
  "$build/backend-client/gatehouse-admin" --database-url "$db_url" enrol-totp guard1@harbour.example \
    >"$totp_file" 2>&1 || { cat "$totp_file" >&2; exit 1; }
fi
console_url="http://127.0.0.1:${GATEHOUSE_DEMO_PORT:-8080}"
console_cmd="$build/console/gatehouse-console --config $root/config/console.toml --server-url $console_url --email guard1@harbour.example --password gatehouse-demo"
if [[ "${DEMO_CONSOLE:-0}" == 1 && -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  (cd "$root" && eval "$console_cmd" >"$state/logs/console.log" 2>&1) &
  pids+=($!)
fi
DEMO_EXTRA_INFO="${DEMO_EXTRA_INFO:-}
  Console   $console_cmd
            TOTP for guard1: add the otpauth URI (or scan the QR) in $totp_file to an authenticator app
            (run from $root; admin@harbour.example sees the watchlist and reports)
  Worker    gatehouse-worker running (log $state/logs/worker.log)"
