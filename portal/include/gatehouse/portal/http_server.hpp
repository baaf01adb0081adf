// The asynchronous HTTP/1.1 server (Boost.Beast): keep-alive, optional TLS, SSE streams.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gatehouse/portal/http.hpp"

namespace gatehouse::portal {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = any free port
  int ioThreads = 1;          // network threads (parsing, writing, SSE fan-out)
  int workerThreads = 4;      // blocking handlers (database, Argon2id)
  std::size_t bodyLimit = 4 * 1024 * 1024;
  std::string tlsCertFile;  // PEM; empty = plain HTTP
  std::string tlsKeyFile;
  std::size_t sseQueueLimit = 512;  // queued chunks per stream before a slow client is dropped
  std::vector<std::string> trustedProxies;  // peers whose X-Forwarded-For is believed
  // Open connections one peer address may hold; more are closed on accept. 0 = no limit.
  // Trusted proxies are exempt (they carry everyone).
  std::size_t maxConnectionsPerAddress = 256;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandlers handlers);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the threads. Throws std::runtime_error if it cannot bind.
  void start();
  std::uint16_t port() const;
  bool tls() const;
  // Reads the certificate and key files again for new connections; on failure keeps the old
  // ones, sets `error` and returns false.
  bool reloadTls(std::string& error);
  // Stops accepting, closes SSE streams and idle connections, lets requests in flight finish
  // (up to `grace`), then stops the threads.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  std::size_t openStreams() const;
  // Runs `fn` on a worker thread.
  void postWork(std::function<void()> fn);

  struct Impl;  // public only so the .cpp's session template can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::portal
