// PhotoCache: stb-decoded photos uploaded as RGB textures through the ui library.
#include "photo_cache.hpp"

#include "gatehouse/console/image.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void PhotoCache::draw(const std::string& key, const Photo& photo, ImVec2 size) {
  auto it = textures_.find(key);
  if (it == textures_.end() && !photo.empty()) {
    if (auto img = decodeImage(photo)) {
      std::vector<std::uint8_t> rgb(static_cast<std::size_t>(img->width) * img->height * 3);
      for (std::size_t i = 0, n = static_cast<std::size_t>(img->width) * img->height; i < n; ++i) {
        rgb[i * 3] = img->pixels[i * 4];
        rgb[i * 3 + 1] = img->pixels[i * 4 + 1];
        rgb[i * 3 + 2] = img->pixels[i * 4 + 2];
      }
      auto tex = std::make_unique<ui::Texture>();
      tex->update(rgb.data(), img->width, img->height);
      it = textures_.emplace(key, std::move(tex)).first;
    }
  }
  if (it != textures_.end() && it->second->valid()) {
    ImGui::Image(it->second->id(), size);
  } else {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y),
                                              ImGui::GetColorU32(ui::palette().border), 4.0f);
    ImGui::Dummy(size);
  }
}

}  // namespace gatehouse::console::app
