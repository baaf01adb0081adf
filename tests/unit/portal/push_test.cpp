// Web Push pieces that need no network: VAPID key files, payload encryption input checks,
// messages per notification kind, and the device-bound nonce of action tokens.
#include "push.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "gatehouse/portal/portal.hpp"

namespace gatehouse::portal {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("gh-push-unit-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

TEST(VapidKeys, GeneratedKeyLoadsAndIsNeverOverwritten) {
  TempDir d;
  auto file = (d.path / "vapid.pem").string();
  auto pub = generateVapidKey(file);
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_EQ(pub.value().size(), 87u);  // 65-byte uncompressed point, base64url
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto again = generateVapidKey(file);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "vapid_key");
  auto keys = VapidKeys::load(file);
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys.value().publicKey(), pub.value());
  auto auth = keys.value().authorization("https://push.example:8443/x/y", "mailto:a@b", 1000);
  EXPECT_EQ(auth.rfind("vapid t=", 0), 0u);
  EXPECT_NE(auth.find(", k=" + pub.value()), std::string::npos);
}

TEST(PushSender, RefusesEndpointsThatAreNotPublicWithoutConnecting) {
  TempDir d;
  auto file = (d.path / "vapid-send.pem").string();
  ASSERT_TRUE(generateVapidKey(file));
  auto keys = VapidKeys::load(file);
  ASSERT_TRUE(keys);
  PortalConfig cfg;  // production: no allowed addresses
  PushSender sender(cfg, keys.value());
  for (const char* endpoint :
       {"https://127.0.0.1:1/push/x", "https://10.1.2.3/push/x", "https://169.254.169.254/x",
        "https://[::1]:1/x", "https://[::ffff:192.168.1.1]/x", "https://localhost:1/x"}) {
    PushMessage message;
    message.payload = "{}";
    const auto out = sender.send({1, 1, endpoint, "k", "a"}, message, 1000);
    EXPECT_EQ(out.kind, PushOutcome::Kind::Gone) << endpoint << ": " << out.error;
    EXPECT_EQ(out.status, 0) << endpoint;  // nothing was asked of anyone
    EXPECT_NE(out.error.find("address"), std::string::npos) << endpoint << ": " << out.error;
  }
}

TEST(VapidKeys, MissingOrForeignKeyFileIsAClearError) {
  TempDir d;
  auto missing = VapidKeys::load((d.path / "none.pem").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "vapid_key");
  std::ofstream((d.path / "junk.pem").string()) << "not a key\n";
  auto junk = VapidKeys::load((d.path / "junk.pem").string());
  ASSERT_FALSE(junk);
  EXPECT_NE(junk.error().message.find("P-256"), std::string::npos);
}

TEST(PushEncryption, RefusesKeysThatAreNotAP256PointAndA16ByteSecret) {
  auto shortKey = encryptPushPayload("AAAA", std::string(22, 'A'), "{}");
  ASSERT_FALSE(shortKey);
  EXPECT_EQ(shortKey.error().code, "push_keys");
  // 65 bytes that start like a point but are not on the curve.
  auto offCurve = encryptPushPayload("BA" + std::string(85, 'A'), std::string(22, 'A'), "{}");
  ASSERT_FALSE(offCurve);
  EXPECT_EQ(offCurve.error().code, "push_keys");
}

TEST(PushEncryption, BodyCarriesSaltRecordSizeAndSenderKey) {
  TempDir d;
  auto file = (d.path / "ua.pem").string();
  auto ua = generateVapidKey(file);  // any P-256 public point serves as the browser's key
  ASSERT_TRUE(ua);
  auto body = encryptPushPayload(ua.value(), "AAAAAAAAAAAAAAAAAAAAAA", R"({"type":"test"})");
  ASSERT_TRUE(body) << body.error().message;
  const auto& b = body.value();
  ASSERT_EQ(b.size(), 16u + 4 + 1 + 65 + 15 + 1 + 16);
  EXPECT_EQ(static_cast<unsigned char>(b[16 + 2]), 0x10);  // rs = 4096
  EXPECT_EQ(static_cast<unsigned char>(b[20]), 65);        // idlen
  EXPECT_EQ(static_cast<unsigned char>(b[21]), 0x04);      // uncompressed point
  auto again = encryptPushPayload(ua.value(), "AAAAAAAAAAAAAAAAAAAAAA", R"({"type":"test"})");
  EXPECT_NE(again.value(), b);  // fresh salt and key each time
}

TEST(PushMessages, RequestRingsHighWithTopicAndTokenOthersByKind) {
  auto token = [](const std::string& v) { return "tok-" + v; };
  auto req = composePush("visit_request",
                         R"({"visit":"11111111-2222-3333-4444-555555555555","visitor":"Ann",)"
                         R"("purpose":"Parcel","kiosk":"Main gate"})",
                         token);
  EXPECT_EQ(req.urgency, "high");
  EXPECT_EQ(req.topic, "11111111222233334444555555555555");
  auto p = nlohmann::json::parse(req.payload);
  EXPECT_EQ(p["token"], "tok-11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(p["gate"], "Main gate");
  auto arrived = composePush("visitor_arrived", R"({"visit":"x","visitor":"Ann"})", token);
  EXPECT_EQ(arrived.urgency, "normal");
  EXPECT_TRUE(arrived.topic.empty());
  EXPECT_TRUE(composePush("kiosk_offline", "{}", token).payload.empty());
  EXPECT_TRUE(composePush("visit_request", "not json", token).payload.empty());
}

TEST(PushNonce, NamesItsDeviceAndRejectsOthers) {
  EXPECT_EQ(pushNonceSubscription(pushNonce(42, "abc_-D")), 42);
  EXPECT_EQ(pushNonceSubscription("abc"), 0);
  EXPECT_EQ(pushNonceSubscription("p.abc"), 0);
  EXPECT_EQ(pushNonceSubscription("p12"), 0);
}

}  // namespace
}  // namespace gatehouse::portal
