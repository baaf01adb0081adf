# Console part of the demo, meant to be sourced by scripts/demo (or scripts/demo.d/services) with
# $build, $worker_url, $state and the pids array set. Starts gatehouse-worker in the background and
# prints how to open the console (or opens it when DEMO_CONSOLE=1 and a display is available).
"$build/console/worker/gatehouse-worker" --config "$root/config/console.toml" --database-url "$worker_url" \
  >"$state/logs/worker.log" 2>&1 &
pids+=($!)
# The console talks to the portal (the server) only; guards add their 6-digit TOTP code.
console_url="http://127.0.0.1:${GATEHOUSE_DEMO_PORT:-8080}"
console_cmd="$build/console/gatehouse-console --config $root/config/console.toml --server-url $console_url --email guard1@harbour.example --password gatehouse-demo"
if [[ "${DEMO_CONSOLE:-0}" == 1 && -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  (cd "$root" && eval "$console_cmd" >"$state/logs/console.log" 2>&1) &
  pids+=($!)
fi
DEMO_EXTRA_INFO="${DEMO_EXTRA_INFO:-}
  Console   $console_cmd
            (run from $root; admin@harbour.example sees the watchlist and reports)
  Worker    gatehouse-worker running (log $state/logs/worker.log)"
