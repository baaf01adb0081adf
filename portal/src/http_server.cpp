// Boost.Beast HTTP/1.1 server: one io_context for the network, a worker pool for blocking
// handlers, keep-alive, optional TLS, and long-lived Server-Sent-Events streams.
// All Beast code lives in this one translation unit (it is template-heavy).
#include "gatehouse/portal/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "gatehouse/portal/client_address.hpp"
#include "json_out.hpp"

namespace gatehouse::portal {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Path for the access log: long segments (tokens in magic and reset links) are elided.
std::string loggablePath(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    auto seg = path.substr(start, end - start);
    out += seg.size() > 40 ? std::string("...") : std::string(seg);
    if (end < path.size()) out += '/';
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string percentDecode(std::string_view s, bool plusIsSpace) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else if (plusIsSpace && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string HttpRequest::header(std::string_view name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::queryParam(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto pair = q.substr(0, amp);
    auto eq = pair.find('=');
    if (percentDecode(pair.substr(0, eq)) == name) {
      return eq == std::string_view::npos ? std::string() : percentDecode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return {};
}

std::string HttpRequest::cookie(std::string_view name) const {
  std::string_view c;
  auto it = headers.find("cookie");
  if (it == headers.end()) return {};
  c = it->second;
  while (!c.empty()) {
    auto semi = c.find(';');
    auto pair = c.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    c.remove_prefix(semi + 1);
  }
  return {};
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void shutdownForStop() = 0;
};

struct HttpServer::Impl {
  // Declared first so they outlive the io_context, whose destruction destroys sessions.
  std::mutex mu;
  std::condition_variable cv;
  int inflight = 0;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  std::unordered_map<std::string, std::size_t> perAddress;  // open connections by peer
  std::atomic<std::size_t> streams{0};

  HttpServerOptions opt;
  HttpHandlers h;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  tcp::acceptor acceptor{ioc};
  // Swapped whole on reloadTls(); sessions keep the context they started with alive.
  std::shared_ptr<ssl::context> sslctx;
  std::mutex sslMu;
  std::shared_ptr<ssl::context> currentTls() {
    std::lock_guard lock(sslMu);
    return sslctx;
  }
  std::unique_ptr<net::thread_pool> workers;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<bool> started{false};
  std::uint16_t boundPort = 0;

  void requestBegan() {
    std::lock_guard lock(mu);
    ++inflight;
  }
  void requestEnded() {
    {
      std::lock_guard lock(mu);
      --inflight;
    }
    cv.notify_all();
  }
  void doAccept();
  // Counts a new connection from `peer`; false (and nothing counted) when it holds too many.
  bool admit(const std::string& peer) {
    if (opt.maxConnectionsPerAddress == 0 ||
        std::find(opt.trustedProxies.begin(), opt.trustedProxies.end(), peer) !=
            opt.trustedProxies.end())
      return true;
    std::lock_guard lock(mu);
    auto& n = perAddress[peer];
    if (n >= opt.maxConnectionsPerAddress) return false;
    ++n;
    return true;
  }
  void release(const std::string& peer) {
    std::lock_guard lock(mu);
    auto it = perAddress.find(peer);
    if (it == perAddress.end()) return;  // exempt
    if (--it->second == 0) perAddress.erase(it);
  }
};

namespace {

template <class Stream>
class Session final : public SessionBase,
                      public SseStream,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  // `remote` was admitted by the server (Impl::admit); the session releases it.
  template <class... Args>
  Session(HttpServer::Impl& srv, tcp::socket&& socket, std::string remote, Args&&... args)
      : srv_(srv),
        stream_(std::move(socket), std::forward<Args>(args)...),
        remote_(std::move(remote)) {}

  ~Session() override {
    uncountStream();
    releaseAddress();
    std::lock_guard lock(srv_.mu);
    srv_.sessions.erase(this);
  }

  // The TLS context this session's stream was made from outlives it across reloadTls().
  void keepTlsContext(std::shared_ptr<const void> ctx) { tlsContext_ = std::move(ctx); }

  void run() {
    {
      std::lock_guard lock(srv_.mu);
      srv_.sessions.emplace(this, this->weak_from_this());
    }
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  // SseStream. One frame is shared by every stream it goes to (no copy per client).
  using SseStream::send;
  bool send(std::shared_ptr<const std::string> chunk) override {
    if (!open_.load()) return false;
    if (queued_.fetch_add(1) >= srv_.opt.sseQueueLimit) {
      close();
      return false;
    }
    net::post(stream_.get_executor(),
              [self = this->shared_from_this(), c = std::move(chunk)]() mutable {
                if (!self->writing_ && self->outbox_.empty() && self->tryWriteNow(c)) return;
                self->outbox_.push_back(std::move(c));
                if (!self->writing_) self->writeNextChunk();
              });
    return true;
  }
  bool isOpen() const override { return open_.load(); }
  void close() override {
    if (!open_.exchange(false)) return;
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->closeSocket(); });
  }

  void shutdownForStop() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->streaming_) {
        self->close();
      } else if (self->idle_) {
        self->closeSocket();
      }  // busy: it closes after its response because the server is stopping
    });
  }

