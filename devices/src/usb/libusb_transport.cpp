// The libusb transport: finds HID scanners (report descriptor with usage page 0x8C, or a
// configured keyboard-wedge id) and relay boards, reads their interrupt endpoints with async
// transfers, and follows hotplug. One event thread does everything, so a device's reports
// are always delivered before its detach.
#include <libusb.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "gatehouse/devices/usb.hpp"

namespace gatehouse::devices {
namespace {

constexpr std::uint16_t kRelayVid = 0x16c0;
constexpr std::uint16_t kRelayPid = 0x05df;

std::string portPath(libusb_device* dev) {
  std::uint8_t ports[8];
  const int n = libusb_get_port_numbers(dev, ports, sizeof ports);
  std::string s = std::to_string(libusb_get_bus_number(dev)) + "-";
  for (int i = 0; i < n; ++i) s += (i ? "." : "") + std::to_string(ports[i]);
  return s;
}

std::string stringDescriptor(libusb_device_handle* h, std::uint8_t index) {
  if (!h || index == 0) return {};
  unsigned char buf[256];
  const int n = libusb_get_string_descriptor_ascii(h, index, buf, sizeof buf);
  return n > 0 ? std::string(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n))
               : std::string();
}

UsbDeviceInfo describe(libusb_device* dev, libusb_device_handle* h,
                       const libusb_device_descriptor& d) {
  UsbDeviceInfo info;
  info.vendorId = d.idVendor;
  info.productId = d.idProduct;
  info.port = portPath(dev);
  info.serial = stringDescriptor(h, d.iSerialNumber);
  info.manufacturer = stringDescriptor(h, d.iManufacturer);
  info.product = stringDescriptor(h, d.iProduct);
  return info;
}

// Usage Page (0x05 0x8C or 0x06 0x8C 0x00): HID Point of Sale barcode scanner.
bool isPosDescriptor(const unsigned char* d, int n) {
  for (int i = 0; i + 1 < n; ++i) {
    if (d[i] == 0x05 && d[i + 1] == 0x8C) return true;
    if (d[i] == 0x06 && i + 2 < n && d[i + 1] == 0x8C && d[i + 2] == 0x00) return true;
  }
  return false;
}

class LibusbTransport final : public UsbTransport {
 public:
  explicit LibusbTransport(UsbConfig c) : config_(std::move(c)) {}
  ~LibusbTransport() override {
    stop();
    if (ctx_) libusb_exit(ctx_);
  }

  Status init() {
    if (int rc = libusb_init(&ctx_); rc != 0)
      return makeError("usb_unavailable", libusb_error_name(rc));
    return Ok{};
  }

  Status start(Listener* listener) override {
    listener_ = listener;
    running_ = true;
    if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
      libusb_hotplug_register_callback(
          ctx_,
          static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                            LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
          LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
          LIBUSB_HOTPLUG_MATCH_ANY, &LibusbTransport::hotplug, this, &hotplugHandle_);
    } else {
      libusb_device** list = nullptr;
      const ssize_t n = libusb_get_device_list(ctx_, &list);
      for (ssize_t i = 0; i < n; ++i) pendingArrivals_.push_back(libusb_ref_device(list[i]));
      if (list) libusb_free_device_list(list, 1);
    }
    thread_ = std::thread([this] { loop(); });
    return Ok{};
  }

  void stop() override {
    if (!running_.exchange(false)) return;
    if (thread_.joinable()) thread_.join();
    if (hotplugHandle_) libusb_hotplug_deregister_callback(ctx_, hotplugHandle_);
    hotplugHandle_ = 0;
  }

  Status setFeatureReport(int handle, std::span<const std::uint8_t> report) override {
    std::lock_guard lock(m_);
    auto it = open_.find(handle);
    if (it == open_.end()) return makeError("no_device", "device not attached");
    std::vector<unsigned char> buf(report.begin(), report.end());
    const int rc = libusb_control_transfer(
        it->second.handle, 0x21, 0x09, 0x0300, static_cast<std::uint16_t>(it->second.interface),
        buf.data(), static_cast<std::uint16_t>(buf.size()), 1000);
    if (rc < 0) return makeError("usb_io", libusb_error_name(rc));
    return Ok{};
  }

 private:
  struct Open {
    libusb_device* device = nullptr;
    libusb_device_handle* handle = nullptr;
    int interface = 0;
    libusb_transfer* transfer = nullptr;
    std::vector<unsigned char> buffer;
    bool transferActive = false;
    LibusbTransport* self = nullptr;
    int id = 0;
  };

