// Pass-signing secret keys in a credential file (never in the database): load, append, locate.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/core/result.hpp"

namespace gatehouse {

struct SigningKey {
  std::int64_t estateId = 0;
  std::uint8_t keyId = 0;
  SecretKey secret{};
};

// One key a line: "<estate_id> <key_id> <base64url of the 64-byte secret>"; '#' starts a
// comment. Errors name the line (code "signing_keys").
Result<std::vector<SigningKey>> parseSigningKeys(std::string_view text);
std::string formatSigningKey(const SigningKey& key);
// A missing file is an empty ring; an unreadable or malformed one is an error.
Result<std::vector<SigningKey>> loadSigningKeyFile(const std::string& path);
// Appends one key, creating the file with mode 0600.
Result<Ok> appendSigningKey(const std::string& path, const SigningKey& key);
// `configured` if set, else $CREDENTIALS_DIRECTORY/gatehouse-signing-keys (systemd
// LoadCredential=), else empty.
std::string signingKeyFilePath(const std::string& configured);
const SigningKey* findSigningKey(const std::vector<SigningKey>& ring, std::int64_t estateId,
                                 std::uint8_t keyId);

}  // namespace gatehouse
