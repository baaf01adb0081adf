// A private PostgreSQL cluster (scripts/pg-cluster) a test may stop fast, crash or restart at will.
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::faults {

inline std::string sourceDir() {
  const char* d = std::getenv("GATEHOUSE_SOURCE_DIR");
  return d ? d : FAULTS_SOURCE_DIR;
}

class FaultCluster {
 public:
  // The socket lives in the cluster's own folder, so the port number only names the socket file.
  FaultCluster() {
    char tmpl[] = "/tmp/gh-faults-pg-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::filesystem::permissions(dir_, std::filesystem::perms::all);
    if (!start()) throw std::runtime_error("pg-cluster start failed in " + dir_);
  }
  ~FaultCluster() {
    (void)run("stop");
    std::filesystem::remove_all(dir_);
  }
  FaultCluster(const FaultCluster&) = delete;
  FaultCluster& operator=(const FaultCluster&) = delete;

  bool start() { return run("start") == 0; }
  bool stopFast() { return run("stop") == 0; }
  bool crash() { return run("crash") == 0; }  // immediate stop: no shutdown checkpoint
  // After migrate: the app roles get passwords in dir()/pgpass, which url() names (passfile=).
  bool setPasswords() { return run("passwords") == 0; }
  std::string url(const std::string& db = "postgres", const std::string& user = "postgres") const {
    return "postgresql://" + user + "@/" + db + "?host=" + dir_ + "&port=" + std::to_string(port_) +
           "&passfile=" + dir_ + "/pgpass";
  }
  const std::string& dir() const { return dir_; }

 private:
  int run(const std::string& cmd) {
    const std::string line = sourceDir() + "/scripts/pg-cluster " + cmd + " " + dir_ +
                             (cmd == "start" ? " " + std::to_string(port_) : "") + " >/dev/null";
    return std::system(line.c_str());
  }
  std::string dir_;
  int port_ = 5432;
};

}  // namespace gatehouse::faults
