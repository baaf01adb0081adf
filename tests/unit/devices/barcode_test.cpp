// Golden decode tests on generated QR and PDF417 images (clean, rotated, warped, blurred, low
// contrast, inverted), the camera fast path, and the report-once rule.
#include "gatehouse/devices/barcode.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/devices/code_scanner.hpp"
#include "gatehouse/testing/wait.hpp"

using namespace gatehouse;
using namespace gatehouse::devices;

namespace {

const std::string kQrText = ExitToken::generate(Uuid::random()).encode();
const std::string kPdfText =
    "@\n\x1e\rANSI "
    "636014090002DL00410100ZC01410010DLDAQD1234567\nDCSSAMPLE\nDACANNA\nDBB01021990\r";

cv::Mat onCanvas(const cv::Mat& code, cv::Size canvas = {800, 600}) {
  cv::Mat out(canvas, CV_8UC1, cv::Scalar(235));
  cv::randn(out, 200, 12);  // paper-like noise
  cv::Rect where((canvas.width - code.cols) / 2, (canvas.height - code.rows) / 2, code.cols,
                 code.rows);
  code.copyTo(out(where));
  return out;
}

cv::Mat rotate(const cv::Mat& img, double degrees) {
  const cv::Point2f c(static_cast<float>(img.cols) / 2, static_cast<float>(img.rows) / 2);
  cv::Mat out;
  cv::warpAffine(img, out, cv::getRotationMatrix2D(c, degrees, 1.0), img.size(), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar(220));
  return out;
}

cv::Mat perspective(const cv::Mat& img) {
  const float w = static_cast<float>(img.cols), h = static_cast<float>(img.rows);
  const cv::Point2f src[] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  const cv::Point2f dst[] = {{w * 0.08f, h * 0.05f},
                             {w * 0.9f, h * 0.12f},
                             {w * 0.97f, h * 0.92f},
                             {w * 0.02f, h * 0.98f}};
  cv::Mat out;
  cv::warpPerspective(img, out, cv::getPerspectiveTransform(src, dst), img.size(), cv::INTER_LINEAR,
                      cv::BORDER_CONSTANT, cv::Scalar(220));
  return out;
}

struct Golden {
  const char* name;
  CodeFormat format;
  std::function<cv::Mat(const cv::Mat&)> transform;
};

bool decodesTo(const cv::Mat& img, CodeFormat f, const std::string& text) {
  DecodeOptions o;
  o.formats = f;
  o.thorough = true;
  for (const auto& c : decodeCodes(img, o)) {
    if (c.format == f && c.text == text) return true;
    ADD_FAILURE() << "decoded " << toString(c.format) << " '" << c.text << "'";
  }
  return false;
}

}  // namespace

TEST(Barcode, GoldenImagesDecodeToTheirText) {
  const std::vector<Golden> cases = {
      {"clean", CodeFormat::qr, [](const cv::Mat& m) { return m; }},
      {"rotated 30", CodeFormat::qr, [](const cv::Mat& m) { return rotate(m, 30); }},
      {"rotated 90", CodeFormat::qr, [](const cv::Mat& m) { return rotate(m, 90); }},
      {"perspective", CodeFormat::qr, perspective},
      {"blurred", CodeFormat::qr,
       [](const cv::Mat& m) {
         cv::Mat o;
         cv::GaussianBlur(m, o, {0, 0}, 1.6);
         return o;
       }},
      {"low contrast", CodeFormat::qr,
       [](const cv::Mat& m) {
         cv::Mat o;
         m.convertTo(o, -1, 0.18, 110);
         return o;
       }},
      {"inverted", CodeFormat::qr,
       [](const cv::Mat& m) {
         cv::Mat o;
         cv::bitwise_not(m, o);
         return o;
       }},
      {"clean", CodeFormat::pdf417, [](const cv::Mat& m) { return m; }},
      {"rotated 4", CodeFormat::pdf417, [](const cv::Mat& m) { return rotate(m, 4); }},
      {"rotated 180", CodeFormat::pdf417, [](const cv::Mat& m) { return rotate(m, 180); }},
      {"perspective", CodeFormat::pdf417, perspective},
      {"blurred", CodeFormat::pdf417,
       [](const cv::Mat& m) {
         cv::Mat o;
         cv::GaussianBlur(m, o, {0, 0}, 1.0);
         return o;
       }},
      {"low contrast", CodeFormat::pdf417,
       [](const cv::Mat& m) {
         cv::Mat o;
         m.convertTo(o, -1, 0.2, 100);
         return o;
       }},
      {"inverted", CodeFormat::pdf417,
       [](const cv::Mat& m) {
         cv::Mat o;
         cv::bitwise_not(m, o);
         return o;
       }},
  };
  for (const auto& g : cases) {
    const std::string& text = g.format == CodeFormat::qr ? kQrText : kPdfText;
    auto code = encodeCode(g.format, text, g.format == CodeFormat::qr ? 6 : 2);
    ASSERT_TRUE(code) << code.error().message;
    const cv::Mat img = g.transform(onCanvas(code.value()));
    EXPECT_TRUE(decodesTo(img, g.format, text)) << toString(g.format) << " " << g.name;
  }
}

