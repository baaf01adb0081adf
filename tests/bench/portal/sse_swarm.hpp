// Shared by the portal benchmarks: many SSE clients on one epoll thread, one-shot HTTP,
// percentiles.
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace gatehouse::bench {

using Steady = std::chrono::steady_clock;

inline double ms(Steady::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

inline double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

inline int connectTo(std::uint16_t port, bool nonblocking) {
  int fd = ::socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  if (rc != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Many SSE clients on one epoll thread. Records when each client first sees a marker.
class SseSwarm {
 public:
  SseSwarm(std::uint16_t port, const std::vector<std::string>& cookies,
           const std::string& path = "/api/events")
      : port_(port) {
    ep_ = epoll_create1(0);
    for (const auto& c : cookies) {
      int fd = connectTo(port, true);
      if (fd < 0) {
        ++failed_;
        continue;
      }
      Conn conn;
      conn.request = "GET " + path +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: " + c +
                     "\r\n\r\n";
      conns_.emplace(fd, std::move(conn));
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT;
      ev.data.fd = fd;
      epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
    }
    thread_ = std::thread([this] { loop(); });
  }
  ~SseSwarm() {
    stop_ = true;
    thread_.join();
    for (auto& [fd, c] : conns_) ::close(fd);
    ::close(ep_);
  }
  std::size_t open() const { return open_.load(); }
  std::size_t failed() const { return failed_.load(); }
  std::size_t size() const { return conns_.size(); }
  void expect(const std::string& marker) {
    std::lock_guard lock(mu_);
    marker_ = marker;
    arrivals_.clear();
    seen_ = 0;
  }
  std::size_t seen() const { return seen_.load(); }
  std::vector<Steady::time_point> arrivals() {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  struct Conn {
    std::string request;
    std::size_t sent = 0;
    bool headers = false;
    std::string tail;  // last bytes, so a marker split across reads is still found
    std::string lastMarker;
  };
  void loop() {
    std::vector<epoll_event> evs(1024);
    char buf[16384];
    while (!stop_) {
      int n = epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), 50);
      auto now = Steady::now();
      for (int i = 0; i < n; ++i) {
        int fd = evs[i].data.fd;
        auto& c = conns_[fd];
        if ((evs[i].events & EPOLLOUT) && c.sent < c.request.size()) {
          auto w = ::send(fd, c.request.data() + c.sent, c.request.size() - c.sent, MSG_NOSIGNAL);
          if (w > 0) c.sent += static_cast<std::size_t>(w);
          if (c.sent == c.request.size()) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.fd = fd;
            epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &ev);
          }
        }
        if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          for (;;) {
            auto r = ::recv(fd, buf, sizeof buf, 0);
            if (r <= 0) {
              if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
                if (c.headers) --open_;
                c.headers = false;
              }
              break;
            }
            std::string data = c.tail + std::string(buf, static_cast<std::size_t>(r));
            if (!c.headers && data.find("HTTP/1.1 200") != std::string::npos) {
              c.headers = true;
              ++open_;
            }
            std::lock_guard lock(mu_);
            if (!marker_.empty() && c.lastMarker != marker_ &&
                data.find(marker_) != std::string::npos) {
              c.lastMarker = marker_;
              arrivals_.push_back(now);
              ++seen_;
            }
            c.tail = data.size() > 64 ? data.substr(data.size() - 64) : data;
          }
        }
      }
    }
  }
  std::uint16_t port_;
  int ep_ = -1;
  std::unordered_map<int, Conn> conns_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> open_{0}, failed_{0}, seen_{0};
  std::mutex mu_;
  std::string marker_;
  std::vector<Steady::time_point> arrivals_;
};

// One blocking HTTP exchange on a fresh connection; returns (time to first byte, whole response).
inline std::pair<double, std::string> httpOnce(std::uint16_t port, const std::string& request) {
  auto t0 = Steady::now();
  int fd = connectTo(port, false);
  if (fd < 0) return {-1, {}};
  (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[65536];
  double ttfb = -1;
  for (;;) {
    auto r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) break;
    if (ttfb < 0) ttfb = ms(Steady::now() - t0);
    out.append(buf, static_cast<std::size_t>(r));
    auto he = out.find("\r\n\r\n");
    if (he != std::string::npos) {
      auto cl = out.find("Content-Length: ");
      if (cl != std::string::npos && cl < he) {
        auto len = std::stoul(out.substr(cl + 16));
        if (out.size() >= he + 4 + len) break;
      }
    }
  }
  ::close(fd);
  return {ttfb, out};
}

}  // namespace gatehouse::bench
