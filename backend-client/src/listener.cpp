// Listener thread: LISTEN, poll the socket, deliver; on loss reconnect with backoff and resync.
#include "gatehouse/backend/listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace gatehouse::backend {

struct Listener::Impl {
  std::string url, channel;
  NotifyFn onNotify;
  ResyncFn onResync;
  StateFn onState;
  ListenerOptions options;
  std::atomic<bool> stop{false};
  int wakeFd = -1;
  mutable std::mutex m;
  mutable std::condition_variable cv;
  bool isConnected = false;
  std::thread thread;

  void setConnected(bool c) {
    {
      std::lock_guard lock(m);
      if (isConnected == c) return;
      isConnected = c;
    }
    cv.notify_all();
    if (onState) onState(c);
  }

  // Sleeps for `d` unless asked to stop. Returns false when stopping.
  bool pause(std::chrono::milliseconds d) {
    pollfd p{wakeFd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(d.count()));
    return !stop;
  }

  PGconn* connectAndListen() {
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      PQfinish(c);
      return nullptr;
    }
    char* ident = PQescapeIdentifier(c, channel.c_str(), channel.size());
    PGresult* r = PQexec(c, ("LISTEN " + std::string(ident)).c_str());
    PQfreemem(ident);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
      PQfinish(c);
      return nullptr;
    }
    return c;
  }

  void run() {
    auto backoff = options.initialBackoff;
    while (!stop) {
      PGconn* c = connectAndListen();
      if (!c) {
        if (!pause(backoff)) break;
        backoff = std::min(backoff * 2, options.maxBackoff);
        continue;
      }
      backoff = options.initialBackoff;
      setConnected(true);
      if (onResync) onResync();
      bool alive = true;
      while (!stop && alive) {
        pollfd fds[2] = {{PQsocket(c), POLLIN, 0}, {wakeFd, POLLIN, 0}};
        if (::poll(fds, 2, 1000) < 0) continue;
        if (stop) break;
        // Also runs on timeout, so a half-dead connection is noticed.
        if (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK) {
          alive = false;
          break;
        }
        while (PGnotify* n = PQnotifies(c)) {
          Notification note{n->relname, n->extra, std::nullopt};
          PQfreemem(n);
          if (!note.payload.empty()) note.event = parseLiveEvent(note.payload);
          if (onNotify) onNotify(note);
        }
        if (fds[0].revents & (POLLHUP | POLLERR)) alive = PQstatus(c) == CONNECTION_OK;
      }
      PQfinish(c);
      setConnected(false);
    }
  }
};

Listener::Listener(std::string url, std::string channel, NotifyFn onNotify, ResyncFn onResync,
                   StateFn onState, ListenerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->channel = std::move(channel);
  impl_->onNotify = std::move(onNotify);
  impl_->onResync = std::move(onResync);
  impl_->onState = std::move(onState);
  impl_->options = options;
  impl_->wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  impl_->thread = std::thread([this] { impl_->run(); });
}

Listener::~Listener() {
  impl_->stop = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(impl_->wakeFd, &one, sizeof one);
  if (impl_->thread.joinable()) impl_->thread.join();
  ::close(impl_->wakeFd);
}

bool Listener::connected() const {
  std::lock_guard lock(impl_->m);
  return impl_->isConnected;
}

bool Listener::waitConnected(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->m);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->isConnected; });
}

}  // namespace gatehouse::backend
