// The signing key file format: round trip, clear errors naming the line, systemd credentials.
#include "gatehouse/core/signing_keys.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

using namespace gatehouse;

TEST(SigningKeys, RoundTripAndComments) {
  SigningKey k;
  k.estateId = 3;
  k.keyId = 2;
  k.secret = KeyPair::generate().secretKey;
  const auto text = "# estate keys\n\n" + formatSigningKey(k) + "  # trailing comment\n";
  const auto ring = parseSigningKeys(text);
  ASSERT_TRUE(ring) << ring.error().message;
  ASSERT_EQ(ring->size(), 1u);
  EXPECT_EQ((*ring)[0].estateId, 3);
  EXPECT_EQ((*ring)[0].keyId, 2);
  EXPECT_EQ((*ring)[0].secret, k.secret);
  EXPECT_NE(findSigningKey(*ring, 3, 2), nullptr);
  EXPECT_EQ(findSigningKey(*ring, 3, 1), nullptr);
}

TEST(SigningKeys, MalformedLinesAreRefusedByLine) {
  for (const char* bad : {"1 1", "x 1 AAAA", "1 256 AAAA", "1 1 short", "1 1 AAAA extra"}) {
    const auto r = parseSigningKeys(std::string("# ok\n") + bad + "\n");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "signing_keys");
    EXPECT_NE(r.error().message.find("line 2"), std::string::npos) << r.error().message;
  }
}

TEST(SigningKeys, FileIsCreatedPrivateAndFoundThroughSystemdCredentials) {
  const auto dir = ::testing::TempDir();
  const auto path = dir + "/gatehouse-signing-keys";
  std::remove(path.c_str());
  EXPECT_TRUE(loadSigningKeyFile(path)->empty());  // missing file: no keys, no error
  SigningKey k;
  k.estateId = 1;
  k.keyId = 1;
  ASSERT_TRUE(appendSigningKey(path, k));
  EXPECT_EQ(loadSigningKeyFile(path)->size(), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ::setenv("CREDENTIALS_DIRECTORY", dir.c_str(), 1);
  EXPECT_EQ(signingKeyFilePath(""), dir + "/gatehouse-signing-keys");
  EXPECT_EQ(signingKeyFilePath("/etc/x"), "/etc/x");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_EQ(signingKeyFilePath(""), "");
  std::remove(path.c_str());
}
