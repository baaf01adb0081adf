// File sink for demo e-mail and its listing page.
#include "mail_sink.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "gatehouse/core/password.hpp"

namespace gatehouse::portal {

namespace fs = std::filesystem;

namespace {
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// After escaping, so the href can hold only characters that are safe inside quotes.
std::string linkify(const std::string& escaped) {
  static const std::regex url(R"((https?://[^\s<>"']+))");
  return std::regex_replace(escaped, url, "<a href=\"$1\">$1</a>");
}
}  // namespace

std::string mailSinkDir(const std::string& smtpUrl) {
  const std::string scheme = "file://";
  return smtpUrl.rfind(scheme, 0) == 0 ? smtpUrl.substr(scheme.size()) : std::string();
}

std::string writeToMailSink(const std::string& dir, const std::string& message) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const auto path = fs::path(dir) / (std::to_string(ms) + "-" + randomToken(6) + ".eml");
  std::ofstream out(path, std::ios::binary);
  if (!(out << message)) return "mail sink: cannot write " + path.string();
  out.close();
  ::chmod(path.c_str(), 0600);
  return {};
}

HttpResponse mailSinkPage(const std::string& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".eml") files.push_back(e.path());
  std::sort(files.begin(), files.end(), std::greater<>());
  std::ostringstream html;
  html << "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">"
          "<title>Demo mailbox</title><h1>Demo mailbox</h1><p>E-mail the demo portal sent ("
       << files.size() << "), newest first. Files: " << escape(dir) << "</p>";
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    std::string text = body.str();
    text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
    html << "<hr><p><b>" << escape(f.filename().string()) << "</b></p><pre>"
         << linkify(escape(text)) << "</pre>";
  }
  HttpResponse r;
  r.contentType = "text/html; charset=utf-8";
  r.body = html.str();
  r.header("Cache-Control", "no-store");
  return r;
}

}  // namespace gatehouse::portal
