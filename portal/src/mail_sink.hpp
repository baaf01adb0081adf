// The demo's e-mail sink: smtp_url = "file:///DIR" writes each message to DIR/*.eml instead of
// sending it, and /demo/mail lists them (only while the sink is configured).
#pragma once
#include <string>

#include "gatehouse/portal/http.hpp"

namespace gatehouse::portal {

// The folder of a file:// sink URL, or empty for a real SMTP URL.
std::string mailSinkDir(const std::string& smtpUrl);
// Writes one RFC 5322 message as a new .eml file (0600); returns an error text or "".
std::string writeToMailSink(const std::string& dir, const std::string& message);
// An HTML page (escaped; links clickable) with the newest messages first.
HttpResponse mailSinkPage(const std::string& dir);

}  // namespace gatehouse::portal
