// Evidence key generation and the credential file that holds its secret half.
#include "gatehouse/evidence/key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "files.hpp"
#include "gatehouse/core/base64url.hpp"

namespace gatehouse::evidence {

namespace {
constexpr const char* kMagic = "gatehouse-evidence-key";
}

EvidenceKey EvidenceKey::generate(std::int64_t estateId) {
  if (sodium_init() < 0) std::abort();
  EvidenceKey k;
  k.estateId = estateId;
  crypto_sign_keypair(k.publicKey.data(), k.secretKey.data());
  return k;
}

Status saveKeyFile(const std::string& path, const EvidenceKey& key) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return makeError("exists", path + " exists already; not overwritten");
    return makeError("io", "cannot create " + path + ": " + std::strerror(errno));
  }
  const std::string line = std::string(kMagic) + " v1 " + std::to_string(key.estateId) + " " +
                           base64urlEncode(key.secretKey.data(), key.secretKey.size()) + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return makeError("io", "cannot write " + path);
  return Ok{};
}

Result<EvidenceKey> loadKeyFile(const std::string& path) {
  const auto text = detail::readFile(path);
  if (!text) return makeError("not_found", "cannot read evidence key file " + path);
  std::istringstream in(*text);
  std::string magic, version, secret;
  std::int64_t estate = 0;
  if (!(in >> magic >> version >> estate >> secret) || magic != kMagic || version != "v1")
    return makeError("bad_key", path + " is not a gatehouse evidence key file");
  const auto raw = base64urlDecode(secret);
  if (!raw || raw->size() != crypto_sign_SECRETKEYBYTES)
    return makeError("bad_key", path + ": the secret key is not 64 bytes of base64url");
  EvidenceKey k;
  k.estateId = estate;
  std::memcpy(k.secretKey.data(), raw->data(), k.secretKey.size());
  crypto_sign_ed25519_sk_to_pk(k.publicKey.data(), k.secretKey.data());
  return k;
}

std::string resolveKeyPath(const std::string& explicitPath) {
  if (!explicitPath.empty()) return explicitPath;
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir)
    return std::string(dir) + "/evidence-key";
  return {};
}

std::string encodePublicKey(const PublicKey& key) {
  return base64urlEncode(key.data(), key.size());
}

Result<PublicKey> decodePublicKey(const std::string& text) {
  auto raw = base64urlDecode(text);
  if (!raw || raw->size() != 32)
    return makeError("bad_key", "a public key is 32 bytes of base64url (43 characters)");
  PublicKey k{};
  std::memcpy(k.data(), raw->data(), k.size());
  return k;
}

std::string fingerprint(const PublicKey& key) {
  return sha256Hex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()))
      .substr(0, 16);
}

}  // namespace gatehouse::evidence
