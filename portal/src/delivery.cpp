// Outbound channels over libcurl: email (SMTP) and signed webhooks (HTTP POST).
#include <curl/curl.h>

#include <cstring>
#include <ctime>

#include "gatehouse/core/base64url.hpp"
#include "internal.hpp"
#include "mail_sink.hpp"
#include "webhook_target.hpp"

namespace gatehouse::portal {

namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};
void ensureCurl() { static CurlGlobal g; }

struct Upload {
  std::string data;
  std::size_t pos = 0;
};
std::size_t readUpload(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  std::size_t len = std::min(size * n, u->data.size() - u->pos);
  std::memcpy(buf, u->data.data() + u->pos, len);
  u->pos += len;
  return len;
}
std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

std::string oneLine(std::string s) {
  for (auto& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

// RFC 2047 encoded word so any UTF-8 subject survives and cannot inject headers.
std::string encodeHeader(const std::string& s) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  while (i + 2 < s.size()) {
    unsigned v = (static_cast<unsigned char>(s[i]) << 16) |
                 (static_cast<unsigned char>(s[i + 1]) << 8) | static_cast<unsigned char>(s[i + 2]);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
    i += 3;
  }
  if (i < s.size()) {
    unsigned v = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) v |= static_cast<unsigned char>(s[i + 1]) << 8;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += i + 1 < s.size() ? tbl[(v >> 6) & 63] : '=';
    out += '=';
  }
  return "=?UTF-8?B?" + out + "?=";
}

}  // namespace

std::string oneLineQuoted(std::string_view text) {
  std::string flat;
  auto space = [&] {
    if (!flat.empty() && flat.back() != ' ') flat += ' ';
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    const auto third = i + 2 < text.size() ? static_cast<unsigned char>(text[i + 2]) : 0;
    if (c < 0x20 || c == 0x7f || c == ' ') {
      space();
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {  // C1 controls, NEL
      space();
      i += 1;
    } else if (c == 0xe2 && ((next == 0x80 && third >= 0xa8 && third <= 0xae) ||
                             (next == 0x81 && third >= 0xa6 && third <= 0xa9))) {
      space();  // line/paragraph separators, bidirectional overrides and isolates
      i += 2;
    } else {
      flat += static_cast<char>(c);
    }
  }
  if (!flat.empty() && flat.back() == ' ') flat.pop_back();
  return "\u201c" + flat + "\u201d";
}

std::string sendEmail(const PortalConfig& config, const OutboundEmail& email) {
  if (config.smtpUrl.empty()) return "smtp not configured";
  ensureCurl();
  CURL* curl = curl_easy_init();
  if (!curl) return "curl init failed";
  char date[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  Upload up;
  up.data = "Date: " + std::string(date) + "\r\nTo: <" + oneLine(email.to) +
            ">\r\nFrom: Gatehouse <" + oneLine(config.smtpFrom) +
            ">\r\nSubject: " + encodeHeader(oneLine(email.subject)) +
            "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n";
  for (char c : email.body) {
    if (c == '\n')
      up.data += "\r\n";
    else if (c != '\r')
      up.data += c;
  }
  up.data += "\r\n";
  if (auto sink = mailSinkDir(config.smtpUrl); !sink.empty()) {  // the demo's local mailbox
    curl_easy_cleanup(curl);
    return writeToMailSink(sink, up.data);
  }
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + oneLine(email.to) + ">").c_str());
  std::string from = "<" + oneLine(config.smtpFrom) + ">";
  curl_easy_setopt(curl, CURLOPT_URL, config.smtpUrl.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, readUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &up);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 15000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (!config.smtpUser.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config.smtpUser.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config.smtpPassword.c_str());
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK ? std::string() : std::string("smtp: ") + curl_easy_strerror(rc);
}

std::string webhookSignature(std::string_view secret, std::int64_t timestamp,
                             std::string_view body) {
  std::string msg = std::to_string(timestamp) + ".";
  msg += body;
  return "sha256=" + hmacSha256Hex(secret, msg);
}

std::string postWebhook(const PortalConfig& config, const std::string& url, const std::string& body,
                        std::int64_t nowUnix) {
  bool https = url.rfind("https://", 0) == 0;
  bool http = url.rfind("http://", 0) == 0;
  if (!https && !(http && config.webhookAllowHttp)) return "webhook url must be https";
  ensureCurl();
  // Resolved once and checked here; curl then connects to exactly these addresses, so a name
  // that re-resolves to 127.0.0.1 (DNS rebinding) changes nothing.
  auto target = resolveWebhookTarget(url, config.webhookAllowedAddresses);
  if (!target) return "webhook: " + target.error().message;
  CURL* curl = curl_easy_init();
  if (!curl) return "curl init failed";
  curl_slist* pinned = nullptr;
  if (const auto entry = pinnedResolveEntry(*target); !entry.empty()) {
    pinned = curl_slist_append(nullptr, entry.c_str());
    curl_easy_setopt(curl, CURLOPT_RESOLVE, pinned);
  }
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // a proxy would resolve the name itself
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers =
      curl_slist_append(headers, ("X-Gatehouse-Timestamp: " + std::to_string(nowUnix)).c_str());
  headers = curl_slist_append(
      headers,
      ("X-Gatehouse-Signature: " + webhookSignature(config.webhookSecret, nowUnix, body)).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  curl_slist_free_all(pinned);
  if (rc != CURLE_OK) return std::string("webhook: ") + curl_easy_strerror(rc);
  if (status < 200 || status >= 300) return "webhook: HTTP " + std::to_string(status);
  return {};
}

}  // namespace gatehouse::portal
