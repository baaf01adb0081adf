// Textures and frame read-back through GL entry points looked up via SDL (works with GLX and EGL).
#include "gatehouse/ui/gl.hpp"

#include <SDL.h>
#include <stb_image_write.h>

#include <cstdint>
#include <cstring>

namespace gatehouse::ui {
namespace {

constexpr unsigned kTexture2D = 0x0DE1, kRgb = 0x1907, kRgba = 0x1908, kUnsignedByte = 0x1401;
constexpr unsigned kMinFilter = 0x2801, kMagFilter = 0x2800, kLinear = 0x2601,
                   kUnpackAlignment = 0x0CF5, kPackAlignment = 0x0D05, kWrapS = 0x2802,
                   kWrapT = 0x2803, kClampToEdge = 0x812F;

struct Gl {
  void (*genTextures)(int, unsigned*);
  void (*deleteTextures)(int, const unsigned*);
  void (*bindTexture)(unsigned, unsigned);
  void (*texParameteri)(unsigned, unsigned, int);
  void (*texImage2D)(unsigned, int, int, int, int, int, unsigned, unsigned, const void*);
  void (*texSubImage2D)(unsigned, int, int, int, int, int, unsigned, unsigned, const void*);
  void (*pixelStorei)(unsigned, int);
  void (*readPixels)(int, int, int, int, unsigned, unsigned, void*);
};

template <typename F>
void load(F& f, const char* name) {
  f = reinterpret_cast<F>(SDL_GL_GetProcAddress(name));
}

const Gl& gl() {
  static const Gl g = [] {
    Gl x{};
    load(x.genTextures, "glGenTextures");
    load(x.deleteTextures, "glDeleteTextures");
    load(x.bindTexture, "glBindTexture");
    load(x.texParameteri, "glTexParameteri");
    load(x.texImage2D, "glTexImage2D");
    load(x.texSubImage2D, "glTexSubImage2D");
    load(x.pixelStorei, "glPixelStorei");
    load(x.readPixels, "glReadPixels");
    return x;
  }();
  return g;
}

}  // namespace

Texture::~Texture() {
  if (tex_) gl().deleteTextures(1, &tex_);
}

void Texture::update(const std::uint8_t* rgb, int width, int height) {
  const Gl& g = gl();
  if (!tex_) {
    g.genTextures(1, &tex_);
    g.bindTexture(kTexture2D, tex_);
    g.texParameteri(kTexture2D, kMinFilter, static_cast<int>(kLinear));
    g.texParameteri(kTexture2D, kMagFilter, static_cast<int>(kLinear));
    g.texParameteri(kTexture2D, kWrapS, static_cast<int>(kClampToEdge));
    g.texParameteri(kTexture2D, kWrapT, static_cast<int>(kClampToEdge));
  }
  g.bindTexture(kTexture2D, tex_);
  g.pixelStorei(kUnpackAlignment, 1);
  if (width != width_ || height != height_) {
    g.texImage2D(kTexture2D, 0, static_cast<int>(kRgb), width, height, 0, kRgb, kUnsignedByte, rgb);
    width_ = width;
    height_ = height;
  } else {
    g.texSubImage2D(kTexture2D, 0, 0, 0, width, height, kRgb, kUnsignedByte, rgb);
  }
}

void* Texture::id() const { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(tex_)); }

std::vector<std::uint8_t> readPixels(int width, int height) {
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * height * 4);
  gl().pixelStorei(kPackAlignment, 1);
  gl().readPixels(0, 0, width, height, kRgba, kUnsignedByte, rgba.data());
  // OpenGL's first row is the bottom one.
  const std::size_t stride = static_cast<std::size_t>(width) * 4;
  std::vector<std::uint8_t> row(stride);
  for (int y = 0; y < height / 2; ++y) {
    std::uint8_t* a = rgba.data() + static_cast<std::size_t>(y) * stride;
    std::uint8_t* b = rgba.data() + static_cast<std::size_t>(height - 1 - y) * stride;
    std::memcpy(row.data(), a, stride);
    std::memcpy(a, b, stride);
    std::memcpy(b, row.data(), stride);
  }
  for (std::size_t i = 3; i < rgba.size(); i += 4) rgba[i] = 255;
  return rgba;
}

Status writePng(const std::string& path, const std::vector<std::uint8_t>& rgba, int width,
                int height) {
  if (rgba.size() != static_cast<std::size_t>(width) * height * 4)
    return makeError("bad_size", "pixel buffer size");
  if (!stbi_write_png(path.c_str(), width, height, 4, rgba.data(), width * 4)) {
    return makeError("write_failed", "cannot write PNG " + path);
  }
  return Ok{};
}

}  // namespace gatehouse::ui
