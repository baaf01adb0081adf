// console_core without a database: TOTP, kiosk status, queue order, formats, cache, config,
// strings.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "gatehouse/console/auth.hpp"
#include "gatehouse/console/config.hpp"
#include "gatehouse/console/image.hpp"
#include "gatehouse/console/local_cache.hpp"
#include "gatehouse/console/reports.hpp"

namespace gatehouse::console {
namespace {

using namespace std::chrono_literals;

TEST(Totp, MatchesRfc6238Sha1Vectors) {
  const std::string ascii = "12345678901234567890";
  const std::vector<std::uint8_t> key(ascii.begin(), ascii.end());
  EXPECT_EQ(totpCode(key, 59, 8), "94287082");
  EXPECT_EQ(totpCode(key, 1111111109, 8), "07081804");
  EXPECT_EQ(totpCode(key, 1234567890, 8), "89005924");
  EXPECT_EQ(totpCode(key, 20000000000, 8), "65353130");
}

TEST(Totp, Base32DecodesAndRejectsGarbage) {
  auto k = base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");  // "12345678901234567890"
  ASSERT_TRUE(k);
  EXPECT_EQ(std::string(k->begin(), k->end()), "12345678901234567890");
  EXPECT_TRUE(base32Decode("gezd gnbv"));  // lower case and spaces as apps show them
  EXPECT_FALSE(base32Decode("GEZD1"));     // '1' is not base32
}

TEST(Totp, AcceptsOneStepOfDriftButNotTwo) {
  const std::string secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  const auto key = *base32Decode(secret);
  const std::int64_t t = 1'900'000'000;
  EXPECT_TRUE(verifyTotp(secret, totpCode(key, t), t));
  EXPECT_TRUE(verifyTotp(secret, totpCode(key, t - 30), t));
  EXPECT_TRUE(verifyTotp(secret, totpCode(key, t + 30), t));
  EXPECT_FALSE(verifyTotp(secret, totpCode(key, t - 90), t));
  EXPECT_FALSE(verifyTotp(secret, "12345", t));
}

TEST(KioskStatus, OnlineUntilTheHeartbeatIsOlderThanTheThreshold) {
  const TimePoint beat{std::chrono::seconds(1000)};
  EXPECT_TRUE(kioskOnline(beat, beat + 15s, 15s));
  EXPECT_FALSE(kioskOnline(beat, beat + 15001ms, 15s));
  EXPECT_FALSE(kioskOnline(std::nullopt, beat, 15s));
}

TEST(Queue, EscalatedFirstThenHeldThenOldest) {
  auto at = [](int s) { return TimePoint{std::chrono::seconds(s)}; };
  std::vector<PendingVisit> q(4);
  q[0].visitorName = "new";
  q[0].requestedAt = at(40);
  q[1].visitorName = "old";
  q[1].requestedAt = at(10);
  q[2].visitorName = "held";
  q[2].requestedAt = at(30);
  q[2].held = true;
  q[3].visitorName = "escalated";
  q[3].requestedAt = at(20);
  q[3].escalated = true;
  sortQueue(q);
  std::vector<std::string> names;
  for (const auto& v : q) names.push_back(v.visitorName);
  EXPECT_EQ(names, (std::vector<std::string>{"escalated", "held", "old", "new"}));
}

TEST(Format, DurationsReadAtAGlance) {
  EXPECT_EQ(formatDuration(42), "42 s");
  EXPECT_EQ(formatDuration(185), "3 min");
  EXPECT_EQ(formatDuration(2 * 3600 + 5 * 60), "2 h 05 min");
  EXPECT_EQ(formatDuration(-3), "0 s");
}

TEST(Reports, CsvHasSummaryHoursAndQuotedKioskNames) {
  Report r;
  r.visits = 3;
  r.perDay = {{"2026-11-20", 2}, {"2026-11-21", 1}};
  r.perHourOfWeek[0][9] = 2;
  r.perKiosk.push_back({"Gate, north", 3, 40.0, 0.5, 0.25});
  const std::string csv = reportCsv(r);
  EXPECT_NE(csv.find("summary,visits,3\n"), std::string::npos);
  EXPECT_NE(csv.find("per_day,2026-11-20,2\n"), std::string::npos);
  EXPECT_NE(csv.find("per_hour_of_week,Mon 09:00,2\n"), std::string::npos);
  EXPECT_NE(csv.find("\"Gate, north\",3,40.0,0.5000,0.2500\n"), std::string::npos) << csv;
}

TEST(LocalCache, RoundTripsTheOnSiteListWithPhotos) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("gh-cache-" + Uuid::random().toString() + ".sqlite");
  OnSiteVisitor v;
  v.visitId = Uuid::random();
  v.visitorName = "Анна O'Neil";
  v.unitLabel = "A-101";
  v.kioskName = "Main gate";
  v.enteredAt = TimePoint{std::chrono::seconds(1'800'000'000)};
  v.photo = {makePlaceholderPng(8, 8, 1, 2, 3), "image/png"};
  {
    auto c = LocalCache::open(path.string(), "guard password", CacheUnlock::Refuse);
    ASSERT_TRUE(c);
    EXPECT_FALSE((*c)->loadOnSite());  // nothing saved yet
    ASSERT_TRUE((*c)->saveOnSite({v}, TimePoint{std::chrono::seconds(1'800'000'100)}));
    ASSERT_TRUE((*c)->saveOnSite(
        {v}, TimePoint{std::chrono::seconds(1'800'000'200)}));  // replaces, no duplicates
  }
  auto c = LocalCache::open(path.string(), "guard password", CacheUnlock::Refuse);
  ASSERT_TRUE(c);
  auto loaded = (*c)->loadOnSite();
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->visitors.size(), 1u);
  EXPECT_EQ(loaded->visitors[0].visitId, v.visitId);
  EXPECT_EQ(loaded->visitors[0].visitorName, v.visitorName);
  EXPECT_EQ(loaded->visitors[0].enteredAt, v.enteredAt);
  EXPECT_FALSE(loaded->visitors[0].expectedExitAt);
  EXPECT_EQ(loaded->visitors[0].photo.data, v.photo.data);
  EXPECT_EQ(loaded->savedAt, TimePoint{std::chrono::seconds(1'800'000'200)});
  std::filesystem::remove(path);
}

std::filesystem::path freshCacheDir() {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-cache-" + Uuid::random().toString());
  std::filesystem::create_directories(dir);
  return dir;
}

std::string allBytesIn(const std::filesystem::path& dir) {  // the file, its WAL and SHM
  std::ostringstream all;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(f.path(), std::ios::binary);
    all << in.rdbuf();
  }
  return all.str();
}

OnSiteVisitor secretVisitor() {
  OnSiteVisitor v;
  v.visitId = Uuid::random();
  v.visitorName = "Zebulon Quartermaine";
  v.unitLabel = "Unit-Q-777";
  v.phone = "+44 7700 900123";
  v.kioskName = "North gate";
  v.enteredAt = TimePoint{std::chrono::seconds(1'800'000'000)};
  return v;
}

TEST(LocalCache, TheFileHoldsNoNamePhoneOrUnitInClear) {
  const auto dir = freshCacheDir();
  const auto path = (dir / "cache.sqlite").string();
  const OnSiteVisitor v = secretVisitor();
  {
    auto c = LocalCache::open(path, "guard password", CacheUnlock::Reset);
    ASSERT_TRUE(c);
    ASSERT_TRUE((*c)->saveOnSite({v}, TimePoint{std::chrono::seconds(1'800'000'100)}));
    const std::string open = allBytesIn(dir);  // WAL not yet checkpointed
    ASSERT_FALSE(open.empty());
    for (const auto& s : {v.visitorName, v.phone, v.unitLabel, v.kioskName, v.visitId.toString()})
      EXPECT_EQ(open.find(s), std::string::npos) << s;
  }
  const std::string closed = allBytesIn(dir);
  ASSERT_FALSE(closed.empty());
  for (const auto& s : {v.visitorName, v.phone, v.unitLabel, v.kioskName, v.visitId.toString()})
    EXPECT_EQ(closed.find(s), std::string::npos) << s;
  EXPECT_EQ(closed.find("guard password"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(LocalCache, AWrongPasswordGivesAClearErrorAndNoData) {
  const auto dir = freshCacheDir();
  const auto path = (dir / "cache.sqlite").string();
  {
    auto c = LocalCache::open(path, "guard password", CacheUnlock::Reset);
    ASSERT_TRUE(c);
    ASSERT_TRUE((*c)->saveOnSite({secretVisitor()}, TimePoint{std::chrono::seconds(1)}));
  }
  for (const std::string pw : {"guard passwore", "Guard password", " "}) {
    auto c = LocalCache::open(path, pw, CacheUnlock::Refuse);
    ASSERT_FALSE(c) << pw;
    EXPECT_EQ(c.error().code, "cache_password");
    EXPECT_NE(c.error().message.find("password does not open"), std::string::npos);
  }
  auto empty = LocalCache::open(path, "", CacheUnlock::Refuse);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "cache_password");
  // The refusals destroyed nothing: the right password still opens the list.
  auto c = LocalCache::open(path, "guard password", CacheUnlock::Refuse);
  ASSERT_TRUE(c);
  auto loaded = (*c)->loadOnSite();
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->visitors.size(), 1u);
  EXPECT_EQ(loaded->visitors[0].phone, "+44 7700 900123");
  std::filesystem::remove_all(dir);
}

TEST(LocalCache, AnotherGuardSigningInStartsAFreshCacheUnderTheirKey) {
  const auto dir = freshCacheDir();
  const auto path = (dir / "cache.sqlite").string();
  {
    auto c = LocalCache::open(path, "first guard", CacheUnlock::Reset);
    ASSERT_TRUE(c);
    ASSERT_TRUE((*c)->saveOnSite({secretVisitor()}, TimePoint{std::chrono::seconds(1)}));
  }
  {
    auto c = LocalCache::open(path, "second guard", CacheUnlock::Reset);
    ASSERT_TRUE(c);
    EXPECT_FALSE((*c)->loadOnSite());  // the first guard's copy is gone, not readable
    ASSERT_TRUE((*c)->saveOnSite({}, TimePoint{std::chrono::seconds(2)}));
  }
  EXPECT_FALSE(LocalCache::open(path, "first guard", CacheUnlock::Refuse));
  auto c = LocalCache::open(path, "second guard", CacheUnlock::Refuse);
  ASSERT_TRUE(c);
  auto loaded = (*c)->loadOnSite();
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->visitors.empty());
  std::filesystem::remove_all(dir);
}

TEST(LocalCache, APlainCacheFromOlderCodeIsDeletedOnFirstOpen) {
  const auto dir = freshCacheDir();
  const auto path = (dir / "cache.sqlite").string();
  {  // the schema the previous console wrote, with a visitor in clear
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE onsite (visit TEXT PRIMARY KEY, name TEXT, unit TEXT, "
                           "phone TEXT, kiosk TEXT, entered REAL, expected REAL, photo BLOB, "
                           "photo_type TEXT); CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                           "INSERT INTO onsite (visit, name, phone) VALUES ('x', 'Old Plain "
                           "Name', '+1 555 0100');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  ASSERT_NE(allBytesIn(dir).find("Old Plain Name"), std::string::npos);
  {
    auto c = LocalCache::open(path, "guard password", CacheUnlock::Refuse);
    ASSERT_TRUE(c);
    EXPECT_FALSE((*c)->loadOnSite());
  }
  const std::string bytes = allBytesIn(dir);
  EXPECT_EQ(bytes.find("Old Plain Name"), std::string::npos);
  EXPECT_EQ(bytes.find("+1 555 0100"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Image, PlaceholderPngDecodes) {
  auto img = decodeImage({makePlaceholderPng(20, 10, 200, 100, 50), "image/png"});
  ASSERT_TRUE(img);
  EXPECT_EQ(img->width, 20);
  EXPECT_EQ(img->height, 10);
  EXPECT_EQ(img->pixels[0], 200);  // corner is background colour
  EXPECT_FALSE(decodeImage({{1, 2, 3}, "image/jpeg"}));
}

TEST(Config, ReadsTheExampleAndRejectsABadMode) {
  auto c = loadConfig(std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) + "/config/console.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->theme, "dark");
  EXPECT_EQ(c->offlineAfter, 15s);
  EXPECT_EQ(c->kioskStale, 60s);
  const auto bad =
      std::filesystem::temp_directory_path() / ("gh-bad-" + Uuid::random().toString() + ".toml");
  std::ofstream(bad) << "[console]\nmode = \"tv\"\n";
  auto b = loadConfig(bad.string());
  EXPECT_FALSE(b);
  std::ofstream(bad) << "[console\n";
  b = loadConfig(bad.string());
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find(":1"), std::string::npos) << b.error().message;
  std::filesystem::remove(bad);
}

TEST(Config, ReadsThePurgeSettingsAndRejectsBadOnes) {
  auto c = loadConfig(std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) + "/config/console.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->purgeEvery, 600s);
  EXPECT_EQ(c->purgeBatch, 100);
  const auto bad =
      std::filesystem::temp_directory_path() / ("gh-bad-" + Uuid::random().toString() + ".toml");
  for (const char* text : {"[worker]\npurge_batch = 0\n", "[worker]\npurge_batch = 20000\n",
                           "[worker]\npurge_every_s = -1\n"}) {
    std::ofstream(bad) << text;
    auto b = loadConfig(bad.string());
    ASSERT_FALSE(b) << text;
    EXPECT_NE(b.error().message.find("worker.purge_batch"), std::string::npos) << b.error().message;
  }
  std::filesystem::remove(bad);
}

TEST(Strings, EveryLanguageHasTheSameKeys) {
  const std::string dir =
      std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) + "/assets/lang/console/";
  auto keys = [&](const std::string& f) {
    std::set<std::string> out;
    std::ifstream in(dir + f);
    const nlohmann::json doc = nlohmann::json::parse(in);
    for (auto it = doc.begin(); it != doc.end(); ++it) out.insert(it.key());
    return out;
  };
  const auto en = keys("en.json");
  EXPECT_GT(en.size(), 100u);
  EXPECT_EQ(keys("ru.json"), en);
}

}  // namespace
}  // namespace gatehouse::console
