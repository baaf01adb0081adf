// X-Forwarded-For from trusted proxies only.
#include "gatehouse/portal/client_address.hpp"

#include <algorithm>

namespace gatehouse::portal {

namespace {
bool looksLikeIp(const std::string& s) {
  return !s.empty() && s.size() <= 45 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':';
  });
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}
}  // namespace

std::string clientAddress(const std::string& peer, const std::string& forwardedFor,
                          const std::vector<std::string>& trustedProxies) {
  auto trusted = [&](const std::string& a) {
    return std::find(trustedProxies.begin(), trustedProxies.end(), a) != trustedProxies.end();
  };
  if (forwardedFor.empty() || !trusted(peer)) return peer;
  std::string rest = forwardedFor;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const std::string entry = trim(comma == std::string::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string::npos ? std::string() : rest.substr(0, comma);
    if (!looksLikeIp(entry)) return peer;
    if (!trusted(entry)) return entry;
  }
  return peer;  // every hop was a proxy of ours
}

}  // namespace gatehouse::portal
