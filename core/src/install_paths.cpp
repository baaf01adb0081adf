// Installed data lookup relative to /proc/self/exe.
#include "gatehouse/core/install_paths.hpp"

#include <filesystem>

namespace gatehouse {

std::string installedDataPath(const std::string& relative) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const auto candidate = exe.parent_path().parent_path() / "share" / "gatehouse" / relative;
  return std::filesystem::exists(candidate, ec) ? candidate.string() : std::string();
}

}  // namespace gatehouse
