// Web Push with OpenSSL EVP: VAPID ES256 JWTs, RFC 8291 aes128gcm encryption, HTTPS delivery
// with libcurl, and the background push service (retry with backoff, prune on 404/410).
#include "push.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/push_client.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/portal/portal.hpp"
#include "webhook_target.hpp"

namespace gatehouse::portal {

namespace {

using Bytes = std::vector<std::uint8_t>;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

Bytes publicPoint(EVP_PKEY* key) {
  Bytes out(65);
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(), &len) !=
          1 ||
      len != 65)
    return {};
  return out;
}

bool isP256(EVP_PKEY* key) {
  char group[64] = {};
  std::size_t len = 0;
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
         EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &len) == 1 &&
         std::string(group) == "prime256v1";
}

Pkey peerKey(const Bytes& point) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (!bld) return nullptr;
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  if (!params) return nullptr;
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  bool ok = ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
            EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok) return nullptr;
  // fromdata accepts any octets; a point off the curve must not reach ECDH.
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return Pkey(key);
}

Pkey newP256() { return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

Bytes ecdh(EVP_PKEY* mine, EVP_PKEY* peer) {
  PkeyCtx ctx(EVP_PKEY_CTX_new(mine, nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1)
    return {};
  Bytes out(len);
  if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1) return {};
  out.resize(len);
  return out;
}

// HKDF-SHA256 (extract and expand, RFC 5869).
Bytes hkdf(const Bytes& salt, const Bytes& ikm, const Bytes& info, std::size_t length) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  Bytes out(length);
  std::size_t len = length;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), salt.data(), static_cast<int>(salt.size())) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), ikm.data(), static_cast<int>(ikm.size())) != 1 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), info.data(), static_cast<int>(info.size())) != 1 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1 || len != length)
    return {};
  return out;
}

Bytes bytesOf(std::string_view s) { return Bytes(s.begin(), s.end()); }
void append(Bytes& to, const Bytes& b) { to.insert(to.end(), b.begin(), b.end()); }

Bytes aes128gcm(const Bytes& key, const Bytes& nonce, const Bytes& plain) {
  struct CipherFree {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
  };
  std::unique_ptr<EVP_CIPHER_CTX, CipherFree> ctx(EVP_CIPHER_CTX_new());
  Bytes out(plain.size() + 16);
  int len = 0, fin = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plain.data(),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + len + fin) != 1)
    return {};
  out.resize(static_cast<std::size_t>(len + fin) + 16);
  return out;
}