  static int LIBUSB_CALL hotplug(libusb_context*, libusb_device* dev, libusb_hotplug_event ev,
                                 void* user) {
    auto* self = static_cast<LibusbTransport*>(user);
    // No I/O here: queue and handle from the event loop.
    std::lock_guard lock(self->pendingM_);
    if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED)
      self->pendingArrivals_.push_back(libusb_ref_device(dev));
    else
      self->pendingDepartures_.push_back(dev);
    return 0;
  }

  static void LIBUSB_CALL onTransfer(libusb_transfer* t) {
    auto* o = static_cast<Open*>(t->user_data);
    if (t->status == LIBUSB_TRANSFER_COMPLETED && t->actual_length > 0 && o->self->listener_)
      o->self->listener_->report(o->id, std::span<const std::uint8_t>(
                                            t->buffer, static_cast<std::size_t>(t->actual_length)));
    if (t->status == LIBUSB_TRANSFER_COMPLETED || t->status == LIBUSB_TRANSFER_TIMED_OUT) {
      o->transferActive = libusb_submit_transfer(t) == 0;
    } else {
      o->transferActive = false;  // cancelled, stalled or the device is gone
    }
  }

  void loop() {
    while (running_) {
      timeval tv{0, 100'000};
      libusb_handle_events_timeout_completed(ctx_, &tv, nullptr);
      std::vector<libusb_device*> arrivals, departures;
      {
        std::lock_guard lock(pendingM_);
        arrivals.swap(pendingArrivals_);
        departures.swap(pendingDepartures_);
      }
      for (auto* d : departures) depart(d);
      for (auto* d : arrivals) {
        arrive(d);
        libusb_unref_device(d);
      }
      if (listener_) listener_->idle();
    }
    std::vector<int> ids;
    {
      std::lock_guard lock(m_);
      for (auto& [id, o] : open_) ids.push_back(id);
    }
    for (int id : ids) close(id, false);
  }

  bool wedgeAllowed(std::uint16_t vid, std::uint16_t pid) const {
    char id[16];
    std::snprintf(id, sizeof id, "%04x:%04x", vid, pid);
    return std::find(config_.wedgeDevices.begin(), config_.wedgeDevices.end(), std::string(id)) !=
           config_.wedgeDevices.end();
  }

  void arrive(libusb_device* dev) {
    libusb_device_descriptor desc{};
    if (libusb_get_device_descriptor(dev, &desc) != 0) return;
    libusb_config_descriptor* cfg = nullptr;
    if (libusb_get_active_config_descriptor(dev, &cfg) != 0 || !cfg) return;
    for (int i = 0; i < cfg->bNumInterfaces; ++i) {
      const libusb_interface_descriptor& alt = cfg->interface[i].altsetting[0];
      if (alt.bInterfaceClass != LIBUSB_CLASS_HID) continue;
      const bool relay = desc.idVendor == kRelayVid && desc.idProduct == kRelayPid;
      const bool wedge = alt.bInterfaceProtocol == 1 && wedgeAllowed(desc.idVendor, desc.idProduct);
      if (!relay && !wedge && alt.bInterfaceProtocol == 1)
        continue;  // someone's keyboard: leave it alone
      libusb_device_handle* h = nullptr;
      if (libusb_open(dev, &h) != 0) continue;
      HidKind kind = relay ? HidKind::relay : wedge ? HidKind::keyboardWedge : HidKind::other;
      if (kind == HidKind::other) {
        unsigned char rd[1024];
        const int n = libusb_control_transfer(h, 0x81, 0x06, 0x2200,
                                              static_cast<std::uint16_t>(alt.bInterfaceNumber), rd,
                                              sizeof rd, 1000);
        if (n > 0 && isPosDescriptor(rd, n)) kind = HidKind::posScanner;
      }
      if (kind == HidKind::other) {
        libusb_close(h);
        continue;
      }
      libusb_set_auto_detach_kernel_driver(h, 1);
      if (libusb_claim_interface(h, alt.bInterfaceNumber) != 0) {
        libusb_close(h);
        continue;
      }
      auto o = std::make_unique<Open>();
      o->device = libusb_ref_device(dev);
      o->handle = h;
      o->interface = alt.bInterfaceNumber;
      o->self = this;
      const UsbDeviceInfo info = describe(dev, h, desc);
      for (int e = 0; e < alt.bNumEndpoints && kind != HidKind::relay; ++e) {
        const auto& ep = alt.endpoint[e];
        if ((ep.bEndpointAddress & LIBUSB_ENDPOINT_IN) &&
            (ep.bmAttributes & 0x03) == LIBUSB_TRANSFER_TYPE_INTERRUPT) {
          o->buffer.resize(std::max<std::size_t>(ep.wMaxPacketSize, 64));
          o->transfer = libusb_alloc_transfer(0);
          libusb_fill_interrupt_transfer(o->transfer, h, ep.bEndpointAddress, o->buffer.data(),
                                         static_cast<int>(o->buffer.size()),
                                         &LibusbTransport::onTransfer, o.get(), 0);
          break;
        }
      }
      int id;
      Open* raw = o.get();
      {
        std::lock_guard lock(m_);
        id = next_++;
        raw->id = id;
        open_[id] = std::move(*o);
        raw = &open_[id];
        if (raw->transfer) raw->transfer->user_data = raw;
      }
      if (listener_) listener_->attached(id, info, kind);
      if (raw->transfer) raw->transferActive = libusb_submit_transfer(raw->transfer) == 0;
      break;  // one interface per device is enough for our devices
    }
    libusb_free_config_descriptor(cfg);
  }

  void depart(libusb_device* dev) {
    std::vector<int> ids;
    {
      std::lock_guard lock(m_);
      for (auto& [id, o] : open_)
        if (o.device == dev) ids.push_back(id);
    }
    for (int id : ids) close(id, true);
  }

  void close(int id, bool notify) {
    // Runs on the event thread, the only one that runs transfer callbacks.
    libusb_transfer* t = nullptr;
    {
      std::lock_guard lock(m_);
      auto it = open_.find(id);
      if (it == open_.end()) return;
      if (it->second.transferActive) t = it->second.transfer;
    }
    if (t) {
      libusb_cancel_transfer(t);
      for (int i = 0; i < 50; ++i) {  // let the cancellation complete before freeing
        timeval tv{0, 10'000};
        libusb_handle_events_timeout_completed(ctx_, &tv, nullptr);
        std::lock_guard lock(m_);
        if (!open_[id].transferActive) break;
      }
    }
    {
      std::lock_guard lock(m_);
      auto it = open_.find(id);
      if (it != open_.end()) {
        if (it->second.transfer) libusb_free_transfer(it->second.transfer);
        libusb_release_interface(it->second.handle, it->second.interface);
        libusb_close(it->second.handle);
        libusb_unref_device(it->second.device);
        open_.erase(it);
      }
    }
    if (notify && listener_) listener_->detached(id);
  }

  UsbConfig config_;
  libusb_context* ctx_ = nullptr;
  libusb_hotplug_callback_handle hotplugHandle_ = 0;
  Listener* listener_ = nullptr;
  std::atomic<bool> running_{false};
  std::thread thread_;
  std::mutex pendingM_;
  std::vector<libusb_device*> pendingArrivals_, pendingDepartures_;
  std::mutex m_;
  std::map<int, Open> open_;
  int next_ = 1;
};

}  // namespace

Result<std::unique_ptr<UsbTransport>> makeLibusbTransport(const UsbConfig& config) {
  auto t = std::make_unique<LibusbTransport>(config);
  if (auto s = t->init(); !s) return s.error();
  return std::unique_ptr<UsbTransport>(std::move(t));
}

Result<std::vector<UsbDeviceInfo>> listUsbDevices() {
  libusb_context* ctx = nullptr;
  if (int rc = libusb_init(&ctx); rc != 0)
    return makeError("usb_unavailable", libusb_error_name(rc));
  libusb_device** list = nullptr;
  const ssize_t n = libusb_get_device_list(ctx, &list);
  std::vector<UsbDeviceInfo> out;
  for (ssize_t i = 0; i < n; ++i) {
    libusb_device_descriptor d{};
    if (libusb_get_device_descriptor(list[i], &d) != 0) continue;
    libusb_device_handle* h = nullptr;
    if (libusb_open(list[i], &h) != 0) h = nullptr;  // names need access; ids do not
    out.push_back(describe(list[i], h, d));
    if (h) libusb_close(h);
  }
  if (list) libusb_free_device_list(list, 1);
  libusb_exit(ctx);
  return out;
}

}  // namespace gatehouse::devices
