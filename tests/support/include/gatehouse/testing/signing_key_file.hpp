// A throwaway pass-signing key file for tests that start a portal (removed on destruction).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "gatehouse/core/password.hpp"
#include "gatehouse/core/signing_keys.hpp"

namespace gatehouse::testing {

class SigningKeyFile {
 public:
  explicit SigningKeyFile(const std::vector<SigningKey>& keys)
      : path_((std::filesystem::temp_directory_path() / ("gatehouse-keys-" + randomToken(9)))
                  .string()) {
    for (const auto& k : keys) (void)appendSigningKey(path_, k);
  }
  ~SigningKeyFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  SigningKeyFile(const SigningKeyFile&) = delete;
  SigningKeyFile& operator=(const SigningKeyFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace gatehouse::testing
