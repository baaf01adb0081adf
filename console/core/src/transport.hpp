// libcurl settings shared by ServerClient and the event stream: TLS, CA, pin, timeouts.
#pragma once
#include <curl/curl.h>

#include "gatehouse/console/server_client.hpp"

namespace gatehouse::console::detail {

void globalCurlInit();
// Verification always on; CA file and pin when configured; no proxy from the environment.
void applyTransport(CURL* curl, const ServerOptions& options);
std::string joinUrl(const std::string& base, const std::string& path);

}  // namespace gatehouse::console::detail
