// gatehouse::devices behind the flow's ports: frames to preview + quality hint + scanner, badges to
// CUPS.
#include "device_adapters.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/document_hash.hpp"
#include "gatehouse/devices/id_document.hpp"

namespace gatehouse::kiosk {
namespace {

std::string translated(const ui::Translations& tr, const std::string& lang, const std::string& key,
                       const std::string& fallback) {
  if (const auto* strings = tr.strings(lang)) {
    if (auto it = strings->find(key); it != strings->end()) return it->second;
  }
  return fallback;
}

}  // namespace

// ---- camera ----

Result<std::unique_ptr<DevicesCamera>> DevicesCamera::create(flow::EventQueue& events,
                                                             const devices::CameraConfig& config) {
  devices::CameraConfig c = config;
  if (c.driver == "simulated" && !c.simulatedFaults)
    c.simulatedFaults = std::make_shared<devices::SimulatedFaults>();
  auto cam = devices::makeCamera(c);
  if (!cam) return cam.error();
  std::unique_ptr<DevicesCamera> self(
      new DevicesCamera(events, std::move(cam).value(), c.simulatedFaults));
  return self;
}

DevicesCamera::DevicesCamera(flow::EventQueue& events, std::unique_ptr<devices::Camera> camera,
                             std::shared_ptr<devices::SimulatedFaults> faults)
    : events_(events), camera_(std::move(camera)), faults_(std::move(faults)) {
  if (auto q = devices::PhotoQualityChecker::create()) quality_ = std::move(q).value();
  devices::ScannerConfig sc;
  sc.decode.formats = devices::CodeFormat::qr;
  scanner_ = std::make_unique<devices::CodeScanner>(sc, [this](const devices::ScanEvent& e) {
    if (mode_ != ScanMode::None)
      events_.post(flow::Event::withText(flow::EventKind::CodeScanned, e.code.text));
  });
  // The MRZ text takes the same path as a typed or PDF417 ID (visitorFromIdDocument); the frame
  // itself never leaves the worker.
  // The recogniser is made on the MRZ worker, not on the way to the first frame.
  mrz_ = std::make_unique<devices::MrzScanner>(
      [] { return devices::makeMrzRecogniser("ocrb"); },
      [this](const devices::MrzScanEvent& e) {
        if (mode_ != ScanMode::IdDocument) return;
        if (e.accepted)
          events_.post(flow::Event::withText(flow::EventKind::CodeScanned, e.accepted->text));
        const bool say = e.hint != devices::MrzHint::none && e.hint != devices::MrzHint::noDocument;
        std::lock_guard lock(mutex_);
        mrzHint_ = say ? std::string("id.") + devices::toString(e.hint) : "";
      });
  camera_->setEventCallback([this](const devices::CameraEvent& e) {
    if (e.state == devices::CameraState::disconnected)
      events_.post(flow::Event::fault(flow::Device::Camera, "disconnected"));
  });
  camera_->addConsumer([this](const devices::Frame& f) { onFrame(f); });
  camera_->start();
}

DevicesCamera::~DevicesCamera() {
  // The camera's consumer threads call onFrame(): they must be gone before our members are.
  camera_->stop();
  camera_.reset();
  scanner_.reset();
  mrz_.reset();
}

void DevicesCamera::setScanMode(ScanMode mode) {
  const ScanMode old = mode_.exchange(mode);
  if (old == mode) return;
  if (mode == ScanMode::IdDocument) scanner_->setFormats(devices::CodeFormat::pdf417);
  if (mode == ScanMode::Qr) scanner_->setFormats(devices::CodeFormat::qr);
  scanner_->reset();  // a code still in view is reported again on the new screen
  if (mrz_) mrz_->reset();
  std::lock_guard lock(mutex_);
  mrzHint_.clear();
}

void DevicesCamera::printMrzAttempts() {
  if (!mrz_) return;
  mrz_->setTrace([](const devices::MrzAttemptTrace& t) {
    // Wall clock, so the benchmark can line these up with the screens' "state" lines.
    const auto sysNow = std::chrono::system_clock::now();
    const auto steadyNow = devices::MrzAttemptTrace::Clock::now();
    auto us = [&](devices::MrzAttemptTrace::Clock::time_point tp) {
      return static_cast<long long>(
          std::chrono::duration_cast<std::chrono::microseconds>(
              (sysNow -
               std::chrono::duration_cast<std::chrono::system_clock::duration>(steadyNow - tp))
                  .time_since_epoch())
              .count());
    };
    std::printf(
        "mrz seq %llu captured %lld started %lld finished %lld cpu_ms %.1f skipped %llu lines %d "
        "tries %d combined %d accepted %d reported %d refused %s\n",
        static_cast<unsigned long long>(t.sequence), us(t.capturedAt), us(t.startedAt),
        us(t.finishedAt), t.cpuMs, static_cast<unsigned long long>(t.skipped), t.lines, t.tries,
        t.combined, t.accepted ? 1 : 0, t.reported ? 1 : 0,
        t.refused.empty() ? "-" : t.refused.c_str());
    std::fflush(stdout);
  });
}

void DevicesCamera::onFrame(const devices::Frame& f) {
  if (f.image.empty()) return;
  if (mode_ != ScanMode::None) scanner_->submit(f);
  if (mode_ == ScanMode::IdDocument && mrz_) mrz_->submit(f);
  RgbFrame rgb;
  cv::Mat converted;
  cv::cvtColor(f.image, converted, cv::COLOR_BGR2RGB);
  rgb.width = converted.cols;
  rgb.height = converted.rows;
  rgb.rgb.assign(converted.datastart, converted.dataend);
  rgb.seq = f.sequence + 1;
  // Quality hints for the live preview: a few times a second is plenty. An ID screen shows the
  // MRZ reader's hint instead, so it does not pay for a face search competing with the reader.
  std::string hint;
  bool checked = false;
  if (quality_ && mode_ != ScanMode::IdDocument && (++frames_ % 4 == 0)) {
    const auto q = quality_->check(f.image);
    hint = q.primary() ? devices::reasonCode(*q.primary()) : "";
    checked = true;
  }
  std::unique_lock lock(mutex_);
  if (checked) hint_ = hint;
  rgb.hint = mode_ == ScanMode::IdDocument ? mrzHint_ : hint_;
  frame_ = std::move(rgb);
  if (!captureRequested_) return;
  const std::string fault = fault_;
  if (!fault.empty()) {
    captureRequested_ = false;
    lock.unlock();
    events_.post(flow::Event::fault(flow::Device::Camera, fault));
    return;
  }
  lock.unlock();
  std::string captureHint;
  if (quality_) {
    const auto q = quality_->check(f.image);
    captureHint = q.primary() ? devices::reasonCode(*q.primary()) : "";
    // The face decides whether the photo can be used at all, so it outranks the other hints, and
    // the shutter waits a few frames for one (a visitor turning back to the camera).
    if (std::find(q.issues.begin(), q.issues.end(), devices::PhotoIssue::noFace) !=
        q.issues.end()) {
      if (--faceWaitFrames_ > 0) return;
      captureHint = devices::reasonCode(devices::PhotoIssue::noFace);
    }
  }
  lock.lock();
  captureRequested_ = false;
  lock.unlock();
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", f.image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
  flow::Event e = flow::Event::withText(flow::EventKind::PhotoCaptured, captureHint);
  e.bytes = std::move(jpeg);
  events_.post(std::move(e));
}

void DevicesCamera::capture() {
  std::lock_guard lock(mutex_);
  if (camera_->state() != devices::CameraState::running && fault_.empty()) {
    events_.post(flow::Event::fault(flow::Device::Camera, "no_frames"));
    return;
  }
  captureRequested_ = true;
  faceWaitFrames_ = kFaceWaitFrames;
}

bool DevicesCamera::latest(RgbFrame& out) {
  std::lock_guard lock(mutex_);
  if (frame_.rgb.empty() || frame_.seq == out.seq) return false;
  out = frame_;
  return true;
}

void DevicesCamera::setFault(const std::string& code) {
  std::lock_guard lock(mutex_);
  fault_ = code;
}

Status DevicesCamera::simulate(const std::string& mode) {
  using M = devices::SimulatedFaults::Mode;
  if (!faults_) return makeError("script", "camera-sim needs camera = \"simulated\"");
  if (mode == "unplug")
    faults_->set(M::unplugged);
  else if (mode == "freeze")
    faults_->set(M::frozen);
  else if (mode == "none")
    faults_->set(M::none);
  else
    return makeError("script", "camera-sim wants unplug, freeze or none");
  return Ok{};
}

std::string DevicesCamera::health() const {
  std::lock_guard lock(mutex_);
  if (!fault_.empty()) return fault_;
  return devices::toString(camera_->state());
}

// ---- printer ----

Result<std::unique_ptr<DevicesPrinter>> DevicesPrinter::create(flow::EventQueue& events,
                                                               PrinterSettings settings,
                                                               const ui::Translations& tr) {
  auto p = devices::makePrinter(settings.printer);
  if (!p) return p.error();
  std::unique_ptr<DevicesPrinter> self(
      new DevicesPrinter(events, std::move(settings), tr, std::move(p).value()));
  return self;
}

DevicesPrinter::DevicesPrinter(flow::EventQueue& events, PrinterSettings settings,
                               const ui::Translations& tr,
                               std::unique_ptr<devices::BadgePrinter> printer)
    : events_(events), settings_(std::move(settings)), tr_(tr), printer_(std::move(printer)) {
  thread_ = std::thread([this] { run(); });
}

DevicesPrinter::~DevicesPrinter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void DevicesPrinter::print(const flow::BadgeData& badge) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(badge);
  }
  cv_.notify_all();
}

