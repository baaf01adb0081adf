// Loads config/portal.toml with toml++ and applies environment overrides.
#include "gatehouse/portal/config.hpp"

#include <stdlib.h>
#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>

#include "gatehouse/core/credentials.hpp"

namespace gatehouse::portal {

namespace {
template <typename T>
void read(const toml::table& t, std::string_view section, std::string_view key, T& out) {
  if (auto v = t[section][key].value<T>()) out = *v;
}
}  // namespace

Result<PortalConfig> loadConfig(const std::string& path, bool required) {
  PortalConfig c;
  if (path.empty() || !std::filesystem::exists(path)) {
    if (required) return makeError("config_missing", "no config file at " + path);
    return c;
  }
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return makeError("config_invalid", std::string(e.description()) + " in " + path);
  }
  read(t, "http", "address", c.address);
  std::int64_t port = c.port;
  read(t, "http", "port", port);
  if (port < 0 || port > 65535) return makeError("config_invalid", "http.port out of range");
  c.port = static_cast<std::uint16_t>(port);
  std::int64_t n = c.ioThreads;
  read(t, "http", "io_threads", n);
  c.ioThreads = static_cast<int>(n);
  n = c.workerThreads;
  read(t, "http", "worker_threads", n);
  c.workerThreads = static_cast<int>(n);
  read(t, "http", "public_url", c.publicUrl);
  read(t, "http", "web_root", c.webRoot);
  read(t, "http", "access_log", c.accessLog);
  if (auto* list = t["http"]["trusted_proxies"].as_array()) {
    for (const auto& v : *list) {
      auto s = v.value<std::string>();
      if (!s)
        return makeError("config_invalid", "http.trusted_proxies must be a list of addresses");
      c.trustedProxies.push_back(*s);
    }
  }
  if (auto* list = t["webhook"]["allowed_addresses"].as_array()) {
    for (const auto& v : *list) {
      auto s = v.value<std::string>();
      if (!s)
        return makeError("config_invalid", "webhook.allowed_addresses must be a list of addresses");
      c.webhookAllowedAddresses.push_back(*s);
    }
  }
  read(t, "tls", "certificate", c.tlsCert);
  read(t, "tls", "private_key", c.tlsKey);
  read(t, "tls", "cookie_secure", c.cookieSecure);
  read(t, "database", "url", c.databaseUrl);
  read(t, "security", "secret", c.secret);
  read(t, "security", "signing_key_file", c.signingKeyFile);
  read(t, "security", "credentials_dir", c.credentialsDir);
  read(t, "security", "evidence_key_file", c.evidenceKeyFile);
  auto readInt = [&](std::string_view s, std::string_view k, int& out) {
    std::int64_t v = out;
    read(t, s, k, v);
    out = static_cast<int>(v);
  };
  readInt("http", "max_connections_per_address", c.maxConnectionsPerAddress);
  readInt("http", "max_streams_per_session", c.maxStreamsPerSession);
  if (c.maxConnectionsPerAddress < 0 || c.maxStreamsPerSession < 0)
    return makeError("config_invalid", "http.max_* must be 0 (no limit) or more");
  readInt("security", "session_hours", c.sessionHours);
  readInt("security", "login_max_failures", c.loginMaxFailures);
  readInt("security", "lock_minutes", c.lockMinutes);
  readInt("security", "login_per_minute_per_address", c.loginPerMinutePerAddress);
  readInt("security", "magic_link_minutes", c.magicLinkMinutes);
  readInt("security", "reset_link_minutes", c.resetLinkMinutes);
  readInt("http", "stream_ping_seconds", c.streamPingSeconds);
  read(t, "smtp", "url", c.smtpUrl);
  read(t, "smtp", "from", c.smtpFrom);
  read(t, "smtp", "user", c.smtpUser);
  read(t, "smtp", "password", c.smtpPassword);
  read(t, "webhook", "secret", c.webhookSecret);
  read(t, "webhook", "allow_http", c.webhookAllowHttp);
  readInt("webhook", "max_attempts", c.deliveryMaxAttempts);
  readInt("webhook", "retry_seconds", c.deliveryRetrySeconds);
  read(t, "push", "vapid_key_file", c.vapidKeyFile);
  read(t, "push", "subject", c.vapidSubject);
  read(t, "push", "ca_file", c.pushCaFile);
  readInt("push", "retry_ms", c.pushRetryMillis);
  readInt("push", "threads", c.pushThreads);
  read(t, "sms", "webhook_url", c.smsWebhookUrl);
  return c;
}

void applyEnvironment(PortalConfig& c) {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
  };
  if (auto v = env("GATEHOUSE_DATABASE_URL"); !v.empty()) c.databaseUrl = v;
  if (auto v = env("GATEHOUSE_PORTAL_SECRET"); !v.empty()) c.secret = v;
  if (auto v = env("GATEHOUSE_SIGNING_KEY_FILE"); !v.empty()) c.signingKeyFile = v;
  if (auto v = env("GATEHOUSE_WEBHOOK_SECRET"); !v.empty()) c.webhookSecret = v;
  if (auto v = env("GATEHOUSE_SMTP_URL"); !v.empty()) c.smtpUrl = v;
  if (auto v = env("GATEHOUSE_VAPID_KEY_FILE"); !v.empty()) c.vapidKeyFile = v;
  if (auto v = env("GATEHOUSE_EVIDENCE_KEY_FILE"); !v.empty()) c.evidenceKeyFile = v;
  applyCredentials(c);
}

void applyCredentials(PortalConfig& c) {
  // A credential file (systemd LoadCredential= or [security] credentials_dir) beats the
  // environment and the config file: that is where a packaged install keeps its secrets.
  if (auto v = readCredential(credential::kPortalSecret, c.credentialsDir)) c.secret = *v;
  // libpq takes the password from PGPASSWORD when the URL carries none.
  if (auto v = readCredential(credential::kDbPassword, c.credentialsDir))
    setenv("PGPASSWORD", v->c_str(), 1);
}

}  // namespace gatehouse::portal
