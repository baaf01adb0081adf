// Pass-signing key files: a small line format, written 0600, found via config or systemd.
#include "gatehouse/core/signing_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "gatehouse/core/base64url.hpp"

namespace gatehouse {

Result<std::vector<SigningKey>> parseSigningKeys(std::string_view text) {
  std::vector<SigningKey> out;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string estate, keyId, secret, extra;
    if (!(fields >> estate)) continue;
    const auto bad = [&](const std::string& why) {
      return makeError("signing_keys", "line " + std::to_string(n) + ": " + why);
    };
    if (!(fields >> keyId >> secret) || (fields >> extra))
      return bad("expected: estate_id key_id secret");
    char* end = nullptr;
    const long long e = std::strtoll(estate.c_str(), &end, 10);
    if (*end != '\0' || e <= 0) return bad("estate_id must be a positive number");
    const long long k = std::strtoll(keyId.c_str(), &end, 10);
    if (*end != '\0' || k < 1 || k > 255) return bad("key_id must be 1 to 255");
    const auto bytes = base64urlDecode(secret);
    if (!bytes || bytes->size() != SecretKey{}.size()) return bad("secret must be 64 bytes");
    SigningKey key;
    key.estateId = e;
    key.keyId = static_cast<std::uint8_t>(k);
    std::copy(bytes->begin(), bytes->end(), key.secret.begin());
    out.push_back(key);
  }
  return out;
}

std::string formatSigningKey(const SigningKey& key) {
  return std::to_string(key.estateId) + " " + std::to_string(key.keyId) + " " +
         base64urlEncode(key.secret.data(), key.secret.size()) + "\n";
}

Result<std::vector<SigningKey>> loadSigningKeyFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) {
    if (errno == ENOENT) return std::vector<SigningKey>{};
    return makeError("signing_keys", path + ": " + std::strerror(errno));
  }
  std::stringstream text;
  text << f.rdbuf();
  auto keys = parseSigningKeys(text.str());
  if (!keys) return makeError("signing_keys", path + ": " + keys.error().message);
  return keys;
}

Result<Ok> appendSigningKey(const std::string& path, const SigningKey& key) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return makeError("signing_keys", path + ": " + std::strerror(errno));
  const auto line = formatSigningKey(key);
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return makeError("signing_keys", path + ": write failed");
  return Ok{};
}

std::string signingKeyFilePath(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir)
    return std::string(dir) + "/gatehouse-signing-keys";
  return {};
}

const SigningKey* findSigningKey(const std::vector<SigningKey>& ring, std::int64_t estateId,
                                 std::uint8_t keyId) {
  for (const auto& k : ring)
    if (k.estateId == estateId && k.keyId == keyId) return &k;
  return nullptr;
}

}  // namespace gatehouse
