// The estate's evidence signing key: an Ed25519 pair whose secret half lives in a credential file.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "gatehouse/core/result.hpp"

namespace gatehouse::evidence {

using PublicKey = std::array<std::uint8_t, 32>;
using SecretKey = std::array<std::uint8_t, 64>;

struct EvidenceKey {
  std::int64_t estateId = 0;
  PublicKey publicKey{};
  SecretKey secretKey{};
  static EvidenceKey generate(std::int64_t estateId);
};

// File format, one line: "gatehouse-evidence-key v1 ESTATE_ID BASE64URL(secret key)".
// Written with mode 0600; refuses to overwrite an existing file (code "exists").
Status saveKeyFile(const std::string& path, const EvidenceKey& key);
Result<EvidenceKey> loadKeyFile(const std::string& path);
// The key file named by `explicitPath`, else $CREDENTIALS_DIRECTORY/evidence-key, else "".
std::string resolveKeyPath(const std::string& explicitPath);

std::string encodePublicKey(const PublicKey& key);  // base64url, 43 characters
Result<PublicKey> decodePublicKey(const std::string& text);
// A short form for people: the first 16 hex digits of the key's sha256.
std::string fingerprint(const PublicKey& key);

}  // namespace gatehouse::evidence
