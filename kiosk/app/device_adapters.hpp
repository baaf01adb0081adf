// Adapters from gatehouse::devices (camera, code scanner, photo quality, badge PDF, CUPS printer)
// onto the flow's ports. Device threads post flow events; nothing here touches ImGui.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "gatehouse/devices/badge.hpp"
#include "gatehouse/devices/camera.hpp"
#include "gatehouse/devices/code_scanner.hpp"
#include "gatehouse/devices/mrz_scanner.hpp"
#include "gatehouse/devices/photo_quality.hpp"
#include "gatehouse/devices/printer.hpp"
#include "gatehouse/ui/translations.hpp"
#include "local_devices.hpp"

namespace gatehouse::kiosk {

// What the camera's frames are scanned for, set by the UI thread from the current screen.
enum class ScanMode { None, Qr, IdDocument };

class DevicesCamera final : public KioskCamera {
 public:
  // Errors from devices::makeCamera (unknown_driver, bad_config).
  static Result<std::unique_ptr<DevicesCamera>> create(flow::EventQueue& events,
                                                       const devices::CameraConfig& config);
  ~DevicesCamera() override;
  void capture() override;
  bool latest(RgbFrame& out) override;
  void setFault(const std::string& code) override;
  std::string health() const override;
  Status simulate(const std::string& mode) override;
  void setScanMode(ScanMode mode);
  // --bench: one "mrz ..." line on stdout per frame the MRZ worker read (times in wall-clock us).
  void printMrzAttempts();

 private:
  DevicesCamera(flow::EventQueue& events, std::unique_ptr<devices::Camera> camera,
                std::shared_ptr<devices::SimulatedFaults> faults);
  void onFrame(const devices::Frame& frame);

  flow::EventQueue& events_;
  std::unique_ptr<devices::Camera> camera_;
  std::shared_ptr<devices::SimulatedFaults> faults_;       // null unless the camera is simulated
  std::unique_ptr<devices::PhotoQualityChecker> quality_;  // used on the consumer thread only
  std::unique_ptr<devices::CodeScanner> scanner_;
  std::unique_ptr<devices::MrzScanner> mrz_;  // ID screens: passports and ID cards by their MRZ
  std::atomic<ScanMode> mode_{ScanMode::None};
  mutable std::mutex mutex_;
  RgbFrame frame_;
  std::string hint_;
  std::string mrzHint_;  // "id.<hint>" while an ID screen shows, "" when there is nothing to say
  std::string fault_;
  bool captureRequested_ = false;
  static constexpr int kFaceWaitFrames = 20;  // ~1.3 s at 15 fps
  std::atomic<int> faceWaitFrames_{0};        // frames the shutter still waits for a face
  std::uint64_t frames_ = 0;
};

struct PrinterSettings {
  devices::PrinterConfig printer;
  devices::BadgeSize size = devices::BadgeSize::cr80;
  std::string kioskName;
  std::string copyDir;  // when set, every rendered badge PDF is also written here (demo, tests)
};

class DevicesPrinter final : public flow::BadgePrinter {
 public:
  static Result<std::unique_ptr<DevicesPrinter>> create(flow::EventQueue& events,
                                                        PrinterSettings settings,
                                                        const ui::Translations& tr);
  ~DevicesPrinter() override;
  void print(const flow::BadgeData& badge) override;
  float progress() const { return progress_; }
  std::string health() const;
  std::string lastFile() const;
  std::string lastExitQr() const;

 private:
  DevicesPrinter(flow::EventQueue& events, PrinterSettings settings, const ui::Translations& tr,
                 std::unique_ptr<devices::BadgePrinter> printer);
  void run();
  void printOne(const flow::BadgeData& badge);

  flow::EventQueue& events_;
  PrinterSettings settings_;
  const ui::Translations& tr_;
  std::unique_ptr<devices::BadgePrinter> printer_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<flow::BadgeData> jobs_;
  std::map<std::string, int> copies_;
  std::string health_ = "ok";
  std::string lastFile_;
  std::string lastExitQr_;
  bool stop_ = false;
  std::atomic<float> progress_{0};
  std::thread thread_;
};

// A scanned ID as the flow takes it: what goes on with the visit, and what is only shown.
struct IdRead {
  flow::VisitorInfo visitor;  // name, document type, keyed hash of the number
  flow::DocumentCard card;    // kind, number ending, nationality, dates: shown, never sent
};

// Turns a scanned ID document (AAMVA PDF417 or MRZ text) into visitor fields and the card "About
// you" shows; nullopt if it is not one. The full number appears in neither.
// pepper: the estate's document pepper; empty = no document hash (the number is never kept).
std::optional<IdRead> visitorFromIdDocument(const std::string& text, const std::string& pepper);

}  // namespace gatehouse::kiosk
