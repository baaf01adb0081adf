// The two QR formats Gatehouse prints and scans, in one place for kiosk, portal and backend.
//
// Invitation pass  "GH1:" base64url( payload | Ed25519 signature(payload) )
//   payload = version(1)=1 | estate_id(i64 BE) | key_id(u8) | invitation_id(16)
//           | valid_from(i64 BE, unix s) | valid_until(i64 BE) | weekdays(u8, bit0=Mon..bit6=Sun)
//           | day_start_min(u16 BE) | day_end_min(u16 BE) | max_uses(u16 BE, 0 = unlimited)
//           | guest_len(u8) guest(UTF-8, <=64 bytes) | unit_len(u8) unit(<=16 bytes)
//   Signed by the estate's key (portal holds the secret key, kiosks only the public key), so a
//   kiosk verifies a pass with no network. Uses and revocation are checked by the database
//   (and against the kiosk's cached revocation list when offline).
//
// Exit token (badge)  "GHX1:" base64url( visit_id(16) | secret(16) )
//   The database keeps only sha256(secret); the badge is the bearer of the secret.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gatehouse/core/result.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse {

using PublicKey = std::array<std::uint8_t, 32>;
using SecretKey = std::array<std::uint8_t, 64>;  // libsodium layout: seed | public key

struct KeyPair {
  PublicKey publicKey{};
  SecretKey secretKey{};
  static KeyPair generate();
};

struct InvitationPass {
  std::int64_t estateId = 0;
  std::uint8_t keyId = 1;
  Uuid invitationId;
  std::int64_t validFrom = 0;   // unix seconds
  std::int64_t validUntil = 0;  // unix seconds, exclusive
  std::uint8_t weekdays = 0x7F;
  std::uint16_t dayStartMinute = 0;  // local time of the estate
  std::uint16_t dayEndMinute = 24 * 60;
  std::uint16_t maxUses = 1;
  std::string guestName;  // truncated to 64 bytes on a UTF-8 boundary when encoded
  std::string unitLabel;  // truncated to 16 bytes

  friend bool operator==(const InvitationPass&, const InvitationPass&) = default;
};

inline constexpr std::size_t kMaxPassText = 512;  // anything longer is not ours

// Finds the public key for (estate, key id); nullopt when unknown.
using PublicKeyLookup =
    std::function<std::optional<PublicKey>(std::int64_t estateId, std::uint8_t keyId)>;

std::string encodePass(const InvitationPass& pass, const SecretKey& key);

// Parses without verifying (bounded, never throws). Errors: not_a_pass, malformed.
Result<InvitationPass> parsePass(std::string_view text);
// Parses and verifies the signature. Extra errors: unknown_key, bad_signature.
Result<InvitationPass> verifyPass(std::string_view text, const PublicKeyLookup& keys);

// Whether the pass admits someone at `unixSeconds`, the estate being `utcOffsetSeconds` from UTC.
// Errors: not_yet_valid, expired, wrong_day, outside_hours.
Status checkPassWindow(const InvitationPass& pass, std::int64_t unixSeconds, int utcOffsetSeconds);

struct ExitToken {
  Uuid visitId;
  std::array<std::uint8_t, 16> secret{};

  static ExitToken generate(const Uuid& visitId);
  std::string encode() const;
  std::string secretHashHex() const;  // what the database stores
};
// Errors: not_a_badge, malformed.
Result<ExitToken> parseExitToken(std::string_view text);

}  // namespace gatehouse
