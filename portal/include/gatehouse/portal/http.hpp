// HTTP request/response values exchanged between the network layer and the portal's routes.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::portal {

struct HttpRequest {
  std::string method;
  std::string target;                          // path + query as sent
  std::string path;                            // decoded path, no query
  std::string query;                           // raw query string (after '?')
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remoteAddr;
  bool tls = false;

  std::string header(std::string_view name) const;
  std::string queryParam(std::string_view name) const;  // percent-decoded, "" when absent
  std::string cookie(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string logUser;  // who made the request, for the access log only

  HttpResponse& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// An open Server-Sent-Events stream. Thread-safe; sending to a closed stream does nothing.
class SseStream {
 public:
  virtual ~SseStream() = default;
  // Queues raw bytes (already framed as SSE). Returns false if the stream is closed or the
  // client is too slow (its queue is full), in which case the stream is closed.
  virtual bool send(std::shared_ptr<const std::string> chunk) = 0;
  bool send(std::string chunk) {
    return send(std::make_shared<const std::string>(std::move(chunk)));
  }
  virtual bool isOpen() const = 0;
  virtual void close() = 0;
};

// What the server asks of the application. `handle` and `openStream` run on worker threads
// (they may block on the database); `handleInline` runs on the network thread and must not.
struct HttpHandlers {
  std::function<std::optional<HttpResponse>(const HttpRequest&)> handleInline;
  std::function<HttpResponse(const HttpRequest&)> handle;
  std::function<bool(const HttpRequest&)> isStream;
  // Returns a response to refuse the stream, or a callback that receives the open stream.
  struct StreamDecision {
    std::optional<HttpResponse> refuse;
    std::vector<std::pair<std::string, std::string>> headers;
    std::function<void(std::shared_ptr<SseStream>)> onOpen;
  };
  std::function<StreamDecision(const HttpRequest&)> openStream;
  // Applied to every response (security headers).
  std::function<void(const HttpRequest&, HttpResponse&)> decorate;
};

std::string percentDecode(std::string_view s, bool plusIsSpace = true);

}  // namespace gatehouse::portal