 private:
  void begin() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(15));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->closeSocket();
                                self->doRead();
                              });
    } else {
      doRead();
    }
  }

  void doRead() {
    if (srv_.stopping.load()) return closeSocket();
    idle_ = true;
    parser_.emplace();
    parser_->body_limit(srv_.opt.bodyLimit);
    parser_->header_limit(16 * 1024);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(75));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    idle_ = false;
    if (ec == http::error::body_limit) {
      started_ = std::chrono::steady_clock::now();
      srv_.requestBegan();
      HttpResponse r;
      r.status = 413;
      r.body = R"({"error":"too_large"})";
      keepAlive_ = false;
      return write(std::move(r));
    }
    if (ec.category() == beast::error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
      return refuseMalformed(ec);
    if (ec) return closeSocket();
    started_ = std::chrono::steady_clock::now();
    auto msg = parser_->release();
    req_ = HttpRequest{};
    req_.method = std::string(msg.method_string());
    req_.target = std::string(msg.target());
    auto q = req_.target.find('?');
    req_.path = percentDecode(std::string_view(req_.target).substr(0, q), false);
    if (q != std::string::npos) req_.query = req_.target.substr(q + 1);
    for (const auto& f : msg) {
      auto name = lower(std::string_view(f.name_string().data(), f.name_string().size()));
      auto& slot = req_.headers[name];
      if (!slot.empty()) slot += (name == "cookie" ? "; " : ", ");
      slot.append(f.value().data(), f.value().size());
    }
    req_.body = std::move(msg.body());
    req_.remoteAddr =
        clientAddress(remote_, req_.header("x-forwarded-for"), srv_.opt.trustedProxies);
    req_.tls = kTls;
    keepAlive_ = msg.keep_alive();
    version_ = msg.version();
    srv_.requestBegan();

    if (srv_.stopping.load()) {
      HttpResponse r;
      r.status = 503;
      r.body = R"({"error":"shutting_down"})";
      keepAlive_ = false;
      return write(std::move(r));
    }
    if (srv_.h.handleInline) {
      if (auto r = srv_.h.handleInline(req_)) return write(std::move(*r));
    }
    auto self = this->shared_from_this();
    if (srv_.h.isStream && srv_.h.isStream(req_)) {
      net::post(*srv_.workers, [self] {
        HttpHandlers::StreamDecision d;
        try {
          d = self->srv_.h.openStream(self->req_);
        } catch (const std::exception& e) {
          spdlog::error("stream handler failed: {}", e.what());
          d.refuse = HttpResponse{
              500, "application/json; charset=utf-8", R"({"error":"internal"})", {}, {}};
        }
        net::post(self->stream_.get_executor(), [self, d = std::move(d)]() mutable {
          if (d.refuse) return self->write(std::move(*d.refuse));
          self->startStream(std::move(d));
        });
      });
      return;
    }
    net::post(*srv_.workers, [self] {
      HttpResponse r;
      try {
        r = self->srv_.h.handle(self->req_);
      } catch (const std::exception& e) {
        spdlog::error("handler failed for {} {}: {}", self->req_.method,
                      loggablePath(self->req_.path), e.what());
        r = HttpResponse{500, "application/json; charset=utf-8", R"({"error":"internal"})", {}, {}};
      }
      net::post(self->stream_.get_executor(),
                [self, r = std::move(r)]() mutable { self->write(std::move(r)); });
    });
  }

  // A request that does not parse gets 400 and the connection closes (the rest of the
  // stream cannot be framed).
  void refuseMalformed(beast::error_code ec) {
    started_ = std::chrono::steady_clock::now();
    req_ = HttpRequest{};
    req_.method = "-";
    req_.remoteAddr = remote_;
    req_.tls = kTls;
    srv_.requestBegan();
    HttpResponse r;
    r.status = ec == http::error::header_limit ? 431 : 400;
    r.body = R"({"error":"bad_request"})";
    keepAlive_ = false;
    version_ = 11;
    write(std::move(r));
  }

  void write(HttpResponse r) {
    if (srv_.h.decorate) srv_.h.decorate(req_, r);
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version_ ? version_ : 11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "gatehouse-portal");
    if (!r.contentType.empty()) res->set(http::field::content_type, r.contentType);
    for (auto& [k, v] : r.headers) res->insert(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keepAlive_ && !srv_.stopping.load());
    res->prepare_payload();
    status_ = r.status;
    user_ = std::move(r.logUser);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res](beast::error_code ec, std::size_t n) {
                        self->logAccess(n);
                        self->srv_.requestEnded();
                        if (ec || !res->keep_alive()) return self->closeSocket();
                        self->doRead();
                      });
  }

  void startStream(HttpHandlers::StreamDecision d) {
    HttpResponse r;
    r.contentType = "text/event-stream; charset=utf-8";
    r.headers = std::move(d.headers);
    if (srv_.h.decorate) srv_.h.decorate(req_, r);
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: gatehouse-portal\r\nContent-Type: " + r.contentType +
        "\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: keep-alive\r\n";
    for (auto& [k, v] : r.headers) {
      if (k == "Cache-Control") continue;
      head += k + ": " + v + "\r\n";
    }
    head += "\r\n:ok\n\n";
    status_ = 200;
    user_ = std::move(r.logUser);
    logAccess(head.size());
    srv_.requestEnded();
    streaming_ = true;
    ++srv_.streams;
    streamCounted_ = true;
    open_ = true;
    beast::get_lowest_layer(stream_).expires_never();
    outbox_.push_back(std::make_shared<const std::string>(std::move(head)));
    queued_ = 1;
    writeNextChunk();
    watchForClose();
    if (d.onOpen) d.onOpen(std::static_pointer_cast<SseStream>(this->shared_from_this()));
    if (srv_.stopping.load()) close();
  }

  // The client sends nothing on an event stream; a completed read means it went away.
  void watchForClose() {
    stream_.async_read_some(net::buffer(sink_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                self->open_ = false;
                                return self->closeSocket();
                              }
                              self->watchForClose();
                            });
  }

  // Plain TCP with an idle socket: write at once without setting up an async operation; the
  // kernel buffer almost always takes a whole event. Whatever is left goes the async way.
  bool tryWriteNow(std::shared_ptr<const std::string>& chunk) {
    if constexpr (kTls) {
      return false;
    } else {
      if (!socketOpen_) {
        --queued_;
        return true;
      }
      auto& sock = stream_.socket();
      beast::error_code ec;
      sock.non_blocking(true, ec);
      std::size_t n = ec ? 0 : sock.write_some(net::buffer(*chunk), ec);
      if (ec && ec != net::error::would_block && ec != net::error::try_again) {
        --queued_;
        open_ = false;
        closeSocket();
        return true;
      }
      if (n == chunk->size()) {
        --queued_;
        return true;
      }
      if (n > 0) chunk = std::make_shared<const std::string>(chunk->substr(n));
      return false;
    }
  }

  void writeNextChunk() {
    if (outbox_.empty() || !socketOpen_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    auto chunk = std::move(outbox_.front());
    outbox_.pop_front();
    net::async_write(stream_, net::buffer(*chunk),
                     [self = this->shared_from_this(), chunk](beast::error_code ec, std::size_t) {
                       --self->queued_;
                       if (ec) {
                         self->open_ = false;
                         self->writing_ = false;
                         return self->closeSocket();
                       }
                       self->writeNextChunk();
                     });
  }

  // The address's count drops when the socket closes, not when the session is destroyed
  // (the live-event hub may hold a closed stream a while longer).
  void releaseAddress() {
    if (counted_.exchange(false)) srv_.release(remote_);
  }
  void uncountStream() {
    if (streamCounted_.exchange(false)) --srv_.streams;
  }

  void closeSocket() {
    if (!socketOpen_) return;
    socketOpen_ = false;
    open_ = false;
    releaseAddress();
    uncountStream();
    beast::error_code ec;
    auto& sock = beast::get_lowest_layer(stream_).socket();
    sock.shutdown(tcp::socket::shutdown_both, ec);
    sock.close(ec);
  }

  void logAccess(std::size_t bytes) {
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
                  .count();
    // Through the server's one writer: a path with bytes that are not UTF-8 still logs as JSON.
    const json line{{"remote", remote_},
                    {"method", std::string(req_.method)},
                    {"path", loggablePath(req_.path)},
                    {"status", status_},
                    {"bytes", bytes},
                    {"ms", std::round(ms * 100) / 100},
                    {"user", user_}};
    if (auto log = spdlog::get("access")) log->info(dumpJson(line));
  }

  HttpServer::Impl& srv_;
  Stream stream_;
  std::shared_ptr<const void> tlsContext_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest req_;
  std::string remote_;
  bool keepAlive_ = true;
  unsigned version_ = 11;
  int status_ = 0;
  std::string user_;
  std::chrono::steady_clock::time_point started_{};
  bool idle_ = false;
  bool streaming_ = false;
  bool writing_ = false;
  bool socketOpen_ = true;
  std::atomic<bool> counted_{true};         // remote_ still counts against its address's cap
  std::atomic<bool> streamCounted_{false};  // counted in srv_.streams
  std::atomic<bool> open_{false};
  std::atomic<std::size_t> queued_{0};
  std::deque<std::shared_ptr<const std::string>> outbox_;
  std::array<char, 512> sink_{};
};

}  // namespace

