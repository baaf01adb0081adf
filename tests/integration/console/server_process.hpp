// The real gatehouse-portal binary (the server) as a child process on a free port: started,
// killed and started again on the same port, so console tests go through the real server.
#pragma once
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse::console::test {

class ServerProcess {
 public:
  // `env` entries are "NAME=value"; port 0 = any free port (read back from its first line).
  ServerProcess(std::string databaseUrl, std::vector<std::string> env)
      : databaseUrl_(std::move(databaseUrl)),
        env_(std::move(env)),
        config_((std::filesystem::temp_directory_path() /
                 ("gh-server-" + std::to_string(::getpid()) + "-" +
                  std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".toml"))
                    .string()) {
    std::ofstream(config_) << "# empty: everything comes from flags and the environment\n";
    start(0);
  }
  ~ServerProcess() {
    stop(SIGTERM);
    std::error_code ec;
    std::filesystem::remove(config_, ec);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& url() const { return url_; }
  int port() const { return port_; }
  bool running() const { return pid_ > 0; }

  // SIGKILL: the server vanishes as in a crash or a pulled cable.
  void kill() { stop(SIGKILL); }
  // Back on the same port, so a console keeps its configured URL.
  void restart() { start(port_); }

 private:
  void start(int port) {
    const char* bin = std::getenv("GATEHOUSE_PORTAL_BIN");
    if (!bin) throw std::runtime_error("GATEHOUSE_PORTAL_BIN is not set");
    // Everything the child needs is built before fork: after it, only exec.
    std::vector<std::string> args{bin,          "--config",           config_,
                                  "--port",     std::to_string(port), "--database-url",
                                  databaseUrl_, "--no-access-log",    "--workers",
                                  "2"};
    std::vector<std::string> envs = env_;
    for (char** e = environ; *e; ++e) envs.emplace_back(*e);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      ::execve(bin, argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out[1]);
    // The server prints "...: http://127.0.0.1:PORT/" once it listens.
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd pfd{out[0], POLLIN, 0};
      if (::poll(&pfd, 1, 200) <= 0) continue;
      char buf[256];
      const auto n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    const auto at = text.find("http://");
    if (at == std::string::npos) {
      stop(SIGKILL);
      throw std::runtime_error("the server did not start: " + text);
    }
    url_ = text.substr(at, text.find('/', at + 7) - at);
    port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
  }

  void stop(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::string databaseUrl_;
  std::vector<std::string> env_;
  std::string config_;
  pid_t pid_ = -1;
  std::string url_;
  int port_ = 0;
};

}  // namespace gatehouse::console::test
