// The static site and the security headers every reply carries.
#include "site.hpp"

#include <algorithm>

#include "../mail_sink.hpp"

namespace gatehouse::portal {

namespace {

std::string fileFor(const std::string& path) {
  if (path == "/") return "/index.html";
  if (path == "/m") return "/magic.html";
  if (path == "/reset") return "/reset.html";
  if (path == "/g") return "/guest.html";
  return path;
}

}  // namespace

std::optional<HttpResponse> serveStatic(const Context& ctx, const StaticFiles* files,
                                        const HttpRequest& req) {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  if (req.path.rfind("/api/", 0) == 0 || req.path == "/healthz") return std::nullopt;
  if (req.path == "/demo/mail") {  // only while e-mail goes to the demo's file sink
    const auto dir = mailSinkDir(ctx.cfg.smtpUrl);
    return dir.empty() ? errorResponse(404, "not_found") : mailSinkPage(dir);
  }
  const StaticFile* f = files ? files->find(fileFor(req.path)) : nullptr;
  if (!f) return errorResponse(404, "not_found");
  HttpResponse r;
  r.contentType = f->contentType;
  r.header("ETag", f->etag);
  r.header("Cache-Control", "no-cache");
  if (req.header("if-none-match") == f->etag) {
    r.status = 304;
    return r;
  }
  if (req.method == "GET") r.body = f->body;
  return r;
}

void addSecurityHeaders(const HttpRequest& req, HttpResponse& r) {
  r.header("Content-Security-Policy",
           "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
           "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action "
           "'self'; "
           "frame-ancestors 'none'");
  r.header("X-Frame-Options", "DENY");
  r.header("X-Content-Type-Options", "nosniff");
  r.header("Referrer-Policy", "no-referrer");
  r.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  r.header("Cross-Origin-Opener-Policy", "same-origin");
  r.header("Cross-Origin-Resource-Policy", "same-origin");
  if (req.tls) r.header("Strict-Transport-Security", "max-age=31536000");
  bool hasCache = std::any_of(r.headers.begin(), r.headers.end(),
                              [](auto& h) { return h.first == "Cache-Control"; });
  if (!hasCache) r.header("Cache-Control", "no-store");
}

}  // namespace gatehouse::portal
