// A bundle as one file: a canonical POSIX ustar archive (fixed modes, no times), read strictly.
#pragma once
#include <string>
#include <vector>

#include "gatehouse/evidence/bundle.hpp"

namespace gatehouse::evidence::detail {

// Regular files in the given order, each header canonical (mode 0644, owner 0, time 0), then
// the two zero blocks that end an archive. Names must be under 100 bytes.
std::string writeTar(const std::vector<BundleFile>& files);

struct TarContents {
  std::vector<BundleFile> files;      // in archive order
  std::vector<std::string> problems;  // why the archive is not one writeTar could have made
};
// Anything writeTar would not have written (another header byte, a link or directory entry,
// non-zero padding, bytes after the end, a truncated entry) is a problem, so a changed byte
// anywhere in the file is reported even where no file's sha256 covers it.
TarContents readTar(const std::string& bytes);

}  // namespace gatehouse::evidence::detail
