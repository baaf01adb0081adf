// Secrets from files: systemd's $CREDENTIALS_DIRECTORY (LoadCredential=) first, then a configured
// folder.
#pragma once
#include <string>
#include <string_view>

#include "gatehouse/core/result.hpp"

namespace gatehouse {

// The credential names the units pass (docs/OPERATIONS.md lists what each one holds).
namespace credential {
inline constexpr std::string_view kPortalSecret = "portal-secret";
inline constexpr std::string_view kSigningKey = "signing-key";
inline constexpr std::string_view kDocumentPepper = "document-pepper";
inline constexpr std::string_view kVapidKey = "vapid-key";
inline constexpr std::string_view kEvidenceKey = "evidence-key";
inline constexpr std::string_view kDbPassword = "db-password";
}  // namespace credential

// Where credential `name` lives: $CREDENTIALS_DIRECTORY/<name> when that file exists, else
// <configuredDir>/<name> when it exists, else empty. Names with '/' or starting with '.' are
// refused (empty), so a name cannot walk out of the folder.
std::string credentialPath(std::string_view name, const std::string& configuredDir = "");

// The credential's contents with one trailing newline removed. Errors: "credential_missing"
// (no file in either place), "credential_unreadable", "credential_empty".
Result<std::string> readCredential(std::string_view name, const std::string& configuredDir = "");

}  // namespace gatehouse
