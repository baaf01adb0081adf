// Barcode decoding and encoding: the only door to ZXing-C++ (1.4 today, whose API changes in
// 2.x). Nothing else in Gatehouse includes a ZXing header.
#pragma once
#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::devices {

enum class CodeFormat : std::uint32_t {
  qr = 1u << 0,
  pdf417 = 1u << 1,
  dataMatrix = 1u << 2,
  aztec = 1u << 3,
  code128 = 1u << 4,
};

class CodeFormats {
 public:
  constexpr CodeFormats() = default;
  constexpr CodeFormats(CodeFormat f) : bits_(static_cast<std::uint32_t>(f)) {}  // NOLINT
  constexpr bool contains(CodeFormat f) const {
    return (bits_ & static_cast<std::uint32_t>(f)) != 0;
  }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr std::uint32_t bits() const { return bits_; }
  friend constexpr CodeFormats operator|(CodeFormats a, CodeFormats b) {
    CodeFormats r;
    r.bits_ = a.bits_ | b.bits_;
    return r;
  }
  friend constexpr bool operator==(CodeFormats, CodeFormats) = default;

 private:
  std::uint32_t bits_ = 0;
};
constexpr CodeFormats operator|(CodeFormat a, CodeFormat b) {
  return CodeFormats(a) | CodeFormats(b);
}

std::string_view toString(CodeFormat f);  // "qr", "pdf417", ...
std::optional<CodeFormat> codeFormatFromString(std::string_view name);
// "qr,pdf417" -> formats; errors: unknown_format.
Result<CodeFormats> parseCodeFormats(std::string_view list);

struct DecodedCode {
  CodeFormat format = CodeFormat::qr;
  std::string text;                // UTF-8 (AAMVA control characters preserved)
  std::vector<cv::Point> corners;  // in the coordinates of the image given to decode
  friend bool operator==(const DecodedCode& a, const DecodedCode& b) {
    return a.format == b.format && a.text == b.text;
  }
};

struct DecodeOptions {
  CodeFormats formats = CodeFormat::qr | CodeFormat::pdf417;
  // Region of interest, as fractions of the image (x, y, w, h in 0..1); empty = whole image.
  cv::Rect2f roi{};
  // The region is downscaled so its longer side is at most this many pixels (0 = never).
  int maxSide = 960;
  // Camera frames: one quick pass. Files and operator tools: also full resolution, try harder,
  // rotations and inverted (light-on-dark) codes.
  bool thorough = false;
  // When the quick pass finds nothing and PDF417 is wanted: find barcode-like quadrilaterals,
  // warp them upright and decode again (licences held at 17-30 deg or in perspective).
  bool rectify = true;
};

// Decodes every code of the requested formats. Accepts 8-bit gray, BGR or BGRA images.
// An empty vector means nothing was found (a normal outcome, not an error).
std::vector<DecodedCode> decodeCodes(const cv::Mat& image, const DecodeOptions& options = {});

// Renders `text` as a code, `moduleSize` pixels per module plus a quiet zone; 8-bit gray.
// Errors: encode_failed (text too long for the format, unsupported format).
Result<cv::Mat> encodeCode(CodeFormat format, std::string_view text, int moduleSize = 4,
                           int quietModules = 4);

}  // namespace gatehouse::devices
