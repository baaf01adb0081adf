// Keyed document hashes: HMAC-SHA256 with the estate's pepper over the old sha256 digest.
#include "gatehouse/core/document_hash.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "gatehouse/core/base64url.hpp"

using namespace gatehouse;

namespace {
const std::string kPepper = "harbour-view-pepper-0123456789abcdef";
}

TEST(DocumentHash, IsKeyedByThePepperAndNormalisesTheNumber) {
  const auto h = documentHash(kPepper, "L898902C3");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_NE(h, sha256Hex("L898902C3"));  // no longer the unkeyed digest anyone can brute-force
  EXPECT_NE(h, documentHash(kPepper + "x", "L898902C3"));
  EXPECT_EQ(h, documentHash(kPepper, "l89 8902-c3<"));
  // RFC 4231 test case 2 ("Jefe"), to pin the construction to standard HMAC-SHA256.
  EXPECT_EQ(rekeyDocumentDigest("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(DocumentHash, AnOldDigestRekeysToWhatTheNumberGivesWithoutTheNumber) {
  EXPECT_EQ(rekeyDocumentDigest(kPepper, sha256Hex("L898902C3")),
            documentHash(kPepper, "L898902C3"));
}

TEST(DocumentHash, APepperFileMustBeReadableAndLongEnough) {
  const std::string path = ::testing::TempDir() + "/pepper-test";
  std::ofstream(path) << "short\n";
  auto shortOne = readDocumentPepper(path);
  ASSERT_FALSE(shortOne);
  EXPECT_EQ(shortOne.error().code, "pepper_too_short");
  std::ofstream(path) << kPepper << "\n";
  auto ok = readDocumentPepper(path);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok.value(), kPepper);
  EXPECT_EQ(readDocumentPepper(path + "-missing").error().code, "pepper_unreadable");
  EXPECT_GE(newDocumentPepper().size(), 32u);
  EXPECT_NE(newDocumentPepper(), newDocumentPepper());
  std::remove(path.c_str());
}
