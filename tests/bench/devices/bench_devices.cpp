// Device benchmarks: decode cost per frame size (code / no code), ZXing vs ZBar on one
// generated set, badge render and CUPS submit, photo-quality check.
#include <benchmark/benchmark.h>
#include <zbar.h>

#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/devices/badge.hpp"
#include "gatehouse/devices/barcode.hpp"
#include "gatehouse/devices/mrz_reader.hpp"
#include "gatehouse/devices/photo_quality.hpp"
#include "gatehouse/devices/printer.hpp"
#include "gatehouse/devices/testing/mrz_corpus.hpp"
#include "gatehouse/devices/testing/private_cups.hpp"

using namespace gatehouse;
using namespace gatehouse::devices;
using namespace zbar;  // zbar.h puts its C API in namespace zbar when compiled as C++

namespace {

const std::string kToken = ExitToken::generate(Uuid::random()).encode();

cv::Mat frame(cv::Size size, bool withCode, CodeFormat f = CodeFormat::qr) {
  cv::Mat img(size, CV_8UC3);
  cv::theRNG().state = 12345;
  cv::randn(img, cv::Scalar(130, 125, 120), cv::Scalar(25, 25, 25));
  cv::GaussianBlur(img, img, {0, 0}, 2);  // camera-like texture rather than white noise
  if (withCode) {
    const int module = std::max(3, size.height / 160);
    cv::Mat code =
        encodeCode(f, f == CodeFormat::qr ? kToken : std::string(180, 'A'), module).value();
    cv::Mat bgr;
    cv::cvtColor(code, bgr, cv::COLOR_GRAY2BGR);
    bgr.copyTo(img(
        cv::Rect((size.width - bgr.cols) / 2, (size.height - bgr.rows) / 2, bgr.cols, bgr.rows)));
  }
  return img;
}

void BM_DecodeFrame(benchmark::State& state) {
  const cv::Size size(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const bool withCode = state.range(2) != 0;
  const cv::Mat img = frame(size, withCode);
  DecodeOptions o;  // the camera path: QR + PDF417, downscaled, one pass
  std::size_t found = 0;
  for (auto _ : state) {
    auto codes = decodeCodes(img, o);
    found += codes.size();
    benchmark::DoNotOptimize(codes);
  }
  state.counters["found_per_frame"] =
      static_cast<double>(found) / static_cast<double>(state.iterations());
  state.SetLabel(std::to_string(size.width) + "x" + std::to_string(size.height) +
                 (withCode ? " qr" : " empty"));
}
BENCHMARK(BM_DecodeFrame)
    ->Args({640, 480, 1})
    ->Args({640, 480, 0})
    ->Args({1280, 720, 1})
    ->Args({1280, 720, 0})
    ->Args({1920, 1080, 1})
    ->Args({1920, 1080, 0})
    ->Unit(benchmark::kMillisecond);

// Without downscaling: what the fast path saves on an empty 1080p frame.
void BM_DecodeFrameFullResolution(benchmark::State& state) {
  const cv::Mat img = frame({1920, 1080}, false);
  DecodeOptions o;
  o.maxSide = 0;
  o.formats = state.range(0) ? (CodeFormat::qr | CodeFormat::pdf417) : CodeFormats(CodeFormat::qr);
  for (auto _ : state) benchmark::DoNotOptimize(decodeCodes(img, o));
  state.SetLabel(state.range(0) ? "1920x1080 empty, qr+pdf417, no downscale"
                                : "1920x1080 empty, qr, no downscale");
}
BENCHMARK(BM_DecodeFrameFullResolution)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// One generated set (QR: clean, rotated, warped, blurred, low contrast, small) at 1280x720.
std::vector<std::pair<cv::Mat, std::string>> peerSet() {
  std::vector<std::pair<cv::Mat, std::string>> set;
  for (int i = 0; i < 24; ++i) {
    const std::string text = ExitToken::generate(Uuid::random()).encode();
    const int module = 3 + i % 4;
    cv::Mat code = encodeCode(CodeFormat::qr, text, module).value();
    cv::Mat img(720, 1280, CV_8UC1, cv::Scalar(200));
    cv::randn(img, 190, 10);
    code.copyTo(img(cv::Rect(100 + 30 * i, 80 + 10 * i, code.cols, code.rows)));
    switch (i % 6) {
      case 1: {
        cv::Mat r;
        cv::warpAffine(img, r, cv::getRotationMatrix2D({640, 360}, 25, 1.0), img.size(),
                       cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(190));
        img = r;
        break;
      }
      case 2: {
        const cv::Point2f s[] = {{0, 0}, {1280, 0}, {1280, 720}, {0, 720}};
        const cv::Point2f d[] = {{60, 30}, {1200, 90}, {1260, 690}, {20, 710}};
        cv::Mat r;
        cv::warpPerspective(img, r, cv::getPerspectiveTransform(s, d), img.size(), cv::INTER_LINEAR,
                            cv::BORDER_CONSTANT, cv::Scalar(190));
        img = r;
        break;
      }
      case 3:
        cv::GaussianBlur(img, img, {0, 0}, 1.2);
        break;
      case 4:
        img.convertTo(img, -1, 0.25, 100);
        break;
      default:
        break;
    }
    set.emplace_back(img, text);
  }
  return set;
}

int zbarDecode(zbar_image_scanner_t* scanner, const cv::Mat& gray, const std::string& expected) {
  zbar_image_t* image = zbar_image_create();
  zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(image, static_cast<unsigned>(gray.cols), static_cast<unsigned>(gray.rows));
  zbar_image_set_data(image, gray.data, gray.total(), nullptr);
  int ok = 0;
  if (zbar_scan_image(scanner, image) > 0) {
    for (const zbar_symbol_t* s = zbar_image_first_symbol(image); s; s = zbar_symbol_next(s))
      if (expected == zbar_symbol_get_data(s)) ok = 1;
  }
  zbar_image_destroy(image);
  return ok;
}

void BM_PeerZXingVsZBar(benchmark::State& state) {
  const auto set = peerSet();
  zbar_image_scanner_t* scanner = zbar_image_scanner_create();
  zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  DecodeOptions o;
  o.formats = CodeFormat::qr;
  o.maxSide = 0;  // both decoders see the same full-resolution gray image
  DecodeOptions thorough = o;
  thorough.thorough = true;
  double zxMs = 0, zbMs = 0, zxThMs = 0;
  int zxOk = 0, zbOk = 0, zxThOk = 0, images = 0;
  using clock = std::chrono::steady_clock;
  for (auto _ : state) {
    for (const auto& [img, text] : set) {
      auto t0 = clock::now();
      const auto codes = decodeCodes(img, o);
      auto t1 = clock::now();
      const int z = zbarDecode(scanner, img, text);
      auto t2 = clock::now();
      zxMs += std::chrono::duration<double, std::milli>(t1 - t0).count();
      zbMs += std::chrono::duration<double, std::milli>(t2 - t1).count();
      zxOk += (!codes.empty() && codes[0].text == text) ? 1 : 0;
      zbOk += z;
      auto t3 = clock::now();
      const auto th = decodeCodes(img, thorough);
      zxThMs += std::chrono::duration<double, std::milli>(clock::now() - t3).count();
      zxThOk += (!th.empty() && th[0].text == text) ? 1 : 0;
      ++images;
    }
  }
  zbar_image_scanner_destroy(scanner);
  state.counters["zxing_ms_per_image"] = zxMs / images;
  state.counters["zbar_ms_per_image"] = zbMs / images;
  state.counters["zxing_found_pct"] = 100.0 * zxOk / images;
  state.counters["zbar_found_pct"] = 100.0 * zbOk / images;
  state.counters["zbar_time_over_zxing"] = zbMs / zxMs;
  state.counters["zxing_thorough_ms_per_image"] = zxThMs / images;
  state.counters["zxing_thorough_found_pct"] = 100.0 * zxThOk / images;
  state.counters["zbar_time_over_zxing_thorough"] = zbMs / zxThMs;
  state.SetLabel(std::to_string(set.size()) + " QR images 1280x720, full resolution");
}
BENCHMARK(BM_PeerZXingVsZBar)->Unit(benchmark::kMillisecond)->Iterations(3);

BadgeData badgeData() {
  BadgeData d;
  d.visitorName = "Anna Maria Eriksson";
  d.hostUnit = "B-1204";
  d.purpose = "Delivery";
  d.kioskName = "North gate";
  d.issuedAt = std::chrono::system_clock::now();
  d.validUntil = d.issuedAt + std::chrono::hours(4);
  d.photo = frame({640, 480}, false);
  d.exitQrText = kToken;
  return d;
}

void BM_BadgeRender(benchmark::State& state) {
  const auto d = badgeData();
  const auto layout = layoutFor(static_cast<BadgeSize>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) bytes = renderBadge(d, layout).value().pdf.size();
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
  state.SetLabel(std::string(toString(layout.size)) + ", 640x480 photo");
}
BENCHMARK(BM_BadgeRender)
    ->Arg(static_cast<int>(BadgeSize::cr80))
    ->Arg(static_cast<int>(BadgeSize::a6))
    ->Unit(benchmark::kMillisecond);

// Submit to a private cupsd raw queue (state: the job is accepted) and submit + follow until
// the bytes reached the TCP printer and CUPS reports completed.
void BM_BadgeSubmit(benchmark::State& state) {
  auto cups = testing::PrivateCups::start();
  if (!cups) {
    state.SkipWithError(cups.error().message.c_str());
    return;
  }
  testing::RawPrinterListener listener;
  (void)cups.value()->addQueue("bench", listener.uri());
  PrinterConfig pc;
  pc.queue = "bench";
  pc.server = cups.value()->server();
  pc.pollInterval = std::chrono::milliseconds(5);
  auto printer = std::move(makePrinter(pc)).value();
  const std::string pdf = renderBadge(badgeData(), layoutFor(BadgeSize::cr80)).value().pdf;
  const bool follow = state.range(0) != 0;
  int n = 0;
  for (auto _ : state) {
    PrintRequest r;
    r.badgeKey = "bench-" + std::to_string(n++) + (follow ? "f" : "s");
    r.document = pdf;
    if (follow) {
      auto st = printer->print(r);
      if (st.state != PrintState::completed) state.SkipWithError("job did not complete");
    } else {
      benchmark::DoNotOptimize(printer->submit(r));
    }
  }
  state.SetLabel(follow ? "submit + follow to completed (raw queue, TCP printer)" : "submit only");
}
BENCHMARK(BM_BadgeSubmit)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_PhotoQuality(benchmark::State& state) {
  cv::Mat img = cv::imread(std::string(GATEHOUSE_BENCH_ASSETS) + "/sim/checkin/frame_000.jpg");
  if (state.range(0) != img.cols)
    cv::resize(img, img, {static_cast<int>(state.range(0)), static_cast<int>(state.range(1))});
  auto checker = std::move(PhotoQualityChecker::create()).value();
  bool ok = false;
  for (auto _ : state) ok = checker->check(img).ok();
  state.counters["ok"] = ok ? 1 : 0;
  state.SetLabel(std::to_string(img.cols) + "x" + std::to_string(img.rows) + " face frame");
}
BENCHMARK(BM_PhotoQuality)->Args({640, 480})->Args({1280, 720})->Unit(benchmark::kMillisecond);

// PDF417 licences held at an angle, ZXing's camera pass alone (rectify off) and with
// rectification, same frames in the same run: 0, 10, 17, 22, 30, -30 deg, 20 deg + perspective,
// perspective only, at 1280x720 on the camera-like texture. Arg 1 = 1: the no-code frame.
cv::Mat tiltedLicence(double deg, double persp) {
  cv::Mat img = frame({1280, 720}, false);
  cv::Mat code = encodeCode(CodeFormat::pdf417, std::string(180, 'A'), 2, 3).value();
  cv::Mat card(code.rows + 80, code.cols + 80, CV_8UC3, cv::Scalar(235, 235, 235));
  cv::Mat bgr;
  cv::cvtColor(code, bgr, cv::COLOR_GRAY2BGR);
  bgr.copyTo(card(cv::Rect(40, 40, code.cols, code.rows)));
  const float w = static_cast<float>(card.cols), h = static_cast<float>(card.rows);
  const float in = static_cast<float>(persp) * w / 2;
  std::vector<cv::Point2f> dst = {
      {-w / 2 + in, -h / 2}, {w / 2 - in, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}};
  const double a = deg * CV_PI / 180;
  for (auto& p : dst)
    p = cv::Point2f(640, 360) +
        cv::Point2f(static_cast<float>(p.x * std::cos(a) - p.y * std::sin(a)),
                    static_cast<float>(p.x * std::sin(a) + p.y * std::cos(a)));
  const std::vector<cv::Point2f> src = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  cv::warpPerspective(card, img, cv::getPerspectiveTransform(src, dst), img.size(),
                      cv::INTER_LINEAR, cv::BORDER_TRANSPARENT);
  return img;
}

void BM_Pdf417Tilted(benchmark::State& state) {
  const bool rectify = state.range(0) != 0;
  std::vector<cv::Mat> frames;
  if (state.range(1) == 1) {
    frames.push_back(frame({1280, 720}, false));
  } else {
    for (auto [deg, persp] : std::vector<std::pair<double, double>>{
             {0, 0}, {10, 0}, {17, 0}, {22, 0}, {30, 0}, {-30, 0}, {20, 0.12}, {0, 0.15}})
      frames.push_back(tiltedLicence(deg, persp));
  }
  DecodeOptions o;  // the kiosk's ID screen: PDF417 only, one camera pass
  o.formats = CodeFormat::pdf417;
  o.rectify = rectify;
  std::size_t i = 0, found = 0, tried = 0;
  for (auto _ : state) {
    found += decodeCodes(frames[i], o).size();
    ++tried;
    i = (i + 1) % frames.size();
  }
  state.counters["decoded"] = static_cast<double>(found) / static_cast<double>(tried);
  state.SetLabel(std::string(rectify ? "rectified" : "zxing alone") +
                 (state.range(1) == 1 ? ", no code" : ", tilted licences"));
}
BENCHMARK(BM_Pdf417Tilted)
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(48);

// MRZ from camera frames: each recogniser on the same generated frames (every 3rd corpus case
// that a steady reader must accept, rendered once per size). Counters: read = share of frames
// accepted with every field right, wrong = accepted with a wrong field (must stay 0).
struct MrzFrames {
  std::vector<cv::Mat> frames;
  std::vector<gatehouse::devices::testing::MrzCase> cases;
};

const MrzFrames& mrzFrames(int width) {
  static std::map<int, MrzFrames> cache;
  auto& f = cache[width];
  if (f.frames.empty()) {
    const auto all = gatehouse::devices::testing::mrzCorpus();
    for (std::size_t i = 0; i < all.size(); i += 3) {
      if (!all[i].expectRead) continue;
      f.cases.push_back(all[i]);
      f.frames.push_back(gatehouse::devices::testing::renderCase(all[i], {width, width * 9 / 16}));
    }
  }
  return f;
}

void BM_MrzRead(benchmark::State& state) {
  using namespace gatehouse::devices;
  static constexpr const char* kNames[] = {"ocrb", "tesseract", "templates", "trained",
                                           "ocrb-one-pass"};
  const char* name = kNames[state.range(0)];
  auto rec = makeMrzRecogniser(name);
  if (!rec) {
    state.SkipWithError(rec.error().message.c_str());
    return;
  }
  const auto& f = mrzFrames(static_cast<int>(state.range(1)));
  std::size_t i = 0;
  double read = 0, wrong = 0, tried = 0;
  for (auto _ : state) {
    const auto r = readMrzImage(f.frames[i], *rec.value(), testing::kCorpusToday);
    const auto& c = f.cases[i];
    if (r.accepted) {
      const auto& d = r.accepted->document;
      const bool right = d.surname == c.surname && d.givenNames == c.givenNames &&
                         d.documentNumber == c.documentNumber &&
                         d.dateOfBirth.iso() == c.dateOfBirthIso;
      (right ? read : wrong) += 1;
    }
    tried += 1;
    i = (i + 1) % f.frames.size();
  }
  state.SetLabel(name);
  state.counters["read"] = read / tried;
  state.counters["wrong"] = wrong;
  state.counters["frames"] = static_cast<double>(f.frames.size());
}
BENCHMARK(BM_MrzRead)
    ->Args({0, 1280})
    ->Args({0, 1920})
    ->Args({1, 1280})
    ->Args({1, 1920})
    ->Args({2, 1280})
    ->Args({2, 1920})
    ->Args({3, 1280})
    ->Args({3, 1920})
    ->Args({4, 1280})
    ->Args({4, 1920})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(52);

}  // namespace

BENCHMARK_MAIN();
