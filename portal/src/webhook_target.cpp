// Webhook targets: the host is resolved once, every address checked, and curl pinned to them.
#include "webhook_target.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

namespace gatehouse::portal {

namespace {

bool inV4(std::uint32_t a, std::uint32_t net, int bits) {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

std::string v4Reason(std::uint32_t a) {
  struct Range {
    std::uint32_t net;
    int bits;
    const char* why;
  };
  static const Range ranges[] = {
      {v4(0, 0, 0, 0), 8, "unspecified"},        {v4(10, 0, 0, 0), 8, "private"},
      {v4(100, 64, 0, 0), 10, "shared (CGNAT)"}, {v4(127, 0, 0, 0), 8, "loopback"},
      {v4(169, 254, 0, 0), 16, "link-local"},    {v4(172, 16, 0, 0), 12, "private"},
      {v4(192, 0, 0, 0), 24, "reserved"},        {v4(192, 0, 2, 0), 24, "documentation"},
      {v4(192, 88, 99, 0), 24, "reserved"},      {v4(192, 168, 0, 0), 16, "private"},
      {v4(198, 18, 0, 0), 15, "benchmarking"},   {v4(198, 51, 100, 0), 24, "documentation"},
      {v4(203, 0, 113, 0), 24, "documentation"}, {v4(224, 0, 0, 0), 4, "multicast"},
      {v4(240, 0, 0, 0), 4, "reserved"},
  };
  for (const auto& r : ranges)
    if (inV4(a, r.net, r.bits)) return r.why;
  return {};
}

bool prefix(const std::array<unsigned char, 16>& a, std::initializer_list<unsigned char> p,
            int bits) {
  int i = 0;
  for (unsigned char byte : p) {
    const int left = bits - 8 * i;
    if (left <= 0) break;
    const unsigned char mask = left >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - left));
    if ((a[static_cast<std::size_t>(i)] & mask) != (byte & mask)) return false;
    ++i;
  }
  return true;
}

std::string v6Reason(const std::array<unsigned char, 16>& a) {
  const bool zero96 = std::all_of(a.begin(), a.begin() + 12, [](unsigned char c) { return !c; });
  const bool mapped = std::all_of(a.begin(), a.begin() + 10, [](unsigned char c) { return !c; }) &&
                      a[10] == 0xff && a[11] == 0xff;
  const bool nat64 = prefix(a, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 96);
  if (mapped || nat64 || zero96) {
    const std::uint32_t inner = (std::uint32_t{a[12]} << 24) | (std::uint32_t{a[13]} << 16) |
                                (std::uint32_t{a[14]} << 8) | a[15];
    if (zero96 && inner == 0) return "unspecified";
    if (zero96 && inner == 1) return "loopback";
    auto why = v4Reason(inner);
    if (!why.empty()) return why + (mapped ? " (IPv4-mapped)" : " (embedded IPv4)");
    return zero96 ? "reserved (IPv4-compatible)" : "";
  }
  if (prefix(a, {0xfc}, 7)) return "private (unique local)";
  if (prefix(a, {0xfe, 0x80}, 10)) return "link-local";
  if (prefix(a, {0xfe, 0xc0}, 10)) return "site-local";
  if (prefix(a, {0xff}, 8)) return "multicast";
  if (prefix(a, {0x20, 0x01, 0x0d, 0xb8}, 32)) return "documentation";
  if (prefix(a, {0x01, 0, 0, 0, 0, 0, 0, 0}, 64)) return "discard";
  if (prefix(a, {0x20, 0x02}, 16)) return "reserved (6to4)";
  if (!prefix(a, {0x20}, 3)) return "not global unicast";
  return {};
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string nonPublicReason(std::string_view ip) {
  const std::string text(ip);
  in_addr a4{};
  if (inet_pton(AF_INET, text.c_str(), &a4) == 1) return v4Reason(ntohl(a4.s_addr));
  std::array<unsigned char, 16> a6{};
  if (inet_pton(AF_INET6, text.c_str(), a6.data()) == 1) return v6Reason(a6);
  return "not an address";
}

Result<WebhookTarget> resolveWebhookTarget(const std::string& url,
                                           const std::vector<std::string>& allowed) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  char* host = nullptr;
  char* port = nullptr;
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
    curl_free(host);
    return makeError("bad_url", "not a URL");
  }
  WebhookTarget t;
  t.host = lower(host);
  t.port = std::atoi(port);
  curl_free(host);
  curl_free(port);
  std::string name = t.host;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
    t.literal = true;
  }
  if (nonPublicReason(name) != "not an address") t.literal = true;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (t.literal) hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res); rc != 0)
    return makeError("unresolved", name + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, freeaddrinfo);
  for (auto* ai = res; ai; ai = ai->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src = nullptr;
    if (ai->ai_family == AF_INET)
      src = &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr;
    else if (ai->ai_family == AF_INET6)
      src = &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr;
    if (!src || !inet_ntop(ai->ai_family, src, buf, sizeof buf)) continue;
    const std::string ip = buf;
    if (std::find(t.addresses.begin(), t.addresses.end(), ip) != t.addresses.end()) continue;
    if (std::find(allowed.begin(), allowed.end(), ip) == allowed.end()) {
      if (auto why = nonPublicReason(ip); !why.empty())
        return makeError("not_public", name + " is " + ip + ", a " + why + " address");
    }
    t.addresses.push_back(ip);
  }
  if (t.addresses.empty()) return makeError("unresolved", name + ": no address");
  return t;
}

std::string pinnedResolveEntry(const WebhookTarget& target) {
  if (target.literal) return {};
  std::string entry = target.host + ":" + std::to_string(target.port) + ":";
  for (std::size_t i = 0; i < target.addresses.size(); ++i) {
    const auto& a = target.addresses[i];
    entry += (i ? "," : "") + (a.find(':') != std::string::npos ? "[" + a + "]" : a);
  }
  return entry;
}

}  // namespace gatehouse::portal
