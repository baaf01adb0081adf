// File helpers for evidence bundles.
#include "files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gatehouse::evidence::detail {

namespace fs = std::filesystem;

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const auto size = in.tellg();
  if (size < 0) return std::nullopt;
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return std::nullopt;
  return bytes;
}

bool writeFile(const std::string& path, const std::string& bytes, bool createNew) {
  std::error_code ec;
  if (createNew && fs::exists(path, ec)) return false;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out.flush());
}

std::vector<std::string> listTree(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const auto rel = fs::relative(it->path(), root, ec).generic_string();
    if (it->is_directory(ec) && !it->is_symlink(ec)) continue;
    out.push_back(it->is_regular_file(ec) && !it->is_symlink(ec) ? rel
                                                                 : rel + " (not a regular file)");
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool safeRelativePath(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string::npos) return false;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return path.back() != '/';
}

}  // namespace gatehouse::evidence::detail
