// Reads the portal's QR SVG back: rasterises its module path and decodes it with ZXing.
#pragma once
#include <ZXing/ReadBarcode.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace gatehouse::portal::testing {

inline std::optional<std::string> decodeQrSvg(const std::string& svg) {
  std::smatch vb;
  if (!std::regex_search(svg, vb, std::regex(R"(viewBox="0 0 (\d+) (\d+)\")"))) return std::nullopt;
  int w = std::stoi(vb[1]), h = std::stoi(vb[2]);
  const int scale = 4;
  std::vector<std::uint8_t> img(static_cast<std::size_t>(w * scale * h * scale), 255);
  std::regex run(R"(M(\d+) (\d+)h(\d+))");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), run); it != std::sregex_iterator();
       ++it) {
    int x = std::stoi((*it)[1]), y = std::stoi((*it)[2]), n = std::stoi((*it)[3]);
    for (int yy = y * scale; yy < (y + 1) * scale; ++yy)
      for (int xx = x * scale; xx < (x + n) * scale; ++xx)
        img[static_cast<std::size_t>(yy * w * scale + xx)] = 0;
  }
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  auto r = ZXing::ReadBarcode(
      ZXing::ImageView(img.data(), w * scale, h * scale, ZXing::ImageFormat::Lum), hints);
  if (!r.isValid()) return std::nullopt;
  return r.text();
}

}  // namespace gatehouse::portal::testing
