// stb_image (Debian's libstb) behind a small API; no stb header leaks out.
#include "gatehouse/console/image.hpp"

#include <stb_image.h>
#include <stb_image_write.h>

namespace gatehouse::console {

std::optional<Rgba> decodeImage(const Photo& photo) {
  if (photo.empty()) return std::nullopt;
  int w = 0, h = 0, n = 0;
  unsigned char* px =
      stbi_load_from_memory(photo.data.data(), static_cast<int>(photo.data.size()), &w, &h, &n, 4);
  if (!px) return std::nullopt;
  Rgba out{w, h, std::vector<std::uint8_t>(px, px + static_cast<std::size_t>(w) * h * 4)};
  stbi_image_free(px);
  return out;
}

Bytes makePlaceholderPng(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * height * 3);
  const float cx = static_cast<float>(width) / 2, cy = static_cast<float>(height) * 0.42f;
  const float rad = static_cast<float>(width) * 0.28f;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const float dx = static_cast<float>(x) - cx, dy = static_cast<float>(y) - cy;
      const bool face = dx * dx + dy * dy < rad * rad;
      const bool body = y > height * 3 / 4 && std::abs(dx) < static_cast<float>(width) * 0.38f;
      const float k = face || body ? 0.55f : 1.0f;
      auto* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
      p[0] = static_cast<std::uint8_t>(static_cast<float>(r) * k);
      p[1] = static_cast<std::uint8_t>(static_cast<float>(g) * k);
      p[2] = static_cast<std::uint8_t>(static_cast<float>(b) * k);
    }
  }
  Bytes out;
  stbi_write_png_to_func(
      [](void* ctx, void* data, int size) {
        auto* o = static_cast<Bytes*>(ctx);
        const auto* d = static_cast<const std::uint8_t*>(data);
        o->insert(o->end(), d, d + size);
      },
      &out, width, height, 3, rgb.data(), width * 3);
  return out;
}

}  // namespace gatehouse::console