std::string DevicesPrinter::health() const {
  std::lock_guard lock(mutex_);
  return health_;
}

std::string DevicesPrinter::lastFile() const {
  std::lock_guard lock(mutex_);
  return lastFile_;
}

std::string DevicesPrinter::lastExitQr() const {
  std::lock_guard lock(mutex_);
  return lastExitQr_;
}

void DevicesPrinter::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (stop_) return;
    flow::BadgeData job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    printOne(job);
    lock.lock();
  }
}

void DevicesPrinter::printOne(const flow::BadgeData& badge) {
  progress_ = 0.05f;
  devices::BadgeLayout layout = devices::layoutFor(settings_.size);
  const std::string& lang = badge.language;
  layout.labels.title = translated(tr_, lang, "badge.label.title", layout.labels.title);
  layout.labels.host = translated(tr_, lang, "badge.label.host", layout.labels.host);
  layout.labels.validUntil =
      translated(tr_, lang, "badge.label.valid_until", layout.labels.validUntil);
  layout.labels.issued = translated(tr_, lang, "badge.label.issued", layout.labels.issued);
  layout.labels.kiosk = translated(tr_, lang, "badge.label.kiosk", layout.labels.kiosk);
  layout.labels.purpose = translated(tr_, lang, "badge.label.purpose", layout.labels.purpose);
  layout.labels.exitHint = translated(tr_, lang, "badge.label.exit_hint", layout.labels.exitHint);
  devices::BadgeData d;
  d.visitorName = badge.visitorName;
  d.hostUnit = badge.unitLabel;
  d.kioskName = settings_.kioskName;
  d.issuedAt = std::chrono::system_clock::now();
  d.validUntil = std::chrono::system_clock::time_point{std::chrono::seconds(badge.validUntil)};
  if (!badge.photoJpeg.empty()) d.photo = cv::imdecode(badge.photoJpeg, cv::IMREAD_COLOR);
  d.exitQrText = badge.exitQr;
  auto rendered = devices::renderBadge(d, layout);
  if (!rendered) {
    events_.post(flow::Event::fault(flow::Device::Printer, "error"));
    return;
  }
  const std::string key = badge.visitId.toString();
  if (!settings_.copyDir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(settings_.copyDir, ec);
    const std::string path = settings_.copyDir + "/badge-" + key + ".pdf";
    std::ofstream(path, std::ios::binary) << rendered->pdf;
    std::lock_guard lock(mutex_);
    lastFile_ = path;
  }
  devices::PrintRequest req;
  req.badgeKey = key;
  {
    std::lock_guard lock(mutex_);
    req.copy = copies_[key]++;  // a retry after a fault is a deliberate reprint
  }
  req.title = "badge " + key;
  req.document = rendered->pdf;
  auto job = printer_->submit(req);
  if (!job) {
    {
      std::lock_guard lock(mutex_);
      health_ = job.error().code;
    }
    flow::Event e =
        flow::Event::fault(flow::Device::Printer,
                           job.error().code == "queue_not_found" ? "queue_not_found" : "offline");
    e.visit = badge.visitId;
    events_.post(std::move(e));
    return;
  }
  progress_ = 0.3f;
  events_.post(flow::Event::forVisit(flow::EventKind::PrintJobAccepted, badge.visitId));
  const devices::PrintStatus status = printer_->follow(
      job->jobId, settings_.printer.timeout, [this](const devices::PrintStatus& s) {
        if (s.state == devices::PrintState::printing) progress_ = 0.7f;
      });
  {
    std::lock_guard lock(mutex_);
    health_ = status.state == devices::PrintState::completed
                  ? "ok"
                  : std::string(devices::toString(status.state));
  }
  if (status.state == devices::PrintState::completed) {
    progress_ = 1.0f;
    {
      std::lock_guard lock(mutex_);
      lastExitQr_ = badge.exitQr;
    }
    events_.post(flow::Event::forVisit(flow::EventKind::PrintCompleted, badge.visitId));
  } else {
    flow::Event e =
        flow::Event::fault(flow::Device::Printer, std::string(devices::toString(status.state)));
    e.visit = badge.visitId;
    events_.post(std::move(e));
  }
}