void HttpServer::Impl::doAccept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor.is_open() || stopping.load()) return;
      spdlog::warn("accept failed: {}", ec.message());
      // Out of descriptors: back off briefly instead of spinning.
      auto t = std::make_shared<net::steady_timer>(ioc, std::chrono::milliseconds(50));
      t->async_wait([this, t](beast::error_code) { doAccept(); });
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto peer = socket.remote_endpoint(ec);
    std::string remote = ec ? std::string() : peer.address().to_string();
    if (!admit(remote)) {
      spdlog::warn("refused a connection from {}: {} already open", remote,
                   opt.maxConnectionsPerAddress);
      socket.close(ec);
      return doAccept();
    }
    if (auto ctx = currentTls()) {
      auto s = std::make_shared<Session<ssl::stream<beast::tcp_stream>>>(*this, std::move(socket),
                                                                         remote, *ctx);
      s->keepTlsContext(ctx);
      s->run();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket), remote)->run();
    }
    doAccept();
  });
}

namespace {
std::shared_ptr<ssl::context> loadTlsContext(const HttpServerOptions& opt) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  ctx->use_certificate_chain_file(opt.tlsCertFile);
  ctx->use_private_key_file(opt.tlsKeyFile.empty() ? opt.tlsCertFile : opt.tlsKeyFile,
                            ssl::context::pem);
  return ctx;
}
}  // namespace

