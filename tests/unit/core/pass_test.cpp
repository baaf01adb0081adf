// Invitation pass and exit token: round trip, forgery, tampering, windows, junk input.
#include "gatehouse/core/pass.hpp"

#include <gtest/gtest.h>

#include "gatehouse/core/base64url.hpp"

using namespace gatehouse;

namespace {

InvitationPass samplePass() {
  InvitationPass p;
  p.estateId = 7;
  p.keyId = 2;
  p.invitationId = Uuid::random();
  p.validFrom = 1'800'000'000;
  p.validUntil = p.validFrom + 7 * 86400;
  p.weekdays = 0b0011111;  // Mon-Fri
  p.dayStartMinute = 8 * 60;
  p.dayEndMinute = 18 * 60;
  p.maxUses = 0;
  p.guestName = "Zoë Ødegaard-Сидорова";
  p.unitLabel = "B-1204";
  return p;
}

PublicKeyLookup lookupFor(const KeyPair& k) {
  return [pk = k.publicKey](std::int64_t estate, std::uint8_t keyId) -> std::optional<PublicKey> {
    if (estate == 7 && keyId == 2) return pk;
    return std::nullopt;
  };
}

}  // namespace

TEST(Pass, SignedPassVerifiesAndRoundTrips) {
  const auto keys = KeyPair::generate();
  const auto pass = samplePass();
  const auto text = encodePass(pass, keys.secretKey);
  EXPECT_EQ(text.rfind("GH1:", 0), 0u);
  EXPECT_LE(text.size(), kMaxPassText);
  const auto got = verifyPass(text, lookupFor(keys));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got.value(), pass);
}

TEST(Pass, ForgedWithAnotherKeyIsRejected) {
  const auto real = KeyPair::generate();
  const auto forger = KeyPair::generate();
  const auto got = verifyPass(encodePass(samplePass(), forger.secretKey), lookupFor(real));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "bad_signature");
}

TEST(Pass, EveryFlippedByteIsRejected) {
  const auto keys = KeyPair::generate();
  const auto text = encodePass(samplePass(), keys.secretKey);
  auto raw = *base64urlDecode(text.substr(4));
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto copy = raw;
    copy[i] ^= 0x01;
    const auto got = verifyPass("GH1:" + base64urlEncode(copy), lookupFor(keys));
    EXPECT_FALSE(got) << "byte " << i;
  }
}

TEST(Pass, UnknownEstateKeyIsRejected) {
  const auto keys = KeyPair::generate();
  auto pass = samplePass();
  pass.keyId = 9;
  const auto got = verifyPass(encodePass(pass, keys.secretKey), lookupFor(keys));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "unknown_key");
}

TEST(Pass, JunkIsNotAPassOrMalformed) {
  for (const std::string& junk : std::vector<std::string>{
           "", "hello", "GH1:", "GH1:!!!!", "GH1:AAAA", "GHX1:AAAA", std::string(600, 'A'),
           std::string("GH1:") + std::string(100, 'A')}) {
    const auto got = parsePass(junk);
    ASSERT_FALSE(got) << junk;
    EXPECT_TRUE(got.error().code == "not_a_pass" || got.error().code == "malformed") << junk;
  }
}

TEST(Pass, LongNamesAreTruncatedOnCodePointBoundaries) {
  const auto keys = KeyPair::generate();
  auto pass = samplePass();
  pass.guestName = std::string(40, 'x') + "Ёжиков Ёжик Ёжикович";
  const auto got = verifyPass(encodePass(pass, keys.secretKey), lookupFor(keys));
  ASSERT_TRUE(got);
  EXPECT_LE(got->guestName.size(), 64u);
  EXPECT_EQ(got->guestName.rfind(std::string(40, 'x'), 0), 0u);
  // Never ends inside a multi-byte sequence.
  const auto last = static_cast<unsigned char>(got->guestName.back());
  EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80);
}

TEST(PassWindow, EnforcesDatesWeekdaysAndHours) {
  const auto p = samplePass();  // from 2027-01-15 08:00 UTC (a Friday), Mon-Fri 08:00-18:00
  const std::int64_t fri0800 = p.validFrom;
  EXPECT_TRUE(checkPassWindow(p, fri0800, 0));
  EXPECT_EQ(checkPassWindow(p, fri0800 - 1, 0).error().code, "not_yet_valid");
  EXPECT_EQ(checkPassWindow(p, fri0800 + 10 * 3600, 0).error().code, "outside_hours");  // 18:00
  EXPECT_EQ(checkPassWindow(p, fri0800 + 86400, 0).error().code, "wrong_day");          // Saturday
  EXPECT_TRUE(checkPassWindow(p, fri0800 + 3 * 86400 + 3600, 0));  // Monday 09:00
  EXPECT_EQ(checkPassWindow(p, p.validUntil, 0).error().code, "expired");
  // At UTC+3 the same instant is 11:00 local: still inside hours.
  EXPECT_TRUE(checkPassWindow(p, fri0800, 3 * 3600));
}

TEST(ExitToken, RoundTripsAndHashesTheSecretOnly) {
  const auto id = Uuid::random();
  const auto t = ExitToken::generate(id);
  const auto parsed = parseExitToken(t.encode());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->visitId, id);
  EXPECT_EQ(parsed->secret, t.secret);
  EXPECT_EQ(parsed->secretHashHex(), t.secretHashHex());
  EXPECT_EQ(t.secretHashHex().size(), 64u);
  EXPECT_EQ(parseExitToken("GH1:abc").error().code, "not_a_badge");
  EXPECT_EQ(parseExitToken("GHX1:abc").error().code, "malformed");
}
