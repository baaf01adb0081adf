// PDF417 licences at an angle: the camera pass decodes them rotated 17-30 deg and in perspective
// once rectified, and misses them without it (the behaviour issue 16 reports for ZXing alone).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <string>

#include "gatehouse/devices/barcode.hpp"

using namespace gatehouse::devices;

namespace {

const std::string kLicence =
    "@\n\x1e\rANSI 636014080102DL00410288ZC03290024DLDAQD1234562\nDCSSAMPLE\nDDEN\nDACJANE\n"
    "DBB19700101\nDBA20300101\nDAJCA\nDCGUSA\n\r";

// A card with the symbol on a desk, rotated by `deg` and tilted (top edge shorter by `persp`).
cv::Mat photographedLicence(double deg, double persp) {
  auto code = encodeCode(CodeFormat::pdf417, kLicence, 2, 3);
  EXPECT_TRUE(code.ok());
  cv::Mat card(code->rows + 80, code->cols + 80, CV_8UC1, cv::Scalar(235));
  code.value().copyTo(card(cv::Rect(40, 40, code->cols, code->rows)));
  cv::Mat frame(720, 1280, CV_8UC1, cv::Scalar(90));
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
  cv::warpPerspective(card, frame, cv::getPerspectiveTransform(src, dst), frame.size(),
                      cv::INTER_LINEAR, cv::BORDER_TRANSPARENT);
  return frame;
}

bool decodes(const cv::Mat& frame, bool rectify) {
  DecodeOptions o;
  o.formats = CodeFormat::pdf417;
  o.rectify = rectify;
  const auto codes = decodeCodes(frame, o);
  return codes.size() == 1 && codes[0].text == kLicence;
}

}  // namespace

class Pdf417AtAnAngle : public ::testing::TestWithParam<std::pair<double, double>> {};

TEST_P(Pdf417AtAnAngle, DecodesOnceRectified) {
  const auto [deg, persp] = GetParam();
  EXPECT_TRUE(decodes(photographedLicence(deg, persp), true)) << deg << " deg, " << persp;
}

INSTANTIATE_TEST_SUITE_P(Licences, Pdf417AtAnAngle,
                         ::testing::Values(std::pair{0.0, 0.0}, std::pair{17.0, 0.0},
                                           std::pair{-22.0, 0.0}, std::pair{30.0, 0.0},
                                           std::pair{-30.0, 0.0}, std::pair{20.0, 0.12},
                                           std::pair{0.0, 0.15}));

TEST(Pdf417Rectify, ZXingAloneMissesALicenceAt17Degrees) {
  EXPECT_FALSE(decodes(photographedLicence(17, 0), false));
}

TEST(Pdf417Rectify, AnEmptyFrameGivesNothing) {
  EXPECT_FALSE(decodes(cv::Mat(720, 1280, CV_8UC1, cv::Scalar(90)), true));
}