bool HttpServer::reloadTls(std::string& error) {
  auto& m = *impl_;
  if (m.opt.tlsCertFile.empty()) {
    error = "TLS is not configured";
    return false;
  }
  try {
    auto fresh = loadTlsContext(m.opt);
    std::lock_guard lock(m.sslMu);
    m.sslctx = std::move(fresh);
    return true;
  } catch (const std::exception& e) {
    error = e.what();  // the old certificate stays in use
    return false;
  }
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandlers handlers)
    : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  impl_->h = std::move(handlers);
}

HttpServer::~HttpServer() {
  if (impl_->started.load()) stop(std::chrono::milliseconds(0));
}

void HttpServer::start() {
  auto& m = *impl_;
  if (!m.opt.tlsCertFile.empty()) m.sslctx = loadTlsContext(m.opt);
  beast::error_code ec;
  auto addr = net::ip::make_address(m.opt.address, ec);
  if (ec) throw std::runtime_error("bad listen address: " + m.opt.address);
  tcp::endpoint ep(addr, m.opt.port);
  m.acceptor.open(ep.protocol(), ec);
  if (!ec) m.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(ep, ec);
  if (!ec) m.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + m.opt.address + ":" +
                             std::to_string(m.opt.port) + ": " + ec.message());
  m.boundPort = m.acceptor.local_endpoint().port();
  m.workers = std::make_unique<net::thread_pool>(
      static_cast<std::size_t>(std::max(1, m.opt.workerThreads)));
  m.work.emplace(m.ioc.get_executor());
  m.doAccept();
  for (int i = 0; i < std::max(1, m.opt.ioThreads); ++i)
    m.threads.emplace_back([&m] { m.ioc.run(); });
  m.started = true;
}

std::uint16_t HttpServer::port() const { return impl_->boundPort; }
bool HttpServer::tls() const { return impl_->sslctx != nullptr; }
std::size_t HttpServer::openStreams() const { return impl_->streams.load(); }

void HttpServer::postWork(std::function<void()> fn) {
  if (impl_->workers) net::post(*impl_->workers, std::move(fn));
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  auto& m = *impl_;
  if (!m.started.exchange(false)) return;
  m.stopping = true;
  net::post(m.ioc, [&m] {
    beast::error_code ec;
    m.acceptor.close(ec);
  });
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(m.mu);
    for (auto& [p, w] : m.sessions)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->shutdownForStop();
  live.clear();
  {
    std::unique_lock lock(m.mu);
    m.cv.wait_for(lock, grace, [&m] { return m.inflight == 0; });
  }
  m.work.reset();
  m.workers->join();
  m.ioc.stop();
  for (auto& t : m.threads) t.join();
  m.threads.clear();
}

}  // namespace gatehouse::portal
