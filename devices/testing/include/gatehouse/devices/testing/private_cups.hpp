// Test helpers for printing: a private cupsd (scripts/cups-private) on a free port, and a raw
// "printer" that is a TCP listener keeping the exact bytes of each job. Reused by the kiosk's
// end-to-end tests: link gatehouse::devices_testing.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::devices::testing {

// A TCP port free right now on 127.0.0.1 (bind port 0, read it back, release).
int freeTcpPort();

class PrivateCups {
 public:
  // Starts cupsd in a fresh temporary directory. Errors: cups_start_failed.
  static Result<std::unique_ptr<PrivateCups>> start();
  ~PrivateCups();  // stops cupsd and removes the directory
  PrivateCups(const PrivateCups&) = delete;
  PrivateCups& operator=(const PrivateCups&) = delete;

  const std::string& server() const { return socket_; }  // for PrinterConfig::server / CUPS_SERVER
  const std::string& dir() const { return dir_; }
  int port() const { return port_; }

  // Adds an enabled, accepting raw queue to `deviceUri` (socket://..., gatehouse-sim://...).
  Status addQueue(const std::string& name, const std::string& deviceUri);
  Status pause(const std::string& name);   // cupsdisable
  Status resume(const std::string& name);  // cupsenable
  std::string errorLog() const;

 private:
  PrivateCups() = default;
  Status run(const std::string& command) const;
  std::string dir_;
  std::string socket_;
  int port_ = 0;
};

// A raw socket printer: every connection is one job; its bytes are kept in arrival order.
class RawPrinterListener {
 public:
  RawPrinterListener();
  ~RawPrinterListener();
  RawPrinterListener(const RawPrinterListener&) = delete;
  RawPrinterListener& operator=(const RawPrinterListener&) = delete;

  int port() const { return port_; }
  std::string uri() const { return "socket://127.0.0.1:" + std::to_string(port_); }
  bool waitForJobs(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::vector<std::string> jobs();

 private:
  void run();
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::string> jobs_;
  std::thread thread_;
};

}  // namespace gatehouse::devices::testing
