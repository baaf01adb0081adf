// Decoding visitor photos (JPEG/PNG) to RGBA for textures and PDFs; encoding test images.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "gatehouse/console/model.hpp"

namespace gatehouse::console {

struct Rgba {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // 4 bytes per pixel, top row first
};

std::optional<Rgba> decodeImage(const Photo& photo);
// A PNG of a flat colour with a darker "face" disc: tests and the demo need a photo to show.
Bytes makePlaceholderPng(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b);

}  // namespace gatehouse::console
