// Scan reassembly (keyboard wedge and HID POS), hotplug bookkeeping, the relay board.
#include <algorithm>

#include "gatehouse/devices/usb.hpp"
#include "hid_keys.hpp"

namespace gatehouse::devices {

const char* toString(HidKind k) {
  switch (k) {
    case HidKind::posScanner:
      return "hid-pos-scanner";
    case HidKind::keyboardWedge:
      return "keyboard-wedge";
    case HidKind::relay:
      return "relay";
    case HidKind::other:
      return "other";
  }
  return "other";
}

std::optional<std::pair<std::uint16_t, std::uint16_t>> parseUsbId(std::string_view id) {
  if (id.size() != 9 || id[4] != ':') return std::nullopt;
  auto hex4 = [&](std::size_t at) -> std::optional<std::uint16_t> {
    unsigned v = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
      const char c = id[i];
      if (c >= '0' && c <= '9')
        v = v * 16 + static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v = v * 16 + static_cast<unsigned>(c - 'a' + 10);
      else
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(v);
  };
  auto vendor = hex4(0), product = hex4(5);
  if (!vendor || !product) return std::nullopt;
  return std::pair{*vendor, *product};
}

std::string UsbDeviceInfo::identity() const {
  char ids[16];
  std::snprintf(ids, sizeof ids, "%04x:%04x", vendorId, productId);
  return std::string(ids) + (serial.empty() ? "@" + port : "#" + serial);
}

UsbHub::UsbHub(UsbTransport& transport, UsbConfig config, ScanCallback onScan,
               DeviceCallback onDevice, const Clock& clock)
    : transport_(transport),
      config_(std::move(config)),
      onScan_(std::move(onScan)),
      onDevice_(std::move(onDevice)),
      clock_(clock) {}

UsbHub::~UsbHub() { stop(); }

Status UsbHub::start() {
  {
    std::lock_guard lock(m_);
    if (started_) return Ok{};
    started_ = true;
  }
  return transport_.start(this);
}

void UsbHub::stop() {
  bool wasStarted;
  {
    std::lock_guard lock(m_);
    wasStarted = started_;
    started_ = false;
  }
  if (wasStarted) transport_.stop();
  std::vector<std::thread> pulses;
  {
    std::lock_guard lock(m_);
    pulses.swap(pulses_);
  }
  for (auto& t : pulses)
    if (t.joinable()) t.join();
}

void UsbHub::attached(int handle, const UsbDeviceInfo& info, HidKind kind) {
  UsbDeviceEvent ev{true, info, kind};
  {
    std::lock_guard lock(m_);
    Device d;
    d.info = info;
    d.kind = kind;
    // The same scanner back within the window: continue the scan the unplug interrupted.
    if (auto it = parked_.find(info.identity()); it != parked_.end()) {
      d.partial = std::move(it->second.partial);
      d.symbology = std::move(it->second.symbology);
      parked_.erase(it);
    }
    devices_[handle] = std::move(d);
  }
  if (onDevice_) onDevice_(ev);
}

void UsbHub::report(int handle, std::span<const std::uint8_t> data) {
  std::vector<UsbScan> done;
  {
    std::lock_guard lock(m_);
    auto it = devices_.find(handle);
    if (it == devices_.end()) return;
    Device& d = it->second;
    if (d.kind == HidKind::keyboardWedge)
      keyboardReport(d, data, done);
    else if (d.kind == HidKind::posScanner)
      posReport(d, data, done);
  }
  for (const auto& s : done) onScan_(s);  // outside the lock: the callback may call back in
}

void UsbHub::detached(int handle) {
  UsbDeviceEvent ev;
  {
    std::lock_guard lock(m_);
    auto it = devices_.find(handle);
    if (it == devices_.end()) return;
    Device& d = it->second;
    if (!d.partial.empty()) {
      parked_[d.info.identity()] = Parked{std::move(d.partial), std::move(d.symbology), d.info,
                                          d.kind, clock_.now() + config_.resumeWindow};
    }
    ev = UsbDeviceEvent{false, d.info, d.kind};
    devices_.erase(it);
  }
  if (onDevice_) onDevice_(ev);
}

void UsbHub::tick() {
  std::vector<UsbScan> expired;
  {
    std::lock_guard lock(m_);
    const auto now = clock_.now();
    for (auto it = parked_.begin(); it != parked_.end();) {
      if (it->second.deadline <= now) {
        expired.push_back(UsbScan{std::move(it->second.partial), it->second.info, it->second.kind,
                                  std::move(it->second.symbology), false});
        it = parked_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& s : expired) onScan_(s);
}

void UsbHub::keyboardReport(Device& d, std::span<const std::uint8_t> data,
                            std::vector<UsbScan>& out) {
  if (data.size() == 9) data = data.subspan(1);  // report id in front (non-boot keyboards)
  if (data.size() < 8) return;
  const bool shift = (data[0] & hid::kShiftMask) != 0;
  std::vector<std::uint8_t> now;
  for (std::size_t i = 2; i < 8; ++i)
    if (data[i] > 0x03) now.push_back(data[i]);  // 0 none, 1-3 error codes (rollover)
  for (std::uint8_t key : now) {
    if (std::find(d.keysDown.begin(), d.keysDown.end(), key) != d.keysDown.end())
      continue;  // held, not new
    if (key == hid::kEnter || key == hid::kKeypadEnter) {
      if (!d.partial.empty())
        out.push_back(UsbScan{std::move(d.partial), d.info, d.kind, {}, true});
      d.partial.clear();
    } else if (auto c = hid::keyToChar(key, shift)) {
      if (d.partial.size() < config_.maxScanLength) d.partial += *c;
    }
  }
  d.keysDown = std::move(now);
}

void UsbHub::posReport(Device& d, std::span<const std::uint8_t> data, std::vector<UsbScan>& out) {
  if (data.size() < hid::kPosDataOffset || data[0] != hid::kPosReportId) return;
  const std::size_t n =
      std::min<std::size_t>({data[1], hid::kPosMaxData, data.size() - hid::kPosDataOffset});
  if (d.partial.empty()) d.symbology.assign(reinterpret_cast<const char*>(&data[2]), 3);
  if (d.partial.size() + n <= config_.maxScanLength)
    d.partial.append(reinterpret_cast<const char*>(&data[hid::kPosDataOffset]), n);
  const bool more =
      data.size() >= hid::kPosReportSize && (data[hid::kPosReportSize - 1] & 0x01) != 0;
  if (!more) {
    std::string sym = std::move(d.symbology);
    while (!sym.empty() && sym.back() == '\0') sym.pop_back();
    if (!d.partial.empty())
      out.push_back(UsbScan{std::move(d.partial), d.info, d.kind, std::move(sym), true});
    d.partial.clear();
    d.symbology.clear();
  }
}

std::vector<std::pair<UsbDeviceInfo, HidKind>> UsbHub::devices() const {
  std::lock_guard lock(m_);
  std::vector<std::pair<UsbDeviceInfo, HidKind>> out;
  for (const auto& [h, d] : devices_) out.emplace_back(d.info, d.kind);
  return out;
}

int UsbHub::relayHandle() const {
  for (const auto& [h, d] : devices_)
    if (d.kind == HidKind::relay) return h;
  return -1;
}

Status UsbHub::setRelay(int channel, bool on) {
  if (channel < 1 || channel > 8) return makeError("bad_channel", "relay channels are 1..8");
  int handle;
  {
    std::lock_guard lock(m_);
    handle = relayHandle();
  }
  if (handle < 0) return makeError("no_relay", "no USB relay board attached");
  // USBRelay (16c0:05df): feature report 0, [0xFF, n] switches channel n on, [0xFD, n] off.
  const std::uint8_t cmd[8] = {static_cast<std::uint8_t>(on ? 0xFF : 0xFD),
                               static_cast<std::uint8_t>(channel),
                               0,
                               0,
                               0,
                               0,
                               0,
                               0};
  return transport_.setFeatureReport(handle, cmd);
}

Status UsbHub::pulseRelay(int channel, std::chrono::milliseconds duration) {
  if (auto s = setRelay(channel, true); !s) return s;
  std::lock_guard lock(m_);
  pulses_.emplace_back([this, channel, duration] {
    std::this_thread::sleep_for(duration);  // the gate stays open this long; then always closed
    (void)setRelay(channel, false);
  });
  return Ok{};
}

Status UsbHub::openGate() {
  if (!config_.relayEnabled) return makeError("no_relay", "relay disabled in config");
  return pulseRelay(config_.relayChannel, config_.relayPulse);
}

// ---- FakeUsbTransport ----

Status FakeUsbTransport::start(Listener* listener) {
  std::vector<std::pair<int, std::pair<UsbDeviceInfo, HidKind>>> present;
  {
    std::lock_guard lock(m_);
    listener_ = listener;
    present.assign(present_.begin(), present_.end());
  }
  for (const auto& [h, d] : present) listener->attached(h, d.first, d.second);
  return Ok{};
}

void FakeUsbTransport::stop() {
  std::lock_guard lock(m_);
  listener_ = nullptr;
}

Status FakeUsbTransport::setFeatureReport(int handle, std::span<const std::uint8_t> report) {
  std::lock_guard lock(m_);
  if (!present_.count(handle)) return makeError("no_device", "device unplugged");
  features_[handle].emplace_back(report.begin(), report.end());
  return Ok{};
}

int FakeUsbTransport::plug(const UsbDeviceInfo& info, HidKind kind) {
  Listener* l;
  int h;
  {
    std::lock_guard lock(m_);
    h = next_++;
    present_[h] = {info, kind};
    l = listener_;
  }
  if (l) l->attached(h, info, kind);
  return h;
}

void FakeUsbTransport::send(int handle, std::vector<std::uint8_t> report) {
  Listener* l;
  {
    std::lock_guard lock(m_);
    if (!present_.count(handle)) return;
    l = listener_;
  }
  if (l) l->report(handle, report);
}

void FakeUsbTransport::unplug(int handle) {
  Listener* l;
  {
    std::lock_guard lock(m_);
    if (!present_.erase(handle)) return;
    l = listener_;
  }
  if (l) l->detached(handle);
}

std::vector<std::vector<std::uint8_t>> FakeUsbTransport::featureReports(int handle) const {
  std::lock_guard lock(m_);
  auto it = features_.find(handle);
  return it == features_.end() ? std::vector<std::vector<std::uint8_t>>{} : it->second;
}

std::vector<std::vector<std::uint8_t>> FakeUsbTransport::keyboardReports(const std::string& text,
                                                                         bool enter) {
  std::vector<std::vector<std::uint8_t>> out;
  for (char c : text) {
    auto k = hid::charToKey(c);
    if (!k) continue;
    out.push_back({static_cast<std::uint8_t>(k->second ? 0x02 : 0x00), 0, k->first, 0, 0, 0, 0, 0});
    out.push_back(std::vector<std::uint8_t>(8, 0));
  }
  if (enter) {
    out.push_back({0, 0, hid::kEnter, 0, 0, 0, 0, 0});
    out.push_back(std::vector<std::uint8_t>(8, 0));
  }
  return out;
}

std::vector<std::vector<std::uint8_t>> FakeUsbTransport::posReports(const std::string& data,
                                                                    const std::string& aim) {
  std::vector<std::vector<std::uint8_t>> out;
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min(hid::kPosMaxData, data.size() - pos);
    std::vector<std::uint8_t> r(hid::kPosReportSize, 0);
    r[0] = hid::kPosReportId;
    r[1] = static_cast<std::uint8_t>(n);
    for (std::size_t i = 0; i < 3 && i < aim.size(); ++i)
      r[2 + i] = static_cast<std::uint8_t>(aim[i]);
    std::copy(data.begin() + static_cast<std::ptrdiff_t>(pos),
              data.begin() + static_cast<std::ptrdiff_t>(pos + n), r.begin() + hid::kPosDataOffset);
    pos += n;
    r[hid::kPosReportSize - 1] = pos < data.size() ? 1 : 0;
    out.push_back(std::move(r));
  } while (pos < data.size());
  return out;
}

}  // namespace gatehouse::devices
