// Small self-contained helpers: HMAC, magic-link tokens, QR as SVG, CSV, static files, SSE hub.
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "gatehouse/core/base64url.hpp"
#include "internal.hpp"

namespace gatehouse::portal {

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
  // Standard HMAC (RFC 2104) with the raw key, so receivers can check it with any library.
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return hexEncode(mac, sizeof mac);
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {
std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto p = s.find(sep, start);
    out.emplace_back(
        s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}
std::string b64(std::string_view s) {
  return base64urlEncode(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
}  // namespace

std::string makeMagicToken(std::string_view key, const MagicClaim& c) {
  std::string payload = "1|" + c.visitId.toString() + "|" + std::to_string(c.personId) + "|" +
                        std::to_string(c.expires) + "|" + c.nonce;
  std::string macHex = hmacSha256Hex(key, payload);
  return b64(payload) + "." + b64(macHex);
}

Result<MagicClaim> readMagicToken(std::string_view key, std::string_view token,
                                  std::int64_t nowUnix) {
  if (token.size() > 400) return makeError("malformed", "too long");
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return makeError("malformed", "no signature");
  auto payloadBytes = base64urlDecode(token.substr(0, dot));
  auto macBytes = base64urlDecode(token.substr(dot + 1));
  if (!payloadBytes || !macBytes) return makeError("malformed", "not base64url");
  std::string payload(payloadBytes->begin(), payloadBytes->end());
  std::string mac(macBytes->begin(), macBytes->end());
  if (!constantTimeEqual(mac, hmacSha256Hex(key, payload)))
    return makeError("bad_signature", "signature");
  auto parts = split(payload, '|');
  if (parts.size() != 5 || parts[0] != "1") return makeError("malformed", "fields");
  MagicClaim c;
  auto id = Uuid::parse(parts[1]);
  if (!id) return makeError("malformed", "visit");
  c.visitId = *id;
  try {
    c.personId = std::stoll(parts[2]);
    c.expires = std::stoll(parts[3]);
  } catch (const std::exception&) {
    return makeError("malformed", "numbers");
  }
  c.nonce = parts[4];
  if (nowUnix >= c.expires) return makeError("expired", "link expired");
  return c;
}

std::string qrSvg(const std::string& text, const std::string& title) {
  ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
  writer.setMargin(4).setEccLevel(2);
  ZXing::BitMatrix m = writer.encode(text, 0, 0);
  int w = m.width(), h = m.height();
  std::ostringstream svg;
  svg << R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 )" << w << ' ' << h
      << R"(" width=")" << w * 8 << R"(" height=")" << h * 8
      << R"(" shape-rendering="crispEdges" role="img"><title>)";
  for (char ch : title) {
    switch (ch) {
      case '<':
        svg << "&lt;";
        break;
      case '>':
        svg << "&gt;";
        break;
      case '&':
        svg << "&amp;";
        break;
      case '"':
        svg << "&quot;";
        break;
      default:
        svg << ch;
    }
  }
  svg << R"(</title><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d=")";
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w;) {
      if (!m.get(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < w && m.get(x + run, y)) ++run;
      svg << 'M' << x << ' ' << y << 'h' << run << "v1h-" << run << 'z';
      x += run;
    }
  }
  svg << R"("/></svg>)";
  return svg.str();
}

std::string csvField(std::string_view v) {
  std::string s(v);
  // A cell starting with these is a formula in spreadsheet software: defuse it.
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    s.insert(s.begin(), '\'');
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {
std::string contentTypeFor(const std::string& ext) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"}};
  auto it = types.find(ext);
  return it == types.end() ? "application/octet-stream" : it->second;
}
}  // namespace

StaticFiles::StaticFiles(const std::string& root) {
  namespace fs = std::filesystem;
  if (root.empty() || !fs::is_directory(root)) return;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const auto& e = *it;
    if (e.path().filename().string().front() == '.') {  // .git, .env, .htpasswd: never served
      if (e.is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!e.is_regular_file()) continue;
    std::string body(static_cast<std::size_t>(e.file_size()), '\0');
    std::FILE* fp = std::fopen(e.path().c_str(), "rb");
    if (!fp) continue;
    auto got = std::fread(body.data(), 1, body.size(), fp);
    std::fclose(fp);
    body.resize(got);
    auto rel = "/" + fs::relative(e.path(), root).generic_string();
    StaticFile f{contentTypeFor(e.path().extension().string()), std::move(body), {}};
    f.etag = "\"" + sha256Hex(f.body).substr(0, 16) + "\"";
    files_.emplace(rel, std::move(f));
  }
}

