// Credential lookup: $CREDENTIALS_DIRECTORY, then the configured folder.
#include "gatehouse/core/credentials.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gatehouse {

namespace {
bool validName(std::string_view name) {
  return !name.empty() && name.front() != '.' && name.find('/') == std::string_view::npos;
}

std::string existing(const char* dir, std::string_view name) {
  if (dir == nullptr || *dir == '\0') return {};
  std::error_code ec;
  const auto p = std::filesystem::path(dir) / std::string(name);
  return std::filesystem::is_regular_file(p, ec) ? p.string() : std::string();
}
}  // namespace

std::string credentialPath(std::string_view name, const std::string& configuredDir) {
  if (!validName(name)) return {};
  if (auto p = existing(std::getenv("CREDENTIALS_DIRECTORY"), name); !p.empty()) return p;
  return existing(configuredDir.c_str(), name);
}

Result<std::string> readCredential(std::string_view name, const std::string& configuredDir) {
  const std::string path = credentialPath(name, configuredDir);
  if (path.empty())
    return makeError("credential_missing",
                     "credential '" + std::string(name) + "' not found in $CREDENTIALS_DIRECTORY" +
                         (configuredDir.empty() ? std::string() : " or " + configuredDir));
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError("credential_unreadable", "cannot read credential file " + path);
  // `body << in.rdbuf()` sets failbit on a zero-byte file, which must read as empty instead.
  std::ostringstream body;
  if (in.peek() != std::ifstream::traits_type::eof() && !(body << in.rdbuf()))
    return makeError("credential_unreadable", "cannot read credential file " + path);
  if (in.bad()) return makeError("credential_unreadable", "cannot read credential file " + path);
  std::string s = body.str();
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
  if (s.empty()) return makeError("credential_empty", "credential file " + path + " is empty");
  return s;
}

}  // namespace gatehouse
