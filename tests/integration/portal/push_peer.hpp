// The node push service (push_peer.js) as a child process, for tests and the push benchmark.
#pragma once
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace gatehouse::portal::testing {

// The node push service as a child process; it exits when its stdin closes.
class PushPeer {
  using json = nlohmann::json;

 public:
  PushPeer(std::string node = GATEHOUSE_NODE, std::string script = GATEHOUSE_PUSH_PEER) {
    char tmpl[] = "/tmp/gh-push-peer-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    int in[2], out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char* argv[] = {node.data(), script.data(), dir_.data(), nullptr};
    if (posix_spawn(&pid_, node.c_str(), &fa, nullptr, argv, environ) != 0)
      throw std::runtime_error("cannot start node");
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error("push peer did not start: " + line);
    control_ = j["control_port"].get<int>();
    ca_ = j["ca"].get<std::string>();
  }
  ~PushPeer() {
    ::close(stdin_);
    int st = 0;
    if (::waitpid(pid_, &st, 0) < 0) ::kill(pid_, SIGKILL);
    std::filesystem::remove_all(dir_);
  }
  const std::string& ca() const { return ca_; }
  json device(const std::string& name) { return call("/device?name=" + name); }
  json state() { return call("/received"); }
  json times() { return call("/times"); }
  std::vector<json> receivedBy(const std::string& device) {
    std::vector<json> out;
    json all = state();  // keep the document alive while iterating over it
    for (auto& m : all["received"])
      if (m["device"] == device) out.push_back(m);
    return out;
  }
  void release() { httplib::Client("127.0.0.1", control_).Post("/release"); }

 private:
  json call(const std::string& path) {
    httplib::Client c("127.0.0.1", control_);
    auto r = c.Get(path.c_str());
    if (!r) throw std::runtime_error("push peer unreachable");
    return json::parse(r->body);
  }
  std::string dir_;
  pid_t pid_ = 0;
  int stdin_ = -1;
  int control_ = 0;
  std::string ca_;
};

}  // namespace gatehouse::portal::testing
