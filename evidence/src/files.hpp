// Small file helpers for bundles: read, write, list regular files relative to a root.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::evidence::detail {

std::optional<std::string> readFile(const std::string& path);
bool writeFile(const std::string& path, const std::string& bytes, bool createNew = false);
// Every entry under `root`, relative, '/'-separated, sorted; non-regular files are reported
// with a trailing " (not a regular file)" so the verifier rejects them.
std::vector<std::string> listTree(const std::string& root);
// A relative path with no "..", no leading '/', no empty or "." parts.
bool safeRelativePath(const std::string& path);

}  // namespace gatehouse::evidence::detail