const StaticFile* StaticFiles::find(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

std::string sseFrame(std::string_view event, std::string_view data) {
  std::string f = "event: ";
  f += event;
  f += "\ndata: ";
  for (char c : data) {
    if (c == '\n') {
      f += "\ndata: ";
    } else if (c != '\r') {
      f += c;
    }
  }
  f += "\n\n";
  return f;
}

void Hub::add(Subscriber s) {
  std::vector<std::shared_ptr<SseStream>> evicted;
  {
    std::lock_guard lock(mu_);
    auto& subs = byUnit_[s.unitId];
    if (!s.sessionHash.empty() && streamsPerSession_ > 0) {
      // One session may hold a few streams (tabs); a new one beyond that ends its oldest.
      std::size_t same = 0;
      for (const auto& o : subs) same += o.sessionHash == s.sessionHash && o.stream->isOpen();
      for (auto& o : subs) {
        if (same < streamsPerSession_) break;
        if (o.sessionHash != s.sessionHash || !o.stream->isOpen()) continue;
        evicted.push_back(o.stream);
        --same;
      }
    }
    subs.push_back(std::move(s));
  }
  for (auto& e : evicted) e->close();
}

std::size_t Hub::publishUnit(std::int64_t estateId, std::int64_t unitId, const std::string& frame) {
  std::vector<std::shared_ptr<SseStream>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = byUnit_.find(unitId);
    if (it == byUnit_.end()) return 0;
    auto& subs = it->second;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [](const Subscriber& s) { return !s.stream->isOpen(); }),
               subs.end());
    for (auto& s : subs)
      if (s.estateId == estateId) targets.push_back(s.stream);
  }
  auto shared = std::make_shared<const std::string>(frame);
  std::size_t n = 0;
  for (auto& t : targets) n += t->send(shared) ? 1 : 0;
  return n;
}

std::size_t Hub::publishPerson(std::int64_t personId, const std::string& frame) {
  std::vector<std::shared_ptr<SseStream>> targets;
  {
    std::lock_guard lock(mu_);
    for (auto& [unit, subs] : byUnit_)
      for (auto& s : subs)
        if (s.personId == personId && s.stream->isOpen()) targets.push_back(s.stream);
  }
  auto shared = std::make_shared<const std::string>(frame);
  std::size_t n = 0;
  for (auto& t : targets) n += t->send(shared) ? 1 : 0;
  return n;
}

std::size_t Hub::publishAll(const std::string& frame) {
  std::vector<std::shared_ptr<SseStream>> targets;
  {
    std::lock_guard lock(mu_);
    for (auto it = byUnit_.begin(); it != byUnit_.end();) {
      auto& subs = it->second;
      subs.erase(std::remove_if(subs.begin(), subs.end(),
                                [](const Subscriber& s) { return !s.stream->isOpen(); }),
                 subs.end());
      for (auto& s : subs) targets.push_back(s.stream);
      it = subs.empty() ? byUnit_.erase(it) : std::next(it);
    }
  }
  auto shared = std::make_shared<const std::string>(frame);
  std::size_t n = 0;
  for (auto& t : targets) n += t->send(shared) ? 1 : 0;
  return n;
}

std::optional<std::int64_t> Hub::personForUnit(std::int64_t estateId, std::int64_t unitId) {
  std::lock_guard lock(mu_);
  auto it = byUnit_.find(unitId);
  if (it == byUnit_.end()) return std::nullopt;
  for (auto& s : it->second)
    if (s.estateId == estateId && s.stream->isOpen()) return s.personId;
  return std::nullopt;
}

bool Hub::hasPerson(std::int64_t personId) {
  std::lock_guard lock(mu_);
  for (auto& [unit, subs] : byUnit_)
    for (auto& s : subs)
      if (s.personId == personId && s.stream->isOpen()) return true;
  return false;
}

void Hub::closeAll() {
  std::vector<std::shared_ptr<SseStream>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [unit, subs] : byUnit_)
      for (auto& s : subs) all.push_back(s.stream);
    byUnit_.clear();
  }
  for (auto& s : all) s->close();
}

std::size_t Hub::closeSession(const std::string& sessionHash) {
  std::vector<std::shared_ptr<SseStream>> hit;
  {
    std::lock_guard lock(mu_);
    for (auto& [unit, subs] : byUnit_)
      for (auto& s : subs)
        if (s.sessionHash == sessionHash) hit.push_back(s.stream);
  }
  for (auto& s : hit) s->close();
  return hit.size();
}

std::size_t Hub::closePerson(std::int64_t personId) {
  std::vector<std::shared_ptr<SseStream>> hit;
  {
    std::lock_guard lock(mu_);
    for (auto& [unit, subs] : byUnit_)
      for (auto& s : subs)
        if (s.personId == personId) hit.push_back(s.stream);
  }
  for (auto& s : hit) s->close();
  return hit.size();
}

std::size_t Hub::closeExpired(std::int64_t nowMs) {
  std::vector<std::shared_ptr<SseStream>> hit;
  {
    std::lock_guard lock(mu_);
    for (auto& [unit, subs] : byUnit_)
      for (auto& s : subs)
        if (s.expiresMs > 0 && s.expiresMs <= nowMs) hit.push_back(s.stream);
  }
  for (auto& s : hit) s->close();
  return hit.size();
}

std::size_t Hub::size() {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (auto& [unit, subs] : byUnit_) n += subs.size();
  return n;
}

std::size_t LoginThrottle::size() {
  std::lock_guard lock(mu_);
  return hits_.size();
}

int LoginThrottle::attempt(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  auto& v = hits_.touch(key);
  auto windowStart = now - std::chrono::minutes(1);
  v.erase(std::remove_if(v.begin(), v.end(), [&](auto t) { return t < windowStart; }), v.end());
  if (static_cast<int>(v.size()) >= perMinute_) {
    auto wait =
        std::chrono::duration_cast<std::chrono::seconds>(v.front() + std::chrono::minutes(1) - now)
            .count();
    return static_cast<int>(std::max<long>(1, wait));
  }
  v.push_back(now);
  return 0;
}

}  // namespace gatehouse::portal
