# Kiosk part of scripts/demo, meant to be sourced from scripts/demo.d/services (bash).
# Uses scripts/demo's variables: root, build, state, kiosk_url, pids; sets DEMO_EXTRA_INFO.
# With a display: the kiosk in a window (kiosk 1, simulated camera and printer).
# Without one (SSH): the kiosk offscreen, a scripted visitor checks in against the demo estate;
# the screenshots and the badge PDF land in $state/kiosk-demo/.
kiosk_dir=$state/kiosk-demo
# A person plays the resident on the phone page: the visitor (in a window, or the scripted
# offscreen one) waits 10 minutes for them before a guard takes over with the PIN.
approval=${KIOSK_DEMO_APPROVAL_SECONDS:-600}
mkdir -p "$kiosk_dir"
cat >"$kiosk_dir/kiosk.toml" <<TOML
[kiosk]
estate_id = 1
kiosk_id = 1
token = "demo-kiosk-1-token"
name = "Harbour View · Main gate"
document_pepper_file = "$state/document-pepper"
[database]
url = "$kiosk_url"
[storage]
outbox = "$kiosk_dir/outbox.sqlite"
[devices]
scanner = "${KIOSK_DEMO_SCANNER:-simulated}"
badge_dir = "$kiosk_dir/badges"
[devices.usb]
driver = "simulated"
[gate]
enabled = true
entry_channel = 1
exit_channel = 2
directions = "The gate on your right is open. The lifts are straight ahead."
[timeouts]
approval_seconds = $approval
[ui]
assets_dir = "$root/assets"
TOML
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  "$build/kiosk/gatehouse-kiosk" --config "$kiosk_dir/kiosk.toml" --windowed --size 1280x800 \
    >"$state/logs/kiosk.log" 2>&1 &
  pids+=($!)
  DEMO_EXTRA_INFO+="  Kiosk     a window (kiosk 1); log $state/logs/kiosk.log
"
else
  rm -rf "$kiosk_dir/screens"
  SDL_VIDEODRIVER=offscreen "$build/kiosk/gatehouse-kiosk" --config "$kiosk_dir/kiosk.toml" --offscreen \
    --script "$root/kiosk/scripts/demo-walk-in.txt" --screenshots "$kiosk_dir/screens" \
    >"$state/logs/kiosk.log" 2>&1 &
  pids+=($!)
  DEMO_EXTRA_INFO+="  Kiosk     no display: a scripted visitor (Ivan Petrov, for A-101) checks in offscreen and
            waits up to 10 minutes for the resident; screenshots -> $kiosk_dir/screens/,
            badge PDF -> $kiosk_dir/badges/ (paths also in $state/logs/kiosk.log when done)
"
fi
