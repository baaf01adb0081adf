// Where an installed program finds its data (assets, web page): next to the executable's prefix.
#pragma once
#include <string>

namespace gatehouse {

// <prefix>/share/gatehouse/<relative> for the running executable at <prefix>/bin/<exe>, when
// that path exists; else empty, so callers fall back to the source tree as before. Works for
// /usr, /usr/local and a package unpacked into a throwaway root alike.
std::string installedDataPath(const std::string& relative);

}  // namespace gatehouse