TEST(Barcode, FormatsAreRestrictedToWhatIsAsked) {
  const cv::Mat img = onCanvas(encodeCode(CodeFormat::qr, kQrText, 6).value());
  DecodeOptions pdfOnly;
  pdfOnly.formats = CodeFormat::pdf417;
  pdfOnly.thorough = true;
  EXPECT_TRUE(decodeCodes(img, pdfOnly).empty());
  EXPECT_TRUE(decodesTo(img, CodeFormat::qr, kQrText));
}

TEST(Barcode, FastPathFindsACodeInA1080pFrameAndNothingInAnEmptyOne) {
  cv::Mat frame(1080, 1920, CV_8UC3);
  cv::randn(frame, cv::Scalar(120, 120, 120), cv::Scalar(30, 30, 30));
  DecodeOptions fast;
  fast.formats = CodeFormat::qr;
  EXPECT_TRUE(decodeCodes(frame, fast).empty());
  cv::Mat code;
  cv::cvtColor(encodeCode(CodeFormat::qr, kQrText, 8).value(), code, cv::COLOR_GRAY2BGR);
  code.copyTo(frame(cv::Rect(700, 300, code.cols, code.rows)));
  const auto found = decodeCodes(frame, fast);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].text, kQrText);
  ASSERT_EQ(found[0].corners.size(), 4u);  // corners back in full-frame coordinates
  EXPECT_NEAR(found[0].corners[0].x, 700 + 4 * 8, 12);
}

TEST(Barcode, RegionOfInterestLimitsTheSearch) {
  cv::Mat frame(480, 640, CV_8UC1, cv::Scalar(230));
  const cv::Mat code = encodeCode(CodeFormat::qr, "left", 4).value();
  code.copyTo(frame(cv::Rect(10, 10, code.cols, code.rows)));
  DecodeOptions right;
  right.roi = cv::Rect2f(0.5f, 0.f, 0.5f, 1.f);
  EXPECT_TRUE(decodeCodes(frame, right).empty());
  right.roi = cv::Rect2f(0.f, 0.f, 0.5f, 1.f);
  EXPECT_EQ(decodeCodes(frame, right).size(), 1u);
}

TEST(Barcode, ParsesFormatLists) {
  auto f = parseCodeFormats("qr, pdf417");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->contains(CodeFormat::qr));
  EXPECT_TRUE(f->contains(CodeFormat::pdf417));
  EXPECT_FALSE(f->contains(CodeFormat::aztec));
  EXPECT_EQ(parseCodeFormats("qr,ean").error().code, "unknown_format");
}

TEST(CodeDeduplicator, ConsecutiveFramesReportOnceAndAgainAfterLeaving) {
  CodeDeduplicator d(3);
  const DecodedCode a{CodeFormat::qr, "A", {}};
  const DecodedCode b{CodeFormat::pdf417, "B", {}};
  EXPECT_EQ(d.onFrame({a}).size(), 1u);
  EXPECT_TRUE(d.onFrame({a}).empty());
  EXPECT_TRUE(d.onFrame({}).empty());  // one missed decode while still held up
  EXPECT_TRUE(d.onFrame({a}).empty());
  const auto both = d.onFrame({a, b});
  ASSERT_EQ(both.size(), 1u);
  EXPECT_EQ(both[0].text, "B");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(d.onFrame({}).empty());
  EXPECT_EQ(d.onFrame({a}).size(), 1u);  // gone for 3 frames, shown again: a new scan
}

TEST(CodeScanner, WorkerReportsACodeOnceAcrossManyFrames) {
  std::mutex m;
  std::vector<ScanEvent> events;
  gatehouse::testing::Signal got;
  CodeScanner scanner(ScannerConfig{}, [&](const ScanEvent& e) {
    {
      std::lock_guard lock(m);
      events.push_back(e);
    }
    got.notify();
  });
  cv::Mat img;
  cv::cvtColor(onCanvas(encodeCode(CodeFormat::qr, kQrText, 6).value()), img, cv::COLOR_GRAY2BGR);
  for (std::uint64_t i = 1; i <= 6; ++i) {
    scanner.submit(Frame{img, i, std::chrono::steady_clock::now()});
    ASSERT_TRUE(gatehouse::testing::waitUntil(
        [&] { return scanner.stats().decoded + scanner.stats().dropped >= i; }));
  }
  ASSERT_TRUE(got.waitFor(1));
  std::lock_guard lock(m);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code.text, kQrText);
}
