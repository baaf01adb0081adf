// The offline on-site list: the sealed cache opened off the UI thread (an injected slow deriver
// shows the frame returns while the key is derived), read-only opens, and the sign-in screen's
// probe of a server that is not there.
#include "gatehouse/console/offline_access.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "gatehouse/console/cache_opener.hpp"
#include "gatehouse/testing/wait.hpp"

namespace gatehouse::console {
namespace {

using testing::waitUntil;

std::filesystem::path freshDir() {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-offline-" + Uuid::random().toString());
  std::filesystem::create_directories(dir);
  return dir;
}

OnSiteVisitor visitor(const std::string& name) {
  OnSiteVisitor v;
  v.visitId = Uuid::random();
  v.visitorName = name;
  v.unitLabel = "A-101";
  v.kioskName = "Main gate";
  v.enteredAt = TimePoint{std::chrono::seconds(1'800'000'000)};
  return v;
}

// What the console saves while a guard is signed in.
void saveList(const std::string& path, const std::string& password,
              const std::vector<OnSiteVisitor>& list) {
  auto c = LocalCache::open(path, password, CacheUnlock::Reset);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE((*c)->saveOnSite(list, TimePoint{std::chrono::seconds(1'800'000'100)}));
}

// A deriver that holds until the test lets it go, then does the real open.
class HeldDeriver {
 public:
  CacheOpenFn fn() {
    return [this](const std::string& path, std::string_view password, CacheUnlock mode) {
      {
        std::unique_lock lock(m_);
        started_ = true;
        cv_.notify_all();
        cv_.wait(lock, [this] { return released_; });
      }
      return LocalCache::open(path, password, mode);
    };
  }
  bool started() {
    std::lock_guard lock(m_);
    return started_;
  }
  void release() {
    std::lock_guard lock(m_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool started_ = false, released_ = false;
};

TEST(CacheOpener, TheFrameReturnsWhileTheKeyIsDerived) {
  const auto dir = freshDir();
  const auto path = (dir / "cache.sqlite").string();
  saveList(path, "guard password", {visitor("Anna Inside")});
  HeldDeriver deriver;
  {
    CacheOpener opener(deriver.fn());
    ASSERT_TRUE(opener.start(path, "guard password", CacheUnlock::ReadOnly));
    ASSERT_TRUE(waitUntil([&] { return deriver.started(); }));
    // The derivation is running and held: every "frame" (take) returns at once, still checking.
    for (int frame = 0; frame < 100; ++frame) {
      EXPECT_FALSE(opener.take());
      EXPECT_TRUE(opener.busy());
    }
    EXPECT_FALSE(opener.start(path, "another try", CacheUnlock::ReadOnly));  // one at a time
    deriver.release();
    std::optional<OpenedCache> opened;
    ASSERT_TRUE(waitUntil([&] { return (opened = opener.take()).has_value(); }));
    EXPECT_FALSE(opener.busy());
    ASSERT_TRUE(*opened) << opened->error().message;
    auto list = opened->value()->loadOnSite();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->visitors.size(), 1u);
    EXPECT_EQ(list->visitors[0].visitorName, "Anna Inside");
  }
  std::filesystem::remove_all(dir);
}

TEST(LocalCache, AReadOnlyOpenCreatesNothingAndRefusesAWrongPassword) {
  const auto dir = freshDir();
  const auto path = (dir / "cache.sqlite").string();
  auto none = LocalCache::open(path, "any password", CacheUnlock::ReadOnly);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "cache_missing");
  EXPECT_FALSE(std::filesystem::exists(path));  // no cache keyed to an unchecked password
  saveList(path, "guard password", {visitor("Anna Inside")});
  auto wrong = LocalCache::open(path, "guard passwort", CacheUnlock::ReadOnly);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "cache_password");
  auto right = LocalCache::open(path, "guard password", CacheUnlock::ReadOnly);
  ASSERT_TRUE(right) << right.error().message;
  auto list = (*right)->loadOnSite();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->visitors.size(), 1u);
  std::filesystem::remove_all(dir);
}

// A loopback port nothing listens on: connections are refused at once.
int closedPort() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

ServerOptions nowhere() {
  ServerOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(closedPort());
  o.connectTimeout = std::chrono::seconds(2);
  return o;
}

// Pumps as the UI thread does, once per "frame", until `done`.
bool pumpUntil(OfflineAccess& a, const std::function<bool()>& done) {
  return waitUntil(
      [&] {
        a.pump();
        return done();
      },
      std::chrono::seconds(30));
}

TEST(OfflineAccess, WithNoServerTheRightPasswordOpensTheListAndAWrongOneIsRefused) {
  const auto dir = freshDir();
  const auto path = (dir / "cache.sqlite").string();
  saveList(path, "guard password", {visitor("Anna Inside"), visitor("Борис Внутри")});
  OfflineAccess access(nowhere(), {path});
  EXPECT_FALSE(access.offered());  // nothing known yet
  ASSERT_TRUE(pumpUntil(access, [&] { return access.offered(); }));
  EXPECT_EQ(access.server(), ServerReach::Unreachable);
  // Wrong passwords: refused each time with a clear code, no lockout (none is possible offline).
  for (const std::string pw : {"guard passwore", "", "GUARD PASSWORD", "guard password "}) {
    ASSERT_TRUE(access.unlock(pw)) << pw;
    EXPECT_TRUE(access.checking());
    ASSERT_TRUE(pumpUntil(access, [&] { return !access.checking(); })) << pw;
    EXPECT_EQ(access.error(), "cache_password") << pw;
    EXPECT_FALSE(access.list());
  }
  EXPECT_EQ(access.refusals(), 4u);
  ASSERT_TRUE(access.unlock("guard password"));
  ASSERT_TRUE(pumpUntil(access, [&] { return !access.checking(); }));
  EXPECT_EQ(access.error(), "");
  ASSERT_TRUE(access.list());
  ASSERT_EQ(access.list()->visitors.size(), 2u);
  EXPECT_EQ(access.list()->visitors[1].visitorName, "Борис Внутри");
  EXPECT_EQ(access.list()->savedAt, TimePoint{std::chrono::seconds(1'800'000'100)});
  access.close();
  EXPECT_FALSE(access.list());
  // The refusals and the read destroyed nothing: the file still opens under the guard's key.
  auto again = LocalCache::open(path, "guard password", CacheUnlock::ReadOnly);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->loadOnSite()->visitors.size(), 2u);
  std::filesystem::remove_all(dir);
}

TEST(OfflineAccess, NothingIsOfferedWithoutASavedList) {
  const auto dir = freshDir();
  const auto path = (dir / "cache.sqlite").string();
  OfflineAccess access(nowhere(), {path});
  ASSERT_TRUE(pumpUntil(access, [&] { return access.server() == ServerReach::Unreachable; }));
  EXPECT_FALSE(access.offered());
  ASSERT_TRUE(access.unlock("guard password"));  // the sign-in screen hides it; still safe
  ASSERT_TRUE(pumpUntil(access, [&] { return !access.checking(); }));
  EXPECT_EQ(access.error(), "cache_missing");
  EXPECT_FALSE(std::filesystem::exists(path));
  std::filesystem::remove_all(dir);
}

TEST(OfflineAccess, AnInvalidServerUrlIsNotProbed) {
  ServerOptions bad;
  bad.url = "ftp://example.org";
  OfflineAccess access(bad, {"/nonexistent/cache.sqlite"});
  for (int frame = 0; frame < 10; ++frame) access.pump();
  EXPECT_EQ(access.server(), ServerReach::Unknown);
  EXPECT_FALSE(access.offered());
}

}  // namespace
}  // namespace gatehouse::console
