// The static site (page, magic link, reset and guest pages) and the headers on every reply.
#pragma once
#include <optional>

#include "../context.hpp"

namespace gatehouse::portal {

// Answers GET/HEAD of web files on the network thread; nullopt for the API and /healthz.
std::optional<HttpResponse> serveStatic(const Context& ctx, const StaticFiles* files,
                                        const HttpRequest& req);
// Security headers, and Cache-Control: no-store unless the reply chose its own.
void addSecurityHeaders(const HttpRequest& req, HttpResponse& r);

}  // namespace gatehouse::portal
