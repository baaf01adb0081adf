// The portal application's wiring: the shared context, the route table, the HTTP server, the
// event listener, delivery, push and the stream heartbeat. Routes live in resources/*.cpp.
#include "gatehouse/portal/portal.hpp"

#include <spdlog/spdlog.h>

#include "delivery_worker.hpp"
#include "gatehouse/backend/listener.hpp"
#include "gatehouse/core/credentials.hpp"
#include "gatehouse/core/install_paths.hpp"
#include "gatehouse/core/password.hpp"
#include "gatehouse/portal/http_server.hpp"
#include "push.hpp"
#include "resources/live.hpp"
#include "resources/site.hpp"
#include "resources/web_push.hpp"
#include "route_table.hpp"

#ifndef GATEHOUSE_PORTAL_WEB_DIR
#define GATEHOUSE_PORTAL_WEB_DIR ""
#endif

namespace gatehouse::portal {

namespace {

// The evidence signing key, once: a configured file that cannot be read stops the start-up.
// An empty credential file (the package creates one, for LoadCredential=) means "not set up":
// the server runs and the export route answers 503 until an operator installs a key.
void loadEvidenceKey(Context& ctx) {
  auto& file = ctx.staff.evidenceKeyFile;
  const bool fromCredentials = ctx.cfg.evidenceKeyFile.empty();
  file = fromCredentials ? credentialPath(credential::kEvidenceKey, ctx.cfg.credentialsDir)
                         : ctx.cfg.evidenceKeyFile;
  if (file.empty()) return;
  const auto content = fromCredentials
                           ? readCredential(credential::kEvidenceKey, ctx.cfg.credentialsDir)
                           : Result<std::string>(std::string("configured"));
  if (!content && content.error().code == "credential_empty") {
    spdlog::info("no evidence key set up (credential {} is empty): evidence export is off", file);
    file.clear();
    return;
  }
  auto key = evidence::loadKeyFile(file);
  if (!key) throw std::runtime_error("evidence key " + file + ": " + key.error().message);
  ctx.staff.evidenceKey = *key;
}

}  // namespace

struct Portal::Impl {
  Context ctx;
  RouteTable routes = buildRouteTable();
  DeliveryWorker delivery{ctx};
  std::unique_ptr<StaticFiles> files;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<backend::Listener> listener;

  std::mutex mu;  // guards stopping, for the heartbeat
  std::condition_variable cv;
  bool stopping = false;
  std::thread heartbeatThread;

  Impl(PortalConfig c, const Clock& clk) : ctx(std::move(c), clk) {}

  HttpHandlers handlers() {
    HttpHandlers h;
    h.handleInline = [this](const HttpRequest& r) { return serveStatic(ctx, files.get(), r); };
    h.handle = [this](const HttpRequest& r) { return dispatch(ctx, routes, r); };
    h.isStream = [this](const HttpRequest& r) { return isStream(routes, r); };
    h.openStream = [this](const HttpRequest& r) { return openStream(ctx, routes, r); };
    h.decorate = [](const HttpRequest& r, HttpResponse& resp) { addSecurityHeaders(r, resp); };
    return h;
  }

  HttpServerOptions serverOptions() const {
    HttpServerOptions o;
    o.address = ctx.cfg.address;
    o.port = ctx.cfg.port;
    o.ioThreads = ctx.cfg.ioThreads;
    o.workerThreads = ctx.cfg.workerThreads;
    o.tlsCertFile = ctx.cfg.tlsCert;
    o.tlsKeyFile = ctx.cfg.tlsKey;
    o.trustedProxies = ctx.cfg.trustedProxies;
    o.maxConnectionsPerAddress = static_cast<std::size_t>(ctx.cfg.maxConnectionsPerAddress);
    return o;
  }

  std::string baseUrl() const {
    if (!ctx.cfg.publicUrl.empty()) return ctx.cfg.publicUrl;
    std::string scheme = server->tls() ? "https" : "http";
    std::string host = ctx.cfg.address == "0.0.0.0" ? std::string("127.0.0.1") : ctx.cfg.address;
    return scheme + "://" + host + ":" + std::to_string(server->port());
  }

