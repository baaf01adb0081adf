// Transport settings for every console request: verification on, CA and pin as configured.
#include "transport.hpp"

#include <filesystem>
#include <mutex>

namespace gatehouse::console {

namespace detail {

void globalCurlInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void applyTransport(CURL* curl, const ServerOptions& o) {
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");  // never a proxy from the environment
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connectTimeout.count()));
  if (!o.caFile.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, o.caFile.c_str());
  if (!o.pinSha256.empty()) {
    const std::string pin =
        o.pinSha256.rfind("sha256//", 0) == 0 ? o.pinSha256 : "sha256//" + o.pinSha256;
    curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, pin.c_str());
  }
}

std::string joinUrl(const std::string& base, const std::string& path) {
  if (!base.empty() && base.back() == '/') return base.substr(0, base.size() - 1) + path;
  return base + path;
}

}  // namespace detail

Status validate(const ServerOptions& o) {
  const auto scheme = o.url.find("://");
  if (o.url.empty() || scheme == std::string::npos)
    return makeError("bad_server_url", "server.url must be https://host:port");
  const std::string proto = o.url.substr(0, scheme);
  std::string host = o.url.substr(scheme + 3);
  host = host.substr(0, host.find('/'));
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (proto != "https" && proto != "http")
    return makeError("bad_server_url", "server.url must start with https://");
  const bool loopback = host == "127.0.0.1" || host == "localhost" || host == "::1";
  if (proto == "http" && !loopback)
    return makeError("bad_server_url",
                     "server.url: plain http is allowed to a loopback address only; use https://");
  if (!o.caFile.empty() && !std::filesystem::is_regular_file(o.caFile))
    return makeError("bad_ca_file", "server.ca_file: no such file: " + o.caFile);
  return Ok{};
}

}  // namespace gatehouse::console