namespace {

flow::CalendarDate calendar(const devices::Date& d) { return {d.year, d.month, d.day}; }
flow::CalendarDate calendar(const std::optional<devices::Date>& d) {
  return d ? calendar(*d) : flow::CalendarDate{};
}

// Only the last 3 characters are shown; a number that short is not shown at all.
std::string ending(const std::string& number) {
  return number.size() > 3 ? number.substr(number.size() - 3) : std::string();
}

// ICAO 9303: P = passport; I, A, C = identity cards (TD1/TD2); anything else (visas, other
// official travel documents) is a travel document.
std::string mrzKind(const std::string& code) {
  const char c = code.empty() ? '<' : code[0];
  if (c == 'P') return "passport";
  if (c == 'I' || c == 'A' || c == 'C') return "id_card";
  return "travel_document";
}

// Document names are upper case; the badge reads better in title case.
std::string titleCase(std::string name) {
  bool start = true;
  for (auto& c : name) {
    c = start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    start = c == ' ' || c == '-';
  }
  return name;
}

IdRead fromLicence(const devices::AamvaLicense& l, const std::string& pepper) {
  IdRead r;
  r.visitor.name = titleCase(l.givenNames + " " + l.familyName);
  r.visitor.documentType = "aamva";
  if (!pepper.empty())
    r.visitor.documentHash = documentHash(pepper, l.issuerId + ":" + l.documentNumber);
  r.card.kind = l.documentType == "ID" ? "id_card" : "driving_licence";
  r.card.numberEnding = ending(l.documentNumber);
  r.card.issuedIn = l.jurisdiction.empty() || l.country.empty() ? l.jurisdiction + l.country
                                                                : l.jurisdiction + ", " + l.country;
  r.card.dateOfBirth = calendar(l.dateOfBirth);
  r.card.expiry = calendar(l.expiryDate);
  return r;
}

IdRead fromMrz(const devices::MrzDocument& m, const std::string& pepper) {
  IdRead r;
  r.visitor.name = titleCase(m.givenNames + " " + m.surname);
  r.visitor.documentType = "mrz";
  if (!pepper.empty()) r.visitor.documentHash = documentHash(pepper, m.documentNumber);
  r.card.kind = mrzKind(m.documentCode);
  r.card.numberEnding = ending(m.documentNumber);
  r.card.nationality = m.nationality;
  r.card.dateOfBirth = calendar(m.dateOfBirth);
  r.card.expiry = calendar(m.expiryDate);
  return r;
}

}  // namespace

std::optional<IdRead> visitorFromIdDocument(const std::string& text, const std::string& pepper) {
  auto doc = devices::parseIdDocument(text, devices::Date::today());
  if (!doc) return std::nullopt;
  IdRead r;
  if (doc->aamva)
    r = fromLicence(*doc->aamva, pepper);
  else if (doc->mrz)
    r = fromMrz(*doc->mrz, pepper);
  else
    return std::nullopt;
  r.card.name = r.visitor.name;
  return r;
}

}  // namespace gatehouse::kiosk
