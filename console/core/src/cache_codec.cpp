// Encoding of the cached on-site list: u64 little-endian integers and length-prefixed bytes.
#include "cache_codec.hpp"

namespace gatehouse::console {

namespace {
struct Writer {
  Bytes out;
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void time(TimePoint t) { u64(static_cast<std::uint64_t>(t.time_since_epoch().count())); }
  void bytes(const void* p, std::size_t n) {
    u64(n);
    const auto* b = static_cast<const std::uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  void str(const std::string& s) { bytes(s.data(), s.size()); }
};

struct Reader {
  const Bytes& in;
  std::size_t at = 0;
  bool ok = true;
  std::uint64_t u64() {
    if (in.size() - at < 8) return fail();
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(in[at + i]) << (8 * i);
    at += 8;
    return v;
  }
  TimePoint time() { return TimePoint{TimePoint::duration{static_cast<std::int64_t>(u64())}}; }
  Bytes bytes() {
    const std::uint64_t n = u64();
    if (!ok || in.size() - at < n) return fail(), Bytes{};
    Bytes b(in.begin() + static_cast<std::ptrdiff_t>(at),
            in.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    return b;
  }
  std::string str() {
    const Bytes b = bytes();
    return {b.begin(), b.end()};
  }
  std::uint64_t fail() {
    ok = false;
    at = in.size();
    return 0;
  }
};
}  // namespace

Bytes encodeOnSite(const CachedOnSite& list) {
  Writer w;
  w.time(list.savedAt);
  w.u64(list.visitors.size());
  for (const auto& v : list.visitors) {
    w.str(v.visitId.toString());
    w.str(v.visitorName);
    w.str(v.unitLabel);
    w.str(v.phone);
    w.str(v.kioskName);
    w.time(v.enteredAt);
    w.u64(v.expectedExitAt ? 1 : 0);
    w.time(v.expectedExitAt.value_or(TimePoint{}));
    w.bytes(v.photo.data.data(), v.photo.data.size());
    w.str(v.photo.contentType);
  }
  return std::move(w.out);
}

std::optional<CachedOnSite> decodeOnSite(const Bytes& bytes) {
  Reader r{bytes};
  CachedOnSite out;
  out.savedAt = r.time();
  const std::uint64_t n = r.u64();
  for (std::uint64_t i = 0; i < n && r.ok; ++i) {
    OnSiteVisitor v;
    if (auto id = Uuid::parse(r.str())) v.visitId = *id;
    v.visitorName = r.str();
    v.unitLabel = r.str();
    v.phone = r.str();
    v.kioskName = r.str();
    v.enteredAt = r.time();
    const bool hasExit = r.u64() != 0;
    const TimePoint exit = r.time();
    if (hasExit) v.expectedExitAt = exit;
    v.photo.data = r.bytes();
    v.photo.contentType = r.str();
    out.visitors.push_back(std::move(v));
  }
  if (!r.ok || r.at != bytes.size()) return std::nullopt;
  return out;
}

}  // namespace gatehouse::console