std::string b64(const Bytes& b) { return base64urlEncode(b); }
std::string b64(std::string_view s) {
  return base64urlEncode(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

}  // namespace

// --- VAPID ------------------------------------------------------------------------------------
struct VapidKeys::Impl {
  Pkey key;
  std::string publicB64;
};

VapidKeys::VapidKeys() : impl_(std::make_unique<Impl>()) {}
VapidKeys::~VapidKeys() = default;
VapidKeys::VapidKeys(VapidKeys&&) noexcept = default;
VapidKeys& VapidKeys::operator=(VapidKeys&&) noexcept = default;

Result<VapidKeys> VapidKeys::load(const std::string& pemPath) {
  std::FILE* f = std::fopen(pemPath.c_str(), "r");
  if (!f) return makeError("vapid_key", "cannot read VAPID key file " + pemPath);
  EVP_PKEY* raw = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  Pkey key(raw);
  if (!key || !isP256(key.get()))
    return makeError("vapid_key", pemPath + " is not a P-256 private key (PEM)");
  VapidKeys k;
  k.impl_->publicB64 = b64(publicPoint(key.get()));
  k.impl_->key = std::move(key);
  return k;
}

Result<std::string> VapidKeys::generate(const std::string& pemPath) {
  Pkey key = newP256();
  if (!key) return makeError("vapid_key", "key generation failed");
  int fd = ::open(pemPath.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return makeError("vapid_key", "cannot create " + pemPath + " (exists?)");
  std::FILE* f = ::fdopen(fd, "w");
  bool ok = f && PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (f) std::fclose(f);
  if (!ok) return makeError("vapid_key", "cannot write " + pemPath);
  return b64(publicPoint(key.get()));
}

Result<std::string> generateVapidKey(const std::string& path) { return VapidKeys::generate(path); }

std::string VapidKeys::publicKey() const { return impl_->publicB64; }

std::string VapidKeys::authorization(const std::string& endpoint, const std::string& subject,
                                     std::int64_t expiresUnix) const {
  nlohmann::json claims{{"aud", endpointOrigin(endpoint)}, {"exp", expiresUnix}, {"sub", subject}};
  std::string input = b64(std::string_view(R"({"typ":"JWT","alg":"ES256"})")) + "." +
                      b64(std::string_view(claims.dump()));
  struct MdFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, MdFree> md(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    return {};
  Bytes der(len);
  if (EVP_DigestSign(md.get(), der.data(), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    return {};
  // JWS wants r || s (32 bytes each), OpenSSL gives DER.
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  if (!sig) return {};
  Bytes raw(64);
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  bool ok = BN_bn2binpad(r, raw.data(), 32) == 32 && BN_bn2binpad(s, raw.data() + 32, 32) == 32;
  ECDSA_SIG_free(sig);
  if (!ok) return {};
  return "vapid t=" + input + "." + b64(raw) + ", k=" + impl_->publicB64;
}

std::string endpointOrigin(const std::string& endpoint) {
  if (endpoint.rfind("https://", 0) != 0) return {};
  auto slash = endpoint.find('/', 8);
  return endpoint.substr(0, slash);
}

// --- RFC 8291 -----------------------------------------------------------------------------------
Result<std::string> encryptPushPayload(const std::string& p256dh, const std::string& auth,
                                       const std::string& plaintext) {
  auto uaPublic = base64urlDecode(p256dh);
  auto authSecret = base64urlDecode(auth);
  if (!uaPublic || uaPublic->size() != 65 || !authSecret || authSecret->size() != 16)
    return makeError("push_keys", "subscription keys are not a P-256 point and a 16-byte secret");
  Pkey peer = peerKey(*uaPublic);
  if (!peer) return makeError("push_keys", "p256dh is not a point on P-256");
  Pkey mine = newP256();
  Bytes asPublic = mine ? publicPoint(mine.get()) : Bytes{};
  Bytes shared = mine ? ecdh(mine.get(), peer.get()) : Bytes{};
  if (asPublic.empty() || shared.empty()) return makeError("push_crypto", "ECDH failed");

  Bytes keyInfo = bytesOf("WebPush: info");
  keyInfo.push_back(0);
  append(keyInfo, *uaPublic);
  append(keyInfo, asPublic);
  Bytes ikm = hkdf(*authSecret, shared, keyInfo, 32);
  Bytes salt(16);
  if (ikm.empty() || RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    return makeError("push_crypto", "key derivation failed");
  Bytes cekInfo = bytesOf("Content-Encoding: aes128gcm");
  cekInfo.push_back(0);
  Bytes nonceInfo = bytesOf("Content-Encoding: nonce");
  nonceInfo.push_back(0);
  Bytes cek = hkdf(salt, ikm, cekInfo, 16);
  Bytes nonce = hkdf(salt, ikm, nonceInfo, 12);
  Bytes plain = bytesOf(plaintext);
  plain.push_back(2);  // delimiter of the last (only) record, no padding
  constexpr std::uint32_t kRecordSize = 4096;
  if (plain.size() + 16 > kRecordSize) return makeError("push_too_large", "payload over 4 KiB");
  Bytes sealed = cek.empty() || nonce.empty() ? Bytes{} : aes128gcm(cek, nonce, plain);
  if (sealed.empty()) return makeError("push_crypto", "encryption failed");

  Bytes body = salt;
  for (int shift : {24, 16, 8, 0}) body.push_back(static_cast<std::uint8_t>(kRecordSize >> shift));
  body.push_back(static_cast<std::uint8_t>(asPublic.size()));
  append(body, asPublic);
  append(body, sealed);
  return std::string(body.begin(), body.end());
}

// --- delivery
// -------------------------------------------------------------------------------------
namespace {
std::size_t collect(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<std::string*>(user);
  if (s->size() < 2000) s->append(buf, std::min<std::size_t>(size * n, 2000 - s->size()));
  return size * n;
}
}  // namespace

PushSender::PushSender(const PortalConfig& config, const VapidKeys& keys)
    : config_(config), keys_(keys) {
  static const bool once = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)once;
  curl_ = curl_easy_init();
}
PushSender::~PushSender() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

PushOutcome PushSender::send(const PushTarget& target, const PushMessage& message,
                             std::int64_t nowUnix) {
  PushOutcome out;
  if (endpointOrigin(target.endpoint).empty()) {
    out.kind = PushOutcome::Kind::Gone;
    out.error = "endpoint is not https";
    return out;
  }
  // Checked again at send (the name may resolve elsewhere now) and connected to as checked.
  auto where = resolveWebhookTarget(target.endpoint, config_.webhookAllowedAddresses);
  if (!where) {
    out.kind =
        where.error().code == "unresolved" ? PushOutcome::Kind::Retry : PushOutcome::Kind::Gone;
    out.error = "push: " + where.error().message;
    return out;
  }
  auto body = encryptPushPayload(target.p256dh, target.auth, message.payload);
  if (!body) {
    out.kind = PushOutcome::Kind::Gone;  // keys that cannot be used never will be
    out.error = body.error().message;
    return out;
  }
  auto* curl = static_cast<CURL*>(curl_);
  if (!curl) {
    out.kind = PushOutcome::Kind::Retry;
    out.error = "curl init failed";
    return out;
  }
  curl_easy_reset(curl);
  curl_slist* pinned = nullptr;
  if (const auto entry = pinnedResolveEntry(*where); !entry.empty()) {
    pinned = curl_slist_append(nullptr, entry.c_str());
    curl_easy_setopt(curl, CURLOPT_RESOLVE, pinned);
  }
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // a proxy would resolve the name itself
  curl_slist* h = nullptr;
  h = curl_slist_append(h, "Content-Type: application/octet-stream");
  h = curl_slist_append(h, "Content-Encoding: aes128gcm");
  h = curl_slist_append(h, ("TTL: " + std::to_string(message.ttlSeconds)).c_str());
  h = curl_slist_append(h, ("Urgency: " + message.urgency).c_str());
  if (!message.topic.empty()) h = curl_slist_append(h, ("Topic: " + message.topic).c_str());
  h = curl_slist_append(
      h, ("Authorization: " +
          keys_.authorization(target.endpoint, config_.vapidSubject, nowUnix + 12 * 3600))
             .c_str());
  std::string response;
  curl_easy_setopt(curl, CURLOPT_URL, target.endpoint.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  if (!config_.pushCaFile.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, config_.pushCaFile.c_str());
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  curl_slist_free_all(h);
  curl_slist_free_all(pinned);
  if (rc != CURLE_OK) {
    out.kind = PushOutcome::Kind::Retry;
    out.error = std::string("push: ") + curl_easy_strerror(rc);
  } else if (out.status >= 200 && out.status < 300) {
    out.kind = PushOutcome::Kind::Accepted;
  } else if (out.status == 404 || out.status == 410) {
    out.kind = PushOutcome::Kind::Gone;
    out.error = "push: HTTP " + std::to_string(out.status);
  } else {
    out.kind = out.status == 429 || out.status >= 500 ? PushOutcome::Kind::Retry
                                                      : PushOutcome::Kind::Failed;
    out.error = "push: HTTP " + std::to_string(out.status) + " " + response.substr(0, 200);
  }
  return out;
}

// --- the service ---------------------------------------------------------------------------------
struct PushService::Worker {
  PushSender sender;
  std::unique_ptr<backend::Connection> conn;
  Worker(const PortalConfig& c, const VapidKeys& k) : sender(c, k) {}
  backend::Connection& db(const PortalConfig& c) {
    if (!conn) conn = std::make_unique<backend::Connection>(c.databaseUrl);
    return *conn;
  }
};

PushService::PushService(const PortalConfig& config, VapidKeys keys, Composer composer)
    : config_(config), keys_(std::move(keys)), composer_(std::move(composer)) {}

PushService::~PushService() { stop(); }

void PushService::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  for (int i = 0; i < std::max(1, config_.pushThreads); ++i)
    threads_.emplace_back([this] { run(); });
}

void PushService::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void PushService::notification(std::int64_t notificationId) {
  Job j;
  j.notificationId = notificationId;
  {
    std::lock_guard lock(mu_);
    ready_.push_back(std::move(j));
  }
  cv_.notify_all();
}

void PushService::direct(PushTarget target, PushMessage message) {
  Job j;
  j.target = std::move(target);
  j.message = std::move(message);
  {
    std::lock_guard lock(mu_);
    ready_.push_back(std::move(j));
  }
  cv_.notify_all();
}

std::size_t PushService::sentCount() const {
  std::lock_guard lock(mu_);
  return sent_;
}

void PushService::run() {
  Worker w(config_, keys_);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto now = std::chrono::steady_clock::now();
    for (auto it = later_.begin(); it != later_.end();) {
      if (it->due <= now) {
        ready_.push_back(std::move(*it));
        it = later_.erase(it);
      } else {
        ++it;
      }
    }
    if (ready_.empty()) {
      auto next = now + std::chrono::seconds(1);
      for (auto& j : later_) next = std::min(next, j.due);
      cv_.wait_until(lock, next, [this] { return stopping_ || !ready_.empty(); });
      continue;
    }
    Job job = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    try {
      process(w, std::move(job),
              std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count());
    } catch (const std::exception& e) {
      spdlog::warn("push: {}", e.what());
      w.conn.reset();
    }
    lock.lock();
  }
}

void PushService::process(Worker& w, Job job, std::int64_t nowUnix) {
  if (job.notificationId == 0) return deliver(w, std::move(job), nowUnix);
  std::vector<Job> jobs;
  for (auto& d : backend::PushClient(w.db(config_)).targets(job.notificationId)) {
    Job one;
    one.target = std::move(d.target);
    one.message = composer_(d.kind, d.payloadJson, one.target);
    if (one.message.payload.empty()) continue;  // a kind that does not push
    jobs.push_back(std::move(one));
  }
  if (jobs.empty()) return;
  // The first device here; the rest to whichever push thread is free.
  Job first = std::move(jobs.front());
  {
    std::lock_guard lock(mu_);
    for (std::size_t i = 1; i < jobs.size(); ++i) ready_.push_back(std::move(jobs[i]));
  }
  cv_.notify_all();
  deliver(w, std::move(first), nowUnix);
}

void PushService::deliver(Worker& w, Job job, std::int64_t nowUnix) {
  auto out = w.sender.send(job.target, job.message, nowUnix);
  switch (out.kind) {
    case PushOutcome::Kind::Accepted: {
      {
        std::lock_guard lock(mu_);
        ++sent_;
      }
      return record(w, job.target.subscriptionId, "ok", {});
    }
    case PushOutcome::Kind::Gone:
      spdlog::info("push subscription {} removed: {}", job.target.subscriptionId, out.error);
      return record(w, job.target.subscriptionId, "gone", out.error);
    case PushOutcome::Kind::Retry:
    case PushOutcome::Kind::Failed:
      break;
  }
  record(w, job.target.subscriptionId, "failed", out.error);
  ++job.attempt;
  if (out.kind == PushOutcome::Kind::Failed || job.attempt >= config_.deliveryMaxAttempts) {
    spdlog::warn("push to subscription {} given up: {}", job.target.subscriptionId, out.error);
    return;
  }
  auto delay =
      std::chrono::milliseconds(config_.pushRetryMillis) * (1LL << std::min(job.attempt - 1, 10));
  job.due = std::chrono::steady_clock::now() + delay;
  spdlog::warn("push to subscription {} failed (attempt {}), retry in {} ms: {}",
               job.target.subscriptionId, job.attempt, delay.count(), out.error);
  std::lock_guard lock(mu_);
  later_.push_back(std::move(job));
}

void PushService::record(Worker& w, std::int64_t subscriptionId, const char* outcome,
                         const std::string& error) {
  backend::PushClient(w.db(config_)).record(subscriptionId, outcome, error);
}

}  // namespace gatehouse::portal
