// Canonical ustar archives for evidence bundles (see tar.hpp).
#include "tar.hpp"

#include <cstdio>
#include <cstring>

namespace gatehouse::evidence::detail {

namespace {

constexpr std::size_t kBlock = 512;
constexpr std::size_t kMaxName = 99;
constexpr std::size_t kMaxSize = 077777777777;  // what 11 octal digits hold

void octal(char* field, std::size_t width, std::size_t value) {
  std::snprintf(field, width, "%0*zo", static_cast<int>(width - 1), value);
}

// The one header writeTar makes for `name` of `size` bytes.
std::string header(const std::string& name, std::size_t size) {
  std::string h(kBlock, '\0');
  char* b = h.data();
  std::memcpy(b, name.data(), name.size());
  octal(b + 100, 8, 0644);
  octal(b + 108, 8, 0);
  octal(b + 116, 8, 0);
  octal(b + 124, 12, size);
  octal(b + 136, 12, 0);
  b[156] = '0';
  std::memcpy(b + 257, "ustar", 6);
  std::memcpy(b + 263, "00", 2);
  std::memset(b + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char ch : h) sum += ch;
  std::snprintf(b + 148, 8, "%06o", sum);  // six digits, NUL, and the space already there
  return h;
}

std::size_t padded(std::size_t n) { return (n + kBlock - 1) / kBlock * kBlock; }

}  // namespace

std::string writeTar(const std::vector<BundleFile>& files) {
  std::string out;
  for (const auto& f : files) {
    out += header(f.path, f.bytes.size());
    out += f.bytes;
    out.append(padded(f.bytes.size()) - f.bytes.size(), '\0');
  }
  out.append(2 * kBlock, '\0');
  return out;
}

TarContents readTar(const std::string& bytes) {
  TarContents out;
  const std::string zeros(2 * kBlock, '\0');
  std::size_t at = 0;
  while (at + kBlock <= bytes.size() && bytes.compare(at, kBlock, zeros, 0, kBlock) != 0) {
    const char* h = bytes.data() + at;
    const std::string name(h, strnlen(h, 100));
    std::size_t size = 0;
    if (std::sscanf(h + 124, "%11zo", &size) != 1 || size > kMaxSize || name.empty() ||
        name.size() > kMaxName || bytes.compare(at, kBlock, header(name, size)) != 0) {
      out.problems.push_back("the archive has an entry header at byte " + std::to_string(at) +
                             " that is not a plain file of the bundle");
      return out;
    }
    at += kBlock;
    if (bytes.size() - at < padded(size)) {
      out.problems.push_back("the archive ends inside " + name);
      return out;
    }
    out.files.push_back({name, bytes.substr(at, size)});
    if (bytes.find_first_not_of('\0', at + size) < at + padded(size))
      out.problems.push_back("the archive has bytes after " + name + " that belong to no file");
    at += padded(size);
  }
  if (bytes.size() < at || bytes.size() - at != 2 * kBlock ||
      bytes.compare(at, 2 * kBlock, zeros) != 0)
    out.problems.push_back("the archive does not end with exactly two empty blocks");
  return out;
}

}  // namespace gatehouse::evidence::detail
