// Portal settings: config/portal.toml, then environment overrides, then command-line flags.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::portal {

struct PortalConfig {
  // [http]
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  int ioThreads = 1;
  int workerThreads = 4;
  std::string publicUrl;  // base for links in emails; default http(s)://address:port
  std::string webRoot;    // folder with index.html; default: the source tree's portal/web
  bool accessLog = true;
  std::vector<std::string> trustedProxies;  // reverse proxies whose X-Forwarded-For is believed
  int maxConnectionsPerAddress = 256;  // open connections per peer (proxies exempt); 0 = no cap
  int maxStreamsPerSession = 4;        // live streams per session; a new one ends the oldest
  // [tls]
  std::string tlsCert;  // PEM chain; empty = plain HTTP
  std::string tlsKey;
  bool cookieSecure = false;  // force Secure cookies (TLS terminated by a proxy)
  // [database]
  std::string databaseUrl;  // GATEHOUSE_DATABASE_URL wins over the file
  // [security]
  std::string secret;  // HMAC key for magic links (GATEHOUSE_PORTAL_SECRET); random if empty
  // Pass-signing keys (GATEHOUSE_SIGNING_KEY_FILE; else $CREDENTIALS_DIRECTORY/
  // gatehouse-signing-keys). Read on each pass, so a rotated key is used without a restart.
  std::string signingKeyFile;
  // The estate's evidence signing key (gatehouse-admin evidence-key init): [security]
  // evidence_key_file or GATEHOUSE_EVIDENCE_KEY_FILE, else the "evidence-key" credential.
  // Read once at start; none means the staff evidence route answers 503.
  std::string evidenceKeyFile;
  // Fallback folder for credential files when $CREDENTIALS_DIRECTORY has none (core/credentials).
  std::string credentialsDir;
  int sessionHours = 12;
  int loginMaxFailures = 5;
  int lockMinutes = 15;
  int loginPerMinutePerAddress = 30;
  int magicLinkMinutes = 15;
  int resetLinkMinutes = 30;
  int streamPingSeconds = 10;  // a comment line on every live stream at least this often
  // [smtp]
  std::string smtpUrl;  // smtp://host:port or smtps://; empty = email off
  std::string smtpFrom = "gatehouse@localhost";
  std::string smtpUser;
  std::string smtpPassword;
  // [webhook]
  std::string webhookSecret;      // HMAC key for webhook signatures (GATEHOUSE_WEBHOOK_SECRET)
  bool webhookAllowHttp = false;  // only https:// targets unless set (tests, a LAN gateway)
  // Webhooks, the SMS gateway and Web Push endpoints reach public addresses only, after DNS; these
  // exact addresses are allowed besides (tests, a deliberate LAN gateway).
  std::vector<std::string> webhookAllowedAddresses;
  int deliveryMaxAttempts = 5;
  int deliveryRetrySeconds = 30;  // doubles after each failed attempt
  // [push] Web Push (VAPID); empty key file = push off
  std::string vapidKeyFile;  // PEM P-256 private key (gatehouse-portal --generate-vapid-key)
  std::string vapidSubject = "mailto:gatehouse@localhost";  // contact for push services
  std::string pushCaFile;      // extra CA bundle for push services (tests, a private service)
  int pushRetryMillis = 5000;  // first retry after a 5xx; doubles after each failed attempt
  int pushThreads = 2;         // concurrent deliveries (each keeps its own connections)
  // [sms] an estate's SMS gateway: a webhook (signed like [webhook]); empty = no SMS
  std::string smsWebhookUrl;
};

// Reads `path` (toml); a missing file is an error only when `required`.
Result<PortalConfig> loadConfig(const std::string& path, bool required);
// GATEHOUSE_DATABASE_URL, GATEHOUSE_PORTAL_SECRET, GATEHOUSE_WEBHOOK_SECRET, GATEHOUSE_SMTP_URL.
void applyEnvironment(PortalConfig& config);
// Secrets from credential files (portal-secret, db-password); called by applyEnvironment.
void applyCredentials(PortalConfig& config);

}  // namespace gatehouse::portal