  void heartbeatLoop() {
    std::unique_lock lock(mu);
    while (!stopping) {
      cv.wait_for(lock, std::chrono::seconds(std::max(1, ctx.cfg.streamPingSeconds)),
                  [this] { return stopping; });
      if (stopping) break;
      lock.unlock();
      liveHeartbeat(ctx);
      lock.lock();
    }
  }
};

Portal::Portal(PortalConfig config, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), clock)) {
  auto& ctx = impl_->ctx;
  // Installed (<prefix>/share/gatehouse/web) first, then the source tree as before.
  if (ctx.cfg.webRoot.empty()) ctx.cfg.webRoot = installedDataPath("web");
  if (ctx.cfg.webRoot.empty()) ctx.cfg.webRoot = GATEHOUSE_PORTAL_WEB_DIR;
  ctx.secret = ctx.cfg.secret;
  if (ctx.secret.empty()) {
    spdlog::warn(
        "no portal secret configured (GATEHOUSE_PORTAL_SECRET): magic links die with this process");
    ctx.secret = randomToken(32);
  }
  if (ctx.cfg.webhookSecret.empty()) ctx.cfg.webhookSecret = ctx.secret;
  ctx.dummyHash = hashPassword(randomToken(16));
  ctx.wakeDelivery = [self = impl_.get()] { self->delivery.wake(); };
  loadEvidenceKey(ctx);
  if (!ctx.cfg.vapidKeyFile.empty()) {
    auto keys = VapidKeys::load(ctx.cfg.vapidKeyFile);
    if (!keys) throw std::runtime_error(keys.error().message);
    ctx.push =
        std::make_unique<PushService>(ctx.cfg, std::move(keys.value()), devicePushComposer(ctx));
  }
}

Portal::~Portal() { stop(std::chrono::milliseconds(0)); }

void Portal::start() {
  auto& m = *impl_;
  auto& ctx = m.ctx;
  if (ctx.cfg.databaseUrl.empty())
    throw std::runtime_error("no database URL (GATEHOUSE_DATABASE_URL or [database] url)");
  m.files = std::make_unique<StaticFiles>(ctx.cfg.webRoot);
  if (m.files->count() == 0) spdlog::warn("no web files found in '{}'", ctx.cfg.webRoot);
  if (!spdlog::get("access")) spdlog::register_logger(spdlog::default_logger()->clone("access"));
  spdlog::get("access")->set_level(ctx.cfg.accessLog ? spdlog::level::info : spdlog::level::off);

  m.ctx.hub.setStreamsPerSession(static_cast<std::size_t>(m.ctx.cfg.maxStreamsPerSession));
  m.server = std::make_unique<HttpServer>(m.serverOptions(), m.handlers());
  ctx.postWork = [server = m.server.get()](std::function<void()> fn) {
    server->postWork(std::move(fn));
  };
  m.listener = std::make_unique<backend::Listener>(
      ctx.cfg.databaseUrl, "gatehouse",
      [&ctx](const backend::Notification& n) { onLiveNotify(ctx, n); },
      [&ctx] { onLiveResync(ctx); });
  if (!m.listener->waitConnected(std::chrono::seconds(5)))
    spdlog::warn("event listener not connected yet; it keeps retrying");
  m.server->start();
  ctx.baseUrl = m.baseUrl();
  while (!ctx.baseUrl.empty() && ctx.baseUrl.back() == '/') ctx.baseUrl.pop_back();
  {
    std::lock_guard lock(m.mu);
    m.stopping = false;
  }
  m.delivery.start();
  if (ctx.push) ctx.push->start();
  m.heartbeatThread = std::thread([self = impl_.get()] { self->heartbeatLoop(); });
}

void Portal::stop(std::chrono::milliseconds grace) {
  auto& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    m.stopping = true;
  }
  m.cv.notify_all();
  m.ctx.hub.closeAll();
  m.ctx.staffHub.closeAll();
  if (m.server) m.server->stop(grace);
  m.listener.reset();
  m.delivery.stop();
  if (m.ctx.push) m.ctx.push->stop();
  if (m.heartbeatThread.joinable()) m.heartbeatThread.join();
  m.server.reset();
}

std::uint16_t Portal::port() const { return impl_->server ? impl_->server->port() : 0; }
std::string Portal::url() const { return impl_->ctx.baseUrl; }
bool Portal::reloadTls(std::string& error) {
  if (!impl_->server) {
    error = "portal not started";
    return false;
  }
  return impl_->server->reloadTls(error);
}
std::size_t Portal::openStreams() const { return impl_->server ? impl_->server->openStreams() : 0; }
const PortalConfig& Portal::config() const { return impl_->ctx.cfg; }
std::string Portal::magicLinkToken(const Uuid& visitId, std::int64_t personId) const {
  return impl_->ctx.magicLink(visitId, personId);
}
std::string Portal::pushActionToken(const Uuid& visitId, std::int64_t personId,
                                    std::int64_t subscriptionId) const {
  const auto& ctx = impl_->ctx;
  MagicClaim c{visitId, personId, ctx.clock.unixSeconds() + ctx.cfg.magicLinkMinutes * 60,
               pushNonce(subscriptionId, randomToken(12))};
  return makeMagicToken(ctx.secret, c);
}

}  // namespace gatehouse::portal
