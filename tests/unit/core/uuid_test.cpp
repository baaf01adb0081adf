// UUID generation and text round trip.
#include "gatehouse/core/uuid.hpp"

#include <gtest/gtest.h>

#include "gatehouse/core/base64url.hpp"

using gatehouse::Uuid;

TEST(Uuid, RandomIsVersion4AndRoundTrips) {
  const auto u = Uuid::random();
  const auto s = u.toString();
  EXPECT_EQ(s.size(), 36u);
  EXPECT_EQ(s[14], '4');
  EXPECT_EQ(Uuid::parse(s), u);
  EXPECT_NE(Uuid::random(), u);
}

TEST(Uuid, RejectsMalformedText) {
  EXPECT_FALSE(Uuid::parse(""));
  EXPECT_FALSE(Uuid::parse("123e4567-e89b-12d3-a456-42661417400"));
  EXPECT_FALSE(Uuid::parse("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_FALSE(Uuid::parse("123e4567xe89b-12d3-a456-426614174000"));
  EXPECT_TRUE(Uuid::parse("123E4567-E89B-12D3-A456-426614174000"));
}

TEST(Base64url, RoundTripsAndRejectsJunk) {
  const std::vector<std::uint8_t> bytes{0, 1, 2, 250, 251, 252, 253, 254, 255};
  const auto text = gatehouse::base64urlEncode(bytes);
  EXPECT_EQ(text.find('='), std::string::npos);
  EXPECT_EQ(gatehouse::base64urlDecode(text), bytes);
  EXPECT_FALSE(gatehouse::base64urlDecode("ab+/"));
  EXPECT_FALSE(gatehouse::base64urlDecode("a"));
}

#include "gatehouse/core/password.hpp"

TEST(Password, Argon2idHashVerifiesOnlyTheRightPassword) {
  const auto h = gatehouse::hashPasswordFast("correct horse");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(gatehouse::verifyPassword(h, "correct horse"));
  EXPECT_FALSE(gatehouse::verifyPassword(h, "correct horse "));
  EXPECT_FALSE(gatehouse::verifyPassword("", "x"));
  EXPECT_FALSE(gatehouse::verifyPassword("$argon2id$garbage", "x"));
  EXPECT_NE(gatehouse::randomToken(), gatehouse::randomToken());
  EXPECT_EQ(gatehouse::randomToken(32).size(), 43u);
}
