// Visitor photos as GL textures, decoded once per key and kept while they are drawn.
#pragma once
#include <imgui.h>

#include <map>
#include <memory>
#include <string>

#include "gatehouse/console/model.hpp"
#include "gatehouse/ui/gl.hpp"

namespace gatehouse::console::app {

class PhotoCache {
 public:
  // Draws the photo (or a grey box) at `size`; `key` identifies it (visit or evidence id).
  void draw(const std::string& key, const Photo& photo, ImVec2 size);
  void clear() { textures_.clear(); }

 private:
  std::map<std::string, std::unique_ptr<ui::Texture>> textures_;
};

}  // namespace gatehouse::console::app
