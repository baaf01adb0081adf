// Private cupsd and raw TCP printer for tests (see private_cups.hpp).
#include "gatehouse/devices/testing/private_cups.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gatehouse::devices::testing {
namespace {

std::string scriptPath() {
  if (const char* src = std::getenv("GATEHOUSE_SOURCE_DIR"))
    return std::string(src) + "/scripts/cups-private";
  return GATEHOUSE_CUPS_PRIVATE_SCRIPT;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

int freeTcpPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

Result<std::unique_ptr<PrivateCups>> PrivateCups::start() {
  std::unique_ptr<PrivateCups> c(new PrivateCups());
  char tmpl[] = "/tmp/gatehouse-cups-XXXXXX";
  if (!::mkdtemp(tmpl)) return makeError("cups_start_failed", "mkdtemp failed");
  c->dir_ = tmpl;
  // The port is free when picked; if another test grabs it first, cupsd fails and we retry.
  for (int attempt = 0; attempt < 3; ++attempt) {
    c->port_ = freeTcpPort();
    if (c->run(quote(scriptPath()) + " start " + quote(c->dir_) + " " + std::to_string(c->port_) +
               " " + std::to_string(::getpid()) + " >/dev/null")) {
      c->socket_ = c->dir_ + "/cups.sock";
      return c;
    }
  }
  return makeError("cups_start_failed", "cupsd did not start: " + c->errorLog());
}

PrivateCups::~PrivateCups() {
  (void)run(quote(scriptPath()) + " stop " + quote(dir_));
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status PrivateCups::run(const std::string& command) const {
  const std::string full = "CUPS_SERVER=" + quote(dir_ + "/cups.sock") + " " + command;
  const int rc = std::system(full.c_str());
  if (rc != 0) return makeError("command_failed", command + " exited with " + std::to_string(rc));
  return Ok{};
}

Status PrivateCups::addQueue(const std::string& name, const std::string& deviceUri) {
  return run("lpadmin -p " + quote(name) + " -v " + quote(deviceUri) + " -E 2>/dev/null");
}
Status PrivateCups::pause(const std::string& name) { return run("cupsdisable " + quote(name)); }
Status PrivateCups::resume(const std::string& name) { return run("cupsenable " + quote(name)); }

std::string PrivateCups::errorLog() const {
  std::ifstream in(dir_ + "/log/error_log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RawPrinterListener::RawPrinterListener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::listen(fd_, 8) == 0 && ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port_ = ntohs(addr.sin_port);
  }
  thread_ = std::thread([this] { run(); });
}

RawPrinterListener::~RawPrinterListener() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void RawPrinterListener::run() {
  while (!stop_ && port_ != 0) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int conn = ::accept(fd_, nullptr, nullptr);
    if (conn < 0) continue;
    std::string job;
    char buf[65536];
    for (;;) {
      pollfd cp{conn, POLLIN, 0};
      if (::poll(&cp, 1, 100) == 0) {
        if (stop_) break;
        continue;
      }
      const ssize_t n = ::read(conn, buf, sizeof buf);
      if (n <= 0) break;
      job.append(buf, static_cast<std::size_t>(n));
    }
    ::close(conn);
    if (job.empty()) continue;  // the socket backend's connection probes carry nothing
    {
      std::lock_guard lock(m_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_all();
  }
}

bool RawPrinterListener::waitForJobs(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_);
  return cv_.wait_for(lock, timeout, [&] { return jobs_.size() >= count; });
}

std::vector<std::string> RawPrinterListener::jobs() {
  std::lock_guard lock(m_);
  return jobs_;
}

}  // namespace gatehouse::devices::testing
