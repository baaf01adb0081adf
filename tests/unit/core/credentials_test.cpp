// Credential lookup order, refusal of path tricks, and clear errors for missing or empty files.
#include "gatehouse/core/credentials.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "gh-cred-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& body) const {
    std::ofstream(path / name, std::ios::binary) << body;
  }
};

class Credentials : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("CREDENTIALS_DIRECTORY"); }
  void TearDown() override { unsetenv("CREDENTIALS_DIRECTORY"); }
};
}  // namespace

TEST_F(Credentials, SystemdDirectoryWinsOverConfiguredFolder) {
  TempDir systemd, configured;
  systemd.write("portal-secret", "from-systemd\n");
  configured.write("portal-secret", "from-config\n");
  setenv("CREDENTIALS_DIRECTORY", systemd.path.c_str(), 1);
  auto v = gatehouse::readCredential("portal-secret", configured.path.string());
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, "from-systemd");
}

TEST_F(Credentials, FallsBackToConfiguredFolder) {
  TempDir systemd, configured;
  configured.write("signing-key", "abc\r\n");
  setenv("CREDENTIALS_DIRECTORY", systemd.path.c_str(), 1);
  EXPECT_EQ(gatehouse::credentialPath("signing-key", configured.path.string()),
            (configured.path / "signing-key").string());
  auto v = gatehouse::readCredential("signing-key", configured.path.string());
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, "abc");
}

TEST_F(Credentials, MissingAndEmptyAreDistinctErrors) {
  TempDir configured;
  auto missing = gatehouse::readCredential("vapid-key", configured.path.string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "credential_missing");
  EXPECT_NE(missing.error().message.find("vapid-key"), std::string::npos);
  configured.write("vapid-key", "\n");
  auto empty = gatehouse::readCredential("vapid-key", configured.path.string());
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "credential_empty");
  // A zero-byte file, as the package's postinst creates for LoadCredential=, is empty too.
  configured.write("vapid-key", "");
  auto zero = gatehouse::readCredential("vapid-key", configured.path.string());
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, "credential_empty");
}

TEST_F(Credentials, NamesCannotLeaveTheFolder) {
  TempDir configured;
  fs::create_directory(configured.path / "sub");
  configured.write("sub/x", "secret");
  configured.write(".hidden", "secret");
  EXPECT_EQ(gatehouse::credentialPath("sub/x", configured.path.string()), "");
  EXPECT_EQ(gatehouse::credentialPath("../x", configured.path.string()), "");
  EXPECT_EQ(gatehouse::credentialPath(".hidden", configured.path.string()), "");
  EXPECT_EQ(gatehouse::credentialPath("", configured.path.string()), "");
}
