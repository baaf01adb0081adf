// The ZXing-C++ 1.4 adapter: format mapping, fast/thorough decode passes, encoding.
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "gatehouse/devices/barcode.hpp"
#include "scan_internal.hpp"

namespace gatehouse::devices {
namespace {

struct FormatName {
  CodeFormat ours;
  ZXing::BarcodeFormat theirs;
  std::string_view name;
};
constexpr std::array<FormatName, 5> kFormats = {{
    {CodeFormat::qr, ZXing::BarcodeFormat::QRCode, "qr"},
    {CodeFormat::pdf417, ZXing::BarcodeFormat::PDF417, "pdf417"},
    {CodeFormat::dataMatrix, ZXing::BarcodeFormat::DataMatrix, "datamatrix"},
    {CodeFormat::aztec, ZXing::BarcodeFormat::Aztec, "aztec"},
    {CodeFormat::code128, ZXing::BarcodeFormat::Code128, "code128"},
}};

ZXing::BarcodeFormats toZx(CodeFormats f) {
  ZXing::BarcodeFormats out;
  for (const auto& m : kFormats)
    if (f.contains(m.ours)) out |= m.theirs;
  return out;
}

std::optional<CodeFormat> fromZx(ZXing::BarcodeFormat f) {
  for (const auto& m : kFormats)
    if (m.theirs == f) return m.ours;
  return std::nullopt;
}

cv::Mat toGray(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat gray;
  cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  return gray;
}

void readPass(const cv::Mat& gray, const ZXing::DecodeHints& hints, double scale, cv::Point offset,
              std::vector<DecodedCode>& out) {
  cv::Mat img = gray.isContinuous() ? gray : gray.clone();
  ZXing::ImageView view(img.data, img.cols, img.rows, ZXing::ImageFormat::Lum,
                        static_cast<int>(img.step[0]));
  for (const auto& r : ZXing::ReadBarcodes(view, hints)) {
    if (!r.isValid()) continue;
    auto f = fromZx(r.format());
    if (!f) continue;
    DecodedCode code{*f, r.text(), {}};
    if (std::find(out.begin(), out.end(), code) != out.end()) continue;
    for (int i = 0; i < 4; ++i) {
      const auto p = r.position()[i];
      code.corners.emplace_back(offset.x + static_cast<int>(std::lround(p.x / scale)),
                                offset.y + static_cast<int>(std::lround(p.y / scale)));
    }
    out.push_back(std::move(code));
  }
}

// Tilted or warped PDF417 (licences held at an angle): candidates found at half the camera
// pass's size, warped upright from the camera pass's image, decoded upright.
void readRectified(const cv::Mat& gray, const cv::Mat& small, double scale, cv::Point offset,
                   std::vector<DecodedCode>& out) {
  cv::Mat half;
  cv::resize(small, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::PDF417)
      .setTryHarder(false)
      .setTryRotate(false)
      .setTryDownscale(false);
  for (auto& cand : scan::rectifiedCandidates(half)) {
    // Corners found at half size; the warp reads the full-resolution region (thin modules).
    const double k = 2.0 / scale;
    const cv::Mat up = (cv::Mat_<double>(3, 3) << k, 0, 0, 0, k, 0, 0, 0, 1);
    const cv::Mat down = (cv::Mat_<double>(3, 3) << 1 / k, 0, 0, 0, 1 / k, 0, 0, 0, 1);
    const cv::Mat toGray = up * cand.toImage * down;
    cv::Mat upright;
    cv::warpPerspective(
        gray, upright, toGray,
        cv::Size(static_cast<int>(cand.image.cols * k), static_cast<int>(cand.image.rows * k)),
        cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    ZXing::ImageView view(upright.data, upright.cols, upright.rows, ZXing::ImageFormat::Lum,
                          static_cast<int>(upright.step[0]));
    for (const auto& r : ZXing::ReadBarcodes(view, hints)) {
      if (!r.isValid()) continue;
      DecodedCode code{CodeFormat::pdf417, r.text(), {}};
      if (std::find(out.begin(), out.end(), code) != out.end()) continue;
      std::vector<cv::Point2f> in, mapped;
      for (int i = 0; i < 4; ++i)
        in.emplace_back(static_cast<float>(r.position()[i].x),
                        static_cast<float>(r.position()[i].y));
      cv::perspectiveTransform(in, mapped, toGray);
      for (const auto& p : mapped)
        code.corners.emplace_back(offset.x + static_cast<int>(std::lround(p.x)),
                                  offset.y + static_cast<int>(std::lround(p.y)));
      out.push_back(std::move(code));
    }
    if (!out.empty()) return;
  }
}

}  // namespace

std::string_view toString(CodeFormat f) {
  for (const auto& m : kFormats)
    if (m.ours == f) return m.name;
  return "unknown";
}

std::optional<CodeFormat> codeFormatFromString(std::string_view name) {
  for (const auto& m : kFormats)
    if (m.name == name) return m.ours;
  return std::nullopt;
}

Result<CodeFormats> parseCodeFormats(std::string_view list) {
  CodeFormats out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t end = list.find(',', pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = list.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      auto f = codeFormatFromString(item);
      if (!f) return makeError("unknown_format", "unknown code format: " + std::string(item));
      out = out | *f;
    }
    pos = end + 1;
  }
  return out;
}

std::vector<DecodedCode> decodeCodes(const cv::Mat& image, const DecodeOptions& options) {
  std::vector<DecodedCode> out;
  if (image.empty() || image.depth() != CV_8U || options.formats.empty()) return out;
  cv::Rect region(0, 0, image.cols, image.rows);
  if (options.roi.area() > 0) {
    region = cv::Rect(static_cast<int>(options.roi.x * static_cast<float>(image.cols)),
                      static_cast<int>(options.roi.y * static_cast<float>(image.rows)),
                      static_cast<int>(options.roi.width * static_cast<float>(image.cols)),
                      static_cast<int>(options.roi.height * static_cast<float>(image.rows))) &
             region;
    if (region.area() == 0) return out;
  }
  // Convert only the region: a gray crop of a 1080p frame is a fraction of the full cost.
  const cv::Mat gray = toGray(image(region));
  double scale = 1.0;
  cv::Mat small = gray;
  const int longer = std::max(gray.cols, gray.rows);
  if (options.maxSide > 0 && longer > options.maxSide) {
    scale = static_cast<double>(options.maxSide) / longer;
    cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
  }
  ZXing::DecodeHints fast;
  fast.setFormats(toZx(options.formats))
      .setTryHarder(false)
      .setTryRotate(false)
      .setTryDownscale(false);
  readPass(small, fast, scale, region.tl(), out);
  if (out.empty() && options.rectify && options.formats.contains(CodeFormat::pdf417))
    readRectified(gray, small, scale, region.tl(), out);
  if (!out.empty() || !options.thorough) return out;

  ZXing::DecodeHints hard;
  hard.setFormats(toZx(options.formats))
      .setTryHarder(true)
      .setTryRotate(true)
      .setTryDownscale(true);
  ZXing::DecodeHints global = hard;
  global.setBinarizer(ZXing::Binarizer::GlobalHistogram);
  // Sensor noise breaks thin PDF417 bars: a 3x3 median keeps edges and removes speckle.
  cv::Mat denoised;
  cv::medianBlur(gray, denoised, 3);
  for (const cv::Mat* img : {&gray, static_cast<const cv::Mat*>(&denoised)}) {
    readPass(*img, hard, 1.0, region.tl(), out);
    if (out.empty()) readPass(*img, global, 1.0, region.tl(), out);
    if (!out.empty()) return out;
    cv::Mat inverted;  // ZXing 1.4 has no tryInvert: light-on-dark codes need an inverted copy
    cv::bitwise_not(*img, inverted);
    readPass(inverted, hard, 1.0, region.tl(), out);
    if (out.empty()) readPass(inverted, global, 1.0, region.tl(), out);
    if (!out.empty()) return out;
  }
  // Very blurred or low-contrast prints: stretch the histogram and sharpen, then retry.
  cv::Mat stretched;
  cv::normalize(gray, stretched, 0, 255, cv::NORM_MINMAX);
  cv::Mat blurred, sharp;
  cv::GaussianBlur(stretched, blurred, cv::Size(0, 0), 3);
  cv::addWeighted(stretched, 1.8, blurred, -0.8, 0, sharp);
  readPass(sharp, hard, 1.0, region.tl(), out);
  return out;
}

Result<cv::Mat> encodeCode(CodeFormat format, std::string_view text, int moduleSize,
                           int quietModules) {
  if (moduleSize < 1 || moduleSize > 64 || quietModules < 0 || quietModules > 64)
    return makeError("encode_failed", "module size or quiet zone out of range");
  ZXing::BarcodeFormat zx{};
  bool found = false;
  for (const auto& m : kFormats)
    if (m.ours == format) zx = m.theirs, found = true;
  if (!found || format == CodeFormat::code128)
    return makeError("encode_failed", "format not supported for encoding");
  try {
    ZXing::MultiFormatWriter writer(zx);
    writer.setMargin(0);
    if (format == CodeFormat::qr) writer.setEccLevel(2);  // M: survives print and camera wear
    const ZXing::BitMatrix bits = writer.encode(std::string(text), 0, 0);
    const int w = bits.width();
    const int h = bits.height();
    // ZXing's PDF417 matrix already has rows several modules tall.
    const int yScale = 1;
    const int q = quietModules * moduleSize;
    cv::Mat out(h * yScale * moduleSize + 2 * q, w * moduleSize + 2 * q, CV_8UC1, cv::Scalar(255));
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        if (bits.get(x, y))
          out(cv::Rect(q + x * moduleSize, q + y * yScale * moduleSize, moduleSize,
                       yScale * moduleSize)) = 0;
    return out;
  } catch (const std::exception& e) {
    return makeError("encode_failed", e.what());
  }
}

}  // namespace gatehouse::devices
