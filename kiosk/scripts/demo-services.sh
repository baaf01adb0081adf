# Kiosk part of scripts/demo, meant to be sourced from scripts/demo.d/services (bash).
# Uses scripts/demo's variables: root, build, state, kiosk_url, pids; sets DEMO_EXTRA_INFO.
# With a display: the kiosk in a window (kiosk 1, simulated camera and printer).
# Without one (SSH): the kiosk offscreen, a scripted visitor checks in against the demo estate;
# the screenshots and the badge PDF land in $state/kiosk-demo/.
kiosk_dir=$state/kiosk-demo
# With a display a person plays the resident: the visitor waits 10 minutes for them. The
# scripted offscreen visitor keeps the short wait so it also shows the guard's PIN path.
approval=8
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then approval=600; fi
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
  DEMO_EXTRA_INFO+="  Kiosk     no display: a scripted visitor is checking in offscreen (about a minute);
            screenshots -> $kiosk_dir/screens/, badge PDF -> $kiosk_dir/badges/
            (the kiosk prints both paths in $state/logs/kiosk.log when it is done)
"
fi
