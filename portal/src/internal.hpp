// Pieces of the portal shared between its translation units (not part of the public API).
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/result.hpp"
#include "gatehouse/core/uuid.hpp"
#include "gatehouse/portal/config.hpp"
#include "gatehouse/portal/http.hpp"
#include "lru_map.hpp"

namespace gatehouse::portal {

// --- crypto helpers (libsodium) ---------------------------------------------------------
std::string hmacSha256Hex(std::string_view key, std::string_view message);
bool constantTimeEqual(std::string_view a, std::string_view b);

// --- magic links ------------------------------------------------------------------------
// token = base64url("1|visit|person|expires|nonce") "." base64url(HMAC-SHA256(key, payload))
struct MagicClaim {
  Uuid visitId;
  std::int64_t personId = 0;
  std::int64_t expires = 0;
  std::string nonce;
};
std::string makeMagicToken(std::string_view key, const MagicClaim& claim);
// Errors: malformed, bad_signature, expired.
Result<MagicClaim> readMagicToken(std::string_view key, std::string_view token,
                                  std::int64_t nowUnix);

// --- QR as SVG (ZXing) --------------------------------------------------------------------
std::string qrSvg(const std::string& text, const std::string& title);

// --- HTML/CSV helpers ---------------------------------------------------------------------
std::string csvField(std::string_view value);  // quotes, and defuses spreadsheet formulas

// --- static files -------------------------------------------------------------------------
struct StaticFile {
  std::string contentType;
  std::string body;
  std::string etag;
};
class StaticFiles {
 public:
  explicit StaticFiles(const std::string& root);  // loads every file below root
  const StaticFile* find(const std::string& path) const;
  std::size_t count() const { return files_.size(); }

 private:
  std::unordered_map<std::string, StaticFile> files_;
};

// --- live events ----------------------------------------------------------------------------
struct Subscriber {
  std::shared_ptr<SseStream> stream;
  std::int64_t personId = 0;
  std::int64_t estateId = 0;
  std::int64_t unitId = 0;
  std::string sessionHash;     // the session it was opened with, so signing out closes it
  std::int64_t expiresMs = 0;  // the session's end; the stream ends then too (0 = never)
};

class Hub {
 public:
  // Adds a stream; when its session already has `streamsPerSession` open, closes the oldest.
  void add(Subscriber s);
  void setStreamsPerSession(std::size_t n) { streamsPerSession_ = n; }  // 0 = no limit
  // Sends to every open stream of the unit (in that estate); returns how many got it.
  std::size_t publishUnit(std::int64_t estateId, std::int64_t unitId, const std::string& frame);
  std::size_t publishPerson(std::int64_t personId, const std::string& frame);
  std::size_t publishAll(const std::string& frame);
  // One subscribed person of the unit (whose RLS view is the unit's), if any.
  std::optional<std::int64_t> personForUnit(std::int64_t estateId, std::int64_t unitId);
  bool hasPerson(std::int64_t personId);
  void closeAll();
  // Closes the streams of one session (sign-out) or of every session of a person (reset).
  std::size_t closeSession(const std::string& sessionHash);
  std::size_t closePerson(std::int64_t personId);
  std::size_t closeExpired(std::int64_t nowMs);
  std::size_t size();

 private:
  std::mutex mu_;
  std::size_t streamsPerSession_ = 4;
  std::unordered_map<std::int64_t, std::vector<Subscriber>> byUnit_;
};

std::string sseFrame(std::string_view event, std::string_view data);

// --- outbound notifications --------------------------------------------------------------------
struct OutboundEmail {
  std::string to;
  std::string subject;
  std::string body;
};
// Text from outside (a visitor's name, a purpose) for a message: on one line (control
// characters, line separators and bidi overrides become spaces) and in quotes.
std::string oneLineQuoted(std::string_view text);
// Sends over SMTP with libcurl. Returns an error message, or "" on success.
std::string sendEmail(const PortalConfig& config, const OutboundEmail& email);
// POSTs JSON with X-Gatehouse-Timestamp and X-Gatehouse-Signature: sha256=HMAC(secret, ts "."
// body).
std::string postWebhook(const PortalConfig& config, const std::string& url, const std::string& body,
                        std::int64_t nowUnix);
std::string webhookSignature(std::string_view secret, std::int64_t timestamp,
                             std::string_view body);

// --- login throttling (per client address; per-account lockout lives in the database) ------------
// At most `capacity` keys are remembered; the least recently used one is forgotten first, so a
// flood of new addresses cannot wipe the count of one that keeps trying.
class LoginThrottle {
 public:
  explicit LoginThrottle(int perMinute, std::size_t capacity = 100000)
      : perMinute_(perMinute), hits_(capacity) {}
  // Counts an attempt; returns seconds to wait (0 = allowed).
  int attempt(const std::string& key, std::chrono::steady_clock::time_point now);
  std::size_t size();

 private:
  int perMinute_;
  std::mutex mu_;
  LruMap<std::vector<std::chrono::steady_clock::time_point>> hits_;
};

}  // namespace gatehouse::portal
