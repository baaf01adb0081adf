// The few OpenGL calls our own code makes (textures, read-back), resolved through SDL at run time.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::ui {

// An RGB texture for live previews; update() re-uploads, resizing when the frame size changes.
class Texture {
 public:
  Texture() = default;
  ~Texture();
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;
  void update(const std::uint8_t* rgb, int width, int height);
  void* id() const;  // ImTextureID
  int width() const { return width_; }
  int height() const { return height_; }
  bool valid() const { return tex_ != 0; }

 private:
  unsigned tex_ = 0;
  int width_ = 0;
  int height_ = 0;
};

// Reads the current back buffer (RGBA, top row first).
std::vector<std::uint8_t> readPixels(int width, int height);
Status writePng(const std::string& path, const std::vector<std::uint8_t>& rgba, int width,
                int height);

}  // namespace gatehouse::ui
