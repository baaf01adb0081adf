// Encoding, parsing and Ed25519 verification of invitation passes and badge exit tokens.
#include "gatehouse/core/pass.hpp"

#include <sodium.h>

#include <vector>

#include "gatehouse/core/base64url.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kPassPrefix = "GH1:";
constexpr std::string_view kExitPrefix = "GHX1:";
constexpr std::size_t kMaxGuest = 64;
constexpr std::size_t kMaxUnit = 16;
constexpr std::size_t kSig = crypto_sign_BYTES;

void ensureSodium() {
  if (sodium_init() < 0) std::abort();
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string truncateUtf8(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

class Writer {
 public:
  void u8(std::uint8_t v) { b_.push_back(v); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void i64(std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v);
    for (int s = 56; s >= 0; s -= 8) u8(static_cast<std::uint8_t>(u >> s));
  }
  void bytes(const std::uint8_t* p, std::size_t n) { b_.insert(b_.end(), p, p + n); }
  void str(const std::string& s) {
    u8(static_cast<std::uint8_t>(s.size()));
    bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  }
  std::vector<std::uint8_t>& data() { return b_; }

 private:
  std::vector<std::uint8_t> b_;
};

class Reader {
 public:
  Reader(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  bool ok() const { return ok_; }
  bool atEnd() const { return i_ == n_; }
  std::uint8_t u8() { return need(1) ? p_[i_++] : 0; }
  std::uint16_t u16() {
    const auto hi = u8();
    return static_cast<std::uint16_t>(hi << 8 | u8());
  }
  std::int64_t i64() {
    std::uint64_t u = 0;
    for (int k = 0; k < 8; ++k) u = u << 8 | u8();
    return static_cast<std::int64_t>(u);
  }
  void bytes(std::uint8_t* out, std::size_t n) {
    if (!need(n)) return;
    std::copy(p_ + i_, p_ + i_ + n, out);
    i_ += n;
  }
  std::string str(std::size_t max) {
    const std::size_t len = u8();
    if (len > max || !need(len)) {
      ok_ = false;
      return {};
    }
    std::string s(reinterpret_cast<const char*>(p_ + i_), len);
    i_ += len;
    return s;
  }

 private:
  bool need(std::size_t k) {
    if (!ok_ || n_ - i_ < k) ok_ = false;
    return ok_;
  }
  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t i_ = 0;
  bool ok_ = true;
};

std::vector<std::uint8_t> payloadOf(const InvitationPass& p) {
  Writer w;
  w.u8(1);
  w.i64(p.estateId);
  w.u8(p.keyId);
  w.bytes(p.invitationId.bytes.data(), 16);
  w.i64(p.validFrom);
  w.i64(p.validUntil);
  w.u8(p.weekdays);
  w.u16(p.dayStartMinute);
  w.u16(p.dayEndMinute);
  w.u16(p.maxUses);
  w.str(truncateUtf8(p.guestName, kMaxGuest));
  w.str(truncateUtf8(p.unitLabel, kMaxUnit));
  return std::move(w.data());
}

struct Parsed {
  InvitationPass pass;
  std::vector<std::uint8_t> raw;  // payload | signature
  std::size_t payloadSize = 0;
};

Result<Parsed> parseRaw(std::string_view text) {
  if (text.size() > kMaxPassText || text.substr(0, kPassPrefix.size()) != kPassPrefix)
    return makeError("not_a_pass", "not a Gatehouse invitation pass");
  auto raw = base64urlDecode(text.substr(kPassPrefix.size()));
  if (!raw || raw->size() <= kSig)
    return makeError("malformed", "pass is not valid base64url or too short");
  Parsed out;
  out.payloadSize = raw->size() - kSig;
  Reader r(raw->data(), out.payloadSize);
  if (r.u8() != 1) return makeError("malformed", "unsupported pass version");
  auto& p = out.pass;
  p.estateId = r.i64();
  p.keyId = r.u8();
  r.bytes(p.invitationId.bytes.data(), 16);
  p.validFrom = r.i64();
  p.validUntil = r.i64();
  p.weekdays = r.u8();
  p.dayStartMinute = r.u16();
  p.dayEndMinute = r.u16();
  p.maxUses = r.u16();
  p.guestName = r.str(kMaxGuest);
  p.unitLabel = r.str(kMaxUnit);
  if (!r.ok() || !r.atEnd()) return makeError("malformed", "pass payload has the wrong length");
  if (p.validUntil <= p.validFrom || p.dayStartMinute > 24 * 60 || p.dayEndMinute > 24 * 60 ||
      (p.weekdays & 0x80) != 0)
    return makeError("malformed", "pass fields are out of range");
  out.raw = std::move(*raw);
  return out;
}

}  // namespace

KeyPair KeyPair::generate() {
  ensureSodium();
  KeyPair k;
  crypto_sign_keypair(k.publicKey.data(), k.secretKey.data());
  return k;
}

std::string encodePass(const InvitationPass& pass, const SecretKey& key) {
  ensureSodium();
  auto payload = payloadOf(pass);
  std::uint8_t sig[kSig];
  crypto_sign_detached(sig, nullptr, payload.data(), payload.size(), key.data());
  payload.insert(payload.end(), sig, sig + kSig);
  return std::string(kPassPrefix) + base64urlEncode(payload);
}

Result<InvitationPass> parsePass(std::string_view text) {
  auto parsed = parseRaw(text);
  if (!parsed) return parsed.error();
  return std::move(parsed).value().pass;
}

Result<InvitationPass> verifyPass(std::string_view text, const PublicKeyLookup& keys) {
  ensureSodium();
  auto parsed = parseRaw(text);
  if (!parsed) return parsed.error();
  const auto& p = parsed.value();
  const auto key = keys ? keys(p.pass.estateId, p.pass.keyId) : std::nullopt;
  if (!key) return makeError("unknown_key", "no public key for this estate and key id");
  if (crypto_sign_verify_detached(p.raw.data() + p.payloadSize, p.raw.data(), p.payloadSize,
                                  key->data()) != 0)
    return makeError("bad_signature", "pass signature does not verify");
  return p.pass;
}

Status checkPassWindow(const InvitationPass& pass, std::int64_t unixSeconds, int utcOffsetSeconds) {
  if (unixSeconds < pass.validFrom) return makeError("not_yet_valid", "pass is not valid yet");
  if (unixSeconds >= pass.validUntil) return makeError("expired", "pass has expired");
  const std::int64_t local = unixSeconds + utcOffsetSeconds;
  const std::int64_t days = (local >= 0 ? local : local - 86399) / 86400;
  const int weekday =
      static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday: Mon=0
  if ((pass.weekdays & (1 << weekday)) == 0)
    return makeError("wrong_day", "pass is not valid today");
  const auto minute = static_cast<int>((local - days * 86400) / 60);
  if (minute < pass.dayStartMinute || minute >= pass.dayEndMinute)
    return makeError("outside_hours", "pass is not valid at this time of day");
  return Ok{};
}

ExitToken ExitToken::generate(const Uuid& visitId) {
  ensureSodium();
  ExitToken t;
  t.visitId = visitId;
  randombytes_buf(t.secret.data(), t.secret.size());
  return t;
}

std::string ExitToken::encode() const {
  std::uint8_t raw[32];
  std::copy(visitId.bytes.begin(), visitId.bytes.end(), raw);
  std::copy(secret.begin(), secret.end(), raw + 16);
  return std::string(kExitPrefix) + base64urlEncode(raw, sizeof raw);
}

std::string ExitToken::secretHashHex() const {
  return sha256Hex(std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()));
}

Result<ExitToken> parseExitToken(std::string_view text) {
  if (text.size() > 64 || text.substr(0, kExitPrefix.size()) != kExitPrefix)
    return makeError("not_a_badge", "not a Gatehouse badge");
  auto raw = base64urlDecode(text.substr(kExitPrefix.size()));
  if (!raw || raw->size() != 32) return makeError("malformed", "badge code is damaged");
  ExitToken t;
  std::copy(raw->begin(), raw->begin() + 16, t.visitId.bytes.begin());
  std::copy(raw->begin() + 16, raw->end(), t.secret.begin());
  return t;
}

}  // namespace gatehouse
